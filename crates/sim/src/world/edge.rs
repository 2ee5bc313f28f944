//! Edge steps: actors holding little acting on principals that hold more, and on the last
//! Manager. Random actors and random commands reach these states too, but rarely; an edge
//! step aims at them on purpose, so a broken ROL-9, ROL-8 or USR-7 check shows within a few
//! thousand commands of any seed.
//!
//! | actors | targets | commands |
//! |---|---|---|
//! | users holding only custom `[manage_groups]`, `[manage_users]`, `[manage_app_keys]`; the Developer; the Managers; the work account holding Owner; the owner account; the app holding Manager | the last Manager (Alice in a lean run), the work account holding Owner, the Developer, the guest, the custom users; the app holding Manager; the group the owner account granted Owner, the Developers group | remove a user, reset a password, rename, add or delete a key, remove apps, set grants, revoke, grant, remove a group, change a group's members |

use chrono::Duration;
use partnerkit::AccountCommand as C;
use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::core::{Actor, AppId, GroupId, KeyId, PersonName, UserId};

use super::World;

impl World {
    /// An actor that holds little, or exactly enough, for an edge step.
    pub(super) fn edge_actor(&mut self) -> Actor {
        let c = self.cast;
        let user = |user| Actor::User { tenant: c.t1, user };
        match self.rng.below(20) {
            0..=2 => user(c.groups_only),
            3..=5 => user(c.users_only),
            6..=8 => user(c.keys_only),
            9..=11 => user(c.alice),
            12 => user(c.dev),
            13 => Actor::User {
                tenant: c.t2,
                user: c.bob,
            },
            14 => user(c.mgr.unwrap_or(c.alice)),
            15 => user(c.own.unwrap_or(c.users_only)),
            16 | 17 => Actor::OwnerAccount { owner: self.owner },
            _ => Actor::App {
                tenant: c.t1,
                app: c.mgr_app,
            },
        }
    }

    /// A user an edge step aims at: the Managers (Alice most), the holder of Owner, and the
    /// users holding less.
    fn edge_user(&mut self) -> UserId {
        let c = self.cast;
        match self.rng.below(12) {
            0..=3 => c.alice,
            4 => c.own.unwrap_or(c.alice),
            5 => c.mgr.unwrap_or(c.dev),
            6 => c.dev,
            7 => c.bob,
            8 => c.guest,
            9 => c.groups_only,
            10 => c.users_only,
            _ => c.keys_only,
        }
    }

    fn edge_app(&mut self) -> AppId {
        if self.rng.chance(70) {
            self.cast.mgr_app
        } else {
            self.cast.app
        }
    }

    fn edge_group(&mut self) -> GroupId {
        if self.rng.chance(60) {
            self.cast.owners
        } else {
            self.cast.devs
        }
    }

    fn edge_principal(&mut self) -> Principal {
        match self.rng.below(10) {
            0..=5 => Principal::User(self.edge_user()),
            6 | 7 => Principal::App(self.edge_app()),
            _ => Principal::Group(self.edge_group()),
        }
    }

    fn edge_grant(&mut self) -> Grant {
        let custom = |p: Permission| Grant::custom([p]).unwrap_or(Grant::Role(Role::Developer));
        match self.rng.below(6) {
            0 | 1 => Grant::Role(Role::Manager),
            2 => Grant::Role(Role::Owner),
            3 => Grant::Role(Role::Developer),
            4 => custom(Permission::ManageUsers),
            _ => custom(Permission::ManageGroups),
        }
    }

    /// A command that takes from, keys, resets or regroups a principal the fixture set up:
    /// one draw picks it, and each kind of target makes its commands from that draw.
    pub(super) fn edge_command(&mut self) -> C {
        match self.rng.below(13) {
            n @ 0..=3 => self.edge_user_command(n),
            n @ 4..=6 => self.edge_app_command(n),
            n @ 7..=10 => self.edge_grant_command(n),
            n => self.edge_group_command(n),
        }
    }

    /// Remove, reset or rename a user, for the draw `n` of
    /// [`edge_command`](World::edge_command).
    fn edge_user_command(&mut self, n: usize) -> C {
        match n {
            0 | 1 => C::RemoveUser {
                user: self.edge_user(),
                confirmed: true,
            },
            2 => C::ResetPassword {
                user: self.edge_user(),
            },
            // 3
            _ => C::RenameUser {
                user: self.edge_user(),
                name: PersonName::new("Taken", "Over")
                    .unwrap_or_else(|_| unreachable!("a plain name")),
            },
        }
    }

    /// Add or delete a key of an app, or remove the app, for the draw `n` of
    /// [`edge_command`](World::edge_command).
    fn edge_app_command(&mut self, n: usize) -> C {
        match n {
            4 => {
                let app = self.edge_app();
                let key: KeyId = self.fresh();
                let days = 1 + self.rng.below(700) as i64;
                C::AddAppKey {
                    app,
                    key,
                    expires_at: self.now + Duration::days(days),
                }
            }
            5 => {
                let app = self.edge_app();
                let keys: Vec<KeyId> = (self.pool.keys.iter())
                    .filter(|k| k.0 == app)
                    .map(|k| k.1)
                    .collect();
                let key = match self.rng.pick(&keys) {
                    Some(k) => *k,
                    None => self.fresh(),
                };
                C::DeleteAppKey { app, key }
            }
            // 6
            _ => C::RemoveApps {
                apps: vec![self.edge_app()],
                confirmed: true,
            },
        }
    }

    /// Set grants, revoke or grant, for the draw `n` of [`edge_command`](World::edge_command).
    fn edge_grant_command(&mut self, n: usize) -> C {
        match n {
            7 | 8 => {
                let principal = self.edge_principal();
                let grants = (0..self.rng.below(2)).map(|_| self.edge_grant()).collect();
                C::SetGrants { principal, grants }
            }
            9 => {
                let principal = self.edge_principal();
                let grant = self.edge_grant();
                C::Revoke { principal, grant }
            }
            // 10
            _ => {
                let principal = self.edge_principal();
                let grant = self.edge_grant();
                C::Grant {
                    principals: vec![principal],
                    grant,
                }
            }
        }
    }

    /// Remove a group, or change its members, for the draw `n` of
    /// [`edge_command`](World::edge_command).
    fn edge_group_command(&mut self, n: usize) -> C {
        match n {
            11 => C::RemoveGroup {
                group: self.edge_group(),
                confirmed: true,
            },
            // 12
            _ => {
                let group = self.edge_group();
                let user = self.edge_user();
                if self.rng.chance(60) {
                    C::ChangeGroupMembers {
                        group,
                        add: Vec::new(),
                        remove: vec![user],
                    }
                } else {
                    C::ChangeGroupMembers {
                        group,
                        add: vec![user],
                        remove: Vec::new(),
                    }
                }
            }
        }
    }
}
