//! Shared builders for the tax tests.

use chrono::NaiveDate;
use partnerkit_core::{CountryCode, DisplayName};
use partnerkit_tax::*;

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn details(
    residence: CountryCode,
    citizenship: CountryCode,
    entity_type: EntityType,
) -> ProfileDetails {
    ProfileDetails {
        residence,
        citizenship,
        entity_type,
    }
}

pub(crate) fn individual(country: CountryCode) -> ProfileDetails {
    details(country, country, EntityType::Individual)
}

pub(crate) fn name(n: &str) -> DisplayName {
    DisplayName::new(n).unwrap()
}

pub(crate) fn signature(on: NaiveDate) -> ElectronicSignature {
    ElectronicSignature::new(name("Ann Lind"), on)
}

pub(crate) fn claim(country: CountryCode, article: &str, rate: &str) -> TreatyClaim {
    TreatyClaim {
        country,
        article: article.parse().unwrap(),
        rate: rate.parse().unwrap(),
        income: IncomeType::OtherRoyalties,
    }
}

/// The default table's claim for `country`.
pub(crate) fn table_claim(country: CountryCode) -> TreatyClaim {
    let e = TreatyTable::irs_table_1()
        .treaty(country, IncomeType::OtherRoyalties)
        .cloned()
        .unwrap();
    TreatyClaim {
        country,
        article: e.article.unwrap(),
        rate: e.rate,
        income: IncomeType::OtherRoyalties,
    }
}

pub(crate) fn w8(claim: Option<TreatyClaim>, signed_on: NaiveDate) -> W8 {
    W8 {
        name: name("Ann Lind"),
        foreign_tin: None,
        treaty_claim: claim,
        signature: signature(signed_on),
    }
}

pub(crate) fn w9(signed_on: NaiveDate) -> W9 {
    W9 {
        name: name("Contoso Apps LLC"),
        tin: UsTin::new("12-3456789").unwrap(),
        signature: signature(signed_on),
    }
}

/// The event a valid W-8 submission records, submitted on the day it was signed.
pub(crate) fn w8_submitted(
    kind: FormKind,
    claim: Option<TreatyClaim>,
    signed_on: NaiveDate,
) -> Event {
    w8_submitted_on(kind, claim, signed_on, signed_on)
}

/// The event a valid W-8 submission records, signed on `signed_on` and submitted on `on`.
pub(crate) fn w8_submitted_on(
    kind: FormKind,
    claim: Option<TreatyClaim>,
    signed_on: NaiveDate,
    on: NaiveDate,
) -> Event {
    Event::FormSubmitted {
        form: SubmittedForm {
            kind,
            name: name("Ann Lind"),
            tin: None,
            treaty_claim: claim,
            signature: signature(signed_on),
        },
        on,
    }
}

/// A context at noon UTC on `on`.
pub(crate) fn noon(on: NaiveDate) -> chrono::DateTime<chrono::Utc> {
    on.and_hms_opt(12, 0, 0).unwrap().and_utc()
}

/// A profile of a resident individual of `country` with a W-8BEN signed on `signed_on`
/// carrying the table's claim (if the country has a treaty).
pub(crate) fn w8_profile(
    country: CountryCode,
    signed_on: NaiveDate,
    with_claim: bool,
) -> TaxProfile {
    let claim = with_claim.then(|| table_claim(country));
    Tax::fold(&[
        Event::ProfileStarted {
            details: individual(country),
            on: None,
        },
        w8_submitted(FormKind::W8Ben, claim, signed_on),
    ])
}

pub(crate) use partnerkit_core::Decider;
