//! Bank details checked the way their schemes define (PAY-11): IBAN checksum and country
//! format, BIC structure and country, ABA checksum and Federal Reserve prefixes.

use partnerkit_core::{CountryCode, PostalAddress};
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
        account_number: partnerkit_payouts::BankAccountNumber::new(account)?,
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

#[test]
fn ibans_of_registry_countries_the_crate_lacks_are_checked_by_the_supplementary_table() {
    // rule: PAY-11
    // standard: SWIFT IBAN Registry release 101: Pakistan 24 (4!a16!c), Honduras 28 (4!a20!n)
    let (pk, hn) = (
        CountryCode::new("PK").unwrap(),
        CountryCode::new("HN").unwrap(),
    );
    // The registry's own example for Pakistan, and a Honduran IBAN.
    assert!(bank(pk, "PK36SCBL0000001123456702", "SCBLPKKX").is_ok());
    assert!(bank(hn, "HN88 CABF 0000 0000 0002 5000 5469", "CABFHNTE").is_ok());
    assert_eq!(
        iban("PK", "SCBL0000001123456702"),
        "PK36SCBL0000001123456702"
    );
    // Still checked: the checksum, the length, the format and the country.
    let bad_sum = bank(pk, "PK36SCBL0000001123456703", "SCBLPKKX").unwrap_err();
    assert!(bad_sum.to_string().contains("check digits"), "{bad_sum}");
    for (country, bic, bad) in [
        (pk, "SCBLPKKX", iban("PK", "SCBL000000112345670")), // 23 characters
        (pk, "SCBLPKKX", iban("PK", "SCB10000001123456702")), // the bank code has a digit
        (hn, "CABFHNTE", iban("HN", "CABF0000000000025000546A")), // a letter in the account
        (hn, "CABFHNTE", iban("HN", "CABF000000000002500054690")), // 29 characters
    ] {
        let err = bank(country, &bad, bic).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidAccountNumber { reason } if reason.contains("format")),
            "{bad}: {err}"
        );
    }
    let err = bank(CountryCode::SE, "PK36SCBL0000001123456702", "ESSESESS").unwrap_err();
    assert!(err.to_string().contains("PK"), "{err}");
    // A country in no table is still refused.
    assert!(bank(CountryCode::JP, &iban("JP", "12345678901234"), "BOTKJPJT").is_err());
    assert_eq!(
        partnerkit_payouts::SUPPLEMENTARY_IBAN_FORMATS
            .iter()
            .map(|(c, ..)| *c)
            .collect::<Vec<_>>(),
        ["PK", "HN"]
    );
}

#[test]
fn iban_check_digits_00_01_and_99_are_refused_even_when_mod_97_holds() {
    // rule: PAY-11
    // standard: ISO 13616-1:2020 §6.3 (check digits are 98 minus a remainder mod 97: 02 to 98)
    // 99 ≡ 02, 00 ≡ 97 and 01 ≡ 98 (mod 97): an IBAN whose right check digits are 02, 97 or
    // 98 still passes MOD 97-10 with 99, 00 or 01 in their place.
    let mut found = [false; 3];
    for n in 0..2000u32 {
        let valid = iban("GB", &format!("WEST{n:014}"));
        let check = &valid[2..4];
        let twin = match check {
            "02" => ("99", 0),
            "97" => ("00", 1),
            "98" => ("01", 2),
            _ => continue,
        };
        assert!(bank(CountryCode::GB, &valid, "NWBKGB2L").is_ok(), "{valid}");
        let forged = format!("GB{}{}", twin.0, &valid[4..]);
        let err = bank(CountryCode::GB, &forged, "NWBKGB2L").unwrap_err();
        assert!(err.to_string().contains("02 to 98"), "{forged}: {err}");
        found[twin.1] = true;
    }
    assert_eq!(found, [true; 3]);
    assert!(bank(CountryCode::GB, "GB99WEST00000000000029", "NWBKGB2L").is_err());
    assert!(bank(CountryCode::GB, "GB02WEST00000000000029", "NWBKGB2L").is_ok());
}

#[test]
fn sepa_territories_take_their_parent_countrys_ibans_and_the_2025_joiners_take_ibans() {
    // rule: PAY-11
    // rule: PAY-3
    // standard: EPC409-09 EPC List of SEPA Scheme Countries (2025 edition); SWIFT IBAN Registry
    let fr = "FR1420041010050500013M02606";
    for t in ["GF", "GP", "MQ", "YT", "RE", "BL", "MF", "PM"] {
        let c = CountryCode::new(t).unwrap();
        assert_eq!(BankScheme::of(c), BankScheme::Iban, "{t}");
        assert!(bank(c, fr, "BNPAFRPP").is_ok(), "{t}");
    }
    let gb = "GB29NWBK60161331926819";
    for t in ["GG", "JE", "IM"] {
        let c = CountryCode::new(t).unwrap();
        assert_eq!(BankScheme::of(c), BankScheme::Iban, "{t}");
        assert!(bank(c, gb, "NWBKGB2L").is_ok(), "{t}");
    }
    let ax = CountryCode::new("AX").unwrap();
    assert!(bank(ax, "FI2112345600000785", "NDEAFIHH").is_ok());
    // Only the parent's IBANs: a German IBAN is still not one of Guadeloupe.
    let gp = CountryCode::new("GP").unwrap();
    let err = bank(gp, &iban("DE", "500105175407324931"), "BNPAFRPP").unwrap_err();
    assert!(err.to_string().contains("GP"), "{err}");
    // And a territory's IBAN does not make the parent take another's: FR still takes FR only.
    assert!(bank(CountryCode::FR, gb, "BNPAFRPP").is_err());
    for (code, example, bic) in [
        ("AL", "AL47212110090000000235698741", "BKALALTR"),
        ("ME", "ME25505000012345678951", "CKBCMEPG"),
        ("MD", "MD24AG000225100013104168", "AGRNMD2X"),
        ("MK", "MK07250120000058984", "KOBSMK2X"),
    ] {
        let c = CountryCode::new(code).unwrap();
        assert_eq!(BankScheme::of(c), BankScheme::Iban, "{code}");
        assert!(bank(c, example, bic).is_ok(), "{code}");
        assert!(
            bank(c, "12345678", bic).is_err(),
            "{code}: an IBAN is needed"
        );
    }
    // Kosovo (XK, a user-assigned code) is not an ISO 3166-1 country code, so no billing
    // address can be in XK (see data/bank-schemes.md).
    assert!(CountryCode::new("XK").is_err());
}

#[test]
fn an_account_number_is_its_own_checked_secret_type() {
    // rule: PAY-2
    // rule: PAY-11
    // rule: X-4
    use partnerkit_payouts::BankAccountNumber;
    let n = BankAccountNumber::new(" 0001-2345 6789 ").unwrap();
    assert_eq!(n.expose_secret(), "000123456789");
    assert!(!n.is_iban());
    // Never shown: Debug, Display and serde give only the masked form.
    assert_eq!(format!("{n:?}"), "BankAccountNumber(••••••••6789)");
    assert_eq!(n.to_string(), "••••••••6789");
    assert_eq!(serde_json::to_string(&n).unwrap(), r#""••••••••6789""#);
    assert_eq!(n.masked().as_str(), "••••••••6789");
    // Equal by value, whatever the spacing it was written with.
    assert_eq!(n, BankAccountNumber::new("000123456789").unwrap());
    assert_ne!(n, BankAccountNumber::new("000123456780").unwrap());
    // serde reads through the same check, and its errors never repeat the number.
    let read: BankAccountNumber = serde_json::from_str(r#""0001 2345 6789""#).unwrap();
    assert_eq!(read, n);
    for bad in [
        "12",
        "1234/5678",
        "SE45 5000 0000 0583 9825 7467",
        "",
        "1234567890123456789012345678901234567",
    ] {
        let by_new = BankAccountNumber::new(bad).unwrap_err();
        assert!(
            matches!(by_new, Error::InvalidAccountNumber { .. }),
            "{bad}"
        );
        let json = serde_json::to_string(bad).unwrap();
        let by_serde = serde_json::from_str::<BankAccountNumber>(&json).unwrap_err();
        assert!(
            by_serde.to_string().contains(&by_new.to_string()),
            "{by_serde}"
        );
        if bad.len() >= 4 {
            assert!(!by_new.to_string().contains(bad), "{by_new}");
        }
    }
    // The masked form a number serialises to is not a number: it cannot be replayed.
    assert!(serde_json::from_str::<BankAccountNumber>(r#""••••••••6789""#).is_err());
    // An IBAN is checked on its own (check digits, its country's format) when made; against
    // the billing address's country when the bank account is set.
    let swedish = BankAccountNumber::new("se45 5000 0000 0583 9825 7466").unwrap();
    assert!(swedish.is_iban());
    assert_eq!(swedish.expose_secret(), "SE4550000000058398257466");
    assert!(BankAccountNumber::new(&iban("DE", "500105175407324931")).is_ok());
    let german_for_sweden = bank(
        CountryCode::SE,
        &iban("DE", "500105175407324931"),
        "ESSESESS",
    )
    .unwrap_err();
    assert!(
        german_for_sweden.to_string().contains("billing address"),
        "{german_for_sweden}"
    );
}
