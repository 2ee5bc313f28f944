//! partnerkit behind HTTP: an axum server over [`AsyncAccountService`].
//!
//! ```text
//! cargo run -p partnerkit-examples --features http --example http_host -- [PORT] [SQLITE_FILE]
//! cargo run -p partnerkit-examples --features http --example http_host -- --openapi   # print the OpenAPI document
//! ```
//!
//! It binds 127.0.0.1 on `PORT` (or `PARTNERKIT_HTTP_PORT`; `0`, the default, picks a free
//! port) and prints the address. Accounts are kept in `SQLITE_FILE` (default: a new file in the
//! temporary directory), or in PostgreSQL when `PARTNERKIT_POSTGRES_URL` is set.
//!
//! | method and path | what |
//! |---|---|
//! | `POST /accounts/{id}/commands` | run an `AccountCommand` (JSON, tagged by `"type"`) |
//! | `GET /accounts/{id}` | the account's state |
//! | `GET /accounts/{id}/history` | its events (the audit trail, rule X-1) |
//! | `GET /accounts/{id}/readiness` | may it sell (rule ACC-4) |
//! | `POST /accounts/{id}/statements` | payout statements for a ledger (rules PAY-9, TAX-4) |
//! | `GET /accounts/{id}/authorize?permission=…` | may the signed-in actor do this (rule ROL-7) |
//! | `GET /openapi.json` | the OpenAPI document (checked in as `examples/openapi.json`) |
//!
//! **Who is signed in** comes from the header `x-partnerkit-actor`, holding the actor's JSON
//! (`{"kind": "user", "tenant": "…", "user": "…"}`, `{"kind": "marketplace"}`). That header is
//! a **stand-in for the host's real authentication**: anyone who can reach this server can
//! claim to be anyone. A real host derives the actor from a verified session, token or
//! client certificate, never from a header the caller writes.
//!
//! Errors are JSON with a stable `code` ([`partnerkit::Error`]'s own form) and the status
//! [`partnerkit::Error::status`] suggests: 403 denied, 404 unknown account (told only to the
//! marketplace: anyone else is denied, rule X-2), 409 conflict, 422 invalid, 503 store.
//!
//! A command's kind is authorised **before** the rest of its body is read: a caller who may
//! not run a command learns nothing about whether its data was valid (rule X-2).

use std::borrow::Cow;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::Utc;
use partnerkit::access::Permission;
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{AccountId, Actor, Context, IdSource, OsRandom, Version};
use partnerkit::payouts::{LedgerEntry, PayoutMonth};
use partnerkit::store::{AccountStore, Loaded, Recorded, StoreError};
use partnerkit::{
    AccountCommand, AccountEventView, AccountState, AccountView, AsyncAccountService,
    AsyncAccountStore, CommandKind, Denial, Error, ReadKind, SecretOf,
};
use partnerkit_postgres::PostgresStore;
use partnerkit_sqlite::SqliteStore;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Schema, Type};
use utoipa::{OpenApi, PartialSchema, ToSchema};

/// The header that names the signed-in actor: a stand-in for real authentication.
pub const ACTOR_HEADER: &str = "x-partnerkit-actor";

// ---------------------------------------------------------------------------------------------
// Async hosts: a synchronous store on tokio's blocking pool.
// ---------------------------------------------------------------------------------------------

/// Any synchronous [`AccountStore`] (here `SqliteStore`) as an [`AsyncAccountStore`]: each
/// call runs on tokio's blocking pool (`spawn_blocking`), so file I/O and SQLite's locks never
/// stall a runtime worker. Deciding stays on the calling task: it is pure and quick.
#[derive(Debug)]
pub struct Blocking<S>(Arc<S>);

impl<S> Blocking<S> {
    /// Wraps a synchronous store.
    pub fn new(store: S) -> Self {
        Blocking(Arc::new(store))
    }
}

/// A synchronous store's error, or a blocking task that did not finish (it panicked, or the
/// runtime is shutting down).
#[derive(Debug, thiserror::Error)]
pub enum BlockingError<E> {
    /// The store's own error.
    #[error(transparent)]
    Store(E),
    /// The blocking task failed.
    #[error("the store's blocking task failed: {0}")]
    Task(String),
}

impl<S: AccountStore + Send + Sync + 'static> Blocking<S> {
    async fn run<T, F>(&self, call: F) -> Result<T, BlockingError<S::Error>>
    where
        F: FnOnce(&S) -> T + Send + 'static,
        T: Send + 'static,
    {
        let store = Arc::clone(&self.0);
        tokio::task::spawn_blocking(move || call(&store))
            .await
            .map_err(|e| BlockingError::Task(e.to_string()))
    }
}

impl<S: AccountStore + Send + Sync + 'static> AsyncAccountStore for Blocking<S> {
    type Error = BlockingError<S::Error>;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, Self::Error> {
        self.run(move |s| s.load(account))
            .await?
            .map_err(BlockingError::Store)
    }

    async fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<Self::Error>> {
        // The blocking task outlives this borrow, so it gets its own copies.
        let (events, snapshot) = (events.to_vec(), snapshot.cloned());
        let appended = self
            .run(move |s| s.append(account, expected, &events, snapshot.as_ref()))
            .await
            .map_err(StoreError::Backend)?;
        appended.map_err(|e| match e {
            StoreError::Conflict { expected, actual } => StoreError::Conflict { expected, actual },
            StoreError::Backend(e) => StoreError::Backend(BlockingError::Store(e)),
            other => StoreError::Backend(BlockingError::Task(other.to_string())),
        })
    }

    async fn events(
        &self,
        account: AccountId,
        after: Version,
    ) -> Result<Vec<Recorded>, Self::Error> {
        self.run(move |s| s.events(account, after))
            .await?
            .map_err(BlockingError::Store)
    }

    async fn version(&self, account: AccountId) -> Result<Version, Self::Error> {
        self.run(move |s| s.version(account))
            .await?
            .map_err(BlockingError::Store)
    }
}

// ---------------------------------------------------------------------------------------------
// The store this host runs on: SQLite by default, PostgreSQL when configured.
// ---------------------------------------------------------------------------------------------

/// The host's store: SQLite (on the blocking pool) or PostgreSQL.
#[derive(Debug)]
pub enum HostStore {
    /// A SQLite file.
    Sqlite(Blocking<SqliteStore>),
    /// A PostgreSQL database.
    Postgres(PostgresStore),
}

/// The host store's error.
#[derive(Debug, thiserror::Error)]
pub enum HostStoreError {
    /// From SQLite.
    #[error(transparent)]
    Sqlite(BlockingError<partnerkit_sqlite::Error>),
    /// From PostgreSQL.
    #[error(transparent)]
    Postgres(partnerkit_postgres::Error),
    /// A write error of a kind this host does not know.
    #[error("{0}")]
    Other(String),
}

impl HostStore {
    /// A SQLite file, created if missing.
    pub fn sqlite(path: &std::path::Path) -> Result<Self, partnerkit_sqlite::Error> {
        Ok(HostStore::Sqlite(Blocking::new(SqliteStore::open(path)?)))
    }

    /// A PostgreSQL database at `url`, its tables created or migrated.
    pub async fn postgres(url: &str) -> Result<Self, partnerkit_postgres::Error> {
        let store = PostgresStore::connect(url)?;
        store.migrate().await?;
        Ok(HostStore::Postgres(store))
    }

    /// A PostgreSQL database at `url` with its tables in `schema` (created or migrated): one
    /// database can hold several independent stores.
    pub async fn postgres_in(url: &str, schema: &str) -> Result<Self, partnerkit_postgres::Error> {
        let store = PostgresStore::connect(url)?.with_schema(schema)?;
        store.migrate().await?;
        Ok(HostStore::Postgres(store))
    }

    fn describe(&self) -> &'static str {
        match self {
            HostStore::Sqlite(_) => "SQLite",
            HostStore::Postgres(_) => "PostgreSQL",
        }
    }
}

fn widen<E: std::fmt::Display>(
    e: StoreError<E>,
    into: impl FnOnce(E) -> HostStoreError,
) -> StoreError<HostStoreError> {
    match e {
        StoreError::Conflict { expected, actual } => StoreError::Conflict { expected, actual },
        StoreError::Backend(e) => StoreError::Backend(into(e)),
        other => StoreError::Backend(HostStoreError::Other(other.to_string())),
    }
}

impl AsyncAccountStore for HostStore {
    type Error = HostStoreError;

    async fn load(&self, account: AccountId) -> Result<Option<Loaded>, HostStoreError> {
        match self {
            HostStore::Sqlite(s) => s.load(account).await.map_err(HostStoreError::Sqlite),
            HostStore::Postgres(s) => s.load(account).await.map_err(HostStoreError::Postgres),
        }
    }

    async fn append(
        &self,
        account: AccountId,
        expected: Version,
        events: &[Recorded],
        snapshot: Option<&AccountState>,
    ) -> Result<Version, StoreError<HostStoreError>> {
        match self {
            HostStore::Sqlite(s) => s
                .append(account, expected, events, snapshot)
                .await
                .map_err(|e| widen(e, HostStoreError::Sqlite)),
            HostStore::Postgres(s) => s
                .append(account, expected, events, snapshot)
                .await
                .map_err(|e| widen(e, HostStoreError::Postgres)),
        }
    }

    async fn events(
        &self,
        account: AccountId,
        after: Version,
    ) -> Result<Vec<Recorded>, HostStoreError> {
        match self {
            HostStore::Sqlite(s) => s
                .events(account, after)
                .await
                .map_err(HostStoreError::Sqlite),
            HostStore::Postgres(s) => s
                .events(account, after)
                .await
                .map_err(HostStoreError::Postgres),
        }
    }

    async fn version(&self, account: AccountId) -> Result<Version, HostStoreError> {
        match self {
            HostStore::Sqlite(s) => s.version(account).await.map_err(HostStoreError::Sqlite),
            HostStore::Postgres(s) => s.version(account).await.map_err(HostStoreError::Postgres),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The host: one service per process, shared by every request.
// ---------------------------------------------------------------------------------------------

/// Fresh ids from the operating system's random generator (UUID v4). Ids are identifiers,
/// not secrets: secrets come from the context's [`OsRandom`].
#[derive(Debug, Clone, Copy, Default)]
pub struct RandomIds;

impl IdSource for RandomIds {
    fn next_uuid(&self) -> Uuid {
        Uuid::new_v4()
    }
}

/// What every request shares: the service (with its cache) and the id source.
#[derive(Debug)]
pub struct Host {
    service: AsyncAccountService<HostStore>,
    ids: RandomIds,
}

impl Host {
    /// A host over `store`.
    pub fn new(store: HostStore) -> Self {
        Host {
            service: AsyncAccountService::new(store),
            ids: RandomIds,
        }
    }

    /// The service.
    pub fn service(&self) -> &AsyncAccountService<HostStore> {
        &self.service
    }
}

/// The routes, over a shared host.
pub fn router(host: Arc<Host>) -> Router {
    Router::new()
        .route("/accounts/{id}", get(account_state))
        .route("/accounts/{id}/commands", post(execute))
        .route("/accounts/{id}/history", get(history))
        .route("/accounts/{id}/readiness", get(readiness))
        .route("/accounts/{id}/statements", post(statements))
        .route("/accounts/{id}/authorize", get(authorize))
        .route("/openapi.json", get(openapi_json))
        .with_state(host)
}

/// Serves `router` on `listener` until the task is dropped or the process ends.
pub async fn serve(listener: TcpListener, router: Router) -> std::io::Result<()> {
    axum::serve(listener, router).await
}

// ---------------------------------------------------------------------------------------------
// Errors as JSON.
// ---------------------------------------------------------------------------------------------

/// An error response: a status and partnerkit's error JSON
/// (`{"error": kind, "code": code, "message": text, "detail": …}`).
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    body: Value,
}

impl ApiError {
    fn new(status: StatusCode, error: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        ApiError {
            status,
            body: json!({ "error": error, "code": code, "message": message }),
        }
    }

    fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "bad_request", code, message)
    }

    fn invalid(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid", code, message)
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        if let Error::Store(store) = &e {
            // The JSON says only "the store failed"; the details are for the host's logs.
            eprintln!("store error: {store}");
        }
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_value(&e).unwrap_or_else(
            |_| json!({ "error": e.kind(), "code": e.code(), "message": "see the server's log" }),
        );
        ApiError { status, body }
    }
}

impl From<Denial> for ApiError {
    fn from(d: Denial) -> Self {
        Error::from(d).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body)).into_response()
    }
}

type Reply = Result<Response, ApiError>;

fn ok<T: Serialize>(body: T) -> Reply {
    Ok(axum::Json(body).into_response())
}

// ---------------------------------------------------------------------------------------------
// Request parts.
// ---------------------------------------------------------------------------------------------

/// The signed-in actor, from [`ACTOR_HEADER`]. A stand-in for real authentication: see the
/// module documentation.
fn signed_in(headers: &HeaderMap) -> Result<Actor, ApiError> {
    let unauthenticated = |message: String| {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "no_actor",
            message,
        )
    };
    let value = headers.get(ACTOR_HEADER).ok_or_else(|| {
        unauthenticated(format!(
            "send the signed-in actor's JSON in `{ACTOR_HEADER}`"
        ))
    })?;
    serde_json::from_slice(value.as_bytes())
        .map_err(|e| unauthenticated(format!("`{ACTOR_HEADER}` is not an actor's JSON: {e}")))
}

fn account_id(id: &str) -> Result<AccountId, ApiError> {
    Uuid::parse_str(id).map(AccountId::from_uuid).map_err(|e| {
        ApiError::bad_request(
            "bad_account_id",
            format!("the account id must be a UUID: {e}"),
        )
    })
}

/// The version a caller decided on, from `If-Match` (`"7"` or `7`), if it sent one.
fn if_match(headers: &HeaderMap) -> Result<Option<Version>, ApiError> {
    let Some(value) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .map(|s| s.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|s| s.parse::<u64>().ok())
        .map(|n| Some(Version::new(n)))
        .ok_or_else(|| {
            ApiError::bad_request(
                "bad_if_match",
                "If-Match must be the account's version, e.g. \"7\"",
            )
        })
}

/// May `actor` see `kind` of the account? partnerkit's read table answers
/// ([`ReadKind::requirement`]): the marketplace sees everything, a principal needs the
/// permission that covers the read, and an actor who cannot sign in is told only that
/// (rule X-2). Asked before a request body is read.
async fn admit(
    host: &Host,
    account: AccountId,
    actor: &Actor,
    kind: ReadKind,
) -> Result<(), ApiError> {
    Ok(host.service.may_read(account, actor, kind).await?)
}

// ---------------------------------------------------------------------------------------------
// Handlers.
// ---------------------------------------------------------------------------------------------

/// Runs a command: authorise its kind, then read it, then execute it.
#[utoipa::path(
    post,
    path = "/accounts/{id}/commands",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "The account id (a UUID)."),
        ("x-partnerkit-actor" = String, Header, description = "The signed-in actor's JSON. A stand-in for the host's real authentication."),
        ("If-Match" = Option<String>, Header, description = "The account version the caller decided on: refused with 409 if the account has changed since."),
    ),
    request_body(content = CommandBody, description = "An AccountCommand, tagged by `type`. Only `type` is read before the actor is authorised (rule X-2)."),
    responses(
        (status = 200, description = "Executed: the events stored and any secret, shown once.", body = ExecutedBody),
        (status = 400, description = "Not a JSON object with a known `type`.", body = ErrorBody),
        (status = 401, description = "No signed-in actor.", body = ErrorBody),
        (status = 403, description = "Denied: the actor may not ask for this kind of command.", body = ErrorBody),
        (status = 404, description = "No such account (told to the marketplace only).", body = ErrorBody),
        (status = 409, description = "The account changed meanwhile, or already exists.", body = ErrorBody),
        (status = 422, description = "A rule refused the command, or its data is not valid.", body = ErrorBody),
        (status = 503, description = "The store failed; nothing was stored.", body = ErrorBody),
    )
)]
async fn execute(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let actor = signed_in(&headers)?;
    let account = account_id(&id)?;
    let expected = if_match(&headers)?;
    // Only the kind is read before the actor is authorised (rule X-2).
    let value: Value = serde_json::from_slice(&body)
        .map_err(|e| ApiError::bad_request("bad_json", format!("the body is not JSON: {e}")))?;
    let kind: CommandKind = value
        .get("type")
        .cloned()
        .and_then(|t| serde_json::from_value(t).ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "unknown_command",
                "the body needs a `type` naming a command, e.g. \"add_users\"",
            )
        })?;
    host.service.may(account, &actor, kind).await?;
    // Authorised for this kind: now the data.
    let command: AccountCommand = serde_json::from_value(value).map_err(|e| {
        ApiError::invalid(
            "invalid_command",
            format!("the {kind} command is not valid: {e}"),
        )
    })?;
    let ctx = Context::new(Utc::now(), actor, &host.ids).with_rng(&OsRandom);
    // With `If-Match`, the command is stored only if the account is still at that version:
    // the store checks it on append, so the check and the write are one step.
    let executed = match expected {
        Some(expected) => {
            host.service
                .execute_expecting(account, &ctx, command, expected)
                .await?
        }
        None => host.service.execute(account, &ctx, command).await?,
    };
    ok(ExecutedBody {
        version: executed.version.get(),
        events: executed.events,
        revealed: executed.revealed.map(|r| RevealedBody {
            of: r.of,
            secret: r.secret.expose_secret().to_owned(),
        }),
    })
}

/// The account's state.
#[utoipa::path(
    get,
    path = "/accounts/{id}",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "The account id (a UUID)."),
        ("x-partnerkit-actor" = String, Header, description = "The signed-in actor's JSON."),
    ),
    responses(
        (status = 200, description = "The account as the actor may see it (the data classes its permissions cover, no credential verifier; rule X-8) and its version.", body = StateBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody),
    )
)]
async fn account_state(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let actor = signed_in(&headers)?;
    let account = account_id(&id)?;
    admit(&host, account, &actor, ReadKind::State).await?;
    // The version is read first: if a write lands between the two reads, the state shown is
    // newer than the version, and an `If-Match` with it is refused (safe), never the reverse.
    let version = host.service.version(account).await?.get();
    let state = host.service.state_for(account, &actor).await?;
    ok(StateBody { version, state })
}

/// The account's events, oldest first: who did what when (rule X-1).
#[utoipa::path(
    get,
    path = "/accounts/{id}/history",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "The account id (a UUID)."),
        ("x-partnerkit-actor" = String, Header, description = "The signed-in actor's JSON."),
    ),
    responses(
        (status = 200, description = "The events of the data classes the actor may see (rule X-8).", body = HistoryBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody),
    )
)]
async fn history(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let actor = signed_in(&headers)?;
    let account = account_id(&id)?;
    let version = host.service.version(account).await?.get();
    let events = host.service.history_for(account, &actor).await?;
    ok(HistoryBody { version, events })
}

/// May the account sell (rule ACC-4)?
#[utoipa::path(
    get,
    path = "/accounts/{id}/readiness",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "The account id (a UUID)."),
        ("x-partnerkit-actor" = String, Header, description = "The signed-in actor's JSON."),
    ),
    responses(
        (status = 200, description = "What is missing. Needs `view_account_settings`.", body = ReadinessBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 503, body = ErrorBody),
    )
)]
async fn readiness(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Reply {
    let actor = signed_in(&headers)?;
    let account = account_id(&id)?;
    let readiness = host
        .service
        .readiness_for(account, &actor, Utc::now())
        .await?;
    ok(ReadinessBody {
        can_sell_paid_offers: readiness.can_sell_paid_offers(),
        can_list_free_offers: readiness.can_list_free_offers(),
        missing: readiness.missing,
    })
}

/// Payout statements for a ledger, US withholding joined in (rules PAY-9, TAX-4).
#[utoipa::path(
    post,
    path = "/accounts/{id}/statements",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "The account id (a UUID)."),
        ("x-partnerkit-actor" = String, Header, description = "The signed-in actor's JSON."),
    ),
    request_body(content = StatementsRequest, description = "The ledger and the payout months. Read only after the actor is authorised (rule X-2)."),
    responses(
        (status = 200, description = "One statement per month. Needs `view_financial_reports`.", body = StatementsBody),
        (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody), (status = 503, body = ErrorBody),
    )
)]
async fn statements(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Reply {
    let actor = signed_in(&headers)?;
    let account = account_id(&id)?;
    admit(&host, account, &actor, ReadKind::Statements).await?;
    let request: StatementsRequest = serde_json::from_slice(&body).map_err(|e| {
        ApiError::invalid(
            "invalid_request",
            format!("the statements request is not valid: {e}"),
        )
    })?;
    let statements = host
        .service
        .statements_for(
            account,
            &actor,
            &request.entries,
            request.first,
            request.last,
        )
        .await?;
    ok(StatementsBody { statements })
}

/// The `authorize` query.
#[derive(Debug, Deserialize)]
struct AuthorizeQuery {
    permission: String,
}

/// May the signed-in actor do what `permission` guards (rule ROL-7)? The same answer a
/// command needing it gets.
#[utoipa::path(
    get,
    path = "/accounts/{id}/authorize",
    tag = "accounts",
    params(
        ("id" = String, Path, description = "The account id (a UUID)."),
        ("x-partnerkit-actor" = String, Header, description = "The signed-in actor's JSON."),
        ("permission" = String, Query, description = "A permission in snake case, e.g. `manage_users`."),
    ),
    responses(
        (status = 200, description = "The explained decision.", body = AuthorizeBody),
        (status = 400, description = "No such permission.", body = ErrorBody),
        (status = 403, description = "The actor cannot sign in to the account.", body = ErrorBody),
        (status = 503, body = ErrorBody),
    )
)]
async fn authorize(
    State(host): State<Arc<Host>>,
    Path(id): Path<String>,
    Query(query): Query<AuthorizeQuery>,
    headers: HeaderMap,
) -> Reply {
    let actor = signed_in(&headers)?;
    let account = account_id(&id)?;
    let permission: Permission =
        serde_json::from_value(Value::String(query.permission)).map_err(|e| {
            ApiError::bad_request("unknown_permission", format!("no such permission: {e}"))
        })?;
    // A refusal with an explained decision is an answer (200, `allowed: false`); an actor
    // that cannot sign in is refused (403).
    let decision = match host.service.authorize(account, &actor, permission).await {
        Ok(allowed) => allowed,
        Err(Error::Denied(denial)) => match *denial {
            Denial::Permission(refused) => refused,
            other => return Err(other.into()),
        },
        Err(e) => return Err(e.into()),
    };
    ok(AuthorizeBody {
        allowed: decision.is_allowed(),
        decision,
    })
}

async fn openapi_json() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], openapi_text()).into_response()
}

// ---------------------------------------------------------------------------------------------
// Bodies, and the OpenAPI document generated from them.
// ---------------------------------------------------------------------------------------------

/// A command's result.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutedBody {
    /// The account's version after the command.
    pub version: u64,
    /// The events stored, each with who and when (rule X-1). Empty for a no-op.
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<Recorded>,
    /// A secret the command generated (an initial password, a key value): shown now and
    /// never again (rules USR-8, APP-4, X-4).
    pub revealed: Option<RevealedBody>,
}

/// A generated secret, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct RevealedBody {
    /// What it belongs to: `{"kind": "initial_password", "user": "…"}` and the like.
    #[schema(value_type = Object)]
    pub of: SecretOf,
    /// The secret.
    pub secret: String,
}

/// An error: partnerkit's error JSON.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// The kind: `denied`, `not_found`, `conflict`, `invalid`, `store`, `bad_request`,
    /// `unauthenticated`.
    pub error: String,
    /// The stable machine-readable code, e.g. `cannot_sign_in`, `last_manager`.
    pub code: String,
    /// What happened and what to do, in a sentence.
    pub message: String,
    /// The denial's or the domain error's own JSON.
    #[schema(value_type = Option<Object>)]
    pub detail: Option<Value>,
    /// For a conflict: the version the command was decided on.
    pub expected: Option<u64>,
    /// For a conflict: the version the store had.
    pub actual: Option<u64>,
}

/// An account's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct StateBody {
    /// Its version: the number of events stored.
    pub version: u64,
    /// The account as the actor may see it: only the data classes its permissions cover,
    /// never a credential verifier (rule X-8).
    #[schema(value_type = Object)]
    pub state: AccountView,
}

/// An account's history.
#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryBody {
    /// The account's version: the number of events stored.
    pub version: u64,
    /// The events the actor may see, oldest first, without credential verifiers (rule X-8).
    #[schema(value_type = Vec<Object>)]
    pub events: Vec<partnerkit::core::Envelope<AccountEventView>>,
}

/// May the account sell (rule ACC-4)?
#[derive(Debug, Serialize, ToSchema)]
pub struct ReadinessBody {
    /// Nothing is missing.
    pub can_sell_paid_offers: bool,
    /// Only financial information is missing, which free offers do not need.
    pub can_list_free_offers: bool,
    /// What is missing.
    #[schema(value_type = Vec<Object>)]
    pub missing: Vec<partnerkit::Missing>,
}

/// A ledger and the payout months to state.
#[derive(Debug, Deserialize, ToSchema)]
pub struct StatementsRequest {
    /// Ledger entries (partnerkit's JSON: source, amount, withheld, earned_on,
    /// country_of_sale, payable_in).
    #[schema(value_type = Vec<Object>)]
    pub entries: Vec<LedgerEntry>,
    /// The first payout month, `YYYY-MM`.
    #[schema(value_type = String, example = "2027-04")]
    pub first: PayoutMonth,
    /// The last payout month, `YYYY-MM`.
    #[schema(value_type = String, example = "2027-06")]
    pub last: PayoutMonth,
}

/// Payout statements.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatementsBody {
    /// One per payout month, every line explained.
    #[schema(value_type = Vec<Object>)]
    pub statements: Vec<partnerkit::payouts::Statement>,
}

/// An explained decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuthorizeBody {
    /// Allowed.
    pub allowed: bool,
    /// Why: the permission, the principal, and which roles would grant it.
    #[schema(value_type = Object)]
    pub decision: partnerkit::access::Decision,
}

/// `AccountCommand` as OpenAPI sees it: an object tagged by `type`, one of every command kind.
/// Built here, so the library needs no OpenAPI dependency; each command's fields are
/// documented on `partnerkit::AccountCommand`.
#[derive(Debug)]
pub struct CommandBody;

impl PartialSchema for CommandBody {
    fn schema() -> RefOr<Schema> {
        let kinds: Vec<String> = CommandKind::ALL.iter().map(ToString::to_string).collect();
        let kind = ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(kinds))
            .description(Some("The command's kind (`partnerkit::CommandKind`)."));
        ObjectBuilder::new()
            .schema_type(Type::Object)
            .description(Some(
                "An AccountCommand (see `partnerkit::AccountCommand`): its kind in `type` and its fields beside it, e.g. `{\"type\": \"rename_user\", \"user\": \"…\", \"name\": {\"first\": \"Ada\", \"last\": \"Lovelace\"}}`.",
            ))
            .property("type", kind)
            .required("type")
            .additional_properties(Some(AdditionalProperties::<Schema>::FreeForm(true)))
            .into()
    }
}

impl ToSchema for CommandBody {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("AccountCommand")
    }
}

/// The OpenAPI document, generated from the handlers and bodies above.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "partnerkit HTTP host (example)",
        description = "partnerkit's AsyncAccountService behind HTTP. The `x-partnerkit-actor` header is a stand-in for the host's real authentication.",
    ),
    paths(execute, account_state, history, readiness, statements, authorize),
    components(schemas(
        CommandBody,
        ExecutedBody,
        RevealedBody,
        ErrorBody,
        StateBody,
        HistoryBody,
        ReadinessBody,
        StatementsRequest,
        StatementsBody,
        AuthorizeBody
    ))
)]
pub struct ApiDoc;

/// The OpenAPI document as served at `/openapi.json` and checked in as
/// `examples/openapi.json`: pretty JSON with a final newline.
pub fn openapi_text() -> String {
    let doc = ApiDoc::openapi();
    match serde_json::to_string_pretty(&doc) {
        Ok(text) => text + "\n",
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

// ---------------------------------------------------------------------------------------------
// main
// ---------------------------------------------------------------------------------------------

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--openapi") {
        print!("{}", openapi_text());
        return Ok(());
    }
    let port: u16 = match args.first() {
        Some(port) => port.parse()?,
        None => std::env::var("PARTNERKIT_HTTP_PORT").map_or(Ok(0), |p| p.parse())?,
    };
    let store = match std::env::var("PARTNERKIT_POSTGRES_URL") {
        Ok(url) => HostStore::postgres(&url).await?,
        Err(_) => {
            let path = args.get(1).map_or_else(
                || {
                    std::env::temp_dir()
                        .join(format!("partnerkit-http-{}.sqlite", std::process::id()))
                },
                PathBuf::from,
            );
            println!("accounts in {}", path.display());
            HostStore::sqlite(&path)?
        }
    };
    let kind = store.describe();
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await?;
    println!(
        "partnerkit HTTP host on http://{} ({kind})",
        listener.local_addr()?
    );
    serve(listener, router(Arc::new(Host::new(store)))).await?;
    Ok(())
}
