//! Monthly payout cycles (rule PAY-5) and the payout time zone in which months end (rule PAY-6).

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc,
};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A calendar month: one payout cycle (rule PAY-5). Serialised as `"2027-04"`.
///
/// Months run from [`PayoutMonth::MIN`] (`0001-01`) to [`PayoutMonth::MAX`] (`9999-12`): the
/// range that the four-digit `YYYY-MM` form can write and read back. Every way of making or
/// moving a month checks the range and returns [`Error::MonthOutOfRange`] outside it, so a
/// month that exists always survives a JSON round trip.
///
/// ```
/// use partnerkit_payouts::PayoutMonth;
/// let april: PayoutMonth = "2027-04".parse()?;
/// assert_eq!(april.previous()?.to_string(), "2027-03");
/// assert_eq!(april.plus(9)?.to_string(), "2028-01");
/// assert!(PayoutMonth::MAX.next().is_err());
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("pattern" = "^(000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})-(0[1-9]|1[0-2])$")))]
#[serde(try_from = "String", into = "String")]
pub struct PayoutMonth {
    // months since year 0: year * 12 + (month - 1); ordering follows time.
    // Always within MIN_INDEX..=MAX_INDEX.
    index: i32,
}

const MIN_YEAR: i32 = 1;
const MAX_YEAR: i32 = 9999;
// 0001-01 and 9999-12 as month indices.
const MIN_INDEX: i32 = 12;
const MAX_INDEX: i32 = 119_999;

impl PayoutMonth {
    /// The first month there is: `0001-01`.
    pub const MIN: PayoutMonth = PayoutMonth { index: MIN_INDEX };
    /// The last month there is: `9999-12`.
    pub const MAX: PayoutMonth = PayoutMonth { index: MAX_INDEX };

    /// The month `month` (1–12) of `year` (1–9999).
    pub fn new(year: i32, month: u32) -> Result<Self, Error> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return Err(Error::InvalidMonth {
                given: format!("{year:04}-{month:02}"),
            });
        }
        let index = i32::try_from(month)
            .ok()
            .and_then(|m| m.checked_sub(1))
            .and_then(|m0| year.checked_mul(12)?.checked_add(m0));
        PayoutMonth::from_index(index).ok_or_else(|| Error::MonthOutOfRange {
            given: format!("{year}-{month}"),
        })
    }

    fn from_index(index: Option<i32>) -> Option<Self> {
        index
            .filter(|i| (MIN_INDEX..=MAX_INDEX).contains(i))
            .map(|index| PayoutMonth { index })
    }

    /// The month a date falls in; [`Error::MonthOutOfRange`] for a date outside the years
    /// 1–9999.
    pub fn of_date(date: NaiveDate) -> Result<Self, Error> {
        let index = date
            .year()
            .checked_mul(12)
            .and_then(|y| y.checked_add(i32::try_from(date.month0()).ok()?));
        PayoutMonth::from_index(index).ok_or_else(|| Error::MonthOutOfRange {
            given: date.to_string(),
        })
    }

    /// The year, 1–9999.
    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// The month of the year, 1–12.
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12).unsigned_abs().saturating_add(1)
    }

    /// The month `n` months later (earlier for negative `n`); [`Error::MonthOutOfRange`] if
    /// that is before [`PayoutMonth::MIN`] or after [`PayoutMonth::MAX`].
    pub fn plus(self, n: i32) -> Result<Self, Error> {
        PayoutMonth::from_index(self.index.checked_add(n)).ok_or_else(|| Error::MonthOutOfRange {
            given: format!("{self} plus {n} months"),
        })
    }

    /// The month after; [`Error::MonthOutOfRange`] after [`PayoutMonth::MAX`].
    pub fn next(self) -> Result<Self, Error> {
        self.plus(1)
    }

    /// The month before; [`Error::MonthOutOfRange`] before [`PayoutMonth::MIN`].
    pub fn previous(self) -> Result<Self, Error> {
        self.plus(-1)
    }

    /// The number of months from `self` to `later` (negative if `later` is earlier).
    pub fn months_until(self, later: PayoutMonth) -> i32 {
        // Both indices are within 12..=119_999: the difference cannot overflow.
        later.index.saturating_sub(self.index)
    }

    /// Day `day` of this month, clamped to the month's first and last day.
    pub fn day(self, day: u32) -> NaiveDate {
        let first = self.first_day();
        let d = day.clamp(1, self.days());
        first.with_day(d).unwrap_or(first)
    }

    /// The number of days in the month (28–31).
    pub fn days(self) -> u32 {
        let (y, m) = (self.year(), self.month());
        match m {
            4 | 6 | 9 | 11 => 30,
            2 if NaiveDate::from_ymd_opt(y, 2, 29).is_some() => 29,
            2 => 28,
            _ => 31,
        }
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
        // Every month from 0001-01 to 9999-12 is a valid chrono date.
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1).unwrap_or(NaiveDate::MIN)
    }
}

impl fmt::Display for PayoutMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

impl fmt::Debug for PayoutMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PayoutMonth({self})")
    }
}

impl FromStr for PayoutMonth {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidMonth {
            given: s.chars().take(32).collect(),
        };
        let (y, m) = s.split_once('-').ok_or_else(invalid)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(invalid());
        }
        let y: i32 = y.parse().map_err(|_| invalid())?;
        let m: u32 = m.parse().map_err(|_| invalid())?;
        PayoutMonth::new(y, m).map_err(|_| invalid())
    }
}

impl TryFrom<String> for PayoutMonth {
    type Error = Error;
    fn try_from(s: String) -> Result<Self, Error> {
        s.parse()
    }
}

impl From<PayoutMonth> for String {
    fn from(m: PayoutMonth) -> String {
        m.to_string()
    }
}

/// The time zone in which payout months begin and end (rule PAY-6): data, Pacific by default.
///
/// There is no time-zone database in partnerkit, so US Pacific time is written out: Pacific
/// Standard Time is UTC−8, Pacific Daylight Time UTC−7, and daylight time runs from the second
/// Sunday of March at 02:00 local time to the first Sunday of November at 02:00 local time (the
/// US rule in force since 2007, applied to every year). A host with other needs gives a fixed
/// offset.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use partnerkit_payouts::{PayoutMonth, PayoutTimeZone};
/// let tz = PayoutTimeZone::UsPacific;
/// // 03:00 UTC on 1 April is still 31 March in Redmond (20:00 PDT).
/// let t = Utc.with_ymd_and_hms(2027, 4, 1, 3, 0, 0).unwrap();
/// assert_eq!(tz.month_of(t)?.to_string(), "2027-03");
/// // April begins at 07:00 UTC.
/// let april: PayoutMonth = "2027-04".parse()?;
/// assert_eq!(tz.month_start(april)?, Utc.with_ymd_and_hms(2027, 4, 1, 7, 0, 0).unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PayoutTimeZone {
    /// US Pacific time with US daylight saving time (the marketplace's payout time zone).
    #[default]
    UsPacific,
    /// A fixed offset from UTC, in minutes east of UTC (−720 to 840; `0` is UTC).
    FixedOffset {
        /// Minutes east of UTC.
        minutes: i16,
    },
}

impl PayoutTimeZone {
    /// UTC itself.
    pub const UTC: PayoutTimeZone = PayoutTimeZone::FixedOffset { minutes: 0 };

    /// The offset from UTC (east positive) in force at the instant `t`. A fixed offset outside
    /// −720..=840 minutes is clamped into that range.
    pub fn offset_at(self, t: DateTime<Utc>) -> Duration {
        match self {
            PayoutTimeZone::FixedOffset { minutes } => {
                Duration::minutes(i64::from(minutes.clamp(-720, 840)))
            }
            PayoutTimeZone::UsPacific => {
                let year = t.year();
                // DST starts at 02:00 PST = 10:00 UTC, ends at 02:00 PDT = 09:00 UTC. At the
                // very ends of chrono's range, where a year's transitions cannot be written,
                // standard time is used.
                let start = nth_sunday(year, 3, 2).and_then(|d| utc_at(d, 10));
                let end = nth_sunday(year, 11, 1).and_then(|d| utc_at(d, 9));
                match (start, end) {
                    (Some(start), Some(end)) if t >= start && t < end => Duration::hours(-7),
                    _ => Duration::hours(-8),
                }
            }
        }
    }

    /// The local wall-clock time at the instant `t`; [`Error::InstantOutOfRange`] where it
    /// cannot be written (within hours of chrono's first or last instant).
    pub fn local(self, t: DateTime<Utc>) -> Result<NaiveDateTime, Error> {
        t.naive_utc()
            .checked_add_signed(self.offset_at(t))
            .ok_or(Error::InstantOutOfRange { at: t.to_string() })
    }

    /// The payout month the instant `t` falls in, in this time zone; an error if its local
    /// date is outside the years 1–9999 ([`PayoutMonth::MIN`]..=[`PayoutMonth::MAX`]).
    pub fn month_of(self, t: DateTime<Utc>) -> Result<PayoutMonth, Error> {
        PayoutMonth::of_date(self.local(t)?.date())
    }

    /// The instant month `m` begins in this time zone (local midnight on the 1st), which is
    /// also the instant month `m − 1` ends.
    pub fn month_start(self, m: PayoutMonth) -> Result<DateTime<Utc>, Error> {
        let local = m.first_day().and_time(NaiveTime::MIN);
        let out_of_range = || Error::MonthOutOfRange {
            given: m.to_string(),
        };
        let shift = |d: Duration| {
            local
                .checked_sub_signed(d)
                .map(|t| Utc.from_utc_datetime(&t))
                .ok_or_else(out_of_range)
        };
        match self {
            PayoutTimeZone::FixedOffset { .. } => {
                // The offset is fixed: any instant gives it.
                shift(self.offset_at(DateTime::<Utc>::UNIX_EPOCH))
            }
            PayoutTimeZone::UsPacific => {
                // Midnight is never inside a transition (they happen at 02:00), so trying
                // standard time and correcting to daylight time when it is in force is exact.
                let standard = shift(Duration::hours(-8))?;
                if self.offset_at(standard) == Duration::hours(-7) {
                    shift(Duration::hours(-7))
                } else {
                    Ok(standard)
                }
            }
        }
    }
}

/// The `n`th Sunday (1-based) of `month` in `year`, if chrono can write it.
fn nth_sunday(year: i32, month: u32, n: u32) -> Option<NaiveDate> {
    let first = NaiveDate::from_ymd_opt(year, month, 1)?;
    let to_sunday = (7u32.checked_sub(first.weekday().num_days_from_sunday())?) % 7;
    let days = n.checked_sub(1)?.checked_mul(7)?.checked_add(to_sunday)?;
    first.checked_add_days(Days::new(u64::from(days)))
}

fn utc_at(date: NaiveDate, hour: u32) -> Option<DateTime<Utc>> {
    Some(Utc.from_utc_datetime(&date.and_time(NaiveTime::from_hms_opt(hour, 0, 0)?)))
}

impl PayoutTimeZone {
    /// Checks that every payout time zone (any offset from −12:00 to +14:00) places the
    /// instant `t` in a month between [`PayoutMonth::MIN`] and [`PayoutMonth::MAX`]:
    /// [`Error::InstantOutOfRange`] otherwise.
    ///
    /// Deciding a payout command checks its context's clock with it, so no event records a
    /// time that a statement or hold status could not place later.
    ///
    /// ```
    /// use chrono::{DateTime, TimeZone, Utc};
    /// use partnerkit_payouts::PayoutTimeZone;
    /// assert!(PayoutTimeZone::check_instant(Utc.with_ymd_and_hms(2027, 4, 1, 0, 0, 0).unwrap()).is_ok());
    /// assert!(PayoutTimeZone::check_instant(DateTime::<Utc>::MIN_UTC).is_err());
    /// ```
    pub fn check_instant(t: DateTime<Utc>) -> Result<(), Error> {
        for minutes in [-720, 840] {
            PayoutTimeZone::FixedOffset { minutes }
                .month_of(t)
                .map_err(|_| Error::InstantOutOfRange { at: t.to_string() })?;
        }
        Ok(())
    }
}
