//! The given/when/then harness itself, on a toy decider.

use partnerkit_core::testing::{at, given, id};
use partnerkit_core::{Actor, Context, Decider, UserId};

struct Roster;

#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
enum Event {
    Joined(UserId),
}

#[derive(Debug, PartialEq, thiserror::Error)]
enum Error {
    #[error("already on the roster")]
    Already,
}

impl Decider for Roster {
    type State = Vec<UserId>;
    type Command = Option<UserId>;
    type Event = Event;
    type Error = Error;
    fn decide(s: &Vec<UserId>, c: Option<UserId>, ctx: &Context<'_>) -> Result<Vec<Event>, Error> {
        let u = c.unwrap_or_else(|| ctx.new_id());
        if s.contains(&u) {
            return Err(Error::Already);
        }
        Ok(vec![Event::Joined(u)])
    }
    fn apply(s: &mut Vec<UserId>, Event::Joined(u): &Event) {
        s.push(*u);
    }
}

#[test]
fn accepted_commands_return_the_state_after_them() {
    let state = given::<Roster>([Event::Joined(id(1))])
        .at(at(2027, 1, 1, 0, 0, 0))
        .by(Actor::Marketplace)
        .when(Some(id(2)))
        .then([Event::Joined(id(2))]);
    assert_eq!(state, vec![id(1), id(2)]);
}

#[test]
fn ids_drawn_by_the_harness_are_deterministic_and_apart_from_test_ids() {
    given::<Roster>([])
        .when(None)
        .then([Event::Joined(id(1_000_001))]);
}

#[test]
fn refusals_are_matched() {
    given::<Roster>([Event::Joined(id(1))])
        .when(Some(id(1)))
        .then_err(Error::Already);
    given::<Roster>([Event::Joined(id(1))])
        .when(Some(id(1)))
        .then_err_matches(|e| matches!(e, Error::Already));
}

#[test]
#[should_panic(expected = "refused")]
fn a_refusal_where_events_were_expected_fails_the_test() {
    given::<Roster>([Event::Joined(id(1))])
        .when(Some(id(1)))
        .then([]);
}

#[test]
fn decisions_depend_only_on_their_inputs() {
    // rule: X-5
    // Time and ids come from the context, so two runs with the same inputs agree exactly.
    let run = || {
        given::<Roster>([Event::Joined(id(1))])
            .at(at(2027, 3, 1, 0, 0, 0))
            .when(None)
            .result()
    };
    assert_eq!(run(), run());
}
