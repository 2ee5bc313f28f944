//! PLACEHOLDER until the domain crates land.
#![allow(missing_docs)]
use partnerkit_core::{Actor, Envelope};
use serde::{Deserialize, Serialize};

use crate::store::Recorded;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct AccountState {
    pub n: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum AccountEvent {
    Placeholder(u32),
}

#[cfg(feature = "testing")]
pub(crate) fn sample_state(n: u32) -> AccountState {
    AccountState { n }
}

#[cfg(feature = "testing")]
pub(crate) fn sample_events(n: u32) -> Vec<Recorded> {
    (0..n)
        .map(|i| Envelope {
            at: chrono::DateTime::UNIX_EPOCH,
            actor: Actor::Marketplace,
            event: AccountEvent::Placeholder(i),
        })
        .collect()
}
