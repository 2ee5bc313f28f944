//! The invariant checks after every step: the account as stored ([`Seen`]: `state ==
//! fold(history)`, read back through JSON), refused means unchanged, no escalation, no takes,
//! a Manager remains, one refusal, reads by class, no secret leaks. See the crate docs for
//! the list and the rules each proves.

use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::rc::Rc;

use chrono::Duration;
use partnerkit::access::{
    AccessIndex, Permission, PermissionSet, Principal, Role, covered_classes,
};
use partnerkit::core::{Actor, Context};
use partnerkit::{AccountEvent, AccountState, Denial, Error, ReadKind, Requirement};

use super::{READERS_PER_STEP, Seen, Step, World, reads};
use crate::Report;

impl World {
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
            self.check_cached(&p.state)?;
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
        self.check_cached(&folded)?;
        let state_json = serde_json::to_string(&folded).map_err(|e| e.to_string())?;
        let back: AccountState = serde_json::from_str(&state_json)
            .map_err(|e| format!("state does not read back: {e}"))?;
        if back != folded {
            return Err("the state changes when read back through JSON".into());
        }
        let index = AccessIndex::build(&folded.access);
        let held = Holdings::of(&folded, &index);
        Ok(Rc::new(Seen {
            version: history.len() as u64,
            state: folded,
            index,
            history,
            directory: OnceCell::new(),
            views: OnceCell::new(),
            state_json,
            effective: held.effective,
            signin_managers: held.signin_managers,
            signin_users: held.signin_users,
        }))
    }

    /// The service's cached state is `folded`, the fold of the stored history.
    fn check_cached(&self, folded: &AccountState) -> Result<(), String> {
        let cached = self
            .service
            .state(self.account)
            .map_err(|e| format!("state unreadable: {e}"))?
            .unwrap_or_default();
        if cached != *folded {
            return Err("the service's state differs from fold(history)".into());
        }
        Ok(())
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
            // Allowed, or refused with an explained decision: either way it signed in.
            _ => match self
                .service
                .authorize(self.account, actor, Permission::ViewAccountSettings)
            {
                Ok(_) => true,
                Err(Error::Denied(d)) => matches!(*d, Denial::Permission(_)),
                Err(e) => return Err(format!("authorize failed: {e}")),
            },
        };
        let holds =
            Principal::from_actor(actor).map_or(PermissionSet::EMPTY, |p| now.index.holds(p));
        let views_denied = self.check_views(actor, now, always)?;
        for &kind in ReadKind::ALL {
            let table = match self.service.may_read(self.account, actor, kind) {
                Ok(()) => Ok(()),
                Err(Error::Denied(d)) => Err(d),
                Err(e) => return Err(format!("may_read failed: {e}")),
            };
            let allowed = match (actor, kind.requirement()) {
                (Actor::Marketplace, _) => true,
                (_, Requirement::MarketplaceOrHolding { permissions }) => {
                    let mut all = signed_in;
                    for p in permissions.iter() {
                        all &= match self.service.authorize(self.account, actor, p) {
                            Ok(d) => d.is_allowed(),
                            Err(Error::Denied(_)) => false,
                            Err(e) => return Err(format!("authorize failed: {e}")),
                        };
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

/// What the principals of a state hold, for the escalation and USR-7 checks.
struct Holdings {
    /// Each user's, group's and app's effective permissions.
    effective: BTreeMap<Principal, PermissionSet>,
    /// Users who can sign in and hold Manager.
    signin_managers: usize,
    /// Users who can sign in.
    signin_users: usize,
}

impl Holdings {
    /// Read off `state` and its `index`.
    fn of(state: &AccountState, index: &AccessIndex) -> Holdings {
        let mut effective = BTreeMap::new();
        let mut signin_managers = 0;
        let mut signin_users = 0;
        let manager = Role::Manager.permissions();
        for (user, entry) in state.access.users() {
            let p = Principal::User(*user);
            let held = index.effective(p);
            effective.insert(p, held);
            let actor = Actor::User {
                tenant: entry.tenant(),
                user: *user,
            };
            if state.identity.can_sign_in(&actor) {
                signin_users += 1;
                if manager.is_subset(held) {
                    signin_managers += 1;
                }
            }
        }
        for group in state.access.groups().keys() {
            let p = Principal::Group(*group);
            effective.insert(p, index.effective(p));
        }
        for app in state.access.apps().keys() {
            let p = Principal::App(*app);
            effective.insert(p, index.effective(p));
        }
        Holdings {
            effective,
            signin_managers,
            signin_users,
        }
    }
}
