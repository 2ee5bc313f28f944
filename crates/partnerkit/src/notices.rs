//! What needs attention, and when (rule X-7): an account's dated notices, for the host to
//! send as emails or show as banners.

use chrono::{DateTime, Days, NaiveDate, Utc};
use partnerkit_agreements::{
    ActionNeeded, AgreementId, AgreementText, AgreementVersion, action_needed,
};
use partnerkit_core::{AppId, DisplayName, KeyId, Money, PayoutAccountId, TenantId};
use partnerkit_identity::KeyNotice;
use partnerkit_payouts::{PayoutMonth, PayoutNotice, Statement, Verification};
use partnerkit_tax::{FormKind, W8Notice, w8_expires_at};
use serde::{Deserialize, Serialize};

use crate::settings::Settings;
use crate::state::AccountState;

/// One dated thing an account's people should hear about (rule X-7).
///
/// A public format: serialised as one JSON object, the day in `date` and the rest tagged by a
/// stable `kind` (see [`NoticeKind`]), such as
/// `{"date": "2030-12-31", "kind": "w8_expiring", "form": "w8ben", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Notice {
    /// The UTC calendar day the notice is about: when something expires, is due, or began.
    /// Each [`NoticeKind`] variant says which.
    pub date: NaiveDate,
    /// What it is about, with the ids and instants a host needs to write the message.
    #[serde(flatten)]
    pub about: NoticeKind,
}

/// What a [`Notice`] is about. The `kind` tag of each variant is stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, strum::IntoStaticStr)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
#[non_exhaustive]
pub enum NoticeKind {
    /// `app_key_expiring`: an app key expires within the horizon (rule APP-4). Dated the day
    /// it expires.
    AppKeyExpiring {
        /// The app's tenant.
        tenant: TenantId,
        /// The app.
        app: AppId,
        /// The app's display name.
        app_name: DisplayName,
        /// The key.
        key: KeyId,
        /// When the key was created.
        created_at: DateTime<Utc>,
        /// The instant it stops working.
        expires_at: DateTime<Utc>,
        /// Whether another key of the app stays active after this one expires: the key was
        /// already rotated, so the message is a reminder rather than a warning.
        replaced: bool,
    },
    /// `w8_expiring`: the W-8 on file stops being valid within the horizon (rule TAX-5: at the
    /// end of the third calendar year after signing; then the default rate applies again).
    /// Dated its last valid day, always a 31 December.
    W8Expiring {
        /// W-8BEN or W-8BEN-E.
        form: FormKind,
        /// The signing date.
        signed_on: NaiveDate,
        /// Its last valid day.
        valid_through: NaiveDate,
    },
    /// `w8_expired`: the W-8 on file has expired and no new one was given (rule TAX-5): the
    /// default withholding rate applies until one is. Dated its last valid day.
    W8Expired {
        /// W-8BEN or W-8BEN-E.
        form: FormKind,
        /// The signing date.
        signed_on: NaiveDate,
        /// Its last valid day.
        valid_through: NaiveDate,
    },
    /// `agreement_needs_acceptance`: the latest published version of an agreement is not
    /// accepted (rule AGR-2, from [`action_needed`]). Dated its accept-by day if it has one,
    /// otherwise the day it became pending.
    AgreementNeedsAcceptance {
        /// The agreement.
        agreement: AgreementId,
        /// Its name.
        name: DisplayName,
        /// The version to accept: the latest published one.
        version: AgreementVersion,
        /// Where that version's text is.
        text: AgreementText,
        /// The latest version accepted, if any.
        accepted: Option<AgreementVersion>,
        /// Since when the account has been behind.
        pending_since: DateTime<Utc>,
        /// The earliest accept-by date among the versions not accepted, if any has one.
        accept_by: Option<DateTime<Utc>>,
        /// Whether `accept_by` has passed: publishing is blocked until the account accepts.
        blocks_publishing: bool,
    },
    /// `payout_account_unverified`: the current payout account is awaiting verification or
    /// was rejected (rule PAY-4): nothing is paid to it. Dated the day it was set (pending) or
    /// rejected.
    PayoutAccountUnverified {
        /// The payout account.
        payout_account: PayoutAccountId,
        /// When it was set.
        set_at: DateTime<Utc>,
        /// Pending, or rejected with the marketplace's reason.
        verification: Verification,
    },
    /// `payout_hold_on`: the payout hold is on (rule PAY-6): nothing is paid while it stays
    /// on. Dated the day it was turned on.
    PayoutHoldOn {
        /// When it was turned on.
        since: DateTime<Utc>,
    },
    /// `carried_below_threshold`: the last statement paid nothing because the amount due was
    /// under the payment threshold (rule PAY-8); it is carried to the next cycle. Dated that
    /// month's payment date.
    CarriedBelowThreshold {
        /// The statement's payout month.
        month: PayoutMonth,
        /// The balance carried to the next cycle.
        carried: Money,
        /// The threshold it is under.
        threshold: Money,
    },
}

impl NoticeKind {
    /// The stable `kind` tag, as in the JSON: `app_key_expiring`, `w8_expiring`, `w8_expired`,
    /// `agreement_needs_acceptance`, `payout_account_unverified`, `payout_hold_on`,
    /// `carried_below_threshold`.
    pub fn code(&self) -> &'static str {
        self.into()
    }

    /// The instant something expires, for the kinds that announce an expiry within the
    /// horizon: an app key's `expires_at`, and the start of the day after a W-8's last valid
    /// day. `None` for every other kind.
    pub fn expires_at(&self) -> Option<DateTime<Utc>> {
        match self {
            NoticeKind::AppKeyExpiring { expires_at, .. } => Some(*expires_at),
            NoticeKind::W8Expiring { valid_through, .. } => w8_expires_at(*valid_through),
            _ => None,
        }
    }

    /// The order of kinds on the same day: what already stops things first.
    fn rank(&self) -> u8 {
        match self {
            NoticeKind::W8Expired { .. } => 0,
            NoticeKind::AgreementNeedsAcceptance { .. } => 1,
            NoticeKind::PayoutAccountUnverified { .. } => 2,
            NoticeKind::PayoutHoldOn { .. } => 3,
            NoticeKind::CarriedBelowThreshold { .. } => 4,
            NoticeKind::W8Expiring { .. } => 5,
            NoticeKind::AppKeyExpiring { .. } => 6,
        }
    }
}

/// An account's dated notices at `now` (rule X-7), sorted by date (then by kind, most
/// pressing first, then by id): what needs attention and when. The host sends the messages;
/// this says what and when. Pure: the same arguments give the same list.
///
/// Each domain lists its own part — [`identity::notices`](partnerkit_identity::notices),
/// [`tax::notices`](partnerkit_tax::notices), [`action_needed`],
/// [`payouts::notices`](partnerkit_payouts::notices) — and this only joins and dates them:
///
/// - **expiring within `horizon`** — something that stops working at an instant `t` with
///   `now < t <= now + horizon`: an app key of any app (rule APP-4; already expired keys are
///   history, not listed), and the W-8 on file, if it is the form the profile requires (rule
///   TAX-5; it stops at the start of the day after its last valid day). Nothing expiring
///   later is listed.
/// - **needing action now**, whatever the horizon: a W-8 on file that has expired (the
///   profile's status is [`Expired`](partnerkit_tax::ProfileStatus::Expired)); each agreement whose latest
///   version is not accepted ([`action_needed`], rule AGR-2, with its accept-by date); the
///   current payout account if it is not verified (rule PAY-4); the payout hold if it is on
///   (rule PAY-6). The payout notices are not given once the payout profile is closed.
/// - **from the host's ledger**: if the last of `statements` (the latest month; pass the
///   recent statements, or none) carried its amount due over because it was under the
///   threshold (rule PAY-8), a notice dated that month's payment date under the settings'
///   payout policy.
///
/// A horizon reaching past the last representable instant reaches to it.
///
/// ```
/// use partnerkit::core::chrono::{Days, TimeZone, Utc};
/// use partnerkit::{AccountState, Settings, notices};
///
/// let now = Utc.with_ymd_and_hms(2027, 1, 5, 9, 0, 0).unwrap();
/// // A new account with nothing set up has nothing dated to say.
/// assert!(notices(&AccountState::default(), &Settings::default(), &[], now, Days::new(30)).is_empty());
/// ```
pub fn notices(
    state: &AccountState,
    settings: &Settings,
    statements: &[Statement],
    now: DateTime<Utc>,
    horizon: Days,
) -> Vec<Notice> {
    let until = now
        .checked_add_days(horizon)
        .unwrap_or(DateTime::<Utc>::MAX_UTC);
    let keys = partnerkit_identity::notices(&state.identity, now, until);
    let tax = partnerkit_tax::notices(&state.tax, now, until);
    let agreements = action_needed(&settings.catalogue, &state.agreements, now);
    let payouts = partnerkit_payouts::notices(&state.payouts, statements, &settings.policy);
    let mut out: Vec<Notice> = (keys.into_iter().map(Notice::key))
        .chain(tax.map(Notice::w8))
        .chain(agreements.into_iter().map(Notice::agreement))
        .chain(payouts.into_iter().map(Notice::payout))
        .collect();
    // Stable: within a day and kind, each domain's order (apps and keys by id, agreements as
    // `action_needed` orders them) is kept.
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.about.rank().cmp(&b.about.rank()))
    });
    out
}

/// Each domain's notice as the facade's one public [`Notice`], dated as the domain says.
impl Notice {
    fn key(k: KeyNotice) -> Notice {
        Notice {
            date: k.expires_at.date_naive(),
            about: NoticeKind::AppKeyExpiring {
                tenant: k.tenant,
                app: k.app,
                app_name: k.app_name,
                key: k.key,
                created_at: k.created_at,
                expires_at: k.expires_at,
                replaced: k.replaced,
            },
        }
    }

    fn w8(w: W8Notice) -> Notice {
        let (form, signed_on, valid_through) = (w.form, w.signed_on, w.valid_through);
        let about = if w.expired {
            NoticeKind::W8Expired {
                form,
                signed_on,
                valid_through,
            }
        } else {
            NoticeKind::W8Expiring {
                form,
                signed_on,
                valid_through,
            }
        };
        Notice {
            date: valid_through,
            about,
        }
    }

    fn agreement(item: ActionNeeded) -> Notice {
        Notice {
            date: item.accept_by.unwrap_or(item.pending_since).date_naive(),
            about: NoticeKind::AgreementNeedsAcceptance {
                agreement: item.agreement,
                name: item.name,
                version: item.version,
                text: item.text,
                accepted: item.accepted,
                pending_since: item.pending_since,
                accept_by: item.accept_by,
                blocks_publishing: item.blocks_publishing,
            },
        }
    }

    fn payout(p: PayoutNotice) -> Notice {
        let date = p.date();
        let about = match p {
            PayoutNotice::AccountUnverified {
                payout_account,
                set_at,
                verification,
                ..
            } => NoticeKind::PayoutAccountUnverified {
                payout_account,
                set_at,
                verification,
            },
            PayoutNotice::HoldOn { since } => NoticeKind::PayoutHoldOn { since },
            PayoutNotice::CarriedBelowThreshold {
                month,
                carried,
                threshold,
                ..
            } => NoticeKind::CarriedBelowThreshold {
                month,
                carried,
                threshold,
            },
        };
        Notice { date, about }
    }
}
