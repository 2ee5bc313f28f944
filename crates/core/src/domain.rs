//! Domain names, internationalised or not, in one canonical form.

use std::borrow::Cow;

use icu_properties::CodePointMapData;
use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
use idna::uts46::{AsciiDenyList, DnsLength, Hyphens, Uts46};

use crate::error::{Error, Result, clip};
use crate::text;

/// The longest domain name accepted, in characters of its canonical (ASCII) form.
pub const MAX_DOMAIN_CHARS: usize = 253;

/// The longest input read, in bytes, before any other work: a 253-character name written
/// in Unicode takes at most four bytes a character.
const MAX_INPUT_BYTES: usize = 4 * MAX_DOMAIN_CHARS;

/// Normalises a domain name, given in Unicode (`bücher.de`) or in its ASCII form
/// (`xn--bcher-kva.de`), to its canonical form, then validates that form.
///
/// **The canonical form is ASCII** (IDNA 2008 / UTS #46 *ToASCII*, labels in Unicode written
/// as Punycode `xn--…`), lower case, without a trailing dot. ASCII was chosen over Unicode
/// because it is what DNS and mail servers use, so the stored value works unchanged in any
/// protocol; because two names that look alike in Unicode (`раураl.com` with Cyrillic
/// letters) are plainly different in ASCII; and because every ASCII name stored before
/// internationalised names were accepted keeps its form. Show a name to people with
/// [`display_domain`].
///
/// Rules, after UTS #46 mapping (lower case, width and compatibility forms):
///
/// - 1 to 253 characters in all, two or more dot-separated labels of 1 to 63 characters;
/// - each label holds letters, digits and hyphens, not at either end (STD3 rules); a
///   Unicode label must be a valid IDNA label (bidirectional and joiner rules, NFC) and a
///   `xn--` label must decode to one;
/// - **IDNA 2008 label characters** (RFC 5891 §4.2, RFC 5892), checked on the Unicode form
///   of each label after UTS #46 mapping, by a rule a little stricter than RFC 5892's derived
///   property PVALID: every character is a letter (general category `L*`), a combining mark
///   (`M*`, never first: RFC 5891 §4.2.3.2), a decimal digit (`Nd`) or `-`. So symbols and
///   punctuation are refused: `☃.net`, `💩.la`, `paypal—secure.com` (em dash),
///   `a∕b.com` and `a⁄b.com` (slash look-alikes). The letters RFC 5892 §2.6 lists as
///   DISALLOWED exceptions (U+0640, U+07FA, U+302E, U+302F, U+3031–U+3035, U+303B) are
///   refused too. CONTEXTO characters are refused, except the middle dot U+00B7 between two
///   `l` (Catalan `l·l`, RFC 5892 Appendix A.3): `col·legi.cat` is accepted, `a·b.cat` is
///   not; the Greek keraia, Hebrew geresh and gershayim and the katakana middle dot (all
///   punctuation) are refused everywhere, which is stricter than RFC 5892. CONTEXTJ
///   joiners are refused as invisible characters. The bidi rule (RFC 5893) is the one UTS #46
///   applies;
/// - no `--` in the 3rd and 4th positions of a label's Unicode form (RFC 5891 §4.2.3.1), so
///   `ex--ample.com` is refused; an A-label `xn--…` is accepted when it decodes to a label
///   that passes these rules;
/// - the last label is not all digits (`10.0.0.1` is an IP address, not a domain);
/// - invisible and direction-changing characters are refused, not silently dropped (see
///   [`checked_text`](crate::checked_text));
/// - a trailing dot (`contoso.com.`, the DNS root) is refused, not stripped: a name given
///   with it was meant as a fully qualified DNS name, and refusing keeps one spelling per
///   domain in what people type and what hosts store;
/// - special-use names (RFC 6761: `.test`, `.localhost`, `.invalid`, `.example`; `.local`,
///   RFC 6762; `.onion`, RFC 7686) are accepted here: this checks the form of a name, not
///   whether it resolves; see [`EmailAddress`](crate::EmailAddress) for contact emails.
///
/// The value returned passes this function again unchanged.
///
/// ```
/// use partnerkit_core::canonical_domain;
/// assert_eq!(canonical_domain(" Bücher.DE ")?, "xn--bcher-kva.de");
/// assert_eq!(canonical_domain("xn--bcher-kva.de")?, "xn--bcher-kva.de");
/// assert_eq!(canonical_domain("Contoso.com")?, "contoso.com");
/// assert!(canonical_domain("bü_cher.de").is_err());
/// assert!(canonical_domain("xn--zz.de").is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
pub fn canonical_domain(value: &str) -> Result<String> {
    let invalid = |reason: Cow<'static, str>| Error::InvalidDomain {
        given: clip(value, 300),
        reason,
    };
    // Bound the length before any work on the text.
    if value.len() > MAX_INPUT_BYTES {
        return Err(invalid(
            "it is too long: a domain name has at most 253 characters".into(),
        ));
    }
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(invalid(
            "it is empty: give a full domain such as contoso.com".into(),
        ));
    }
    if let Some(c) = text::first_forbidden(trimmed) {
        return Err(invalid(
            format!("it contains the invisible or direction-changing character {c}: remove it")
                .into(),
        ));
    }
    let ascii = Uts46::new()
        .to_ascii(
            trimmed.as_bytes(),
            AsciiDenyList::STD3,
            Hyphens::CheckFirstLast,
            DnsLength::Ignore,
        )
        .map_err(|_| {
            invalid(
                "each part between dots has letters (of any script), digits or inner hyphens, and a part starting with xn-- must be valid Punycode"
                    .into(),
            )
        })?;
    if ascii.is_empty() || ascii.len() > MAX_DOMAIN_CHARS {
        return Err(invalid(
            "give 1 to 253 characters (counted in its xn-- form), such as contoso.com".into(),
        ));
    }
    check_labels(&ascii).map_err(invalid)?;
    // UTS #46 is idempotent; this check keeps the promise that the value returned passes
    // again unchanged even if a future Unicode version broke that.
    let ascii = ascii.into_owned();
    match Uts46::new().to_ascii(
        ascii.as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::CheckFirstLast,
        DnsLength::Ignore,
    ) {
        Ok(again) if again == ascii => Ok(ascii),
        _ => Err(invalid(
            "its canonical form is not stable: give it in another form".into(),
        )),
    }
}

/// Checks the labels of a name in its ASCII form against the rules of [`canonical_domain`]:
/// two or more, each 1 to 63 characters, the last not all digits, each one's Unicode form
/// passing [`check_label`]; the reason when they fail.
fn check_labels(ascii: &str) -> std::result::Result<(), Cow<'static, str>> {
    let labels: Vec<&str> = ascii.split('.').collect();
    if labels.len() < 2 {
        return Err("it has no dot: give a full domain such as contoso.com".into());
    }
    if labels.iter().any(|l| l.is_empty() || l.len() > 63) {
        return Err(
            "each part between dots has 1 to 63 characters (counted in its xn-- form)".into(),
        );
    }
    if labels
        .last()
        .is_some_and(|tld| tld.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err("the last part cannot be all digits".into());
    }
    for label in &labels {
        let unicode = match label.strip_prefix("xn--") {
            Some(puny) => Cow::Owned(
                idna::punycode::decode_to_string(puny)
                    .ok_or_else(|| Cow::from("a part starting with xn-- must be valid Punycode"))?,
            ),
            None => Cow::Borrowed(*label),
        };
        check_label(&unicode).map_err(Cow::from)?;
    }
    Ok(())
}

/// Letters that RFC 5892 §2.6 lists as DISALLOWED exceptions although they are letters.
const DISALLOWED_LETTERS: &[char] = &[
    '\u{0640}', '\u{07FA}', '\u{302E}', '\u{302F}', '\u{3031}', '\u{3032}', '\u{3033}', '\u{3034}',
    '\u{3035}', '\u{303B}',
];

/// Checks the Unicode form of one label against the IDNA 2008 character rule of
/// [`canonical_domain`]; the reason when it fails.
fn check_label(label: &str) -> std::result::Result<(), String> {
    let chars: Vec<char> = label.chars().collect();
    if chars.get(2) == Some(&'-') && chars.get(3) == Some(&'-') {
        return Err(format!(
            "the part {label:?} has -- in its 3rd and 4th characters, which only xn-- labels may have (RFC 5891)"
        ));
    }
    let gc = CodePointMapData::<GeneralCategory>::new();
    for (i, c) in chars.iter().copied().enumerate() {
        if c.is_ascii_alphanumeric() || c == '-' {
            continue;
        }
        let cat = gc.get(c);
        if GeneralCategoryGroup::Mark.contains(cat) {
            if i == 0 {
                return Err(format!(
                    "the part {label:?} starts with the combining mark U+{:04X}: a part starts with a letter or digit",
                    u32::from(c)
                ));
            }
            continue;
        }
        let middle_dot_between_ls = c == '\u{B7}'
            && i > 0
            && chars.get(i.wrapping_sub(1)) == Some(&'l')
            && chars.get(i.saturating_add(1)) == Some(&'l');
        let allowed = middle_dot_between_ls
            || ((GeneralCategoryGroup::Letter.contains(cat)
                || cat == GeneralCategory::DecimalNumber)
                && !DISALLOWED_LETTERS.contains(&c));
        if !allowed {
            return Err(format!(
                "the part {label:?} contains {c:?} (U+{:04X}), which is not a letter, digit or hyphen: domain names hold no symbols or punctuation (IDNA 2008)",
                u32::from(c)
            ));
        }
    }
    Ok(())
}

/// The Unicode form of a canonical domain name, for showing to people: `xn--bcher-kva.de`
/// is shown as `bücher.de`. Labels that do not decode are shown as they are.
///
/// ```
/// use partnerkit_core::display_domain;
/// assert_eq!(display_domain("xn--bcher-kva.de"), "bücher.de");
/// assert_eq!(display_domain("contoso.com"), "contoso.com");
/// ```
pub fn display_domain(ascii: &str) -> String {
    match Uts46::new().to_unicode(
        ascii.as_bytes(),
        AsciiDenyList::STD3,
        Hyphens::CheckFirstLast,
    ) {
        (unicode, Ok(())) => unicode.into_owned(),
        (_, Err(_)) => ascii.to_owned(),
    }
}

/// True if `label` is a plain ASCII label in canonical form: 1 to 63 lower-case letters,
/// digits and hyphens, no hyphen at either end and none in both the 3rd and 4th places (so
/// no `xn--` label, whose Punycode needs decoding).
fn is_plain_label(label: &[u8]) -> bool {
    (1..=63).contains(&label.len())
        && label
            .iter()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && label.first() != Some(&b'-')
        && label.last() != Some(&b'-')
        && !(label.get(2) == Some(&b'-') && label.get(3) == Some(&b'-'))
}

/// True if `address` is an email address in the stored form of
/// [`EmailAddress`](crate::EmailAddress) that its full check accepts unchanged, in the plain
/// case that most addresses are: ASCII, lower case, an unquoted local part of at most 64
/// octets made of RFC 5322 `atext` runs joined by single dots, and a domain of two or more
/// [plain labels](is_plain_label), the last not all digits, 254 octets in all.
///
/// Such an address is its own normal form (lower case, NFC, trimmed), has no forbidden or
/// space-like character, is its own [`canonical_domain`] (UTS #46 maps nothing in a
/// lower-case letter-digit-hyphen label, and the IDNA 2008 rule passes letters, digits and
/// hyphens), and parses as a plain address without display text. So the address a store
/// wrote reads back without the full check's Unicode work, which costs about a microsecond.
/// A differential test holds this against the full check.
pub(crate) fn is_plain_email(address: &str) -> bool {
    let bytes = address.as_bytes();
    let Some(at) = bytes.iter().rposition(|b| *b == b'@') else {
        return false;
    };
    let (local, domain) = bytes.split_at(at);
    let domain = domain.get(1..).unwrap_or_default();
    bytes.len() <= crate::EmailAddress::MAX_OCTETS
        && local.len() <= 64
        && is_plain_local(local)
        && domain.len() <= MAX_DOMAIN_CHARS
        && is_plain_domain(domain)
}

/// RFC 5322 `atext` in lower case: letters, digits and ``!#$%&'*+-/=?^_`{|}~``.
fn is_atext(c: u8) -> bool {
    c.is_ascii_lowercase()
        || c.is_ascii_digit()
        || matches!(
            c,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'/'
                | b'='
                | b'?'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
        )
}

/// `atext` runs joined by single dots, none empty.
fn is_plain_local(local: &[u8]) -> bool {
    let mut previous = b'.';
    for &b in local {
        let ok = if b == b'.' {
            previous != b'.'
        } else {
            is_atext(b)
        };
        if !ok {
            return false;
        }
        previous = b;
    }
    previous != b'.'
}

/// Two or more [plain labels](is_plain_label), the last not all digits.
fn is_plain_domain(domain: &[u8]) -> bool {
    let mut labels = domain.split(|b| *b == b'.');
    let Some(last) = labels.next_back() else {
        return false;
    };
    let mut others = 0u32;
    for label in labels {
        if !is_plain_label(label) {
            return false;
        }
        others = others.saturating_add(1);
    }
    others >= 1 && is_plain_label(last) && !last.iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::is_plain_email;
    use crate::EmailAddress;

    /// Text that is often a plain address and often one byte away from one.
    fn near_plain() -> impl Strategy<Value = String> {
        let part = |max: usize| {
            prop::collection::vec(
                prop_oneof![
                    8 => prop::sample::select(b"abcxyz0189-".to_vec()),
                    2 => prop::sample::select(b".!#$%&'*+/=?^_`{|}~".to_vec()),
                    1 => prop::sample::select(b"AZ @\"()[],;:\\\t\x7f\x00".to_vec()),
                ],
                0..max,
            )
        };
        let labels = prop::collection::vec(part(12), 1..4);
        (part(20), labels, 0usize..3).prop_map(|(local, labels, prefix)| {
            let domain: Vec<String> = labels
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let l = String::from_utf8_lossy(l).into_owned();
                    if i == 0 && prefix == 1 {
                        format!("xn--{l}")
                    } else {
                        l
                    }
                })
                .collect();
            format!("{}@{}", String::from_utf8_lossy(&local), domain.join("."))
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        /// Whatever the fast path accepts, the full check accepts unchanged: the same text
        /// with a leading space (which the full check trims first) reads back as itself.
        #[test]
        fn a_plain_address_is_what_the_full_check_returns(text in near_plain()) {
            if is_plain_email(&text) {
                let full = EmailAddress::new(&format!(" {text}"));
                prop_assert_eq!(full.map(String::from), Ok(text));
            }
        }
    }

    #[test]
    fn the_plain_cases() {
        for plain in [
            "ann@contoso.com",
            "a.b+c@x-y.co.uk",
            "user9@1a.b2",
            "o'neil@x.io",
        ] {
            assert!(is_plain_email(plain), "{plain}");
            assert_eq!(
                EmailAddress::new(plain).map(String::from),
                Ok(plain.to_owned())
            );
        }
        for other in [
            "Ann@contoso.com",
            " ann@contoso.com",
            "ann@xn--bcher-kva.de",
            "ann@ex--ample.com",
            "ann@contoso",
            "ann@1.23",
            "a..b@contoso.com",
            ".a@contoso.com",
            "\"ann\"@contoso.com",
            "ann@-contoso.com",
            "ann@contoso.com.",
        ] {
            assert!(!is_plain_email(other), "{other}");
        }
    }
}
