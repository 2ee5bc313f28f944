//! The host's data the service decides with, and how it caches and snapshots.

use std::fmt;
use std::sync::Arc;

use partnerkit_agreements::Catalogue;
use partnerkit_core::{AccountId, OwnerAccountId};
use partnerkit_payouts::{OwnerAccountRegistry, PayoutPolicy};
use partnerkit_tax::{RemittanceTable, TreatyTable};

/// The host's data the service decides with — the agreements catalogue, the payout policy,
/// the treaty table and the remittance table — and the service's own tuning: how many
/// accounts it keeps in memory and how often it writes a snapshot.
///
/// The policy and both tax tables default to the data shipped with their crates. The
/// catalogue is the host's to give: the agreements are the marketplace's own texts, versions
/// and dates, so no crate ships them. It defaults to **empty**, and then every
/// `accept_agreement` is refused with `empty_catalogue`, and no agreement is needed to sell
/// (rules AGR-2, ACC-4). Set [`catalogue`](Self::catalogue) to the marketplace's agreements:
///
/// ```
/// use partnerkit::Settings;
/// use partnerkit::agreements::Catalogue;
///
/// let catalogue: Catalogue = serde_json::from_str(r#"{"agreements": [{
///     "id": "publisher-agreement", "name": "Publisher Agreement",
///     "versions": [{"version": "2027-01", "published_at": "2027-01-01T00:00:00Z",
///                   "text": {"url": "https://contoso.example/agreement/2027-01"}}]}]}"#)?;
/// let settings = Settings { catalogue, ..Settings::default() };
/// assert_eq!(settings.catalogue.agreements().len(), 1);
/// assert!(Settings::default().catalogue.agreements().is_empty());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Settings {
    /// The publishing agreements and their versions (rule AGR-3). Empty by default: the host
    /// gives the marketplace's own.
    pub catalogue: Catalogue,
    /// Thresholds, lags, payment day and payout time zone (rule PAY-8).
    pub policy: PayoutPolicy,
    /// Treaty withholding rates (rule TAX-5).
    pub treaties: TreatyTable,
    /// Who remits sales tax where (rule TAX-6).
    pub remittance: RemittanceTable,
    /// How many accounts the service keeps in memory, most recently used first. An account
    /// outside the cache is loaded from the store (latest snapshot plus the events after it)
    /// on its next use. At least 1.
    pub cache_capacity: usize,
    /// A snapshot of the state is written with the command that brings the number of events
    /// since the last snapshot to this many — or, for a large account, to one event per
    /// [`snapshot_principals_per_event`](Self::snapshot_principals_per_event) principals,
    /// whichever is more. Loading replays at most that many events; the snapshot's bytes,
    /// which grow with the account, are spread over as many events as the account has
    /// principals in fives, so the bytes written per command stay flat (about 90 bytes of
    /// snapshot per event at 445 bytes of snapshot per principal). At least 1.
    pub snapshot_every: u64,
    /// See [`snapshot_every`](Self::snapshot_every): how many principals of the account one
    /// event between snapshots stands for. At least 1; 5 by default: at 100,000 users a
    /// snapshot (about 45 MB of JSON) every 20,000 events.
    pub snapshot_principals_per_event: u64,
    /// How many times a command is decided again after a write conflict (another writer
    /// stored first) before [`Error::Conflict`](crate::Error::Conflict) is returned.
    pub conflict_retries: u32,
    /// Who says whether an owner account already belongs to another marketplace account when
    /// the marketplace associates it (rule PAY-1): the host's record
    /// ([`OwnerRegistry::Host`]), or the marketplace itself
    /// ([`OwnerRegistry::MarketplaceVouches`], the default). Choose it explicitly.
    pub owner_registry: OwnerRegistry,
}

/// Who answers "which marketplace account is this owner account associated with?" when the
/// marketplace associates an owner account with an account (rule PAY-1: an owner account
/// belongs to at most one marketplace account).
///
/// The default is [`MarketplaceVouches`](Self::MarketplaceVouches), which checks nothing; a
/// host that keeps the record should give it as [`Host`](Self::Host).
///
/// ```
/// use partnerkit::core::{AccountId, OwnerAccountId};
/// use partnerkit::payouts::OwnerAccountRegistry;
/// use partnerkit::{OwnerRegistry, Settings};
///
/// /// Your record of which owner account belongs to which marketplace account.
/// struct Registry;
/// impl OwnerAccountRegistry for Registry {
///     fn associated_account(&self, _owner: OwnerAccountId) -> Option<AccountId> {
///         None // look it up in your database
///     }
/// }
///
/// let settings = Settings {
///     owner_registry: OwnerRegistry::host(Registry),
///     ..Settings::default()
/// };
/// assert!(matches!(Settings::default().owner_registry, OwnerRegistry::MarketplaceVouches));
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum OwnerRegistry {
    /// The host's record, checked on every association: an owner account the record
    /// associates with another marketplace account is refused (`owner_account_taken`).
    Host(Arc<dyn OwnerAccountRegistry + Send + Sync>),
    /// No record is checked: the marketplace — the only actor who may associate an owner
    /// account — vouches that it belongs to no other account, having checked that itself.
    /// The default.
    #[default]
    MarketplaceVouches,
}

impl OwnerRegistry {
    /// [`Host`](Self::Host) with the host's `registry`.
    pub fn host(registry: impl OwnerAccountRegistry + Send + Sync + 'static) -> Self {
        OwnerRegistry::Host(Arc::new(registry))
    }
}

/// The record's answer; with [`MarketplaceVouches`](OwnerRegistry::MarketplaceVouches), none:
/// the marketplace vouches that the owner account belongs to no other account.
impl OwnerAccountRegistry for OwnerRegistry {
    fn associated_account(&self, owner: OwnerAccountId) -> Option<AccountId> {
        match self {
            OwnerRegistry::Host(registry) => registry.associated_account(owner),
            OwnerRegistry::MarketplaceVouches => None,
        }
    }
}

impl fmt::Debug for OwnerRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OwnerRegistry::Host(_) => f.write_str("Host(…)"),
            OwnerRegistry::MarketplaceVouches => f.write_str("MarketplaceVouches"),
        }
    }
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("catalogue", &self.catalogue)
            .field("policy", &self.policy)
            .field("treaties", &self.treaties)
            .field("remittance", &self.remittance)
            .field("cache_capacity", &self.cache_capacity)
            .field("snapshot_every", &self.snapshot_every)
            .field(
                "snapshot_principals_per_event",
                &self.snapshot_principals_per_event,
            )
            .field("conflict_retries", &self.conflict_retries)
            .field("owner_registry", &self.owner_registry)
            .finish()
    }
}

impl Settings {
    /// How many events may pass between snapshots of an account with `principals` users,
    /// groups and apps.
    pub fn snapshot_interval(&self, principals: u64) -> u64 {
        let per = self.snapshot_principals_per_event.max(1);
        self.snapshot_every.max(principals / per).max(1)
    }
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            catalogue: Catalogue::default(),
            policy: PayoutPolicy::default(),
            treaties: TreatyTable::default(),
            remittance: RemittanceTable::default(),
            cache_capacity: 1024,
            snapshot_every: 1000,
            snapshot_principals_per_event: 5,
            conflict_retries: 3,
            owner_registry: OwnerRegistry::MarketplaceVouches,
        }
    }
}
