//! Reading an [`AccountCommand`] from JSON in the two steps rule X-2 asks of a host: first
//! only its `"type"` (to authorise the kind before the data is looked at), then the whole
//! command; each step's error names what was received and what is accepted.

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::command::AccountCommand;
use crate::kind::CommandKind;

/// Why a JSON value is not an [`AccountCommand`]: no `"type"`, a `"type"` that names no
/// command (the message names it and lists every valid one), or data the named command does
/// not accept.
///
/// Like [`Error`](crate::Error) it has a stable [`code`](Self::code), a suggested HTTP
/// [`status`](Self::status) and a JSON form: `{"error": "bad_request", "code":
/// "unknown_command", "message": "…", "received": "frobnicate", "expected": ["open_account",
/// …]}`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BadCommand {
    /// The value has no `"type"` (or is not an object).
    #[error("a command is a JSON object with a \"type\": one of {}", Expected)]
    MissingType,
    /// The `"type"` names no command.
    #[error("unknown command type {received}: expected one of {}", Expected)]
    UnknownType {
        /// The `"type"` received, as JSON (`"frobnicate"`, with its quotes; `5`).
        received: String,
    },
    /// The command of this kind does not accept the data: a field is missing, or a value is
    /// not valid (values are validated as they are read).
    #[error("the {kind} command is not valid: {message}")]
    Invalid {
        /// The command's kind.
        kind: CommandKind,
        /// What was wrong, in serde's and the value types' words.
        message: String,
    },
}

/// Every command type, as a list for a message: `open_account, record_verification, …`.
struct Expected;

impl fmt::Display for Expected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, kind) in CommandKind::ALL.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{kind}")?;
        }
        Ok(())
    }
}

impl BadCommand {
    /// The stable machine-readable code: `"missing_command_type"`, `"unknown_command"` or
    /// `"invalid_command"`.
    pub fn code(&self) -> &'static str {
        match self {
            BadCommand::MissingType => "missing_command_type",
            BadCommand::UnknownType { .. } => "unknown_command",
            BadCommand::Invalid { .. } => "invalid_command",
        }
    }

    /// The kind of error, as in the JSON form's `"error"` field: `"bad_request"` when no
    /// command could be named, `"invalid"` when the named command's data is refused.
    pub fn kind(&self) -> &'static str {
        match self {
            BadCommand::MissingType | BadCommand::UnknownType { .. } => "bad_request",
            BadCommand::Invalid { .. } => "invalid",
        }
    }

    /// The HTTP status that fits: 400 without a known `"type"`, 422 for refused data (as
    /// [`Error::status`](crate::Error::status) for a broken rule).
    pub fn status(&self) -> u16 {
        match self {
            BadCommand::MissingType | BadCommand::UnknownType { .. } => 400,
            BadCommand::Invalid { .. } => 422,
        }
    }
}

/// `{"error", "code", "message"}`, with `"received"` and `"expected"` (every command type)
/// when the type is unknown or missing, and `"command"` when the data was refused.
impl Serialize for BadCommand {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("error", self.kind())?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("message", &self.to_string())?;
        match self {
            BadCommand::MissingType => {
                map.serialize_entry("expected", CommandKind::ALL)?;
            }
            BadCommand::UnknownType { received } => {
                map.serialize_entry("received", received)?;
                map.serialize_entry("expected", CommandKind::ALL)?;
            }
            BadCommand::Invalid { kind, .. } => map.serialize_entry("command", kind)?,
        }
        map.end()
    }
}

impl AccountCommand {
    /// The kind a JSON command names in its `"type"`, without reading its data: what a host
    /// authorises with [`AccountService::may`](crate::AccountService::may) before it reads
    /// the rest (rule X-2).
    ///
    /// ```
    /// use partnerkit::{AccountCommand, BadCommand, CommandKind};
    ///
    /// let body = serde_json::json!({"type": "rename_user", "user": "not even read yet"});
    /// assert_eq!(AccountCommand::kind_of(&body)?, CommandKind::RenameUser);
    ///
    /// let err = AccountCommand::kind_of(&serde_json::json!({"type": "frobnicate"})).unwrap_err();
    /// assert_eq!((err.code(), err.status()), ("unknown_command", 400));
    /// assert!(err.to_string().starts_with("unknown command type \"frobnicate\": expected one of open_account, "));
    /// # Ok::<(), BadCommand>(())
    /// ```
    ///
    /// # Errors
    /// [`BadCommand::MissingType`] without a `"type"`, [`BadCommand::UnknownType`] if it
    /// names no command.
    pub fn kind_of(json: &Value) -> Result<CommandKind, BadCommand> {
        let received = json.get("type").ok_or(BadCommand::MissingType)?;
        serde_json::from_value(received.clone()).map_err(|_| BadCommand::UnknownType {
            received: received.to_string(),
        })
    }

    /// The whole command, read from JSON: its kind first ([`kind_of`](Self::kind_of)), then
    /// its data, every value validated as it is read.
    ///
    /// # Errors
    /// As [`kind_of`](Self::kind_of); [`BadCommand::Invalid`] if the data is refused.
    pub fn from_json(json: Value) -> Result<AccountCommand, BadCommand> {
        let kind = Self::kind_of(&json)?;
        serde_json::from_value(json).map_err(|e| BadCommand::Invalid {
            kind,
            message: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]

    use serde_json::json;

    use super::*;

    #[test]
    fn an_unknown_type_is_named_and_every_valid_one_listed() {
        let err = AccountCommand::kind_of(&json!({"type": "frobnicate"})).unwrap_err();
        assert_eq!(
            err,
            BadCommand::UnknownType {
                received: "\"frobnicate\"".into()
            }
        );
        let message = err.to_string();
        assert!(message.contains("\"frobnicate\""), "{message}");
        let body = serde_json::to_value(&err).unwrap();
        assert_eq!(body["error"], "bad_request");
        assert_eq!(body["code"], "unknown_command");
        assert_eq!(body["received"], "\"frobnicate\"");
        assert_eq!(body["message"], message.as_str());
        let expected = body["expected"].as_array().unwrap();
        assert_eq!(expected.len(), CommandKind::ALL.len());
        // Every listed type is one the command reads, in the message too.
        for (listed, kind) in expected.iter().zip(CommandKind::ALL) {
            assert_eq!(
                serde_json::from_value::<CommandKind>(listed.clone()).unwrap(),
                *kind
            );
            assert!(
                message.contains(&format!(" {kind},")) || message.ends_with(&format!(" {kind}"))
            );
        }
        // The same through from_json, and for a type that is not a string.
        let err = AccountCommand::from_json(json!({"type": "frobnicate", "user": 1})).unwrap_err();
        assert_eq!(err.code(), "unknown_command");
        let err = AccountCommand::kind_of(&json!({"type": 5})).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("unknown command type 5: expected one of open_account, ")
        );
    }

    #[test]
    fn serde_alone_also_names_the_type_and_lists_the_valid_ones() {
        // What a host that reads the command with serde_json directly sees.
        let err = serde_json::from_str::<AccountCommand>(r#"{"type":"frobnicate"}"#).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`frobnicate`"), "{message}");
        for kind in CommandKind::ALL {
            assert!(message.contains(&format!("`{kind}`")), "{kind}: {message}");
        }
    }

    #[test]
    fn a_missing_type_lists_the_valid_ones_and_bad_data_names_the_command() {
        for body in [
            json!({"kind": "rename_user"}),
            json!([1, 2]),
            json!("rename_user"),
        ] {
            let err = AccountCommand::from_json(body).unwrap_err();
            assert_eq!((err.code(), err.status()), ("missing_command_type", 400));
            assert!(
                err.to_string()
                    .contains("open_account, record_verification"),
                "{err}"
            );
        }
        let err = AccountCommand::from_json(json!({"type": "rename_user"})).unwrap_err();
        assert_eq!(
            (err.code(), err.status(), err.kind()),
            ("invalid_command", 422, "invalid")
        );
        assert_eq!(
            err.to_string(),
            "the rename_user command is not valid: missing field `user`"
        );
        assert_eq!(
            serde_json::to_value(&err).unwrap()["command"],
            "rename_user"
        );
        let ok = AccountCommand::from_json(json!({
            "type": "rename_user",
            "user": "00000000-0000-0000-0000-000000000003",
            "name": {"first": "Alicia", "last": "Lind"},
        }))
        .unwrap();
        assert_eq!(ok.kind(), CommandKind::RenameUser);
    }
}
