//! Deserialising accepts exactly what constructors accept; huge inputs give errors, not
//! aborts (rules X-3, X-4, ACC-3).

use partnerkit_core::*;
use proptest::prelude::*;

fn money_json(amount: &str) -> String {
    format!(
        r#"{{"amount":{},"currency":"USD"}}"#,
        serde_json::to_string(amount).unwrap()
    )
}

#[test]
fn money_serde_refuses_what_from_str_refuses() {
    // rule: X-3
    for bad in [
        "1e2",
        "1E2",
        "1.5e-3",
        "0.00000000000000000000000000001", // 29 decimals
        "",
        ".",
        "1,00",
        " 1.00",
        "NaN",
        "inf",
        "0x10",
        "1_000",
    ] {
        assert!(
            serde_json::from_str::<Money>(&money_json(bad)).is_err(),
            "{bad:?} was accepted by serde"
        );
        assert!(format!("{bad} USD").parse::<Money>().is_err(), "{bad:?}");
    }
    // A JSON number is never read as money: it may already have been a float.
    assert!(serde_json::from_str::<Money>(r#"{"amount":100,"currency":"USD"}"#).is_err());
    assert!(serde_json::from_str::<Money>(r#"{"amount":0.1,"currency":"USD"}"#).is_err());
    // Unknown fields are refused, not ignored.
    assert!(
        serde_json::from_str::<Money>(r#"{"amount":"1.00","currency":"USD","fx":"2"}"#).is_err()
    );
    // More decimals than the currency has: refused both ways, with the same code.
    let fine = "0.0000000000000000000000000001";
    let by_serde = serde_json::from_str::<Money>(&money_json(fine)).unwrap_err();
    let by_text = format!("{fine} USD").parse::<Money>().unwrap_err();
    assert_eq!(by_text.code(), "too_many_decimals");
    assert!(
        by_serde
            .to_string()
            .contains("has 28 decimals, but USD has 2"),
        "{by_serde}"
    );
    // 28 decimals is the most a Decimal holds; as trailing zeros they are accepted both ways.
    let ok = "1.0000000000000000000000000000";
    assert_eq!(
        serde_json::from_str::<Money>(&money_json(ok)).unwrap(),
        format!("{ok} USD").parse::<Money>().unwrap()
    );
    assert!(serde_json::from_str::<Money>(&money_json("-12.50")).is_ok());
}

#[test]
fn masked_serde_accepts_only_masked_values() {
    // rule: X-4 — a stored full account number cannot pass as its masked form.
    for bad in ["123456789", "•12", "12••", "••123", "a•••"] {
        let json = serde_json::to_string(bad).unwrap();
        assert!(serde_json::from_str::<Masked>(&json).is_err(), "{bad:?}");
        assert!(Masked::new(bad).is_err(), "{bad:?}");
    }
    for good in ["", "•", "•••••6789", "••12", "••••"] {
        let json = serde_json::to_string(good).unwrap();
        assert_eq!(
            serde_json::from_str::<Masked>(&json).unwrap().as_str(),
            good
        );
    }
    let huge = format!("\"{}\"", "•".repeat(100_000));
    assert!(serde_json::from_str::<Masked>(&huge).is_err());
}

#[test]
fn split_into_too_many_parts_is_an_error_not_an_abort() {
    // rule: ACC-3 — bad input never panics (or aborts on a huge allocation).
    let m: Money = "100.00 USD".parse().unwrap();
    assert_eq!(
        m.split(usize::MAX),
        Err(Error::TooManyParts {
            parts: usize::MAX,
            max: Money::MAX_PARTS
        })
    );
    assert!(matches!(
        m.allocate(&vec![1; Money::MAX_PARTS + 1]),
        Err(Error::TooManyParts { .. })
    ));
    assert_eq!(m.split(0), Err(Error::EmptySplit { parts: 0 }));
    assert_eq!(m.split(Money::MAX_PARTS).unwrap().len(), Money::MAX_PARTS);
}

#[test]
fn allocation_of_extreme_amounts_and_weights_does_not_overflow() {
    // rule: ACC-3
    for units in [i64::MAX, i64::MIN, i64::MIN + 1, -1, 1] {
        let m = Money::from_minor_units(units, Currency::USD);
        let parts = m.allocate(&[u32::MAX, u32::MAX, 1, 0]).unwrap();
        assert_eq!(Money::sum(Currency::USD, parts).unwrap(), m, "{units}");
    }
}

/// What the serde form says of `text` as money text: the JSON form
/// `{"amount": a, "currency": c}` for each way of cutting `text` at one ASCII space into
/// `a`, `" "`, `c`; the value if exactly one cut is accepted.
fn money_by_serde(text: &str) -> Option<Money> {
    let accepted: Vec<Money> = text
        .match_indices(' ')
        .filter_map(|(i, _)| {
            let (amount, code) = (&text[..i], &text[i + 1..]);
            let json = serde_json::json!({"amount": amount, "currency": code});
            serde_json::from_value::<Money>(json).ok()
        })
        .collect();
    assert!(accepted.len() <= 1, "{text:?} has two readings");
    accepted.first().copied()
}

#[test]
fn money_text_is_as_strict_as_its_serde_form() {
    // rule: X-3 — one canonical shape, "AMOUNT CODE" with one ASCII space, nothing around it
    for bad in [
        "\n0 USD",
        "0 USD\n",
        " 1 USD",
        "1 USD ",
        "1  USD",
        "1\tUSD",
        "1\u{A0}USD",
        "\t1.00 USD",
        "1.00 USD\r\n",
        "1.00\nUSD",
        " ",
        "1.00USD",
        "1.00 usd",
        "1.00 USD USD",
    ] {
        let err = bad.parse::<Money>().unwrap_err();
        assert!(
            matches!(
                err,
                Error::InvalidAmount { .. } | Error::UnknownCurrency { .. }
            ),
            "{bad:?}: {err:?}"
        );
        assert_eq!(money_by_serde(bad), None, "{bad:?}");
    }
    let m: Money = "0 USD".parse().unwrap();
    assert_eq!(Some(m), money_by_serde("0 USD"));
    assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
}

/// Text near the money shape: digits, signs, points, exponents, currency letters, every
/// kind of white space and line break, and now and then any character.
fn money_like_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "0", "1", "12", "-", "+", ".", "e", "E", "_", ",", " ", "  ", "\n", "\r\n", "\t",
            "\u{A0}", "\u{3000}", "\u{2028}", "\u{FEFF}", "USD", "JPY", "EUR", "usd", "US",
            "0.00000000000000000000000000001", "12.34", "-0.5",
        ])
        .prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ];
    let free = prop::collection::vec(piece, 0..8).prop_map(|v| v.concat());
    // Or the money shape itself, with white space around it and between its parts.
    let space = || {
        prop::sample::select(vec![
            "", " ", "  ", "\n", "\t", "\r\n", "\u{A0}", " \n", "\u{3000}",
        ])
    };
    let amount = prop::sample::select(vec!["0", "1", "-12.50", "+3", "0.001", "1e2", "12,34"]);
    let code = prop::sample::select(vec!["USD", "JPY", "BHD", "usd", "XXX"]);
    let shaped = (space(), amount, space(), code, space())
        .prop_map(|(a, b, c, d, e)| format!("{a}{b}{c}{d}{e}"));
    prop_oneof![free, shaped]
}

proptest! {
    #[test]
    fn money_text_and_serde_form_agree_on_any_text(text in money_like_text()) {
        // rule: X-3
        let by_str = text.parse::<Money>().ok();
        prop_assert_eq!(by_str, money_by_serde(&text), "{:?}", text);
        if let Some(m) = by_str {
            prop_assert_eq!(m.to_string().parse::<Money>().ok(), Some(m));
        }
    }

    #[test]
    fn money_text_and_serde_form_agree_on_arbitrary_strings(text in any::<String>()) {
        // rule: X-3
        prop_assert_eq!(text.parse::<Money>().ok(), money_by_serde(&text), "{:?}", text);
    }

    #[test]
    fn money_serde_and_from_str_agree(amount in "[-+0-9.eE_,]{0,40}") {
        // rule: X-3
        let by_serde = serde_json::from_str::<Money>(&money_json(&amount)).ok();
        let by_str = format!("{amount} USD").parse::<Money>().ok();
        prop_assert_eq!(by_serde, by_str);
    }

    #[test]
    fn every_mask_reads_back(value in "[0-9•a-z]{0,40}", visible in 0usize..50) {
        // rule: X-4
        let m = SecretString::new(value).masked(visible);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Masked>(&json).unwrap(), m);
    }
}
