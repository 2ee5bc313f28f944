//! Financial settings: owner account only (PAY-1, ROL-1, ROL-7), hold, tax profile.

use partnerkit::access::{Grant, Permission, Principal, Role};
use partnerkit::core::testing::{at, id};
use partnerkit::core::{CountryCode, DisplayName, PhoneNumber, PostalAddress, SecretString};
use partnerkit::payouts::{
    BankAccountType, BankDetails, NewPayoutAccount, PayoutMonth, VerificationOutcome,
};
use partnerkit::tax::{ElectronicSignature, EntityType, ProfileDetails, W9};
use partnerkit::{Denial, DomainError, InMemoryStore};

use crate::fixture::*;

pub(crate) fn us_bank() -> NewPayoutAccount {
    NewPayoutAccount::bank(BankDetails {
        account_type: BankAccountType::Checking,
        holder: DisplayName::new("Contoso Apps LLC").unwrap(),
        account_number: SecretString::new("000123456789"),
        routing_number: "021000021".into(),
        billing_address: PostalAddress::builder("1 Main St", "Redmond", CountryCode::US)
            .postal_code("98052")
            .build()
            .unwrap(),
        phone: PhoneNumber::new("+14255550100").unwrap(),
    })
    .unwrap()
}

/// Associates the owner account, sets and verifies a bank account, completes a W-9.
pub(crate) fn set_up_payouts(w: &mut World) {
    w.svc
        .associate_owner_account(w.account, &w.ctx(owner()), &Registry(None))
        .unwrap();
    let (payout_account, _) = w
        .svc
        .set_payout_account(w.account, &w.ctx(owner()), us_bank())
        .unwrap();
    w.svc
        .record_payout_verification(
            w.account,
            &w.ctx(partnerkit::core::Actor::Marketplace),
            payout_account,
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
    let form = W9 {
        name: DisplayName::new("Contoso Apps LLC").unwrap(),
        tin: SecretString::new("12-3456789"),
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
    w.svc
        .associate_owner_account(w.account, &w.ctx(owner()), &Registry(None))
        .unwrap();
    // A Manager has no payout or tax settings.
    let err = w
        .svc
        .set_payout_account(w.account, &w.ctx(user(T1, ALICE)), us_bank())
        .unwrap_err();
    assert!(
        matches!(err.denial(), Some(Denial::OwnerAccountRequired { .. })),
        "{err}"
    );
    insta::assert_snapshot!(err, @"denied: user 00000000-0000-0000-0000-000000000065 of tenant 00000000-0000-0000-0000-000000000064 is not this account's owner account: payout and tax settings are changed only while signed in with the owner account (rule PAY-1)");
    assert!(
        !w.svc
            .authorize(w.account, &user(T1, ALICE), Permission::ManageTaxSettings)
            .unwrap()
            .unwrap()
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
    assert!(
        matches!(err.denial(), Some(Denial::OwnerAccountRequired { .. })),
        "{err}"
    );
    // Another owner account is refused too.
    let other = partnerkit::core::Actor::OwnerAccount { owner: id(901) };
    let err = w
        .svc
        .set_payout_hold(w.account, &w.ctx(other), true)
        .unwrap_err();
    assert!(
        matches!(err.denial(), Some(Denial::OwnerAccountRequired { .. })),
        "{err}"
    );
    // The owner account may.
    let (pa, _) = w
        .svc
        .set_payout_account(w.account, &w.ctx(owner()), us_bank())
        .unwrap();
    assert_eq!(w.state().payouts.payout_account().map(|a| a.id), Some(pa));
}

#[test]
fn an_owner_account_of_another_marketplace_account_is_refused() {
    // rule: PAY-1
    let w = World::company(InMemoryStore::new());
    let err = w
        .svc
        .associate_owner_account(w.account, &w.ctx(owner()), &Registry(Some(id(77))))
        .unwrap_err();
    assert!(
        matches!(err.domain(), Some(DomainError::Payouts(_))),
        "{err}"
    );
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
    assert!(w.state().payouts.hold_status(april, tz).held);
    assert!(
        !w.state()
            .payouts
            .hold_status("2027-03".parse().unwrap(), tz)
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
    assert!(
        matches!(err.denial(), Some(Denial::OwnerAccountRequired { .. })),
        "{err}"
    );
    set_up_payouts(&mut w);
    assert_eq!(
        w.state().tax.status(w.now.date_naive()),
        partnerkit::tax::ProfileStatus::Complete
    );
}
