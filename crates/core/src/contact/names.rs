//! [`DisplayName`] and [`PersonName`]: free text people type, by the rule of
//! [`checked_text`].

use std::fmt;

use serde::{Deserialize, Serialize};

use super::checked_text;
use crate::error::{Error, Result};
use crate::text;

/// A display name: 1 to 256 characters after Unicode NFC normalisation and trimming, with
/// no control, invisible or direction-changing characters (the rules of [`checked_text`]).
///
/// Mixed scripts are allowed, so a display name can look like another one (`Соntoso` with a
/// Cyrillic `С`): a display name never identifies anything in partnerkit, and hosts should
/// show it with the id or domain it belongs to where someone decides whom to trust.
///
/// ```
/// use partnerkit_core::DisplayName;
/// assert_eq!(DisplayName::new("  Contoso Apps ")?.as_str(), "Contoso Apps");
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(extend("minLength" = 1, "maxLength" = 256, "pattern" = crate::TEXT_PATTERN)))]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    /// The longest display name accepted, in characters.
    pub const MAX_CHARS: usize = 256;

    /// Validates a display name.
    pub fn new(value: &str) -> Result<DisplayName> {
        checked_text("display name", value, Self::MAX_CHARS).map(DisplayName)
    }
}
crate::validated_string!(DisplayName, Error);

/// A person's name: given (first) and family (last) name, each 1 to 64 characters after
/// Unicode NFC normalisation and trimming, with no control, invisible or direction-changing
/// characters (the rules of [`checked_text`]).
///
/// Mixed scripts are allowed (people's names mix scripts), so two names can look alike
/// while being different text (`Ann` with a Cyrillic `А`): names never identify anyone in
/// partnerkit; hosts should show the user's email address or id next to a name where someone
/// decides whom to trust.
///
/// ```
/// use partnerkit_core::PersonName;
/// let n = PersonName::new("Ann", "Lind")?;
/// assert_eq!(n.to_string(), "Ann Lind");
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
///
/// Both names are kept in one allocation (a large account has 100,000 of them, each read,
/// cloned and dropped with its user); they compare, order and serialise as the pair (first,
/// last) they are.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PersonName {
    /// The first name, then the last.
    text: Box<str>,
    /// Where the last name starts in `text` (a character boundary).
    split: usize,
}

impl fmt::Debug for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PersonName")
            .field("first", &self.first())
            .field("last", &self.last())
            .finish()
    }
}

impl Ord for PersonName {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (self.first(), self.last()).cmp(&(other.first(), other.last()))
    }
}

impl PartialOrd for PersonName {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for PersonName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("PersonName", 2)?;
        st.serialize_field("first", self.first())?;
        st.serialize_field("last", self.last())?;
        st.end()
    }
}

/// The serde form of [`PersonName`], read without copying the names where the format lends
/// them, then checked by [`PersonName::new`].
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct RawPersonName<'a> {
    #[serde(borrow)]
    first: std::borrow::Cow<'a, str>,
    #[serde(borrow)]
    last: std::borrow::Cow<'a, str>,
}

impl<'de> Deserialize<'de> for PersonName {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = RawPersonName::deserialize(d)?;
        PersonName::new(&raw.first, &raw.last).map_err(serde::de::Error::custom)
    }
}

/// Its wire form: `{"first": …, "last": …}`, each 1 to 64 characters.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for PersonName {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PersonName".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "A person's first and last name.",
            "properties": {
                "first": { "type": "string", "minLength": 1, "maxLength": 64, "pattern": crate::TEXT_PATTERN },
                "last": { "type": "string", "minLength": 1, "maxLength": 64, "pattern": crate::TEXT_PATTERN }
            },
            "required": ["first", "last"],
            "examples": [{ "first": "Ada", "last": "Lovelace" }]
        })
    }
}

impl PersonName {
    /// The longest first or last name accepted, in characters.
    pub const MAX_CHARS: usize = 64;

    /// Validates a first and last name.
    pub fn new(first: &str, last: &str) -> Result<PersonName> {
        // Plain text is what `checked_text` would return unchanged (see `text::is_plain`).
        let checked = |field, value| -> Result<std::borrow::Cow<'_, str>> {
            if text::is_plain(value, Self::MAX_CHARS) {
                Ok(std::borrow::Cow::Borrowed(value))
            } else {
                checked_text(field, value, Self::MAX_CHARS).map(std::borrow::Cow::Owned)
            }
        };
        let first = checked("first name", first)?;
        let last = checked("last name", last)?;
        let mut text = String::with_capacity(first.len().saturating_add(last.len()));
        text.push_str(&first);
        text.push_str(&last);
        Ok(PersonName {
            text: text.into_boxed_str(),
            split: first.len(),
        })
    }

    /// The given (first) name.
    pub fn first(&self) -> &str {
        self.text.get(..self.split).unwrap_or_default()
    }

    /// The family (last) name.
    pub fn last(&self) -> &str {
        self.text.get(self.split..).unwrap_or_default()
    }
}

impl fmt::Display for PersonName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.first(), self.last())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod person_name_tests {
    use proptest::prelude::*;

    use super::checked_text;

    /// The former form of [`PersonName`], two strings with derived impls: the one-allocation
    /// form must behave as it did.
    #[derive(Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
    #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
    #[serde(rename = "PersonName")]
    struct PersonName {
        first: String,
        last: String,
    }

    fn pair(first: &str, last: &str) -> Result<PersonName, crate::Error> {
        Ok(PersonName {
            first: checked_text("first name", first, super::PersonName::MAX_CHARS)?,
            last: checked_text("last name", last, super::PersonName::MAX_CHARS)?,
        })
    }

    fn name() -> impl Strategy<Value = String> {
        prop_oneof![
            "[ -~]{0,6}",
            "[a-c ]{1,3}",
            any::<String>(),
            "[ -~]{63,66}",
            "[é\u{301}aA ]{0,4}"
        ]
    }

    proptest! {
        #[test]
        fn a_person_name_is_its_pair_of_names(a in (name(), name()), b in (name(), name())) {
            let new = super::PersonName::new(&a.0, &a.1);
            let old = pair(&a.0, &a.1);
            prop_assert_eq!(new.as_ref().err(), old.as_ref().err());
            let (Ok(new), Ok(old)) = (new, old) else { return Ok(()) };
            prop_assert_eq!(new.first(), old.first.as_str());
            prop_assert_eq!(new.last(), old.last.as_str());
            prop_assert_eq!(format!("{new:?}"), format!("{old:?}"));
            prop_assert_eq!(serde_json::to_string(&new).unwrap(), serde_json::to_string(&old).unwrap());
            prop_assert_eq!(&serde_json::from_str::<super::PersonName>(&serde_json::to_string(&new).unwrap()).unwrap(), &new);
            if let (Ok(new_b), Ok(old_b)) = (super::PersonName::new(&b.0, &b.1), pair(&b.0, &b.1)) {
                prop_assert_eq!(new.cmp(&new_b), old.cmp(&old_b));
                prop_assert_eq!(new == new_b, old == old_b);
            }
        }
    }
}
