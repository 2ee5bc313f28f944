//! What the tests share: the per-account reference (the facade, account by account, on the
//! generated values — no Arrow, no DataFusion) and readers of the run's output batches.

#![allow(dead_code)]

use std::collections::BTreeMap;

use datafusion::arrow::array::{
    Array, AsArray, FixedSizeBinaryArray, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::datatypes::Int64Type;
use partnerkit::core::AccountId;
use partnerkit::payouts::Statement;
use partnerkit::tax::YearEndReturns;
use partnerkit_datafusion::generate::Spec;

/// What the per-account rules give one account: its result, or the domain error's code.
pub(crate) use partnerkit_datafusion::generate::Outcome;

pub(crate) fn spec(seed: u64, accounts: usize, entries: usize) -> Spec {
    Spec {
        seed,
        accounts,
        entries,
        year: 2027,
        month: "2027-07".parse().unwrap(),
    }
}

fn account_at(batch: &RecordBatch, row: usize) -> AccountId {
    let keys = batch
        .column_by_name("account")
        .unwrap()
        .as_any()
        .downcast_ref::<FixedSizeBinaryArray>()
        .unwrap();
    AccountId::from_uuid(uuid::Uuid::from_slice(keys.value(row)).unwrap())
}

fn strings<'a>(batch: &'a RecordBatch, name: &str) -> &'a StringArray {
    batch
        .column_by_name(name)
        .unwrap()
        .as_any()
        .downcast_ref::<StringArray>()
        .unwrap()
}

pub(crate) fn ints<'a>(batch: &'a RecordBatch, name: &str) -> &'a Int64Array {
    batch
        .column_by_name(name)
        .unwrap()
        .as_primitive::<Int64Type>()
}

/// One row of the run's output, by account: the JSON column and the named integer columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    pub(crate) json: String,
    pub(crate) figures: BTreeMap<String, i64>,
}

/// The run's rows by account, with `json` and the integer columns `figures`; panics on an
/// account twice.
pub(crate) fn rows(
    batches: &[RecordBatch],
    json: &str,
    figures: &[&str],
) -> BTreeMap<AccountId, Row> {
    let mut out = BTreeMap::new();
    for b in batches {
        let j = strings(b, json);
        for i in 0..b.num_rows() {
            let row = Row {
                json: j.value(i).to_owned(),
                figures: figures
                    .iter()
                    .map(|f| (f.to_string(), ints(b, f).value(i)))
                    .collect(),
            };
            let prev = out.insert(account_at(b, i), row);
            assert!(prev.is_none(), "an account twice in the output");
        }
    }
    out
}

/// The failures by account: their codes.
pub(crate) fn failures(batches: &[RecordBatch]) -> BTreeMap<AccountId, String> {
    let mut out = BTreeMap::new();
    for b in batches {
        let codes = strings(b, "code");
        for i in 0..b.num_rows() {
            let prev = out.insert(account_at(b, i), codes.value(i).to_owned());
            assert!(prev.is_none(), "an account failed twice");
        }
    }
    out
}

/// The forms rows by account: (form, gross, withheld), in output order.
pub(crate) fn forms(batches: &[RecordBatch]) -> BTreeMap<AccountId, Vec<(String, i64, i64)>> {
    let mut out: BTreeMap<AccountId, Vec<(String, i64, i64)>> = BTreeMap::new();
    for b in batches {
        let form = strings(b, "form");
        let gross = ints(b, "gross");
        let withheld = ints(b, "withheld");
        for i in 0..b.num_rows() {
            out.entry(account_at(b, i)).or_default().push((
                form.value(i).to_owned(),
                gross.value(i),
                withheld.value(i),
            ));
        }
    }
    out
}

pub(crate) fn minor(m: partnerkit::core::Money) -> i64 {
    m.minor_units().unwrap()
}

/// Checks the month's run against the reference, account by account, to the cent; returns
/// (statements compared, failures compared).
pub(crate) fn assert_month_equal(
    reference: &BTreeMap<AccountId, Outcome<Statement>>,
    statements: &[RecordBatch],
    failed: &[RecordBatch],
) -> (usize, usize) {
    let got = rows(
        statements,
        "statement",
        &[
            "earned",
            "withheld",
            "due",
            "paid",
            "carried_out",
            "below_threshold",
        ],
    );
    let failed = failures(failed);
    assert_eq!(
        got.len() + failed.len(),
        reference.len(),
        "every account once: {} statements + {} failures",
        got.len(),
        failed.len()
    );
    let (mut ok, mut refused) = (0, 0);
    for (account, want) in reference {
        match want {
            Ok(s) => {
                let row = got.get(account).unwrap_or_else(|| {
                    panic!("{account}: no statement, failed {:?}", failed.get(account))
                });
                assert_eq!(row.json, serde_json::to_string(s).unwrap(), "{account}");
                let f = &row.figures;
                assert_eq!(f["earned"], minor(s.earned), "{account}");
                assert_eq!(f["withheld"], minor(s.withheld), "{account}");
                assert_eq!(f["due"], minor(s.due), "{account}");
                assert_eq!(f["paid"], minor(s.paid), "{account}");
                assert_eq!(f["carried_out"], minor(s.carried_out.balance), "{account}");
                ok += 1;
            }
            Err(code) => {
                assert_eq!(failed.get(account), Some(code), "{account}");
                refused += 1;
            }
        }
    }
    (ok, refused)
}

/// Checks the year's run against the reference, account by account, to the cent.
pub(crate) fn assert_year_equal(
    reference: &BTreeMap<AccountId, Outcome<YearEndReturns>>,
    year_end: &[RecordBatch],
    form_rows: &[RecordBatch],
    failed: &[RecordBatch],
) -> (usize, usize) {
    let got = rows(year_end, "returns", &["paid_gross", "paid_withheld"]);
    let failed = failures(failed);
    let forms = forms(form_rows);
    assert_eq!(got.len() + failed.len(), reference.len());
    let (mut ok, mut refused) = (0, 0);
    for (account, want) in reference {
        match want {
            Ok(r) => {
                let row = got.get(account).unwrap_or_else(|| {
                    panic!("{account}: no returns, failed {:?}", failed.get(account))
                });
                assert_eq!(row.json, serde_json::to_string(r).unwrap(), "{account}");
                assert_eq!(row.figures["paid_gross"], minor(r.paid_gross), "{account}");
                assert_eq!(
                    row.figures["paid_withheld"],
                    minor(r.paid_withheld),
                    "{account}"
                );
                let mine = forms.get(account).cloned().unwrap_or_default();
                let theirs: Vec<(i64, i64)> = r
                    .forms_1042s
                    .iter()
                    .map(|f| (minor(f.gross_income), minor(f.tax_withheld)))
                    .chain(
                        r.forms_1099
                            .iter()
                            .map(|f| (minor(f.amount), minor(f.federal_tax_withheld))),
                    )
                    .collect();
                let mine: Vec<(i64, i64)> = mine.iter().map(|(_, g, w)| (*g, *w)).collect();
                assert_eq!(mine, theirs, "{account}: forms");
                ok += 1;
            }
            Err(code) => {
                assert_eq!(failed.get(account), Some(code), "{account}");
                refused += 1;
            }
        }
    }
    (ok, refused)
}
