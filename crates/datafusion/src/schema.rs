//! The Arrow schemas of the run's tables: what a host registers (ledger, accounts, rates) and
//! what the run writes (statements, year-end returns, forms, failures).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};

/// Column names, shared by the schemas, the readers and the writers.
pub mod col {
    /// The account: its UUID's 16 bytes (`FixedSizeBinary(16)`), in every table.
    pub const ACCOUNT: &str = "account";
    /// Ledger: the entry's id, unique in the ledger; the order of an account's entries.
    pub const ENTRY: &str = "entry";
    /// Ledger: the amount in minor units of `currency`; negative for a refund.
    pub const AMOUNT: &str = "amount_minor";
    /// Ledger, rates, outputs: an ISO 4217 code such as `USD`.
    pub const CURRENCY: &str = "currency";
    /// Ledger: the day the amount was earned.
    pub const EARNED_ON: &str = "earned_on";
    /// Ledger: the ISO 3166-1 alpha-2 country of the sale.
    pub const COUNTRY: &str = "country_of_sale";
    /// Ledger: the revenue source (program), such as `app_sales`.
    pub const SOURCE: &str = "revenue_source";
    /// Ledger: for a refund, the entry it refunds (informational; the refund's own amount is
    /// what counts).
    pub const REFUND_OF: &str = "refund_of";
    /// Accounts: the account's events, a JSON array in the facade's public format
    /// ([`AccountEvent`](partnerkit::AccountEvent)): registration, payout accounts and their
    /// verification, hold toggles, tax profile and forms.
    pub const EVENTS: &str = "events";
    /// Accounts: the balance carried in to the run's month, JSON
    /// ([`CarryOver`](partnerkit::payouts::CarryOver)); null for nothing carried.
    pub const CARRIED_IN: &str = "carried_in";
    /// Rates: the currency converted from.
    pub const FROM: &str = "from_currency";
    /// Rates: the currency converted to.
    pub const TO: &str = "to_currency";
    /// Rates, statements: a payout month, `YYYY-MM`.
    pub const MONTH: &str = "month";
    /// Rates: the rate, an exact decimal string such as `1.0712`.
    pub const RATE: &str = "rate";
}

fn account_field() -> Field {
    Field::new(col::ACCOUNT, DataType::FixedSizeBinary(16), false)
}

/// The ledger: one row per entry.
///
/// | column | type | |
/// |---|---|---|
/// | `account` | `FixedSizeBinary(16)` | the account's UUID |
/// | `entry` | `Int64` | unique; an account's entries are taken in this order |
/// | `amount_minor` | `Int64` | minor units of `currency`, negative for a refund |
/// | `currency` | `Utf8` | ISO 4217 |
/// | `earned_on` | `Date32` | |
/// | `country_of_sale` | `Utf8` | ISO 3166-1 alpha-2 |
/// | `revenue_source` | `Utf8` | `app_sales`, `ea_usage`, … |
/// | `refund_of` | `Int64`, nullable | the entry refunded |
pub fn ledger() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(vec![
            account_field(),
            Field::new(col::ENTRY, DataType::Int64, false),
            Field::new(col::AMOUNT, DataType::Int64, false),
            Field::new(col::CURRENCY, DataType::Utf8, false),
            Field::new(col::EARNED_ON, DataType::Date32, false),
            Field::new(col::COUNTRY, DataType::Utf8, false),
            Field::new(col::SOURCE, DataType::Utf8, false),
            Field::new(col::REFUND_OF, DataType::Int64, true),
        ]))
    });
    SCHEMA.clone()
}

/// The accounts: one row per account — its events (payout profile and tax profile) and what
/// was carried in to the month.
pub fn accounts() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(vec![
            account_field(),
            Field::new(col::EVENTS, DataType::Utf8, false),
            Field::new(col::CARRIED_IN, DataType::Utf8, true),
        ]))
    });
    SCHEMA.clone()
}

/// The host's exchange rates: one row per currency pair and month.
pub fn rates() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(vec![
            Field::new(col::FROM, DataType::Utf8, false),
            Field::new(col::TO, DataType::Utf8, false),
            Field::new(col::MONTH, DataType::Utf8, false),
            Field::new(col::RATE, DataType::Utf8, false),
        ]))
    });
    SCHEMA.clone()
}

/// The month's statements: one row per account, amounts in minor units of `currency` (the
/// payout currency), as [`Statement`](partnerkit::payouts::Statement) has them.
///
/// `statement` is the whole statement as JSON (its lines, conversions and pending amounts)
/// when [`RunOptions::statement_json`](crate::RunOptions::statement_json) is on.
pub fn statements() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        let money = |name: &str| Field::new(name, DataType::Int64, false);
        Arc::new(Schema::new(vec![
            account_field(),
            Field::new(col::MONTH, DataType::Utf8, false),
            Field::new(col::CURRENCY, DataType::Utf8, false),
            Field::new("entries", DataType::Int64, false),
            money("earned"),
            money("withheld"),
            money("not_yet_payable"),
            money("became_payable"),
            money("carried_in"),
            money("due"),
            money("recouped"),
            Field::new("outcome", DataType::Utf8, false),
            money("paid"),
            Field::new("payment_date", DataType::Date32, true),
            Field::new("held", DataType::Boolean, false),
            money("below_threshold"),
            money("carried_out"),
            money("pending_out"),
            Field::new("conversions", DataType::Int64, false),
            Field::new("statement", DataType::Utf8, true),
        ]))
    });
    SCHEMA.clone()
}

/// The year's returns per account: the totals the forms reconcile to, and the whole
/// [`YearEndReturns`](partnerkit::tax::YearEndReturns) as JSON when
/// [`RunOptions::statement_json`](crate::RunOptions::statement_json) is on.
pub fn year_end() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(vec![
            account_field(),
            Field::new("tax_year", DataType::Int32, false),
            Field::new("entries", DataType::Int64, false),
            Field::new("paid_gross", DataType::Int64, false),
            Field::new("paid_withheld", DataType::Int64, false),
            Field::new("forms_1042s", DataType::Int64, false),
            Field::new("forms_1099", DataType::Int64, false),
            Field::new("not_reported_gross", DataType::Int64, false),
            Field::new("returns", DataType::Utf8, true),
        ]))
    });
    SCHEMA.clone()
}

/// The year's forms, one row per Form 1042-S or 1099, amounts in US cents.
///
/// `form` is `1042-S` or the 1099's kind (`1099-MISC`, `1099-K`); `income_code`, `chapter`,
/// `exemption_code` and `rate` are the 1042-S's (null on a 1099); `required` is the 1099's
/// (always true on a 1042-S).
pub fn forms() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(vec![
            account_field(),
            Field::new("tax_year", DataType::Int32, false),
            Field::new("form", DataType::Utf8, false),
            Field::new("income_code", DataType::Int32, true),
            Field::new("chapter", DataType::Int32, true),
            Field::new("exemption_code", DataType::Utf8, true),
            Field::new("rate", DataType::Utf8, true),
            Field::new("gross", DataType::Int64, false),
            Field::new("withheld", DataType::Int64, false),
            Field::new("sales", DataType::Int64, false),
            Field::new("required", DataType::Boolean, false),
            Field::new("furnish_by", DataType::Date32, false),
        ]))
    });
    SCHEMA.clone()
}

/// Accounts the rules refused, one row each: the domain error's stable code and message
/// (a missing exchange rate, withholding in a currency other than US dollars, an account
/// in the ledger with no row in `accounts`, …). The other accounts' results are unaffected.
pub fn failures() -> SchemaRef {
    static SCHEMA: LazyLock<SchemaRef> = LazyLock::new(|| {
        Arc::new(Schema::new(vec![
            account_field(),
            Field::new("code", DataType::Utf8, false),
            Field::new("message", DataType::Utf8, false),
        ]))
    });
    SCHEMA.clone()
}
