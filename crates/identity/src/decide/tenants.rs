//! Tenants (rules TEN-1..4): associating an existing one in two steps, creating one, and
//! removing one with everything of it.

use partnerkit_core::{Actor, Context, DisplayName, EmailAddress, Rule, TenantId, UserId};

use super::MIN_PASSWORD_CHARS;
use super::checks::{check_new_user, check_secret, confirm};
use super::{
    account_commands, account_events, app_commands, app_events, group_commands, group_events,
    guest_commands, guest_events, user_commands, user_events,
};
use crate::command::Command;
use crate::directory::{DirectoryUser, PendingAssociation, Tenant, TenantOrigin};
use crate::error::Error;
use crate::event::Event;
use crate::names::DomainName;
use crate::state::Account;

/// The tenants' commands, as a pattern: `decide` routes them here by it, and the other
/// areas' `decide` name them by it.
macro_rules! tenant_commands {
    () => {
        $crate::command::Command::BeginTenantAssociation { .. }
            | $crate::command::Command::ConfirmTenantAssociation { .. }
            | $crate::command::Command::CancelTenantAssociation { .. }
            | $crate::command::Command::CreateTenant { .. }
            | $crate::command::Command::RemoveTenant { .. }
    };
}
pub(super) use tenant_commands;

/// The tenants' events, as a pattern: what the commands list is to `decide`, this is to
/// `apply`.
macro_rules! tenant_events {
    () => {
        $crate::event::Event::TenantAssociationBegun { .. }
            | $crate::event::Event::TenantAssociated { .. }
            | $crate::event::Event::TenantAssociationCancelled { .. }
            | $crate::event::Event::TenantCreated { .. }
            | $crate::event::Event::TenantRemoved { .. }
    };
}
pub(super) use tenant_events;

/// Decides a tenant command.
pub(super) fn decide(s: &Account, cmd: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
    match cmd {
        Command::BeginTenantAssociation {
            tenant,
            organization,
            domain,
            synced_from_on_premises,
            first_user,
        } => begin_association(
            s,
            tenant,
            organization,
            domain,
            synced_from_on_premises,
            first_user,
        ),
        Command::ConfirmTenantAssociation { tenant } => confirm_association(s, tenant),
        Command::CancelTenantAssociation { tenant } => {
            if s.pending_association(tenant).is_none() {
                return Ok(vec![]); // no-op: nothing is waiting
            }
            Ok(vec![Event::TenantAssociationCancelled { tenant }])
        }
        Command::CreateTenant {
            tenant: new_tenant,
            admin,
            label,
            contact_email,
            admin_name,
            admin_username,
            admin_password,
        } => {
            let domain = label.domain();
            check_new_domain(s, &domain, &admin_username)?;
            check_secret(&admin_password, "password", MIN_PASSWORD_CHARS)?;
            let tenant: TenantId = new_tenant.unwrap_or_else(|| ctx.new_id());
            let admin: UserId = admin.unwrap_or_else(|| ctx.new_id());
            check_new_user(s, admin, tenant)?;
            Ok(vec![
                Event::TenantCreated {
                    tenant,
                    label,
                    contact_email: contact_email.clone(),
                    first_admin: admin,
                },
                Event::UserCreated {
                    tenant,
                    user: admin,
                    name: admin_name,
                    username: admin_username,
                    global_admin: true,
                    reset_email: Some(contact_email),
                    groups: Vec::new(),
                    password: admin_password.fingerprint(),
                },
            ])
        }
        Command::RemoveTenant { tenant, confirmed } => remove_tenant(s, ctx, tenant, confirmed),
        // Never here: `decide` routes these to their own areas.
        account_commands!()
        | user_commands!()
        | guest_commands!()
        | group_commands!()
        | app_commands!() => Ok(vec![]),
    }
}

fn begin_association(
    s: &Account,
    tenant: TenantId,
    organization: DisplayName,
    domain: DomainName,
    synced_from_on_premises: bool,
    first_user: Option<DirectoryUser>,
) -> Result<Vec<Event>, Error> {
    if s.tenant(tenant).is_some() {
        return Err(Error::TenantAlreadyAssociated { tenant });
    }
    if let Some(p) = s.pending_association(tenant) {
        let same = p.organization == organization
            && p.domain == domain
            && p.synced_from_on_premises == synced_from_on_premises
            && p.first_user == first_user;
        return if same {
            Ok(vec![]) // no-op: this very association is already waiting
        } else {
            Err(Error::AssociationAlreadyPending { tenant })
        };
    }
    if domain_in_use(s, &domain) {
        return Err(Error::DomainTaken {
            domain: domain.to_string(),
        });
    }
    if let Some(u) = &first_user {
        check_new_user(s, u.user, tenant)?;
    }
    Ok(vec![Event::TenantAssociationBegun {
        tenant,
        organization,
        domain,
        synced_from_on_premises,
        first_user,
    }])
}

fn confirm_association(s: &Account, tenant: TenantId) -> Result<Vec<Event>, Error> {
    if s.tenant(tenant).is_some() {
        return Ok(vec![]); // no-op: already associated (nothing can be pending then)
    }
    let p = s
        .pending_association(tenant)
        .ok_or(Error::NoPendingAssociation { tenant })?;
    if s.tenants().any(|t| t.domain == p.domain) {
        return Err(Error::DomainTaken {
            domain: p.domain.to_string(),
        });
    }
    let mut events = vec![Event::TenantAssociated {
        tenant,
        organization: p.organization.clone(),
        domain: p.domain.clone(),
        synced_from_on_premises: p.synced_from_on_premises,
    }];
    if let Some(u) = &p.first_user {
        check_new_user(s, u.user, tenant)?;
        events.push(Event::UsersAdded {
            tenant,
            users: vec![u.clone()],
        });
    }
    Ok(events)
}

/// A created tenant's domain is free, and its first administrator signs in with it.
fn check_new_domain(
    s: &Account,
    domain: &DomainName,
    admin_username: &EmailAddress,
) -> Result<(), Error> {
    if domain_in_use(s, domain) {
        return Err(Error::DomainTaken {
            domain: domain.to_string(),
        });
    }
    if admin_username.domain() != domain.as_str() {
        return Err(Error::UsernameOutsideDomain {
            username: admin_username.clone(),
            domain: domain.to_string(),
        });
    }
    Ok(())
}

fn remove_tenant(
    s: &Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    confirmed: bool,
) -> Result<Vec<Event>, Error> {
    confirm(confirmed, "a tenant", Rule::Ten4)?;
    if s.tenant(tenant).is_none() {
        return Ok(vec![]); // no-op: not associated, nobody signs in from it
    }
    // The only tenant first: its Managers are all signed in from it, and "sign in
    // from another tenant" would send them looking for one that does not exist. An
    // owner-account actor is the account's signed-in owner: the facade builds it
    // only after checking that, so identity keeps no copy of the owner to compare.
    let only_tenant = s.tenants().nth(1).is_none();
    if only_tenant && !matches!(ctx.actor(), Actor::OwnerAccount { .. }) {
        return Err(Error::OnlyTenantNeedsOwner { tenant });
    }
    if ctx.actor().tenant() == Some(tenant) {
        return Err(Error::CannotRemoveOwnTenant { tenant });
    }
    Ok(vec![Event::TenantRemoved {
        tenant,
        users: s.users_of(tenant).map(|u| u.id).collect(),
        groups: s
            .groups()
            .filter(|g| g.tenant == tenant)
            .map(|g| g.id)
            .collect(),
        apps: s
            .apps()
            .filter(|a| a.tenant == tenant)
            .map(|a| a.id)
            .collect(),
    }])
}

fn domain_in_use(s: &Account, domain: &DomainName) -> bool {
    s.tenants().any(|t| t.domain == *domain)
        || s.pending_associations().any(|p| p.domain == *domain)
}

/// Applies a tenant event.
pub(super) fn apply(s: &mut Account, event: &Event) {
    match event {
        Event::TenantAssociationBegun {
            tenant,
            organization,
            domain,
            synced_from_on_premises,
            first_user,
        } => {
            s.pending_mut().insert(
                *tenant,
                PendingAssociation {
                    tenant: *tenant,
                    organization: organization.clone(),
                    domain: domain.clone(),
                    synced_from_on_premises: *synced_from_on_premises,
                    first_user: first_user.clone(),
                },
            );
        }
        Event::TenantAssociated {
            tenant,
            organization,
            domain,
            synced_from_on_premises,
        } => {
            s.pending_mut().remove(tenant);
            s.insert_tenant(Tenant {
                id: *tenant,
                domain: domain.clone(),
                organization: Some(organization.clone()),
                synced_from_on_premises: *synced_from_on_premises,
                origin: TenantOrigin::Associated,
            });
        }
        Event::TenantAssociationCancelled { tenant } => {
            s.pending_mut().remove(tenant);
        }
        Event::TenantCreated {
            tenant,
            label,
            contact_email,
            ..
        } => s.insert_tenant(Tenant {
            id: *tenant,
            domain: label.domain(),
            organization: None,
            synced_from_on_premises: false,
            origin: TenantOrigin::Created {
                label: label.clone(),
                contact_email: contact_email.clone(),
            },
        }),
        // Everything of the tenant goes, whatever the event lists (rule TEN-4).
        Event::TenantRemoved { tenant, .. } => s.remove_tenant(*tenant),
        account_events!() | user_events!() | guest_events!() | group_events!() | app_events!() => {
            // Never here: `apply` routes these to their own areas.
        }
    }
}
