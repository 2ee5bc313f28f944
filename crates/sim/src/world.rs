//! One simulated account: the world a run acts on. Its fixture is in `fixture`, the random
//! steps in `steps` and `edge`, the invariant checks in `checks` (with `reads`, `refusal`
//! and `takes` for rules and ROL-9), and one command of every kind in `samples`.

use std::cell::OnceCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use chrono::{DateTime, TimeZone, Utc};
use partnerkit::access::{AccessIndex, PermissionSet, Principal};
use partnerkit::core::SeededRandom;
use partnerkit::core::uuid::Uuid;
use partnerkit::core::{
    AccountId, Actor, AppId, EmailAddress, EntityId, GroupId, KeyId, OwnerAccountId,
    PayoutAccountId, PersonName, SequentialIds, TenantId, UserId,
};
use partnerkit::identity::{Directory, DirectoryUser};
use partnerkit::store::Recorded;
use partnerkit::{AccountCommand as C, AccountEventView, AccountService, AccountState};
use serde::{Deserialize, Serialize};

use crate::rng::Rng;
use crate::store::{Fault, FaultyStore};

mod checks;
mod edge;
mod fixture;
mod reads;
mod refusal;
mod samples;
mod steps;
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

impl World {
    /// A fresh world for `seed`, with the fixture account set up.
    ///
    /// # Errors
    /// A fixture command that the service refused (a bug in the fixture or the service).
    pub fn new(seed: u64) -> Result<World, String> {
        let mut rng = Rng::new(seed);
        let lean = rng.chance(LEAN_PERCENT);
        let cast = fixture::cast(lean);
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

    /// A fresh id of the generator's own.
    fn fresh<I: EntityId>(&mut self) -> I {
        self.next += 1;
        uuid(self.next)
    }

    /// A directory user of the `tenant`-th tenant the run knows, named `first` Sim, with a
    /// fresh username.
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
}
