//! What identity announces ahead of time (rule APP-4): the app keys about to expire, for the
//! facade's dated notices (rule X-7).

use chrono::{DateTime, Utc};
use partnerkit_core::{AppId, DisplayName, KeyId, TenantId};

use crate::state::Account;

/// An app key that stops working within a window (rule APP-4): what the app's owners should
/// hear before it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyNotice {
    /// The app's tenant.
    pub tenant: TenantId,
    /// The app.
    pub app: AppId,
    /// The app's display name.
    pub app_name: DisplayName,
    /// The key.
    pub key: KeyId,
    /// When the key was created.
    pub created_at: DateTime<Utc>,
    /// The instant it stops working.
    pub expires_at: DateTime<Utc>,
    /// Whether another key of the app stays active after this one expires: the key was
    /// already rotated, so the message is a reminder rather than a warning.
    pub replaced: bool,
}

/// The app keys of `account` that stop working at an instant `t` with `now < t <= until`
/// (rule APP-4), apps and keys in id order. A key already expired at `now` is history, not
/// listed; nor is one expiring after `until`.
///
/// ```
/// use partnerkit_core::chrono::{Duration, TimeZone, Utc};
/// use partnerkit_identity::{Account, notices};
///
/// let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
/// assert!(notices(&Account::default(), now, now + Duration::days(30)).is_empty());
/// ```
pub fn notices(account: &Account, now: DateTime<Utc>, until: DateTime<Utc>) -> Vec<KeyNotice> {
    let mut out = Vec::new();
    for app in account.apps() {
        for key in app.keys.values() {
            if !(now < key.expires_at && key.expires_at <= until) {
                continue;
            }
            out.push(KeyNotice {
                tenant: app.tenant,
                app: app.id,
                app_name: app.name.clone(),
                key: key.id,
                created_at: key.created_at,
                expires_at: key.expires_at,
                replaced: app.keys.values().any(|k| k.expires_at > key.expires_at),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::Duration;
    use partnerkit_core::testing::{default_now, id};
    use partnerkit_core::{Decider, SecretString};

    use super::*;
    use crate::{Event, Identity};

    /// App 60 of tenant 1 with keys expiring `days` from now, keys numbered from 70.
    fn app_with_keys(days: &[i64]) -> Account {
        let mut events = vec![
            Event::TenantAssociated {
                tenant: id(1),
                organization: "Contoso".parse().unwrap(),
                domain: "contoso.com".parse().unwrap(),
                synced_from_on_premises: false,
            },
            Event::AppCreated {
                tenant: id(1),
                app: id(60),
                name: "Deployer".parse().unwrap(),
                reply_url: "https://contoso.com/auth".parse().unwrap(),
                app_id_uri: "api://contoso.com/deployer".parse().unwrap(),
            },
        ];
        for (n, d) in days.iter().enumerate() {
            events.push(Event::KeyAdded {
                tenant: id(1),
                app: id(60),
                key: id(70 + n as u128),
                fingerprint: SecretString::new("key-value-0123456789").fingerprint(),
                created_at: default_now() - Duration::days(1),
                expires_at: default_now() + Duration::days(*d),
            });
        }
        Identity::fold(&events)
    }

    #[test]
    fn keys_expiring_within_the_window_are_listed_rotated_ones_as_replaced() {
        // rule: X-7
        // rule: APP-4
        let account = app_with_keys(&[10, 40, -1]);
        let now = default_now();
        let listed = notices(&account, now, now + Duration::days(30));
        assert_eq!(listed.len(), 1, "{listed:?}");
        let first = &listed[0];
        assert_eq!(
            (first.tenant, first.app, first.key),
            (id(1), id(60), id(70))
        );
        assert_eq!(first.app_name.as_str(), "Deployer");
        assert_eq!(first.expires_at, now + Duration::days(10));
        assert!(first.replaced, "key 71 stays active after it");
        let keys: Vec<(KeyId, bool)> = notices(&account, now, now + Duration::days(60))
            .iter()
            .map(|k| (k.key, k.replaced))
            .collect();
        assert_eq!(
            keys,
            [(id(70), true), (id(71), false)],
            "the expired key 72 never"
        );
    }

    #[test]
    fn the_window_is_open_at_now_and_closed_at_its_end() {
        // rule: X-7
        // rule: APP-4
        let account = app_with_keys(&[0, 30]);
        let now = default_now();
        let keys = |until| -> Vec<KeyId> {
            notices(&account, now, until)
                .iter()
                .map(|k| k.key)
                .collect()
        };
        assert_eq!(keys(now + Duration::days(30)), [id::<KeyId>(71)]);
        assert!(keys(now + Duration::days(30) - Duration::seconds(1)).is_empty());
    }
}
