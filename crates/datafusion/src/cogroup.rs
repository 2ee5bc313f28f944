//! Walking two streams sorted by account side by side: the ledger's entries and the accounts'
//! rows of one partition, one account at a time.

use std::cmp::Ordering;

use chrono::NaiveDate;
use datafusion::arrow::array::{
    Array, ArrayRef, Date32Array, FixedSizeBinaryArray, Int64Array, RecordBatch, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::execution::SendableRecordBatchStream;
use futures::StreamExt;
use partnerkit::DomainError;
use partnerkit::core::{AccountId, CountryCode, Currency, Money};
use partnerkit::payouts::{LedgerEntry, PayoutPolicy, RevenueSource};
use uuid::Uuid;

use crate::error::Error;
use crate::schema::col;

/// An account key: its UUID's bytes, as the tables hold it.
pub(crate) type Key = [u8; 16];

/// One account's inputs, as one partition's streams give them.
pub(crate) struct Group {
    /// The account.
    pub(crate) account: AccountId,
    /// Its row of the accounts table: the events JSON and the carried-in JSON; `None` if the
    /// ledger has entries for an account the accounts table lacks.
    pub(crate) inputs: Option<(String, Option<String>)>,
    /// Its entries, in `entry` order, or the first that could not be built.
    pub(crate) entries: Result<Vec<LedgerEntry>, DomainError>,
    /// How many ledger rows it had.
    pub(crate) rows: u64,
    /// True if the accounts table had more than one row for it.
    pub(crate) duplicate: bool,
}

fn column<'a>(batch: &'a RecordBatch, name: &'static str) -> Result<&'a ArrayRef, Error> {
    batch.column_by_name(name).ok_or(Error::Column {
        column: name,
        reason: "missing".into(),
    })
}

fn typed<T: Array + Clone + 'static>(array: &ArrayRef, name: &'static str) -> Result<T, Error> {
    array
        .as_any()
        .downcast_ref::<T>()
        .cloned()
        .ok_or_else(|| Error::Column {
            column: name,
            reason: format!("unexpected type {}", array.data_type()),
        })
}

/// A string column as `Utf8`, whatever string type the reader gave (Parquet gives
/// `Utf8View` by default).
fn strings(batch: &RecordBatch, name: &'static str) -> Result<StringArray, Error> {
    let array = column(batch, name)?;
    if array.data_type() == &DataType::Utf8 {
        return typed(array, name);
    }
    let utf8 = cast(array, &DataType::Utf8)?;
    typed(&utf8, name)
}

fn keys(batch: &RecordBatch) -> Result<FixedSizeBinaryArray, Error> {
    let k: FixedSizeBinaryArray = typed(column(batch, col::ACCOUNT)?, col::ACCOUNT)?;
    if k.value_length() != 16 {
        return Err(Error::Column {
            column: col::ACCOUNT,
            reason: format!("{} bytes, not 16", k.value_length()),
        });
    }
    Ok(k)
}

fn key_at(keys: &FixedSizeBinaryArray, row: usize) -> Key {
    let mut k = [0u8; 16];
    if row < keys.len() {
        k.copy_from_slice(keys.value(row));
    }
    k
}

/// The columns of one ledger batch.
struct LedgerCols {
    account: FixedSizeBinaryArray,
    amount: Int64Array,
    currency: StringArray,
    earned_on: Date32Array,
    country: StringArray,
    source: StringArray,
}

impl LedgerCols {
    fn of(batch: &RecordBatch) -> Result<Self, Error> {
        Ok(LedgerCols {
            account: keys(batch)?,
            amount: typed(column(batch, col::AMOUNT)?, col::AMOUNT)?,
            currency: strings(batch, col::CURRENCY)?,
            earned_on: typed(column(batch, col::EARNED_ON)?, col::EARNED_ON)?,
            country: strings(batch, col::COUNTRY)?,
            source: strings(batch, col::SOURCE)?,
        })
    }
}

/// The columns of one accounts batch.
struct AccountCols {
    account: FixedSizeBinaryArray,
    events: StringArray,
    carried_in: StringArray,
}

impl AccountCols {
    fn of(batch: &RecordBatch) -> Result<Self, Error> {
        Ok(AccountCols {
            account: keys(batch)?,
            events: strings(batch, col::EVENTS)?,
            carried_in: strings(batch, col::CARRIED_IN)?,
        })
    }
}

/// The day a `Date32` value stands for.
pub(crate) fn day_of(days: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(days.into()))
}

/// The `Date32` value of a day.
pub(crate) fn days_of(day: NaiveDate) -> i32 {
    let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap_or(NaiveDate::MIN);
    i32::try_from(day.signed_duration_since(epoch).num_days()).unwrap_or(i32::MAX)
}

/// Builds ledger entries from rows, keeping the last currency and source it parsed (a
/// ledger's rows mostly repeat them).
pub(crate) struct EntryBuilder<'p> {
    policy: &'p PayoutPolicy,
    currency: Option<(String, Currency)>,
    source: Option<RevenueSource>,
}

impl<'p> EntryBuilder<'p> {
    pub(crate) fn new(policy: &'p PayoutPolicy) -> Self {
        EntryBuilder {
            policy,
            currency: None,
            source: None,
        }
    }

    fn entry(&mut self, cols: &LedgerCols, row: usize) -> Result<LedgerEntry, DomainError> {
        let code = cols.currency.value(row);
        let currency = match &self.currency {
            Some((c, cur)) if c == code => *cur,
            _ => {
                let cur: Currency = code.parse()?;
                self.currency = Some((code.to_owned(), cur));
                cur
            }
        };
        let name = cols.source.value(row);
        let source = match &self.source {
            Some(s) if s.as_str() == name => s.clone(),
            _ => {
                let s = RevenueSource::new(name)?;
                self.source = Some(s.clone());
                s
            }
        };
        let day = day_of(cols.earned_on.value(row)).ok_or_else(|| {
            partnerkit::payouts::Error::MonthOutOfRange {
                given: format!("day {} after 1970-01-01", cols.earned_on.value(row)),
            }
        })?;
        let country: CountryCode = cols.country.value(row).parse()?;
        Ok(LedgerEntry::new(
            source,
            Money::from_minor_units(cols.amount.value(row), currency),
            day,
            country,
            self.policy,
        )?)
    }
}

/// A stream of batches, read row by row.
struct Cursor<T> {
    stream: SendableRecordBatchStream,
    batch: Option<T>,
    len: usize,
    row: usize,
    decode: fn(&RecordBatch) -> Result<T, Error>,
    keys: fn(&T) -> &FixedSizeBinaryArray,
}

impl<T> Cursor<T> {
    /// The key of the current row, reading the next batch when this one is done; `None` at
    /// the end of the stream.
    async fn peek(&mut self) -> Result<Option<Key>, Error> {
        loop {
            if let Some(b) = &self.batch
                && self.row < self.len
            {
                return Ok(Some(key_at((self.keys)(b), self.row)));
            }
            match self.stream.next().await {
                Some(batch) => {
                    let batch = batch?;
                    self.len = batch.num_rows();
                    self.batch = Some((self.decode)(&batch)?);
                    self.row = 0;
                }
                None => {
                    self.batch = None;
                    return Ok(None);
                }
            }
        }
    }
}

/// A partition's ledger (sorted by account, entry) and accounts (sorted by account), walked
/// together: [`Cogroup::next`] gives one account present in either at a time, in account order.
pub(crate) struct Cogroup<'p> {
    ledger: Cursor<LedgerCols>,
    accounts: Cursor<AccountCols>,
    builder: EntryBuilder<'p>,
}

impl<'p> Cogroup<'p> {
    /// Walks `ledger` and `accounts`, building entries with `policy`.
    pub(crate) fn new(
        ledger: SendableRecordBatchStream,
        accounts: SendableRecordBatchStream,
        policy: &'p PayoutPolicy,
    ) -> Self {
        Cogroup {
            ledger: Cursor {
                stream: ledger,
                batch: None,
                len: 0,
                row: 0,
                decode: LedgerCols::of,
                keys: |c: &LedgerCols| &c.account,
            },
            accounts: Cursor {
                stream: accounts,
                batch: None,
                len: 0,
                row: 0,
                decode: AccountCols::of,
                keys: |c: &AccountCols| &c.account,
            },
            builder: EntryBuilder::new(policy),
        }
    }

    /// The next account's inputs; `None` when both streams are done.
    pub(crate) async fn next(&mut self) -> Result<Option<Group>, Error> {
        let (l, a) = (&mut self.ledger, &mut self.accounts);
        let key = match (l.peek().await?, a.peek().await?) {
            (None, None) => return Ok(None),
            (Some(k), None) | (None, Some(k)) => k,
            (Some(x), Some(y)) => match x.cmp(&y) {
                Ordering::Less => x,
                _ => y,
            },
        };
        let mut inputs = None;
        let mut duplicate = false;
        while a.peek().await? == Some(key) {
            if let Some(c) = &a.batch {
                let row = a.row;
                if inputs.is_some() {
                    duplicate = true;
                } else {
                    let carried =
                        (!c.carried_in.is_null(row)).then(|| c.carried_in.value(row).to_owned());
                    inputs = Some((c.events.value(row).to_owned(), carried));
                }
            }
            a.row = a.row.saturating_add(1);
        }
        let mut entries = Ok(Vec::new());
        let mut rows = 0u64;
        while l.peek().await? == Some(key) {
            if let Some(c) = &l.batch {
                // The rest of this batch's rows of the account, then the next batch's.
                while l.row < l.len && key_at(&c.account, l.row) == key {
                    if let Ok(list) = &mut entries {
                        match self.builder.entry(c, l.row) {
                            Ok(e) => list.push(e),
                            Err(e) => entries = Err(e),
                        }
                    }
                    rows = rows.saturating_add(1);
                    l.row = l.row.saturating_add(1);
                }
            }
        }
        Ok(Some(Group {
            account: AccountId::from_uuid(Uuid::from_bytes(key)),
            inputs,
            entries,
            rows,
            duplicate,
        }))
    }
}
