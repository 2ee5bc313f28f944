//! Integration tests of partnerkit-access: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod bad_input;
mod decisions;
mod escalation;
mod grants;
mod groups;
mod last_manager;
mod mirror;
mod policy;
mod properties;
mod revocation;
mod roles;
mod snapshots;
mod support;
