//! The command table of the authorisation model (see the [policy module](super)): every
//! [`CommandKind`], what its actor must be or hold ([`CommandKind::requirement`], step 2) and
//! which principals it acts on ([`CommandKind::acts_on`], step 3). Both are exhaustive
//! matches: a new kind does not compile without its row, and no row allows by default.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Requirement;
use crate::permission::{Permission, PermissionSet};

/// Declares [`CommandKind`] and its [`ALL`](CommandKind::ALL) list from one list of names.
macro_rules! command_kinds {
    ($($kind:ident),+ $(,)?) => {
        /// The kind of a command on an account, without its data: what the authorisation model
        /// is keyed by, and what a host can check before it reads the rest of a request
        /// (rule X-2). The facade's `AccountCommand::kind` says which kind a command is.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
        #[serde(rename_all = "snake_case")]
        #[non_exhaustive]
        #[allow(missing_docs)] // each kind is named after its command
        pub enum CommandKind {
            $($kind),+
        }

        impl CommandKind {
            /// Every kind, in declaration order.
            pub const ALL: &'static [CommandKind] = &[$(CommandKind::$kind),+];
        }
    };
}

command_kinds! {
    OpenAccount,
    RecordVerification,
    ChangeDisplayName,
    SetSellerContact,
    SetCompanyApprover,
    BeginTenantAssociation,
    ConfirmTenantAssociation,
    CancelTenantAssociation,
    CreateTenant,
    RemoveTenant,
    AddUsers,
    CreateUser,
    RenameUser,
    InviteGuests,
    ResendInvitation,
    AcceptInvitation,
    RemoveUser,
    ResetPassword,
    ResetOwnPassword,
    AddGroups,
    CreateGroup,
    ChangeGroupMembers,
    RemoveGroup,
    AddApps,
    CreateApp,
    RemoveApps,
    AddAppKey,
    DeleteAppKey,
    Grant,
    Revoke,
    SetGrants,
    AcceptAgreement,
    AssociateOwnerAccount,
    SetPayoutAccount,
    RecordPayoutVerification,
    SetPayoutHold,
    StartTaxProfile,
    EditTaxProfile,
    SubmitW9,
    SubmitW8Ben,
    SubmitW8BenE,
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The serde name: `rename_user`, derived from the Debug name.
        let debug = format!("{self:?}");
        for (i, c) in debug.chars().enumerate() {
            if c.is_ascii_uppercase() {
                if i > 0 {
                    f.write_str("_")?;
                }
                write!(f, "{}", c.to_ascii_lowercase())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

/// Which principals a kind of command acts on (rule ROL-9): the actor must hold every
/// permission each of them holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ActsOn {
    /// No existing principal: the command changes the account's own settings, or adds
    /// principals that hold nothing yet.
    Nothing,
    /// The principals the command names: the user, group or app it resets, renames, removes,
    /// keys or grants to; the users whose group memberships it changes and the group.
    Named,
    /// Every user, group and app of the tenant it removes (rule TEN-4).
    TenantPrincipals,
    /// The actor itself (its own password, its own invitation, its own acceptance).
    Itself,
}

impl CommandKind {
    /// What the actor of a command of this kind must be or hold. `has_tenant` is whether the
    /// account has an associated tenant yet: before it does, only the marketplace or the owner
    /// account (the one principal who can sign in then) associates one (rules TEN-2, PAY-1).
    pub fn requirement(self, has_tenant: bool) -> Requirement {
        use CommandKind as K;
        use Permission as P;
        let holding = |p: Permission| Requirement::Holding {
            permissions: p.into(),
        };
        match self {
            K::OpenAccount
            | K::RecordVerification
            | K::AssociateOwnerAccount
            | K::RecordPayoutVerification => Requirement::Marketplace,
            K::ChangeDisplayName | K::SetSellerContact | K::SetCompanyApprover => {
                holding(P::ManageContactInfo)
            }
            K::BeginTenantAssociation
            | K::ConfirmTenantAssociation
            | K::CancelTenantAssociation => {
                if has_tenant {
                    holding(P::ManageTenants)
                } else {
                    Requirement::MarketplaceOrHolding {
                        permissions: P::ManageTenants.into(),
                    }
                }
            }
            K::CreateTenant | K::RemoveTenant => holding(P::ManageTenants),
            K::AddUsers
            | K::CreateUser
            | K::RenameUser
            | K::InviteGuests
            | K::ResendInvitation
            | K::RemoveUser
            | K::ResetPassword => holding(P::ManageUsers),
            K::AcceptInvitation => Requirement::Invitee,
            K::ResetOwnPassword => Requirement::UserHolding {
                permissions: PermissionSet::EMPTY,
            },
            K::AddGroups | K::CreateGroup | K::ChangeGroupMembers | K::RemoveGroup => {
                holding(P::ManageGroups)
            }
            K::AddApps | K::CreateApp | K::RemoveApps => holding(P::ManageApps),
            K::AddAppKey | K::DeleteAppKey => holding(P::ManageAppKeys),
            // What a grant needs depends on whom it names and what it gives: steps 3 and 4.
            K::Grant | K::Revoke | K::SetGrants => Requirement::Holding {
                permissions: PermissionSet::EMPTY,
            },
            K::AcceptAgreement => Requirement::UserHolding {
                permissions: P::AcceptAgreements.into(),
            },
            K::SetPayoutAccount | K::SetPayoutHold => holding(P::ManagePayoutSettings),
            K::StartTaxProfile
            | K::EditTaxProfile
            | K::SubmitW9
            | K::SubmitW8Ben
            | K::SubmitW8BenE => holding(P::ManageTaxSettings),
        }
    }

    /// Which principals a command of this kind acts on (rule ROL-9).
    ///
    /// | acts on | kinds |
    /// |---|---|
    /// | the principals it names | rename, resend an invitation, remove or reset a user; add users, apps or guests (any already known); add groups (and their members); create a user (and the groups it joins); create a group (and its members); change a group's members (the group, and each user added or removed); remove a group; remove apps; add or delete an app key; grant, revoke, set grants |
    /// | every principal of the tenant | remove a tenant |
    /// | itself | accept an invitation, reset one's own password, accept an agreement |
    /// | nothing | everything else: the account's settings, and adding principals that hold nothing yet |
    pub fn acts_on(self) -> ActsOn {
        use CommandKind as K;
        match self {
            K::RenameUser
            | K::ResendInvitation
            | K::RemoveUser
            | K::ResetPassword
            | K::AddUsers
            | K::InviteGuests
            | K::AddApps
            | K::AddGroups
            | K::CreateGroup
            | K::CreateUser
            | K::ChangeGroupMembers
            | K::RemoveGroup
            | K::RemoveApps
            | K::AddAppKey
            | K::DeleteAppKey
            | K::Grant
            | K::Revoke
            | K::SetGrants => ActsOn::Named,
            K::RemoveTenant => ActsOn::TenantPrincipals,
            K::AcceptInvitation | K::ResetOwnPassword | K::AcceptAgreement => ActsOn::Itself,
            K::OpenAccount
            | K::RecordVerification
            | K::ChangeDisplayName
            | K::SetSellerContact
            | K::SetCompanyApprover
            | K::BeginTenantAssociation
            | K::ConfirmTenantAssociation
            | K::CancelTenantAssociation
            | K::CreateTenant
            | K::CreateApp
            | K::AssociateOwnerAccount
            | K::SetPayoutAccount
            | K::RecordPayoutVerification
            | K::SetPayoutHold
            | K::StartTaxProfile
            | K::EditTaxProfile
            | K::SubmitW9
            | K::SubmitW8Ben
            | K::SubmitW8BenE => ActsOn::Nothing,
        }
    }
}
