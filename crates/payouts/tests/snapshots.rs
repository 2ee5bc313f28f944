//! The public serde forms: a statement, the events, and error messages (PAY-9, X-1).

use partnerkit_core::testing::{at, id};
use partnerkit_core::{CountryCode, Decider, EmailAddress};
use partnerkit_payouts::{
    CarryOver, Error, Event, NewPayoutAccount, PayoutPolicy, Payouts, PaypalMarkets, PendingAmount,
    RevenueSource, StatementFold,
};

use crate::support::*;

#[test]
fn statement_serde_form() {
    // rule: PAY-9
    let policy = PayoutPolicy::default();
    let mut events = verified();
    events.push(Event::HoldTurnedOn {
        at: at(2027, 3, 31, 20, 0, 0),
    });
    let profile = Payouts::fold(&events);
    let mut fold = StatementFold::default();
    fold.add(
        &entry(RevenueSource::APP_SALES, "100.00", date(2027, 3, 4))
            .with_withheld("30.00 USD".parse().unwrap())
            .unwrap(),
    )
    .unwrap();
    fold.add(&entry(RevenueSource::APP_SALES, "-4.99", date(2027, 3, 9)))
        .unwrap();
    fold.add(&entry(RevenueSource::EA_USAGE, "50.00", date(2027, 3, 9)))
        .unwrap();
    let carried = CarryOver {
        balance: "-10.00 USD".parse().unwrap(),
        pending: vec![PendingAmount {
            payable_in: month("2027-04"),
            amount: "25.00 USD".parse().unwrap(),
        }],
    };
    let terms = profile.cycle_terms(month("2027-04"), &policy).unwrap();
    let s = fold.finish(&terms, &carried).unwrap();
    assert!(s.balances());
    insta::assert_json_snapshot!("statement_held", s);
    let back: partnerkit_payouts::Statement =
        serde_json::from_str(&serde_json::to_string(&s).unwrap()).unwrap();
    assert_eq!(back, s);
}

#[test]
fn event_serde_forms() {
    // rule: X-1
    let email: EmailAddress = "pay@contoso.com".parse().unwrap();
    let paypal = NewPayoutAccount::paypal(email, CountryCode::US, &PaypalMarkets::default())
        .unwrap()
        .method()
        .clone();
    let t = at(2027, 3, 1, 12, 0, 0);
    let events = vec![
        set_up_event(CountryCode::US, partnerkit_core::Currency::USD),
        Event::OwnerAccountAssociated { owner: owner() },
        Event::PayoutAccountSet {
            payout_account: id(10),
            method: us_bank_method(),
            at: t,
        },
        Event::PayoutAccountVerified {
            payout_account: id(10),
            at: t,
        },
        Event::PayoutAccountSet {
            payout_account: id(11),
            method: paypal,
            at: t,
        },
        Event::PayoutAccountRejected {
            payout_account: id(11),
            reason: "email not confirmed".parse().unwrap(),
            at: t,
        },
        Event::HoldTurnedOn { at: t },
        Event::HoldTurnedOff { at: t },
        Event::Closed { at: t },
    ];
    insta::assert_json_snapshot!("events", events);
    for e in &events {
        let back: Event = serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap();
        assert_eq!(&back, e);
    }
}

#[test]
fn error_messages() {
    let msgs: Vec<String> = [
        Error::OwnerAccountTaken {
            owner: owner(),
            other: id(9),
        },
        Error::WrongCountry {
            payout: CountryCode::SE,
            registration: CountryCode::US,
        },
        Error::InvalidRoutingNumber {
            country: CountryCode::US,
            reason: "the ABA checksum does not match".into(),
        },
        Error::Closed,
    ]
    .iter()
    .map(ToString::to_string)
    .collect();
    insta::assert_json_snapshot!(msgs, @r#"
    [
      "owner account 00000000-0000-0000-0000-000000000002 is already associated with marketplace account 00000000-0000-0000-0000-000000000009: sign in with another Microsoft account (rule PAY-1)",
      "the payout account is in SE but the account is registered in US: use a payout account in US (rule PAY-3)",
      "routing number is not valid for US: the ABA checksum does not match (rules PAY-2, PAY-11)",
      "the payout profile is closed: no payout setting can be changed (rule X-3)"
    ]
    "#);
}

fn some_errors() -> Vec<Error> {
    use partnerkit_core::Currency;
    vec![
        Error::Value {
            error: "XX".parse::<CountryCode>().unwrap_err(),
        },
        Error::NotOwnerAccount,
        Error::WrongCountry {
            payout: CountryCode::SE,
            registration: CountryCode::US,
        },
        Error::NoExchangeRate {
            from: Currency::EUR,
            to: Currency::USD,
            month: month("2027-03"),
        },
        Error::PayPalNotSupported {
            country: CountryCode::IN,
        },
        Error::NoThreshold {
            method: partnerkit_payouts::MethodKind::Bank,
            country: CountryCode::JP,
            currency: Currency::JPY,
        },
        Error::InvalidBatchPart {
            part: u64::MAX,
            parts: 2,
        },
        Error::Overflow {
            what: "earned revenue".into(),
        },
        Error::NotMarketplace,
    ]
}

#[test]
fn errors_serialise_with_their_stable_code_and_read_back() {
    // rule: X-3
    for e in some_errors() {
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["code"], e.code(), "{json}");
        let back: Error = serde_json::from_value(json).unwrap();
        assert_eq!(back, e);
    }
    let json = serde_json::to_value(&some_errors()[..3]).unwrap();
    insta::assert_json_snapshot!("errors", json);
    assert_eq!(
        Error::PayPalNotSupported {
            country: CountryCode::IN
        }
        .code(),
        "paypal_not_supported"
    );
    assert!(serde_json::from_str::<Error>(r#"{"code":"no_such_code"}"#).is_err());
}
