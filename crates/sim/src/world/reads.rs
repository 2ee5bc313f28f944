//! Rule X-8 on the reads on behalf of an actor: `state_for` holds exactly the data classes
//! the actor's holdings cover, each part equal to the state's own, `history_for` exactly the
//! stored events of those classes, and neither holds a credential verifier.
//!
//! What is expected is worked out here from the state, not asked of the service: the classes
//! are [`covered_classes`] of [`AccessIndex::holds`](partnerkit::access::AccessIndex::holds)
//! (every class for the marketplace), each part is taken from the state, and the verifiers
//! are every password fingerprint or hash and key fingerprint the state has held.

use std::collections::BTreeSet;

use partnerkit::access::{Principal, covered_classes};
use partnerkit::core::{Actor, DataClass, DataClasses, Envelope};
use partnerkit::identity::StoredPassword;
use partnerkit::{AccountEventView, AccountState, AccountView, Error};

use super::{Seen, World};

/// What the read checks have already searched for verifiers.
#[derive(Debug, Default)]
pub(super) struct Scanned {
    /// The version the views below are of.
    version: u64,
    /// The classes whose view of that version was searched.
    views: Vec<DataClasses>,
    /// How many of the stored events' views were searched.
    events: usize,
    /// The version at which each actor's history was last read.
    history: Vec<(Actor, u64)>,
}

/// True if `actor` can sign in to the account: identity's answer for users and apps, payouts'
/// for the owner account (rules USR-1, PAY-1).
pub(super) fn can_sign_in(state: &AccountState, actor: &Actor) -> bool {
    match actor {
        Actor::OwnerAccount { owner } => state.payouts.owner() == Some(*owner),
        Actor::User { .. } | Actor::App { .. } => state.identity.can_sign_in(actor),
        _ => false,
    }
}

/// Adds every credential verifier `state` holds to `into`: users' password fingerprints and
/// hashes, apps' key fingerprints.
pub(super) fn collect_verifiers(state: &AccountState, into: &mut BTreeSet<String>) {
    for user in state.identity.users() {
        if let Some(record) = &user.password {
            let text = match &record.fingerprint {
                StoredPassword::Fingerprint(f) => f.as_str(),
                StoredPassword::Hash(h) => h.as_str(),
            };
            if !into.contains(text) {
                into.insert(text.to_owned());
            }
        }
    }
    for app in state.identity.apps() {
        for key in app.keys.values() {
            if !into.contains(key.fingerprint.as_str()) {
                into.insert(key.fingerprint.as_str().to_owned());
            }
        }
    }
}

/// The first credential verifier found in `json`: an Argon2 PHC string, or a run of 64 hex
/// digits that is one of `verifiers`. One pass over the text.
fn verifier_in(json: &str, verifiers: &BTreeSet<String>) -> Option<String> {
    if json.contains("$argon2") {
        return Some("an Argon2 password hash".into());
    }
    let bytes = json.as_bytes();
    let mut start = 0;
    for (i, b) in bytes.iter().chain(std::iter::once(&b'"')).enumerate() {
        if b.is_ascii_hexdigit() {
            continue;
        }
        if i - start >= 64 {
            for at in start..=i - 64 {
                if let Some(run) = json.get(at..at + 64)
                    && verifiers.contains(run)
                {
                    return Some(format!("the verifier {}…", run.get(..8).unwrap_or(run)));
                }
            }
        }
        start = i + 1;
    }
    None
}

impl World {
    /// The classes `actor` may read, worked out from the state; `None` if it cannot sign in.
    fn expected_classes(&self, actor: &Actor, now: &Seen) -> Option<DataClasses> {
        match actor {
            Actor::Marketplace => Some(DataClasses::ALL),
            _ if !can_sign_in(&now.state, actor) => None,
            _ => Some(
                Principal::from_actor(actor)
                    .map_or(DataClasses::NONE, |p| covered_classes(now.index.holds(p))),
            ),
        }
    }

    /// Checks the denial a read gave `actor` who may see nothing: an actor who cannot sign in
    /// gets `cannot_sign_in`, like for every command (rule X-2).
    fn check_read_denied<T>(
        &self,
        what: &str,
        actor: &Actor,
        expected: Option<DataClasses>,
        got: Result<T, Error>,
    ) -> Result<Option<T>, String> {
        match (expected, got) {
            (Some(classes), Ok(t)) if !classes.is_empty() => Ok(Some(t)),
            (Some(classes), Err(Error::Denied(_))) if classes.is_empty() => Ok(None),
            (None, Err(Error::Denied(d))) if d.code() == "cannot_sign_in" => Ok(None),
            (expected, got) => {
                let may = match expected {
                    None => "nothing: it cannot sign in".to_owned(),
                    Some(c) if c.is_empty() => "no class of data".to_owned(),
                    Some(c) => format!("{c:?}"),
                };
                let got = match got {
                    Ok(_) => "shown".to_owned(),
                    Err(e) => format!("refused ({})", e.code()),
                };
                Err(format!(
                    "{what} for {actor:?} was {got}, though it may read {may} (rules X-2, X-8)"
                ))
            }
        }
    }

    /// Checks `state_for` and `history_for` for `actor`: see the [module docs](self). True if
    /// they were denied.
    ///
    /// A view's text depends only on the state's version and the classes shown (each part is
    /// checked equal to the state's), and an event's only on the event (each is checked
    /// equal to the stored event's view): each is searched for verifiers once. The history is
    /// read for the step's actor (`always`), and for another actor when the account changed
    /// since it was last read for it.
    pub(super) fn check_views(
        &mut self,
        actor: &Actor,
        now: &Seen,
        always: bool,
    ) -> Result<bool, String> {
        let views = self.scan_event_views(now)?;
        let expected = self.expected_classes(actor, now);
        let got = self.service.state_for(self.account, actor);
        let Some(view) = self.check_read_denied("state_for", actor, expected, got)? else {
            let history = self.service.history_for(self.account, actor);
            self.check_read_denied("history_for", actor, expected, history)?;
            return Ok(true);
        };
        let classes = expected.unwrap_or(DataClasses::NONE);
        self.check_view(actor, &view, classes, now)?;
        self.scan_state_view(actor, &view, classes, now.version)?;
        // A reader's history at a version it was already shown is what it was (the history
        // reads from the store): not read again. The step's actor's always is.
        let last = self.scanned.history.iter_mut().find(|(a, _)| a == actor);
        match last {
            Some((_, version)) if *version == now.version && !always => return Ok(false),
            Some((_, version)) => *version = now.version,
            None => self.scanned.history.push((*actor, now.version)),
        }
        let history = self.service.history_for(self.account, actor);
        let Some(history) = self.check_read_denied("history_for", actor, expected, history)? else {
            return Err(format!(
                "history_for for {actor:?} was denied, state_for was not (rule X-8)"
            ));
        };
        check_history(actor, now, views, classes, &history)?;
        Ok(false)
    }

    /// Each stored event's view, searched for verifiers once: each event `history_for`
    /// shows must be one of them.
    fn scan_event_views<'n>(&mut self, now: &'n Seen) -> Result<&'n [AccountEventView], String> {
        let views = now
            .views
            .get_or_init(|| now.history.iter().map(|r| r.event.view()).collect());
        for (n, view) in views.iter().enumerate().skip(self.scanned.events) {
            let json = serde_json::to_string(view).map_err(|e| e.to_string())?;
            if let Some(found) = verifier_in(&json, &self.verifiers) {
                return Err(format!(
                    "history_for shows {found} in event {} (rule X-8)",
                    n + 1
                ));
            }
        }
        self.scanned.events = self.scanned.events.max(now.history.len());
        Ok(views)
    }

    /// Searches `state_for`'s `view` for verifiers, once per version and classes shown.
    fn scan_state_view(
        &mut self,
        actor: &Actor,
        view: &AccountView,
        classes: DataClasses,
        version: u64,
    ) -> Result<(), String> {
        if self.scanned.version != version {
            self.scanned.version = version;
            self.scanned.views.clear();
        }
        if !self.scanned.views.contains(&classes) {
            let json = serde_json::to_string(view).map_err(|e| e.to_string())?;
            if let Some(found) = verifier_in(&json, &self.verifiers) {
                return Err(format!("state_for for {actor:?} holds {found} (rule X-8)"));
            }
            self.scanned.views.push(classes);
        }
        Ok(())
    }

    /// Each part of `view` is there exactly when `classes` covers it, and equals the state's.
    fn check_view(
        &self,
        actor: &Actor,
        view: &AccountView,
        classes: DataClasses,
        now: &Seen,
    ) -> Result<(), String> {
        let state = &now.state;
        if view.classes != classes {
            return Err(format!(
                "state_for for {actor:?} says it holds {:?}, but the actor's permissions cover {classes:?} (rule X-8)",
                view.classes
            ));
        }
        let has = |c: DataClass| classes.contains(c);
        let parts = [
            (
                "profile",
                view.profile.as_ref()
                    == state.identity.profile().filter(|_| has(DataClass::Profile)),
            ),
            (
                "directory",
                view.directory.as_ref()
                    == has(DataClass::Directory)
                        .then(|| now.directory.get_or_init(|| state.identity.directory())),
            ),
            (
                "access",
                view.access.as_ref() == Some(&state.access).filter(|_| has(DataClass::Directory)),
            ),
            (
                "payouts",
                view.payouts.as_ref() == Some(&state.payouts).filter(|_| has(DataClass::Financial)),
            ),
            (
                "tax",
                view.tax.as_ref() == Some(&state.tax).filter(|_| has(DataClass::Tax)),
            ),
            (
                "agreements",
                view.agreements.as_ref()
                    == Some(&state.agreements).filter(|_| has(DataClass::Agreements)),
            ),
        ];
        for (part, right) in parts {
            if !right {
                return Err(format!(
                    "state_for for {actor:?}, who may read {classes:?}, has the wrong {part} part (rule X-8)"
                ));
            }
        }
        Ok(())
    }
}

/// `history_for` shows `actor` exactly the stored events of the `classes` it may read, in
/// order, each as its stored view (`views`) with the stored id, time and actor.
fn check_history(
    actor: &Actor,
    now: &Seen,
    views: &[AccountEventView],
    classes: DataClasses,
    history: &[Envelope<AccountEventView>],
) -> Result<(), String> {
    let mut shown = history.iter();
    for (n, (stored, view)) in now.history.iter().zip(views).enumerate() {
        let class = stored.event.data_class();
        if !classes.contains(class) {
            continue;
        }
        let same = |e: &Envelope<_>| {
            e.id == stored.id && e.at == stored.at && e.actor == stored.actor && e.event == *view
        };
        match shown.next() {
            Some(e) if same(e) => {}
            Some(_) => {
                return Err(format!(
                    "history_for for {actor:?} shows something else where the stored history has event {} ({class:?}) (rule X-8)",
                    n + 1
                ));
            }
            None => {
                return Err(format!(
                    "history_for for {actor:?} leaves out event {} ({class:?}), which it may read (rule X-8)",
                    n + 1
                ));
            }
        }
    }
    if shown.next().is_some() {
        return Err(format!(
            "history_for for {actor:?} shows more events than the stored history has of the classes {classes:?} it may read (rule X-8)"
        ));
    }
    Ok(())
}
