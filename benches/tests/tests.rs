//! Tests of the bench data generators and of the agreement between partnerkit and its peers.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

// The peers are built only with the `peers` feature (`.ci/run` turns it on).
#[cfg(feature = "peers")]
mod agreement;
mod folds;
mod generators;
