//! The accounts a service keeps in memory: (version, state, live access index), bounded,
//! least recently used out first.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

use partnerkit_core::AccountId;

use crate::entry::Entry;

/// One cached account, locked while a command decides on it and its events are appended.
/// The lock is `async_lock`'s, whose guard may be held across `.await`; sync code takes it
/// with `lock_blocking`.
pub(crate) type Slot = Arc<async_lock::Mutex<Entry>>;

/// A slot's entry, locked; it keeps its slot (`MutexGuardArc::source`), so a machine can
/// hold it across its steps.
pub(crate) type Guard = async_lock::MutexGuardArc<Entry>;

/// A slot for `entry`, not (yet) in any cache.
pub(crate) fn slot(entry: Entry) -> Slot {
    Arc::new(async_lock::Mutex::new(entry))
}

/// A bounded map of account → slot with least-recently-used eviction, O(log n) per use.
#[derive(Debug)]
pub(crate) struct Cache {
    capacity: usize,
    inner: Mutex<Lru>,
}

#[derive(Debug, Default)]
struct Lru {
    slots: HashMap<AccountId, (u64, Slot)>,
    by_use: BTreeMap<u64, AccountId>,
    tick: u64,
}

impl Cache {
    /// A cache holding at most `capacity` accounts (at least one).
    pub(crate) fn new(capacity: usize) -> Self {
        Cache {
            capacity: capacity.max(1),
            inner: Mutex::new(Lru::default()),
        }
    }

    fn lru(&self) -> MutexGuard<'_, Lru> {
        // The map is consistent after every statement that changes it: a poisoned lock
        // still guards a usable map.
        self.inner
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The account's slot, if cached; marks it used.
    pub(crate) fn get(&self, account: AccountId) -> Option<Slot> {
        let mut lru = self.lru();
        let tick = lru.next_tick();
        let (old, slot) = {
            let (used, slot) = lru.slots.get_mut(&account)?;
            let old = std::mem::replace(used, tick);
            (old, slot.clone())
        };
        lru.by_use.remove(&old);
        lru.by_use.insert(tick, account);
        Some(slot)
    }

    /// Caches `entry` for `account` (replacing what was there) and returns its slot,
    /// evicting the least recently used accounts beyond the capacity.
    pub(crate) fn insert(&self, account: AccountId, entry: Entry) -> Slot {
        let slot = slot(entry);
        let mut lru = self.lru();
        let tick = lru.next_tick();
        if let Some((old, _)) = lru.slots.insert(account, (tick, slot.clone())) {
            lru.by_use.remove(&old);
        }
        lru.by_use.insert(tick, account);
        while lru.slots.len() > self.capacity {
            let Some((_, oldest)) = lru.by_use.pop_first() else {
                break;
            };
            lru.slots.remove(&oldest);
        }
        slot
    }

    /// Drops `account`'s slot if it is still `slot` (a newer one is left alone).
    pub(crate) fn remove(&self, account: AccountId, slot: &Slot) {
        let mut lru = self.lru();
        let same = lru
            .slots
            .get(&account)
            .is_some_and(|(_, s)| Arc::ptr_eq(s, slot));
        if let Some((used, _)) = same.then(|| lru.slots.remove(&account)).flatten() {
            lru.by_use.remove(&used);
        }
    }

    /// How many accounts are cached.
    pub(crate) fn len(&self) -> usize {
        self.lru().slots.len()
    }
}

impl Lru {
    fn next_tick(&mut self) -> u64 {
        self.tick = self.tick.wrapping_add(1);
        self.tick
    }
}
