//! The decider: checks a command against the state and returns its events.

use std::collections::BTreeSet;

use chrono::Months;
use partnerkit_core::{
    Actor, Context, Decider, PasswordHash, SecretString, TenantId, Url, UserId, checked_text,
};

use crate::account::{AccountType, MAX_REASON_CHARS, StepState};
use crate::command::Command;
use crate::directory::{App, PasswordSetBy, Tenant, User};
use crate::error::Error;
use crate::event::Event;
use crate::names::DomainName;
use crate::state::Account;

/// The identity decider: account profile and verification, tenants, users, groups, apps and
/// keys. See the [crate documentation](crate) for the rules it enforces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Identity;

/// # No-ops
///
/// A command whose effect already holds decides to no events (`Ok(vec![])`), not an error,
/// once the actor's checks and the confirmation have passed:
///
/// - setting a value to what it already is: `ChangeDisplayName`, `SetSellerContact`,
///   `SetCompanyApprover`, `RecordVerification` with the step's current state, `RenameUser`
///   with the user's current name;
/// - `ChangeGroupMembers` that adds only members and removes only non-members;
/// - `AcceptInvitation` of an invitation already accepted (by the guest or the marketplace);
/// - `BeginTenantAssociation` identical to the one already waiting (a different one is
///   [`Error::AssociationAlreadyPending`]), `ConfirmTenantAssociation` of an associated
///   tenant, `CancelTenantAssociation` with nothing waiting;
/// - removing what the account does not have: `RemoveTenant` of a tenant not associated,
///   `RemoveGroup` of a group not in the account, `RemoveApps` leaves out apps not in it (all
///   of them: no-op), `DeleteKey` of a key the app does not have.
///
/// Not no-ops: `RemoveUser` of a user never added is [`Error::UserNotInAccount`] (rule USR-7:
/// such users are not the account's to remove); adding principals already in the account is
/// refused ([`Error::UserAlreadyInAccount`] and the like), since the host grants the added
/// principals a role in the same step; `ResendInvitation` of an accepted invitation has
/// nothing to send ([`Error::InvitationNotPending`]); `DeleteKey` on an app not in the account
/// is [`Error::AppNotInAccount`].
impl Decider for Identity {
    type State = Account;
    type Command = Command;
    type Event = Event;
    type Error = Error;

    fn decide(state: &Account, command: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
        decide(state, command, ctx)
    }

    fn apply(state: &mut Account, event: &Event) {
        state.apply(event);
    }
}

/// The shortest password accepted, in characters (the directory's minimum).
pub const MIN_PASSWORD_CHARS: usize = 8;
/// The shortest key value accepted, in characters.
pub const MIN_KEY_VALUE_CHARS: usize = 16;
/// The longest lifetime of an app key, in months (rule APP-4).
pub const MAX_KEY_MONTHS: u32 = 24;

fn decide(s: &Account, cmd: Command, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
    if let Command::OpenAccount {
        account,
        seller_id,
        account_type,
        display_name,
    } = cmd
    {
        if s.profile().is_some() {
            return Err(Error::AccountAlreadyOpened);
        }
        marketplace_only(ctx, "open an account", "ACC-2")?;
        return Ok(vec![Event::AccountOpened {
            account,
            seller_id,
            account_type,
            display_name,
            owner: None,
        }]);
    }
    let profile = s.profile().ok_or(Error::AccountNotOpened)?;
    check_actor(s, &cmd, ctx)?;

    match cmd {
        Command::OpenAccount { .. } => Err(Error::AccountAlreadyOpened),
        Command::RecordVerification { step, state } => {
            marketplace_only(ctx, "record verification outcomes", "ACC-1")?;
            if !profile.account_type.requires(step) {
                return Err(Error::StepNotRequired {
                    step,
                    account_type: profile.account_type,
                });
            }
            let state = match state {
                StepState::Rejected { reason } => StepState::Rejected {
                    reason: checked_text("rejection reason", &reason, MAX_REASON_CHARS)?,
                },
                other => other,
            };
            if *profile.verification.get(step) == state {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::VerificationRecorded { step, state }])
        }
        Command::ChangeDisplayName { display_name } => {
            if profile.display_name == display_name {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::DisplayNameChanged { display_name }])
        }
        Command::SetSellerContact { contact } => {
            if profile.seller_contact.as_ref() == Some(&contact) {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::SellerContactSet { contact }])
        }
        Command::SetCompanyApprover { approver } => {
            if profile.account_type != AccountType::Company {
                return Err(Error::ApproverOnlyForCompanies);
            }
            if profile.company_approver.as_ref() == Some(&approver) {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::CompanyApproverSet { approver }])
        }

        Command::BeginTenantAssociation {
            tenant,
            organization,
            domain,
            synced_from_on_premises,
            first_user,
        } => {
            if s.tenant(tenant).is_some() {
                return Err(Error::TenantAlreadyAssociated { tenant });
            }
            if let Some(p) = s.pending_association(tenant) {
                let same = p.organization == organization
                    && p.domain == domain
                    && p.synced_from_on_premises == synced_from_on_premises
                    && p.first_user == first_user;
                return if same {
                    Ok(vec![]) // no-op: this very association is already waiting
                } else {
                    Err(Error::AssociationAlreadyPending { tenant })
                };
            }
            if domain_in_use(s, &domain) {
                return Err(Error::DomainTaken {
                    domain: domain.to_string(),
                });
            }
            if let Some(u) = &first_user {
                check_new_user(s, u.user, tenant)?;
            }
            Ok(vec![Event::TenantAssociationBegun {
                tenant,
                organization,
                domain,
                synced_from_on_premises,
                first_user,
            }])
        }
        Command::ConfirmTenantAssociation { tenant } => {
            if s.tenant(tenant).is_some() {
                return Ok(vec![]); // no-op: already associated (nothing can be pending then)
            }
            let p = s
                .pending_association(tenant)
                .ok_or(Error::NoPendingAssociation { tenant })?;
            if s.tenants().any(|t| t.domain == p.domain) {
                return Err(Error::DomainTaken {
                    domain: p.domain.to_string(),
                });
            }
            let mut events = vec![Event::TenantAssociated {
                tenant,
                organization: p.organization.clone(),
                domain: p.domain.clone(),
                synced_from_on_premises: p.synced_from_on_premises,
            }];
            if let Some(u) = &p.first_user {
                check_new_user(s, u.user, tenant)?;
                events.push(Event::UsersAdded {
                    tenant,
                    users: vec![u.clone()],
                });
            }
            Ok(events)
        }
        Command::CancelTenantAssociation { tenant } => {
            if s.pending_association(tenant).is_none() {
                return Ok(vec![]); // no-op: nothing is waiting
            }
            Ok(vec![Event::TenantAssociationCancelled { tenant }])
        }
        Command::CreateTenant {
            tenant: new_tenant,
            admin,
            label,
            contact_email,
            admin_name,
            admin_username,
            admin_password,
        } => {
            let domain = label.domain();
            if domain_in_use(s, &domain) {
                return Err(Error::DomainTaken {
                    domain: domain.to_string(),
                });
            }
            if admin_username.domain() != domain.as_str() {
                return Err(Error::UsernameOutsideDomain {
                    username: admin_username,
                    domain: domain.to_string(),
                });
            }
            check_secret(&admin_password, "password", MIN_PASSWORD_CHARS)?;
            let tenant: TenantId = new_tenant.unwrap_or_else(|| ctx.new_id());
            let admin: UserId = admin.unwrap_or_else(|| ctx.new_id());
            check_new_user(s, admin, tenant)?;
            Ok(vec![
                Event::TenantCreated {
                    tenant,
                    label,
                    contact_email: contact_email.clone(),
                    first_admin: admin,
                },
                Event::UserCreated {
                    tenant,
                    user: admin,
                    name: admin_name,
                    username: admin_username,
                    global_admin: true,
                    reset_email: Some(contact_email),
                    groups: Vec::new(),
                    password: admin_password.fingerprint(),
                },
            ])
        }
        Command::RemoveTenant { tenant, confirmed } => {
            confirm(confirmed, "a tenant", "TEN-4")?;
            if s.tenant(tenant).is_none() {
                return Ok(vec![]); // no-op: not associated, nobody signs in from it
            }
            // The only tenant first: its Managers are all signed in from it, and "sign in
            // from another tenant" would send them looking for one that does not exist. An
            // owner-account actor is the account's signed-in owner: the facade builds it
            // only after checking that, so identity keeps no copy of the owner to compare.
            let only_tenant = s.tenants().nth(1).is_none();
            if only_tenant && !matches!(ctx.actor(), Actor::OwnerAccount { .. }) {
                return Err(Error::OnlyTenantNeedsOwner { tenant });
            }
            if ctx.actor().tenant() == Some(tenant) {
                return Err(Error::CannotRemoveOwnTenant { tenant });
            }
            Ok(vec![Event::TenantRemoved {
                tenant,
                users: s.users_of(tenant).map(|u| u.id).collect(),
                groups: s
                    .groups()
                    .filter(|g| g.tenant == tenant)
                    .map(|g| g.id)
                    .collect(),
                apps: s
                    .apps()
                    .filter(|a| a.tenant == tenant)
                    .map(|a| a.id)
                    .collect(),
            }])
        }

        Command::AddUsers { tenant, users } => {
            manage(s, ctx, tenant)?;
            if users.is_empty() {
                return Err(Error::EmptyBatch {
                    what: "user".into(),
                    rule: "USR-3".into(),
                });
            }
            // Each user costs O(log n): indexed lookups, and sets of the batch so far.
            let mut ids = BTreeSet::new();
            let mut usernames = BTreeSet::new();
            for u in &users {
                check_new_user(s, u.user, tenant)?;
                if !ids.insert(u.user) {
                    return Err(Error::DuplicateInBatch {
                        what: "user".into(),
                        id: u.user.to_string(),
                    });
                }
                if s.username_taken(tenant, &u.username) || !usernames.insert(&u.username) {
                    return Err(Error::UsernameTaken {
                        username: u.username.clone(),
                    });
                }
            }
            Ok(vec![Event::UsersAdded { tenant, users }])
        }
        Command::CreateUser {
            tenant,
            user,
            name,
            username,
            global_admin,
            reset_email,
            groups,
            password,
        } => {
            let t = global_admin_of(s, ctx, tenant, "creating a user", "USR-4")?;
            not_synced(t, "user")?;
            if global_admin && reset_email.is_none() {
                return Err(Error::GlobalAdminNeedsResetEmail);
            }
            if s.username_taken(tenant, &username) {
                return Err(Error::UsernameTaken { username });
            }
            let mut seen = BTreeSet::new();
            for g in &groups {
                if s.group(*g).is_none_or(|group| group.tenant != tenant) {
                    return Err(Error::GroupNotInAccount { group: *g });
                }
                if !seen.insert(*g) {
                    return Err(Error::DuplicateInBatch {
                        what: "group".into(),
                        id: g.to_string(),
                    });
                }
            }
            check_secret(&password, "password", MIN_PASSWORD_CHARS)?;
            let user: UserId = user.unwrap_or_else(|| ctx.new_id());
            check_new_user(s, user, tenant)?;
            Ok(vec![Event::UserCreated {
                tenant,
                user,
                name,
                username,
                global_admin,
                reset_email,
                groups,
                password: password.fingerprint(),
            }])
        }
        Command::RenameUser { user, name } => {
            let u = account_user(s, user)?;
            manage(s, ctx, u.tenant)?;
            if u.name.as_ref() == Some(&name) {
                return Ok(vec![]); // no-op
            }
            Ok(vec![Event::UserRenamed {
                tenant: u.tenant,
                user,
                name,
            }])
        }
        Command::InviteGuests {
            tenant,
            invitees,
            guests,
        } => {
            global_admin_of(s, ctx, tenant, "inviting guests", "USR-5")?;
            if !guests.is_empty() && guests.len() != invitees.emails().len() {
                return Err(Error::GuestIdsMismatch {
                    addresses: invitees.emails().len(),
                    ids: guests.len(),
                });
            }
            let mut chosen = guests.into_iter();
            let mut events = Vec::with_capacity(invitees.emails().len());
            for email in invitees.emails() {
                if s.username_taken(tenant, email) {
                    return Err(Error::AlreadyInvited {
                        email: email.clone(),
                        tenant,
                    });
                }
                let user: UserId = chosen.next().unwrap_or_else(|| ctx.new_id());
                check_new_user(s, user, tenant)?;
                events.push(Event::GuestInvited {
                    tenant,
                    user,
                    invitation: ctx.new_id(),
                    email: email.clone(),
                });
            }
            Ok(events)
        }
        Command::ResendInvitation { user } => {
            let u = account_user(s, user)?;
            let invitation = pending_invitation(u)?;
            global_admin_of(s, ctx, u.tenant, "resending an invitation", "USR-5")?;
            Ok(vec![Event::InvitationResent {
                tenant: u.tenant,
                user,
                invitation,
            }])
        }
        Command::AcceptInvitation { user } => {
            let u = account_user(s, user)?;
            let allowed = match ctx.actor() {
                Actor::User { tenant, user: who } => who == user && tenant == u.tenant,
                Actor::Marketplace => true,
                _ => false,
            };
            let already_accepted = u
                .invitation
                .as_ref()
                .is_some_and(|i| i.status == crate::directory::InvitationStatus::Accepted);
            if already_accepted {
                return if allowed {
                    Ok(vec![]) // no-op
                } else {
                    Err(Error::NotTheInvitee { user })
                };
            }
            let invitation = pending_invitation(u)?;
            if !allowed {
                return Err(Error::NotTheInvitee { user });
            }
            Ok(vec![Event::InvitationAccepted {
                tenant: u.tenant,
                user,
                invitation,
            }])
        }
        Command::RemoveUser { user, confirmed } => {
            confirm(confirmed, "a user", "USR-7")?;
            let u = account_user(s, user)?;
            manage(s, ctx, u.tenant)?;
            Ok(vec![Event::UserRemoved {
                tenant: u.tenant,
                user,
                groups: s.groups_of(user),
            }])
        }
        Command::ResetPassword { user, temporary } => {
            let u = account_user(s, user)?;
            if u.is_guest() {
                return Err(Error::GuestPassword { user });
            }
            global_admin_of(s, ctx, u.tenant, "resetting a password", "USR-8")?;
            check_secret(&temporary, "password", MIN_PASSWORD_CHARS)?;
            Ok(vec![Event::PasswordReset {
                tenant: u.tenant,
                user,
                password: temporary.fingerprint().into(),
                by: PasswordSetBy::GlobalAdmin,
            }])
        }
        Command::ResetOwnPassword { password } => {
            let Actor::User { user, .. } = ctx.actor() else {
                return Err(Error::NotAUser);
            };
            let u = account_user(s, user)?;
            if u.is_guest() {
                return Err(Error::GuestPassword { user });
            }
            if u.reset_email.is_none() {
                return Err(Error::NoResetEmail { user });
            }
            check_secret(&password, "password", MIN_PASSWORD_CHARS)?;
            // A chosen password is guessable: keep a salted, slow hash, never an unsalted
            // fingerprint (rule X-6). Hashed last, after every check has passed.
            let hash = PasswordHash::hash(&password, ctx.rng()?)?;
            Ok(vec![Event::PasswordReset {
                tenant: u.tenant,
                user,
                password: hash.into(),
                by: PasswordSetBy::SelfService,
            }])
        }

        Command::AddGroups { tenant, groups } => {
            manage(s, ctx, tenant)?;
            if groups.is_empty() {
                return Err(Error::EmptyBatch {
                    what: "group".into(),
                    rule: "GRP-1".into(),
                });
            }
            let mut seen = BTreeSet::new();
            for g in &groups {
                if s.group(g.group).is_some() {
                    return Err(Error::GroupAlreadyInAccount { group: g.group });
                }
                if !seen.insert(g.group) {
                    return Err(Error::DuplicateInBatch {
                        what: "group".into(),
                        id: g.group.to_string(),
                    });
                }
                // Members are directory facts; a member the account already knows must belong
                // to this tenant.
                check_members(
                    &g.members,
                    |m| s.tenant_of(m).is_none_or(|t| t == tenant),
                    tenant,
                )?;
            }
            Ok(vec![Event::GroupsAdded { tenant, groups }])
        }
        Command::CreateGroup {
            tenant,
            group,
            name,
            members,
        } => {
            let t = manage(s, ctx, tenant)?;
            not_synced(t, "group")?;
            check_members(
                &members,
                |m| s.user(m).is_some_and(|u| u.tenant == tenant),
                tenant,
            )?;
            Ok(vec![Event::GroupCreated {
                tenant,
                group: group.unwrap_or_else(|| ctx.new_id()),
                name,
                members,
            }])
        }
        Command::ChangeGroupMembers { group, add, remove } => {
            let g = s.group(group).ok_or(Error::GroupNotInAccount { group })?;
            manage(s, ctx, g.tenant)?;
            let add: BTreeSet<UserId> = add.into_iter().collect();
            let remove: BTreeSet<UserId> = remove.into_iter().collect();
            if let Some(both) = add.intersection(&remove).next() {
                return Err(Error::DuplicateInBatch {
                    what: "member".into(),
                    id: both.to_string(),
                });
            }
            for m in &add {
                if s.user(*m).is_none_or(|u| u.tenant != g.tenant) {
                    return Err(Error::MemberNotInTenant {
                        user: *m,
                        tenant: g.tenant,
                    });
                }
            }
            let added: Vec<UserId> = add.into_iter().filter(|m| !g.members.contains(m)).collect();
            let removed: Vec<UserId> = remove
                .into_iter()
                .filter(|m| g.members.contains(m))
                .collect();
            if added.is_empty() && removed.is_empty() {
                return Ok(vec![]); // no-op: every member to add is in, every one to remove out
            }
            Ok(vec![Event::GroupMembersChanged {
                tenant: g.tenant,
                group,
                added,
                removed,
            }])
        }
        Command::RemoveGroup { group, confirmed } => {
            confirm(confirmed, "a group", "GRP-3")?;
            let Some(g) = s.group(group) else {
                return Ok(vec![]); // no-op: not (or no longer) in the account
            };
            manage(s, ctx, g.tenant)?;
            Ok(vec![Event::GroupRemoved {
                tenant: g.tenant,
                group,
                members: g.members.iter().copied().collect(),
            }])
        }

        Command::AddApps { tenant, apps } => {
            manage(s, ctx, tenant)?;
            if apps.is_empty() {
                return Err(Error::EmptyBatch {
                    what: "app".into(),
                    rule: "APP-1".into(),
                });
            }
            let mut ids = BTreeSet::new();
            let mut reply_urls = BTreeSet::new();
            let mut app_id_uris = BTreeSet::new();
            for a in &apps {
                if s.app(a.app).is_some() {
                    return Err(Error::AppAlreadyInAccount { app: a.app });
                }
                if !ids.insert(a.app) {
                    return Err(Error::DuplicateInBatch {
                        what: "app".into(),
                        id: a.app.to_string(),
                    });
                }
                check_unique_urls(s, tenant, a.reply_url.as_ref(), a.app_id_uri.as_ref())?;
                if let Some(url) = &a.reply_url
                    && !reply_urls.insert(url)
                {
                    return Err(Error::ReplyUrlTaken { url: url.clone() });
                }
                if let Some(uri) = &a.app_id_uri
                    && !app_id_uris.insert(uri)
                {
                    return Err(Error::AppIdUriTaken { uri: uri.clone() });
                }
            }
            Ok(vec![Event::AppsAdded { tenant, apps }])
        }
        Command::CreateApp {
            tenant,
            app,
            name,
            reply_url,
            app_id_uri,
        } => {
            let t = manage(s, ctx, tenant)?;
            not_synced(t, "app")?;
            check_unique_urls(s, tenant, Some(&reply_url), Some(&app_id_uri))?;
            Ok(vec![Event::AppCreated {
                tenant,
                app: app.unwrap_or_else(|| ctx.new_id()),
                name,
                reply_url,
                app_id_uri,
            }])
        }
        Command::RemoveApps { apps, confirmed } => {
            confirm(confirmed, "apps", "APP-3")?;
            if apps.is_empty() {
                return Err(Error::EmptyBatch {
                    what: "app".into(),
                    rule: "APP-3".into(),
                });
            }
            let mut seen = BTreeSet::new();
            for a in &apps {
                if !seen.insert(*a) {
                    return Err(Error::DuplicateInBatch {
                        what: "app".into(),
                        id: a.to_string(),
                    });
                }
            }
            // Apps not (or no longer) in the account are already removed: they are left out.
            let known: Vec<&App> = apps.iter().filter_map(|a| s.app(*a)).collect();
            let Some(tenant) = known.first().map(|a| a.tenant) else {
                return Ok(vec![]); // no-op
            };
            manage(s, ctx, tenant)?;
            if let Some(other) = known.iter().find(|a| a.tenant != tenant) {
                return Err(Error::NotSignedInFromTenant {
                    tenant: other.tenant,
                });
            }
            Ok(vec![Event::AppsRemoved {
                tenant,
                apps: known.iter().map(|a| a.id).collect(),
            }])
        }
        Command::AddKey {
            app,
            key,
            value,
            expires_at,
        } => {
            let a = account_app(s, app)?;
            manage(s, ctx, a.tenant)?;
            check_secret(&value, "key value", MIN_KEY_VALUE_CHARS)?;
            let now = ctx.now();
            if expires_at <= now {
                return Err(Error::KeyExpiryInPast);
            }
            let too_long = now
                .checked_add_months(Months::new(MAX_KEY_MONTHS))
                .is_none_or(|max| expires_at > max);
            if too_long {
                return Err(Error::KeyLifetimeTooLong {
                    max_months: MAX_KEY_MONTHS,
                });
            }
            let key = match key {
                Some(k) if a.keys.contains_key(&k) => return Err(Error::KeyIdTaken { key: k }),
                Some(k) => k,
                None => ctx.new_id(),
            };
            Ok(vec![Event::KeyAdded {
                tenant: a.tenant,
                app,
                key,
                fingerprint: value.fingerprint(),
                created_at: now,
                expires_at,
            }])
        }
        Command::DeleteKey { app, key } => {
            let a = account_app(s, app)?;
            manage(s, ctx, a.tenant)?;
            if !a.keys.contains_key(&key) {
                return Ok(vec![]); // no-op: no such key (any more)
            }
            Ok(vec![Event::KeyDeleted {
                tenant: a.tenant,
                app,
                key,
            }])
        }
    }
}

/// Rule USR-1 for every command: a directory user must be able to sign in to the account, an
/// app must be one of the account's. The one exception: a guest accepting their own
/// invitation (rule USR-5). Before the account has a tenant no user can sign in, so its first
/// tenant is associated by the owner account or the marketplace (rules TEN-2, PAY-1), never
/// by a user of the tenant being associated: a user is let in only once it can sign in.
fn check_actor(s: &Account, cmd: &Command, ctx: &Context<'_>) -> Result<(), Error> {
    let actor = ctx.actor();
    if s.can_sign_in(&actor) {
        return Ok(());
    }
    match actor {
        Actor::User { tenant, user } => {
            let exempt =
                matches!(cmd, Command::AcceptInvitation { user: invitee } if *invitee == user);
            if exempt {
                Ok(())
            } else {
                Err(Error::CannotSignIn { tenant, user })
            }
        }
        Actor::App { tenant, app } => Err(Error::AppCannotSignIn { tenant, app }),
        // The owner account and the marketplace do not sign in as directory principals.
        _ => Ok(()),
    }
}

fn marketplace_only(
    ctx: &Context<'_>,
    action: &'static str,
    rule: &'static str,
) -> Result<(), Error> {
    if ctx.actor() == Actor::Marketplace {
        Ok(())
    } else {
        Err(Error::MarketplaceOnly {
            action: action.into(),
            rule: rule.into(),
        })
    }
}

fn confirm(confirmed: bool, what: &'static str, rule: &'static str) -> Result<(), Error> {
    if confirmed {
        Ok(())
    } else {
        Err(Error::NotConfirmed {
            what: what.into(),
            rule: rule.into(),
        })
    }
}

fn associated(s: &Account, tenant: TenantId) -> Result<&Tenant, Error> {
    s.tenant(tenant)
        .ok_or(Error::TenantNotAssociated { tenant })
}

/// The tenant is associated and the actor is a user signed in from it (rule USR-2).
fn manage<'s>(s: &'s Account, ctx: &Context<'_>, tenant: TenantId) -> Result<&'s Tenant, Error> {
    let t = associated(s, tenant)?;
    match ctx.actor() {
        Actor::User { tenant: from, .. } if from == tenant => Ok(t),
        _ => Err(Error::NotSignedInFromTenant { tenant }),
    }
}

/// As [`manage`], and the actor is a global administrator of the tenant.
fn global_admin_of<'s>(
    s: &'s Account,
    ctx: &Context<'_>,
    tenant: TenantId,
    action: &'static str,
    rule: &'static str,
) -> Result<&'s Tenant, Error> {
    let t = manage(s, ctx, tenant)?;
    match ctx.actor() {
        Actor::User { user, .. } if s.is_global_admin(tenant, user) => Ok(t),
        _ => Err(Error::NotGlobalAdmin {
            action: action.into(),
            tenant,
            rule: rule.into(),
        }),
    }
}

fn not_synced(t: &Tenant, what: &'static str) -> Result<(), Error> {
    if t.synced_from_on_premises {
        Err(Error::DirectorySynced {
            tenant: t.id,
            what: what.into(),
        })
    } else {
        Ok(())
    }
}

fn account_user(s: &Account, user: UserId) -> Result<&User, Error> {
    s.user(user).ok_or(Error::UserNotInAccount { user })
}

fn account_app(s: &Account, app: partnerkit_core::AppId) -> Result<&App, Error> {
    s.app(app).ok_or(Error::AppNotInAccount { app })
}

fn pending_invitation(u: &User) -> Result<partnerkit_core::InvitationId, Error> {
    match &u.invitation {
        Some(i) if i.status == crate::directory::InvitationStatus::Pending => Ok(i.id),
        _ => Err(Error::InvitationNotPending { user: u.id }),
    }
}

/// A user id about to become a user of `tenant`: not a user of the account yet, and not a
/// member of another tenant's group (a directory user belongs to one tenant).
fn check_new_user(s: &Account, user: UserId, tenant: TenantId) -> Result<(), Error> {
    if s.user(user).is_some() {
        return Err(Error::UserAlreadyInAccount { user });
    }
    match s.tenant_of(user) {
        Some(other) if other != tenant => Err(Error::UserOfAnotherTenant {
            user,
            tenant: other,
        }),
        _ => Ok(()),
    }
}

fn domain_in_use(s: &Account, domain: &DomainName) -> bool {
    s.tenants().any(|t| t.domain == *domain)
        || s.pending_associations().any(|p| p.domain == *domain)
}

fn check_secret(secret: &SecretString, what: &'static str, min: usize) -> Result<(), Error> {
    if secret.len() < min {
        Err(Error::SecretTooShort {
            what: what.into(),
            min,
        })
    } else {
        Ok(())
    }
}

fn check_members(
    members: &[UserId],
    allowed: impl Fn(UserId) -> bool,
    tenant: TenantId,
) -> Result<(), Error> {
    let mut seen = BTreeSet::new();
    for m in members {
        if !allowed(*m) {
            return Err(Error::MemberNotInTenant { user: *m, tenant });
        }
        if !seen.insert(*m) {
            return Err(Error::DuplicateInBatch {
                what: "member".into(),
                id: m.to_string(),
            });
        }
    }
    Ok(())
}

/// Reply URLs and App ID URIs are unique within the directory (rule APP-2).
fn check_unique_urls(
    s: &Account,
    tenant: TenantId,
    reply_url: Option<&Url>,
    app_id_uri: Option<&Url>,
) -> Result<(), Error> {
    if let Some(url) = reply_url
        && s.reply_url_taken(tenant, url)
    {
        return Err(Error::ReplyUrlTaken { url: url.clone() });
    }
    if let Some(uri) = app_id_uri
        && s.app_id_uri_taken(tenant, uri)
    {
        return Err(Error::AppIdUriTaken { uri: uri.clone() });
    }
    Ok(())
}
