//! Financial settings: owner account only (PAY-1, ROL-1, ROL-7), hold, tax profile.

use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::core::testing::{at, id};
use partnerkit::core::{CountryCode, DisplayName, PhoneNumber, PostalAddress};
use partnerkit::payouts::{BankAccountNumber, BankAccountType, PayoutMonth, VerificationOutcome};
use partnerkit::tax::{ElectronicSignature, EntityType, ProfileDetails, UsTin};
use partnerkit::{Denial, DomainError, InMemoryStore, PayoutMethodInput, W9Input};

use crate::fixture::*;

pub(crate) fn us_bank() -> PayoutMethodInput {
    PayoutMethodInput::Bank {
        account_type: BankAccountType::Checking,
        holder: DisplayName::new("Contoso Apps LLC").unwrap(),
        account_number: BankAccountNumber::new("000123456789").unwrap(),
        routing_number: "021000021".into(),
        billing_address: PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
            .postal_code("98052")
            .build()
            .unwrap(),
        phone: PhoneNumber::new("+14255550100").unwrap(),
    }
}

pub(crate) const PAYOUT_ACCOUNT: u128 = 700;

/// Sets and verifies a bank account (the owner account was associated at opening),
/// completes a W-9.
pub(crate) fn set_up_payouts(w: &mut World) {
    w.svc
        .set_payout_account(w.account, &w.ctx(owner()), id(PAYOUT_ACCOUNT), us_bank())
        .unwrap();
    w.svc
        .record_payout_verification(
            w.account,
            &w.ctx(partnerkit::core::Actor::Marketplace),
            id(PAYOUT_ACCOUNT),
            VerificationOutcome::Verified,
        )
        .unwrap();
    let details = ProfileDetails {
        residence: CountryCode::US,
        citizenship: CountryCode::US,
        entity_type: EntityType::Entity,
    };
    w.svc
        .start_tax_profile(w.account, &w.ctx(owner()), details)
        .unwrap();
    let form = W9Input {
        name: DisplayName::new("Contoso Apps LLC").unwrap(),
        tin: UsTin::new("12-3456789").unwrap(),
        signature: ElectronicSignature::new(
            DisplayName::new("Alice Lind").unwrap(),
            w.now.date_naive(),
        ),
    };
    w.svc.submit_w9(w.account, &w.ctx(owner()), form).unwrap();
}

#[test]
fn payout_setup_is_done_only_with_the_owner_account() {
    // rule: PAY-1
    // rule: ROL-1
    let mut w = World::company(InMemoryStore::new());
    // A Manager has no payout or tax settings.
    let err = w
        .svc
        .set_payout_account(w.account, &w.ctx(user(T1, ALICE)), id(5), us_bank())
        .unwrap_err();
    assert!(matches!(err.denial(), Some(Denial::Permission(_))), "{err}");
    assert!(err.to_string().contains("manage_payout_settings"), "{err}");
    assert!(
        !w.svc
            .authorize(w.account, &user(T1, ALICE), Permission::ManageTaxSettings)
            .decision()
            .is_allowed()
    );
    // Even a work account holding the Owner role is refused: payouts are set up signed in
    // with the owner account.
    w.bob(Role::Developer);
    w.svc
        .grant(
            w.account,
            &w.ctx(owner()),
            vec![Principal::User(id(BOB))],
            Grant::Role(Role::Owner),
        )
        .unwrap();
    let err = w
        .svc
        .set_payout_hold(w.account, &w.ctx(user(T1, BOB)), true)
        .unwrap_err();
    assert!(matches!(err.denial(), Some(Denial::Permission(_))), "{err}");
    // Another owner account cannot even sign in.
    let other = partnerkit::core::Actor::OwnerAccount { owner: id(901) };
    let err = w
        .svc
        .set_payout_hold(w.account, &w.ctx(other), true)
        .unwrap_err();
    assert!(
        matches!(err.denial(), Some(Denial::CannotSignIn { .. })),
        "{err}"
    );
    // The owner account may.
    w.svc
        .set_payout_account(w.account, &w.ctx(owner()), id(PAYOUT_ACCOUNT), us_bank())
        .unwrap();
    assert_eq!(
        w.state().payouts.payout_account().map(|a| a.id),
        Some(id(PAYOUT_ACCOUNT))
    );
}

#[test]
fn an_owner_account_of_another_marketplace_account_is_refused() {
    // rule: PAY-1
    let mut w = World::company(InMemoryStore::new());
    let settings = partnerkit::Settings {
        owner_registry: partnerkit::OwnerRegistry::host(Registry(Some(id(77)))),
        ..partnerkit::Settings::default()
    };
    w.svc = partnerkit::AccountService::with_settings(InMemoryStore::new(), settings);
    w.account = id(2);
    let mut open = opening(w.account);
    open.owner = None;
    w.svc
        .open_account(&w.ctx(partnerkit::core::Actor::Marketplace), open)
        .unwrap();
    let err = w
        .svc
        .associate_owner_account(
            w.account,
            &w.ctx(partnerkit::core::Actor::Marketplace),
            id(OWNER),
        )
        .unwrap_err();
    assert!(
        matches!(err.domain(), Some(DomainError::Payouts(_))),
        "{err}"
    );
    assert!(w.state().payouts.owner().is_none());
}

/// Opens account 2 without an owner account under `registry`, then the marketplace
/// associates OWNER with it.
fn associate_under(
    registry: partnerkit::OwnerRegistry,
) -> (World, Result<partnerkit::Executed, partnerkit::Error>) {
    let mut w = World::company(InMemoryStore::new());
    let settings = partnerkit::Settings {
        owner_registry: registry,
        ..partnerkit::Settings::default()
    };
    w.svc = partnerkit::AccountService::with_settings(InMemoryStore::new(), settings);
    w.account = id(2);
    let mut open = opening(w.account);
    open.owner = None;
    let marketplace = partnerkit::core::Actor::Marketplace;
    w.svc.open_account(&w.ctx(marketplace), open).unwrap();
    let done = w
        .svc
        .associate_owner_account(w.account, &w.ctx(marketplace), id(OWNER));
    (w, done)
}

#[test]
fn by_default_the_marketplace_vouches_for_the_owner_account() {
    // rule: PAY-1
    assert!(matches!(
        partnerkit::Settings::default().owner_registry,
        partnerkit::OwnerRegistry::MarketplaceVouches
    ));
    let (w, done) = associate_under(partnerkit::OwnerRegistry::MarketplaceVouches);
    done.unwrap();
    assert_eq!(w.state().payouts.owner(), Some(id(OWNER)));
}

#[test]
fn the_hosts_record_lets_a_free_owner_account_or_this_accounts_own_be_associated() {
    // rule: PAY-1
    for record in [None, Some(id(2))] {
        let (w, done) = associate_under(partnerkit::OwnerRegistry::host(Registry(record)));
        done.unwrap();
        assert_eq!(w.state().payouts.owner(), Some(id(OWNER)), "{record:?}");
    }
    let (w, done) = associate_under(partnerkit::OwnerRegistry::host(Registry(Some(id(77)))));
    let err = done.unwrap_err();
    assert_eq!(err.code(), "owner_account_taken", "{err}");
    assert!(w.state().payouts.owner().is_none());
}

#[test]
fn the_hold_set_in_march_holds_april() {
    // rule: PAY-6
    // rule: PAY-7
    let mut w = World::company(InMemoryStore::new());
    set_up_payouts(&mut w);
    w.now = at(2027, 3, 20, 12, 0, 0);
    w.svc
        .set_payout_hold(w.account, &w.ctx(owner()), true)
        .unwrap();
    let tz = w.svc.settings().policy.time_zone();
    let april: PayoutMonth = "2027-04".parse().unwrap();
    assert!(w.state().payouts.hold_status(april, tz).unwrap().held);
    assert!(
        !w.state()
            .payouts
            .hold_status("2027-03".parse().unwrap(), tz)
            .unwrap()
            .held
    );
}

#[test]
fn tax_settings_need_the_owner_account_and_a_valid_form() {
    // rule: TAX-1
    // rule: TAX-2
    // rule: ROL-7
    let mut w = World::company(InMemoryStore::new());
    let details = ProfileDetails {
        residence: CountryCode::US,
        citizenship: CountryCode::US,
        entity_type: EntityType::Entity,
    };
    let err = w
        .svc
        .start_tax_profile(w.account, &w.ctx(user(T1, ALICE)), details)
        .unwrap_err();
    assert!(matches!(err.denial(), Some(Denial::Permission(_))), "{err}");
    set_up_payouts(&mut w);
    assert_eq!(
        w.state().tax.status(w.now.date_naive()),
        partnerkit::tax::ProfileStatus::Complete
    );
}

#[test]
fn account_numbers_and_tins_in_commands_are_checked_when_read_and_written_back_masked() {
    // rule: X-3
    // rule: X-4
    // The wire form a host sends is unchanged: the number as a string.
    let w9 = r#"{"name":"Contoso Apps LLC","tin":"12-3456789",
        "signature":{"signer":"Alice Lind","signed_on":"2027-01-05"}}"#;
    let form: W9Input = serde_json::from_str(w9).unwrap();
    assert_eq!(form.tin.expose_secret(), "123456789");
    // Written back out, only the mask: it cannot reach a log whole, nor be replayed.
    let out = serde_json::to_string(&form).unwrap();
    assert!(out.contains(r#""tin":"•••••6789""#), "{out}");
    assert!(serde_json::from_str::<W9Input>(&out).is_err());
    assert!(!format!("{form:?}").contains("3456789"));
    // A TIN the IRS never issues is refused when the command is read, naming the rule.
    let bad = w9.replace("12-3456789", "07-1234567");
    let err = serde_json::from_str::<W9Input>(&bad)
        .unwrap_err()
        .to_string();
    assert!(err.contains("EIN"), "{err}");
    assert!(!err.contains("1234567"), "{err}");
    // The same for a bank account number.
    let PayoutMethodInput::Bank { account_number, .. } = us_bank() else {
        panic!("a bank account")
    };
    assert_eq!(account_number.to_string(), "••••••••6789");
    let json = serde_json::to_value(us_bank()).unwrap();
    assert_eq!(json["account_number"], "••••••••6789");
    let mut sent = json.clone();
    sent["account_number"] = "12".into();
    let err = serde_json::from_value::<PayoutMethodInput>(sent)
        .unwrap_err()
        .to_string();
    assert!(err.contains("4 to 34"), "{err}");
}
