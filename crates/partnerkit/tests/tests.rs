//! End-to-end tests of the account service: every cross-crate rule, the stores, concurrency.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod fixture;

mod agreement;
mod asynchronous;
mod catalogue;
mod concurrency;
mod errors_table;
mod financial;
mod formats;
mod model;
mod money;
mod notices;
mod principals;
mod reads;
mod security;
mod selling;
mod sizes;
mod snapshots;
mod tenants;
