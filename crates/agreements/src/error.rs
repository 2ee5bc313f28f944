//! The one error type of `partnerkit-agreements`.

use std::borrow::Cow;

use chrono::{DateTime, Utc};

use crate::catalogue::{AgreementId, AgreementVersion};
use partnerkit_core::UserId;

/// Everything that can go wrong with the catalogue or an acceptance.
///
/// Two families of variants:
///
/// - **catalogue data** (`Invalid*`, `Duplicate*`, `NoVersions`, `VersionsOutOfOrder`, …):
///   the host supplied a catalogue that cannot be right. [`Catalogue`](crate::Catalogue) and
///   its parts refuse it, whether built in code or read from JSON;
/// - **acceptance** (`Unknown*`, `VersionNotYetPublished`, `VersionSuperseded`,
///   `AlreadyAccepted`, `OlderThanAccepted`, `AcceptedByAnotherUser`): an acceptance that
///   breaks rule AGR-3 (or AGR-1). Nothing is recorded (rule X-3).
///
/// Every message says what to do.
///
/// A public format: serialised with a stable machine-readable `"code"` (the variant's name in
/// snake case, also returned by [`Error::code`]) beside the variant's fields, such as
/// `{"code": "already_accepted", "agreement": "…", "version": "…", "accepted_at": "…"}`. The
/// core error inside [`Error::Value`] is nested under `"error"` with its own code:
/// `{"code": "value", "error": {"code": "invalid_text", …}}`.
#[partnerkit_core::public_error]
pub enum Error {
    /// An agreement id that is not a slug.
    #[error(
        "agreement id {given:?} is not valid ({reason}): use 1 to 64 lower-case letters, digits and single hyphens, starting with a letter, such as \"microsoft-publisher-agreement\""
    )]
    InvalidAgreementId {
        /// The text that was given (cut to 80 characters).
        given: String,
        /// What is wrong with it.
        reason: Cow<'static, str>,
    },
    /// A version label that is empty, too long or holds characters other than letters, digits,
    /// `.`, `-` and `_`.
    #[error(
        "agreement version {given:?} is not valid ({reason}): use 1 to 32 letters, digits, '.', '-' or '_', starting with a letter or digit, such as \"2027-01\" or \"v3.1\""
    )]
    InvalidVersionLabel {
        /// The text that was given (cut to 80 characters).
        given: String,
        /// What is wrong with it.
        reason: Cow<'static, str>,
    },
    /// A text digest that is not a SHA-256 digest in hexadecimal.
    #[error(
        "text digest {given:?} is not valid: give the SHA-256 digest of the agreement text as 64 hexadecimal digits"
    )]
    InvalidDigest {
        /// The text that was given (cut to 80 characters).
        given: String,
    },
    /// A version names neither a link to its text nor a digest of it.
    #[error(
        "the text of an agreement version must be identified: give its link (url), its SHA-256 digest (sha256), or both"
    )]
    TextNotIdentified,
    /// A version must be accepted by a date before it was published.
    #[error(
        "version {version} has an accept-by date ({accept_by}) before its publish date ({published_at}): give an accept-by date on or after the publish date"
    )]
    AcceptByBeforePublished {
        /// The version.
        version: AgreementVersion,
        /// When it was published.
        published_at: DateTime<Utc>,
        /// The accept-by date given.
        accept_by: DateTime<Utc>,
    },
    /// An agreement in the catalogue has no version.
    #[error("agreement {agreement} has no version: give at least one published version")]
    NoVersions {
        /// The agreement.
        agreement: AgreementId,
    },
    /// An agreement lists the same version label twice.
    #[error("agreement {agreement} lists version {version} more than once: give each version once")]
    DuplicateVersion {
        /// The agreement.
        agreement: AgreementId,
        /// The repeated version.
        version: AgreementVersion,
    },
    /// An agreement's versions are not listed in strictly increasing publish order.
    #[error(
        "agreement {agreement} lists version {version} (published {published_at}) after version {previous} (published {previous_published_at}): list versions oldest first, each published later than the one before"
    )]
    VersionsOutOfOrder {
        /// The agreement.
        agreement: AgreementId,
        /// The version out of place.
        version: AgreementVersion,
        /// When it was published.
        published_at: DateTime<Utc>,
        /// The version listed before it.
        previous: AgreementVersion,
        /// When that one was published.
        previous_published_at: DateTime<Utc>,
    },
    /// The catalogue lists the same agreement id twice.
    #[error("the catalogue lists agreement {agreement} more than once: give each agreement once")]
    DuplicateAgreement {
        /// The repeated agreement id.
        agreement: AgreementId,
    },
    /// A name, link or other core value in the catalogue or a command is invalid.
    #[error(transparent)]
    Value {
        /// The core error, written under `"error"` with its own code.
        #[from]
        error: partnerkit_core::Error,
    },

    /// An acceptance names an agreement that is not in the catalogue.
    #[error(
        "agreement {agreement} is not in the catalogue: accept one of the agreements the catalogue lists (rule AGR-3)"
    )]
    UnknownAgreement {
        /// The agreement named.
        agreement: AgreementId,
    },
    /// An acceptance names an agreement, and the catalogue is empty: the host has not given
    /// the marketplace's agreements. No crate ships them (they are the marketplace's own
    /// texts, versions and dates); the facade's default settings hold an empty catalogue.
    #[error(
        "agreement {agreement} cannot be accepted: the agreements catalogue is empty; the host gives the marketplace's agreements (in partnerkit, `Settings::catalogue`) (rule AGR-3)"
    )]
    EmptyCatalogue {
        /// The agreement named.
        agreement: AgreementId,
    },
    /// An acceptance names a version the catalogue does not list for the agreement.
    #[error(
        "agreement {agreement} has no version {version}: accept the exact version you read, as the catalogue names it (rule AGR-3)"
    )]
    UnknownVersion {
        /// The agreement.
        agreement: AgreementId,
        /// The version named.
        version: AgreementVersion,
    },
    /// An acceptance names a version that is not yet published at the time of the command.
    #[error(
        "version {version} of agreement {agreement} is published only at {published_at}: it cannot be accepted before then (rule AGR-3)"
    )]
    VersionNotYetPublished {
        /// The agreement.
        agreement: AgreementId,
        /// The version named.
        version: AgreementVersion,
        /// When it will be published.
        published_at: DateTime<Utc>,
    },
    /// An acceptance names a version that a later published version has replaced.
    #[error(
        "version {version} of agreement {agreement} has been replaced by version {latest}: read version {latest} and accept it (rule AGR-3)"
    )]
    VersionSuperseded {
        /// The agreement.
        agreement: AgreementId,
        /// The version named.
        version: AgreementVersion,
        /// The version to read and accept instead.
        latest: AgreementVersion,
    },
    /// The account has already accepted this version.
    #[error(
        "version {version} of agreement {agreement} was already accepted at {accepted_at}: there is nothing to accept (rule AGR-3)"
    )]
    AlreadyAccepted {
        /// The agreement.
        agreement: AgreementId,
        /// The version named.
        version: AgreementVersion,
        /// When it was accepted.
        accepted_at: DateTime<Utc>,
    },
    /// The account has already accepted a version published later than this one.
    #[error(
        "version {version} of agreement {agreement} is older than version {accepted}, which the account already accepted: there is nothing to accept (rule AGR-3)"
    )]
    OlderThanAccepted {
        /// The agreement.
        agreement: AgreementId,
        /// The version named.
        version: AgreementVersion,
        /// The newer version already accepted.
        accepted: AgreementVersion,
    },
    /// A signed-in user tried to record an acceptance in another user's name.
    #[error(
        "user {actor} cannot accept in the name of user {accepted_by}: a user accepts an agreement in their own name (rule AGR-1)"
    )]
    AcceptedByAnotherUser {
        /// The signed-in user performing the command.
        actor: UserId,
        /// The user the command named as accepting.
        accepted_by: UserId,
    },
}

/// Shorthand for results whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
