//! The catalogue: validation on construction and deserialisation, and which version is current.

use partnerkit_agreements::{
    Agreement, AgreementId, AgreementText, AgreementVersion, Catalogue, Error, PublishedVersion,
    TextDigest,
};
use partnerkit_core::Url;
use partnerkit_core::testing::at;

use crate::support::*;

fn text(s: &str) -> AgreementText {
    AgreementText::link(Url::new(s).unwrap())
}

fn v(label: &str, month: u32) -> PublishedVersion {
    PublishedVersion::new(
        version(label),
        at(2027, month, 1, 0, 0, 0),
        text("https://contoso.com/t"),
    )
}

#[test]
fn the_latest_version_is_the_last_one_published_by_now() {
    let cat = catalogue();
    let mpa = agreement(MPA);
    let latest = |y, m, d| {
        cat.latest(&mpa, at(y, m, d, 0, 0, 0))
            .map(|v| v.version().as_str())
    };
    assert_eq!(latest(2026, 6, 30), None);
    assert_eq!(latest(2026, 7, 1), Some("2026-07"));
    assert_eq!(latest(2027, 1, 15), Some("2027-01"));
    // Announced, in the catalogue, but not current before its publish date.
    assert_eq!(latest(2027, 6, 30), Some("2027-01"));
    assert_eq!(latest(2027, 7, 1), Some("2027-07"));
    assert_eq!(cat.latest(&agreement("unknown"), today()), None);
    let a = cat.get(&mpa).unwrap();
    assert_eq!(a.versions().len(), 3);
    assert_eq!(a.name().as_str(), "Microsoft Publisher Agreement");
    assert!(a.version(&version("2027-07")).is_some());
    assert_eq!(cat.agreements().len(), 2);
}

#[test]
fn agreement_ids_are_slugs() {
    // rule: X-3
    for good in ["microsoft-publisher-agreement", "a", "terms-2027", "x1"] {
        assert_eq!(AgreementId::new(good).unwrap().as_str(), good);
    }
    for bad in [
        "",
        "Microsoft",
        "has space",
        "-leading",
        "trailing-",
        "double--hyphen",
        "1starts-with-digit",
        "ümlaut",
        &"a".repeat(65),
    ] {
        assert!(
            matches!(AgreementId::new(bad), Err(Error::InvalidAgreementId { .. })),
            "{bad:?}"
        );
    }
}

#[test]
fn version_labels_are_short_plain_text() {
    // rule: X-3
    for good in ["2027-01", "v3.1", "1", "R_2"] {
        assert_eq!(AgreementVersion::new(good).unwrap().as_str(), good);
    }
    for bad in ["", "v 2", ".v2", "v2/3", &"9".repeat(33)] {
        assert!(
            matches!(
                AgreementVersion::new(bad),
                Err(Error::InvalidVersionLabel { .. })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn digests_are_sha256_hex_in_lower_case() {
    // rule: X-3
    let upper = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
    assert_eq!(
        TextDigest::new(upper).unwrap().as_str(),
        upper.to_lowercase()
    );
    for bad in ["", "abc", &"g".repeat(64), &"a".repeat(65)] {
        assert!(matches!(
            TextDigest::new(bad),
            Err(Error::InvalidDigest { .. })
        ));
    }
}

#[test]
fn a_version_identifies_its_text_and_has_a_sensible_deadline() {
    // rule: X-3
    assert_eq!(
        AgreementText::new(None, None),
        Err(Error::TextNotIdentified)
    );
    let digest = TextDigest::new(&"a".repeat(64)).unwrap();
    let t = AgreementText::digest(digest.clone());
    assert_eq!((t.url(), t.sha256()), (None, Some(&digest)));
    assert_eq!(
        v("v2", 2).with_accept_by(at(2027, 1, 31, 0, 0, 0)),
        Err(Error::AcceptByBeforePublished {
            version: version("v2"),
            published_at: at(2027, 2, 1, 0, 0, 0),
            accept_by: at(2027, 1, 31, 0, 0, 0),
        })
    );
    let same_day = v("v2", 2).with_accept_by(at(2027, 2, 1, 0, 0, 0)).unwrap();
    assert_eq!(same_day.accept_by(), Some(at(2027, 2, 1, 0, 0, 0)));
}

#[test]
fn an_agreement_lists_unique_versions_oldest_first() {
    // rule: X-3
    let id = agreement("terms");
    let n = name("Terms");
    assert_eq!(
        Agreement::new(id.clone(), n.clone(), vec![]),
        Err(Error::NoVersions {
            agreement: id.clone()
        })
    );
    assert_eq!(
        Agreement::new(id.clone(), n.clone(), vec![v("v1", 1), v("v1", 2)]),
        Err(Error::DuplicateVersion {
            agreement: id.clone(),
            version: version("v1"),
        })
    );
    assert_eq!(
        Agreement::new(id.clone(), n.clone(), vec![v("v2", 2), v("v1", 1)]),
        Err(Error::VersionsOutOfOrder {
            agreement: id.clone(),
            version: version("v1"),
            published_at: at(2027, 1, 1, 0, 0, 0),
            previous: version("v2"),
            previous_published_at: at(2027, 2, 1, 0, 0, 0),
        })
    );
    // Two versions published at the same instant leave "the latest" undefined.
    assert!(matches!(
        Agreement::new(id.clone(), n.clone(), vec![v("v1", 1), v("v2", 1)]),
        Err(Error::VersionsOutOfOrder { .. })
    ));
    assert!(Agreement::new(id, n, vec![v("v1", 1), v("v2", 2)]).is_ok());
}

#[test]
fn a_catalogue_lists_each_agreement_once() {
    // rule: X-3
    let a = Agreement::new(agreement("terms"), name("Terms"), vec![v("v1", 1)]).unwrap();
    assert_eq!(
        Catalogue::new(vec![a.clone(), a.clone()]),
        Err(Error::DuplicateAgreement {
            agreement: agreement("terms")
        })
    );
    assert_eq!(Catalogue::new(vec![a]).unwrap().agreements().len(), 1);
    assert!(Catalogue::default().agreements().is_empty());
}

/// Replaces `from` by `to` in the fixture JSON and deserialises it.
fn edited(from: &str, to: &str) -> Result<Catalogue, String> {
    assert!(CATALOGUE_JSON.contains(from), "{from}");
    serde_json::from_str(&CATALOGUE_JSON.replacen(from, to, 1)).map_err(|e| e.to_string())
}

#[test]
fn json_is_validated_like_code() {
    // rule: X-3
    let cases = [
        (
            r#""id": "marketplace-offer-terms""#,
            r#""id": "Marketplace""#,
            "agreement id \"Marketplace\" is not valid",
        ),
        (
            r#""id": "marketplace-offer-terms""#,
            r#""id": "microsoft-publisher-agreement""#,
            "lists agreement microsoft-publisher-agreement more than once",
        ),
        (
            r#""version": "2027-07""#,
            r#""version": "2026-07""#,
            "lists version 2026-07 more than once",
        ),
        (
            r#""published_at": "2027-07-01T00:00:00Z""#,
            r#""published_at": "2026-12-01T00:00:00Z""#,
            "list versions oldest first",
        ),
        (
            r#""accept_by": "2027-03-01T00:00:00Z""#,
            r#""accept_by": "2026-03-01T00:00:00Z""#,
            "accept-by date",
        ),
        (
            r#"{"sha256": "2c26"#,
            r#"{"sha256": "2c2"#,
            "64 hexadecimal digits",
        ),
        (
            r#""text": {"url": "https://contoso.com/mpa/2027-07"}"#,
            r#""text": {}"#,
            "give its link (url)",
        ),
        (
            r#""https://contoso.com/mpa/2026-07""#,
            r#""/mpa/2026-07""#,
            "URL \"/mpa/2026-07\" is not valid",
        ),
        (
            r#""name": "Marketplace Offer Terms""#,
            r#""name": "  ""#,
            "display name is not valid",
        ),
        (
            r#""accept_by": "2027-03-01T00:00:00Z""#,
            r#""acept_by": "2027-03-01T00:00:00Z""#,
            "unknown field `acept_by`",
        ),
    ];
    for (from, to, expected) in cases {
        let err = edited(from, to).unwrap_err();
        assert!(err.contains(expected), "{to}: {err}");
    }
    let empty: Result<Catalogue, _> = serde_json::from_str(
        r#"{"agreements": [{"id": "terms", "name": "Terms", "versions": []}]}"#,
    );
    assert!(empty.unwrap_err().to_string().contains("has no version"));
}

#[test]
fn values_read_from_text_use_the_same_validator() {
    // rule: X-3
    let via_json: Result<AgreementId, _> = serde_json::from_str(r#""Bad Id""#);
    let direct = AgreementId::new("Bad Id").unwrap_err().to_string();
    assert!(via_json.unwrap_err().to_string().contains(&direct));
    assert_eq!(
        "Bad Id".parse::<AgreementId>().unwrap_err().to_string(),
        direct
    );
    assert!(AgreementId::try_from("ok".to_owned()).is_ok());
    assert!(AgreementVersion::try_from("v 1").is_err());
}

#[test]
fn the_catalogue_round_trips_through_json() {
    let cat = catalogue();
    let json = serde_json::to_string(&cat).unwrap();
    let back: Catalogue = serde_json::from_str(&json).unwrap();
    assert_eq!(back, cat);
}
