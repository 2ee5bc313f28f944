//! An account's whole state, and the events that build it.

use partnerkit_access::{Access, AccessState};
use partnerkit_agreements::{Acceptances, Agreements};
use partnerkit_core::Decider;
use partnerkit_identity::{Account, Identity};
use partnerkit_payouts::{PayoutProfile, Payouts};
use partnerkit_tax::{Tax, TaxProfile};
use serde::{Deserialize, Serialize};

/// Everything partnerkit knows about one publisher account: one state per domain.
///
/// It is rebuilt from the account's events alone ([`AccountState::fold`]); stores keep it as
/// a snapshot beside the event log so loading does not replay history.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountState {
    /// Profile, verification, tenants, users, groups, apps and keys.
    pub identity: Account,
    /// Principals, group memberships and grants.
    pub access: AccessState,
    /// Registration, owner account, payout accounts and the hold.
    pub payouts: PayoutProfile,
    /// Tax profile and forms.
    pub tax: TaxProfile,
    /// Accepted agreements.
    pub agreements: Acceptances,
}

/// One change to an account, from one of the domains (rule X-1).
///
/// A public format: serialised as `{"domain": "identity", "event": {"type": …}}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "domain", content = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AccountEvent {
    /// An identity event.
    Identity(partnerkit_identity::Event),
    /// An access event.
    Access(partnerkit_access::Event),
    /// A payouts event.
    Payouts(partnerkit_payouts::Event),
    /// A tax event.
    Tax(partnerkit_tax::Event),
    /// An agreements event.
    Agreements(partnerkit_agreements::Event),
}

impl AccountState {
    /// Applies one event.
    pub fn apply(&mut self, event: &AccountEvent) {
        match event {
            AccountEvent::Identity(e) => Identity::apply(&mut self.identity, e),
            AccountEvent::Access(e) => Access::apply(&mut self.access, e),
            AccountEvent::Payouts(e) => Payouts::apply(&mut self.payouts, e),
            AccountEvent::Tax(e) => Tax::apply(&mut self.tax, e),
            AccountEvent::Agreements(e) => Agreements::apply(&mut self.agreements, e),
        }
    }

    /// Rebuilds a state from events, oldest first.
    pub fn fold<'e>(events: impl IntoIterator<Item = &'e AccountEvent>) -> AccountState {
        let mut state = AccountState::default();
        for e in events {
            state.apply(e);
        }
        state
    }
}

#[cfg(test)]
pub(crate) use samples::sample_opening;
#[cfg(any(test, feature = "testing"))]
pub(crate) use samples::{sample_events, sample_state, with_unique_id};

#[cfg(any(test, feature = "testing"))]
mod samples {
    use partnerkit_core::{Actor, Envelope, SellerId, testing};
    use partnerkit_identity::{AccountType, Event};

    use super::{AccountEvent, AccountState};

    fn opened(n: u32) -> Event {
        Event::AccountOpened {
            account: testing::id(u128::from(n) + 1),
            seller_id: SellerId::new(&(91_000_000 + u64::from(n)).to_string())
                .unwrap_or_else(|_| unreachable!("a positive number is a seller id")),
            account_type: AccountType::Company,
            display_name: partnerkit_core::DisplayName::new(&format!("Sample publisher {n}"))
                .unwrap_or_else(|_| unreachable!("a short name is valid")),
            owner: None,
        }
    }

    /// The opening of a US company, "Contoso Apps", for the crate's own tests.
    #[cfg(test)]
    pub(crate) fn sample_opening(account: partnerkit_core::AccountId) -> crate::OpenAccount {
        crate::OpenAccount {
            account,
            seller_id: SellerId::new("91234567")
                .unwrap_or_else(|_| unreachable!("a positive number is a seller id")),
            account_type: AccountType::Company,
            display_name: partnerkit_core::DisplayName::new("Contoso Apps")
                .unwrap_or_else(|_| unreachable!("a short name is valid")),
            owner: None,
            country: partnerkit_core::CountryCode::US,
            currency: partnerkit_core::Currency::USD,
        }
    }

    /// A distinct, non-trivial state per `n`, for the conformance kit.
    pub(crate) fn sample_state(n: u32) -> AccountState {
        AccountState::fold(&[AccountEvent::Identity(opened(n))])
    }

    /// `e` with an id of its own, numbered `n` (ids are unique in a history, rule X-9); an
    /// event in format 1 keeps having none.
    pub(crate) fn with_unique_id(e: Envelope<AccountEvent>, n: u32) -> Envelope<AccountEvent> {
        let id = e.id.map(|_| testing::id(0xF000_0000 + u128::from(n)));
        Envelope { id, ..e }
    }

    /// `n` events with distinct contents and ids, for the conformance kit.
    pub(crate) fn sample_events(n: u32) -> Vec<Envelope<AccountEvent>> {
        (0..n)
            .map(|i| Envelope {
                // The first event is stored in format 1 (before event ids), the others in
                // the current format, so a store must keep both as they were.
                v: if i == 0 {
                    1
                } else {
                    partnerkit_core::ENVELOPE_FORMAT
                },
                id: (i > 0).then(|| testing::id(0xE000 + u128::from(i))),
                at: testing::at(2027, 1, 1, 0, 0, 0) + chrono::Duration::seconds(i64::from(i)),
                actor: Actor::Marketplace,
                event: AccountEvent::Identity(opened(i)),
            })
            .collect()
    }
}
