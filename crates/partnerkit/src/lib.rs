//! partnerkit models an app-marketplace publisher's account: who the publisher is, its
//! directories, users, groups and apps, who may do what, when money is paid or held, how much
//! US tax is withheld, and which agreements were accepted.
//!
//! This facade re-exports the domain crates. Each is usable on its own:
//!
//! | crate | what it models |
//! |---|---|
//! | [`core`] | ids, money, country, contact data, clock and id sources, actors, events |
//! | [`identity`] | account profile, verification, tenants, users, groups, apps, keys |
//! | [`access`] | roles, custom permissions, effective permissions, decisions |
//! | [`payouts`] | payout accounts, monthly cycles, hold, thresholds, statements |
//! | [`tax`] | tax profile, forms, withholding, treaty and remittance tables |
//! | [`agreements`] | agreement versions, acceptances, action needed |
//!
//! ```
//! use partnerkit::core::{Money, Rounding};
//! use partnerkit::core::rust_decimal::Decimal;
//!
//! let sale: Money = "100.00 USD".parse()?;
//! let withheld = sale.mul_decimal(Decimal::new(15, 2))?.round(Rounding::HalfEven);
//! assert_eq!(withheld.to_string(), "15.00 USD");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod error;
mod memory;
mod selling;
mod service;
mod state;
pub mod store;

/// Test support for hosts: the storage conformance kit (feature `testing`).
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
#[allow(clippy::panic, clippy::expect_used)] // the kit reports broken contracts by panicking, like assert!
pub mod testing {
    pub mod conformance;
}

pub use error::{Denial, DomainError, Error};
pub use memory::{InMemoryStore, Poisoned};
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
