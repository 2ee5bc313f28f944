//! Reading event payloads written by an earlier release (rule X-9).
//!
//! Every stored event names its payload's format ([`PAYLOAD_FORMAT`] when written by this
//! release). When a later release changes the shape of one event type, it raises
//! [`PAYLOAD_FORMAT`] and adds an [`Upcaster`] to [`UPCASTERS`] keyed by (domain, event type,
//! the format it reads): the codec runs the matching upcasters in order, one format step at a
//! time, before decoding. An event type no upcaster names is unchanged across that step. A
//! payload from a newer release than this one is refused, never guessed at.

use super::PAYLOAD_FORMAT;
use crate::state::AccountEvent;

/// Turns one event type's payload from format `from` into format `from + 1`.
#[derive(Debug, Clone, Copy)]
pub struct Upcaster {
    /// The domain, as stored (`"identity"`, `"access"`, …).
    pub domain: &'static str,
    /// The event type, as stored (the `"type"` of the domain's event).
    pub event_type: &'static str,
    /// The payload format it reads.
    pub from: u16,
    /// Rewrites the domain's event (the object under `"event"`) in place, or says why it
    /// cannot.
    pub upcast: fn(&mut serde_json::Value) -> Result<(), String>,
}

/// The upcasters this release carries: none yet, as every payload is still in format 1.
pub static UPCASTERS: &[Upcaster] = &[];

/// The event a stored payload of `format` holds, read by this release.
pub(super) fn decode_payload(json: &str, format: u16) -> Result<AccountEvent, String> {
    decode_with(json, format, PAYLOAD_FORMAT, UPCASTERS)
}

/// [`decode_payload`] with the current format and the upcasters given, so tests can show a
/// later release reading today's payloads.
pub(crate) fn decode_with(
    json: &str,
    format: u16,
    current: u16,
    upcasters: &[Upcaster],
) -> Result<AccountEvent, String> {
    let bad = |e: serde_json::Error| format!("its payload does not decode: {e}");
    if format == current {
        return serde_json::from_str(json).map_err(bad);
    }
    if format == 0 || format > current {
        return Err(format!(
            "its payload format {format} is not one this partnerkit reads (1 to {current}): \
             upgrade partnerkit to read it"
        ));
    }
    let mut value: serde_json::Value = serde_json::from_str(json).map_err(bad)?;
    for step in format..current {
        let domain = value
            .get("domain")
            .and_then(|d| d.as_str())
            .map(str::to_owned);
        let Some(event) = value.get_mut("event") else {
            return Err("its payload has no \"event\"".into());
        };
        let kind = event
            .get("type")
            .and_then(|t| t.as_str())
            .map(str::to_owned);
        for u in upcasters.iter().filter(|u| {
            u.from == step
                && domain.as_deref() == Some(u.domain)
                && kind.as_deref() == Some(u.event_type)
        }) {
            (u.upcast)(event).map_err(|why| {
                format!("its payload could not be read from format {step}: {why}")
            })?;
        }
    }
    serde_json::from_value(value).map_err(bad)
}
