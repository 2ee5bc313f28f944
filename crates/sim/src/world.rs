//! One simulated account: its fixture, the random steps, and the invariant checks.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use chrono::{DateTime, Duration, TimeZone, Utc};
use partnerkit::access::{
    AccessIndex, Grant, Permission, PermissionSet, Principal, Role, covered_classes,
};
use partnerkit::agreements::{AgreementId, AgreementVersion};
use partnerkit::core::SeededRandom;
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, AppId, Context, CountryCode, Currency, DisplayName, EmailAddress, EntityId,
    GroupId, KeyId, OwnerAccountId, PayoutAccountId, PersonName, SellerId, SequentialIds, TenantId,
    Url, UserId,
};
use partnerkit::identity::{
    AccountType, Directory, DirectoryApp, DirectoryGroup, DirectoryUser, DomainName,
};
use partnerkit::store::Recorded;
use partnerkit::{
    AccountCommand as C, AccountEvent, AccountEventView, AccountService, AccountState, Error,
    NewApp, NewUser, OpenAccount, Password, PayoutMethodInput, ReadKind, Requirement,
    TenantToAssociate,
};
use serde::{Deserialize, Serialize};

use crate::Report;
use crate::rng::Rng;
use crate::store::{Fault, FaultyStore};

mod edge;
mod reads;
mod refusal;
mod samples;
mod takes;

/// Percent of runs that are lean: Alice is the only user holding Manager, so rule USR-7's
/// guard is what stands between a demotion and an account without a Manager.
const LEAN_PERCENT: u64 = 35;

/// Percent of steps that are edge steps ([`edge`]): little-holding actors acting on
/// principals that hold more, and on the last Manager.
const EDGE_PERCENT: u64 = 25;

/// Fixture actors whose reads are checked after each step, besides the step's actor.
const READERS_PER_STEP: u64 = 2;

/// One simulated step: who sends which command, the fault armed for it, and how far the
/// clock moves first.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Step {
    /// Hours the clock moves before the command.
    pub hours: u32,
    /// The actor.
    pub actor: Actor,
    /// The command.
    pub command: C,
    /// The store fault armed for it, if any.
    pub fault: Option<Fault>,
}

/// Ids the generator picks from: everything ever created in the run, removed or not.
#[derive(Debug, Default)]
struct Pool {
    tenants: Vec<(TenantId, String)>,
    users: Vec<(TenantId, UserId)>,
    groups: Vec<GroupId>,
    apps: Vec<(TenantId, AppId)>,
    keys: Vec<(AppId, KeyId)>,
    payout_accounts: Vec<PayoutAccountId>,
}

/// What the checks compare before and after a step.
struct Seen {
    version: u64,
    /// The state, folded from the stored history.
    state: AccountState,
    /// Its access index.
    index: AccessIndex,
    /// The stored history it was folded from.
    history: Vec<Recorded>,
    /// The state's directory as a read shows it, made once when a read check needs it.
    directory: OnceCell<Directory>,
    /// The stored events as a read shows them, made once when a read check needs them.
    views: OnceCell<Vec<AccountEventView>>,
    state_json: String,
    effective: BTreeMap<Principal, PermissionSet>,
    signin_managers: usize,
    signin_users: usize,
}

/// The fixture's principals by part: what the edge-state generator aims at, and whom the
/// read checks look through.
#[derive(Debug, Clone, Copy)]
struct Cast {
    t1: TenantId,
    t2: TenantId,
    /// The first tenant's user: Manager, a global administrator.
    alice: UserId,
    /// The second tenant's first user: Manager (Developer in a lean run), a global
    /// administrator.
    bob: UserId,
    /// Developer, in the Developers group.
    dev: UserId,
    /// Custom `[manage_groups]`.
    groups_only: UserId,
    /// Custom `[manage_users]`, a global administrator (so a password reset reaches the rule).
    users_only: UserId,
    /// Custom `[manage_app_keys]`.
    keys_only: UserId,
    /// A second Manager of the first tenant; not in a lean run.
    mgr: Option<UserId>,
    /// A work account the owner account granted Owner; not in a lean run (it would count
    /// as a Manager, rule USR-7).
    own: Option<UserId>,
    /// Invited as Manager, never accepts in the fixture.
    guest: UserId,
    /// Granted Developer, with `dev` in it.
    devs: GroupId,
    /// Granted Owner by the owner account.
    owners: GroupId,
    /// Granted Developer.
    app: AppId,
    /// Granted Manager.
    mgr_app: AppId,
}

/// A simulated account and everything the generator knows about it.
pub struct World {
    service: AccountService<FaultyStore>,
    account: AccountId,
    owner: OwnerAccountId,
    ids: SequentialIds,
    random: SeededRandom,
    now: DateTime<Utc>,
    rng: Rng,
    next: u128,
    pool: Pool,
    cast: Cast,
    /// A lean run: Alice is the only user holding Manager (rule USR-7's edge).
    lean: bool,
    secrets: Vec<String>,
    /// Every credential verifier (password fingerprint or hash, key fingerprint) the state
    /// has held: none may appear in a read (rule X-8).
    verifiers: BTreeSet<String>,
    /// One command of every kind, for the one-refusal check (rule X-2).
    samples: Vec<C>,
    /// An account that does not exist, and its (empty) index.
    nowhere: (AccountState, AccessIndex),
    /// Which fixture actor the read check looks through next, besides the step's actor.
    reader: usize,
    /// What the read checks have already searched for verifiers.
    scanned: reads::Scanned,
    /// What the last step left: the next step starts from it (nothing changes the account
    /// between steps), so each state is folded and checked once.
    last: Option<Rc<Seen>>,
    ever_manager: bool,
}

impl std::fmt::Debug for World {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("World")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

fn uuid<I: EntityId>(n: u128) -> I {
    I::from_uuid(Uuid::from_u128(n))
}

/// Ids 200.. are the fixture's; the generator's own start at 1,000.
fn cast(lean: bool) -> Cast {
    Cast {
        t1: uuid(201),
        t2: uuid(202),
        alice: uuid(211),
        bob: uuid(212),
        dev: uuid(213),
        groups_only: uuid(214),
        users_only: uuid(215),
        keys_only: uuid(216),
        mgr: (!lean).then(|| uuid(217)),
        own: (!lean).then(|| uuid(218)),
        guest: uuid(219),
        devs: uuid(231),
        owners: uuid(232),
        app: uuid(241),
        mgr_app: uuid(242),
    }
}

impl World {
    /// A fresh world for `seed`, with the fixture account set up.
    ///
    /// # Errors
    /// A fixture command that the service refused (a bug in the fixture or the service).
    pub fn new(seed: u64) -> Result<World, String> {
        let mut rng = Rng::new(seed);
        let lean = rng.chance(LEAN_PERCENT);
        let cast = cast(lean);
        let now = Utc
            .with_ymd_and_hms(2027, 1, 4, 9, 0, 0)
            .single()
            .ok_or("fixture date")?;
        let nowhere = AccountState::default();
        let empty = AccessIndex::build(&nowhere.access);
        let mut world = World {
            service: AccountService::new(FaultyStore::new()),
            account: uuid(1),
            owner: uuid(2),
            ids: SequentialIds::starting_after(1 << 40),
            random: SeededRandom::new(seed),
            now,
            rng,
            next: 1_000,
            pool: Pool::default(),
            cast,
            lean,
            secrets: Vec::new(),
            verifiers: BTreeSet::new(),
            samples: samples::every_kind(uuid(1), &cast, now)?,
            nowhere: (nowhere, empty),
            reader: 0,
            scanned: reads::Scanned::default(),
            last: None,
            ever_manager: false,
        };
        world.fixture()?;
        Ok(world)
    }

    fn fresh<I: EntityId>(&mut self) -> I {
        self.next += 1;
        uuid(self.next)
    }

    fn run(&mut self, actor: Actor, command: C) -> Result<(), String> {
        let ctx = Context::new(self.now, actor, &self.ids).with_rng(&self.random);
        match self.service.execute(self.account, &ctx, command.clone()) {
            Ok(done) => {
                if let Some(r) = done.revealed {
                    self.secrets.push(r.secret.expose_secret().to_owned());
                }
                self.learn(&command);
                Ok(())
            }
            Err(e) => Err(format!("{actor:?} {} refused: {e}", command.kind())),
        }
    }

    fn person(
        &mut self,
        user: UserId,
        first: &str,
        tenant: usize,
        admin: bool,
    ) -> Result<DirectoryUser, String> {
        let domain = self
            .pool
            .tenants
            .get(tenant)
            .map(|t| t.1.clone())
            .unwrap_or_else(|| "contoso.com".to_owned());
        self.next += 1;
        Ok(DirectoryUser {
            user,
            name: PersonName::new(first, "Sim").map_err(|e| e.to_string())?,
            username: EmailAddress::new(&format!("{}{}@{domain}", first.to_lowercase(), self.next))
                .map_err(|e| e.to_string())?,
            global_admin: admin,
        })
    }

    /// The fixture, built through the service itself: see [`Cast`].
    fn fixture(&mut self) -> Result<(), String> {
        let m = Actor::Marketplace;
        let e = |e: partnerkit::core::Error| e.to_string();
        let c = self.cast;
        self.run(
            m,
            C::OpenAccount(OpenAccount {
                account: self.account,
                seller_id: SellerId::new("91234567").map_err(e)?,
                account_type: AccountType::Company,
                display_name: DisplayName::new("Simulated Apps").map_err(e)?,
                owner: Some(self.owner),
                country: CountryCode::US,
                currency: Currency::USD,
            }),
        )?;
        self.pool.tenants.push((c.t1, "contoso.com".into()));
        self.pool.tenants.push((c.t2, "fabrikam.com".into()));
        let alice = self.person(c.alice, "Alice", 0, true)?;
        let bob = self.person(c.bob, "Bob", 1, true)?;
        self.associate(m, c.t1, "Contoso", "contoso.com", alice, None)?;
        let alice_actor = Actor::User {
            tenant: c.t1,
            user: c.alice,
        };
        let bob_grant = if self.lean {
            Role::Developer
        } else {
            Role::Manager
        };
        self.associate(
            alice_actor,
            c.t2,
            "Fabrikam",
            "fabrikam.com",
            bob,
            Some(Grant::Role(bob_grant)),
        )?;
        self.pool.users.push((c.t1, c.alice));
        self.pool.users.push((c.t2, c.bob));
        let custom = |p: Permission| Grant::custom([p]).map_err(|e| e.to_string());
        let mut users = vec![
            (c.dev, "Dev", false, Grant::Role(Role::Developer)),
            (
                c.groups_only,
                "Groups",
                false,
                custom(Permission::ManageGroups)?,
            ),
            (
                c.users_only,
                "Users",
                true,
                custom(Permission::ManageUsers)?,
            ),
            (
                c.keys_only,
                "Keys",
                false,
                custom(Permission::ManageAppKeys)?,
            ),
        ];
        if let Some(mgr) = c.mgr {
            users.push((mgr, "Mgr", false, Grant::Role(Role::Manager)));
        }
        if let Some(own) = c.own {
            users.push((own, "Own", false, Grant::Role(Role::Developer)));
        }
        for (id, name, admin, grant) in users {
            let user = self.person(id, name, 0, admin)?;
            self.run(
                alice_actor,
                C::AddUsers {
                    tenant: c.t1,
                    users: vec![user],
                    grant,
                },
            )?;
        }
        let owner_actor = Actor::OwnerAccount { owner: self.owner };
        if let Some(own) = c.own {
            self.run(
                owner_actor,
                C::Grant {
                    principals: vec![Principal::User(own)],
                    grant: Grant::Role(Role::Owner),
                },
            )?;
        }
        self.run(
            alice_actor,
            C::CreateGroup {
                tenant: c.t1,
                group: c.devs,
                name: DisplayName::new("Developers").map_err(e)?,
                members: vec![c.dev],
                grant: Some(Grant::Role(Role::Developer)),
            },
        )?;
        self.run(
            alice_actor,
            C::CreateGroup {
                tenant: c.t1,
                group: c.owners,
                name: DisplayName::new("Owners").map_err(e)?,
                members: Vec::new(),
                grant: None,
            },
        )?;
        self.run(
            owner_actor,
            C::Grant {
                principals: vec![Principal::Group(c.owners)],
                grant: Grant::Role(Role::Owner),
            },
        )?;
        for (app, name, role) in [
            (c.app, "Sim app", Role::Developer),
            (c.mgr_app, "Manager app", Role::Manager),
        ] {
            let n = self.next;
            self.next += 1;
            self.run(
                alice_actor,
                C::CreateApp(NewApp {
                    tenant: c.t1,
                    app,
                    name: DisplayName::new(name).map_err(e)?,
                    reply_url: Url::new(&format!("https://app{n}.contoso.com/reply")).map_err(e)?,
                    app_id_uri: Url::new(&format!("https://contoso.com/app{n}")).map_err(e)?,
                    grant: Some(Grant::Role(role)),
                }),
            )?;
        }
        self.run(
            alice_actor,
            C::InviteGuests {
                tenant: c.t1,
                emails: "guest@outlook.com".into(),
                guests: vec![c.guest],
                grant: Grant::Role(Role::Manager),
            },
        )?;
        self.ever_manager = true;
        Ok(())
    }

    fn associate(
        &mut self,
        actor: Actor,
        tenant: TenantId,
        org: &str,
        domain: &str,
        first: DirectoryUser,
        grant: Option<Grant>,
    ) -> Result<(), String> {
        let e = |e: partnerkit::core::Error| e.to_string();
        let domain = DomainName::new(domain).map_err(|e| e.to_string())?;
        self.run(
            actor,
            C::BeginTenantAssociation(TenantToAssociate {
                tenant,
                organization: DisplayName::new(org).map_err(e)?,
                domain,
                synced_from_on_premises: false,
                first_user: Some(first),
            }),
        )?;
        self.run(actor, C::ConfirmTenantAssociation { tenant, grant })
    }
    /// Remembers the ids an accepted command created.
    fn learn(&mut self, command: &C) {
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

    // ------------------------------------------------------------------ generating

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
            12 => {
                let principal = self.any_principal();
                let grants = (0..self.rng.below(3)).map(|_| self.any_grant()).collect();
                C::SetGrants { principal, grants }
            }
            13 => {
                let user = self.any_user();
                C::RemoveUser {
                    user,
                    confirmed: self.rng.chance(90),
                }
            }
            14 => {
                let group = self.any_group();
                C::RemoveGroup {
                    group,
                    confirmed: true,
                }
            }
            15 => {
                let tenant = self.any_tenant();
                C::RemoveTenant {
                    tenant,
                    confirmed: self.rng.chance(90),
                }
            }
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
            19 => C::ResendInvitation {
                user: self.any_user(),
            },
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
            21 => {
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
            24 => C::AssociateOwnerAccount {
                owner: if self.rng.chance(50) {
                    self.owner
                } else {
                    self.fresh()
                },
            },
            _ => C::AcceptAgreement {
                agreement: AgreementId::new("marketplace-publisher-agreement")
                    .unwrap_or_else(|_| unreachable!("a valid id")),
                version: AgreementVersion::new("2027-01")
                    .unwrap_or_else(|_| unreachable!("a valid version")),
            },
        }
    }

    // ------------------------------------------------------------------ checking

    /// The account as stored now, checked: `state == fold(history)` with every event read
    /// back through JSON, the service's cached state equal to it, and the state reading back
    /// through JSON.
    ///
    /// From `prev` (the last step's), only the events stored since are read and folded onto
    /// its state — the stored history is append-only — and an unchanged account is `prev`
    /// itself once the cached state is checked equal to it. With `full`, or without `prev`,
    /// the whole history is read and folded from the start.
    fn seen(&self, prev: Option<&Rc<Seen>>, full: bool) -> Result<Rc<Seen>, String> {
        let prev = prev.filter(|_| !full);
        let from = prev.map_or(0, |p| p.history.len());
        let store = self.service.store().inner();
        let tail = partnerkit::store::AccountStore::events(
            store,
            self.account,
            partnerkit::core::Version::INITIAL.after(from as u64),
        )
        .map_err(|e| format!("history unreadable: {e}"))?;
        if let Some(p) = prev
            && tail.is_empty()
        {
            let cached = self
                .service
                .state(self.account)
                .map_err(|e| format!("state unreadable: {e}"))?
                .unwrap_or_default();
            if cached != p.state {
                return Err("the service's state differs from fold(history)".into());
            }
            return Ok(Rc::clone(p));
        }
        let (mut folded, mut history) = match prev {
            Some(p) => (p.state.clone(), p.history.clone()),
            None => (AccountState::default(), Vec::new()),
        };
        // state == fold(history), each event read back through JSON.
        for recorded in tail {
            let json = serde_json::to_string(&recorded.event).map_err(|e| e.to_string())?;
            let back: AccountEvent = serde_json::from_str(&json)
                .map_err(|e| format!("event does not read back ({e}): {json}"))?;
            folded.apply(&back);
            history.push(recorded);
        }
        let cached = self
            .service
            .state(self.account)
            .map_err(|e| format!("state unreadable: {e}"))?
            .unwrap_or_default();
        if cached != folded {
            return Err("the service's state differs from fold(history)".into());
        }
        let state_json = serde_json::to_string(&folded).map_err(|e| e.to_string())?;
        let back: AccountState = serde_json::from_str(&state_json)
            .map_err(|e| format!("state does not read back: {e}"))?;
        if back != folded {
            return Err("the state changes when read back through JSON".into());
        }
        let index = AccessIndex::build(&folded.access);
        let mut effective = BTreeMap::new();
        let mut signin_managers = 0;
        let mut signin_users = 0;
        let manager = Role::Manager.permissions();
        for (user, entry) in folded.access.users() {
            let p = Principal::User(*user);
            let held = index.effective(p);
            effective.insert(p, held);
            let actor = Actor::User {
                tenant: entry.tenant(),
                user: *user,
            };
            if folded.identity.can_sign_in(&actor) {
                signin_users += 1;
                if manager.is_subset(held) {
                    signin_managers += 1;
                }
            }
        }
        for group in folded.access.groups().keys() {
            let p = Principal::Group(*group);
            effective.insert(p, index.effective(p));
        }
        for app in folded.access.apps().keys() {
            let p = Principal::App(*app);
            effective.insert(p, index.effective(p));
        }
        Ok(Rc::new(Seen {
            version: history.len() as u64,
            state: folded,
            index,
            history,
            directory: OnceCell::new(),
            views: OnceCell::new(),
            state_json,
            effective,
            signin_managers,
            signin_users,
        }))
    }

    /// Applies `step` and checks every invariant.
    ///
    /// # Errors
    /// What broke.
    pub fn apply_and_check(&mut self, step: &Step, report: &mut Report) -> Result<(), String> {
        let before = match self.last.take() {
            Some(seen) => seen,
            None => self.seen(None, true)?,
        };
        self.now += Duration::hours(i64::from(step.hours));
        self.service.store().arm(step.fault);
        let ctx_now = self.now;
        let outcome = {
            let ctx = Context::new(ctx_now, step.actor, &self.ids).with_rng(&self.random);
            let service = &self.service;
            let account = self.account;
            let command = step.command.clone();
            catch_unwind(AssertUnwindSafe(|| service.execute(account, &ctx, command)))
                .map_err(|_| format!("panic on {}", step.command.kind()))?
        };
        self.service.store().arm(None);
        report.checks += 6;
        // Every tenth step the whole history is folded from the start again.
        let steps = report.accepted + report.denied + report.refused + report.faults;
        let after = self.seen(Some(&before), steps.is_multiple_of(10))?;
        reads::collect_verifiers(&before.state, &mut self.verifiers);
        reads::collect_verifiers(&after.state, &mut self.verifiers);
        match outcome {
            Err(e) => {
                match e {
                    Error::Denied(_) => report.denied += 1,
                    Error::Domain(_) => report.refused += 1,
                    _ => report.faults += 1,
                }
                if after.version != before.version || after.state_json != before.state_json {
                    return Err(format!(
                        "a refused {} ({}) changed the account",
                        step.command.kind(),
                        e.code()
                    ));
                }
            }
            Ok(done) => {
                report.accepted += 1;
                if let Some(r) = &done.revealed {
                    self.secrets.push(r.secret.expose_secret().to_owned());
                }
                self.learn(&step.command);
                self.check_escalation(step, &before, &after)?;
                self.check_takes(step, &before, &done)?;
                report.checks += 1;
            }
        }
        if before.signin_managers > 0 {
            self.ever_manager = true;
        }
        if self.ever_manager && after.signin_managers == 0 && after.signin_users > 0 {
            return Err(format!(
                "no user who can sign in holds Manager any more after {} by {:?} (rule USR-7)",
                step.command.kind(),
                step.actor
            ));
        }
        self.check_one_refusal(&after)?;
        self.check_reads(&step.actor, &after, true)?;
        for _ in 0..READERS_PER_STEP {
            let reader = self.reader();
            self.check_reads(&reader, &after, false)?;
        }
        report.checks += 2 + READERS_PER_STEP;
        let steps = report.accepted + report.denied + report.refused + report.faults;
        if steps.is_multiple_of(10) {
            self.check_secrets(report)?;
        }
        self.last = Some(after);
        Ok(())
    }

    /// The next fixture actor the read checks look through, besides the step's actor: each
    /// kind of holder in turn (rule X-8).
    fn reader(&mut self) -> Actor {
        let c = self.cast;
        let user = |user| Actor::User { tenant: c.t1, user };
        let readers = [
            user(c.groups_only),
            user(c.users_only),
            Actor::OwnerAccount { owner: self.owner },
            user(c.keys_only),
            user(c.dev),
            user(c.alice),
            Actor::App {
                tenant: c.t1,
                app: c.mgr_app,
            },
            user(c.own.unwrap_or(c.guest)),
            Actor::Marketplace,
            Actor::User {
                tenant: c.t2,
                user: c.bob,
            },
            Actor::App {
                tenant: c.t1,
                app: c.app,
            },
            user(c.guest),
        ];
        self.reader = (self.reader + 1) % readers.len();
        readers
            .get(self.reader)
            .copied()
            .unwrap_or(Actor::Marketplace)
    }

    /// Checks that what `actor` may see agrees with what it may do: for every read, the read
    /// table admits it exactly when the actor is the marketplace, or can sign in and either
    /// holds each permission the read needs (`authorize` allows it) or holds a permission
    /// covering one of the data classes the read returns (rule X-8); and the read itself is
    /// denied exactly when the table says no (rules X-2, ROL-2, ROL-7).
    fn check_reads(&mut self, actor: &Actor, now: &Seen, always: bool) -> Result<(), String> {
        let month = partnerkit::payouts::PayoutMonth::new(2027, 1)
            .map_err(|e| format!("a payout month: {e}"))?;
        let signed_in = match actor {
            Actor::Marketplace => true,
            _ => self
                .service
                .authorize(self.account, actor, Permission::ViewAccountSettings)
                .map_err(|e| format!("authorize failed: {e}"))?
                .is_ok(),
        };
        let holds =
            Principal::from_actor(actor).map_or(PermissionSet::EMPTY, |p| now.index.holds(p));
        let views_denied = self.check_views(actor, now, always)?;
        for &kind in ReadKind::ALL {
            let table = self
                .service
                .may_read(self.account, actor, kind)
                .map_err(|e| format!("may_read failed: {e}"))?;
            let allowed = match (actor, kind.requirement()) {
                (Actor::Marketplace, _) => true,
                (_, Requirement::MarketplaceOrHolding { permissions }) => {
                    let mut all = signed_in;
                    for p in permissions.iter() {
                        let answer = self
                            .service
                            .authorize(self.account, actor, p)
                            .map_err(|e| format!("authorize failed: {e}"))?;
                        all &= answer.is_ok_and(|d| d.is_allowed());
                    }
                    all
                }
                (_, Requirement::MarketplaceOrCovering { classes }) => {
                    let covered = covered_classes(holds);
                    signed_in && classes.iter().any(|c| covered.contains(c))
                }
                (_, other) => {
                    return Err(format!(
                        "the {kind} read has an unexpected requirement {other:?}"
                    ));
                }
            };
            if table.is_ok() != allowed {
                return Err(format!(
                    "the {kind} read table says {table:?} for {actor:?}, the model says {allowed} (rules ROL-7, X-8)"
                ));
            }
            let (account, service) = (self.account, &self.service);
            let denied = match kind {
                ReadKind::State | ReadKind::History => views_denied,
                ReadKind::Readiness => service
                    .readiness_for(account, actor, self.now)
                    .is_err_and(|e| matches!(e, Error::Denied(_))),
                ReadKind::Statements => service
                    .statements_for(account, actor, &[], month, month)
                    .is_err_and(|e| matches!(e, Error::Denied(_))),
                _ => return Err(format!("the {kind} read is not simulated")),
            };
            if denied == table.is_ok() {
                return Err(format!(
                    "the {kind} read for {actor:?} was {} though the table says {table:?} (rule X-2)",
                    if denied { "denied" } else { "shown" }
                ));
            }
        }
        Ok(())
    }

    fn check_escalation(&self, step: &Step, before: &Seen, after: &Seen) -> Result<(), String> {
        let held = match step.actor {
            Actor::OwnerAccount { .. } => PermissionSet::ALL,
            Actor::Marketplace => Role::Manager.permissions(),
            actor => Principal::from_actor(&actor)
                .and_then(|p| before.effective.get(&p).copied())
                .unwrap_or_default(),
        };
        for (principal, now) in &after.effective {
            let was = before.effective.get(principal).copied().unwrap_or_default();
            let gained = now.difference(was);
            if !gained.is_subset(held) {
                return Err(format!(
                    "{principal:?} gained {} through {} by {:?}, who held {} (rules ROL-7, ROL-8)",
                    gained.difference(held),
                    step.command.kind(),
                    step.actor,
                    held
                ));
            }
            if !now.intersection(PermissionSet::OWNER_ONLY).is_empty() {
                return Err(format!(
                    "{principal:?} holds owner-only permissions {} (rule ROL-7)",
                    now.intersection(PermissionSet::OWNER_ONLY)
                ));
            }
        }
        Ok(())
    }

    /// Checks that no secret seen so far appears in the state's `Debug` or JSON or in the
    /// stored history (rule X-4).
    ///
    /// # Errors
    /// Where a secret was found.
    pub fn check_secrets(&self, report: &mut Report) -> Result<(), String> {
        report.checks += 1;
        let state = self
            .service
            .state(self.account)
            .map_err(|e| e.to_string())?
            .unwrap_or_default();
        let history = self
            .service
            .history(self.account)
            .map_err(|e| e.to_string())?;
        let places = [
            ("state Debug", format!("{state:?}")),
            (
                "state JSON",
                serde_json::to_string(&state).map_err(|e| e.to_string())?,
            ),
            (
                "stored history",
                serde_json::to_string(&history).map_err(|e| e.to_string())?,
            ),
            ("history Debug", format!("{history:?}")),
        ];
        for secret in &self.secrets {
            for (place, text) in &places {
                if text.contains(secret.as_str()) {
                    return Err(format!("a secret appears in the {place} (rule X-4)"));
                }
            }
        }
        Ok(())
    }
}
