//! Integration tests of partnerkit-identity: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod account;
mod apps;
mod domains;
mod groups;
mod principals;
mod properties;
mod snapshots;
mod support;
mod tenants;
mod users;
