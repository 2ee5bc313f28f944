//! Runnable examples of partnerkit live beside this file; run `cargo run --example quickstart`.
