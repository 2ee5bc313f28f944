//! Internationalised tenant domain names: Unicode or `xn--` in, one ASCII form stored.

use partnerkit_core::EmailAddress;
use partnerkit_identity::{DomainLabel, DomainName, Error};
use proptest::prelude::*;

#[test]
fn unicode_and_punycode_spellings_are_one_domain() {
    // rule: TEN-3
    let unicode = DomainName::new("Bücher.de").unwrap();
    let ascii = DomainName::new("xn--bcher-kva.de").unwrap();
    assert_eq!(unicode, ascii);
    assert_eq!(unicode.as_str(), "xn--bcher-kva.de");
    assert_eq!(unicode.to_unicode(), "bücher.de");
    // Round trip through text and serde, both through the same constructor.
    assert_eq!(DomainName::new(unicode.as_str()).unwrap(), unicode);
    assert_eq!(DomainName::new(&unicode.to_unicode()).unwrap(), unicode);
    let json = serde_json::to_string(&unicode).unwrap();
    assert_eq!(json, "\"xn--bcher-kva.de\"");
    assert_eq!(serde_json::from_str::<DomainName>(&json).unwrap(), unicode);
    assert_eq!(
        serde_json::from_str::<DomainName>("\"bücher.de\"").unwrap(),
        unicode
    );
    // ASCII names keep their form.
    assert_eq!(
        DomainName::new(" Contoso.COM ").unwrap().as_str(),
        "contoso.com"
    );
}

#[test]
fn a_domain_and_an_email_in_it_agree() {
    // rule: TEN-3
    // rule: ACC-3
    let domain = DomainName::new("bücher.de").unwrap();
    let email = EmailAddress::new("ann@bücher.de").unwrap();
    assert_eq!(email.domain(), domain.as_str());
    assert_eq!(email, EmailAddress::new("ann@xn--bcher-kva.de").unwrap());
}

#[test]
fn invalid_labels_are_refused() {
    // rule: TEN-3
    for bad in [
        "bücher",
        "bü_cher.de",
        "-bücher.de",
        "bücher-.de",
        "bücher..de",
        "xn--zz.de",
        "bü\u{202E}cher.de",
        "contoso.123",
    ] {
        let err = DomainName::new(bad).unwrap_err();
        assert!(
            matches!(err, Error::InvalidDomain { .. }),
            "{bad:?}: {err:?}"
        );
        assert_eq!(err.code(), "invalid_domain");
        assert!(serde_json::from_str::<DomainName>(&serde_json::to_string(bad).unwrap()).is_err());
    }
    let too_long = format!("{}.de", "ü".repeat(60));
    assert!(DomainName::new(&too_long).is_err());
}

#[test]
fn initial_domain_labels_stay_ascii() {
    // rule: TEN-3 — NAME.onmicrosoft.com is made of ASCII letters and digits only.
    let err = DomainLabel::new("bücher").unwrap_err();
    assert!(err.to_string().contains("ASCII"), "{err}");
    assert!(err.to_string().contains("rule TEN-3"), "{err}");
    let label = DomainLabel::new("Buecher").unwrap();
    let domain = label.domain();
    assert_eq!(DomainName::new(domain.as_str()).unwrap(), domain);
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
        "[a-zäöüßéñA-Z]{1,12}",
        "[α-ωа-я0-9王]{1,8}",
        "\\PC{1,10}",
        "xn--[a-z0-9-]{1,10}",
    ]
}

proptest! {
    #[test]
    fn the_canonical_form_reads_back_as_itself(labels in prop::collection::vec(label(), 1..5), tld in "[a-zä]{2,6}") {
        // rule: TEN-3
        let x = format!("{}.{tld}", labels.join("."));
        let once = DomainName::new(&x);
        if let Ok(d) = &once {
            prop_assert_eq!(&DomainName::new(d.as_str()), &once);
            prop_assert_eq!(&DomainName::new(&d.to_unicode()), &once);
            prop_assert_eq!(&serde_json::from_str::<DomainName>(&serde_json::to_string(d).unwrap()).ok(), &once.as_ref().ok().cloned());
        }
    }
}
