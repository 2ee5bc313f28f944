//! The tax profile and its status (rules TAX-1, TAX-2).

use partnerkit_core::CountryCode as C;
use partnerkit_core::testing::{at, given};
use partnerkit_tax::*;

use crate::support::*;

#[test]
fn a_profile_records_residence_citizenship_and_entity_type() {
    // rule: TAX-1
    assert_eq!(
        TaxProfile::default().status(date(2027, 1, 1)),
        ProfileStatus::NotStarted
    );
    let d = details(C::SE, C::DE, EntityType::Individual);
    let state = given::<Tax>([])
        .when(Command::StartProfile(d))
        .then([Event::ProfileStarted {
            details: d,
            on: Some(date(2027, 1, 15)),
        }]);
    assert_eq!(state.details, Some(d));
    assert_eq!(state.status(date(2027, 1, 15)), ProfileStatus::Incomplete);
    assert_eq!(state.required_form(), Some(FormKind::W8Ben));
}

#[test]
fn a_profile_is_started_once() {
    // rule: TAX-1
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(Command::StartProfile(individual(C::GB)))
    .then_err(Error::ProfileAlreadyStarted);
    // Starting it again with the details it has changes nothing: no events, no error.
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(Command::StartProfile(individual(C::SE)))
    .then([]);
}

#[test]
fn the_holder_can_edit_the_profile_and_the_old_form_is_withdrawn() {
    // rule: TAX-1
    let se = individual(C::SE);
    let gb = individual(C::GB);
    let state = given::<Tax>([
        Event::ProfileStarted {
            details: se,
            on: None,
        },
        w8_submitted(FormKind::W8Ben, None, date(2027, 1, 2)),
    ])
    .when(Command::EditProfile(gb))
    .then([
        Event::ProfileEdited {
            details: gb,
            on: Some(date(2027, 1, 15)),
        },
        Event::FormWithdrawn {
            form: FormKind::W8Ben,
            reason: WithdrawalReason::ProfileChanged,
            on: date(2027, 1, 15),
        },
    ]);
    assert_eq!(state.form, None);
    // The withdrawn form stays in the history, covering the days it was on file.
    let [period] = state.history.as_slice() else {
        panic!("{:?}", state.history)
    };
    assert_eq!(period.details, se);
    assert_eq!(period.form.kind, FormKind::W8Ben);
    assert_eq!(
        (period.from, period.until),
        (date(2027, 1, 2), Some(date(2027, 1, 15)))
    );
    assert!(state.form_on(date(2027, 1, 14)).is_some());
    assert!(state.form_on(date(2027, 1, 15)).is_none());
    assert_eq!(state.status(date(2027, 1, 15)), ProfileStatus::Incomplete);
}

#[test]
fn an_edit_that_changes_nothing_records_nothing() {
    // rule: TAX-1
    given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(Command::EditProfile(individual(C::SE)))
    .then([]);
}

#[test]
fn an_edit_without_a_form_withdraws_nothing() {
    // rule: TAX-1
    let entity = details(C::SE, C::SE, EntityType::Entity);
    let state = given::<Tax>([Event::ProfileStarted {
        details: individual(C::SE),
        on: None,
    }])
    .when(Command::EditProfile(entity))
    .then([Event::ProfileEdited {
        details: entity,
        on: Some(date(2027, 1, 15)),
    }]);
    assert_eq!(state.required_form(), Some(FormKind::W8BenE));
}

#[test]
fn commands_before_the_profile_is_started_are_refused() {
    // rule: TAX-1
    given::<Tax>([])
        .when(Command::EditProfile(individual(C::SE)))
        .then_err(Error::ProfileNotStarted);
    given::<Tax>([])
        .when(Command::SubmitW9(w9(date(2027, 1, 1))))
        .then_err(Error::ProfileNotStarted);
}

#[test]
fn status_is_complete_with_the_required_form_and_expired_after_three_calendar_years() {
    // rule: TAX-1
    // rule: TAX-5
    let p = w8_profile(C::SE, date(2027, 1, 10), true);
    assert_eq!(
        p.status(date(2027, 1, 9)),
        ProfileStatus::Incomplete,
        "not yet signed"
    );
    assert_eq!(p.status(date(2027, 1, 10)), ProfileStatus::Complete);
    assert_eq!(p.status(date(2030, 12, 31)), ProfileStatus::Complete);
    assert_eq!(p.status(date(2031, 1, 1)), ProfileStatus::Expired);
}

#[test]
fn a_w9_never_expires() {
    // rule: TAX-1
    let p = given::<Tax>([Event::ProfileStarted {
        details: individual(C::US),
        on: None,
    }])
    .at(at(2027, 1, 15, 12, 0, 0))
    .when(Command::SubmitW9(w9(date(2027, 1, 15))))
    .then_events(|e| assert_eq!(e.len(), 1));
    assert_eq!(p.status(date(2090, 1, 1)), ProfileStatus::Complete);
}

#[test]
fn w8_validity_ends_on_the_last_day_of_the_third_calendar_year_after_signing() {
    // rule: TAX-5
    assert_eq!(w8_valid_through(date(2015, 9, 30)), date(2018, 12, 31));
    assert_eq!(w8_valid_through(date(2027, 1, 1)), date(2030, 12, 31));
    assert_eq!(w8_valid_through(date(2027, 12, 31)), date(2030, 12, 31));
}

#[test]
fn required_form_by_residence_citizenship_and_entity_type() {
    // rule: TAX-2
    let cases = [
        (C::US, C::US, EntityType::Individual, FormKind::W9),
        (C::US, C::US, EntityType::Entity, FormKind::W9),
        (C::SE, C::US, EntityType::Individual, FormKind::W9),
        (C::US, C::SE, EntityType::Individual, FormKind::W9),
        (C::SE, C::SE, EntityType::Individual, FormKind::W8Ben),
        (C::IN, C::GB, EntityType::Individual, FormKind::W8Ben),
        (C::SE, C::SE, EntityType::Entity, FormKind::W8BenE),
        (C::BR, C::BR, EntityType::Entity, FormKind::W8BenE),
    ];
    for (res, cit, et, form) in cases {
        assert_eq!(required_form(res, cit, et), form, "{res} {cit} {et:?}");
    }
}
