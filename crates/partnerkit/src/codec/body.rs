//! A snapshot's body: the [`AccountState`] itself, in the encoding made for loading it.
//!
//! The codec ([`super`]) wraps the body in a header that binds it to its account, its
//! version and the last event it folds; this module only turns a state into bytes and back.
//! [`FORMAT`] names the encoding: a body stored in any other format is never guessed at — the
//! codec reports it as stale and the account is rebuilt from its events.

use crate::state::AccountState;

/// The body format this release writes. Format 1 is the state's public JSON form.
pub(crate) const FORMAT: u16 = 1;

/// The body of a snapshot of `state`, proven to decode back to the same state, or what is
/// wrong (for the store's `Unstorable` error).
pub(crate) fn encode(state: &AccountState) -> Result<Vec<u8>, String> {
    let json = serde_json::to_vec(state).map_err(|e| format!("it has no JSON form: {e}"))?;
    let back = decode(&json).map_err(|e| format!("its JSON would not read back: {e}"))?;
    if &back != state {
        return Err("its JSON reads back as a different state".into());
    }
    Ok(json)
}

/// The state a body of format [`FORMAT`] holds, or why it does not decode.
pub(crate) fn decode(bytes: &[u8]) -> Result<AccountState, String> {
    serde_json::from_slice(bytes).map_err(|e| e.to_string())
}
