//! Payout statements: a month of 10 million ledger entries across 100,000 accounts folded by
//! partnerkit's `LedgerBatch` (one core, and split over two threads and merged) against the
//! grouped floor: plain loops adding the same amounts into a per-account array, in `i64`
//! cents and in `Decimal`.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use partnerkit_benches::{LedgerSpec, floor_decimal, floor_i64, floor_i64_amounts, ledger};
use partnerkit_payouts::{BatchFold, LedgerBatch};

const SEED: u64 = 0x5eed_0009;

fn fold_two_threads(batch: &LedgerBatch) -> BatchFold {
    std::thread::scope(|s| {
        let other = s.spawn(|| batch.fold_part(1, 2));
        let mine = batch.fold_part(0, 2).expect("fold part 0");
        let theirs = other.join().expect("thread").expect("fold part 1");
        mine.merge(theirs).expect("merge")
    })
}

fn payouts(c: &mut Criterion) {
    let spec = LedgerSpec::bench();
    let data = ledger(&spec, SEED);
    let batch = data.batch().expect("batch");
    let (amount_dec, withheld_dec) = data.decimal_columns();
    assert_eq!(batch.len(), spec.entries);

    // Split and merged equals whole; the floor sums equal the fold's (via each account's
    // statement fold would need the entries again: the tests check that on a smaller month).
    let whole = batch.fold().expect("fold");
    assert_eq!(fold_two_threads(&batch), whole);
    let floor = floor_i64(
        data.accounts.len(),
        &data.slot,
        &data.amount_minor,
        &data.withheld_minor,
    );
    let floor_dec = floor_decimal(data.accounts.len(), &data.slot, &amount_dec, &withheld_dec);
    for (i, (a, d)) in floor.iter().zip(&floor_dec).enumerate().step_by(997) {
        assert_eq!(rust_decimal::Decimal::new(a[0], 2), d[0], "slot {i}");
        assert_eq!(rust_decimal::Decimal::new(a[1], 2), d[1], "slot {i}");
    }
    eprintln!(
        "payouts: {} entries across {} accounts; two-thread fold equals one-thread fold",
        spec.entries, spec.accounts
    );

    let mut g = c.benchmark_group("payouts");
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(spec.entries as u64));
    g.bench_function("partnerkit_fold_1_core", |b| {
        b.iter(|| black_box(black_box(&batch).fold().expect("fold")))
    });
    g.bench_function("partnerkit_fold_2_threads", |b| {
        b.iter(|| black_box(fold_two_threads(black_box(&batch))))
    });
    g.bench_function("floor_i64", |b| {
        b.iter(|| {
            black_box(floor_i64(
                data.accounts.len(),
                black_box(&data.slot),
                black_box(&data.amount_minor),
                black_box(&data.withheld_minor),
            ))
        })
    });
    g.bench_function("floor_i64_amount_only", |b| {
        b.iter(|| {
            black_box(floor_i64_amounts(
                data.accounts.len(),
                black_box(&data.slot),
                black_box(&data.amount_minor),
            ))
        })
    });
    g.bench_function("floor_decimal", |b| {
        b.iter(|| {
            black_box(floor_decimal(
                data.accounts.len(),
                black_box(&data.slot),
                black_box(&amount_dec),
                black_box(&withheld_dec),
            ))
        })
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    targets = payouts
}
criterion_main!(benches);
