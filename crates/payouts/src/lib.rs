//! When money is paid or held: payout accounts, monthly cycles, the payout hold, thresholds and statements.
//!
//! Part of [partnerkit](https://docs.rs/partnerkit). This crate is pure: it performs no I/O,
//! reads no clock and draws no randomness; time, ids and the actor arrive in a
//! [`Context`](partnerkit_core::Context).
//!
//! ```
//! use partnerkit_core::CountryCode;
//! assert_eq!(CountryCode::US.as_str(), "US");
//! ```
//!
//! *This crate is a shell: its rules arrive with their issue.*
