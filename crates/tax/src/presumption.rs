//! Who a seller is presumed to be when no valid form is on file, and what is withheld then
//! (rule TAX-8).
//!
//! # The rule
//!
//! A payee with no valid W-9 or W-8 on file for the day of a sale is treated as follows, from
//! the residence, citizenship (for an entity: country of organisation) and entity type of the
//! tax profile:
//!
//! | profile on file | presumed | withheld | on |
//! |---|---|---|---|
//! | residence or citizenship/organisation is the US | US person | **24 %** backup withholding | every sale (reportable payment) |
//! | no profile at all | US person | **24 %** backup withholding | every sale (reportable payment) |
//! | residence and citizenship/organisation outside the US | foreign person | **30 %** (chapter 3) | sales made in the US only (rule TAX-4) |
//!
//! An expired W-8 (rule TAX-5) keeps the 30 % of the last row: the payee documented foreign
//! status.
//!
//! # Sources (checked 2026-11-25)
//!
//! - **Presumption of US or foreign status**: Treas. Reg. §1.1441-1(b)(3)(iii)(A): a payee a
//!   withholding agent cannot reliably associate with valid documentation is presumed a US
//!   person unless there are indications of foreign status; the profile's foreign residence
//!   and citizenship are such indications (a foreign address, §1.1441-1(b)(3)(iii)(A) and
//!   §1.6049-5(d)(2)). Individual or entity is taken from the profile
//!   (§1.1441-1(b)(3)(ii)); without a form the payee's name is unknown, so no payee is
//!   presumed an exempt recipient (such as a corporation, §1.6049-4(c)(1)(ii)), and an
//!   entity is treated like an individual for the presumption.
//! - **Backup withholding**: IRC §3406(a)(1): a payer withholds on a *reportable payment*
//!   (royalties, §3406(b)(1) and §6050N; payment-card and third-party-network payments,
//!   §6050W) when the payee has not furnished a TIN. The rate is the fourth-lowest rate of
//!   §1(c), 24 % for payments after 2017 ([`Rate::BACKUP_WITHHOLDING`]). It applies to the
//!   whole payment, wherever the customer was: the place of sale (rule TAX-4) decides only
//!   the chapter 3 withholding of foreign persons on US-source income (IRC §1441, §1442).
//! - **Chapter 3**: IRC §1441/§1442: 30 % on US-source royalties paid to foreign persons
//!   ([`Rate::DEFAULT_WITHHOLDING`], rule TAX-5).
//!
//! Thresholds below which a payment is not reportable at all (such as the $10 of royalties
//! on Form 1099-MISC) are not applied here: a payee who has sold nothing reportable is
//! withheld on nothing reportable, and the year's total is known only at year end.

use partnerkit_core::CountryCode;
use serde::{Deserialize, Serialize};

use crate::rate::Rate;
use crate::state::{ProfileDetails, is_us_person};

/// Who a payee without valid documentation is presumed to be, and why (rule TAX-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "presumed", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Presumption {
    /// No tax profile: a payee without documentation is presumed a US person
    /// (Treas. Reg. §1.1441-1(b)(3)(iii)(A)).
    UsPersonWithoutProfile,
    /// The profile states a US residence or a US citizenship (organisation): a US person.
    UsPerson {
        /// Residence on the profile.
        residence: CountryCode,
        /// Citizenship (for an entity, country of organisation) on the profile.
        citizenship: CountryCode,
    },
    /// The profile states a residence and citizenship (organisation) outside the US:
    /// indications of foreign status, so a foreign person.
    ForeignPerson {
        /// Residence on the profile.
        residence: CountryCode,
        /// Citizenship (for an entity, country of organisation) on the profile.
        citizenship: CountryCode,
    },
}

/// Why the payee is presumed what it is, as a short English clause.
impl std::fmt::Display for Presumption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Presumption::UsPersonWithoutProfile => {
                f.write_str("presumed a US person (no tax profile)")
            }
            Presumption::UsPerson {
                residence,
                citizenship,
            } => write!(
                f,
                "presumed a US person (residence {residence}, citizenship {citizenship})"
            ),
            Presumption::ForeignPerson {
                residence,
                citizenship,
            } => write!(
                f,
                "presumed a foreign person (residence {residence}, citizenship {citizenship})"
            ),
        }
    }
}

impl Presumption {
    /// The presumption for a payee whose profile states `details` (`None`: no profile).
    ///
    /// ```
    /// use partnerkit_core::CountryCode as C;
    /// use partnerkit_tax::{EntityType, Presumption, ProfileDetails};
    /// let swede = ProfileDetails { residence: C::SE, citizenship: C::SE, entity_type: EntityType::Individual };
    /// assert!(!Presumption::of(Some(&swede)).is_us_person());
    /// let abroad = ProfileDetails { citizenship: C::US, ..swede };
    /// assert!(Presumption::of(Some(&abroad)).is_us_person());
    /// assert!(Presumption::of(None).is_us_person());
    /// ```
    pub fn of(details: Option<&ProfileDetails>) -> Presumption {
        match details {
            None => Presumption::UsPersonWithoutProfile,
            Some(d) if is_us_person(d.residence, d.citizenship) => Presumption::UsPerson {
                residence: d.residence,
                citizenship: d.citizenship,
            },
            Some(d) => Presumption::ForeignPerson {
                residence: d.residence,
                citizenship: d.citizenship,
            },
        }
    }

    /// True if the payee is presumed a US person: backup withholding applies.
    pub const fn is_us_person(&self) -> bool {
        !matches!(self, Presumption::ForeignPerson { .. })
    }

    /// The rate withheld under the presumption: 24 % backup withholding for a US person,
    /// 30 % for a foreign person.
    pub const fn rate(&self) -> Rate {
        if self.is_us_person() {
            Rate::BACKUP_WITHHOLDING
        } else {
            Rate::DEFAULT_WITHHOLDING
        }
    }

    /// Which sales the rate applies to: every sale for a US person, sales made in the US for
    /// a foreign person.
    pub const fn base(&self) -> WithholdingBase {
        if self.is_us_person() {
            WithholdingBase::AllSales
        } else {
            WithholdingBase::UsSales
        }
    }
}

/// Which of a seller's sales a rate is withheld on (rules TAX-4, TAX-8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum WithholdingBase {
    /// Only sales made in the US: chapter 3 withholding of a foreign person on US-source
    /// income (rules TAX-4, TAX-5).
    UsSales,
    /// Every sale, wherever made: backup withholding of a US person on reportable payments
    /// (rule TAX-8).
    AllSales,
}
