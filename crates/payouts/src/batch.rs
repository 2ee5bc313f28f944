//! Folding a whole month's ledger for many accounts at once: columnar entries keyed by dense
//! account slots (rule PAY-9 at scale).

use std::collections::{BTreeMap, HashMap};

use partnerkit_core::{AccountId, Currency};

use crate::error::Error;
use crate::ledger::LedgerEntry;
use crate::month::PayoutMonth;
use crate::statement::{CarryOver, CycleTerms, Statement, StatementFold, Sums};

/// A cycle's ledger for many accounts, stored by column for fast folding.
///
/// Accounts are interned to dense `u32` slots. Every entry is validated when pushed (currency,
/// whole minor units — already checked when the [`LedgerEntry`] was built) and sorted into
/// "due in this cycle" (payable in or before the batch's month) or "payable later". Folding the
/// due entries is a plain add of `i64` minor units into a per-slot array, with checked adds:
/// an overflow is an [`Error::Overflow`], never a wrapped number.
///
/// All accounts of a batch share one payout currency; a host with several currencies builds
/// one batch per currency. Entries converted from another currency (rule PAY-10) are folded
/// with [`StatementFold`], which keeps their original amounts and rates for the statement.
///
/// ```
/// use chrono::NaiveDate;
/// use partnerkit_core::{AccountId, CountryCode, Currency};
/// use partnerkit_payouts::{LedgerBatch, LedgerEntry, PayoutMonth, PayoutPolicy, RevenueSource};
/// let policy = PayoutPolicy::default();
/// let april: PayoutMonth = "2027-04".parse()?;
/// let mut batch = LedgerBatch::new(april, Currency::USD);
/// let src = RevenueSource::new(RevenueSource::APP_SALES)?;
/// let day = NaiveDate::from_ymd_opt(2027, 3, 9).unwrap();
/// for (n, amount) in [(1u128, "10.00 USD"), (2, "20.00 USD"), (1, "-2.50 USD")] {
///     let entry = LedgerEntry::new(src.clone(), amount.parse()?, day, CountryCode::SE, &policy)?;
///     batch.push(AccountId::from_uuid(uuid::Uuid::from_u128(n)), &entry)?;
/// }
/// // Fold in two parts (as two threads would) and merge: the same as folding it whole.
/// let merged = batch.fold_part(0, 2)?.merge(batch.fold_part(1, 2)?)?;
/// assert_eq!(merged, batch.fold()?);
/// assert_eq!(batch.accounts().len(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct LedgerBatch {
    month: PayoutMonth,
    currency: Currency,
    accounts: Vec<AccountId>,
    index: HashMap<AccountId, u32>,
    due_slot: Vec<u32>,
    due_amount: Vec<i64>,
    due_withheld: Vec<i64>,
    later_slot: Vec<u32>,
    later_month: Vec<PayoutMonth>,
    later_amount: Vec<i64>,
    later_withheld: Vec<i64>,
}

impl LedgerBatch {
    /// An empty batch for the cycle of `month`, in `currency`.
    pub fn new(month: PayoutMonth, currency: Currency) -> Self {
        LedgerBatch::with_capacity(month, currency, 0, 0)
    }

    /// The most entries or accounts [`with_capacity`](LedgerBatch::with_capacity) reserves
    /// room for up front; a batch still grows past it as entries are pushed.
    pub const MAX_RESERVED: usize = 1 << 20;

    /// An empty batch with room for `entries` entries and `accounts` accounts, each at most
    /// [`MAX_RESERVED`](LedgerBatch::MAX_RESERVED): the numbers are a hint, so an absurd one
    /// cannot abort the process by asking for memory that does not exist.
    pub fn with_capacity(
        month: PayoutMonth,
        currency: Currency,
        entries: usize,
        accounts: usize,
    ) -> Self {
        let entries = entries.min(Self::MAX_RESERVED);
        let accounts = accounts.min(Self::MAX_RESERVED);
        LedgerBatch {
            month,
            currency,
            accounts: Vec::with_capacity(accounts),
            index: HashMap::with_capacity(accounts),
            due_slot: Vec::with_capacity(entries),
            due_amount: Vec::with_capacity(entries),
            due_withheld: Vec::with_capacity(entries),
            later_slot: Vec::new(),
            later_month: Vec::new(),
            later_amount: Vec::new(),
            later_withheld: Vec::new(),
        }
    }

    /// The cycle's month.
    pub fn month(&self) -> PayoutMonth {
        self.month
    }

    /// The payout currency.
    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// The slot of `account`, adding it if new. Slots are dense: 0, 1, 2, …;
    /// [`Error::Overflow`] once every `u32` slot is taken.
    pub fn intern(&mut self, account: AccountId) -> Result<u32, Error> {
        if let Some(s) = self.index.get(&account) {
            return Ok(*s);
        }
        let slot = u32::try_from(self.accounts.len()).map_err(|_| Error::Overflow {
            what: "a batch's account slots".into(),
        })?;
        self.accounts.push(account);
        self.index.insert(account, slot);
        Ok(slot)
    }

    /// The slot of `account`, if it is in the batch.
    pub fn slot_of(&self, account: AccountId) -> Option<u32> {
        self.index.get(&account).copied()
    }

    /// The accounts, by slot.
    pub fn accounts(&self) -> &[AccountId] {
        &self.accounts
    }

    /// Adds `entry` for `account`; returns the account's slot.
    pub fn push(&mut self, account: AccountId, entry: &LedgerEntry) -> Result<u32, Error> {
        self.check_entry(entry)?;
        let slot = self.intern(account)?;
        self.push_slot(slot, entry)?;
        Ok(slot)
    }

    /// A batch takes entries in its currency only, none converted from another (rule PAY-10):
    /// checked before an account is given a slot, so a refused entry changes nothing.
    fn check_entry(&self, entry: &LedgerEntry) -> Result<(), Error> {
        if entry.conversion().is_some() {
            return Err(Error::ConvertedEntryInBatch {
                from: entry.currency(),
                to: entry.payout_currency(),
            });
        }
        if entry.currency() != self.currency() {
            return Err(Error::CurrencyMismatch {
                expected: self.currency(),
                found: entry.currency(),
            });
        }
        Ok(())
    }

    /// Adds `entry` for the account in `slot`.
    pub fn push_slot(&mut self, slot: u32, entry: &LedgerEntry) -> Result<(), Error> {
        self.check_entry(entry)?;
        if slot as usize >= self.accounts.len() {
            return Err(Error::UnknownSlot { slot });
        }
        if entry.payable_in() <= self.month() {
            self.due_slot.push(slot);
            self.due_amount.push(entry.amount_minor());
            self.due_withheld.push(entry.withheld_minor());
        } else {
            self.later_slot.push(slot);
            self.later_month.push(entry.payable_in());
            self.later_amount.push(entry.amount_minor());
            self.later_withheld.push(entry.withheld_minor());
        }
        Ok(())
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.due_slot.len().saturating_add(self.later_slot.len())
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Folds the whole batch.
    pub fn fold(&self) -> Result<BatchFold, Error> {
        self.fold_part(0, 1)
    }

    /// Folds part `part` of `parts` equal contiguous parts of the batch (for threads or
    /// partitions); merging every part's result gives [`fold`](LedgerBatch::fold)'s.
    ///
    /// [`Error::InvalidBatchPart`] unless `part < parts`.
    pub fn fold_part(&self, part: usize, parts: usize) -> Result<BatchFold, Error> {
        if part >= parts {
            return Err(Error::InvalidBatchPart {
                part: u64::try_from(part).unwrap_or(u64::MAX),
                parts: u64::try_from(parts).unwrap_or(u64::MAX),
            });
        }
        let due = part_range(self.due_slot.len(), part, parts);
        let later = part_range(self.later_slot.len(), part, parts);
        let mut fold = BatchFold {
            month: self.month,
            currency: self.currency,
            sums: vec![Sums::default(); self.accounts.len()],
            later: BTreeMap::new(),
        };
        let slots = self.due_slot.get(due.clone()).unwrap_or(&[]);
        let amounts = self.due_amount.get(due.clone()).unwrap_or(&[]);
        let withheld = self.due_withheld.get(due).unwrap_or(&[]);
        // The hot loop: no Result, no branch but the (always taken) bounds check. Slots were
        // checked when pushed; overflow is flagged and turned into an error after the loop.
        let mut overflow = false;
        let mut unknown = None;
        for ((slot, a), w) in slots.iter().zip(amounts).zip(withheld) {
            match fold.sums.get_mut(*slot as usize) {
                Some(cell) => overflow |= cell.add_flagging(*a, *w),
                None => unknown = Some(*slot),
            }
        }
        if let Some(slot) = unknown {
            return Err(Error::UnknownSlot { slot });
        }
        if overflow {
            return Err(Error::Overflow {
                what: "a batch's per-account sums".into(),
            });
        }
        for i in later {
            if let (Some(slot), Some(m), Some(a), Some(w)) = (
                self.later_slot.get(i),
                self.later_month.get(i),
                self.later_amount.get(i),
                self.later_withheld.get(i),
            ) {
                fold.later.entry((*slot, *m)).or_default().add(*a, *w)?;
            }
        }
        Ok(fold)
    }
}

/// The bounds of part `part` (< `parts`) of `len` items cut into `parts` contiguous parts:
/// `len·part/parts .. len·(part+1)/parts`, computed in `u128` so that no product overflows.
fn part_range(len: usize, part: usize, parts: usize) -> std::ops::Range<usize> {
    let at = |k: usize| -> usize {
        // len·k/parts ≤ len when k ≤ parts, so the result fits back in usize.
        let v = (len as u128)
            .checked_mul(k as u128)
            .and_then(|p| p.checked_div(parts as u128))
            .unwrap_or(0);
        usize::try_from(v).unwrap_or(len)
    };
    at(part)..at(part.saturating_add(1))
}

/// The partial result of folding (part of) a [`LedgerBatch`]: per-slot sums of what is due in
/// the cycle, and what is payable later. Merge the parts, then read one account's
/// [`StatementFold`] or [`Statement`] by slot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchFold {
    month: PayoutMonth,
    currency: Currency,
    sums: Vec<Sums>,
    later: BTreeMap<(u32, PayoutMonth), Sums>,
}

impl BatchFold {
    /// Merges the result of another part of the same batch.
    pub fn merge(mut self, other: BatchFold) -> Result<BatchFold, Error> {
        if other.month != self.month {
            return Err(Error::CycleMismatch {
                expected: self.month,
                found: other.month,
            });
        }
        if other.currency != self.currency {
            return Err(Error::CurrencyMismatch {
                expected: self.currency,
                found: other.currency,
            });
        }
        if other.sums.len() != self.sums.len() {
            return Err(Error::BatchMismatch);
        }
        for (mine, theirs) in self.sums.iter_mut().zip(other.sums) {
            mine.add(theirs.earned, theirs.withheld)?;
        }
        for (k, s) in other.later {
            self.later.entry(k).or_default().add(s.earned, s.withheld)?;
        }
        Ok(self)
    }

    /// The number of account slots.
    pub fn accounts(&self) -> usize {
        self.sums.len()
    }

    /// The cycle's month.
    pub fn month(&self) -> PayoutMonth {
        self.month
    }

    /// The fold of the account in `slot`, as [`StatementFold`] would have folded its entries.
    pub fn account_fold(&self, slot: u32) -> Result<StatementFold, Error> {
        let due = self
            .sums
            .get(slot as usize)
            .ok_or(Error::UnknownSlot { slot })?;
        let mut fold = StatementFold::default();
        if *due != Sums::default() {
            fold.add_minor(self.currency, self.month, due.earned, due.withheld)?;
        }
        let from = (slot, PayoutMonth::MIN);
        for ((_, m), s) in self
            .later
            .range(from..)
            .take_while(|((s, _), _)| *s == slot)
        {
            fold.add_minor(self.currency, *m, s.earned, s.withheld)?;
        }
        Ok(fold)
    }

    /// The statement of the account in `slot` (see [`StatementFold::finish`]).
    pub fn statement(
        &self,
        slot: u32,
        terms: &CycleTerms,
        carried_in: &CarryOver,
    ) -> Result<Statement, Error> {
        if terms.month != self.month {
            return Err(Error::CycleMismatch {
                expected: terms.month,
                found: self.month,
            });
        }
        self.account_fold(slot)?.finish(terms, carried_in)
    }
}
