//! Runnable examples of partnerkit live beside this file: `cargo run --example quickstart`
//! and the focused ones listed in `examples/README.md`.
//!
//! The doc tests of this crate compile and run the example of every crate's README, so the
//! READMEs shown on crates.io stay true.

/// `crates/core/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/core/README.md")]
mod readme_core {}

/// `crates/identity/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/identity/README.md")]
mod readme_identity {}

/// `crates/access/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/access/README.md")]
mod readme_access {}

/// `crates/payouts/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/payouts/README.md")]
mod readme_payouts {}

/// `crates/tax/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/tax/README.md")]
mod readme_tax {}

/// `crates/agreements/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/agreements/README.md")]
mod readme_agreements {}

/// `crates/sqlite/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/sqlite/README.md")]
mod readme_sqlite {}

/// `crates/partnerkit/README.md`
#[cfg(doctest)]
#[doc = include_str!("../../crates/partnerkit/README.md")]
mod readme_partnerkit {}
