//! Each invalid value gives a typed error whose message says what is wrong.

use partnerkit_core::*;

#[test]
fn bad_email() {
    let err = EmailAddress::new("ann.contoso.com").unwrap_err();
    assert!(matches!(err, Error::InvalidEmail { .. }));
    insta::assert_snapshot!(err, @r#"email address "ann.contoso.com" is not valid (Missing separator character '@'.): write it as name@example.com"#);
}

#[test]
fn country_xx() {
    let err = CountryCode::new("XX").unwrap_err();
    assert_eq!(err, Error::UnknownCountry { given: "XX".into() });
    insta::assert_snapshot!(err, @r#"country "XX" is not an ISO 3166-1 alpha-2 code: use two capital letters such as "US" or "SE""#);
}

#[test]
fn phone_12() {
    let err = PhoneNumber::new("12").unwrap_err();
    assert!(matches!(err, Error::InvalidPhone { .. }));
    insta::assert_snapshot!(err, @r#"phone number "12" is not valid (it does not start with +): write it in E.164 form, "+" then the country code and number, such as +14255550100"#);
    assert!(matches!(
        PhoneNumber::new("+12"),
        Err(Error::InvalidPhone { reason, .. })
            if reason == "after the country code +1 (North American Numbering Plan) it has 1 digit; numbers there have 10"
    ));
}

#[test]
fn url_of_257_chars() {
    let long = format!("https://contoso.com/{}", "a".repeat(257 - 20));
    assert_eq!(long.chars().count(), 257);
    let err = Url::new(&long).unwrap_err();
    assert!(matches!(err, Error::InvalidUrl { .. }));
    assert!(
        err.to_string()
            .ends_with("it has 257 characters; at most 256 are allowed"),
        "{err}"
    );
    let ok = format!("https://contoso.com/{}", "a".repeat(256 - 20));
    assert!(Url::new(&ok).is_ok(), "256 characters are allowed");
    assert!(matches!(
        Url::new("/relative"),
        Err(Error::InvalidUrl { .. })
    ));
}

#[test]
fn mixed_currency_sum() {
    let usd: Money = "1.00 USD".parse().unwrap();
    let eur: Money = "1.00 EUR".parse().unwrap();
    let err = Money::sum(Currency::USD, [usd, eur]).unwrap_err();
    assert_eq!(
        err,
        Error::CurrencyMismatch {
            left: Currency::USD,
            right: Currency::EUR
        }
    );
    insta::assert_snapshot!(err, @"cannot combine an amount in USD with an amount in EUR: convert one of them first");
}

#[test]
fn unknown_currency_and_amount() {
    insta::assert_snapshot!(Currency::new("ABC").unwrap_err(), @r#"currency "ABC" is not an ISO 4217 code: use three capital letters such as "USD" or "EUR""#);
    insta::assert_snapshot!("12,34 USD".parse::<Money>().unwrap_err(), @r#"amount "12,34 USD" is not a decimal amount with a currency: write it as "12.34 USD""#);
}

#[test]
fn empty_and_long_text() {
    insta::assert_snapshot!(DisplayName::new("  ").unwrap_err(), @"display name is not valid: it is empty: give a value");
    insta::assert_snapshot!(PersonName::new("Ann", &"x".repeat(65)).unwrap_err(), @"last name is not valid: it has 65 characters; at most 64 are allowed");
    insta::assert_snapshot!(DisplayName::new("a\nb").unwrap_err(), @"display name is not valid: it contains a control character such as a line break: remove it");
}

#[test]
fn bad_postal_codes() {
    let err = PostalAddress::builder("1 Main St", "Springfield", CountryCode::US)
        .postal_code("9805")
        .build()
        .unwrap_err();
    insta::assert_snapshot!(err, @r#"postal code "9805" is not valid for US: a US ZIP code is five digits, optionally a hyphen and four more"#);
    assert!(
        PostalAddress::builder("Drottninggatan 1", "Stockholm", CountryCode::SE)
            .postal_code("111 51")
            .build()
            .is_ok()
    );
}

#[test]
fn bad_ids() {
    insta::assert_snapshot!("42".parse::<UserId>().unwrap_err(), @r#"user id "42" is not valid: a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8"#);
    insta::assert_snapshot!(SellerId::new("12a").unwrap_err(), @r#"seller id "12a" is not valid: 1 to 20 digits, not starting with 0, such as 91234567"#);
}

#[test]
fn secrets_never_print() {
    // rule: X-4
    let s = SecretString::new("123456789");
    assert_eq!(format!("{s:?}"), "SecretString([REDACTED])");
    assert_eq!(s.to_string(), "[REDACTED]");
    assert_eq!(s.masked(4).as_str(), "•••••6789");
    assert!(s.fingerprint().matches(&s));
    assert!(!s.fingerprint().as_str().contains("123456789"));
}

#[test]
fn errors_serialise_with_a_stable_code() {
    // rule: X-3 — a machine-readable code per variant, the same as Error::code().
    let errors = [
        Error::CurrencyMismatch {
            left: Currency::USD,
            right: Currency::EUR,
        },
        CountryCode::new("XX").unwrap_err(),
        PhoneNumber::new("+12").unwrap_err(),
        DisplayName::new("a\u{202E}b").unwrap_err(),
        "9.99".parse::<Money>().unwrap_err(),
        "12.345 USD".parse::<Money>().unwrap_err(),
        "x".parse::<UserId>().unwrap_err(),
        "100.00 USD"
            .parse::<Money>()
            .unwrap()
            .split(usize::MAX)
            .unwrap_err(),
        Error::NoRandomness,
    ];
    for e in &errors {
        let json = serde_json::to_value(e).unwrap();
        assert_eq!(json["code"], e.code(), "{json}");
        let back: Error = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(&back, e, "{json}");
        assert_eq!(back.to_string(), e.to_string());
    }
    insta::assert_json_snapshot!("core_errors", errors);
}
