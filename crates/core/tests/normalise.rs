//! Normalise, then validate: what a constructor returns passes it again unchanged, and text
//! that could pass for other text is refused (rule X-3).

use partnerkit_core::*;
use proptest::prelude::*;

/// `new(new(x)?) == new(x)` for every input that `new` accepts.
fn stable<T: PartialEq + std::fmt::Debug>(
    x: &str,
    new: impl Fn(&str) -> Result<T>,
    text: impl Fn(&T) -> String,
) {
    if let Ok(v) = new(x) {
        let again = new(&text(&v));
        assert_eq!(
            again.as_ref(),
            Ok(&v),
            "{x:?} normalised to {v:?}, which does not pass again"
        );
    }
}

const TRICKY: &[&str] = &[
    "a@İ.com",
    "A@İ.COM",
    "İ@contoso.com",
    "a@contoſo.com",
    "a@\u{212A}elvin.com",
    "ß@straße.de",
    "STRASSE@STRAẞE.DE",
    "e\u{301}@contoso.com",
    "é@contoso.com",
    "a@conto\u{301}so.com",
    "ǅ@contoso.com",
    "ﬁ@contoso.com",
    "Ω@contoso.com",
    "\u{2126}@contoso.com",
    "a\u{200B}@contoso.com",
    "a@contoso\u{202E}.com",
    "ann@contoso.com",
    "ΑΣ@contoso.com",
    "ΑΣΑ@contoso.com",
    "i\u{307}@contoso.com",
    "\u{130}\u{301}@contoso.com",
    " Ann@Contoso.com ",
];

#[test]
fn tricky_email_addresses_are_refused_or_stable() {
    // rule: X-3
    for x in TRICKY {
        stable(x, EmailAddress::new, |e| e.as_str().to_owned());
    }
    // The example of the issue: lower-cased, "İ" becomes "i" + U+0307. The domain is now
    // stored in its canonical ASCII (IDNA) form, which reads back as itself.
    let dotted = EmailAddress::new("a@İ.com").unwrap();
    assert!(dotted.domain().is_ascii());
    assert_eq!(EmailAddress::new(dotted.as_str()), Ok(dotted.clone()));
    assert_eq!(
        EmailAddress::new(&format!("a@{}", dotted.domain_unicode())),
        Ok(dotted)
    );
    // rule: ACC-3 — the domain part is stored in its ASCII form (ß kept, as IDNA 2008 does).
    assert_eq!(
        EmailAddress::new("STRASSE@STRAẞE.DE").unwrap().as_str(),
        "strasse@xn--strae-oqa.de"
    );
}

#[test]
fn tricky_names_are_refused_or_stable() {
    // rule: X-3
    for x in TRICKY
        .iter()
        .chain(&["Ann", " e\u{301} ", "\u{130}", "ﬁ", "\u{2126}"])
    {
        stable(x, DisplayName::new, |n| n.as_str().to_owned());
        stable(x, |s| PersonName::new(s, s), |n| n.first().to_owned());
    }
}

#[test]
fn names_are_nfc() {
    // rule: X-3 — two spellings of one name are one name.
    assert_eq!(
        DisplayName::new("Mu\u{308}ller").unwrap(),
        DisplayName::new("Müller").unwrap()
    );
    assert_eq!(
        DisplayName::new("Mu\u{308}ller").unwrap().as_str(),
        "Müller"
    );
    assert_eq!(
        EmailAddress::new("mu\u{308}ller@contoso.com").map(|e| e.as_str().to_owned()),
        EmailAddress::new("müller@contoso.com").map(|e| e.as_str().to_owned())
    );
}

#[test]
fn invisible_and_direction_changing_characters_are_refused() {
    // rule: X-3 — "admin\u{202E}nimda" shows as "adminadmin"; zero-width characters hide.
    for c in [
        '\u{202A}',
        '\u{202B}',
        '\u{202C}',
        '\u{202D}',
        '\u{202E}',
        '\u{2066}',
        '\u{2067}',
        '\u{2068}',
        '\u{2069}',
        '\u{200E}',
        '\u{200F}',
        '\u{061C}',
        '\u{200B}',
        '\u{200C}',
        '\u{200D}',
        '\u{2060}',
        '\u{FEFF}',
        '\u{00AD}',
        '\u{180E}',
        '\u{3164}',
        '\u{E0041}',
        '\u{2028}',
        '\u{0007}',
        '\u{0085}',
    ] {
        let name = format!("Ann{c}Lind");
        let err = DisplayName::new(&name).unwrap_err();
        assert!(matches!(err, Error::InvalidText { .. }), "{c:?}: {err}");
        assert!(PersonName::new(&name, "Lind").is_err(), "{c:?}");
        assert!(PersonName::new("Ann", &name).is_err(), "{c:?}");
        assert!(checked_text("city", &name, 100).is_err(), "{c:?}");
        assert!(
            EmailAddress::new(&format!("ann{c}@contoso.com")).is_err(),
            "{c:?} in an email address"
        );
        // Deserialising refuses it too.
        let json = serde_json::to_string(&name).unwrap();
        assert!(serde_json::from_str::<DisplayName>(&json).is_err(), "{c:?}");
    }
    insta::assert_snapshot!(
        DisplayName::new("Ann\u{202E}Lind").unwrap_err(),
        @"display name is not valid: it contains the invisible or direction-changing character U+202E: remove it"
    );
}

#[test]
fn text_of_only_blank_characters_is_refused() {
    // rule: X-3
    for blank in [
        "\u{2800}",
        "\u{FE0F}",
        "\u{2800}\u{2800}",
        " \u{3000} ",
        "\u{200B}",
    ] {
        assert!(DisplayName::new(blank).is_err(), "{blank:?}");
    }
    // A variation selector after a visible character is fine (an emoji's presentation).
    assert!(DisplayName::new("Contoso \u{2764}\u{FE0F}").is_ok());
}

#[test]
fn text_of_only_combining_marks_is_refused() {
    // rule: ACC-3 — a name made of accents alone names nothing; so is every text field
    let marks = [
        "\u{308}",                 // Mn: combining diaeresis
        "\u{301}\u{302}",          // two Mn
        " \u{301} ",               // trimmed to one mark
        "\u{301} \u{302}",         // marks and a blank: still nothing to carry them
        "\u{903}",                 // Mc: Devanagari sign visarga
        "\u{20DD}",                // Me: combining enclosing circle
        "\u{20DD}\u{308}\u{903}",  // one of each
        "\u{308}\u{FE0F}\u{2800}", // marks and blanks
    ];
    for text in marks {
        let err = DisplayName::new(text).unwrap_err();
        assert!(matches!(err, Error::InvalidText { .. }), "{text:?}: {err}");
        assert!(PersonName::new(text, "Lind").is_err(), "{text:?}");
        assert!(PersonName::new("Ann", text).is_err(), "{text:?}");
        assert!(checked_text("city", text, 100).is_err(), "{text:?}");
        // Deserialising goes through the same rule.
        let json = serde_json::to_string(text).unwrap();
        assert!(
            serde_json::from_str::<DisplayName>(&json).is_err(),
            "{text:?}"
        );
        let person = format!(r#"{{"first":{json},"last":"Lind"}}"#);
        assert!(
            serde_json::from_str::<PersonName>(&person).is_err(),
            "{text:?}"
        );
    }
    insta::assert_snapshot!(
        DisplayName::new("\u{301}\u{302}").unwrap_err(),
        @"display name is not valid: it has only combining marks (accents with no letter to sit on): give a value with at least one letter, digit or symbol"
    );

    // A letter carrying marks is a name; so is one with a mark NFC cannot compose.
    assert_eq!(DisplayName::new("e\u{301}").unwrap().as_str(), "\u{e9}");
    assert_eq!(
        DisplayName::new("q\u{301}\u{302}").unwrap().as_str(),
        "q\u{301}\u{302}"
    );
    assert!(PersonName::new("Zoe\u{308}", "Ba\u{301}rd").is_ok());
    assert!(DisplayName::new("\u{939}\u{903}").is_ok()); // Devanagari letter and sign
    let json = serde_json::to_string("A\u{20DD}").unwrap();
    assert!(serde_json::from_str::<DisplayName>(&json).is_ok());
}

#[test]
fn mixed_scripts_are_allowed() {
    // rule: X-3 — documented policy: allowed, hosts display with care.
    assert!(PersonName::new("Anna", "Müller 王").is_ok());
    let cyrillic = DisplayName::new("\u{410}pple").unwrap();
    assert_ne!(cyrillic, DisplayName::new("Apple").unwrap());
}

#[test]
fn huge_input_is_refused_before_parsing() {
    // rule: X-3
    let mb = "a".repeat(1 << 20);
    assert!(matches!(
        DisplayName::new(&mb),
        Err(Error::InvalidText { .. })
    ));
    assert!(matches!(
        EmailAddress::new(&format!("{mb}@contoso.com")),
        Err(Error::InvalidEmail { .. })
    ));
    assert!(matches!(
        PhoneNumber::new(&format!("+1{mb}")),
        Err(Error::InvalidPhone { .. })
    ));
    assert!(matches!(
        Url::new(&format!("https://contoso.com/{mb}")),
        Err(Error::InvalidUrl { .. })
    ));
    // Surrounding white space within the bound is still trimmed.
    assert_eq!(
        DisplayName::new(&format!("{}Ann{}", " ".repeat(100), " ".repeat(100)))
            .unwrap()
            .as_str(),
        "Ann"
    );
}

fn tricky_char() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        'a', 'Z', 'İ', 'ı', 'ß', 'ẞ', 'ſ', '\u{212A}', '\u{2126}', 'Ω', 'ǅ', 'ﬁ', 'é', 'Σ', 'ς',
        '\u{301}', '\u{307}', '\u{308}', '\u{200B}', '\u{202E}', '\u{FE0F}', '\u{2800}', ' ', '.',
        '@', '-', '_', '+', '1', '王', 'Ж', '\u{0345}', '\u{1E9E}',
    ])
}

fn tricky_string() -> impl Strategy<Value = String> {
    prop::collection::vec(tricky_char(), 0..16).prop_map(|v| v.into_iter().collect())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn email_is_stable(local in tricky_string(), domain in tricky_string(), tld in "[a-zA-Z]{2,4}") {
        // rule: X-3
        let x = format!("{local}@{domain}.{tld}");
        stable(&x, EmailAddress::new, |e| e.as_str().to_owned());
    }

    #[test]
    fn text_is_stable(x in tricky_string(), y in any::<String>()) {
        // rule: X-3
        stable(&x, DisplayName::new, |n| n.as_str().to_owned());
        stable(&y, DisplayName::new, |n| n.as_str().to_owned());
        stable(&x, |s| PersonName::new(s, "Lind"), |n| n.first().to_owned());
        stable(&y, EmailAddress::new, |e| e.as_str().to_owned());
        stable(&y, Url::new, |u| u.as_str().to_owned());
        stable(&y, PhoneNumber::new, |p| p.as_str().to_owned());
    }

    #[test]
    fn url_is_stable(path in tricky_string(), scheme in "(https|api|urn|web\\+x)") {
        // rule: X-3
        stable(&format!("{scheme}://contoso.com/{path}"), Url::new, |u| u.as_str().to_owned());
        stable(&format!("{scheme}:{path}"), Url::new, |u| u.as_str().to_owned());
    }
}
