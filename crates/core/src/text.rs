//! The shared rules for text people type: normalise first, then validate (rule X-3).

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Characters refused in every text field: they are invisible or change how the text around
/// them is displayed, so `admin\u{202E}nimda` or `Ann\u{200B}` could pass for another name.
///
/// - control characters (`Cc`), line and paragraph separators (U+2028, U+2029);
/// - bidirectional marks, embeddings, overrides and isolates: U+061C, U+200E, U+200F,
///   U+202A–U+202E, U+2066–U+2069;
/// - zero-width and other invisible format characters: U+00AD soft hyphen, U+034F combining
///   grapheme joiner, U+115F, U+1160, U+3164, U+FFA0 Hangul fillers, U+17B4, U+17B5, U+180E,
///   U+200B–U+200D (zero-width space, non-joiner, joiner), U+2060–U+2064, U+206A–U+206F,
///   U+FEFF, U+FFF9–U+FFFB, U+1BCA0–U+1BCA3, U+1D173–U+1D17A, U+E0000–U+E007F (tags).
///
/// Refusing the zero-width (non-)joiner means names whose spelling uses one (some Persian and
/// Indic names, emoji sequences) must be written without it.
pub(crate) fn is_forbidden(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}'
                | '\u{2029}'
                | '\u{061C}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{00AD}'
                | '\u{034F}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{FFA0}'
                | '\u{17B4}'
                | '\u{17B5}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2064}'
                | '\u{206A}'..='\u{206F}'
                | '\u{FEFF}'
                | '\u{FFF9}'..='\u{FFFB}'
                | '\u{1BCA0}'..='\u{1BCA3}'
                | '\u{1D173}'..='\u{1D17A}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// The JSON Schema `pattern` of text checked by [`checked_text`](crate::checked_text): no
/// character it refuses in the Basic Multilingual Plane (a test checks the class against the
/// rule, character by character) and at least one that is not white space. The forbidden
/// characters above U+FFFF cannot be written in a class without the `u` flag, so the pattern
/// lets them through; a value holding one is still refused when read. Lengths are the schema's
/// `minLength`/`maxLength`.
pub const TEXT_PATTERN: &str = concat!(
    r"^[^\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\u3164\ufeff\ufff9-\ufffb\uffa0]*",
    r"[^\s\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\u3164\ufeff\ufff9-\ufffb\uffa0]",
    r"[^\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\u3164\ufeff\ufff9-\ufffb\uffa0]*$",
);

/// Characters that show nothing on their own: white space, the Braille blank and variation
/// selectors. A text made only of them (and forbidden ones) is refused.
pub(crate) fn is_blank(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{2800}' | '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}'
        )
}

/// True for a combining mark (Unicode general category M: `Mn`, `Mc`, `Me`), such as U+0301
/// COMBINING ACUTE ACCENT: it belongs on the character before it and is nothing on its own.
pub(crate) fn is_mark(c: char) -> bool {
    unicode_normalization::char::is_combining_mark(c)
}

/// True if `s` has a character that shows on its own: one that is neither blank
/// ([`is_blank`]) nor a combining mark ([`is_mark`]). ASCII text has no combining marks, so
/// for it this is a scan for a non-space byte.
pub(crate) fn has_base_character(s: &str) -> bool {
    if s.is_ascii() {
        return s.bytes().any(|b| !char::from(b).is_whitespace());
    }
    s.chars().any(|c| !is_blank(c) && !is_mark(c))
}

/// The NFC form of `s`. Text that is already NFC — all ASCII text, and most text read back
/// from a store — is copied without being decomposed and recomposed.
pub(crate) fn nfc(s: &str) -> String {
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s.to_owned()
    } else {
        s.nfc().collect()
    }
}

/// A description of the first forbidden character of `s`, such as `"U+202E"`.
pub(crate) fn first_forbidden(s: &str) -> Option<String> {
    let describe = |c: char| format!("U+{:04X}", u32::from(c));
    if s.is_ascii() {
        // The only forbidden ASCII characters are the control characters.
        return s
            .bytes()
            .find(u8::is_ascii_control)
            .map(|b| describe(char::from(b)));
    }
    s.chars().find(|c| is_forbidden(*c)).map(describe)
}

/// True if `value` is plain text that [`checked_text`](crate::checked_text) returns
/// unchanged: 1 to `max_chars` printable ASCII characters (space to `~`), the first and last
/// not a space. Such text is its own NFC form, has nothing to trim and no control, invisible
/// or blank-only content, so the full check's Unicode work can be skipped (a differential
/// test below holds this against it).
pub(crate) fn is_plain(value: &str, max_chars: usize) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= max_chars
        && bytes.iter().all(|b| (b' '..=b'~').contains(b))
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
}

/// Deserialises a validated text type from a string through its constructor `new`, without
/// first copying the string into a `String` of its own (what `#[serde(try_from = "String")]`
/// does): formats that can lend the text (JSON without escapes, the snapshot body) cost one
/// allocation, the value's own.
pub(crate) fn deserialize_with<'de, D, T, E>(
    deserializer: D,
    new: fn(&str) -> Result<T, E>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    E: std::fmt::Display,
{
    struct Text<T, E>(fn(&str) -> Result<T, E>);

    impl<T, E: std::fmt::Display> serde::de::Visitor<'_> for Text<T, E> {
        type Value = T;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<X: serde::de::Error>(self, v: &str) -> Result<T, X> {
            (self.0)(v).map_err(X::custom)
        }
    }

    deserializer.deserialize_str(Text(new))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::UnicodeNormalization;

    use super::{
        first_forbidden, has_base_character, is_blank, is_forbidden, is_mark, is_plain, nfc,
    };

    // Text mixing ASCII (controls included), combining marks, precomposed letters, Hangul
    // and forbidden characters: where the fast paths and the full ones could differ.
    fn text() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop_oneof![
                (0u8..0x80).prop_map(char::from),
                prop::sample::select(vec![
                    '\u{0301}', '\u{0308}', '\u{00E9}', '\u{00FC}', '\u{1100}', '\u{1161}',
                    '\u{AC00}', '\u{212B}', '\u{202E}', '\u{200B}', '\u{0085}', '\u{FEFF}',
                ]),
                any::<char>(),
            ],
            0..24,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    proptest! {
        // rule: ACC-3
        #[test]
        fn the_fast_paths_agree_with_the_full_ones(s in text()) {
            prop_assert_eq!(nfc(&s), s.nfc().collect::<String>());
            let full = s.chars().find(|c| is_forbidden(*c)).map(|c| format!("U+{:04X}", u32::from(c)));
            prop_assert_eq!(first_forbidden(&s), full);
        }

        // rule: ACC-3
        #[test]
        fn the_fast_base_character_path_agrees_with_the_full_one(s in text()) {
            let full = s.chars().any(|c| !is_blank(c) && !is_mark(c));
            prop_assert_eq!(has_base_character(&s), full);
        }

        /// Plain text is what the full check returns unchanged: the same text with a space
        /// before it (which the full check trims) reads back as itself.
        #[test]
        fn plain_text_is_what_the_full_check_returns(s in text(), max in 0usize..30) {
            if is_plain(&s, max) {
                let full = crate::checked_text("field", &format!(" {s}"), max);
                prop_assert_eq!(full, Ok(s));
            }
        }

        /// The same on printable ASCII, where most texts are plain.
        #[test]
        fn printable_ascii_is_plain_when_the_full_check_keeps_it(
            s in "[ -~]{0,12}",
            max in 0usize..14,
        ) {
            let full = crate::checked_text("field", &format!(" {s}"), max);
            prop_assert_eq!(is_plain(&s, max), full.as_ref() == Ok(&s));
        }
    }
}

#[cfg(test)]
mod pattern_tests {
    use super::{TEXT_PATTERN, is_forbidden};

    /// The characters of the Basic Multilingual Plane that [`is_forbidden`] refuses, as the
    /// body of a character class: the one [`TEXT_PATTERN`] is made of.
    const FORBIDDEN_CLASS: &str = r"\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\u206a-\u206f\u3164\ufeff\ufff9-\ufffb\uffa0";

    /// The class's ranges, read back from its `\uXXXX` escapes.
    fn ranges() -> Vec<(u32, u32)> {
        let code = |s: &str| u32::from_str_radix(s, 16).unwrap();
        let mut out = Vec::new();
        for part in FORBIDDEN_CLASS.split(r"\u").filter(|p| !p.is_empty()) {
            match part.split_once('-') {
                Some((lo, "")) => out.push((code(lo), u32::MAX)), // a range's first end
                _ => {
                    let c = code(part);
                    match out.last_mut() {
                        Some(last) if last.1 == u32::MAX => last.1 = c,
                        _ => out.push((c, c)),
                    }
                }
            }
        }
        out
    }

    // rule: X-3
    #[test]
    fn the_schema_pattern_refuses_exactly_the_forbidden_characters_of_the_bmp() {
        let ranges = ranges();
        for c in (0..=0xFFFF_u32).filter_map(char::from_u32) {
            let in_class = ranges
                .iter()
                .any(|&(lo, hi)| (lo..=hi).contains(&(c as u32)));
            assert_eq!(in_class, is_forbidden(c), "U+{:04X}", c as u32);
        }
        // The pattern is the class three times: around, and with white space, in the middle.
        assert_eq!(TEXT_PATTERN.matches(FORBIDDEN_CLASS).count(), 3);
    }
}
