//! How payout values read to a person: `Display` for statement lines and outcomes, payout
//! methods and their verification, the hold, and the bank schemes. Short, lower-case English
//! for tables and logs; a host that translates matches on the enums instead.

use std::fmt;

use crate::bank::BankScheme;
use crate::command::VerificationOutcome;
use crate::hold::{HoldReason, HoldStatus};
use crate::method::{BankAccountType, MethodKind, PayoutMethod};
use crate::month::PayoutTimeZone;
use crate::notices::PayoutNotice;
use crate::state::Verification;
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

/// `bank account` or `PayPal`; width and alignment apply.
///
/// ```
/// use partnerkit_payouts::MethodKind;
/// assert_eq!(MethodKind::Bank.to_string(), "bank account");
/// assert_eq!(MethodKind::PayPal.to_string(), "PayPal");
/// ```
impl fmt::Display for MethodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            MethodKind::Bank => "bank account",
            MethodKind::PayPal => "PayPal",
        })
    }
}

/// `checking` or `savings`; width and alignment apply.
impl fmt::Display for BankAccountType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            BankAccountType::Checking => "checking",
            BankAccountType::Savings => "savings",
        })
    }
}

/// The method as the owner would recognise it, the account number masked (rule X-4).
///
/// ```
/// use partnerkit_core::{CountryCode, EmailAddress};
/// use partnerkit_payouts::PayoutMethod;
/// let paypal = PayoutMethod::PayPal {
///     email: EmailAddress::new("ann@contoso.com")?,
///     country: CountryCode::SE,
/// };
/// assert_eq!(paypal.to_string(), "PayPal ann@contoso.com (SE)");
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
///
/// A bank account reads `checking account ••••••••6789, routing number 021000021 (US)`.
impl fmt::Display for PayoutMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayoutMethod::Bank {
                account_type,
                account_number,
                routing_number,
                billing_address,
                ..
            } => write!(
                f,
                "{account_type} account {account_number}, routing number {routing_number} ({})",
                billing_address.country()
            ),
            PayoutMethod::PayPal { email, country } => write!(f, "PayPal {email} ({country})"),
        }
    }
}

/// Where a payout account stands with the marketplace's verification.
///
/// ```
/// use partnerkit_payouts::Verification;
/// assert_eq!(Verification::Pending.to_string(), "awaiting verification");
/// ```
impl fmt::Display for Verification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verification::Pending => f.write_str("awaiting verification"),
            Verification::Verified { at } => {
                write!(f, "verified on {}", at.date_naive())
            }
            Verification::Rejected { at, reason } => {
                write!(f, "rejected on {}: {reason}", at.date_naive())
            }
        }
    }
}

/// What the marketplace decided about a payout account.
impl fmt::Display for VerificationOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerificationOutcome::Verified => f.write_str("verified"),
            VerificationOutcome::Rejected { reason } => write!(f, "rejected: {reason}"),
        }
    }
}

/// Why the hold is on or off for a month (rule PAY-6).
impl fmt::Display for HoldReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HoldReason::NeverTurnedOn => f.write_str("the hold was never turned on"),
            HoldReason::TurnedOn { in_month, .. } => {
                write!(f, "the hold was turned on in {in_month}")
            }
            HoldReason::TurnedOff { in_month, .. } => {
                write!(f, "the hold was turned off in {in_month}")
            }
        }
    }
}

/// A month's hold status in a sentence (rule PAY-6).
///
/// `2027-04 held: the hold was turned on in 2027-03`, or `2027-04 not held: the hold was never
/// turned on`.
impl fmt::Display for HoldStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let held = if self.held { "held" } else { "not held" };
        write!(f, "{} {held}: {}", self.month, self.because)
    }
}

/// `US Pacific time`, or a fixed offset such as `UTC+01:00` (`UTC` for none).
impl fmt::Display for PayoutTimeZone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayoutTimeZone::UsPacific => f.write_str("US Pacific time"),
            PayoutTimeZone::FixedOffset { minutes: 0 } => f.write_str("UTC"),
            PayoutTimeZone::FixedOffset { minutes } => {
                let sign = if *minutes < 0 { '-' } else { '+' };
                let m = minutes.unsigned_abs();
                write!(f, "UTC{sign}{:02}:{:02}", m / 60, m % 60)
            }
        }
    }
}

/// How a country's bank accounts are identified (rule PAY-11).
impl fmt::Display for BankScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(match self {
            BankScheme::Aba => "account number and ABA routing number",
            BankScheme::Iban => "IBAN",
            BankScheme::National => "national account number",
        })
    }
}

/// The notice as a sentence to its owner (rules PAY-4, PAY-6, PAY-8).
///
/// `the payout hold has been on since 2027-03-10: nothing is paid while it stays on`, or
/// `2027-04: 20.00 USD was not paid, being under the threshold of 50.00 USD; it is carried
/// to the next cycle`.
impl fmt::Display for PayoutNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PayoutNotice::AccountUnverified {
                payout_account,
                verification,
                ..
            } => write!(
                f,
                "payout account {payout_account} is {verification}: nothing is paid to it"
            ),
            PayoutNotice::HoldOn { since } => write!(
                f,
                "the payout hold has been on since {}: nothing is paid while it stays on",
                since.date_naive()
            ),
            PayoutNotice::CarriedBelowThreshold {
                month,
                carried,
                threshold,
                ..
            } => write!(
                f,
                "{month}: {carried} was not paid, being under the threshold of {threshold}; it is carried to the next cycle"
            ),
        }
    }
}
