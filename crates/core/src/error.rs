//! The one error type of `partnerkit-core`.

use std::borrow::Cow;

use crate::money::Currency;

/// Everything that can go wrong when building or combining a core value.
///
/// Every variant names what was wrong and its message says how to fix it. Values that fail
/// validation are never constructed, so a [`crate::Money`], [`crate::EmailAddress`] or
/// [`crate::CountryCode`] you hold is always valid.
///
/// Serialised with a stable machine-readable `code` (the variant's name in snake case, also
/// given by [`Error::code`]) next to the variant's fields:
/// `{"code": "unknown_country", "given": "XX"}`.
///
/// Another error enum tagged by `"code"` cannot inline a core error's fields (its own `"code"`
/// would clash with the tag), so identity, payouts, tax and agreements wrap it as a variant
/// with one field named `error`, and serde writes it nested under `"error"` with its own code;
/// a host's error can do the same:
///
/// ```
/// use partnerkit_core::{CountryCode, Error as CoreError};
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
/// #[serde(tag = "code", rename_all = "snake_case")]
/// enum HostError {
///     #[error(transparent)]
///     Value {
///         #[from]
///         error: CoreError,
///     },
/// }
///
/// let e = HostError::from(CountryCode::new("XX").unwrap_err());
/// let json = serde_json::to_value(&e)?;
/// assert_eq!(json["code"], "value");
/// assert_eq!(json["error"]["code"], "unknown_country");
/// assert_eq!(serde_json::from_value::<HostError>(json)?, e);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[partnerkit_macros::public_error]
pub enum Error {
    /// Two amounts in different currencies were combined.
    #[error(
        "cannot combine an amount in {left} with an amount in {right}: convert one of them first"
    )]
    CurrencyMismatch {
        /// Currency of the left-hand amount.
        left: Currency,
        /// Currency of the right-hand amount.
        right: Currency,
    },
    /// A currency code that is not in ISO 4217.
    #[error(
        "currency {given:?} is not an ISO 4217 code: use three capital letters such as \"USD\" or \"EUR\""
    )]
    UnknownCurrency {
        /// The text that was given.
        given: String,
    },
    /// An ISO 4217 code that ISO has withdrawn, given as new input (stored values in it still
    /// decode; see [`Currency`](crate::Currency)).
    #[error(
        "currency {given:?} was withdrawn from ISO 4217 on {withdrawn}: use {replacement} for new amounts"
    )]
    WithdrawnCurrency {
        /// The code that was given.
        given: String,
        /// The date ISO 4217 withdrew it (YYYY-MM-DD).
        withdrawn: Cow<'static, str>,
        /// The code that replaced it.
        replacement: Cow<'static, str>,
    },
    /// A country code that is not in ISO 3166-1 alpha-2.
    #[error(
        "country {given:?} is not an ISO 3166-1 alpha-2 code: use two capital letters such as \"US\" or \"SE\""
    )]
    UnknownCountry {
        /// The text that was given.
        given: String,
    },
    /// An amount could not be read.
    #[error("amount {given:?} is not a decimal amount with a currency: write it as \"12.34 USD\"")]
    InvalidAmount {
        /// The text that was given.
        given: String,
    },
    /// Arithmetic on amounts left the representable range.
    #[error("{operation} overflowed the decimal range: the amounts are too large")]
    Overflow {
        /// The operation that overflowed.
        operation: Cow<'static, str>,
    },
    /// An amount has more decimals than its currency's minor unit where whole minor units are needed.
    #[error(
        "amount {amount} has more decimals than {currency} allows ({scale}): round it first with Money::round"
    )]
    NotInMinorUnits {
        /// The amount as given.
        amount: String,
        /// Its currency.
        currency: Currency,
        /// How many decimals the currency allows.
        scale: u32,
    },
    /// An amount given as text or JSON has more decimals than its currency's minor unit
    /// (`"12.345 USD"`: the US dollar has cents, two decimals). Amounts a person or a host
    /// supplies are whole minor units; only computed intermediates carry more.
    #[error(
        "amount {given:?} has {decimals} decimals, but {currency} has {scale}: give at most {scale} decimals"
    )]
    TooManyDecimals {
        /// The amount as given (clipped).
        given: String,
        /// Its currency.
        currency: Currency,
        /// How many significant decimals it has (trailing zeros not counted).
        decimals: u32,
        /// How many decimals the currency's minor unit has.
        scale: u32,
    },
    /// An allocation was asked for with no parts or with weights that sum to zero.
    #[error(
        "cannot split an amount into {parts} parts whose weights sum to zero: give at least one non-zero weight"
    )]
    EmptySplit {
        /// How many parts were asked for.
        parts: usize,
    },
    /// An amount was to be split into more parts than allowed.
    #[error("cannot split an amount into {parts} parts: at most {max} are allowed")]
    TooManyParts {
        /// How many parts were asked for.
        parts: usize,
        /// The most parts allowed.
        max: usize,
    },
    /// A total that [`largest_remainder`](crate::largest_remainder) cannot reach by rounding
    /// each exact share down or up.
    #[error(
        "cannot allocate {total} units: rounding each exact share down or up gives {lowest} to {highest}; give the exact shares' sum rounded to a whole unit"
    )]
    UnreachableTotal {
        /// The total asked for, in units.
        total: String,
        /// Every share rounded down, summed.
        lowest: String,
        /// Every share rounded up, summed.
        highest: String,
    },
    /// An email address that does not follow RFC 5321/5322.
    #[error("email address {given:?} is not valid ({reason}): write it as name@example.com")]
    InvalidEmail {
        /// The text that was given.
        given: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A domain name that is not valid, in Unicode or in its ASCII (`xn--`) form.
    #[error("domain name {given:?} is not valid: {reason}")]
    InvalidDomain {
        /// The text that was given (cut to 300 characters).
        given: String,
        /// What is wrong and what to do.
        reason: Cow<'static, str>,
    },
    /// A phone number that is not in E.164 form.
    #[error(
        "phone number {given:?} is not valid ({reason}): write it in E.164 form, \"+\" then the country code and number, such as +14255550100"
    )]
    InvalidPhone {
        /// The text that was given.
        given: String,
        /// What is wrong with it.
        reason: Cow<'static, str>,
    },
    /// A text field is empty, too long or holds control characters.
    #[error("{field} is not valid: {reason}")]
    InvalidText {
        /// Which field.
        field: Cow<'static, str>,
        /// What is wrong with it.
        reason: String,
    },
    /// A postal code that does not fit its country's format.
    #[error("postal code {given:?} is not valid for {country}: {expected}")]
    InvalidPostalCode {
        /// The text that was given.
        given: String,
        /// The address's country.
        country: String,
        /// What the country's format is.
        expected: Cow<'static, str>,
    },
    /// A URL that is not absolute, cannot be parsed or is too long.
    #[error("URL {given:?} is not valid: {reason}")]
    InvalidUrl {
        /// The text that was given (cut to 300 characters).
        given: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An id that could not be read.
    #[error("{kind} {given:?} is not valid: {expected}")]
    InvalidId {
        /// Which kind of id.
        kind: Cow<'static, str>,
        /// The text that was given.
        given: String,
        /// What an id of this kind looks like.
        expected: Cow<'static, str>,
    },
    /// A command needs secure randomness but its context has none.
    #[error(
        "this command makes a secret and needs secure randomness: give the context a random source with Context::with_rng, such as OsRandom"
    )]
    NoRandomness,
    /// The secure random source failed.
    #[error(
        "the secure random source failed ({reason}): check the host's random number generator and retry"
    )]
    RandomnessFailed {
        /// What went wrong.
        reason: String,
    },
    /// A stored password hash that is not an acceptable Argon2id PHC string.
    #[error("password hash is not valid: {reason}; store only hashes made by PasswordHash::hash")]
    InvalidPasswordHash {
        /// What is wrong with it.
        reason: String,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Cuts user input to at most `max` characters for inclusion in an error message, so a
/// megabyte of bad input never becomes a megabyte of error.
pub fn clip(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}
