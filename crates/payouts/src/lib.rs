//! When money is paid or held: payout accounts, monthly cycles, the payout hold, thresholds and statements that explain every cent.
//!
//! ```
//! use chrono::{NaiveDate, TimeZone, Utc};
//! use partnerkit_core::{
//!     AccountId, Actor, Context, CountryCode, Currency, Decider, DisplayName, OwnerAccountId,
//!     PhoneNumber, PostalAddress, SequentialIds,
//! };
//! use partnerkit_payouts::*;
//!
//! let ids = SequentialIds::default();
//! let account = AccountId::from_uuid(uuid::Uuid::from_u128(1));
//! let owner = OwnerAccountId::from_uuid(uuid::Uuid::from_u128(2));
//! let at = |m, d| Utc.with_ymd_and_hms(2027, m, d, 12, 0, 0).unwrap();
//! let by_owner = Actor::OwnerAccount { owner };
//! let mut profile = PayoutProfile::default();
//!
//! // The marketplace records registration data, then associates the owner account (rule
//! // PAY-1), checked against the host's registry.
//! let setup = Command::SetUp { account, country: CountryCode::US, currency: Currency::USD };
//! Payouts::execute(&mut profile, setup, &Context::new(at(1, 5), Actor::Marketplace, &ids))?;
//! struct NoOtherAccount;
//! impl OwnerAccountRegistry for NoOtherAccount {
//!     fn associated_account(&self, _: OwnerAccountId) -> Option<AccountId> { None }
//! }
//! let check = check_owner_account(&NoOtherAccount, owner, account)?;
//! let by_marketplace = Context::new(at(1, 5), Actor::Marketplace, &ids);
//! Payouts::execute(&mut profile, Command::AssociateOwnerAccount { check }, &by_marketplace)?;
//!
//! // Payout settings are changed by the owner account itself, nobody else (rule PAY-1).
//! let ctx = Context::new(at(1, 5), by_owner, &ids);
//!
//! // A US bank account (rules PAY-2, PAY-3); the account number is stored masked (rule X-4).
//! let bank = NewPayoutAccount::bank(BankDetails {
//!     account_type: BankAccountType::Checking,
//!     holder: DisplayName::new("Contoso Apps LLC")?,
//!     account_number: BankAccountNumber::new("000123456789")?,
//!     routing_number: "021000021".into(),
//!     billing_address: PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
//!         .region("WA").postal_code("98052").build()?,
//!     phone: PhoneNumber::new("+1 425 555 0100")?,
//! })?;
//! let set = Command::SetPayoutAccount { account: bank, payout_account: None };
//! let events = Payouts::execute(&mut profile, set, &ctx)?;
//! let Event::PayoutAccountSet { payout_account, .. } = events[0].clone() else { unreachable!() };
//! let verify = Command::RecordVerification { payout_account, outcome: VerificationOutcome::Verified };
//! Payouts::execute(&mut profile, verify, &Context::new(at(1, 9), Actor::Marketplace, &ids))?;
//!
//! // Hold turned on in March: April's payout is held (rule PAY-6).
//! let hold = Command::SetHold { on: true };
//! Payouts::execute(&mut profile, hold, &Context::new(at(3, 20), by_owner, &ids))?;
//! let policy = PayoutPolicy::default();
//! let april: PayoutMonth = "2027-04".parse()?;
//! assert!(profile.hold_status(april, policy.time_zone())?.held);
//!
//! // March's revenue is due in April; the statement explains every cent (rule PAY-9).
//! let mut fold = StatementFold::default();
//! let sale = LedgerEntry::new(
//!     RevenueSource::new(RevenueSource::APP_SALES)?,
//!     "120.00 USD".parse()?,
//!     NaiveDate::from_ymd_opt(2027, 3, 10).unwrap(),
//!     CountryCode::DE,
//!     &policy,
//! )?;
//! fold.add(&sale)?;
//! let terms = profile.cycle_terms(april, &policy)?;
//! let statement = fold.finish(&terms, &CarryOver::zero(Currency::USD))?;
//! assert_eq!(statement.outcome, Outcome::Held);
//! assert_eq!(statement.paid.to_string(), "0.00 USD");
//! assert_eq!(statement.carried_out.balance.to_string(), "120.00 USD"); // nothing lost
//! assert!(statement.balances());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! Part of `partnerkit`. This crate is pure: it performs no I/O,
//! reads no clock and draws no randomness; time, ids and the actor arrive in a
//! [`Context`](partnerkit_core::Context) (rule X-5).
//!
//! - **The payout profile** ([`Payouts`], a [`Decider`](partnerkit_core::Decider) over
//!   [`PayoutProfile`] with [`Command`], [`Event`] and [`Error`]): registration country and
//!   currency, the owner account, payout accounts and their verification, the hold toggle.
//! - **Cycles and the hold** ([`PayoutMonth`], [`PayoutTimeZone`], [`hold_status`]): monthly
//!   cycles; whether a month's payout is held, and why.
//! - **Ledger and statements** ([`LedgerEntry`], [`StatementFold`], [`Statement`],
//!   [`CarryOver`]; [`LedgerBatch`] and [`BatchFold`] for many accounts at once).
//! - **Data** ([`PayoutPolicy`]): thresholds, PayPal markets, program lags, payment day and time
//!   zone, with their source and date; the host overrides any of it.
//!
//! # Owner account and payout account
//!
//! Payouts need an owner account (MSA) first, which may belong to one marketplace account only
//! (rule PAY-1): the host implements [`OwnerAccountRegistry`] over its storage,
//! [`check_owner_account`] asks it, and the resulting [`OwnerAccountCheck`] goes into
//! [`Command::AssociateOwnerAccount`], so `decide` stays pure. Only the marketplace associates
//! an owner account, and only with a profile that has none: an owner account can never make
//! itself an account's owner. The owner account is kept here, in the payout profile, and
//! nowhere else ([`PayoutProfile::owner`]).
//!
//! Payout settings — the payout account, the hold, closing the profile — are changed only by
//! [`Actor::OwnerAccount`](partnerkit_core::Actor::OwnerAccount) of that owner: not by a work
//! account holding the Owner role, not by the marketplace. `decide` checks who asks before
//! anything else, so an actor who may not ask learns nothing about the input or the profile
//! (rules PAY-1, X-2).
//!
//! A payout account is a bank account (checking or savings, holder, account number, routing
//! number — ABA checksum for the US —, billing address, phone) or PayPal where offered
//! (rule PAY-2, [`NewPayoutAccount`]), in the registration country (rule PAY-3). The account
//! number arrives as a [`BankAccountNumber`], checked and secret, and is stored only
//! [`Masked`](partnerkit_core::Masked) (rule X-4). Every new or changed payout account awaits
//! the marketplace's verification ([`Command::RecordVerification`]); until it is verified,
//! payments are delayed and carried over in full (rule PAY-4).
//!
//! # Cycles and the payout hold
//!
//! Payouts are monthly (rule PAY-5), sent by the policy's payment day (the 15th). The hold
//! toggle's state at the end of month M−1, in the payout time zone (US Pacific by default),
//! decides month M (rule PAY-6): turn it on before the end of March to hold April; turn it off
//! before the end of May to be paid in June. A toggle at 2027-04-01T03:00Z is still March in
//! Redmond. The hold covers every revenue source (rule PAY-7).
//!
//! # Statements
//!
//! Ledger entries (source, amount, currency, date earned, country of sale; refunds negative;
//! the withheld amount joined in from the tax crate by the facade) are folded with
//! [`StatementFold`] and finished with the cycle's [`CycleTerms`] and the previous cycle's
//! [`CarryOver`] into a [`Statement`] (rules PAY-8, PAY-9): program lags, recoup of negative
//! balances, thresholds, the hold and verification, the payment date, and a line per reason.
//! Across any sequence of cycles, everything paid plus what is still owed equals everything
//! earned minus withheld, to the cent.
//!
//! Which cycle's statement records an entry is decided here, once:
//! [`PayoutPolicy::cycle_of`] (the month after the month earned). For a run of months,
//! [`PayoutProfile::statements`] assigns every entry to its cycle in one pass over the ledger
//! and chains the carry-over ([`PayoutProfile::statements_converted`] for sales in other
//! currencies).
//!
//! # Currencies and banks
//!
//! Sales in any currency are converted to the payout currency at the rate the host supplies
//! for the currency and the month earned ([`ExchangeRates`], [`FixedRates`],
//! [`LedgerEntry::convert`]); a statement sums each currency's sales exactly and converts
//! each line once ([`CONVERSION_ROUNDING`]), and shows the original amount, the rate and the
//! converted amount ([`ConversionLine`]). Thresholds are per currency: a row in the payout
//! currency, or a row in another currency converted at the month's rate
//! ([`PayoutPolicy::threshold_converted`]) (rule PAY-10). Bank details are checked by their
//! schemes: IBAN checksum and country format, BIC structure and country, ABA checksum and
//! Federal Reserve prefix ([`BankScheme`], [`RoutingNumber`]; rule PAY-11). Sources of every
//! table are in the crate's `data/` folder, dated.
//!
//! Folds merge: split a month's ledger across threads or partitions, fold each part, merge,
//! and the statement is identical. For many accounts, [`LedgerBatch`] stores entries by column
//! with accounts interned to dense slots, and folds them as plain checked `i64` adds.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![warn(clippy::arithmetic_side_effects)]

mod account_number;
mod bank;
mod batch;
mod command;
mod convert;
mod decide;
mod error;
mod event;
mod exchange;
mod hold;
mod labels;
mod ledger;
mod method;
mod month;
mod notices;
mod policy;
mod state;
mod statement;

/// The README's example, compiled and run as a doctest so that it cannot drift.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

pub use account_number::BankAccountNumber;
pub use bank::{
    ABA_PREFIXES, BankScheme, BbanFormat, SEPA_COUNTRIES, SEPA_TERRITORIES,
    SUPPLEMENTARY_IBAN_FORMATS,
};
pub use batch::{BatchFold, LedgerBatch};
pub use command::{
    Command, OwnerAccountCheck, OwnerAccountRegistry, VerificationOutcome, check_owner_account,
};
pub use convert::{ConvertedLedger, LineKey, convert_ledger};
pub use decide::Payouts;
pub use error::Error;
pub use event::Event;
pub use exchange::{
    CONVERSION_ROUNDING, Conversion, ConversionLine, ExchangeRates, FixedRates, Rate, RateRow,
};
pub use hold::{HoldReason, HoldStatus, HoldToggle, hold_status};
pub use ledger::{LedgerEntry, RevenueSource};
pub use method::{
    BankAccountType, BankDetails, MethodKind, NewPayoutAccount, PayoutMethod, PaypalMarkets,
    RoutingNumber,
};
pub use month::{PayoutMonth, PayoutTimeZone};
pub use notices::{PayoutNotice, notices};
pub use policy::{PayoutPolicy, ProgramLag, ThresholdRule};
pub use state::{PayoutAccount, PayoutProfile, Registration, RejectionReason, Verification};
pub use statement::{
    CarryOver, CycleTerms, LineKind, Outcome, PayoutAccountAtCycle, PendingAmount, Statement,
    StatementFold, StatementLine,
};
