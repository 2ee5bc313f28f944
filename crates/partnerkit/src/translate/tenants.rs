//! Tenants: associating one in two steps, creating one with its administrator, removing one
//! (rules TEN-1..4, USR-7).

use partnerkit_access::{Principal, Subject, first_tenant_grant};
use partnerkit_core::SecretString;
use partnerkit_identity::Command as I;

use super::{Gives, other_than};
use crate::command::AccountCommand as C;
use crate::entry::SecretOf;
use crate::execute::{Step, Tx};
use crate::state::AccountState;

/// The tenants' commands, as a pattern.
macro_rules! tenants_commands {
    () => {
        $crate::AccountCommand::BeginTenantAssociation(_)
            | $crate::AccountCommand::ConfirmTenantAssociation { .. }
            | $crate::AccountCommand::CancelTenantAssociation { .. }
            | $crate::AccountCommand::CreateTenant(_)
            | $crate::AccountCommand::RemoveTenant { .. }
    };
}
pub(crate) use tenants_commands;
pub(crate) use tenants_commands as commands;

impl Tx<'_, '_> {
    /// The tenants' translation.
    pub(super) fn tenants(&mut self, command: C) -> Step {
        let Gives { added, grant, .. } = command.gives(&self.entry.state);
        match command {
            C::BeginTenantAssociation(t) => self.identity(I::BeginTenantAssociation {
                tenant: t.tenant,
                organization: t.organization,
                domain: t.domain,
                synced_from_on_premises: t.synced_from_on_premises,
                first_user: t.first_user,
            }),
            C::ConfirmTenantAssociation { tenant, .. } => {
                // The account's first user: a Manager from the start (rule USR-7), never more
                // (rule ROL-8).
                let grant = match self.entry.state.identity.tenants().next() {
                    None => Some(first_tenant_grant(grant)?),
                    Some(_) => grant,
                };
                self.identity(I::ConfirmTenantAssociation { tenant })?;
                self.grant_many(added, grant)
            }
            C::CancelTenantAssociation { tenant } => {
                self.identity(I::CancelTenantAssociation { tenant })
            }
            C::CreateTenant(t) => {
                let password = SecretString::generate_password(self.ctx.rng()?)?;
                self.identity(I::CreateTenant {
                    tenant: Some(t.tenant),
                    label: t.label,
                    contact_email: t.contact_email,
                    admin: Some(t.admin),
                    admin_name: t.admin_name,
                    admin_username: t.admin_username,
                    admin_password: password.clone(),
                })?;
                self.grant_many(added, grant)?;
                self.reveal(SecretOf::InitialPassword { user: t.admin }, password);
                Ok(())
            }
            C::RemoveTenant { tenant, confirmed } => {
                self.identity(I::RemoveTenant { tenant, confirmed })
            }
            other @ other_than!(tenants) => self.unrouted(other),
        }
    }
}

/// The principals a tenant command acts on (rule ROL-9): the tenant removed.
pub(crate) fn subjects(command: &C) -> Vec<Subject> {
    match command {
        C::RemoveTenant { tenant, .. } => vec![Subject::Tenant(*tenant)],
        C::BeginTenantAssociation(_)
        | C::ConfirmTenantAssociation { .. }
        | C::CancelTenantAssociation { .. }
        | C::CreateTenant(_)
        | other_than!(tenants) => Vec::new(),
    }
}

/// What a tenant command gives (rule ROL-8): an association's pending first user, or a new
/// tenant's administrator, with the grant the command names.
pub(crate) fn gives(command: &C, state: &AccountState) -> Gives {
    match command {
        C::ConfirmTenantAssociation { tenant, grant } => {
            let first_user = state
                .identity
                .pending_association(*tenant)
                .and_then(|p| p.first_user.as_ref())
                .map(|u| Principal::User(u.user));
            Gives::adds(first_user.into_iter().collect(), *grant)
        }
        C::CreateTenant(t) => Gives::adds(vec![Principal::User(t.admin)], t.grant),
        C::BeginTenantAssociation(_)
        | C::CancelTenantAssociation { .. }
        | C::RemoveTenant { .. }
        | other_than!(tenants) => Gives::nothing(),
    }
}
