//! partnerkit-axum over real HTTP: servers on 127.0.0.1 on free ports, a hyper client talking
//! to them through TCP, on SQLite (through [`Blocking`]) always and on PostgreSQL when
//! `PARTNERKIT_POSTGRES_URL` is set (with `PARTNERKIT_REQUIRE_POSTGRES=1` a missing variable
//! or an unreachable server fails instead of skipping).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use partnerkit::access::{Grant, Role};
use partnerkit::core::chrono::NaiveDate;
use partnerkit::core::uuid::Uuid;
use partnerkit::identity::{StepState, VerificationStep};
use partnerkit::payouts::{LedgerEntry, RevenueSource};
use partnerkit::prelude::*;
use partnerkit_axum::{ACTOR_HEADER, ActorHeader, Authenticate, Blocking, Host, PROBLEM_JSON};
use partnerkit_postgres::PostgresStore;
use partnerkit_sqlite::SqliteStore;
use serde_json::{Value, json};
use tokio::net::TcpListener;

/// A server on 127.0.0.1 on a free port, over `store`: its base URL and its host.
async fn start<S: AsyncAccountStore + 'static>(store: S) -> (String, Host<S, ActorHeader>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let host = Host::new(store, ActorHeader);
    let router = host.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}"), host)
}

/// What a response was: status, content type, `ETag`, body.
struct Reply {
    status: StatusCode,
    content_type: String,
    etag: Option<String>,
    allow: Option<String>,
    body: Value,
}

/// A tiny JSON-over-HTTP client.
struct Api {
    base: String,
    client: Client<HttpConnector, Full<Bytes>>,
}

impl Api {
    fn new(base: &str) -> Self {
        Api {
            base: base.to_owned(),
            client: Client::builder(TokioExecutor::new()).build_http(),
        }
    }

    async fn request(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, String)],
        body: Option<String>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        let body = body.map_or_else(Bytes::new, Bytes::from);
        let response = self
            .client
            .request(request.body(Full::new(body)).unwrap())
            .await
            .unwrap();
        let header = |name| {
            response
                .headers()
                .get(name)
                .map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_owned())
        };
        let (status, content_type) = (
            response.status(),
            header("content-type").unwrap_or_default(),
        );
        let (etag, allow) = (header("etag"), header("allow"));
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let body: Value = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {bytes:?}"));
        if !status.is_success() {
            // No text/plain error ever leaves: every error is a problem (RFC 9457).
            assert_eq!(content_type, PROBLEM_JSON, "{status}: {body:#}");
            assert_eq!(body["status"], status.as_u16(), "{body:#}");
            assert!(
                body["type"]
                    .as_str()
                    .unwrap()
                    .starts_with("urn:partnerkit:problem:")
            );
            assert!(
                body["title"].is_string() && body["detail"].is_string(),
                "{body:#}"
            );
        }
        Reply {
            status,
            content_type,
            etag,
            allow,
            body,
        }
    }

    async fn send(
        &self,
        method: Method,
        path: &str,
        actor: &Actor,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Reply {
        let mut headers = vec![(ACTOR_HEADER, serde_json::to_string(actor).unwrap())];
        if let Some(v) = if_match {
            headers.push(("if-match", v.to_owned()));
        }
        self.request(method, path, &headers, body.map(Value::to_string))
            .await
    }

    async fn command(&self, account: AccountId, actor: &Actor, command: &Value) -> Reply {
        let path = format!("/accounts/{account}/commands");
        self.send(Method::POST, &path, actor, Some(command), None)
            .await
    }

    async fn get(&self, path: &str, actor: &Actor) -> Reply {
        self.send(Method::GET, path, actor, None, None).await
    }
}

fn json_of(command: AccountCommand) -> Value {
    serde_json::to_value(command).unwrap()
}

fn person(first: &str, user: UserId, admin: bool) -> DirectoryUser {
    DirectoryUser {
        user,
        name: PersonName::new(first, "Lind").unwrap(),
        username: EmailAddress::new(&format!("{}@contoso.com", first.to_lowercase())).unwrap(),
        global_admin: admin,
    }
}

fn rename(user: UserId, first: &str) -> Value {
    json_of(AccountCommand::RenameUser {
        user,
        name: PersonName::new(first, "Lind").unwrap(),
    })
}

#[track_caller]
fn expect(reply: &Reply, want: StatusCode, code: &str) {
    assert_eq!(reply.status, want, "{:#}", reply.body);
    assert_eq!(reply.body["code"], code, "{:#}", reply.body);
}

/// The whole story, over two instances (`a`, `b`) of the host on one database.
async fn story<A, B>(a: A, b: B)
where
    A: AsyncAccountStore + 'static,
    B: AsyncAccountStore + 'static,
{
    let (base_a, host_a) = start(a).await;
    let (base_b, _host_b) = start(b).await;
    let (api, other_instance) = (Api::new(&base_a), Api::new(&base_b));

    let id = |_| Uuid::new_v4();
    let account = AccountId::from_uuid(id(1));
    let tenant = TenantId::from_uuid(id(2));
    let (alice, bob, carol) = (
        UserId::from_uuid(id(3)),
        UserId::from_uuid(id(4)),
        UserId::from_uuid(id(5)),
    );
    let marketplace = Actor::Marketplace;
    let as_alice = Actor::User {
        tenant,
        user: alice,
    };
    let as_bob = Actor::User { tenant, user: bob };
    let stranger = Actor::User {
        tenant: TenantId::from_uuid(id(6)),
        user: UserId::from_uuid(id(7)),
    };

    // Unknown accounts: the marketplace is told; anyone else is only denied (rule X-2).
    let verify = json_of(AccountCommand::RecordVerification {
        step: VerificationStep::Email,
        state: StepState::Verified,
    });
    // rule: X-2
    expect(
        &api.command(account, &marketplace, &verify).await,
        StatusCode::NOT_FOUND,
        "account_not_found",
    );
    let reply = api.command(account, &stranger, &rename(bob, "Bo")).await;
    expect(&reply, StatusCode::FORBIDDEN, "cannot_sign_in");
    assert_eq!(reply.body["error"], "denied");
    assert_eq!(
        reply.body["reason"]["code"], "cannot_sign_in",
        "{:#}",
        reply.body
    );
    let state_path = format!("/accounts/{account}");
    expect(
        &api.get(&state_path, &marketplace).await,
        StatusCode::NOT_FOUND,
        "account_not_found",
    );
    expect(
        &api.get(&state_path, &stranger).await,
        StatusCode::FORBIDDEN,
        "cannot_sign_in",
    );
    // Without the actor header nothing is answered.
    let reply = api.request(Method::GET, &state_path, &[], None).await;
    expect(&reply, StatusCode::UNAUTHORIZED, "no_actor");
    let garbled = [(ACTOR_HEADER, "{\"kind\": \"pirate\"}".to_owned())];
    let reply = api.request(Method::GET, &state_path, &garbled, None).await;
    expect(&reply, StatusCode::UNAUTHORIZED, "no_actor");

    // The marketplace opens the account with the IDs it assigned (rule ACC-2).
    let open = json_of(AccountCommand::OpenAccount(OpenAccount {
        account,
        seller_id: SellerId::new("91234567").unwrap(),
        account_type: AccountType::Company,
        display_name: DisplayName::new("Contoso Apps").unwrap(),
        owner: None,
        country: CountryCode::US,
        currency: Currency::USD,
    }));
    let reply = api.command(account, &marketplace, &open).await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    assert_eq!(reply.content_type, "application/json");
    let version = reply.body["version"].as_u64().unwrap();
    assert!(version >= 1, "{:#}", reply.body);
    assert_eq!(
        reply.etag.as_deref(),
        Some(format!("\"{version}\"").as_str())
    );
    assert!(!reply.body["events"].as_array().unwrap().is_empty());
    // A body is read only if it is what the document says: serde alone would take a variant's
    // index for its tag (`"state": 0`).
    let by_index = json!({"type": "record_verification", "step": "email", "state": {"state": 0}});
    let reply = api.command(account, &marketplace, &by_index).await;
    expect(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_command");
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("at `/state`"),
        "{:#}",
        reply.body
    );
    // rule: ACC-2 (publisher IDs are assigned once: a second opening is a 409)
    let reply = api.command(account, &marketplace, &open).await;
    expect(&reply, StatusCode::CONFLICT, "account_exists");
    assert_eq!(
        reply.body["error"], "invalid",
        "a rule, not a race: {:#}",
        reply.body
    );

    // The first tenant, whose signed-in user Alice becomes the first Manager (rule TEN-2).
    let begin = json_of(AccountCommand::BeginTenantAssociation(TenantToAssociate {
        tenant,
        organization: DisplayName::new("Contoso").unwrap(),
        domain: partnerkit::identity::DomainName::new("contoso.com").unwrap(),
        synced_from_on_premises: false,
        first_user: Some(person("Alice", alice, true)),
    }));
    assert_eq!(
        api.command(account, &marketplace, &begin).await.status,
        StatusCode::OK
    );
    let confirm = json!({"type": "confirm_tenant_association", "tenant": tenant});
    assert_eq!(
        api.command(account, &marketplace, &confirm).await.status,
        StatusCode::OK
    );

    // Alice, a Manager, adds Bob as a Developer (rule USR-3)…
    let add_bob = json_of(AccountCommand::AddUsers {
        tenant,
        users: vec![person("Bob", bob, false)],
        grant: Grant::Role(Role::Developer),
    });
    let reply = api.command(account, &as_alice, &add_bob).await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    assert!(reply.body["revealed"].is_null());
    // …and creates Carol, whose initial password is shown once (rules USR-4, X-4).
    let create_carol = json_of(AccountCommand::CreateUser(NewUser {
        tenant,
        user: carol,
        name: PersonName::new("Carol", "Lind").unwrap(),
        username: EmailAddress::new("carol@contoso.com").unwrap(),
        global_admin: false,
        reset_email: None,
        groups: vec![],
        grant: Some(Grant::Role(Role::Developer)),
    }));
    let reply = api.command(account, &as_alice, &create_carol).await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    // rule: X-4 (the generated secret comes back once, in the response only)
    assert_eq!(
        reply.body["revealed"]["of"]["kind"], "initial_password",
        "{:#}",
        reply.body
    );
    let secret = reply.body["revealed"]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(secret.len() >= 22, "{secret}");
    let history = api
        .get(&format!("/accounts/{account}/history"), &as_alice)
        .await;
    assert_eq!(history.status, StatusCode::OK);
    assert!(
        !history.body.to_string().contains(&secret),
        "the secret is not stored"
    );

    // A stranger is denied, and learns nothing about whether the data was valid: a valid and
    // a nonsense command get the same answer (rule X-2). Alice's nonsense is a 422.
    let nonsense = json!({"type": "add_users", "users": "not a list"});
    // rule: X-2
    for command in [&add_bob, &nonsense] {
        let reply = api.command(account, &stranger, command).await;
        expect(&reply, StatusCode::FORBIDDEN, "cannot_sign_in");
    }
    let reply = api.command(account, &as_alice, &nonsense).await;
    expect(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_command");
    assert_eq!(reply.body["error"], "invalid");
    let fly = api
        .command(account, &as_alice, &json!({"type": "fly"}))
        .await;
    expect(&fly, StatusCode::BAD_REQUEST, "unknown_command");
    let path = format!("/accounts/{account}/commands");
    let headers = [(ACTOR_HEADER, serde_json::to_string(&as_alice).unwrap())];
    let reply = api
        .request(Method::POST, &path, &headers, Some("{not json".into()))
        .await;
    expect(&reply, StatusCode::BAD_REQUEST, "bad_json");

    // Bob, a Developer, may not manage users; the denial explains itself (rule ROL-6).
    let reply = api.command(account, &as_bob, &add_bob).await;
    // rule: ROL-6
    expect(&reply, StatusCode::FORBIDDEN, "permission");
    assert_eq!(
        reply.body["reason"]["code"], "permission",
        "{:#}",
        reply.body
    );

    // authorize gives the answer a command gets (rule ROL-7).
    let ask = |who: Actor, query: &'static str| {
        let api = &api;
        async move {
            api.get(&format!("/accounts/{account}/authorize{query}"), &who)
                .await
        }
    };
    // rule: ROL-7
    let reply = ask(as_bob, "?permission=manage_users").await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    assert_eq!(reply.body["allowed"], false, "{:#}", reply.body);
    let reply = ask(as_alice, "?permission=manage_users").await;
    assert_eq!(reply.body["allowed"], true, "{:#}", reply.body);
    expect(
        &ask(stranger, "?permission=manage_users").await,
        StatusCode::FORBIDDEN,
        "cannot_sign_in",
    );
    // The framework's own rejections are problems too.
    expect(
        &ask(as_alice, "").await,
        StatusCode::BAD_REQUEST,
        "missing_permission",
    );
    expect(
        &ask(as_alice, "?permission=fly").await,
        StatusCode::BAD_REQUEST,
        "unknown_permission",
    );
    let reply = api.get("/accounts/not-a-uuid", &as_alice).await;
    expect(&reply, StatusCode::BAD_REQUEST, "bad_account_id");
    let braced = format!("/accounts/{{{}}}", account.uuid());
    expect(
        &api.get(&braced, &as_alice).await,
        StatusCode::BAD_REQUEST,
        "bad_account_id",
    );
    expect(
        &api.get("/nowhere", &as_alice).await,
        StatusCode::NOT_FOUND,
        "no_route",
    );
    let reply = api
        .send(Method::DELETE, &state_path, &as_alice, None, None)
        .await;
    expect(&reply, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
    assert!(reply.allow.unwrap().contains("GET"));

    // Reads are authorised as well; the state's version is its ETag.
    let reply = api.get(&state_path, &as_alice).await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    let version = reply.body["version"].as_u64().unwrap();
    let etag = reply.etag.unwrap();
    assert_eq!(etag, format!("\"{version}\""));
    expect(
        &api.get(&state_path, &as_bob).await,
        StatusCode::FORBIDDEN,
        "permission",
    );
    let readiness = format!("/accounts/{account}/readiness");
    expect(
        &api.get(&readiness, &stranger).await,
        StatusCode::FORBIDDEN,
        "cannot_sign_in",
    );

    // A precondition: Alice decided on `etag`, but the account moved on meanwhile (through
    // the other instance). Her command, sent with If-Match, is refused with 412 and stores
    // nothing; sent again with the current ETag it goes through.
    let reply = other_instance
        .command(account, &as_alice, &rename(carol, "Caroline"))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    let stale = rename(bob, "Robert");
    let reply = api
        .send(Method::POST, &path, &as_alice, Some(&stale), Some(&etag))
        .await;
    expect(&reply, StatusCode::PRECONDITION_FAILED, "conflict");
    assert_eq!(reply.body["error"], "precondition_failed");
    assert_eq!(reply.body["expected"], version, "{:#}", reply.body);
    assert_eq!(reply.body["actual"], version + 1, "{:#}", reply.body);
    let current = format!("\"{}\"", version + 1);
    let reply = api
        .send(Method::POST, &path, &as_alice, Some(&stale), Some(&current))
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    assert_eq!(reply.body["version"], version + 2);
    assert_eq!(reply.etag, Some(format!("\"{}\"", version + 2)));
    for bad in ["7", "W/\"7\"", "\"x\"", "\"\"", "\"12345678901234567890\""] {
        let reply = api
            .send(Method::POST, &path, &as_alice, Some(&stale), Some(bad))
            .await;
        expect(&reply, StatusCode::BAD_REQUEST, "bad_if_match");
    }
    // An empty If-Match is a list of no versions (RFC 9110 §13.1.1): nothing matches it, so
    // the precondition fails and nothing is stored; it is never read as "no precondition".
    for empty in ["", " "] {
        let reply = api
            .send(Method::POST, &path, &as_alice, Some(&stale), Some(empty))
            .await;
        expect(&reply, StatusCode::PRECONDITION_FAILED, "no_version");
        assert_eq!(reply.body["error"], "precondition_failed");
    }
    // The precondition is read only after the actor is authorised (rule X-2): one who may not
    // run the command learns nothing, not even whether its If-Match was well formed.
    for any in ["7", "", "\"1\""] {
        let reply = api
            .send(Method::POST, &path, &as_bob, Some(&stale), Some(any))
            .await;
        assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:#}", reply.body);
    }
    let reply = api.get(&state_path, &as_alice).await;
    assert_eq!(
        reply.etag,
        Some(format!("\"{}\"", version + 2)),
        "nothing stored"
    );

    // Two instances, commands racing on one account: both succeed (the service reloads and
    // retries on a write conflict), nothing is lost, and each instance sees the other's writes.
    let (bobby, carrie) = (rename(bob, "Bobby"), rename(carol, "Carrie"));
    let (one, two) = tokio::join!(
        api.command(account, &as_alice, &bobby),
        other_instance.command(account, &as_alice, &carrie),
    );
    assert_eq!(one.status, StatusCode::OK, "{:#}", one.body);
    assert_eq!(two.status, StatusCode::OK, "{:#}", two.body);
    assert_ne!(one.body["version"], two.body["version"]);
    let history = other_instance
        .get(&format!("/accounts/{account}/history"), &as_alice)
        .await;
    assert_eq!(history.status, StatusCode::OK, "{:#}", history.body);
    let events = history.body["events"].as_array().unwrap();
    assert_eq!(
        events.len() as u64,
        history.body["version"].as_u64().unwrap()
    );
    let state = api.get(&state_path, &as_alice).await;
    assert_eq!(
        state.body["version"], history.body["version"],
        "instance A sees B's writes"
    );
    let text = state.body["state"].to_string();
    assert!(
        text.contains("Bobby") && text.contains("Carrie"),
        "{:#}",
        state.body
    );

    // May it sell? Not yet: verification, contacts, payouts and tax are missing (rule ACC-4).
    let reply = api.get(&readiness, &as_alice).await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    assert_eq!(
        reply.body["can_sell_paid_offers"], false,
        "{:#}",
        reply.body
    );
    assert!(!reply.body["missing"].as_array().unwrap().is_empty());

    // Statements for a ledger (rule PAY-9), asked by a Manager.
    let policy = &host_a.service().settings().policy;
    let sales = RevenueSource::new(RevenueSource::APP_SALES).unwrap();
    let entry = |day: &str, amount: &str| {
        LedgerEntry::new(
            sales.clone(),
            amount.parse::<Money>().unwrap(),
            day.parse::<NaiveDate>().unwrap(),
            CountryCode::DE,
            policy,
        )
        .unwrap()
    };
    let ledger = json!({
        "entries": [entry("2027-03-03", "30.00 USD"), entry("2027-03-17", "-5.00 USD")],
        "first": "2027-04",
        "last": "2027-06",
    });
    let path = format!("/accounts/{account}/statements");
    let reply = api
        .send(Method::POST, &path, &as_alice, Some(&ledger), None)
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{:#}", reply.body);
    assert_eq!(
        reply.body["statements"].as_array().unwrap().len(),
        3,
        "{:#}",
        reply.body
    );
    // An entry may leave out its payout month: the host gives it the one its policy gives
    // (rule PAY-8), so the statements are the same. One that names another month is refused.
    let mut without_months = ledger.clone();
    for entry in without_months["entries"].as_array_mut().unwrap() {
        assert!(
            entry
                .as_object_mut()
                .unwrap()
                .remove("payable_in")
                .is_some()
        );
    }
    let filled = api
        .send(Method::POST, &path, &as_alice, Some(&without_months), None)
        .await;
    assert_eq!(filled.status, StatusCode::OK, "{:#}", filled.body);
    assert_eq!(filled.body, reply.body);
    let mut early = ledger.clone();
    early["entries"][0]["payable_in"] = json!("2027-02");
    let reply = api
        .send(Method::POST, &path, &as_alice, Some(&early), None)
        .await;
    expect(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
    assert!(
        reply.body["detail"]
            .as_str()
            .unwrap()
            .contains("before the month it was earned"),
        "{:#}",
        reply.body
    );
    // One request asks for a bounded amount of work.
    let decades = json!({"entries": [], "first": "2027-01", "last": "2037-01"});
    let reply = api
        .send(Method::POST, &path, &as_alice, Some(&decades), None)
        .await;
    expect(&reply, StatusCode::UNPROCESSABLE_ENTITY, "bad_month_range");
    let backwards = json!({"entries": [], "first": "2027-02", "last": "2027-01"});
    let reply = api
        .send(Method::POST, &path, &as_alice, Some(&backwards), None)
        .await;
    expect(&reply, StatusCode::UNPROCESSABLE_ENTITY, "bad_month_range");
    // rule: X-2 (a stranger's ledger is not read, valid or not)
    let reply = api
        .send(
            Method::POST,
            &path,
            &stranger,
            Some(&json!({"entries": 1})),
            None,
        )
        .await;
    expect(&reply, StatusCode::FORBIDDEN, "cannot_sign_in");
    let reply = api
        .send(
            Method::POST,
            &path,
            &as_alice,
            Some(&json!({"entries": 1})),
            None,
        )
        .await;
    expect(&reply, StatusCode::UNPROCESSABLE_ENTITY, "invalid_request");
}

fn temp_sqlite(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "partnerkit-axum-{name}-{}-{}.sqlite",
        std::process::id(),
        Uuid::new_v4().simple()
    ))
}

/// Removes a SQLite file and its write-ahead log.
fn remove_sqlite(path: &std::path::Path) {
    for suffix in ["", "-wal", "-shm"] {
        let mut file = path.as_os_str().to_owned();
        file.push(suffix);
        if std::path::Path::new(&file).exists() {
            std::fs::remove_file(&file).unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_over_http_on_sqlite() {
    let path = temp_sqlite("story");
    // Two instances on one file: separate connections, separate caches.
    story(
        Blocking::new(SqliteStore::open(&path).unwrap()),
        Blocking::new(SqliteStore::open(&path).unwrap()),
    )
    .await;
    remove_sqlite(&path);
}

/// The PostgreSQL server's URL, or `None` when the tests should not run (after saying so);
/// with `PARTNERKIT_REQUIRE_POSTGRES=1` a missing URL fails.
fn postgres_url() -> Option<String> {
    match std::env::var("PARTNERKIT_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("PARTNERKIT_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "PARTNERKIT_REQUIRE_POSTGRES=1 but PARTNERKIT_POSTGRES_URL is not set"
            );
            eprintln!("PostgreSQL HTTP story not run: set PARTNERKIT_POSTGRES_URL");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_over_http_on_postgres() {
    let Some(url) = postgres_url() else { return };
    let schema = format!("partnerkit_axum_{}", Uuid::new_v4().simple());
    let connect = || {
        PostgresStore::connect(&url)
            .unwrap()
            .with_schema(&schema)
            .unwrap()
    };
    let a = connect();
    a.migrate()
        .await
        .unwrap_or_else(|e| panic!("the PostgreSQL server at {url} must answer: {e}"));
    story(a, connect()).await;
    connect().drop_schema().await.unwrap();
}

/// The blocking adapter is a store like any other: the asynchronous conformance kit passes
/// over SQLite through it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blocking_adapter_passes_the_conformance_kit_on_sqlite() {
    let path = temp_sqlite("conformance");
    let store = Blocking::new(SqliteStore::open(&path).unwrap());
    partnerkit::testing::asynchronous::check_all(&store).await;
    remove_sqlite(&path);
}

/// The document served at `/openapi.json` is the one checked in as `crates/axum/openapi.json`
/// (regenerate it with `PARTNERKIT_UPDATE_OPENAPI=1 cargo test --manifest-path
/// crates/axum/Cargo.toml --test http openapi`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_openapi_document_is_the_checked_in_one() {
    let (base, host) = start(InMemoryStore::new()).await;
    let response = Client::builder(TokioExecutor::new())
        .build_http::<Full<Bytes>>()
        .get(format!("{base}/openapi.json").parse().unwrap())
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let served = String::from_utf8(bytes.to_vec()).unwrap();
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var("PARTNERKIT_UPDATE_OPENAPI").as_deref() == Ok("1") {
        std::fs::write(&file, &served).unwrap();
    }
    let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        served == checked_in,
        "crates/axum/openapi.json is stale: regenerate it with\n  PARTNERKIT_UPDATE_OPENAPI=1 cargo test --manifest-path crates/axum/Cargo.toml --test http openapi\nand read the diff"
    );
    let doc: Value = serde_json::from_str(&served).unwrap();
    assert_eq!(doc, host.openapi());
    assert_eq!(doc["openapi"], "3.1.0");
    let schemas = &doc["components"]["schemas"];
    // Every command kind is a variant of the document's AccountCommand, tagged by `type`.
    let variants = schemas["AccountCommand"]["oneOf"].as_array().unwrap();
    let mut kinds: Vec<&str> = variants
        .iter()
        .map(|v| v["properties"]["type"]["const"].as_str().unwrap())
        .collect();
    kinds.sort_unstable();
    let mut all: Vec<String> = partnerkit::CommandKind::ALL
        .iter()
        .map(ToString::to_string)
        .collect();
    all.sort_unstable();
    assert_eq!(kinds, all);
    // Formats and required fields come from the types.
    assert_eq!(
        schemas["AccountId"]["format"], "uuid",
        "{:#}",
        schemas["AccountId"]
    );
    let open = &schemas["OpenAccount"];
    assert!(
        open["required"]
            .as_array()
            .unwrap()
            .contains(&json!("seller_id")),
        "{open:#}"
    );
    assert!(
        schemas["AccountType"].to_string().contains("\"company\""),
        "enums are listed"
    );
    for name in [
        "Problem",
        "Denial",
        "DomainError",
        "Statement",
        "AccountView",
        "Decision",
    ] {
        assert!(schemas[name].is_object(), "{name} is in the document");
    }
    // The actor header is the security scheme, and every operation says which errors it gives.
    assert_eq!(
        doc["components"]["securitySchemes"]["actor"]["name"],
        ACTOR_HEADER
    );
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let responses = op["responses"].as_object().unwrap();
            for status in ["200", "400", "401", "403", "404", "503"] {
                assert!(
                    responses.contains_key(status),
                    "{method} {path} documents {status}"
                );
            }
        }
    }
    let _ = ActorHeader.security_scheme();
}
