//! The service's errors: a broken rule, a refused actor, a lost race, or a failed store.

use partnerkit_access::Decision;
use partnerkit_core::{AccountId, Actor, Version};

/// Why an [`AccountService`](crate::AccountService) call changed nothing.
///
/// The four cases call for four different reactions, so they are kept apart:
/// fix the input ([`Error::Domain`]), tell the user they may not ([`Error::Denied`]), reload and
/// retry ([`Error::Conflict`]), or report an outage ([`Error::Store`]).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error<E> {
    /// The command broke a rule; the message names it (rule X-3).
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The actor may not do this (rule X-2); the denial explains why (rule ROL-6).
    #[error("{0}")]
    Denied(Box<Denial>),
    /// Someone else changed the account since it was loaded: call again.
    #[error(
        "the account changed since it was loaded (expected {expected}, found {actual}): call again"
    )]
    Conflict {
        /// The version the command was decided against.
        expected: Version,
        /// The version the store holds now.
        actual: Version,
    },
    /// The store failed.
    #[error("the store failed: {0}")]
    Store(#[source] E),
}

impl<E> Error<E> {
    /// The denial, if the actor was refused.
    pub fn denial(&self) -> Option<&Denial> {
        match self {
            Error::Denied(d) => Some(d),
            _ => None,
        }
    }

    /// The broken rule's error, if the command broke one.
    pub fn domain(&self) -> Option<&DomainError> {
        match self {
            Error::Domain(d) => Some(d),
            _ => None,
        }
    }

    /// True for [`Error::Conflict`]: reloading and calling again may succeed.
    pub fn is_conflict(&self) -> bool {
        matches!(self, Error::Conflict { .. })
    }
}

impl<E> From<Denial> for Error<E> {
    fn from(d: Denial) -> Self {
        Error::Denied(Box::new(d))
    }
}

/// A rule broken by a command, from the domain that owns the rule.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum DomainError {
    /// An identity rule (ACC, TEN, USR, GRP, APP).
    #[error(transparent)]
    Identity(#[from] partnerkit_identity::Error),
    /// An access rule (ROL, USR-7).
    #[error(transparent)]
    Access(#[from] partnerkit_access::Error),
    /// A payout rule (PAY).
    #[error(transparent)]
    Payouts(#[from] partnerkit_payouts::Error),
    /// A tax rule (TAX).
    #[error(transparent)]
    Tax(#[from] partnerkit_tax::Error),
    /// An agreements rule (AGR).
    #[error(transparent)]
    Agreements(#[from] partnerkit_agreements::Error),
    /// A value could not be built.
    #[error(transparent)]
    Value(#[from] partnerkit_core::Error),
    /// No account with this id was ever opened.
    #[error("account {account} does not exist: open it first")]
    AccountNotFound {
        /// The account asked for.
        account: AccountId,
    },
    /// The account was already opened.
    #[error("account {account} is already open (rule ACC-2: publisher IDs are assigned once)")]
    AccountExists {
        /// The account.
        account: AccountId,
    },
    /// The account has no tenant yet, so there is no directory to act in.
    #[error("the account has no associated tenant: associate one first (rule USR-1)")]
    NoTenant,
}

/// Why an actor was refused (rule X-2). Each case explains itself (rule ROL-6).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Denial {
    /// The actor cannot sign in to the account: not a user or app of an associated tenant,
    /// removed, or a guest who has not accepted yet (rules USR-1, USR-5, TEN-4).
    #[error(
        "denied: {actor} cannot sign in to this account: it needs an active work account in an associated tenant (rule USR-1)"
    )]
    CannotSignIn {
        /// Who tried.
        actor: Actor,
    },
    /// The actor lacks a permission; the decision says which, and which roles would grant it.
    #[error("{0}")]
    Permission(Decision),
    /// Financial settings are changed only while signed in with the account's owner account,
    /// never with a work account (rule PAY-1).
    #[error(
        "denied: {actor} is not this account's owner account: payout and tax settings are changed only while signed in with the owner account (rule PAY-1)"
    )]
    OwnerAccountRequired {
        /// Who tried.
        actor: Actor,
    },
    /// Only the marketplace itself may do this (open accounts, record verification results).
    #[error(
        "denied: {actor} is not the marketplace: only the marketplace assigns publisher IDs and records verification (rule ACC-2)"
    )]
    MarketplaceOnly {
        /// Who tried.
        actor: Actor,
    },
    /// Agreements are accepted by a named directory user (rule AGR-1).
    #[error(
        "denied: {actor} is not a directory user: agreements are accepted by a signed-in user whose name is recorded (rule AGR-1)"
    )]
    UserRequired {
        /// Who tried.
        actor: Actor,
    },
}
