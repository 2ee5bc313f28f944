//! Form 1042-S, for foreign payees' US-source income: one form per payee, income code, rate
//! and exemption code (rule TAX-10).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use partnerkit_core::{AccountId, Money};
use serde::{Deserialize, Serialize};

use super::{Recipient, Sum, usd};
use crate::error::Error;
use crate::rate::Rate;
use crate::treaty::IncomeType;
use crate::withholding::RateReason;

/// The chapter 3 exemption code of a Form 1042-S (box 3a).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub enum ExemptionCode {
    /// `00`: not exempt, tax withheld at the rate shown.
    #[serde(rename = "00")]
    NotExempt,
    /// `04`: exempt under a tax treaty (rate 0 %).
    #[serde(rename = "04")]
    Treaty,
}

impl ExemptionCode {
    /// The code of income paid at `rate` for `reason`: exempt under a treaty when a treaty
    /// gives 0 %, not exempt otherwise.
    pub(super) fn of(reason: &RateReason, rate: Rate) -> ExemptionCode {
        match reason {
            RateReason::Treaty { .. } if rate == Rate::ZERO => ExemptionCode::Treaty,
            _ => ExemptionCode::NotExempt,
        }
    }

    /// The code as printed: `00`, `04`.
    pub const fn code(self) -> &'static str {
        match self {
            ExemptionCode::NotExempt => "00",
            ExemptionCode::Treaty => "04",
        }
    }
}

/// The data of one Form 1042-S: one payee, tax year, income code, rate and exemption code
/// (rule TAX-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Form1042S {
    /// The recipient.
    pub recipient: Recipient,
    /// The calendar year of payment.
    pub tax_year: i32,
    /// Box 1: income code (`12`, other royalties: software).
    pub income_code: u8,
    /// Box 2: gross income, USD.
    pub gross_income: Money,
    /// Box 3: chapter indicator (always 3 here).
    pub chapter: u8,
    /// Box 3a: exemption code.
    pub exemption_code: ExemptionCode,
    /// Box 3b: tax rate.
    pub rate: Rate,
    /// Box 7a: federal tax withheld, USD.
    pub tax_withheld: Money,
    /// How many sales.
    pub sales: u64,
    /// The day by which the recipient's copy is furnished.
    pub furnish_by: NaiveDate,
}

/// The key of a 1042-S: payee, income code, rate, exemption code.
pub(super) type Key1042 = (AccountId, IncomeType, Rate, ExemptionCode);

/// The 1042-S forms of `tax_year`, one per cell of `cells`, in key order (so sorted by
/// payee), each for the `recipient` on file and furnished by `furnish_by`.
pub(super) fn forms_1042s(
    cells: Option<&BTreeMap<Key1042, Sum>>,
    tax_year: i32,
    furnish_by: NaiveDate,
    recipient: impl Fn(AccountId) -> Recipient,
) -> Result<Vec<Form1042S>, Error> {
    let mut forms = Vec::new();
    for ((payee, income, rate, exemption), s) in cells.into_iter().flatten() {
        forms.push(Form1042S {
            recipient: recipient(*payee),
            tax_year,
            income_code: income.income_code(),
            gross_income: usd(s.gross)?,
            chapter: 3,
            exemption_code: *exemption,
            rate: *rate,
            tax_withheld: usd(s.withheld)?,
            sales: s.sales,
            furnish_by,
        });
    }
    Ok(forms)
}
