//! Which returns a host files and by when: [`ReportingRules`], with the days after the tax
//! year ([`MonthDay`]) by which each form is furnished (rule TAX-10).

use chrono::NaiveDate;
use partnerkit_core::{Currency, Money};
use serde::{Deserialize, Serialize};

use super::UsReturnForm;
use crate::error::Error;

/// A day of the year after the tax year, such as March 15: a month and a day that exist in
/// every year (February 29 does not).
///
/// Serialised as `{"month": 3, "day": 15}`; deserialising runs the same check as
/// [`MonthDay::new`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawMonthDay", into = "RawMonthDay")]
pub struct MonthDay {
    month: u32,
    day: u32,
}

partnerkit_core::validated_fields!(
    MonthDay from RawMonthDay { month: u32, day: u32 } by MonthDay::new, Error;
    into |m| { month: m.month, day: m.day }
);

impl MonthDay {
    /// January 31.
    pub const JANUARY_31: MonthDay = MonthDay { month: 1, day: 31 };
    /// March 15.
    pub const MARCH_15: MonthDay = MonthDay { month: 3, day: 15 };

    /// `month` (1 to 12) and `day`, if that day exists in every year (2027 is not a leap
    /// year: February 29 is refused).
    pub fn new(month: u32, day: u32) -> Result<MonthDay, Error> {
        NaiveDate::from_ymd_opt(2027, month, day)
            .map(|_| MonthDay { month, day })
            .ok_or_else(|| Error::InvalidReportingRules {
                reason: format!(
                    "month {month}, day {day} is not a day of every year: give a month from 1 to 12 and a day it always has"
                ),
            })
    }

    /// The month, 1 to 12.
    pub const fn month(self) -> u32 {
        self.month
    }

    /// The day of the month.
    pub const fn day(self) -> u32 {
        self.day
    }

    pub(super) fn in_year(self, year: i32) -> Result<NaiveDate, Error> {
        NaiveDate::from_ymd_opt(year, self.month, self.day).ok_or_else(|| {
            Error::InvalidReportingRules {
                reason: format!(
                    "{}-{:02}-{:02} is not a date: the year is out of range",
                    year, self.month, self.day
                ),
            }
        })
    }
}

/// Which returns a host files and by when: host data, with sourced defaults (rule TAX-10).
///
/// Sources of the defaults (checked 2026-11-25; see also `crates/tax/data/README.md`):
///
/// - 1099-MISC box 2 royalties of $10 or more: IRC §6050N, Instructions for Forms 1099-MISC
///   and 1099-NEC; furnished to the recipient by January 31.
/// - 1099-K: IRC §6050W(e) as amended by Public Law 119-21 (2025), which restored the
///   third-party-network threshold of more than $20,000 and more than 200 transactions;
///   furnished by January 31.
/// - 1042-S: furnished to the recipient by March 15 of the following year (Instructions for
///   Form 1042-S).
///
/// Amounts are in USD. A form is marked required whenever tax was withheld, whatever the
/// threshold (backup withholding must be reported).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReportingRules {
    /// The version of the data.
    pub version: String,
    /// Where the figures come from.
    pub source: String,
    /// The day the figures were last checked.
    pub as_of: NaiveDate,
    /// The Form 1099 filed for US payees.
    pub us_form: UsReturnForm,
    /// The day after the tax year by which a 1099 is furnished to the recipient.
    pub furnish_1099_by: MonthDay,
    /// The day after the tax year by which a 1042-S is furnished to the recipient.
    pub furnish_1042s_by: MonthDay,
}

impl ReportingRules {
    /// Form 1099-MISC box 2 at $10 or more; 1099 by January 31, 1042-S by March 15.
    pub fn irs_1099_misc() -> ReportingRules {
        ReportingRules {
            version: "irs-1099-misc/2026-11-25".to_owned(),
            source: "IRC 6050N; IRS Instructions for Forms 1099-MISC and 1099-NEC (box 2 \
                     royalties, $10); IRS Instructions for Form 1042-S (furnish by March 15)"
                .to_owned(),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or(NaiveDate::MIN),
            us_form: UsReturnForm::Misc1099 {
                royalties_at_least: Money::from_minor_units(1_000, Currency::USD),
            },
            furnish_1099_by: MonthDay::JANUARY_31,
            furnish_1042s_by: MonthDay::MARCH_15,
        }
    }

    /// Form 1099-K over $20,000 and over 200 transactions (a payment settlement entity);
    /// 1099 by January 31, 1042-S by March 15.
    pub fn irs_1099_k() -> ReportingRules {
        ReportingRules {
            version: "irs-1099-k/2026-11-25".to_owned(),
            source: "IRC 6050W(e) as amended by Public Law 119-21 (2025): more than $20,000 \
                     and more than 200 transactions; IRS Instructions for Form 1099-K; IRS \
                     Instructions for Form 1042-S (furnish by March 15)"
                .to_owned(),
            as_of: NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or(NaiveDate::MIN),
            us_form: UsReturnForm::K1099 {
                gross_over: Money::from_minor_units(2_000_000, Currency::USD),
                transactions_over: 200,
            },
            furnish_1099_by: MonthDay::JANUARY_31,
            furnish_1042s_by: MonthDay::MARCH_15,
        }
    }
}

impl Default for ReportingRules {
    /// [`ReportingRules::irs_1099_misc`].
    fn default() -> Self {
        ReportingRules::irs_1099_misc()
    }
}
