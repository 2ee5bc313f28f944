//! What each command is in the domains' terms: one translation per area of the account — its
//! profile, tenants, users, groups and apps (identity), grants (access), agreements, payout
//! settings and the tax profile — behind [`Tx::run`], which routes each command to its area.
//!
//! Each area's module owns the list of its commands (a pattern macro, `users_commands!()`
//! and the like), their translation, the principals each acts on (rule ROL-9, read by
//! [`AccountCommand::subjects`](crate::AccountCommand::subjects)) and what each gives or
//! takes (rule ROL-8, its [`Gives`], read by
//! [`AccountCommand::access_changes`](crate::AccountCommand::access_changes)). The routers
//! match the nine lists, and each area's own matches name every command of the area and the
//! other areas by [`other_than!`], never `_`: a new command compiles only once it is in one
//! area's list and that area translates it, says whom it acts on and what it gives.
//!
//! A translation builds the domain commands and decides them in order on the entry (the
//! steps in `steps.rs`); the principals a command adds get the grant
//! [`AccountCommand::added`] says, the same list its authorisation checked (rule ROL-8).

use partnerkit_access::{Command as A, Denial, Grant, Principal, Subject};
use partnerkit_core::{AppId, GroupId, SecretString, UserId};

use crate::command::AccountCommand as C;
use crate::entry::{Revealed, SecretOf};
use crate::execute::{Step, Tx};

pub(crate) mod agreements;
pub(crate) mod apps;
pub(crate) mod grants;
pub(crate) mod groups;
pub(crate) mod payout_settings;
pub(crate) mod profile;
pub(crate) mod tax_profile;
pub(crate) mod tenants;
pub(crate) mod users;

/// The commands of the areas named, as one pattern (each area module's `commands!` is its
/// list under a common name).
macro_rules! any_of {
    ($($area:ident),+) => {
        $($crate::translate::$area::commands!())|+
    };
}
pub(crate) use any_of;

/// The commands of every area but the one named, as a pattern: what an area's own match
/// names as not its own, so that match stays exhaustive without listing other areas'
/// commands. Adding an area adds a line here; adding a command does not.
#[rustfmt::skip]
macro_rules! other_than {
    (profile) => { $crate::translate::any_of!(tenants, users, groups, apps, grants, agreements, payout_settings, tax_profile) };
    (tenants) => { $crate::translate::any_of!(profile, users, groups, apps, grants, agreements, payout_settings, tax_profile) };
    (users) => { $crate::translate::any_of!(profile, tenants, groups, apps, grants, agreements, payout_settings, tax_profile) };
    (groups) => { $crate::translate::any_of!(profile, tenants, users, apps, grants, agreements, payout_settings, tax_profile) };
    (apps) => { $crate::translate::any_of!(profile, tenants, users, groups, grants, agreements, payout_settings, tax_profile) };
    (grants) => { $crate::translate::any_of!(profile, tenants, users, groups, apps, agreements, payout_settings, tax_profile) };
    (agreements) => { $crate::translate::any_of!(profile, tenants, users, groups, apps, grants, payout_settings, tax_profile) };
    (payout_settings) => { $crate::translate::any_of!(profile, tenants, users, groups, apps, grants, agreements, tax_profile) };
    (tax_profile) => { $crate::translate::any_of!(profile, tenants, users, groups, apps, grants, agreements, payout_settings) };
}
pub(crate) use other_than;

impl Tx<'_, '_> {
    /// Routes `command` to the translation of its area. The match is exhaustive: a new
    /// command does not compile without its route.
    pub(crate) fn run(&mut self, command: C) -> Step {
        match command {
            c @ profile::profile_commands!() => self.profile(c),
            c @ tenants::tenants_commands!() => self.tenants(c),
            c @ users::users_commands!() => self.users(c),
            c @ groups::groups_commands!() => self.groups(c),
            c @ apps::apps_commands!() => self.apps(c),
            c @ grants::grants_commands!() => self.grants(c),
            c @ agreements::agreements_commands!() => self.accept_agreement(c),
            c @ payout_settings::payout_settings_commands!() => self.payout_settings(c),
            c @ tax_profile::tax_profile_commands!() => self.tax_profile(c),
        }
    }

    /// A command [`run`](Self::run) routed to a translation that does not take it. It does
    /// not happen (each command has one route); if it did, the command would be refused, not
    /// silently do nothing — which the test running every kind by every actor would see.
    fn unrouted(&self, _command: C) -> Step {
        Err(Denial::CannotSignIn {
            actor: self.ctx.actor(),
        }
        .into())
    }

    /// Keeps the secret the command generated, to show it once (rules USR-8, APP-4, X-4).
    fn reveal(&mut self, of: SecretOf, secret: SecretString) {
        self.revealed = Some(Revealed { of, secret });
    }
}

/// What a command gives or takes, in access's terms (rule ROL-8): the principals it adds
/// and the grant they get, the group memberships it makes or ends, and the access command it
/// is (a grant, revocation or change of role). Each area says it for each of its commands
/// (`gives` in `translate/<area>.rs`); its authorisation checks every part before anything
/// is decided, and its translation makes the same parts.
#[derive(Debug, Default)]
pub(crate) struct Gives {
    /// The principals the command adds (rules USR-3, USR-7, GRP-1, APP-1).
    pub(crate) added: Vec<Principal>,
    /// The grant the added principals get.
    pub(crate) grant: Option<Grant>,
    /// The group memberships it makes or ends.
    pub(crate) memberships: Vec<A>,
    /// The grant, revocation or replacement of grants it is.
    pub(crate) access: Option<A>,
}

impl Gives {
    /// A command that gives and takes nothing in access's terms.
    pub(crate) fn nothing() -> Self {
        Self::default()
    }

    /// A command that adds `added` with `grant`.
    pub(crate) fn adds(added: Vec<Principal>, grant: Option<Grant>) -> Self {
        Self {
            added,
            grant,
            ..Self::default()
        }
    }
}

/// A user a command acts on (rule ROL-9).
fn user(u: &UserId) -> Subject {
    Subject::Principal(Principal::User(*u))
}

/// A group a command acts on (rule ROL-9).
fn group(g: &GroupId) -> Subject {
    Subject::Principal(Principal::Group(*g))
}

/// An app a command acts on (rule ROL-9).
fn app(a: &AppId) -> Subject {
    Subject::Principal(Principal::App(*a))
}
