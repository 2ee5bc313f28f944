//! The payout profile's decider: who may ask first (rule PAY-1, X-2), then the rules of each
//! command.

use partnerkit_core::{Actor, Context, Decider, PayoutAccountId};

use crate::command::{Command, OwnerAccountCheck, VerificationOutcome};
use crate::error::Error;
use crate::event::Event;
use crate::hold::HoldToggle;
use crate::method::NewPayoutAccount;
use crate::month::PayoutTimeZone;
use crate::state::{PayoutAccount, PayoutProfile, Registration, Verification};

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
            return set_up(
                state,
                Registration {
                    account,
                    country,
                    currency,
                },
            );
        }
        let reg = state.registration.ok_or(Error::NotSetUp)?;
        match command {
            Command::SetUp { .. } => Err(Error::AlreadySetUp {
                account: reg.account,
                country: reg.country,
            }),
            Command::AssociateOwnerAccount { check } => associate_owner(state, reg, check),
            Command::SetPayoutAccount {
                account,
                payout_account,
            } => set_payout_account(reg, account, payout_account, ctx),
            Command::RecordVerification {
                payout_account,
                outcome,
            } => record_verification(state, payout_account, outcome, ctx),
            Command::SetHold { on } => Ok(set_hold(state, on, ctx)),
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

/// Records the marketplace's registration data: nothing if the same is recorded, an error if
/// another is.
fn set_up(state: &PayoutProfile, registration: Registration) -> Result<Vec<Event>, Error> {
    match state.registration {
        Some(r) if r == registration => Ok(vec![]),
        Some(r) => Err(Error::AlreadySetUp {
            account: r.account,
            country: r.country,
        }),
        None => Ok(vec![Event::SetUp { registration }]),
    }
}

/// Associates the owner account the marketplace checked for this profile's account, once
/// (rule PAY-1).
fn associate_owner(
    state: &PayoutProfile,
    reg: Registration,
    check: OwnerAccountCheck,
) -> Result<Vec<Event>, Error> {
    if let Some(owner) = state.owner {
        return Err(Error::OwnerAccountAlreadyAssociated { owner });
    }
    if check.account() != reg.account {
        return Err(Error::OwnerCheckForOtherAccount {
            checked: check.account(),
            profile: reg.account,
        });
    }
    Ok(vec![Event::OwnerAccountAssociated {
        owner: check.owner(),
    }])
}

/// Sets a new payout account, in the registration's country, awaiting verification (rule
/// PAY-4); its id is `chosen` or a fresh one.
fn set_payout_account(
    reg: Registration,
    account: NewPayoutAccount,
    chosen: Option<PayoutAccountId>,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Error> {
    let country = account.method().country();
    if country != reg.country {
        return Err(Error::WrongCountry {
            payout: country,
            registration: reg.country,
        });
    }
    Ok(vec![Event::PayoutAccountSet {
        payout_account: chosen.unwrap_or_else(|| ctx.new_id()),
        method: account.into_method(),
        at: ctx.now(),
    }])
}

/// Records the verification outcome of the current payout account, once (rule PAY-4).
fn record_verification(
    state: &PayoutProfile,
    payout_account: PayoutAccountId,
    outcome: VerificationOutcome,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Error> {
    let current = state
        .accounts
        .last()
        .filter(|a| a.id == payout_account)
        .ok_or(Error::NotCurrentPayoutAccount { payout_account })?;
    if current.verification != Verification::Pending {
        return Err(Error::VerificationAlreadyDecided { payout_account });
    }
    let at = ctx.now();
    Ok(vec![match outcome {
        VerificationOutcome::Verified => Event::PayoutAccountVerified { payout_account, at },
        VerificationOutcome::Rejected { reason } => Event::PayoutAccountRejected {
            payout_account,
            reason,
            at,
        },
    }])
}

/// Turns the payout hold on or off (rule PAY-6); nothing if it already is.
fn set_hold(state: &PayoutProfile, on: bool, ctx: &Context<'_>) -> Vec<Event> {
    let at = ctx.now();
    if state.hold_on() == on {
        vec![]
    } else if on {
        vec![Event::HoldTurnedOn { at }]
    } else {
        vec![Event::HoldTurnedOff { at }]
    }
}
