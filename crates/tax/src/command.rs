//! What can be asked of the [`Tax`](crate::Tax) decider: start or edit the profile, submit a
//! W-9, W-8BEN or W-8BEN-E (rules TAX-1, TAX-2).

use partnerkit_core::DisplayName;

use crate::state::{ElectronicSignature, ProfileDetails, TreatyClaim};
use crate::tin::{ForeignTin, UsTin};
use crate::treaty::TreatyTable;

/// A W-9 as filled in by a US person (rule TAX-2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct W9 {
    /// Name as shown on the income tax return.
    pub name: DisplayName,
    /// SSN, ITIN or EIN: nine digits, written `123-45-6789` (SSN, ITIN) or `12-3456789`
    /// (EIN), or without separators; checked by the SSA's and the IRS's rules for its kind
    /// when the [`UsTin`] was made (no area 000, 666 or 900–999 in an SSN, ITIN groups,
    /// assigned EIN prefixes; see `docs/MONEY.md`). Kept only masked (rule X-4).
    pub tin: UsTin,
    /// The electronic signature.
    pub signature: ElectronicSignature,
}

/// A W-8BEN (foreign individual) or W-8BEN-E (foreign entity) as filled in (rules TAX-2,
/// TAX-3, TAX-5).
///
/// There is no US TIN or ITIN field: neither is needed to be paid or to claim a treaty rate
/// (rule TAX-3). The foreign TIN is optional.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct W8 {
    /// The beneficial owner: the individual's or the organisation's name.
    pub name: DisplayName,
    /// The foreign (residence-country) TIN, if given. Kept only masked (rule X-4).
    pub foreign_tin: Option<ForeignTin>,
    /// Part II of the W-8BEN (Part III of the W-8BEN-E): the treaty claim, if any.
    pub treaty_claim: Option<TreatyClaim>,
    /// The electronic signature.
    pub signature: ElectronicSignature,
}

/// What can be asked of the [`Tax`](crate::Tax) decider.
///
/// Not serialisable: forms carry TINs, secrets that serialise only masked (rule X-4).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Command {
    /// Start the tax profile (rule TAX-1).
    StartProfile(ProfileDetails),
    /// Change residence, citizenship or entity type (rule TAX-1). A change withdraws the form on
    /// file: the seller submits the form the new details require.
    EditProfile(ProfileDetails),
    /// Submit a W-9 (US persons, rule TAX-2).
    SubmitW9(W9),
    /// Submit a W-8BEN (foreign individuals); a treaty claim is checked against `treaties`.
    SubmitW8Ben {
        /// The form.
        form: W8,
        /// The treaty table in force (the host's, or [`TreatyTable::irs_table_1`]).
        treaties: TreatyTable,
    },
    /// Submit a W-8BEN-E (foreign entities); a treaty claim is checked against `treaties`.
    SubmitW8BenE {
        /// The form.
        form: W8,
        /// The treaty table in force.
        treaties: TreatyTable,
    },
}
