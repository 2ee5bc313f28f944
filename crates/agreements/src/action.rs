//! "Action needed": the agreements whose latest version the account has not accepted.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::catalogue::{AgreementId, AgreementText, AgreementVersion, Catalogue};
use crate::state::Acceptances;
use partnerkit_core::DisplayName;

/// An agreement whose latest published version the account has not accepted: one item shown
/// under "action needed" above the acceptance list (rule AGR-2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct ActionNeeded {
    /// The agreement.
    pub agreement: AgreementId,
    /// Its name.
    pub name: DisplayName,
    /// The version to read and accept: the latest published one.
    pub version: AgreementVersion,
    /// Where that version's text is and what it is.
    pub text: AgreementText,
    /// The latest version the account accepted, if any: `None` for an agreement never
    /// accepted, `Some` for an update.
    pub accepted: Option<AgreementVersion>,
    /// Since when the account has been behind: the publish date of the first version after
    /// the one it accepted (of the first version, if it accepted none).
    pub pending_since: DateTime<Utc>,
    /// How long it has been behind, in whole days (rounded down).
    pub pending_days: i64,
    /// The earliest accept-by date among the versions it has not accepted, if any has one.
    pub accept_by: Option<DateTime<Utc>>,
    /// Whether `accept_by` has passed: the account may not publish until it accepts `version`.
    pub blocks_publishing: bool,
}

/// The agreements needing action at `now` (rule AGR-2): for every agreement of `catalogue`
/// whose latest version published by `now` is not in `acceptances`, one [`ActionNeeded`].
///
/// Empty exactly when the account has accepted the latest published version of every
/// agreement. Versions published after `now` are ignored. The list is ordered with items that
/// block publishing first, then the longest pending first, then by agreement id.
///
/// Past an accept-by date the account is blocked from publishing until it accepts the latest
/// version. The deadline counts for every version the account has missed, so publishing a
/// newer version without a deadline does not lift an earlier one; accepting the latest version
/// clears it.
///
/// ```
/// use partnerkit_agreements::{Acceptances, Catalogue, action_needed};
/// use partnerkit_core::chrono::{TimeZone, Utc};
///
/// let catalogue: Catalogue = serde_json::from_str(r#"{"agreements": [{
///     "id": "microsoft-publisher-agreement", "name": "Microsoft Publisher Agreement",
///     "versions": [{"version": "v1", "published_at": "2027-01-01T00:00:00Z",
///                   "text": {"url": "https://contoso.com/pa/v1"},
///                   "accept_by": "2027-02-01T00:00:00Z"}]}]}"#)?;
/// let now = Utc.with_ymd_and_hms(2027, 2, 11, 0, 0, 0).unwrap();
/// let items = action_needed(&catalogue, &Acceptances::default(), now);
/// assert_eq!(items.len(), 1);
/// assert_eq!(items[0].pending_days, 41);
/// assert!(items[0].blocks_publishing);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn action_needed(
    catalogue: &Catalogue,
    acceptances: &Acceptances,
    now: DateTime<Utc>,
) -> Vec<ActionNeeded> {
    let mut items: Vec<ActionNeeded> = catalogue
        .agreements()
        .iter()
        .filter_map(|agreement| {
            let latest = agreement.latest_at(now)?;
            if acceptances.has_accepted(agreement.id(), latest.version()) {
                return None;
            }
            let accepted = acceptances.latest_for(agreement.id());
            let accepted_published = accepted.map(|a| a.version_published_at);
            // The versions the account has missed: published by now, later than the one it
            // accepted; always including the latest.
            let missed = agreement.versions().iter().filter(|v| {
                v.is_published_at(now)
                    && (accepted_published.is_none_or(|p| v.published_at() > p)
                        || v.version() == latest.version())
            });
            let pending_since = missed
                .clone()
                .map(|v| v.published_at())
                .min()
                .unwrap_or(latest.published_at());
            let accept_by = missed.filter_map(|v| v.accept_by()).min();
            Some(ActionNeeded {
                agreement: agreement.id().clone(),
                name: agreement.name().clone(),
                version: latest.version().clone(),
                text: latest.text().clone(),
                accepted: accepted.map(|a| a.version.clone()),
                pending_since,
                pending_days: (now - pending_since).num_days(),
                accept_by,
                blocks_publishing: accept_by.is_some_and(|deadline| now > deadline),
            })
        })
        .collect();
    items.sort_by(|a, b| {
        b.blocks_publishing
            .cmp(&a.blocks_publishing)
            .then(a.pending_since.cmp(&b.pending_since))
            .then_with(|| a.agreement.cmp(&b.agreement))
    });
    items
}

/// Whether the account is blocked from publishing at `now` because an accept-by date has
/// passed for a version it has not accepted: whether any item of [`action_needed`] has
/// [`blocks_publishing`](ActionNeeded::blocks_publishing).
///
/// The facade asks it before a publish command; this crate knows no offers.
pub fn publishing_blocked(
    catalogue: &Catalogue,
    acceptances: &Acceptances,
    now: DateTime<Utc>,
) -> bool {
    action_needed(catalogue, acceptances, now)
        .iter()
        .any(|item| item.blocks_publishing)
}
