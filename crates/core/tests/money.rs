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
    let m = usd("0.125");
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
        usd("0.001").minor_units(),
        Err(Error::NotInMinorUnits { .. })
    ));
}

#[test]
fn display_shows_the_currency_scale() {
    assert_eq!(usd("12.5").to_string(), "12.50 USD");
    assert_eq!(usd("0.125").to_string(), "0.125 USD");
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
