//! Internationalised domain names: one canonical (ASCII) form for domains and the domain
//! part of email addresses.

use partnerkit_core::{EmailAddress, Error, canonical_domain, display_domain};
use proptest::prelude::*;

#[test]
fn unicode_and_punycode_are_one_domain() {
    // rule: ACC-3
    assert_eq!(canonical_domain("bücher.de").unwrap(), "xn--bcher-kva.de");
    assert_eq!(
        canonical_domain("xn--bcher-kva.de").unwrap(),
        "xn--bcher-kva.de"
    );
    assert_eq!(canonical_domain(" BÜCHER.De ").unwrap(), "xn--bcher-kva.de");
    assert_eq!(
        canonical_domain("XN--BCHER-KVA.DE").unwrap(),
        "xn--bcher-kva.de"
    );
    assert_eq!(
        canonical_domain("例え.テスト").unwrap(),
        "xn--r8jz45g.xn--zckzah"
    );
    assert_eq!(display_domain("xn--bcher-kva.de"), "bücher.de");
    // ASCII names keep the form they always had.
    assert_eq!(
        canonical_domain("Contoso.onmicrosoft.com").unwrap(),
        "contoso.onmicrosoft.com"
    );
}

#[test]
fn invalid_labels_are_refused() {
    // rule: ACC-3
    for bad in [
        "",
        "contoso",
        "bücher",
        "-bücher.de",
        "bücher-.de",
        "bü_cher.de",
        "bü cher.de",
        "bücher..de",
        "bücher.de.",
        ".bücher.de",
        "xn--zz.de",         // not valid Punycode
        "xn--contoso-.com",  // Punycode of an all-ASCII label
        "bu\u{200B}cher.de", // an invisible character is refused, not dropped
        "bücher.123",
        "10.0.0.1",
        "[10.0.0.1]",
        "-contoso.com",
        "contoso-.com",
        "con_toso.com",
        "con toso.com",
        "contoso.com.",
        "contoso.c/m",
        "ann@contoso.com",
    ] {
        assert!(
            matches!(canonical_domain(bad), Err(Error::InvalidDomain { .. })),
            "{bad:?} was accepted"
        );
    }
    let long_label = format!("{}.de", "ü".repeat(60));
    assert!(
        canonical_domain(&long_label).is_err(),
        "its xn-- form has over 63 characters"
    );
    let long_name = format!("{}de", "a1234567.".repeat(28));
    assert!(long_name.len() > 253);
    assert!(canonical_domain(&long_name).is_err());
    assert!(canonical_domain(&"ü".repeat(100_000)).is_err());
}

#[test]
fn email_domains_are_canonical() {
    // rule: ACC-3
    let unicode = EmailAddress::new("Ann@Bücher.de").unwrap();
    let ascii = EmailAddress::new("ann@xn--bcher-kva.de").unwrap();
    assert_eq!(unicode, ascii);
    assert_eq!(unicode.as_str(), "ann@xn--bcher-kva.de");
    assert_eq!(unicode.domain(), "xn--bcher-kva.de");
    assert_eq!(unicode.domain_unicode(), "bücher.de");
    // Serde goes through the same constructor.
    let read: EmailAddress = serde_json::from_str("\"ann@bücher.de\"").unwrap();
    assert_eq!(read, ascii);
    assert_eq!(
        serde_json::to_string(&read).unwrap(),
        "\"ann@xn--bcher-kva.de\""
    );
    // A Unicode local part stays as it is.
    assert_eq!(
        EmailAddress::new("jörg@bücher.de").unwrap().as_str(),
        "jörg@xn--bcher-kva.de"
    );
    for bad in [
        "ann@bü_cher.de",
        "ann@xn--zz.de",
        "ann@-bücher.de",
        "ann@bücher",
    ] {
        assert!(
            matches!(EmailAddress::new(bad), Err(Error::InvalidEmail { .. })),
            "{bad:?} was accepted"
        );
    }
}

fn label() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?",
        "[a-zäöüßéñ]{1,12}",
        "[a-zA-Zα-ωа-я0-9]{1,12}",
        "\\PC{1,12}",
        "xn--[a-z0-9]{1,10}",
    ]
}

proptest! {
    #[test]
    fn canonical_domain_is_stable(labels in prop::collection::vec(label(), 1..5), tld in "[a-zA-Zä]{2,6}") {
        // rule: ACC-3
        let x = format!("{}.{tld}", labels.join("."));
        let once = canonical_domain(&x);
        if let Ok(v) = &once {
            prop_assert!(v.is_ascii());
            prop_assert_eq!(&canonical_domain(v), &once);
            prop_assert_eq!(&canonical_domain(&display_domain(v)), &once);
            let email = EmailAddress::new(&format!("ann@{x}"));
            prop_assert_eq!(email.map(|e| e.domain().to_owned()).ok(), Some(v.clone()));
        }
    }
}
