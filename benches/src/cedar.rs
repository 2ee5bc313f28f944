//! The cedar-policy peer of the access index (feature `peers`).

use std::collections::{BTreeMap, HashSet};
use std::str::FromStr;

use cedar_policy::{Authorizer, Decision, Entities, Entity, EntityId, EntityTypeName, EntityUid};
use partnerkit_access::{AccessState, Grant, Permission, PermissionSet, Principal, Request, Role};
use partnerkit_core::{GroupId, UserId};

use crate::Error;

/// An access state expressed for cedar-policy, with its authorizer: the peer of
/// [`AccessIndex`](partnerkit_access::AccessIndex).
///
/// Entities: `User::"<uuid>"` (parents: its groups, its roles `Role::"manager"`, … and, for
/// custom grants, each permission `Perm::"manage_offers"`, …), `Group::"<uuid>"` (parents: its
/// roles and permissions), `App::"<uuid>"` likewise; any `OwnerAccount::"<uuid>"` may do
/// everything (rule PAY-1). Policies: one per role (payout and tax settings left out: only
/// the owner account changes them, rule ROL-7),
/// `permit(principal in Role::"manager", action in [Action::"view_account", …], resource ==
/// Account::"account");`, and one per permission a custom set may name (rule ROL-3),
/// `permit(principal in Perm::"x", action == Action::"x", resource == Account::"account");`.
/// Membership is transitive in Cedar, so a user gets its groups' grants (rule ROL-4).
///
/// ```
/// use partnerkit_benches::{AccessSpec, CedarModel, access_model};
///
/// // A small account: the same role model for partnerkit and for Cedar.
/// let model = access_model(&AccessSpec::small(), 7)?;
/// let index = partnerkit_access::AccessIndex::build(&model.state);
/// let cedar = CedarModel::from_state(&model.state)?;
/// for request in &model.requests {
///     let ours = index.authorize(request).is_allowed();
///     assert_eq!(ours, cedar.is_authorized(&cedar.request(request)?));
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug)]
pub struct CedarModel {
    policies: cedar_policy::PolicySet,
    entities: Entities,
    authorizer: Authorizer,
    actions: Vec<EntityUid>,
    resource: EntityUid,
}

fn uid(kind: &str, id: &str) -> Result<EntityUid, Error> {
    let name = EntityTypeName::from_str(kind).map_err(|e| Error::new("cedar type name", e))?;
    Ok(EntityUid::from_type_name_and_id(name, EntityId::new(id)))
}

fn principal_uid(p: Principal) -> Result<EntityUid, Error> {
    match p {
        Principal::User(id) => uid("User", &id.to_string()),
        Principal::Group(id) => uid("Group", &id.to_string()),
        Principal::App(id) => uid("App", &id.to_string()),
        Principal::OwnerAccount(id) => uid("OwnerAccount", &id.to_string()),
    }
}

fn grant_parents<'g>(
    grants: impl IntoIterator<Item = &'g Grant>,
    parents: &mut HashSet<EntityUid>,
) -> Result<(), Error> {
    for grant in grants {
        match grant {
            Grant::Role(role) => {
                parents.insert(uid("Role", role.as_str())?);
            }
            // What the grant gives: never an Owner-only permission (rule ROL-7).
            Grant::Custom(_) => {
                for p in grant.permissions() {
                    parents.insert(uid("Perm", p.as_str())?);
                }
            }
        }
    }
    Ok(())
}

fn action_list(set: PermissionSet) -> String {
    set.iter()
        .map(|p| format!("Action::\"{}\"", p.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

impl CedarModel {
    /// The Cedar policies of the role model: one per role, one per permission a custom set
    /// may name.
    pub fn policy_text() -> String {
        let mut text = String::new();
        for role in Role::ALL {
            text.push_str(&format!(
                "permit(principal in Role::\"{}\", action in [{}], resource == Account::\"account\");\n",
                role.as_str(),
                // Payout and tax settings only for the owner account itself (rule ROL-7).
                action_list(role.permissions() - PermissionSet::OWNER_ONLY),
            ));
        }
        text.push_str(
            "permit(principal is OwnerAccount, action, resource == Account::\"account\");\n",
        );
        for p in PermissionSet::ALL - PermissionSet::OWNER_ONLY {
            text.push_str(&format!(
                "permit(principal in Perm::\"{0}\", action == Action::\"{0}\", resource == Account::\"account\");\n",
                p.as_str(),
            ));
        }
        text
    }

    /// Expresses `state` for Cedar.
    pub fn from_state(state: &AccessState) -> Result<CedarModel, Error> {
        let policies = cedar_policy::PolicySet::from_str(&CedarModel::policy_text())
            .map_err(|e| Error::new("cedar policies", e))?;
        let mut entities = Vec::new();
        for role in Role::ALL {
            entities.push(Entity::new_no_attrs(
                uid("Role", role.as_str())?,
                HashSet::new(),
            ));
        }
        for p in Permission::ALL {
            entities.push(Entity::new_no_attrs(
                uid("Perm", p.as_str())?,
                HashSet::new(),
            ));
        }
        let mut groups_of: BTreeMap<UserId, Vec<GroupId>> = BTreeMap::new();
        for (id, group) in state.groups() {
            let mut parents = HashSet::new();
            grant_parents(group.grants(), &mut parents)?;
            entities.push(Entity::new_no_attrs(
                principal_uid(Principal::Group(*id))?,
                parents,
            ));
            for user in group.members() {
                groups_of.entry(*user).or_default().push(*id);
            }
        }
        for (id, user) in state.users() {
            let mut parents = HashSet::new();
            grant_parents(user.grants(), &mut parents)?;
            for g in groups_of.get(id).into_iter().flatten() {
                parents.insert(principal_uid(Principal::Group(*g))?);
            }
            entities.push(Entity::new_no_attrs(
                principal_uid(Principal::User(*id))?,
                parents,
            ));
        }
        for (id, app) in state.apps() {
            let mut parents = HashSet::new();
            grant_parents(app.grants(), &mut parents)?;
            entities.push(Entity::new_no_attrs(
                principal_uid(Principal::App(*id))?,
                parents,
            ));
        }
        let entities =
            Entities::from_entities(entities, None).map_err(|e| Error::new("cedar entities", e))?;
        let actions = Permission::ALL
            .iter()
            .map(|p| uid("Action", p.as_str()))
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(CedarModel {
            policies,
            entities,
            authorizer: Authorizer::new(),
            actions,
            resource: uid("Account", "account")?,
        })
    }

    /// The Cedar request for a partnerkit request.
    pub fn request(&self, request: &Request) -> Result<cedar_policy::Request, Error> {
        let action = self
            .actions
            .get(request.permission.index())
            .cloned()
            .ok_or_else(|| Error::new("cedar action", request.permission))?;
        cedar_policy::Request::new(
            principal_uid(request.principal)?,
            action,
            self.resource.clone(),
            cedar_policy::Context::empty(),
            None,
        )
        .map_err(|e| Error::new("cedar request", e))
    }

    /// Cedar's answer: true if allowed.
    #[inline]
    pub fn is_authorized(&self, request: &cedar_policy::Request) -> bool {
        self.authorizer
            .is_authorized(request, &self.policies, &self.entities)
            .decision()
            == Decision::Allow
    }
}
