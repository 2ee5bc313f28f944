//! How tax values read to a person: `Display` for entity types, profile status, forms on file,
//! treaty claims, withholding reasons and the year-end returns' codes. Short English for
//! tables and logs; a host that translates matches on the enums instead. ([`FormKind`](crate::FormKind), the
//! [`Rate`](crate::Rate), [`RateReason`](crate::RateReason), [`IncomeType`](crate::IncomeType)
//! and [`Presumption`](crate::Presumption) have theirs next to them.)

use std::fmt;

use crate::event::WithdrawalReason;
use crate::notices::W8Notice;
use crate::presumption::WithholdingBase;
use crate::remit::Remitter;
use crate::returns::{ExemptionCode, IncomeSource, MonthDay, UsReturnForm};
use crate::state::{ElectronicSignature, EntityType, ProfileStatus, TinRecord, TreatyClaim};
use crate::withholding::WithholdingReason;

/// `individual` or `entity`; width and alignment apply.
///
/// ```
/// use partnerkit_tax::EntityType;
/// assert_eq!(EntityType::Entity.to_string(), "entity");
/// ```
impl fmt::Display for EntityType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            EntityType::Individual => "individual",
            EntityType::Entity => "entity",
        })
    }
}

/// The profile's status in a few words (rule TAX-1); width and alignment apply.
///
/// ```
/// use partnerkit_tax::ProfileStatus;
/// assert_eq!(ProfileStatus::Expired.to_string(), "expired: sign a new W-8");
/// ```
impl fmt::Display for ProfileStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            ProfileStatus::NotStarted => "not started",
            ProfileStatus::Incomplete => "incomplete: the required form is missing",
            ProfileStatus::Complete => "complete",
            ProfileStatus::Expired => "expired: sign a new W-8",
        })
    }
}

/// Why a form on file was withdrawn.
impl fmt::Display for WithdrawalReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WithdrawalReason::ProfileChanged => {
                f.write_str("the residence, citizenship or entity type changed")
            }
        }
    }
}

/// `signed by Ann Lind on 2027-03-01`.
impl fmt::Display for ElectronicSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "signed by {} on {}", self.signer, self.signed_on)
    }
}

/// The TIN on file, masked: `•••••6789` (rule X-4).
impl fmt::Display for TinRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.masked, f)
    }
}

/// `0% under the SE treaty, article 12(1), on other royalties`.
impl fmt::Display for TreatyClaim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} under the {} treaty, article {}, on {}",
            self.rate, self.country, self.article, self.income
        )
    }
}

/// Who remits sales tax in a country (rule TAX-6); width and alignment apply.
impl fmt::Display for Remitter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            Remitter::Marketplace => "the marketplace remits",
            Remitter::Seller => "the seller remits",
        })
    }
}

/// `US source` or `foreign source`; width and alignment apply.
impl fmt::Display for IncomeSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            IncomeSource::Us => "US source",
            IncomeSource::Foreign => "foreign source",
        })
    }
}

/// The Form 1042-S exemption code with its meaning: `04 (treaty)`.
///
/// ```
/// use partnerkit_tax::ExemptionCode;
/// assert_eq!(ExemptionCode::Treaty.to_string(), "04 (treaty)");
/// ```
impl fmt::Display for ExemptionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            ExemptionCode::NotExempt => "00 (not exempt)",
            ExemptionCode::Treaty => "04 (treaty)",
        })
    }
}

/// The form's name: `Form 1099-MISC` or `Form 1099-K`.
impl fmt::Display for UsReturnForm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            UsReturnForm::Misc1099 { .. } => "Form 1099-MISC",
            UsReturnForm::K1099 { .. } => "Form 1099-K",
        })
    }
}

/// Why a sale was or was not withheld.
impl fmt::Display for WithholdingReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WithholdingReason::NotUsSale => f.write_str("not withheld: a sale outside the US"),
            WithholdingReason::SellerRate { reason } => fmt::Display::fmt(reason, f),
        }
    }
}

/// Which sales a rate applies to; width and alignment apply.
impl fmt::Display for WithholdingBase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            WithholdingBase::UsSales => "sales made in the US",
            WithholdingBase::AllSales => "every sale",
        })
    }
}

/// `03-15` (month and day, as in ISO 8601's `--03-15` without the dashes in front).
impl fmt::Display for MonthDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}-{:02}", self.month(), self.day())
    }
}

/// The notice as a sentence to its owner (rule TAX-5): `the W-8BEN signed on 2024-03-01 is
/// valid through 2027-12-31: sign a new one to keep its rate`, or `… expired after
/// 2027-12-31: the default rate applies until a new one is signed`.
impl fmt::Display for W8Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.expired {
            write!(
                f,
                "the {} signed on {} expired after {}: the default rate applies until a new one is signed",
                self.form, self.signed_on, self.valid_through
            )
        } else {
            write!(
                f,
                "the {} signed on {} is valid through {}: sign a new one to keep its rate",
                self.form, self.signed_on, self.valid_through
            )
        }
    }
}
