//! The treaty table: versioned data with its source, one test row per country (rule TAX-5).

use partnerkit_core::testing::given;
use partnerkit_core::{CountryCode, CountryCode as C};
use partnerkit_tax::*;

use crate::support::*;

/// The sixteen countries of `data/treaty-royalty-rates.md`: (country, rate, article).
const TABLE: [(&str, &str, Option<&str>); 16] = [
    ("GB", "0%", Some("12(1)")),
    ("DE", "0%", Some("12(1)")),
    ("FR", "0%", Some("12(1)")),
    ("IN", "15%", Some("12(2)")),
    ("CN", "10%", Some("11(2)")),
    ("JP", "0%", Some("12(1)")),
    ("CA", "0%", Some("12(3)")),
    ("AU", "5%", Some("12(2)")),
    ("IE", "0%", Some("12(1)")),
    ("NL", "0%", Some("13(1)")),
    ("IL", "10%", Some("14(1)")),
    ("KR", "10%", Some("14(1)")),
    ("SE", "0%", Some("12(1)")),
    ("ES", "0%", Some("12(1)")),
    ("MX", "10%", Some("12(2)")),
    ("BR", "30%", None),
];

#[test]
fn the_default_table_names_its_source_version_and_effective_date() {
    // rule: TAX-5
    let t = TreatyTable::irs_table_1();
    assert!(
        t.source().contains("IRS Tax Treaty Table 1"),
        "{}",
        t.source()
    );
    assert!(t.source().contains("income code 12"), "{}", t.source());
    assert_eq!(t.version(), DEFAULT_TREATY_TABLE_VERSION);
    assert_eq!(t.effective(), date(2025, 1, 1));
    assert_eq!(t.entries().len(), 16);
    assert_eq!(TreatyTable::default(), t);
    assert_eq!(IncomeType::OtherRoyalties.income_code(), 12);
}

#[test]
fn every_country_of_the_data_file_has_its_rate_and_article() {
    // rule: TAX-5
    let t = TreatyTable::irs_table_1();
    for (code, rate, article) in TABLE {
        let country: CountryCode = code.parse().unwrap();
        let e = t.entry(country, IncomeType::OtherRoyalties).unwrap();
        assert_eq!(e.rate.to_string(), rate, "{code}");
        assert_eq!(
            e.article.as_ref().map(TreatyArticle::as_str),
            article,
            "{code}"
        );
        assert_eq!(
            t.treaty(country, IncomeType::OtherRoyalties).is_some(),
            article.is_some(),
            "{code}"
        );
    }
}

#[test]
fn every_treaty_country_claim_is_accepted_and_withheld_at_its_rate() {
    // rule: TAX-5
    let t = TreatyTable::irs_table_1();
    for (code, rate, article) in TABLE {
        let country: CountryCode = code.parse().unwrap();
        let Some(article) = article else { continue };
        let claim = claim(country, article, rate);
        let profile = given::<Tax>([Event::ProfileStarted {
            details: individual(country),
            on: None,
        }])
        .when(Command::SubmitW8Ben {
            form: w8(Some(claim.clone()), date(2027, 1, 15)),
            treaties: t.clone(),
        })
        .then([w8_submitted(
            FormKind::W8Ben,
            Some(claim),
            date(2027, 1, 15),
        )]);
        let d = withholding_rate(&profile, date(2027, 6, 1), &t);
        assert_eq!(d.rate.to_string(), rate, "{code}");
        assert!(matches!(d.reason, RateReason::Treaty { .. }), "{code}");
    }
}

#[test]
fn every_treaty_country_gets_30_percent_without_a_claim_or_after_expiry() {
    // rule: TAX-5
    let t = TreatyTable::irs_table_1();
    for (code, _, article) in TABLE {
        let country: CountryCode = code.parse().unwrap();
        let with_claim = article.is_some();
        let p = w8_profile(country, date(2027, 1, 15), with_claim);
        assert_eq!(
            withholding_rate(&p, date(2031, 1, 1), &t).rate,
            Rate::DEFAULT_WITHHOLDING,
            "{code}"
        );
        let no_claim = w8_profile(country, date(2027, 1, 15), false);
        assert_eq!(
            withholding_rate(&no_claim, date(2027, 6, 1), &t).rate,
            Rate::DEFAULT_WITHHOLDING,
            "{code}"
        );
    }
}

#[test]
fn brazil_has_no_treaty_so_the_default_applies() {
    // rule: TAX-5
    let t = TreatyTable::irs_table_1();
    let br = t.entry(C::BR, IncomeType::OtherRoyalties).unwrap();
    assert!(!br.has_treaty());
    assert_eq!(br.rate, Rate::DEFAULT_WITHHOLDING);
    assert!(t.treaty(C::BR, IncomeType::OtherRoyalties).is_none());
}

#[test]
fn a_host_table_is_checked_like_the_default() {
    // rule: TAX-5
    // rule: X-3
    let row = |c, r: &str| {
        TreatyEntry::treaty(
            c,
            IncomeType::OtherRoyalties,
            r.parse().unwrap(),
            "12(1)".parse().unwrap(),
        )
    };
    let bad = [
        vec![row(C::US, "0%")],
        vec![row(C::SE, "31%")],
        vec![row(C::SE, "0%"), row(C::SE, "5%")],
        vec![TreatyEntry {
            rate: Rate::ZERO,
            ..TreatyEntry::no_treaty(C::BR, IncomeType::OtherRoyalties)
        }],
    ];
    for entries in bad {
        let err = TreatyTable::new("v", "s", date(2026, 1, 1), entries.clone()).unwrap_err();
        assert!(
            matches!(err, Error::InvalidTreatyTable { .. }),
            "{entries:?}: {err}"
        );
    }
    assert!(TreatyTable::new(" ", "s", date(2026, 1, 1), []).is_err());
    let ok = TreatyTable::new(
        "v1",
        "my copy of Table 1",
        date(2026, 1, 1),
        [row(C::SE, "0%")],
    )
    .unwrap();
    assert_eq!(ok.entries().len(), 1);
}

#[test]
fn a_table_read_from_json_is_checked_on_the_way_in() {
    // rule: TAX-5
    let t = TreatyTable::irs_table_1();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<TreatyTable>(&json).unwrap(), t);
    let above = json.replace(r#""rate":"15%""#, r#""rate":"35%""#);
    assert!(serde_json::from_str::<TreatyTable>(&above).is_err());
    assert!(serde_json::from_str::<TreatyArticle>(r#""Article 12""#).is_err());
    assert!(serde_json::from_str::<Rate>(r#""300%""#).is_err());
}

#[test]
fn article_references_are_validated() {
    // rule: X-3
    for ok in ["12", "12(1)", "12(2)(a)", "1(1)(b)(ii)"] {
        assert!(TreatyArticle::new(ok).is_ok(), "{ok}");
    }
    for bad in [
        "",
        "(1)",
        "1234",
        "12()",
        "12(1",
        "12(1)(2)(3)(4)",
        "Art. 12",
        "12(abcde)",
    ] {
        assert!(TreatyArticle::new(bad).is_err(), "{bad}");
    }
}
