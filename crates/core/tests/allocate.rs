//! `largest_remainder`, the one allocation behind `Money::allocate`, tax's withholding lines
//! (TAX-9) and payouts' converted amounts (PAY-10).

use std::num::NonZeroU64;

use partnerkit_core::{Error, Money, largest_remainder};
use proptest::prelude::*;

fn d(n: u64) -> NonZeroU64 {
    NonZeroU64::new(n).unwrap()
}

/// `Σ numerators / denominator` rounded half away from zero: how tax and payouts round the
/// totals they allocate.
fn rounded_sum(numerators: &[i128], denominator: u64) -> i128 {
    let sum: i128 = numerators.iter().sum();
    let den = i128::from(denominator);
    let (floor, rem) = (sum.div_euclid(den), sum.rem_euclid(den));
    // Half away from zero: up from one half for positive sums, from above one half below 0.
    let up = if sum >= 0 {
        2 * rem >= den
    } else {
        2 * rem > den
    };
    floor + i128::from(up)
}

#[test]
fn thirds_give_the_missing_unit_to_the_earliest_part() {
    assert_eq!(
        largest_remainder(100, &[100, 100, 100], d(3)).unwrap(),
        [34, 33, 33]
    );
    assert_eq!(
        largest_remainder(101, &[101, 101, 101], d(3)).unwrap(),
        [34, 34, 33]
    );
    assert_eq!(largest_remainder(0, &[], d(7)).unwrap(), Vec::<i128>::new());
}

#[test]
fn a_million_cent_sales_at_30_percent_withhold_3000_dollars() {
    // rule: TAX-9 — rounded once on the total, the lines allocated by largest remainder.
    let lines = vec![3_000i128; 1_000_000]; // 1 cent × 3,000 basis points
    let total = rounded_sum(&lines, 10_000);
    assert_eq!(total, 300_000);
    let parts = largest_remainder(total, &lines, d(10_000)).unwrap();
    assert_eq!(parts.iter().sum::<i128>(), 300_000);
    // Ties: the earliest 300,000 sales carry a cent each, the rest none.
    assert!(parts[..300_000].iter().all(|p| *p == 1));
    assert!(parts[300_000..].iter().all(|p| *p == 0));
}

#[test]
fn refunds_round_toward_negative_infinity() {
    // rule: TAX-9 — a refund's exact share −0.3 starts at −1 with remainder 0.7.
    let parts = largest_remainder(0, &[3_000, -3_000], d(10_000)).unwrap();
    assert_eq!(parts, [0, 0]);
    let parts = largest_remainder(-1, &[-3_000, -3_000, -3_000], d(10_000)).unwrap();
    assert_eq!(parts, [0, 0, -1]);
}

#[test]
fn converted_lines_add_up_to_the_line() {
    // rule: PAY-10 — 3 × 0.01 EUR at 1.0712 is 0.032136 USD exact, 0.03 on the line: each
    // sale's 1.0712 cents rounds down, and the line has no cent left to give.
    let per_sale = 10_712i128; // 1 cent × 1.0712 in units of 1/10,000 cent
    let parts = largest_remainder(3, &[per_sale; 3], d(10_000)).unwrap();
    assert_eq!(parts, [1, 1, 1]);
    // Three sales of 0.05 EUR: 5.356 cents each, 16.068 exact, 16 on the line; the cent left
    // after 5 + 5 + 5 goes to the earliest of the equal remainders.
    let parts = largest_remainder(16, &[5 * per_sale; 3], d(10_000)).unwrap();
    assert_eq!(parts, [6, 5, 5]);
}

#[test]
fn unreachable_totals_and_overflow_are_errors_not_panics() {
    let err = largest_remainder(5, &[100, 100, 100], d(3)).unwrap_err();
    assert!(matches!(err, Error::UnreachableTotal { .. }), "{err}");
    assert_eq!(err.code(), "unreachable_total");
    // A total beyond the shares rounded up, though within one unit per part.
    assert!(largest_remainder(1, &[0, 0, 0], d(3)).is_err());
    assert!(largest_remainder(-1, &[1, 1], d(2)).is_err());
    // Sums that leave i128.
    let err = largest_remainder(0, &[i128::MAX, i128::MAX], d(1)).unwrap_err();
    assert!(matches!(err, Error::Overflow { .. }), "{err}");
    assert!(largest_remainder(i128::MIN, &[1], d(1)).is_err());
    assert!(largest_remainder(i128::MAX, &[i128::MIN, -1], d(1)).is_err());
    // The extremes that fit are allocated.
    assert_eq!(
        largest_remainder(i128::MAX, &[i128::MAX], d(1)).unwrap(),
        [i128::MAX]
    );
    assert_eq!(
        largest_remainder(i128::MIN / 2, &[i128::MIN], d(2)).unwrap(),
        [i128::MIN / 2]
    );
}

#[test]
fn money_allocate_is_the_largest_remainder_of_the_magnitude() {
    let m: Money = "-100.00 USD".parse().unwrap();
    let parts: Vec<String> = m
        .allocate(&[1, 1, 1])
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(parts, ["-33.34 USD", "-33.33 USD", "-33.33 USD"]);
}

fn numerators() -> impl Strategy<Value = Vec<i128>> {
    prop::collection::vec(
        prop_oneof![
            -1_000_000_000_000i128..1_000_000_000_000,
            -50i128..50,
            Just(0i128)
        ],
        0..40,
    )
}

fn denominator() -> impl Strategy<Value = u64> {
    prop_oneof![1u64..20, Just(10_000u64), 1u64..u64::from(u32::MAX)]
}

proptest! {
    /// Not a unit is created or lost: the parts sum to the total, whatever rounding made it.
    #[test]
    fn the_sum_is_conserved(nums in numerators(), den in denominator(), up in any::<bool>()) {
        let sum: i128 = nums.iter().sum();
        let floor = sum.div_euclid(i128::from(den));
        let exact = sum.rem_euclid(i128::from(den)) == 0;
        // Rounded down, or up, or half away from zero.
        for total in [floor, if up && !exact { floor + 1 } else { floor }, rounded_sum(&nums, den)] {
            let parts = largest_remainder(total, &nums, d(den)).unwrap();
            prop_assert_eq!(parts.len(), nums.len());
            prop_assert_eq!(parts.iter().sum::<i128>(), total);
        }
    }

    /// Each part is its exact share rounded down or up: within one unit of it, and equal
    /// to it when it is whole.
    #[test]
    fn each_part_is_within_one_unit_of_its_exact_share(nums in numerators(), den in denominator()) {
        let total = rounded_sum(&nums, den);
        let parts = largest_remainder(total, &nums, d(den)).unwrap();
        let den = i128::from(den);
        for (p, n) in parts.iter().zip(&nums) {
            // |p − n/den| < 1  ⇔  |p·den − n| < den
            prop_assert!((p * den - n).abs() < den, "part {} vs {}/{}", p, n, den);
            if n % den == 0 {
                prop_assert_eq!(*p, n / den);
            }
        }
    }

    /// The tie-break is the documented one: a part that got a unit has a larger remainder
    /// than one that did not, or the same remainder and an earlier index; and the result is
    /// the same every time.
    #[test]
    fn ties_go_to_the_earlier_part(
        nums in prop::collection::vec(prop_oneof![Just(1i128), Just(2), Just(-1), 0i128..7], 0..30),
        den in 1u64..8,
    ) {
        let total = rounded_sum(&nums, den);
        let parts = largest_remainder(total, &nums, d(den)).unwrap();
        prop_assert_eq!(&largest_remainder(total, &nums, d(den)).unwrap(), &parts);
        let den = i128::from(den);
        let got = |i: usize| parts[i] > nums[i].div_euclid(den);
        let rem = |i: usize| nums[i].rem_euclid(den);
        for i in 0..nums.len() {
            for j in 0..nums.len() {
                if got(i) && !got(j) && rem(j) > 0 {
                    prop_assert!(
                        rem(i) > rem(j) || (rem(i) == rem(j) && i < j),
                        "part {} got a unit before part {}: {:?}", i, j, parts
                    );
                }
            }
        }
    }

    /// Any total outside the reachable range is refused, never a panic.
    #[test]
    fn totals_out_of_reach_are_refused(nums in numerators(), den in denominator(), off in 1i128..5) {
        let den128 = i128::from(den);
        let lowest: i128 = nums.iter().map(|n| n.div_euclid(den128)).sum();
        let not_whole = nums.iter().filter(|n| n.rem_euclid(den128) != 0).count();
        let highest = lowest + i128::try_from(not_whole).unwrap();
        prop_assert!(largest_remainder(lowest - off, &nums, d(den)).is_err());
        prop_assert!(largest_remainder(highest + off, &nums, d(den)).is_err());
        prop_assert!(largest_remainder(highest, &nums, d(den)).is_ok());
    }
}
