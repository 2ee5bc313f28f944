//! Write turns: after a write loses a race, its store holds the account's turn for the next
//! try, and the other instances' writes to that account wait for it (see the crate docs,
//! "Fair writes").
//!
//! A turn is a PostgreSQL advisory lock, `pg_advisory_xact_lock(key)`, taken in a
//! transaction of its own on a connection of its own, held by a task that ends the
//! transaction when the holder's next write is over or when the turn runs out, whichever
//! comes first. Every other write to the account takes the same key shared in its write
//! transaction: `pg_try_advisory_xact_lock_shared(key)` in the statement that locks the
//! account's row, and if a turn holds the key, in a new transaction,
//! `pg_advisory_xact_lock_shared(key)` waiting at most the turn's length ([`wait`]). Writes
//! therefore never wait for each other's key, only for a turn; and a turn waits for the
//! writes already under way.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use deadpool_postgres::{Pool, Transaction};
use partnerkit::core::AccountId;
use tokio::sync::oneshot;
use tokio_postgres::error::SqlState;

use crate::Error;

/// The turns one store (one instance, with its clones) holds, and how long one lasts.
#[derive(Debug)]
pub(crate) struct Turns {
    length: Option<Duration>,
    /// Per account: dropping the sender ends the turn.
    held: Mutex<HashMap<AccountId, oneshot::Sender<()>>>,
}

/// A turn this store holds, taken out for a write: dropping it ends the turn.
pub(crate) struct Turn(
    // Never read: the turn ends when it is dropped.
    #[allow(dead_code)] oneshot::Sender<()>,
);

impl Turns {
    /// Turns of `length`, or none: a zero length is none (PostgreSQL reads a zero
    /// `lock_timeout` as "wait forever").
    pub(crate) fn new(length: Option<Duration>) -> Self {
        Turns {
            length: length.filter(|l| !l.is_zero()),
            held: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn length(&self) -> Option<Duration> {
        self.length
    }

    /// This store's turn on `account`, if it holds one that has not run out: taken out, so
    /// the write it is for ends it.
    pub(crate) fn take(&self, account: AccountId) -> Option<Turn> {
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.remove(&account)
            .filter(|release| !release.is_closed())
            .map(Turn)
    }

    /// Waits (at most a turn's length) for the account's turn and holds it until this
    /// store's next write to the account ends, or the turn runs out. Without turns, or when
    /// this store holds the turn already, does nothing. A turn that cannot be had (no
    /// connection, the wait ran out) is no turn: the next try runs as it would without.
    pub(crate) async fn acquire(&self, pool: &Pool, key: i64, account: AccountId) {
        let Some(length) = self.length else { return };
        if self.holds(account) {
            return;
        }
        let (held_tx, held_rx) = oneshot::channel::<()>();
        let (release, released) = oneshot::channel::<()>();
        let pool = pool.clone();
        let ms = millis(length);
        // The turn's transaction waits at most the turn's length for the lock. The server
        // ends its session if it stays idle for twice the length: a turn outlives its
        // length only by that, even when its holder's runtime is stuck.
        let hold = format!(
            "SET LOCAL lock_timeout = '{ms}ms';
             SET LOCAL idle_in_transaction_session_timeout = '{}ms';
             SELECT pg_advisory_xact_lock({key});",
            ms.saturating_mul(2)
        );
        tokio::spawn(async move {
            let Ok(mut client) = pool.get().await else {
                return;
            };
            let Ok(tx) = client.transaction().await else {
                return;
            };
            if tx.batch_execute(&hold).await.is_err() || held_tx.send(()).is_err() {
                return;
            }
            // Held until the holder's next write ends (drops `release`) or the turn runs out.
            // A connection lost meanwhile ends the transaction, and the turn with it.
            let _ = tokio::time::timeout(length, released).await;
            let _ = tx.rollback().await;
        });
        if held_rx.await.is_ok() {
            let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
            held.retain(|_, release| !release.is_closed());
            // Another task of this store may have won a turn on the account meanwhile: keep
            // that one, and end this (by dropping `release`).
            held.entry(account).or_insert(release);
        }
    }

    fn holds(&self, account: AccountId) -> bool {
        let held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        held.get(&account)
            .is_some_and(|release| !release.is_closed())
    }
}

/// What a write does first when another instance holds the account's turn: waits, at most
/// `length`, for the turn, then holds the key shared until the write's
/// transaction `tx` ends, so no turn starts while the write is under way. The session's
/// `lock_timeout` is restored after, for the rest of the transaction (the row lock waits as
/// it always did). False if the turn outlasted the wait: `tx` is then aborted.
pub(crate) async fn wait(tx: &Transaction<'_>, key: i64, length: Duration) -> Result<bool, Error> {
    // One round trip; the session's own `lock_timeout` is kept aside in a setting of the
    // transaction, and put back.
    let wait = format!(
        "SELECT set_config('partnerkit.lock_timeout', current_setting('lock_timeout'), true);
         SET LOCAL lock_timeout = '{}ms';
         SELECT pg_advisory_xact_lock_shared({key});
         SELECT set_config('lock_timeout', current_setting('partnerkit.lock_timeout'), true);",
        millis(length)
    );
    match tx.batch_execute(&wait).await {
        Ok(()) => Ok(true),
        Err(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => Ok(false),
        Err(e) => Err(e.into()),
    }
}

/// Whole milliseconds, at least 1 (PostgreSQL reads 0 as "no timeout").
fn millis(length: Duration) -> u128 {
    length.as_millis().max(1)
}

/// The advisory lock key of `account`'s turn in `schema`: 64 bits of FNV-1a over both.
/// Stable across releases and processes, so every instance, whatever its version, agrees;
/// two accounts that share a key (about one pair in 2^64) share their turns too, which only
/// makes one wait for the other's.
pub(crate) fn key(schema: &str, account: AccountId) -> i64 {
    let uuid = account.uuid();
    let bytes = b"partnerkit-turn:"
        .iter()
        .chain(schema.as_bytes())
        .chain(b":")
        .chain(uuid.as_bytes());
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    i64::from_ne_bytes(hash.to_ne_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_per_schema_and_account() {
        let a = AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(1));
        let b = AccountId::from_uuid(partnerkit::core::uuid::Uuid::from_u128(2));
        // Every release must compute the same key, or instances would ignore each other.
        assert_eq!(key("partnerkit", a), key("partnerkit", a));
        assert_ne!(key("partnerkit", a), key("partnerkit", b));
        assert_ne!(key("partnerkit", a), key("other", a));
        assert_eq!(key("partnerkit", a), 9_082_189_380_007_134_724);
    }

    #[test]
    fn a_zero_length_is_no_turns() {
        assert_eq!(Turns::new(Some(Duration::ZERO)).length(), None);
        assert_eq!(millis(Duration::from_micros(10)), 1);
    }
}
