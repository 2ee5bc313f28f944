//! Contact data: names, email addresses, phone numbers and postal addresses, one file per
//! value, and [`checked_text`], the one rule for free text they share.
//!
//! Each type validates on construction, on [`FromStr`](std::str::FromStr) and on
//! deserialisation through the same function, so an invalid value cannot exist.

mod address;
mod email;
mod names;
mod phone;

pub use address::{PostalAddress, PostalAddressBuilder};
pub use email::EmailAddress;
pub use names::{DisplayName, PersonName};
pub use phone::PhoneNumber;

use crate::error::{Error, Result};
use crate::text;

/// Normalises `value` to Unicode NFC, trims it and checks that it is non-empty, at most
/// `max_chars` characters long, free of control, invisible and direction-changing characters
/// and not made only of blank characters and combining marks. Returns the normalised text, which passes the same
/// check again unchanged.
///
/// This is the one rule for free text in partnerkit; every crate's text fields use it:
///
/// - Input longer than 16 bytes per allowed character (plus 256) is refused before any other
///   work, so a megabyte of input costs nothing.
/// - NFC: `"e\u{301}"` and `"é"` are one name.
/// - Refused: control characters and line breaks; bidirectional marks, embeddings, overrides
///   and isolates (U+061C, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069); zero-width and
///   other invisible format characters (U+00AD, U+034F, U+115F, U+1160, U+17B4, U+17B5,
///   U+180E, U+200B–U+200D, U+2060–U+2064, U+206A–U+206F, U+3164, U+FEFF, U+FFA0,
///   U+FFF9–U+FFFB, U+1BCA0–U+1BCA3, U+1D173–U+1D17A, U+E0000–U+E007F); text made only of
///   blanks (white space, U+2800, variation selectors); text made only of combining marks
///   (general category M, such as `"\u{308}"`) and blanks, which has no character for the
///   marks to sit on.
///
/// **Mixed scripts are allowed.** Real names mix scripts (`Anna Müller 王`), so partnerkit does
/// not refuse them; but a name can look like another (`Аpple` with a Cyrillic `А` looks like
/// `Apple`). Names never identify anyone in partnerkit — ids and email addresses do — and a
/// host that shows a name where someone decides who to trust should show the email address
/// or id next to it.
///
/// ```
/// use partnerkit_core::checked_text;
/// assert_eq!(checked_text("city", "  Redmond ", 100)?, "Redmond");
/// assert_eq!(checked_text("city", "Mu\u{308}nchen", 100)?, "M\u{fc}nchen");
/// assert!(checked_text("city", "", 100).is_err());
/// assert!(checked_text("city", "Red\u{202E}dnom", 100).is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
pub fn checked_text(field: &'static str, value: &str, max_chars: usize) -> Result<String> {
    if text::is_plain(value, max_chars) {
        return Ok(value.to_owned());
    }
    let max_bytes = max_chars.saturating_mul(16).saturating_add(256);
    if value.len() > max_bytes {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: format!(
                "it has {} bytes; at most {max_chars} characters are allowed",
                value.len()
            ),
        });
    }
    let normal = text::nfc(value);
    let v = normal.trim();
    if v.is_empty() {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it is empty: give a value".into(),
        });
    }
    let n = v.chars().count();
    if n > max_chars {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: format!("it has {n} characters; at most {max_chars} are allowed"),
        });
    }
    if v.chars().any(char::is_control) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it contains a control character such as a line break: remove it".into(),
        });
    }
    if let Some(c) = text::first_forbidden(v) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: format!(
                "it contains the invisible or direction-changing character {c}: remove it"
            ),
        });
    }
    if v.chars().all(text::is_blank) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it has no visible character: give a value".into(),
        });
    }
    if !text::has_base_character(v) {
        return Err(Error::InvalidText {
            field: field.into(),
            reason: "it has only combining marks (accents with no letter to sit on): give a value with at least one letter, digit or symbol".into(),
        });
    }
    Ok(v.to_owned())
}
