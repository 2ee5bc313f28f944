//! Every newtype round-trips through serde and `FromStr`, and deserialising validates.

use std::fmt::Debug;
use std::str::FromStr;

use partnerkit_core::testing::id;
use partnerkit_core::*;
use proptest::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

fn round_trip<T>(v: &T)
where
    T: Serialize + DeserializeOwned + FromStr + ToString + PartialEq + Debug,
    <T as FromStr>::Err: Debug,
{
    let json = serde_json::to_string(v).unwrap();
    assert_eq!(
        &serde_json::from_str::<T>(&json).unwrap(),
        v,
        "serde of {json}"
    );
    assert_eq!(&v.to_string().parse::<T>().unwrap(), v, "FromStr of {v:?}");
}

proptest! {
    #[test]
    fn countries(c in prop::sample::select(CountryCode::all().collect::<Vec<_>>())) {
        round_trip(&c);
    }

    #[test]
    fn currencies_and_money(c in prop::sample::select(Currency::all().collect::<Vec<_>>()), units in any::<i64>(), extra in 0u32..6) {
        round_trip(&c);
        // Whole minor units, written with `extra` trailing zeros: a given amount's value,
        // however many zeros follow it (more significant decimals are refused: tests/money.rs).
        let mut amount = rust_decimal::Decimal::new(units, c.minor_unit_scale());
        amount.rescale(c.minor_unit_scale() + extra);
        let m = Money::new(amount, c);
        round_trip(&m);
    }

    #[test]
    fn ids(n in any::<u128>()) {
        round_trip(&id::<UserId>(n));
        round_trip(&id::<TenantId>(n));
        round_trip(&id::<AccountId>(n));
        round_trip(&id::<KeyId>(n));
    }

    #[test]
    fn seller_ids(n in 1u64..) {
        round_trip(&SellerId::new(&n.to_string()).unwrap());
    }

    #[test]
    fn emails(local in "[a-z0-9][a-z0-9_+-]{0,10}(\\.[a-z0-9]{1,8}){0,2}", domain in "[a-z0-9]{1,20}\\.[a-z]{2,6}") {
        let e = EmailAddress::new(&format!("{local}@{domain}")).unwrap();
        round_trip(&e);
    }

    #[test]
    fn phones(digits in "(1[2-9][0-9]{9}|4[4-9][0-9]{4,13}|683[0-9]{4,12})") {
        // Numbers under assigned country codes (+1, +44–49, +683) of allowed lengths.
        let p = PhoneNumber::new(&format!("+{digits}")).unwrap();
        round_trip(&p);
        prop_assert_eq!(p.as_str(), format!("+{digits}"));
    }

    #[test]
    fn display_names(s in "[A-Za-z0-9][A-Za-z0-9 .,&'-]{0,200}[A-Za-z0-9]") {
        round_trip(&DisplayName::new(&s).unwrap());
    }

    #[test]
    fn urls(host in "[a-z][a-z0-9]{0,30}\\.(com|net|org)", path in "(/[a-z0-9]{1,10}){0,5}") {
        round_trip(&Url::new(&format!("https://{host}{path}")).unwrap());
    }

    #[test]
    fn structured_values(first in "[A-Z][a-z]{0,20}", last in "[A-Z][a-z]{0,20}", zip in "[0-9]{5}") {
        let n = PersonName::new(&first, &last).unwrap();
        let back: PersonName = serde_json::from_str(&serde_json::to_string(&n).unwrap()).unwrap();
        prop_assert_eq!(back, n);
        let a = PostalAddress::builder("1 Main St", "Springfield", CountryCode::US).postal_code(&zip).build().unwrap();
        let back: PostalAddress = serde_json::from_str(&serde_json::to_string(&a).unwrap()).unwrap();
        prop_assert_eq!(back, a);
    }
}

#[test]
fn deserialising_validates_like_parsing() {
    assert!(serde_json::from_str::<CountryCode>("\"XX\"").is_err());
    assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
    assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());
    assert!(serde_json::from_str::<PhoneNumber>("\"12\"").is_err());
    assert!(serde_json::from_str::<SellerId>("\"0123\"").is_err());
    assert!(serde_json::from_str::<UserId>("\"not-a-uuid\"").is_err());
    assert!(serde_json::from_str::<PersonName>(r#"{"first":"","last":"Lind"}"#).is_err());
    assert!(
        serde_json::from_str::<PostalAddress>(
            r#"{"line1":"1 Main St","city":"Springfield","country":"US"}"#
        )
        .is_err(),
        "a US address without ZIP code"
    );
    assert!(serde_json::from_str::<Money>(r#"{"amount":"1.00","currency":"usd"}"#).is_err());
    assert!(serde_json::from_str::<Fingerprint>("\"abc\"").is_err());
}
