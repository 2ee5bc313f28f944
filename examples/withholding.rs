//! US withholding for two sellers: a US company with a W-9 (0 %) and an Australian developer with a
//! W-8BEN claiming the treaty rate (5 %); what each is withheld on the same sales, and what happens
//! when the W-8BEN expires (`partnerkit-tax`).
//!
//! Run with `cargo run --example withholding`.

use std::error::Error;

use partnerkit_core::chrono::{NaiveDate, TimeZone, Utc};
use partnerkit_core::{Actor, Context, CountryCode, Decider, DisplayName, SequentialIds};
use partnerkit_tax::{
    Command, ElectronicSignature, EntityType, IncomeType, ProfileDetails, Sale, Tax, TaxProfile,
    TreatyClaim, TreatyTable, UsTin, W8, W9, withhold, withholding_rate,
};

fn main() -> Result<(), Box<dyn Error>> {
    let ids = SequentialIds::default();
    let signed_on = NaiveDate::from_ymd_opt(2027, 3, 1).ok_or("no such date")?;
    let now = Utc
        .with_ymd_and_hms(2027, 3, 1, 9, 0, 0)
        .single()
        .ok_or("no such time")?;
    let ctx = Context::new(now, Actor::Marketplace, &ids);
    let treaties = TreatyTable::irs_table_1();
    let sign = |name: &str| -> Result<ElectronicSignature, Box<dyn Error>> {
        Ok(ElectronicSignature::new(DisplayName::new(name)?, signed_on))
    };

    // A US company: the required form is a W-9 (rule TAX-2).
    let mut contoso = TaxProfile::default();
    let us_company = ProfileDetails {
        residence: CountryCode::US,
        citizenship: CountryCode::US,
        entity_type: EntityType::Entity,
    };
    println!("Contoso Apps LLC files a {}", us_company.required_form());
    Tax::execute(&mut contoso, Command::StartProfile(us_company), &ctx)?;
    Tax::execute(
        &mut contoso,
        Command::SubmitW9(W9 {
            name: DisplayName::new("Contoso Apps LLC")?,
            tin: UsTin::new("12-3456789")?, // checked now, kept masked only (rule X-4)
            signature: sign("Ann Lind")?,
        }),
        &ctx,
    )?;

    // An Australian individual: a W-8BEN, with no US TIN or ITIN (rule TAX-3), claiming the
    // Australia treaty's 5 % on royalties in Part II (rule TAX-5).
    let mut mia = TaxProfile::default();
    let australian = ProfileDetails {
        residence: CountryCode::AU,
        citizenship: CountryCode::AU,
        entity_type: EntityType::Individual,
    };
    println!("Mia Walsh files a {}", australian.required_form());
    Tax::execute(&mut mia, Command::StartProfile(australian), &ctx)?;
    let form = W8 {
        name: DisplayName::new("Mia Walsh")?,
        foreign_tin: None,
        treaty_claim: Some(TreatyClaim {
            country: CountryCode::AU,
            article: "12(2)".parse()?,
            rate: "5%".parse()?,
            income: IncomeType::OtherRoyalties,
        }),
        signature: sign("Mia Walsh")?,
    };
    Tax::execute(
        &mut mia,
        Command::SubmitW8Ben {
            form,
            treaties: treaties.clone(),
        },
        &ctx,
    )?;

    // The same three sales for both; only sales made in the US are withheld on (rule TAX-4).
    let sales = [
        Sale::new("9.99 USD".parse()?, CountryCode::US)?,
        Sale::new("120.00 USD".parse()?, CountryCode::US)?,
        Sale::new("49.00 USD".parse()?, CountryCode::DE)?,
    ];
    let a_day_in_2027 = NaiveDate::from_ymd_opt(2027, 6, 1).ok_or("no such date")?;
    let after_expiry = NaiveDate::from_ymd_opt(2031, 1, 1).ok_or("no such date")?;
    for (seller, profile, on) in [
        ("Contoso (W-9)", &contoso, a_day_in_2027),
        ("Mia (W-8BEN, treaty)", &mia, a_day_in_2027),
        // A W-8 expires at the end of the third calendar year after signing: 30 % again.
        ("Mia (W-8BEN expired)", &mia, after_expiry),
    ] {
        // The rate once per seller and day, then each sale in exact decimal (rule TAX-7).
        let decision = withholding_rate(profile, on, &treaties);
        println!("{seller} on {on}: {} ({})", decision.rate, decision.reason);
        for sale in &sales {
            let w = withhold(sale, &decision);
            assert_eq!(w.withheld.checked_add(w.net)?, w.gross); // to the cent
            println!(
                "    sale {} in {}: withheld {} at {}, net {}",
                w.gross,
                sale.country(),
                w.withheld,
                w.rate,
                w.net
            );
        }
    }
    Ok(())
}
