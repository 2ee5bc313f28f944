//! The HTTP host example (`examples/http_host.rs`) driven over real HTTP: the server runs
//! in-process on 127.0.0.1 on a free port, a hyper client talks to it through TCP.
//!
//! The story runs on SQLite always, and on PostgreSQL too when `PARTNERKIT_POSTGRES_URL` is
//! set (under `PARTNERKIT_REQUIRE_POSTGRES=1` an unreachable server fails the test).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

#[path = "../http_host.rs"]
#[allow(dead_code, unreachable_pub, missing_docs)]
mod http_host;

use std::sync::Arc;

use axum::body::Bytes;
use axum::http::{Method, Request, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use partnerkit::access::{Grant, Role};
use partnerkit::core::chrono::NaiveDate;
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, CountryCode, Currency, DisplayName, EmailAddress, Money, PersonName,
    SellerId, TenantId, UserId,
};
use partnerkit::identity::{AccountType, DirectoryUser, DomainName, StepState, VerificationStep};
use partnerkit::payouts::{LedgerEntry, RevenueSource};
use partnerkit::{AccountCommand, NewUser, OpenAccount, TenantToAssociate};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use http_host::{ACTOR_HEADER, Host, HostStore};

/// A server on 127.0.0.1 on a free port, over `store`; its base URL and its host.
async fn start(store: HostStore) -> (String, Arc<Host>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let host = Arc::new(Host::new(store));
    let router = http_host::router(Arc::clone(&host));
    tokio::spawn(async move { http_host::serve(listener, router).await });
    (format!("http://{addr}"), host)
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

    async fn send(
        &self,
        method: Method,
        path: &str,
        actor: &Actor,
        body: Option<&Value>,
        if_match: Option<u64>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.base))
            .header(ACTOR_HEADER, serde_json::to_string(actor).unwrap())
            .header("content-type", "application/json");
        if let Some(v) = if_match {
            request = request.header("if-match", format!("\"{v}\""));
        }
        let body = body.map_or_else(Bytes::new, |b| Bytes::from(b.to_string()));
        let response = self
            .client
            .request(request.body(Full::new(body)).unwrap())
            .await
            .unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        let json = serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {bytes:?}"));
        (status, json)
    }

    async fn command(
        &self,
        account: AccountId,
        actor: &Actor,
        command: &Value,
    ) -> (StatusCode, Value) {
        let path = format!("/accounts/{account}/commands");
        self.send(Method::POST, &path, actor, Some(command), None)
            .await
    }

    async fn get(&self, path: &str, actor: &Actor) -> (StatusCode, Value) {
        self.send(Method::GET, path, actor, None, None).await
    }

    async fn raw(&self, path: &str) -> (StatusCode, String) {
        let request = Request::builder()
            .uri(format!("{}{path}", self.base))
            .body(Full::new(Bytes::new()))
            .unwrap();
        let response = self.client.request(request).await.unwrap();
        let status = response.status();
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8(bytes.to_vec()).unwrap())
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

fn expect(status: StatusCode, body: &Value, want: StatusCode, code: &str) {
    assert_eq!(status, want, "{body:#}");
    assert_eq!(body["code"], code, "{body:#}");
}

/// The whole story, over two instances (`a`, `b`) of the host on one database.
async fn story(a: HostStore, b: HostStore) {
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
    let (status, body) = api.command(account, &marketplace, &verify).await;
    // rule: X-2
    expect(status, &body, StatusCode::NOT_FOUND, "account_not_found");
    let (status, body) = api.command(account, &stranger, &rename(bob, "Bo")).await;
    expect(status, &body, StatusCode::FORBIDDEN, "cannot_sign_in");
    let (status, body) = api.get(&format!("/accounts/{account}"), &marketplace).await;
    expect(status, &body, StatusCode::NOT_FOUND, "account_not_found");
    let (status, body) = api.get(&format!("/accounts/{account}"), &stranger).await;
    expect(status, &body, StatusCode::FORBIDDEN, "cannot_sign_in");
    // Without the actor header (the stand-in for authentication) nothing is answered.
    let (status, body) = api.raw(&format!("/accounts/{account}")).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
    assert!(body.contains("\"no_actor\""), "{body}");

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
    let (status, body) = api.command(account, &marketplace, &open).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(body["version"].as_u64().unwrap() >= 1, "{body:#}");
    assert!(!body["events"].as_array().unwrap().is_empty());
    // rule: ACC-2 (publisher IDs are assigned once: a second opening is a 409)
    let (status, body) = api.command(account, &marketplace, &open).await;
    expect(status, &body, StatusCode::CONFLICT, "account_exists");

    // The first tenant, whose signed-in user Alice becomes the first Manager (rule TEN-2).
    let begin = json_of(AccountCommand::BeginTenantAssociation(TenantToAssociate {
        tenant,
        organization: DisplayName::new("Contoso").unwrap(),
        domain: DomainName::new("contoso.com").unwrap(),
        synced_from_on_premises: false,
        first_user: Some(person("Alice", alice, true)),
    }));
    let (status, body) = api.command(account, &marketplace, &begin).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    let confirm = json!({"type": "confirm_tenant_association", "tenant": tenant});
    let (status, body) = api.command(account, &marketplace, &confirm).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");

    // Alice, a Manager, adds Bob as a Developer (rule USR-3)…
    let add_bob = json_of(AccountCommand::AddUsers {
        tenant,
        users: vec![person("Bob", bob, false)],
        grant: Grant::Role(Role::Developer),
    });
    let (status, body) = api.command(account, &as_alice, &add_bob).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(body["revealed"].is_null());
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
    let (status, body) = api.command(account, &as_alice, &create_carol).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    // rule: X-4 (the generated secret comes back once, in the response only)
    assert_eq!(
        body["revealed"]["of"]["kind"], "initial_password",
        "{body:#}"
    );
    let secret = body["revealed"]["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 22, "{secret}");
    let (_, history) = api
        .get(&format!("/accounts/{account}/history"), &as_alice)
        .await;
    assert!(
        !history.to_string().contains(&secret),
        "the secret is not stored"
    );

    // A stranger is denied, and learns nothing about whether the data was valid: a valid and
    // a nonsense command get the same answer (rule X-2). Alice's nonsense is a 422.
    let nonsense = json!({"type": "add_users", "users": "not a list"});
    // rule: X-2
    for command in [&add_bob, &nonsense] {
        let (status, body) = api.command(account, &stranger, command).await;
        expect(status, &body, StatusCode::FORBIDDEN, "cannot_sign_in");
        assert_eq!(body["error"], "denied");
    }
    let (status, body) = api.command(account, &as_alice, &nonsense).await;
    expect(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_command",
    );
    let (status, body) = api
        .command(account, &as_alice, &json!({"type": "fly"}))
        .await;
    expect(status, &body, StatusCode::BAD_REQUEST, "unknown_command");

    // Bob, a Developer, may not manage users; the denial explains itself (rule ROL-6).
    let (status, body) = api.command(account, &as_bob, &add_bob).await;
    // rule: ROL-6
    expect(status, &body, StatusCode::FORBIDDEN, "permission");
    assert_eq!(body["detail"]["code"], "permission", "{body:#}");

    // authorize gives the answer a command gets (rule ROL-7).
    let ask = |who: &Actor| {
        let (api, who) = (&api, *who);
        async move {
            api.get(
                &format!("/accounts/{account}/authorize?permission=manage_users"),
                &who,
            )
            .await
        }
    };
    // rule: ROL-7
    let (status, body) = ask(&as_bob).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["allowed"], false, "{body:#}");
    let (status, body) = ask(&as_alice).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["allowed"], true, "{body:#}");
    let (status, body) = ask(&stranger).await;
    expect(status, &body, StatusCode::FORBIDDEN, "cannot_sign_in");

    // Reads are authorised as well.
    let (status, body) = api.get(&format!("/accounts/{account}"), &as_alice).await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    let version = body["version"].as_u64().unwrap();
    let (status, body) = api.get(&format!("/accounts/{account}"), &as_bob).await;
    expect(status, &body, StatusCode::FORBIDDEN, "permission");
    let (status, body) = api
        .get(&format!("/accounts/{account}/readiness"), &stranger)
        .await;
    expect(status, &body, StatusCode::FORBIDDEN, "cannot_sign_in");

    // A conflict: Alice decided on `version`, but the account moved on meanwhile (through
    // the other instance). Her command, sent with If-Match, is refused with 409 and stores
    // nothing; sent again on the current version it goes through.
    let (status, body) = other_instance
        .command(account, &as_alice, &rename(carol, "Caroline"))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    let path = format!("/accounts/{account}/commands");
    let stale = rename(bob, "Robert");
    let (status, body) = api
        .send(Method::POST, &path, &as_alice, Some(&stale), Some(version))
        .await;
    expect(status, &body, StatusCode::CONFLICT, "conflict");
    assert_eq!(body["error"], "conflict");
    assert_eq!(body["expected"], version, "{body:#}");
    assert_eq!(body["actual"], version + 1, "{body:#}");
    let (status, body) = api
        .send(
            Method::POST,
            &path,
            &as_alice,
            Some(&stale),
            Some(version + 1),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["version"], version + 2);

    // Two instances, commands racing on one account: both succeed (the service reloads and
    // retries on a write conflict), nothing is lost, and each instance sees the other's writes.
    let (bobby, carrie) = (rename(bob, "Bobby"), rename(carol, "Carrie"));
    let (one, two) = tokio::join!(
        api.command(account, &as_alice, &bobby),
        other_instance.command(account, &as_alice, &carrie),
    );
    assert_eq!(one.0, StatusCode::OK, "{:#}", one.1);
    assert_eq!(two.0, StatusCode::OK, "{:#}", two.1);
    assert_ne!(one.1["version"], two.1["version"]);
    let (status, history) = other_instance
        .get(&format!("/accounts/{account}/history"), &as_alice)
        .await;
    assert_eq!(status, StatusCode::OK, "{history:#}");
    let events = history["events"].as_array().unwrap();
    assert_eq!(events.len() as u64, history["version"].as_u64().unwrap());
    let (_, state) = api.get(&format!("/accounts/{account}"), &as_alice).await;
    assert_eq!(
        state["version"], history["version"],
        "instance A sees B's writes"
    );
    let text = state["state"].to_string();
    assert!(
        text.contains("Bobby") && text.contains("Carrie"),
        "{state:#}"
    );

    // May it sell? Not yet: verification, contacts, payouts and tax are missing (rule ACC-4).
    let (status, body) = api
        .get(&format!("/accounts/{account}/readiness"), &as_alice)
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["can_sell_paid_offers"], false, "{body:#}");
    assert!(!body["missing"].as_array().unwrap().is_empty());

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
    let (status, body) = api
        .send(Method::POST, &path, &as_alice, Some(&ledger), None)
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert_eq!(body["statements"].as_array().unwrap().len(), 3, "{body:#}");
    // rule: X-2 (a stranger's ledger is not read, valid or not)
    let (status, body) = api
        .send(
            Method::POST,
            &path,
            &stranger,
            Some(&json!({"entries": 1})),
            None,
        )
        .await;
    expect(status, &body, StatusCode::FORBIDDEN, "cannot_sign_in");
    let (status, body) = api
        .send(
            Method::POST,
            &path,
            &as_alice,
            Some(&json!({"entries": 1})),
            None,
        )
        .await;
    expect(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_request",
    );
}

fn temp_sqlite(name: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!(
        "partnerkit-http-{name}-{}-{}.sqlite",
        std::process::id(),
        Uuid::new_v4().simple()
    ))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_story_over_http_on_sqlite() {
    let path = temp_sqlite("story");
    // Two instances on one file: separate connections, separate caches.
    story(
        HostStore::sqlite(&path).unwrap(),
        HostStore::sqlite(&path).unwrap(),
    )
    .await;
    remove_sqlite(&path);
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
async fn the_story_over_http_on_postgres() {
    let Ok(url) = std::env::var("PARTNERKIT_POSTGRES_URL") else {
        println!("PostgreSQL HTTP story not run: PARTNERKIT_POSTGRES_URL is not set");
        return;
    };
    let schema = format!("http_host_{}", Uuid::new_v4().simple());
    let a = match HostStore::postgres_in(&url, &schema).await {
        Ok(store) => store,
        Err(e) if std::env::var("PARTNERKIT_REQUIRE_POSTGRES").as_deref() != Ok("1") => {
            println!("PostgreSQL HTTP story not run: {e}");
            return;
        }
        Err(e) => panic!("PostgreSQL is required (PARTNERKIT_REQUIRE_POSTGRES=1): {e}"),
    };
    let b = HostStore::postgres_in(&url, &schema).await.unwrap();
    story(a, b).await;
    if let HostStore::Postgres(store) = HostStore::postgres_in(&url, &schema).await.unwrap() {
        store.drop_schema().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_openapi_document_is_the_checked_in_one() {
    let path = temp_sqlite("openapi");
    let (base, _host) = start(HostStore::sqlite(&path).unwrap()).await;
    let (status, served) = Api::new(&base).raw("/openapi.json").await;
    remove_sqlite(&path);
    assert_eq!(status, StatusCode::OK);
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    let checked_in = std::fs::read_to_string(&file).unwrap_or_default();
    assert!(
        served == checked_in,
        "examples/openapi.json is stale: regenerate it with\n  cargo run -p partnerkit-examples --example http_host -- --openapi > examples/openapi.json\nand read the diff"
    );
    // Every command kind is in the document's AccountCommand schema.
    let doc: Value = serde_json::from_str(&served).unwrap();
    let kinds = &doc["components"]["schemas"]["AccountCommand"]["properties"]["type"]["enum"];
    assert_eq!(
        kinds.as_array().unwrap().len(),
        partnerkit::CommandKind::ALL.len()
    );
    assert!(doc["paths"]["/accounts/{id}/commands"]["post"].is_object());
}

/// The hosting guide's sections on async hosts, several instances, PostgreSQL and HTTP quote
/// compiled code: each Rust snippet whose first line names a file (`// examples/…`) has its
/// code lines, in order, in that file, so the guide cannot drift from what compiles and runs.
#[test]
fn the_guide_quotes_compiled_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap();
    let guide = std::fs::read_to_string(root.join("docs/HOSTS.md")).unwrap();
    assert!(
        guide.contains("## HTTP"),
        "docs/HOSTS.md has its HTTP section"
    );
    let mut checked = 0;
    let mut lines = guide.lines();
    while let Some(line) = lines.next() {
        if !line.trim_start().starts_with("```rust") {
            continue;
        }
        let block: Vec<&str> = lines
            .by_ref()
            .take_while(|l| !l.trim_start().starts_with("```"))
            .collect();
        let Some(file) = block
            .first()
            .and_then(|l| l.trim().strip_prefix("// "))
            .and_then(|c| c.split([',', ':', ' ']).next())
            .filter(|f| f.starts_with("examples/"))
        else {
            continue;
        };
        let source = std::fs::read_to_string(root.join(file)).unwrap();
        let source: Vec<&str> = source.lines().map(str::trim).collect();
        let mut at = 0;
        for want in block
            .iter()
            .map(|l| l.trim())
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
        {
            match source[at..].iter().position(|l| *l == want) {
                Some(i) => at += i + 1,
                None => {
                    panic!("the guide quotes `{want}` from {file}, which is not there (in order)")
                }
            }
        }
        checked += 1;
    }
    assert!(
        checked >= 8,
        "only {checked} snippets found naming their file"
    );
}
