//! The catalogue of agreements and their versions, supplied by the host as data.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use partnerkit_core::{DisplayName, Url};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
pub use crate::names::{AgreementId, AgreementVersion, TextDigest};

/// Where the text of a version is and what it is: a link, a digest, or both (at least one).
///
/// Serialised as `{"url": "…", "sha256": "…"}`, either key optional but not both.
///
/// ```
/// use partnerkit_agreements::AgreementText;
/// let text = AgreementText::link("https://go.microsoft.com/fwlink/?linkid=2000".parse()?);
/// assert!(text.url().is_some() && text.sha256().is_none());
/// assert!(AgreementText::new(None, None).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawAgreementText")]
pub struct AgreementText {
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<Url>,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha256: Option<TextDigest>,
}

partnerkit_core::validated_fields!(
    #[serde(deny_unknown_fields)]
    AgreementText from RawAgreementText {
        #[serde(default)]
        url: Option<Url>,
        #[serde(default)]
        sha256: Option<TextDigest>,
    } by AgreementText::new, Error
);

impl AgreementText {
    /// A text identified by a link, a digest or both; [`Error::TextNotIdentified`] if neither.
    pub fn new(url: Option<Url>, sha256: Option<TextDigest>) -> Result<AgreementText> {
        if url.is_none() && sha256.is_none() {
            return Err(Error::TextNotIdentified);
        }
        Ok(AgreementText { url, sha256 })
    }

    /// A text identified by its link only.
    pub fn link(url: Url) -> AgreementText {
        AgreementText {
            url: Some(url),
            sha256: None,
        }
    }

    /// A text identified by its digest only.
    pub fn digest(sha256: TextDigest) -> AgreementText {
        AgreementText {
            url: None,
            sha256: Some(sha256),
        }
    }

    /// Where the text can be read, if given.
    pub fn url(&self) -> Option<&Url> {
        self.url.as_ref()
    }

    /// The SHA-256 digest of the text, if given.
    pub fn sha256(&self) -> Option<&TextDigest> {
        self.sha256.as_ref()
    }
}

/// One published version of an agreement: its label, when it was (or will be) published,
/// its text and, optionally, the date by which accounts must accept it.
///
/// A version whose publish date is later than "now" exists in the catalogue but is not yet
/// current: it is neither offered for acceptance nor reported as needing action until then.
///
/// Serialised as `{"version", "published_at", "text", "accept_by"?}`.
///
/// ```
/// use partnerkit_agreements::{AgreementText, PublishedVersion};
/// use partnerkit_core::chrono::{TimeZone, Utc};
///
/// let published = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
/// let v = PublishedVersion::new(
///     "2027-01".parse()?,
///     published,
///     AgreementText::link("https://contoso.com/pa/2027-01".parse()?),
/// )
/// .with_accept_by(Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap())?;
/// assert_eq!(v.accept_by(), Some(Utc.with_ymd_and_hms(2027, 3, 1, 0, 0, 0).unwrap()));
/// assert!(v.clone().with_accept_by(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap()).is_err());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawPublishedVersion")]
pub struct PublishedVersion {
    version: AgreementVersion,
    published_at: DateTime<Utc>,
    text: AgreementText,
    #[serde(skip_serializing_if = "Option::is_none")]
    accept_by: Option<DateTime<Utc>>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawPublishedVersion {
    version: AgreementVersion,
    published_at: DateTime<Utc>,
    text: AgreementText,
    #[serde(default)]
    accept_by: Option<DateTime<Utc>>,
}

impl TryFrom<RawPublishedVersion> for PublishedVersion {
    type Error = Error;
    fn try_from(r: RawPublishedVersion) -> Result<Self> {
        let v = PublishedVersion::new(r.version, r.published_at, r.text);
        match r.accept_by {
            Some(deadline) => v.with_accept_by(deadline),
            None => Ok(v),
        }
    }
}

impl PublishedVersion {
    /// A version published at `published_at`, with no accept-by date.
    pub fn new(
        version: AgreementVersion,
        published_at: DateTime<Utc>,
        text: AgreementText,
    ) -> PublishedVersion {
        PublishedVersion {
            version,
            published_at,
            text,
            accept_by: None,
        }
    }

    /// Sets the last instant at which accepting this version is on time. After it, an account
    /// that has not accepted is blocked from publishing (see
    /// [`ActionNeeded::blocks_publishing`](crate::ActionNeeded::blocks_publishing)).
    ///
    /// Refused with [`Error::AcceptByBeforePublished`] if it is before the publish date.
    pub fn with_accept_by(mut self, accept_by: DateTime<Utc>) -> Result<PublishedVersion> {
        if accept_by < self.published_at {
            return Err(Error::AcceptByBeforePublished {
                version: self.version,
                published_at: self.published_at,
                accept_by,
            });
        }
        self.accept_by = Some(accept_by);
        Ok(self)
    }

    /// The version's label.
    pub fn version(&self) -> &AgreementVersion {
        &self.version
    }

    /// When the version is (or was) published.
    pub fn published_at(&self) -> DateTime<Utc> {
        self.published_at
    }

    /// Where its text is and what it is.
    pub fn text(&self) -> &AgreementText {
        &self.text
    }

    /// The last instant at which accepting it is on time, if it has one.
    pub fn accept_by(&self) -> Option<DateTime<Utc>> {
        self.accept_by
    }

    /// Whether the version is published at `now`.
    pub fn is_published_at(&self, now: DateTime<Utc>) -> bool {
        self.published_at <= now
    }
}

/// An agreement: its id, the name shown to users, and its versions oldest first.
///
/// Validated: at least one version, labels unique, publish dates strictly increasing in list
/// order. Serialised as `{"id", "name", "versions": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawAgreement")]
pub struct Agreement {
    id: AgreementId,
    name: DisplayName,
    versions: Vec<PublishedVersion>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawAgreement {
    id: AgreementId,
    name: DisplayName,
    versions: Vec<PublishedVersion>,
}

impl TryFrom<RawAgreement> for Agreement {
    type Error = Error;
    fn try_from(r: RawAgreement) -> Result<Self> {
        Agreement::new(r.id, r.name, r.versions)
    }
}

impl Agreement {
    /// Validates an agreement: `versions` oldest first, at least one, unique labels, each
    /// published later than the one before.
    pub fn new(
        id: AgreementId,
        name: DisplayName,
        versions: Vec<PublishedVersion>,
    ) -> Result<Agreement> {
        if versions.is_empty() {
            return Err(Error::NoVersions { agreement: id });
        }
        let mut seen = HashSet::new();
        for v in &versions {
            if !seen.insert(&v.version) {
                return Err(Error::DuplicateVersion {
                    agreement: id,
                    version: v.version.clone(),
                });
            }
        }
        for pair in versions.windows(2) {
            if let [previous, next] = pair
                && next.published_at <= previous.published_at
            {
                return Err(Error::VersionsOutOfOrder {
                    agreement: id,
                    version: next.version.clone(),
                    published_at: next.published_at,
                    previous: previous.version.clone(),
                    previous_published_at: previous.published_at,
                });
            }
        }
        Ok(Agreement { id, name, versions })
    }

    /// The agreement's id.
    pub fn id(&self) -> &AgreementId {
        &self.id
    }

    /// The name shown to users, such as "Microsoft Publisher Agreement".
    pub fn name(&self) -> &DisplayName {
        &self.name
    }

    /// Every version, oldest first, including those not yet published.
    pub fn versions(&self) -> &[PublishedVersion] {
        &self.versions
    }

    /// The version with this label, published or not.
    pub fn version(&self, label: &AgreementVersion) -> Option<&PublishedVersion> {
        self.versions.iter().find(|v| &v.version == label)
    }

    /// The latest version published at or before `now`: the one an account must have accepted.
    /// `None` if even the first version is published later.
    pub fn latest_at(&self, now: DateTime<Utc>) -> Option<&PublishedVersion> {
        self.versions.iter().rev().find(|v| v.is_published_at(now))
    }
}

/// The agreements a marketplace asks its publishers to accept: data supplied by the host.
///
/// The agreements are the marketplace's own texts, versions and dates, so no crate ships a
/// catalogue. [`Catalogue::default`] is empty: every acceptance against it is refused with
/// [`Error::EmptyCatalogue`], and no agreement is ever needed (no action needed, rule AGR-2).
///
/// Validated on construction and deserialisation: every [`Agreement`] is valid and no
/// agreement id appears twice. The serialised form is
///
/// ```json
/// {"agreements": [{"id": "…", "name": "…", "versions": [{"version": "…",
///   "published_at": "2027-01-01T00:00:00Z", "text": {"url": "…", "sha256": "…"},
///   "accept_by": "2027-03-01T00:00:00Z"}]}]}
/// ```
///
/// where `url` or `sha256` may be left out (not both) and `accept_by` is optional. Unknown keys
/// are refused, so a misspelt `accept_by` cannot silently drop a deadline.
///
/// ```
/// use partnerkit_agreements::Catalogue;
/// use partnerkit_core::chrono::{TimeZone, Utc};
///
/// let catalogue: Catalogue = serde_json::from_str(r#"{"agreements": [{
///     "id": "microsoft-publisher-agreement",
///     "name": "Microsoft Publisher Agreement",
///     "versions": [
///         {"version": "v1", "published_at": "2026-01-01T00:00:00Z",
///          "text": {"url": "https://contoso.com/pa/v1"}},
///         {"version": "v2", "published_at": "2027-06-01T00:00:00Z",
///          "text": {"url": "https://contoso.com/pa/v2"}}
///     ]}]}"#)?;
/// let id = "microsoft-publisher-agreement".parse()?;
/// let now = Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap();
/// // v2 is in the catalogue but not yet published: v1 is still the current version.
/// assert_eq!(catalogue.latest(&id, now).unwrap().version().as_str(), "v1");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "RawCatalogue")]
pub struct Catalogue {
    agreements: Vec<Agreement>,
}

#[derive(Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
struct RawCatalogue {
    agreements: Vec<Agreement>,
}

impl TryFrom<RawCatalogue> for Catalogue {
    type Error = Error;
    fn try_from(r: RawCatalogue) -> Result<Self> {
        Catalogue::new(r.agreements)
    }
}

impl Catalogue {
    /// Validates a catalogue: no agreement id twice. The order of `agreements` is kept.
    pub fn new(agreements: Vec<Agreement>) -> Result<Catalogue> {
        let mut seen = HashSet::new();
        for a in &agreements {
            if !seen.insert(&a.id) {
                return Err(Error::DuplicateAgreement {
                    agreement: a.id.clone(),
                });
            }
        }
        Ok(Catalogue { agreements })
    }

    /// Every agreement, in the order the host gave them.
    pub fn agreements(&self) -> &[Agreement] {
        &self.agreements
    }

    /// The agreement with this id.
    pub fn get(&self, id: &AgreementId) -> Option<&Agreement> {
        self.agreements.iter().find(|a| &a.id == id)
    }

    /// The latest version of agreement `id` published at or before `now`. `None` if the
    /// agreement is unknown or none of its versions is published yet.
    pub fn latest(&self, id: &AgreementId, now: DateTime<Utc>) -> Option<&PublishedVersion> {
        self.get(id).and_then(|a| a.latest_at(now))
    }

    /// Checks that `version` of `agreement` may be accepted at `now`, and returns what an
    /// acceptance must record about it (rule AGR-3).
    ///
    /// The version must be in the catalogue ([`Error::UnknownAgreement`],
    /// [`Error::UnknownVersion`]; [`Error::EmptyCatalogue`] if the catalogue lists nothing), published by `now` ([`Error::VersionNotYetPublished`]) and
    /// still the latest published one ([`Error::VersionSuperseded`]): a user who read a version
    /// that was replaced while they were reading must read the new one.
    ///
    /// The result goes into [`Command::Accept`](crate::Command::Accept); whether this account
    /// already accepted it is checked there, against the account's acceptances.
    pub fn resolve(
        &self,
        agreement: &AgreementId,
        version: &AgreementVersion,
        now: DateTime<Utc>,
    ) -> Result<ResolvedVersion> {
        let a = self.get(agreement).ok_or_else(|| {
            let agreement = agreement.clone();
            if self.agreements.is_empty() {
                Error::EmptyCatalogue { agreement }
            } else {
                Error::UnknownAgreement { agreement }
            }
        })?;
        let v = a.version(version).ok_or_else(|| Error::UnknownVersion {
            agreement: agreement.clone(),
            version: version.clone(),
        })?;
        if !v.is_published_at(now) {
            return Err(Error::VersionNotYetPublished {
                agreement: agreement.clone(),
                version: version.clone(),
                published_at: v.published_at,
            });
        }
        match a.latest_at(now) {
            Some(latest) if latest.version != v.version => Err(Error::VersionSuperseded {
                agreement: agreement.clone(),
                version: version.clone(),
                latest: latest.version.clone(),
            }),
            _ => Ok(ResolvedVersion {
                agreement: a.id.clone(),
                name: a.name.clone(),
                version: v.version.clone(),
                published_at: v.published_at,
                text: v.text.clone(),
            }),
        }
    }
}

/// A version of an agreement, checked against the [`Catalogue`] by [`Catalogue::resolve`]:
/// what an acceptance records about the exact version that was read (rule AGR-3).
///
/// [`Decider::decide`](partnerkit_core::Decider::decide) cannot take the catalogue as an
/// argument, so the catalogue check happens before the command is made and the command
/// carries its result. Code can only obtain a `ResolvedVersion` from `resolve`; one read back
/// from JSON (a queued command) is trusted as it was resolved, so a host that accepts commands
/// from outside should resolve again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResolvedVersion {
    agreement: AgreementId,
    name: DisplayName,
    version: AgreementVersion,
    published_at: DateTime<Utc>,
    text: AgreementText,
}

impl ResolvedVersion {
    /// The agreement's id.
    pub fn agreement(&self) -> &AgreementId {
        &self.agreement
    }

    /// The agreement's name at the time it was resolved.
    pub fn name(&self) -> &DisplayName {
        &self.name
    }

    /// The version's label.
    pub fn version(&self) -> &AgreementVersion {
        &self.version
    }

    /// When the version was published.
    pub fn published_at(&self) -> DateTime<Utc> {
        self.published_at
    }

    /// Where its text is and what it is.
    pub fn text(&self) -> &AgreementText {
        &self.text
    }
}
