//! The account's profile (rules ACC-1..3): opening, verification, display name, seller
//! contact and company approver.

use partnerkit_core::{AccountId, Context, DisplayName, Rule, SellerId, checked_text};

use super::checks::marketplace_only;
use super::{
    app_commands, app_events, group_commands, group_events, guest_commands, guest_events,
    tenant_commands, tenant_events, user_commands, user_events,
};
use crate::account::{
    AccountType, MAX_REASON_CHARS, Profile, StepState, Verification, VerificationStep,
};
use crate::command::Command;
use crate::error::Error;
use crate::event::Event;
use crate::state::Account;

/// The account profile's commands, as a pattern: `decide` routes them here by it, and the
/// other areas' `decide` name them by it.
macro_rules! account_commands {
    () => {
        $crate::command::Command::OpenAccount { .. }
            | $crate::command::Command::RecordVerification { .. }
            | $crate::command::Command::ChangeDisplayName { .. }
            | $crate::command::Command::SetSellerContact { .. }
            | $crate::command::Command::SetCompanyApprover { .. }
    };
}
pub(super) use account_commands;

/// The account profile's events, as a pattern: what the commands list is to `decide`, this
/// is to `apply`.
macro_rules! account_events {
    () => {
        $crate::event::Event::AccountOpened { .. }
            | $crate::event::Event::VerificationRecorded { .. }
            | $crate::event::Event::DisplayNameChanged { .. }
            | $crate::event::Event::SellerContactSet { .. }
            | $crate::event::Event::CompanyApproverSet { .. }
    };
}
pub(super) use account_events;

/// [`Command::OpenAccount`], decided before anything else: every other command needs an
/// opened account.
pub(super) fn open(
    s: &Account,
    ctx: &Context<'_>,
    account: AccountId,
    seller_id: SellerId,
    account_type: AccountType,
    display_name: DisplayName,
) -> Result<Vec<Event>, Error> {
    if s.profile().is_some() {
        return Err(Error::AccountAlreadyOpened);
    }
    marketplace_only(ctx, "open an account", Rule::Acc2)?;
    Ok(vec![Event::AccountOpened {
        account,
        seller_id,
        account_type,
        display_name,
        owner: None,
    }])
}

/// Decides a profile command of an opened account.
pub(super) fn decide(
    profile: &Profile,
    cmd: Command,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Error> {
    match cmd {
        // `open` took it before the account was opened.
        Command::OpenAccount { .. } => Err(Error::AccountAlreadyOpened),
        Command::RecordVerification { step, state } => {
            record_verification(profile, ctx, step, state)
        }
        Command::ChangeDisplayName { display_name } => {
            if profile.display_name == display_name {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::DisplayNameChanged { display_name }])
        }
        Command::SetSellerContact { contact } => {
            if profile.seller_contact.as_ref() == Some(&contact) {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::SellerContactSet { contact }])
        }
        Command::SetCompanyApprover { approver } => {
            if profile.account_type != AccountType::Company {
                return Err(Error::ApproverOnlyForCompanies);
            }
            if profile.company_approver.as_ref() == Some(&approver) {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::CompanyApproverSet { approver }])
        }
        // Never here: `decide` routes these to their own areas.
        tenant_commands!()
        | user_commands!()
        | guest_commands!()
        | group_commands!()
        | app_commands!() => Ok(vec![]),
    }
}

fn record_verification(
    profile: &Profile,
    ctx: &Context<'_>,
    step: VerificationStep,
    state: StepState,
) -> Result<Vec<Event>, Error> {
    marketplace_only(ctx, "record verification outcomes", Rule::Acc1)?;
    if !profile.account_type.requires(step) {
        return Err(Error::StepNotRequired {
            step,
            account_type: profile.account_type,
        });
    }
    let state = match state {
        StepState::Rejected { reason } => StepState::Rejected {
            reason: checked_text("rejection reason", &reason, MAX_REASON_CHARS)?,
        },
        other => other,
    };
    if *profile.verification.get(step) == state {
        return Ok(vec![]); // no-op
    }
    Ok(vec![Event::VerificationRecorded { step, state }])
}

/// Applies a profile event.
pub(super) fn apply(s: &mut Account, event: &Event) {
    let profile = s.profile_mut();
    match event {
        Event::AccountOpened {
            account,
            seller_id,
            account_type,
            display_name,
            owner: _, // kept in old histories only; payouts holds the owner account
        } => {
            // Publisher IDs are set once (rule ACC-2): a second opening changes nothing.
            if profile.is_none() {
                *profile = Some(Profile {
                    account: *account,
                    seller_id: seller_id.clone(),
                    account_type: *account_type,
                    display_name: display_name.clone(),
                    verification: Verification::default(),
                    seller_contact: None,
                    company_approver: None,
                });
            }
        }
        Event::VerificationRecorded { step, state } => {
            if let Some(p) = profile {
                p.verification.set(*step, state.clone());
            }
        }
        Event::DisplayNameChanged { display_name } => {
            if let Some(p) = profile {
                p.display_name = display_name.clone();
            }
        }
        Event::SellerContactSet { contact } => {
            if let Some(p) = profile {
                p.seller_contact = Some(contact.clone());
            }
        }
        Event::CompanyApproverSet { approver } => {
            if let Some(p) = profile {
                p.company_approver = Some(approver.clone());
            }
        }
        tenant_events!() | user_events!() | guest_events!() | group_events!() | app_events!() => {
            // Never here: `apply` routes these to their own areas.
        }
    }
}
