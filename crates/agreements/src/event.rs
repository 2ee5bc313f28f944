//! What happened to an account's agreements (rule X-1).

use chrono::{DateTime, Utc};
use partnerkit_core::{DisplayName, UserId};
use serde::{Deserialize, Serialize};

use crate::catalogue::{AgreementId, AgreementText, AgreementVersion};

/// What happened to an account's agreements (rule X-1). The serialised form, with a `type`
/// tag, is a public format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A user accepted a version of an agreement (rules AGR-1, AGR-3).
    AgreementAccepted {
        /// The agreement.
        agreement: AgreementId,
        /// Its name when it was accepted.
        agreement_name: DisplayName,
        /// The exact version accepted.
        version: AgreementVersion,
        /// When that version was published; orders versions without the catalogue.
        version_published_at: DateTime<Utc>,
        /// The link and/or digest of the text accepted.
        text: AgreementText,
        /// When it was accepted.
        accepted_at: DateTime<Utc>,
        /// Who accepted it.
        accepted_by: UserId,
        /// Their name as shown on the acceptance list.
        name_shown: DisplayName,
    },
}
