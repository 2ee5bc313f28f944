//! Who is signed in: the host authenticates ([`Authenticate`]); handlers take [`SignedIn`].

use std::future::Future;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use partnerkit::core::Actor;
use serde_json::{Value, json};

use crate::Host;
use crate::problem::Problem;

/// How the host knows who sent a request: from a header, a verified JWT's claims, a session
/// cookie — the host's choice. partnerkit decides what the actor may do; it never
/// authenticates.
///
/// ```
/// use axum::http::request::Parts;
/// use partnerkit::core::Actor;
/// use partnerkit_axum::{Authenticate, Problem, SecurityScheme};
///
/// /// Only the marketplace's own back office, which a gateway in front has authenticated.
/// struct BackOffice;
///
/// impl Authenticate for BackOffice {
///     async fn authenticate(&self, parts: &Parts) -> Result<Actor, Problem> {
///         match parts.headers.get("x-gateway-verified") {
///             Some(v) if v == "back-office" => Ok(Actor::Marketplace),
///             _ => Err(Problem::unauthenticated("sign in through the gateway")),
///         }
///     }
///
///     fn security_scheme(&self) -> SecurityScheme {
///         SecurityScheme::api_key_header("gateway", "x-gateway-verified", "Set by the gateway.")
///     }
/// }
/// ```
pub trait Authenticate: Send + Sync + 'static {
    /// The signed-in actor, or a problem (401, code `no_actor`, for no credentials).
    fn authenticate(&self, parts: &Parts) -> impl Future<Output = Result<Actor, Problem>> + Send;

    /// How the OpenAPI document describes this authentication.
    fn security_scheme(&self) -> SecurityScheme;
}

/// An OpenAPI security scheme: its name in `components.securitySchemes` and its definition.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityScheme {
    /// The scheme's name.
    pub name: String,
    /// The OpenAPI Security Scheme Object.
    pub definition: Value,
}

impl SecurityScheme {
    /// An API key in a request header.
    pub fn api_key_header(name: &str, header: &str, description: &str) -> Self {
        SecurityScheme {
            name: name.to_owned(),
            definition: json!({
                "type": "apiKey",
                "in": "header",
                "name": header,
                "description": description,
            }),
        }
    }

    /// A bearer token (`Authorization: Bearer …`), e.g. a JWT.
    pub fn bearer(name: &str, format: &str, description: &str) -> Self {
        SecurityScheme {
            name: name.to_owned(),
            definition: json!({
                "type": "http",
                "scheme": "bearer",
                "bearerFormat": format,
                "description": description,
            }),
        }
    }
}

/// The header [`ActorHeader`] reads.
pub const ACTOR_HEADER: &str = "x-partnerkit-actor";

/// The actor from a header the caller writes, [`ACTOR_HEADER`], holding the actor's JSON
/// (`{"kind": "marketplace"}`, `{"kind": "user", "tenant": "…", "user": "…"}`).
///
/// For a host behind a marketplace gateway that has already authenticated the caller and
/// sets the header itself, and for examples and tests. **Exposed directly, anyone who can
/// reach the server can claim to be anyone**: a public host derives the actor from a verified
/// session, token or client certificate instead (its own [`Authenticate`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct ActorHeader;

impl Authenticate for ActorHeader {
    async fn authenticate(&self, parts: &Parts) -> Result<Actor, Problem> {
        let value = parts.headers.get(ACTOR_HEADER).ok_or_else(|| {
            Problem::unauthenticated(format!(
                "send the signed-in actor's JSON in `{ACTOR_HEADER}`"
            ))
        })?;
        serde_json::from_slice(value.as_bytes()).map_err(|e| {
            Problem::unauthenticated(format!("`{ACTOR_HEADER}` is not an actor's JSON: {e}"))
        })
    }

    fn security_scheme(&self) -> SecurityScheme {
        SecurityScheme::api_key_header(
            "actor",
            ACTOR_HEADER,
            "The signed-in actor's JSON, e.g. `{\"kind\": \"marketplace\"}` or `{\"kind\": \"user\", \"tenant\": \"…\", \"user\": \"…\"}`. Set by the marketplace's gateway after it authenticated the caller.",
        )
    }
}

/// The signed-in actor, as the host's [`Authenticate`] says: an axum extractor for the
/// [`Host`] state. Without one the request is answered 401 (code `no_actor`).
///
/// ```
/// use axum::routing::get;
/// use axum::Router;
/// use partnerkit::InMemoryStore;
/// use partnerkit_axum::{ActorHeader, Host, SignedIn};
///
/// async fn whoami(SignedIn(actor): SignedIn) -> String {
///     actor.to_string()
/// }
///
/// let host = Host::new(InMemoryStore::new(), ActorHeader);
/// let routes: Router = Router::new().route("/whoami", get(whoami)).with_state(host);
/// # let _ = routes;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignedIn(pub Actor);

impl<S, A> FromRequestParts<Host<S, A>> for SignedIn
where
    S: partnerkit::AsyncAccountStore + 'static,
    A: Authenticate,
{
    type Rejection = Problem;

    async fn from_request_parts(
        parts: &mut Parts,
        host: &Host<S, A>,
    ) -> Result<Self, Self::Rejection> {
        host.authenticator().authenticate(parts).await.map(SignedIn)
    }
}
