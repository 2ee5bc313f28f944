//! The run's results as Arrow record batches: builders that take the domain's values and
//! give batches of the [`schema`](crate::schema) module's schemas.

use std::sync::Arc;

use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Date32Builder, FixedSizeBinaryBuilder, Int32Builder, Int64Builder,
    RecordBatch, StringBuilder,
};
use partnerkit::DomainError;
use partnerkit::core::{AccountId, Money};
use partnerkit::payouts::{LineKind, Outcome, Statement};
use partnerkit::tax::{Form1042S, Form1099, YearEndReturns};

use crate::cogroup::days_of;
use crate::error::Error;
use crate::schema;

/// Why an account has no result: a stable code and a message (a row of the failures table).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refused {
    pub(crate) code: &'static str,
    pub(crate) message: String,
}

impl From<DomainError> for Refused {
    fn from(e: DomainError) -> Self {
        Refused {
            code: e.code(),
            message: e.to_string(),
        }
    }
}

impl From<partnerkit::core::Error> for Refused {
    fn from(e: partnerkit::core::Error) -> Self {
        DomainError::from(e).into()
    }
}

impl From<datafusion::arrow::error::ArrowError> for Refused {
    fn from(e: datafusion::arrow::error::ArrowError) -> Self {
        Refused {
            code: "arrow",
            message: e.to_string(),
        }
    }
}

fn json<T: serde::Serialize>(value: &T) -> Result<String, Refused> {
    serde_json::to_string(value).map_err(|e| Refused {
        code: "json",
        message: e.to_string(),
    })
}

fn minor(m: Money) -> Result<i64, Refused> {
    Ok(m.minor_units()?)
}

fn sum_lines(s: &Statement, kind: LineKind) -> Result<i64, Refused> {
    let mut total = 0i64;
    for l in s.lines.iter().filter(|l| l.kind == kind) {
        total = total.saturating_add(minor(l.amount)?);
    }
    Ok(total)
}

/// The outcome's code, as the statement's JSON has it (`paid`, `held`, `below_threshold`, …).
fn outcome_code(o: &Outcome) -> String {
    serde_json::to_value(o)
        .ok()
        .and_then(|v| v.get("outcome").and_then(|s| s.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn key_builder() -> FixedSizeBinaryBuilder {
    FixedSizeBinaryBuilder::new(16)
}

/// Rows of [`schema::statements`].
pub(crate) struct Statements {
    json: bool,
    account: FixedSizeBinaryBuilder,
    month: StringBuilder,
    currency: StringBuilder,
    money: [Int64Builder; 12],
    outcome: StringBuilder,
    payment_date: Date32Builder,
    held: BooleanBuilder,
    conversions: Int64Builder,
    statement: StringBuilder,
    rows: usize,
}

impl Statements {
    pub(crate) fn new(json: bool) -> Self {
        Statements {
            json,
            account: key_builder(),
            month: StringBuilder::new(),
            currency: StringBuilder::new(),
            money: std::array::from_fn(|_| Int64Builder::new()),
            outcome: StringBuilder::new(),
            payment_date: Date32Builder::new(),
            held: BooleanBuilder::new(),
            conversions: Int64Builder::new(),
            statement: StringBuilder::new(),
            rows: 0,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Adds an account's statement; nothing is added if an amount is not in minor units.
    pub(crate) fn push(
        &mut self,
        account: AccountId,
        entries: u64,
        s: &Statement,
    ) -> Result<(), Refused> {
        let values = [
            i64::try_from(entries).unwrap_or(i64::MAX),
            minor(s.earned)?,
            minor(s.withheld)?,
            minor(s.not_yet_payable)?,
            minor(s.became_payable)?,
            minor(s.carried_in)?,
            minor(s.due)?,
            minor(s.recouped)?,
            minor(s.paid)?,
            sum_lines(s, LineKind::BelowThreshold)?,
            minor(s.carried_out.balance)?,
            {
                let mut p = 0i64;
                for a in &s.carried_out.pending {
                    p = p.saturating_add(minor(a.amount)?);
                }
                p
            },
            i64::try_from(s.conversions.len()).unwrap_or(i64::MAX),
        ];
        let json = if self.json { Some(json(s)?) } else { None };
        self.account.append_value(account.uuid().as_bytes())?;
        self.month.append_value(s.month.to_string());
        self.currency.append_value(s.currency.code());
        let [
            entries,
            earned,
            withheld,
            nyp,
            became,
            carried,
            due,
            recouped,
            paid,
            below,
            out,
            pending,
            conv,
        ] = values;
        for (b, v) in self.money.iter_mut().zip([
            entries, earned, withheld, nyp, became, carried, due, recouped, paid, below, out,
            pending,
        ]) {
            b.append_value(v);
        }
        self.outcome.append_value(outcome_code(&s.outcome));
        self.payment_date.append_option(s.payment_date.map(days_of));
        self.held.append_value(s.hold.held);
        self.conversions.append_value(conv);
        self.statement.append_option(json);
        self.rows = self.rows.saturating_add(1);
        Ok(())
    }

    pub(crate) fn finish(&mut self) -> Result<RecordBatch, Error> {
        let mut m = self
            .money
            .iter_mut()
            .map(|b| Arc::new(b.finish()) as ArrayRef);
        let mut next = || {
            m.next().ok_or(Error::Column {
                column: "earned",
                reason: "missing".into(),
            })
        };
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.account.finish()),
            Arc::new(self.month.finish()),
            Arc::new(self.currency.finish()),
            next()?, // entries
            next()?, // earned
            next()?, // withheld
            next()?, // not_yet_payable
            next()?, // became_payable
            next()?, // carried_in
            next()?, // due
            next()?, // recouped
            Arc::new(self.outcome.finish()),
            next()?, // paid
            Arc::new(self.payment_date.finish()),
            Arc::new(self.held.finish()),
            next()?, // below_threshold
            next()?, // carried_out
            next()?, // pending_out
            Arc::new(self.conversions.finish()),
            Arc::new(self.statement.finish()),
        ];
        self.rows = 0;
        Ok(RecordBatch::try_new(schema::statements(), columns)?)
    }
}

/// Rows of [`schema::year_end`] and [`schema::forms`].
pub(crate) struct Returns {
    json: bool,
    account: FixedSizeBinaryBuilder,
    tax_year: Int32Builder,
    figures: [Int64Builder; 6],
    returns: StringBuilder,
    rows: usize,
    forms: Forms,
}

/// Rows of [`schema::forms`].
pub(crate) struct Forms {
    account: FixedSizeBinaryBuilder,
    tax_year: Int32Builder,
    form: StringBuilder,
    income_code: Int32Builder,
    chapter: Int32Builder,
    exemption_code: StringBuilder,
    rate: StringBuilder,
    gross: Int64Builder,
    withheld: Int64Builder,
    sales: Int64Builder,
    required: BooleanBuilder,
    furnish_by: Date32Builder,
}

/// One form row before it is added.
struct FormRow {
    form: String,
    income_code: Option<i32>,
    chapter: Option<i32>,
    exemption_code: Option<String>,
    rate: Option<String>,
    gross: i64,
    withheld: i64,
    sales: i64,
    required: bool,
    furnish_by: i32,
}

impl FormRow {
    fn of_1042s(f: &Form1042S) -> Result<FormRow, Refused> {
        Ok(FormRow {
            form: "1042-S".into(),
            income_code: Some(i32::from(f.income_code)),
            chapter: Some(i32::from(f.chapter)),
            exemption_code: Some(f.exemption_code.code().into()),
            rate: Some(f.rate.to_string()),
            gross: minor(f.gross_income)?,
            withheld: minor(f.tax_withheld)?,
            sales: i64::try_from(f.sales).unwrap_or(i64::MAX),
            required: true,
            furnish_by: days_of(f.furnish_by),
        })
    }

    /// A Form 1099, named as the IRS does (`1099-K`, `1099-MISC`, …).
    fn of_1099(f: &Form1099) -> Result<FormRow, Refused> {
        let kind = serde_json::to_value(&f.form)
            .ok()
            .and_then(|v| v.get("form").and_then(|s| s.as_str()).map(str::to_owned))
            .unwrap_or_else(|| "1099".into())
            .replace('_', "-")
            .to_uppercase();
        Ok(FormRow {
            form: kind,
            income_code: None,
            chapter: None,
            exemption_code: None,
            rate: None,
            gross: minor(f.amount)?,
            withheld: minor(f.federal_tax_withheld)?,
            sales: i64::try_from(f.transactions).unwrap_or(i64::MAX),
            required: f.required,
            furnish_by: days_of(f.furnish_by),
        })
    }
}

impl Forms {
    /// Adds one form of `account` (its key) for `tax_year`.
    fn push(&mut self, key: &[u8], tax_year: i32, row: FormRow) -> Result<(), Refused> {
        self.account.append_value(key)?;
        self.tax_year.append_value(tax_year);
        self.form.append_value(row.form);
        self.income_code.append_option(row.income_code);
        self.chapter.append_option(row.chapter);
        self.exemption_code.append_option(row.exemption_code);
        self.rate.append_option(row.rate);
        self.gross.append_value(row.gross);
        self.withheld.append_value(row.withheld);
        self.sales.append_value(row.sales);
        self.required.append_value(row.required);
        self.furnish_by.append_value(row.furnish_by);
        Ok(())
    }
}

impl Returns {
    pub(crate) fn new(json: bool) -> Self {
        Returns {
            json,
            account: key_builder(),
            tax_year: Int32Builder::new(),
            figures: std::array::from_fn(|_| Int64Builder::new()),
            returns: StringBuilder::new(),
            rows: 0,
            forms: Forms {
                account: key_builder(),
                tax_year: Int32Builder::new(),
                form: StringBuilder::new(),
                income_code: Int32Builder::new(),
                chapter: Int32Builder::new(),
                exemption_code: StringBuilder::new(),
                rate: StringBuilder::new(),
                gross: Int64Builder::new(),
                withheld: Int64Builder::new(),
                sales: Int64Builder::new(),
                required: BooleanBuilder::new(),
                furnish_by: Date32Builder::new(),
            },
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    /// Adds an account's year: its totals and its forms.
    pub(crate) fn push(
        &mut self,
        account: AccountId,
        entries: u64,
        r: &YearEndReturns,
    ) -> Result<(), Refused> {
        let mut not_reported = 0i64;
        for n in &r.not_reported {
            not_reported = not_reported.saturating_add(minor(n.gross)?);
        }
        let count = |n: usize| i64::try_from(n).unwrap_or(i64::MAX);
        let figures = [
            i64::try_from(entries).unwrap_or(i64::MAX),
            minor(r.paid_gross)?,
            minor(r.paid_withheld)?,
            count(r.forms_1042s.len()),
            count(r.forms_1099.len()),
            not_reported,
        ];
        let rows = r
            .forms_1042s
            .iter()
            .map(FormRow::of_1042s)
            .chain(r.forms_1099.iter().map(FormRow::of_1099))
            .collect::<Result<Vec<_>, _>>()?;
        let json = if self.json { Some(json(r)?) } else { None };
        let uuid = account.uuid();
        let key = uuid.as_bytes();
        self.account.append_value(key)?;
        self.tax_year.append_value(r.tax_year);
        for (b, v) in self.figures.iter_mut().zip(figures) {
            b.append_value(v);
        }
        self.returns.append_option(json);
        self.rows = self.rows.saturating_add(1);
        for row in rows {
            self.forms.push(key, r.tax_year, row)?;
        }
        Ok(())
    }

    /// The year-end batch and the forms batch.
    pub(crate) fn finish(&mut self) -> Result<(RecordBatch, RecordBatch), Error> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.account.finish()),
            Arc::new(self.tax_year.finish()),
        ];
        columns.extend(
            self.figures
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef),
        );
        columns.push(Arc::new(self.returns.finish()));
        let year_end = RecordBatch::try_new(schema::year_end(), columns)?;
        let f = &mut self.forms;
        let forms = RecordBatch::try_new(
            schema::forms(),
            vec![
                Arc::new(f.account.finish()),
                Arc::new(f.tax_year.finish()),
                Arc::new(f.form.finish()),
                Arc::new(f.income_code.finish()),
                Arc::new(f.chapter.finish()),
                Arc::new(f.exemption_code.finish()),
                Arc::new(f.rate.finish()),
                Arc::new(f.gross.finish()),
                Arc::new(f.withheld.finish()),
                Arc::new(f.sales.finish()),
                Arc::new(f.required.finish()),
                Arc::new(f.furnish_by.finish()),
            ],
        )?;
        self.rows = 0;
        Ok((year_end, forms))
    }
}

/// Rows of [`schema::failures`].
pub(crate) struct Failures {
    account: FixedSizeBinaryBuilder,
    code: StringBuilder,
    message: StringBuilder,
    rows: usize,
}

impl Failures {
    pub(crate) fn new() -> Self {
        Failures {
            account: key_builder(),
            code: StringBuilder::new(),
            message: StringBuilder::new(),
            rows: 0,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.rows
    }

    pub(crate) fn push(
        &mut self,
        account: AccountId,
        code: &str,
        message: &str,
    ) -> Result<(), Error> {
        self.account.append_value(account.uuid().as_bytes())?;
        self.code.append_value(code);
        self.message.append_value(message);
        self.rows = self.rows.saturating_add(1);
        Ok(())
    }

    pub(crate) fn finish(&mut self) -> Result<RecordBatch, Error> {
        self.rows = 0;
        Ok(RecordBatch::try_new(
            schema::failures(),
            vec![
                Arc::new(self.account.finish()),
                Arc::new(self.code.finish()),
                Arc::new(self.message.finish()),
            ],
        )?)
    }
}
