//! The account state and its queries, and how events fold into it.

use std::collections::{BTreeMap, BTreeSet};

use partnerkit_core::{AppId, GroupId, TenantId, UserId};
use serde::{Deserialize, Serialize};

use crate::account::{AccountStatus, Profile, PublisherIds, Verification};
use crate::directory::{
    App, Group, Invitation, InvitationStatus, Origin, PasswordRecord, PasswordSetBy,
    PendingAssociation, Tenant, TenantOrigin, User,
};
use crate::event::Event;

/// The identity state of one marketplace account: profile, tenants, users, groups and apps.
///
/// `Default` is the account before the marketplace opens it. The state is only ever changed
/// by applying [`Event`]s, and is rebuilt from them alone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Account {
    profile: Option<Profile>,
    tenants: BTreeMap<TenantId, Tenant>,
    pending: BTreeMap<TenantId, PendingAssociation>,
    users: BTreeMap<UserId, User>,
    groups: BTreeMap<GroupId, Group>,
    apps: BTreeMap<AppId, App>,
}

impl Account {
    /// The profile, once the account is opened.
    pub fn profile(&self) -> Option<&Profile> {
        self.profile.as_ref()
    }

    /// The status derived from verification (rule ACC-1); `None` before the account opens.
    pub fn status(&self) -> Option<AccountStatus> {
        self.profile.as_ref().map(Profile::status)
    }

    /// The publisher IDs with the associated tenants (rule ACC-2); `None` before opening.
    pub fn publisher_ids(&self) -> Option<PublisherIds> {
        self.profile.as_ref().map(|p| PublisherIds {
            account: p.account,
            seller_id: p.seller_id.clone(),
            tenants: self
                .tenants
                .values()
                .map(|t| (t.id, t.domain.clone()))
                .collect(),
        })
    }

    /// An associated tenant.
    pub fn tenant(&self, id: TenantId) -> Option<&Tenant> {
        self.tenants.get(&id)
    }

    /// The associated tenants (rule TEN-1: there may be several).
    pub fn tenants(&self) -> impl Iterator<Item = &Tenant> {
        self.tenants.values()
    }

    /// An association waiting for confirmation (rule TEN-2).
    pub fn pending_association(&self, tenant: TenantId) -> Option<&PendingAssociation> {
        self.pending.get(&tenant)
    }

    /// Every association waiting for confirmation.
    pub fn pending_associations(&self) -> impl Iterator<Item = &PendingAssociation> {
        self.pending.values()
    }

    /// A user of the account.
    pub fn user(&self, id: UserId) -> Option<&User> {
        self.users.get(&id)
    }

    /// Every user of the account.
    pub fn users(&self) -> impl Iterator<Item = &User> {
        self.users.values()
    }

    /// The users of one tenant.
    pub fn users_of(&self, tenant: TenantId) -> impl Iterator<Item = &User> {
        self.users.values().filter(move |u| u.tenant == tenant)
    }

    /// A group of the account.
    pub fn group(&self, id: GroupId) -> Option<&Group> {
        self.groups.get(&id)
    }

    /// Every group of the account.
    pub fn groups(&self) -> impl Iterator<Item = &Group> {
        self.groups.values()
    }

    /// The groups `user` is a member of (rule ROL-4 uses them).
    pub fn groups_of(&self, user: UserId) -> Vec<GroupId> {
        self.groups
            .values()
            .filter(|g| g.members.contains(&user))
            .map(|g| g.id)
            .collect()
    }

    /// An app of the account.
    pub fn app(&self, id: AppId) -> Option<&App> {
        self.apps.get(&id)
    }

    /// Every app of the account.
    pub fn apps(&self) -> impl Iterator<Item = &App> {
        self.apps.values()
    }

    /// True if `user`, signed in from `tenant`, may sign in to the account (rule USR-1): the
    /// tenant is associated, and the user is an active user of the account in it (a member,
    /// or a guest who accepted), or, not being a user of the account, is a member of one of
    /// its groups of that tenant (rule GRP-1).
    pub fn can_sign_in(&self, tenant: TenantId, user: UserId) -> bool {
        if !self.tenants.contains_key(&tenant) {
            return false;
        }
        match self.users.get(&user) {
            Some(u) => u.tenant == tenant && u.is_active(),
            None => self
                .groups
                .values()
                .any(|g| g.tenant == tenant && g.members.contains(&user)),
        }
    }

    /// True if `user` is a user of the account in `tenant` and a global administrator of that
    /// directory (a directory role: rule ROL-5).
    pub fn is_global_admin(&self, tenant: TenantId, user: UserId) -> bool {
        self.users
            .get(&user)
            .is_some_and(|u| u.tenant == tenant && u.global_admin && u.is_active())
    }

    pub(crate) fn apply(&mut self, event: &Event) {
        match event {
            Event::AccountOpened {
                account,
                seller_id,
                account_type,
                display_name,
                owner,
            } => {
                // Publisher IDs are set once (rule ACC-2): a second opening changes nothing.
                if self.profile.is_none() {
                    self.profile = Some(Profile {
                        account: *account,
                        seller_id: seller_id.clone(),
                        account_type: *account_type,
                        display_name: display_name.clone(),
                        owner: *owner,
                        verification: Verification::default(),
                        seller_contact: None,
                        company_approver: None,
                    });
                }
            }
            Event::VerificationRecorded { step, state } => {
                if let Some(p) = &mut self.profile {
                    p.verification.set(*step, state.clone());
                }
            }
            Event::DisplayNameChanged { display_name } => {
                if let Some(p) = &mut self.profile {
                    p.display_name = display_name.clone();
                }
            }
            Event::SellerContactSet { contact } => {
                if let Some(p) = &mut self.profile {
                    p.seller_contact = Some(contact.clone());
                }
            }
            Event::CompanyApproverSet { approver } => {
                if let Some(p) = &mut self.profile {
                    p.company_approver = Some(approver.clone());
                }
            }
            Event::TenantAssociationBegun {
                tenant,
                organization,
                domain,
                synced_from_on_premises,
                first_user,
            } => {
                self.pending.insert(
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
                self.pending.remove(tenant);
                self.tenants.insert(
                    *tenant,
                    Tenant {
                        id: *tenant,
                        domain: domain.clone(),
                        organization: Some(organization.clone()),
                        synced_from_on_premises: *synced_from_on_premises,
                        origin: TenantOrigin::Associated,
                    },
                );
            }
            Event::TenantAssociationCancelled { tenant } => {
                self.pending.remove(tenant);
            }
            Event::TenantCreated {
                tenant,
                label,
                contact_email,
                ..
            } => {
                self.tenants.insert(
                    *tenant,
                    Tenant {
                        id: *tenant,
                        domain: label.domain(),
                        organization: None,
                        synced_from_on_premises: false,
                        origin: TenantOrigin::Created {
                            label: label.clone(),
                            contact_email: contact_email.clone(),
                        },
                    },
                );
            }
            Event::TenantRemoved { tenant, .. } => {
                // Everything of the tenant goes, whatever the event lists (rule TEN-4).
                self.tenants.remove(tenant);
                self.pending.remove(tenant);
                self.users.retain(|_, u| u.tenant != *tenant);
                self.groups.retain(|_, g| g.tenant != *tenant);
                self.apps.retain(|_, a| a.tenant != *tenant);
            }
            Event::UsersAdded { tenant, users } => {
                for u in users {
                    self.users.insert(
                        u.user,
                        User {
                            id: u.user,
                            tenant: *tenant,
                            name: Some(u.name.clone()),
                            username: u.username.clone(),
                            origin: Origin::Added,
                            invitation: None,
                            global_admin: u.global_admin,
                            reset_email: None,
                            password: None,
                        },
                    );
                }
            }
            Event::UserCreated {
                tenant,
                user,
                name,
                username,
                global_admin,
                reset_email,
                groups,
                password,
            } => {
                self.users.insert(
                    *user,
                    User {
                        id: *user,
                        tenant: *tenant,
                        name: Some(name.clone()),
                        username: username.clone(),
                        origin: Origin::Created,
                        invitation: None,
                        global_admin: *global_admin,
                        reset_email: reset_email.clone(),
                        password: Some(PasswordRecord {
                            fingerprint: password.clone().into(),
                            set_by: PasswordSetBy::Creation,
                        }),
                    },
                );
                for g in groups {
                    if let Some(group) = self.groups.get_mut(g) {
                        group.members.insert(*user);
                    }
                }
            }
            Event::UserRenamed { user, name, .. } => {
                if let Some(u) = self.users.get_mut(user) {
                    u.name = Some(name.clone());
                }
            }
            Event::GuestInvited {
                tenant,
                user,
                invitation,
                email,
            } => {
                self.users.insert(
                    *user,
                    User {
                        id: *user,
                        tenant: *tenant,
                        name: None,
                        username: email.clone(),
                        origin: Origin::Invited,
                        invitation: Some(Invitation {
                            id: *invitation,
                            email: email.clone(),
                            status: InvitationStatus::Pending,
                            sent: 1,
                        }),
                        global_admin: false,
                        reset_email: None,
                        password: None,
                    },
                );
            }
            Event::InvitationResent { user, .. } => {
                if let Some(i) = self.users.get_mut(user).and_then(|u| u.invitation.as_mut()) {
                    i.sent = i.sent.saturating_add(1);
                }
            }
            Event::InvitationAccepted { user, .. } => {
                if let Some(i) = self.users.get_mut(user).and_then(|u| u.invitation.as_mut()) {
                    i.status = InvitationStatus::Accepted;
                }
            }
            Event::UserRemoved { user, .. } => {
                self.users.remove(user);
                for g in self.groups.values_mut() {
                    g.members.remove(user);
                }
            }
            Event::PasswordReset {
                user, password, by, ..
            } => {
                if let Some(u) = self.users.get_mut(user) {
                    u.password = Some(PasswordRecord {
                        fingerprint: password.clone(),
                        set_by: *by,
                    });
                }
            }
            Event::GroupsAdded { tenant, groups } => {
                for g in groups {
                    self.groups.insert(
                        g.group,
                        Group {
                            id: g.group,
                            tenant: *tenant,
                            name: g.name.clone(),
                            members: g.members.iter().copied().collect(),
                            origin: Origin::Added,
                        },
                    );
                }
            }
            Event::GroupCreated {
                tenant,
                group,
                name,
                members,
            } => {
                self.groups.insert(
                    *group,
                    Group {
                        id: *group,
                        tenant: *tenant,
                        name: name.clone(),
                        members: members.iter().copied().collect::<BTreeSet<_>>(),
                        origin: Origin::Created,
                    },
                );
            }
            Event::GroupMembersChanged {
                group,
                added,
                removed,
                ..
            } => {
                if let Some(g) = self.groups.get_mut(group) {
                    g.members.extend(added.iter().copied());
                    for r in removed {
                        g.members.remove(r);
                    }
                }
            }
            Event::GroupRemoved { group, .. } => {
                self.groups.remove(group);
            }
            Event::AppsAdded { tenant, apps } => {
                for a in apps {
                    self.apps.insert(
                        a.app,
                        App {
                            id: a.app,
                            tenant: *tenant,
                            name: a.name.clone(),
                            reply_url: a.reply_url.clone(),
                            app_id_uri: a.app_id_uri.clone(),
                            origin: Origin::Added,
                            keys: BTreeMap::new(),
                        },
                    );
                }
            }
            Event::AppCreated {
                tenant,
                app,
                name,
                reply_url,
                app_id_uri,
            } => {
                self.apps.insert(
                    *app,
                    App {
                        id: *app,
                        tenant: *tenant,
                        name: name.clone(),
                        reply_url: Some(reply_url.clone()),
                        app_id_uri: Some(app_id_uri.clone()),
                        origin: Origin::Created,
                        keys: BTreeMap::new(),
                    },
                );
            }
            Event::AppsRemoved { apps, .. } => {
                for a in apps {
                    self.apps.remove(a);
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
                if let Some(a) = self.apps.get_mut(app) {
                    a.keys.insert(
                        *key,
                        crate::directory::Key {
                            id: *key,
                            fingerprint: fingerprint.clone(),
                            created_at: *created_at,
                            expires_at: *expires_at,
                        },
                    );
                }
            }
            Event::KeyDeleted { app, key, .. } => {
                if let Some(a) = self.apps.get_mut(app) {
                    a.keys.remove(key);
                }
            }
        }
    }
}
