#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use partnerkit_core::{AccountId, Version};

use super::{Append, Chain, LoadPlan, Reader, Upcaster, decode_with};
use crate::state::{AccountEvent, sample_events};
use crate::store::Write;

fn account(n: u128) -> AccountId {
    AccountId::from_uuid(uuid::Uuid::from_u128(n))
}

#[test]
fn a_chain_link_reads_back_from_its_hex() {
    let link = Chain::start(account(1));
    assert_eq!(Chain::from_hex(&link.to_hex()), Some(link));
    assert_eq!(Chain::from_hex("zz"), None);
    assert_eq!(Chain::from_hex(&"g".repeat(32)), None);
    assert_ne!(Chain::start(account(1)), Chain::start(account(2)));
}

#[test]
fn sealed_rows_read_back_as_the_events_and_a_snapshot_continues_the_chain() {
    // rule: X-9
    let id = account(3);
    let events = sample_events(4);
    let state = crate::AccountState::fold(events[..2].iter().map(|e| &e.event));
    let mut first =
        Append::new(Write::new(id, Version::INITIAL, &events[..2]).with_snapshot(&state)).unwrap();
    let snapshot = first.seal(None).unwrap().expect("a snapshot was asked for");
    let mut rows = first.rows().to_vec();
    let mut second = Append::new(Write::new(id, Version::new(2), &events[2..])).unwrap();
    let last = rows.last().map(|r| (r.seq, r.chain.clone())).unwrap();
    assert!(second.seal(Some((last.0, &last.1))).unwrap().is_none());
    rows.extend_from_slice(second.rows());

    let mut reader = Reader::whole(id, 4);
    for r in rows.clone() {
        reader.push(r).unwrap();
    }
    assert_eq!(reader.finish().unwrap(), events);

    let mut plan = LoadPlan::new(id, 4, Some(snapshot)).unwrap();
    assert_eq!(
        plan.first_seq(),
        2,
        "the snapshot's own last row anchors the chain"
    );
    for r in rows.into_iter().skip(1) {
        plan.push(r).unwrap();
    }
    let loaded = plan.finish().unwrap();
    assert_eq!(
        loaded.snapshot.map(|s| (s.version, s.state)),
        Some((Version::new(2), state))
    );
    assert_eq!(loaded.events, events[2..]);
    assert!(!loaded.refresh_snapshot);
}

#[test]
fn appending_to_a_tail_that_is_not_where_the_version_says_is_refused() {
    let id = account(4);
    let events = sample_events(2);
    let mut append = Append::new(Write::new(id, Version::new(3), &events)).unwrap();
    let err = append
        .seal(Some((2, &Chain::start(id).to_hex())))
        .unwrap_err();
    assert!(
        err.to_string().contains("last stored event row is 2"),
        "{err}"
    );
    let err = append.seal(None).unwrap_err();
    assert_eq!(err.code(), "corrupt");
}

fn add_tag(event: &mut serde_json::Value) -> Result<(), String> {
    let name = event
        .get_mut("display_name")
        .ok_or("no display_name")?
        .take();
    let name = name.as_str().ok_or("display_name is not text")?;
    event["display_name"] = serde_json::Value::String(format!("{name} (upcast)"));
    Ok(())
}

#[test]
fn a_later_release_reads_todays_payloads_through_its_upcasters() {
    // rule: X-9 (every stored format is named; earlier payloads are read, not guessed)
    let event = &sample_events(2)[1].event;
    let json = serde_json::to_string(event).unwrap();
    let upcasters = [Upcaster {
        domain: "identity",
        event_type: "account_opened",
        from: 1,
        upcast: add_tag,
    }];
    // Today's release reads it as it is.
    assert_eq!(&decode_with(&json, 1, 1, &upcasters).unwrap(), event);
    // A release at payload format 2 runs the upcaster from format 1.
    let read = decode_with(&json, 1, 2, &upcasters).unwrap();
    let AccountEvent::Identity(partnerkit_identity::Event::AccountOpened { display_name, .. }) =
        read
    else {
        panic!("still an AccountOpened: {read:?}");
    };
    assert!(
        display_name.as_str().ends_with("(upcast)"),
        "{display_name:?}"
    );
    // Without an upcaster for that event type, it is unchanged across the step.
    assert_eq!(&decode_with(&json, 1, 2, &[]).unwrap(), event);
    // A payload from a newer release, or format 0, is refused.
    for format in [0, 3] {
        let err = decode_with(&json, format, 2, &upcasters).unwrap_err();
        assert!(err.contains(&format!("payload format {format}")), "{err}");
    }
}
