//! The account's accepted versions: the state of the [`Agreements`](crate::Agreements)
//! decider (rule AGR-1).

use chrono::{DateTime, Utc};
use partnerkit_core::{DisplayName, UserId};
use serde::{Deserialize, Serialize};

use crate::catalogue::{AgreementId, AgreementText, AgreementVersion};

/// One accepted version: a row of the account's agreement list (rule AGR-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct Acceptance {
    /// The agreement.
    pub agreement: AgreementId,
    /// Its name when it was accepted.
    pub agreement_name: DisplayName,
    /// The exact version accepted.
    pub version: AgreementVersion,
    /// When that version was published.
    pub version_published_at: DateTime<Utc>,
    /// The link and/or digest of the text accepted.
    pub text: AgreementText,
    /// When it was accepted.
    pub accepted_at: DateTime<Utc>,
    /// Who accepted it.
    pub accepted_by: UserId,
    /// Their name as shown.
    pub name_shown: DisplayName,
}

/// The account's acceptances, newest first (rule AGR-1): the state of [`Agreements`](crate::Agreements).
///
/// Serialised as a JSON array of [`Acceptance`]s. Rebuilt from [`Event`](crate::Event)s alone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct Acceptances {
    pub(crate) list: Vec<Acceptance>,
}

impl Acceptances {
    /// Every acceptance, newest first (by time of acceptance; ties: the one recorded last
    /// first).
    pub fn list(&self) -> &[Acceptance] {
        &self.list
    }

    /// Iterates over the acceptances, newest first.
    pub fn iter(&self) -> std::slice::Iter<'_, Acceptance> {
        self.list.iter()
    }

    /// How many versions were accepted, over all agreements.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether nothing was accepted yet.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The acceptance of `version` of `agreement`, if the account accepted it.
    pub fn find(&self, agreement: &AgreementId, version: &AgreementVersion) -> Option<&Acceptance> {
        self.list
            .iter()
            .find(|a| &a.agreement == agreement && &a.version == version)
    }

    /// Whether the account accepted `version` of `agreement`.
    pub fn has_accepted(&self, agreement: &AgreementId, version: &AgreementVersion) -> bool {
        self.find(agreement, version).is_some()
    }

    /// The acceptance of the most recently published version of `agreement` the account
    /// accepted.
    pub fn latest_for(&self, agreement: &AgreementId) -> Option<&Acceptance> {
        self.list
            .iter()
            .filter(|a| &a.agreement == agreement)
            .max_by_key(|a| a.version_published_at)
    }
}

impl<'a> IntoIterator for &'a Acceptances {
    type Item = &'a Acceptance;
    type IntoIter = std::slice::Iter<'a, Acceptance>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}
