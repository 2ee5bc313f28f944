//! The service's errors: a broken rule, a refused actor, a lost race, or a failed store.
//!
//! Every error has a stable machine-readable [`code`](Error::code) and a JSON form
//! (`{"error": "denied", "code": "cannot_sign_in", "message": "…", …}`) so a host can put the
//! service behind HTTP without writing its own mapping; [`Error::status`] suggests the HTTP
//! status.

use partnerkit_core::{AccountId, Version};
use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use partnerkit_access::Denial;

/// The store's own error, boxed: [`Error::Store`] holds it whatever the store is, so hosts
/// match one error type. Get the backend's own type back with
/// [`Error::store_error`] (or `downcast_ref` on the box).
pub type StoreFailure = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a command, a read or an authorisation failed. Nothing was stored in any case.
///
/// One type for every store: the store's own error is boxed in [`Error::Store`], so a host
/// matches `partnerkit::Error` without naming its backend, and gets the backend's error
/// back with [`store_error`](Error::store_error).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The command broke a rule of a domain crate, or named an account that does not exist.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The actor may not do this (rule X-2).
    #[error("{0}")]
    Denied(Box<Denial>),
    /// Another writer changed the account while this command was decided, again on each
    /// retry the service made ([`Settings::conflict_retries`](crate::Settings)). Call again.
    #[error(
        "the account changed since it was loaded (expected {expected}, found {actual}): call again"
    )]
    Conflict {
        /// The version the command was decided on.
        expected: Version,
        /// The version the store had.
        actual: Version,
    },
    /// The store failed; nothing was stored. The store's own error, boxed; see
    /// [`store_error`](Error::store_error).
    #[error("the store failed: {0}")]
    Store(#[source] StoreFailure),
}

impl Error {
    /// An [`Error::Store`] holding `error`, the backend's own error.
    pub fn store<E: std::error::Error + Send + Sync + 'static>(error: E) -> Self {
        Error::Store(Box::new(error))
    }

    /// The backend's own error, if the store failed with an error of type `T`:
    /// `err.store_error::<partnerkit_sqlite::Error>()`.
    ///
    /// ```
    /// use partnerkit::{Error, MemoryError};
    ///
    /// let err = Error::store(MemoryError::Poisoned);
    /// assert_eq!(err.store_error::<MemoryError>(), Some(&MemoryError::Poisoned));
    /// assert_eq!(err.store_error::<std::io::Error>().map(|e| e.kind()), None);
    /// assert_eq!((err.code(), err.status()), ("store", 503));
    /// ```
    pub fn store_error<T: std::error::Error + 'static>(&self) -> Option<&T> {
        match self {
            Error::Store(e) => e.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// True if the actor was refused ([`Error::Denied`]): the answer is no, not a failure.
    pub fn is_denied(&self) -> bool {
        matches!(self, Error::Denied(_))
    }

    /// The denial, if the actor was refused.
    pub fn denial(&self) -> Option<&Denial> {
        match self {
            Error::Denied(d) => Some(d),
            _ => None,
        }
    }

    /// The broken rule, if a domain crate refused the command.
    pub fn domain(&self) -> Option<&DomainError> {
        match self {
            Error::Domain(d) => Some(d),
            _ => None,
        }
    }

    /// True for a write conflict: call again.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }

    /// The stable machine-readable code of this error: the denial's or the domain error's
    /// own code (`"cannot_sign_in"`, `"last_manager"`), or `"conflict"`, `"store"`.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Domain(d) => d.code(),
            Error::Denied(d) => d.code(),
            Error::Conflict { .. } => "conflict",
            Error::Store(_) => "store",
        }
    }

    /// The kind of error, as in the JSON form's `"error"` field: `"denied"`, `"invalid"`,
    /// `"not_found"`, `"conflict"` or `"store"`.
    pub fn kind(&self) -> &'static str {
        match self {
            Error::Denied(_) => "denied",
            Error::Domain(DomainError::AccountNotFound { .. }) => "not_found",
            Error::Domain(_) => "invalid",
            Error::Conflict { .. } => "conflict",
            Error::Store(_) => "store",
        }
    }

    /// The HTTP status that fits: 403 denied, 404 unknown account, 409 conflict (or an
    /// account that exists already), 422 invalid, 503 store.
    pub fn status(&self) -> u16 {
        match self {
            Error::Denied(_) => 403,
            Error::Domain(DomainError::AccountNotFound { .. }) => 404,
            Error::Domain(DomainError::AccountExists { .. }) | Error::Conflict { .. } => 409,
            Error::Domain(_) => 422,
            Error::Store(_) => 503,
        }
    }
}

impl From<Denial> for Error {
    fn from(d: Denial) -> Self {
        Error::Denied(Box::new(d))
    }
}

/// The JSON form: `{"error": kind, "code": code, "message": text, "detail": {…}}`, where
/// `detail` is the denial's or domain error's own JSON. A store error's detail is left out:
/// its text may name the host's infrastructure, so it is only in `message` and the logs.
impl Serialize for Error {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("error", self.kind())?;
        map.serialize_entry("code", self.code())?;
        match self {
            Error::Store(_) => map.serialize_entry("message", "the store failed: try again")?,
            other => map.serialize_entry("message", &other.to_string())?,
        }
        match self {
            Error::Domain(d) => map.serialize_entry("detail", d)?,
            Error::Denied(d) => map.serialize_entry("detail", d)?,
            Error::Conflict { expected, actual } => {
                map.serialize_entry("expected", expected)?;
                map.serialize_entry("actual", actual)?;
            }
            Error::Store(_) => {}
        }
        map.end()
    }
}

/// A rule broken in one of the domain crates, or an account that does not exist.
///
/// Its JSON form is `{"domain": "access", "code": "last_manager", "message": "…"}`: the
/// domain, the domain error's stable code, and its message.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// Account profile, tenants, users, groups, apps.
    #[error(transparent)]
    Identity(#[from] partnerkit_identity::Error),
    /// Roles and permissions.
    #[error(transparent)]
    Access(#[from] partnerkit_access::Error),
    /// Payout account, hold, statements.
    #[error(transparent)]
    Payouts(#[from] partnerkit_payouts::Error),
    /// Tax profile and forms.
    #[error(transparent)]
    Tax(#[from] partnerkit_tax::Error),
    /// Agreements.
    #[error(transparent)]
    Agreements(#[from] partnerkit_agreements::Error),
    /// A value that is not valid (an email, an amount, …), or a missing CSPRNG.
    #[error(transparent)]
    Value(#[from] partnerkit_core::Error),
    /// There is no such account. Told only to the marketplace: anyone else gets
    /// [`Denial::CannotSignIn`] (rule X-2).
    #[error("account {account} does not exist: open it first")]
    AccountNotFound {
        /// The account asked for.
        account: AccountId,
    },
    /// The account is already open. Told only to the marketplace (rule X-2).
    #[error("account {account} is already open (rule ACC-2: publisher IDs are assigned once)")]
    AccountExists {
        /// The account.
        account: AccountId,
    },
    /// A command's ids do not match its data: one guest id per invited address.
    #[error("give one guest id per invited address: {addresses} addresses, {ids} ids")]
    IdsMismatch {
        /// How many addresses were given.
        addresses: usize,
        /// How many ids were given.
        ids: usize,
    },
}

impl DomainError {
    /// The domain the error comes from: `"identity"`, `"access"`, `"payouts"`, `"tax"`,
    /// `"agreements"`, `"value"` or `"account"`.
    pub fn domain(&self) -> &'static str {
        match self {
            DomainError::Identity(_) => "identity",
            DomainError::Access(_) => "access",
            DomainError::Payouts(_) => "payouts",
            DomainError::Tax(_) => "tax",
            DomainError::Agreements(_) => "agreements",
            DomainError::Value(_) => "value",
            DomainError::AccountNotFound { .. }
            | DomainError::AccountExists { .. }
            | DomainError::IdsMismatch { .. } => "account",
        }
    }

    /// The stable machine-readable code: the domain crate's own code for its errors
    /// (`"last_manager"`), or `"account_not_found"`, `"account_exists"`, `"ids_mismatch"`.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Identity(e) => e.code(),
            DomainError::Access(e) => e.code(),
            DomainError::Payouts(e) => e.code(),
            DomainError::Tax(e) => e.code(),
            DomainError::Agreements(e) => e.code(),
            DomainError::Value(e) => e.code(),
            DomainError::AccountNotFound { .. } => "account_not_found",
            DomainError::AccountExists { .. } => "account_exists",
            DomainError::IdsMismatch { .. } => "ids_mismatch",
        }
    }
}

impl Serialize for DomainError {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(3))?;
        map.serialize_entry("domain", self.domain())?;
        map.serialize_entry("code", self.code())?;
        map.serialize_entry("message", &self.to_string())?;
        map.end()
    }
}

/// Its wire form: `{"domain": …, "code": …, "message": …}`.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for DomainError {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "DomainError".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "A rule broken in a domain crate, or an account that does not exist.",
            "properties": {
                "domain": {
                    "type": "string",
                    "enum": ["identity", "access", "payouts", "tax", "agreements", "value", "account"]
                },
                "code": { "type": "string", "description": "The domain error's stable code." },
                "message": { "type": "string" }
            },
            "required": ["domain", "code", "message"]
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    /// A host's own error type can hold it, and it crosses threads and `?` into
    /// `Box<dyn std::error::Error + Send + Sync>`: it names no store and borrows nothing.
    #[test]
    fn the_error_is_send_sync_and_static() {
        fn host_error<T: std::error::Error + Send + Sync + 'static>() {}
        host_error::<Error>();
    }
}
