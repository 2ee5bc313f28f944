//! Apps (rules APP-1..4): adding existing ones, creating one, removing them, and their keys.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Months, Utc};
use partnerkit_core::{AppId, Context, DisplayName, KeyId, Rule, SecretString, TenantId, Url};

use super::checks::{account_app, check_secret, confirm, manage, not_empty, not_synced, once};
use super::{MAX_KEY_MONTHS, MIN_KEY_VALUE_CHARS};
use super::{
    account_commands, account_events, group_commands, group_events, guest_commands, guest_events,
    tenant_commands, tenant_events, user_commands, user_events,
};
use crate::command::Command;
use crate::directory::{App, DirectoryApp, Key, Origin};
use crate::error::Error;
use crate::event::Event;
use crate::state::Account;

/// The apps' commands, as a pattern: `decide` routes them here by it, and the other
/// areas' `decide` name them by it.
macro_rules! app_commands {
    () => {
        $crate::command::Command::AddApps { .. }
            | $crate::command::Command::CreateApp { .. }
            | $crate::command::Command::RemoveApps { .. }
            | $crate::command::Command::AddKey { .. }
            | $crate::command::Command::DeleteKey { .. }
    };
}
pub(super) use app_commands;

/// The apps' events, as a pattern: what the commands list is to `decide`, this is to
/// `apply`.
macro_rules! app_events {
    () => {
        $crate::event::Event::AppsAdded { .. }
            | $crate::event::Event::AppCreated { .. }
            | $crate::event::Event::AppsRemoved { .. }
            | $crate::event::Event::KeyAdded { .. }
            | $crate::event::Event::KeyDeleted { .. }
    };
}
pub(super) use app_events;

/// Decides an app command.
pub(super) fn decide(s: &Account, cmd: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
    match cmd {
        Command::AddApps { tenant, apps } => add_apps(s, ctx, tenant, apps),
        Command::CreateApp {
            tenant,
            app,
            name,
            reply_url,
            app_id_uri,
        } => {
            let t = manage(s, ctx, tenant)?;
            not_synced(t, "app")?;
            check_unique_urls(s, tenant, Some(&reply_url), Some(&app_id_uri))?;
            Ok(vec![Event::AppCreated {
                tenant,
                app: app.unwrap_or_else(|| ctx.new_id()),
                name,
                reply_url,
                app_id_uri,
            }])
        }
        Command::RemoveApps { apps, confirmed } => remove_apps(s, ctx, &apps, confirmed),
        Command::AddKey {
            app,
            key,
            value,
            expires_at,
        } => add_key(s, ctx, app, key, &value, expires_at),
        Command::DeleteKey { app, key } => {
            let a = account_app(s, app)?;
            manage(s, ctx, a.tenant)?;
            if !a.keys.contains_key(&key) {
                return Ok(vec![]); // no-op: no such key (any more)
            }
            Ok(vec![Event::KeyDeleted {
                tenant: a.tenant,
                app,
                key,
            }])
        }
        // Never here: `decide` routes these to their own areas.
        account_commands!()
        | tenant_commands!()
        | user_commands!()
        | guest_commands!()
        | group_commands!() => Ok(vec![]),
    }
}

fn add_apps(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    apps: Vec<DirectoryApp>,
) -> Result<Vec<Event>, Error> {
    manage(s, ctx, tenant)?;
    not_empty(&apps, "app", Rule::App1)?;
    let mut ids = BTreeSet::new();
    let mut reply_urls = BTreeSet::new();
    let mut app_id_uris = BTreeSet::new();
    for a in &apps {
        if s.app(a.app).is_some() {
            return Err(Error::AppAlreadyInAccount { app: a.app });
        }
        once(&mut ids, a.app, "app")?;
        check_unique_urls(s, tenant, a.reply_url.as_ref(), a.app_id_uri.as_ref())?;
        if let Some(url) = &a.reply_url
            && !reply_urls.insert(url)
        {
            return Err(Error::ReplyUrlTaken { url: url.clone() });
        }
        if let Some(uri) = &a.app_id_uri
            && !app_id_uris.insert(uri)
        {
            return Err(Error::AppIdUriTaken { uri: uri.clone() });
        }
    }
    Ok(vec![Event::AppsAdded { tenant, apps }])
}

fn remove_apps(
    s: &Account,
    ctx: &Context<'_>,
    apps: &[AppId],
    confirmed: bool,
) -> Result<Vec<Event>, Error> {
    confirm(confirmed, "apps", Rule::App3)?;
    not_empty(apps, "app", Rule::App3)?;
    let mut seen = BTreeSet::new();
    for a in apps {
        once(&mut seen, *a, "app")?;
    }
    // Apps not (or no longer) in the account are already removed: they are left out.
    let known: Vec<&App> = apps.iter().filter_map(|a| s.app(*a)).collect();
    let Some(tenant) = known.first().map(|a| a.tenant) else {
        return Ok(vec![]); // no-op
    };
    manage(s, ctx, tenant)?;
    if let Some(other) = known.iter().find(|a| a.tenant != tenant) {
        return Err(Error::NotSignedInFromTenant {
            tenant: other.tenant,
        });
    }
    Ok(vec![Event::AppsRemoved {
        tenant,
        apps: known.iter().map(|a| a.id).collect(),
    }])
}

fn add_key(
    s: &Account,
    ctx: &Context<'_>,
    app: AppId,
    key: Option<KeyId>,
    value: &SecretString,
    expires_at: DateTime<Utc>,
) -> Result<Vec<Event>, Error> {
    let a = account_app(s, app)?;
    manage(s, ctx, a.tenant)?;
    check_secret(value, "key value", MIN_KEY_VALUE_CHARS)?;
    let now = ctx.now();
    if expires_at <= now {
        return Err(Error::KeyExpiryInPast);
    }
    let too_long = now
        .checked_add_months(Months::new(MAX_KEY_MONTHS))
        .is_none_or(|max| expires_at > max);
    if too_long {
        return Err(Error::KeyLifetimeTooLong {
            max_months: MAX_KEY_MONTHS,
        });
    }
    let key = match key {
        Some(k) if a.keys.contains_key(&k) => return Err(Error::KeyIdTaken { key: k }),
        Some(k) => k,
        None => ctx.new_id(),
    };
    Ok(vec![Event::KeyAdded {
        tenant: a.tenant,
        app,
        key,
        fingerprint: value.fingerprint(),
        created_at: now,
        expires_at,
    }])
}

/// Reply URLs and App ID URIs are unique within the directory (rule APP-2).
fn check_unique_urls(
    s: &Account,
    tenant: TenantId,
    reply_url: Option<&Url>,
    app_id_uri: Option<&Url>,
) -> Result<(), Error> {
    if let Some(url) = reply_url
        && s.reply_url_taken(tenant, url)
    {
        return Err(Error::ReplyUrlTaken { url: url.clone() });
    }
    if let Some(uri) = app_id_uri
        && s.app_id_uri_taken(tenant, uri)
    {
        return Err(Error::AppIdUriTaken { uri: uri.clone() });
    }
    Ok(())
}

/// Applies an app event.
pub(super) fn apply(s: &mut Account, event: &Event) {
    match event {
        Event::AppsAdded { tenant, apps } => {
            for a in apps {
                let (url, uri) = (a.reply_url.clone(), a.app_id_uri.clone());
                s.insert_app(app(a.app, *tenant, &a.name, url, uri, Origin::Added));
            }
        }
        Event::AppCreated {
            tenant,
            app: id,
            name,
            reply_url,
            app_id_uri,
        } => {
            let (url, uri) = (Some(reply_url.clone()), Some(app_id_uri.clone()));
            s.insert_app(app(*id, *tenant, name, url, uri, Origin::Created));
        }
        Event::AppsRemoved { apps, .. } => {
            for a in apps {
                s.remove_app(*a);
            }
        }
        Event::KeyAdded {
            app,
            key,
            fingerprint,
            created_at,
            expires_at,
            ..
        } => {
            if let Some(keys) = s.keys_mut(*app) {
                keys.insert(
                    *key,
                    Key {
                        id: *key,
                        fingerprint: fingerprint.clone(),
                        created_at: *created_at,
                        expires_at: *expires_at,
                    },
                );
            }
        }
        Event::KeyDeleted { app, key, .. } => {
            if let Some(keys) = s.keys_mut(*app) {
                keys.remove(key);
            }
        }
        account_events!()
        | tenant_events!()
        | user_events!()
        | guest_events!()
        | group_events!() => {
            // Never here: `apply` routes these to their own areas.
        }
    }
}

/// An app as it joins the account, without keys.
fn app(
    id: AppId,
    tenant: TenantId,
    name: &DisplayName,
    reply_url: Option<Url>,
    app_id_uri: Option<Url>,
    origin: Origin,
) -> App {
    App {
        id,
        tenant,
        name: name.clone(),
        reply_url,
        app_id_uri,
        origin,
        keys: BTreeMap::new(),
    }
}
