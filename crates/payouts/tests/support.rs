//! Shared builders for the tests.

use chrono::{DateTime, NaiveDate, Utc};
use partnerkit_core::testing::{at, id};
use partnerkit_core::{
    AccountId, Actor, CountryCode, Currency, DisplayName, OwnerAccountId, PayoutAccountId,
    PhoneNumber, PostalAddress,
};
use partnerkit_payouts::{
    BankAccountNumber, BankAccountType, BankDetails, CarryOver, Event, LedgerEntry,
    NewPayoutAccount, PayoutMethod, PayoutMonth, PayoutPolicy, Registration, RevenueSource,
};

pub(crate) fn account() -> AccountId {
    id(1)
}

pub(crate) fn owner() -> OwnerAccountId {
    id(2)
}

pub(crate) fn by_owner() -> Actor {
    Actor::OwnerAccount { owner: owner() }
}

pub(crate) fn month(s: &str) -> PayoutMonth {
    s.parse().unwrap()
}

pub(crate) fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

pub(crate) fn set_up_event(country: CountryCode, currency: Currency) -> Event {
    Event::SetUp {
        registration: Registration {
            account: account(),
            country,
            currency,
        },
    }
}

pub(crate) fn us_address() -> PostalAddress {
    PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
        .region("WA")
        .postal_code("98052")
        .build()
        .unwrap()
}

pub(crate) fn bank_details(routing: &str, address: PostalAddress) -> BankDetails {
    BankDetails {
        account_type: BankAccountType::Checking,
        holder: DisplayName::new("Contoso Apps LLC").unwrap(),
        account_number: BankAccountNumber::new("000123456789").unwrap(),
        routing_number: routing.into(),
        billing_address: address,
        phone: PhoneNumber::new("+1 425 555 0100").unwrap(),
    }
}

pub(crate) fn us_bank() -> NewPayoutAccount {
    NewPayoutAccount::bank(bank_details("021000021", us_address())).unwrap()
}

pub(crate) fn us_bank_method() -> PayoutMethod {
    us_bank().method().clone()
}

/// A US profile in USD with its owner account associated.
pub(crate) fn with_owner() -> Vec<Event> {
    vec![
        set_up_event(CountryCode::US, Currency::USD),
        Event::OwnerAccountAssociated { owner: owner() },
    ]
}

/// A US profile with a bank account set on `set` and verified on `verified`.
pub(crate) fn verified_at(set: DateTime<Utc>, verified: DateTime<Utc>) -> Vec<Event> {
    let mut e = with_owner();
    e.push(Event::PayoutAccountSet {
        payout_account: id::<PayoutAccountId>(10),
        method: us_bank_method(),
        at: set,
    });
    e.push(Event::PayoutAccountVerified {
        payout_account: id(10),
        at: verified,
    });
    e
}

/// A profile verified since January 2027.
pub(crate) fn verified() -> Vec<Event> {
    verified_at(at(2027, 1, 5, 12, 0, 0), at(2027, 1, 9, 12, 0, 0))
}

pub(crate) fn src(s: &str) -> RevenueSource {
    RevenueSource::new(s).unwrap()
}

/// An entry of `amount` (in USD unless a currency is given), sold in Germany.
pub(crate) fn entry(source: &str, amount: &str, earned: NaiveDate) -> LedgerEntry {
    let amount = if amount.contains(' ') {
        amount.to_owned()
    } else {
        format!("{amount} USD")
    };
    LedgerEntry::new(
        src(source),
        amount.parse().unwrap(),
        earned,
        CountryCode::DE,
        &PayoutPolicy::default(),
    )
    .unwrap()
}

pub(crate) fn zero() -> CarryOver {
    CarryOver::zero(Currency::USD)
}

/// A Swedish bank account: an IBAN (the IBAN registry's example for Sweden) at SEB.
pub(crate) fn se_bank_details(address: PostalAddress) -> BankDetails {
    BankDetails {
        account_number: BankAccountNumber::new("SE45 5000 0000 0583 9825 7466").unwrap(),
        ..bank_details("ESSESESS", address)
    }
}
