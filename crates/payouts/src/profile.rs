//! The payout profile: owner account, payout account and its verification, the hold toggle
//! (rules PAY-1 to PAY-4, PAY-6), as a [`Decider`].

use chrono::{DateTime, Utc};
use partnerkit_core::{
    AccountId, Actor, Context, CountryCode, Currency, Decider, OwnerAccountId, PayoutAccountId,
};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::hold::{HoldStatus, HoldToggle, hold_status};
use crate::method::{NewPayoutAccount, PayoutMethod};
use crate::month::{PayoutMonth, PayoutTimeZone};
use crate::policy::PayoutPolicy;
use crate::statement::{CycleTerms, PayoutAccountAtCycle};

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

/// Why the marketplace rejected a payout account (rule PAY-4): 1 to 500 characters of text
/// without control characters, trimmed ([`partnerkit_core::checked_text`]). Serde reads it
/// through the same check, so an event or state can never hold an empty or multi-line reason.
///
/// ```
/// use partnerkit_payouts::RejectionReason;
/// assert_eq!(RejectionReason::new(" holder name does not match ")?.as_str(), "holder name does not match");
/// assert!(RejectionReason::new("").is_err());
/// assert!(serde_json::from_str::<RejectionReason>("\"a\\nb\"").is_err());
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RejectionReason(String);

impl RejectionReason {
    /// The longest reason accepted, in characters.
    pub const MAX_CHARS: usize = 500;

    /// Validates a rejection reason.
    pub fn new(value: &str) -> Result<Self, Error> {
        Ok(RejectionReason(partnerkit_core::checked_text(
            "rejection reason",
            value,
            Self::MAX_CHARS,
        )?))
    }
}
partnerkit_core::validated_string!(RejectionReason, Error);

/// The verification state of a payout account (rule PAY-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Verification {
    /// Waiting for the marketplace to verify it.
    Pending,
    /// Verified.
    Verified {
        /// When.
        at: DateTime<Utc>,
    },
    /// Rejected: set another payout account.
    Rejected {
        /// When.
        at: DateTime<Utc>,
        /// Why, as the marketplace said.
        reason: RejectionReason,
    },
}

/// A payout account, current or past.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayoutAccount {
    /// Its id.
    pub id: PayoutAccountId,
    /// The method, masked (rule X-4).
    pub method: PayoutMethod,
    /// When it was set.
    pub set_at: DateTime<Utc>,
    /// Its verification state.
    pub verification: Verification,
}

/// The marketplace account's registration data the payout rules need (rule PAY-3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// The marketplace account.
    pub account: AccountId,
    /// The registration country: the payout account must be in it.
    pub country: CountryCode,
    /// The payout currency: ledger entries must be in it.
    pub currency: Currency,
}

/// The state of an account's payouts: registration, owner account, payout accounts (the last
/// is current), hold toggles and whether it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct PayoutProfile {
    registration: Option<Registration>,
    owner: Option<OwnerAccountId>,
    accounts: Vec<PayoutAccount>,
    holds: Vec<HoldToggle>,
    closed_at: Option<DateTime<Utc>>,
}

impl PayoutProfile {
    /// Registration country and currency, once set up.
    pub fn registration(&self) -> Option<&Registration> {
        self.registration.as_ref()
    }

    /// The associated owner account (rule PAY-1).
    pub fn owner(&self) -> Option<OwnerAccountId> {
        self.owner
    }

    /// The current payout account.
    pub fn payout_account(&self) -> Option<&PayoutAccount> {
        self.accounts.last()
    }

    /// Every payout account set, oldest first.
    pub fn payout_accounts(&self) -> &[PayoutAccount] {
        &self.accounts
    }

    /// The hold toggles, oldest first.
    pub fn hold_history(&self) -> &[HoldToggle] {
        &self.holds
    }

    /// Whether the hold toggle is on now.
    pub fn hold_on(&self) -> bool {
        self.holds.last().is_some_and(|t| t.on)
    }

    /// When the profile was closed.
    pub fn closed_at(&self) -> Option<DateTime<Utc>> {
        self.closed_at
    }

    /// Whether month `month`'s payout is held (rule PAY-6); see [`hold_status`].
    pub fn hold_status(&self, month: PayoutMonth, tz: PayoutTimeZone) -> Result<HoldStatus, Error> {
        hold_status(&self.holds, month, tz)
    }

    /// The payout account in effect for `month`'s payout and its verification, as they stood
    /// at the end of the previous month in `tz` (rule PAY-4).
    pub fn payout_account_at(
        &self,
        month: PayoutMonth,
        tz: PayoutTimeZone,
    ) -> Result<PayoutAccountAtCycle, Error> {
        let cutoff = tz.month_start(month)?;
        Ok(
            match self.accounts.iter().rev().find(|a| a.set_at < cutoff) {
                None => PayoutAccountAtCycle::None,
                Some(a) => match &a.verification {
                    Verification::Verified { at } if *at < cutoff => {
                        PayoutAccountAtCycle::Verified {
                            id: a.id,
                            method: a.method.kind(),
                            country: a.method.country(),
                        }
                    }
                    Verification::Rejected { at, reason } if *at < cutoff => {
                        PayoutAccountAtCycle::Rejected {
                            id: a.id,
                            reason: reason.clone(),
                        }
                    }
                    _ => PayoutAccountAtCycle::Pending {
                        id: a.id,
                        since: a.set_at,
                    },
                },
            },
        )
    }

    /// The terms of `month`'s cycle: currency, hold, payout account, threshold and payment date,
    /// for [`StatementFold::finish`](crate::StatementFold::finish).
    pub fn cycle_terms(
        &self,
        month: PayoutMonth,
        policy: &PayoutPolicy,
    ) -> Result<CycleTerms, Error> {
        let reg = self.registration.ok_or(Error::NotSetUp)?;
        let tz = policy.time_zone();
        let payout_account = self.payout_account_at(month, tz)?;
        let threshold = match &payout_account {
            PayoutAccountAtCycle::Verified {
                method, country, ..
            } => Some(policy.threshold(*method, *country, reg.currency)?),
            _ => None,
        };
        Ok(CycleTerms {
            month,
            currency: reg.currency,
            hold: self.hold_status(month, tz)?,
            payout_account,
            threshold,
            payment_date: policy.payment_date(month),
        })
    }
}

/// The outcome of the marketplace's verification of a payout account (rule PAY-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    /// [`Actor::Marketplace`].
    SetUp {
        /// The marketplace account.
        account: AccountId,
        /// Registration country (rule PAY-3).
        country: CountryCode,
        /// Payout currency.
        currency: Currency,
    },
    /// Associates the owner account (rule PAY-1), when the profile has none. Performed by
    /// [`Actor::Marketplace`] only: an owner account can never make itself an account's owner.
    AssociateOwnerAccount {
        /// The registry check made by [`check_owner_account`].
        check: OwnerAccountCheck,
    },
    /// Sets or changes the payout account (rules PAY-2, PAY-3, PAY-4). Performed by the
    /// associated owner account itself (rule PAY-1); starts verification.
    SetPayoutAccount {
        /// The new payout account.
        account: NewPayoutAccount,
    },
    /// Records the marketplace's verification outcome (rule PAY-4). Performed by
    /// [`Actor::Marketplace`].
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

/// What happened to a payout profile (rule X-1). Serialised with a `type` tag.
#[allow(clippy::large_enum_variant)] // events are short-lived values; the public form stays flat
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// The payout profile's decider: see the [crate docs](crate).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Payouts;

/// Who may ask for `command` (rule PAY-1, X-2), checked before anything else, so that an
/// actor who may not ask learns nothing about the profile or the input:
///
/// - the marketplace records registration data ([`Command::SetUp`]), associates an owner
///   account ([`Command::AssociateOwnerAccount`]) and records verification outcomes
///   ([`Command::RecordVerification`]);
/// - the profile's own owner account, and nobody else, changes payout settings
///   ([`Command::SetPayoutAccount`], [`Command::SetHold`], [`Command::Close`]): not a work
///   account holding the Owner role, not another owner account, not the marketplace.
fn authorize(state: &PayoutProfile, command: &Command, ctx: &Context<'_>) -> Result<(), Error> {
    match command {
        Command::SetUp { .. }
        | Command::AssociateOwnerAccount { .. }
        | Command::RecordVerification { .. } => {
            if ctx.actor() == Actor::Marketplace {
                Ok(())
            } else {
                Err(Error::NotMarketplace)
            }
        }
        Command::SetPayoutAccount { .. } | Command::SetHold { .. } | Command::Close => {
            let owner = state.owner.ok_or(Error::NoOwnerAccount)?;
            match ctx.actor() {
                Actor::OwnerAccount { owner: o } if o == owner => Ok(()),
                _ => Err(Error::NotOwnerAccount),
            }
        }
    }
}

/// Deciding a payout command, in this order: who asks ([`Error::NotMarketplace`],
/// [`Error::NoOwnerAccount`], [`Error::NotOwnerAccount`]; rule PAY-1, X-2), whether the
/// profile is closed, whether the context's clock can be placed in a payout month
/// ([`PayoutTimeZone::check_instant`]), then the command's own input.
///
/// **No-op commands.** A command whose effect already holds decides to no events
/// (`Ok(vec![])`), not an error: [`Command::SetHold`] to the current value, [`Command::SetUp`]
/// with the registration already recorded, [`Command::Close`] on a closed profile. Two
/// commands are errors even when repeated, because their rules say so: associating an owner
/// account when one is set ([`Error::OwnerAccountAlreadyAssociated`]: an account has one owner
/// account, associated once, rule PAY-1) and recording a second verification outcome
/// ([`Error::VerificationAlreadyDecided`]: a new payout account is verified anew, rule PAY-4).
impl Decider for Payouts {
    type State = PayoutProfile;
    type Command = Command;
    type Event = Event;
    type Error = Error;

    fn decide(
        state: &PayoutProfile,
        command: Command,
        ctx: &Context<'_>,
    ) -> Result<Vec<Event>, Error> {
        authorize(state, &command, ctx)?;
        if state.closed_at.is_some() {
            return if command == Command::Close {
                Ok(vec![])
            } else {
                Err(Error::Closed)
            };
        }
        let now = ctx.now();
        PayoutTimeZone::check_instant(now)?;
        if let Command::SetUp {
            account,
            country,
            currency,
        } = command
        {
            let registration = Registration {
                account,
                country,
                currency,
            };
            return match state.registration {
                Some(r) if r == registration => Ok(vec![]),
                Some(r) => Err(Error::AlreadySetUp {
                    account: r.account,
                    country: r.country,
                }),
                None => Ok(vec![Event::SetUp { registration }]),
            };
        }
        let reg = state.registration.ok_or(Error::NotSetUp)?;
        match command {
            Command::SetUp { .. } => Err(Error::AlreadySetUp {
                account: reg.account,
                country: reg.country,
            }),
            Command::AssociateOwnerAccount { check } => {
                if let Some(owner) = state.owner {
                    return Err(Error::OwnerAccountAlreadyAssociated { owner });
                }
                if check.account != reg.account {
                    return Err(Error::OwnerCheckForOtherAccount {
                        checked: check.account,
                        profile: reg.account,
                    });
                }
                Ok(vec![Event::OwnerAccountAssociated { owner: check.owner }])
            }
            Command::SetPayoutAccount { account } => {
                let country = account.method().country();
                if country != reg.country {
                    return Err(Error::WrongCountry {
                        payout: country,
                        registration: reg.country,
                    });
                }
                Ok(vec![Event::PayoutAccountSet {
                    payout_account: ctx.new_id(),
                    method: account.into_method(),
                    at: now,
                }])
            }
            Command::RecordVerification {
                payout_account,
                outcome,
            } => {
                let current = state
                    .accounts
                    .last()
                    .filter(|a| a.id == payout_account)
                    .ok_or(Error::NotCurrentPayoutAccount { payout_account })?;
                if current.verification != Verification::Pending {
                    return Err(Error::VerificationAlreadyDecided { payout_account });
                }
                Ok(vec![match outcome {
                    VerificationOutcome::Verified => Event::PayoutAccountVerified {
                        payout_account,
                        at: now,
                    },
                    VerificationOutcome::Rejected { reason } => Event::PayoutAccountRejected {
                        payout_account,
                        reason,
                        at: now,
                    },
                }])
            }
            Command::SetHold { on } => {
                if state.hold_on() == on {
                    Ok(vec![])
                } else if on {
                    Ok(vec![Event::HoldTurnedOn { at: now }])
                } else {
                    Ok(vec![Event::HoldTurnedOff { at: now }])
                }
            }
            Command::Close => Ok(vec![Event::Closed { at: now }]),
        }
    }

    fn apply(state: &mut PayoutProfile, event: &Event) {
        match event {
            Event::SetUp { registration } => state.registration = Some(*registration),
            Event::OwnerAccountAssociated { owner } => state.owner = Some(*owner),
            Event::PayoutAccountSet {
                payout_account,
                method,
                at,
            } => state.accounts.push(PayoutAccount {
                id: *payout_account,
                method: method.clone(),
                set_at: *at,
                verification: Verification::Pending,
            }),
            Event::PayoutAccountVerified { payout_account, at } => {
                if let Some(a) = state.accounts.iter_mut().find(|a| a.id == *payout_account) {
                    a.verification = Verification::Verified { at: *at };
                }
            }
            Event::PayoutAccountRejected {
                payout_account,
                reason,
                at,
            } => {
                if let Some(a) = state.accounts.iter_mut().find(|a| a.id == *payout_account) {
                    a.verification = Verification::Rejected {
                        at: *at,
                        reason: reason.clone(),
                    };
                }
            }
            Event::HoldTurnedOn { at } => state.holds.push(HoldToggle { on: true, at: *at }),
            Event::HoldTurnedOff { at } => state.holds.push(HoldToggle { on: false, at: *at }),
            Event::Closed { at } => state.closed_at = Some(*at),
        }
    }
}
