//! Phone numbers: E.164 country calling codes from the shipped ITU-T table, real lengths.

use partnerkit_core::{Error, PhoneNumber};
use proptest::prelude::*;

#[test]
fn unassigned_country_codes_are_refused() {
    // rule: ACC-3
    // rule: PAY-2
    for bad in [
        "+999 1234 5678",
        "+28 1234 5678",
        "+210 1234 567",
        "+80 1234 5678",
        "+422 123 4567",
    ] {
        let err = PhoneNumber::new(bad).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidPhone { reason, .. } if reason.contains("country calling code")),
            "{bad:?}: {err}"
        );
    }
    insta::assert_snapshot!(
        PhoneNumber::new("+999 1234 5678").unwrap_err(),
        @r#"phone number "+999 1234 5678" is not valid (no assigned country calling code starts +999: check the country code): write it in E.164 form, "+" then the country code and number, such as +14255550100"#
    );
}

#[test]
fn short_numbers_of_small_countries_are_accepted() {
    // rule: ACC-3
    // rule: PAY-2
    let niue = PhoneNumber::new("+683 4002").unwrap();
    assert_eq!(niue.as_str(), "+6834002");
    assert_eq!(niue.country_code(), "683");
    assert_eq!(PhoneNumber::new(niue.as_str()), Ok(niue.clone()));
    assert_eq!(
        serde_json::from_str::<PhoneNumber>("\"+683 4002\"").unwrap(),
        niue
    );
    assert_eq!(PhoneNumber::new("+690 3456").unwrap().country_code(), "690"); // Tokelau
    assert_eq!(PhoneNumber::new("+290 2222").unwrap().country_code(), "290"); // Saint Helena
    // Three digits after a code is too few anywhere.
    assert!(PhoneNumber::new("+683 400").is_err());
}

#[test]
fn lengths_follow_e164_and_the_code() {
    // rule: ACC-3
    // rule: PAY-2
    assert_eq!(
        PhoneNumber::new("+1 (425) 555-0100")
            .unwrap()
            .country_code(),
        "1"
    );
    // NANP numbers have exactly 10 digits after +1.
    assert!(PhoneNumber::new("+1 425 555 010").is_err());
    assert!(PhoneNumber::new("+1 425 555 01000").is_err());
    let err = PhoneNumber::new("+12").unwrap_err();
    assert!(err.to_string().contains("numbers there have 10"), "{err}");
    // At most 15 digits in all, the code included.
    assert!(PhoneNumber::new("+49 123 456 789 0123").is_ok()); // 15 digits
    assert!(PhoneNumber::new("+49 123 456 789 01234").is_err()); // 16 digits
    assert!(PhoneNumber::new("+683 1234 5678 9012").is_ok()); // 15 digits
    assert!(PhoneNumber::new("+").is_err());
    assert!(PhoneNumber::new("+0 123 4567").is_err());
}

#[test]
fn the_country_code_table_is_well_formed() {
    // rule: ACC-3 — the shipped table: codes of 1 to 3 digits, not starting with 0, sorted,
    // listed once, and prefix-free, so every number has at most one country code.
    let codes: Vec<(&str, &str)> = PhoneNumber::country_codes().collect();
    assert!(codes.len() > 200, "{} codes", codes.len());
    for (code, name) in &codes {
        assert!((1..=3).contains(&code.len()), "{code}");
        assert!(
            code.bytes().all(|b| b.is_ascii_digit()) && !code.starts_with('0'),
            "{code}"
        );
        assert!(!name.is_empty(), "{code}");
    }
    let numbers: Vec<u16> = codes.iter().map(|(c, _)| c.parse().unwrap()).collect();
    assert!(
        codes
            .windows(2)
            .all(|w| w[0].0.len() < w[1].0.len()
                || (w[0].0.len() == w[1].0.len() && w[0].0 < w[1].0)),
        "codes are sorted by length, then value"
    );
    for (i, (a, _)) in codes.iter().enumerate() {
        for (j, (b, _)) in codes.iter().enumerate() {
            assert!(i == j || !b.starts_with(a), "{a} is a prefix of {b}");
        }
    }
    for must in [1, 7, 44, 46, 49, 683, 690, 800, 882] {
        assert!(numbers.contains(&must), "{must}");
    }
    for never in [
        0, 28, 210, 259, 379, 388, 422, 671, 684, 693, 801, 969, 990, 997, 999,
    ] {
        assert!(!numbers.contains(&never), "{never}");
    }
}

proptest! {
    #[test]
    fn every_listed_code_takes_a_number(index in 0usize..400, national in "[0-9]{10}") {
        // rule: PAY-2
        let codes: Vec<(&str, &str)> = PhoneNumber::country_codes().collect();
        let (code, _) = codes[index % codes.len()];
        let p = PhoneNumber::new(&format!("+{code} {national}")).unwrap();
        prop_assert_eq!(p.country_code(), code);
        prop_assert_eq!(PhoneNumber::new(p.as_str()), Ok(p.clone()));
        let json = serde_json::to_string(&p).unwrap();
        prop_assert_eq!(serde_json::from_str::<PhoneNumber>(&json).unwrap(), p);
    }

    #[test]
    fn normal_form_is_stable(s in "\\+[0-9 ().-]{0,24}") {
        // rule: ACC-3
        if let Ok(p) = PhoneNumber::new(&s) {
            prop_assert_eq!(PhoneNumber::new(p.as_str()), Ok(p.clone()));
            prop_assert!(p.as_str().len() <= 16);
        }
    }
}
