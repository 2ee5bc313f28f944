//! The account profile: type, verification and status (ACC-1), publisher IDs (ACC-2),
//! contact info (ACC-3) and the identity part of "ready to sell" (ACC-4).

use std::fmt;

use partnerkit_core::{
    AccountId, DisplayName, EmailAddress, PersonName, PhoneNumber, PostalAddress, SellerId,
};
use serde::{Deserialize, Serialize};

use crate::names::DomainName;
use crate::state::Account;
use partnerkit_core::TenantId;

/// Whether the publisher is a company or an individual (rule ACC-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccountType {
    /// A company: email, employment and business verification.
    Company,
    /// An individual: email verification only.
    Individual,
}

impl AccountType {
    /// The verification steps this type of account goes through, in the order shown.
    pub fn required_steps(self) -> &'static [VerificationStep] {
        match self {
            AccountType::Company => &[
                VerificationStep::Email,
                VerificationStep::Employment,
                VerificationStep::Business,
            ],
            AccountType::Individual => &[VerificationStep::Email],
        }
    }

    /// True if accounts of this type go through `step`.
    pub fn requires(self, step: VerificationStep) -> bool {
        self.required_steps().contains(&step)
    }
}

impl fmt::Display for AccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            AccountType::Company => "company",
            AccountType::Individual => "individual",
        })
    }
}

/// A verification step the marketplace runs (rule ACC-1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum VerificationStep {
    /// The contact email was confirmed.
    Email,
    /// The person works for the company.
    Employment,
    /// The company exists and is who it says.
    Business,
}

impl fmt::Display for VerificationStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            VerificationStep::Email => "email",
            VerificationStep::Employment => "employment",
            VerificationStep::Business => "business",
        })
    }
}

/// The longest verification rejection reason kept, in characters.
pub(crate) const MAX_REASON_CHARS: usize = 500;

/// Where one verification step stands (rule ACC-1).
///
/// A rejection reason is checked as text (1 to 500 characters, no control characters,
/// trimmed) when the command is decided, and again when it is read back through serde, so a
/// stored event cannot hold one the decider would have refused.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case", try_from = "RawStepState")]
pub enum StepState {
    /// Not begun.
    #[default]
    NotStarted,
    /// Submitted, waiting for the marketplace.
    Pending,
    /// Done.
    Verified,
    /// Refused; the publisher must act (the status shows it as needing action).
    Rejected {
        /// Why, as the marketplace said it.
        reason: String,
    },
}

/// [`StepState`] as read, before its reason is checked.
#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
enum RawStepState {
    NotStarted,
    Pending,
    Verified,
    Rejected {
        #[cfg_attr(feature = "schema", schemars(extend("minLength" = 1, "maxLength" = 500, "pattern" = partnerkit_core::TEXT_PATTERN)))]
        reason: String,
    },
}

impl TryFrom<RawStepState> for StepState {
    type Error = partnerkit_core::Error;
    fn try_from(raw: RawStepState) -> Result<StepState, partnerkit_core::Error> {
        Ok(match raw {
            RawStepState::NotStarted => StepState::NotStarted,
            RawStepState::Pending => StepState::Pending,
            RawStepState::Verified => StepState::Verified,
            RawStepState::Rejected { reason } => StepState::Rejected {
                reason: partnerkit_core::checked_text(
                    "rejection reason",
                    &reason,
                    MAX_REASON_CHARS,
                )?,
            },
        })
    }
}

/// The state of every verification step.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verification {
    /// Email verification.
    pub email: StepState,
    /// Employment verification (company accounts).
    pub employment: StepState,
    /// Business verification (company accounts).
    pub business: StepState,
}

impl Verification {
    /// The state of `step`.
    pub fn get(&self, step: VerificationStep) -> &StepState {
        match step {
            VerificationStep::Email => &self.email,
            VerificationStep::Employment => &self.employment,
            VerificationStep::Business => &self.business,
        }
    }

    pub(crate) fn set(&mut self, step: VerificationStep, state: StepState) {
        match step {
            VerificationStep::Email => self.email = state,
            VerificationStep::Employment => self.employment = state,
            VerificationStep::Business => self.business = state,
        }
    }
}

/// One required step and its state, as the status shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StepStatus {
    /// The step.
    pub step: VerificationStep,
    /// Its state.
    pub state: StepState,
}

/// The account's status, derived from its verification steps (rule ACC-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AccountStatus {
    /// Every required step is verified.
    Verified,
    /// Verification is under way; every required step with its state.
    InVerification {
        /// The required steps.
        steps: Vec<StepStatus>,
    },
    /// A required step was rejected and the publisher must act; every required step.
    ActionNeeded {
        /// The required steps.
        steps: Vec<StepStatus>,
    },
}

impl AccountStatus {
    /// True when every required step is verified.
    pub fn is_verified(&self) -> bool {
        matches!(self, AccountStatus::Verified)
    }
}

/// The seller contact (rule ACC-3). Each part is a validated core type, so an invalid email,
/// phone or address cannot get here.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SellerContact {
    /// The contact's name.
    pub name: PersonName,
    /// The contact's email.
    pub email: EmailAddress,
    /// The contact's phone.
    pub phone: PhoneNumber,
    /// The contact's postal address.
    pub address: PostalAddress,
}

/// The company approver: the person allowed to approve decisions for the company (rule
/// ACC-3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CompanyApprover {
    /// The approver's name.
    pub name: PersonName,
    /// The approver's email.
    pub email: EmailAddress,
    /// The approver's phone.
    pub phone: PhoneNumber,
}

/// The account profile: publisher IDs, type, verification and contact info.
///
/// The owner account is not kept here: the payouts crate is its one store (rule PAY-1), and
/// rule TEN-4 trusts an [`Actor::OwnerAccount`](partnerkit_core::Actor::OwnerAccount) as the
/// facade vouches for it. A profile stored with an `owner` field still loads; the field is
/// ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Profile {
    /// The account (user) ID the marketplace assigned (rule ACC-2).
    pub account: AccountId,
    /// The seller ID the marketplace assigned (rule ACC-2).
    pub seller_id: SellerId,
    /// Company or individual (rule ACC-1).
    pub account_type: AccountType,
    /// The publisher display name (rule ACC-3).
    pub display_name: DisplayName,
    /// The verification steps (rule ACC-1).
    pub verification: Verification,
    /// The seller contact, once given (rule ACC-3).
    pub seller_contact: Option<SellerContact>,
    /// The company approver, once given; company accounts only (rule ACC-3).
    pub company_approver: Option<CompanyApprover>,
}

impl Profile {
    /// Every required step with its state (rule ACC-1).
    pub fn steps(&self) -> Vec<StepStatus> {
        self.account_type
            .required_steps()
            .iter()
            .map(|s| StepStatus {
                step: *s,
                state: self.verification.get(*s).clone(),
            })
            .collect()
    }

    /// The status derived from the required steps (rule ACC-1): verified only when every
    /// required step is; a rejected step means action is needed.
    pub fn status(&self) -> AccountStatus {
        let steps = self.steps();
        if steps.iter().all(|s| s.state == StepState::Verified) {
            AccountStatus::Verified
        } else if steps
            .iter()
            .any(|s| matches!(s.state, StepState::Rejected { .. }))
        {
            AccountStatus::ActionNeeded { steps }
        } else {
            AccountStatus::InVerification { steps }
        }
    }
}

/// The publisher IDs and the tenants listed with them (rule ACC-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PublisherIds {
    /// The account (user) ID.
    pub account: AccountId,
    /// The seller ID.
    pub seller_id: SellerId,
    /// The associated tenants with their domains.
    pub tenants: Vec<(TenantId, DomainName)>,
}

/// What the identity part of the account still lacks before it may sell paid offers
/// (rule ACC-4).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "missing", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MissingForSale {
    /// The account is not opened.
    AccountNotOpened,
    /// Not every required verification step is verified.
    Verification {
        /// The required steps not yet verified.
        steps: Vec<StepStatus>,
    },
    /// No seller contact was given.
    SellerContact,
    /// A company account gave no company approver.
    CompanyApprover,
}

/// What the account's identity still lacks before it may sell paid offers (rule ACC-4):
/// empty when it is verified and its contact info is complete.
///
/// Free offers need none of this beyond an open account. Payout account and tax forms are
/// the other crates' parts of the check; the facade joins them.
pub fn sell_readiness(account: &Account) -> Vec<MissingForSale> {
    let Some(p) = account.profile() else {
        return vec![MissingForSale::AccountNotOpened];
    };
    let mut missing = Vec::new();
    let unverified: Vec<StepStatus> = p
        .steps()
        .into_iter()
        .filter(|s| s.state != StepState::Verified)
        .collect();
    if !unverified.is_empty() {
        missing.push(MissingForSale::Verification { steps: unverified });
    }
    if p.seller_contact.is_none() {
        missing.push(MissingForSale::SellerContact);
    }
    if p.account_type == AccountType::Company && p.company_approver.is_none() {
        missing.push(MissingForSale::CompanyApprover);
    }
    missing
}
