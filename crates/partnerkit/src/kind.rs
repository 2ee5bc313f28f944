//! [`CommandKind`]: what kind of [`AccountCommand`] a command is, without its data; and
//! [`ReadKind`]: what an actor asks to see.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::command::AccountCommand;

/// Declares [`CommandKind`] and its [`ALL`](CommandKind::ALL) list from one list of names.
macro_rules! command_kinds {
    ($($kind:ident),+ $(,)?) => {
        /// The kind of an [`AccountCommand`], without its data: what the authorisation table
        /// is keyed by, and what a host can check before it reads the rest of a request
        /// (rule X-2).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
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

impl AccountCommand {
    /// The command's kind.
    pub fn kind(&self) -> CommandKind {
        use AccountCommand as C;
        use CommandKind as K;
        match self {
            C::OpenAccount(_) => K::OpenAccount,
            C::RecordVerification { .. } => K::RecordVerification,
            C::ChangeDisplayName { .. } => K::ChangeDisplayName,
            C::SetSellerContact { .. } => K::SetSellerContact,
            C::SetCompanyApprover { .. } => K::SetCompanyApprover,
            C::BeginTenantAssociation(_) => K::BeginTenantAssociation,
            C::ConfirmTenantAssociation { .. } => K::ConfirmTenantAssociation,
            C::CancelTenantAssociation { .. } => K::CancelTenantAssociation,
            C::CreateTenant(_) => K::CreateTenant,
            C::RemoveTenant { .. } => K::RemoveTenant,
            C::AddUsers { .. } => K::AddUsers,
            C::CreateUser(_) => K::CreateUser,
            C::RenameUser { .. } => K::RenameUser,
            C::InviteGuests { .. } => K::InviteGuests,
            C::ResendInvitation { .. } => K::ResendInvitation,
            C::AcceptInvitation { .. } => K::AcceptInvitation,
            C::RemoveUser { .. } => K::RemoveUser,
            C::ResetPassword { .. } => K::ResetPassword,
            C::ResetOwnPassword { .. } => K::ResetOwnPassword,
            C::AddGroups { .. } => K::AddGroups,
            C::CreateGroup { .. } => K::CreateGroup,
            C::ChangeGroupMembers { .. } => K::ChangeGroupMembers,
            C::RemoveGroup { .. } => K::RemoveGroup,
            C::AddApps { .. } => K::AddApps,
            C::CreateApp(_) => K::CreateApp,
            C::RemoveApps { .. } => K::RemoveApps,
            C::AddAppKey { .. } => K::AddAppKey,
            C::DeleteAppKey { .. } => K::DeleteAppKey,
            C::Grant { .. } => K::Grant,
            C::Revoke { .. } => K::Revoke,
            C::SetGrants { .. } => K::SetGrants,
            C::AcceptAgreement { .. } => K::AcceptAgreement,
            C::AssociateOwnerAccount { .. } => K::AssociateOwnerAccount,
            C::SetPayoutAccount { .. } => K::SetPayoutAccount,
            C::RecordPayoutVerification { .. } => K::RecordPayoutVerification,
            C::SetPayoutHold { .. } => K::SetPayoutHold,
            C::StartTaxProfile { .. } => K::StartTaxProfile,
            C::EditTaxProfile { .. } => K::EditTaxProfile,
            C::SubmitW9 { .. } => K::SubmitW9,
            C::SubmitW8Ben { .. } => K::SubmitW8Ben,
            C::SubmitW8BenE { .. } => K::SubmitW8BenE,
        }
    }
}

/// What an actor asks to see of an account: what the read authorisation table
/// ([`ReadKind::requirement`]) is keyed by, as [`CommandKind`] is for commands.
///
/// The service's reads on behalf of an actor ([`state_for`](crate::AccountService::state_for),
/// [`history_for`](crate::AccountService::history_for),
/// [`readiness_for`](crate::AccountService::readiness_for),
/// [`statements_for`](crate::AccountService::statements_for)) check it first, and
/// [`may_read`](crate::AccountService::may_read) answers it alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReadKind {
    /// The account's whole state. It holds the users' credential verifiers (Argon2id hashes
    /// of chosen passwords) and every grant.
    State,
    /// The account's audit trail: every event, who did it and when (rule X-1).
    History,
    /// What the account still lacks before it may sell (rule ACC-4).
    Readiness,
    /// Payout statements with US withholding: financial information (rules PAY-9, TAX-4).
    Statements,
}

impl ReadKind {
    /// Every kind of read.
    pub const ALL: &'static [ReadKind] = &[
        ReadKind::State,
        ReadKind::History,
        ReadKind::Readiness,
        ReadKind::Statements,
    ];
}

impl fmt::Display for ReadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReadKind::State => "state",
            ReadKind::History => "history",
            ReadKind::Readiness => "readiness",
            ReadKind::Statements => "statements",
        })
    }
}

impl fmt::Display for CommandKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The serde name: `rename_user`.
        let name = serde_json_free_name(*self);
        f.write_str(&name)
    }
}

/// The snake_case name of a kind, derived from its Debug name (no JSON needed).
fn serde_json_free_name(kind: CommandKind) -> String {
    let debug = format!("{kind:?}");
    let mut out = String::with_capacity(debug.len() + 4);
    for (i, c) in debug.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}
