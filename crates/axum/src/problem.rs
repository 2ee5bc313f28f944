//! Errors as RFC 9457 problem details (`application/problem+json`), with partnerkit's stable
//! codes.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// The media type of every error this crate answers with (RFC 9457).
pub const PROBLEM_JSON: &str = "application/problem+json";

/// What went wrong, in one word: the `error` member of a [`Problem`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProblemKind {
    /// The request cannot be read: not JSON, an id that is not a UUID, an unknown command
    /// type, a missing or unknown query parameter, a malformed `If-Match` (400).
    BadRequest,
    /// No signed-in actor (401).
    Unauthenticated,
    /// The actor may not do this; `reason` explains (403, rule X-2).
    Denied,
    /// No such account (told to the marketplace only), or no such route (404).
    NotFound,
    /// The method is not served on this path (405).
    MethodNotAllowed,
    /// The account changed meanwhile, or already exists (409).
    Conflict,
    /// `If-Match` named a version the account is no longer at (412).
    PreconditionFailed,
    /// The body is too large (413).
    TooLarge,
    /// The data does not fit the command, or a rule refused it (422).
    Invalid,
    /// The store failed; nothing was stored (503).
    Store,
    /// Anything else the server answered with an error status.
    Other,
}

impl ProblemKind {
    /// The kind that fits a status.
    pub fn of_status(status: StatusCode) -> ProblemKind {
        match status.as_u16() {
            400 => ProblemKind::BadRequest,
            401 => ProblemKind::Unauthenticated,
            403 => ProblemKind::Denied,
            404 => ProblemKind::NotFound,
            405 => ProblemKind::MethodNotAllowed,
            409 => ProblemKind::Conflict,
            412 => ProblemKind::PreconditionFailed,
            413 => ProblemKind::TooLarge,
            422 => ProblemKind::Invalid,
            503 => ProblemKind::Store,
            _ => ProblemKind::Other,
        }
    }

    /// The kind named by partnerkit's error JSON (`"denied"`, `"invalid"`, …).
    pub(crate) fn of_name(name: &str, status: StatusCode) -> ProblemKind {
        match name {
            "denied" => ProblemKind::Denied,
            "not_found" => ProblemKind::NotFound,
            "conflict" => ProblemKind::Conflict,
            "invalid" => ProblemKind::Invalid,
            "store" => ProblemKind::Store,
            _ => ProblemKind::of_status(status),
        }
    }
}

/// Why a request was refused, as partnerkit says it: a denial (rule ROL-6) or a broken rule.
/// Only for the document: a [`Problem`] carries it as JSON.
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum Reason {
    /// The denial, with its stable `code` (`cannot_sign_in`, `permission`, …).
    Denial(partnerkit::Denial),
    /// The broken rule: its domain, code and message.
    Domain(partnerkit::DomainError),
}

/// An error response: an RFC 9457 problem details object with partnerkit's stable `code`.
///
/// ```json
/// {"type": "urn:partnerkit:problem:permission", "title": "Forbidden", "status": 403,
///  "detail": "denied: …", "error": "denied", "code": "permission", "reason": {…}}
/// ```
///
/// Served as `application/problem+json` with its status. A store failure says only that the
/// store failed; its details go to the server's log (a `tracing` error event), never to the
/// caller.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[schemars(title = "Problem")]
pub struct Problem {
    /// A URI naming the problem type: `urn:partnerkit:problem:` and the code.
    #[serde(rename = "type")]
    pub type_uri: String,
    /// The status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What happened and what to do, in a sentence.
    pub detail: String,
    /// What went wrong, in one word.
    pub error: ProblemKind,
    /// The stable machine-readable code: the denial's or the domain error's own
    /// (`cannot_sign_in`, `last_manager`), or this crate's (`no_actor`, `bad_account_id`, …).
    pub code: String,
    /// The denial's or the broken rule's own JSON, for a 403 or a 404/409/422 from a rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schemars(with = "Option<Reason>")]
    pub reason: Option<Value>,
    /// For a conflict or a failed precondition: the version the command was decided on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
    /// For a conflict or a failed precondition: the version the store had.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<u64>,
}

impl Problem {
    /// A problem with `status`, a stable `code` and a sentence saying what to do.
    pub fn new(status: StatusCode, code: &str, detail: impl Into<String>) -> Self {
        Problem {
            type_uri: format!("urn:partnerkit:problem:{code}"),
            title: status.canonical_reason().unwrap_or("Error").to_owned(),
            status: status.as_u16(),
            detail: detail.into(),
            error: ProblemKind::of_status(status),
            code: code.to_owned(),
            reason: None,
            expected: None,
            actual: None,
        }
    }

    /// 400: the request cannot be read.
    pub fn bad_request(code: &str, detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::BAD_REQUEST, code, detail)
    }

    /// 401: no signed-in actor (code `no_actor`).
    pub fn unauthenticated(detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNAUTHORIZED, "no_actor", detail)
    }

    /// 422: the data does not fit.
    pub fn invalid(code: &str, detail: impl Into<String>) -> Self {
        Problem::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
    }

    /// The status.
    pub fn status(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.code, self.detail)
    }
}

impl std::error::Error for Problem {}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status();
        let body = serde_json::to_vec(&self).unwrap_or_else(|_| b"{}".to_vec());
        let mut response = (status, body).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response
    }
}
