//! What a read on behalf of an actor returns (rule X-8): the account and its history cut to
//! the data classes the actor may see, and never a credential verifier.
//!
//! Which classes an actor may see is access's rule
//! ([`Authorized::classes`](partnerkit_access::Authorized::classes)); which class each part
//! of the state and each event belongs to is its own crate's answer; what a verifier is,
//! identity's ([`Account::directory`](partnerkit_identity::Account::directory),
//! [`Event::view`](partnerkit_identity::Event::view)).

use partnerkit_access::AccessState;
use partnerkit_agreements::Acceptances;
use partnerkit_core::{DataClass, DataClasses, Envelope};
use partnerkit_identity::{Directory, EventView, Profile};
use partnerkit_payouts::PayoutProfile;
use partnerkit_tax::TaxProfile;
use serde::Serialize;

use crate::state::{AccountEvent, AccountState};

/// An account as one actor may see it (rule X-8): each part is there only if the actor's
/// permissions cover its class, and no part holds a credential verifier.
///
/// | part | class | covered by |
/// |---|---|---|
/// | `profile` | profile | `view_account_settings`, `manage_account_settings`, `manage_contact_info` |
/// | `directory`, `access` | directory | `manage_users`, `manage_groups` |
/// | `payouts` | financial | `view_financial_reports`, `manage_payout_settings` |
/// | `tax` | tax | `manage_tax_settings` (the Owner role, or the owner account) |
/// | `agreements` | agreements | `view_agreements`, `accept_agreements` |
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct AccountView {
    /// The classes this view holds.
    pub classes: DataClasses,
    /// The account profile: type, verification, publisher IDs, display name, contacts.
    pub profile: Option<Profile>,
    /// Tenants, users, groups and apps, without credential verifiers.
    pub directory: Option<Directory>,
    /// Who holds which grant, group memberships, who can sign in.
    pub access: Option<AccessState>,
    /// Registration, owner account, payout accounts (masked) and the hold.
    pub payouts: Option<PayoutProfile>,
    /// The tax profile and forms.
    pub tax: Option<TaxProfile>,
    /// Accepted agreements.
    pub agreements: Option<Acceptances>,
}

impl AccountView {
    /// The parts of `state` in `classes`.
    pub fn of(state: &AccountState, classes: DataClasses) -> AccountView {
        let has = |c: DataClass| classes.contains(c);
        AccountView {
            classes,
            profile: has(DataClass::Profile)
                .then(|| state.identity.profile().cloned())
                .flatten(),
            directory: has(DataClass::Directory).then(|| state.identity.directory()),
            access: has(DataClass::Directory).then(|| state.access.clone()),
            payouts: has(DataClass::Financial).then(|| state.payouts.clone()),
            tax: has(DataClass::Tax).then(|| state.tax.clone()),
            agreements: has(DataClass::Agreements).then(|| state.agreements.clone()),
        }
    }
}

/// An event as a read shows it (rule X-8): identity's events without their credential
/// verifiers, every other domain's as they are. Serialised like [`AccountEvent`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "domain", content = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AccountEventView {
    /// An identity event, less its verifier.
    Identity(EventView),
    /// An access event.
    Access(partnerkit_access::Event),
    /// A payouts event.
    Payouts(partnerkit_payouts::Event),
    /// A tax event.
    Tax(partnerkit_tax::Event),
    /// An agreements event.
    Agreements(partnerkit_agreements::Event),
}

impl AccountEvent {
    /// The data class the event belongs to (rule X-8): identity says for its own events;
    /// access's are the directory's, payouts' financial, tax's and agreements' their own.
    pub fn data_class(&self) -> DataClass {
        match self {
            AccountEvent::Identity(e) => e.data_class(),
            AccountEvent::Access(_) => DataClass::Directory,
            AccountEvent::Payouts(_) => DataClass::Financial,
            AccountEvent::Tax(_) => DataClass::Tax,
            AccountEvent::Agreements(_) => DataClass::Agreements,
        }
    }

    /// The event as a read shows it, without credential verifiers.
    pub fn view(&self) -> AccountEventView {
        match self {
            AccountEvent::Identity(e) => AccountEventView::Identity(e.view()),
            AccountEvent::Access(e) => AccountEventView::Access(e.clone()),
            AccountEvent::Payouts(e) => AccountEventView::Payouts(e.clone()),
            AccountEvent::Tax(e) => AccountEventView::Tax(e.clone()),
            AccountEvent::Agreements(e) => AccountEventView::Agreements(e.clone()),
        }
    }
}

/// The events of `history` in `classes`, as a read shows them (rule X-8).
pub(crate) fn history_view(
    history: Vec<Envelope<AccountEvent>>,
    classes: DataClasses,
) -> Vec<Envelope<AccountEventView>> {
    history
        .into_iter()
        .filter(|r| classes.contains(r.event.data_class()))
        .map(|r| Envelope {
            v: r.v,
            id: r.id,
            at: r.at,
            actor: r.actor,
            event: r.event.view(),
        })
        .collect()
}
