//! What can be asked of an account's agreements: accept a version (rules AGR-1, AGR-3).

use chrono::{DateTime, Utc};
use partnerkit_core::{DisplayName, UserId};
use serde::{Deserialize, Serialize};

use crate::catalogue::{AgreementId, AgreementVersion, Catalogue, ResolvedVersion};
use crate::error::Result;

/// What can be asked of an account's agreements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Record that `accepted_by` accepted the exact version they read (rules AGR-1, AGR-3).
    ///
    /// Build it with [`Command::accept`], which resolves the version against the catalogue.
    /// Refused if the account already accepted this version ([`Error::AlreadyAccepted`](crate::Error::AlreadyAccepted)) or a
    /// later one ([`Error::OlderThanAccepted`](crate::Error::OlderThanAccepted)), if the version is published after the command
    /// ([`Error::VersionNotYetPublished`](crate::Error::VersionNotYetPublished)), or if a signed-in user names someone else as
    /// accepting ([`Error::AcceptedByAnotherUser`](crate::Error::AcceptedByAnotherUser)). Whether the actor may accept agreements at
    /// all is the access crate's question, asked by the facade before deciding.
    Accept {
        /// The version read, as resolved by [`Catalogue::resolve`].
        version: ResolvedVersion,
        /// The user who accepts.
        accepted_by: UserId,
        /// The user's name as shown on the acceptance list (rule AGR-1). For a user with a
        /// [`PersonName`](partnerkit_core::PersonName) `n`, `DisplayName::new(&n.to_string())`.
        name_shown: DisplayName,
    },
}

impl Command {
    /// Resolves `version` of `agreement` against `catalogue` at `now` (see
    /// [`Catalogue::resolve`]) and builds [`Command::Accept`] with it.
    ///
    /// `now` should be the time of the command's [`Context`](partnerkit_core::Context).
    pub fn accept(
        catalogue: &Catalogue,
        agreement: &AgreementId,
        version: &AgreementVersion,
        now: DateTime<Utc>,
        accepted_by: UserId,
        name_shown: DisplayName,
    ) -> Result<Command> {
        Ok(Command::Accept {
            version: catalogue.resolve(agreement, version, now)?,
            accepted_by,
            name_shown,
        })
    }
}
