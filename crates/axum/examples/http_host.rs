//! partnerkit behind HTTP with partnerkit-axum: the whole host.
//!
//! ```text
//! cargo run --manifest-path crates/axum/Cargo.toml --example http_host -- [PORT] [SQLITE_FILE]
//! cargo run --manifest-path crates/axum/Cargo.toml --example http_host -- --openapi
//! ```
//!
//! It binds 127.0.0.1 on `PORT` (`0`, the default, picks a free port) and prints the address.
//! Accounts are kept in `SQLITE_FILE` (default: a new file in the temporary directory), or in
//! PostgreSQL when `PARTNERKIT_POSTGRES_URL` is set. With `PARTNERKIT_SEED=1` it first opens
//! the account the OpenAPI document's examples name (what CI's schemathesis run calls).
//!
//! Who is signed in comes from the `x-partnerkit-actor` header ([`ActorHeader`]): a stand-in
//! for the host's real authentication, for a host behind a gateway that sets it.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use partnerkit::prelude::*;
use partnerkit_axum::{ActorHeader, Authenticate, Blocking, Host};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--openapi") {
        print!(
            "{}",
            partnerkit_axum::openapi::document_text(&ActorHeader.security_scheme())
        );
        return Ok(());
    }
    let port: u16 = args.first().map_or(Ok(0), |p| p.parse())?;
    match std::env::var("PARTNERKIT_POSTGRES_URL") {
        Ok(url) => {
            let store = partnerkit_postgres::PostgresStore::connect(&url)?;
            store.migrate().await?;
            run(Host::new(store, ActorHeader), port, "PostgreSQL").await
        }
        Err(_) => {
            let path = args.get(1).map_or_else(
                || {
                    std::env::temp_dir()
                        .join(format!("partnerkit-http-{}.sqlite", std::process::id()))
                },
                PathBuf::from,
            );
            println!("accounts in {}", path.display());
            let store = Blocking::new(partnerkit_sqlite::SqliteStore::open(&path)?);
            run(Host::new(store, ActorHeader), port, "SQLite").await
        }
    }
}

async fn run<S: AsyncAccountStore + 'static>(
    host: Host<S, ActorHeader>,
    port: u16,
    kind: &str,
) -> Result<(), Box<dyn std::error::Error>> {
    if std::env::var("PARTNERKIT_SEED").as_deref() == Ok("1") {
        seed(&host).await?;
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let listener = tokio::net::TcpListener::bind(addr).await?;
    println!(
        "partnerkit HTTP host on http://{} ({kind})",
        listener.local_addr()?
    );
    axum::serve(listener, host.router()).await?;
    Ok(())
}

/// Opens the document's example account (if it is not open yet), with a first tenant whose
/// user is its Manager.
async fn seed<S: AsyncAccountStore + 'static>(
    host: &Host<S, ActorHeader>,
) -> Result<(), Box<dyn std::error::Error>> {
    let account: AccountId = partnerkit_axum::openapi::EXAMPLE_ACCOUNT.parse()?;
    if host.service().version(account).await?.get() > 0 {
        return Ok(());
    }
    let (ids, now) = (RandomIds, partnerkit::core::chrono::Utc::now());
    let ctx = Context::new(now, Actor::Marketplace, &ids);
    let open = OpenAccount {
        account,
        seller_id: SellerId::new("91234567")?,
        account_type: AccountType::Company,
        display_name: DisplayName::new("Contoso Apps")?,
        owner: None,
        country: CountryCode::US,
        currency: Currency::USD,
    };
    host.service()
        .execute(account, &ctx, AccountCommand::OpenAccount(open))
        .await?;
    let tenant: TenantId = "22222222-2222-4222-8222-222222222222".parse()?;
    let first_user = DirectoryUser {
        user: "33333333-3333-4333-8333-333333333333".parse()?,
        name: PersonName::new("Ada", "Lovelace")?,
        username: EmailAddress::new("ada@contoso.com")?,
        global_admin: true,
    };
    let begin = TenantToAssociate {
        tenant,
        organization: DisplayName::new("Contoso")?,
        domain: partnerkit::identity::DomainName::new("contoso.com")?,
        synced_from_on_premises: false,
        first_user: Some(first_user),
    };
    host.service()
        .execute(account, &ctx, AccountCommand::BeginTenantAssociation(begin))
        .await?;
    host.service()
        .execute(
            account,
            &ctx,
            AccountCommand::ConfirmTenantAssociation {
                tenant,
                grant: None,
            },
        )
        .await?;
    println!("seeded account {account}");
    Ok(())
}
