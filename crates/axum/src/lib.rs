//! partnerkit's account service behind HTTP, on axum: one [`Router`] for commands, reads on
//! behalf of the signed-in actor, `authorize` and payout statements, over any store.
//!
//! ```no_run
//! use partnerkit_axum::{ActorHeader, Blocking, Host};
//! use partnerkit_sqlite::SqliteStore;
//!
//! #[tokio::main]
//! async fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     // A synchronous store runs on tokio's blocking pool; an async one
//!     // (`partnerkit_postgres::PostgresStore`) is given as is.
//!     let store = Blocking::new(SqliteStore::open("accounts.sqlite")?);
//!     // The host authenticates: here a header its gateway sets (`ActorHeader`); a JWT's
//!     // claims or a session through an `Authenticate` of its own.
//!     let host = Host::new(store, ActorHeader);
//!     let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//!     axum::serve(listener, host.router()).await?;
//!     Ok(())
//! }
//! ```
//!
//! | method and path | what | needs |
//! |---|---|---|
//! | `POST /accounts/{id}/commands` | run an `AccountCommand` (JSON tagged by `"type"`); `If-Match: "7"` to run it only at that version | the command's own requirement |
//! | `GET /accounts/{id}` | the state as the actor may see it, its version in `ETag` | `manage_users` |
//! | `GET /accounts/{id}/history` | the events (rule X-1), the version in `ETag` | `manage_users` |
//! | `GET /accounts/{id}/readiness` | may the account sell (rule ACC-4) | `view_account_settings` |
//! | `POST /accounts/{id}/statements` | statements for a ledger (rules PAY-9, TAX-4) | `view_financial_reports` |
//! | `GET /accounts/{id}/authorize?permission=…` | may the signed-in actor do it (rule ROL-7) | able to sign in |
//! | `GET /openapi.json` | the OpenAPI 3.1 document ([`openapi::document`]) | — |
//!
//! - **Who is signed in** is the host's to say: an [`Authenticate`] (a header, a verified
//!   JWT's claims, a session); handlers take the [`SignedIn`] extractor. [`ActorHeader`] reads
//!   the actor's JSON from `x-partnerkit-actor`, for a host behind a gateway that sets it.
//! - **Authorised before read** (rule X-2): a command's `type` is authorised before the rest
//!   of its body is read, a statement request's body after the actor is admitted; a caller
//!   who may not learns nothing about whether its data was valid.
//! - **Errors** are RFC 9457 problem details ([`Problem`], `application/problem+json`) with
//!   partnerkit's stable `code`, the status `partnerkit::Error::status` gives, and the denial
//!   or broken rule as `reason`. axum's own rejections (an id that is not a UUID, a body that
//!   is not JSON, a missing query parameter, an unknown route or method) are problems too: no
//!   `text/plain` error leaves the router.
//! - **Versions**: reads of the state and history send `ETag: "7"`; a command sent with
//!   `If-Match: "7"` is stored only if the account is still at version 7 (one conditional
//!   append, `execute_expecting`), else 412.
//! - **tracing**: a span per request (`partnerkit.command`, `partnerkit.read`,
//!   `partnerkit.authorize`) with the account and actor, an event per executed command, an
//!   error event for a store failure (whose details never reach the caller).
//!
//! Everything a handler does goes through the account service: this crate adds no rule.
#![cfg_attr(docsrs, feature(doc_cfg))]
// A `Problem` is the error response itself, made at most once per request: boxing it would
// buy nothing.
#![allow(clippy::result_large_err)]

mod actor;
mod blocking;
mod facade;
pub mod openapi;
mod problem;
mod routes;

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use partnerkit::{AsyncAccountService, AsyncAccountStore, RandomIds, Settings};

pub use actor::{ACTOR_HEADER, ActorHeader, Authenticate, SecurityScheme, SignedIn};
pub use blocking::{Blocking, BlockingError};
pub use problem::{PROBLEM_JSON, Problem, ProblemKind};
pub use routes::{
    AuthorizeBody, ExecutedBody, HistoryBody, MAX_STATEMENT_MONTHS, ReadinessBody, RevealedBody,
    StateBody, StatementsBody, StatementsRequest,
};

/// What every request shares: the account service (with its cache of accounts), the
/// authenticator and the id source. Cheap to clone (one `Arc`); make one per process.
#[derive(Debug)]
pub struct Host<S, A> {
    inner: Arc<Inner<S, A>>,
}

#[derive(Debug)]
struct Inner<S, A> {
    service: AsyncAccountService<S>,
    authenticator: A,
    bodies: Option<openapi::BodySchemas>,
}

impl<S, A> Clone for Host<S, A> {
    fn clone(&self) -> Self {
        Host {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<S, A> Host<S, A>
where
    S: AsyncAccountStore + 'static,
    A: Authenticate,
{
    /// A host over `store` with the default settings, authenticating with `authenticator`.
    pub fn new(store: S, authenticator: A) -> Self {
        Host::with_service(AsyncAccountService::new(store), authenticator)
    }

    /// A host over `store` with the host's own settings.
    pub fn with_settings(store: S, settings: Settings, authenticator: A) -> Self {
        Host::with_service(
            AsyncAccountService::with_settings(store, settings),
            authenticator,
        )
    }

    /// A host over a service already made.
    pub fn with_service(service: AsyncAccountService<S>, authenticator: A) -> Self {
        Host {
            inner: Arc::new(Inner {
                service,
                authenticator,
                bodies: openapi::BodySchemas::new(),
            }),
        }
    }

    /// The account service, for the host's own routes and work.
    pub fn service(&self) -> &AsyncAccountService<S> {
        &self.inner.service
    }

    /// The authenticator.
    pub fn authenticator(&self) -> &A {
        &self.inner.authenticator
    }

    /// The validators of request bodies.
    pub(crate) fn bodies(&self) -> Option<&openapi::BodySchemas> {
        self.inner.bodies.as_ref()
    }

    /// The id source of every request's context: random (v4) UUIDs.
    pub(crate) fn ids(&self) -> RandomIds {
        RandomIds
    }

    /// The OpenAPI 3.1 document of [`router`](Host::router), with this host's security
    /// scheme.
    pub fn openapi(&self) -> serde_json::Value {
        openapi::document(&self.authenticator().security_scheme())
    }

    /// The routes (see the crate's documentation), `/openapi.json` among them. Merge or nest
    /// it into the host's own router; every error it answers is a [`Problem`].
    pub fn router(&self) -> Router {
        let document = openapi::document_text(&self.authenticator().security_scheme());
        let openapi = move || {
            let document = document.clone();
            async move { ([(header::CONTENT_TYPE, "application/json")], document).into_response() }
        };
        Router::new()
            .route("/accounts/{id}", get(routes::state::<S, A>))
            .route("/accounts/{id}/commands", post(routes::execute::<S, A>))
            .route("/accounts/{id}/history", get(routes::history::<S, A>))
            .route("/accounts/{id}/readiness", get(routes::readiness::<S, A>))
            .route(
                "/accounts/{id}/statements",
                post(routes::statements::<S, A>),
            )
            .route("/accounts/{id}/authorize", get(routes::authorize::<S, A>))
            .route("/openapi.json", get(openapi))
            .with_state(self.clone())
            .layer(axum::middleware::map_response(routes::problems_only))
    }
}

/// The README's example, compiled as a doc test so it never goes stale.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;
