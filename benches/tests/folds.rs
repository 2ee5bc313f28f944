//! The folds equal the per-item computations they replace.

use partnerkit_benches::{
    LedgerSpec, floor_decimal, floor_i64, floor_i64_amounts, ledger, per_sale_cells, sales,
};
use partnerkit_payouts::StatementFold;
use partnerkit_tax::{Rate, RateDecision, RateReason, WithholdingFold};
use rust_decimal::Decimal;

#[test]
fn batch_fold_equals_per_account_fold() {
    // rule: PAY-9
    let data = ledger(&LedgerSpec::small(), 3);
    let batch = data.batch().unwrap();
    let whole = batch.fold().unwrap();
    let merged = batch
        .fold_part(0, 2)
        .unwrap()
        .merge(batch.fold_part(1, 2).unwrap())
        .unwrap();
    assert_eq!(merged, whole);
    for slot in 0..u32::try_from(data.accounts.len()).unwrap() {
        let mut fold = StatementFold::default();
        for e in data.entries_of(slot).unwrap() {
            fold.add(&e).unwrap();
        }
        assert_eq!(whole.account_fold(slot).unwrap(), fold, "slot {slot}");
    }
}

#[test]
fn floors_add_the_same_amounts() {
    let data = ledger(&LedgerSpec::small(), 3);
    let (a, w) = data.decimal_columns();
    let n = data.accounts.len();
    let ints = floor_i64(n, &data.slot, &data.amount_minor, &data.withheld_minor);
    let decs = floor_decimal(n, &data.slot, &a, &w);
    for (i, d) in ints.iter().zip(&decs) {
        assert_eq!(Decimal::new(i[0], 2), d[0]);
        assert_eq!(Decimal::new(i[1], 2), d[1]);
    }
    let amounts = floor_i64_amounts(n, &data.slot, &data.amount_minor);
    assert!(ints.iter().zip(&amounts).all(|(i, a)| i[0] == *a));
    let total: i64 = ints.iter().map(|c| c[0]).sum();
    assert_eq!(total, data.amount_minor.iter().sum::<i64>());
}

#[test]
fn withholding_fold_equals_per_sale_function() {
    // rule: TAX-7 — exact totals: the same sales and gross as the per-sale function.
    // rule: TAX-9 — withheld once per rate on the total, not rounded per sale.
    // rule: TAX-4 — only US sales are withheld.
    let data = sales(20_000, 50, 5).unwrap();
    for rate in [
        Rate::DEFAULT_WITHHOLDING,
        "15%".parse().unwrap(),
        Rate::ZERO,
    ] {
        let decision = RateDecision {
            rate,
            reason: RateReason::NoValidForm,
        };
        let fold = WithholdingFold::from_sales(rate, &data.sales);
        let cells = fold.cells().unwrap();
        let per_sale = per_sale_cells(&data, &decision).unwrap();
        assert_eq!(cells.len(), per_sale.len());
        for ((key, t), (peer_key, p)) in cells.iter().zip(&per_sale) {
            assert_eq!(key, peer_key);
            assert_eq!((t.sales, t.gross_minor), (p.sales, p.gross_minor));
        }
        // Per (rate, currency), withheld is the total times the rate, rounded once.
        let gross: i128 = cells
            .iter()
            .filter(|((c, _, _), _)| *c == partnerkit_core::CountryCode::US)
            .map(|(_, t)| t.gross_minor)
            .sum();
        let withheld: i128 = cells.values().map(|t| t.withheld_minor).sum();
        let exact = rust_decimal::Decimal::from_i128_with_scale(gross, 0) * rate.as_fraction();
        assert!(
            (rust_decimal::Decimal::from_i128_with_scale(withheld, 0) - exact).abs()
                <= rust_decimal::Decimal::new(5, 1),
            "{withheld} vs {exact}"
        );
        let (l, r) = data.sales.split_at(7_777);
        let mut left = WithholdingFold::from_sales(rate, l);
        left.merge(WithholdingFold::from_sales(rate, r));
        assert_eq!(left, fold);
        let withheld_abroad = fold
            .cells()
            .unwrap()
            .iter()
            .filter(|((c, _, _), _)| *c != partnerkit_core::CountryCode::US)
            .map(|(_, t)| t.withheld_minor)
            .sum::<i128>();
        assert_eq!(withheld_abroad, 0);
    }
}
