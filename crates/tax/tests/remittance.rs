//! Who remits sales/use tax per country: a host-overridable table (rule TAX-6).

use partnerkit_core::{CountryCode, CountryCode as C};
use partnerkit_tax::*;

#[test]
fn the_marketplace_remits_in_some_countries_and_the_seller_in_the_others() {
    // rule: TAX-6
    let t = RemittanceTable::default_table();
    for c in [C::US, C::SE, C::DE, C::GB, C::AU, C::JP] {
        assert_eq!(t.remitter(c), Remitter::Marketplace, "{c}");
    }
    for c in [C::BR, C::IN, C::CN, C::MX] {
        assert_eq!(t.remitter(c), Remitter::Seller, "{c}");
    }
    assert_eq!(t.fallback(), Remitter::Seller);
    assert_eq!(t.version(), DEFAULT_REMITTANCE_TABLE_VERSION);
    assert!(!t.source().is_empty());
    assert_eq!(RemittanceTable::default(), t);
}

#[test]
fn the_host_overrides_the_table() {
    // rule: TAX-6
    let t = RemittanceTable::default_table()
        .with(C::BR, Remitter::Marketplace)
        .with(C::SE, Remitter::Seller);
    assert_eq!(t.remitter(C::BR), Remitter::Marketplace);
    assert_eq!(t.remitter(C::SE), Remitter::Seller);
    let own = RemittanceTable::new(
        "host/1",
        "our marketplace's tax details page",
        Remitter::Marketplace,
        [(C::IN, Remitter::Seller)],
    )
    .unwrap();
    assert_eq!(own.remitter(C::IN), Remitter::Seller);
    assert_eq!(
        own.remitter("NO".parse::<CountryCode>().unwrap()),
        Remitter::Marketplace
    );
}

#[test]
fn a_remittance_table_round_trips_through_json_with_checks() {
    // rule: TAX-6
    let t = RemittanceTable::default_table();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<RemittanceTable>(&json).unwrap(), t);
    let bad = r#"{"version":"","source":"s","fallback":"seller","countries":{}}"#;
    assert!(serde_json::from_str::<RemittanceTable>(bad).is_err());
    let bad_country =
        r#"{"version":"v","source":"s","fallback":"seller","countries":{"XX":"seller"}}"#;
    assert!(serde_json::from_str::<RemittanceTable>(bad_country).is_err());
}
