//! [`AccountCommand::kind`]: what kind of command a command is, without its data. The kinds
//! themselves, [`CommandKind`] and [`ReadKind`], belong to the authorisation model in
//! `partnerkit-access`, which is keyed by them.

pub use partnerkit_access::{CommandKind, ReadKind};

use crate::command::AccountCommand;

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
