//! Money paths across crates: sales in other currencies on statements (PAY-10, TAX-9) and the
//! year-end information returns (TAX-10).

use chrono::{Datelike, NaiveDate};
use partnerkit::core::testing::{at, id};
use partnerkit::core::{Actor, CountryCode, Currency, DisplayName, Money, Rounding};
use partnerkit::identity::AccountType;
use partnerkit::payouts::{
    BankAccountNumber, BankAccountType, CarryOver, ExchangeRates, FixedRates, LedgerEntry, Outcome,
    PayoutMonth, RevenueSource, Statement, VerificationOutcome,
};
use partnerkit::tax::{
    ElectronicSignature, EntityType, ForeignTin, IncomeType, ProfileDetails, Rate, ReportingRules,
    TreatyArticle, TreatyClaim, YearEndReturns,
};
use partnerkit::{
    AccountState, InMemoryStore, OpenAccount, PayoutMethodInput, Settings, W8Input,
    statements_converted, year_end_returns, year_statements_and_returns,
};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::financial::set_up_payouts;
use crate::fixture::*;

const SE_BANK: u128 = 710;

/// A Swedish individual paid in USD to a verified Swedish bank account, with a W-8BEN on file
/// (claiming the US–Sweden treaty's 0 % on software royalties, or not).
fn swedish(treaty: bool) -> World {
    let mut w: World = World {
        svc: partnerkit::AccountService::with_settings(
            InMemoryStore::new(),
            Settings {
                catalogue: catalogue(),
                ..Default::default()
            },
        ),
        ids: partnerkit::core::SequentialIds::starting_after(1_000_000),
        now: at(2027, 1, 5, 9, 0, 0),
        account: id(2),
        random: partnerkit::core::SeededRandom::new(3),
    };
    w.open(CountryCode::SE, AccountType::Individual);
    w.verify_all();
    let address =
        partnerkit::core::PostalAddress::builder("Götgatan 1", "Stockholm", CountryCode::SE)
            .postal_code("116 46")
            .build()
            .unwrap();
    let bank = PayoutMethodInput::Bank {
        account_type: BankAccountType::Checking,
        holder: DisplayName::new("Lina Berg").unwrap(),
        account_number: BankAccountNumber::new("SE45 5000 0000 0583 9825 7466").unwrap(),
        routing_number: "ESSESESS".into(),
        billing_address: address,
        phone: "+46 8 123 456 78".parse().unwrap(),
    };
    w.svc
        .set_payout_account(w.account, &w.ctx(owner()), id(SE_BANK), bank)
        .unwrap();
    w.svc
        .record_payout_verification(
            w.account,
            &w.ctx(Actor::Marketplace),
            id(SE_BANK),
            VerificationOutcome::Verified,
        )
        .unwrap();
    let details = ProfileDetails {
        residence: CountryCode::SE,
        citizenship: CountryCode::SE,
        entity_type: EntityType::Individual,
    };
    w.svc
        .start_tax_profile(w.account, &w.ctx(owner()), details)
        .unwrap();
    let claim = treaty.then(|| TreatyClaim {
        country: CountryCode::SE,
        article: TreatyArticle::new("12(1)").unwrap(),
        rate: Rate::from_percent(0).unwrap(),
        income: IncomeType::OtherRoyalties,
    });
    let form = W8Input {
        name: DisplayName::new("Lina Berg").unwrap(),
        foreign_tin: Some(ForeignTin::new("19900101-1234").unwrap()),
        treaty_claim: claim,
        signature: ElectronicSignature::new(
            DisplayName::new("Lina Berg").unwrap(),
            w.now.date_naive(),
        ),
    };
    w.svc
        .submit_w8ben(w.account, &w.ctx(owner()), form)
        .unwrap();
    w
}

/// A US company with a W-9, paid in USD.
fn us_company() -> World {
    let mut w = World::company(InMemoryStore::new());
    set_up_payouts(&mut w);
    w
}

fn sale(amount: &str, on: NaiveDate, country: CountryCode, settings: &Settings) -> LedgerEntry {
    LedgerEntry::new(
        RevenueSource::new(RevenueSource::APP_SALES).unwrap(),
        amount.parse::<Money>().unwrap(),
        on,
        country,
        &settings.policy,
    )
    .unwrap()
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn month(s: &str) -> PayoutMonth {
    s.parse().unwrap()
}

fn eur_rates() -> FixedRates {
    let mut rates = FixedRates::new();
    for y in 2027..=2028 {
        for m in 1..=12u32 {
            let rate = format!("1.07{m:02}").parse().unwrap();
            rates = rates.with(
                Currency::EUR,
                Currency::USD,
                month(&format!("{y}-{m:02}")),
                rate,
            );
        }
    }
    rates
}

fn usd(s: &str) -> Money {
    s.parse().unwrap()
}

#[test]
fn a_eur_sale_shows_its_original_amount_rate_and_converted_amount_and_is_withheld_in_dollars() {
    // rule: PAY-10
    // rule: TAX-9
    let w = swedish(false);
    let settings = w.svc.settings();
    let entries = vec![
        sale("100.00 EUR", day(2027, 1, 10), CountryCode::US, settings),
        sale("0.05 EUR", day(2027, 1, 11), CountryCode::US, settings),
        sale("50.00 USD", day(2027, 1, 12), CountryCode::SE, settings),
    ];
    let rates = FixedRates::new().with(
        Currency::EUR,
        Currency::USD,
        month("2027-01"),
        "1.0712".parse().unwrap(),
    );
    let feb = month("2027-02");
    let st = statements_converted(
        &w.state(),
        settings,
        &entries,
        &rates,
        feb,
        feb,
        CarryOver::zero(Currency::USD),
    )
    .unwrap();
    let s = &st[0];
    assert_eq!(s.conversions.len(), 1);
    let line = &s.conversions[0];
    assert_eq!(line.original, "100.05 EUR".parse().unwrap());
    assert_eq!(line.rate.to_string(), "1.0712");
    // 100.05 × 1.0712 = 107.17356: rounded once, half away from zero.
    assert_eq!(line.converted, usd("107.17 USD"));
    assert!(line.original_withheld.is_zero() && line.converted_withheld.is_zero());
    assert_eq!(s.earned, usd("157.17 USD"));
    // 30 % of the US-source dollars (107.17), rounded once: 32.151 → 32.15; not 30 % of the
    // euros converted (30.02 EUR → 32.16 USD).
    assert_eq!(s.withheld, usd("32.15 USD"));
    assert!(s.balances());
    assert_eq!(s.outcome, Outcome::Paid);
    assert_eq!(s.paid, usd("125.02 USD"));
}

#[test]
fn a_missing_rate_is_refused_never_guessed() {
    // rule: PAY-10
    let w = swedish(true);
    let settings = w.svc.settings();
    let entries = vec![sale(
        "10.00 EUR",
        day(2027, 1, 10),
        CountryCode::US,
        settings,
    )];
    let err = statements_converted(
        &w.state(),
        settings,
        &entries,
        &FixedRates::new(),
        month("2027-02"),
        month("2027-02"),
        CarryOver::zero(Currency::USD),
    )
    .unwrap_err();
    assert_eq!(err.code(), "no_exchange_rate", "{err}");
}

#[test]
fn withholding_needs_dollars_so_a_sek_payout_that_would_be_withheld_is_refused() {
    // rule: TAX-10
    // rule: PAY-10
    let mut w = World::company(InMemoryStore::new());
    w.account = id(3);
    w.svc
        .open_account(
            &w.ctx(Actor::Marketplace),
            OpenAccount {
                country: CountryCode::SE,
                account_type: AccountType::Individual,
                currency: Currency::SEK,
                ..opening(id(3))
            },
        )
        .unwrap();
    let details = ProfileDetails {
        residence: CountryCode::SE,
        citizenship: CountryCode::SE,
        entity_type: EntityType::Individual,
    };
    w.svc
        .start_tax_profile(w.account, &w.ctx(owner()), details)
        .unwrap();
    let settings = w.svc.settings();
    let rates = FixedRates::new();
    let (feb, zero) = (month("2027-02"), CarryOver::zero(Currency::SEK));
    // No W-8 on file: 30 % on US sales (TAX-8), which the 1042-S reports in dollars.
    let us = vec![sale(
        "100.00 SEK",
        day(2027, 1, 10),
        CountryCode::US,
        settings,
    )];
    let err = statements_converted(&w.state(), settings, &us, &rates, feb, feb, zero.clone())
        .unwrap_err();
    assert_eq!(err.code(), "not_usd", "{err}");
    assert!(err.to_string().contains("USD"), "{err}");
    // Nothing withheld (a sale outside the US): the statement is made in kronor.
    let se = vec![sale(
        "100.00 SEK",
        day(2027, 1, 10),
        CountryCode::SE,
        settings,
    )];
    let st = statements_converted(&w.state(), settings, &se, &rates, feb, feb, zero).unwrap();
    assert_eq!(st[0].earned, "100.00 SEK".parse().unwrap());
}

fn returns_of(
    w: &World,
    entries: &[LedgerEntry],
    rates: &dyn ExchangeRates,
    statements: &[Statement],
    year: i32,
) -> YearEndReturns {
    year_end_returns(
        &w.state(),
        w.svc.settings(),
        entries,
        rates,
        statements,
        year,
        &ReportingRules::default(),
    )
    .unwrap()
}

/// Sales of November and December 2027 in dollars and euros, in and outside the US; the
/// December one is paid in January 2028.
fn autumn_sales(settings: &Settings) -> Vec<LedgerEntry> {
    vec![
        sale("100.00 USD", day(2027, 11, 10), CountryCode::US, settings),
        sale("200.00 EUR", day(2027, 11, 20), CountryCode::US, settings),
        sale("40.00 USD", day(2027, 11, 21), CountryCode::SE, settings),
        // Earned in December 2027, paid in January 2028: reported for 2028.
        sale("300.00 USD", day(2027, 12, 15), CountryCode::US, settings),
    ]
}

#[test]
fn a_swedish_sellers_1042s_reports_the_year_paid_with_the_treaty_exemption() {
    // rule: TAX-10
    // rule: PAY-10
    let w = swedish(true);
    let settings = w.svc.settings();
    let rates = eur_rates();
    let entries = autumn_sales(settings);
    let st = statements_converted(
        &w.state(),
        settings,
        &entries,
        &rates,
        month("2027-02"),
        month("2028-01"),
        CarryOver::zero(Currency::USD),
    )
    .unwrap();
    let dec = st.iter().find(|s| s.month == month("2027-12")).unwrap();
    let jan = st.iter().find(|s| s.month == month("2028-01")).unwrap();
    assert_eq!(
        (&dec.outcome, &jan.outcome),
        (&Outcome::Paid, &Outcome::Paid)
    );
    assert_eq!(jan.payment_date.map(|d| d.year()), Some(2028));

    let r2027 = returns_of(&w, &entries, &rates, &st, 2027);
    assert!(r2027.reconciles().unwrap());
    assert_eq!(r2027.forms_1042s.len(), 1);
    let form = &r2027.forms_1042s[0];
    // 100.00 USD + 200.00 EUR × 1.0711 = 214.22 USD.
    assert_eq!(form.gross_income, usd("314.22 USD"));
    assert_eq!((form.income_code, form.exemption_code.code()), (12, "04"));
    assert!(form.tax_withheld.is_zero());
    assert_eq!(form.recipient.country, Some(CountryCode::SE));
    assert_eq!(r2027.not_reported[0].gross, usd("40.00 USD"));
    assert_eq!(
        r2027.paid_gross.checked_sub(r2027.paid_withheld).unwrap(),
        dec.paid
    );
    insta::assert_json_snapshot!("a_swedish_sellers_1042s", form);

    let r2028 = returns_of(&w, &entries, &rates, &st, 2028);
    assert!(r2028.reconciles().unwrap());
    assert_eq!(r2028.forms_1042s[0].gross_income, usd("300.00 USD"));
    assert_eq!(r2028.forms_1042s[0].furnish_by, day(2029, 3, 15));
}

#[test]
fn the_year_in_one_call_is_the_statements_and_the_returns_called_apart() {
    // rule: TAX-10
    // rule: PAY-12
    for w in [swedish(true), swedish(false)] {
        let settings = w.svc.settings();
        let rates = eur_rates();
        let entries = autumn_sales(settings);
        let since = month("2027-01");
        let apart = statements_converted(
            &w.state(),
            settings,
            &entries,
            &rates,
            since,
            month("2027-12"),
            CarryOver::zero(Currency::USD),
        )
        .unwrap();
        let returns = returns_of(&w, &entries, &rates, &apart, 2027);
        let rules = ReportingRules::default();
        let together = year_statements_and_returns(
            &w.state(),
            settings,
            &entries,
            &rates,
            since,
            2027,
            &rules,
        )
        .unwrap();
        assert_eq!(together, (apart, returns));
    }
}

#[test]
fn withheld_income_is_reported_as_withheld_in_dollars() {
    // rule: TAX-10
    // rule: TAX-9
    let w = swedish(false);
    let settings = w.svc.settings();
    let rates = eur_rates();
    let entries = vec![sale(
        "100.00 EUR",
        day(2027, 3, 10),
        CountryCode::US,
        settings,
    )];
    let st = statements_converted(
        &w.state(),
        settings,
        &entries,
        &rates,
        month("2027-04"),
        month("2027-04"),
        CarryOver::zero(Currency::USD),
    )
    .unwrap();
    let r = returns_of(&w, &entries, &rates, &st, 2027);
    assert!(r.reconciles().unwrap());
    let form = &r.forms_1042s[0];
    assert_eq!(form.exemption_code.code(), "00");
    assert_eq!(form.gross_income, usd("107.03 USD"));
    assert_eq!(form.tax_withheld, st[0].withheld);
    assert_eq!(form.tax_withheld, usd("32.11 USD"));
}

fn paid_in(statements: &[Statement], year: i32) -> Money {
    Money::sum(
        Currency::USD,
        statements
            .iter()
            .filter(|s| {
                s.payment_date.is_some_and(|d| d.year() == year) && s.outcome == Outcome::Paid
            })
            .map(|s| s.paid),
    )
    .unwrap()
}

/// A random ledger: (amount in cents, EUR?, month index from 2027-01, day, US sale?).
fn ledger() -> impl Strategy<Value = Vec<(i64, bool, u32, u32, bool)>> {
    prop::collection::vec(
        (
            prop_oneof![4 => 1i64..50_000, 1 => -3_000i64..0],
            any::<bool>(),
            0u32..20,
            1u32..28,
            any::<bool>(),
        ),
        0..25,
    )
}

fn entries_of(raw: &[(i64, bool, u32, u32, bool)], settings: &Settings) -> Vec<LedgerEntry> {
    raw.iter()
        .map(|(cents, eur, m, d, us)| {
            let currency = if *eur { Currency::EUR } else { Currency::USD };
            let on = day(2027 + (*m / 12) as i32, *m % 12 + 1, *d);
            LedgerEntry::new(
                RevenueSource::new(RevenueSource::APP_SALES).unwrap(),
                Money::from_minor_units(*cents, currency),
                on,
                if *us {
                    CountryCode::US
                } else {
                    CountryCode::DE
                },
                &settings.policy,
            )
            .unwrap()
        })
        .collect()
}

fn all_statements(state: &AccountState, settings: &Settings, e: &[LedgerEntry]) -> Vec<Statement> {
    statements_converted(
        state,
        settings,
        e,
        &eur_rates(),
        month("2027-02"),
        month("2028-12"),
        CarryOver::zero(Currency::USD),
    )
    .unwrap()
}

#[test]
fn converting_then_summing_equals_summing_converted_lines() {
    // rule: PAY-10
    // With nothing withheld (a W-9), the facade's statements are payouts' own, to the cent;
    // with withholding, every line is the rounded-once conversion of its sales.
    let worlds = [us_company(), swedish(false)];
    let mut runner = TestRunner::new(Config::with_cases(48));
    runner
        .run(&(ledger(), 0usize..2), |(raw, which)| {
            let w = &worlds[which];
            let (state, settings) = (w.state(), w.svc.settings());
            let entries = entries_of(&raw, settings);
            let st = all_statements(&state, settings, &entries);
            let rates = eur_rates();
            // (A W-9 signed on 2027-01-05: earlier sales are backup withheld, TAX-8.)
            if st.iter().all(|s| s.withheld.is_zero()) {
                let own = state
                    .payouts
                    .statements_converted(
                        &settings.policy,
                        &rates,
                        &entries,
                        month("2027-02"),
                        month("2028-12"),
                        CarryOver::zero(Currency::USD),
                    )
                    .unwrap();
                prop_assert_eq!(&st, &own);
            }
            for s in &st {
                prop_assert!(s.balances());
                let mut earned = 0i64;
                for e in &entries {
                    if settings.policy.cycle_of(e).ok() == Some(s.month)
                        && e.currency() == Currency::USD
                    {
                        earned += e.amount_minor();
                    }
                }
                for line in &s.conversions {
                    let exact =
                        Money::new(line.original.amount() * line.rate.value(), Currency::USD)
                            .to_minor_scale(Rounding::HalfAwayFromZero);
                    prop_assert_eq!(line.converted, exact);
                    let mine: i64 = entries
                        .iter()
                        .filter(|e| {
                            settings.policy.cycle_of(e).ok() == Some(s.month)
                                && e.currency() == Currency::EUR
                                && e.payable_in() == line.payable_in
                        })
                        .map(LedgerEntry::amount_minor)
                        .sum();
                    prop_assert_eq!(line.original, Money::from_minor_units(mine, Currency::EUR));
                    earned += line.converted.minor_units().unwrap();
                }
                prop_assert_eq!(s.earned, Money::from_minor_units(earned, Currency::USD));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_years_returns_add_up_to_the_years_paid_statements_and_withholding() {
    // rule: TAX-10
    let worlds = [us_company(), swedish(false), swedish(true)];
    let mut runner = TestRunner::new(Config::with_cases(48));
    runner
        .run(&(ledger(), 0usize..3), |(raw, which)| {
            let w = &worlds[which];
            let (state, settings) = (w.state(), w.svc.settings());
            let entries = entries_of(&raw, settings);
            let st = all_statements(&state, settings, &entries);
            let rates = eur_rates();
            let mut withheld_reported = 0i64;
            for year in 2027..=2029 {
                let r = returns_of(w, &entries, &rates, &st, year);
                prop_assert!(r.reconciles().unwrap());
                // What the forms report, less what was withheld, is what the year's
                // statements paid.
                prop_assert_eq!(
                    r.paid_gross.checked_sub(r.paid_withheld).unwrap(),
                    paid_in(&st, year)
                );
                withheld_reported += r.paid_withheld.minor_units().unwrap();
            }
            // Once everything is paid, every cent withheld is on a return.
            let last = st.last().unwrap();
            if last.carried_out.total().unwrap().is_zero() {
                let withheld: i64 = st.iter().map(|s| s.withheld.minor_units().unwrap()).sum();
                prop_assert_eq!(withheld_reported, withheld);
            }
            Ok(())
        })
        .unwrap();
}
