//! One command of every kind, with data naming the fixture's principals: what the one-refusal
//! check (rule X-2) asks `authorize_command` about for actors who cannot sign in.

use std::collections::BTreeSet;
use std::fmt::Display;

use chrono::{DateTime, Duration, Utc};
use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::agreements::{AgreementId, AgreementVersion};
use partnerkit::core::{
    AccountId, CountryCode, Currency, DisplayName, EmailAddress, PersonName, PhoneNumber,
    PostalAddress, SellerId, Url,
};
use partnerkit::identity::{
    AccountType, CompanyApprover, DirectoryApp, DirectoryGroup, DirectoryUser, DomainLabel,
    DomainName, SellerContact, StepState, VerificationStep,
};
use partnerkit::payouts::VerificationOutcome;
use partnerkit::{
    AccountCommand as C, CommandKind, NewApp, NewTenant, NewUser, OpenAccount, Password,
    PayoutMethodInput, TenantToAssociate,
};

use super::{Cast, uuid};

fn ok<T, E: Display>(what: &str, r: Result<T, E>) -> Result<T, String> {
    r.map_err(|e| format!("sample {what}: {e}"))
}

/// A sample display name.
fn name(s: &str) -> Result<DisplayName, String> {
    ok("name", DisplayName::new(s))
}

/// A sample email address.
fn email(s: &str) -> Result<EmailAddress, String> {
    ok("email", EmailAddress::new(s))
}

/// A sample person, surnamed Sample.
fn person(s: &str) -> Result<PersonName, String> {
    ok("person", PersonName::new(s, "Sample"))
}

/// A command of every kind but `accept_invitation` (which names its actor, so the check
/// makes it per actor), checked to cover [`CommandKind::ALL`]; made by area, in the order
/// the kinds are declared.
///
/// # Errors
/// A kind without a sample, or data a constructor refused.
pub(super) fn every_kind(
    account: AccountId,
    c: &Cast,
    now: DateTime<Utc>,
) -> Result<Vec<C>, String> {
    // The first user of a tenant associated, and a user added.
    let dir_user = DirectoryUser {
        user: uuid(901),
        name: person("Finn")?,
        username: email("finn@contoso.com")?,
        global_admin: true,
    };
    let mut samples = account_samples(account, c, dir_user.clone())?;
    samples.extend(user_samples(c, dir_user)?);
    samples.extend(group_and_app_samples(c, now)?);
    samples.extend(grant_and_setting_samples(c)?);
    let have: BTreeSet<CommandKind> = samples.iter().map(C::kind).collect();
    for kind in CommandKind::ALL {
        if *kind != CommandKind::AcceptInvitation && !have.contains(kind) {
            return Err(format!(
                "the simulator has no sample {kind} command for the one-refusal check: add one"
            ));
        }
    }
    Ok(samples)
}

/// The account's own commands and its tenants': open, verify, profile, contacts, associate,
/// create and remove tenants.
fn account_samples(
    account: AccountId,
    c: &Cast,
    first_user: DirectoryUser,
) -> Result<Vec<C>, String> {
    let phone = ok("phone", PhoneNumber::new("+14255550100"))?;
    let address = ok(
        "address",
        PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
            .postal_code("98052")
            .build(),
    )?;
    Ok(vec![
        C::OpenAccount(OpenAccount {
            account,
            seller_id: ok("seller id", SellerId::new("91234567"))?,
            account_type: AccountType::Company,
            display_name: name("Sample")?,
            owner: Some(uuid(902)),
            country: CountryCode::US,
            currency: Currency::USD,
        }),
        C::RecordVerification {
            step: VerificationStep::Email,
            state: StepState::Verified,
        },
        C::ChangeDisplayName {
            display_name: name("Taken Over")?,
        },
        C::SetSellerContact {
            contact: SellerContact {
                name: person("Sam")?,
                email: email("sam@contoso.com")?,
                phone: phone.clone(),
                address,
            },
        },
        C::SetCompanyApprover {
            approver: CompanyApprover {
                name: person("Sam")?,
                email: email("sam@contoso.com")?,
                phone,
            },
        },
        C::BeginTenantAssociation(TenantToAssociate {
            tenant: uuid(903),
            organization: name("Northwind")?,
            domain: ok("domain", DomainName::new("northwind.com"))?,
            synced_from_on_premises: false,
            first_user: Some(first_user),
        }),
        C::ConfirmTenantAssociation {
            tenant: c.t2,
            grant: Some(Grant::Role(Role::Owner)),
        },
        C::CancelTenantAssociation { tenant: c.t2 },
        C::CreateTenant(NewTenant {
            tenant: uuid(904),
            label: ok("label", DomainLabel::new("sampleapps"))?,
            contact_email: email("it@sample.com")?,
            admin: uuid(905),
            admin_name: person("Ada")?,
            admin_username: email("ada@sampleapps.onmicrosoft.com")?,
            grant: Some(Grant::Role(Role::Manager)),
        }),
        C::RemoveTenant {
            tenant: c.t1,
            confirmed: true,
        },
    ])
}

/// The directory users' commands: add, create, rename, invite, resend, remove, reset.
fn user_samples(c: &Cast, dir_user: DirectoryUser) -> Result<Vec<C>, String> {
    let manage_users = ok("grant", Grant::custom([Permission::ManageUsers]))?;
    Ok(vec![
        C::AddUsers {
            tenant: c.t1,
            users: vec![dir_user],
            grant: Grant::Role(Role::Manager),
        },
        C::CreateUser(NewUser {
            tenant: c.t1,
            user: uuid(906),
            name: person("Gus")?,
            username: email("gus@contoso.com")?,
            global_admin: true,
            reset_email: None,
            groups: vec![c.owners],
            grant: Some(Grant::Role(Role::Manager)),
        }),
        C::RenameUser {
            user: c.alice,
            name: person("Mallory")?,
        },
        C::InviteGuests {
            tenant: c.t1,
            emails: "eve@outlook.com".into(),
            guests: vec![uuid(907)],
            grant: manage_users,
        },
        C::ResendInvitation { user: c.guest },
        C::RemoveUser {
            user: c.alice,
            confirmed: true,
        },
        C::ResetPassword { user: c.alice },
        C::ResetOwnPassword {
            password: Password::new("a long chosen passphrase"),
        },
    ])
}

/// The groups' and apps' commands, keys included.
fn group_and_app_samples(c: &Cast, now: DateTime<Utc>) -> Result<Vec<C>, String> {
    Ok(vec![
        C::AddGroups {
            tenant: c.t1,
            groups: vec![DirectoryGroup {
                group: uuid(908),
                name: name("Testers")?,
                members: vec![c.alice],
            }],
            grant: Grant::Role(Role::Developer),
        },
        C::CreateGroup {
            tenant: c.t1,
            group: uuid(909),
            name: name("Writers")?,
            members: vec![c.dev],
            grant: Some(Grant::Role(Role::Manager)),
        },
        C::ChangeGroupMembers {
            group: c.owners,
            add: vec![c.dev],
            remove: Vec::new(),
        },
        C::RemoveGroup {
            group: c.owners,
            confirmed: true,
        },
        C::AddApps {
            tenant: c.t1,
            apps: vec![DirectoryApp {
                app: uuid(910),
                name: name("Importer")?,
                reply_url: None,
                app_id_uri: None,
            }],
            grant: Grant::Role(Role::Manager),
        },
        C::CreateApp(NewApp {
            tenant: c.t1,
            app: uuid(911),
            name: name("Exporter")?,
            reply_url: ok("url", Url::new("https://exporter.contoso.com/"))?,
            app_id_uri: ok("url", Url::new("https://contoso.com/exporter"))?,
            grant: Some(Grant::Role(Role::Manager)),
        }),
        C::RemoveApps {
            apps: vec![c.mgr_app],
            confirmed: true,
        },
        C::AddAppKey {
            app: c.mgr_app,
            key: uuid(912),
            expires_at: now + Duration::days(90),
        },
        C::DeleteAppKey {
            app: c.mgr_app,
            key: uuid(912),
        },
    ])
}

/// Grants, then the owner account's settings: agreements, payouts, tax.
fn grant_and_setting_samples(c: &Cast) -> Result<Vec<C>, String> {
    let details: partnerkit::tax::ProfileDetails = ok(
        "tax profile",
        serde_json::from_value(serde_json::json!({
            "residence": "US", "citizenship": "US", "entity_type": "entity"
        })),
    )?;
    let w9: partnerkit::W9Input = ok(
        "W-9",
        serde_json::from_value(serde_json::json!({
            "name": "Sample Apps", "tin": "12-3456789",
            "signature": {"signer": "Alice Sim", "signed_on": "2027-01-05"}
        })),
    )?;
    let w8: partnerkit::W8Input = ok(
        "W-8",
        serde_json::from_value(serde_json::json!({
            "name": "Sample Apps",
            "signature": {"signer": "Alice Sim", "signed_on": "2027-01-05"}
        })),
    )?;
    Ok(vec![
        C::Grant {
            principals: vec![Principal::User(c.dev)],
            grant: Grant::Role(Role::Owner),
        },
        C::Revoke {
            principal: Principal::User(c.alice),
            grant: Grant::Role(Role::Manager),
        },
        C::SetGrants {
            principal: Principal::Group(c.owners),
            grants: Vec::new(),
        },
        C::AcceptAgreement {
            agreement: ok(
                "agreement",
                AgreementId::new("marketplace-publisher-agreement"),
            )?,
            version: ok("version", AgreementVersion::new("2027-01"))?,
        },
        C::AssociateOwnerAccount { owner: uuid(913) },
        C::SetPayoutAccount {
            payout_account: uuid(914),
            method: PayoutMethodInput::PayPal {
                email: email("pay@contoso.com")?,
            },
        },
        C::RecordPayoutVerification {
            payout_account: uuid(914),
            outcome: VerificationOutcome::Verified,
        },
        C::SetPayoutHold { on: true },
        C::StartTaxProfile { details },
        C::EditTaxProfile { details },
        C::SubmitW9 { form: w9 },
        C::SubmitW8Ben { form: w8.clone() },
        C::SubmitW8BenE { form: w8 },
    ])
}
