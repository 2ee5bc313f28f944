//! The random steps: any actor with any command on the ids the run has seen (an
//! `EDGE_PERCENT` share of the steps are edge steps instead: see the `edge` module), with a
//! store fault now and then; and what an accepted command adds to the ids the generator picks
//! from.
//!
//! One draw picks the command; each area (directory users, guests and passwords, groups,
//! grants, apps, payouts) makes its commands in a function of its own, from that draw, so the
//! random stream is the one a single match drew.

use chrono::Duration;
use partnerkit::AccountCommand as C;
use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::agreements::{AgreementId, AgreementVersion};
use partnerkit::core::{
    Actor, AppId, DisplayName, EmailAddress, GroupId, KeyId, PayoutAccountId, PersonName, TenantId,
    Url, UserId,
};
use partnerkit::identity::{DirectoryApp, DirectoryGroup};
use partnerkit::{NewApp, NewUser, Password, PayoutMethodInput};

use super::{EDGE_PERCENT, Step, World, uuid};
use crate::store::Fault;

impl World {
    /// Remembers the ids an accepted command created.
    pub(super) fn learn(&mut self, command: &C) {
        match command {
            C::AddUsers { tenant, users, .. } => {
                self.pool
                    .users
                    .extend(users.iter().map(|u| (*tenant, u.user)));
            }
            C::CreateUser(u) => self.pool.users.push((u.tenant, u.user)),
            C::InviteGuests { tenant, guests, .. } => {
                self.pool.users.extend(guests.iter().map(|g| (*tenant, *g)));
            }
            C::AddGroups { groups, .. } => {
                self.pool.groups.extend(groups.iter().map(|g| g.group));
            }
            C::CreateGroup { group, .. } => self.pool.groups.push(*group),
            C::AddApps { tenant, apps, .. } => {
                self.pool.apps.extend(apps.iter().map(|a| (*tenant, a.app)));
            }
            C::CreateApp(a) => self.pool.apps.push((a.tenant, a.app)),
            C::AddAppKey { app, key, .. } => self.pool.keys.push((*app, *key)),
            C::SetPayoutAccount { payout_account, .. } => {
                self.pool.payout_accounts.push(*payout_account);
            }
            C::ResetOwnPassword { password } => {
                self.secrets.push(password.0.expose_secret().to_owned());
            }
            _ => {}
        }
    }

    fn any_tenant(&mut self) -> TenantId {
        if self.rng.chance(5) {
            return self.fresh();
        }
        let t = self.rng.pick(&self.pool.tenants).map(|t| t.0);
        t.unwrap_or_else(|| uuid(9))
    }

    fn any_user(&mut self) -> UserId {
        if self.rng.chance(5) {
            return self.fresh();
        }
        let u = self.rng.pick(&self.pool.users).map(|u| u.1);
        u.unwrap_or_else(|| uuid(9))
    }

    fn any_group(&mut self) -> GroupId {
        if self.rng.chance(5) {
            return self.fresh();
        }
        let g = self.rng.pick(&self.pool.groups).copied();
        g.unwrap_or_else(|| uuid(9))
    }

    fn any_app(&mut self) -> AppId {
        if self.rng.chance(5) {
            return self.fresh();
        }
        let a = self.rng.pick(&self.pool.apps).map(|a| a.1);
        a.unwrap_or_else(|| uuid(9))
    }

    fn any_principal(&mut self) -> Principal {
        match self.rng.below(10) {
            0..=5 => Principal::User(self.any_user()),
            6..=7 => Principal::Group(self.any_group()),
            8 => Principal::App(self.any_app()),
            _ => Principal::OwnerAccount(self.owner),
        }
    }

    fn any_grant(&mut self) -> Grant {
        let custom = |ps: &[Permission]| {
            Grant::custom(ps.iter().copied()).unwrap_or(Grant::Role(Role::Developer))
        };
        match self.rng.below(8) {
            0 => Grant::Role(Role::Owner),
            1 | 2 => Grant::Role(Role::Manager),
            3 | 4 => Grant::Role(Role::Developer),
            5 => custom(&[Permission::ManageGroups]),
            6 => custom(&[Permission::ManageUsers, Permission::ManageContactInfo]),
            _ => custom(&[Permission::ViewReports]),
        }
    }

    fn any_actor(&mut self) -> Actor {
        match self.rng.below(20) {
            0 => Actor::Marketplace,
            1..=3 => Actor::OwnerAccount { owner: self.owner },
            4 => Actor::OwnerAccount {
                owner: self.fresh(),
            },
            5..=15 => {
                let (tenant, user) = self
                    .rng
                    .pick(&self.pool.users)
                    .copied()
                    .unwrap_or((uuid(9), uuid(9)));
                // Now and then a user claims another tenant than their own.
                let tenant = if self.rng.chance(10) {
                    self.any_tenant()
                } else {
                    tenant
                };
                Actor::User { tenant, user }
            }
            16..=17 => {
                let (tenant, app) = self
                    .rng
                    .pick(&self.pool.apps)
                    .copied()
                    .unwrap_or((uuid(9), uuid(9)));
                Actor::App { tenant, app }
            }
            _ => Actor::User {
                tenant: self.any_tenant(),
                user: self.fresh(),
            },
        }
    }

    fn name(&mut self, what: &str) -> DisplayName {
        let n = self.next;
        DisplayName::new(&format!("{what} {n}"))
            .unwrap_or_else(|_| DisplayName::new("Sim").unwrap_or_else(|_| unreachable!()))
    }

    /// The next random step: now and then an edge step (see the `edge` module), otherwise any actor
    /// with any command.
    pub fn next_step(&mut self) -> Step {
        let (actor, command) = if self.rng.chance(EDGE_PERCENT) {
            (self.edge_actor(), self.edge_command())
        } else {
            (self.any_actor(), self.any_command())
        };
        let fault = match self.rng.below(100) {
            0..=2 => Some(Fault::Conflict),
            3..=4 => Some(Fault::AppendFails),
            5 => Some(Fault::VersionFails),
            _ => None,
        };
        let hours = self.rng.below(72) as u32;
        Step {
            hours,
            actor,
            command,
            fault,
        }
    }

    /// Any command, with random data on the ids the run has seen: see the [module
    /// docs](self).
    fn any_command(&mut self) -> C {
        let tenant_index = self.rng.below(self.pool.tenants.len().max(1));
        let tenant = self
            .pool
            .tenants
            .get(tenant_index)
            .map(|t| t.0)
            .unwrap_or_else(|| uuid(9));
        match self.rng.below(26) {
            0 => C::ChangeDisplayName {
                display_name: self.name("Publisher"),
            },
            n @ (1..=5 | 13) => self.user_command(n, tenant_index, tenant),
            n @ 16..=19 => self.guest_or_password_command(n, tenant),
            n @ (6..=9 | 14) => self.group_command(n, tenant),
            n @ 10..=12 => self.grant_command(n),
            15 => {
                let tenant = self.any_tenant();
                C::RemoveTenant {
                    tenant,
                    confirmed: self.rng.chance(90),
                }
            }
            n @ (20 | 21) => self.app_command(n, tenant),
            n @ 22..=24 => self.payout_command(n),
            _ => C::AcceptAgreement {
                agreement: AgreementId::new("marketplace-publisher-agreement")
                    .unwrap_or_else(|_| unreachable!("a valid id")),
                version: AgreementVersion::new("2027-01")
                    .unwrap_or_else(|_| unreachable!("a valid version")),
            },
        }
    }

    /// A directory user's command, for the draw `n` of
    /// [`any_command`](World::any_command): rename, add, create or remove a user.
    fn user_command(&mut self, n: usize, tenant_index: usize, tenant: TenantId) -> C {
        match n {
            1 => {
                let user = self.any_user();
                C::RenameUser {
                    user,
                    name: PersonName::new("Renamed", "Sim")
                        .unwrap_or_else(|_| unreachable!("a plain name")),
                }
            }
            2 | 3 => {
                let mut users = Vec::new();
                for _ in 0..=self.rng.below(2) {
                    let admin = self.rng.chance(30);
                    let id = self.fresh();
                    users.extend(self.person(id, "Added", tenant_index, admin).ok());
                }
                let grant = self.any_grant();
                C::AddUsers {
                    tenant,
                    users,
                    grant,
                }
            }
            4 | 5 => {
                let mut groups = Vec::new();
                if self.rng.chance(60) {
                    groups.push(self.any_group());
                }
                let grant = self.rng.chance(50).then(|| self.any_grant());
                let user: UserId = self.fresh();
                let domain = self
                    .pool
                    .tenants
                    .get(tenant_index)
                    .map(|t| t.1.clone())
                    .unwrap_or_default();
                C::CreateUser(NewUser {
                    tenant,
                    user,
                    name: PersonName::new("Created", "Sim")
                        .unwrap_or_else(|_| unreachable!("a plain name")),
                    username: EmailAddress::new(&format!("created{}@{domain}", self.next))
                        .unwrap_or_else(|_| {
                            EmailAddress::new("x@contoso.com").unwrap_or_else(|_| unreachable!())
                        }),
                    global_admin: false,
                    reset_email: None,
                    groups,
                    grant,
                })
            }
            // 13
            _ => {
                let user = self.any_user();
                C::RemoveUser {
                    user,
                    confirmed: self.rng.chance(90),
                }
            }
        }
    }

    /// A guest's or a password's command, for the draw `n` of
    /// [`any_command`](World::any_command): invite, accept, reset, choose or resend.
    fn guest_or_password_command(&mut self, n: usize, tenant: TenantId) -> C {
        match n {
            16 => {
                let guests = vec![self.fresh(), self.fresh()];
                let n = self.next;
                let emails = if self.rng.chance(10) {
                    "not an email".to_owned()
                } else {
                    format!("g{n}@outlook.com; h{n}@example.org")
                };
                let grant = self.any_grant();
                C::InviteGuests {
                    tenant,
                    emails,
                    guests,
                    grant,
                }
            }
            17 => {
                let user = self.any_user();
                C::AcceptInvitation { user }
            }
            18 => {
                let user = self.any_user();
                C::ResetPassword { user }
            }
            // A chosen password is hashed with Argon2id at its real cost (rule X-6): rarer,
            // so the budget goes to the rules.
            19 if self.rng.chance(15) => {
                let n = self.rng.next_u64();
                C::ResetOwnPassword {
                    password: Password::new(format!("Chosen-{n:x}-pw")),
                }
            }
            // 19
            _ => C::ResendInvitation {
                user: self.any_user(),
            },
        }
    }

    /// A group's command, for the draw `n` of [`any_command`](World::any_command): change
    /// its members, create or add a group, remove one.
    fn group_command(&mut self, n: usize, tenant: TenantId) -> C {
        match n {
            6 | 7 => {
                let group = self.any_group();
                let mut add = Vec::new();
                let mut remove = Vec::new();
                for _ in 0..=self.rng.below(2) {
                    if self.rng.chance(65) {
                        add.push(self.any_user());
                    } else {
                        remove.push(self.any_user());
                    }
                }
                C::ChangeGroupMembers { group, add, remove }
            }
            8 => {
                let group: GroupId = self.fresh();
                let members = (0..self.rng.below(3)).map(|_| self.any_user()).collect();
                let grant = self.rng.chance(70).then(|| self.any_grant());
                C::CreateGroup {
                    tenant,
                    group,
                    name: self.name("Group"),
                    members,
                    grant,
                }
            }
            9 => {
                let group: GroupId = self.fresh();
                let members = (0..self.rng.below(3)).map(|_| self.any_user()).collect();
                let grant = self.any_grant();
                C::AddGroups {
                    tenant,
                    groups: vec![DirectoryGroup {
                        group,
                        name: self.name("Directory group"),
                        members,
                    }],
                    grant,
                }
            }
            // 14
            _ => {
                let group = self.any_group();
                C::RemoveGroup {
                    group,
                    confirmed: true,
                }
            }
        }
    }

    /// A grant's command, for the draw `n` of [`any_command`](World::any_command): grant,
    /// revoke or set grants.
    fn grant_command(&mut self, n: usize) -> C {
        match n {
            10 => {
                let principals = (0..=self.rng.below(2))
                    .map(|_| self.any_principal())
                    .collect();
                let grant = self.any_grant();
                C::Grant { principals, grant }
            }
            11 => {
                let principal = self.any_principal();
                let grant = self.any_grant();
                C::Revoke { principal, grant }
            }
            // 12
            _ => {
                let principal = self.any_principal();
                let grants = (0..self.rng.below(3)).map(|_| self.any_grant()).collect();
                C::SetGrants { principal, grants }
            }
        }
    }

    /// An app's command, for the draw `n` of [`any_command`](World::any_command): add a key,
    /// or create or add an app.
    fn app_command(&mut self, n: usize, tenant: TenantId) -> C {
        match n {
            20 => {
                let app = self.any_app();
                let key: KeyId = self.fresh();
                let days = 1 + self.rng.below(800) as i64;
                C::AddAppKey {
                    app,
                    key,
                    expires_at: self.now + Duration::days(days),
                }
            }
            // 21
            _ => {
                let app: AppId = self.fresh();
                let n = self.next;
                let url = |s: String| Url::new(&s).unwrap_or_else(|_| unreachable!("a valid url"));
                if self.rng.chance(50) {
                    let grant = self.rng.chance(60).then(|| self.any_grant());
                    C::CreateApp(NewApp {
                        tenant,
                        app,
                        name: self.name("App"),
                        reply_url: url(format!("https://r{n}.example.com/")),
                        app_id_uri: url(format!("https://example.com/app{n}")),
                        grant,
                    })
                } else {
                    let grant = self.any_grant();
                    C::AddApps {
                        tenant,
                        apps: vec![DirectoryApp {
                            app,
                            name: self.name("Directory app"),
                            reply_url: None,
                            app_id_uri: None,
                        }],
                        grant,
                    }
                }
            }
        }
    }

    /// A payout command, for the draw `n` of [`any_command`](World::any_command): the hold,
    /// a payout account, the owner account.
    fn payout_command(&mut self, n: usize) -> C {
        match n {
            22 => C::SetPayoutHold {
                on: self.rng.chance(50),
            },
            23 => {
                let payout_account: PayoutAccountId = self.fresh();
                let n = self.next;
                C::SetPayoutAccount {
                    payout_account,
                    method: PayoutMethodInput::PayPal {
                        email: EmailAddress::new(&format!("pay{n}@contoso.com"))
                            .unwrap_or_else(|_| unreachable!("a valid address")),
                    },
                }
            }
            // 24
            _ => C::AssociateOwnerAccount {
                owner: if self.rng.chance(50) {
                    self.owner
                } else {
                    self.fresh()
                },
            },
        }
    }
}
