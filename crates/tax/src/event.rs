//! What happened to a tax profile (rule X-1).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::state::{FormKind, ProfileDetails, SubmittedForm};

/// Why a form on file was withdrawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WithdrawalReason {
    /// Residence, citizenship or entity type changed: the form no longer describes the seller.
    ProfileChanged,
}

/// What happened to a tax profile (rule X-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Event {
    /// The profile was started (rule TAX-1).
    ProfileStarted {
        /// Residence, citizenship and entity type.
        #[serde(flatten)]
        details: ProfileDetails,
        /// The day (UTC) it was started: the details apply from it (rule TAX-8). `None` in
        /// histories recorded before the day was kept: the details then apply from the
        /// earliest date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
    },
    /// Residence, citizenship or entity type changed (rule TAX-1).
    ProfileEdited {
        /// The new residence, citizenship and entity type.
        #[serde(flatten)]
        details: ProfileDetails,
        /// The day (UTC) of the edit: the new details apply from it (rule TAX-8). `None` in
        /// histories recorded before the day was kept: the details then apply from the
        /// earliest date.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on: Option<NaiveDate>,
    },
    /// The form on file no longer applies, from `on` (rule TAX-1).
    FormWithdrawn {
        /// The withdrawn form.
        form: FormKind,
        /// Why.
        reason: WithdrawalReason,
        /// The day (UTC) it was withdrawn: the first day it no longer covers.
        on: NaiveDate,
    },
    /// A signed form was submitted on `on`; it replaces any form on file from that day
    /// (rule TAX-2).
    FormSubmitted {
        /// The form.
        form: SubmittedForm,
        /// The day (UTC) it was submitted. It covers sales from the later of this day and its
        /// signing date (see [`FormPeriod`](crate::FormPeriod)).
        on: NaiveDate,
    },
}
