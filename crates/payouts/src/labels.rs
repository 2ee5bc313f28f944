//! How statement lines and outcomes read to a person: `Display` for [`LineKind`] and
//! [`Outcome`]. Short, lower-case English for tables and logs; a host that translates
//! matches on the enums instead.

use std::fmt;

use crate::statement::{LineKind, Outcome};

/// The line's label in a statement table; width and alignment apply (`{:<16}`).
///
/// ```
/// use partnerkit_payouts::LineKind;
/// assert_eq!(LineKind::DelayedByVerification.to_string(), "delayed by verification");
/// assert_eq!(format!("[{:<8}]", LineKind::Due), "[due     ]");
/// ```
impl fmt::Display for LineKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            LineKind::Earned => "earned",
            LineKind::Withheld => "withheld",
            LineKind::NotYetPayable => "not yet payable",
            LineKind::BecamePayable => "became payable",
            LineKind::CarriedIn => "carried in",
            LineKind::Due => "due",
            LineKind::Recouped => "recouped",
            LineKind::StillPending => "still pending",
            LineKind::Paid => "paid",
            LineKind::Held => "held",
            LineKind::DelayedByVerification => "delayed by verification",
            LineKind::BelowThreshold => "below threshold",
            LineKind::NegativeBalance => "negative balance",
            LineKind::CarriedOut => "carried out",
        })
    }
}

/// What happened to the cycle's amount due, in a few words with what is needed.
///
/// ```
/// use partnerkit_core::Money;
/// use partnerkit_payouts::Outcome;
/// let threshold: Money = "50.00 USD".parse()?;
/// assert_eq!(
///     Outcome::BelowThreshold { threshold }.to_string(),
///     "not paid: below the threshold of 50.00 USD, carried to the next cycle"
/// );
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Paid => f.write_str("paid"),
            Outcome::NothingDue => f.write_str("nothing due"),
            Outcome::NegativeBalance => {
                f.write_str("not paid: the balance is negative, recouped from later earnings")
            }
            Outcome::Held => f.write_str("not paid: the payout hold was on"),
            Outcome::NoPayoutAccount => f.write_str("not paid: no payout account is set"),
            Outcome::VerificationPending { payout_account } => write!(
                f,
                "not paid: payout account {payout_account} awaits verification"
            ),
            Outcome::PayoutAccountRejected { payout_account } => write!(
                f,
                "not paid: payout account {payout_account} was rejected, set another"
            ),
            Outcome::BelowThreshold { threshold } => write!(
                f,
                "not paid: below the threshold of {threshold}, carried to the next cycle"
            ),
        }
    }
}
