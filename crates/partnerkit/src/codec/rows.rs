//! Event rows: what a store keeps of each event, the chain that ties them in order to their
//! account, and the checks on the way back.

use std::collections::HashMap;

use partnerkit_core::chrono::SecondsFormat;
use partnerkit_core::{AccountId, EventId, Version};
use sha2::{Digest, Sha256};

use super::{Error, PAYLOAD_FORMAT, corrupt, upcast};
use crate::store::Recorded;

/// One stored event, as a store's row keeps it: plain columns, written by
/// [`Append`](super::Append) and checked by [`Reader`](super::Reader).
///
/// A store keeps every field exactly as given (text byte for byte) and gives it back
/// unchanged: the [`chain`](Self::chain) is a hash over these bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// The event's number in its account's history, from 1.
    pub seq: u64,
    /// The envelope's format (`Envelope::v`).
    pub envelope: u16,
    /// The payload's format ([`PAYLOAD_FORMAT`] when written by this release).
    pub payload: u16,
    /// The event id as text (a UUID), or `None` for envelope format 1.
    pub id: Option<String>,
    /// When it happened, RFC 3339 in UTC.
    pub at: String,
    /// Who did it, as JSON.
    pub actor: String,
    /// The event, as JSON (`{"domain": …, "event": …}`).
    pub event: String,
    /// The hash that chains this row to the one before it and to its account (rule X-9):
    /// 32 lower-case hex digits.
    pub chain: String,
}

/// A link of an account's event chain: the first 16 bytes of a SHA-256 over the link before
/// it and the row's columns; the chain of an empty history is a hash of the account id.
///
/// It proves order and membership, not authorship: anyone who can write rows can recompute
/// it. It turns an accident or a careless hand edit (rows swapped, duplicated, moved between
/// accounts, a payload replaced) into a refusal instead of a different history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chain([u8; 16]);

impl Chain {
    /// The chain of an account with no events.
    pub fn start(account: AccountId) -> Chain {
        let mut h = Sha256::new();
        h.update(b"partnerkit event chain v1\0");
        h.update(account.uuid().as_bytes());
        Chain::finish(h)
    }

    /// The link of `row` after this one.
    pub fn next(&self, row: &EventRow) -> Chain {
        let mut h = Sha256::new();
        h.update(self.0);
        h.update(row.seq.to_be_bytes());
        h.update(row.envelope.to_be_bytes());
        h.update(row.payload.to_be_bytes());
        for part in [
            row.id.as_deref().unwrap_or(""),
            &row.at,
            &row.actor,
            &row.event,
        ] {
            // Length-prefixed, so no two different rows hash the same parts.
            h.update((part.len() as u64).to_be_bytes());
            h.update(part.as_bytes());
        }
        Chain::finish(h)
    }

    fn finish(h: Sha256) -> Chain {
        let digest = h.finalize();
        let mut out = [0u8; 16];
        for (o, d) in out.iter_mut().zip(digest.iter()) {
            *o = *d;
        }
        Chain(out)
    }

    /// The 16 bytes.
    pub fn to_bytes(self) -> [u8; 16] {
        self.0
    }

    /// A chain from its 16 bytes.
    pub fn from_bytes(bytes: [u8; 16]) -> Chain {
        Chain(bytes)
    }

    /// The chain as stored: 32 lower-case hex digits.
    pub fn to_hex(self) -> String {
        use std::fmt::Write as _;
        self.0.iter().fold(String::with_capacity(32), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    /// Parses 32 hex digits, or `None`.
    pub fn from_hex(text: &str) -> Option<Chain> {
        let bytes = text.as_bytes();
        if bytes.len() != 32 {
            return None;
        }
        let mut out = [0u8; 16];
        for (o, pair) in out.iter_mut().zip(bytes.chunks_exact(2)) {
            let hex = std::str::from_utf8(pair).ok()?;
            *o = u8::from_str_radix(hex, 16).ok()?;
        }
        Some(Chain(out))
    }
}

/// Encodes one append's events into rows, each proven to read back as the same event. The
/// actor and the time, the same for every event a command records, are encoded and proven
/// once per distinct value.
#[derive(Default)]
pub(super) struct Encoder {
    actor: Option<(partnerkit_core::Actor, String)>,
    at: Option<(
        partnerkit_core::chrono::DateTime<partnerkit_core::chrono::Utc>,
        String,
    )>,
}

impl Encoder {
    /// The columns of event `n` of the append, numbered `seq`, before its link is known.
    pub(super) fn row(&mut self, e: &Recorded, seq: u64, n: usize) -> Result<EventRow, Error> {
        let unstorable = |why: String| Error::Unstorable {
            what: format!("event {n} of this append: {why}"),
        };
        if let Some(problem) = e.format_problem() {
            return Err(unstorable(problem));
        }
        let actor = match &self.actor {
            Some((actor, json)) if *actor == e.actor => json.clone(),
            _ => {
                let json = serde_json::to_string(&e.actor)
                    .map_err(|err| unstorable(format!("its actor has no JSON form: {err}")))?;
                match serde_json::from_str::<partnerkit_core::Actor>(&json) {
                    Ok(back) if back == e.actor => {}
                    _ => return Err(unstorable("its actor would not read back".into())),
                }
                self.actor = Some((e.actor, json.clone()));
                json
            }
        };
        let at = match &self.at {
            Some((at, text)) if *at == e.at => text.clone(),
            _ => {
                let text = e.at.to_rfc3339_opts(SecondsFormat::AutoSi, true);
                if read_time(&text).ok() != Some(e.at) {
                    return Err(unstorable("its time would not read back".into()));
                }
                self.at = Some((e.at, text.clone()));
                text
            }
        };
        let event = serde_json::to_string(&e.event)
            .map_err(|err| unstorable(format!("it has no JSON form: {err}")))?;
        match upcast::decode_payload(&event, PAYLOAD_FORMAT) {
            Ok(back) if back == e.event => {}
            Ok(_) => return Err(unstorable("it reads back as a different event".into())),
            Err(why) => return Err(unstorable(format!("it would not read back: {why}"))),
        }
        Ok(EventRow {
            seq,
            envelope: e.v,
            payload: PAYLOAD_FORMAT,
            id: e.id.map(|i| i.to_string()),
            at,
            actor,
            event,
            chain: String::new(),
        })
    }
}

/// A stored time, read as the envelope's serde form reads it.
fn read_time(
    text: &str,
) -> Result<partnerkit_core::chrono::DateTime<partnerkit_core::chrono::Utc>, String> {
    text.parse()
        .map_err(|e| format!("its time does not decode: {e}"))
}

/// The event a row holds, or what is wrong with it (without the row's name).
fn decode_row(row: &EventRow) -> Result<Recorded, String> {
    let bad = |part: &str, e: serde_json::Error| format!("its {part} does not decode: {e}");
    let recorded = Recorded {
        v: row.envelope,
        id: row
            .id
            .as_ref()
            .map(|i| i.parse::<uuid::Uuid>().map(EventId::from_uuid))
            .transpose()
            .map_err(|e| format!("its id {:?} is not a UUID: {e}", row.id))?,
        at: read_time(&row.at)?,
        actor: serde_json::from_str(&row.actor).map_err(|e| bad("actor", e))?,
        event: upcast::decode_payload(&row.event, row.payload)?,
    };
    match recorded.format_problem() {
        Some(problem) => Err(problem),
        None => Ok(recorded),
    }
}

/// Where a read starts: at the beginning of the history, or after a row whose link is known
/// (a snapshot's last event, or the `after` of an audit read).
#[derive(Debug, Clone, Copy)]
enum Start {
    /// Row 1 comes first, chained from [`Chain::start`].
    Beginning,
    /// Row `seq` comes first and must carry `chain` (when `Some`); it is checked, not
    /// returned.
    After { seq: u64, chain: Option<Chain> },
}

/// Reads an account's event rows in order and refuses anything out of place (rule X-9): a
/// gap, an extra row, a row out of order or from another account (the chain), a repeated
/// event id, a format this release does not know, a value that does not decode.
///
/// Feed it the rows of one consistent read, in `seq` order, with [`push`](Self::push); then
/// [`finish`](Self::finish) gives the events.
#[derive(Debug)]
pub struct Reader {
    account: AccountId,
    version: u64,
    start: Start,
    next: u64,
    chain: Chain,
    ids: HashMap<String, u64>,
    events: Vec<Recorded>,
}

impl Reader {
    /// A reader of the whole history of `account`, stored at `version`: rows `1..=version`.
    pub fn whole(account: AccountId, version: u64) -> Reader {
        Reader::new(account, version, Start::Beginning)
    }

    /// A reader of the events after `after` (the audit trail from a version on): rows
    /// `after..=version`, the first only to pick up the chain (its stored link is trusted).
    pub fn after(account: AccountId, version: u64, after: u64) -> Reader {
        if after == 0 {
            return Reader::whole(account, version);
        }
        Reader::new(
            account,
            version,
            Start::After {
                seq: after,
                chain: None,
            },
        )
    }

    /// A reader of the events after a snapshot at `at` whose last event carries `chain`:
    /// rows `at..=version`; row `at` must carry exactly that link.
    pub(super) fn after_snapshot(
        account: AccountId,
        version: u64,
        at: u64,
        chain: Chain,
    ) -> Reader {
        let chain = Some(chain);
        Reader::new(account, version, Start::After { seq: at, chain })
    }

    fn new(account: AccountId, version: u64, start: Start) -> Reader {
        let next = match start {
            Start::Beginning => 1,
            Start::After { seq, .. } => seq,
        };
        Reader {
            account,
            version,
            start,
            next,
            chain: Chain::start(account),
            ids: HashMap::new(),
            events: Vec::new(),
        }
    }

    /// The first sequence number to read: the store reads the rows with `seq >=` it.
    pub fn first_seq(&self) -> u64 {
        match self.start {
            Start::Beginning => 1,
            Start::After { seq, .. } => seq,
        }
    }

    /// Checks the next row.
    pub fn push(&mut self, row: EventRow) -> Result<(), Error> {
        let account = self.account;
        let seq = row.seq;
        if seq > self.version {
            return Err(corrupt(format!(
                "account {account}: event row {seq} is stored but the account is at v{}",
                self.version
            )));
        }
        if seq != self.next {
            return Err(corrupt(format!(
                "account {account}: event row {} is missing (the next stored is {seq})",
                self.next
            )));
        }
        self.next = self.next.saturating_add(1);
        if let Start::After { seq: first, chain } = self.start
            && seq == first
        {
            return self.anchor(&row, chain);
        }
        let here = |what: String| corrupt(format!("account {account}: event row {seq}: {what}"));
        let event = decode_row(&row).map_err(here)?;
        if let Some(id) = &row.id
            && let Some(earlier) = self.ids.insert(id.clone(), seq)
        {
            return Err(here(format!(
                "its id {id} is already the id of event {earlier}: event ids are unique"
            )));
        }
        let link = self.chain.next(&row);
        if Chain::from_hex(&row.chain) != Some(link) {
            return Err(here(
                "its chain link does not follow from the rows before it: rows were reordered, \
                 copied from elsewhere or edited"
                    .into(),
            ));
        }
        self.chain = link;
        self.events.push(event);
        Ok(())
    }

    fn anchor(&mut self, row: &EventRow, expected: Option<Chain>) -> Result<(), Error> {
        let account = self.account;
        let seq = row.seq;
        let Some(stored) = Chain::from_hex(&row.chain) else {
            return Err(corrupt(format!(
                "account {account}: event row {seq}: its chain link {:?} is not 32 hex digits",
                row.chain
            )));
        };
        if expected.is_some_and(|c| c != stored) {
            return Err(corrupt(format!(
                "account {account}: the snapshot at v{seq} is not of event row {seq}: the \
                 snapshot's version or the row was changed, or the snapshot is another history's"
            )));
        }
        self.chain = stored;
        Ok(())
    }

    /// The events read, once every row up to the account's version was pushed.
    pub fn finish(self) -> Result<Vec<Recorded>, Error> {
        if self.next <= self.version {
            return Err(corrupt(format!(
                "account {}: event row {} is missing (the account is at v{})",
                self.account, self.next, self.version
            )));
        }
        Ok(self.events)
    }

    /// The link of the last row read.
    pub fn chain(&self) -> Chain {
        self.chain
    }
}

/// The link to continue the chain from when appending after `expected`, given the store's
/// last row (`seq` and stored `chain`), or why the log's tail is not where the version says.
pub(super) fn tail_chain(
    account: AccountId,
    expected: Version,
    last: Option<(u64, &str)>,
) -> Result<Chain, Error> {
    match last {
        None if expected == Version::INITIAL => Ok(Chain::start(account)),
        Some((seq, chain)) if seq == expected.get() => Chain::from_hex(chain).ok_or_else(|| {
            corrupt(format!(
                "account {account}: event row {seq}: its chain link {chain:?} is not 32 hex digits"
            ))
        }),
        last => Err(corrupt(format!(
            "account {account}: it is at {expected} but its last stored event row is {}",
            last.map_or_else(|| "none".to_string(), |(seq, _)| seq.to_string())
        ))),
    }
}
