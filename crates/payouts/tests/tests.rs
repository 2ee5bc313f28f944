//! Integration tests of partnerkit-payouts: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bank;
mod currencies;
mod extremes;
mod hold;
mod labels;
mod profile;
mod properties;
mod snapshots;
mod statements;
mod support;
