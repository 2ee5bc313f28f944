//! partnerkit's authorisation model and an independent oracle — the same model written as
//! Cedar policies from REQUIREMENTS (`benches/src/oracle.cedar`) — give the same answer,
//! refusal code included, for every kind of command and read, asked by ten kinds of actor,
//! on random account states built through the service (rules, USR-1, USR-5, PAY-1,
//! TEN-2, TEN-4, AGR-1, ROL-4, ROL-7, ROL-8, ROL-9).
//!
//! `ORACLE_STATES` sets how many states to check (default 10,000); `ORACLE_SEED` shifts the
//! seeds, for a longer or different run by hand.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use partnerkit::access::{AccessIndex, Grant, Permission, PermissionSet, Principal, Role};
use partnerkit::agreements::{AgreementId, AgreementVersion};
use partnerkit::core::chrono::{DateTime, Duration, TimeZone, Utc};
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, AppId, Context, CountryCode, Currency, DataClasses, DisplayName,
    EmailAddress, EntityId, GroupId, PersonName, PhoneNumber, PostalAddress, SecureRandom,
    SellerId, SequentialIds, TenantId, Url, UserId,
};
use partnerkit::identity::{
    AccountType, CompanyApprover, DirectoryApp, DirectoryGroup, DirectoryUser, DomainLabel,
    DomainName, SellerContact, StepState, VerificationStep,
};
use partnerkit::payouts::VerificationOutcome;
use partnerkit::tax::ProfileDetails;
use partnerkit::{
    AccountCommand as C, AccountService, AccountState, CommandKind, InMemoryStore, NewApp,
    NewTenant, NewUser, OpenAccount, Password, PayoutMethodInput, ReadKind, TenantToAssociate,
    W8Input, W9Input, authorize_command, authorize_read,
};
use partnerkit_benches::{CedarOracle, OracleAccount, SplitMix64};

const T1: u128 = 100;
const T2: u128 = 200;
/// A tenant never associated: only ever pending, or named by a command.
const T3: u128 = 300;
const ALICE: u128 = 101; // T1's global administrator, its first user
const CARA: u128 = 201; // T2's global administrator, its first user
const OWNER: u128 = 900;
const OTHER_OWNER: u128 = 901;
const STRANGER: u128 = 999;

fn id<I: EntityId>(n: u128) -> I {
    I::from_uuid(Uuid::from_u128(n))
}

fn domain_of(tenant: u128) -> &'static str {
    match tenant {
        T1 => "contoso.com",
        T2 => "fabrikam.com",
        _ => "northwind.com",
    }
}

/// Predictable bytes for the secrets the service makes (initial passwords, key values).
struct Bytes(AtomicU64);

impl SecureRandom for Bytes {
    fn fill(&self, buf: &mut [u8]) -> partnerkit::core::Result<()> {
        for b in buf {
            let n = self.0.fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed);
            *b = (n >> 29) as u8;
        }
        Ok(())
    }
}

/// The parts of commands that do not matter to authorisation, made once.
struct Values {
    now: DateTime<Utc>,
    name: DisplayName,
    email: EmailAddress,
    seller_id: SellerId,
    label: DomainLabel,
    agreement: AgreementId,
    version: AgreementVersion,
    person: PersonName,
    contact: SellerContact,
    approver: CompanyApprover,
    details: ProfileDetails,
    w9: W9Input,
    w8: W8Input,
}

impl Values {
    fn new() -> Values {
        let email = EmailAddress::new("alice@contoso.com").unwrap();
        let phone = PhoneNumber::new("+14255550100").unwrap();
        let person = PersonName::new("Alice", "Lind").unwrap();
        let address = PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
            .postal_code("98052")
            .build()
            .unwrap();
        Values {
            now: Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).single().unwrap(),
            name: DisplayName::new("Contoso").unwrap(),
            email: email.clone(),
            seller_id: SellerId::new("91234567").unwrap(),
            label: DomainLabel::new("northwindapps").unwrap(),
            agreement: AgreementId::new("publisher-agreement").unwrap(),
            version: AgreementVersion::new("2026-06").unwrap(),
            contact: SellerContact {
                name: person.clone(),
                email: email.clone(),
                phone: phone.clone(),
                address,
            },
            approver: CompanyApprover {
                name: person.clone(),
                email,
                phone,
            },
            person,
            details: serde_json::from_value(serde_json::json!({
                "residence": "US", "citizenship": "US", "entity_type": "entity"
            }))
            .unwrap(),
            w9: serde_json::from_value(serde_json::json!({
                "name": "Contoso Apps", "tin": "12-3456789",
                "signature": {"signer": "Alice Lind", "signed_on": "2027-01-05"}
            }))
            .unwrap(),
            w8: serde_json::from_value(serde_json::json!({
                "name": "Contoso Apps",
                "signature": {"signer": "Alice Lind", "signed_on": "2027-01-05"}
            }))
            .unwrap(),
        }
    }

    fn dir_user(&self, user: UserId, tenant: u128, n: u128) -> DirectoryUser {
        DirectoryUser {
            user,
            name: self.person.clone(),
            username: EmailAddress::new(&format!("u{n}@{}", domain_of(tenant))).unwrap(),
            global_admin: false,
        }
    }

    /// A directory user for a command that is only authorised, never run: its user name
    /// does not matter.
    fn listed_user(&self, user: UserId) -> DirectoryUser {
        DirectoryUser {
            user,
            name: self.person.clone(),
            username: self.email.clone(),
            global_admin: false,
        }
    }

    fn dir_app(&self, app: AppId) -> DirectoryApp {
        DirectoryApp {
            app,
            name: self.name.clone(),
            reply_url: None,
            app_id_uri: None,
        }
    }

    fn new_app(&self, tenant: TenantId, app: AppId, n: u128, grant: Option<Grant>) -> NewApp {
        NewApp {
            tenant,
            app,
            name: self.name.clone(),
            reply_url: Url::new(&format!("https://app{n}.example.com/reply")).unwrap(),
            app_id_uri: Url::new(&format!("https://example.com/app{n}")).unwrap(),
            grant,
        }
    }

    fn association(&self, tenant: u128, first_user: Option<DirectoryUser>) -> TenantToAssociate {
        TenantToAssociate {
            tenant: id(tenant),
            organization: self.name.clone(),
            domain: DomainName::new(domain_of(tenant)).unwrap(),
            synced_from_on_premises: false,
            first_user,
        }
    }
}

/// A random grant, often one of the edge cases: Owner, Manager, Developer, a custom set of
/// one management permission, or a random custom set.
fn random_grant(rng: &mut SplitMix64) -> Grant {
    use Permission as P;
    let one = |p: Permission| Grant::custom([p]).unwrap();
    match rng.below(12) {
        0 => Grant::Role(Role::Owner),
        1 | 2 => Grant::Role(Role::Manager),
        3 | 4 => Grant::Role(Role::Developer),
        5 => one(P::ManageUsers),
        6 => one(P::ManageAppKeys),
        7 => one(P::ManageGroups),
        8 => one(P::ManageApps),
        _ => pick(rng, custom_sets()).unwrap_or(Grant::Role(Role::Developer)),
    }
}

/// Forty sparse custom permission sets, the same in every run: varied enough to reach every
/// permission, few enough that the oracle's answers repeat.
fn custom_sets() -> &'static [Grant] {
    static SETS: OnceLock<Vec<Grant>> = OnceLock::new();
    SETS.get_or_init(|| {
        let mut rng = SplitMix64::new(0xC057_0A5E);
        let mut sets = Vec::new();
        while sets.len() < 40 {
            let set: Vec<Permission> = Permission::ALL
                .into_iter()
                .filter(|p| !p.is_owner_only() && rng.chance(250))
                .collect();
            if let Ok(g) = Grant::custom(set) {
                sets.push(g);
            }
        }
        sets
    })
}

fn maybe_grant(rng: &mut SplitMix64) -> Option<Grant> {
    rng.chance(650).then(|| random_grant(rng))
}

fn pick<T: Copy>(rng: &mut SplitMix64, items: &[T]) -> Option<T> {
    items.get(rng.below(items.len())).copied()
}

/// A state to check, with the users removed on the way to it (who may still try to act).
struct Sample {
    state: AccountState,
    removed: Vec<(TenantId, UserId)>,
}

/// One account built by a random stream of commands through the service; every state it
/// passes through is a sample.
struct Stream<'v> {
    svc: AccountService<InMemoryStore>,
    ids: SequentialIds,
    random: Bytes,
    values: &'v Values,
    account: AccountId,
    rng: SplitMix64,
    next: u128,
    removed: Vec<(TenantId, UserId)>,
    samples: Vec<Sample>,
}

impl Stream<'_> {
    fn fresh(&mut self) -> u128 {
        self.next += 1;
        self.next
    }

    fn run(&mut self, actor: Actor, command: C) -> bool {
        let ctx = Context::new(self.values.now, actor, &self.ids).with_rng(&self.random);
        self.svc.execute(self.account, &ctx, command).is_ok()
    }

    fn state(&self) -> AccountState {
        self.svc.state(self.account).unwrap().unwrap_or_default()
    }

    fn sample(&mut self) {
        let state = self.state();
        self.samples.push(Sample {
            state,
            removed: self.removed.clone(),
        });
    }

    fn run_and_sample(&mut self, actor: Actor, command: C) {
        if self.run(actor, command) {
            self.sample();
        }
    }

    /// The global administrator who manages `tenant`'s directory.
    fn admin(tenant: u128) -> Actor {
        match tenant {
            T2 => Actor::User {
                tenant: id(T2),
                user: id(CARA),
            },
            _ => Actor::User {
                tenant: id(T1),
                user: id(ALICE),
            },
        }
    }

    /// Who grants: the owner account if there is one, else T1's administrator.
    fn granter(&mut self, state: &AccountState) -> Actor {
        match state.payouts.owner() {
            Some(owner) if self.rng.chance(750) => Actor::OwnerAccount { owner },
            _ => Stream::admin(T1),
        }
    }

    fn build(mut self) -> Vec<Sample> {
        let unopened = self.rng.chance(200);
        let owner = self.rng.chance(850).then(|| id(OWNER));
        let late_owner = owner.is_none() && self.rng.chance(400);
        let no_tenant = self.rng.chance(70);
        if unopened {
            self.sample();
        }
        let open = C::OpenAccount(OpenAccount {
            account: self.account,
            seller_id: SellerId::new("91234567").unwrap(),
            account_type: AccountType::Company,
            display_name: self.values.name.clone(),
            owner,
            country: CountryCode::US,
            currency: Currency::USD,
        });
        self.run_and_sample(Actor::Marketplace, open);
        if late_owner {
            let associate = C::AssociateOwnerAccount { owner: id(OWNER) };
            self.run_and_sample(Actor::Marketplace, associate);
        }
        let by = match owner {
            Some(owner) if self.rng.chance(500) => Actor::OwnerAccount { owner },
            _ => Actor::Marketplace,
        };
        let alice = self.values.dir_user(id(ALICE), T1, ALICE);
        let alice = DirectoryUser {
            global_admin: true,
            ..alice
        };
        if no_tenant {
            if self.rng.chance(600) {
                let first = self.rng.chance(800).then_some(alice);
                let begin = C::BeginTenantAssociation(self.values.association(T1, first));
                self.run_and_sample(by, begin);
            }
            return self.samples;
        }
        let begin = C::BeginTenantAssociation(self.values.association(T1, Some(alice)));
        self.run_and_sample(by, begin);
        // The first tenant's grant: Manager by default, sometimes less, sometimes too much.
        let grant = match self.rng.below(10) {
            0 => Some(Grant::Role(Role::Owner)),
            1 => Some(Grant::Role(Role::Developer)),
            2 => Some(Grant::custom([Permission::ManageUsers, Permission::ManageGroups]).unwrap()),
            3 => Some(Grant::Role(Role::Manager)),
            _ => None,
        };
        let confirm = C::ConfirmTenantAssociation {
            tenant: id(T1),
            grant,
        };
        if !self.run(by, confirm) {
            let confirm = C::ConfirmTenantAssociation {
                tenant: id(T1),
                grant: None,
            };
            self.run(by, confirm);
        }
        self.sample();
        let steps = 10 + self.rng.below(40);
        for _ in 0..steps {
            self.step();
        }
        self.samples
    }

    /// One random command that may succeed; a state it reaches is a sample.
    fn step(&mut self) {
        let state = self.state();
        let values = self.values;
        let tenants: Vec<u128> = [T1, T2]
            .into_iter()
            .filter(|t| state.identity.tenant(id(*t)).is_some())
            .collect();
        let Some(t) = pick(&mut self.rng, &tenants) else {
            return;
        };
        let admin = Stream::admin(t);
        // Never the administrators themselves: they build the rest.
        let users: Vec<UserId> = state
            .identity
            .users_of(id(t))
            .map(|u| u.id)
            .filter(|u| *u != id(ALICE) && *u != id(CARA))
            .collect();
        let everyone: Vec<UserId> = state.access.users().keys().copied().collect();
        let groups: Vec<GroupId> = state
            .identity
            .groups()
            .filter(|g| g.tenant == id(t))
            .map(|g| g.id)
            .collect();
        let apps: Vec<AppId> = state.identity.apps().map(|a| a.id).collect();
        let some_users = |rng: &mut SplitMix64, max: usize| -> Vec<UserId> {
            let n = rng.below(max + 1);
            let chosen: BTreeSet<UserId> = (0..n).filter_map(|_| pick(rng, &users)).collect();
            chosen.into_iter().collect()
        };
        match self.rng.below(22) {
            0..=2 => {
                let n = 1 + self.rng.below(3);
                let added = (0..n)
                    .map(|_| {
                        let k = self.fresh();
                        values.dir_user(id(k), t, k)
                    })
                    .collect();
                let grant = random_grant(&mut self.rng);
                let add = C::AddUsers {
                    tenant: id(t),
                    users: added,
                    grant,
                };
                self.run_and_sample(admin, add);
            }
            3 => {
                let k = self.fresh();
                let joins: BTreeSet<GroupId> = (0..self.rng.below(3))
                    .filter_map(|_| pick(&mut self.rng, &groups))
                    .collect();
                let create = C::CreateUser(NewUser {
                    tenant: id(t),
                    user: id(k),
                    name: values.person.clone(),
                    username: EmailAddress::new(&format!("c{k}@{}", domain_of(t))).unwrap(),
                    global_admin: false,
                    reset_email: None,
                    groups: joins.into_iter().collect(),
                    grant: maybe_grant(&mut self.rng),
                });
                self.run_and_sample(admin, create);
            }
            4 => {
                let n = 1 + self.rng.below(2);
                let guests: Vec<UserId> = (0..n).map(|_| id(self.fresh())).collect();
                let emails = guests
                    .iter()
                    .enumerate()
                    .map(|(i, _)| format!("guest{}x{i}@outlook.com", self.next))
                    .collect::<Vec<_>>()
                    .join(", ");
                let invite = C::InviteGuests {
                    tenant: id(t),
                    emails,
                    guests,
                    grant: random_grant(&mut self.rng),
                };
                self.run_and_sample(admin, invite);
            }
            5 => {
                let pending: Vec<(TenantId, UserId)> = state
                    .identity
                    .users()
                    .filter(|u| u.is_guest() && !u.is_active())
                    .map(|u| (u.tenant, u.id))
                    .collect();
                if let Some((tenant, user)) = pick(&mut self.rng, &pending) {
                    let accept = C::AcceptInvitation { user };
                    self.run_and_sample(Actor::User { tenant, user }, accept);
                }
            }
            6 | 7 => {
                let group = id(self.fresh());
                let members = some_users(&mut self.rng, 3);
                let grant = maybe_grant(&mut self.rng);
                let create = C::CreateGroup {
                    tenant: id(t),
                    group,
                    name: values.name.clone(),
                    members,
                    grant,
                };
                // Groups holding Owner are made by the owner account's grant, below.
                self.run_and_sample(admin, create);
            }
            8 => {
                let group = id(self.fresh());
                let mut members = some_users(&mut self.rng, 2);
                // Directory-only members: users of the directory never added to the account.
                for _ in 0..self.rng.below(3) {
                    members.push(id(self.fresh()));
                }
                let add = C::AddGroups {
                    tenant: id(t),
                    groups: vec![DirectoryGroup {
                        group,
                        name: values.name.clone(),
                        members,
                    }],
                    grant: random_grant(&mut self.rng),
                };
                self.run_and_sample(admin, add);
            }
            9 => {
                if let Some(group) = pick(&mut self.rng, &groups) {
                    let add = some_users(&mut self.rng, 2);
                    let remove = some_users(&mut self.rng, 1);
                    let change = C::ChangeGroupMembers { group, add, remove };
                    self.run_and_sample(admin, change);
                }
            }
            10 | 11 => {
                let k = self.fresh();
                let grant = maybe_grant(&mut self.rng);
                let command = if self.rng.chance(500) {
                    C::CreateApp(values.new_app(id(t), id(k), k, grant))
                } else {
                    C::AddApps {
                        tenant: id(t),
                        apps: vec![values.dir_app(id(k))],
                        grant: grant.unwrap_or(Grant::Role(Role::Manager)),
                    }
                };
                self.run_and_sample(admin, command);
            }
            12 | 13 => {
                // Grants by the owner account: groups and apps holding Owner or Manager.
                let mut principals: Vec<Principal> = Vec::new();
                for _ in 0..1 + self.rng.below(2) {
                    let p = match self.rng.below(3) {
                        0 => pick(&mut self.rng, &everyone).map(Principal::User),
                        1 => pick(&mut self.rng, &groups).map(Principal::Group),
                        _ => pick(&mut self.rng, &apps).map(Principal::App),
                    };
                    if let Some(p) = p
                        && !principals.contains(&p)
                    {
                        principals.push(p);
                    }
                }
                if !principals.is_empty() {
                    let by = self.granter(&state);
                    let grant = C::Grant {
                        principals,
                        grant: random_grant(&mut self.rng),
                    };
                    self.run_and_sample(by, grant);
                }
            }
            14 => {
                let held: Vec<(Principal, Grant)> =
                    state
                        .access
                        .users()
                        .iter()
                        .flat_map(|(u, e)| e.grants().iter().map(|g| (Principal::User(*u), *g)))
                        .chain(state.access.groups().iter().flat_map(|(g, e)| {
                            e.grants().iter().map(|x| (Principal::Group(*g), *x))
                        }))
                        .collect();
                if let Some((principal, grant)) = pick(&mut self.rng, &held) {
                    let by = self.granter(&state);
                    let command = if self.rng.chance(500) {
                        C::Revoke { principal, grant }
                    } else {
                        let grants = (0..self.rng.below(3))
                            .map(|_| random_grant(&mut self.rng))
                            .collect();
                        C::SetGrants { principal, grants }
                    };
                    self.run_and_sample(by, command);
                }
            }
            15 => {
                if let Some(user) = pick(&mut self.rng, &users) {
                    let tenant = state.identity.user(user).map(|u| u.tenant);
                    if self.run(
                        admin,
                        C::RemoveUser {
                            user,
                            confirmed: true,
                        },
                    ) {
                        self.removed.extend(tenant.map(|t| (t, user)));
                        self.sample();
                    }
                }
            }
            16 => {
                let command = if self.rng.chance(500) {
                    pick(&mut self.rng, &groups).map(|group| C::RemoveGroup {
                        group,
                        confirmed: true,
                    })
                } else {
                    pick(&mut self.rng, &apps).map(|app| C::RemoveApps {
                        apps: vec![app],
                        confirmed: true,
                    })
                };
                if let Some(command) = command {
                    self.run_and_sample(admin, command);
                }
            }
            17 => {
                // A second tenant, or one left pending with its first user.
                let (tenant, cara) = if self.rng.chance(700) {
                    (T2, CARA)
                } else {
                    (T3, self.fresh())
                };
                let first = DirectoryUser {
                    global_admin: true,
                    ..values.dir_user(id(cara), tenant, cara)
                };
                let by = Stream::admin(T1);
                let begin = C::BeginTenantAssociation(values.association(tenant, Some(first)));
                self.run_and_sample(by, begin);
                if tenant == T2 {
                    let grant = match self.rng.below(4) {
                        0 => Some(Grant::Role(Role::Developer)),
                        1 => Some(Grant::Role(Role::Owner)),
                        _ => Some(Grant::Role(Role::Manager)),
                    };
                    let confirm = C::ConfirmTenantAssociation {
                        tenant: id(T2),
                        grant,
                    };
                    let by = match state.payouts.owner() {
                        Some(owner) if grant == Some(Grant::Role(Role::Owner)) => {
                            Actor::OwnerAccount { owner }
                        }
                        _ => by,
                    };
                    self.run_and_sample(by, confirm);
                }
            }
            18 => {
                if tenants.len() > 1 || self.rng.chance(100) {
                    let remove = C::RemoveTenant {
                        tenant: id(*tenants.last().unwrap()),
                        confirmed: true,
                    };
                    let by = self.granter(&state);
                    self.run_and_sample(by, remove);
                }
            }
            19 | 20 => {
                // The owner account hands Owner or Manager to a group or an app.
                let target = if self.rng.chance(500) {
                    pick(&mut self.rng, &groups).map(Principal::Group)
                } else {
                    pick(&mut self.rng, &apps).map(Principal::App)
                };
                if let (Some(owner), Some(p)) = (state.payouts.owner(), target) {
                    let role = if self.rng.chance(600) {
                        Role::Owner
                    } else {
                        Role::Manager
                    };
                    let grant = C::Grant {
                        principals: vec![p],
                        grant: Grant::Role(role),
                    };
                    self.run_and_sample(Actor::OwnerAccount { owner }, grant);
                }
            }
            _ => {
                if let Some(app) = pick(&mut self.rng, &apps) {
                    let key = C::AddAppKey {
                        app,
                        key: id(self.fresh()),
                        expires_at: values.now + Duration::days(90),
                    };
                    let tenant = state
                        .identity
                        .app(app)
                        .map_or(T1, |a| if a.tenant == id(T2) { T2 } else { T1 });
                    self.run_and_sample(Stream::admin(tenant), key);
                }
            }
        }
    }
}

fn stream(seed: u64, values: &Values) -> Vec<Sample> {
    Stream {
        svc: AccountService::new(InMemoryStore::new()),
        ids: SequentialIds::starting_after(1_000_000),
        random: Bytes(AtomicU64::new(seed)),
        values,
        account: id(1),
        rng: SplitMix64::new(seed),
        next: 10_000,
        removed: Vec::new(),
        samples: Vec::new(),
    }
    .build()
}

// ---------------------------------------------------------------------------------------------
// Actors and commands for one state
// ---------------------------------------------------------------------------------------------

/// The ten kinds of actor asking.
const ACTOR_KINDS: [&str; 10] = [
    "marketplace",
    "owner account",
    "another owner account",
    "manager user",
    "developer user",
    "custom-permissions user",
    "user holding through a group",
    "pending guest",
    "removed or stranger user",
    "app with grants",
];

/// One actor of each kind for `sample`, drawn at random where the state has several (and a
/// stranger of the same kind where it has none).
fn actors(sample: &Sample, rng: &mut SplitMix64) -> [Actor; 10] {
    let state = &sample.state;
    let user_actor = |u: &partnerkit::identity::User| Actor::User {
        tenant: u.tenant,
        user: u.id,
    };
    let stranger = Actor::User {
        tenant: id(T1),
        user: id(STRANGER),
    };
    let holding = |rng: &mut SplitMix64, wanted: &dyn Fn(&Grant) -> bool| -> Actor {
        let candidates: Vec<Actor> = state
            .identity
            .users()
            .filter(|u| {
                state
                    .access
                    .users()
                    .get(&u.id)
                    .is_some_and(|e| e.grants().iter().any(wanted))
            })
            .map(user_actor)
            .collect();
        let any: Vec<Actor> = state.identity.users().map(user_actor).collect();
        pick(rng, &candidates)
            .or_else(|| pick(rng, &any))
            .unwrap_or(stranger)
    };
    let manager = holding(rng, &|g| *g == Grant::Role(Role::Manager));
    let developer = holding(rng, &|g| *g == Grant::Role(Role::Developer));
    let custom = holding(rng, &|g| matches!(g, Grant::Custom(_)));
    // Members of a group with grants: users of the account, or directory-only members.
    let through_group: Vec<Actor> = state
        .identity
        .groups()
        .filter(|g| {
            state
                .access
                .groups()
                .get(&g.id)
                .is_some_and(|e| !e.grants().is_empty())
        })
        .flat_map(|g| {
            g.members.iter().map(|m| Actor::User {
                tenant: state.identity.user(*m).map_or(g.tenant, |u| u.tenant),
                user: *m,
            })
        })
        .collect();
    let through_group = pick(rng, &through_group).unwrap_or(custom);
    let pending: Vec<Actor> = state
        .identity
        .users()
        .filter(|u| u.is_guest() && !u.is_active())
        .map(user_actor)
        .collect();
    let pending = pick(rng, &pending).unwrap_or(stranger);
    let outsider = match rng.below(3) {
        0 => sample
            .removed
            .get(rng.below(sample.removed.len().max(1)))
            .map_or(stranger, |(tenant, user)| Actor::User {
                tenant: *tenant,
                user: *user,
            }),
        // A user of the account signed in from a tenant it is not a user of.
        1 => state
            .identity
            .users()
            .nth(rng.below(state.identity.users().count().max(1)))
            .map_or(stranger, |u| Actor::User {
                tenant: if u.tenant == id(T1) { id(T2) } else { id(T1) },
                user: u.id,
            }),
        _ => stranger,
    };
    let apps: Vec<Actor> = state
        .access
        .apps()
        .iter()
        .filter(|(_, e)| !e.grants().is_empty() || rng.chance(100))
        .map(|(a, e)| Actor::App {
            tenant: e.tenant(),
            app: *a,
        })
        .collect();
    let app = pick(rng, &apps).unwrap_or(Actor::App {
        tenant: id(T1),
        app: id(STRANGER),
    });
    [
        Actor::Marketplace,
        Actor::OwnerAccount { owner: id(OWNER) },
        Actor::OwnerAccount {
            owner: id(OTHER_OWNER),
        },
        manager,
        developer,
        custom,
        through_group,
        pending,
        outsider,
        app,
    ]
}

/// The principals of a state, to draw a command's targets from: about half the time one
/// holding more than the actor may (the interesting case for rule ROL-9).
struct Targets {
    users: Vec<UserId>,
    stronger_users: Vec<UserId>,
    groups: Vec<GroupId>,
    stronger_groups: Vec<GroupId>,
    apps: Vec<AppId>,
    stronger_apps: Vec<AppId>,
    tenants: Vec<TenantId>,
    pending: Vec<UserId>,
}

impl Targets {
    /// The principals of `state`, and for each what it holds (the same for every actor).
    fn of_state(
        state: &AccountState,
        index: &AccessIndex,
    ) -> (Targets, Vec<(Principal, PermissionSet)>) {
        let mut users: BTreeSet<UserId> = state.access.users().keys().copied().collect();
        users.extend(state.identity.users().map(|u| u.id));
        let users: Vec<UserId> = users.into_iter().collect();
        let groups: Vec<GroupId> = state.access.groups().keys().copied().collect();
        let apps: Vec<AppId> = state.access.apps().keys().copied().collect();
        let holds = users
            .iter()
            .map(|u| Principal::User(*u))
            .chain(groups.iter().map(|g| Principal::Group(*g)))
            .chain(apps.iter().map(|a| Principal::App(*a)))
            .map(|p| (p, index.holds(p)))
            .filter(|(_, h)| !h.is_empty())
            .collect();
        let mut tenants: BTreeSet<TenantId> = state.identity.tenants().map(|t| t.id).collect();
        tenants.extend(state.identity.pending_associations().map(|p| p.tenant));
        tenants.insert(id(T3));
        let targets = Targets {
            stronger_users: Vec::new(),
            stronger_groups: Vec::new(),
            stronger_apps: Vec::new(),
            users,
            groups,
            apps,
            tenants: tenants.into_iter().collect(),
            pending: state
                .identity
                .users()
                .filter(|u| u.is_guest() && !u.is_active())
                .map(|u| u.id)
                .collect(),
        };
        (targets, holds)
    }

    /// `self` with the principals holding more than `actor` may do marked out.
    fn for_actor(
        &mut self,
        holds: &[(Principal, PermissionSet)],
        index: &AccessIndex,
        actor: &Actor,
    ) {
        let may = Principal::from_actor(actor).map_or(PermissionSet::EMPTY, |p| index.effective(p));
        self.stronger_users.clear();
        self.stronger_groups.clear();
        self.stronger_apps.clear();
        for (p, h) in holds {
            if (*h - may).is_empty() {
                continue;
            }
            match p {
                Principal::User(u) => self.stronger_users.push(*u),
                Principal::Group(g) => self.stronger_groups.push(*g),
                Principal::App(a) => self.stronger_apps.push(*a),
                Principal::OwnerAccount(_) => {}
            }
        }
    }

    fn draw<T: Copy>(rng: &mut SplitMix64, stronger: &[T], all: &[T], fresh: T) -> T {
        match rng.below(20) {
            0..=8 => pick(rng, stronger).or_else(|| pick(rng, all)),
            9..=17 => pick(rng, all),
            _ => None,
        }
        .unwrap_or(fresh)
    }

    fn user(&self, rng: &mut SplitMix64) -> UserId {
        let fresh = id(50_000 + rng.below(3) as u128);
        Targets::draw(rng, &self.stronger_users, &self.users, fresh)
    }

    fn users(&self, rng: &mut SplitMix64, min: usize, max: usize) -> Vec<UserId> {
        let n = min + rng.below(max - min + 1);
        let chosen: BTreeSet<UserId> = (0..n).map(|_| self.user(rng)).collect();
        chosen.into_iter().collect()
    }

    fn group(&self, rng: &mut SplitMix64) -> GroupId {
        let fresh = id(60_000 + rng.below(3) as u128);
        Targets::draw(rng, &self.stronger_groups, &self.groups, fresh)
    }

    fn groups(&self, rng: &mut SplitMix64, min: usize, max: usize) -> Vec<GroupId> {
        let n = min + rng.below(max - min + 1);
        let chosen: BTreeSet<GroupId> = (0..n).map(|_| self.group(rng)).collect();
        chosen.into_iter().collect()
    }

    fn app(&self, rng: &mut SplitMix64) -> AppId {
        let fresh = id(70_000 + rng.below(3) as u128);
        Targets::draw(rng, &self.stronger_apps, &self.apps, fresh)
    }

    fn apps(&self, rng: &mut SplitMix64, min: usize, max: usize) -> Vec<AppId> {
        let n = min + rng.below(max - min + 1);
        let chosen: BTreeSet<AppId> = (0..n).map(|_| self.app(rng)).collect();
        chosen.into_iter().collect()
    }

    fn principal(&self, rng: &mut SplitMix64) -> Principal {
        match rng.below(3) {
            0 => Principal::User(self.user(rng)),
            1 => Principal::Group(self.group(rng)),
            _ => Principal::App(self.app(rng)),
        }
    }

    fn tenant(&self, rng: &mut SplitMix64) -> TenantId {
        pick(rng, &self.tenants).unwrap_or(id(T3))
    }
}

/// One concrete command of `kind` for `actor` on `state`.
fn command(
    kind: CommandKind,
    state: &AccountState,
    actor: &Actor,
    targets: &Targets,
    values: &Values,
    rng: &mut SplitMix64,
) -> C {
    use CommandKind as K;
    let t = targets.tenant(rng);
    let n = 80_000 + rng.below(1000) as u128;
    match kind {
        K::OpenAccount => C::OpenAccount(OpenAccount {
            account: id(1),
            seller_id: values.seller_id.clone(),
            account_type: AccountType::Company,
            display_name: values.name.clone(),
            owner: rng.chance(500).then(|| id(OWNER)),
            country: CountryCode::US,
            currency: Currency::USD,
        }),
        K::RecordVerification => C::RecordVerification {
            step: VerificationStep::Email,
            state: StepState::Verified,
        },
        K::ChangeDisplayName => C::ChangeDisplayName {
            display_name: values.name.clone(),
        },
        K::SetSellerContact => C::SetSellerContact {
            contact: values.contact.clone(),
        },
        K::SetCompanyApprover => C::SetCompanyApprover {
            approver: values.approver.clone(),
        },
        K::BeginTenantAssociation => {
            let first = rng
                .chance(700)
                .then(|| values.listed_user(targets.user(rng)));
            C::BeginTenantAssociation(TenantToAssociate {
                tenant: t,
                ..values.association(T2, first)
            })
        }
        K::ConfirmTenantAssociation => {
            // Mostly a tenant pending association, whose first user joins with the grant.
            let pending: Vec<TenantId> = state
                .identity
                .pending_associations()
                .map(|p| p.tenant)
                .collect();
            C::ConfirmTenantAssociation {
                tenant: if rng.chance(750) {
                    pick(rng, &pending).unwrap_or(t)
                } else {
                    t
                },
                grant: maybe_grant(rng),
            }
        }
        K::CancelTenantAssociation => C::CancelTenantAssociation { tenant: t },
        K::CreateTenant => C::CreateTenant(NewTenant {
            tenant: if rng.chance(800) { id(T3) } else { t },
            label: values.label.clone(),
            contact_email: values.email.clone(),
            admin: if rng.chance(700) {
                id(n)
            } else {
                targets.user(rng)
            },
            admin_name: values.person.clone(),
            admin_username: values.email.clone(),
            grant: maybe_grant(rng),
        }),
        K::RemoveTenant => C::RemoveTenant {
            tenant: t,
            confirmed: true,
        },
        K::AddUsers => C::AddUsers {
            tenant: t,
            users: targets
                .users(rng, 1, 3)
                .into_iter()
                .map(|u| values.listed_user(u))
                .collect(),
            grant: random_grant(rng),
        },
        K::CreateUser => C::CreateUser(NewUser {
            tenant: t,
            user: if rng.chance(400) {
                id(n)
            } else {
                targets.user(rng)
            },
            name: values.person.clone(),
            username: values.email.clone(),
            global_admin: false,
            reset_email: None,
            groups: targets.groups(rng, 0, 2),
            grant: maybe_grant(rng),
        }),
        K::RenameUser => C::RenameUser {
            user: targets.user(rng),
            name: values.person.clone(),
        },
        K::InviteGuests => C::InviteGuests {
            tenant: t,
            emails: "guest@outlook.com".into(),
            guests: targets.users(rng, 1, 2),
            grant: random_grant(rng),
        },
        K::ResendInvitation => C::ResendInvitation {
            user: if rng.chance(500) {
                pick(rng, &targets.pending).unwrap_or_else(|| targets.user(rng))
            } else {
                targets.user(rng)
            },
        },
        K::AcceptInvitation => C::AcceptInvitation {
            user: match actor {
                Actor::User { user, .. } if rng.chance(700) => *user,
                _ => pick(rng, &targets.pending).unwrap_or_else(|| targets.user(rng)),
            },
        },
        K::RemoveUser => C::RemoveUser {
            user: targets.user(rng),
            confirmed: true,
        },
        K::ResetPassword => C::ResetPassword {
            user: targets.user(rng),
        },
        K::ResetOwnPassword => C::ResetOwnPassword {
            password: Password::new("a long chosen passphrase"),
        },
        K::AddGroups => C::AddGroups {
            tenant: t,
            groups: targets
                .groups(rng, 1, 2)
                .into_iter()
                .map(|group| DirectoryGroup {
                    group,
                    name: values.name.clone(),
                    members: targets.users(rng, 0, 3),
                })
                .collect(),
            grant: random_grant(rng),
        },
        K::CreateGroup => C::CreateGroup {
            tenant: t,
            group: targets.group(rng),
            name: values.name.clone(),
            members: targets.users(rng, 0, 3),
            grant: maybe_grant(rng),
        },
        K::ChangeGroupMembers => C::ChangeGroupMembers {
            group: targets.group(rng),
            add: targets.users(rng, 0, 2),
            remove: targets.users(rng, 0, 2),
        },
        K::RemoveGroup => C::RemoveGroup {
            group: targets.group(rng),
            confirmed: true,
        },
        K::AddApps => C::AddApps {
            tenant: t,
            apps: targets
                .apps(rng, 1, 2)
                .into_iter()
                .map(|a| values.dir_app(a))
                .collect(),
            grant: random_grant(rng),
        },
        K::CreateApp => C::CreateApp(values.new_app(
            t,
            if rng.chance(500) {
                id(n)
            } else {
                targets.app(rng)
            },
            n,
            maybe_grant(rng),
        )),
        K::RemoveApps => C::RemoveApps {
            apps: targets.apps(rng, 1, 2),
            confirmed: true,
        },
        K::AddAppKey => C::AddAppKey {
            app: targets.app(rng),
            key: id(n),
            expires_at: values.now + Duration::days(90),
        },
        K::DeleteAppKey => C::DeleteAppKey {
            app: targets.app(rng),
            key: id(n),
        },
        K::Grant => {
            let principals: BTreeSet<Principal> = (0..1 + rng.below(3))
                .map(|_| targets.principal(rng))
                .collect();
            C::Grant {
                principals: principals.into_iter().collect(),
                grant: random_grant(rng),
            }
        }
        K::Revoke => {
            let principal = targets.principal(rng);
            let held = state.access.grants_of(principal);
            C::Revoke {
                principal,
                grant: match pick(rng, &held) {
                    Some(g) if rng.chance(600) => g,
                    _ => random_grant(rng),
                },
            }
        }
        K::SetGrants => {
            let principal = targets.principal(rng);
            let mut grants = if rng.chance(300) {
                state.access.grants_of(principal)
            } else {
                Vec::new()
            };
            for _ in 0..rng.below(3) {
                grants.push(random_grant(rng));
            }
            C::SetGrants { principal, grants }
        }
        K::AcceptAgreement => C::AcceptAgreement {
            agreement: values.agreement.clone(),
            version: values.version.clone(),
        },
        K::AssociateOwnerAccount => C::AssociateOwnerAccount {
            owner: id(if rng.chance(500) { OWNER } else { OTHER_OWNER }),
        },
        K::SetPayoutAccount => C::SetPayoutAccount {
            payout_account: id(n),
            method: PayoutMethodInput::PayPal {
                email: values.email.clone(),
            },
        },
        K::RecordPayoutVerification => C::RecordPayoutVerification {
            payout_account: id(n),
            outcome: VerificationOutcome::Verified,
        },
        K::SetPayoutHold => C::SetPayoutHold {
            on: rng.chance(500),
        },
        K::StartTaxProfile => C::StartTaxProfile {
            details: values.details,
        },
        K::EditTaxProfile => C::EditTaxProfile {
            details: values.details,
        },
        K::SubmitW9 => C::SubmitW9 {
            form: values.w9.clone(),
        },
        K::SubmitW8Ben => C::SubmitW8Ben {
            form: values.w8.clone(),
        },
        K::SubmitW8BenE => C::SubmitW8BenE {
            form: values.w8.clone(),
        },
        other => panic!("no command for {other}: add one"),
    }
}

// ---------------------------------------------------------------------------------------------
// The comparison
// ---------------------------------------------------------------------------------------------

/// What one run of the comparison saw.
#[derive(Default)]
struct Tally {
    states: usize,
    commands: usize,
    reads: usize,
    /// Per command kind: how often allowed, and each refusal code.
    outcomes: BTreeMap<(CommandKind, &'static str), usize>,
    disagreements: Vec<String>,
    disagreeing: usize,
    /// How many states showed each edge case the generator aims for.
    edges: BTreeMap<&'static str, usize>,
    /// Requests Cedar evaluated, and requests answered from the oracle's cache.
    evaluated: u64,
    cached: u64,
}

impl Tally {
    fn merge(&mut self, other: Tally) {
        self.states += other.states;
        self.commands += other.commands;
        self.reads += other.reads;
        for (k, n) in other.outcomes {
            *self.outcomes.entry(k).or_default() += n;
        }
        self.disagreeing += other.disagreeing;
        for (k, n) in other.edges {
            *self.edges.entry(k).or_default() += n;
        }
        self.evaluated += other.evaluated;
        self.cached += other.cached;
        self.disagreements.extend(other.disagreements);
    }

    fn disagree(&mut self, what: String) {
        self.disagreeing += 1;
        if self.disagreements.len() < 5 {
            self.disagreements.push(what);
        }
    }
}

/// The edge cases `sample` shows, of those the generator aims for.
fn edges(sample: &Sample, index: &AccessIndex) -> Vec<&'static str> {
    let state = &sample.state;
    let opened = state.identity.profile().is_some();
    let tenants = state.identity.tenants().count();
    let holds_only = |set: PermissionSet| {
        state
            .access
            .users()
            .keys()
            .any(|u| index.holds(Principal::User(*u)) == set)
    };
    let owner_role = Grant::Role(Role::Owner);
    let manager_role = Grant::Role(Role::Manager);
    [
        ("account not opened", !opened),
        (
            "no owner account",
            opened && state.payouts.owner().is_none(),
        ),
        ("no tenant", opened && tenants == 0),
        ("two tenants", tenants > 1),
        (
            "tenant association pending",
            state.identity.pending_associations().next().is_some(),
        ),
        ("exactly one Manager", state.access.manager_count() == 1),
        (
            "group granted Owner",
            state
                .access
                .groups()
                .values()
                .any(|g| g.grants().contains(&owner_role)),
        ),
        (
            "app holding Manager",
            state
                .access
                .apps()
                .values()
                .any(|a| a.grants().contains(&manager_role)),
        ),
        (
            "user holding only manage_users",
            holds_only(Permission::ManageUsers.into()),
        ),
        (
            "user holding only manage_app_keys",
            holds_only(Permission::ManageAppKeys.into()),
        ),
        (
            "user holding only manage_groups",
            holds_only(Permission::ManageGroups.into()),
        ),
        (
            "pending guest",
            state
                .identity
                .users()
                .any(|u| u.is_guest() && !u.is_active()),
        ),
        (
            "directory-only group member",
            state
                .access
                .users()
                .keys()
                .any(|u| state.identity.user(*u).is_none()),
        ),
        ("removed user", !sample.removed.is_empty()),
    ]
    .into_iter()
    .filter_map(|(edge, shown)| shown.then_some(edge))
    .collect()
}

fn describe(state: &AccountState) -> String {
    let index = AccessIndex::build(&state.access);
    let mut out = format!(
        "tenants {:?}, pending {:?}, owner {:?}\n",
        state.identity.tenants().map(|t| t.id).collect::<Vec<_>>(),
        state
            .identity
            .pending_associations()
            .map(|p| (p.tenant, p.first_user.as_ref().map(|u| u.user)))
            .collect::<Vec<_>>(),
        state.payouts.owner(),
    );
    for u in state.identity.users() {
        out += &format!(
            "  user {} of {} guest {} active {} holds [{}]\n",
            u.id,
            u.tenant,
            u.is_guest(),
            u.is_active(),
            index.holds(Principal::User(u.id))
        );
    }
    for (u, e) in state.access.users() {
        if state.identity.user(*u).is_none() {
            out += &format!(
                "  directory-only user {u} of {} holds [{}]\n",
                e.tenant(),
                index.holds(Principal::User(*u))
            );
        }
    }
    for (g, e) in state.access.groups() {
        out += &format!(
            "  group {g} of {} members {:?} grants {:?}\n",
            e.tenant(),
            e.members(),
            e.grants()
        );
    }
    for (a, e) in state.access.apps() {
        out += &format!("  app {a} of {} grants {:?}\n", e.tenant(), e.grants());
    }
    out
}

fn check(
    sample: &Sample,
    oracle: &CedarOracle,
    values: &Values,
    rng: &mut SplitMix64,
    tally: &mut Tally,
) {
    let state = &sample.state;
    let index = AccessIndex::build(&state.access);
    let actors = actors(sample, rng);
    let account: OracleAccount = oracle.account(state, &actors).unwrap();
    tally.states += 1;
    for edge in edges(sample, &index) {
        *tally.edges.entry(edge).or_default() += 1;
    }
    let (mut targets, holds) = Targets::of_state(state, &index);
    for (who, actor) in ACTOR_KINDS.iter().zip(&actors) {
        targets.for_actor(&holds, &index, actor);
        for &kind in CommandKind::ALL {
            let command = command(kind, state, actor, &targets, values, rng);
            assert_eq!(command.kind(), kind);
            let ours = authorize_command(state, &index, actor, &command)
                .map(|_| ())
                .map_err(|d| d.code());
            let theirs = oracle.command(&account, actor, &command).unwrap();
            tally.commands += 1;
            let outcome = match ours {
                Ok(()) => "allowed",
                Err(code) => code,
            };
            *tally.outcomes.entry((kind, outcome)).or_default() += 1;
            if ours != theirs {
                tally.disagree(format!(
                    "{kind} by the {who} {actor:?}: partnerkit {ours:?}, Cedar {theirs:?}\n\
                     command {command:?}\nstate {}",
                    describe(state)
                ));
            }
        }
        // The classes a read returns are the same for every read the actor may make.
        let mut classes = None;
        for &kind in ReadKind::ALL {
            let ours: Result<DataClasses, &str> = authorize_read(state, &index, actor, kind)
                .map(|a| a.classes())
                .map_err(|d| d.code());
            let theirs = oracle
                .read(&account, actor, kind)
                .unwrap()
                .map(|()| *classes.get_or_insert_with(|| oracle.classes(&account, actor).unwrap()));
            tally.reads += 1;
            if ours != theirs {
                tally.disagree(format!(
                    "read {kind} by the {who} {actor:?}: partnerkit {ours:?}, Cedar {theirs:?}\n\
                     state {}",
                    describe(state)
                ));
            }
        }
    }
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

// rule: X-2
// rule: X-8
// rule: USR-1
// rule: USR-5
// rule: PAY-1
// rule: TEN-2
// rule: TEN-4
// rule: AGR-1
// rule: ROL-4
// rule: ROL-7
// rule: ROL-8
// rule: ROL-9
#[test]
fn partnerkit_and_the_cedar_oracle_agree_on_every_command_and_read() {
    let wanted = usize::try_from(env_number("ORACLE_STATES", 10_000)).unwrap();
    let base = env_number("ORACLE_SEED", 0);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let threads = usize::try_from(env_number("ORACLE_THREADS", threads as u64)).unwrap();
    let started = Instant::now();
    let tally = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|w| {
                scope.spawn(move || {
                    let oracle = CedarOracle::new().unwrap();
                    let values = Values::new();
                    let mut tally = Tally::default();
                    let share = wanted.div_ceil(threads);
                    let mut seed = base * 1_000_000 + w as u64;
                    while tally.states < share {
                        let mut rng = SplitMix64::new(seed ^ 0x5EED);
                        for sample in stream(seed, &values) {
                            check(&sample, &oracle, &values, &mut rng, &mut tally);
                        }
                        seed += threads as u64;
                    }
                    (tally.evaluated, tally.cached) = oracle.evaluations();
                    tally
                })
            })
            .collect();
        let mut all = Tally::default();
        for w in workers {
            all.merge(w.join().unwrap());
        }
        all
    });
    eprintln!(
        "oracle: Cedar evaluated {} requests, {} more answered from its cache",
        tally.evaluated, tally.cached
    );
    eprintln!(
        "oracle: {} states × {} command kinds × {} actors = {} commands and {} reads in {:.1?}",
        tally.states,
        CommandKind::ALL.len(),
        ACTOR_KINDS.len(),
        tally.commands,
        tally.reads,
        started.elapsed()
    );
    assert!(
        tally.disagreeing == 0,
        "{} disagreements; the first:\n\n{}",
        tally.disagreeing,
        tally.disagreements.join("\n\n")
    );
    assert!(tally.states >= wanted);
    assert_eq!(
        tally.commands,
        tally.states * CommandKind::ALL.len() * ACTOR_KINDS.len()
    );
    let mut by_outcome: BTreeMap<&str, usize> = BTreeMap::new();
    for ((_, outcome), n) in &tally.outcomes {
        *by_outcome.entry(outcome).or_default() += n;
    }
    eprintln!("oracle: answers {by_outcome:?}");
    for (edge, n) in &tally.edges {
        eprintln!("oracle: {n:>6} states with {edge}");
    }
    if wanted < 1_000 {
        return; // a short run by hand need not reach every case
    }
    // Not vacuous: every kind is both allowed and refused somewhere, every refusal code
    // comes up, and the generator reaches every edge case it aims for.
    for kind in CommandKind::ALL {
        let seen: BTreeSet<&str> = tally
            .outcomes
            .keys()
            .filter(|(k, _)| k == kind)
            .map(|(_, o)| *o)
            .collect();
        assert!(seen.contains("allowed"), "{kind} never allowed: {seen:?}");
        assert!(seen.len() > 1, "{kind} never refused: {seen:?}");
    }
    assert_eq!(
        tally.edges.len(),
        14,
        "edge cases never reached: {:?}",
        tally.edges
    );
    let codes: BTreeSet<&str> = tally.outcomes.keys().map(|(_, o)| *o).collect();
    for code in [
        "allowed",
        "cannot_sign_in",
        "permission",
        "marketplace_only",
        "user_required",
        "target_holds_more",
        "grant_too_high",
    ] {
        assert!(codes.contains(code), "{code} never came up");
    }
}
