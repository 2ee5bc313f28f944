//! Test support for hosts: the storage conformance kit (feature `testing`).
//!
//! [`conformance`](crate::testing::conformance) checks an [`AccountStore`](crate::AccountStore)
//! from the host's own tests; [`asynchronous`](crate::testing::asynchronous) checks an
//! [`AsyncAccountStore`](crate::store::AsyncAccountStore) the same way, on any executor.
#![allow(clippy::panic, clippy::expect_used)] // the kit reports broken contracts by panicking, like assert!

pub mod asynchronous;
pub mod conformance;
mod damage;

use std::future::Future;

use partnerkit_core::AccountId;

use crate::codec::{EventRow, SnapshotRow};

/// A store's rows, read and replaced as an operator with a database console would: what the
/// conformance kit needs to damage them ([`conformance::check_damaged_rows`]).
pub trait Rows {
    /// The account's event rows in `seq` order, and its snapshot row.
    fn rows(&self, account: AccountId) -> (Vec<EventRow>, Option<SnapshotRow>);
    /// Replaces every event row and the snapshot row of `account` with these, leaving the
    /// account's stored version (if the store keeps one apart from the rows) as it was.
    fn replace_rows(
        &self,
        account: AccountId,
        events: Vec<EventRow>,
        snapshot: Option<SnapshotRow>,
    );
}

/// [`Rows`] for async stores ([`asynchronous::check_damaged_rows`]).
pub trait AsyncRows {
    /// See [`Rows::rows`].
    fn rows(
        &self,
        account: AccountId,
    ) -> impl Future<Output = (Vec<EventRow>, Option<SnapshotRow>)>;
    /// See [`Rows::replace_rows`].
    fn replace_rows(
        &self,
        account: AccountId,
        events: Vec<EventRow>,
        snapshot: Option<SnapshotRow>,
    ) -> impl Future<Output = ()>;
}
