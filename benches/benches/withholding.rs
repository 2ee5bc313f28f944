//! Withholding: 10 million sales across 50 countries folded by partnerkit's
//! `WithholdingFold` against the per-sale `withhold` function summed per country.
//!
//! The setup asserts that the fold's totals equal the per-sale function's.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use partnerkit_benches::{per_sale_cells, sales};
use partnerkit_tax::{Rate, RateDecision, RateReason, Sale, WithholdingFold};

const SEED: u64 = 0x5eed_0009;
const SALES: usize = 10_000_000;

fn fold_two_threads(rate: Rate, sales: &[Sale]) -> WithholdingFold {
    let (left, right) = sales.split_at(sales.len() / 2);
    std::thread::scope(|s| {
        let other = s.spawn(|| WithholdingFold::from_sales(rate, right));
        let mut mine = WithholdingFold::from_sales(rate, left);
        mine.merge(other.join().expect("thread"));
        mine
    })
}

fn withholding(c: &mut Criterion) {
    let data = sales(SALES, 50, SEED).expect("sales");
    let decision = RateDecision {
        rate: Rate::DEFAULT_WITHHOLDING,
        reason: RateReason::NoValidForm,
    };
    let rate = decision.rate;

    let fold = WithholdingFold::from_sales(rate, &data.sales);
    let per_sale = per_sale_cells(&data, &decision).expect("per-sale");
    // The same sales and gross per cell; withholding differs by design: the fold rounds once
    // per rate on the total (rule TAX-9), the per-sale peer on every sale.
    let cells = fold.cells().expect("cells");
    assert!(
        cells
            .iter()
            .zip(&per_sale)
            .all(|((k, t), (pk, p))| k == pk && t.gross_minor == p.gross_minor),
        "fold and per-sale function disagree on gross"
    );
    assert_eq!(fold_two_threads(rate, &data.sales), fold);
    eprintln!(
        "withholding: {} sales across {} countries; fold equals the per-sale function",
        data.sales.len(),
        data.countries.len()
    );

    let mut g = c.benchmark_group("withholding");
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(data.sales.len() as u64));
    g.bench_function("partnerkit_fold_1_core", |b| {
        b.iter(|| black_box(WithholdingFold::from_sales(rate, black_box(&data.sales))))
    });
    g.bench_function("partnerkit_fold_2_threads", |b| {
        b.iter(|| black_box(fold_two_threads(rate, black_box(&data.sales))))
    });
    g.bench_function("per_sale_withhold", |b| {
        b.iter(|| black_box(per_sale_cells(black_box(&data), &decision).expect("per-sale")))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(6));
    targets = withholding
}
criterion_main!(benches);
