//! Shared fixtures: an opened company account with two associated tenants.
//!
//! - tenant 1 `contoso.com`: user 11 (global admin), user 12 (member, not admin)
//! - tenant 2 `fabrikam.com`: user 21 (global admin)
//! - owner account 900; account id 100; seller id 91234567

use partnerkit_core::testing::id;
use partnerkit_core::{Actor, PersonName, SecretString, TenantId, UserId};
use partnerkit_identity::{AccountType, DirectoryUser, Event};

pub(crate) fn t1() -> TenantId {
    id(1)
}
pub(crate) fn t2() -> TenantId {
    id(2)
}
pub(crate) fn admin1() -> UserId {
    id(11)
}
pub(crate) fn member1() -> UserId {
    id(12)
}
pub(crate) fn admin2() -> UserId {
    id(21)
}

pub(crate) fn user(tenant: TenantId, user: UserId) -> Actor {
    Actor::User { tenant, user }
}
pub(crate) fn as_admin1() -> Actor {
    user(t1(), admin1())
}
pub(crate) fn as_member1() -> Actor {
    user(t1(), member1())
}
pub(crate) fn as_admin2() -> Actor {
    user(t2(), admin2())
}
pub(crate) fn owner() -> Actor {
    Actor::OwnerAccount { owner: id(900) }
}

pub(crate) fn secret(s: &str) -> SecretString {
    SecretString::new(s)
}

pub(crate) fn dir_user(n: u128, username: &str, global_admin: bool) -> DirectoryUser {
    DirectoryUser {
        user: id(n),
        name: PersonName::new("User", &format!("N{n}")).unwrap(),
        username: username.parse().unwrap(),
        global_admin,
    }
}

pub(crate) fn opened(account_type: AccountType) -> Event {
    Event::AccountOpened {
        account: id(100),
        seller_id: "91234567".parse().unwrap(),
        account_type,
        display_name: "Contoso Apps".parse().unwrap(),
        owner: Some(id(900)),
    }
}

pub(crate) fn associated(
    tenant: TenantId,
    domain: &str,
    synced: bool,
    admin: DirectoryUser,
) -> Vec<Event> {
    vec![
        Event::TenantAssociated {
            tenant,
            organization: format!("Org of {domain}").parse().unwrap(),
            domain: domain.parse().unwrap(),
            synced_from_on_premises: synced,
        },
        Event::UsersAdded {
            tenant,
            users: vec![admin],
        },
    ]
}

/// An opened company account with one tenant (1) and its admin (11).
pub(crate) fn one_tenant() -> Vec<Event> {
    let mut e = vec![opened(AccountType::Company)];
    e.extend(associated(
        t1(),
        "contoso.com",
        false,
        dir_user(11, "ann@contoso.com", true),
    ));
    e
}

/// [`one_tenant`] plus member 12 in tenant 1 and tenant 2 with its admin 21.
pub(crate) fn base() -> Vec<Event> {
    let mut e = one_tenant();
    e.push(Event::UsersAdded {
        tenant: t1(),
        users: vec![dir_user(12, "bo@contoso.com", false)],
    });
    e.extend(associated(
        t2(),
        "fabrikam.com",
        false,
        dir_user(21, "cy@fabrikam.com", true),
    ));
    e
}

/// [`base`] plus `more`.
pub(crate) fn base_with(more: impl IntoIterator<Item = Event>) -> Vec<Event> {
    let mut e = base();
    e.extend(more);
    e
}
