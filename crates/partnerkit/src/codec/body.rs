//! A snapshot's body: the [`AccountState`] itself, in the encoding made for loading it.
//!
//! The codec ([`super`]) wraps the body in a header that binds it to its account, its
//! version and the last event it folds; this module only turns a state into bytes and back.
//! [`FORMAT`] names the encoding: a body stored in any other format is never guessed at — the
//! codec reports it as stale and the account is rebuilt from its events.
//!
//! # Format 2
//!
//! A body is one byte, [`FORMAT`]; eight bytes, the [XXH64](checksum) of the payload
//! (little-endian); then the payload: the state's serde form (the data model JSON has) in a
//! compact binary encoding. Loading a 100,000-user account reads about 18 MB instead of the
//! 45 MB of JSON, without parsing text for numbers, UUIDs or field names.
//!
//! Each value starts with a one-byte tag (see [`tag`]); numbers and lengths are LEB128
//! varints. Structs are maps from field names to values, and enums are what JSON makes of
//! them (a unit variant is its name, any other a one-entry map from its name to its value),
//! so every serde attribute the state types use — internally tagged and untagged enums,
//! `flatten`, skipped and defaulted fields — works as it does in JSON. Field and variant
//! names are written once per body and then referred to by number, so a struct field costs
//! one byte of name. The encoding is not human-readable in serde's sense, so UUIDs are their
//! 16 bytes.
//!
//! Decoding checks the checksum, then reads every value through its type's own `Deserialize`,
//! which validates it as it validates JSON: a body is never trusted more than the state's
//! JSON form would be. The checksum catches accidental damage (a bit flipped on disk, a row
//! cut short) that would otherwise read back as a different but valid state.

mod checksum;
mod de;
#[cfg(test)]
mod probe;
mod ser;
#[cfg(test)]
mod tests;

use std::fmt;

use crate::state::AccountState;

/// The body format this release writes. Format 1 was the state's public JSON form; format 2
/// is the binary encoding described above, with its checksum.
pub(crate) const FORMAT: u16 = 2;

/// The first byte of a body: [`FORMAT`], which fits one byte.
const VERSION: u8 = {
    assert!(FORMAT <= 0xFF);
    FORMAT as u8
};

/// The bytes before the payload: [`VERSION`] and the checksum.
const HEADER: usize = 9;

/// The tags that start each value of the payload.
mod tag {
    /// `None`.
    pub(super) const NONE: u8 = 0;
    /// `Some`, followed by the value.
    pub(super) const SOME: u8 = 1;
    /// `()` and unit structs.
    pub(super) const UNIT: u8 = 2;
    /// `false`.
    pub(super) const FALSE: u8 = 3;
    /// `true`.
    pub(super) const TRUE: u8 = 4;
    /// An integer `n ≥ 0`: varint `n`.
    pub(super) const UINT: u8 = 5;
    /// An integer `n < 0`: varint `-1 - n`.
    pub(super) const NINT: u8 = 6;
    /// A `u128`: 16 bytes, little-endian.
    pub(super) const U128: u8 = 7;
    /// An `i128`: 16 bytes, little-endian.
    pub(super) const I128: u8 = 8;
    /// An `f32`: 4 bytes, little-endian.
    pub(super) const F32: u8 = 9;
    /// An `f64`: 8 bytes, little-endian.
    pub(super) const F64: u8 = 10;
    /// A `char`: varint of its scalar value.
    pub(super) const CHAR: u8 = 11;
    /// A text: varint length, then UTF-8.
    pub(super) const STR: u8 = 12;
    /// Bytes: varint length, then the bytes.
    pub(super) const BYTES: u8 = 13;
    /// A field or variant name seen before: varint of its number (in order of first use).
    pub(super) const NAME: u8 = 14;
    /// A field or variant name used for the first time: as [`STR`]; it takes the next number.
    pub(super) const NEW_NAME: u8 = 15;
    /// A sequence (or tuple): varint count, then the elements.
    pub(super) const SEQ: u8 = 16;
    /// A sequence of unannounced length: the elements, then [`END`].
    pub(super) const OPEN_SEQ: u8 = 17;
    /// A map (or struct): varint count, then key and value of each entry.
    pub(super) const MAP: u8 = 18;
    /// A map of unannounced length: the entries, then [`END`].
    pub(super) const OPEN_MAP: u8 = 19;
    /// The end of an [`OPEN_SEQ`] or [`OPEN_MAP`].
    pub(super) const END: u8 = 20;
}

/// Why a value could not be written or read.
#[derive(Debug)]
struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl serde::ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

impl serde::de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// The body of a snapshot of `state`, proven to decode back to the same state, or what is
/// wrong (for the store's `Unstorable` error).
pub(crate) fn encode(state: &AccountState) -> Result<Vec<u8>, String> {
    // About 180 bytes a user (the bulk of a large state), so the buffer seldom grows.
    let users = state.identity.users().count();
    let mut body = Vec::with_capacity(users.saturating_mul(192).saturating_add(1 << 16));
    body.push(VERSION);
    body.extend_from_slice(&[0; HEADER - 1]);
    let mut body = ser::write(state, body).map_err(|e| format!("it has no binary form: {e}"))?;
    let sum = checksum::xxh64(body.get(HEADER..).unwrap_or_default());
    if let Some((_, after_version)) = body.split_first_mut()
        && let Some(slot) = after_version.first_chunk_mut::<8>()
    {
        *slot = sum.to_le_bytes();
    }
    let back = decode(&body).map_err(|e| format!("its binary form would not read back: {e}"))?;
    if !same_data(&back, state) {
        return Err("its binary form reads back as a different state".into());
    }
    Ok(body)
}

/// True if `a` and `b` hold the same data: `==`, except that the identity state's derived
/// indexes are not compared. A body holds no index (decoding rebuilds them from the data), so
/// comparing them would test how `apply` keeps them, not the encoding; and it is most of the
/// cost of `==` on a decoded state, whose hashed username index is laid out apart from the
/// live one's, so that each of its 100,000 lookups misses the cache.
fn same_data(a: &AccountState, b: &AccountState) -> bool {
    let AccountState {
        identity,
        access,
        payouts,
        tax,
        agreements,
    } = a;
    identity.same_data(&b.identity)
        && *access == b.access
        && *payouts == b.payouts
        && *tax == b.tax
        && *agreements == b.agreements
}

/// The state a body of format [`FORMAT`] holds, or why it does not decode: another format, a
/// checksum that does not match, or a payload that is not a valid state.
pub(crate) fn decode(bytes: &[u8]) -> Result<AccountState, String> {
    let Some((&version, rest)) = bytes.split_first() else {
        return Err("the body is empty".into());
    };
    if version != VERSION {
        return Err(format!("the body is in format {version}, not {FORMAT}"));
    }
    let Some((sum, payload)) = rest.split_first_chunk::<8>() else {
        return Err("the body ends within its header".into());
    };
    let computed = checksum::xxh64(payload);
    if u64::from_le_bytes(*sum) != computed {
        return Err(format!(
            "the body's checksum does not match: {:016x} stored, {computed:016x} computed",
            u64::from_le_bytes(*sum)
        ));
    }
    de::read(payload).map_err(|e| e.to_string())
}
