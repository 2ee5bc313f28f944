//! Integration tests of partnerkit-agreements: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod accept;
mod action_needed;
mod catalogue;
mod properties;
mod snapshots;
mod support;
