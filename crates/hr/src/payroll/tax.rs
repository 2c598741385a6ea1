//! Progressive income tax tables given by the caller.

use bureau_core::{Currency, Decimal, Money, Rate};

use super::rounding::mul;
use crate::{Error, Result};

/// One band of a progressive table: income from `from` (an annual amount)
/// up to the next band's start is taxed at `rate`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct TaxBand {
    from: Money,
    rate: Rate,
}

impl TaxBand {
    /// A band starting at the annual income `from`, taxed at `rate`.
    pub const fn new(from: Money, rate: Rate) -> Self {
        Self { from, rate }
    }

    /// Where the band starts, per year.
    pub const fn from(&self) -> Money {
        self.from
    }

    /// The rate of the income inside the band.
    pub const fn rate(&self) -> Rate {
        self.rate
    }
}

/// A progressive income tax table: bands starting at zero, in strictly
/// rising order, one currency, every rate in `[0, 1]`. Amounts are annual;
/// a payslip scales them with [`TaxMethod`].
///
/// ```
/// use bureau_core::{money, Decimal, Rate};
/// use bureau_hr::{TaxBand, TaxTable};
/// let table = TaxTable::new(vec![
///     TaxBand::new(money!(0.00 EUR), Rate::ZERO),
///     TaxBand::new(money!(10000.00 EUR), Rate::new("0.2".parse()?)),
///     TaxBand::new(money!(50000.00 EUR), Rate::new("0.4".parse()?)),
/// ])?;
/// // 40000 at 20% and 10000 at 40%.
/// assert_eq!(table.tax_on(Decimal::from(60000)), Some(Decimal::from(12000)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[cfg_attr(
    feature = "serde",
    derive(serde::Serialize, serde::Deserialize),
    serde(try_from = "Vec<TaxBand>", into = "Vec<TaxBand>")
)]
pub struct TaxTable {
    bands: Vec<TaxBand>,
    /// The tax on an income up to each band's start: a function of the
    /// bands, kept so that the tax on an income reads one band.
    below: Vec<Decimal>,
    /// The same bands on integers, `None` when they do not fit in `i128`.
    integer: Option<IntegerBands>,
}

/// A table's bands on integers: starts in minor units of the currency,
/// rates in units of `10^-rate_scale`, and the tax below each start in
/// units of `10^-(minor units + rate_scale)`, where every product of an
/// amount and a rate is exact.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct IntegerBands {
    rate_scale: u32,
    /// `(start, rate, tax below the start)` per band, lowest first.
    bands: Vec<(i128, i128, i128)>,
}

impl IntegerBands {
    fn new(bands: &[TaxBand]) -> Option<Self> {
        let rate_scale = bands.iter().map(|b| b.rate.value().scale()).max()?;
        let mut out = Vec::with_capacity(bands.len());
        let mut below: i128 = 0;
        for (index, band) in bands.iter().enumerate() {
            let rate = band.rate.value();
            let rate = rate
                .mantissa()
                .checked_mul(10i128.checked_pow(rate_scale - rate.scale())?)?;
            let start = band.from.to_minor();
            out.push((start, rate, below));
            if let Some(next) = bands.get(index + 1) {
                below = next
                    .from
                    .to_minor()
                    .checked_sub(start)?
                    .checked_mul(rate)?
                    .checked_add(below)?;
            }
        }
        Some(Self {
            rate_scale,
            bands: out,
        })
    }
}

impl TaxTable {
    /// Validates `bands` into a table.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTaxTable`] when there is no band, the first does not
    /// start at zero, the starts do not rise strictly, the currencies differ
    /// or a rate is outside `[0, 1]`.
    pub fn new(bands: Vec<TaxBand>) -> Result<Self> {
        let invalid = |reason| Err(Error::InvalidTaxTable { reason });
        let Some(first) = bands.first() else {
            return invalid("it has no band");
        };
        if !first.from.amount().is_zero() {
            return invalid("the first band does not start at zero");
        }
        let currency = first.from.currency();
        if bands.iter().any(|b| b.from.currency() != currency) {
            return invalid("the bands are in different currencies");
        }
        if bands.windows(2).any(|w| match w {
            [a, b] => a.from.amount() >= b.from.amount(),
            _ => false,
        }) {
            return invalid("the band starts do not rise strictly");
        }
        if bands
            .iter()
            .any(|b| !(Decimal::ZERO..=Decimal::ONE).contains(&b.rate.value()))
        {
            return invalid("a rate is outside [0, 1]");
        }
        let mut below = Vec::with_capacity(bands.len());
        let mut tax = Decimal::ZERO;
        for (index, band) in bands.iter().enumerate() {
            below.push(tax);
            if let Some(next) = bands.get(index + 1) {
                // Added in band order, as the band-by-band sum would be:
                // the same decimal result to the last digit.
                let slice = next.from.amount().checked_sub(band.from.amount());
                match slice
                    .and_then(|s| s.checked_mul(band.rate.value()))
                    .and_then(|t| tax.checked_add(t))
                {
                    Some(sum) => tax = sum,
                    None => return invalid("the tax of its bands leaves the range of an amount"),
                }
            }
        }
        let integer = IntegerBands::new(&bands);
        Ok(Self {
            bands,
            below,
            integer,
        })
    }

    /// The bands, lowest first.
    pub fn bands(&self) -> &[TaxBand] {
        &self.bands
    }

    /// The currency of the bands.
    pub fn currency(&self) -> Currency {
        self.bands
            .first()
            .map_or(Currency::USD, |b| b.from.currency())
    }

    /// The exact (unrounded) tax on an annual income; zero for an income of
    /// zero or less, `None` when the product leaves `Decimal`'s range.
    pub fn tax_on(&self, annual: Decimal) -> Option<Decimal> {
        let above = self
            .bands
            .partition_point(|band| band.from.amount() < annual);
        let Some(index) = above.checked_sub(1) else {
            return Some(Decimal::ZERO);
        };
        let band = self.bands.get(index)?;
        let below = self.below.get(index)?;
        let slice = annual.checked_sub(band.from.amount())?;
        below.checked_add(slice.checked_mul(band.rate.value())?)
    }
}

impl TaxTable {
    /// `n` times the exact tax on an annual income of `scaled ÷ n` minor
    /// units of the table's currency, as `(tax, scale)`: the tax is `tax`
    /// units of `10^-(minor units + scale)`. With `n` = 1 the same value
    /// as [`TaxTable::tax_on`]; for another `n` the exact value, where the
    /// decimal quotient `scaled ÷ n` would be cut to 28 digits first. One
    /// binary search and integer arithmetic; `None` when an integer would
    /// leave `i128` or `n` is not positive.
    ///
    /// The tax is piecewise linear: on the band starting at `start` with
    /// rate `r` and the tax `below` under its start, `n × tax(scaled ÷ n)
    /// = below × n + (scaled − start × n) × r`, and the band is the last
    /// with `start × n < scaled`.
    pub(crate) fn tax_on_minor_scaled(&self, scaled: i128, n: i128) -> Option<(i128, u32)> {
        if n == 1 {
            return self.tax_on_minor(scaled);
        }
        if n <= 0 {
            return None;
        }
        let integer = self.integer.as_ref()?;
        // A start whose product overflows lies above any `scaled` (starts
        // are not negative).
        let above = integer
            .bands
            .partition_point(|(start, _, _)| mul(*start, n).is_some_and(|s| s < scaled));
        let Some(index) = above.checked_sub(1) else {
            return Some((0, integer.rate_scale));
        };
        let (start, rate, below) = integer.bands.get(index)?;
        let slice = scaled.checked_sub(mul(*start, n)?)?;
        let tax = mul(slice, *rate)?.checked_add(mul(*below, n)?)?;
        Some((tax, integer.rate_scale))
    }

    /// [`TaxTable::tax_on_minor_scaled`] with `n` = 1: the exact tax on an
    /// annual income of `annual` minor units. A table has a handful of
    /// bands, so a scan down from the top band finds the income's band in
    /// fewer steps than a binary search takes; a long table is searched.
    #[inline]
    pub(crate) fn tax_on_minor(&self, annual: i128) -> Option<(i128, u32)> {
        const SCANNED: usize = 8;
        let integer = self.integer.as_ref()?;
        let bands = &integer.bands;
        let band = if bands.len() <= SCANNED {
            bands.iter().rev().find(|(start, _, _)| *start < annual)
        } else {
            let above = bands.partition_point(|(start, _, _)| *start < annual);
            above.checked_sub(1).and_then(|index| bands.get(index))
        };
        let Some((start, rate, below)) = band else {
            return Some((0, integer.rate_scale));
        };
        let tax = mul(annual.checked_sub(*start)?, *rate)?.checked_add(*below)?;
        Some((tax, integer.rate_scale))
    }

    /// `n` times the exact tax on an annual income of `scaled ÷ n`, in
    /// decimals: [`TaxTable::tax_on_minor_scaled`] where an integer would
    /// leave `i128`. With `n` = 1 it is [`TaxTable::tax_on`]. `None` when
    /// a product leaves `Decimal`'s range or `n` is not positive.
    pub(crate) fn tax_on_scaled(&self, scaled: Decimal, n: Decimal) -> Option<Decimal> {
        if n <= Decimal::ZERO {
            return None;
        }
        let mut index = None;
        for (i, band) in self.bands.iter().enumerate() {
            if band.from.amount().checked_mul(n)? < scaled {
                index = Some(i);
            } else {
                break;
            }
        }
        let Some(index) = index else {
            return Some(Decimal::ZERO);
        };
        let band = self.bands.get(index)?;
        let below = self.below.get(index)?;
        let slice = scaled.checked_sub(band.from.amount().checked_mul(n)?)?;
        below
            .checked_mul(n)?
            .checked_add(slice.checked_mul(band.rate.value())?)
    }
}

impl TryFrom<Vec<TaxBand>> for TaxTable {
    type Error = Error;
    fn try_from(bands: Vec<TaxBand>) -> Result<Self> {
        Self::new(bands)
    }
}

impl From<TaxTable> for Vec<TaxBand> {
    fn from(table: TaxTable) -> Self {
        table.bands
    }
}

/// How a period's income tax is found from the annual table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum TaxMethod {
    /// The period's taxable pay times the periods per year of the pay
    /// frequency (12 for monthly, never 13) is taxed on the table; the
    /// period pays that tax divided by the periods per year.
    #[default]
    Annualised,
    /// Cumulative year to date: the taxable pay of the year so far, this
    /// period included, is projected to a year as `ytd × periods per year ÷
    /// period number`; the tax due to date is the table's tax on it times
    /// `period number ÷ periods per year`, rounded once; the period pays
    /// that less the tax already paid (a refund when negative).
    Cumulative,
}

#[cfg(all(test, feature = "proptest"))]
mod tests {
    use bureau_core::Decimal;
    use proptest::prelude::*;

    use super::TaxTable;

    /// The tax band by band, as the definition reads.
    fn band_by_band(table: &TaxTable, annual: Decimal) -> Option<Decimal> {
        let mut tax = Decimal::ZERO;
        for (index, band) in table.bands().iter().enumerate() {
            let start = band.from.amount();
            if annual <= start {
                break;
            }
            let top = table
                .bands()
                .get(index + 1)
                .map_or(annual, |next| next.from.amount().min(annual));
            tax = tax.checked_add(top.checked_sub(start)?.checked_mul(band.rate.value())?)?;
        }
        Some(tax)
    }

    proptest! {
        #[test]
        fn the_tax_read_from_one_band_is_the_band_by_band_sum(
            table in crate::strategy::tax_table(),
            cents in -1_000_000i64..2_000_000_000,
        ) {
            let annual = Decimal::new(cents, 2);
            prop_assert_eq!(table.tax_on(annual), band_by_band(&table, annual));
        }

        #[test]
        fn the_tax_on_integers_is_the_decimal_tax(
            table in crate::strategy::tax_table(),
            minor in -1_000_000i128..2_000_000_000_000,
        ) {
            let places = table.currency().minor_units();
            let annual = Decimal::from_i128_with_scale(minor, places);
            let integer = table.tax_on_minor_scaled(minor, 1).and_then(|(tax, scale)| Decimal::try_from_i128_with_scale(tax, places + scale).ok());
            // The scan and the search find the same band.
            let searched = {
                let bands = &table.integer.as_ref().ok_or_else(|| TestCaseError::fail("no integer bands"))?.bands;
                let above = bands.partition_point(|(start, _, _)| *start < minor);
                above.checked_sub(1).and_then(|i| bands.get(i)).copied()
            };
            let scanned = table.integer.as_ref().and_then(|i| i.bands.iter().rev().find(|(start, _, _)| *start < minor)).copied();
            prop_assert_eq!(searched, scanned);
            prop_assert_eq!(integer, table.tax_on(annual));
            prop_assert_eq!(table.tax_on_scaled(annual, Decimal::ONE), table.tax_on(annual));
        }

        /// A table longer than the scan is searched, to the same tax.
        #[test]
        fn a_long_table_is_searched_to_the_decimal_tax(
            gaps in proptest::collection::vec(1i128..=40, 9..=20),
            minor in -1_000_000i128..2_000_000_000_000,
        ) {
            let mut from = 0i128;
            let mut bands = Vec::with_capacity(gaps.len());
            for (index, gap) in gaps.iter().enumerate() {
                if index > 0 {
                    from += gap * 100_000;
                }
                let rate = bureau_core::Rate::new(Decimal::new(i64::try_from(index).unwrap_or(0) * 3, 2));
                let start = bureau_core::Money::from_minor(from, bureau_core::Currency::USD).map_err(|e| TestCaseError::fail(e.to_string()))?;
                bands.push(super::TaxBand::new(start, rate));
            }
            let table = TaxTable::new(bands).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let annual = Decimal::from_i128_with_scale(minor, 2);
            let integer = table.tax_on_minor(minor).and_then(|(tax, scale)| Decimal::try_from_i128_with_scale(tax, 2 + scale).ok());
            prop_assert_eq!(integer, table.tax_on(annual));
        }

        /// `n × tax(scaled ÷ n)`, on integers and in decimals, is the band
        /// by band tax of the exact quotient times `n`: checked where the
        /// quotient is exact (`scaled` a multiple of `n`) and, for any
        /// `scaled`, against the decimal forms of each other.
        #[test]
        fn the_scaled_tax_is_n_times_the_tax_of_the_quotient(
            table in crate::strategy::tax_table(),
            minor in -1_000_000i128..200_000_000_000,
            n in 1i128..=53,
        ) {
            let places = table.currency().minor_units();
            let as_decimal = |(tax, scale): (i128, u32)| Decimal::try_from_i128_with_scale(tax, places + scale).ok();
            let exact = minor * n;
            let expected = band_by_band(&table, Decimal::from_i128_with_scale(minor, places))
                .and_then(|t| t.checked_mul(Decimal::from(n)));
            prop_assert_eq!(table.tax_on_minor_scaled(exact, n).and_then(as_decimal), expected);
            let scaled = minor * 12 + n / 2;
            let integer = table.tax_on_minor_scaled(scaled, n).and_then(as_decimal);
            let decimal = table.tax_on_scaled(Decimal::from_i128_with_scale(scaled, places), Decimal::from(n));
            prop_assert_eq!(integer, decimal);
        }
    }
}
