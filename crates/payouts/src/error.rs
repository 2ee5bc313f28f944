//! The one error type of `partnerkit-payouts`.

use chrono::NaiveDate;
use partnerkit_core::{AccountId, CountryCode, Currency, OwnerAccountId, PayoutAccountId};

use crate::method::MethodKind;
use crate::month::PayoutMonth;

/// Everything a payout command or computation can refuse.
///
/// Variants name what went wrong; where a rule was broken the message names it, and every
/// message says what to do. A refused command changes nothing (rule X-3).
///
/// Serialised with a stable machine-readable `code` (the variant's name in snake case, also
/// given by [`Error::code`]) next to the variant's fields, such as
/// `{"code": "not_owner_account"}` or `{"code": "wrong_country", "payout": "SE",
/// "registration": "US"}`; a core value error is `{"code": "value", "error": {…}}` with the
/// core error's own code inside.
#[partnerkit_core::public_error]
pub enum Error {
    /// A core value (email, phone, address, money, …) was invalid.
    #[error(transparent)]
    Value {
        /// The core error, written under `"error"` with its own code.
        #[from]
        error: partnerkit_core::Error,
    },

    /// The payout profile has not been set up with its registration country and currency.
    #[error(
        "the payout profile is not set up: record the account's registration country and payout currency first (rule PAY-3)"
    )]
    NotSetUp,

    /// The payout profile was already set up; registration data cannot be changed here.
    #[error(
        "the payout profile is already set up for account {account} in {country}: registration data cannot be changed"
    )]
    AlreadySetUp {
        /// The account the profile belongs to.
        account: AccountId,
        /// Its registration country.
        country: CountryCode,
    },

    /// The payout profile is closed: nothing can be changed any more.
    #[error("the payout profile is closed: no payout setting can be changed (rule X-3)")]
    Closed,

    /// The owner account is already associated with another marketplace account.
    #[error(
        "owner account {owner} is already associated with marketplace account {other}: sign in with another Microsoft account (rule PAY-1)"
    )]
    OwnerAccountTaken {
        /// The owner account.
        owner: OwnerAccountId,
        /// The marketplace account it already belongs to.
        other: AccountId,
    },

    /// An owner-account check was made for another marketplace account than this profile's.
    #[error(
        "the owner-account check was made for account {checked}, not for this profile's account {profile}: check again for the right account (rule PAY-1)"
    )]
    OwnerCheckForOtherAccount {
        /// The account the check was made for.
        checked: AccountId,
        /// This profile's account.
        profile: AccountId,
    },

    /// The profile already has an owner account.
    #[error(
        "owner account {owner} is already associated with this account: an account has one owner account (rule PAY-1)"
    )]
    OwnerAccountAlreadyAssociated {
        /// The associated owner account.
        owner: OwnerAccountId,
    },

    /// Payout setup was attempted before an owner account was associated.
    #[error(
        "no owner account is associated: associate the owner (Microsoft) account before setting up payouts (rule PAY-1)"
    )]
    NoOwnerAccount,

    /// A payout setting was changed by someone other than the associated owner account.
    #[error(
        "payout settings are changed only signed in with the associated owner account itself, not a work account holding Owner, another owner account or the marketplace (rule PAY-1)"
    )]
    NotOwnerAccount,

    /// A routing number is not valid for its country's scheme.
    #[error("routing number is not valid for {country}: {reason} (rules PAY-2, PAY-11)")]
    InvalidRoutingNumber {
        /// The bank's country.
        country: CountryCode,
        /// What is wrong with it.
        reason: String,
    },

    /// A bank account number is not valid. The number itself is never repeated (rule X-4).
    #[error("bank account number is not valid: {reason} (rules PAY-2, PAY-11)")]
    InvalidAccountNumber {
        /// What is wrong with it.
        reason: String,
    },

    /// PayPal is not offered in the payout account's market.
    #[error(
        "PayPal is not offered as a payout method in {country}: use a bank account (rule PAY-2)"
    )]
    #[serde(rename = "paypal_not_supported")]
    #[strum(serialize = "paypal_not_supported")]
    PayPalNotSupported {
        /// The market.
        country: CountryCode,
    },

    /// The payout account is in another country than the account's registration.
    #[error(
        "the payout account is in {payout} but the account is registered in {registration}: use a payout account in {registration} (rule PAY-3)"
    )]
    WrongCountry {
        /// The payout account's country.
        payout: CountryCode,
        /// The registration country.
        registration: CountryCode,
    },

    /// A verification outcome names a payout account that is not the current one.
    #[error(
        "payout account {payout_account} is not the current payout account: record verification for the current one (rule PAY-4)"
    )]
    NotCurrentPayoutAccount {
        /// The payout account named.
        payout_account: PayoutAccountId,
    },

    /// The payout account's verification was already decided.
    #[error(
        "payout account {payout_account} was already verified or rejected: set a new payout account to verify again (rule PAY-4)"
    )]
    VerificationAlreadyDecided {
        /// The payout account.
        payout_account: PayoutAccountId,
    },

    /// Only the marketplace records registration data, associates an owner account and
    /// records verification outcomes.
    #[error(
        "only the marketplace records registration data, associates an owner account with an account that has none (rule PAY-1) and records the verification of a payout account (rule PAY-4)"
    )]
    NotMarketplace,

    /// An amount is in another currency than expected.
    #[error(
        "amount in {found} where {expected} was expected: ledger entries must be in the account's payout currency (rule PAY-8)"
    )]
    CurrencyMismatch {
        /// The currency expected (the account's payout currency).
        expected: Currency,
        /// The currency found.
        found: Currency,
    },

    /// An amount has fractions of the currency's minor unit.
    #[error(
        "amount {amount} is not in whole minor units of its currency: round it with a named Rounding first (rule PAY-9)"
    )]
    NotInMinorUnits {
        /// The amount as given.
        amount: String,
    },

    /// A withheld amount is larger than, or of another sign than, the entry's amount.
    #[error(
        "withheld amount {withheld} does not fit entry amount {amount}: it must have the same sign and be no larger (rule PAY-9)"
    )]
    WithheldExceedsAmount {
        /// The entry's amount.
        amount: String,
        /// The withheld amount.
        withheld: String,
    },

    /// A sum left the range of 64-bit minor units.
    #[error("{what} overflowed 64-bit minor units: split the ledger or check the amounts")]
    Overflow {
        /// The sum that overflowed.
        what: String,
    },

    /// No payment threshold of the policy matches the payout method, country and currency.
    #[error(
        "the payout policy has no payment threshold in {currency} for {method:?} in {country}: add one to the policy (rule PAY-8)"
    )]
    NoThreshold {
        /// The payout method.
        method: MethodKind,
        /// The payout account's country.
        country: CountryCode,
        /// The payout currency.
        currency: Currency,
    },

    /// A payout month that could not be read.
    #[error("payout month {given:?} is not valid: write it as YYYY-MM, such as 2027-04")]
    InvalidMonth {
        /// The text that was given.
        given: String,
    },

    /// A ledger entry whose payable month is not the one its date and the payout policy give:
    /// before the month it was earned (`policy_says` is `None`), or another policy's month.
    #[error("{}", entry_month_message(*earned_on, *payable_in, *policy_says))]
    EntryMonth {
        /// The day the entry was earned.
        earned_on: NaiveDate,
        /// The month the entry says it is payable in.
        payable_in: PayoutMonth,
        /// The month the policy in use gives, when the entry was checked against one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        policy_says: Option<PayoutMonth>,
    },

    /// A month before 0001-01 or after 9999-12 (the range `YYYY-MM` can write).
    #[error(
        "{given} is outside the payout months 0001-01 to 9999-12: check the date or the month arithmetic"
    )]
    MonthOutOfRange {
        /// The date, month or arithmetic that left the range.
        given: String,
    },

    /// An instant whose payout month cannot be told in every payout time zone.
    #[error(
        "instant {at} is outside the years 1 to 9999 in some payout time zone: check the host's clock"
    )]
    InstantOutOfRange {
        /// The instant.
        at: String,
    },

    /// A part of a batch fold that does not exist.
    #[error(
        "part {part} of {parts} does not exist: ask for parts 0 to parts − 1, with at least one part"
    )]
    InvalidBatchPart {
        /// The part asked for.
        part: u64,
        /// The number of parts.
        parts: u64,
    },

    /// A converted entry was pushed into a [`LedgerBatch`](crate::LedgerBatch).
    #[error(
        "an entry converted from {from} to {to} cannot go into a ledger batch, which folds entries already in the payout currency: fold it with StatementFold (rule PAY-10)"
    )]
    ConvertedEntryInBatch {
        /// The sale's currency.
        from: Currency,
        /// The payout currency.
        to: Currency,
    },

    /// The host supplied no exchange rate for a conversion.
    #[error(
        "no exchange rate from {from} to {to} for {month}: supply one through ExchangeRates (rule PAY-10)"
    )]
    NoExchangeRate {
        /// The sale's currency.
        from: Currency,
        /// The payout currency.
        to: Currency,
        /// The month the sale was earned.
        month: PayoutMonth,
    },

    /// An exchange rate that is not valid.
    #[error("exchange rate {given:?} is not valid: {reason} (rule PAY-10)")]
    InvalidRate {
        /// The rate as given.
        given: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A payout policy value is out of range.
    #[error("payout policy is not valid: {reason}")]
    InvalidPolicy {
        /// What is wrong.
        reason: String,
    },

    /// A revenue source name is not valid.
    #[error(
        "revenue source {given:?} is not valid: use 1 to 64 lower-case letters, digits, '_', '-' or '.'"
    )]
    InvalidRevenueSource {
        /// The text that was given.
        given: String,
    },

    /// A statement was asked for with terms of another month or currency than the fold's.
    #[error(
        "the partial results are for {found} but the cycle is {expected}: fold the ledger of this cycle (rule PAY-5)"
    )]
    CycleMismatch {
        /// The cycle expected.
        expected: PayoutMonth,
        /// The cycle found.
        found: PayoutMonth,
    },

    /// An account slot that the batch does not hold.
    #[error("account slot {slot} is not in this batch: intern the account first")]
    UnknownSlot {
        /// The slot asked for.
        slot: u32,
    },

    /// Partial results over different account tables cannot be merged.
    #[error("partial results cover different account tables: fold parts of the same LedgerBatch")]
    BatchMismatch,
}

/// The message of [`Error::EntryMonth`].
fn entry_month_message(
    earned_on: NaiveDate,
    payable_in: PayoutMonth,
    policy_says: Option<PayoutMonth>,
) -> String {
    match policy_says {
        Some(month) => format!(
            "an entry earned on {earned_on} is payable in {payable_in}, not {month} as the payout policy in use says: build ledger entries with that policy (LedgerEntry::new with the service's settings.policy)"
        ),
        None => format!(
            "an entry earned on {earned_on} cannot be payable in {payable_in}, before the month it was earned: give the month the payout policy gives its date"
        ),
    }
}
