//! What a host shows a person reads as English, never as Debug text (issue 24).

use partnerkit_core::testing::at;
use partnerkit_core::{CountryCode, EmailAddress};
use partnerkit_payouts::{
    BankAccountType, BankScheme, HoldReason, HoldStatus, MethodKind, NewPayoutAccount,
    PayoutMethod, PayoutNotice, PayoutTimeZone, RejectionReason, Verification, VerificationOutcome,
};

use crate::support::*;

#[test]
fn payout_values_a_person_sees_have_short_english_labels() {
    // rule: PAY-2
    // rule: X-4
    assert_eq!(MethodKind::Bank.to_string(), "bank account");
    assert_eq!(format!("[{:<8}]", MethodKind::PayPal), "[PayPal  ]");
    assert_eq!(BankAccountType::Savings.to_string(), "savings");
    let bank: NewPayoutAccount = us_bank();
    assert_eq!(
        bank.method().to_string(),
        "checking account ••••••••6789, routing number 021000021 (US)"
    );
    let paypal = PayoutMethod::PayPal {
        email: EmailAddress::new("ann@contoso.com").unwrap(),
        country: CountryCode::SE,
    };
    assert_eq!(paypal.to_string(), "PayPal ann@contoso.com (SE)");
    let reason = RejectionReason::new("the holder's name does not match").unwrap();
    assert_eq!(Verification::Pending.to_string(), "awaiting verification");
    assert_eq!(
        Verification::Verified {
            at: at(2027, 1, 9, 12, 0, 0)
        }
        .to_string(),
        "verified on 2027-01-09"
    );
    assert_eq!(
        Verification::Rejected {
            at: at(2027, 1, 9, 12, 0, 0),
            reason: reason.clone()
        }
        .to_string(),
        "rejected on 2027-01-09: the holder's name does not match"
    );
    assert_eq!(
        VerificationOutcome::Rejected { reason }.to_string(),
        "rejected: the holder's name does not match"
    );
    assert_eq!(VerificationOutcome::Verified.to_string(), "verified");
    assert_eq!(BankScheme::Iban.to_string(), "IBAN");
    assert_eq!(PayoutTimeZone::UsPacific.to_string(), "US Pacific time");
    assert_eq!(
        PayoutTimeZone::FixedOffset { minutes: 0 }.to_string(),
        "UTC"
    );
    assert_eq!(
        PayoutTimeZone::FixedOffset { minutes: -330 }.to_string(),
        "UTC-05:30"
    );
    assert_eq!(
        PayoutTimeZone::FixedOffset { minutes: 60 }.to_string(),
        "UTC+01:00"
    );
    let turned_on = HoldReason::TurnedOn {
        at: at(2027, 3, 10, 12, 0, 0),
        in_month: month("2027-03"),
    };
    assert_eq!(turned_on.to_string(), "the hold was turned on in 2027-03");
    let status = HoldStatus {
        month: month("2027-04"),
        held: true,
        because: turned_on,
        cutoff: at(2027, 4, 1, 7, 0, 0),
        too_late: None,
    };
    assert_eq!(
        status.to_string(),
        "2027-04 held: the hold was turned on in 2027-03"
    );
    let on = PayoutNotice::HoldOn {
        since: at(2027, 3, 10, 12, 0, 0),
    };
    assert_eq!(
        on.to_string(),
        "the payout hold has been on since 2027-03-10: nothing is paid while it stays on"
    );
    let carried = PayoutNotice::CarriedBelowThreshold {
        month: month("2027-04"),
        carried: "20.00 USD".parse().unwrap(),
        threshold: "50.00 USD".parse().unwrap(),
        payment_date: chrono::NaiveDate::from_ymd_opt(2027, 4, 15).unwrap(),
    };
    assert_eq!(
        carried.to_string(),
        "2027-04: 20.00 USD was not paid, being under the threshold of 50.00 USD; it is carried to the next cycle"
    );
    let unverified = PayoutNotice::AccountUnverified {
        payout_account: partnerkit_core::testing::id(7),
        set_at: at(2027, 3, 10, 12, 0, 0),
        verification: Verification::Pending,
        since: at(2027, 3, 10, 12, 0, 0),
    };
    assert!(
        unverified
            .to_string()
            .ends_with(" is awaiting verification: nothing is paid to it"),
        "{unverified}"
    );
}
