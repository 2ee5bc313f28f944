//! A store of your own, proven with partnerkit's conformance kit: the one in `docs/HOSTS.md`,
//! three tables — `accounts(id, version)`, `events(account_id, seq, …)`,
//! `snapshots(account_id, …)` — kept in memory the way a database holds them, with one lock
//! standing in for the transaction. `partnerkit::codec` turns values into rows and checks
//! them on the way back (rule X-9); the store only keeps rows.
//!
//! Run with `cargo run --example custom_store`. In your own crate, call the same checks from a
//! test, with `partnerkit = { version = "0.1", features = ["testing"] }` in your
//! dev-dependencies.

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::sync::{Mutex, MutexGuard};

use partnerkit::codec::{self, Append, EventRow, LoadPlan, Reader, SnapshotRow};
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError, Write};
use partnerkit::testing::{Rows, conformance};

#[derive(Default)]
struct Tables {
    accounts: HashMap<AccountId, u64>,
    events: BTreeMap<(AccountId, u64), EventRow>,
    snapshots: HashMap<AccountId, SnapshotRow>,
    /// `CREATE UNIQUE INDEX ON events (account_id, id)`: event ids are unique (rule X-9).
    ids: std::collections::HashSet<(AccountId, String)>,
}

/// The host's store: every method is one transaction over the three tables.
#[derive(Default)]
struct TableStore(Mutex<Tables>);

/// What can go wrong: the backend's own error type; the codec names what is corrupt and where.
#[derive(Debug)]
enum TableError {
    Poisoned,
    Codec(codec::Error),
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableError::Poisoned => f.write_str("the store's lock was poisoned"),
            TableError::Codec(e) => e.fmt(f),
        }
    }
}

impl Error for TableError {}

impl From<codec::Error> for TableError {
    fn from(e: codec::Error) -> Self {
        TableError::Codec(e)
    }
}

impl TableStore {
    fn tables(&self) -> Result<MutexGuard<'_, Tables>, TableError> {
        self.0.lock().map_err(|_| TableError::Poisoned)
    }
}

/// `SELECT * FROM events WHERE account_id = ? AND seq >= ? ORDER BY seq`
fn rows_from(t: &Tables, account: AccountId, first: u64) -> impl Iterator<Item = EventRow> + '_ {
    t.events
        .range((account, first)..=(account, u64::MAX))
        .map(|(_, row)| row.clone())
}

impl AccountStore for TableStore {
    type Error = TableError;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, TableError> {
        let t = self.tables()?;
        let Some(&version) = t.accounts.get(&account) else {
            return Ok(None);
        };
        let mut plan = LoadPlan::new(account, version, t.snapshots.get(&account).cloned())?;
        for row in rows_from(&t, account, plan.first_seq()) {
            plan.push(row)?;
        }
        Ok(Some(plan.finish()?))
    }

    fn append(&self, write: Write<'_>) -> Result<Version, StoreError<TableError>> {
        let backend = |e: codec::Error| StoreError::Backend(TableError::Codec(e));
        // Encoding is the expensive part: before the transaction.
        let (account, expected) = (write.account, write.expected);
        let mut append = Append::new(write).map_err(backend)?;
        // BEGIN IMMEDIATE; SELECT version FROM accounts WHERE id = ? (FOR UPDATE)
        let mut t = self.tables().map_err(StoreError::Backend)?;
        let actual = Version::new(t.accounts.get(&account).copied().unwrap_or(0));
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        let version = append.new_version();
        if version == Version::INITIAL {
            return Ok(version); // nothing to store for an account that does not exist
        }
        // SELECT seq, chain FROM events WHERE account_id = ? ORDER BY seq DESC LIMIT 1
        let last = t
            .events
            .range((account, 0)..=(account, u64::MAX))
            .next_back()
            .map(|(_, r)| (r.seq, r.chain.clone()));
        let last = last.as_ref().map(|(seq, chain)| (*seq, chain.as_str()));
        let snapshot = append.seal(last).map_err(backend)?;
        let ids = append
            .rows()
            .iter()
            .filter_map(|r| r.id.clone().map(|id| (account, id)));
        if let Some((_, taken)) = ids.clone().find(|key| t.ids.contains(key)) {
            // The unique index refuses the insert: the transaction rolls back.
            return Err(backend(codec::repeated_id(&taken)));
        }
        t.ids.extend(ids);
        for row in append.rows() {
            t.events.insert((account, row.seq), row.clone()); // INSERT INTO events …
        }
        t.accounts.insert(account, version.get()); // UPSERT accounts SET version = ?
        if let Some(row) = snapshot {
            t.snapshots.insert(account, row); // UPSERT snapshots …
        }
        Ok(version) // COMMIT
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, TableError> {
        let t = self.tables()?;
        let version = t.accounts.get(&account).copied().unwrap_or(0);
        let mut reader = Reader::after(account, version, after.get());
        for row in rows_from(&t, account, reader.first_seq()) {
            reader.push(row)?;
        }
        Ok(reader.finish()?)
    }

    fn version(&self, account: AccountId) -> Result<Version, TableError> {
        let t = self.tables()?;
        Ok(Version::new(t.accounts.get(&account).copied().unwrap_or(0)))
    }
}

/// The rows as an operator with a database console sees and edits them: what the kit needs
/// to damage them.
impl Rows for TableStore {
    fn rows(&self, account: AccountId) -> (Vec<EventRow>, Option<SnapshotRow>) {
        self.tables().map_or((Vec::new(), None), |t| {
            let events = rows_from(&t, account, 0).collect();
            (events, t.snapshots.get(&account).cloned())
        })
    }

    fn replace_rows(
        &self,
        account: AccountId,
        events: Vec<EventRow>,
        snapshot: Option<SnapshotRow>,
    ) {
        if let Ok(mut t) = self.tables() {
            t.events.retain(|(a, _), _| *a != account);
            // As a hand edit that bypassed the unique index would leave it.
            t.ids.retain(|(a, _)| *a != account);
            t.ids.extend(
                events
                    .iter()
                    .filter_map(|r| r.id.clone().map(|id| (account, id))),
            );
            t.events
                .extend(events.into_iter().map(|r| ((account, r.seq), r)));
            match snapshot {
                Some(row) => t.snapshots.insert(account, row),
                None => t.snapshots.remove(&account),
            };
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let store = TableStore::default();
    // Every check panics with the contract it found broken; each is also public on its own.
    conformance::check_all(&store);
    println!("TableStore passes the conformance kit: missing accounts, append then load, order,");
    println!("  snapshots, empty appends, optimistic concurrency, isolation, racing writers");

    // Reads must refuse what they cannot trust (rule X-9), and rebuild an old snapshot.
    conformance::check_damaged_rows(&store);
    println!("it refuses rows deleted, swapped, copied, repeated or from a newer release, and");
    println!("  a snapshot moved or set back; it rebuilds an old or undecodable snapshot");
    Ok(())
}
