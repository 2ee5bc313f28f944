//! A store of your own, proven with partnerkit's conformance kit: the one in `docs/HOSTS.md`,
//! three tables — `accounts(id, version)`, `events(account_id, seq, json)`,
//! `snapshots(account_id, version, json)` — kept in memory the way a database holds them, with
//! one lock standing in for the transaction.
//!
//! Run with `cargo run --example custom_store`. In your own crate, call the same checks from a
//! test, with `partnerkit = { version = "0.1", features = ["testing"] }` in your
//! dev-dependencies.

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::sync::{Mutex, MutexGuard};

use partnerkit::AccountState;
use partnerkit::core::{AccountId, Version};
use partnerkit::store::{AccountStore, Loaded, Recorded, Snapshot, StoreError};
use partnerkit::testing::conformance;

#[derive(Default)]
struct Tables {
    accounts: HashMap<AccountId, u64>,
    events: BTreeMap<(AccountId, u64), String>,
    snapshots: HashMap<AccountId, (u64, String)>,
}

/// The host's store: every method is one transaction over the three tables.
#[derive(Default)]
struct TableStore(Mutex<Tables>);

/// What can go wrong: the backend's own error type, naming what is corrupt and where.
#[derive(Debug)]
enum TableError {
    Poisoned,
    Corrupt { account: AccountId, what: String },
}

impl std::fmt::Display for TableError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TableError::Poisoned => f.write_str("the store's lock was poisoned"),
            TableError::Corrupt { account, what } => write!(f, "account {account}: {what}"),
        }
    }
}

impl Error for TableError {}

impl TableStore {
    fn tables(&self) -> Result<MutexGuard<'_, Tables>, TableError> {
        self.0.lock().map_err(|_| TableError::Poisoned)
    }
}

/// The events of `account` after `after`, refusing a gap or a row that does not decode.
fn events_after(t: &Tables, account: AccountId, after: u64) -> Result<Vec<Recorded>, TableError> {
    let corrupt = |what: String| TableError::Corrupt { account, what };
    let version = t.accounts.get(&account).copied().unwrap_or(0);
    let mut out = Vec::new();
    for seq in after + 1..=version {
        let json = t
            .events
            .get(&(account, seq))
            .ok_or_else(|| corrupt(format!("event {seq} is missing")))?;
        out.push(serde_json::from_str(json).map_err(|e| corrupt(format!("event {seq}: {e}")))?);
    }
    Ok(out)
}

impl AccountStore for TableStore {
    type Error = TableError;

    fn load(&self, account: AccountId) -> Result<Option<Loaded>, TableError> {
        let t = self.tables()?;
        if !t.accounts.contains_key(&account) {
            return Ok(None);
        }
        let snapshot = match t.snapshots.get(&account) {
            Some((version, json)) => Some(Snapshot {
                state: serde_json::from_str(json).map_err(|e| TableError::Corrupt {
                    account,
                    what: format!("snapshot: {e}"),
                })?,
                version: Version::new(*version),
            }),
            None => None,
        };
        let after = snapshot.as_ref().map_or(0, |s| s.version.get());
        let events = events_after(&t, account, after)?;
        Ok(Some(Loaded { snapshot, events }))
    }

    fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<TableError>> {
        let encode = |e: serde_json::Error| {
            StoreError::Backend(TableError::Corrupt {
                account,
                what: format!("cannot encode: {e}"),
            })
        };
        let rows = events
            .iter()
            .map(serde_json::to_string)
            .collect::<Result<Vec<_>, _>>()
            .map_err(encode)?;
        let snapshot = snapshot
            .map(serde_json::to_string)
            .transpose()
            .map_err(encode)?;
        // BEGIN IMMEDIATE; SELECT version FROM accounts WHERE id = ? (FOR UPDATE)
        let mut t = self.tables().map_err(StoreError::Backend)?;
        let actual = Version::new(t.accounts.get(&account).copied().unwrap_or(0));
        if actual != expected {
            return Err(StoreError::Conflict { expected, actual });
        }
        let version = expected.after(rows.len() as u64);
        if rows.is_empty() {
            return Ok(version); // nothing to store (no snapshot without an event, either)
        }
        for (seq, row) in (expected.get() + 1..).zip(rows) {
            t.events.insert((account, seq), row); // INSERT INTO events …
        }
        t.accounts.insert(account, version.get()); // UPSERT accounts SET version = ?
        if let Some(json) = snapshot {
            t.snapshots.insert(account, (version.get(), json)); // UPSERT snapshots …
        }
        Ok(version) // COMMIT
    }

    fn events(&self, account: AccountId, after: Version) -> Result<Vec<Recorded>, TableError> {
        events_after(&*self.tables()?, account, after.get())
    }

    fn version(&self, account: AccountId) -> Result<Version, TableError> {
        let t = self.tables()?;
        Ok(Version::new(t.accounts.get(&account).copied().unwrap_or(0)))
    }
}

impl TableStore {
    /// Deletes one event row, as a careless migration might: for the gap check.
    fn delete_event(&self, account: AccountId, seq: u64) -> bool {
        self.tables()
            .is_ok_and(|mut t| t.events.remove(&(account, seq)).is_some())
    }

    /// Overwrites one event row with bytes that are no event: for the corruption check.
    fn damage_event(&self, account: AccountId, seq: u64) -> bool {
        self.tables().is_ok_and(|mut t| {
            t.events
                .get_mut(&(account, seq))
                .map(|row| *row = "{\"not\": \"an event\"}".to_owned())
                .is_some()
        })
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let store = TableStore::default();
    // Every check panics with the contract it found broken; each is also public on its own.
    conformance::check_all(&store);
    println!("TableStore passes the conformance kit: missing accounts, append then load, order,");
    println!("  snapshots, empty appends, optimistic concurrency, isolation, racing writers");

    // Reads must refuse what they cannot trust: a missing row, a row that does not decode.
    let deleted = std::cell::Cell::new(false);
    conformance::check_gaps_are_refused(&store, |account, seq| {
        deleted.set(store.delete_event(account, seq));
    });
    let damaged = std::cell::Cell::new(false);
    conformance::check_corrupt_events_are_refused(&store, |account, seq| {
        damaged.set(store.damage_event(account, seq));
    });
    if !(deleted.get() && damaged.get()) {
        return Err("the checks could not damage the store's rows".into());
    }
    println!("it refuses a history with a deleted event and one with a corrupt event");
    Ok(())
}
