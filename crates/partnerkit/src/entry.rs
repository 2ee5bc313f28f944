//! What the service keeps of an account, and the one shape a generated secret comes back in.

use partnerkit_access::AccessIndex;
use partnerkit_core::{SecretString, Version};

use crate::state::{AccountEvent, AccountState};

/// An account as the service keeps it in memory: its version, state and live access index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Entry {
    /// The version the state is at (as stored).
    pub(crate) version: Version,
    /// The state at that version.
    pub(crate) state: AccountState,
    /// The access index of that state, updated event by event.
    pub(crate) index: AccessIndex,
    /// Events stored since the last snapshot (or since the account was loaded).
    pub(crate) since_snapshot: u64,
    /// True while a command decides on it: an entry found still in flight was left by a
    /// panic and is never used.
    pub(crate) in_flight: bool,
}

impl Entry {
    /// An entry for a state read from the store.
    pub(crate) fn new(state: AccountState, version: Version, since_snapshot: u64) -> Self {
        let index = AccessIndex::build(&state.access);
        Entry {
            version,
            state,
            index,
            since_snapshot,
            in_flight: false,
        }
    }

    /// How many users, groups and apps the account has: what its snapshot's size follows.
    pub(crate) fn principals(&self) -> u64 {
        let access = &self.state.access;
        (access.users().len() + access.groups().len() + access.apps().len()) as u64
    }

    /// Applies one event to the state and the live access index: the one way an entry's
    /// state changes, whether the event was just decided or another writer stored it.
    pub(crate) fn apply(&mut self, event: &AccountEvent) {
        self.state.apply(event);
        if let AccountEvent::Access(a) = event {
            self.index.apply(a);
        }
    }

    /// Applies events another writer stored, advancing the entry (catching up).
    pub(crate) fn catch_up<'e>(&mut self, events: impl IntoIterator<Item = &'e AccountEvent>) {
        for e in events {
            self.apply(e);
            self.version = self.version.after(1);
            self.since_snapshot += 1;
        }
    }
}

/// What a secret a command generated belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SecretOf {
    /// A new user's (or a new tenant's first administrator's) initial password (rule TEN-3,
    /// USR-4).
    InitialPassword {
        /// The user.
        user: partnerkit_core::UserId,
    },
    /// A temporary password set by a reset (rule USR-8).
    TemporaryPassword {
        /// The user.
        user: partnerkit_core::UserId,
    },
    /// A new app key's value (rule APP-4).
    KeyValue {
        /// The app.
        app: partnerkit_core::AppId,
        /// The key.
        key: partnerkit_core::KeyId,
    },
}

/// A secret shown to the caller now and never again: only its fingerprint or hash is stored
/// (rules USR-8, APP-4, X-4). The one shape every generated secret comes back in.
#[derive(Debug, Clone)]
pub struct Revealed {
    /// What it belongs to.
    pub of: SecretOf,
    /// The secret. Show it once; it cannot be read again.
    pub secret: SecretString,
}
