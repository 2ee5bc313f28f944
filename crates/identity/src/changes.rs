//! What an identity event changes about who may use the account: the principals the access
//! crate must register, drop or update to mirror identity.

use std::collections::BTreeSet;

pub use partnerkit_core::PrincipalChange;
use partnerkit_core::{GroupId, TenantId, UserId};

use crate::directory::DirectoryGroup;
use crate::event::Event;
use crate::state::Account;

impl Account {
    /// The principal changes `event` made, for the access crate to mirror.
    ///
    /// Call it on the state **after** `event` was applied to it. Every event is classified:
    /// events that change no principal (profile, verification, pending associations, names,
    /// passwords, invitations resent, keys) give none.
    ///
    /// Histories written before [`Event::GroupRemoved`] listed the group's members give no
    /// [`PrincipalChange::UserRemoved`] for its directory-only members.
    pub fn principal_changes(&self, event: &Event) -> Vec<PrincipalChange> {
        use PrincipalChange as P;
        match event {
            Event::AccountOpened { .. }
            | Event::VerificationRecorded { .. }
            | Event::DisplayNameChanged { .. }
            | Event::SellerContactSet { .. }
            | Event::CompanyApproverSet { .. }
            | Event::TenantAssociationBegun { .. }
            | Event::TenantAssociated { .. }
            | Event::TenantAssociationCancelled { .. }
            | Event::TenantCreated { .. }
            | Event::UserRenamed { .. }
            | Event::InvitationResent { .. }
            | Event::PasswordReset { .. }
            | Event::KeyAdded { .. }
            | Event::KeyDeleted { .. } => Vec::new(),
            Event::TenantRemoved { tenant, .. } => vec![P::TenantRemoved { tenant: *tenant }],
            Event::UsersAdded { tenant, users } => users
                .iter()
                .map(|u| self.user_joined(*tenant, u.user, &BTreeSet::new()))
                .collect(),
            Event::UserCreated {
                tenant,
                user,
                groups,
                ..
            } => self.user_created(*tenant, *user, groups),
            Event::GuestInvited { tenant, user, .. } => vec![P::UserAdded {
                user: *user,
                tenant: *tenant,
                can_sign_in: self.is_active_user(*tenant, *user),
            }],
            Event::InvitationAccepted { tenant, user, .. } => vec![P::SignInChanged {
                user: *user,
                can_sign_in: self.is_active_user(*tenant, *user),
            }],
            Event::UserRemoved { user, .. } => vec![P::UserRemoved { user: *user }],
            Event::GroupsAdded { tenant, groups } => self.groups_added(*tenant, groups),
            Event::GroupCreated {
                tenant,
                group,
                members,
                ..
            } => std::iter::once(P::GroupAdded {
                group: *group,
                tenant: *tenant,
            })
            .chain(members.iter().map(|m| P::MemberAdded {
                group: *group,
                user: *m,
            }))
            .collect(),
            Event::GroupMembersChanged {
                group,
                added,
                removed,
                ..
            } => self.members_changed(*group, added, removed),
            Event::GroupRemoved { group, members, .. } => {
                std::iter::once(P::GroupRemoved { group: *group })
                    .chain(self.forgotten(members))
                    .collect()
            }
            Event::AppsAdded { tenant, apps } => apps
                .iter()
                .map(|a| P::AppAdded {
                    app: a.app,
                    tenant: *tenant,
                })
                .collect(),
            Event::AppCreated { tenant, app, .. } => vec![P::AppAdded {
                app: *app,
                tenant: *tenant,
            }],
            Event::AppsRemoved { apps, .. } => {
                apps.iter().map(|a| P::AppRemoved { app: *a }).collect()
            }
        }
    }

    /// A user created here, with the groups it was put in.
    fn user_created(
        &self,
        tenant: TenantId,
        user: UserId,
        groups: &[GroupId],
    ) -> Vec<PrincipalChange> {
        let joined: BTreeSet<GroupId> = groups.iter().copied().collect();
        std::iter::once(self.user_joined(tenant, user, &joined))
            .chain(
                groups
                    .iter()
                    .map(|g| PrincipalChange::MemberAdded { group: *g, user }),
            )
            .collect()
    }

    /// Groups added from a directory: each group, then each member the account did not know
    /// before as a directory-only user, and each membership.
    fn groups_added(&self, tenant: TenantId, groups: &[DirectoryGroup]) -> Vec<PrincipalChange> {
        use PrincipalChange as P;
        let added: BTreeSet<GroupId> = groups.iter().map(|g| g.group).collect();
        // Each member is looked at once, however many of the groups it is in: whether the
        // account knew it before costs a scan of its groups.
        let mut looked_at = BTreeSet::new();
        let mut out = Vec::new();
        for g in groups {
            out.push(P::GroupAdded {
                group: g.group,
                tenant,
            });
            for m in &g.members {
                if looked_at.insert(*m)
                    && self.user(*m).is_none()
                    && !self.is_member_outside(*m, &added)
                {
                    out.push(P::UserAdded {
                        user: *m,
                        tenant,
                        can_sign_in: false,
                    });
                }
                out.push(P::MemberAdded {
                    group: g.group,
                    user: *m,
                });
            }
        }
        out
    }

    /// A group's members changed: each join, each leave, and each member the leave made the
    /// account forget.
    fn members_changed(
        &self,
        group: GroupId,
        added: &[UserId],
        removed: &[UserId],
    ) -> Vec<PrincipalChange> {
        use PrincipalChange as P;
        let mut out: Vec<PrincipalChange> = added
            .iter()
            .map(|m| P::MemberAdded { group, user: *m })
            .collect();
        for m in removed {
            out.push(P::MemberRemoved { group, user: *m });
            if self.is_forgotten(*m) {
                out.push(P::UserRemoved { user: *m });
            }
        }
        out
    }

    /// The users of `members` the account no longer knows.
    fn forgotten<'a>(
        &'a self,
        members: &'a [UserId],
    ) -> impl Iterator<Item = PrincipalChange> + 'a {
        members
            .iter()
            .filter(|m| self.is_forgotten(**m))
            .map(|m| PrincipalChange::UserRemoved { user: *m })
    }

    /// A user who just became a user of the account: known before if a member of a group
    /// other than `joined` (the groups the same event put them in), so sign-in changes;
    /// otherwise new.
    fn user_joined(
        &self,
        tenant: TenantId,
        user: UserId,
        joined: &BTreeSet<GroupId>,
    ) -> PrincipalChange {
        let can_sign_in = self.is_active_user(tenant, user);
        if self.is_member_outside(user, joined) {
            PrincipalChange::SignInChanged { user, can_sign_in }
        } else {
            PrincipalChange::UserAdded {
                user,
                tenant,
                can_sign_in,
            }
        }
    }

    /// True if the account no longer knows `user`: not a user of it, in none of its groups.
    fn is_forgotten(&self, user: UserId) -> bool {
        self.user(user).is_none() && !self.is_member_outside(user, &BTreeSet::new())
    }
}
