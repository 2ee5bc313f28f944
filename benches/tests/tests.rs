//! Tests of the bench data generators and of the agreement between partnerkit and its peers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod agreement;
mod folds;
mod generators;
