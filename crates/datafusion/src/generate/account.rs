//! One generated account's history, built through the payouts and tax deciders so that every
//! event is one the rules accept. Each step draws from the generator in a fixed order, so the
//! same seed gives the same account.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use partnerkit::core::{
    AccountId, Actor, Context, CountryCode, Currency, Decider, DisplayName, EmailAddress, Money,
    OwnerAccountId, PayoutAccountId, PhoneNumber, PostalAddress, SequentialIds,
};
use partnerkit::payouts::{
    BankAccountType, BankDetails, CarryOver, Command as PayoutCommand, NewPayoutAccount,
    OwnerAccountRegistry, PayoutProfile, Payouts, PendingAmount, VerificationOutcome,
    check_owner_account,
};
use partnerkit::tax::{
    Command as TaxCommand, ElectronicSignature, EntityType, IncomeType, ProfileDetails,
    Rate as TaxRate, Tax, TaxProfile, TreatyArticle, TreatyClaim, W8, W9,
};
use partnerkit::{AccountEvent, DomainError, Settings};

use super::{Account, Kind, Rng, Spec, day};

/// The registry of a generated marketplace: every owner account is its account's own.
struct NoOtherAccount;

impl OwnerAccountRegistry for NoOtherAccount {
    fn associated_account(&self, _: OwnerAccountId) -> Option<AccountId> {
        None
    }
}

/// An account's history as it is built: its two profiles and their events, with the ids its
/// commands draw.
struct History {
    ids: SequentialIds,
    owner: Actor,
    payouts: PayoutProfile,
    tax: TaxProfile,
    events: Vec<AccountEvent>,
}

impl History {
    /// Runs a payouts command as `actor` at `hour` on `on`, recording its events.
    fn payouts(
        &mut self,
        command: PayoutCommand,
        actor: Actor,
        on: NaiveDate,
        hour: u32,
    ) -> Result<(), DomainError> {
        let ctx = Context::new(at(on, hour), actor, &self.ids);
        for e in Payouts::execute(&mut self.payouts, command, &ctx)? {
            self.events.push(AccountEvent::Payouts(e));
        }
        Ok(())
    }

    /// Runs a tax command as the owner on `on`, recording its events.
    fn tax(&mut self, command: TaxCommand, on: NaiveDate) -> Result<(), DomainError> {
        let ctx = Context::new(at(on, 10), self.owner, &self.ids);
        for e in Tax::execute(&mut self.tax, command, &ctx)? {
            self.events.push(AccountEvent::Tax(e));
        }
        Ok(())
    }
}

fn at(d: NaiveDate, h: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d.and_hms_opt(h, 0, 0).unwrap_or_default())
}

/// A seeded UUID.
fn uuid(salt: u64, rng: &mut Rng) -> uuid::Uuid {
    let hi = u128::from(rng.next() ^ salt);
    let lo = u128::from(rng.next());
    uuid::Uuid::from_u128((hi << 64) | lo)
}

/// Account `i` of the marketplace `spec` describes: set up by the marketplace, with its tax
/// forms, payout account, holds and what was carried in to [`Spec::month`].
pub(super) fn account(
    rng: &mut Rng,
    spec: &Spec,
    settings: &Settings,
    i: usize,
) -> Result<(Account, Kind), DomainError> {
    let year = spec.year;
    let id = AccountId::from_uuid(uuid(1, rng));
    let owner_id = OwnerAccountId::from_uuid(uuid(2, rng));
    let payout_id = PayoutAccountId::from_uuid(uuid(3, rng));
    let kind = kind(rng);
    let (country, currency) = match kind {
        Kind::Us => (CountryCode::US, Currency::USD),
        Kind::Foreign(c) => (c, Currency::USD),
        Kind::Euro => (CountryCode::DE, Currency::EUR),
    };
    let mut h = History {
        ids: SequentialIds::starting_after(u64::try_from(i).unwrap_or(0).saturating_mul(1000)),
        owner: Actor::OwnerAccount { owner: owner_id },
        payouts: PayoutProfile::default(),
        tax: TaxProfile::default(),
        events: Vec::new(),
    };
    let start = day(year - 1, 12, 1);
    let setup = PayoutCommand::SetUp {
        account: id,
        country,
        currency,
    };
    h.payouts(setup, Actor::Marketplace, start, 9)?;
    let check = check_owner_account(&NoOtherAccount, owner_id, id)?;
    let associate = PayoutCommand::AssociateOwnerAccount { check };
    h.payouts(associate, Actor::Marketplace, start, 9)?;
    // Forms changing in the middle of a month: the month before the run's, so both the month's
    // statement and the year see sales on both sides of the change.
    let mid = spec
        .month
        .previous()
        .map(|m| m.day(15))
        .unwrap_or(day(year, 6, 15));
    let name = DisplayName::new(&format!("Seller {i}"))?;
    // The tax profile, before any payout account: forms decide the rate from the day of sale.
    tax_forms(rng, &mut h, settings, kind, country, &name, (start, mid))?;
    let set_on = day(year - 1, 12, 2);
    let seller = (kind, country, i);
    payout_account(
        rng,
        &mut h,
        settings,
        seller,
        &name,
        payout_id,
        (set_on, mid),
    )?;
    holds(rng, &mut h, year)?;
    let carried_in = carried_in(rng, spec, currency)?;
    let account = Account {
        id,
        events: h.events,
        carried_in,
    };
    Ok((account, kind))
}

/// Who the seller is: 60 % US, 36 % foreign (mostly Swedish) paid in dollars, 4 % paid in
/// euros.
fn kind(rng: &mut Rng) -> Kind {
    let roll = rng.below(100);
    if roll < 60 {
        Kind::Us
    } else if roll < 96 {
        let countries = [
            CountryCode::SE,
            CountryCode::SE,
            CountryCode::DE,
            CountryCode::GB,
            CountryCode::JP,
            CountryCode::FR,
        ];
        Kind::Foreign(rng.pick(&countries, CountryCode::SE))
    } else {
        Kind::Euro
    }
}

/// The tax profile and its forms: US sellers a W-9 (some none, some withdrawn mid-month by a
/// profile change and given again a week later), others a W-8BEN or W-8BEN-E (Swedish ones
/// mostly claiming the treaty's 0 %, some given mid-month, some euro sellers none).
fn tax_forms(
    rng: &mut Rng,
    h: &mut History,
    settings: &Settings,
    kind: Kind,
    country: CountryCode,
    name: &DisplayName,
    (start, mid): (NaiveDate, NaiveDate),
) -> Result<(), DomainError> {
    let entity = if kind == Kind::Us || rng.chance(30) {
        EntityType::Entity
    } else {
        EntityType::Individual
    };
    let details = ProfileDetails {
        residence: country,
        citizenship: country,
        entity_type: entity,
    };
    h.tax(TaxCommand::StartProfile(details), start)?;
    let tin = partnerkit::tax::UsTin::new("12-3456789")?;
    let w9 = |on: NaiveDate| {
        TaxCommand::SubmitW9(W9 {
            name: name.clone(),
            tin: tin.clone(),
            signature: ElectronicSignature::new(name.clone(), on),
        })
    };
    match kind {
        Kind::Us => {
            let form = rng.below(100);
            if form < 90 {
                h.tax(w9(start), start)?;
            }
            if form < 8 {
                // The profile changes mid-month: the W-9 is withdrawn; a new one a week later.
                let edited = ProfileDetails {
                    entity_type: EntityType::Individual,
                    ..details
                };
                h.tax(TaxCommand::EditProfile(edited), mid)?;
                let later = mid + Duration::days(7);
                h.tax(w9(later), later)?;
            }
        }
        Kind::Foreign(_) | Kind::Euro if kind != Kind::Euro || rng.chance(80) => {
            let claim = (country == CountryCode::SE && rng.chance(80))
                .then(|| -> Result<TreatyClaim, DomainError> {
                    Ok(TreatyClaim {
                        country: CountryCode::SE,
                        article: TreatyArticle::new("12(1)")?,
                        rate: TaxRate::from_percent(0)?,
                        income: IncomeType::OtherRoyalties,
                    })
                })
                .transpose()?;
            let on = if rng.chance(20) { mid } else { start };
            let form = W8 {
                name: name.clone(),
                foreign_tin: None,
                treaty_claim: claim,
                signature: ElectronicSignature::new(name.clone(), on),
            };
            let treaties = settings.treaties.clone();
            let command = match entity {
                EntityType::Individual => TaxCommand::SubmitW8Ben { form, treaties },
                _ => TaxCommand::SubmitW8BenE { form, treaties },
            };
            h.tax(command, on)?;
        }
        _ => {}
    }
    Ok(())
}

/// The payout account: verified (most), verified late, pending, or never set. US sellers are
/// paid to a bank account, others through PayPal.
fn payout_account(
    rng: &mut Rng,
    h: &mut History,
    settings: &Settings,
    (kind, country, i): (Kind, CountryCode, usize),
    name: &DisplayName,
    payout_id: PayoutAccountId,
    (set_on, mid): (NaiveDate, NaiveDate),
) -> Result<(), DomainError> {
    let method = match kind {
        Kind::Us => NewPayoutAccount::bank(BankDetails {
            account_type: BankAccountType::Checking,
            holder: name.clone(),
            account_number: partnerkit::payouts::BankAccountNumber::new("000123456789")?,
            routing_number: "021000021".into(),
            billing_address: PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
                .region("WA")
                .postal_code("98052")
                .build()?,
            phone: PhoneNumber::new("+1 425 555 0100")?,
        })?,
        _ => NewPayoutAccount::paypal(
            EmailAddress::new(&format!("seller{i}@example.com"))?,
            country,
            settings.policy.paypal_markets(),
        )?,
    };
    let state = rng.below(100);
    if state < 3 {
        return Ok(());
    }
    let set = PayoutCommand::SetPayoutAccount {
        account: method,
        payout_account: Some(payout_id),
    };
    h.payouts(set, h.owner, set_on, 10)?;
    let verified_on = match state {
        3..=6 => None,
        7..=10 => Some(mid),
        _ => Some(set_on + Duration::days(1)),
    };
    if let Some(on) = verified_on {
        let verified = PayoutCommand::RecordVerification {
            payout_account: payout_id,
            outcome: VerificationOutcome::Verified,
        };
        h.payouts(verified, Actor::Marketplace, on, 11)?;
    }
    Ok(())
}

/// The hold: on in spring for one account in ten, off again in late summer for half of them.
fn holds(rng: &mut Rng, h: &mut History, year: i32) -> Result<(), DomainError> {
    if !rng.chance(10) {
        return Ok(());
    }
    let on = day(year, 3, 1) + Duration::days(i64::try_from(rng.below(120)).unwrap_or(0));
    h.payouts(PayoutCommand::SetHold { on: true }, h.owner, on, 10)?;
    if rng.chance(50) {
        let off = day(year, 7, 1) + Duration::days(i64::try_from(rng.below(60)).unwrap_or(0));
        h.payouts(PayoutCommand::SetHold { on: false }, h.owner, off, 10)?;
    }
    Ok(())
}

/// What one account in five carried in to the run's month: a balance (positive or negative)
/// and, for half of them, an amount pending until this month or the next.
fn carried_in(
    rng: &mut Rng,
    spec: &Spec,
    currency: Currency,
) -> Result<Option<CarryOver>, DomainError> {
    if !rng.chance(20) {
        return Ok(None);
    }
    let balance = i64::try_from(rng.below(33_000)).unwrap_or(0) - 3_000;
    let mut pending = Vec::new();
    if rng.chance(50) {
        let payable_in = if rng.chance(50) {
            spec.month
        } else {
            spec.month.next()?
        };
        pending.push(PendingAmount {
            payable_in,
            amount: Money::from_minor_units(
                i64::try_from(rng.below(5_000)).unwrap_or(0) + 100,
                currency,
            ),
        });
    }
    Ok(Some(CarryOver {
        balance: Money::from_minor_units(balance, currency),
        pending,
    }))
}
