//! Bank details checked the way their schemes define (PAY-11): IBAN checksum and country
//! format, BIC structure and country, ABA checksum and Federal Reserve prefixes.

use partnerkit_core::{CountryCode, PostalAddress, SecretString};
use partnerkit_payouts::{BankScheme, Error, NewPayoutAccount, RoutingNumber};
use proptest::prelude::*;

use crate::support::*;

fn address(country: CountryCode) -> PostalAddress {
    PostalAddress::builder("Main Street 1", "Capital", country)
        .postal_code("12345")
        .build()
        .unwrap()
}

/// An IBAN with correct check digits for `country` and `bban` (ISO 13616 MOD 97-10).
fn iban(country: &str, bban: &str) -> String {
    let moved = format!("{bban}{country}00");
    let digits: String = moved
        .chars()
        .map(|c| c.to_digit(36).unwrap().to_string())
        .collect();
    let rem = digits
        .chars()
        .fold(0u32, |r, c| (r * 10 + c.to_digit(10).unwrap()) % 97);
    format!("{country}{:02}{bban}", 98 - rem)
}

fn bank(country: CountryCode, account: &str, routing: &str) -> Result<NewPayoutAccount, Error> {
    NewPayoutAccount::bank(partnerkit_payouts::BankDetails {
        account_number: SecretString::new(account),
        routing_number: routing.into(),
        ..bank_details("021000021", address(country))
    })
}

#[test]
fn ibans_are_checked_by_checksum_country_format_and_country() {
    // rule: PAY-11
    let se = CountryCode::SE;
    assert_eq!(BankScheme::of(se), BankScheme::Iban);
    assert_eq!(
        iban("SE", "50000000058398257466"),
        "SE4550000000058398257466"
    );
    assert!(bank(se, "SE45 5000 0000 0583 9825 7466", "ESSESESS").is_ok());
    // The issue's examples: a bad checksum, and a number that is no IBAN at all.
    let bad_sum = bank(se, "SE45 5000 0000 0583 9825 7467", "ESSESESS").unwrap_err();
    assert!(bad_sum.to_string().contains("check digits"), "{bad_sum}");
    assert!(matches!(
        bank(se, "SE00 0000", "ESSESESS"),
        Err(Error::InvalidAccountNumber { .. })
    ));
    // A correct checksum but not Sweden's 20-digit format.
    let short = iban("SE", "5000000005839825746");
    let err = bank(se, &short, "ESSESESS").unwrap_err();
    assert!(err.to_string().contains("format"), "{err}");
    // A valid German IBAN for a Swedish billing address.
    let de = iban("DE", "500105175407324931");
    assert!(bank(CountryCode::DE, &de, "50010517").is_ok());
    let err = bank(se, &de, "ESSESESS").unwrap_err();
    assert!(err.to_string().contains("DE"), "{err}");
    // The number is never repeated in the error (rule X-4).
    for e in [bad_sum, err] {
        assert!(!e.to_string().contains("7467"), "{e}");
        assert!(!e.to_string().contains("5407324931"), "{e}");
    }
    // Outside SEPA, a number shaped like an IBAN is checked as one; others are national.
    assert!(bank(CountryCode::JP, "JP12 3456 7890", "BOTKJPJT").is_err());
    assert!(bank(CountryCode::JP, "1234567", "BOTKJPJT").is_ok());
}

#[test]
fn bics_have_their_structure_and_the_accounts_country() {
    // rule: PAY-11
    let se = CountryCode::SE;
    for ok in ["ESSESESS", "ESSESESSXXX", "esse-se-ss", "NDEASESS"] {
        assert!(RoutingNumber::new(se, ok).is_ok(), "{ok}");
    }
    for bad in [
        "X1",           // the issue's example
        "ESSESES",      // 7
        "ESSESESSX",    // 9
        "ESSESESSXXXX", // 12
        "E5SESESS",     // digit in the institution code
        "ESSEXXSS",     // no such country
        "DEUTDEFF",     // a bank in another country
        "ESSESE$S",
    ] {
        let err = RoutingNumber::new(se, bad).unwrap_err();
        assert!(
            matches!(err, Error::InvalidRoutingNumber { country, .. } if country == se),
            "{bad}: {err}"
        );
    }
    // National codes of digits stay accepted: a UK sort code, an Australian BSB.
    assert_eq!(
        RoutingNumber::new(CountryCode::GB, "20-00-00")
            .unwrap()
            .as_str(),
        "200000"
    );
    assert!(RoutingNumber::new(CountryCode::AU, "062-000").is_ok());
    assert!(RoutingNumber::new(CountryCode::AU, "0").is_err());
    // serde goes through the same check.
    let json = r#"{"country":"SE","number":"X1"}"#;
    assert!(serde_json::from_str::<RoutingNumber>(json).is_err());
}

/// Nine digits with a correct ABA check digit after the eight given.
fn aba(eight: &str) -> String {
    let w = [3, 7, 1, 3, 7, 1, 3, 7];
    let sum: u32 = eight
        .chars()
        .zip(w)
        .map(|(c, w)| c.to_digit(10).unwrap() * w)
        .sum();
    format!("{eight}{}", (10 - sum % 10) % 10)
}

#[test]
fn aba_numbers_need_a_federal_reserve_prefix_and_are_never_all_zero() {
    // rule: PAY-11
    let us = CountryCode::US;
    assert_eq!(aba("02100002"), "021000021");
    assert!(RoutingNumber::new(us, "000000000").is_err()); // the issue's example
    for prefix in ["00", "01", "12", "21", "32", "61", "72", "80"] {
        let n = aba(&format!("{prefix}100002"));
        assert!(RoutingNumber::new(us, &n).is_ok(), "{n}");
    }
    for prefix in ["13", "20", "33", "60", "73", "79", "81", "99"] {
        let n = aba(&format!("{prefix}100002"));
        let err = RoutingNumber::new(us, &n).unwrap_err();
        assert!(err.to_string().contains("Federal Reserve"), "{n}: {err}");
    }
}

proptest! {
    #[test]
    fn an_aba_number_is_accepted_exactly_when_its_checksum_and_prefix_hold(
        eight in "[0-9]{8}",
        last in 0u32..10,
    ) {
        // rule: PAY-11
        let n = format!("{eight}{last}");
        let prefix: u32 = n[..2].parse().unwrap();
        let valid = n == aba(&eight)
            && n != "000000000"
            && (prefix <= 12 || (21..=32).contains(&prefix) || (61..=72).contains(&prefix) || prefix == 80);
        prop_assert_eq!(RoutingNumber::new(CountryCode::US, &n).is_ok(), valid);
    }

    #[test]
    fn any_iban_with_a_changed_digit_is_refused(pos in 4usize..24, delta in 1u32..10) {
        // rule: PAY-11
        let good = "SE4550000000058398257466";
        let mut chars: Vec<char> = good.chars().collect();
        let d = chars[pos].to_digit(10).unwrap();
        chars[pos] = char::from_digit((d + delta) % 10, 10).unwrap();
        let changed: String = chars.into_iter().collect();
        prop_assert!(bank(CountryCode::SE, &changed, "ESSESESS").is_err());
    }
}
