//! The serde form of every core type is part of the public format: changing it shows here.

use chrono::{TimeZone, Utc};
use partnerkit_core::testing::id;
use partnerkit_core::*;

#[test]
fn serde_forms() {
    let address = PostalAddress::builder("1 Microsoft Way", "Redmond", CountryCode::US)
        .region("WA")
        .postal_code("98052-6399")
        .build()
        .unwrap();
    let ids = SequentialIds::default();
    let actor = Actor::User {
        tenant: id(1),
        user: id(2),
    };
    let ctx = Context::new(
        Utc.with_ymd_and_hms(2027, 3, 31, 23, 59, 0).unwrap(),
        actor,
        &ids,
    );
    let value = serde_json::json!({
        "money": "-12.50 USD".parse::<Money>().unwrap(),
        "currency": Currency::SEK,
        "rounding": Rounding::HalfEven,
        "country": CountryCode::SE,
        "email": EmailAddress::new("Ann@Contoso.com").unwrap(),
        "phone": PhoneNumber::new("+1 (425) 555-0100").unwrap(),
        "display_name": DisplayName::new("Contoso Apps").unwrap(),
        "person": PersonName::new("Ann", "Lind").unwrap(),
        "address": address,
        "url": Url::new("api://contoso.com/app").unwrap(),
        "seller_id": SellerId::new("91234567").unwrap(),
        "user_id": id::<UserId>(7),
        "actors": [
            actor,
            Actor::App { tenant: id(1), app: id(3) },
            Actor::OwnerAccount { owner: id(4) },
            Actor::Marketplace,
        ],
        "envelope": Envelope::new(&ctx, "event payload"),
        "version": Version::new(3),
        "fingerprint": SecretString::new("key value").fingerprint(),
        "masked": SecretString::new("000123456789").masked(4),
    });
    insta::assert_json_snapshot!(value);
}
