//! Model an app-marketplace publisher's account — who the publisher is, its directories,
//! users, groups and apps, who may do what, when money is paid or held, how much US tax is
//! withheld, which agreements were accepted — over your own storage.
//!
//! ```
//! use partnerkit::access::{Grant, Permission, Role};
//! use partnerkit::core::{AccountId, Actor, Context, CountryCode, Currency, DisplayName};
//! use partnerkit::core::{EmailAddress, PersonName, SellerId, SequentialIds, TenantId, UserId};
//! use partnerkit::core::chrono::{TimeZone, Utc};
//! use partnerkit::core::uuid::Uuid;
//! use partnerkit::identity::{AccountType, DirectoryUser, DomainName};
//! use partnerkit::{AccountService, Denial, InMemoryStore, OpenAccount, TenantToAssociate};
//!
//! // The host brings storage, time, ids, and who is signed in.
//! let service = AccountService::new(InMemoryStore::new());
//! let ids = SequentialIds::default();
//! let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
//! let ctx = |actor| Context::new(now, actor, &ids);
//! let (account, tenant) = (AccountId::from_uuid(Uuid::from_u128(1)), TenantId::from_uuid(Uuid::from_u128(2)));
//! let (alice, bob) = (UserId::from_uuid(Uuid::from_u128(3)), UserId::from_uuid(Uuid::from_u128(4)));
//!
//! // The marketplace opens the account with the publisher IDs it assigned (rule ACC-2).
//! service.open_account(&ctx(Actor::Marketplace), OpenAccount {
//!     account,
//!     seller_id: SellerId::new("91234567")?,
//!     account_type: AccountType::Company,
//!     display_name: DisplayName::new("Contoso Apps")?,
//!     owner: None,
//!     country: CountryCode::US,
//!     currency: Currency::USD,
//! })?;
//!
//! // Alice signs in from her directory and associates it; she becomes the first Manager.
//! let signed_in = |user| Actor::User { tenant, user };
//! let person = |first: &str, user, admin| -> Result<DirectoryUser, partnerkit::core::Error> {
//!     Ok(DirectoryUser {
//!         user,
//!         name: PersonName::new(first, "Lind")?,
//!         username: EmailAddress::new(&format!("{}@contoso.com", first.to_lowercase()))?,
//!         global_admin: admin,
//!     })
//! };
//! service.begin_tenant_association(account, &ctx(signed_in(alice)), TenantToAssociate {
//!     tenant,
//!     organization: DisplayName::new("Contoso")?,
//!     domain: DomainName::new("contoso.com")?,
//!     synced_from_on_premises: false,
//!     first_user: Some(person("Alice", alice, true)?),
//! })?;
//! service.confirm_tenant_association(account, &ctx(signed_in(alice)), tenant, None)?;
//!
//! // Alice adds Bob as a Developer (rule USR-3): every change comes back as events.
//! let outcome = service.add_users(account, &ctx(signed_in(alice)), tenant,
//!     vec![person("Bob", bob, false)?], Grant::Role(Role::Developer))?;
//! assert!(!outcome.events.is_empty());
//!
//! // Bob may publish offers but not manage users; the denial explains itself (rule ROL-6).
//! let err = service.add_users(account, &ctx(signed_in(bob)), tenant,
//!     vec![], Grant::Role(Role::Developer)).unwrap_err();
//! let Some(Denial::Permission(decision)) = err.denial() else { panic!("{err}") };
//! assert_eq!(decision.missing(), Some(Permission::ManageUsers));
//! assert!(decision.roles_granting().contains(&Role::Manager));
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
//! - [`AccountService`]: one method per command. Each loads the account from your
//!   [`AccountStore`], authorises the actor (can they sign in? do they hold the permission?
//!   financial settings only by the owner account), runs the domain decisions, forwards what
//!   one domain changed to the others (a removed tenant drops its users' grants), and stores
//!   the new state and events **only if the account did not change meanwhile**. A denied or
//!   invalid command changes nothing.
//! - [`Error`]: `Domain` (a rule was broken: fix the input), `Denied` (the actor may not:
//!   the [`Denial`] explains), `Conflict` (someone else wrote first: call again) and `Store`.
//! - [`readiness`] and [`statements`]: "may this account sell?" (rule ACC-4) and payout
//!   statements with US withholding joined in (rules PAY-9, TAX-4), across the domains.
//!
//! # Storage
//!
//! Implement [`AccountStore`] (four methods) over your database, or use [`InMemoryStore`]
//! or the `partnerkit-sqlite` crate. Prove your store with the conformance kit in
//! `partnerkit::testing::conformance` (feature `testing`). See `docs/HOSTS.md` in the
//! repository for a guide.
//!
//! # Crate features
//!
//! - `testing`: the storage conformance kit, and `partnerkit-core`'s test harness.

mod error;
mod memory;
mod selling;
mod service;
mod state;
pub mod store;

/// Test support for hosts: the storage conformance kit (feature `testing`).
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use error::{Denial, DomainError, Error};
pub use memory::{InMemoryStore, MemoryError};
pub use selling::{Missing, Readiness, readiness, statements, with_withholding};
pub use service::{
    AccountService, KEY_VALUE_CHARS, NewApp, NewTenant, NewUser, OpenAccount, Outcome,
    PASSWORD_CHARS, Revealed, Settings, TenantToAssociate,
};
pub use state::{AccountEvent, AccountState};
pub use store::AccountStore;

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
