//! An independent oracle for partnerkit's authorisation model (feature `peers`): the model
//! written a second time as Cedar policies, from REQUIREMENTS (rules X-2, X-8, USR-1, USR-5,
//! PAY-1, TEN-2, TEN-4, AGR-1, ROL-1..9), and an account's state expressed as Cedar entities.
//!
//! The policies are in [`CedarOracle::POLICIES`] (`benches/src/oracle.cedar`): every
//! decision — who can sign in, which actor and permission each kind of command or read
//! needs, which principals a command acts on, what it gives, which data classes a read
//! shows — is made there. This module only states facts: who is a user of which tenant and
//! whether their invitation is pending, what each principal holds (the union of the grants
//! reaching it, with the role table of REQUIREMENTS, [`grant_gives`]), what the principals a
//! command names hold, and what its grants give. `benches/tests/oracle.rs` checks that
//! partnerkit's `authorize_command` and `authorize_read` answer as Cedar does, refusal code
//! included.
//!
//! Each refusal is a `forbid` policy annotated with its code and the step of the model it
//! belongs to; everything else is permitted. When several forbids apply, the answer is the
//! code of the lowest step, as partnerkit stops at the first failing step.
//!
//! Cedar takes tens of microseconds per request, and a differential run asks millions, most
//! of them more than once. So each answer is cached under everything the policies can read
//! to give it (the principal's, the account's and the named tenant's attributes, and the
//! context); one cached answer in 64 is asked of Cedar again and compared, and a policy
//! naming an entity, which the cache could not see, is refused when the oracle is built.
//!
//! ```
//! use partnerkit::core::uuid::Uuid;
//! use partnerkit::core::{Actor, DataClasses, OwnerAccountId};
//! use partnerkit::{AccountState, ReadKind};
//! use partnerkit_benches::CedarOracle;
//!
//! // An account that was never opened: only the marketplace is let in (rule X-2).
//! let oracle = CedarOracle::new()?;
//! let owner = Actor::OwnerAccount {
//!     owner: OwnerAccountId::from_uuid(Uuid::from_u128(9)),
//! };
//! let account = oracle.account(&AccountState::default(), &[owner])?;
//! assert_eq!(oracle.read(&account, &Actor::Marketplace, ReadKind::State)?, Ok(()));
//! assert_eq!(oracle.classes(&account, &Actor::Marketplace)?, DataClasses::ALL);
//! assert_eq!(oracle.read(&account, &owner, ReadKind::State)?, Err("cannot_sign_in"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hash, Hasher};
use std::str::FromStr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use cedar_policy::{
    ActionConstraint, Authorizer, Context, Decision, Entities, Entity, EntityId, EntityTypeName,
    EntityUid, Policy, PolicyId, PolicySet, PrincipalConstraint, Request, ResourceConstraint,
    RestrictedExpression,
};
use partnerkit::access::{Grant, Permission, PermissionSet, Principal, Role};
use partnerkit::core::{
    Actor, AppId, DataClass, DataClasses, GroupId, OwnerAccountId, TenantId, UserId,
};
use partnerkit::{AccountCommand, AccountState, CommandKind, ReadKind};

use crate::Error;

/// Cedar's answer: allowed, or the refusal code (`"cannot_sign_in"`, `"permission"`,
/// `"marketplace_only"`, `"user_required"`, `"target_holds_more"`, `"grant_too_high"`).
pub type Verdict = Result<(), &'static str>;

/// A small fast hasher (FxHash's mixing) for the maps consulted on every request; the
/// standard SipHash costs more than the lookups are worth here.
#[derive(Debug, Default)]
struct FxHasher(u64);

impl FxHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(0x517c_c1b7_2722_0a95);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        let mut rest = bytes;
        while let Some((word, tail)) = rest.split_first_chunk::<8>() {
            self.add(u64::from_le_bytes(*word));
            rest = tail;
        }
        for b in rest {
            self.add(u64::from(*b));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.add(u64::from(n));
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_u128(&mut self, n: u128) {
        self.add(n as u64);
        self.add((n >> 64) as u64);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

/// A principal as a map key that hashes in two words (its kind and its UUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key(u8, u128);

impl From<Principal> for Key {
    fn from(p: Principal) -> Key {
        match p {
            Principal::User(id) => Key(0, id.uuid().as_u128()),
            Principal::Group(id) => Key(1, id.uuid().as_u128()),
            Principal::App(id) => Key(2, id.uuid().as_u128()),
            Principal::OwnerAccount(id) => Key(3, id.uuid().as_u128()),
        }
    }
}

type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;

/// The refusal codes the policies may carry (their `@code` annotations).
const CODES: [&str; 6] = [
    "cannot_sign_in",
    "permission",
    "marketplace_only",
    "user_required",
    "target_holds_more",
    "grant_too_high",
];

/// What a grant gives, from REQUIREMENTS alone: Owner every permission (ROL-7), Manager every
/// one but payout and tax settings (ROL-1), Developer offers and non-financial reports
/// (ROL-2), custom permissions what they name (ROL-3; a custom set never names payout or tax
/// settings).
pub fn grant_gives(grant: Grant) -> PermissionSet {
    use Permission as P;
    let all: PermissionSet = Permission::ALL.into_iter().collect();
    let payout_and_tax = PermissionSet::of(&[P::ManagePayoutSettings, P::ManageTaxSettings]);
    match grant {
        Grant::Role(Role::Owner) => all,
        Grant::Role(Role::Manager) => all - payout_and_tax,
        Grant::Role(Role::Developer) => {
            PermissionSet::of(&[P::ManageOffers, P::PublishOffers, P::ViewReports])
        }
        Grant::Custom(set) => set - payout_and_tax,
    }
}

fn gives_all<'g>(grants: impl IntoIterator<Item = &'g Grant>) -> PermissionSet {
    grants
        .into_iter()
        .fold(PermissionSet::EMPTY, |acc, g| acc | grant_gives(*g))
}

/// The Cedar entity types, parsed once.
#[derive(Debug, Clone)]
struct Types {
    account: EntityTypeName,
    marketplace: EntityTypeName,
    owner: EntityTypeName,
    user: EntityTypeName,
    app: EntityTypeName,
    group: EntityTypeName,
    tenant: EntityTypeName,
    action: EntityTypeName,
}

fn type_name(name: &str) -> Result<EntityTypeName, Error> {
    EntityTypeName::from_str(name).map_err(|e| Error::new("cedar type name", e))
}

impl Types {
    fn new() -> Result<Types, Error> {
        Ok(Types {
            account: type_name("Account")?,
            marketplace: type_name("Marketplace")?,
            owner: type_name("OwnerAccount")?,
            user: type_name("User")?,
            app: type_name("App")?,
            group: type_name("Group")?,
            tenant: type_name("Tenant")?,
            action: type_name("Action")?,
        })
    }

    fn uid(ty: &EntityTypeName, id: impl ToString) -> EntityUid {
        EntityUid::from_type_name_and_id(ty.clone(), EntityId::new(id.to_string()))
    }

    fn principal(&self, p: Principal) -> EntityUid {
        match p {
            Principal::User(id) => Types::uid(&self.user, id),
            Principal::Group(id) => Types::uid(&self.group, id),
            Principal::App(id) => Types::uid(&self.app, id),
            Principal::OwnerAccount(id) => Types::uid(&self.owner, id),
        }
    }

    fn tenant(&self, t: TenantId) -> EntityUid {
        Types::uid(&self.tenant, t)
    }

    /// The Cedar principal an actor is, and the tenant it signs in from.
    fn actor(&self, actor: &Actor) -> Result<Asker, Error> {
        let asker = |uid, from, slice| Asker {
            uid,
            from,
            slice,
            key: None,
            attrs: Digested::new(Attrs::Nothing),
        };
        Ok(match *actor {
            Actor::Marketplace => asker(Types::uid(&self.marketplace, "marketplace"), None, 0),
            Actor::OwnerAccount { owner } => asker(Types::uid(&self.owner, owner), None, 1),
            Actor::User { tenant, user } => asker(Types::uid(&self.user, user), Some(tenant), 2),
            Actor::App { tenant, app } => asker(Types::uid(&self.app, app), Some(tenant), 3),
            other => return Err(Error::new("oracle actor", format!("{other:?}"))),
        })
    }
}

/// An actor as Cedar sees it: the principal, the tenant it signs in from, and which of an
/// action's slices ([`PRINCIPAL_TYPES`]) applies to it.
#[derive(Debug, Clone)]
struct Asker {
    uid: EntityUid,
    from: Option<TenantId>,
    slice: usize,
    /// The principal, for the answer cache; `None` for the marketplace.
    key: Option<Key>,
    /// What Cedar can read of the principal.
    attrs: Arc<Digested>,
}

/// The kinds of principal that ask, in the order of [`Action::slices`].
const PRINCIPAL_TYPES: [&str; 4] = ["Marketplace", "OwnerAccount", "User", "App"];

/// The policies that can apply to one action asked by one kind of principal.
#[derive(Debug)]
struct Slice {
    policies: PolicySet,
    /// The step and refusal code of each of its forbid policies.
    refusals: Vec<(PolicyId, u32, &'static str)>,
}

/// One action of the policies, with the policies that can apply to it for each kind of
/// principal ([`PRINCIPAL_TYPES`]).
#[derive(Debug)]
struct Action {
    /// Its position in the oracle's actions, for the answer cache.
    id: usize,
    uid: EntityUid,
    slices: Vec<Slice>,
}

/// The Cedar policies of the authorisation model ([`CedarOracle::POLICIES`]) with their
/// authorizer: answers for commands and reads on an [`OracleAccount`].
#[derive(Debug)]
pub struct CedarOracle {
    types: Types,
    authorizer: Authorizer,
    commands: FastMap<CommandKind, Action>,
    reads: FastMap<ReadKind, Action>,
    classes: Vec<(DataClass, Action)>,
    /// Contexts already built: building one costs Cedar more than deciding with it, and
    /// the same facts come up again and again.
    contexts: Mutex<FastMap<Facts, Context>>,
    /// Cedar's answers, by everything the policies read to give them (see
    /// [`CedarOracle::ask`]).
    answers: Mutex<FastMap<Question, Verdict>>,
    /// How many answers came from the cache, and how many Cedar gave.
    cached: AtomicU64,
    evaluated: AtomicU64,
}

/// Everything the policies read to answer one request: the action, the kind of principal,
/// its attributes, the account's attributes, the attributes of the tenant the context names,
/// and the context. The policies dereference no other entity (`resource.owner`,
/// `principal.tenant`, `context.from`, `context.invitee` and the tenants in sets are only
/// compared), so two requests with equal questions get equal answers.
///
/// The principal's own id is left out: a policy can only compare it with the other ids of
/// the request, and names no user, app or owner account itself ([`CedarOracle::new`] checks),
/// so all that matters is whether it is the account's owner account or the invitee of the
/// command — two users with the same attributes get the same answers.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Question {
    action: usize,
    slice: usize,
    is_owner: bool,
    is_invitee: bool,
    attrs: Arc<Digested>,
    account: Arc<Digested>,
    tenant: Option<Arc<Digested>>,
    facts: Facts,
}

/// One cached answer in this many is asked of Cedar again and compared, so that a question
/// leaving out something the policies read shows up as an error.
const RECHECK: u64 = 64;

/// The answer cache is emptied when it grows past this many entries (a few hundred bytes
/// each).
const ANSWERS_LIMIT: usize = 400_000;

/// The context cache likewise (contexts are larger, and only built for new questions).
const CONTEXTS_LIMIT: usize = 20_000;

/// `policy` with its action scope left unconstrained (same id, effect, annotations and
/// conditions).
fn any_action(policy: &Policy) -> Result<Policy, Error> {
    let mut json = policy
        .to_json()
        .map_err(|e| Error::new("cedar policy to JSON", e))?;
    if let Some(scope) = json.get_mut("action") {
        *scope = serde_json::json!({ "op": "All" });
    }
    Policy::from_json(Some(policy.id().clone()), json)
        .map_err(|e| Error::new("cedar policy from JSON", e))
}

/// The Cedar action name of a read.
fn read_action(kind: ReadKind) -> String {
    format!("read_{kind}")
}

impl CedarOracle {
    /// The policies (`benches/src/oracle.cedar`).
    pub const POLICIES: &'static str = include_str!("oracle.cedar");

    /// Parses the policies and checks their annotations.
    pub fn new() -> Result<CedarOracle, Error> {
        let types = Types::new()?;
        let all =
            PolicySet::from_str(Self::POLICIES).map_err(|e| Error::new("cedar policies", e))?;
        // The answer cache leaves principals' ids out of its questions: no policy may name
        // an entity other than an action (see `Question`).
        for policy in all.policies() {
            let json = policy
                .to_json()
                .map_err(|e| Error::new("cedar policy to JSON", e))?
                .to_string();
            let named = json.split("\"__entity\":{\"type\":\"").skip(1);
            if let Some(other) = named
                .map(|rest| rest.split('"').next())
                .find(|t| *t != Some("Action"))
            {
                return Err(Error::new(
                    "a policy names an entity of type",
                    format!("{other:?}"),
                ));
            }
            let scoped = !matches!(
                policy.principal_constraint(),
                PrincipalConstraint::Any | PrincipalConstraint::Is(_)
            ) || !matches!(policy.resource_constraint(), ResourceConstraint::Any);
            if scoped {
                return Err(Error::new("a policy's scope names an entity", policy.id()));
            }
        }
        let mut refusals = HashMap::new();
        let mut named = HashSet::new();
        let mut unscoped = Vec::new();
        for policy in all.policies() {
            unscoped.push((
                policy.action_constraint(),
                policy.principal_constraint(),
                any_action(policy)?,
            ));
            let step = policy
                .annotation("step")
                .and_then(|s| s.parse::<u32>().ok())
                .ok_or_else(|| Error::new("policy without a @step", policy.id()))?;
            let code = policy
                .annotation("code")
                .ok_or_else(|| Error::new("policy without a @code", policy.id()))?;
            match policy.effect() {
                cedar_policy::Effect::Forbid => {
                    let code = CODES
                        .into_iter()
                        .find(|c| *c == code)
                        .ok_or_else(|| Error::new("unknown refusal code", code))?;
                    refusals.insert(policy.id().clone(), (step, code));
                }
                cedar_policy::Effect::Permit => {}
            }
            match policy.action_constraint() {
                ActionConstraint::Any => {}
                ActionConstraint::Eq(a) => {
                    named.insert(a);
                }
                ActionConstraint::In(list) => named.extend(list),
            }
        }
        let next_id = std::cell::Cell::new(0);
        let principal_types = PRINCIPAL_TYPES
            .into_iter()
            .map(type_name)
            .collect::<Result<Vec<_>, Error>>()?;
        let action = |name: &str| -> Result<Action, Error> {
            let uid = Types::uid(&types.action, name);
            // Only the policies whose scope admits the action and the kind of principal can
            // apply to a request; Cedar would find the others unsatisfied, so leaving them
            // out changes no answer. In what is left the action scope holds for every
            // request, so it is dropped too: Cedar rebuilds and evaluates a scope's action
            // list on every request, a large part of its cost here.
            let mut slices = Vec::new();
            for principal in &principal_types {
                let mut policies = PolicySet::new();
                let mut own = Vec::new();
                for (actions, principals, p) in &unscoped {
                    let action_applies = match actions {
                        ActionConstraint::Any => true,
                        ActionConstraint::Eq(a) => *a == uid,
                        ActionConstraint::In(list) => list.contains(&uid),
                    };
                    let principal_applies = match principals {
                        PrincipalConstraint::Is(t) | PrincipalConstraint::IsIn(t, _) => {
                            t == principal
                        }
                        PrincipalConstraint::Eq(u) => u.type_name() == principal,
                        PrincipalConstraint::Any | PrincipalConstraint::In(_) => true,
                    };
                    if action_applies && principal_applies {
                        policies
                            .add(p.clone())
                            .map_err(|e| Error::new("cedar policy set", e))?;
                        if let Some((step, code)) = refusals.get(p.id()) {
                            own.push((p.id().clone(), *step, *code));
                        }
                    }
                }
                slices.push(Slice {
                    policies,
                    refusals: own,
                });
            }
            Ok(Action {
                id: next_id.replace(next_id.get() + 1),
                uid,
                slices,
            })
        };
        let mut known = HashSet::new();
        let mut commands = FastMap::default();
        for kind in CommandKind::ALL {
            let a = action(&kind.to_string())?;
            known.insert(a.uid.clone());
            commands.insert(*kind, a);
        }
        let mut reads = FastMap::default();
        for kind in ReadKind::ALL {
            let a = action(&read_action(*kind))?;
            known.insert(a.uid.clone());
            reads.insert(*kind, a);
        }
        let mut classes = Vec::new();
        for class in DataClass::ALL {
            let a = action(&format!("see_{}", class.as_str()))?;
            known.insert(a.uid.clone());
            classes.push((class, a));
        }
        // A policy naming an action that does not exist would silently never apply.
        if let Some(unknown) = named.difference(&known).next() {
            return Err(Error::new("policy names an unknown action", unknown));
        }
        Ok(CedarOracle {
            types,
            authorizer: Authorizer::new(),
            commands,
            reads,
            classes,
            contexts: Mutex::new(FastMap::default()),
            answers: Mutex::new(FastMap::default()),
            cached: AtomicU64::new(0),
            evaluated: AtomicU64::new(0),
        })
    }

    /// Expresses `state` as Cedar entities. `actors` are the actors that will ask: those the
    /// state does not know (strangers, removed users, another owner account) get an entity
    /// holding nothing.
    pub fn account(&self, state: &AccountState, actors: &[Actor]) -> Result<OracleAccount, Error> {
        OracleAccount::new(&self.types, state, actors)
    }

    /// Cedar's answer for `actor` asking for `command` on `account`.
    pub fn command(
        &self,
        account: &OracleAccount,
        actor: &Actor,
        command: &AccountCommand,
    ) -> Result<Verdict, Error> {
        let action = self
            .commands
            .get(&command.kind())
            .ok_or_else(|| Error::new("no action for", command.kind()))?;
        let asker = account.actor(&self.types, actor)?;
        self.ask(
            account,
            &asker,
            action,
            account.command_context(asker.from, command),
        )
    }

    /// Cedar's answer for `actor` asking for a read of `kind` on `account`.
    pub fn read(
        &self,
        account: &OracleAccount,
        actor: &Actor,
        kind: ReadKind,
    ) -> Result<Verdict, Error> {
        let action = self
            .reads
            .get(&kind)
            .ok_or_else(|| Error::new("no action for", kind))?;
        let asker = account.actor(&self.types, actor)?;
        self.ask(
            account,
            &asker,
            action,
            OracleAccount::sign_in_context(asker.from),
        )
    }

    /// The data classes `actor` may see of `account` (rule X-8): what a read it is allowed
    /// returns.
    pub fn classes(&self, account: &OracleAccount, actor: &Actor) -> Result<DataClasses, Error> {
        let asker = account.actor(&self.types, actor)?;
        let mut classes = DataClasses::default();
        for (class, action) in &self.classes {
            let facts = OracleAccount::sign_in_context(asker.from);
            if self.ask(account, &asker, action, facts)?.is_ok() {
                classes.insert(*class);
            }
        }
        Ok(classes)
    }

    /// How many requests Cedar evaluated, and how many were answered from the cache.
    pub fn evaluations(&self) -> (u64, u64) {
        (
            self.evaluated.load(Ordering::Relaxed),
            self.cached.load(Ordering::Relaxed),
        )
    }

    /// Cedar's answer to `asker` asking for `action` with the context `facts`. Cedar is
    /// slow enough that evaluating every request of a long differential run takes minutes,
    /// and most requests repeat: the answer is cached by the [`Question`], everything the
    /// policies read, and one cached answer in [`RECHECK`] is evaluated again and compared.
    fn ask(
        &self,
        account: &OracleAccount,
        asker: &Asker,
        action: &Action,
        facts: Facts,
    ) -> Result<Verdict, Error> {
        let tenant = facts.0.iter().find_map(|(name, fact)| match (*name, fact) {
            ("tenant", Fact::Tenant(t)) => account.tenants.get(&t.uuid().as_u128()).cloned(),
            _ => None,
        });
        let is_owner = match (&account.account.attrs, asker.key) {
            (Attrs::Account { owner: Some(o), .. }, Some(p)) => {
                p == Principal::OwnerAccount(*o).into()
            }
            _ => false,
        };
        let is_invitee = asker.key.is_some_and(|p| {
            facts.0.iter().any(|(name, fact)| {
                *name == "invitee" && matches!(fact, Fact::Principal(i) if Key::from(*i) == p)
            })
        });
        let question = Question {
            action: action.id,
            slice: asker.slice,
            is_owner,
            is_invitee,
            attrs: asker.attrs.clone(),
            account: account.account.clone(),
            tenant,
            facts,
        };
        let known = self
            .answers
            .lock()
            .map_err(|e| Error::new("answer cache", e))?
            .get(&question)
            .copied();
        if let Some(answer) = known {
            let n = self.cached.fetch_add(1, Ordering::Relaxed);
            if n.is_multiple_of(RECHECK) {
                let fresh = self.decide(account, asker, action, self.context(&question.facts)?)?;
                if fresh != answer {
                    return Err(Error::new(
                        "a cached answer differs from Cedar's; the question leaves out something the policies read",
                        format!("{question:?}"),
                    ));
                }
            }
            return Ok(answer);
        }
        self.evaluated.fetch_add(1, Ordering::Relaxed);
        let answer = self.decide(account, asker, action, self.context(&question.facts)?)?;
        let mut answers = self
            .answers
            .lock()
            .map_err(|e| Error::new("answer cache", e))?;
        if answers.len() >= ANSWERS_LIMIT {
            answers.clear();
        }
        answers.insert(question, answer);
        Ok(answer)
    }

    /// The Cedar context of `facts`, from the cache when it was built before.
    fn context(&self, facts: &Facts) -> Result<Context, Error> {
        let mut cache = self
            .contexts
            .lock()
            .map_err(|e| Error::new("context cache", e))?;
        if let Some(context) = cache.get(facts) {
            return Ok(context.clone());
        }
        if cache.len() >= CONTEXTS_LIMIT {
            cache.clear();
        }
        let context = Context::from_pairs(
            facts
                .0
                .iter()
                .map(|(name, fact)| ((*name).to_owned(), fact.expr(&self.types))),
        )
        .map_err(|e| Error::new("cedar context", e))?;
        cache.insert(facts.clone(), context.clone());
        Ok(context)
    }

    fn decide(
        &self,
        account: &OracleAccount,
        asker: &Asker,
        action: &Action,
        context: Context,
    ) -> Result<Verdict, Error> {
        let slice = action
            .slices
            .get(asker.slice)
            .ok_or_else(|| Error::new("no policies for", &asker.uid))?;
        let request = Request::new(
            asker.uid.clone(),
            action.uid.clone(),
            account.resource.clone(),
            context,
            None,
        )
        .map_err(|e| Error::new("cedar request", e))?;
        let response = self
            .authorizer
            .is_authorized(&request, &slice.policies, &account.entities);
        // A policy that fails to evaluate is skipped by Cedar: here it is a bug of the oracle.
        if let Some(error) = response.diagnostics().errors().next() {
            return Err(Error::new("cedar evaluation", error));
        }
        match response.decision() {
            Decision::Allow => Ok(Ok(())),
            Decision::Deny => response
                .diagnostics()
                .reason()
                .filter_map(|id| slice.refusals.iter().find(|(p, _, _)| p == id))
                .min_by_key(|(_, step, _)| *step)
                .map(|(_, _, code)| Ok(Err(*code)))
                .unwrap_or_else(|| Err(Error::new("denied by no forbid", action.uid.clone()))),
        }
    }
}

/// An account's state as Cedar entities, with the facts a command's context needs: what each
/// principal holds and what each group's grants give.
#[derive(Debug)]
pub struct OracleAccount {
    entities: Entities,
    resource: EntityUid,
    /// Holds(P) of every user, group and app the access state knows.
    holds: FastMap<Key, PermissionSet>,
    /// What each group's own grants give.
    group_gives: FastMap<Key, PermissionSet>,
    /// Each principal's own grants.
    grants: FastMap<Key, BTreeSet<Grant>>,
    /// The attributes of the account (the resource).
    account: Arc<Digested>,
    /// The Cedar uid and attributes of every user, app and owner account.
    principals: FastMap<Key, (EntityUid, Arc<Digested>)>,
    /// The attributes of every tenant.
    tenants: FastMap<u128, Arc<Digested>>,
}

fn perms_expr(set: PermissionSet) -> RestrictedExpression {
    RestrictedExpression::new_set(
        set.iter()
            .map(|p| RestrictedExpression::new_string(p.as_str().to_owned())),
    )
}

fn uids_expr(uids: impl IntoIterator<Item = EntityUid>) -> RestrictedExpression {
    RestrictedExpression::new_set(uids.into_iter().map(RestrictedExpression::new_entity_uid))
}

/// Everything Cedar can read of one entity: its attributes, as plain data. The entity is
/// built from it, and the answer cache ([`CedarOracle::answers`]) is keyed by it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Attrs {
    /// No attributes: the marketplace, or a principal the state does not know.
    Nothing,
    /// An owner account.
    Owner {
        holds: PermissionSet,
        may: PermissionSet,
    },
    /// A user: whether it is a user of the account (then its tenant, whether a guest,
    /// whether active), the tenants of the groups it is a member of, what it holds and may.
    User {
        holds: PermissionSet,
        may: PermissionSet,
        group_tenants: Vec<TenantId>,
        account_user: Option<(TenantId, bool, bool)>,
    },
    /// An app: its tenant if it is an app of the account, what it holds and may.
    App {
        holds: PermissionSet,
        may: PermissionSet,
        tenant: Option<TenantId>,
    },
    /// A tenant: what its principals hold together, whether a pending association of it
    /// names a first user.
    Tenant {
        holds: PermissionSet,
        first_user: bool,
    },
    /// The account: its associated tenants, its owner account.
    Account {
        tenants: Vec<TenantId>,
        owner: Option<OwnerAccountId>,
    },
}

/// Attributes with their hash computed once, when the state is expressed: a question to
/// the answer cache hashes a word for them, not their contents.
#[derive(Debug)]
struct Digested {
    digest: u64,
    attrs: Attrs,
}

impl Digested {
    fn new(attrs: Attrs) -> Arc<Digested> {
        let mut hasher = FxHasher::default();
        attrs.hash(&mut hasher);
        Arc::new(Digested {
            digest: hasher.finish(),
            attrs,
        })
    }
}

impl PartialEq for Digested {
    fn eq(&self, other: &Digested) -> bool {
        self.digest == other.digest && self.attrs == other.attrs
    }
}

impl Eq for Digested {}

impl Hash for Digested {
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_u64(self.digest);
    }
}

impl Attrs {
    fn entity(&self, types: &Types, uid: EntityUid) -> Result<Entity, Error> {
        let bool = RestrictedExpression::new_bool;
        let tenant = |t: TenantId| RestrictedExpression::new_entity_uid(types.tenant(t));
        let tenants = |ts: &[TenantId]| uids_expr(ts.iter().map(|t| types.tenant(*t)));
        let attrs: Vec<(&str, RestrictedExpression)> = match self {
            Attrs::Nothing => Vec::new(),
            Attrs::Owner { holds, may } => {
                vec![("holds", perms_expr(*holds)), ("may", perms_expr(*may))]
            }
            Attrs::User {
                holds,
                may,
                group_tenants,
                account_user,
            } => {
                let mut attrs = vec![
                    ("holds", perms_expr(*holds)),
                    ("may", perms_expr(*may)),
                    ("group_tenants", tenants(group_tenants)),
                    ("account_user", bool(account_user.is_some())),
                ];
                if let Some((t, guest, active)) = account_user {
                    attrs.push(("tenant", tenant(*t)));
                    attrs.push(("guest", bool(*guest)));
                    attrs.push(("active", bool(*active)));
                }
                attrs
            }
            Attrs::App {
                holds,
                may,
                tenant: of,
            } => {
                let mut attrs = vec![("holds", perms_expr(*holds)), ("may", perms_expr(*may))];
                if let Some(t) = of {
                    attrs.push(("tenant", tenant(*t)));
                }
                attrs
            }
            Attrs::Tenant { holds, first_user } => vec![
                ("holds", perms_expr(*holds)),
                ("first_user", bool(*first_user)),
            ],
            Attrs::Account { tenants: ts, owner } => {
                let mut attrs = vec![("tenants", tenants(ts))];
                if let Some(o) = owner {
                    attrs.push((
                        "owner",
                        RestrictedExpression::new_entity_uid(
                            types.principal(Principal::OwnerAccount(*o)),
                        ),
                    ));
                }
                attrs
            }
        };
        Entity::new(
            uid,
            attrs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
            HashSet::new(),
        )
        .map_err(|e| Error::new("cedar entity", e))
    }
}

impl OracleAccount {
    fn new(types: &Types, state: &AccountState, actors: &[Actor]) -> Result<OracleAccount, Error> {
        let access = &state.access;
        let identity = &state.identity;
        let all: PermissionSet = Permission::ALL.into_iter().collect();
        // Effective(P): what P holds, without payout and tax settings, which only the owner
        // account itself changes (rules ROL-7, PAY-1).
        let payout_and_tax = PermissionSet::of(&[
            Permission::ManagePayoutSettings,
            Permission::ManageTaxSettings,
        ]);

        // Holds(P), rule ROL-4: own grants and every group's the principal is a member of.
        let mut grants: FastMap<Key, BTreeSet<Grant>> = FastMap::default();
        let mut holds: FastMap<Key, PermissionSet> = FastMap::default();
        let mut group_gives = FastMap::default();
        let mut tenant_of: Vec<(Principal, TenantId)> = Vec::new();
        for (id, user) in access.users() {
            let p = Principal::User(*id);
            grants.insert(p.into(), user.grants().clone());
            holds.insert(p.into(), gives_all(user.grants()));
            tenant_of.push((p, user.tenant()));
        }
        for (id, group) in access.groups() {
            let p = Principal::Group(*id);
            let gives = gives_all(group.grants());
            grants.insert(p.into(), group.grants().clone());
            holds.insert(p.into(), gives);
            group_gives.insert(p.into(), gives);
            tenant_of.push((p, group.tenant()));
            for member in group.members() {
                let h = holds.entry(Principal::User(*member).into()).or_default();
                *h = *h | gives;
            }
        }
        for (id, app) in access.apps() {
            let p = Principal::App(*id);
            grants.insert(p.into(), app.grants().clone());
            holds.insert(p.into(), gives_all(app.grants()));
            tenant_of.push((p, app.tenant()));
        }
        let held = |p: Principal| holds.get(&p.into()).copied().unwrap_or_default();

        let mut entities = Vec::new();
        let mut principals: FastMap<Key, (EntityUid, Arc<Digested>)> = FastMap::default();
        let mut add = |p: Principal, attrs: Attrs| -> Result<(), Error> {
            let uid = types.principal(p);
            entities.push(attrs.entity(types, uid.clone())?);
            principals.insert(p.into(), (uid, Digested::new(attrs)));
            Ok(())
        };
        // Users: the account's users, the members of its groups, and every user who asks.
        let mut users: BTreeSet<UserId> = access.users().keys().copied().collect();
        users.extend(identity.users().map(|u| u.id));
        for g in identity.groups() {
            users.extend(g.members.iter().copied());
        }
        for actor in actors {
            if let Actor::User { user, .. } = actor {
                users.insert(*user);
            }
        }
        for id in users {
            let holds = held(Principal::User(id));
            let attrs = Attrs::User {
                holds,
                may: holds - payout_and_tax,
                group_tenants: identity
                    .groups()
                    .filter(|g| g.members.contains(&id))
                    .map(|g| g.tenant)
                    .collect::<BTreeSet<_>>()
                    .into_iter()
                    .collect(),
                account_user: identity
                    .user(id)
                    .map(|u| (u.tenant, u.is_guest(), u.is_active())),
            };
            add(Principal::User(id), attrs)?;
        }
        // Apps: the account's apps, and every app that asks.
        let mut apps: BTreeSet<AppId> = access.apps().keys().copied().collect();
        apps.extend(identity.apps().map(|a| a.id));
        for actor in actors {
            if let Actor::App { app, .. } = actor {
                apps.insert(*app);
            }
        }
        for id in apps {
            let holds = held(Principal::App(id));
            let attrs = Attrs::App {
                holds,
                may: holds - payout_and_tax,
                tenant: identity.app(id).map(|a| a.tenant),
            };
            add(Principal::App(id), attrs)?;
        }
        // Owner accounts: the owner account holds the Owner role (ROL-7, PAY-1); so does any
        // other owner account that asks, which cannot sign in here anyway.
        let mut owners: BTreeSet<_> = state.payouts.owner().into_iter().collect();
        for actor in actors {
            if let Actor::OwnerAccount { owner } = actor {
                owners.insert(*owner);
            }
        }
        for id in owners {
            add(
                Principal::OwnerAccount(id),
                Attrs::Owner {
                    holds: all,
                    may: all,
                },
            )?;
        }
        let marketplace = Types::uid(&types.marketplace, "marketplace");
        entities.push(Attrs::Nothing.entity(types, marketplace)?);
        // Tenants: what their principals hold together (TEN-4), and whether a pending
        // association names a first user (TEN-2).
        let mut tenant_ids: BTreeSet<TenantId> = identity.tenants().map(|t| t.id).collect();
        tenant_ids.extend(identity.pending_associations().map(|p| p.tenant));
        tenant_ids.extend(tenant_of.iter().map(|(_, t)| *t));
        let mut tenants = FastMap::default();
        for t in tenant_ids {
            let attrs = Attrs::Tenant {
                holds: tenant_of
                    .iter()
                    .filter(|(_, of)| *of == t)
                    .fold(PermissionSet::EMPTY, |acc, (p, _)| acc | held(*p)),
                first_user: identity
                    .pending_association(t)
                    .is_some_and(|p| p.first_user.is_some()),
            };
            entities.push(attrs.entity(types, types.tenant(t))?);
            tenants.insert(t.uuid().as_u128(), Digested::new(attrs));
        }
        // The account: its associated tenants and its owner account (PAY-1).
        let resource = Types::uid(&types.account, "account");
        let account = Attrs::Account {
            tenants: identity.tenants().map(|t| t.id).collect(),
            owner: state.payouts.owner(),
        };
        entities.push(account.entity(types, resource.clone())?);
        let account = Digested::new(account);
        let entities =
            Entities::from_entities(entities, None).map_err(|e| Error::new("cedar entities", e))?;
        Ok(OracleAccount {
            entities,
            resource,
            account,
            principals,
            tenants,
            holds,
            group_gives,
            grants,
        })
    }

    /// The Cedar principal an actor is, the tenant it signs in from, and what Cedar can
    /// read of it.
    fn actor(&self, types: &Types, actor: &Actor) -> Result<Asker, Error> {
        let mut asker = types.actor(actor)?;
        let principal = match *actor {
            Actor::OwnerAccount { owner } => Principal::OwnerAccount(owner),
            Actor::User { user, .. } => Principal::User(user),
            Actor::App { app, .. } => Principal::App(app),
            _ => return Ok(asker),
        };
        asker.key = Some(principal.into());
        if let Some((uid, attrs)) = self.principals.get(&principal.into()) {
            asker.uid = uid.clone();
            asker.attrs = attrs.clone();
        }
        Ok(asker)
    }

    fn holds_of(&self, principals: impl IntoIterator<Item = Principal>) -> PermissionSet {
        principals.into_iter().fold(PermissionSet::EMPTY, |acc, p| {
            acc | self.holds.get(&p.into()).copied().unwrap_or_default()
        })
    }

    fn sign_in_context(from: Option<TenantId>) -> Facts {
        Facts(
            from.map(|t| ("from", Fact::Tenant(t)))
                .into_iter()
                .collect(),
        )
    }

    /// The context of a command: the tenant the actor signs in from, and the command's data
    /// as facts — the principals it names by their role in it, what they hold together, what
    /// its grants give.
    fn command_context(&self, from: Option<TenantId>, command: &AccountCommand) -> Facts {
        use AccountCommand as C;
        let mut ctx = ContextBuilder {
            account: self,
            facts: Facts::default(),
        };
        if let Some(t) = from {
            ctx.tenant("from", t);
        }
        let users = |ids: &mut dyn Iterator<Item = UserId>| -> Vec<Principal> {
            ids.map(Principal::User).collect()
        };
        match command {
            C::AcceptInvitation { user } => ctx.invitee(*user),
            C::RenameUser { user, .. }
            | C::ResendInvitation { user }
            | C::RemoveUser { user, .. }
            | C::ResetPassword { user } => ctx.named("users_hold", &[Principal::User(*user)]),
            C::AddUsers {
                users: added,
                grant: g,
                ..
            } => {
                ctx.named("users_hold", &users(&mut added.iter().map(|u| u.user)));
                ctx.grant(Some(*g));
            }
            C::InviteGuests {
                guests, grant: g, ..
            } => {
                ctx.named("users_hold", &users(&mut guests.iter().copied()));
                ctx.grant(Some(*g));
            }
            C::CreateUser(u) => {
                ctx.named("users_hold", &[Principal::User(u.user)]);
                ctx.groups(&u.groups);
                ctx.count("groups_joined", u.groups.len());
                ctx.grant(u.grant);
            }
            C::CreateTenant(t) => {
                ctx.named("users_hold", &[Principal::User(t.admin)]);
                ctx.grant(t.grant);
                ctx.tenant("tenant", t.tenant);
            }
            C::AddGroups {
                groups: added,
                grant: g,
                ..
            } => {
                let ids: Vec<GroupId> = added.iter().map(|g| g.group).collect();
                ctx.groups(&ids);
                let members = users(&mut added.iter().flat_map(|g| g.members.iter().copied()));
                ctx.named("members_hold", &members);
                ctx.grant(Some(*g));
            }
            C::CreateGroup {
                group,
                members,
                grant: g,
                ..
            } => {
                ctx.groups(&[*group]);
                ctx.named("members_hold", &users(&mut members.iter().copied()));
                ctx.grant(*g);
            }
            C::ChangeGroupMembers { group, add, remove } => {
                ctx.groups(&[*group]);
                for (count, hold, ids) in [
                    ("added", "added_hold", add),
                    ("removed", "removed_hold", remove),
                ] {
                    let ids = users(&mut ids.iter().copied());
                    ctx.named(hold, &ids);
                    ctx.count(count, ids.len());
                }
            }
            C::RemoveGroup { group, .. } => ctx.groups(&[*group]),
            C::AddApps { apps, grant: g, .. } => {
                let apps: Vec<Principal> = apps.iter().map(|a| Principal::App(a.app)).collect();
                ctx.named("apps_hold", &apps);
                ctx.grant(Some(*g));
            }
            C::CreateApp(a) => {
                ctx.named("apps_hold", &[Principal::App(a.app)]);
                ctx.grant(a.grant);
            }
            C::RemoveApps { apps, .. } => {
                let apps: Vec<Principal> = apps.iter().copied().map(Principal::App).collect();
                ctx.named("apps_hold", &apps);
            }
            C::AddAppKey { app, .. } | C::DeleteAppKey { app, .. } => {
                ctx.named("apps_hold", &[Principal::App(*app)]);
            }
            C::Grant {
                principals,
                grant: g,
            } => {
                ctx.kinds(principals);
                ctx.named("principals_hold", principals);
                ctx.grant(Some(*g));
            }
            C::Revoke {
                principal,
                grant: g,
            } => {
                ctx.kinds(&[*principal]);
                ctx.named("principals_hold", &[*principal]);
                ctx.grant(Some(*g));
            }
            C::SetGrants { principal, grants } => {
                // What the change gives or takes: every grant in one list and not the other.
                let wanted: BTreeSet<Grant> = grants.iter().copied().collect();
                let empty = BTreeSet::new();
                let current = self.grants.get(&(*principal).into()).unwrap_or(&empty);
                let changed = gives_all(wanted.symmetric_difference(current));
                ctx.kinds(&[*principal]);
                ctx.named("principals_hold", &[*principal]);
                ctx.perms("grants_changed", changed);
            }
            C::BeginTenantAssociation(t) => ctx.tenant("tenant", t.tenant),
            C::ConfirmTenantAssociation {
                tenant: t,
                grant: g,
            } => {
                ctx.tenant("tenant", *t);
                ctx.grant(*g);
            }
            C::CancelTenantAssociation { tenant: t } | C::RemoveTenant { tenant: t, .. } => {
                ctx.tenant("tenant", *t);
            }
            _ => {}
        }
        ctx.facts
    }
}

/// One value of a request's context, as plain data: the key of the context cache.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Fact {
    Perms(PermissionSet),
    Tenant(TenantId),
    Principal(Principal),
    Count(i64),
    Words(Vec<&'static str>),
}

impl Fact {
    fn expr(&self, types: &Types) -> RestrictedExpression {
        match self {
            Fact::Perms(set) => perms_expr(*set),
            Fact::Tenant(t) => RestrictedExpression::new_entity_uid(types.tenant(*t)),
            Fact::Principal(p) => RestrictedExpression::new_entity_uid(types.principal(*p)),
            Fact::Count(n) => RestrictedExpression::new_long(*n),
            Fact::Words(words) => RestrictedExpression::new_set(
                words
                    .iter()
                    .map(|w| RestrictedExpression::new_string((*w).to_owned())),
            ),
        }
    }
}

impl Hash for Fact {
    fn hash<H: Hasher>(&self, h: &mut H) {
        match self {
            Fact::Perms(set) => h.write_u32(set.bits()),
            Fact::Tenant(t) => h.write_u128(t.uuid().as_u128()),
            Fact::Principal(p) => Key::from(*p).hash(h),
            Fact::Count(n) => h.write_i64(*n),
            Fact::Words(words) => h.write_usize(words.len()),
        }
    }
}

/// A request's context as facts, name by name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Facts(Vec<(&'static str, Fact)>);

impl Hash for Facts {
    // Names by their length only: cheap, and equal names have equal lengths.
    fn hash<H: Hasher>(&self, h: &mut H) {
        h.write_usize(self.0.len());
        for (name, fact) in &self.0 {
            h.write_usize(name.len());
            fact.hash(h);
        }
    }
}

/// A command's context, fact by fact.
struct ContextBuilder<'a> {
    account: &'a OracleAccount,
    facts: Facts,
}

impl ContextBuilder<'_> {
    fn perms(&mut self, name: &'static str, set: PermissionSet) {
        self.facts.0.push((name, Fact::Perms(set)));
    }

    fn tenant(&mut self, name: &'static str, t: TenantId) {
        self.facts.0.push((name, Fact::Tenant(t)));
    }

    /// Principals in one role of the command: what they hold together (`hold`, named
    /// `<role>_hold`).
    fn named(&mut self, hold: &'static str, principals: &[Principal]) {
        self.perms(hold, self.account.holds_of(principals.iter().copied()));
    }

    /// The user an invitation names.
    fn invitee(&mut self, user: UserId) {
        self.facts
            .0
            .push(("invitee", Fact::Principal(Principal::User(user))));
    }

    /// How many principals play a role in the command.
    fn count(&mut self, name: &'static str, n: usize) {
        self.facts
            .0
            .push((name, Fact::Count(i64::try_from(n).unwrap_or(i64::MAX))));
    }

    /// Groups the command names, what they hold, and what their own grants give,
    /// `groups_give`.
    fn groups(&mut self, ids: &[GroupId]) {
        let gives = ids.iter().fold(PermissionSet::EMPTY, |acc, g| {
            acc | self
                .account
                .group_gives
                .get(&Principal::Group(*g).into())
                .copied()
                .unwrap_or_default()
        });
        self.perms("groups_give", gives);
        let groups: Vec<Principal> = ids.iter().copied().map(Principal::Group).collect();
        self.named("groups_hold", &groups);
    }

    /// What the command's grant gives, if it has one.
    fn grant(&mut self, grant: Option<Grant>) {
        if let Some(g) = grant {
            self.perms("grant", grant_gives(g));
        }
    }

    /// The kinds of principals a grant goes to.
    fn kinds(&mut self, principals: &[Principal]) {
        let kinds: BTreeSet<&'static str> = principals
            .iter()
            .map(|p| match p {
                Principal::User(_) => "user",
                Principal::Group(_) => "group",
                Principal::App(_) => "app",
                Principal::OwnerAccount(_) => "owner_account",
            })
            .collect();
        self.facts
            .0
            .push(("principal_kinds", Fact::Words(kinds.into_iter().collect())));
    }
}
