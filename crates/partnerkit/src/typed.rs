//! Typed convenience methods: each builds one [`AccountCommand`](crate::AccountCommand) and calls
//! [`AccountService::execute`]. Nothing else happens here.

use chrono::{DateTime, Utc};
use partnerkit_access::{Grant, Principal};
use partnerkit_agreements::{AgreementId, AgreementVersion};
use partnerkit_core::{
    AccountId, AppId, Context, DisplayName, GroupId, KeyId, OwnerAccountId, PayoutAccountId,
    PersonName, SecretString, TenantId, UserId,
};
use partnerkit_identity::{
    CompanyApprover, DirectoryApp, DirectoryGroup, DirectoryUser, SellerContact, StepState,
    VerificationStep,
};
use partnerkit_payouts::VerificationOutcome;
use partnerkit_tax::ProfileDetails;

use crate::command::{
    AccountCommand as C, NewApp, NewTenant, NewUser, OpenAccount, Password, PayoutMethodInput,
    TenantToAssociate, W8Input, W9Input,
};
use crate::error::Error;
use crate::service::{AccountService, Executed};
use crate::store::AccountStore;

type Result = std::result::Result<Executed, Error>;

impl<S: AccountStore> AccountService<S> {
    /// [`C::OpenAccount`]: only the marketplace (rules ACC-1, ACC-2).
    pub fn open_account(&self, ctx: &Context<'_>, open: OpenAccount) -> Result {
        self.execute(open.account, ctx, C::OpenAccount(open))
    }

    /// [`C::RecordVerification`]: only the marketplace (rule ACC-1).
    pub fn record_verification(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        step: VerificationStep,
        state: StepState,
    ) -> Result {
        self.execute(account, ctx, C::RecordVerification { step, state })
    }

    /// [`C::ChangeDisplayName`]: needs `manage_contact_info` (rule ACC-3).
    pub fn change_display_name(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        display_name: DisplayName,
    ) -> Result {
        self.execute(account, ctx, C::ChangeDisplayName { display_name })
    }

    /// [`C::SetSellerContact`]: needs `manage_contact_info` (rule ACC-3).
    pub fn set_seller_contact(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        contact: SellerContact,
    ) -> Result {
        self.execute(account, ctx, C::SetSellerContact { contact })
    }

    /// [`C::SetCompanyApprover`]: needs `manage_contact_info` (rule ACC-3).
    pub fn set_company_approver(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        approver: CompanyApprover,
    ) -> Result {
        self.execute(account, ctx, C::SetCompanyApprover { approver })
    }

    /// [`C::BeginTenantAssociation`] (rule TEN-2).
    pub fn begin_tenant_association(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantToAssociate,
    ) -> Result {
        self.execute(account, ctx, C::BeginTenantAssociation(tenant))
    }

    /// [`C::ConfirmTenantAssociation`] (rules TEN-2, ROL-8).
    pub fn confirm_tenant_association(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        grant: Option<Grant>,
    ) -> Result {
        self.execute(account, ctx, C::ConfirmTenantAssociation { tenant, grant })
    }

    /// [`C::CancelTenantAssociation`] (rule TEN-2).
    pub fn cancel_tenant_association(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
    ) -> Result {
        self.execute(account, ctx, C::CancelTenantAssociation { tenant })
    }

    /// [`C::CreateTenant`]: needs `manage_tenants` (rule TEN-3).
    pub fn create_tenant(&self, account: AccountId, ctx: &Context<'_>, t: NewTenant) -> Result {
        self.execute(account, ctx, C::CreateTenant(t))
    }

    /// [`C::RemoveTenant`]: needs `manage_tenants` (rule TEN-4).
    pub fn remove_tenant(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        confirmed: bool,
    ) -> Result {
        self.execute(account, ctx, C::RemoveTenant { tenant, confirmed })
    }

    /// [`C::AddUsers`]: needs `manage_users` and what the grant gives (rules USR-3, ROL-8).
    pub fn add_users(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        users: Vec<DirectoryUser>,
        grant: Grant,
    ) -> Result {
        let cmd = C::AddUsers {
            tenant,
            users,
            grant,
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::CreateUser`]: needs `manage_users` (rules USR-4, ROL-8).
    pub fn create_user(&self, account: AccountId, ctx: &Context<'_>, user: NewUser) -> Result {
        self.execute(account, ctx, C::CreateUser(user))
    }

    /// [`C::RenameUser`]: needs `manage_users` (rule USR-4).
    pub fn rename_user(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        user: UserId,
        name: PersonName,
    ) -> Result {
        self.execute(account, ctx, C::RenameUser { user, name })
    }

    /// [`C::InviteGuests`]: needs `manage_users` (rule USR-5).
    pub fn invite_guests(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        emails: &str,
        guests: Vec<UserId>,
        grant: Grant,
    ) -> Result {
        let emails = emails.to_owned();
        let cmd = C::InviteGuests {
            tenant,
            emails,
            guests,
            grant,
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::ResendInvitation`]: needs `manage_users` (rule USR-5).
    pub fn resend_invitation(&self, account: AccountId, ctx: &Context<'_>, user: UserId) -> Result {
        self.execute(account, ctx, C::ResendInvitation { user })
    }

    /// [`C::AcceptInvitation`]: the guest themselves (rule USR-5).
    pub fn accept_invitation(&self, account: AccountId, ctx: &Context<'_>, user: UserId) -> Result {
        self.execute(account, ctx, C::AcceptInvitation { user })
    }

    /// [`C::RemoveUser`]: needs `manage_users` (rule USR-7).
    pub fn remove_user(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        user: UserId,
        confirmed: bool,
    ) -> Result {
        self.execute(account, ctx, C::RemoveUser { user, confirmed })
    }

    /// [`C::ResetPassword`]: needs `manage_users` (rule USR-8).
    pub fn reset_password(&self, account: AccountId, ctx: &Context<'_>, user: UserId) -> Result {
        self.execute(account, ctx, C::ResetPassword { user })
    }

    /// [`C::ResetOwnPassword`]: the signed-in user (rules USR-8, X-6).
    pub fn reset_own_password(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        password: SecretString,
    ) -> Result {
        let password = Password(password);
        self.execute(account, ctx, C::ResetOwnPassword { password })
    }

    /// [`C::AddGroups`]: needs `manage_groups` and what the grant gives (rules GRP-1, ROL-8).
    pub fn add_groups(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        groups: Vec<DirectoryGroup>,
        grant: Grant,
    ) -> Result {
        let cmd = C::AddGroups {
            tenant,
            groups,
            grant,
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::CreateGroup`]: needs `manage_groups` (rules GRP-2, ROL-8).
    #[allow(clippy::too_many_arguments)]
    pub fn create_group(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        group: GroupId,
        name: DisplayName,
        members: Vec<UserId>,
        grant: Option<Grant>,
    ) -> Result {
        let cmd = C::CreateGroup {
            tenant,
            group,
            name,
            members,
            grant,
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::ChangeGroupMembers`]: needs `manage_groups` and what the group gives (rule ROL-8).
    pub fn change_group_members(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        group: GroupId,
        add: Vec<UserId>,
        remove: Vec<UserId>,
    ) -> Result {
        self.execute(account, ctx, C::ChangeGroupMembers { group, add, remove })
    }

    /// [`C::RemoveGroup`]: needs `manage_groups` (rule GRP-3).
    pub fn remove_group(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        group: GroupId,
        confirmed: bool,
    ) -> Result {
        self.execute(account, ctx, C::RemoveGroup { group, confirmed })
    }

    /// [`C::AddApps`]: needs `manage_apps` and what the grant gives (rules APP-1, ROL-8).
    pub fn add_apps(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        tenant: TenantId,
        apps: Vec<DirectoryApp>,
        grant: Grant,
    ) -> Result {
        self.execute(
            account,
            ctx,
            C::AddApps {
                tenant,
                apps,
                grant,
            },
        )
    }

    /// [`C::CreateApp`]: needs `manage_apps` (rule APP-2).
    pub fn create_app(&self, account: AccountId, ctx: &Context<'_>, app: NewApp) -> Result {
        self.execute(account, ctx, C::CreateApp(app))
    }

    /// [`C::RemoveApps`]: needs `manage_apps` (rule APP-3).
    pub fn remove_apps(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        apps: Vec<AppId>,
        confirmed: bool,
    ) -> Result {
        self.execute(account, ctx, C::RemoveApps { apps, confirmed })
    }

    /// [`C::AddAppKey`]: needs `manage_app_keys` (rule APP-4).
    pub fn add_app_key(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        app: AppId,
        key: KeyId,
        expires_at: DateTime<Utc>,
    ) -> Result {
        let cmd = C::AddAppKey {
            app,
            key,
            expires_at,
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::DeleteAppKey`]: needs `manage_app_keys` (rule APP-4).
    pub fn delete_app_key(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        app: AppId,
        key: KeyId,
    ) -> Result {
        self.execute(account, ctx, C::DeleteAppKey { app, key })
    }

    /// [`C::Grant`] (rules ROL-1..3, ROL-7, ROL-8).
    pub fn grant(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        principals: Vec<Principal>,
        grant: Grant,
    ) -> Result {
        self.execute(account, ctx, C::Grant { principals, grant })
    }

    /// [`C::Revoke`] (rule USR-7).
    pub fn revoke(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        principal: Principal,
        grant: Grant,
    ) -> Result {
        self.execute(account, ctx, C::Revoke { principal, grant })
    }

    /// [`C::SetGrants`] (rules USR-7, ROL-8).
    pub fn set_grants(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        principal: Principal,
        grants: Vec<Grant>,
    ) -> Result {
        self.execute(account, ctx, C::SetGrants { principal, grants })
    }

    /// [`C::AcceptAgreement`]: a signed-in user holding `accept_agreements` (rules AGR-1,
    /// AGR-3).
    pub fn accept_agreement(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        agreement: &AgreementId,
        version: &AgreementVersion,
    ) -> Result {
        let cmd = C::AcceptAgreement {
            agreement: agreement.clone(),
            version: version.clone(),
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::AssociateOwnerAccount`]: only the marketplace (rule PAY-1).
    pub fn associate_owner_account(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        owner: OwnerAccountId,
    ) -> Result {
        self.execute(account, ctx, C::AssociateOwnerAccount { owner })
    }

    /// [`C::SetPayoutAccount`]: only the owner account (rules PAY-1..4).
    pub fn set_payout_account(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        payout_account: PayoutAccountId,
        method: PayoutMethodInput,
    ) -> Result {
        let cmd = C::SetPayoutAccount {
            payout_account,
            method,
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::RecordPayoutVerification`]: only the marketplace (rule PAY-4).
    pub fn record_payout_verification(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        payout_account: PayoutAccountId,
        outcome: VerificationOutcome,
    ) -> Result {
        let cmd = C::RecordPayoutVerification {
            payout_account,
            outcome,
        };
        self.execute(account, ctx, cmd)
    }

    /// [`C::SetPayoutHold`]: only the owner account (rules PAY-1, PAY-6, PAY-7).
    pub fn set_payout_hold(&self, account: AccountId, ctx: &Context<'_>, on: bool) -> Result {
        self.execute(account, ctx, C::SetPayoutHold { on })
    }

    /// [`C::StartTaxProfile`]: only the owner account (rule TAX-1).
    pub fn start_tax_profile(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        details: ProfileDetails,
    ) -> Result {
        self.execute(account, ctx, C::StartTaxProfile { details })
    }

    /// [`C::EditTaxProfile`]: only the owner account (rule TAX-1).
    pub fn edit_tax_profile(
        &self,
        account: AccountId,
        ctx: &Context<'_>,
        details: ProfileDetails,
    ) -> Result {
        self.execute(account, ctx, C::EditTaxProfile { details })
    }

    /// [`C::SubmitW9`]: only the owner account (rule TAX-2).
    pub fn submit_w9(&self, account: AccountId, ctx: &Context<'_>, form: W9Input) -> Result {
        self.execute(account, ctx, C::SubmitW9 { form })
    }

    /// [`C::SubmitW8Ben`]: only the owner account (rules TAX-2, TAX-5).
    pub fn submit_w8ben(&self, account: AccountId, ctx: &Context<'_>, form: W8Input) -> Result {
        self.execute(account, ctx, C::SubmitW8Ben { form })
    }

    /// [`C::SubmitW8BenE`]: only the owner account (rule TAX-2).
    pub fn submit_w8ben_e(&self, account: AccountId, ctx: &Context<'_>, form: W8Input) -> Result {
        self.execute(account, ctx, C::SubmitW8BenE { form })
    }
}
