//! Monthly payout cycles (rule PAY-5) and the payout time zone in which months end (rule PAY-6).

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;

/// A calendar month: one payout cycle (rule PAY-5). Serialised as `"2027-04"`.
///
/// ```
/// use partnerkit_payouts::PayoutMonth;
/// let april: PayoutMonth = "2027-04".parse()?;
/// assert_eq!(april.previous().to_string(), "2027-03");
/// assert_eq!(april.plus(9).to_string(), "2028-01");
/// # Ok::<(), partnerkit_payouts::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PayoutMonth {
    // months since year 0: year * 12 + (month - 1); ordering follows time.
    index: i32,
}

impl PayoutMonth {
    /// The month `month` (1–12) of `year` (1–9999).
    pub fn new(year: i32, month: u32) -> Result<Self, Error> {
        if !(1..=9999).contains(&year) || !(1..=12).contains(&month) {
            return Err(Error::InvalidMonth {
                given: format!("{year:04}-{month:02}"),
            });
        }
        // month ≤ 12, so the cast is exact.
        Ok(PayoutMonth {
            index: year * 12 + month as i32 - 1,
        })
    }

    /// The month a date falls in.
    pub fn of_date(date: NaiveDate) -> Self {
        PayoutMonth {
            index: date.year() * 12 + date.month0() as i32,
        }
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.index.div_euclid(12)
    }

    /// The month of the year, 1–12.
    pub fn month(self) -> u32 {
        self.index.rem_euclid(12).unsigned_abs() + 1
    }

    /// The month `n` months later (earlier for negative `n`).
    pub fn plus(self, n: i32) -> Self {
        PayoutMonth {
            index: self.index.saturating_add(n),
        }
    }

    /// The month after.
    pub fn next(self) -> Self {
        self.plus(1)
    }

    /// The month before.
    pub fn previous(self) -> Self {
        self.plus(-1)
    }

    /// Day `day` of this month, clamped to the month's last day.
    pub fn day(self, day: u32) -> NaiveDate {
        let first = self.first_day();
        let last = self.next().first_day().pred_opt().unwrap_or(first);
        let d = day.clamp(1, last.day());
        NaiveDate::from_ymd_opt(self.year(), self.month(), d).unwrap_or(first)
    }

    /// The first day of the month.
    pub fn first_day(self) -> NaiveDate {
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
/// assert_eq!(tz.month_of(t).to_string(), "2027-03");
/// // April begins at 07:00 UTC.
/// let april: PayoutMonth = "2027-04".parse()?;
/// assert_eq!(tz.month_start(april), Utc.with_ymd_and_hms(2027, 4, 1, 7, 0, 0).unwrap());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
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

    /// The offset from UTC (east positive) in force at the instant `t`.
    pub fn offset_at(self, t: DateTime<Utc>) -> Duration {
        match self {
            PayoutTimeZone::FixedOffset { minutes } => {
                Duration::minutes(i64::from(minutes.clamp(-720, 840)))
            }
            PayoutTimeZone::UsPacific => {
                let year = t.year();
                // DST starts at 02:00 PST = 10:00 UTC, ends at 02:00 PDT = 09:00 UTC.
                let start = utc_at(nth_sunday(year, 3, 2), 10);
                let end = utc_at(nth_sunday(year, 11, 1), 9);
                if t >= start && t < end {
                    Duration::hours(-7)
                } else {
                    Duration::hours(-8)
                }
            }
        }
    }

    /// The local wall-clock time at the instant `t`.
    pub fn local(self, t: DateTime<Utc>) -> NaiveDateTime {
        t.naive_utc() + self.offset_at(t)
    }

    /// The payout month the instant `t` falls in, in this time zone.
    pub fn month_of(self, t: DateTime<Utc>) -> PayoutMonth {
        PayoutMonth::of_date(self.local(t).date())
    }

    /// The instant month `m` begins in this time zone (local midnight on the 1st), which is
    /// also the instant month `m − 1` ends.
    pub fn month_start(self, m: PayoutMonth) -> DateTime<Utc> {
        let local = m.first_day().and_time(NaiveTime::MIN);
        match self {
            PayoutTimeZone::FixedOffset { .. } => {
                let guess = Utc.from_utc_datetime(&local);
                Utc.from_utc_datetime(&(local - self.offset_at(guess)))
            }
            PayoutTimeZone::UsPacific => {
                // Midnight is never inside a transition (they happen at 02:00), so trying
                // standard time and correcting to daylight time when it is in force is exact.
                let standard = Utc.from_utc_datetime(&(local + Duration::hours(8)));
                if self.offset_at(standard) == Duration::hours(-7) {
                    Utc.from_utc_datetime(&(local + Duration::hours(7)))
                } else {
                    standard
                }
            }
        }
    }
}

fn nth_sunday(year: i32, month: u32, n: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN);
    let to_sunday = (7 - first.weekday().num_days_from_sunday()) % 7;
    first + Duration::days(i64::from(to_sunday + 7 * (n - 1)))
}

fn utc_at(date: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(
        &date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap_or(NaiveTime::MIN)),
    )
}
