//! Who may do what: roles, custom permissions, effective permissions and authorisation decisions that explain themselves.
//!
//! ```
//! use chrono::{TimeZone, Utc};
//! use partnerkit_access::{Access, AccessIndex, Command, Grant, Permission, Principal, Request, Role};
//! use partnerkit_core::{Actor, Context, Decider, GroupId, SequentialIds, TenantId, UserId};
//!
//! let ids = SequentialIds::default();
//! let now = Utc.with_ymd_and_hms(2027, 3, 1, 9, 0, 0).single().ok_or("no such time")?;
//! let ctx = Context::new(now, Actor::Marketplace, &ids);
//! let (tenant, ann, bob, devs): (TenantId, UserId, UserId, GroupId) =
//!     (ctx.new_id(), ctx.new_id(), ctx.new_id(), ctx.new_id());
//! let mut state = Default::default();
//! let mut index = AccessIndex::default();
//! for command in [
//!     Command::RegisterUser { user: ann, tenant, can_sign_in: true },
//!     Command::RegisterUser { user: bob, tenant, can_sign_in: true },
//!     Command::RegisterGroup { group: devs, tenant },
//!     Command::SetGroupMembers { group: devs, members: vec![bob] },
//!     Command::Grant { principal: Principal::User(ann), grant: Grant::Role(Role::Manager) },
//!     Command::Grant { principal: Principal::Group(devs), grant: Grant::Role(Role::Developer) },
//! ] {
//!     // The live index follows each accepted event in time proportional to what it touches.
//!     for event in Access::execute(&mut state, command, &ctx)? {
//!         index.apply(&event);
//!     }
//! }
//! assert_eq!(index, AccessIndex::build(&state));
//!
//! // Each check is a lookup and a bit test.
//! let publish = index.authorize(&Request::new(bob, Permission::PublishOffers));
//! assert!(publish.is_allowed());
//! assert_eq!(publish.allowed_by().map(|s| s.holder), Some(Principal::Group(devs)));
//!
//! // A denial says what was missing, which roles give it and what the principal holds.
//! let payout = index.authorize(&Request::new(ann, Permission::ManagePayoutSettings));
//! assert!(!payout.is_allowed());
//! assert!(payout.to_string().contains("only the Owner role"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Overview
//!
//! Part of `partnerkit`. This crate is pure: it performs no I/O,
//! reads no clock and draws no randomness (rule X-5).
//!
//! - **Vocabulary**: [`Permission`] (one per feature of the account), [`PermissionSet`] (a
//!   bitset), [`Role`] (Owner, Manager, Developer) and [`Grant`] (a role or custom
//!   permissions), given to a [`Principal`] (user, group, app or the owner account).
//! - **Commands**: [`Access`] implements [`Decider`](partnerkit_core::Decider) over
//!   [`AccessState`] with [`Command`]s and [`Event`]s: register and remove principals, set
//!   group members and who can sign in, grant and revoke.
//! - **Decisions**: [`AccessIndex`] is built from the state and kept live event by event;
//!   [`authorize`],
//!   [`authorize_batch`], [`AccessIndex::effective_permissions`] ("what may this principal
//!   do") and [`AccessIndex::who_may`] ("who may do this") answer from it. Each [`Decision`]
//!   carries its [`Explanation`]. [`authorize_scan`] is the slow reference evaluation.
//!
//! # Roles and permissions
//!
//! - **Manager** has every permission except payout and tax settings (rule ROL-1).
//! - **Developer** manages and publishes offers and views non-financial reports; no financial
//!   information and no account settings (rule ROL-2).
//! - **Owner** has a Manager's permissions plus payout and tax settings (rule ROL-7). The
//!   owner account always holds it (rule PAY-1): the owner account is not stored here, and
//!   whoever builds a [`Principal::OwnerAccount`] has checked that it is the account's owner.
//!   Owner can be granted to others, but for them payout and tax settings are **view only**:
//!   only the owner account itself changes them, and [`AccessIndex::authorize`] says so
//!   ([`DenialReason::OwnerAccountOnly`]). Payout and tax settings are reachable **only**
//!   through Owner: custom permission sets may not name them ([`Error::OwnerOnlyPermission`]).
//! - **No command gives more than its actor holds** (rule ROL-8): granting, revoking,
//!   replacing grants and putting users into a group (which gives them the group's grants)
//!   need every permission given or taken away ([`Command::required_permissions`]). So only
//!   the owner account grants or revokes Owner.
//! - Instead of a role, a principal can be given **custom permissions**: a non-empty
//!   [`PermissionSet`] (rule ROL-3).
//! - A principal's **effective permissions** are its own grants' ∪ those of every group it
//!   belongs to (rule ROL-4).
//! - **Directory roles** such as global administrator are not modelled here at all: they
//!   grant no account permission, and account roles grant no directory role (rule ROL-5).
//!   A directory user registered without grants is denied everything.
//!
//! The full role × permission matrix is snapshot-tested, so any change shows in review.
//!
//! # Decisions
//!
//! [`AccessIndex::authorize`] returns a small `Copy` [`Decision`]: allowed with the grant that
//! allowed it ([`GrantSource`]: which principal held it — the principal itself or one of its
//! groups — and which role or custom set), or denied with the reason, the missing permission,
//! the roles that would give it and what the principal does hold (rule ROL-6). Its `Display`
//! and serde form spell this out. An unknown or removed principal is denied everything.
//!
//! The index keeps each principal's effective permissions as a bitset in its slot, so a
//! check costs one hash lookup and a bit test. Build it once from a state
//! ([`AccessIndex::build`]), then keep it live with [`AccessIndex::apply`] for each event:
//! an event costs time proportional to what it touches (a grant to a group: that group's
//! members), never a rebuild.
//!
//! # Revocation and the last Manager
//!
//! Removing a user, group, app or tenant ([`Command::RemoveUser`], [`Command::RemoveGroup`],
//! [`Command::RemoveApp`], [`Command::RemoveTenant`]) drops every grant and membership that
//! depended on it (rule TEN-4). A change that would leave no user holding the Manager role —
//! directly, through Owner, or through a group — is refused with [`Error::LastManager`]
//! (rule USR-7). Only users who can sign in count: the owner account, a pending guest and a
//! directory-only member do not, and while no such Manager exists the guard does not block.
//! Removing the only tenant, which removes every user, is allowed (TEN-4 lets only the owner
//! account do it; the facade checks that).
//!
//! # The authorisation model
//!
//! Who may do what to an account is stated once, in this crate (the `policy` module, rules
//! X-2, ROL-7..9, X-8): for every [`CommandKind`] and [`ReadKind`], the actor it needs
//! ([`CommandKind::requirement`]), the principals it acts on ([`CommandKind::acts_on`]),
//! what it gives ([`Command::gives_or_takes`]), and which [`DataClass`](partnerkit_core::DataClass)es
//! each permission lets an actor read ([`covering`]). [`admit`] asks, in order, whether the
//! actor can sign in at all — every refused actor gets [`Denial::CannotSignIn`], whatever the
//! account or input — and whether it is the actor the kind needs; the [`Authorized`] it
//! returns then checks that the actor holds every permission each principal acted on holds
//! ([`Authorized::check_acts_on`], from [`AccessIndex::holds`]) and everything each change
//! gives or takes ([`Authorized::check_gives`]).
//!
//! The facade joins the facts this crate cannot know ([`Facts`]: who can sign in is
//! identity's and payouts' answer) and lists a command's subjects from its data; it decides
//! nothing itself. It forwards identity's additions and removals of users, groups, apps and
//! tenants, and changes of who can sign in ([`Command::SetCanSignIn`]), as this crate's
//! commands, and keeps an [`AccessIndex`] live with each accepted event. The owner account
//! lives outside access: the facade builds a [`Principal::OwnerAccount`] only for the
//! account's own owner.
//!
//! # No-op commands and errors
//!
//! A command whose effect already holds decides to no events (see [`Access`]). Errors are
//! typed, say what to do, and serialise with a stable `"code"` ([`Error::code`]).
#![cfg_attr(docsrs, feature(doc_cfg))]

mod command;
mod decide;
mod decision;
mod error;
mod event;
mod index;
mod mirror;
mod permission;
mod policy;
mod principal;
mod role;
mod state;

pub use command::{Command, NewGroup};
pub use decide::Access;
pub use decision::{Decision, DenialReason, Explanation, Request, authorize_scan};
pub use error::Error;
pub use event::Event;
pub use index::{AccessIndex, authorize, authorize_batch};
pub use mirror::{Mirror, mirror};
pub use permission::{Iter, Permission, PermissionSet};
pub use policy::{
    ActsOn, Authorized, CommandKind, Denial, Facts, ReadKind, Requirement, Subject, admit,
    covered_classes, covering, first_tenant_grant,
};
pub use principal::{GrantSource, Principal};
pub use role::{Grant, Role};
pub use state::{AccessState, AppEntry, GroupEntry, UserEntry};
