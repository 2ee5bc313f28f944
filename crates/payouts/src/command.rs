//! What can be asked of the payout profile, and the owner-account check it carries
//! (rule PAY-1).

use partnerkit_core::{AccountId, CountryCode, Currency, OwnerAccountId, PayoutAccountId};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::method::NewPayoutAccount;
use crate::state::RejectionReason;

/// The host's record of which marketplace account each owner account (MSA) belongs to
/// (rule PAY-1). The host implements it over its storage.
///
/// ```
/// use std::collections::HashMap;
/// use partnerkit_core::{AccountId, OwnerAccountId};
/// use partnerkit_payouts::OwnerAccountRegistry;
///
/// struct InMemory(HashMap<OwnerAccountId, AccountId>);
/// impl OwnerAccountRegistry for InMemory {
///     fn associated_account(&self, owner: OwnerAccountId) -> Option<AccountId> {
///         self.0.get(&owner).copied()
///     }
/// }
/// ```
pub trait OwnerAccountRegistry {
    /// The marketplace account `owner` is associated with, if any.
    fn associated_account(&self, owner: OwnerAccountId) -> Option<AccountId>;
}

/// Proof that an owner account was free to associate with an account when checked
/// (rule PAY-1): made only by [`check_owner_account`], carried in
/// [`Command::AssociateOwnerAccount`].
///
/// The facade checks and commits in one transaction of its store, so that two accounts
/// cannot both claim one owner account between the check and the write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnerAccountCheck {
    owner: OwnerAccountId,
    account: AccountId,
}

impl OwnerAccountCheck {
    /// The owner account checked.
    pub fn owner(&self) -> OwnerAccountId {
        self.owner
    }
    /// The marketplace account it was checked for.
    pub fn account(&self) -> AccountId {
        self.account
    }
}

/// Asks `registry` whether `owner` may be associated with `account` (rule PAY-1): it may if it
/// belongs to no marketplace account, or already to this one.
pub fn check_owner_account<R: OwnerAccountRegistry + ?Sized>(
    registry: &R,
    owner: OwnerAccountId,
    account: AccountId,
) -> Result<OwnerAccountCheck, Error> {
    match registry.associated_account(owner) {
        Some(other) if other != account => Err(Error::OwnerAccountTaken { owner, other }),
        _ => Ok(OwnerAccountCheck { owner, account }),
    }
}

/// The outcome of the marketplace's verification of a payout account (rule PAY-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum VerificationOutcome {
    /// Verified: payments can go to it.
    Verified,
    /// Rejected, with the reason shown to the owner.
    Rejected {
        /// Why.
        reason: RejectionReason,
    },
}

/// What can be asked of the payout profile.
///
/// Not serialisable: [`Command::SetPayoutAccount`] carries a full account number.
#[allow(clippy::large_enum_variant)] // commands are short-lived values
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Command {
    /// Records the account's registration country and payout currency (once). Performed by
    /// [`Actor::Marketplace`](partnerkit_core::Actor::Marketplace).
    SetUp {
        /// The marketplace account.
        account: AccountId,
        /// Registration country (rule PAY-3).
        country: CountryCode,
        /// Payout currency.
        currency: Currency,
    },
    /// Associates the owner account (rule PAY-1), when the profile has none. Performed by
    /// [`Actor::Marketplace`](partnerkit_core::Actor::Marketplace) only: an owner account can never make itself an account's owner.
    AssociateOwnerAccount {
        /// The registry check made by [`check_owner_account`].
        check: OwnerAccountCheck,
    },
    /// Sets or changes the payout account (rules PAY-2, PAY-3, PAY-4). Performed by the
    /// associated owner account itself (rule PAY-1); starts verification.
    SetPayoutAccount {
        /// The new payout account.
        account: NewPayoutAccount,
        /// Its id, chosen by the caller; drawn from the context if `None`.
        payout_account: Option<PayoutAccountId>,
    },
    /// Records the marketplace's verification outcome (rule PAY-4). Performed by
    /// [`Actor::Marketplace`](partnerkit_core::Actor::Marketplace).
    RecordVerification {
        /// The payout account verified: must be the current one.
        payout_account: PayoutAccountId,
        /// Verified or rejected.
        outcome: VerificationOutcome,
    },
    /// Turns the payout hold on or off (rule PAY-6). Performed by the associated owner account
    /// itself (rule PAY-1). Setting it to its current value changes nothing and records
    /// nothing.
    SetHold {
        /// `true` to hold payouts.
        on: bool,
    },
    /// Closes the profile: no further change is accepted. Performed by the associated owner
    /// account itself (rule PAY-1).
    Close,
}
