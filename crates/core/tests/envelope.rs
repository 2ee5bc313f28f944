//! The envelope's format versions: every earlier format decodes, a later one is refused.

use chrono::{TimeZone, Utc};
use partnerkit_core::testing::id;
use partnerkit_core::*;

const V1: &str = r#"{"at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"opened"}"#;
const V2: &str = r#"{"v":2,"id":"00000000-0000-0000-0000-000000000009","at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"opened"}"#;

fn decode(json: &str) -> Result<Envelope<String>, serde_json::Error> {
    serde_json::from_str(json)
}

// rule: X-1
#[test]
fn a_new_envelope_is_current_with_an_id_from_the_context() {
    let ids = SequentialIds::starting_after(41);
    let ctx = Context::new(
        Utc.with_ymd_and_hms(2027, 3, 31, 23, 59, 0).unwrap(),
        Actor::Marketplace,
        &ids,
    );
    let a = Envelope::new(&ctx, "a");
    let b = Envelope::new(&ctx, "b");
    assert_eq!(a.v, ENVELOPE_FORMAT);
    assert_eq!(ENVELOPE_FORMAT, 2);
    assert_eq!(a.id, Some(id::<EventId>(42)));
    assert_eq!(
        b.id,
        Some(id::<EventId>(43)),
        "each envelope draws its own id"
    );
    let mapped = a.clone().map(str::len);
    assert_eq!(
        (mapped.v, mapped.id, mapped.at, mapped.actor),
        (a.v, a.id, a.at, a.actor)
    );
}

// rule: X-1
#[test]
fn format_1_decodes_without_an_id_and_stays_format_1() {
    let e = decode(V1).unwrap();
    assert_eq!((e.v, e.id), (1, None));
    assert_eq!(e.event, "opened");
    assert_eq!(serde_json::to_string(&e).unwrap(), V1);
}

// rule: X-1
#[test]
fn format_2_round_trips_with_its_id() {
    let e = decode(V2).unwrap();
    assert_eq!((e.v, e.id), (2, Some(id::<EventId>(9))));
    assert_eq!(serde_json::to_string(&e).unwrap(), V2);
}

#[test]
fn inconsistent_or_unknown_formats_are_refused_with_what_to_do() {
    let cases = [
        (
            r#"{"v":3,"id":"00000000-0000-0000-0000-000000000009","at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"x"}"#,
            "upgrade partnerkit",
        ),
        (
            r#"{"v":0,"at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"x"}"#,
            "formats start at 1",
        ),
        (
            r#"{"v":2,"at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"x"}"#,
            "needs an \"id\"",
        ),
        (
            r#"{"id":"00000000-0000-0000-0000-000000000009","at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"x"}"#,
            "format 1 has no id",
        ),
        (
            r#"{"v":1,"id":"00000000-0000-0000-0000-000000000009","at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"x"}"#,
            "format 1 has no id",
        ),
        (
            r#"{"v":2,"id":"not-a-uuid","at":"2027-03-31T23:59:00Z","actor":{"kind":"marketplace"},"event":"x"}"#,
            "",
        ),
    ];
    for (json, says) in cases {
        let err = decode(json).expect_err(json).to_string();
        assert!(err.contains(says), "{json}: {err}");
    }
}

#[test]
fn format_problem_names_what_a_store_read_back_wrongly() {
    let mut e = decode(V2).unwrap();
    assert_eq!(e.format_problem(), None);
    e.id = None;
    assert!(e.format_problem().unwrap().contains("needs an \"id\""));
    e.v = 1;
    assert_eq!(e.format_problem(), None);
    e.v = ENVELOPE_FORMAT + 1;
    assert!(e.format_problem().unwrap().contains("upgrade partnerkit"));
}
