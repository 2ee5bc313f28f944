//! The [`Tax`] decider: start and edit the profile, submit W-9 / W-8BEN / W-8BEN-E forms.

use chrono::{Duration, NaiveDate};
use partnerkit_core::{Context, Decider, Masked, SecretString};

use crate::command::{Command, W8};
use crate::error::Error;
use crate::event::{Event, WithdrawalReason};
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

/// A US TIN (SSN, ITIN or EIN): nine digits once dashes and spaces are removed, checked by
/// its kind. The kind is read from where the separators are:
///
/// - `123-45-6789` (after the 3rd and 5th digits): an SSN, or an ITIN when it starts with 9;
/// - `12-3456789` (after the 2nd digit): an EIN;
/// - nine digits without separators: valid if valid as any of the three.
///
/// The rules (read 2026-12-03):
///
/// - **SSN** — Social Security Administration, *Social Security Number Randomization*
///   (effective 2011-06-25): no area (first three digits) 000, 666 or 900–999, no group
///   (4th–5th) 00, no serial (last four) 0000; and the numbers the SSA has publicly voided,
///   078-05-1120 (the Woolworth wallet card, 1938) and 219-09-9999 (a 1940 SSA pamphlet).
/// - **ITIN** — IRS, ITIN structure (IRS Publication 1915): a 9 first, and a group (4th–5th
///   digits) in 50–65, 70–88 (since April 2011), 90–92 or 94–99.
/// - **EIN** — IRS, *How EINs are assigned and valid EIN prefixes*: the first two digits are
///   an assigned campus or internet prefix: 01–06, 10–16, 20–27, 30–39, 40–48, 50–68, 71–77,
///   80–88, 90–95, 98, 99 (the list as given in issue 25, December 2026).
///
/// The reason never repeats the number or its digits (rule X-4).
fn us_tin(tin: &SecretString) -> Result<TinRecord, Error> {
    let bad = |reason: &'static str| Error::InvalidTin {
        reason: reason.into(),
    };
    let mut digits = String::with_capacity(9);
    let mut breaks = Vec::new();
    for c in tin.expose_secret().trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            '-' | ' ' => {
                if breaks.last() != Some(&digits.len()) {
                    breaks.push(digits.len());
                }
            }
            _ => {
                return Err(bad(
                    "a US TIN (SSN or EIN) has nine digits, such as 123-45-6789 or 12-3456789",
                ));
            }
        }
    }
    if digits.len() != 9 {
        return Err(bad(
            "a US TIN (SSN or EIN) has nine digits, such as 123-45-6789 or 12-3456789",
        ));
    }
    if digits.bytes().all(|b| b == b'0') {
        return Err(bad("a US TIN cannot be all zeros: give the SSN or EIN"));
    }
    let ssn_or_itin = || {
        if digits.starts_with('9') {
            itin(&digits)
        } else {
            ssn(&digits)
        }
    };
    match breaks.as_slice() {
        [3, 5] => ssn_or_itin()?,
        [2] => ein(&digits)?,
        [] => {
            if ssn_or_itin().is_err() && ein(&digits).is_err() {
                return Err(bad(
                    "these nine digits are no SSN, ITIN or EIN the SSA or IRS issues: check the number, and write an SSN or ITIN as 123-45-6789 and an EIN as 12-3456789",
                ));
            }
        }
        _ => {
            return Err(bad(
                "write an SSN or ITIN as 123-45-6789 and an EIN as 12-3456789",
            ));
        }
    }
    Ok(record(&digits))
}

/// The number made of `digits[from..to]` (ASCII digits), or `u32::MAX` if out of range.
fn part(digits: &str, from: usize, to: usize) -> u32 {
    digits
        .get(from..to)
        .and_then(|p| p.parse().ok())
        .unwrap_or(u32::MAX)
}

/// The SSA's rules for an SSN (see [`us_tin`]).
fn ssn(digits: &str) -> Result<(), Error> {
    let bad = |reason: &'static str| Error::InvalidTin {
        reason: reason.into(),
    };
    let (area, group, serial) = (part(digits, 0, 3), part(digits, 3, 5), part(digits, 5, 9));
    if area == 0 || area == 666 || area >= 900 {
        return Err(bad(
            "the SSA never issues an SSN starting with 000, 666 or 900 to 999 (an ITIN starts with 9 and has 50-65, 70-88, 90-92 or 94-99 in its 4th and 5th digits): check the number",
        ));
    }
    if group == 0 || serial == 0 {
        return Err(bad(
            "the SSA never issues an SSN with 00 in its 4th and 5th digits or 0000 in its last four: check the number",
        ));
    }
    if matches!(digits, "078051120" | "219099999") {
        return Err(bad(
            "this SSN was printed on sample cards and voided by the SSA: give your own SSN",
        ));
    }
    Ok(())
}

/// The IRS's rules for an ITIN (see [`us_tin`]).
fn itin(digits: &str) -> Result<(), Error> {
    let group = part(digits, 3, 5);
    let issued = digits.starts_with('9') && matches!(group, 50..=65 | 70..=88 | 90..=92 | 94..=99);
    if issued {
        Ok(())
    } else {
        Err(Error::InvalidTin {
            reason: "an ITIN starts with 9 and has 50-65, 70-88, 90-92 or 94-99 in its 4th and 5th digits; an SSN never starts with 9: check the number".into(),
        })
    }
}

/// The IRS's assigned EIN prefixes (see [`us_tin`]), as inclusive ranges.
pub(crate) const EIN_PREFIXES: [(u32, u32); 11] = [
    (1, 6),
    (10, 16),
    (20, 27),
    (30, 39),
    (40, 48),
    (50, 68),
    (71, 77),
    (80, 88),
    (90, 95),
    (98, 98),
    (99, 99),
];

/// The IRS's rule for an EIN: an assigned prefix (see [`us_tin`]).
fn ein(digits: &str) -> Result<(), Error> {
    let prefix = part(digits, 0, 2);
    if EIN_PREFIXES
        .iter()
        .any(|(lo, hi)| (*lo..=*hi).contains(&prefix))
    {
        Ok(())
    } else {
        Err(Error::InvalidTin {
            reason: "the first two digits of an EIN are a prefix the IRS assigns (01-06, 10-16, 20-27, 30-39, 40-48, 50-68, 71-77, 80-88, 90-95, 98, 99): check the number".into(),
        })
    }
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
            reason: "a foreign TIN has 1 to 30 letters or digits (spaces, dashes, dots and slashes allowed); leave it out if you have none".into(),
        })
    }
}
