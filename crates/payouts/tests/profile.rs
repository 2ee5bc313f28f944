//! The payout profile decider: owner account, payout account, verification (PAY-1..PAY-4),
//! bad input and secrets.

use partnerkit_core::Decider;
use partnerkit_core::testing::{at, given, id};
use partnerkit_core::{
    AccountId, Actor, CountryCode, Currency, EmailAddress, OwnerAccountId, PostalAddress, TenantId,
    UserId,
};
use partnerkit_payouts::{
    BankAccountNumber, Command, Error, Event, NewPayoutAccount, OwnerAccountRegistry, PayoutPolicy,
    Payouts, PaypalMarkets, RoutingNumber, Verification, VerificationOutcome, check_owner_account,
};

use crate::support::*;

struct Registry(Option<AccountId>);
impl OwnerAccountRegistry for Registry {
    fn associated_account(&self, _: OwnerAccountId) -> Option<AccountId> {
        self.0
    }
}

#[test]
fn set_up_records_registration_once() {
    given::<Payouts>([])
        .when(Command::SetUp {
            account: account(),
            country: CountryCode::SE,
            currency: Currency::SEK,
        })
        .then([set_up_event(CountryCode::SE, Currency::SEK)]);
    given::<Payouts>([set_up_event(CountryCode::SE, Currency::SEK)])
        .when(Command::SetUp {
            account: account(),
            country: CountryCode::US,
            currency: Currency::USD,
        })
        .then_err(Error::AlreadySetUp {
            account: account(),
            country: CountryCode::SE,
        });
}

#[test]
fn owner_account_is_associated_by_the_marketplace_when_free() {
    // rule: PAY-1
    let check = check_owner_account(&Registry(None), owner(), account()).unwrap();
    let state = given::<Payouts>([set_up_event(CountryCode::US, Currency::USD)])
        .by(Actor::Marketplace)
        .when(Command::AssociateOwnerAccount { check })
        .then([Event::OwnerAccountAssociated { owner: owner() }]);
    assert_eq!(state.owner(), Some(owner()));
    // Already associated with this very account: the check passes too.
    assert!(check_owner_account(&Registry(Some(account())), owner(), account()).is_ok());
}

#[test]
fn owner_account_of_another_marketplace_account_is_refused() {
    // rule: PAY-1
    let other: AccountId = id(99);
    assert_eq!(
        check_owner_account(&Registry(Some(other)), owner(), account()),
        Err(Error::OwnerAccountTaken {
            owner: owner(),
            other
        })
    );
    // A check made for another account cannot be used here.
    let check = check_owner_account(&Registry(None), owner(), other).unwrap();
    given::<Payouts>([set_up_event(CountryCode::US, Currency::USD)])
        .by(Actor::Marketplace)
        .when(Command::AssociateOwnerAccount { check })
        .then_err(Error::OwnerCheckForOtherAccount {
            checked: other,
            profile: account(),
        });
}

#[test]
fn only_the_marketplace_associates_an_owner_account_and_only_once() {
    // rule: PAY-1
    let check = check_owner_account(&Registry(None), owner(), account()).unwrap();
    let work_account = Actor::User {
        tenant: id::<TenantId>(5),
        user: id::<UserId>(6),
    };
    // An owner account can never make itself an account's owner, nor can a work account.
    for actor in [work_account, by_owner()] {
        given::<Payouts>([set_up_event(CountryCode::US, Currency::USD)])
            .by(actor)
            .when(Command::AssociateOwnerAccount { check })
            .then_err(Error::NotMarketplace);
    }
    // Once an owner is set, not even the marketplace replaces it.
    given::<Payouts>(with_owner())
        .by(Actor::Marketplace)
        .when(Command::AssociateOwnerAccount { check })
        .then_err(Error::OwnerAccountAlreadyAssociated { owner: owner() });
    let other = check_owner_account(&Registry(None), id(77), account()).unwrap();
    given::<Payouts>(with_owner())
        .by(Actor::Marketplace)
        .when(Command::AssociateOwnerAccount { check: other })
        .then_err(Error::OwnerAccountAlreadyAssociated { owner: owner() });
    // The one who would be taken over learns nothing: a stranger gets the same answer
    // whether or not an owner is set.
    given::<Payouts>(with_owner())
        .by(Actor::OwnerAccount { owner: id(77) })
        .when(Command::AssociateOwnerAccount { check: other })
        .then_err(Error::NotMarketplace);
}

#[test]
fn payout_settings_are_changed_by_the_owner_account_only_checked_first() {
    // rule: PAY-1
    // rule: X-2
    let strangers = [
        Actor::User {
            tenant: id::<TenantId>(5),
            user: id::<UserId>(6),
        },
        Actor::OwnerAccount {
            owner: id::<OwnerAccountId>(77),
        },
        Actor::Marketplace,
    ];
    let se = PostalAddress::builder("Drottninggatan 1", "Stockholm", CountryCode::SE)
        .postal_code("111 51")
        .build()
        .unwrap();
    let mut closed = verified();
    closed.push(Event::Closed {
        at: at(2027, 5, 1, 0, 0, 0),
    });
    for actor in strangers {
        let commands = || {
            [
                Command::SetPayoutAccount {
                    account: us_bank(),
                    payout_account: None,
                },
                // Invalid input (another country): still refused for who asks first.
                Command::SetPayoutAccount {
                    account: NewPayoutAccount::bank(se_bank_details(se.clone())).unwrap(),
                    payout_account: None,
                },
                Command::SetHold { on: true },
                // A no-op for the owner, refused for anyone else.
                Command::SetHold { on: false },
                Command::Close,
            ]
        };
        for cmd in commands() {
            given::<Payouts>(verified())
                .by(actor)
                .when(cmd)
                .then_err(Error::NotOwnerAccount);
        }
        // Neither a closed profile nor a clock out of range is revealed before the check.
        for cmd in commands() {
            given::<Payouts>(closed.clone())
                .by(actor)
                .when(cmd)
                .then_err(Error::NotOwnerAccount);
        }
        given::<Payouts>(verified())
            .by(actor)
            .at(chrono::DateTime::<chrono::Utc>::MIN_UTC)
            .when(Command::SetHold { on: true })
            .then_err(Error::NotOwnerAccount);
    }
    // The owner account itself may.
    let t = at(2027, 5, 1, 0, 0, 0);
    given::<Payouts>(verified())
        .by(by_owner())
        .at(t)
        .when(Command::SetHold { on: true })
        .then([Event::HoldTurnedOn { at: t }]);
    given::<Payouts>(verified())
        .by(by_owner())
        .at(t)
        .when(Command::Close)
        .then([Event::Closed { at: t }]);
    // Marketplace-only commands are refused to the owner account before their input is read.
    given::<Payouts>(verified())
        .by(by_owner())
        .when(Command::RecordVerification {
            payout_account: id(999),
            outcome: VerificationOutcome::Verified,
        })
        .then_err(Error::NotMarketplace);
    given::<Payouts>(verified())
        .by(by_owner())
        .when(Command::SetUp {
            account: account(),
            country: CountryCode::SE,
            currency: Currency::SEK,
        })
        .then_err(Error::NotMarketplace);
}

#[test]
fn payout_setup_needs_the_owner_account_first_and_signed_in() {
    // rule: PAY-1
    given::<Payouts>([set_up_event(CountryCode::US, Currency::USD)])
        .by(by_owner())
        .when(Command::SetPayoutAccount {
            account: us_bank(),
            payout_account: None,
        })
        .then_err(Error::NoOwnerAccount);
    let work_account = Actor::User {
        tenant: id::<TenantId>(5),
        user: id::<UserId>(6),
    };
    given::<Payouts>(with_owner())
        .by(work_account)
        .when(Command::SetPayoutAccount {
            account: us_bank(),
            payout_account: None,
        })
        .then_err(Error::NotOwnerAccount);
    let someone_else = Actor::OwnerAccount {
        owner: id::<OwnerAccountId>(77),
    };
    given::<Payouts>(with_owner())
        .by(someone_else)
        .when(Command::SetPayoutAccount {
            account: us_bank(),
            payout_account: None,
        })
        .then_err(Error::NotOwnerAccount);
}

#[test]
fn bank_account_is_set_and_awaits_verification() {
    // rule: PAY-2
    let now = at(2027, 2, 3, 10, 0, 0);
    let state = given::<Payouts>(with_owner())
        .by(by_owner())
        .at(now)
        .when(Command::SetPayoutAccount {
            account: us_bank(),
            payout_account: None,
        })
        .then([Event::PayoutAccountSet {
            payout_account: id(1_000_001),
            method: us_bank_method(),
            at: now,
        }]);
    let current = state.payout_account().unwrap();
    assert_eq!(current.verification, Verification::Pending);
    assert_eq!(current.method.country(), CountryCode::US);
}

#[test]
fn paypal_is_a_method_where_offered() {
    // rule: PAY-2
    let email: EmailAddress = "pay@contoso.com".parse().unwrap();
    let markets = PayoutPolicy::default().paypal_markets().clone();
    let paypal = NewPayoutAccount::paypal(email.clone(), CountryCode::US, &markets).unwrap();
    assert!(paypal.account_number().is_none());
    given::<Payouts>(with_owner())
        .by(by_owner())
        .when(Command::SetPayoutAccount {
            account: paypal,
            payout_account: None,
        })
        .then_events(|e| assert!(matches!(e, [Event::PayoutAccountSet { .. }])));
    // Not offered in India by default, and the table is the host's to override.
    assert_eq!(
        NewPayoutAccount::paypal(email.clone(), CountryCode::IN, &markets),
        Err(Error::PayPalNotSupported {
            country: CountryCode::IN
        })
    );
    let only_se = PaypalMarkets::Only(vec![CountryCode::SE]);
    assert!(NewPayoutAccount::paypal(email.clone(), CountryCode::SE, &only_se).is_ok());
    assert!(NewPayoutAccount::paypal(email, CountryCode::US, &only_se).is_err());
}

#[test]
fn us_routing_numbers_are_checked_with_the_aba_checksum() {
    // rule: PAY-2
    for good in ["021000021", "011000015", "121000358", "0210-0002 1"] {
        assert!(RoutingNumber::new(CountryCode::US, good).is_ok(), "{good}");
    }
    for (bad, why) in [
        ("021000022", "checksum"),
        ("02100002", "nine digits"),
        ("0210000211", "nine digits"),
        ("02100002A", "nine digits"),
        ("021000021!", "only letters"),
    ] {
        let err = RoutingNumber::new(CountryCode::US, bad).unwrap_err();
        assert!(err.to_string().contains(why), "{bad}: {err}");
        assert!(err.to_string().contains("PAY-2"));
    }
    // Other schemes: sort codes, BIC.
    assert_eq!(
        RoutingNumber::new(CountryCode::SE, "eSSE se ss")
            .unwrap()
            .as_str(),
        "ESSESESS"
    );
    // A bad checksum refuses the whole bank account.
    assert!(matches!(
        NewPayoutAccount::bank(bank_details("021000022", us_address())),
        Err(Error::InvalidRoutingNumber { .. })
    ));
}

#[test]
fn account_numbers_are_validated_without_being_repeated() {
    // rule: PAY-2
    let err = BankAccountNumber::new("12").unwrap_err();
    assert!(matches!(err, Error::InvalidAccountNumber { .. }));
    let err = BankAccountNumber::new("1234/5678").unwrap_err();
    assert!(!err.to_string().contains("1234"));
}

#[test]
fn payout_account_must_be_in_the_registration_country() {
    // rule: PAY-3
    let se = PostalAddress::builder("Drottninggatan 1", "Stockholm", CountryCode::SE)
        .postal_code("111 51")
        .build()
        .unwrap();
    let se_bank = NewPayoutAccount::bank(se_bank_details(se)).unwrap();
    given::<Payouts>(with_owner())
        .by(by_owner())
        .when(Command::SetPayoutAccount {
            account: se_bank,
            payout_account: None,
        })
        .then_err(Error::WrongCountry {
            payout: CountryCode::SE,
            registration: CountryCode::US,
        });
    let email: EmailAddress = "pay@contoso.com".parse().unwrap();
    let paypal =
        NewPayoutAccount::paypal(email, CountryCode::GB, &PaypalMarkets::default()).unwrap();
    given::<Payouts>(with_owner())
        .by(by_owner())
        .when(Command::SetPayoutAccount {
            account: paypal,
            payout_account: None,
        })
        .then_err_matches(|e| matches!(e, Error::WrongCountry { .. }));
    // Without registration data there is no owner account either: PAY-1 is checked first.
    given::<Payouts>([])
        .by(by_owner())
        .when(Command::SetPayoutAccount {
            account: us_bank(),
            payout_account: None,
        })
        .then_err(Error::NoOwnerAccount);
}

#[test]
fn marketplace_verifies_or_rejects_the_current_payout_account() {
    // rule: PAY-4
    let mut events = with_owner();
    events.push(Event::PayoutAccountSet {
        payout_account: id(10),
        method: us_bank_method(),
        at: at(2027, 2, 1, 0, 0, 0),
    });
    let now = at(2027, 2, 4, 0, 0, 0);
    let verify = || Command::RecordVerification {
        payout_account: id(10),
        outcome: VerificationOutcome::Verified,
    };
    given::<Payouts>(events.clone())
        .by(by_owner())
        .when(verify())
        .then_err(Error::NotMarketplace);
    given::<Payouts>(events.clone())
        .at(now)
        .when(Command::RecordVerification {
            payout_account: id(11),
            outcome: VerificationOutcome::Verified,
        })
        .then_err(Error::NotCurrentPayoutAccount {
            payout_account: id(11),
        });
    let state = given::<Payouts>(events.clone())
        .at(now)
        .when(verify())
        .then([Event::PayoutAccountVerified {
            payout_account: id(10),
            at: now,
        }]);
    assert_eq!(
        state.payout_account().unwrap().verification,
        Verification::Verified { at: now }
    );
    given::<Payouts>(events.clone())
        .at(now)
        .when(Command::RecordVerification {
            payout_account: id(10),
            outcome: VerificationOutcome::Rejected {
                reason: "holder name does not match".parse().unwrap(),
            },
        })
        .then([Event::PayoutAccountRejected {
            payout_account: id(10),
            reason: "holder name does not match".parse().unwrap(),
            at: now,
        }]);
    let mut decided = events;
    decided.push(Event::PayoutAccountVerified {
        payout_account: id(10),
        at: now,
    });
    given::<Payouts>(decided)
        .when(verify())
        .then_err(Error::VerificationAlreadyDecided {
            payout_account: id(10),
        });
}

#[test]
fn changing_the_payout_account_re_enters_verification() {
    // rule: PAY-4
    let state = given::<Payouts>(verified())
        .by(by_owner())
        .at(at(2027, 4, 25, 0, 0, 0))
        .when(Command::SetPayoutAccount {
            account: us_bank(),
            payout_account: None,
        })
        .then_events(|e| assert!(matches!(e, [Event::PayoutAccountSet { .. }])));
    assert_eq!(state.payout_accounts().len(), 2);
    assert_eq!(
        state.payout_account().unwrap().verification,
        Verification::Pending
    );
}

#[test]
fn hold_toggle_records_changes_only() {
    // rule: PAY-6
    let t = at(2027, 3, 20, 0, 0, 0);
    let state = given::<Payouts>(verified())
        .by(by_owner())
        .at(t)
        .when(Command::SetHold { on: true })
        .then([Event::HoldTurnedOn { at: t }]);
    assert!(state.hold_on());
    let mut held = verified();
    held.push(Event::HoldTurnedOn { at: t });
    given::<Payouts>(held.clone())
        .by(by_owner())
        .when(Command::SetHold { on: true })
        .then([]);
    given::<Payouts>(held)
        .by(by_owner())
        .at(t)
        .when(Command::SetHold { on: false })
        .then([Event::HoldTurnedOff { at: t }]);
}

#[test]
fn a_closed_profile_refuses_every_change() {
    // rule: X-3
    let mut closed = verified();
    closed.push(Event::Closed {
        at: at(2027, 5, 1, 0, 0, 0),
    });
    given::<Payouts>(closed.clone())
        .by(by_owner())
        .when(Command::SetHold { on: true })
        .then_err(Error::Closed);
    given::<Payouts>(closed.clone())
        .by(by_owner())
        .when(Command::SetPayoutAccount {
            account: us_bank(),
            payout_account: None,
        })
        .then_err(Error::Closed);
    given::<Payouts>(closed.clone())
        .when(Command::RecordVerification {
            payout_account: id(10),
            outcome: VerificationOutcome::Verified,
        })
        .then_err(Error::Closed);
    // Closing a closed profile is a no-op: its effect already holds.
    given::<Payouts>(closed)
        .by(by_owner())
        .when(Command::Close)
        .then([]);
    given::<Payouts>(verified())
        .by(by_owner())
        .at(at(2027, 5, 1, 0, 0, 0))
        .when(Command::Close)
        .then([Event::Closed {
            at: at(2027, 5, 1, 0, 0, 0),
        }]);
}

#[test]
fn errors_are_typed_name_their_rule_and_change_nothing() {
    // rule: X-3
    let mut state = Payouts::fold(&with_owner());
    let before = state.clone();
    let ids = partnerkit_core::SequentialIds::default();
    let ctx = partnerkit_core::Context::new(at(2027, 1, 1, 0, 0, 0), by_owner(), &ids);
    let se = PostalAddress::builder("Drottninggatan 1", "Stockholm", CountryCode::SE)
        .build()
        .unwrap();
    let err = <Payouts as partnerkit_core::Decider>::execute(
        &mut state,
        Command::SetPayoutAccount {
            account: NewPayoutAccount::bank(se_bank_details(se)).unwrap(),
            payout_account: None,
        },
        &ctx,
    )
    .unwrap_err();
    assert_eq!(state, before);
    assert!(err.to_string().contains("rule PAY-3"), "{err}");
    for (e, rule) in [
        (Error::NoOwnerAccount, "PAY-1"),
        (Error::NotOwnerAccount, "PAY-1"),
        (
            Error::PayPalNotSupported {
                country: CountryCode::IN,
            },
            "PAY-2",
        ),
        (Error::NotMarketplace, "PAY-4"),
        (
            Error::CurrencyMismatch {
                expected: Currency::USD,
                found: Currency::EUR,
            },
            "PAY-8",
        ),
        (Error::Closed, "X-3"),
    ] {
        assert!(e.to_string().contains(rule), "{e}");
    }
}

#[test]
fn account_numbers_never_appear_in_debug_state_or_events() {
    // rule: X-4
    let cmd = Command::SetPayoutAccount {
        account: us_bank(),
        payout_account: None,
    };
    let debug = format!("{cmd:?}");
    assert!(!debug.contains("000123456789"), "{debug}");
    assert!(!debug.contains("123456789"), "{debug}");
    let state = given::<Payouts>(with_owner())
        .by(by_owner())
        .when(cmd)
        .then_events(|_| {});
    let json = serde_json::to_string(&state).unwrap();
    assert!(!json.contains("123456789"), "{json}");
    assert!(json.contains("••••••••6789"), "{json}");
    assert!(!format!("{state:?}").contains("123456789"));
    // The full number is still available to the host once, for its verification call.
    assert_eq!(
        us_bank().account_number().unwrap().expose_secret(),
        "000123456789"
    );
}

#[test]
fn state_round_trips_through_serde() {
    let state = Payouts::fold(&verified());
    let json = serde_json::to_string(&state).unwrap();
    let back: partnerkit_payouts::PayoutProfile = serde_json::from_str(&json).unwrap();
    assert_eq!(back, state);
}

mod who_asks_first {
    use super::*;
    use proptest::prelude::*;

    fn actor() -> impl Strategy<Value = Actor> {
        prop_oneof![
            Just(Actor::Marketplace),
            Just(by_owner()),
            Just(Actor::OwnerAccount { owner: id(77) }),
            Just(Actor::User {
                tenant: id(5),
                user: id(6)
            }),
        ]
    }

    fn history(n: usize) -> Vec<Event> {
        let mut all = verified();
        all.push(Event::HoldTurnedOn {
            at: at(2027, 2, 1, 0, 0, 0),
        });
        all.push(Event::Closed {
            at: at(2027, 3, 1, 0, 0, 0),
        });
        all.truncate(n);
        all
    }

    fn command(k: u8) -> Command {
        let check = check_owner_account(&Registry(None), id(77), account()).unwrap();
        match k % 7 {
            0 => Command::SetUp {
                account: account(),
                country: CountryCode::SE,
                currency: Currency::SEK,
            },
            1 => Command::AssociateOwnerAccount { check },
            2 => Command::SetPayoutAccount {
                account: us_bank(),
                payout_account: None,
            },
            3 => Command::RecordVerification {
                payout_account: id(999),
                outcome: VerificationOutcome::Verified,
            },
            4 => Command::SetHold { on: true },
            5 => Command::SetHold { on: false },
            _ => Command::Close,
        }
    }

    proptest! {
        #[test]
        fn an_actor_who_may_not_ask_learns_only_that(
            n in 0usize..7,
            k in any::<u8>(),
            who in actor(),
            extreme_clock in any::<bool>(),
        ) {
            // rule: PAY-1
            // rule: X-2
            let events = history(n);
            let state = Payouts::fold(&events);
            let cmd = command(k);
            let marketplace_only = matches!(
                cmd,
                Command::SetUp { .. }
                    | Command::AssociateOwnerAccount { .. }
                    | Command::RecordVerification { .. }
            );
            let allowed = if marketplace_only {
                who == Actor::Marketplace
            } else {
                state.owner().is_some() && who == by_owner()
            };
            let now = if extreme_clock {
                chrono::DateTime::<chrono::Utc>::MIN_UTC
            } else {
                at(2027, 4, 1, 0, 0, 0)
            };
            let ids = partnerkit_core::SequentialIds::default();
            let ctx = partnerkit_core::Context::new(now, who, &ids);
            let result = Payouts::decide(&state, cmd, &ctx);
            if !allowed {
                let expected = if marketplace_only {
                    Error::NotMarketplace
                } else if state.owner().is_none() {
                    Error::NoOwnerAccount
                } else {
                    Error::NotOwnerAccount
                };
                prop_assert_eq!(result, Err(expected));
            } else if let Err(e) = result {
                prop_assert!(
                    !matches!(
                        e,
                        Error::NotMarketplace | Error::NotOwnerAccount | Error::NoOwnerAccount
                    ),
                    "an allowed actor was refused as not allowed: {e}"
                );
            }
        }
    }
}
