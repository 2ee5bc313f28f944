//! Every use of the facade's error type and of its authorisation answers, in one place:
//! `partnerkit::Error` into a [`Problem`], and `may`, `may_read`, `authorize` as one
//! `Result<_, Problem>` each. The handlers use only these.

use axum::http::StatusCode;
use partnerkit::access::{Decision, Permission};
use partnerkit::core::{AccountId, Actor};
use partnerkit::{AsyncAccountService, AsyncAccountStore, CommandKind, Denial, Error, ReadKind};
use serde_json::Value;

use crate::problem::{Problem, ProblemKind};

/// partnerkit's error as a problem: its status ([`Error::status`]), kind and code, its
/// message as the `detail`, its denial or broken rule as the `reason`. A store failure is
/// logged with its details; the caller learns only that the store failed.
impl From<Error> for Problem {
    fn from(e: Error) -> Self {
        if e.code() == "store" {
            tracing::error!(error = %e, "the store failed");
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let json = serde_json::to_value(&e).unwrap_or(Value::Null);
        let mut problem = Problem::new(status, e.code(), text(&json, "message"));
        problem.error = ProblemKind::of_name(e.kind(), status);
        problem.reason = json.get("detail").cloned();
        problem.expected = json.get("expected").and_then(Value::as_u64);
        problem.actual = json.get("actual").and_then(Value::as_u64);
        problem
    }
}

impl From<Denial> for Problem {
    fn from(d: Denial) -> Self {
        Error::from(d).into()
    }
}

fn text(json: &Value, key: &str) -> String {
    json.get(key)
        .and_then(Value::as_str)
        .unwrap_or("see the server's log")
        .to_owned()
}

/// The error of a command sent with `If-Match`: a conflict means the account is no longer at
/// the version the caller decided on, which HTTP calls a failed precondition (412).
pub(crate) fn expecting(e: Error) -> Problem {
    let conflict = e.is_conflict();
    let mut problem = Problem::from(e);
    if conflict {
        problem.status = StatusCode::PRECONDITION_FAILED.as_u16();
        problem.title = "Precondition Failed".to_owned();
        problem.error = ProblemKind::PreconditionFailed;
        problem.detail = format!(
            "If-Match named version {}, the account is at {}: read it again and decide again",
            problem.expected.unwrap_or_default(),
            problem.actual.unwrap_or_default()
        );
    }
    problem
}

/// May `actor` run a command of `kind` (rule X-2)? Asked before the command's data is read.
pub(crate) async fn may<S: AsyncAccountStore>(
    service: &AsyncAccountService<S>,
    account: AccountId,
    actor: &Actor,
    kind: CommandKind,
) -> Result<(), Problem> {
    Ok(service.may(account, actor, kind).await?)
}

/// May `actor` see `kind` of the account ([`ReadKind::requirement`])? Asked before a request
/// body is read.
pub(crate) async fn may_read<S: AsyncAccountStore>(
    service: &AsyncAccountService<S>,
    account: AccountId,
    actor: &Actor,
    kind: ReadKind,
) -> Result<(), Problem> {
    Ok(service.may_read(account, actor, kind).await?)
}

/// The explained decision on `permission` for `actor` (rule ROL-7): a refusal the model
/// explains is an answer (`allowed: false`); an actor who cannot sign in is denied.
pub(crate) async fn authorize<S: AsyncAccountStore>(
    service: &AsyncAccountService<S>,
    account: AccountId,
    actor: &Actor,
    permission: Permission,
) -> Result<Decision, Problem> {
    match service.authorize(account, actor, permission).await {
        Ok(decision) => Ok(decision),
        Err(Error::Denied(denial)) => match *denial {
            Denial::Permission(refused) => Ok(refused),
            other => Err(other.into()),
        },
        Err(e) => Err(e.into()),
    }
}
