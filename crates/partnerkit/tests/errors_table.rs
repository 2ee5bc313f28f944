//! docs/HOSTS.md's error table (status, `error` kind, example codes) is what the crate gives:
//! every example code is made for real, and its status, kind and JSON form compared with its
//! row.

use partnerkit::access::{Grant, Principal, Role};
use partnerkit::core::testing::id;
use partnerkit::core::{Actor, Version};
use partnerkit::store::Write;
use partnerkit::{AccountCommand, BadCommand, Error, InMemoryStore, MemoryError};
use serde_json::{Value, json};

use crate::fixture::*;

const HOSTS: &str = include_str!("../../../docs/HOSTS.md");

/// One row of the table.
#[derive(Debug)]
struct Row {
    status: u16,
    kind: String,
    codes: Vec<String>,
}

/// The rows of the first error table (under "**The library's errors**"), read from the Markdown.
fn rows() -> Vec<Row> {
    let start = HOSTS
        .find("| status | `error` | when | example `code` |")
        .expect("HOSTS.md has the error table");
    HOSTS[start..]
        .lines()
        .skip(2)
        .take_while(|line| line.starts_with('|'))
        .map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let unquote = |s: &str| s.trim_matches('`').to_owned();
            Row {
                status: cells[1].parse().expect("a status"),
                kind: unquote(cells[2]),
                codes: cells[4].split(", ").map(unquote).collect(),
            }
        })
        .collect()
}

/// The status and JSON form of a real error with `code`.
fn sample(code: &str) -> (u16, Value) {
    let error = |e: Error| (e.status(), serde_json::to_value(&e).unwrap());
    let bad = |e: BadCommand| (e.status(), serde_json::to_value(&e).unwrap());
    let mut w = World::company(InMemoryStore::new());
    let alice = w.ctx(user(T1, ALICE));
    match code {
        "cannot_sign_in" => error(
            w.svc
                .remove_user(w.account, &w.ctx(user(T1, 999)), id(ALICE), true)
                .unwrap_err(),
        ),
        "permission" => {
            w.bob(Role::Developer);
            let bob = w.ctx(user(T1, BOB));
            error(
                w.svc
                    .remove_user(w.account, &bob, id(ALICE), true)
                    .unwrap_err(),
            )
        }
        "account_not_found" => error(w.svc.state_for(id(404), &Actor::Marketplace).unwrap_err()),
        "conflict" => {
            // Alice decided on the account as it was when opened: it has changed since.
            let rename = AccountCommand::RenameUser {
                user: id(ALICE),
                name: person("Alicia"),
            };
            let opened = Version::INITIAL.after(1);
            error(
                w.svc
                    .execute_expecting(w.account, &alice, rename, opened)
                    .unwrap_err(),
            )
        }
        "account_exists" => error(
            w.svc
                .open_account(&w.ctx(Actor::Marketplace), opening(w.account))
                .unwrap_err(),
        ),
        "last_manager" => error(
            w.svc
                .set_grants(
                    w.account,
                    &w.ctx(owner()),
                    Principal::User(id(ALICE)),
                    vec![Grant::Role(Role::Developer)],
                )
                .unwrap_err(),
        ),
        "empty_catalogue" => {
            let defaults = partnerkit::AccountService::new(w.svc.store());
            error(
                defaults
                    .accept_agreement(w.account, &alice, &agreement_id(), &v("2026-06"))
                    .unwrap_err(),
            )
        }
        "store" => error(Error::store(MemoryError::Poisoned)),
        "missing_command_type" => bad(AccountCommand::from_json(json!({"user": 1})).unwrap_err()),
        "unknown_command" => {
            bad(AccountCommand::from_json(json!({"type": "frobnicate"})).unwrap_err())
        }
        "invalid_command" => {
            bad(AccountCommand::from_json(json!({"type": "rename_user"})).unwrap_err())
        }
        other => panic!("HOSTS.md's error table names {other}: add a way to make it here"),
    }
}

#[test]
fn every_row_of_the_hosts_error_table_is_what_the_crate_answers() {
    let rows = rows();
    assert!(rows.len() >= 7, "{rows:?}");
    for row in &rows {
        for code in &row.codes {
            let (status, body) = sample(code);
            assert_eq!(body["code"], code.as_str(), "{row:?}: {body}");
            assert_eq!(status, row.status, "{code}: {body}");
            assert_eq!(body["error"], row.kind.as_str(), "{code}: {body}");
            assert!(
                body["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{body}"
            );
        }
    }
    // Every kind of error the crate gives has a row.
    for kind in [
        "bad_request",
        "denied",
        "not_found",
        "conflict",
        "invalid",
        "store",
    ] {
        assert!(rows.iter().any(|r| r.kind == kind), "no row for {kind}");
    }
}

#[test]
fn an_account_that_exists_is_409_but_not_worth_calling_again() {
    let w = World::company(InMemoryStore::new());
    let err = w
        .svc
        .open_account(&w.ctx(Actor::Marketplace), opening(w.account))
        .unwrap_err();
    assert_eq!(
        (err.status(), err.kind(), err.code()),
        (409, "invalid", "account_exists")
    );
    assert!(!err.is_conflict(), "a retry cannot help: {err}");
}

/// A store whose backend is down: every call fails with its own error type.
struct Down;

#[derive(Debug, PartialEq, thiserror::Error)]
#[error("connection refused by db-7.internal:5432")]
struct Refused;

impl partnerkit::AccountStore for Down {
    type Error = Refused;
    fn load(
        &self,
        _: partnerkit::core::AccountId,
    ) -> Result<Option<partnerkit::store::Loaded>, Refused> {
        Err(Refused)
    }
    fn append(&self, _: Write<'_>) -> Result<Version, partnerkit::store::StoreError<Refused>> {
        Err(partnerkit::store::StoreError::Backend(Refused))
    }
    fn events(
        &self,
        _: partnerkit::core::AccountId,
        _: Version,
    ) -> Result<Vec<partnerkit::store::Recorded>, Refused> {
        Err(Refused)
    }
    fn version(&self, _: partnerkit::core::AccountId) -> Result<Version, Refused> {
        Err(Refused)
    }
}

#[test]
fn a_failed_store_is_one_error_type_whose_backend_error_comes_back() {
    let service = partnerkit::AccountService::new(Down);
    let w = World::company(InMemoryStore::new());
    let failures = [
        service.state(w.account).map(|_| ()).unwrap_err(),
        service
            .open_account(&w.ctx(Actor::Marketplace), opening(w.account))
            .map(|_| ())
            .unwrap_err(),
        service
            .authorize(
                w.account,
                &user(T1, ALICE),
                partnerkit::access::Permission::ManageUsers,
            )
            .map(|_| ())
            .unwrap_err(),
        service.history(w.account).map(|_| ()).unwrap_err(),
    ];
    for err in failures {
        assert!(matches!(err, Error::Store(_)), "{err}");
        assert!(!err.is_denied());
        assert_eq!(err.store_error::<Refused>(), Some(&Refused));
        assert_eq!(err.store_error::<MemoryError>(), None);
        assert_eq!((err.code(), err.status()), ("store", 503));
        // The backend's words are for the logs, never the JSON (it may name infrastructure).
        let body = serde_json::to_string(&err).unwrap();
        assert!(!body.contains("db-7"), "{body}");
        assert!(std::error::Error::source(&err).is_some_and(|s| s.to_string().contains("db-7")));
    }
}
