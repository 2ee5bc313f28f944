//! Property tests: money is conserved across any sequence of cycles; folds merge; the batch
//! fold agrees with the per-account fold (PAY-4, PAY-6, PAY-8, PAY-9).

use chrono::Duration;
use partnerkit_core::testing::at;
use partnerkit_core::{AccountId, Actor, Context, Currency, Decider, Money, SequentialIds};
use partnerkit_payouts::{
    CarryOver, Command, LedgerBatch, LedgerEntry, LineKind, Outcome, PayoutMonth, PayoutPolicy,
    PayoutProfile, PayoutTimeZone, Payouts, PendingAmount, RevenueSource, Statement, StatementFold,
    VerificationOutcome,
};
use proptest::prelude::*;

use crate::support::*;

const SOURCES: [&str; 4] = [
    RevenueSource::APP_SALES,
    RevenueSource::EA_USAGE,
    RevenueSource::EA_ORDER,
    RevenueSource::CSP_MCA_CUSTOMER_PAID,
];

/// (source, cents, withheld percent, months before the cycle earned, day)
type RawEntry = (usize, i64, i64, i32, u32);

fn raw_entry() -> impl Strategy<Value = RawEntry> {
    (0..4usize, -4_000i64..15_000, 0i64..=30, 1i32..=2, 1u32..=28)
}

fn make_entry(cycle: PayoutMonth, (s, cents, pct, back, day): RawEntry) -> LedgerEntry {
    let earned = cycle.plus(-back).unwrap().day(day);
    let amount = Money::from_minor_units(cents, Currency::USD);
    let withheld = Money::from_minor_units(cents * pct / 100, Currency::USD);
    LedgerEntry::new(
        src(SOURCES[s]),
        amount,
        earned,
        partnerkit_core::CountryCode::US,
        &PayoutPolicy::default(),
    )
    .unwrap()
    .with_withheld(withheld)
    .unwrap()
}

#[derive(Debug, Clone, Copy)]
enum Op {
    HoldOn,
    HoldOff,
    ChangeAccount,
    Verify,
    Reject,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        Just(Op::HoldOn),
        Just(Op::HoldOff),
        Just(Op::ChangeAccount),
        Just(Op::Verify),
        Just(Op::Verify),
        Just(Op::Reject),
    ]
}

/// Applies `op` at `t`; refused commands (such as verifying nothing) change nothing.
fn apply_op(
    profile: &mut PayoutProfile,
    op: Op,
    t: chrono::DateTime<chrono::Utc>,
    ids: &SequentialIds,
) {
    let (cmd, actor) = match op {
        Op::HoldOn => (Command::SetHold { on: true }, by_owner()),
        Op::HoldOff => (Command::SetHold { on: false }, by_owner()),
        Op::ChangeAccount => (
            Command::SetPayoutAccount {
                account: us_bank(),
                payout_account: None,
            },
            by_owner(),
        ),
        Op::Verify | Op::Reject => {
            let Some(current) = profile.payout_account() else {
                return;
            };
            let outcome = match op {
                Op::Verify => VerificationOutcome::Verified,
                _ => VerificationOutcome::Rejected {
                    reason: "does not match".parse().unwrap(),
                },
            };
            (
                Command::RecordVerification {
                    payout_account: current.id,
                    outcome,
                },
                Actor::Marketplace,
            )
        }
    };
    let before = profile.clone();
    if Payouts::execute(profile, cmd, &Context::new(t, actor, ids)).is_err() {
        assert_eq!(*profile, before, "a refused command changed the state");
    }
}

/// The statement's sign convention (see [`Statement`]): fields say how much, lines are signed
/// by their effect on the amount due, and the lines add up — to `due` before it, and
/// `paid` + carried out == `due` after it.
fn check_signs(s: &Statement) {
    let cents = |m: Money| m.minor_units().unwrap();
    let sum = |kind: LineKind| -> i64 {
        s.lines
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| cents(l.amount))
            .sum()
    };
    let count = |kind: LineKind| s.lines.iter().filter(|l| l.kind == kind).count();
    assert_eq!(sum(LineKind::Earned), cents(s.earned));
    assert_eq!(sum(LineKind::Withheld), -cents(s.withheld));
    assert_eq!(sum(LineKind::NotYetPayable), -cents(s.not_yet_payable));
    assert_eq!(sum(LineKind::BecamePayable), cents(s.became_payable));
    assert_eq!(sum(LineKind::CarriedIn), cents(s.carried_in));
    assert_eq!(sum(LineKind::Due), cents(s.due));
    assert_eq!(sum(LineKind::Recouped), cents(s.recouped));
    assert_eq!(sum(LineKind::Paid), cents(s.paid));
    assert_eq!(sum(LineKind::CarriedOut), cents(s.carried_out.balance));
    for kind in [
        LineKind::Earned,
        LineKind::Withheld,
        LineKind::CarriedIn,
        LineKind::Due,
        LineKind::Paid,
        LineKind::CarriedOut,
    ] {
        assert_eq!(count(kind), 1, "{kind}");
    }
    // The lines before `due` add up to it; after it, paid + carried out is due.
    let before: i64 = s
        .lines
        .iter()
        .take_while(|l| l.kind != LineKind::Due)
        .map(|l| cents(l.amount))
        .sum();
    assert_eq!(before, cents(s.due));
    assert_eq!(
        sum(LineKind::Paid) + sum(LineKind::CarriedOut),
        cents(s.due)
    );
    // Earlier revenue still pending and this cycle's not yet payable are what is carried on.
    let pending: i64 = s.carried_out.pending.iter().map(|p| cents(p.amount)).sum();
    assert_eq!(
        sum(LineKind::StillPending) + cents(s.not_yet_payable),
        pending
    );
    // The line saying why nothing was paid repeats what is carried out.
    for l in &s.lines {
        if matches!(
            l.kind,
            LineKind::Held
                | LineKind::DelayedByVerification
                | LineKind::BelowThreshold
                | LineKind::NegativeBalance
        ) {
            assert_eq!(l.amount, s.carried_out.balance);
        }
    }
    // Amounts that are never negative.
    assert!(!s.paid.is_negative() && !s.recouped.is_negative());
}

proptest! {
    #[test]
    fn not_a_cent_is_lost_or_made(
        cycles in prop::collection::vec(
            (
                prop::collection::vec(raw_entry(), 0..6),
                prop::collection::vec((op(), 0i64..(31 * 24 * 60)), 0..4),
            ),
            1..10,
        ),
        legacy in any::<bool>(),
    ) {
        // rule: PAY-4
        // rule: PAY-6
        // rule: PAY-8
        // rule: PAY-9
        let policy = if legacy { PayoutPolicy::store_legacy() } else { PayoutPolicy::default() };
        let ids = SequentialIds::default();
        let mut profile = Payouts::fold(&with_owner());
        let first = month("2027-01");
        let mut carry = zero();
        let (mut earned, mut withheld, mut paid) = (0i64, 0i64, 0i64);
        for (k, (entries, mut ops)) in cycles.into_iter().enumerate() {
            let cycle = first.plus(k as i32).unwrap();
            // Toggles and account changes happen during the previous month (in UTC, so some
            // fall into this month in Pacific time).
            ops.sort_by_key(|(_, minute)| *minute);
            let start = PayoutTimeZone::UTC.month_start(cycle.previous().unwrap()).unwrap();
            for (o, minute) in ops {
                apply_op(&mut profile, o, start + Duration::minutes(minute), &ids);
            }
            let mut fold = StatementFold::default();
            for raw in entries {
                let e = make_entry(cycle, raw);
                earned += e.amount_minor();
                withheld += e.withheld_minor();
                fold.add(&e).unwrap();
            }
            let terms = profile.cycle_terms(cycle, &policy).unwrap();
            let s = fold.finish(&terms, &carry).unwrap();
            prop_assert!(s.balances());
            check_signs(&s);
            prop_assert!(!s.paid.is_negative());
            if s.paid.is_positive() {
                prop_assert_eq!(&s.outcome, &Outcome::Paid);
                prop_assert!(!terms.hold.held);
                prop_assert_eq!(s.payment_date, Some(policy.payment_date(cycle)));
            }
            paid += s.paid.minor_units().unwrap();
            carry = s.carried_out.clone();
        }
        let owed = carry.total().unwrap().minor_units().unwrap();
        prop_assert_eq!(paid + owed, earned - withheld);
    }

    #[test]
    fn merge_of_split_ledger_equals_the_whole(
        raws in prop::collection::vec(raw_entry(), 0..40),
        cuts in prop::collection::vec(0usize..40, 0..4),
        carried in -5_000i64..5_000,
    ) {
        // rule: PAY-9
        let cycle = month("2027-04");
        let entries: Vec<LedgerEntry> = raws.into_iter().map(|r| make_entry(cycle, r)).collect();
        let mut whole = StatementFold::default();
        for e in &entries {
            whole.add(e).unwrap();
        }
        let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(entries.len())).collect();
        cuts.push(0);
        cuts.push(entries.len());
        cuts.sort_unstable();
        let parts: Vec<StatementFold> = cuts
            .windows(2)
            .map(|w| {
                let mut f = StatementFold::default();
                for e in &entries[w[0]..w[1]] {
                    f.add(e).unwrap();
                }
                f
            })
            .collect();
        // Merge in reverse order: order does not matter either.
        let merged = parts
            .into_iter()
            .rev()
            .try_fold(StatementFold::default(), StatementFold::merge)
            .unwrap();
        prop_assert_eq!(&merged, &whole);
        let terms = Payouts::fold(&verified()).cycle_terms(cycle, &PayoutPolicy::default()).unwrap();
        let carry = CarryOver { balance: Money::from_minor_units(carried, Currency::USD), pending: vec![] };
        prop_assert_eq!(merged.finish(&terms, &carry).unwrap(), whole.finish(&terms, &carry).unwrap());
    }

    #[test]
    fn batch_fold_equals_per_account_fold(
        raws in prop::collection::vec((0u128..5, raw_entry(), 0i32..=1), 0..60),
        parts in 1usize..5,
        carried in prop::collection::vec((-5_000i64..5_000, -2_000i64..8_000, 0i32..3), 5),
    ) {
        // rule: PAY-9
        let cycle = month("2027-04");
        let mut batch = LedgerBatch::new(cycle, Currency::USD);
        let mut singles = vec![StatementFold::default(); 5];
        let accounts: Vec<AccountId> = (0..5u128).map(partnerkit_core::testing::id).collect();
        for a in &accounts {
            batch.intern(*a).unwrap();
        }
        for (n, raw, shift) in raws {
            // Some entries are earned early enough to be due, some only later.
            let e = make_entry(cycle.plus(shift).unwrap(), raw);
            batch.push(accounts[n as usize], &e).unwrap();
            singles[n as usize].add(&e).unwrap();
        }
        let folded = (0..parts)
            .map(|p| batch.fold_part(p, parts).unwrap())
            .reduce(|a, b| a.merge(b).unwrap())
            .unwrap();
        prop_assert_eq!(&folded, &batch.fold().unwrap());
        let terms = Payouts::fold(&verified()).cycle_terms(cycle, &PayoutPolicy::default()).unwrap();
        for (slot, single) in singles.iter().enumerate() {
            let (bal, pend, ahead) = carried[slot];
            let carry = CarryOver {
                balance: Money::from_minor_units(bal, Currency::USD),
                pending: vec![PendingAmount {
                    payable_in: cycle.plus(ahead).unwrap(),
                    amount: Money::from_minor_units(pend, Currency::USD),
                }],
            };
            let from_batch = folded.statement(slot as u32, &terms, &carry).unwrap();
            prop_assert_eq!(&from_batch, &single.finish(&terms, &carry).unwrap());
            prop_assert!(from_batch.balances());
        }
    }

    #[test]
    fn pacific_months_start_at_local_midnight(year in 2007i32..2100, m in 1u32..=12) {
        // rule: PAY-6
        let tz = PayoutTimeZone::UsPacific;
        let mo = PayoutMonth::new(year, m).unwrap();
        let start = tz.month_start(mo).unwrap();
        prop_assert_eq!(tz.month_of(start).unwrap(), mo);
        prop_assert_eq!(tz.month_of(start - Duration::seconds(1)).unwrap(), mo.previous().unwrap());
        prop_assert_eq!(tz.local(start).unwrap().time(), chrono::NaiveTime::MIN);
        let offset = (start - at(year, m, 1, 0, 0, 0)).num_hours();
        prop_assert!(offset == 7 || offset == 8);
    }
}

#[test]
fn batch_overflow_is_an_error_never_a_wrap() {
    let cycle = month("2027-04");
    let mut batch = LedgerBatch::new(cycle, Currency::USD);
    let huge = LedgerEntry::new(
        src("x"),
        Money::from_minor_units(i64::MAX, Currency::USD),
        date(2027, 3, 1),
        partnerkit_core::CountryCode::US,
        &PayoutPolicy::default(),
    )
    .unwrap();
    let a: AccountId = partnerkit_core::testing::id(1);
    batch.push(a, &huge).unwrap();
    batch.push(a, &huge).unwrap();
    assert!(matches!(
        batch.fold(),
        Err(partnerkit_payouts::Error::Overflow { .. })
    ));
    // Other currency, unknown slot.
    let eur = LedgerEntry::new(
        src("x"),
        "1.00 EUR".parse().unwrap(),
        date(2027, 3, 1),
        partnerkit_core::CountryCode::FR,
        &PayoutPolicy::default(),
    )
    .unwrap();
    assert!(batch.push(a, &eur).is_err());
    assert!(batch.push_slot(7, &huge).is_err());
    assert_eq!(batch.len(), 2);
}

/// The facade's former loop: one scan of the whole ledger per month.
fn statements_month_by_month(
    profile: &PayoutProfile,
    policy: &PayoutPolicy,
    entries: &[LedgerEntry],
    first: PayoutMonth,
    last: PayoutMonth,
) -> Vec<partnerkit_payouts::Statement> {
    let mut out = Vec::new();
    let mut carry = zero();
    let mut month = first;
    while month <= last {
        let mut fold = StatementFold::default();
        for e in entries {
            let earned = PayoutMonth::of_date(e.earned_on()).unwrap();
            let due_now = if month == first {
                earned < first
            } else {
                earned == month.previous().unwrap()
            };
            if due_now {
                fold.add(e).unwrap();
            }
        }
        let s = fold
            .finish(&profile.cycle_terms(month, policy).unwrap(), &carry)
            .unwrap();
        carry = s.carried_out.clone();
        out.push(s);
        month = month.next().unwrap();
    }
    out
}

proptest! {
    #[test]
    fn one_pass_statements_equal_a_scan_per_month(
        raws in prop::collection::vec((raw_entry(), 0i32..12), 0..40),
        first in 0i32..12,
        len in 0i32..8,
    ) {
        // rule: PAY-5
        // rule: PAY-9
        let policy = PayoutPolicy::default();
        let base = month("2026-10");
        // Entries in any order, earned over a year around the range.
        let entries: Vec<LedgerEntry> = raws
            .into_iter()
            .map(|(raw, shift)| make_entry(base.plus(shift).unwrap(), raw))
            .collect();
        let first = base.plus(first).unwrap();
        let last = first.plus(len).unwrap();
        let profile = Payouts::fold(&verified());
        let one_pass = profile.statements(&policy, &entries, first, last, zero()).unwrap();
        prop_assert_eq!(one_pass.len(), usize::try_from(len + 1).unwrap());
        prop_assert_eq!(
            &one_pass,
            &statements_month_by_month(&profile, &policy, &entries, first, last)
        );
        for s in &one_pass {
            prop_assert!(s.balances());
        }
        // Owned entries and an empty range work too.
        prop_assert_eq!(
            profile.statements(&policy, entries.clone(), first, last, zero()).unwrap(),
            one_pass
        );
        prop_assert!(profile.statements(&policy, &entries, last.next().unwrap(), first, zero()).unwrap().is_empty());
    }
}
