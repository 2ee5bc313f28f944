//! Authorisation: one check with partnerkit's `AccessIndex` against cedar-policy evaluating
//! the same role model on the same requests, and a batch of 10,000 requests.
//!
//! The setup asserts that partnerkit and Cedar decide identically on every request.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use partnerkit_access::{AccessIndex, Request};
use partnerkit_benches::{AccessSpec, CedarModel, SplitMix64, access_model};

const SEED: u64 = 0x5eed_0009;
/// Cedar is measured on the first this many requests (agreement is checked on all).
const CEDAR_SUBSET: usize = 1_000;

fn shuffled(requests: &[Request]) -> Vec<Request> {
    let mut out = requests.to_vec();
    let mut rng = SplitMix64::new(SEED);
    for i in (1..out.len()).rev() {
        out.swap(i, rng.below(i + 1));
    }
    out
}

fn authorization(c: &mut Criterion) {
    let spec = AccessSpec::bench();
    let model = access_model(&spec, SEED).expect("access model");
    let index = AccessIndex::build(&model.state);
    let cedar = CedarModel::from_state(&model.state).expect("cedar model");
    let requests = &model.requests;
    let cedar_requests: Vec<cedar_policy::Request> = requests
        .iter()
        .map(|r| cedar.request(r))
        .collect::<Result<_, _>>()
        .expect("cedar requests");

    // Identical decisions on every request (and the batch equals single checks).
    let mut allowed = 0usize;
    for (r, cr) in requests.iter().zip(&cedar_requests) {
        let ours = index.authorize(r).is_allowed();
        assert_eq!(
            ours,
            cedar.is_authorized(cr),
            "partnerkit and Cedar disagree on {r:?}"
        );
        allowed += usize::from(ours);
    }
    let single: Vec<_> = requests.iter().map(|r| index.authorize(r)).collect();
    assert_eq!(index.authorize_batch(requests), single);
    eprintln!(
        "authorization: {} users, {} groups, {} requests ({allowed} allowed): partnerkit and Cedar agree on all",
        spec.users,
        spec.groups,
        requests.len()
    );
    eprintln!(
        "authorization: a Decision is {} bytes",
        std::mem::size_of::<partnerkit_access::Decision>()
    );
    let mixed = shuffled(requests);

    let n = requests.len() as u64;
    let mut g = c.benchmark_group("authorization");
    g.throughput(Throughput::Elements(n));
    g.bench_function("partnerkit_single", |b| {
        b.iter(|| {
            for r in requests {
                black_box(index.authorize(black_box(r)));
            }
        })
    });
    g.bench_function("partnerkit_batch", |b| {
        b.iter(|| black_box(index.authorize_batch(black_box(requests))))
    });
    g.bench_function("partnerkit_single_collect", |b| {
        b.iter(|| {
            black_box(
                requests
                    .iter()
                    .map(|r| index.authorize(black_box(r)))
                    .collect::<Vec<_>>(),
            )
        })
    });
    g.bench_function("partnerkit_single_shuffled", |b| {
        b.iter(|| {
            for r in &mixed {
                black_box(index.authorize(black_box(r)));
            }
        })
    });
    g.bench_function("partnerkit_batch_shuffled", |b| {
        b.iter(|| black_box(index.authorize_batch(black_box(&mixed))))
    });
    g.bench_function("partnerkit_single_collect_shuffled", |b| {
        b.iter(|| {
            black_box(
                mixed
                    .iter()
                    .map(|r| index.authorize(black_box(r)))
                    .collect::<Vec<_>>(),
            )
        })
    });
    let subset = &cedar_requests[..CEDAR_SUBSET.min(cedar_requests.len())];
    g.throughput(Throughput::Elements(subset.len() as u64));
    g.bench_function("cedar_single", |b| {
        b.iter(|| {
            for r in subset {
                black_box(cedar.is_authorized(black_box(r)));
            }
        })
    });
    g.throughput(Throughput::Elements(1));
    g.bench_function("partnerkit_index_build", |b| {
        b.iter(|| black_box(AccessIndex::build(black_box(&model.state))))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    targets = authorization
}
criterion_main!(benches);
