//! The handlers, their request parts and their response bodies.

use axum::body::Bytes;
use axum::extract::rejection::{BytesRejection, QueryRejection};
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use partnerkit::access::{Decision, Permission};
use partnerkit::core::chrono::{NaiveDate, Utc};
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{AccountId, Context, Envelope, OsRandom, Version};
use partnerkit::payouts::{LedgerEntry, PayoutMonth, PayoutPolicy, RevenueSource, Statement};
use partnerkit::store::Recorded;
use partnerkit::{
    AccountCommand, AccountEventView, AccountView, AsyncAccountStore, CommandKind, Executed,
    Missing, ReadKind, SecretOf,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tracing::Instrument;

use crate::Host;
use crate::actor::{Authenticate, SignedIn};
use crate::facade;
use crate::openapi::BodySchemas;
use crate::problem::Problem;

type Reply = Result<Response, Problem>;

/// The account named in the path, a UUID in its hyphenated form; anything else is a 400
/// (`bad_account_id`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct AccountPath(pub(crate) AccountId);

impl<St: Send + Sync> FromRequestParts<St> for AccountPath {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &St) -> Result<Self, Problem> {
        let bad = |given: &str| {
            Problem::bad_request(
                "bad_account_id",
                format!(
                    "the account id must be a UUID such as 67e55044-10b1-426f-9247-bb680e5fe0c8, not {given:?}"
                ),
            )
        };
        let Path(id) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|e| bad(&e.body_text()))?;
        // Only the hyphenated form (JSON Schema's `uuid` format), not the braced, URN or
        // simple forms `Uuid::parse_str` also reads.
        if id.len() != 36 {
            return Err(bad(&id));
        }
        Uuid::parse_str(&id)
            .map(|u| AccountPath(AccountId::from_uuid(u)))
            .map_err(|_| bad(&id))
    }
}

/// What a command's `If-Match` asks for (RFC 9110 §13.1.1: `"*" / #entity-tag`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Precondition {
    /// No `If-Match`, or `*`: no check.
    None,
    /// `"7"`: store only if the account is still at this version.
    Version(Version),
    /// An empty field: a list of no entity tags, which no version matches, so the precondition
    /// fails (412) and nothing is stored. Never read as "no precondition": a client that meant
    /// to send a version and sent nothing would otherwise store over a newer account.
    Unmatchable,
}

/// An empty `If-Match`: a list of no entity tags, which no version matches (412, code
/// `no_version`).
pub(crate) fn unmatchable() -> Problem {
    Problem::new(
        StatusCode::PRECONDITION_FAILED,
        "no_version",
        "If-Match was empty, a list of no versions, which the account's version cannot match: send the ETag of a read, e.g. \"7\", or * for no check",
    )
}

/// The version a caller decided on, from `If-Match`: `"7"` (a strong entity tag, as this
/// crate's `ETag` headers are), `*` (any: no check), or empty (no tag: fails).
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Precondition, Problem> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(Precondition::None);
    };
    let bad = || {
        Problem::bad_request(
            "bad_if_match",
            "If-Match must be the account's version as its ETag gives it, e.g. \"7\", or *",
        )
    };
    let text = value.to_str().map_err(|_| bad())?.trim();
    match text {
        "*" => return Ok(Precondition::None),
        "" => return Ok(Precondition::Unmatchable),
        _ => {}
    }
    let digits = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .filter(|d| (1..=19).contains(&d.len()) && d.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(bad)?;
    digits
        .parse::<u64>()
        .map(|n| Precondition::Version(Version::new(n)))
        .map_err(|_| bad())
}

/// An `ETag` for a version: `"7"`.
fn etag(version: Version) -> HeaderValue {
    HeaderValue::from_str(&format!("\"{}\"", version.get()))
        .unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

fn json_with_etag<T: Serialize>(body: &T, version: Option<Version>) -> Response {
    let mut response = axum::Json(body).into_response();
    if let Some(version) = version {
        response.headers_mut().insert(header::ETAG, etag(version));
    }
    response
}

fn body_problem(e: BytesRejection) -> Problem {
    Problem::new(e.status(), "bad_body", e.body_text())
}

/// A command's result.
#[derive(Debug, Serialize, JsonSchema)]
pub struct ExecutedBody {
    /// The account's version after the command (also the response's `ETag`).
    pub version: u64,
    /// The events stored, each with who and when (rule X-1). Empty for a no-op.
    pub events: Vec<Recorded>,
    /// A secret the command generated (an initial password, a key value): shown now and
    /// never again (rules USR-8, APP-4, X-4).
    pub revealed: Option<RevealedBody>,
}

/// A generated secret, shown once.
#[derive(Debug, Serialize, JsonSchema)]
pub struct RevealedBody {
    /// What it belongs to.
    pub of: SecretOf,
    /// The secret.
    pub secret: String,
}

/// An account's state.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StateBody {
    /// Its version: the number of events stored (also the response's `ETag`).
    pub version: u64,
    /// The account as the actor may see it: only the data classes its permissions cover,
    /// never a credential verifier (rule X-8).
    pub state: AccountView,
}

/// An account's history.
#[derive(Debug, Serialize, JsonSchema)]
pub struct HistoryBody {
    /// The account's version: the number of events stored (also the response's `ETag`).
    pub version: u64,
    /// The events the actor may see, oldest first (rule X-8).
    pub events: Vec<Envelope<AccountEventView>>,
}

/// May the account sell (rule ACC-4)?
#[derive(Debug, Serialize, JsonSchema)]
pub struct ReadinessBody {
    /// Nothing is missing.
    pub can_sell_paid_offers: bool,
    /// Only financial information is missing, which free offers do not need.
    pub can_list_free_offers: bool,
    /// What is missing.
    pub missing: Vec<Missing>,
}

/// A ledger and the payout months to state.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct StatementsRequest {
    /// The ledger's entries. An entry may leave out `payable_in`: the host gives it the month
    /// its payout policy gives the entry's source and date (rule PAY-8); one that gives it
    /// must give that month.
    pub entries: Vec<LedgerEntry>,
    /// The first payout month.
    pub first: PayoutMonth,
    /// The last payout month.
    pub last: PayoutMonth,
}

/// Payout statements.
#[derive(Debug, Serialize, JsonSchema)]
pub struct StatementsBody {
    /// One per payout month, every line explained.
    pub statements: Vec<Statement>,
}

/// An explained decision.
#[derive(Debug, Serialize, JsonSchema)]
pub struct AuthorizeBody {
    /// Allowed.
    pub allowed: bool,
    /// Why: the permission, the principal, and which roles would grant it.
    pub decision: Decision,
}

/// `POST /accounts/{id}/commands`: authorise the command's kind, then read it, then run it.
pub(crate) async fn execute<S, A>(
    State(host): State<Host<S, A>>,
    SignedIn(actor): SignedIn,
    AccountPath(account): AccountPath,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Reply
where
    S: AsyncAccountStore + 'static,
    A: Authenticate,
{
    let span =
        tracing::info_span!("partnerkit.command", %account, %actor, kind = tracing::field::Empty);
    async move {
        let body = body.map_err(body_problem)?;
        // Only the kind is read before the actor is authorised (rule X-2).
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| Problem::bad_request("bad_json", format!("the body is not JSON: {e}")))?;
        let kind = command_kind(&value)?;
        tracing::Span::current().record("kind", tracing::field::display(kind));
        facade::may(host.service(), account, &actor, kind).await?;
        // Authorised: now the precondition (an actor who may not act learns nothing, not even
        // whether its If-Match was well formed), then the data.
        let expected = match if_match(&headers)? {
            Precondition::None => None,
            Precondition::Version(version) => Some(version),
            Precondition::Unmatchable => return Err(unmatchable()),
        };
        let command = read_command(host.bodies(), kind, value)?;
        let ids = host.ids();
        let ctx = Context::new(Utc::now(), actor, &ids).with_rng(&OsRandom);
        // With `If-Match`, the command is stored only if the account is still at that
        // version: the store checks it on append, so the check and the write are one step.
        let executed = match expected {
            Some(expected) => host
                .service()
                .execute_expecting(account, &ctx, command, expected)
                .await
                .map_err(facade::expecting)?,
            None => host.service().execute(account, &ctx, command).await?,
        };
        tracing::info!(
            version = executed.version.get(),
            events = executed.events.len(),
            "executed"
        );
        let version = executed.version;
        Ok(json_with_etag(&ExecutedBody::from(executed), Some(version)))
    }
    .instrument(span)
    .await
}

/// The command's kind, from its `type`: all that is read before the actor is authorised.
fn command_kind(value: &Value) -> Result<CommandKind, Problem> {
    value
        .get("type")
        .cloned()
        .and_then(|t| serde_json::from_value(t).ok())
        .ok_or_else(|| {
            Problem::bad_request(
                "unknown_command",
                "the body needs a `type` naming a command, e.g. \"add_users\"",
            )
        })
}

/// The command of an authorised `kind`: checked against the document's schema (when the host
/// checks bodies), then read.
fn read_command(
    bodies: Option<&BodySchemas>,
    kind: CommandKind,
    value: Value,
) -> Result<AccountCommand, Problem> {
    let invalid = |e: &dyn std::fmt::Display| {
        Problem::invalid(
            "invalid_command",
            format!("the {kind} command is not valid: {e}"),
        )
    };
    if let Some(bodies) = bodies {
        bodies
            .command(&kind.to_string(), &value)
            .map_err(|e| invalid(&e))?;
    }
    serde_json::from_value(value).map_err(|e| invalid(&e))
}

impl From<Executed> for ExecutedBody {
    fn from(executed: Executed) -> Self {
        ExecutedBody {
            version: executed.version.get(),
            events: executed.events,
            revealed: executed.revealed.map(|r| RevealedBody {
                of: r.of,
                secret: r.secret.expose_secret().to_owned(),
            }),
        }
    }
}

/// `GET /accounts/{id}`: the state as the actor may see it, and its version.
pub(crate) async fn state<S, A>(
    State(host): State<Host<S, A>>,
    SignedIn(actor): SignedIn,
    AccountPath(account): AccountPath,
) -> Reply
where
    S: AsyncAccountStore + 'static,
    A: Authenticate,
{
    let span = tracing::info_span!("partnerkit.read", %account, %actor, read = "state");
    async move {
        facade::may_read(host.service(), account, &actor, ReadKind::State).await?;
        // The version is read first: if a write lands between the two reads, the state shown
        // is newer than the version, and an `If-Match` with it is refused (safe), never the
        // reverse.
        let version = host.service().version(account).await?;
        let state = host.service().state_for(account, &actor).await?;
        let body = StateBody {
            version: version.get(),
            state,
        };
        Ok(json_with_etag(&body, Some(version)))
    }
    .instrument(span)
    .await
}

/// `GET /accounts/{id}/history`: the events the actor may see.
pub(crate) async fn history<S, A>(
    State(host): State<Host<S, A>>,
    SignedIn(actor): SignedIn,
    AccountPath(account): AccountPath,
) -> Reply
where
    S: AsyncAccountStore + 'static,
    A: Authenticate,
{
    let span = tracing::info_span!("partnerkit.read", %account, %actor, read = "history");
    async move {
        facade::may_read(host.service(), account, &actor, ReadKind::History).await?;
        let version = host.service().version(account).await?;
        let events = host.service().history_for(account, &actor).await?;
        let body = HistoryBody {
            version: version.get(),
            events,
        };
        Ok(json_with_etag(&body, Some(version)))
    }
    .instrument(span)
    .await
}

/// `GET /accounts/{id}/readiness`: may the account sell (rule ACC-4)?
pub(crate) async fn readiness<S, A>(
    State(host): State<Host<S, A>>,
    SignedIn(actor): SignedIn,
    AccountPath(account): AccountPath,
) -> Reply
where
    S: AsyncAccountStore + 'static,
    A: Authenticate,
{
    let span = tracing::info_span!("partnerkit.read", %account, %actor, read = "readiness");
    async move {
        let readiness = host
            .service()
            .readiness_for(account, &actor, Utc::now())
            .await?;
        let body = ReadinessBody {
            can_sell_paid_offers: readiness.can_sell_paid_offers(),
            can_list_free_offers: readiness.can_list_free_offers(),
            missing: readiness.missing,
        };
        Ok(json_with_etag(&body, None))
    }
    .instrument(span)
    .await
}

/// `POST /accounts/{id}/statements`: statements for a ledger (rules PAY-9, TAX-4). The body
/// is read only after the actor is admitted (rule X-2).
pub(crate) async fn statements<S, A>(
    State(host): State<Host<S, A>>,
    SignedIn(actor): SignedIn,
    AccountPath(account): AccountPath,
    body: Result<Bytes, BytesRejection>,
) -> Reply
where
    S: AsyncAccountStore + 'static,
    A: Authenticate,
{
    let span = tracing::info_span!("partnerkit.read", %account, %actor, read = "statements");
    async move {
        facade::may_read(host.service(), account, &actor, ReadKind::Statements).await?;
        let body = body.map_err(body_problem)?;
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| Problem::bad_request("bad_json", format!("the body is not JSON: {e}")))?;
        if let Some(bodies) = host.bodies() {
            bodies.statements(&value).map_err(|e| {
                Problem::invalid(
                    "invalid_request",
                    format!("the statements request is not valid: {e}"),
                )
            })?;
        }
        let mut value = value;
        fill_payable_in(&mut value, &host.service().settings().policy)?;
        let request: StatementsRequest = serde_json::from_value(value).map_err(|e| {
            Problem::invalid(
                "invalid_request",
                format!("the statements request is not valid: {e}"),
            )
        })?;
        // A bound on the work one request asks for: a statement per month.
        let months = request.first.months_until(request.last);
        if !(0..MAX_STATEMENT_MONTHS).contains(&months) {
            return Err(Problem::invalid(
                "bad_month_range",
                format!("`last` must be from `first` to {MAX_STATEMENT_MONTHS} months after it"),
            ));
        }
        let statements = host
            .service()
            .statements_for(
                account,
                &actor,
                &request.entries,
                request.first,
                request.last,
            )
            .await?;
        Ok(json_with_etag(&StatementsBody { statements }, None))
    }
    .instrument(span)
    .await
}

/// Gives each entry of a statements request that leaves out `payable_in` the month `policy`
/// gives its source and date (rule PAY-8, [`PayoutPolicy::payable_month`]), so a caller need
/// not know the host's policy. An entry whose source or date does not read is left as it
/// is: reading the request refuses it with its own error.
fn fill_payable_in(value: &mut Value, policy: &PayoutPolicy) -> Result<(), Problem> {
    let Some(entries) = value.get_mut("entries").and_then(Value::as_array_mut) else {
        return Ok(());
    };
    for entry in entries.iter_mut().filter_map(Value::as_object_mut) {
        if entry.contains_key("payable_in") {
            continue;
        }
        let source = entry
            .get("source")
            .and_then(Value::as_str)
            .and_then(|s| s.parse::<RevenueSource>().ok());
        let earned_on = entry
            .get("earned_on")
            .and_then(Value::as_str)
            .and_then(|d| d.parse::<NaiveDate>().ok());
        if let (Some(source), Some(earned_on)) = (source, earned_on) {
            let month = policy.payable_month(&source, earned_on).map_err(|e| {
                Problem::invalid(
                    "invalid_request",
                    format!("the statements request is not valid: {e}"),
                )
            })?;
            entry.insert("payable_in".into(), Value::String(month.to_string()));
        }
    }
    Ok(())
}

/// The most payout months one statements request covers (ten years).
pub const MAX_STATEMENT_MONTHS: i32 = 120;

/// The `authorize` query.
#[derive(Debug, Deserialize)]
pub(crate) struct AuthorizeQuery {
    permission: Option<String>,
}

/// `GET /accounts/{id}/authorize?permission=…`: may the signed-in actor do what `permission`
/// guards (rule ROL-7)? The same answer a command needing it gets.
pub(crate) async fn authorize<S, A>(
    State(host): State<Host<S, A>>,
    SignedIn(actor): SignedIn,
    AccountPath(account): AccountPath,
    query: Result<Query<AuthorizeQuery>, QueryRejection>,
) -> Reply
where
    S: AsyncAccountStore + 'static,
    A: Authenticate,
{
    let span = tracing::info_span!("partnerkit.authorize", %account, %actor);
    async move {
        let Query(query) = query.map_err(|e| Problem::bad_request("bad_query", e.body_text()))?;
        let name = query.permission.ok_or_else(|| {
            Problem::bad_request(
                "missing_permission",
                "name the permission in the query: ?permission=manage_users",
            )
        })?;
        let permission: Permission =
            serde_json::from_value(Value::String(name.clone())).map_err(|_| {
                Problem::bad_request(
                    "unknown_permission",
                    format!("no such permission: {name:?} (see the document's Permission)"),
                )
            })?;
        let decision = facade::authorize(host.service(), account, &actor, permission).await?;
        let body = AuthorizeBody {
            allowed: decision.is_allowed(),
            decision,
        };
        Ok(json_with_etag(&body, None))
    }
    .instrument(span)
    .await
}

/// Any error response that is not a problem yet — axum's own (an unknown route, a method
/// not served, a body too large) — becomes one, keeping its status and headers (`Allow`): no
/// `text/plain` error leaves the router.
pub(crate) async fn problems_only(response: Response) -> Response {
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(crate::PROBLEM_JSON.as_bytes()));
    if !(status.is_client_error() || status.is_server_error()) || is_problem {
        return response;
    }
    let (code, detail) = match status {
        StatusCode::NOT_FOUND => ("no_route", "no such route: see /openapi.json"),
        StatusCode::METHOD_NOT_ALLOWED => (
            "method_not_allowed",
            "this method is not served on this path: see the Allow header",
        ),
        StatusCode::PAYLOAD_TOO_LARGE => ("body_too_large", "the body is too large"),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => ("unsupported_media_type", "send JSON"),
        _ => ("http_error", "the request failed"),
    };
    let (mut parts, _) = response.into_parts();
    let problem = Problem::new(status, code, detail).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    let (problem_parts, body) = problem.into_parts();
    for (name, value) in &problem_parts.headers {
        parts.headers.insert(name, value.clone());
    }
    Response::from_parts(parts, body)
}
