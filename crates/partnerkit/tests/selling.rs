//! Ready to sell (ACC-4), agreements (AGR), statements with withholding joined (PAY-9, TAX-4).

use chrono::NaiveDate;
use partnerkit::core::testing::{at, id};
use partnerkit::core::{Actor, CountryCode, DisplayName, Money};
use partnerkit::identity::AccountType;
use partnerkit::payouts::{LedgerEntry, PayoutMonth, RevenueSource};
use partnerkit::tax::{
    ElectronicSignature, EntityType, IncomeType, ProfileDetails, Rate, TreatyArticle, TreatyClaim,
};
use partnerkit::{Denial, InMemoryStore, Missing, W8Input};

use crate::financial::set_up_payouts;
use crate::fixture::*;

#[test]
fn readiness_lists_what_is_missing_and_free_offers_need_no_financial_info() {
    // rule: ACC-4
    let mut w = World::company(InMemoryStore::new());
    let r = w.svc.readiness(w.account, w.now).unwrap();
    assert!(!r.can_sell_paid_offers());
    // The owner account was associated at opening (rule PAY-1).
    assert!(!r.missing.contains(&Missing::OwnerAccount));
    assert!(r.missing.contains(&Missing::PayoutAccount));
    assert!(
        r.missing
            .iter()
            .any(|m| matches!(m, Missing::TaxProfile { .. }))
    );
    assert!(
        r.missing
            .iter()
            .any(|m| matches!(m, Missing::Agreements { .. }))
    );
    assert!(
        !r.can_list_free_offers(),
        "the seller contact and agreements are still missing"
    );

    w.contact();
    w.svc
        .accept_agreement(
            w.account,
            &w.ctx(user(T1, ALICE)),
            &agreement_id(),
            &v("2026-06"),
        )
        .unwrap();
    let r = w.svc.readiness(w.account, w.now).unwrap();
    assert!(r.can_list_free_offers(), "{:?}", r.missing);
    assert!(!r.can_sell_paid_offers());

    set_up_payouts(&mut w);
    let r = w.svc.readiness(w.account, w.now).unwrap();
    assert!(r.can_sell_paid_offers(), "{:?}", r.missing);

    // A new agreement version needs action again (rule AGR-2).
    w.now = at(2027, 2, 10, 0, 0, 0);
    let r = w.svc.readiness(w.account, w.now).unwrap();
    assert!(
        r.missing
            .iter()
            .any(|m| matches!(m, Missing::Agreements { .. }))
    );
}

#[test]
fn agreements_are_accepted_by_a_named_user_with_the_permission() {
    // rule: AGR-1
    // rule: AGR-3
    let mut w = World::company(InMemoryStore::new());
    w.bob(partnerkit::access::Role::Developer);
    let err = w
        .svc
        .accept_agreement(
            w.account,
            &w.ctx(user(T1, BOB)),
            &agreement_id(),
            &v("2026-06"),
        )
        .unwrap_err();
    assert!(matches!(err.denial(), Some(Denial::Permission(_))), "{err}");
    let err = w
        .svc
        .accept_agreement(w.account, &w.ctx(owner()), &agreement_id(), &v("2026-06"))
        .unwrap_err();
    assert!(
        matches!(err.denial(), Some(Denial::UserRequired { .. })),
        "{err}"
    );
    w.svc
        .accept_agreement(
            w.account,
            &w.ctx(user(T1, ALICE)),
            &agreement_id(),
            &v("2026-06"),
        )
        .unwrap();
    let s = w.state();
    let accepted = s.agreements.list().first().unwrap().clone();
    assert_eq!(accepted.accepted_by, id(ALICE));
    assert_eq!(accepted.name_shown.as_str(), "Alice Lind");
    // The same version twice is an error.
    assert!(
        w.svc
            .accept_agreement(
                w.account,
                &w.ctx(user(T1, ALICE)),
                &agreement_id(),
                &v("2026-06")
            )
            .is_err()
    );
}

fn sale(amount: &str, day: NaiveDate, country: CountryCode, w: &World) -> LedgerEntry {
    LedgerEntry::new(
        RevenueSource::new(RevenueSource::APP_SALES).unwrap(),
        format!("{amount} USD").parse::<Money>().unwrap(),
        day,
        country,
        &w.svc.settings().policy,
    )
    .unwrap()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2027, m, d).unwrap()
}

#[test]
fn a_us_seller_with_a_w9_is_not_withheld_and_every_cent_is_paid_or_owed() {
    // rule: PAY-9
    // rule: TAX-4
    let mut w = World::company(InMemoryStore::new());
    set_up_payouts(&mut w);
    let entries = vec![
        sale("120.00", day(1, 10), CountryCode::US, &w),
        sale("80.00", day(1, 20), CountryCode::DE, &w),
        sale("30.00", day(2, 3), CountryCode::US, &w),
    ];
    let st = w
        .svc
        .statements(
            w.account,
            &entries,
            "2027-02".parse().unwrap(),
            "2027-04".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(st.len(), 3);
    let withheld: Money = Money::sum(
        partnerkit::core::Currency::USD,
        st.iter().map(|s| s.withheld),
    )
    .unwrap();
    assert!(withheld.is_zero(), "a W-9 seller is not withheld");
    let paid = Money::sum(partnerkit::core::Currency::USD, st.iter().map(|s| s.paid)).unwrap();
    let owed = st.last().unwrap().carried_out.total().unwrap();
    assert_eq!(
        paid.checked_add(owed).unwrap(),
        "230.00 USD".parse().unwrap()
    );
    assert!(st.iter().all(|s| s.balances()));
}

#[test]
fn a_foreign_seller_is_withheld_on_us_sales_only_at_the_treaty_rate() {
    // rule: TAX-4
    // rule: TAX-5
    // rule: PAY-3
    let mut w: World = World {
        svc: partnerkit::AccountService::with_settings(
            InMemoryStore::new(),
            partnerkit::Settings {
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
    w.associate(
        T1,
        "contoso.com",
        Some(dir_user(ALICE, "Alice", "contoso.com", true)),
        Actor::Marketplace,
    );
    let details = ProfileDetails {
        residence: CountryCode::SE,
        citizenship: CountryCode::SE,
        entity_type: EntityType::Individual,
    };
    w.svc
        .start_tax_profile(w.account, &w.ctx(owner()), details)
        .unwrap();
    let no_treaty = W8Input {
        name: DisplayName::new("Alice Lind").unwrap(),
        foreign_tin: None,
        treaty_claim: None,
        signature: ElectronicSignature::new(
            DisplayName::new("Alice Lind").unwrap(),
            w.now.date_naive(),
        ),
    };
    w.svc
        .submit_w8ben(w.account, &w.ctx(owner()), no_treaty)
        .unwrap();
    let entries = vec![
        sale("100.00", day(1, 10), CountryCode::US, &w),
        sale("100.00", day(1, 11), CountryCode::SE, &w),
    ];
    let feb: PayoutMonth = "2027-02".parse().unwrap();
    let st = w.svc.statements(w.account, &entries, feb, feb).unwrap();
    assert_eq!(
        st[0].withheld,
        "30.00 USD".parse().unwrap(),
        "30% of the US sale only"
    );
    assert_eq!(st[0].earned, "200.00 USD".parse().unwrap());

    // With the Swedish treaty claimed in Part II, the treaty rate applies: 0%.
    let with_treaty = W8Input {
        name: DisplayName::new("Alice Lind").unwrap(),
        foreign_tin: None,
        treaty_claim: Some(TreatyClaim {
            country: CountryCode::SE,
            article: TreatyArticle::new("12(1)").unwrap(),
            rate: Rate::from_percent(0).unwrap(),
            income: IncomeType::OtherRoyalties,
        }),
        signature: ElectronicSignature::new(
            DisplayName::new("Alice Lind").unwrap(),
            w.now.date_naive(),
        ),
    };
    w.svc
        .submit_w8ben(w.account, &w.ctx(owner()), with_treaty)
        .unwrap();
    let st = w.svc.statements(w.account, &entries, feb, feb).unwrap();
    assert!(st[0].withheld.is_zero(), "{}", st[0].withheld);

    // The payout account must be in the registration country (rule PAY-3).
    let err = w
        .svc
        .set_payout_account(
            w.account,
            &w.ctx(owner()),
            id(9),
            crate::financial::us_bank(),
        )
        .unwrap_err();
    assert!(
        matches!(err.domain(), Some(partnerkit::DomainError::Payouts(_))),
        "{err}"
    );
}
