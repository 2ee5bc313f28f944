//! The payout hold and the end-of-previous-month rule (rules PAY-6, PAY-7).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::month::{PayoutMonth, PayoutTimeZone};

/// One flip of the payout-hold toggle, with when it happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HoldToggle {
    /// `true` when the hold was turned on, `false` when turned off.
    pub on: bool,
    /// When.
    pub at: DateTime<Utc>,
}

/// Why a month's payout is held or not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum HoldReason {
    /// The hold was never turned on before the month's cut-off.
    NeverTurnedOn,
    /// The last toggle before the cut-off turned the hold on.
    TurnedOn {
        /// When.
        at: DateTime<Utc>,
        /// The month (in the payout time zone) the toggle counted for.
        in_month: PayoutMonth,
    },
    /// The last toggle before the cut-off turned the hold off.
    TurnedOff {
        /// When.
        at: DateTime<Utc>,
        /// The month (in the payout time zone) the toggle counted for.
        in_month: PayoutMonth,
    },
}

/// Whether month `month`'s payout is held, and why (rule PAY-6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HoldStatus {
    /// The payout month.
    pub month: PayoutMonth,
    /// True if nothing is paid this month; revenue is still recorded and carried.
    pub held: bool,
    /// The toggle that decided it.
    pub because: HoldReason,
    /// The end of the previous month in the payout time zone: toggles before it count.
    pub cutoff: DateTime<Utc>,
    /// The first toggle at or after the cut-off that changes the status, if any: it is too late
    /// for this month and takes effect from the next.
    pub too_late: Option<HoldToggle>,
}

/// Whether month `month`'s payout is held (rule PAY-6): the hold status at the end of the
/// previous month, in the payout time zone `tz`, decides. The hold covers every revenue
/// source alike (rule PAY-7): nothing here depends on a source.
///
/// `history` is the toggles in the order they happened. A toggle or month whose local time
/// cannot be written in `tz` (outside the years 1–9999) is an error, never a panic.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use partnerkit_payouts::{hold_status, HoldToggle, PayoutMonth, PayoutTimeZone};
/// let on = HoldToggle { on: true, at: Utc.with_ymd_and_hms(2027, 3, 20, 12, 0, 0).unwrap() };
/// let april: PayoutMonth = "2027-04".parse()?;
/// assert!(hold_status(&[on], april, PayoutTimeZone::UsPacific)?.held);
/// assert!(!hold_status(&[on], april.previous()?, PayoutTimeZone::UsPacific)?.held);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn hold_status(
    history: &[HoldToggle],
    month: PayoutMonth,
    tz: PayoutTimeZone,
) -> Result<HoldStatus, Error> {
    let cutoff = tz.month_start(month)?;
    let mut because = HoldReason::NeverTurnedOn;
    let mut held = false;
    let mut too_late = None;
    for t in history {
        if t.at < cutoff {
            held = t.on;
            because = if t.on {
                HoldReason::TurnedOn {
                    at: t.at,
                    in_month: tz.month_of(t.at)?,
                }
            } else {
                HoldReason::TurnedOff {
                    at: t.at,
                    in_month: tz.month_of(t.at)?,
                }
            };
        } else if t.on != held && too_late.is_none() {
            too_late = Some(*t);
        }
    }
    Ok(HoldStatus {
        month,
        held,
        because,
        cutoff,
        too_late,
    })
}
