//! Deterministic bench data and the peers partnerkit is measured against.
//!
//! ```
//! use partnerkit_benches::{AccessSpec, access_model};
//!
//! // A small account, built through the access decider's own commands.
//! let model = access_model(&AccessSpec::small(), 7)?;
//! let index = partnerkit_access::AccessIndex::build(&model.state);
//! let allowed = model
//!     .requests
//!     .iter()
//!     .filter(|request| index.authorize(request).is_allowed())
//!     .count();
//! assert!(allowed <= model.requests.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Features
//!
//! - `peers` (off by default): the peers partnerkit is compared with (cedar-policy, as
//!   `CedarModel` and `CedarOracle`), criterion, the benchmarks (the service bench also pulls in `partnerkit`
//!   and `partnerkit-sqlite`) and the tests that partnerkit and its peers agree. Off, `cargo test --workspace` builds neither cedar-policy nor criterion. Run them
//!   with `cargo test -p partnerkit-benches --features peers` and
//!   `cargo bench -p partnerkit-benches --features peers`.
//!
//! # Overview
//!
//! This crate is the library half of partnerkit's benchmarks (`benches/benches/*.rs`, run
//! with `cargo bench -p partnerkit-benches --features peers`) and of the tests that check the
//! peers and partnerkit agree (`cargo test -p partnerkit-benches --features peers`). Figures are in
//! `docs/PERFORMANCE.md`.
//!
//! Every generator is seeded: the same spec and seed give the same data, in any process
//! ([`SplitMix64`]; no randomness is drawn from the system).
//!
//! # Authorisation
//!
//! [`access_model`] builds an [`AccessState`] through the access decider's own commands:
//! users, groups (each user in 0 to `max_groups_per_user` groups), and a mix of role and
//! custom grants to users and groups (rules ROL-1..4, ROL-7), plus requests in runs of the
//! same principal (as a page checking several permissions makes them), with a few unknown
//! principals. `CedarModel` (feature `peers`) expresses the same state for cedar-policy:
//! users have their groups, roles and permissions as parents, groups their roles and
//! permissions; one permit policy per role and one per permission a custom set may name
//! (Owner-only permissions have no policy of their own, rule ROL-7).
//!
//! `CedarOracle` (feature `peers`) is a second, independent statement of the whole
//! authorisation model — sign-in, the actor and permission each command and read needs, the
//! principals a command acts on, what it gives, the data classes a read shows (rules X-2,
//! X-8, ROL-7..9) — as Cedar policies written from the requirements
//! (`benches/src/oracle.cedar`), with an account's state as Cedar entities.
//! `benches/tests/oracle.rs` checks partnerkit's `authorize_command` and `authorize_read`
//! against it, refusal codes included, on ten thousand random states built through the
//! service, for every kind of command and read and ten kinds of actor.
//!
//! # Payouts
//!
//! [`ledger`] makes a month of ledger entries (rule PAY-9) as columns; [`LedgerData::batch`]
//! loads them into a [`LedgerBatch`]. The peers are the "grouped floor" loops
//! [`floor_i64`] and [`floor_decimal`] (amounts and withheld amounts, the columns a batch
//! fold adds) and [`floor_i64_amounts`] (amounts only): plain adds into a per-account array.
//!
//! # Withholding
//!
//! [`sales`] makes sales across countries (rule TAX-4); [`per_sale_cells`] is the peer: the
//! per-sale [`withhold`] function summed per country, for comparison with a
//! [`WithholdingFold`](partnerkit_tax::WithholdingFold) (rule TAX-7).

use std::collections::BTreeMap;
use std::fmt;

use partnerkit_access::{
    Access, AccessState, Command, Grant, Permission, PermissionSet, Principal, Request, Role,
};
use partnerkit_core::chrono::NaiveDate;
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{
    AccountId, Actor, Context, CountryCode, Currency, Decider, GroupId, Money, SequentialIds,
    TenantId, UserId,
};
use partnerkit_payouts::{LedgerBatch, LedgerEntry, PayoutMonth, PayoutPolicy, RevenueSource};
use partnerkit_tax::{CellKey, Rate, RateDecision, Sale, Totals, withhold};
use rust_decimal::Decimal;

#[cfg(feature = "peers")]
mod cedar;
#[cfg(feature = "peers")]
pub use cedar::CedarModel;
#[cfg(feature = "peers")]
mod oracle;
#[cfg(feature = "peers")]
pub use oracle::{CedarOracle, OracleAccount, Verdict, grant_gives};

/// Why bench data could not be made: the message of the library or peer that refused it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(String);

impl Error {
    fn new(what: &str, cause: impl fmt::Display) -> Error {
        Error(format!("{what}: {cause}"))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// SplitMix64: a tiny, fast, seeded generator (Steele, Lea and Flood 2014). Good enough for
/// bench data; not for anything secret.
#[derive(Debug, Clone)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 if `n` is 0), by multiply-shift (Lemire): no division.
    pub fn below(&mut self, n: usize) -> usize {
        let wide = u128::from(self.next_u64()) * (n as u128);
        usize::try_from(wide >> 64).unwrap_or(0)
    }

    /// True with probability `per_mille / 1000`.
    pub fn chance(&mut self, per_mille: usize) -> bool {
        self.below(1000) < per_mille
    }
}

// ---------------------------------------------------------------------------------------------
// Authorisation
// ---------------------------------------------------------------------------------------------

/// The size and mix of a generated access model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessSpec {
    /// Number of users.
    pub users: usize,
    /// Number of groups.
    pub groups: usize,
    /// Each user is a member of `0..=max_groups_per_user` distinct groups (uniformly).
    pub max_groups_per_user: usize,
    /// Number of requests.
    pub requests: usize,
    /// Longest run of consecutive requests by the same principal (runs are `1..=max_run`).
    pub max_run: usize,
}

impl AccessSpec {
    /// The benchmark's account: 10,000 users, 1,000 groups, users in 0–5 groups, 10,000
    /// requests.
    pub const fn bench() -> AccessSpec {
        AccessSpec {
            users: 10_000,
            groups: 1_000,
            max_groups_per_user: 5,
            requests: 10_000,
            max_run: 8,
        }
    }

    /// A small account for tests in debug builds: 500 users, 50 groups, 2,000 requests.
    pub const fn small() -> AccessSpec {
        AccessSpec {
            users: 500,
            groups: 50,
            max_groups_per_user: 5,
            requests: 2_000,
            max_run: 8,
        }
    }
}

/// A generated account: its access state, its principals and requests against it.
#[derive(Debug, Clone, PartialEq)]
pub struct AccessModel {
    /// The state, built with the access decider's commands.
    pub state: AccessState,
    /// The users, in creation order.
    pub users: Vec<UserId>,
    /// The groups, in creation order.
    pub groups: Vec<GroupId>,
    /// The requests: mostly users (about 1 % unknown users, 2 % groups), every permission.
    pub requests: Vec<Request>,
}

fn uuid(rng: &mut SplitMix64, n: usize) -> Uuid {
    // Random high bits so hashes see realistic ids; the low bits keep them distinct.
    Uuid::from_u128((u128::from(rng.next_u64()) << 64) | n as u128)
}

/// A random custom permission set: non-empty, never naming an Owner-only permission (rules
/// ROL-3, ROL-7).
fn custom_set(rng: &mut SplitMix64) -> PermissionSet {
    loop {
        let bits = u32::try_from(rng.next_u64() & 0xFFFF).unwrap_or(0);
        // Sparse sets (about a quarter of the permissions), like real custom grants.
        let mask = u32::try_from(rng.next_u64() & 0xFFFF).unwrap_or(0);
        let set = PermissionSet::from_bits_truncate(bits & mask) - PermissionSet::OWNER_ONLY;
        if !set.is_empty() {
            return set;
        }
    }
}

/// A role drawn from a mix: Developer, Manager and Owner in 12:5:1.
fn random_grant(rng: &mut SplitMix64) -> Grant {
    match rng.below(18) {
        0..=11 => Grant::Role(Role::Developer),
        12..=16 => Grant::Role(Role::Manager),
        _ => Grant::Role(Role::Owner),
    }
}

/// Generates an access model for `spec` from `seed` (see [`AccessSpec`]).
///
/// Grants: about 55 % of users and 80 % of groups get one role or custom grant (roles and
/// custom sets about half each), and one in ten of those a second one. The state is built
/// with [`Access`]'s commands, so it is one the decider accepts (rule X-3).
pub fn access_model(spec: &AccessSpec, seed: u64) -> Result<AccessModel, Error> {
    let mut rng = SplitMix64::new(seed);
    let tenant = TenantId::from_uuid(uuid(&mut rng, 0));
    let users: Vec<UserId> = (0..spec.users)
        .map(|n| UserId::from_uuid(uuid(&mut rng, n)))
        .collect();
    let groups: Vec<GroupId> = (0..spec.groups)
        .map(|n| GroupId::from_uuid(uuid(&mut rng, n)))
        .collect();

    let mut members: Vec<Vec<UserId>> = vec![Vec::new(); groups.len()];
    for user in &users {
        let k = rng.below(spec.max_groups_per_user + 1).min(groups.len());
        let mut chosen: Vec<usize> = Vec::with_capacity(k);
        while chosen.len() < k {
            let g = rng.below(groups.len());
            if !chosen.contains(&g) {
                chosen.push(g);
            }
        }
        for g in chosen {
            if let Some(m) = members.get_mut(g) {
                m.push(*user);
            }
        }
    }

    let mut grants: BTreeMap<Grant, Vec<Principal>> = BTreeMap::new();
    let mut give = |rng: &mut SplitMix64, principal: Principal, per_mille: usize| {
        if !rng.chance(per_mille) {
            return;
        }
        let first = if rng.chance(500) {
            random_grant(rng)
        } else {
            Grant::Custom(custom_set(rng))
        };
        grants.entry(first).or_default().push(principal);
        if rng.chance(100) {
            let second = Grant::Custom(custom_set(rng));
            if second != first {
                grants.entry(second).or_default().push(principal);
            }
        }
    };
    for user in &users {
        give(&mut rng, Principal::User(*user), 550);
    }
    for group in &groups {
        give(&mut rng, Principal::Group(*group), 800);
    }

    let mut commands: Vec<Command> = Vec::new();
    commands.extend(users.iter().map(|&user| Command::RegisterUser {
        user,
        tenant,
        can_sign_in: true,
    }));
    commands.extend(
        groups
            .iter()
            .map(|&group| Command::RegisterGroup { group, tenant }),
    );
    // Memberships before grants: while nobody is a Manager the USR-7 check is trivial.
    commands.extend(
        groups
            .iter()
            .zip(members)
            .filter(|(_, m)| !m.is_empty())
            .map(|(&group, members)| Command::SetGroupMembers { group, members }),
    );
    commands.extend(
        grants
            .into_iter()
            .map(|(grant, principals)| Command::GrantMany { principals, grant }),
    );
    let ids = SequentialIds::default();
    let at = NaiveDate::from_ymd_opt(2027, 3, 1)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .map(|t| t.and_utc())
        .unwrap_or_default();
    let ctx = Context::new(at, Actor::Marketplace, &ids);
    let mut state = AccessState::default();
    for command in commands {
        Access::execute(&mut state, command, &ctx).map_err(|e| Error::new("access command", e))?;
    }

    let mut requests = Vec::with_capacity(spec.requests);
    let mut unknown = 0usize;
    while requests.len() < spec.requests {
        let principal = match rng.below(100) {
            0 => {
                unknown += 1;
                Principal::User(UserId::from_uuid(uuid(&mut rng, spec.users + unknown)))
            }
            1 | 2 => match groups.get(rng.below(groups.len())) {
                Some(g) => Principal::Group(*g),
                None => continue,
            },
            _ => match users.get(rng.below(users.len())) {
                Some(u) => Principal::User(*u),
                None => continue,
            },
        };
        let run = 1 + rng.below(spec.max_run.max(1));
        for _ in 0..run.min(spec.requests - requests.len()) {
            if let Some(p) = Permission::ALL.get(rng.below(Permission::COUNT)) {
                requests.push(Request::new(principal, *p));
            }
        }
    }
    Ok(AccessModel {
        state,
        users,
        groups,
        requests,
    })
}

// ---------------------------------------------------------------------------------------------
// Payouts
// ---------------------------------------------------------------------------------------------

/// The size and mix of a generated month of ledger entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerSpec {
    /// Number of entries.
    pub entries: usize,
    /// Number of accounts; each entry goes to one drawn uniformly.
    pub accounts: usize,
    /// Refunds (negative amounts), per thousand entries.
    pub refunds_per_mille: usize,
    /// Entries withheld on at 30 %, per thousand.
    pub withheld_per_mille: usize,
}

impl LedgerSpec {
    /// The benchmark's month: 10 million entries across 100,000 accounts.
    pub const fn bench() -> LedgerSpec {
        LedgerSpec {
            entries: 10_000_000,
            accounts: 100_000,
            refunds_per_mille: 30,
            withheld_per_mille: 200,
        }
    }

    /// A small month for tests: 20,000 entries across 500 accounts.
    pub const fn small() -> LedgerSpec {
        LedgerSpec {
            entries: 20_000,
            accounts: 500,
            refunds_per_mille: 30,
            withheld_per_mille: 200,
        }
    }
}

/// A month of app-sales ledger entries in USD, earned in March 2027 and all payable in the
/// batch's month (April 2027, the default one-month lag), as columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerData {
    /// The cycle's month.
    pub month: PayoutMonth,
    /// The accounts; `slot[i]` indexes it.
    pub accounts: Vec<AccountId>,
    /// Each entry's account.
    pub slot: Vec<u32>,
    /// Each entry's amount in cents (negative for a refund).
    pub amount_minor: Vec<i64>,
    /// Each entry's withheld amount in cents (same sign as the amount, no larger).
    pub withheld_minor: Vec<i64>,
    /// Each entry's day of March (1–31).
    pub day: Vec<u8>,
}

/// Generates a month of ledger entries for `spec` from `seed`.
pub fn ledger(spec: &LedgerSpec, seed: u64) -> LedgerData {
    let mut rng = SplitMix64::new(seed);
    let accounts = (0..spec.accounts)
        .map(|n| AccountId::from_uuid(uuid(&mut rng, n)))
        .collect();
    let mut data = LedgerData {
        month: PayoutMonth::new(2027, 4).unwrap_or_else(|_| unreachable!("April 2027 is in range")),
        accounts,
        slot: Vec::with_capacity(spec.entries),
        amount_minor: Vec::with_capacity(spec.entries),
        withheld_minor: Vec::with_capacity(spec.entries),
        day: Vec::with_capacity(spec.entries),
    };
    for _ in 0..spec.entries {
        let slot = u32::try_from(rng.below(spec.accounts)).unwrap_or(0);
        let cents = 99 + i64::try_from(rng.below(50_000)).unwrap_or(0);
        let amount = if rng.chance(spec.refunds_per_mille) {
            -cents
        } else {
            cents
        };
        let withheld = if rng.chance(spec.withheld_per_mille) {
            partnerkit_tax::withheld_minor_units(amount, Rate::DEFAULT_WITHHOLDING)
        } else {
            0
        };
        data.slot.push(slot);
        data.amount_minor.push(amount);
        data.withheld_minor.push(withheld);
        data.day.push(1 + u8::try_from(rng.below(31)).unwrap_or(0));
    }
    data
}

impl LedgerData {
    /// The number of entries.
    pub fn len(&self) -> usize {
        self.slot.len()
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.slot.is_empty()
    }

    /// Entry `i` as a [`LedgerEntry`] (made with the default [`PayoutPolicy`]), or `None` past
    /// the end.
    pub fn entry(
        &self,
        i: usize,
        source: &RevenueSource,
        policy: &PayoutPolicy,
    ) -> Option<Result<LedgerEntry, Error>> {
        let (amount, withheld, day) = (
            *self.amount_minor.get(i)?,
            *self.withheld_minor.get(i)?,
            *self.day.get(i)?,
        );
        let earned = NaiveDate::from_ymd_opt(2027, 3, u32::from(day))?;
        let make = || {
            LedgerEntry::new(
                source.clone(),
                Money::from_minor_units(amount, Currency::USD),
                earned,
                CountryCode::US,
                policy,
            )?
            .with_withheld(Money::from_minor_units(withheld, Currency::USD))
        };
        Some(make().map_err(|e| Error::new("ledger entry", e)))
    }

    /// The entries of one account slot, in order.
    pub fn entries_of(&self, slot: u32) -> Result<Vec<LedgerEntry>, Error> {
        let (source, policy) = source_and_policy()?;
        self.slot
            .iter()
            .enumerate()
            .filter(|(_, s)| **s == slot)
            .filter_map(|(i, _)| self.entry(i, &source, &policy))
            .collect()
    }

    /// The whole month in a [`LedgerBatch`]: accounts interned in order (so slots match
    /// `slot`), each entry built as a [`LedgerEntry`] and pushed.
    pub fn batch(&self) -> Result<LedgerBatch, Error> {
        let (source, policy) = source_and_policy()?;
        let mut batch =
            LedgerBatch::with_capacity(self.month, Currency::USD, self.len(), self.accounts.len());
        for account in &self.accounts {
            batch
                .intern(*account)
                .map_err(|e| Error::new("intern", e))?;
        }
        for i in 0..self.len() {
            let (Some(slot), Some(entry)) = (self.slot.get(i), self.entry(i, &source, &policy))
            else {
                break;
            };
            batch
                .push_slot(*slot, &entry?)
                .map_err(|e| Error::new("batch push", e))?;
        }
        Ok(batch)
    }

    /// The amounts and withheld amounts as [`Decimal`] dollars, for [`floor_decimal`].
    pub fn decimal_columns(&self) -> (Vec<Decimal>, Vec<Decimal>) {
        let dec = |v: &[i64]| v.iter().map(|c| Decimal::new(*c, 2)).collect();
        (dec(&self.amount_minor), dec(&self.withheld_minor))
    }
}

fn source_and_policy() -> Result<(RevenueSource, PayoutPolicy), Error> {
    let source = RevenueSource::new(RevenueSource::APP_SALES)
        .map_err(|e| Error::new("revenue source", e))?;
    Ok((source, PayoutPolicy::default()))
}

/// The grouped floor in `i64`: adds each entry's amount and withheld amount (cents) into its
/// account's `[earned, withheld]` cell with plain `+=` — the same work a batch fold does,
/// with nothing else. Entries whose slot is out of range are skipped.
pub fn floor_i64(accounts: usize, slot: &[u32], amount: &[i64], withheld: &[i64]) -> Vec<[i64; 2]> {
    let mut sums = vec![[0i64; 2]; accounts];
    for ((s, a), w) in slot.iter().zip(amount).zip(withheld) {
        if let Some(cell) = sums.get_mut(*s as usize) {
            cell[0] += a;
            cell[1] += w;
        }
    }
    sums
}

/// The grouped floor in its barest form: only the amounts (one column), `i64` cents into a
/// per-account array.
pub fn floor_i64_amounts(accounts: usize, slot: &[u32], amount: &[i64]) -> Vec<i64> {
    let mut sums = vec![0i64; accounts];
    for (s, a) in slot.iter().zip(amount) {
        if let Some(cell) = sums.get_mut(*s as usize) {
            *cell += a;
        }
    }
    sums
}

/// The grouped floor over [`Decimal`]: as [`floor_i64`], adding decimal amounts.
pub fn floor_decimal(
    accounts: usize,
    slot: &[u32],
    amount: &[Decimal],
    withheld: &[Decimal],
) -> Vec<[Decimal; 2]> {
    let mut sums = vec![[Decimal::ZERO; 2]; accounts];
    for ((s, a), w) in slot.iter().zip(amount).zip(withheld) {
        if let Some(cell) = sums.get_mut(*s as usize) {
            cell[0] += a;
            cell[1] += w;
        }
    }
    sums
}

// ---------------------------------------------------------------------------------------------
// Withholding
// ---------------------------------------------------------------------------------------------

/// Generated sales: which countries, and each sale with the index of its country.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesData {
    /// The countries and the currency their sales are made in; the first is the US (USD).
    pub countries: Vec<(CountryCode, Currency)>,
    /// The sales.
    pub sales: Vec<Sale>,
    /// For each sale, its index in `countries`.
    pub country_of: Vec<u8>,
}

/// Generates `count` sales across `countries` countries (at most 50; the US and the first
/// others of the ISO list), from `seed`. About 30 % are made in the US, the rest spread
/// evenly; 3 % are refunds. Amounts are 0.99 to 500.00 in the country's currency (EUR, GBP,
/// SEK or JPY, or USD in the US).
pub fn sales(count: usize, countries: usize, seed: u64) -> Result<SalesData, Error> {
    let mut rng = SplitMix64::new(seed);
    let others = [Currency::EUR, Currency::GBP, Currency::SEK, Currency::JPY];
    let mut list = vec![(CountryCode::US, Currency::USD)];
    list.extend(
        CountryCode::all()
            .filter(|c| *c != CountryCode::US)
            .take(countries.clamp(1, 50) - 1)
            .enumerate()
            .map(|(i, c)| {
                (
                    c,
                    others
                        .get(i % others.len())
                        .copied()
                        .unwrap_or(Currency::EUR),
                )
            }),
    );
    let mut data = SalesData {
        sales: Vec::with_capacity(count),
        country_of: Vec::with_capacity(count),
        countries: list,
    };
    for _ in 0..count {
        let index = if rng.chance(300) || data.countries.len() == 1 {
            0
        } else {
            1 + rng.below(data.countries.len() - 1)
        };
        let Some((country, currency)) = data.countries.get(index).copied() else {
            continue;
        };
        let cents = 99 + i64::try_from(rng.below(50_000)).unwrap_or(0);
        let amount = if rng.chance(30) { -cents } else { cents };
        let sale =
            Sale::from_minor_units(amount, currency, country).map_err(|e| Error::new("sale", e))?;
        data.sales.push(sale);
        data.country_of.push(u8::try_from(index).unwrap_or(0));
    }
    Ok(data)
}

/// The peer of a [`WithholdingFold`](partnerkit_tax::WithholdingFold): the per-sale
/// [`withhold`] function (exact decimal arithmetic) applied to every sale, summed per country
/// into cells keyed like [`WithholdingFold::cells`](partnerkit_tax::WithholdingFold::cells).
pub fn per_sale_cells(
    data: &SalesData,
    decision: &RateDecision,
) -> Result<BTreeMap<CellKey, Totals>, Error> {
    let mut totals = vec![Totals::default(); data.countries.len()];
    for (sale, index) in data.sales.iter().zip(&data.country_of) {
        let w = withhold(sale, decision);
        let withheld = w
            .withheld
            .minor_units()
            .map_err(|e| Error::new("withheld", e))?;
        if let Some(t) = totals.get_mut(usize::from(*index)) {
            t.sales += 1;
            t.gross_minor += i128::from(sale.gross_minor_units());
            t.withheld_minor += i128::from(withheld);
        }
    }
    Ok(data
        .countries
        .iter()
        .zip(totals)
        .filter(|(_, t)| t.sales > 0)
        .map(|(&(country, currency), t)| {
            let rate = if country == CountryCode::US {
                decision.rate
            } else {
                Rate::ZERO
            };
            ((country, currency, rate), t)
        })
        .collect())
}
