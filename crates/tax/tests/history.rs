//! Withholding follows the documentation on file on the day of the sale: later edits and forms
//! never restate past sales (rules TAX-1, TAX-5, TAX-7).

use chrono::{Duration, NaiveDate};
use partnerkit_core::CountryCode as C;
use partnerkit_core::testing::given;
use partnerkit_core::{Actor, Context, SequentialIds};
use partnerkit_tax::*;
use proptest::prelude::*;

use crate::support::*;

fn sale_us(amount: &str) -> Sale {
    Sale::new(amount.parse().unwrap(), C::US).unwrap()
}

#[test]
fn a_w9_seller_who_edits_the_profile_keeps_0_percent_on_earlier_sales() {
    // rule: TAX-1
    // rule: TAX-5
    // rule: TAX-7
    // rule: TAX-8
    let table = TreatyTable::irs_table_1();
    let us = individual(C::US);
    let mut events = vec![Event::ProfileStarted {
        details: us,
        on: None,
    }];
    events.extend(
        given::<Tax>(events.clone())
            .at(noon(date(2027, 1, 15)))
            .when(Command::SubmitW9(w9(date(2027, 1, 15))))
            .result()
            .unwrap(),
    );
    let signed = Tax::fold(&events);
    let before_edit = withholding_rate(&signed, date(2027, 3, 1), &table);
    assert_eq!(before_edit.rate, Rate::ZERO);
    assert_eq!(before_edit.reason, RateReason::UsPerson);

    // A US citizen moving to Sweden still needs a W-9, but the edit withdraws the form on file.
    let moved = details(C::SE, C::US, EntityType::Individual);
    let edited = given::<Tax>(events)
        .at(noon(date(2027, 6, 10)))
        .when(Command::EditProfile(moved))
        .then([
            Event::ProfileEdited {
                details: moved,
                on: Some(date(2027, 6, 10)),
            },
            Event::FormWithdrawn {
                form: FormKind::W9,
                reason: WithdrawalReason::ProfileChanged,
                on: date(2027, 6, 10),
            },
        ]);
    assert_eq!(edited.status(date(2027, 6, 10)), ProfileStatus::Incomplete);

    // Sales before the edit: unchanged, 0 %, same reason; from the edit on no form is on file
    // and the seller, a US citizen, is presumed a US person: 24 % backup withholding (TAX-8).
    for d in [date(2027, 1, 15), date(2027, 3, 1), date(2027, 6, 9)] {
        assert_eq!(withholding_rate(&edited, d, &table), before_edit, "{d}");
        let w = withhold(
            &sale_us("100.00 USD"),
            &withholding_rate(&edited, d, &table),
        );
        assert!(w.withheld.is_zero(), "{d}");
    }
    for d in [date(2027, 6, 10), date(2027, 7, 1)] {
        let after = withholding_rate(&edited, d, &table);
        assert_eq!(after.rate, Rate::BACKUP_WITHHOLDING, "{d}");
        assert_eq!(
            after.reason,
            RateReason::BackupWithholding {
                presumption: Presumption::UsPerson {
                    residence: C::SE,
                    citizenship: C::US
                }
            },
            "{d}"
        );
        let w = withhold(&sale_us("100.00 USD"), &after);
        assert_eq!(w.withheld.to_string(), "24.00 USD");
        assert_eq!(w.withheld.checked_add(w.net).unwrap(), w.gross);
    }
    // A sale before the W-9 was on file was never covered by it: backup withholding.
    assert_eq!(
        withholding_rate(&edited, date(2027, 1, 14), &table).reason,
        RateReason::BackupWithholding {
            presumption: Presumption::UsPerson {
                residence: C::US,
                citizenship: C::US
            }
        }
    );
}

#[test]
fn a_later_treaty_w8_lowers_only_sales_made_after_it() {
    // rule: TAX-5
    // rule: TAX-7
    let table = TreatyTable::irs_table_1();
    let mut events = vec![Event::ProfileStarted {
        details: individual(C::IN),
        on: None,
    }];
    let submitted = w8_submitted(FormKind::W8Ben, None, date(2027, 1, 15));
    let first = given::<Tax>(events.clone())
        .at(noon(date(2027, 1, 15)))
        .when(Command::SubmitW8Ben {
            form: w8(None, date(2027, 1, 15)),
            treaties: table.clone(),
        })
        .then([submitted.clone()]);
    events.push(submitted);
    let no_treaty = withholding_rate(&first, date(2027, 3, 1), &table);
    assert_eq!(
        no_treaty,
        RateDecision {
            rate: Rate::DEFAULT_WITHHOLDING,
            reason: RateReason::NoTreatyClaim {
                form: FormKind::W8Ben
            }
        }
    );

    let claim = table_claim(C::IN);
    let second = given::<Tax>(events)
        .at(noon(date(2027, 5, 1)))
        .when(Command::SubmitW8Ben {
            form: w8(Some(claim.clone()), date(2027, 4, 30)),
            treaties: table.clone(),
        })
        .then([w8_submitted_on(
            FormKind::W8Ben,
            Some(claim),
            date(2027, 4, 30),
            date(2027, 5, 1),
        )]);

    // Before the second form was on file (even after it was signed): 30 %, the same reason.
    for d in [date(2027, 1, 15), date(2027, 3, 1), date(2027, 4, 30)] {
        assert_eq!(withholding_rate(&second, d, &table), no_treaty, "{d}");
        let w = withhold(&sale_us("10.00 USD"), &withholding_rate(&second, d, &table));
        assert_eq!(w.withheld.to_string(), "3.00 USD");
    }
    // From the day it was submitted: the treaty rate.
    for d in [date(2027, 5, 1), date(2028, 1, 1)] {
        let d = withholding_rate(&second, d, &table);
        assert_eq!(d.rate.to_string(), "15%");
        assert!(matches!(
            d.reason,
            RateReason::Treaty { country: C::IN, .. }
        ));
        let w = withhold(&sale_us("10.00 USD"), &d);
        assert_eq!(
            (w.withheld.to_string(), w.net.to_string()),
            ("1.50 USD".into(), "8.50 USD".into())
        );
    }
    let [old, new] = second.history.as_slice() else {
        panic!("{:?}", second.history)
    };
    assert_eq!(
        (old.from, old.until),
        (date(2027, 1, 15), Some(date(2027, 5, 1)))
    );
    assert_eq!((new.from, new.until), (date(2027, 5, 1), None));
}

#[test]
fn a_residence_change_keeps_the_old_treaty_for_earlier_sales() {
    // rule: TAX-1
    // rule: TAX-5
    let table = TreatyTable::irs_table_1();
    let gb = individual(C::GB);
    let p = Tax::fold(&[
        Event::ProfileStarted {
            details: individual(C::IN),
            on: None,
        },
        w8_submitted(FormKind::W8Ben, Some(table_claim(C::IN)), date(2027, 1, 10)),
        Event::ProfileEdited {
            details: gb,
            on: None,
        },
        Event::FormWithdrawn {
            form: FormKind::W8Ben,
            reason: WithdrawalReason::ProfileChanged,
            on: date(2027, 8, 1),
        },
        w8_submitted(FormKind::W8Ben, Some(table_claim(C::GB)), date(2027, 9, 1)),
    ]);
    let india = withholding_rate(&p, date(2027, 7, 31), &table);
    assert_eq!(india.rate.to_string(), "15%");
    assert!(matches!(
        india.reason,
        RateReason::Treaty { country: C::IN, .. }
    ));
    assert_eq!(
        withholding_rate(&p, date(2027, 8, 15), &table).reason,
        RateReason::NoValidForm
    );
    let uk = withholding_rate(&p, date(2027, 9, 1), &table);
    assert_eq!(uk.rate, Rate::ZERO);
    assert!(matches!(
        uk.reason,
        RateReason::Treaty { country: C::GB, .. }
    ));
    assert_eq!(
        p.form_on(date(2027, 7, 31)).map(|(d, _)| *d),
        Some(individual(C::IN))
    );
}

#[test]
fn a_form_covers_sales_from_the_later_of_submission_and_signing() {
    // rule: TAX-5
    let table = TreatyTable::irs_table_1();
    // Signed on the 2nd, submitted on the 20th: not on file before the 20th.
    let late = Tax::fold(&[
        Event::ProfileStarted {
            details: individual(C::IN),
            on: None,
        },
        w8_submitted_on(
            FormKind::W8Ben,
            Some(table_claim(C::IN)),
            date(2027, 1, 2),
            date(2027, 1, 20),
        ),
    ]);
    assert_eq!(late.period_on(date(2027, 1, 19)), None);
    assert_eq!(
        withholding_rate(&late, date(2027, 1, 19), &table).reason,
        RateReason::NoValidForm
    );
    assert_eq!(
        withholding_rate(&late, date(2027, 1, 20), &table)
            .rate
            .to_string(),
        "15%"
    );
    // "Now" questions ask about the current form only: it is signed, so complete on the 19th.
    assert_eq!(late.status(date(2027, 1, 19)), ProfileStatus::Complete);
    // Dated a day ahead of UTC (today somewhere east): covers from its date.
    let ahead = given::<Tax>([Event::ProfileStarted {
        details: individual(C::IN),
        on: None,
    }])
    .at(noon(date(2027, 1, 15)))
    .when(Command::SubmitW8Ben {
        form: w8(Some(table_claim(C::IN)), date(2027, 1, 16)),
        treaties: table.clone(),
    })
    .then_events(|e| assert_eq!(e.len(), 1));
    assert_eq!(ahead.history[0].from, date(2027, 1, 16));
    assert_eq!(ahead.form_on(date(2027, 1, 15)), None);
    assert!(ahead.form_on(date(2027, 1, 16)).is_some());
}

#[test]
fn an_expired_w8_stays_expired_for_its_days_after_a_new_one_is_signed() {
    // rule: TAX-5
    let table = TreatyTable::irs_table_1();
    let p = Tax::fold(&[
        Event::ProfileStarted {
            details: individual(C::IN),
            on: None,
        },
        w8_submitted(FormKind::W8Ben, Some(table_claim(C::IN)), date(2027, 1, 10)),
        w8_submitted(FormKind::W8Ben, Some(table_claim(C::IN)), date(2031, 2, 1)),
    ]);
    assert_eq!(
        withholding_rate(&p, date(2031, 1, 15), &table),
        RateDecision {
            rate: Rate::DEFAULT_WITHHOLDING,
            reason: RateReason::FormExpired {
                form: FormKind::W8Ben,
                valid_through: date(2030, 12, 31)
            }
        }
    );
    assert_eq!(
        withholding_rate(&p, date(2030, 12, 31), &table)
            .rate
            .to_string(),
        "15%"
    );
    assert_eq!(
        withholding_rate(&p, date(2031, 2, 1), &table)
            .rate
            .to_string(),
        "15%"
    );
    assert_eq!(p.form_on(date(2031, 1, 15)), None);
}

#[test]
fn a_form_replaced_the_same_day_covers_no_day() {
    // rule: TAX-5
    let table = TreatyTable::irs_table_1();
    let p = Tax::fold(&[
        Event::ProfileStarted {
            details: individual(C::IN),
            on: None,
        },
        w8_submitted(FormKind::W8Ben, None, date(2027, 1, 10)),
        w8_submitted(FormKind::W8Ben, Some(table_claim(C::IN)), date(2027, 1, 10)),
    ]);
    assert_eq!(
        withholding_rate(&p, date(2027, 1, 10), &table)
            .rate
            .to_string(),
        "15%",
        "the documentation on file at the end of the day decides"
    );
    assert!(!p.history[0].covers(date(2027, 1, 10)));
}

// ---- property: history never changes the past ----

#[derive(Debug, Clone)]
enum Step {
    Start(ProfileDetails),
    Edit(ProfileDetails),
    /// Submit the form the current details require (a W-9 before the profile is started).
    Submit {
        claim: bool,
        signed: i64,
    },
    /// Submit a W-9 whatever the details (refused for foreign sellers).
    SubmitW9 {
        signed: i64,
    },
}

fn some_details() -> impl Strategy<Value = ProfileDetails> {
    prop_oneof![
        Just(individual(C::US)),
        Just(details(C::SE, C::US, EntityType::Individual)),
        Just(individual(C::SE)),
        Just(individual(C::IN)),
        Just(details(C::IN, C::IN, EntityType::Entity)),
        Just(details(C::BR, C::BR, EntityType::Entity)),
        Just(individual(C::GB)),
    ]
}

fn signed_offset() -> impl Strategy<Value = i64> {
    // Mostly today or a few days back, one day ahead (UTC+14), sometimes years back (expiry).
    prop_oneof![4 => -3i64..=1, 1 => -1_500i64..=-900]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        1 => some_details().prop_map(Step::Start),
        2 => some_details().prop_map(Step::Edit),
        4 => (any::<bool>(), signed_offset()).prop_map(|(claim, signed)| Step::Submit { claim, signed }),
        1 => signed_offset().prop_map(|signed| Step::SubmitW9 { signed }),
    ]
}

fn command(profile: &TaxProfile, step: &Step, today: NaiveDate) -> Command {
    let sig = |offset: i64| today + Duration::days(offset);
    match step {
        Step::Start(d) => Command::StartProfile(*d),
        Step::Edit(d) => Command::EditProfile(*d),
        Step::SubmitW9 { signed } => Command::SubmitW9(w9(sig(*signed))),
        Step::Submit { claim, signed } => {
            let residence = profile.details.map_or(C::US, |d| d.residence);
            let claim = (*claim && residence != C::US && residence != C::BR)
                .then(|| table_claim(residence));
            let form = w8(claim, sig(*signed));
            let treaties = TreatyTable::irs_table_1();
            match profile.required_form() {
                Some(FormKind::W8Ben) => Command::SubmitW8Ben { form, treaties },
                Some(FormKind::W8BenE) => Command::SubmitW8BenE { form, treaties },
                _ => Command::SubmitW9(w9(sig(*signed))),
            }
        }
    }
}

proptest! {
    #[test]
    fn history_never_changes_the_past(
        steps in prop::collection::vec((0i64..=400, step()), 1..12)
    ) {
        // rule: TAX-1
        // rule: TAX-5
        let table = TreatyTable::irs_table_1();
        let ids = SequentialIds::default();
        let mut day = date(2027, 1, 1);
        let mut profile = TaxProfile::default();
        // (day of the command, state right after it)
        let mut snapshots: Vec<(NaiveDate, TaxProfile)> = Vec::new();
        let mut probes = vec![day - Duration::days(1)];
        let mut events = Vec::new();
        for (gap, step) in &steps {
            day += Duration::days(*gap);
            let ctx = Context::new(noon(day), Actor::Marketplace, &ids);
            let cmd = command(&profile, step, day);
            // Refused commands leave the state as it was; both outcomes are part of the run.
            if let Ok(new) = Tax::execute(&mut profile, cmd, &ctx) {
                events.extend(new);
            }
            snapshots.push((day, profile.clone()));
            probes.extend([day - Duration::days(1), day, day + Duration::days(1)]);
        }
        prop_assert_eq!(&Tax::fold(&events), &profile);
        for p in &profile.history {
            if let Some(end) = p.form.valid_through() {
                probes.extend([end, end + Duration::days(1)]);
            }
            probes.push(p.from);
        }
        probes.extend((0..100).map(|i| date(2026, 12, 1) + Duration::days(i * 30)));
        let empty = TaxProfile::default();
        for d in probes {
            let then = snapshots
                .iter()
                .rev()
                .find(|(c, _)| *c <= d)
                .map_or(&empty, |(_, p)| p);
            prop_assert_eq!(
                withholding_rate(&profile, d, &table),
                withholding_rate(then, d, &table),
                "date {}", d
            );
            prop_assert_eq!(profile.form_on(d), then.form_on(d), "date {}", d);
        }
    }
}
