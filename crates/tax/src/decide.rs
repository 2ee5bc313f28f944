//! The [`Tax`] decider: start and edit the profile, submit W-9 / W-8BEN / W-8BEN-E forms.

use chrono::{Duration, NaiveDate};
use partnerkit_core::{Context, Decider};

use crate::command::{Command, W8};
use crate::error::Error;
use crate::event::{Event, WithdrawalReason};
use crate::rate::Rate;
use crate::state::{
    ElectronicSignature, FormKind, ProfileDetails, SubmittedForm, TaxProfile, TreatyClaim,
    w8_valid_through,
};
use crate::tin::ForeignTin;
use crate::treaty::TreatyTable;

/// The tax-profile decider (rules TAX-1, TAX-2, TAX-3, TAX-5): `State` is a [`TaxProfile`].
///
/// Authorisation (only the Owner role reaches tax settings, rule ROL-7) is the facade's job;
/// this decider checks the tax rules.
///
/// **No-op commands.** A command whose effect already holds decides to no events
/// (`Ok(vec![])`), not an error: starting the profile again with the details it has, or
/// editing it to the details it has. Starting a profile that exists with *other* details is
/// refused ([`Error::ProfileAlreadyStarted`]: edit it). Submitting a form is never a no-op:
/// it is a new signature (a new [`FormPeriod`](crate::FormPeriod)), and the form on file
/// keeps its TIN only masked, so "the same form" cannot be told apart from a corrected one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tax;

impl Decider for Tax {
    type State = TaxProfile;
    type Command = Command;
    type Event = Event;
    type Error = Error;

    fn decide(
        state: &TaxProfile,
        command: Command,
        ctx: &Context<'_>,
    ) -> Result<Vec<Event>, Error> {
        match command {
            Command::StartProfile(details) => match state.details {
                Some(current) if current == details => Ok(vec![]),
                Some(_) => Err(Error::ProfileAlreadyStarted),
                None => Ok(vec![Event::ProfileStarted {
                    details,
                    on: Some(today(ctx)),
                }]),
            },
            Command::EditProfile(details) => {
                let current = state.details.ok_or(Error::ProfileNotStarted)?;
                if current == details {
                    return Ok(vec![]);
                }
                let mut events = vec![Event::ProfileEdited {
                    details,
                    on: Some(today(ctx)),
                }];
                if let Some(form) = &state.form {
                    events.push(Event::FormWithdrawn {
                        form: form.kind,
                        reason: WithdrawalReason::ProfileChanged,
                        on: today(ctx),
                    });
                }
                Ok(events)
            }
            Command::SubmitW9(w9) => {
                expect_form(state, FormKind::W9)?;
                check_signature(FormKind::W9, &w9.signature, ctx)?;
                // The TIN was checked when it was made (UsTin::new); only its mask is kept.
                let tin = w9.tin.record();
                Ok(vec![Event::FormSubmitted {
                    form: SubmittedForm {
                        kind: FormKind::W9,
                        name: w9.name,
                        tin: Some(tin),
                        treaty_claim: None,
                        signature: w9.signature,
                    },
                    on: today(ctx),
                }])
            }
            Command::SubmitW8Ben { form, treaties } => {
                submit_w8(state, FormKind::W8Ben, form, &treaties, ctx)
            }
            Command::SubmitW8BenE { form, treaties } => {
                submit_w8(state, FormKind::W8BenE, form, &treaties, ctx)
            }
        }
    }

    fn apply(state: &mut TaxProfile, event: &Event) {
        match event {
            Event::ProfileStarted { details, on } | Event::ProfileEdited { details, on } => {
                state.set_details(*details, *on);
            }
            Event::FormWithdrawn { on, .. } => state.withdraw(*on),
            Event::FormSubmitted { form, on } => state.submit(form, *on),
        }
    }
}

fn expect_form(state: &TaxProfile, submitted: FormKind) -> Result<ProfileDetails, Error> {
    let details = state.details.ok_or(Error::ProfileNotStarted)?;
    let required = details.required_form();
    if required == submitted {
        Ok(details)
    } else {
        Err(Error::WrongForm {
            submitted,
            required,
        })
    }
}

/// The command's calendar day in UTC: the day a form is submitted or withdrawn, comparable
/// with a sale's date.
fn today(ctx: &Context<'_>) -> NaiveDate {
    ctx.now().date_naive()
}

/// The latest calendar date anywhere on Earth at the command's time (UTC+14), so a seller east
/// of Greenwich may date a form with their own today.
fn latest_today(ctx: &Context<'_>) -> NaiveDate {
    ctx.now()
        .checked_add_signed(Duration::hours(14))
        .unwrap_or(ctx.now())
        .date_naive()
}

fn check_signature(
    form: FormKind,
    sig: &ElectronicSignature,
    ctx: &Context<'_>,
) -> Result<(), Error> {
    let today = latest_today(ctx);
    if sig.signed_on > today {
        return Err(Error::SignedInFuture {
            form,
            signed_on: sig.signed_on,
            today,
        });
    }
    // The earliest calendar date anywhere on Earth (UTC-12): a form still valid there is accepted.
    let earliest_today = ctx
        .now()
        .checked_sub_signed(Duration::hours(12))
        .unwrap_or(ctx.now())
        .date_naive();
    if form.is_w8() {
        let valid_through = w8_valid_through(sig.signed_on);
        if valid_through < earliest_today {
            return Err(Error::FormExpired {
                form,
                signed_on: sig.signed_on,
                valid_through,
            });
        }
    }
    Ok(())
}

fn submit_w8(
    state: &TaxProfile,
    kind: FormKind,
    form: W8,
    treaties: &TreatyTable,
    ctx: &Context<'_>,
) -> Result<Vec<Event>, Error> {
    let details = expect_form(state, kind)?;
    check_signature(kind, &form.signature, ctx)?;
    if let Some(claim) = &form.treaty_claim {
        check_claim(claim, details, treaties)?;
    }
    let tin = form.foreign_tin.as_ref().map(ForeignTin::record);
    Ok(vec![Event::FormSubmitted {
        form: SubmittedForm {
            kind,
            name: form.name,
            tin,
            treaty_claim: form.treaty_claim,
            signature: form.signature,
        },
        on: today(ctx),
    }])
}

/// Checks a treaty claim against the seller's residence and the treaty table (rule TAX-5).
pub(crate) fn check_claim(
    claim: &TreatyClaim,
    details: ProfileDetails,
    treaties: &TreatyTable,
) -> Result<(), Error> {
    if claim.rate > Rate::DEFAULT_WITHHOLDING {
        return Err(Error::TreatyRateAboveDefault {
            claimed: claim.rate,
        });
    }
    if claim.country != details.residence {
        return Err(Error::TreatyCountryNotResidence {
            claimed: claim.country,
            residence: details.residence,
        });
    }
    let entry = treaties
        .treaty(claim.country, claim.income)
        .ok_or(Error::NoTreaty {
            country: claim.country,
        })?;
    if claim.rate != entry.rate {
        return Err(Error::TreatyRateMismatch {
            country: claim.country,
            claimed: claim.rate,
            table: entry.rate,
        });
    }
    if let Some(article) = &entry.article
        && *article != claim.article
    {
        return Err(Error::TreatyArticleMismatch {
            country: claim.country,
            claimed: claim.article.to_string(),
            table: article.to_string(),
        });
    }
    Ok(())
}
