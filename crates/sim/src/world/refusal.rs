//! Rule X-2's one refusal: an actor who cannot sign in — a stranger user, app or owner
//! account, a pending guest acting on anything but its own invitation, a removed user or app,
//! a user claiming another tenant — gets `cannot_sign_in` for a command of every kind, the
//! same on the account as it is now and on an account that does not exist.

use partnerkit::core::{Actor, UserId};
use partnerkit::{AccountCommand as C, authorize_command};

use super::reads::can_sign_in;
use super::{Seen, World, uuid};

impl World {
    /// The actors who cannot sign in to the account as it is `now`, each with a label.
    fn refused_actors(&self, now: &Seen) -> Vec<(&'static str, Actor)> {
        let c = &self.cast;
        let identity = &now.state.identity;
        let mut actors = vec![
            (
                "a stranger user of the first tenant",
                Actor::User {
                    tenant: c.t1,
                    user: uuid(951),
                },
            ),
            (
                "a stranger user of another tenant",
                Actor::User {
                    tenant: uuid(952),
                    user: uuid(953),
                },
            ),
            (
                "a stranger owner account",
                Actor::OwnerAccount { owner: uuid(954) },
            ),
            (
                "a stranger app",
                Actor::App {
                    tenant: c.t1,
                    app: uuid(955),
                },
            ),
            (
                "a user claiming another tenant",
                Actor::User {
                    tenant: c.t2,
                    user: c.alice,
                },
            ),
        ];
        let pending = identity
            .users()
            .find(|u| identity.is_pending_guest(u.tenant, u.id));
        if let Some(guest) = pending {
            actors.push((
                "a pending guest",
                Actor::User {
                    tenant: guest.tenant,
                    user: guest.id,
                },
            ));
        }
        let removed = (self.pool.users.iter().rev())
            .find(|(_, u)| identity.user(*u).is_none())
            .map(|(tenant, user)| Actor::User {
                tenant: *tenant,
                user: *user,
            });
        actors.extend(removed.map(|a| ("a removed user", a)));
        let removed_app = (self.pool.apps.iter().rev())
            .find(|(_, a)| identity.app(*a).is_none())
            .map(|(tenant, app)| Actor::App {
                tenant: *tenant,
                app: *app,
            });
        actors.extend(removed_app.map(|a| ("a removed app", a)));
        actors
    }

    /// Checks the one refusal: see the [module docs](self).
    pub(super) fn check_one_refusal(&self, now: &Seen) -> Result<(), String> {
        let (nowhere, empty) = &self.nowhere;
        for (who, actor) in self.refused_actors(now) {
            if can_sign_in(&now.state, &actor) {
                // The pool's pick can sign in after all (a claimed tenant associated later):
                // not a refused actor.
                continue;
            }
            // An invitation that is not the actor's own: a guest's names the first user,
            // anyone else's names themselves.
            let invitee: UserId = match actor {
                Actor::User { user, .. } if who != "a pending guest" => user,
                _ => self.cast.alice,
            };
            let accept = C::AcceptInvitation { user: invitee };
            for command in self.samples.iter().chain(std::iter::once(&accept)) {
                let here = authorize_command(&now.state, &now.index, &actor, command)
                    .err()
                    .map(|d| d.code());
                let there = authorize_command(nowhere, empty, &actor, command)
                    .err()
                    .map(|d| d.code());
                if here != Some("cannot_sign_in") || there != here {
                    return Err(format!(
                        "{who} ({actor:?}) asking for {} got {} here and {} on an account that does not exist; it must get cannot_sign_in on both (rule X-2)",
                        command.kind(),
                        here.unwrap_or("no refusal"),
                        there.unwrap_or("no refusal"),
                    ));
                }
            }
        }
        Ok(())
    }
}
