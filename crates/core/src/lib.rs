//! The shared vocabulary of `partnerkit`: validated values every other crate speaks.
//!
//! ```
//! use partnerkit_core::{CountryCode, EmailAddress, Money, PhoneNumber, PostalAddress, Rounding};
//! use rust_decimal::Decimal;
//!
//! // Every value is validated when it is made, so holding one means it is valid.
//! let email: EmailAddress = "payouts@contoso.com".parse()?;
//! let phone: PhoneNumber = "+1 425 555 0100".parse()?;
//! let address = PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
//!     .region("WA")
//!     .postal_code("98052")
//!     .build()?;
//! assert_eq!(phone.as_str(), "+14255550100");
//!
//! // Money is exact decimal with a currency; rounding is always named.
//! let sale: Money = "9.99 USD".parse()?;
//! let withheld = sale.mul_decimal(Decimal::new(30, 2))?.round(Rounding::HalfEven);
//! let net = sale.checked_sub(withheld)?;
//! assert_eq!((withheld.to_string(), net.to_string()), ("3.00 USD".into(), "6.99 USD".into()));
//!
//! // Invalid values are typed errors that say what to do.
//! let err = "XX".parse::<CountryCode>().unwrap_err();
//! assert!(err.to_string().contains("ISO 3166-1 alpha-2"));
//! # let _ = (email, address);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! - **Ids** ([`AccountId`], [`TenantId`], [`UserId`], [`GroupId`], [`AppId`], [`KeyId`],
//!   [`InvitationId`], [`OwnerAccountId`], [`PayoutAccountId`], [`EventId`]): one UUID
//!   newtype per entity, so ids cannot be mixed up; [`SellerId`] is the marketplace's number.
//! - **Money** ([`Money`], [`Currency`], [`Rounding`]): exact decimal amounts with an ISO 4217
//!   currency; mixing currencies is an error; [`Money::allocate`] splits without losing a cent,
//!   by [`largest_remainder`], the one allocation every crate uses (rules TAX-9, PAY-10).
//! - **Places and people** ([`CountryCode`], [`EmailAddress`], [`PhoneNumber`],
//!   [`PostalAddress`], [`PersonName`], [`DisplayName`], [`Url`]), [`canonical_domain`] (one
//!   form for internationalised domain names), [`checked_text`], the
//!   one rule for free text, [`validated_string!`], the one way to write a validated
//!   string type, and [`validated_fields!`], its form for a struct whose fields are checked
//!   together.
//! - **Time, ids, randomness and actors from the host** ([`Clock`], [`IdSource`],
//!   [`SecureRandom`], [`Context`], [`Actor`]): no partnerkit crate reads a clock or draws
//!   randomness itself (rules X-5, X-6).
//! - **Events** ([`Envelope`], [`Version`], [`Decider`]): every change is an event with who
//!   and when (rule X-1), an [`EventId`] from the host and a format version
//!   ([`ENVELOPE_FORMAT`]; every earlier format still decodes); commands are pure `decide`
//!   functions, state is a fold of `apply`.
//! - **Secrets** ([`SecretString`], [`Fingerprint`], [`Masked`]): never printed, never
//!   serialised, zeroed when dropped, compared in constant time (rule X-4); generated
//!   passwords and key values are drawn uniformly from [`SECRET_ALPHABET`]; passwords people
//!   choose are kept as a salted Argon2id [`PasswordHash`] (rule X-6).
//!
//! # Validation
//!
//! Each value type has one validating constructor (`new`); [`FromStr`](std::str::FromStr),
//! `TryFrom` and `Deserialize` all go through it, so a value read from JSON is checked exactly
//! like one built in code. Errors are variants of the one [`Error`] enum; another crate's error
//! wraps one as a variant with one field, `error`, so that it is written nested under `"error"`
//! (see [`Error`]).
//!
//! # Crate features
//!
//! - `os-rng` (on by default): [`OsRandom`], the operating system's secure random source.
//! - `testing`: the given/when/then harness for deciders in the `testing` module, for the tests of
//!   every partnerkit crate and of hosts, and `SeededRandom`, a predictable random source
//!   for tests (never for production).
#![cfg_attr(docsrs, feature(doc_cfg))]
// Bad input never panics, including arithmetic: every operation on numbers is checked.
#![warn(clippy::arithmetic_side_effects)]

mod actor;
mod allocate;
mod bulk;
mod class;
mod contact;
mod context;
mod country;
mod decider;
mod domain;
mod error;
mod event;
mod id;
mod macros;
#[doc(hidden)]
pub use macros::IntoString;
mod money;
mod password;
mod principal;
mod random;
mod rule;
mod secret;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
#[allow(clippy::panic)] // a test harness reports failures by panicking, like `assert!`
pub mod testing;
mod text;
mod web;

pub use actor::Actor;
pub use allocate::largest_remainder;
pub use bulk::bulk_map;
pub use class::{DataClass, DataClasses};
pub use contact::{
    DisplayName, EmailAddress, PersonName, PhoneNumber, PostalAddress, PostalAddressBuilder,
    checked_text,
};
pub use context::{Clock, Context, FixedClock, IdSource, ManualClock, SequentialIds};
pub use country::CountryCode;
pub use decider::Decider;
pub use domain::{MAX_DOMAIN_CHARS, canonical_domain, display_domain};
pub use error::{Error, Result, clip};
pub use event::{ENVELOPE_FORMAT, Envelope, Version};
pub use id::{
    AccountId, AppId, EntityId, EventId, GroupId, InvitationId, KeyId, OwnerAccountId,
    PayoutAccountId, SellerId, TenantId, UserId,
};
pub use money::{Currency, Money, Rounding};
/// The public format of every partnerkit `Error` enum: its derives, its `"code"` tag and its
/// `code()` method, in one place (see [`partnerkit_macros::public_error`]).
pub use partnerkit_macros::public_error;
pub use password::PasswordHash;
pub use principal::PrincipalChange;
#[cfg(feature = "os-rng")]
#[cfg_attr(docsrs, doc(cfg(feature = "os-rng")))]
pub use random::OsRandom;
pub use random::SecureRandom;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub use random::SeededRandom;
pub use rule::{Rule, UnknownRule};
pub use secret::{Fingerprint, Masked, SECRET_ALPHABET, SecretString};
pub use text::TEXT_PATTERN;
pub use web::Url;

/// Re-exported so hosts use the same versions partnerkit does.
pub use chrono;
/// Re-exported so hosts use the same versions partnerkit does.
pub use rust_decimal;
/// Re-exported so hosts use the same versions partnerkit does.
pub use uuid;
