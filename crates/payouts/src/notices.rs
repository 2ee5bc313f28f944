//! What the payout profile announces: a payout account not verified (rule PAY-4), a hold left
//! on (rule PAY-6), a payment carried over under the threshold (rule PAY-8), for the facade's
//! dated notices (rule X-7).

use chrono::{DateTime, NaiveDate, Utc};
use partnerkit_core::{Money, PayoutAccountId};

use crate::month::PayoutMonth;
use crate::policy::PayoutPolicy;
use crate::state::{PayoutProfile, Verification};
use crate::statement::{Outcome, Statement};

/// Something about an account's payouts its owner should hear.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayoutNotice {
    /// The current payout account is awaiting verification or was rejected (rule PAY-4):
    /// nothing is paid to it.
    AccountUnverified {
        /// The payout account.
        payout_account: PayoutAccountId,
        /// When it was set.
        set_at: DateTime<Utc>,
        /// Pending, or rejected with the marketplace's reason.
        verification: Verification,
        /// Since when: when it was set (pending) or rejected.
        since: DateTime<Utc>,
    },
    /// The payout hold is on (rule PAY-6): nothing is paid while it stays on.
    HoldOn {
        /// When it was turned on.
        since: DateTime<Utc>,
    },
    /// The last statement paid nothing because the amount due was under the payment
    /// threshold (rule PAY-8); it is carried to the next cycle.
    CarriedBelowThreshold {
        /// The statement's payout month.
        month: PayoutMonth,
        /// The balance carried to the next cycle.
        carried: Money,
        /// The threshold it is under.
        threshold: Money,
        /// That month's payment date under the policy.
        payment_date: NaiveDate,
    },
}

impl PayoutNotice {
    /// The day the notice is about: when the payout account was set (pending) or rejected,
    /// when the hold was turned on, or the payment date of the month carried over.
    pub fn date(&self) -> NaiveDate {
        match self {
            PayoutNotice::AccountUnverified { since, .. } | PayoutNotice::HoldOn { since } => {
                since.date_naive()
            }
            PayoutNotice::CarriedBelowThreshold { payment_date, .. } => *payment_date,
        }
    }
}

/// The payout profile's notices, in this order: the current payout account if it is not
/// verified (rule PAY-4) and the hold if it is on (rule PAY-6) — neither once the profile is
/// closed — then, if the last of the host's `statements` (the latest month) carried its
/// amount due over because it was under the threshold (rule PAY-8), that, with the month's
/// payment date under `policy`.
///
/// ```
/// use partnerkit_payouts::{PayoutPolicy, PayoutProfile, notices};
///
/// assert!(notices(&PayoutProfile::default(), &[], &PayoutPolicy::default()).is_empty());
/// ```
pub fn notices(
    profile: &PayoutProfile,
    statements: &[Statement],
    policy: &PayoutPolicy,
) -> Vec<PayoutNotice> {
    let mut out = Vec::new();
    if profile.closed_at().is_none() {
        if let Some(account) = profile.payout_account() {
            let since = match &account.verification {
                Verification::Pending => Some(account.set_at),
                Verification::Rejected { at, .. } => Some(*at),
                Verification::Verified { .. } => None,
            };
            out.extend(since.map(|since| PayoutNotice::AccountUnverified {
                payout_account: account.id,
                set_at: account.set_at,
                verification: account.verification.clone(),
                since,
            }));
        }
        if profile.hold_on()
            && let Some(toggle) = profile.hold_history().last()
        {
            out.push(PayoutNotice::HoldOn { since: toggle.at });
        }
    }
    if let Some(last) = statements.iter().max_by_key(|s| s.month)
        && let Outcome::BelowThreshold { threshold } = &last.outcome
    {
        out.push(PayoutNotice::CarriedBelowThreshold {
            month: last.month,
            carried: last.carried_out.balance,
            threshold: *threshold,
            payment_date: policy.payment_date(last.month),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use partnerkit_core::testing::{at, id};
    use partnerkit_core::{
        AccountId, Actor, Context, CountryCode, Currency, Decider, OwnerAccountId, SequentialIds,
    };

    use super::*;
    use crate::{
        CarryOver, Command, LedgerEntry, NewPayoutAccount, OwnerAccountRegistry, Payouts,
        PaypalMarkets, RejectionReason, RevenueSource, StatementFold, VerificationOutcome,
        check_owner_account,
    };

    struct NoOtherAccount;
    impl OwnerAccountRegistry for NoOtherAccount {
        fn associated_account(&self, _: OwnerAccountId) -> Option<AccountId> {
            None
        }
    }

    const OWNER: u128 = 2;

    /// Runs `command` by `actor` at `when` on `profile`.
    fn run(profile: &mut PayoutProfile, actor: Actor, when: DateTime<Utc>, command: Command) {
        let ids = SequentialIds::starting_after(1000);
        Payouts::execute(profile, command, &Context::new(when, actor, &ids)).unwrap();
    }

    /// A US profile with its owner account and a PayPal payout account set on 2027-03-01.
    fn with_paypal() -> PayoutProfile {
        let mut p = PayoutProfile::default();
        let t0 = at(2027, 3, 1, 0, 0, 0);
        let (account, owner) = (id(1), id(OWNER));
        let set_up = Command::SetUp {
            account,
            country: CountryCode::US,
            currency: Currency::USD,
        };
        run(&mut p, Actor::Marketplace, t0, set_up);
        let check = check_owner_account(&NoOtherAccount, owner, account).unwrap();
        let associate = Command::AssociateOwnerAccount { check };
        run(&mut p, Actor::Marketplace, t0, associate);
        let paypal = NewPayoutAccount::paypal(
            "pay@contoso.com".parse().unwrap(),
            CountryCode::US,
            &PaypalMarkets::default(),
        );
        let set = Command::SetPayoutAccount {
            account: paypal.unwrap(),
            payout_account: Some(id(10)),
        };
        run(&mut p, Actor::OwnerAccount { owner }, t0, set);
        p
    }

    fn verify(p: &mut PayoutProfile, when: DateTime<Utc>, outcome: VerificationOutcome) {
        let record = Command::RecordVerification {
            payout_account: id(10),
            outcome,
        };
        run(p, Actor::Marketplace, when, record);
    }

    /// [`with_paypal`], verified on 2027-03-02.
    fn verified() -> PayoutProfile {
        let mut p = with_paypal();
        let on = at(2027, 3, 2, 0, 0, 0);
        verify(&mut p, on, VerificationOutcome::Verified);
        p
    }

    #[test]
    fn an_unverified_payout_account_is_noticed_from_when_it_was_set_or_rejected() {
        // rule: X-7
        // rule: PAY-4
        let policy = PayoutPolicy::default();
        let mut p = with_paypal();
        let unverified = |p: &PayoutProfile| match notices(p, &[], &policy).as_slice() {
            [n @ PayoutNotice::AccountUnverified { verification, .. }] => {
                (verification.clone(), n.date())
            }
            other => panic!("{other:?}"),
        };
        let day = |d| NaiveDate::from_ymd_opt(2027, 3, d).unwrap();
        assert_eq!(unverified(&p), (Verification::Pending, day(1)));
        let reason = RejectionReason::new("holder name does not match").unwrap();
        verify(
            &mut p,
            at(2027, 3, 4, 0, 0, 0),
            VerificationOutcome::Rejected { reason },
        );
        let (verification, date) = unverified(&p);
        assert!(
            matches!(verification, Verification::Rejected { .. }),
            "{verification:?}"
        );
        assert_eq!(date, day(4), "dated when it was rejected");
    }

    #[test]
    fn a_hold_left_on_is_noticed_until_the_profile_is_closed() {
        // rule: X-7
        // rule: PAY-6
        let policy = PayoutPolicy::default();
        let mut p = verified();
        assert!(notices(&p, &[], &policy).is_empty(), "verified, no hold");
        let owner = Actor::OwnerAccount { owner: id(OWNER) };
        let on = at(2027, 3, 20, 12, 0, 0);
        run(&mut p, owner, on, Command::SetHold { on: true });
        assert_eq!(
            notices(&p, &[], &policy),
            [PayoutNotice::HoldOn { since: on }]
        );
        run(&mut p, owner, at(2027, 3, 21, 0, 0, 0), Command::Close);
        assert!(notices(&p, &[], &policy).is_empty(), "closed");
    }

    #[test]
    fn a_payment_carried_under_the_threshold_is_noticed_from_the_last_statement() {
        // rule: X-7
        // rule: PAY-8
        let policy = PayoutPolicy::default();
        let p = verified();
        let sale = LedgerEntry::new(
            RevenueSource::new(RevenueSource::APP_SALES).unwrap(),
            "10.00 USD".parse().unwrap(),
            NaiveDate::from_ymd_opt(2027, 3, 10).unwrap(),
            CountryCode::US,
            &policy,
        )
        .unwrap();
        let mut fold = StatementFold::default();
        fold.add(&sale).unwrap();
        let april: PayoutMonth = "2027-04".parse().unwrap();
        let terms = p.cycle_terms(april, &policy).unwrap();
        let statement = fold
            .finish(&terms, &CarryOver::zero(Currency::USD))
            .unwrap();
        let Outcome::BelowThreshold { threshold } = statement.outcome else {
            panic!("{:?}", statement.outcome)
        };
        assert_eq!(
            notices(&p, &[statement], &policy),
            [PayoutNotice::CarriedBelowThreshold {
                month: april,
                carried: "10.00 USD".parse().unwrap(),
                threshold,
                payment_date: policy.payment_date(april),
            }]
        );
    }
}
