//! Values to their standards (issue 25): E.123 trunk prefixes in phone numbers, the RFC 5321
//! length of an email address, no space-like characters before `@`, and IDNA 2008 label
//! characters in domain names.

use partnerkit_core::{EmailAddress, Error, PhoneNumber, canonical_domain};

#[test]
fn a_parenthesised_trunk_prefix_after_the_country_code_is_dropped() {
    // rule: ACC-3
    // rule: PAY-2
    // standard: ITU-T E.123 §2.5 (the trunk prefix in parentheses is not dialled from abroad)
    for (given, stored) in [
        ("+44 (0) 20 7946 0958", "+442079460958"),
        ("+44(0)2079460958", "+442079460958"),
        ("+49 (0)30 901820", "+4930901820"),
        ("+33 (0)1 23 45 67 89", "+33123456789"),
        ("+61 (0)2 9876 5432", "+61298765432"),
        ("+46 (0)8 123 456 78", "+46812345678"),
    ] {
        let p = PhoneNumber::new(given).unwrap();
        assert_eq!(p.as_str(), stored, "{given}");
        // The same number written without the prefix is the same value.
        assert_eq!(PhoneNumber::new(stored), Ok(p.clone()));
        assert_eq!(
            serde_json::from_str::<PhoneNumber>(&format!("{given:?}")).unwrap(),
            p
        );
    }
}

#[test]
fn italys_leading_zero_is_part_of_the_number() {
    // rule: ACC-3
    // standard: ITU-T E.164 national numbering of Italy; libphonenumber (IT has no national
    // prefix and marks the leading zero as part of the number)
    let rome = PhoneNumber::new("+39 06 1234 5678").unwrap();
    assert_eq!(rome.as_str(), "+390612345678");
    assert_eq!(PhoneNumber::new("+39 (0)6 1234 5678"), Ok(rome.clone()));
    assert_eq!(PhoneNumber::new("+39 (0) 6 1234 5678"), Ok(rome));
    // A "(0)" that is not right after the country code keeps its digit, as before.
    assert_eq!(
        PhoneNumber::new("+46 8 (0)12 34 56").unwrap().as_str(),
        "+4680123456"
    );
}

/// A domain of exactly `len` characters: labels of at most 63 letters, ending in `.com`.
fn domain_of(len: usize) -> String {
    let mut labels = Vec::new();
    let mut left = len - "com".len();
    while left > 0 {
        // A label and its dot; never leave a remainder of 1 (a dot without a label).
        let take = left.min(64);
        let take = if left - take == 1 { take - 1 } else { take };
        labels.push("b".repeat(take - 1));
        left -= take;
    }
    format!(
        "{}com",
        labels.iter().map(|l| format!("{l}.")).collect::<String>()
    )
}

#[test]
fn an_address_has_at_most_254_octets() {
    // rule: ACC-3
    // standard: RFC 5321 §4.5.3.1.3 (a path is at most 256 octets, angle brackets included)
    let local = "a".repeat(64);
    for len in [180, 189, 190] {
        assert_eq!(domain_of(len).len(), len);
    }
    let at_limit = format!("{local}@{}", domain_of(189));
    assert_eq!(at_limit.len(), 254);
    assert_eq!(EmailAddress::new(&at_limit).unwrap().as_str(), at_limit);
    let over = format!("{local}@{}", domain_of(190));
    assert_eq!(over.len(), 255);
    let err = EmailAddress::new(&over).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidEmail { reason, .. } if reason.contains("at most 254")),
        "{err}"
    );
    // Counted in the stored form: a Unicode domain counts by its longer xn-- form.
    let mut both = (false, false);
    for n in 1..60 {
        let domain = format!("{}.{}", "ü".repeat(n), domain_of(150));
        let Ok(ascii) = canonical_domain(&domain) else {
            continue;
        };
        let given = format!("{local}@{domain}");
        let stored_len = local.len() + 1 + ascii.len();
        let ok = EmailAddress::new(&given).is_ok();
        assert_eq!(ok, stored_len <= 254, "{given}: {stored_len} octets stored");
        if ok {
            both.0 = true;
        } else if given.chars().count() <= 254 {
            // Short enough in characters, too long in its stored (xn--) form.
            both.1 = true;
        }
    }
    assert_eq!(both, (true, true), "both sides of the limit were tried");
}

#[test]
fn space_like_characters_before_the_at_are_refused() {
    // rule: ACC-3
    // rule: X-3
    // standard: RFC 5322 §3.4.1 and RFC 6531 §3.3 (no unquoted spaces in a local part)
    for c in [
        ' ', '\t', '\u{a0}', '\u{85}', '\u{1680}', '\u{2000}', '\u{2007}', '\u{200A}', '\u{2028}',
        '\u{2029}', '\u{202F}', '\u{205F}', '\u{3000}', '\u{0}', '\u{1b}', '\u{9f}',
    ] {
        for given in [
            format!("ann{c}lind@contoso.com"),
            format!("\"ann{c}lind\"@contoso.com"),
            format!("ann{c}@contoso.com"),
        ] {
            let Err(err) = EmailAddress::new(&given) else {
                panic!("{given:?} was accepted");
            };
            assert_eq!(err.code(), "invalid_email", "{given:?}");
        }
    }
    // Plain addresses are still fine.
    assert!(EmailAddress::new("ann.lind@contoso.com").is_ok());
    assert!(EmailAddress::new("jörg@bücher.de").is_ok());
}

#[test]
fn domain_labels_hold_only_letters_marks_digits_and_inner_hyphens() {
    // rule: ACC-3
    // rule: TEN-3
    // standard: RFC 5891 §4.2 and RFC 5892 (IDNA 2008 PVALID, CONTEXTO), after UTS #46 mapping
    for bad in [
        "☃.net",
        "💩.la",
        "paypal—secure.com", // em dash
        "paypal–secure.com", // en dash
        "a∕b.com",           // U+2215 division slash
        "a⁄b.com",           // U+2044 fraction slash
        "a·b.cat",           // middle dot outside l·l (CONTEXTO)
        "·l.cat",
        "l·.cat",
        "ex--ample.com",
        "ab--.com",
        "a★b.com",
        "a☺.com",
        "a©b.com",
        "a€b.com",
        "a・b.jp", // katakana middle dot: punctuation, refused (stricter than RFC 5892)
        "\u{301}a.com", // a label starting with a combining mark
        "a\u{640}b.com", // Arabic tatweel: an RFC 5892 §2.6 DISALLOWED exception
        "xn--n3h.net", // ☃ written as its A-label
        "xn--ls8h.la", // 💩 written as its A-label
    ] {
        let err = canonical_domain(bad).unwrap_err();
        assert_eq!(err.code(), "invalid_domain", "{bad}");
        assert!(
            EmailAddress::new(&format!("ann@{bad}")).is_err(),
            "ann@{bad}"
        );
    }
    for (good, ascii) in [
        ("col·legi.cat", "xn--collegi-xma.cat"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("日本語.jp", "xn--wgv71a119e.jp"),
        ("παράδειγμα.gr", "xn--hxajbheg2az3al.gr"),
        ("ex-ample.com", "ex-ample.com"),
        ("a-b-c.com", "a-b-c.com"),
        ("e\u{301}cole.fr", "xn--cole-9oa.fr"), // a combining mark after a letter (NFC: é)
    ] {
        let canonical = canonical_domain(good).unwrap();
        assert_eq!(canonical, ascii, "{good}");
        // An A-label is accepted when it decodes to a valid U-label, and reads back as itself.
        assert_eq!(canonical_domain(&canonical).unwrap(), canonical);
    }
}

#[test]
fn special_use_domains_are_accepted_in_emails_and_a_trailing_dot_is_refused() {
    // rule: ACC-3
    // standard: RFC 6761 §6 (special-use domain names), RFC 6762 (.local), RFC 7686 (.onion)
    // A policy of issue 25: the form is checked, not deliverability.
    for ok in [
        "ann@example.test",
        "ann@host.local",
        "ann@x.invalid",
        "ann@x.localhost",
        "ann@expyuzz4wqqyqhjn.onion",
        "ann@example.com",
    ] {
        assert_eq!(EmailAddress::new(ok).unwrap().as_str(), ok);
    }
    // A trailing dot is refused, not stripped: one spelling per domain.
    for bad in ["ann@example.com.", "ann@example.test."] {
        assert!(EmailAddress::new(bad).is_err(), "{bad}");
    }
    assert!(canonical_domain("example.com.").is_err());
}
