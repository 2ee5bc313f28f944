//! Every operation on an account as data: [`AccountCommand`].
//!
//! A command is what a host receives from its caller (a form, an HTTP body, a queue message)
//! and hands to [`AccountService::execute`](crate::AccountService::execute). Its JSON is a
//! public, snapshot-tested format: `{"type": "rename_user", "user": "…", "name": {…}}`.
//!
//! Ids of what a command creates (a user, a group, an app, a key, a payout account, a tenant)
//! are chosen by the caller and carried in the command, so a retried command creates the same
//! thing and the caller knows the id before it is stored. Secrets a command generates (an
//! initial or temporary password, a key value) come back once in
//! [`Executed::revealed`](crate::Executed::revealed); secrets a caller gives (a chosen
//! password, a bank account number, a TIN) are read from JSON but never written back out.

use std::fmt;

use chrono::{DateTime, Utc};
use partnerkit_access::{Grant, Principal};
use partnerkit_agreements::{AgreementId, AgreementVersion};
use partnerkit_core::{
    AccountId, AppId, CountryCode, Currency, DisplayName, EmailAddress, GroupId, KeyId,
    OwnerAccountId, PayoutAccountId, PersonName, PhoneNumber, PostalAddress, SecretString,
    SellerId, TenantId, Url, UserId,
};
use partnerkit_identity::{
    AccountType, CompanyApprover, DirectoryApp, DirectoryGroup, DirectoryUser, DomainLabel,
    DomainName, SellerContact, StepState, VerificationStep,
};
use partnerkit_payouts::{BankAccountNumber, BankAccountType, VerificationOutcome};
use partnerkit_tax::{ElectronicSignature, ForeignTin, ProfileDetails, TreatyClaim, UsTin};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::kind::CommandKind;

/// Declares [`AccountCommand`] exactly as written (every attribute, doc comment and serde
/// attribute passed through verbatim) and derives [`AccountCommand::kind`] from it: each
/// variant maps to the [`CommandKind`] variant of the same name, so the mapping cannot drift
/// and a new command needs no line of its own here (a variant without a kind of that name
/// does not compile).
macro_rules! commands_with_kind {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident $(( $($tuple:tt)* ))? $({ $($fields:tt)* })?
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $(
                $(#[$vmeta])*
                $variant $(( $($tuple)* ))? $({ $($fields)* })?,
            )*
        }

        impl $name {
            /// The command's kind.
            pub fn kind(&self) -> CommandKind {
                match self {
                    $($name::$variant { .. } => CommandKind::$variant,)*
                }
            }
        }
    };
}

commands_with_kind! {
/// Every operation on an account, as data (serde, tagged by `"type"`).
///
/// Who may ask for each is in one table ([`CommandKind::requirement`](crate::CommandKind::requirement)); what happens is
/// decided by the domain crates. Build commands directly or with the typed methods of
/// [`AccountService`](crate::AccountService), which are one-line constructors over
/// [`execute`](crate::AccountService::execute).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AccountCommand {
    /// Open the account with the IDs the marketplace assigned (rules ACC-1, ACC-2).
    OpenAccount(OpenAccount),
    /// Record the outcome of a verification step (rule ACC-1).
    RecordVerification {
        /// The step.
        step: VerificationStep,
        /// Its new state.
        state: StepState,
    },
    /// Change the publisher display name (rule ACC-3).
    ChangeDisplayName {
        /// The new name.
        display_name: DisplayName,
    },
    /// Set the seller contact (rule ACC-3).
    SetSellerContact {
        /// The contact.
        contact: SellerContact,
    },
    /// Set the company approver (rule ACC-3).
    SetCompanyApprover {
        /// The approver.
        approver: CompanyApprover,
    },
    /// Step one of associating an existing tenant (rule TEN-2).
    BeginTenantAssociation(TenantToAssociate),
    /// Step two: confirm the association (rule TEN-2). The tenant's first user, if one was
    /// named, joins with `grant` (on the account's first tenant: Manager, never Owner — rule
    /// ROL-8).
    ConfirmTenantAssociation {
        /// The tenant.
        tenant: TenantId,
        /// What the tenant's first user is given.
        #[serde(default)]
        grant: Option<Grant>,
    },
    /// Abandon a begun association (rule TEN-2).
    CancelTenantAssociation {
        /// The tenant.
        tenant: TenantId,
    },
    /// Create a tenant `LABEL.onmicrosoft.com` with its first global administrator (rule
    /// TEN-3). The administrator's initial password is revealed once.
    CreateTenant(NewTenant),
    /// Remove a tenant (rule TEN-4).
    RemoveTenant {
        /// The tenant.
        tenant: TenantId,
        /// The caller confirmed.
        confirmed: bool,
    },
    /// Add existing directory users of a tenant, all with one grant (rule USR-3).
    AddUsers {
        /// Their tenant.
        tenant: TenantId,
        /// The users.
        users: Vec<DirectoryUser>,
        /// What they are given.
        grant: Grant,
    },
    /// Create a user in a tenant and the account (rule USR-4). The initial password is
    /// revealed once.
    CreateUser(NewUser),
    /// Rename a user here and in its tenant (rule USR-4).
    RenameUser {
        /// The user.
        user: UserId,
        /// The new name.
        name: PersonName,
    },
    /// Invite 1–10 people by email as guests (rule USR-5).
    InviteGuests {
        /// The tenant they become guests of.
        tenant: TenantId,
        /// The addresses as typed: separated by commas or semicolons. Read only after the
        /// actor is authorised (rule X-2).
        emails: String,
        /// The guests' user ids, one per address, in order.
        guests: Vec<UserId>,
        /// What they are given once they accept.
        grant: Grant,
    },
    /// Send a pending invitation again (rule USR-5).
    ResendInvitation {
        /// The guest.
        user: UserId,
    },
    /// The invited guest accepts (rule USR-5).
    AcceptInvitation {
        /// The guest, who must be the actor.
        user: UserId,
    },
    /// Remove a user from the account (rule USR-7).
    RemoveUser {
        /// The user.
        user: UserId,
        /// The caller confirmed.
        confirmed: bool,
    },
    /// Reset a user's password (rule USR-8). The temporary password is revealed once.
    ResetPassword {
        /// The user.
        user: UserId,
    },
    /// The signed-in user sets their own password (rule USR-8). Kept only as a salted slow
    /// hash (rule X-6).
    ResetOwnPassword {
        /// The password they chose: at most
        /// [`MAX_PASSWORD_CHARS`](partnerkit_identity::MAX_PASSWORD_CHARS) characters, checked
        /// by identity's [`check_password_max`](partnerkit_identity::check_password_max)
        /// when the command is decided and, before that, when it is read from JSON.
        #[serde(deserialize_with = "chosen_password")]
        password: Password,
    },
    /// Add existing directory groups, all with one grant (rule GRP-1).
    AddGroups {
        /// Their tenant.
        tenant: TenantId,
        /// The groups.
        groups: Vec<DirectoryGroup>,
        /// What they are given.
        grant: Grant,
    },
    /// Create a group here and in the tenant (rule GRP-2).
    CreateGroup {
        /// Its tenant.
        tenant: TenantId,
        /// Its id, chosen by the caller.
        group: GroupId,
        /// Its display name.
        name: DisplayName,
        /// Its members.
        #[serde(default)]
        members: Vec<UserId>,
        /// What it is given.
        #[serde(default)]
        grant: Option<Grant>,
    },
    /// Add and remove group members (rules GRP-1, ROL-4, ROL-8).
    ChangeGroupMembers {
        /// The group.
        group: GroupId,
        /// Users to add.
        #[serde(default)]
        add: Vec<UserId>,
        /// Users to remove.
        #[serde(default)]
        remove: Vec<UserId>,
    },
    /// Remove a group (rule GRP-3).
    RemoveGroup {
        /// The group.
        group: GroupId,
        /// The caller confirmed.
        confirmed: bool,
    },
    /// Add existing directory apps, all with one grant (rule APP-1).
    AddApps {
        /// Their tenant.
        tenant: TenantId,
        /// The apps.
        apps: Vec<DirectoryApp>,
        /// What they are given.
        grant: Grant,
    },
    /// Create an app here and in the tenant (rule APP-2).
    CreateApp(NewApp),
    /// Remove apps, several at once (rule APP-3).
    RemoveApps {
        /// The apps.
        apps: Vec<AppId>,
        /// The caller confirmed.
        confirmed: bool,
    },
    /// Add a key to an app (rule APP-4). The key value is revealed once.
    AddAppKey {
        /// The app.
        app: AppId,
        /// The key's id, chosen by the caller.
        key: KeyId,
        /// When it expires: at most 24 months ahead.
        expires_at: DateTime<Utc>,
    },
    /// Delete an app key (rule APP-4).
    DeleteAppKey {
        /// The app.
        app: AppId,
        /// The key.
        key: KeyId,
    },
    /// Give principals a role or custom permissions (rules ROL-1..3, ROL-7, ROL-8).
    Grant {
        /// Who receives it.
        principals: Vec<Principal>,
        /// The grant.
        grant: Grant,
    },
    /// Take a grant back (rule USR-7).
    Revoke {
        /// From whom.
        principal: Principal,
        /// The grant.
        grant: Grant,
    },
    /// Replace a principal's grants: a change of role (rules USR-7, ROL-8).
    SetGrants {
        /// The principal.
        principal: Principal,
        /// Its grants from now on.
        grants: Vec<Grant>,
    },
    /// Accept the exact version of an agreement the signed-in user read (rules AGR-1, AGR-3).
    AcceptAgreement {
        /// The agreement.
        agreement: AgreementId,
        /// The version read.
        version: AgreementVersion,
    },
    /// Associate the owner account with an account that has none (rule PAY-1): only the
    /// marketplace, and only an owner account the host's registry shows free.
    AssociateOwnerAccount {
        /// The owner account (MSA).
        owner: OwnerAccountId,
    },
    /// Set or change the payout account (rules PAY-1..4).
    SetPayoutAccount {
        /// Its id, chosen by the caller.
        payout_account: PayoutAccountId,
        /// Bank or PayPal.
        method: PayoutMethodInput,
    },
    /// Record the marketplace's verification of a payout account (rule PAY-4).
    RecordPayoutVerification {
        /// The payout account.
        payout_account: PayoutAccountId,
        /// The outcome.
        outcome: VerificationOutcome,
    },
    /// Turn the payout hold on or off (rules PAY-6, PAY-7).
    SetPayoutHold {
        /// On or off.
        on: bool,
    },
    /// Start the tax profile (rule TAX-1).
    StartTaxProfile {
        /// Residence, citizenship, entity type.
        details: ProfileDetails,
    },
    /// Edit the tax profile (rule TAX-1).
    EditTaxProfile {
        /// Residence, citizenship, entity type.
        details: ProfileDetails,
    },
    /// Submit a signed W-9 (rule TAX-2).
    SubmitW9 {
        /// The form.
        form: W9Input,
    },
    /// Submit a signed W-8BEN (rules TAX-2, TAX-5).
    SubmitW8Ben {
        /// The form.
        form: W8Input,
    },
    /// Submit a signed W-8BEN-E (rule TAX-2).
    SubmitW8BenE {
        /// The form.
        form: W8Input,
    },
}
}

/// What opens an account: the publisher IDs the marketplace assigned (rule ACC-2), the
/// account type (rule ACC-1), and where it is registered (rule PAY-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpenAccount {
    /// The account id.
    pub account: AccountId,
    /// The seller ID.
    pub seller_id: SellerId,
    /// Company or individual.
    pub account_type: AccountType,
    /// The publisher display name.
    pub display_name: DisplayName,
    /// The owner account (MSA) that opened it, if known now.
    #[serde(default)]
    pub owner: Option<OwnerAccountId>,
    /// The country or region of registration: payout accounts must be there (rule PAY-3).
    pub country: CountryCode,
    /// The currency payouts are made in.
    pub currency: Currency,
}

/// The first step of associating an existing tenant (rule TEN-2): what the user reviewed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TenantToAssociate {
    /// The tenant's directory id.
    pub tenant: TenantId,
    /// Its organisation name, as the directory reports it.
    pub organization: DisplayName,
    /// Its domain name.
    pub domain: DomainName,
    /// True if it synchronises from an on-premises directory (rule USR-6).
    #[serde(default)]
    pub synced_from_on_premises: bool,
    /// The user who signed in to it, who joins the account on confirmation.
    #[serde(default)]
    pub first_user: Option<DirectoryUser>,
}

/// A tenant to create (rule TEN-3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewTenant {
    /// The new tenant's id, chosen by the caller.
    pub tenant: TenantId,
    /// The domain label: the tenant is `LABEL.onmicrosoft.com`.
    pub label: DomainLabel,
    /// The tenant's contact email.
    pub contact_email: EmailAddress,
    /// The first global administrator's user id, chosen by the caller.
    pub admin: UserId,
    /// The first global administrator's name.
    pub admin_name: PersonName,
    /// The first global administrator's user name, in the new domain.
    pub admin_username: EmailAddress,
    /// What the administrator is given in the account, if anything.
    #[serde(default)]
    pub grant: Option<Grant>,
}

/// A user to create in a tenant (rule USR-4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(
    feature = "schema",
    derive(schemars::JsonSchema),
    // A global administrator needs an address for password resets (rule USR-8).
    schemars(extend(
        "if" = { "properties": { "global_admin": { "const": true } }, "required": ["global_admin"] },
        "then" = { "properties": { "reset_email": { "type": "string" } }, "required": ["reset_email"] }
    ))
)]
pub struct NewUser {
    /// The tenant.
    pub tenant: TenantId,
    /// The user's id, chosen by the caller.
    pub user: UserId,
    /// First and last name.
    pub name: PersonName,
    /// User name (sign-in address) in the tenant's domain.
    pub username: EmailAddress,
    /// Make them a global administrator of the directory (needs `reset_email`).
    #[serde(default)]
    pub global_admin: bool,
    /// Where password resets are sent (rule USR-8).
    #[serde(default)]
    pub reset_email: Option<EmailAddress>,
    /// Groups to put them in (rule ROL-8: the actor must hold what those groups give).
    #[serde(default)]
    pub groups: Vec<GroupId>,
    /// What they are given, if anything.
    #[serde(default)]
    pub grant: Option<Grant>,
}

/// An app to create in a tenant (rule APP-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NewApp {
    /// The tenant.
    pub tenant: TenantId,
    /// The app's id (its client ID), chosen by the caller.
    pub app: AppId,
    /// Display name.
    pub name: DisplayName,
    /// Reply URL, unique in the directory.
    pub reply_url: Url,
    /// App ID URI, unique in the directory.
    pub app_id_uri: Url,
    /// What it is given, if anything.
    #[serde(default)]
    pub grant: Option<Grant>,
}

/// A payout method as the owner account enters it (rule PAY-2).
#[allow(clippy::large_enum_variant)] // a short-lived input value; its JSON form stays flat
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PayoutMethodInput {
    /// A bank account.
    Bank {
        /// Checking or savings.
        account_type: BankAccountType,
        /// The account holder's name.
        holder: DisplayName,
        /// The full account number (or IBAN), checked when read: masked as soon as it is
        /// decided (rule X-4).
        account_number: BankAccountNumber,
        /// The routing number (or BIC) as written.
        routing_number: String,
        /// The billing address.
        billing_address: PostalAddress,
        /// A phone number.
        phone: PhoneNumber,
    },
    /// A PayPal account, where PayPal is supported (rule PAY-2).
    PayPal {
        /// The PayPal email.
        email: EmailAddress,
    },
}

/// A signed W-9 as entered (rule TAX-2).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct W9Input {
    /// Name as shown on the income tax return.
    pub name: DisplayName,
    /// SSN, ITIN or EIN, checked when read. Kept only masked (rule X-4).
    pub tin: UsTin,
    /// The electronic signature.
    pub signature: ElectronicSignature,
}

/// A signed W-8BEN or W-8BEN-E as entered (rules TAX-2, TAX-3, TAX-5).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct W8Input {
    /// The beneficial owner's name.
    pub name: DisplayName,
    /// The foreign TIN, if given. Kept only masked (rule X-4).
    #[serde(default)]
    pub foreign_tin: Option<ForeignTin>,
    /// The treaty claim, if any.
    #[serde(default)]
    pub treaty_claim: Option<TreatyClaim>,
    /// The electronic signature.
    pub signature: ElectronicSignature,
}

/// A secret a caller gives in a command: a chosen password. (Account numbers and TINs have
/// their own checked secret types, `BankAccountNumber`, `UsTin` and `ForeignTin`.)
///
/// Read from JSON as a plain string; written back out only as `"[REDACTED]"`, and printed as
/// `[REDACTED]` (rule X-4). A command that went out through JSON therefore cannot be replayed
/// with its secret: secrets are input only.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(pub SecretString);

impl Password {
    /// Wraps a secret.
    pub fn new(secret: impl Into<SecretString>) -> Self {
        Password(secret.into())
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[REDACTED]")
    }
}

impl Serialize for Password {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str("[REDACTED]")
    }
}

impl<'de> Deserialize<'de> for Password {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(Password(SecretString::from(s)))
    }
}

/// Its wire form: a string, read as given and written back only as `"[REDACTED]"`.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Password {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Password".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "password",
            "description": "A secret, input only: written back as \"[REDACTED]\" (rule X-4)."
        })
    }
}

/// Reads a password a user chose, refusing one longer than identity allows (rule USR-8) with
/// identity's own check and message, so an oversized password never gets as far as a
/// decision.
fn chosen_password<'de, D: Deserializer<'de>>(d: D) -> Result<Password, D::Error> {
    let password = Password::deserialize(d)?;
    partnerkit_identity::check_password_max(&password.0).map_err(serde::de::Error::custom)?;
    Ok(password)
}
