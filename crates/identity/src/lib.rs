//! Who the publisher is and who may use its account: profile and verification, tenants,
//! users, groups, apps and keys, as pure deciders.
//!
//! ```
//! use partnerkit_core::{uuid::Uuid, Actor, Context, Decider, SequentialIds, TenantId, UserId};
//! use partnerkit_core::chrono::{TimeZone, Utc};
//! use partnerkit_identity::{Account, AccountType, Command, DirectoryUser, Event, Identity};
//!
//! let ids = SequentialIds::starting_after(1000);
//! let now = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap();
//! let mut account = Account::default();
//!
//! // The marketplace opens the account with the publisher IDs it assigned (rule ACC-2).
//! let marketplace = Context::new(now, Actor::Marketplace, &ids);
//! Identity::execute(&mut account, Command::OpenAccount {
//!     account: marketplace.new_id(),
//!     seller_id: "91234567".parse()?,
//!     account_type: AccountType::Company,
//!     display_name: "Contoso Apps".parse()?,
//! }, &marketplace)?;
//!
//! // Ann, a global administrator of contoso.com, authenticated to it (the host's job); the
//! // owner account associates it in two steps, and Ann becomes its first user (TEN-2). Before
//! // the account has a tenant no user can sign in, so no user associates the first one.
//! let tenant = TenantId::from_uuid(Uuid::from_u128(1));
//! let admin = UserId::from_uuid(Uuid::from_u128(2));
//! let as_owner = Context::new(now, Actor::OwnerAccount { owner: marketplace.new_id() }, &ids);
//! Identity::execute(&mut account, Command::BeginTenantAssociation {
//!     tenant,
//!     organization: "Contoso Ltd".parse()?,
//!     domain: "contoso.com".parse()?,
//!     synced_from_on_premises: false,
//!     first_user: Some(DirectoryUser {
//!         user: admin,
//!         name: partnerkit_core::PersonName::new("Ann", "Lind")?,
//!         username: "ann@contoso.com".parse()?,
//!         global_admin: true,
//!     }),
//! }, &as_owner)?;
//! assert!(account.tenant(tenant).is_none()); // nothing is associated before confirmation
//! Identity::execute(&mut account, Command::ConfirmTenantAssociation { tenant }, &as_owner)?;
//! assert!(account.can_sign_in(&Actor::User { tenant, user: admin }));
//!
//! // Signed in from contoso.com, Ann invites two guests (rule USR-5); they get no access
//! // until they accept.
//! let as_admin = Context::new(now, Actor::User { tenant, user: admin }, &ids);
//! let events = Identity::execute(&mut account, Command::InviteGuests { guests: Vec::new(),
//!     tenant,
//!     invitees: "bo@fabrikam.com; cy@fabrikam.com".parse()?,
//! }, &as_admin)?;
//! let Some(Event::GuestInvited { user: bo, .. }) = events.first() else { unreachable!() };
//! assert!(!account.can_sign_in(&Actor::User { tenant, user: *bo }));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! [`Identity`] implements [`partnerkit_core::Decider`]: `decide(&Account, Command, &Context)`
//! returns the [`Event`]s a [`Command`] causes or an [`Error`] and no change (rule X-3);
//! `apply` folds events into the [`Account`], which is rebuilt from events alone. Every
//! change is an event (rule X-1). The crate performs no I/O, reads no clock and draws no
//! randomness: time, actor and fresh ids come from the
//! [`Context`](partnerkit_core::Context) (rule X-5).
//!
//! Account roles and permissions (Manager, Developer, custom permissions: rules ROL-*, TEN-1,
//! USR-3) are not here: the access crate keeps them and the facade checks them before a
//! command reaches this crate. Commands carry no roles; the events name every principal
//! concerned, so the access crate can grant or drop permissions from them. This crate checks
//! what it knows: who can sign in (USR-1), who is signed in from which tenant (USR-2), who is
//! a global administrator of a directory (USR-4, USR-5, USR-8: a directory role, rule ROL-5).
//!
//! # Account profile (ACC)
//!
//! [`Command::OpenAccount`] (marketplace only) sets the publisher IDs, which no command can
//! change afterwards ([`Account::publisher_ids`], rule ACC-2).
//! [`Command::RecordVerification`] records each step; [`Profile::status`] derives the
//! [`AccountStatus`]: company accounts need email, employment and business verification,
//! individual ones email only; a rejected step means action is needed (ACC-1). Contact info
//! uses core's validated types ([`SellerContact`], [`CompanyApprover`], rule ACC-3).
//! [`sell_readiness`] lists what the identity part still lacks before paid offers (ACC-4).
//!
//! # Tenants (TEN)
//!
//! An account may have several tenants (TEN-1). Associating one takes two steps,
//! [`Command::BeginTenantAssociation`] then [`Command::ConfirmTenantAssociation`] (or
//! cancel), and nothing is associated before confirmation (TEN-2).
//! [`Command::CreateTenant`] makes `NAME.onmicrosoft.com` ([`DomainLabel`]) with a contact
//! email and its first global administrator (TEN-3). [`Command::RemoveTenant`] needs
//! confirmation, is refused from the tenant one is signed in from, and for the only tenant
//! is allowed to the owner account alone (an [`Actor::OwnerAccount`](partnerkit_core::Actor::OwnerAccount)
//! is trusted to be the account's signed-in owner: the facade checks that before a command
//! reaches this crate, which keeps no copy of the owner); its [`Event::TenantRemoved`] lists every user,
//! group and app that lost sign-in and grants (TEN-4).
//!
//! # Users (USR)
//!
//! [`Account::can_sign_in`] is rule USR-1; [`Account::principal_changes`] tells the access
//! crate which principals an event added, changed or dropped. Managing a tenant's users, groups and apps needs a
//! user signed in from that tenant (USR-2). Existing users are added in one step and one
//! event (USR-3); creating users (USR-4) and inviting 1–10 guests ([`Invitees`], USR-5) needs
//! a global administrator; a tenant synchronised from on-premises refuses creation of users,
//! groups and apps (USR-6); only users added through the account can be removed (USR-7).
//! Passwords (USR-8) arrive as [`SecretString`](partnerkit_core::SecretString)s generated by
//! the caller, who shows them once; events and state keep only fingerprints of generated
//! passwords and salted Argon2id hashes of chosen ones ([`StoredPassword`], X-4, X-6).
//!
//! # Groups and apps (GRP, APP)
//!
//! Groups are added or created with members, changed and removed (GRP-1..3); every member
//! of an account group can sign in. Apps are added or created with a reply URL and App ID URI
//! unique in the directory (APP-1..3). Keys live at most 24 months, are listed without their
//! value, and [`App::active_keys`] leaves out expired ones (APP-4).
//!
//! # Confirmations
//!
//! Removals of tenants, users, groups and apps carry `confirmed: bool`; `false` is refused
//! with [`Error::NotConfirmed`], so a host cannot forget to ask.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod account;
mod changes;
mod command;
mod decide;
mod directory;
mod error;
mod event;
mod names;
mod notices;
mod state;
mod view;

pub use account::{
    AccountStatus, AccountType, CompanyApprover, MissingForSale, Profile, PublisherIds,
    SellerContact, StepState, StepStatus, Verification, VerificationStep, sell_readiness,
};
pub use changes::PrincipalChange;
pub use command::Command;
pub use decide::{
    Identity, MAX_KEY_MONTHS, MAX_PASSWORD_CHARS, MIN_KEY_VALUE_CHARS, MIN_PASSWORD_CHARS,
    check_password_max,
};
pub use directory::{
    App, DirectoryApp, DirectoryGroup, DirectoryUser, Group, Invitation, InvitationStatus, Key,
    Origin, PasswordRecord, PasswordSetBy, PendingAssociation, StoredPassword, Tenant,
    TenantOrigin, User,
};
pub use error::Error;
pub use event::Event;
pub use names::{DomainLabel, DomainName, Invitees};
pub use notices::{KeyNotice, notices};
pub use state::Account;
pub use view::{AppView, Directory, EventView, KeyView, UserView};
