//! Model an app-marketplace publisher's account — who the publisher is, its directories,
//! users, groups and apps, who may do what, when money is paid or held, how much US tax is
//! withheld, which agreements were accepted — over your own storage.
//!
//! ```
//! use partnerkit::prelude::*;
//! use partnerkit::core::chrono::{TimeZone, Utc};
//! use partnerkit::core::uuid::Uuid;
//!
//! // The host brings storage, time, ids, and who is signed in.
//! let service = AccountService::new(InMemoryStore::new());
//! let ids = SequentialIds::default();
//! let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
//! let ctx = |actor| Context::new(now, actor, &ids);
//! let id = |n| Uuid::from_u128(n);
//! let (account, tenant) = (AccountId::from_uuid(id(1)), TenantId::from_uuid(id(2)));
//! let (alice, bob) = (UserId::from_uuid(id(3)), UserId::from_uuid(id(4)));
//! let person = |first: &str, user, admin| -> Result<DirectoryUser, partnerkit::core::Error> {
//!     Ok(DirectoryUser {
//!         user,
//!         name: PersonName::new(first, "Lind")?,
//!         username: EmailAddress::new(&format!("{}@contoso.com", first.to_lowercase()))?,
//!         global_admin: admin,
//!     })
//! };
//!
//! // Every operation is a command: data a host can take straight from JSON.
//! // The marketplace opens the account with the IDs it assigned (rule ACC-2) and associates
//! // its first tenant, whose signed-in user Alice becomes the first Manager (rule TEN-2).
//! let marketplace = ctx(Actor::Marketplace);
//! service.execute(account, &marketplace, AccountCommand::OpenAccount(OpenAccount::new(
//!     account,
//!     SellerId::new("91234567")?,
//!     AccountType::Company,
//!     DisplayName::new("Contoso Apps")?,
//!     CountryCode::US,
//!     Currency::USD,
//! )))?;
//! let contoso = TenantToAssociate::new(tenant, DisplayName::new("Contoso")?, "contoso.com".parse()?)
//!     .with_first_user(person("Alice", alice, true)?);
//! service.execute(account, &marketplace, AccountCommand::BeginTenantAssociation(contoso))?;
//! service.confirm_tenant_association(account, &marketplace, tenant, None)?;
//!
//! // Alice adds Bob as a Developer (rule USR-3): every change comes back as events.
//! let signed_in = |user| ctx(Actor::User { tenant, user });
//! let done = service.add_users(account, &signed_in(alice), tenant,
//!     vec![person("Bob", bob, false)?], Grant::Role(Role::Developer))?;
//! assert!(!done.events.is_empty());
//!
//! // Bob may publish offers but not manage users; the denial explains itself (rule ROL-6),
//! // and `authorize` gives the same answer the command got (rule ROL-7): a no is
//! // `Error::Denied`, carrying the same `Denial`.
//! let err = service.add_users(account, &signed_in(bob), tenant,
//!     vec![], Grant::Role(Role::Developer)).unwrap_err();
//! let Some(Denial::Permission(decision)) = err.denial() else { panic!("{err}") };
//! assert_eq!(decision.missing(), Some(Permission::ManageUsers));
//! assert_eq!((err.code(), err.status()), ("permission", 403));
//! let bob_as_actor = Actor::User { tenant, user: bob };
//! let no = service.authorize(account, &bob_as_actor, Permission::ManageUsers).unwrap_err();
//! assert_eq!(no.denial(), err.denial());
//! service.authorize(account, &bob_as_actor, Permission::PublishOffers)?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! The work is split into small crates, re-exported here; each is usable on its own:
//!
//! | module | crate | what it models |
//! |---|---|---|
//! | [`core`] | `partnerkit-core` | ids, money, country, contact data, clock and id sources, actors, events |
//! | [`identity`] | `partnerkit-identity` | account profile, verification, tenants, users, groups, apps, keys |
//! | [`access`] | `partnerkit-access` | roles, custom permissions, effective permissions, explained decisions |
//! | [`payouts`] | `partnerkit-payouts` | payout accounts, monthly cycles, hold, thresholds, statements |
//! | [`tax`] | `partnerkit-tax` | tax profile, forms, withholding, treaty and remittance tables |
//! | [`agreements`] | `partnerkit-agreements` | agreement versions, acceptances, action needed |
//!
//! The domain crates are pure functions of (state, command, context); none does I/O, reads a
//! clock or draws randomness. This crate joins them:
//!
//! - [`AccountCommand`]: every operation as data (serde; its JSON is a public format), and
//!   [`AccountService::execute`], the one path each takes: authorise against one table
//!   ([`CommandKind::requirement`], checked before anything else: rule X-2), decide each
//!   domain's part on the cached account, mirror what identity changed into access (a
//!   removed tenant drops its users' grants), and append the events **only if the account did
//!   not change meanwhile**. A denied or invalid command changes nothing. The typed methods
//!   (`add_users`, `set_payout_hold`, …) are one-line constructors over `execute`.
//! - [`AccountService::authorize`] answers exactly what a command needing the permission gets,
//!   from a live access index, with one cheap freshness read.
//! - Reads on behalf of an actor — [`state_for`](AccountService::state_for),
//!   [`history_for`](AccountService::history_for),
//!   [`readiness_for`](AccountService::readiness_for),
//!   [`statements_for`](AccountService::statements_for) — check a second table
//!   ([`ReadKind::requirement`]) first, the same way: an actor who may not see learns nothing,
//!   not even whether the account exists. The reads without `_for` check no actor; they are
//!   for the host's own work.
//! - [`Error`]: `Domain` (a rule was broken: fix the input), `Denied` (the actor may not:
//!   the [`Denial`] explains), `Conflict` (someone else wrote first: call again) and `Store`.
//! - [`readiness`] and [`statements`]: "may this account sell?" (rule ACC-4) and payout
//!   statements with US withholding joined in (rules PAY-9, TAX-4), across the domains;
//!   [`statements_converted`] for sales in any currency, converted at the host's rates and
//!   withheld on the dollar amount (rules PAY-10, TAX-9), and [`year_end_returns`], the year's
//!   Forms 1042-S and 1099 from the paid statements (rule TAX-10);
//!   [`year_statements_and_returns`] gives both for a year, converting the ledger once.
//!
//! # Storage
//!
//! Implement [`AccountStore`] (four methods: load, append, events, version) over your database, or use [`InMemoryStore`]
//! or the `partnerkit-sqlite` crate. Prove your store with the conformance kit in
//! `partnerkit::testing::conformance` (feature `testing`). See `docs/HOSTS.md` in the
//! repository for a guide.
//!
//! # Imports
//!
//! `use partnerkit::prelude::*;` brings the names most host code needs (the services, store
//! traits, commands, settings, errors, ids and values, permissions); see [`prelude`].
//!
//! # Crate features
//!
//! - `testing`: the storage conformance kit, and `partnerkit-core`'s test harness.
//! - `tracing` (off by default): a `tracing` event per executed command, with the account,
//!   the command kind, the outcome's code, the version and the number of events stored —
//!   never command data or a secret.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod async_service;
mod authorize;
mod bad_command;
mod builders;
mod cache;
pub mod codec;
mod command;
mod drive;
mod engine;
mod entry;
mod error;
mod execute;
mod kind;
mod memory;
mod notices;
pub mod prelude;
mod random_ids;
mod returns;
mod selling;
mod service;
mod settings;
mod state;
mod steps;
pub mod store;
mod translate;
mod typed;
mod view;

/// Test support for hosts: the storage conformance kit (feature `testing`).
#[cfg(any(test, feature = "testing"))]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use async_service::AsyncAccountService;
pub use authorize::{authorize_command, authorize_kind, authorize_read};
pub use bad_command::BadCommand;
pub use command::{
    AccountCommand, NewApp, NewTenant, NewUser, OpenAccount, Password, PayoutMethodInput,
    TenantToAssociate, W8Input, W9Input,
};
pub use entry::{Revealed, SecretOf};
pub use error::{DomainError, Error, StoreFailure};
pub use kind::{CommandKind, ReadKind};
pub use memory::{InMemoryStore, MemoryError};
pub use notices::{Notice, NoticeKind, notices};
pub use partnerkit_access::{Authorized, Denial, Requirement};
pub use random_ids::RandomIds;
pub use returns::{year_end_returns, year_statements_and_returns};
pub use selling::{
    Missing, Readiness, readiness, statements, statements_converted, with_withholding,
};
pub use service::{AccountService, Executed, Freshness};
pub use settings::{OwnerRegistry, Settings};
pub use state::{AccountEvent, AccountState};
pub use store::{AccountStore, AsyncAccountStore};
pub use view::{AccountEventView, AccountView};

pub use partnerkit_access as access;
pub use partnerkit_agreements as agreements;
pub use partnerkit_core as core;
pub use partnerkit_identity as identity;
pub use partnerkit_payouts as payouts;
pub use partnerkit_tax as tax;

/// The README's examples, compiled and run as doc tests so they never go stale.
#[doc = include_str!("../../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// `docs/HOSTS.md`, the guide for host services: every code block compiled and run.
#[doc = include_str!("../../../docs/HOSTS.md")]
#[cfg(doctest)]
pub struct HostsDoctests;
