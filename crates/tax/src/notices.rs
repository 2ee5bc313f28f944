//! What the tax profile announces (rule TAX-5): the W-8 on file expiring, or expired, for
//! the facade's dated notices (rule X-7).

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::state::{FormKind, ProfileStatus, TaxProfile};

/// The W-8 on file, about to stop being valid or no longer valid (rule TAX-5): then the
/// default withholding rate applies again, until a new one is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct W8Notice {
    /// W-8BEN or W-8BEN-E.
    pub form: FormKind,
    /// The day it was signed.
    pub signed_on: NaiveDate,
    /// Its last valid day, the end of the third calendar year after signing; it stops at the
    /// start (UTC) of the next day ([`w8_expires_at`]).
    pub valid_through: NaiveDate,
    /// True if that day has passed and no new form was given; false if it is still valid
    /// and stops within the window asked about.
    pub expired: bool,
}

/// The instant a W-8 valid through `valid_through` stops being valid: the start (UTC) of the
/// next day; `None` if there is no next day.
pub fn w8_expires_at(valid_through: NaiveDate) -> Option<DateTime<Utc>> {
    valid_through
        .succ_opt()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

/// The tax profile's notice at `now` (rule TAX-5), about the W-8 on file if it is the form
/// the profile requires: if the profile is complete and the form stops being valid at an
/// instant `t` with `now < t <= until`, or if it has expired ([`ProfileStatus::Expired`]),
/// whatever the window. Otherwise none.
///
/// ```
/// use partnerkit_core::chrono::{Duration, TimeZone, Utc};
/// use partnerkit_tax::{TaxProfile, notices};
///
/// let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
/// assert!(notices(&TaxProfile::default(), now, now + Duration::days(30)).is_none());
/// ```
pub fn notices(profile: &TaxProfile, now: DateTime<Utc>, until: DateTime<Utc>) -> Option<W8Notice> {
    let required = profile.required_form();
    let form = profile
        .form
        .as_ref()
        .filter(|f| f.kind.is_w8() && Some(f.kind) == required)?;
    let valid_through = form.valid_through()?;
    let expiring = |t: DateTime<Utc>| now < t && t <= until;
    let expired = match profile.status(now.date_naive()) {
        ProfileStatus::Complete if w8_expires_at(valid_through).is_some_and(expiring) => false,
        ProfileStatus::Expired => true,
        _ => return None,
    };
    Some(W8Notice {
        form: form.kind,
        signed_on: form.signature.signed_on,
        valid_through,
        expired,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};
    use partnerkit_core::{CountryCode, DisplayName};

    use super::*;
    use crate::state::{ElectronicSignature, EntityType, ProfileDetails, SubmittedForm};

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A Swedish individual whose W-8BEN (or, if `kind` is another form, that form) was
    /// signed on 2027-01-05: valid through 2030-12-31.
    fn swedish_individual(kind: FormKind) -> TaxProfile {
        let name = DisplayName::new("Alice Lind").unwrap();
        TaxProfile {
            details: Some(ProfileDetails {
                residence: CountryCode::SE,
                citizenship: CountryCode::SE,
                entity_type: EntityType::Individual,
            }),
            form: Some(SubmittedForm {
                kind,
                name: name.clone(),
                tin: None,
                treaty_claim: None,
                signature: ElectronicSignature::new(name, day(2027, 1, 5)),
            }),
            ..TaxProfile::default()
        }
    }

    #[test]
    fn a_w8_is_noticed_expiring_within_the_window_then_expired() {
        // rule: X-7
        // rule: TAX-5
        let profile = swedish_individual(FormKind::W8Ben);
        let at = |y, m, d| Utc.with_ymd_and_hms(y, m, d, 9, 0, 0).unwrap();
        let w8 = W8Notice {
            form: FormKind::W8Ben,
            signed_on: day(2027, 1, 5),
            valid_through: day(2030, 12, 31),
            expired: false,
        };
        let window = |now: DateTime<Utc>, days| notices(&profile, now, now + Duration::days(days));
        assert_eq!(
            window(at(2030, 11, 1), 30),
            None,
            "expires after the window"
        );
        assert_eq!(window(at(2030, 12, 15), 30), Some(w8));
        assert_eq!(
            w8_expires_at(day(2030, 12, 31)),
            Some(Utc.with_ymd_and_hms(2031, 1, 1, 0, 0, 0).unwrap())
        );
        let expired = W8Notice {
            expired: true,
            ..w8
        };
        assert_eq!(
            window(at(2031, 2, 1), 0),
            Some(expired),
            "whatever the window"
        );
    }

    #[test]
    fn a_form_the_profile_does_not_require_gives_no_notice() {
        // rule: X-7
        // rule: TAX-5
        let now = Utc.with_ymd_and_hms(2030, 12, 15, 9, 0, 0).unwrap();
        let w8ben_e = swedish_individual(FormKind::W8BenE);
        assert_eq!(notices(&w8ben_e, now, now + Duration::days(30)), None);
        assert_eq!(
            notices(&TaxProfile::default(), now, now + Duration::days(30)),
            None,
            "no profile"
        );
    }
}
