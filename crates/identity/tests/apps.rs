//! Apps and their keys.

use chrono::Duration;
use partnerkit_core::testing::{at, default_now, given, id};
use partnerkit_core::{AppId, KeyId, Rule, Url};
use partnerkit_identity::{Command, DirectoryApp, Error, Event, Identity, Origin};

use crate::support::*;

fn url(s: &str) -> Url {
    s.parse().unwrap()
}

fn dir_app(n: u128, reply: Option<&str>, uri: Option<&str>) -> DirectoryApp {
    DirectoryApp {
        app: id(n),
        name: format!("App {n}").parse().unwrap(),
        reply_url: reply.map(url),
        app_id_uri: uri.map(url),
    }
}

fn deployer() -> Event {
    Event::AppCreated {
        tenant: t1(),
        app: id(60),
        name: "Deployer".parse().unwrap(),
        reply_url: url("https://contoso.com/auth"),
        app_id_uri: url("api://contoso.com/deployer"),
    }
}

fn key_added(key: u128, expires_in_days: i64) -> Event {
    Event::KeyAdded {
        tenant: t1(),
        app: id(60),
        key: id(key),
        fingerprint: secret("key-value-0123456789").fingerprint(),
        created_at: default_now(),
        expires_at: default_now() + Duration::days(expires_in_days),
    }
}

fn add_key(expires_at: chrono::DateTime<chrono::Utc>) -> Command {
    Command::AddKey {
        app: id(60),
        key: None,
        value: secret("k3y-v4lue-shown-0nce-0123456789"),
        expires_at,
    }
}

#[test]
fn apps_added_in_one_step_share_one_event() {
    // rule: APP-1
    let apps = vec![
        dir_app(60, Some("https://contoso.com/a"), None),
        dir_app(61, None, Some("api://contoso.com/b")),
    ];
    let state = given::<Identity>(base())
        .by(as_admin1())
        .when(Command::AddApps {
            tenant: t1(),
            apps: apps.clone(),
        })
        .then([Event::AppsAdded { tenant: t1(), apps }]);
    assert_eq!(state.app(id(61)).unwrap().origin, Origin::Added);
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::AddApps {
            tenant: t1(),
            apps: vec![],
        })
        .then_err(Error::EmptyBatch {
            what: "app".into(),
            rule: Rule::App1,
        });
    given::<Identity>(base_with([deployer()]))
        .by(as_admin1())
        .when(Command::AddApps {
            tenant: t1(),
            apps: vec![dir_app(60, None, None)],
        })
        .then_err(Error::AppAlreadyInAccount { app: id(60) });
}

#[test]
fn a_created_app_shows_client_id_tenant_reply_url_and_app_id_uri() {
    // rule: APP-2
    let state = given::<Identity>(base())
        .by(as_admin1())
        .when(Command::CreateApp {
            app: None,
            tenant: t1(),
            name: "Deployer".parse().unwrap(),
            reply_url: url("https://contoso.com/auth"),
            app_id_uri: url("api://contoso.com/deployer"),
        })
        .then([Event::AppCreated {
            tenant: t1(),
            app: id(1_000_001),
            name: "Deployer".parse().unwrap(),
            reply_url: url("https://contoso.com/auth"),
            app_id_uri: url("api://contoso.com/deployer"),
        }]);
    let app = state.app(id(1_000_001)).unwrap();
    assert_eq!(app.client_id(), id::<AppId>(1_000_001));
    assert_eq!(app.tenant, t1());
    assert_eq!(
        app.reply_url.as_ref().unwrap().as_str(),
        "https://contoso.com/auth"
    );
    assert_eq!(
        app.app_id_uri.as_ref().unwrap().as_str(),
        "api://contoso.com/deployer"
    );
}

#[test]
fn reply_urls_and_app_id_uris_are_short_and_unique_in_the_directory() {
    // rule: APP-2
    let long = format!("https://contoso.com/{}", "a".repeat(240));
    assert!(long.parse::<Url>().is_err());
    let create = |reply: &str, uri: &str| Command::CreateApp {
        app: None,
        tenant: t1(),
        name: "Other".parse().unwrap(),
        reply_url: url(reply),
        app_id_uri: url(uri),
    };
    given::<Identity>(base_with([deployer()]))
        .by(as_admin1())
        .when(create(
            "HTTPS://Contoso.com/auth",
            "api://contoso.com/other",
        ))
        .then_err(Error::ReplyUrlTaken {
            url: url("https://contoso.com/auth"),
        });
    given::<Identity>(base_with([deployer()]))
        .by(as_admin1())
        .when(create(
            "https://contoso.com/other",
            "api://contoso.com/deployer",
        ))
        .then_err(Error::AppIdUriTaken {
            uri: url("api://contoso.com/deployer"),
        });
    // Another directory may use the same values.
    given::<Identity>(base_with([deployer()]))
        .by(as_admin2())
        .when(Command::CreateApp {
            app: None,
            tenant: t2(),
            name: "Deployer".parse().unwrap(),
            reply_url: url("https://contoso.com/auth"),
            app_id_uri: url("api://contoso.com/deployer"),
        })
        .then_events(|e| assert_eq!(e.len(), 1));
    // Within one batch too.
    given::<Identity>(base())
        .by(as_admin1())
        .when(Command::AddApps {
            tenant: t1(),
            apps: vec![
                dir_app(60, Some("https://contoso.com/a"), None),
                dir_app(61, Some("https://contoso.com/a"), None),
            ],
        })
        .then_err(Error::ReplyUrlTaken {
            url: url("https://contoso.com/a"),
        });
}

#[test]
fn several_apps_are_removed_at_once_with_confirmation() {
    // rule: APP-3
    let events = || {
        base_with([Event::AppsAdded {
            tenant: t1(),
            apps: vec![dir_app(60, None, None), dir_app(61, None, None)],
        }])
    };
    given::<Identity>(events())
        .by(as_admin1())
        .when(Command::RemoveApps {
            apps: vec![id(60), id(61)],
            confirmed: false,
        })
        .then_err(Error::NotConfirmed {
            what: "apps".into(),
            rule: Rule::App3,
        });
    let state = given::<Identity>(events())
        .by(as_admin1())
        .when(Command::RemoveApps {
            apps: vec![id(60), id(61)],
            confirmed: true,
        })
        .then([Event::AppsRemoved {
            tenant: t1(),
            apps: vec![id(60), id(61)],
        }]);
    assert_eq!(state.apps().count(), 0);
    given::<Identity>(events())
        .by(as_admin1())
        .when(Command::RemoveApps {
            apps: vec![id(60), id(62)],
            confirmed: true,
        })
        .then([Event::AppsRemoved {
            tenant: t1(),
            apps: vec![id(60)], // 62 is not in the account: already removed
        }]);
    given::<Identity>(events())
        .by(as_admin2())
        .when(Command::RemoveApps {
            apps: vec![id(60)],
            confirmed: true,
        })
        .then_err(Error::NotSignedInFromTenant { tenant: t1() });
}

#[test]
fn a_key_is_kept_as_a_fingerprint_with_its_dates() {
    // rule: APP-4
    let expires = default_now() + Duration::days(365);
    let value = secret("k3y-v4lue-shown-0nce-0123456789");
    let state = given::<Identity>(base_with([deployer()]))
        .by(as_admin1())
        .when(add_key(expires))
        .then([Event::KeyAdded {
            tenant: t1(),
            app: id(60),
            key: id(1_000_001),
            fingerprint: value.fingerprint(),
            created_at: default_now(),
            expires_at: expires,
        }]);
    let app = state.app(id(60)).unwrap();
    let active = app.active_keys(default_now());
    assert_eq!(active.len(), 1);
    assert_eq!(active[0].created_at, default_now());
    assert!(
        !serde_json::to_string(&state)
            .unwrap()
            .contains(value.expose_secret())
    );
}

#[test]
fn a_key_lives_at_most_24_months_and_expired_keys_are_not_active() {
    // rule: APP-4
    let now = at(2027, 1, 31, 12, 0, 0);
    given::<Identity>(base_with([deployer()]))
        .at(now)
        .by(as_admin1())
        .when(add_key(at(2029, 1, 31, 12, 0, 0)))
        .then_events(|e| assert_eq!(e.len(), 1));
    given::<Identity>(base_with([deployer()]))
        .at(now)
        .by(as_admin1())
        .when(add_key(at(2029, 1, 31, 12, 0, 1)))
        .then_err(Error::KeyLifetimeTooLong { max_months: 24 });
    given::<Identity>(base_with([deployer()]))
        .at(now)
        .by(as_admin1())
        .when(add_key(now))
        .then_err(Error::KeyExpiryInPast);
    given::<Identity>(base_with([deployer()]))
        .by(as_admin1())
        .when(Command::AddKey {
            app: id(60),
            key: None,
            value: secret("short"),
            expires_at: default_now() + Duration::days(1),
        })
        .then_err(Error::SecretTooShort {
            what: "key value".into(),
            min: 16,
        });

    // Several keys can exist; an expired one is listed but not active.
    let state = given::<Identity>(base_with([
        deployer(),
        key_added(70, 30),
        key_added(71, 400),
    ]))
    .state();
    let app = state.app(id(60)).unwrap();
    assert_eq!(app.keys.len(), 2);
    let later = default_now() + Duration::days(31);
    let active: Vec<KeyId> = app.active_keys(later).iter().map(|k| k.id).collect();
    assert_eq!(active, [id::<KeyId>(71)]);
}

#[test]
fn keys_no_longer_needed_are_deleted() {
    // rule: APP-4
    let state = given::<Identity>(base_with([deployer(), key_added(70, 30)]))
        .by(as_admin1())
        .when(Command::DeleteKey {
            app: id(60),
            key: id(70),
        })
        .then([Event::KeyDeleted {
            tenant: t1(),
            app: id(60),
            key: id(70),
        }]);
    assert!(state.app(id(60)).unwrap().keys.is_empty());
    given::<Identity>(base_with([deployer()]))
        .by(as_admin1())
        .when(Command::DeleteKey {
            app: id(60),
            key: id(70),
        })
        .then([]); // no-op: the key is already gone
    given::<Identity>(base_with([deployer(), key_added(70, 30)]))
        .by(as_admin1())
        .when(Command::AddKey {
            app: id(60),
            key: Some(id(70)),
            value: secret("k3y-v4lue-shown-0nce-0123456789"),
            expires_at: default_now() + Duration::days(1),
        })
        .then_err(Error::KeyIdTaken { key: id(70) });
}

#[test]
fn a_key_near_the_end_of_time_is_refused_not_a_panic() {
    // rule: APP-4 (issue 12 item 9: date arithmetic is checked)
    let near_max = chrono::DateTime::<chrono::Utc>::MAX_UTC - Duration::days(1);
    given::<Identity>(base_with([deployer()]))
        .at(near_max)
        .by(as_admin1())
        .when(add_key(chrono::DateTime::<chrono::Utc>::MAX_UTC))
        .then_err(Error::KeyLifetimeTooLong { max_months: 24 });
    given::<Identity>(base_with([deployer()]))
        .at(chrono::DateTime::<chrono::Utc>::MAX_UTC)
        .by(as_admin1())
        .when(add_key(chrono::DateTime::<chrono::Utc>::MAX_UTC))
        .then_err(Error::KeyExpiryInPast);
    given::<Identity>(base_with([deployer()]))
        .at(chrono::DateTime::<chrono::Utc>::MIN_UTC)
        .by(as_admin1())
        .when(add_key(
            chrono::DateTime::<chrono::Utc>::MIN_UTC + Duration::days(1),
        ))
        .then_events(|e| assert_eq!(e.len(), 1));
}
