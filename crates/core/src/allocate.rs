//! The one largest-remainder allocation of partnerkit: whole units spread over exact shares so
//! that no unit is created or lost. [`Money::allocate`](crate::Money::allocate), tax's
//! per-sale withholding lines (rule TAX-9) and payouts' per-sale converted amounts (rule
//! PAY-10) all use it.

use std::cmp::Reverse;
use std::num::NonZeroU64;

use crate::error::{Error, Result};

/// Splits `total` whole units (minor units such as cents) over parts whose exact shares are
/// `numerators[i] / denominator` units, by the *largest remainder* method, so that the parts
/// sum to `total` exactly and each part is its exact share rounded down or up.
///
/// # The rule
///
/// 1. Each part starts at its exact share rounded **down** (toward negative infinity:
///    `⌊numerator / denominator⌋`), leaving a remainder `numerator − denominator × ⌊…⌋` in
///    `0..denominator` (so a refund of −2.5 units starts at −3 with remainder 0.5).
/// 2. The `total − Σ ⌊…⌋` units still missing go one each to the parts with the **largest
///    remainder**.
/// 3. **Tie-break:** among equal remainders, the **earlier** part (lower index) comes first.
///    The result depends only on the inputs, never on sort stability or platform.
///
/// So every part is within one unit of its exact share (strictly: `|part − exact| < 1`), and
/// a part whose exact share is whole is exactly that share.
///
/// `total` must be reachable that way: between `Σ ⌊share⌋` and `Σ ⌈share⌉`. That holds for
/// the exact sum of the shares rounded to a whole unit by any rule (down, up, half even, half
/// away from zero), which is how every caller in partnerkit computes it, each with its own
/// named rounding: the amount itself ([`Money::allocate`](crate::Money::allocate)), the
/// statement's withheld total (TAX-9), a conversion line's converted total (PAY-10).
///
/// Rounding is toward negative infinity, so a negative share's remainder counts from below.
/// For an allocation symmetric in sign (−100.00 split like 100.00, negated), allocate the
/// magnitudes and negate the parts, as [`Money::allocate`](crate::Money::allocate) does.
///
/// ```
/// use std::num::NonZeroU64;
/// use partnerkit_core::largest_remainder;
///
/// // 100 cents in thirds: 33⅓ each, the missing cent to the first (ties to the earlier).
/// let thirds = NonZeroU64::new(3).unwrap();
/// assert_eq!(largest_remainder(100, &[100, 100, 100], thirds)?, [34, 33, 33]);
///
/// // 30 % of 1, 2 and 7 cents (0.3, 0.6, 2.1 exact) with a total of 3 cents: the largest
/// // remainder, 0.6, gets the cent still missing after 0 + 0 + 2.
/// let bps = NonZeroU64::new(10_000).unwrap();
/// assert_eq!(largest_remainder(3, &[3_000, 6_000, 21_000], bps)?, [0, 1, 2]);
///
/// // A total no rounding of the shares gives is refused.
/// assert!(largest_remainder(5, &[100, 100, 100], thirds).is_err());
/// # Ok::<(), partnerkit_core::Error>(())
/// ```
///
/// # Errors
///
/// Never panics. [`Error::Overflow`] if a sum of shares leaves `i128`;
/// [`Error::UnreachableTotal`] if `total` is outside `Σ ⌊share⌋ ..= Σ ⌈share⌉`. An empty
/// `numerators` gives no parts, for a `total` of 0 only.
pub fn largest_remainder(
    total: i128,
    numerators: &[i128],
    denominator: NonZeroU64,
) -> Result<Vec<i128>> {
    let d = i128::from(denominator.get());
    let overflow = || Error::Overflow {
        operation: "largest remainder allocation".into(),
    };
    let mut parts = Vec::with_capacity(numerators.len());
    // (remainder, index) of the parts whose share is not whole: the candidates for a unit.
    let mut candidates = Vec::with_capacity(numerators.len());
    let mut lowest: i128 = 0;
    for (i, n) in numerators.iter().enumerate() {
        // `d` is positive, so neither can fail.
        let floor = n.checked_div_euclid(d).ok_or_else(overflow)?;
        let remainder = n.checked_rem_euclid(d).ok_or_else(overflow)?;
        lowest = lowest.checked_add(floor).ok_or_else(overflow)?;
        parts.push(floor);
        if remainder > 0 {
            candidates.push((remainder, i));
        }
    }
    let missing = total.checked_sub(lowest).ok_or_else(overflow)?;
    let reachable = usize::try_from(missing)
        .ok()
        .filter(|m| *m <= candidates.len());
    let Some(missing) = reachable else {
        // Σ ⌈share⌉ = Σ ⌊share⌋ + one unit per share that is not whole.
        let highest = i128::try_from(candidates.len())
            .ok()
            .and_then(|c| lowest.checked_add(c));
        return Err(Error::UnreachableTotal {
            total: total.to_string(),
            lowest: lowest.to_string(),
            highest: highest.map_or_else(|| "beyond i128".into(), |h| h.to_string()),
        });
    };
    if missing > 0 {
        // Largest remainder first; equal remainders keep the earlier index first. The keys
        // are distinct (indexes are), so the unstable sort is deterministic.
        candidates.sort_unstable_by_key(|&(remainder, i)| (Reverse(remainder), i));
        for (_, i) in candidates.iter().take(missing) {
            if let Some(p) = parts.get_mut(*i) {
                // A share that is not whole is below its ceiling: this cannot overflow.
                *p = p.checked_add(1).ok_or_else(overflow)?;
            }
        }
    }
    Ok(parts)
}
