//! Rule tests of partnerkit-tax: one module per area, each test citing the rule it proves.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

mod backup;
mod fold;
mod forms;
mod history;
mod labels;
mod profile;
mod properties;
mod remittance;
mod returns;
mod snapshots;
mod support;
mod treaty;
mod withholding;
