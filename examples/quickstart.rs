//! partnerkit quickstart: build the core values of a publisher account.
//!
//! Run with `cargo run --example quickstart`. Later this grows into the full walk-through:
//! opening an account, tenants, users, roles, payouts, tax and agreements.

use partnerkit::core::rust_decimal::Decimal;
use partnerkit::core::{
    CountryCode, EmailAddress, Money, PersonName, PhoneNumber, PostalAddress, Rounding,
    SecretString, SequentialIds,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("== partnerkit quickstart ==\n");

    // Contact data is validated when it is made.
    let contact = PersonName::new("Ann", "Lind")?;
    let email: EmailAddress = "Ann.Lind@Contoso.com".parse()?;
    let phone: PhoneNumber = "+1 (425) 555-0100".parse()?;
    let address = PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
        .region("WA")
        .postal_code("98052")
        .build()?;
    println!("seller contact: {contact} <{email}>, {phone}");
    println!(
        "  address: {}, {} {}",
        address.line1(),
        address.city(),
        address.country()
    );

    // Bad input is a typed error that says what to do.
    if let Err(e) = "12".parse::<PhoneNumber>() {
        println!("  rejected phone: {e}");
    }

    // Money is exact; rounding is named.
    let sale: Money = "9.99 USD".parse()?;
    let withheld = sale
        .mul_decimal(Decimal::new(30, 2))?
        .round(Rounding::HalfEven);
    println!(
        "\nsale {sale}: withheld {withheld}, net {}",
        sale.checked_sub(withheld)?
    );
    let parts = "100.00 USD".parse::<Money>()?.split(3)?;
    let shown: Vec<String> = parts.iter().map(ToString::to_string).collect();
    println!("100.00 USD in three parts: {}", shown.join(" + "));

    // Secrets never print.
    let ids = SequentialIds::default();
    let key = SecretString::generate(&ids, 24);
    println!("\nnew key value (shown once): {}", key.expose_secret());
    println!(
        "the same key in logs: {key:?}; stored as fingerprint {}",
        key.fingerprint().as_str().get(..16).unwrap_or_default()
    );
    Ok(())
}
