//! Money: exact decimal amounts with a currency, named rounding, and splits that never lose a
//! cent (`partnerkit_core::Money`).
//!
//! Run with `cargo run --example money`.

use std::error::Error;

use partnerkit_core::rust_decimal::Decimal;
use partnerkit_core::{Currency, Money, Rounding};

fn main() -> Result<(), Box<dyn Error>> {
    // Amounts are parsed (and validated) with their currency; never floats.
    let price: Money = "19.99 USD".parse()?;
    let yen: Money = "1200 JPY".parse()?;
    println!("price {price}, in Japan {yen} (JPY has no minor unit)");

    // Mixing currencies is an error, not a silent conversion.
    match price.checked_add(yen) {
        Ok(sum) => println!("unexpected sum {sum}"),
        Err(err) => println!("19.99 USD + 1200 JPY: {err}"),
    }

    // Multiplying keeps every digit; rounding happens only where you name the rule.
    let share = price.mul_decimal(Decimal::new(15, 2))?; // a 15 % fee
    println!("15 % of {price} is {share} before rounding");
    for rule in [
        Rounding::HalfEven,
        Rounding::HalfAwayFromZero,
        Rounding::TowardZero,
    ] {
        println!("  rounded {rule}: {}", share.round(rule));
    }

    // An amount given as text has no more decimals than its currency: a tenth of a cent is
    // refused at once. Computed amounts, like the share above, keep every decimal.
    if let Err(err) = "0.125 USD".parse::<Money>() {
        println!("reading \"0.125 USD\": {err}");
    }

    // The rules differ exactly on halves.
    let half = Money::new(Decimal::new(125, 3), Currency::USD); // 0.125 USD, computed
    println!(
        "0.125 USD: half-even {}, half away from zero {}, toward zero {}",
        half.round(Rounding::HalfEven),
        half.round(Rounding::HalfAwayFromZero),
        half.round(Rounding::TowardZero),
    );

    // Splitting in whole cents: the parts always add up to the total exactly. The remainder
    // cents go to the parts with the largest fractional share, ties to the earlier part.
    let total: Money = "100.00 USD".parse()?;
    let thirds = total.split(3)?;
    print_parts("100.00 USD in three", &thirds);
    assert_eq!(Money::sum(Currency::USD, thirds)?, total);

    // Revenue shared 70 / 20 / 10 between a publisher and two partners.
    let revenue: Money = "999.99 USD".parse()?;
    let shares = revenue.allocate(&[70, 20, 10])?;
    print_parts("999.99 USD as 70/20/10", &shares);
    assert_eq!(Money::sum(Currency::USD, shares)?, revenue);

    // A refund splits the same way, with negative parts.
    let refund = "10.00 USD".parse::<Money>()?.negate();
    print_parts("a -10.00 USD refund in three", &refund.split(3)?);

    // Splitting needs whole minor units and at least one non-zero weight.
    let unrounded = share; // 2.9985 USD
    if let Err(err) = unrounded.split(2) {
        println!("splitting {unrounded}: {err}");
    }
    if let Err(err) = total.allocate(&[0, 0]) {
        println!("allocating by weights 0 and 0: {err}");
    }
    let rounded = unrounded.round(Rounding::HalfEven);
    print_parts("after rounding, in two", &rounded.split(2)?);
    Ok(())
}

fn print_parts(what: &str, parts: &[Money]) {
    let shown: Vec<String> = parts.iter().map(ToString::to_string).collect();
    println!("{what}: {}", shown.join(" + "));
}
