//! A probe for `valgrind --tool=callgrind`: builds the benchmark's access model, then
//! `AccessIndex::build` `N` times (argument 1, default 1) at `USERS` users (argument 2,
//! default 10,000; groups a tenth of that).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use partnerkit_access::AccessIndex;
use partnerkit_benches::{AccessSpec, access_model};

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let users: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let spec = AccessSpec {
        users,
        groups: users / 10,
        ..AccessSpec::bench()
    };
    let model = access_model(&spec, 0x5eed_0009).expect("access model");
    let start = std::time::Instant::now();
    for _ in 0..n {
        black_box(AccessIndex::build(black_box(&model.state)));
    }
    eprintln!(
        "{n} builds at {users} users: {:?} each",
        start.elapsed() / n as u32
    );
}
