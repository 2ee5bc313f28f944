//! The one error type of `partnerkit-tax`.

use std::borrow::Cow;

use chrono::NaiveDate;
use partnerkit_core::CountryCode;

use crate::rate::Rate;
use crate::state::FormKind;

/// Everything that can go wrong in the tax crate (rule X-3).
///
/// Variants name what went wrong; where a rule was broken the message names it, and every
/// message says what to do. A refused command changes nothing.
///
/// A public format: serialised with a stable machine-readable `"code"` (the variant's name in
/// snake case, also returned by [`Error::code`]) beside the variant's fields, such as
/// `{"code": "wrong_form", "submitted": "w9", "required": "w8ben"}`. The core error inside
/// [`Error::Value`] is nested under `"error"` with its own code:
/// `{"code": "value", "error": {"code": "overflow", "operation": "statement total"}}`.
#[partnerkit_core::public_error]
pub enum Error {
    /// A command that needs a tax profile came before the profile was started.
    #[error(
        "the tax profile has not been started: start it with residence, citizenship and entity type first (rule TAX-1)"
    )]
    ProfileNotStarted,
    /// The profile was started twice.
    #[error("the tax profile is already started: edit it instead (rule TAX-1)")]
    ProfileAlreadyStarted,
    /// The form submitted is not the one the profile requires.
    #[error(
        "a {submitted} was submitted, but this seller must complete a {required}: US persons complete a W-9, foreign individuals a W-8BEN, foreign entities a W-8BEN-E (rule TAX-2)"
    )]
    WrongForm {
        /// The form that was submitted.
        submitted: FormKind,
        /// The form the profile requires.
        required: FormKind,
    },
    /// A form is dated after today.
    #[error(
        "the {form} is signed on {signed_on}, after today ({today}): date the electronic signature today or earlier (rule TAX-2)"
    )]
    SignedInFuture {
        /// The form.
        form: FormKind,
        /// The signature date.
        signed_on: NaiveDate,
        /// Today's date (UTC).
        today: NaiveDate,
    },
    /// A W-8 whose validity has already ended.
    #[error(
        "the {form} signed on {signed_on} expired after {valid_through}: sign a new one (rule TAX-5)"
    )]
    FormExpired {
        /// The form.
        form: FormKind,
        /// The signature date.
        signed_on: NaiveDate,
        /// Its last valid day.
        valid_through: NaiveDate,
    },
    /// A treaty claim for a country other than the seller's residence.
    #[error(
        "the treaty claim is for {claimed}, but the seller resides in {residence}: only residents of a treaty country may claim its benefits (rule TAX-5)"
    )]
    TreatyCountryNotResidence {
        /// The country claimed.
        claimed: CountryCode,
        /// The country of residence.
        residence: CountryCode,
    },
    /// A treaty claim for a country with no treaty rate in the table.
    #[error(
        "{country} has no US income-tax treaty rate for this income in the treaty table: remove the claim; the default 30% applies (rule TAX-5)"
    )]
    NoTreaty {
        /// The country claimed.
        country: CountryCode,
    },
    /// A treaty claim above the default rate.
    #[error(
        "the treaty claim asks for {claimed}, above the 30% default: a treaty only lowers the rate (rule TAX-5)"
    )]
    TreatyRateAboveDefault {
        /// The rate claimed.
        claimed: Rate,
    },
    /// A treaty claim whose rate differs from the treaty table.
    #[error(
        "the treaty claim for {country} asks for {claimed}, but the treaty rate is {table}: claim {table} (rule TAX-5)"
    )]
    TreatyRateMismatch {
        /// The country claimed.
        country: CountryCode,
        /// The rate claimed.
        claimed: Rate,
        /// The rate in the table.
        table: Rate,
    },
    /// A treaty claim citing another article than the treaty table.
    #[error(
        "the treaty claim for {country} cites article {claimed}, but the treaty rate is granted by article {table}: cite {table} (rule TAX-5)"
    )]
    TreatyArticleMismatch {
        /// The country claimed.
        country: CountryCode,
        /// The article claimed.
        claimed: String,
        /// The article in the table.
        table: String,
    },
    /// A W-9 TIN that is not nine digits or that the SSA or IRS never issues, or a foreign TIN
    /// that is not 1 to 30 letters and digits.
    #[error(
        "the taxpayer identification number is not valid: {reason} (the number is not repeated here)"
    )]
    InvalidTin {
        /// What is wrong with it.
        reason: Cow<'static, str>,
    },
    /// A rate that is not a percentage from 0 to 100 with at most two decimals.
    #[error(
        "rate {given:?} is not valid: write a percentage from 0% to 100% with at most two decimals, such as \"30%\" or \"4.9%\""
    )]
    InvalidRate {
        /// The text or number that was given.
        given: String,
    },
    /// A treaty article reference that cannot be read.
    #[error(
        "treaty article {given:?} is not valid: write it as the IRS tables do, such as \"12(1)\" or \"12(2)(a)\""
    )]
    InvalidArticle {
        /// The text that was given.
        given: String,
    },
    /// A treaty table that breaks a table rule.
    #[error("the treaty table is not valid: {reason}")]
    InvalidTreatyTable {
        /// What is wrong with it.
        reason: String,
    },
    /// A sale amount outside what withholding accepts.
    #[error("sale amount {amount} is not valid: {reason}")]
    InvalidSale {
        /// The amount as given.
        amount: String,
        /// What is wrong with it.
        reason: Cow<'static, str>,
    },
    /// An information return was asked for an amount not in US dollars.
    #[error(
        "amount {amount} is not in US dollars: information returns are reported in USD; convert the payment first (rules TAX-10, PAY-10)"
    )]
    NotUsd {
        /// The amount as given.
        amount: String,
    },
    /// Reporting rules that cannot be applied.
    #[error("the reporting rules are not valid: {reason}")]
    InvalidReportingRules {
        /// What is wrong with them.
        reason: String,
    },
    /// A core value (name, country, amount) was invalid, or an amount left its range.
    #[error(transparent)]
    Value {
        /// The core error, written under `"error"` with its own code.
        #[from]
        error: partnerkit_core::Error,
    },
}
