//! What happened to a payout profile (rule X-1).

use chrono::{DateTime, Utc};
use partnerkit_core::{OwnerAccountId, PayoutAccountId};
use serde::{Deserialize, Serialize};

use crate::method::PayoutMethod;
use crate::state::{Registration, RejectionReason};

/// What happened to a payout profile (rule X-1). Serialised with a `type` tag.
#[allow(clippy::large_enum_variant)] // events are short-lived values; the public form stays flat
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// The profile was set up.
    SetUp {
        /// Registration data.
        registration: Registration,
    },
    /// The owner account was associated (rule PAY-1).
    OwnerAccountAssociated {
        /// The owner account.
        owner: OwnerAccountId,
    },
    /// A payout account was set; it awaits verification (rules PAY-2, PAY-4).
    PayoutAccountSet {
        /// Its id.
        payout_account: PayoutAccountId,
        /// The method, masked.
        method: PayoutMethod,
        /// When.
        at: DateTime<Utc>,
    },
    /// The marketplace verified the payout account (rule PAY-4).
    PayoutAccountVerified {
        /// Which.
        payout_account: PayoutAccountId,
        /// When.
        at: DateTime<Utc>,
    },
    /// The marketplace rejected the payout account (rule PAY-4).
    PayoutAccountRejected {
        /// Which.
        payout_account: PayoutAccountId,
        /// Why.
        reason: RejectionReason,
        /// When.
        at: DateTime<Utc>,
    },
    /// The payout hold was turned on (rule PAY-6).
    HoldTurnedOn {
        /// When.
        at: DateTime<Utc>,
    },
    /// The payout hold was turned off (rule PAY-6).
    HoldTurnedOff {
        /// When.
        at: DateTime<Utc>,
    },
    /// The profile was closed.
    Closed {
        /// When.
        at: DateTime<Utc>,
    },
}
