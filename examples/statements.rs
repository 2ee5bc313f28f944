//! Payout statements from a ledger, month by month: a balance under the threshold is carried
//! over, the payout hold keeps a month's payment back, and every line says why
//! (`partnerkit-payouts`).
//!
//! Run with `cargo run --example statements`.

use std::error::Error;

use partnerkit_core::chrono::{DateTime, NaiveDate, TimeZone, Utc};
use partnerkit_core::uuid::Uuid;
use partnerkit_core::{
    AccountId, Actor, Context, CountryCode, Currency, Decider, DisplayName, Money, OwnerAccountId,
    PhoneNumber, PostalAddress, SequentialIds,
};
use partnerkit_payouts::{
    BankAccountNumber, BankAccountType, BankDetails, CarryOver, Command, Event, LedgerEntry,
    NewPayoutAccount, OwnerAccountRegistry, PayoutMonth, PayoutPolicy, PayoutProfile, Payouts,
    RevenueSource, StatementFold, VerificationOutcome, check_owner_account,
};

/// The host's registry of owner accounts: here, none is associated with another account.
struct NoOtherAccount;
impl OwnerAccountRegistry for NoOtherAccount {
    fn associated_account(&self, _: OwnerAccountId) -> Option<AccountId> {
        None
    }
}

fn at(month: u32, day: u32) -> Result<DateTime<Utc>, Box<dyn Error>> {
    Ok(Utc
        .with_ymd_and_hms(2027, month, day, 12, 0, 0)
        .single()
        .ok_or("no such time")?)
}

fn main() -> Result<(), Box<dyn Error>> {
    let ids = SequentialIds::default();
    let account = AccountId::from_uuid(Uuid::from_u128(1));
    let owner = OwnerAccountId::from_uuid(Uuid::from_u128(2));
    let (marketplace, by_owner) = (Actor::Marketplace, Actor::OwnerAccount { owner });
    let policy = PayoutPolicy::default(); // one threshold: 50 USD (rule PAY-8)
    let mut profile = PayoutProfile::default();
    let mut run = |command, when, actor| -> Result<Vec<Event>, Box<dyn Error>> {
        Ok(Payouts::execute(
            &mut profile,
            command,
            &Context::new(when, actor, &ids),
        )?)
    };

    // Set-up: registration, the owner account (rule PAY-1), a verified US bank account.
    let setup = Command::SetUp {
        account,
        country: CountryCode::US,
        currency: Currency::USD,
    };
    run(setup, at(1, 5)?, marketplace)?;
    let check = check_owner_account(&NoOtherAccount, owner, account)?;
    let associate = Command::AssociateOwnerAccount { check };
    // Only the marketplace associates an owner account; only the owner account then changes
    // the payout settings (rule PAY-1).
    run(associate, at(1, 5)?, marketplace)?;
    let bank = NewPayoutAccount::bank(BankDetails {
        account_type: BankAccountType::Checking,
        holder: DisplayName::new("Contoso Apps LLC")?,
        account_number: BankAccountNumber::new("000123456789")?,
        routing_number: "021000021".into(),
        billing_address: PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
            .region("WA")
            .postal_code("98052")
            .build()?,
        phone: PhoneNumber::new("+1 425 555 0100")?,
    })?;
    let set = Command::SetPayoutAccount {
        account: bank,
        payout_account: None, // drawn from the context's id source
    };
    let events = run(set, at(1, 6)?, by_owner)?;
    let Some(Event::PayoutAccountSet { payout_account, .. }) = events.first().cloned() else {
        return Err("no payout account was set".into());
    };
    let outcome = VerificationOutcome::Verified;
    let verified = Command::RecordVerification {
        payout_account,
        outcome,
    };
    run(verified, at(1, 9)?, marketplace)?;

    // The owner turns the hold on in May and off in June (rule PAY-6): it is the status at
    // the end of the previous month that counts.
    run(Command::SetHold { on: true }, at(5, 20)?, by_owner)?;
    run(Command::SetHold { on: false }, at(6, 10)?, by_owner)?;

    // The ledger: (day earned, amount, country of sale, withheld for US tax).
    let ledger = [
        ("2027-03-03", "30.00 USD", CountryCode::DE, "0.00 USD"),
        ("2027-03-17", "-5.00 USD", CountryCode::DE, "0.00 USD"), // a refund
        ("2027-04-02", "40.00 USD", CountryCode::US, "12.00 USD"), // 30 % withheld
        ("2027-05-09", "80.00 USD", CountryCode::SE, "0.00 USD"),
    ];
    let sales = RevenueSource::new(RevenueSource::APP_SALES)?;
    let mut carried = CarryOver::zero(Currency::USD);
    let mut month: PayoutMonth = "2027-04".parse()?;
    for _ in 0..4 {
        // Revenue earned in the month before is due in this payout month.
        let mut fold = StatementFold::default();
        for (day, amount, country, withheld) in ledger {
            let day: NaiveDate = day.parse()?;
            let entry = LedgerEntry::new(sales.clone(), amount.parse()?, day, country, &policy)?
                .with_withheld(withheld.parse::<Money>()?)?;
            if entry.payable_in() == month {
                fold.add(&entry)?;
            }
        }
        let terms = profile.cycle_terms(month, &policy)?;
        let statement = fold.finish(&terms, &carried)?;
        let (outcome, paid) = (&statement.outcome, statement.paid);
        println!("{month}: {outcome}, paid {paid}");
        for line in &statement.lines {
            let (amount, kind, why) = (line.amount.to_string(), line.kind, &line.why);
            println!("    {amount:>11}  {kind}: {why}");
        }
        assert!(statement.balances()); // every cent accounted for (rule PAY-9)
        carried = statement.carried_out;
        month = month.next()?;
    }
    Ok(())
}
