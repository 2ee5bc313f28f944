//! The [`Tax`] decider: start and edit the profile, submit W-9 / W-8BEN / W-8BEN-E forms.

use chrono::{Duration, NaiveDate};
use partnerkit_core::{Context, Decider, DisplayName, Masked, SecretString};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::rate::Rate;
use crate::state::{
    ElectronicSignature, FormKind, ProfileDetails, SubmittedForm, TaxProfile, TinRecord,
    TreatyClaim, w8_valid_through,
};
use crate::treaty::TreatyTable;

/// The tax-profile decider (rules TAX-1, TAX-2, TAX-3, TAX-5): `State` is a [`TaxProfile`].
///
/// Authorisation (only the Owner role reaches tax settings, rule ROL-7) is the facade's job;
/// this decider checks the tax rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Tax;

/// A W-9 as filled in by a US person (rule TAX-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct W9 {
    /// Name as shown on the income tax return.
    pub name: DisplayName,
    /// SSN, ITIN or EIN: nine digits, dashes and spaces allowed. Kept only masked (rule X-4).
    pub tin: SecretString,
    /// The electronic signature.
    pub signature: ElectronicSignature,
}

/// A W-8BEN (foreign individual) or W-8BEN-E (foreign entity) as filled in (rules TAX-2,
/// TAX-3, TAX-5).
///
/// There is no US TIN or ITIN field: neither is needed to be paid or to claim a treaty rate
/// (rule TAX-3). The foreign TIN is optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct W8 {
    /// The beneficial owner: the individual's or the organisation's name.
    pub name: DisplayName,
    /// The foreign (residence-country) TIN, if given. Kept only masked (rule X-4).
    pub foreign_tin: Option<SecretString>,
    /// Part II of the W-8BEN (Part III of the W-8BEN-E): the treaty claim, if any.
    pub treaty_claim: Option<TreatyClaim>,
    /// The electronic signature.
    pub signature: ElectronicSignature,
}

/// What can be asked of the [`Tax`] decider.
///
/// Not serialisable: forms carry TINs as [`SecretString`]s (rule X-4).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Command {
    /// Start the tax profile (rule TAX-1).
    StartProfile(ProfileDetails),
    /// Change residence, citizenship or entity type (rule TAX-1). A change withdraws the form on
    /// file: the seller submits the form the new details require.
    EditProfile(ProfileDetails),
    /// Submit a W-9 (US persons, rule TAX-2).
    SubmitW9(W9),
    /// Submit a W-8BEN (foreign individuals); a treaty claim is checked against `treaties`.
    SubmitW8Ben {
        /// The form.
        form: W8,
        /// The treaty table in force (the host's, or [`TreatyTable::irs_table_1`]).
        treaties: TreatyTable,
    },
    /// Submit a W-8BEN-E (foreign entities); a treaty claim is checked against `treaties`.
    SubmitW8BenE {
        /// The form.
        form: W8,
        /// The treaty table in force.
        treaties: TreatyTable,
    },
}

/// Why a form on file was withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WithdrawalReason {
    /// Residence, citizenship or entity type changed: the form no longer describes the seller.
    ProfileChanged,
}

/// What happened to a tax profile (rule X-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// The profile was started (rule TAX-1).
    ProfileStarted {
        /// Residence, citizenship and entity type.
        #[serde(flatten)]
        details: ProfileDetails,
        /// The day (UTC) it was started: the details apply from it (rule TAX-8). `None` in
        /// histories recorded before the day was kept: the details then apply from the
        /// earliest date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
    },
    /// Residence, citizenship or entity type changed (rule TAX-1).
    ProfileEdited {
        /// The new residence, citizenship and entity type.
        #[serde(flatten)]
        details: ProfileDetails,
        /// The day (UTC) of the edit: the new details apply from it (rule TAX-8). `None` in
        /// histories recorded before the day was kept: the details then apply from the
        /// earliest date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
    },
    /// The form on file no longer applies, from `on` (rule TAX-1).
    FormWithdrawn {
        /// The withdrawn form.
        form: FormKind,
        /// Why.
        reason: WithdrawalReason,
        /// The day (UTC) it was withdrawn: the first day it no longer covers.
        on: NaiveDate,
    },
    /// A signed form was submitted on `on`; it replaces any form on file from that day
    /// (rule TAX-2).
    FormSubmitted {
        /// The form.
        form: SubmittedForm,
        /// The day (UTC) it was submitted. It covers sales from the later of this day and its
        /// signing date (see [`FormPeriod`](crate::FormPeriod)).
        on: NaiveDate,
    },
}

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
                let tin = us_tin(&w9.tin)?;
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
    let tin = form.foreign_tin.as_ref().map(foreign_tin).transpose()?;
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

fn record(normalised: &str) -> TinRecord {
    TinRecord {
        masked: Masked::of(normalised, 4),
    }
}

/// A US TIN (SSN, ITIN or EIN): nine digits once dashes and spaces are removed.
fn us_tin(tin: &SecretString) -> Result<TinRecord, Error> {
    let digits: String = tin
        .expose_secret()
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .collect();
    if digits.len() != 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::InvalidTin {
            reason: "a US TIN (SSN or EIN) has nine digits, such as 123-45-6789 or 12-3456789",
        });
    }
    if digits.bytes().all(|b| b == b'0') {
        return Err(Error::InvalidTin {
            reason: "a US TIN cannot be all zeros: give the SSN or EIN",
        });
    }
    Ok(record(&digits))
}

/// A foreign TIN: 1 to 30 letters, digits, spaces, dashes, dots or slashes.
fn foreign_tin(tin: &SecretString) -> Result<TinRecord, Error> {
    let t = tin.expose_secret().trim();
    let ok = (1..=30).contains(&t.chars().count())
        && t.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | '/'))
        && t.chars().any(|c| c.is_ascii_alphanumeric());
    if ok {
        Ok(record(t))
    } else {
        Err(Error::InvalidTin {
            reason: "a foreign TIN has 1 to 30 letters or digits (spaces, dashes, dots and slashes allowed); leave it out if you have none",
        })
    }
}
