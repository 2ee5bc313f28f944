//! Test support for hosts: the storage conformance kit (feature `testing`).
//!
//! [`conformance`](crate::testing::conformance) checks an [`AccountStore`](crate::AccountStore)
//! from the host's own tests; [`asynchronous`](crate::testing::asynchronous) checks an
//! [`AsyncAccountStore`](crate::store::AsyncAccountStore) the same way, on any executor.
#![allow(clippy::panic, clippy::expect_used)] // the kit reports broken contracts by panicking, like assert!

pub mod asynchronous;
pub mod conformance;
