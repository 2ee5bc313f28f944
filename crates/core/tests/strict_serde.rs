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
        assert!(
            format!("{bad} USD").parse::<Money>().is_err() || bad.starts_with(' '),
            "{bad:?}"
        );
    }
    // A JSON number is never read as money: it may already have been a float.
    assert!(serde_json::from_str::<Money>(r#"{"amount":100,"currency":"USD"}"#).is_err());
    assert!(serde_json::from_str::<Money>(r#"{"amount":0.1,"currency":"USD"}"#).is_err());
    // Unknown fields are refused, not ignored.
    assert!(
        serde_json::from_str::<Money>(r#"{"amount":"1.00","currency":"USD","fx":"2"}"#).is_err()
    );
    // 28 decimals is the most a Decimal holds, and is accepted both ways.
    let ok = "0.0000000000000000000000000001";
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

proptest! {
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
