//! The serde form of a core [`Error`] inside another crate's error: nested under `"error"`.
//!
//! Every partnerkit error serialises as `{"code": "…", …fields}` (internally tagged by
//! `"code"`). An error that wraps a core [`Error`] cannot inline the core error's fields,
//! since the core error's own `"code"` would clash with the tag; so the core error is
//! written under `"error"`, keeping its own code:
//! `{"code": "value", "error": {"code": "invalid_email", …}}`. Identity, payouts, tax and
//! agreements write their `Error::Value` this way; a host error type that wraps a core
//! error can too, with `#[serde(with = "partnerkit_core::nested_error")]`.
//!
//! ```
//! use partnerkit_core::{CountryCode, Error as CoreError};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, PartialEq, Serialize, Deserialize)]
//! #[serde(tag = "code", rename_all = "snake_case")]
//! enum HostError {
//!     Value(#[serde(with = "partnerkit_core::nested_error")] CoreError),
//! }
//!
//! let e = HostError::Value(CountryCode::new("XX").unwrap_err());
//! let json = serde_json::to_value(&e)?;
//! assert_eq!(json["code"], "value");
//! assert_eq!(json["error"]["code"], "unknown_country");
//! assert_eq!(serde_json::from_value::<HostError>(json)?, e);
//! # Ok::<(), serde_json::Error>(())
//! ```

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::Error;

#[derive(Serialize)]
struct Wrapped<'a> {
    error: &'a Error,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct Owned {
    error: Error,
}

/// Writes `error` as `{"error": …}` (for `#[serde(with = "partnerkit_core::nested_error")]`).
pub fn serialize<S: Serializer>(error: &Error, serializer: S) -> Result<S::Ok, S::Error> {
    Wrapped { error }.serialize(serializer)
}

/// Reads a core error written by [`serialize`]: `{"error": …}`, the core error checked as
/// always.
pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Error, D::Error> {
    Owned::deserialize(deserializer).map(|o| o.error)
}

/// The JSON Schema of the nested form, `{"error": …}` (for
/// `#[schemars(schema_with = "partnerkit_core::nested_error::json_schema")]`).
#[cfg(feature = "schema")]
pub fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
    <Owned as schemars::JsonSchema>::json_schema(generator)
}
