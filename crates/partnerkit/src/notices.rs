//! What needs attention, and when (rule X-7): an account's dated notices, for the host to
//! send as emails or show as banners.

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use partnerkit_agreements::{AgreementId, AgreementText, AgreementVersion, action_needed};
use partnerkit_core::{AppId, DisplayName, KeyId, Money, PayoutAccountId, TenantId};
use partnerkit_payouts::{Outcome, PayoutMonth, Statement, Verification};
use partnerkit_tax::{FormKind, ProfileStatus};
use serde::{Deserialize, Serialize};

use crate::settings::Settings;
use crate::state::AccountState;

/// One dated thing an account's people should hear about (rule X-7).
///
/// A public format: serialised as one JSON object, the day in `date` and the rest tagged by a
/// stable `kind` (see [`NoticeKind`]), such as
/// `{"date": "2030-12-31", "kind": "w8_expiring", "form": "w8ben", …}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Notice {
    /// The UTC calendar day the notice is about: when something expires, is due, or began.
    /// Each [`NoticeKind`] variant says which.
    pub date: NaiveDate,
    /// What it is about, with the ids and instants a host needs to write the message.
    #[serde(flatten)]
    pub about: NoticeKind,
}

/// What a [`Notice`] is about. The `kind` tag of each variant is stable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
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
        match self {
            NoticeKind::AppKeyExpiring { .. } => "app_key_expiring",
            NoticeKind::W8Expiring { .. } => "w8_expiring",
            NoticeKind::W8Expired { .. } => "w8_expired",
            NoticeKind::AgreementNeedsAcceptance { .. } => "agreement_needs_acceptance",
            NoticeKind::PayoutAccountUnverified { .. } => "payout_account_unverified",
            NoticeKind::PayoutHoldOn { .. } => "payout_hold_on",
            NoticeKind::CarriedBelowThreshold { .. } => "carried_below_threshold",
        }
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

/// The instant a W-8 valid through `valid_through` stops being valid: the start (UTC) of the
/// next day; `None` if there is no next day.
fn w8_expires_at(valid_through: NaiveDate) -> Option<DateTime<Utc>> {
    valid_through
        .succ_opt()
        .map(|d| d.and_time(NaiveTime::MIN).and_utc())
}

/// An account's dated notices at `now` (rule X-7), sorted by date (then by kind, most
/// pressing first, then by id): what needs attention and when. The host sends the messages;
/// this says what and when. Pure: the same arguments give the same list.
///
/// Each domain's own rule decides its part; this only joins them:
///
/// - **expiring within `horizon`** — something that stops working at an instant `t` with
///   `now < t <= now + horizon`: an app key of any app (rule APP-4; already expired keys are
///   history, not listed), and the W-8 on file, if it is the form the profile requires (rule
///   TAX-5; it stops at the start of the day after its last valid day). Nothing expiring
///   later is listed.
/// - **needing action now**, whatever the horizon: a W-8 on file that has expired (the
///   profile's status is [`Expired`](ProfileStatus::Expired)); each agreement whose latest
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
    let expiring = |t: DateTime<Utc>| now < t && t <= until;
    let mut out = Vec::new();

    // Identity: app keys (rule APP-4).
    for app in state.identity.apps() {
        for key in app.keys.values() {
            if !expiring(key.expires_at) {
                continue;
            }
            let replaced = app.keys.values().any(|k| k.expires_at > key.expires_at);
            out.push(Notice {
                date: key.expires_at.date_naive(),
                about: NoticeKind::AppKeyExpiring {
                    tenant: app.tenant,
                    app: app.id,
                    app_name: app.name.clone(),
                    key: key.id,
                    created_at: key.created_at,
                    expires_at: key.expires_at,
                    replaced,
                },
            });
        }
    }

    // Tax: the W-8 on file (rule TAX-5).
    let today = now.date_naive();
    let required = state.tax.required_form();
    if let Some(form) = state
        .tax
        .form
        .as_ref()
        .filter(|f| f.kind.is_w8() && Some(f.kind) == required)
        && let Some(valid_through) = form.valid_through()
    {
        let (form_kind, signed_on) = (form.kind, form.signature.signed_on);
        match state.tax.status(today) {
            ProfileStatus::Complete if w8_expires_at(valid_through).is_some_and(expiring) => {
                out.push(Notice {
                    date: valid_through,
                    about: NoticeKind::W8Expiring {
                        form: form_kind,
                        signed_on,
                        valid_through,
                    },
                });
            }
            ProfileStatus::Expired => out.push(Notice {
                date: valid_through,
                about: NoticeKind::W8Expired {
                    form: form_kind,
                    signed_on,
                    valid_through,
                },
            }),
            _ => {}
        }
    }

    // Agreements (rule AGR-2).
    for item in action_needed(&settings.catalogue, &state.agreements, now) {
        out.push(Notice {
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
        });
    }

    // Payouts: the payout account (rule PAY-4) and the hold (rule PAY-6).
    let payouts = &state.payouts;
    if payouts.closed_at().is_none() {
        if let Some(account) = payouts.payout_account() {
            let since = match &account.verification {
                Verification::Pending => Some(account.set_at),
                Verification::Rejected { at, .. } => Some(*at),
                Verification::Verified { .. } => None,
            };
            if let Some(since) = since {
                out.push(Notice {
                    date: since.date_naive(),
                    about: NoticeKind::PayoutAccountUnverified {
                        payout_account: account.id,
                        set_at: account.set_at,
                        verification: account.verification.clone(),
                    },
                });
            }
        }
        if payouts.hold_on()
            && let Some(toggle) = payouts.hold_history().last()
        {
            out.push(Notice {
                date: toggle.at.date_naive(),
                about: NoticeKind::PayoutHoldOn { since: toggle.at },
            });
        }
    }

    // The host's ledger: a payment carried over below the threshold (rule PAY-8).
    if let Some(last) = statements.iter().max_by_key(|s| s.month)
        && let Outcome::BelowThreshold { threshold } = &last.outcome
    {
        out.push(Notice {
            date: settings.policy.payment_date(last.month),
            about: NoticeKind::CarriedBelowThreshold {
                month: last.month,
                carried: last.carried_out.balance,
                threshold: *threshold,
            },
        });
    }

    // Stable: within a day and kind, the order above (apps and keys by id, agreements as
    // `action_needed` orders them) is kept.
    out.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then(a.about.rank().cmp(&b.about.rank()))
    });
    out
}
