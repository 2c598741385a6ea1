//! Spreading an amount over weights by the largest remainder, on integers.
//!
//! A document discount, each coupon and each tax rounded per document are
//! spread over a document's lines. [`Money::allocate`] does it on `Decimal`
//! weights, sorting every remainder; for a few hundred lines that was a
//! tenth of pricing a document. [`spread`] gives the same parts from whole
//! numbers in 64 bits, choosing the parts that get a leftover unit without
//! a sort, and says when it cannot (a number too large), where the engine
//! asks [`Money::allocate`] itself. The tests below check the two agree.

use bureau_core::{Decimal, Money};

/// `total` minor units split in proportion to `weights` as
/// [`Money::allocate`] splits it: each part the floor of its exact share
/// (`|total| × weight / Σweights`), the units left over one each to the
/// parts with the largest remainders, ties to the earlier part, a negative
/// total as the mirror of its magnitude.
///
/// `None` when the weights are all zero or a magnitude, weight or sum of
/// weights does not fit 64 bits: `Money::allocate` then decides (and names
/// the error, if any).
pub(crate) fn spread(total: i128, weights: &[u64]) -> Option<Vec<i128>> {
    let magnitude = u64::try_from(total.unsigned_abs()).ok()?;
    let sum = weights
        .iter()
        .try_fold(0_u64, |sum, weight| sum.checked_add(*weight))?;
    if sum == 0 {
        return None;
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    let mut given = 0_u64;
    for (index, weight) in weights.iter().enumerate() {
        let product = u128::from(magnitude) * u128::from(*weight);
        // A product that fits 64 bits divides with one machine instruction.
        let (quotient, remainder) = match u64::try_from(product) {
            Ok(product) => (product / sum, product % sum),
            Err(_) => (
                u64::try_from(product / u128::from(sum)).ok()?,
                u64::try_from(product % u128::from(sum)).ok()?,
            ),
        };
        // Each quotient is at most its share of `magnitude`, so their sum is
        // at most `magnitude`.
        given = given.checked_add(quotient)?;
        parts.push(quotient);
        if remainder > 0 {
            remainders.push((remainder, index));
        }
    }
    // The exact shares add up to `magnitude`, so fewer units are left over
    // than there are parts with a remainder.
    let leftover = usize::try_from(magnitude.checked_sub(given)?).ok()?;
    if leftover > 0 {
        if leftover > remainders.len() {
            return None;
        }
        // Which parts a sort by remainder (largest first, ties to the earlier
        // part) would put first: the order is total, so the set is the same.
        let largest_first = |a: &(u64, usize), b: &(u64, usize)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        remainders.select_nth_unstable_by(leftover - 1, largest_first);
        for (_, index) in remainders.iter().take(leftover) {
            let part = parts.get_mut(*index)?;
            *part = part.checked_add(1)?;
        }
    }
    Some(
        parts
            .into_iter()
            .map(|part| {
                let part = i128::from(part);
                if total < 0 { -part } else { part }
            })
            .collect(),
    )
}

/// The parts of `total` in proportion to some weights, as minor units:
/// [`spread`] over `weights` when they are given (every weight fit 64
/// bits) and it can, else [`Money::allocate`] over `decimals()`, the same
/// weights (or any multiple of them) as decimals.
///
/// # Errors
///
/// What `decimals` or [`Money::allocate`] returns.
pub(crate) fn spread_money(
    total: Money,
    weights: Option<&[u64]>,
    decimals: impl FnOnce() -> crate::Result<Vec<Decimal>>,
) -> crate::Result<Vec<i128>> {
    if let Some(parts) = weights.and_then(|w| spread(total.to_minor(), w)) {
        return Ok(parts);
    }
    Ok(total
        .allocate(&decimals()?)?
        .into_iter()
        .map(|m| m.to_minor())
        .collect())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use bureau_core::Currency;
    use proptest::prelude::*;

    fn allocated(total: i128, weights: &[u64]) -> Vec<i128> {
        let decimals: Vec<Decimal> = weights.iter().map(|w| Decimal::from(*w)).collect();
        Money::from_minor(total, Currency::EUR)
            .unwrap()
            .allocate(&decimals)
            .unwrap()
            .into_iter()
            .map(|m| m.to_minor())
            .collect()
    }

    proptest! {
        #[test]
        fn spreads_as_money_allocates(
            total in prop_oneof![-10_000_i128..=10_000, -(1_i128 << 62)..(1_i128 << 62)],
            weights in prop::collection::vec(
                prop_oneof![0_u64..=5, 0_u64..=1_000_000, 0_u64..(1 << 40)], 1..40),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let parts = spread(total, &weights);
            if let Some(parts) = &parts {
                prop_assert_eq!(parts, &allocated(total, &weights));
            }
            let decimals = || Ok(weights.iter().map(|w| Decimal::from(*w)).collect());
            prop_assert_eq!(
                spread_money(Money::from_minor(total, Currency::EUR).unwrap(), Some(&weights), decimals)
                    .unwrap(),
                allocated(total, &weights)
            );
        }
    }

    #[test]
    fn ties_go_to_the_earlier_part() {
        assert_eq!(spread(5, &[1, 1, 1]), Some(vec![2, 2, 1]));
        assert_eq!(spread(-5, &[70, 0, 30]), Some(vec![-4, 0, -1]));
        assert_eq!(spread(3, &[0, 0]), None);
        assert_eq!(spread(7, &[u64::MAX, 1]), None);
    }
}
