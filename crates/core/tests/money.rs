//! Money arithmetic and rounding.

use partnerkit_core::{Currency, Error, Money, Rounding};
use proptest::prelude::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

fn usd(s: &str) -> Money {
    format!("{s} USD").parse().unwrap()
}

#[test]
fn rounding_rules_are_named_and_differ_where_they_should() {
    let m = Money::new(dec!(0.125), Currency::USD); // computed: finer than a cent
    assert_eq!(m.round(Rounding::HalfEven), usd("0.12"));
    assert_eq!(m.round(Rounding::HalfAwayFromZero), usd("0.13"));
    assert_eq!(m.round(Rounding::TowardZero), usd("0.12"));
    assert_eq!(m.negate().round(Rounding::HalfAwayFromZero), usd("-0.13"));
    assert_eq!(
        Money::new(dec!(12.5), Currency::JPY)
            .round(Rounding::HalfEven)
            .amount(),
        dec!(12)
    );
    assert_eq!(
        Money::new(dec!(1.2345), Currency::BHD)
            .round(Rounding::HalfEven)
            .amount(),
        dec!(1.234)
    );
}

#[test]
fn minor_units_round_trip() {
    assert_eq!(usd("12.34").minor_units(), Ok(1234));
    assert_eq!(usd("12.3").minor_units(), Ok(1230));
    assert_eq!(Money::from_minor_units(-5, Currency::USD), usd("-0.05"));
    assert!(matches!(
        Money::new(dec!(0.001), Currency::USD).minor_units(),
        Err(Error::NotInMinorUnits { .. })
    ));
    // More decimals than the currency has, all zeros: still whole cents.
    assert_eq!(
        Money::new(dec!(12.3400), Currency::USD).minor_units(),
        Ok(1234)
    );
    assert_eq!(
        Money::new(dec!(-7.000), Currency::JPY).minor_units(),
        Ok(-7)
    );
}

proptest! {
    /// `minor_units` reads an amount at or below the currency's scale without normalising it
    /// first; the answer is the one the normalised amount gives, for every scale.
    #[test]
    fn minor_units_agree_with_the_normalised_amount(
        mantissa in any::<i64>(),
        scale in 0u32..=10,
        currency in currency(),
    ) {
        let amount = Decimal::new(mantissa, scale);
        let money = Money::new(amount, currency);
        let normal = amount.normalize();
        let expected = if normal.scale() > currency.minor_unit_scale() {
            None
        } else {
            let factor = 10i128.pow(currency.minor_unit_scale() - normal.scale());
            normal.mantissa().checked_mul(factor).and_then(|m| i64::try_from(m).ok())
        };
        prop_assert_eq!(money.minor_units().ok(), expected);
    }
}

#[test]
fn display_shows_the_currency_scale() {
    assert_eq!(usd("12.5").to_string(), "12.50 USD");
    assert_eq!(
        Money::new(dec!(0.125), Currency::USD).to_string(),
        "0.125 USD"
    );
    assert_eq!(Money::zero(Currency::JPY).to_string(), "0 JPY");
}

#[test]
fn allocation_gives_remainders_to_the_largest_shares() {
    let parts = usd("0.05").allocate(&[1, 1, 1]).unwrap();
    assert_eq!(parts, [usd("0.02"), usd("0.02"), usd("0.01")]);
    let parts = usd("-0.05").allocate(&[1, 1, 1]).unwrap();
    assert_eq!(parts, [usd("-0.02"), usd("-0.02"), usd("-0.01")]);
    assert!(matches!(
        usd("1").allocate(&[]),
        Err(Error::EmptySplit { .. })
    ));
    assert!(matches!(
        usd("1").allocate(&[0, 0]),
        Err(Error::EmptySplit { .. })
    ));
}

fn currency() -> impl Strategy<Value = Currency> {
    prop::sample::select(Currency::all().collect::<Vec<_>>())
}

fn money_in(c: Currency) -> impl Strategy<Value = Money> {
    (-1_000_000_000_000i64..1_000_000_000_000).prop_map(move |u| Money::from_minor_units(u, c))
}

proptest! {
    /// No value is created or lost when an amount is split into parts.
    #[test]
    fn allocation_conserves_every_minor_unit(
        (c, m) in currency().prop_flat_map(|c| (Just(c), money_in(c))),
        weights in prop::collection::vec(0u32..1000, 1..20),
    ) {
        prop_assume!(weights.iter().any(|w| *w > 0));
        let parts = m.allocate(&weights).unwrap();
        prop_assert_eq!(parts.len(), weights.len());
        prop_assert_eq!(Money::sum(c, parts.iter().copied()).unwrap(), m);
        // Zero weight, zero share; every part within one unit of its exact share.
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        for (p, w) in parts.iter().zip(&weights) {
            if *w == 0 { prop_assert!(p.is_zero()); }
            let exact = Decimal::from(m.minor_units().unwrap()) * Decimal::from(*w) / Decimal::from(total);
            let diff = (Decimal::from(p.minor_units().unwrap()) - exact).abs();
            prop_assert!(diff < Decimal::ONE, "part {} vs exact {}", p, exact);
        }
    }

    #[test]
    fn addition_and_subtraction_are_inverse(a in money_in(Currency::USD), b in money_in(Currency::USD)) {
        prop_assert_eq!(a.checked_add(b).unwrap().checked_sub(b).unwrap(), a);
        prop_assert_eq!(a.checked_add(b).unwrap(), b.checked_add(a).unwrap());
    }

    #[test]
    fn mixed_currencies_never_combine(a in money_in(Currency::USD), b in money_in(Currency::EUR)) {
        let mismatch = Error::CurrencyMismatch { left: Currency::USD, right: Currency::EUR };
        prop_assert_eq!(a.checked_add(b), Err(mismatch.clone()));
        prop_assert_eq!(a.checked_sub(b), Err(mismatch.clone()));
        prop_assert_eq!(a.checked_cmp(&b), Err(mismatch));
    }

    /// Rounding lands on the currency's minor unit, within half a unit (or one, for truncation).
    #[test]
    fn rounding_lands_on_minor_units(units in -1_000_000_000i64..1_000_000_000, extra in 0u32..4, c in currency()) {
        let amount = Decimal::new(units, c.minor_unit_scale() + extra);
        let m = Money::new(amount, c);
        let unit = Decimal::new(1, c.minor_unit_scale());
        for rule in [Rounding::HalfEven, Rounding::HalfAwayFromZero, Rounding::TowardZero] {
            let r = m.round(rule);
            prop_assert!(r.minor_units().is_ok());
            let diff = (r.amount() - amount).abs();
            let bound = if rule == Rounding::TowardZero { unit } else { unit / Decimal::TWO };
            prop_assert!(diff <= bound);
            if rule == Rounding::TowardZero { prop_assert!(r.amount().abs() <= amount.abs()); }
        }
    }
}

#[test]
fn a_withdrawn_currency_is_refused_as_new_input_but_stored_amounts_still_decode() {
    // rule: X-3
    // standard: ISO 4217 amendment for the Bulgarian euro changeover, effective 2026-01-01
    let err = Currency::new("BGN").unwrap_err();
    assert_eq!(err.code(), "withdrawn_currency");
    assert!(err.to_string().contains("use EUR"), "{err}");
    assert!("BGN".parse::<Currency>().is_err());
    assert!("10.00 BGN".parse::<Money>().is_err());
    assert!(Currency::all().all(|c| c.code() != "BGN" && !c.is_withdrawn()));
    // A history written before 2026 still reads back, and writes back as it was.
    let stored: Money = serde_json::from_str(r#"{"amount":"10.00","currency":"BGN"}"#).unwrap();
    assert!(stored.currency().is_withdrawn());
    assert_eq!(stored.currency().minor_unit_scale(), 2);
    assert_eq!(
        serde_json::to_string(&stored).unwrap(),
        r#"{"amount":"10.00","currency":"BGN"}"#
    );
    assert!(!Currency::EUR.is_withdrawn());
    // The error's serialised form round-trips with its code.
    let json = serde_json::to_value(&err).unwrap();
    assert_eq!(json["code"], "withdrawn_currency");
    assert_eq!(serde_json::from_value::<Error>(json).unwrap(), err);
    // Unknown codes stay unknown, through serde too.
    assert!(serde_json::from_str::<Currency>("\"XBG\"").is_err());
}

/// Money that a person or host gives has no more decimals than its currency; computed money
/// may have more (issue 24).
#[test]
fn a_given_amount_with_more_decimals_than_its_currency_is_refused_at_once() {
    // rule: X-3
    // standard: ISO 4217 minor units (USD 2, JPY 0, BHD 3)
    let err = "12.345 USD".parse::<Money>().unwrap_err();
    assert_eq!(err.code(), "too_many_decimals");
    assert_eq!(
        err,
        Error::TooManyDecimals {
            given: "12.345".into(),
            currency: Currency::USD,
            decimals: 3,
            scale: 2,
        }
    );
    assert_eq!(
        err.to_string(),
        "amount \"12.345\" has 3 decimals, but USD has 2: give at most 2 decimals"
    );
    assert!("100.5 JPY".parse::<Money>().is_err());
    assert!("100 JPY".parse::<Money>().is_ok());
    // Every currency, by its own minor unit: one decimal more is refused, its own accepted.
    for c in Currency::all() {
        let scale = c.minor_unit_scale() as usize;
        let own = format!("1.{} {c}", "1".repeat(scale)).replace(". ", " "); // scale 0: "1 JPY"
        assert_eq!(own.parse::<Money>().unwrap().currency(), c, "{own}");
        let more = format!("1.{} {c}", "1".repeat(scale + 1));
        let err = more.parse::<Money>().unwrap_err();
        assert_eq!(err.code(), "too_many_decimals", "{more}");
    }
    assert!("1.2345 BHD".parse::<Money>().is_err());
    assert!("1.234 BHD".parse::<Money>().is_ok());
    // Trailing zeros are not decimals of the amount: 12.340 USD is 1234 cents.
    assert_eq!(
        "12.340 USD".parse::<Money>().unwrap().minor_units(),
        Ok(1234)
    );
    assert_eq!(
        "100.00 JPY".parse::<Money>().unwrap(),
        "100 JPY".parse().unwrap()
    );
    // serde reads the same way, with the same error.
    let json = r#"{"amount":"12.345","currency":"USD"}"#;
    let serde_err = serde_json::from_str::<Money>(json).unwrap_err();
    assert!(
        serde_err.to_string().contains(&err.to_string()),
        "{serde_err}"
    );
    // So does the checked constructor for decimals.
    assert_eq!(Money::try_new(dec!(12.345), Currency::USD), Err(err));
    // Arithmetic keeps every decimal (a share before its one rounding step) …
    let share = usd("10.01").mul_decimal(dec!(0.3333)).unwrap();
    assert_eq!(share.amount(), dec!(3.336333));
    // … and such a value is never written where it could not be read back.
    assert!(serde_json::to_string(&share).is_err());
    let rounded = share.round(Rounding::HalfAwayFromZero);
    assert_eq!(
        serde_json::to_string(&rounded).unwrap(),
        r#"{"amount":"3.34","currency":"USD"}"#
    );
}

/// An amount of `c` with exactly `decimals` significant decimals (the last one non-zero).
fn with_decimals(units: i64, decimals: u32) -> Decimal {
    let last = if units % 10 == 0 { units + 1 } else { units };
    Decimal::new(last, decimals)
}

proptest! {
    /// Whatever a constructor for given amounts returns reads back through it: text through
    /// `Display` and `FromStr`, JSON through serde.
    #[test]
    fn parse_of_display_is_the_same_money(
        (c, m) in currency().prop_flat_map(|c| (Just(c), money_in(c))),
        zeros in 0u32..4,
    ) {
        // rule: X-3
        prop_assert_eq!(m.to_string().parse::<Money>().unwrap(), m);
        let json = serde_json::to_string(&m).unwrap();
        prop_assert_eq!(serde_json::from_str::<Money>(&json).unwrap(), m);
        prop_assert_eq!(Money::try_new(m.amount(), c).unwrap(), m);
        // Written with trailing zeros, it is still the same amount.
        let mut padded = m.amount();
        padded.rescale(c.minor_unit_scale() + zeros);
        prop_assert_eq!(format!("{padded} {c}").parse::<Money>().unwrap(), m);
    }

    /// In every currency, an amount with one significant decimal more than the currency has
    /// (or more) is refused by text, by serde and by the checked constructor.
    #[test]
    fn more_decimals_than_the_currency_has_are_refused_in_every_currency(
        c in currency(),
        units in -1_000_000_000i64..1_000_000_000,
        more in 1u32..6,
    ) {
        // rule: X-3
        // standard: ISO 4217 minor units
        let decimals = c.minor_unit_scale() + more;
        let amount = with_decimals(units, decimals);
        let text = format!("{amount} {c}");
        let err = text.parse::<Money>().unwrap_err();
        prop_assert_eq!(err.code(), "too_many_decimals");
        prop_assert!(
            matches!(err, Error::TooManyDecimals { decimals: d, scale, .. } if d == decimals && scale == c.minor_unit_scale()),
            "{}", text
        );
        let json = format!(r#"{{"amount":"{amount}","currency":"{c}"}}"#);
        prop_assert!(serde_json::from_str::<Money>(&json).is_err(), "{}", json);
        prop_assert!(Money::try_new(amount, c).is_err());
        // Computed, the same amount is fine, and rounds to one that reads back.
        let rounded = Money::new(amount, c).round(Rounding::HalfEven);
        prop_assert_eq!(rounded.to_string().parse::<Money>().unwrap(), rounded);
    }
}
