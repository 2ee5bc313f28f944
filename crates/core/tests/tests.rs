//! Integration tests of partnerkit-core: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod allocate;
mod bad_input;
mod domains;
mod envelope;
mod harness;
mod money;
mod normalise;
mod phones;
mod roundtrip;
mod secrets;
mod snapshots;
mod standards;
mod strict_serde;
