//! Accepting a version: the account's acceptances, the command and its event.

use chrono::{DateTime, Utc};
use partnerkit_core::{Actor, Context, Decider, DisplayName, UserId};
use serde::{Deserialize, Serialize};

use crate::catalogue::{AgreementId, AgreementText, AgreementVersion, Catalogue, ResolvedVersion};
use crate::error::{Error, Result};

/// The decider of agreement acceptances; see the [crate docs](crate) for an example.
///
/// - [`State`](Decider::State) = [`Acceptances`], the account's accepted versions.
/// - [`Command`](Decider::Command) = [`Command`]: [`Command::Accept`].
/// - [`Event`](Decider::Event) = [`Event`]: [`Event::AgreementAccepted`].
/// - [`Error`](Decider::Error) = [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Agreements;

/// What can be asked of an account's agreements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Command {
    /// Record that `accepted_by` accepted the exact version they read (rules AGR-1, AGR-3).
    ///
    /// Build it with [`Command::accept`], which resolves the version against the catalogue.
    /// Refused if the account already accepted this version ([`Error::AlreadyAccepted`]) or a
    /// later one ([`Error::OlderThanAccepted`]), if the version is published after the command
    /// ([`Error::VersionNotYetPublished`]), or if a signed-in user names someone else as
    /// accepting ([`Error::AcceptedByAnotherUser`]). Whether the actor may accept agreements at
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
    /// `now` should be the time of the command's [`Context`].
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

/// What happened to an account's agreements (rule X-1). The serialised form, with a `type`
/// tag, is a public format.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// One accepted version: a row of the account's agreement list (rule AGR-1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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

/// The account's acceptances, newest first (rule AGR-1): the state of [`Agreements`].
///
/// Serialised as a JSON array of [`Acceptance`]s. Rebuilt from [`Event`]s alone.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Acceptances {
    list: Vec<Acceptance>,
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

impl Decider for Agreements {
    type State = Acceptances;
    type Command = Command;
    type Event = Event;
    type Error = Error;

    fn decide(state: &Acceptances, command: Command, ctx: &Context<'_>) -> Result<Vec<Event>> {
        match command {
            Command::Accept {
                version: resolved,
                accepted_by,
                name_shown,
            } => {
                let now = ctx.now();
                if resolved.published_at() > now {
                    return Err(Error::VersionNotYetPublished {
                        agreement: resolved.agreement().clone(),
                        version: resolved.version().clone(),
                        published_at: resolved.published_at(),
                    });
                }
                if let Actor::User { user, .. } = ctx.actor()
                    && user != accepted_by
                {
                    return Err(Error::AcceptedByAnotherUser {
                        actor: user,
                        accepted_by,
                    });
                }
                if let Some(done) = state.find(resolved.agreement(), resolved.version()) {
                    return Err(Error::AlreadyAccepted {
                        agreement: done.agreement.clone(),
                        version: done.version.clone(),
                        accepted_at: done.accepted_at,
                    });
                }
                if let Some(newer) = state.latest_for(resolved.agreement())
                    && newer.version_published_at >= resolved.published_at()
                {
                    return Err(Error::OlderThanAccepted {
                        agreement: resolved.agreement().clone(),
                        version: resolved.version().clone(),
                        accepted: newer.version.clone(),
                    });
                }
                Ok(vec![Event::AgreementAccepted {
                    agreement: resolved.agreement().clone(),
                    agreement_name: resolved.name().clone(),
                    version: resolved.version().clone(),
                    version_published_at: resolved.published_at(),
                    text: resolved.text().clone(),
                    accepted_at: now,
                    accepted_by,
                    name_shown,
                }])
            }
        }
    }

    fn apply(state: &mut Acceptances, event: &Event) {
        match event {
            Event::AgreementAccepted {
                agreement,
                agreement_name,
                version,
                version_published_at,
                text,
                accepted_at,
                accepted_by,
                name_shown,
            } => {
                let row = Acceptance {
                    agreement: agreement.clone(),
                    agreement_name: agreement_name.clone(),
                    version: version.clone(),
                    version_published_at: *version_published_at,
                    text: text.clone(),
                    accepted_at: *accepted_at,
                    accepted_by: *accepted_by,
                    name_shown: name_shown.clone(),
                };
                // Newest first, even if events arrive with out-of-order timestamps.
                let at = state
                    .list
                    .iter()
                    .position(|a| a.accepted_at <= row.accepted_at)
                    .unwrap_or(state.list.len());
                state.list.insert(at, row);
            }
        }
    }
}
