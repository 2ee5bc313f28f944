//! How much US tax is withheld: tax profiles, W-9/W-8 forms, withholding, treaty and remittance tables.
//!
//! ```
//! use partnerkit_core::{Actor, Context, CountryCode, Decider, DisplayName, SequentialIds};
//! use partnerkit_core::chrono::{NaiveDate, TimeZone, Utc};
//! use partnerkit_tax::*;
//!
//! // A Swedish developer starts a tax profile: foreign individual → W-8BEN (rules TAX-1, TAX-2).
//! let ids = SequentialIds::default();
//! let ctx = Context::new(Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).unwrap(), Actor::Marketplace, &ids);
//! let details = ProfileDetails {
//!     residence: CountryCode::SE,
//!     citizenship: CountryCode::SE,
//!     entity_type: EntityType::Individual,
//! };
//! assert_eq!(details.required_form(), FormKind::W8Ben);
//! let mut profile = TaxProfile::default();
//! Tax::execute(&mut profile, Command::StartProfile(details), &ctx)?;
//!
//! // Signed electronically, no ITIN (TAX-3), claiming the Sweden treaty rate in Part II (TAX-5).
//! let treaties = TreatyTable::irs_table_1();
//! let form = W8 {
//!     name: DisplayName::new("Ann Lind")?,
//!     foreign_tin: None,
//!     treaty_claim: Some(TreatyClaim {
//!         country: CountryCode::SE,
//!         article: "12(1)".parse()?,
//!         rate: "0%".parse()?,
//!         income: IncomeType::OtherRoyalties,
//!     }),
//!     signature: ElectronicSignature::new(DisplayName::new("Ann Lind")?, NaiveDate::from_ymd_opt(2027, 3, 1).unwrap()),
//! };
//! Tax::execute(&mut profile, Command::SubmitW8Ben { form, treaties: treaties.clone() }, &ctx)?;
//! let today = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
//! assert_eq!(profile.status(today), ProfileStatus::Complete);
//!
//! // Withholding: the rate once per seller, then per sale; only US sales are withheld (TAX-4).
//! let decision = withholding_rate(&profile, today, &treaties);
//! assert_eq!(decision.rate, Rate::ZERO);
//! let sale = Sale::new("9.99 USD".parse()?, CountryCode::US)?;
//! let w = withhold(&sale, &decision);
//! assert_eq!(w.withheld.checked_add(w.net)?, w.gross); // TAX-7
//!
//! // The W-8 expires at the end of the third calendar year after signing: 30 % again (TAX-5).
//! let later = NaiveDate::from_ymd_opt(2031, 1, 1).unwrap();
//! assert_eq!(profile.status(later), ProfileStatus::Expired);
//! assert_eq!(withholding_rate(&profile, later, &treaties).rate, Rate::DEFAULT_WITHHOLDING);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! Part of `partnerkit`. This crate is pure: it performs no I/O,
//! reads no clock and draws no randomness; time, ids and the actor arrive in a
//! [`Context`](partnerkit_core::Context) (rule X-5).
//!
//! - **Tax profile** ([`Tax`], [`TaxProfile`], [`Command`], [`Event`]): residence, citizenship,
//!   entity type, the signed form on file and the history of every form's days on file
//!   ([`FormPeriod`]); its [`ProfileStatus`] is not started, incomplete, complete or expired
//!   (rule TAX-1).
//! - **Forms** ([`required_form`], [`FormKind`], [`W9`], [`W8`]): W-9 for US persons, W-8BEN for
//!   foreign individuals, W-8BEN-E for foreign entities, signed electronically (rule TAX-2);
//!   no ITIN anywhere (rule TAX-3).
//! - **Withholding** ([`withholding_rate`], [`withhold`], [`Rate`], [`Sale`]): only sales made
//!   in the US (rule TAX-4); 30 % by default, the treaty rate with a valid W-8 claim, 30 % again
//!   once the W-8 expires, 0 % with a W-9 (rule TAX-5); exact decimal money with a named
//!   rounding rule (rule TAX-7, [`WITHHOLDING_ROUNDING`]).
//! - **No valid form** ([`Presumption`], [`WithholdingBase`]): a seller presumed a US person
//!   (US residence or citizenship on the profile, or no profile) is backup withheld at 24 %
//!   on every sale; a seller presumed foreign at 30 % on sales made in the US (rule TAX-8,
//!   with its sources on [`Presumption`]).
//! - **Per statement** ([`withhold_statement`], [`StatementWithholding`]): withholding is
//!   owed on what is paid — `total × rate` rounded once per statement, currency and rate, the
//!   per-sale lines allocated by largest remainder so they sum to it (rule TAX-9).
//! - **Year-end returns** ([`InformationReturnsFold`], [`PaidStatement`], [`YearEndReturns`]):
//!   per payee and calendar year of payment, the data of a Form 1042-S (foreign payees) or a
//!   Form 1099 (US payees, [`ReportingRules`]), reconciling to the cent with the year's paid
//!   statements (rule TAX-10).
//! - **Batch** ([`WithholdingFold`]): the same rule over millions of sales, on integers, with
//!   a `merge` of partial results equal to the fold over all of them.
//! - **Data** ([`TreatyTable`], [`RemittanceTable`]): treaty rates with their source and
//!   effective date (rule TAX-5); who remits sales/use tax per country (rule TAX-6). Both ship
//!   defaults and both can be replaced by the host.
//!
//! # Tax profile and forms
//!
//! [`Tax`] implements [`Decider`](partnerkit_core::Decider). `StartProfile` and `EditProfile`
//! record who the seller is; an edit that changes anything withdraws the form on file
//! ([`Event::FormWithdrawn`]), since it no longer describes the seller. `SubmitW9`,
//! `SubmitW8Ben` and `SubmitW8BenE` record a signed form, after checking that it is the form
//! [`required_form`] asks for, that its signature is not dated in the future (a date is
//! accepted if it is today somewhere on Earth, UTC+14), that a W-8 has not already expired,
//! and that a treaty claim is for the residence country at the table's rate and article.
//! TINs are kept only masked (rule X-4). Every refusal is an [`Error`]
//! naming its rule (rule X-3).
//!
//! [`Event::FormSubmitted`] and [`Event::FormWithdrawn`] carry the UTC day they happened, so
//! the profile keeps, rebuilt from events alone, the [`history`](TaxProfile::history) of
//! which form was on file on which days: a [`FormPeriod`] covers the days from the later of
//! its submission and signing dates up to, not including, the day it was withdrawn or
//! replaced. [`TaxProfile::status`] and [`TaxProfile::valid_form`] answer "now" questions
//! about the current form; [`TaxProfile::form_on`] answers "then": the valid form on file on
//! a given day.
//!
//! # Withholding
//!
//! [`withholding_rate`] decides a seller's rate for sales made on a date from the
//! documentation on file **that day** ([`TaxProfile::form_on`]) and a [`TreatyTable`], with a
//! [`RateReason`], so recomputing a past month gives the same result after the seller edits
//! the profile or signs a new form. [`withhold_statement`] applies the decisions to a
//! statement's sales: per currency and rate, `withheld = Σ gross × rate` rounded half away
//! from zero to the minor unit **once**, the lines allocated by largest remainder, and
//! `net = gross − withheld`, so withheld + net == gross always (rules TAX-7, TAX-9).
//! [`withhold`] is the same for a statement of one sale; [`withheld_minor_units`] is the
//! one-amount rule on integers.
//!
//! # Batch
//!
//! [`WithholdingFold`] adds the gross of sales one by one (on `i64` minor units, into a dense
//! per-country array) and [`merge`](WithholdingFold::merge)s partial folds; the withheld
//! amounts are derived at the end, rounded once per currency and rate, so the result equals
//! [`withhold_statement`] over the same sales, however the sales are split.
//!
//! # Data
//!
//! [`TreatyTable::irs_table_1`] holds the US treaty rates on other royalties (Form 1042-S
//! income code 12: copyright, software) for sixteen countries from the IRS Tax Treaty Table 1,
//! version [`DEFAULT_TREATY_TABLE_VERSION`], effective 2025-01-01. Check it against the current
//! IRS table; a host passes its own [`TreatyTable`]. [`RemittanceTable::default_table`] is an
//! illustrative default of where the marketplace remits sales/use tax (rule TAX-6); a host
//! replaces it with its marketplace's own list. [`ReportingRules`] ship the IRS thresholds
//! and deadlines of the year-end returns (rule TAX-10), [`Rate::BACKUP_WITHHOLDING`] and
//! [`Presumption`] the backup-withholding rate and presumption rules (rule TAX-8).
//!
//! Every shipped table, its source and the day it was last checked are listed in
//! `crates/tax/data/README.md` (checked 2026-11-25).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod command;
mod decide;
mod error;
mod event;
mod fold;
mod labels;
mod notices;
mod presumption;
mod rate;
mod remit;
mod returns;
mod state;
mod statement;
mod tin;
mod treaty;
mod withholding;

pub use command::{Command, W8, W9};
pub use decide::Tax;
pub use error::Error;
pub use event::{Event, WithdrawalReason};
pub use fold::{
    Amounts, CellKey, CountryTotals, RateTotals, Totals, WithholdingFold, WithholdingSummary,
};
pub use notices::{W8Notice, notices, w8_expires_at};
pub use presumption::{Presumption, WithholdingBase};
pub use rate::Rate;
pub use remit::{DEFAULT_REMITTANCE_TABLE_VERSION, RemittanceTable, Remitter};
pub use returns::{
    ExemptionCode, Form1042S, Form1099, IncomeSource, InformationReturnsFold, MonthDay,
    NotReported, PaidIncome, PaidStatement, Recipient, ReportingRules, UsReturnForm,
    YearEndReturns,
};
pub use state::{
    DatedDetails, ElectronicSignature, EntityType, FormKind, FormPeriod, ProfileDetails,
    ProfileStatus, SubmittedForm, TaxProfile, TinRecord, TreatyClaim, is_us_person, required_form,
    w8_valid_through,
};
pub use statement::{StatementWithholding, check_withheld_in_usd, withhold_statement};
pub use tin::{ForeignTin, UsTin};
pub use treaty::{
    DEFAULT_TREATY_TABLE_VERSION, IncomeType, TreatyArticle, TreatyEntry, TreatyTable,
};
pub use withholding::{
    RateDecision, RateReason, Sale, WITHHOLDING_ROUNDING, Withholding, WithholdingReason,
    withheld_minor_units, withhold, withholding_rate,
};
