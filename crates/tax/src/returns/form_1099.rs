//! Form 1099, for US payees: 1099-MISC or 1099-K as the host's [`ReportingRules`](super::ReportingRules)
//! say, one per payee and year, required when its threshold is met or tax was withheld (rule
//! TAX-10).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use partnerkit_core::{AccountId, Money};
use serde::{Deserialize, Serialize};

use super::{Recipient, Sum, usd, usd_minor};
use crate::error::Error;

/// The Form 1099 a host files for US payees, with its threshold (rule TAX-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "form", rename_all = "snake_case")]
#[non_exhaustive]
pub enum UsReturnForm {
    /// Form 1099-MISC, box 2 royalties: required when the year's royalties are at least the
    /// threshold.
    #[serde(rename = "1099_misc")]
    Misc1099 {
        /// The year's royalties at or above which the form is required.
        royalties_at_least: Money,
    },
    /// Form 1099-K, box 1a gross payments, for a host that is a payment settlement entity:
    /// required when the year's gross exceeds the amount **and** the transactions exceed the
    /// count. The amount reported is what the [`PaidIncome`](super::PaidIncome)s say: a host whose 1099-K must
    /// show gross before refunds passes refunds as their own statements' income rather than
    /// netted (the transactions counted are the `sales` given).
    #[serde(rename = "1099_k")]
    K1099 {
        /// The gross the year's payments must exceed.
        gross_over: Money,
        /// The number of transactions the year's payments must exceed.
        transactions_over: u64,
    },
}

impl UsReturnForm {
    /// True if a payee's year, `s`, meets the form's threshold.
    fn met_by(&self, s: &Sum) -> Result<bool, Error> {
        Ok(match self {
            UsReturnForm::Misc1099 { royalties_at_least } => {
                s.gross >= i128::from(usd_minor(*royalties_at_least)?)
            }
            UsReturnForm::K1099 {
                gross_over,
                transactions_over,
            } => s.gross > i128::from(usd_minor(*gross_over)?) && s.sales > *transactions_over,
        })
    }
}

/// The data of one Form 1099 for a US payee and tax year (rule TAX-10).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Form1099 {
    /// The recipient.
    pub recipient: Recipient,
    /// The calendar year of payment.
    pub tax_year: i32,
    /// The form and threshold applied.
    pub form: UsReturnForm,
    /// 1099-MISC box 2 royalties, or 1099-K box 1a gross, USD.
    pub amount: Money,
    /// 1099-K box 3: number of payment transactions (sales).
    pub transactions: u64,
    /// Box 4: federal income tax withheld (backup withholding), USD.
    pub federal_tax_withheld: Money,
    /// True if the form must be filed: the threshold is met, or tax was withheld.
    pub required: bool,
    /// The day by which the recipient's copy is furnished.
    pub furnish_by: NaiveDate,
}

/// The 1099 forms of `tax_year`, one per US payee of `payees`, in payee order, each of the
/// form `form`, for the `recipient` on file and furnished by `furnish_by`.
pub(super) fn forms_1099(
    payees: Option<&BTreeMap<AccountId, Sum>>,
    tax_year: i32,
    form: &UsReturnForm,
    furnish_by: NaiveDate,
    recipient: impl Fn(AccountId) -> Recipient,
) -> Result<Vec<Form1099>, Error> {
    let mut forms = Vec::new();
    for (payee, s) in payees.into_iter().flatten() {
        let meets = form.met_by(s)?;
        forms.push(Form1099 {
            recipient: recipient(*payee),
            tax_year,
            form: form.clone(),
            amount: usd(s.gross)?,
            transactions: s.sales,
            federal_tax_withheld: usd(s.withheld)?,
            required: meets || s.withheld != 0,
            furnish_by,
        });
    }
    Ok(forms)
}
