//! The [`Agreements`] decider: accepting a version (rules AGR-1, AGR-3).

use partnerkit_core::{Actor, Context, Decider};

use crate::command::Command;
use crate::error::{Error, Result};
use crate::event::Event;
use crate::state::{Acceptance, Acceptances};

/// The decider of agreement acceptances; see the [crate docs](crate) for an example.
///
/// - [`State`](Decider::State) = [`Acceptances`], the account's accepted versions.
/// - [`Command`](Decider::Command) = [`Command`]: [`Command::Accept`].
/// - [`Event`](Decider::Event) = [`Event`]: [`Event::AgreementAccepted`].
/// - [`Error`](Decider::Error) = [`Error`].
///
/// **No-op commands.** The workspace rule is that a command whose effect already holds decides
/// to no events. Accepting is the exception rule AGR-3 demands: accepting a version the
/// account already accepted is refused with [`Error::AlreadyAccepted`] (and an older one with
/// [`Error::OlderThanAccepted`]), so a user who re-accepts learns the acceptance already
/// stands, with its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Agreements;

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
