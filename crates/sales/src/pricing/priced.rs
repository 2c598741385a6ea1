//! Priced documents: lines with their amounts and explanations, and totals.

use bureau_core::{Currency, Decimal, Money, Percent, ProductId};

use crate::{
    DiscountName, Document, DocumentLine, Error, PriceListCode, PricingConfig, Quantity, Result,
    TaxCode, TaxInclusion,
};

/// One step of a line's pricing, in the order the engine took it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "snake_case"))]
#[non_exhaustive]
pub enum LineStep {
    /// The unit price was found.
    Price {
        /// The list that gave it.
        list: PriceListCode,
        /// The minimum quantity of the tier that gave it.
        tier_min_quantity: Quantity,
        /// The price of one unit.
        unit_price: Money,
        /// Unit price times quantity, rounded.
        amount: Money,
    },
    /// A discount rule took `amount` off.
    Discount {
        /// The rule.
        rule: DiscountName,
        /// The percentage applied, for percentage and volume rules.
        percent: Option<Percent>,
        /// The quantity that chose the volume tier, for volume rules.
        tier_quantity: Option<Quantity>,
        /// What it took off, after the cap at what was left.
        amount: Money,
    },
    /// A buy-X-get-Y rule gave `units` of the line free and took `amount`
    /// off.
    FreeUnits {
        /// The rule.
        rule: DiscountName,
        /// The units given free.
        units: Quantity,
        /// What it took off, after the caps.
        amount: Money,
    },
    /// A bundle rule sold `units` of the line in `sets` complete sets of the
    /// bundle, taking `amount` off.
    Bundle {
        /// The rule.
        rule: DiscountName,
        /// The bundle.
        bundle: crate::Sku,
        /// The complete sets on the document.
        sets: Quantity,
        /// The line's units in those sets.
        units: Quantity,
        /// What it took off, after the caps.
        amount: Money,
    },
    /// The line's share of the document discount.
    DocumentDiscount {
        /// The share.
        amount: Money,
    },
    /// The line's share of a coupon's discount.
    Coupon {
        /// The coupon.
        code: crate::CouponCode,
        /// The share.
        amount: Money,
    },
    /// A tax was charged.
    Tax {
        /// The tax.
        code: TaxCode,
        /// Its amount on this line.
        amount: Money,
    },
    /// A tax that would apply was not charged: the customer is exempt.
    Exempt {
        /// The tax.
        code: TaxCode,
    },
    /// The line is a share of a line of an earlier document (an order line
    /// partly invoiced, an invoice line partly credited): every amount is
    /// `fraction` of what was still open on that line, rounded, and the last
    /// share takes exactly what is left.
    Share {
        /// The fraction taken of what was open, in `(0, 1]`.
        fraction: Decimal,
    },
}

/// An amount of one tax.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct TaxAmount {
    /// The tax.
    pub code: TaxCode,
    /// The amount.
    pub amount: Money,
}

/// A priced line.
///
/// Exclusive of tax, `net` is the discounted amount and `gross = net + tax`;
/// inclusive, `gross` is the discounted amount and `net = gross - tax`.
/// Either way `list_amount - discount` is the discounted amount.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct PricedLine {
    /// The product.
    pub product: ProductId,
    /// How many units.
    pub quantity: Quantity,
    /// The price of one unit.
    pub unit_price: Money,
    /// Unit price times quantity, rounded.
    pub list_amount: Money,
    /// Every discount taken off, the document discount's share included.
    pub discount: Money,
    /// The amount net of tax.
    pub net: Money,
    /// The taxes charged, in the tax table's order.
    pub taxes: Vec<TaxAmount>,
    /// The sum of the taxes.
    pub tax: Money,
    /// The amount with taxes.
    pub gross: Money,
    /// How the line was priced.
    pub steps: Vec<LineStep>,
}

/// A priced document's totals: each is the sum of the same amount over the
/// lines, exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[non_exhaustive]
pub struct Totals {
    /// The sum of the lines' list amounts.
    pub list_amount: Money,
    /// The sum of the lines' discounts.
    pub discount: Money,
    /// The sum of the lines' net amounts.
    pub net: Money,
    /// Each tax charged on some line, in the tax table's order, summed.
    pub taxes: Vec<TaxAmount>,
    /// The sum of the lines' taxes.
    pub tax: Money,
    /// The sum of the lines' gross amounts; equals `net + tax`.
    pub gross: Money,
}

/// The result of [`Pricing::price`](crate::Pricing::price): the document as
/// given, its priced lines in the same order, and its totals.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct PricedDocument {
    pub(crate) config: PricingConfig,
    pub(crate) document: Document,
    pub(crate) lines: Vec<PricedLine>,
    pub(crate) totals: Totals,
}

impl PricedDocument {
    /// The document that was priced. For a document priced by
    /// [`Pricing::price`](crate::Pricing::price), pricing it again with the
    /// same engine gives this same priced document; for a share of another
    /// document (a partial invoice, a credit note) it lists the quantities
    /// taken.
    pub const fn document(&self) -> &Document {
        &self.document
    }

    /// The configuration it was priced with; every share of it (invoice,
    /// credit note) is rounded with the same one.
    pub const fn config(&self) -> PricingConfig {
        self.config
    }

    /// The priced lines, in the document's order.
    pub fn lines(&self) -> &[PricedLine] {
        &self.lines
    }

    /// The totals.
    pub const fn totals(&self) -> &Totals {
        &self.totals
    }
}

/// The sum of `amounts`, all in `currency`, added as whole minor units:
/// what [`Money::checked_sum`] gives, without re-checking the scale of
/// every partial sum (a priced document adds thousands of amounts).
pub(crate) fn sum_money<I: IntoIterator<Item = Money>>(
    amounts: I,
    currency: Currency,
) -> Result<Money> {
    let mut minor: i128 = 0;
    for amount in amounts {
        if amount.currency() != currency {
            // Money's own addition names the mismatch.
            Money::zero(currency).checked_add(amount)?;
        }
        minor = minor
            .checked_add(amount.to_minor())
            .ok_or(Error::Overflow {
                operation: "sum of amounts",
            })?;
    }
    Ok(Money::from_minor(minor, currency)?)
}

impl Totals {
    /// The totals of `lines`, with the taxes listed in the order of `codes`
    /// (taxes charged on no line are left out).
    pub(crate) fn of<'c>(
        lines: &[PricedLine],
        currency: Currency,
        codes: impl IntoIterator<Item = &'c TaxCode>,
    ) -> Result<Self> {
        let minor = |m: Money| m.to_minor();
        let overflow = || Error::Overflow {
            operation: "document totals",
        };
        let (mut list, mut discount, mut net, mut tax, mut gross) =
            (0_i128, 0_i128, 0_i128, 0_i128, 0_i128);
        for line in lines {
            for m in [
                line.list_amount,
                line.discount,
                line.net,
                line.tax,
                line.gross,
            ] {
                if m.currency() != currency {
                    Money::zero(currency).checked_add(m)?;
                }
            }
            list = list
                .checked_add(minor(line.list_amount))
                .ok_or_else(overflow)?;
            discount = discount
                .checked_add(minor(line.discount))
                .ok_or_else(overflow)?;
            net = net.checked_add(minor(line.net)).ok_or_else(overflow)?;
            tax = tax.checked_add(minor(line.tax)).ok_or_else(overflow)?;
            gross = gross.checked_add(minor(line.gross)).ok_or_else(overflow)?;
        }
        let money = |m: i128| Money::from_minor(m, currency);
        let mut taxes = Vec::new();
        for code in codes {
            let mut charged = lines
                .iter()
                .flat_map(|l| l.taxes.iter())
                .filter(|t| &t.code == code)
                .map(|t| t.amount)
                .peekable();
            if charged.peek().is_some() {
                taxes.push(TaxAmount {
                    code: code.clone(),
                    amount: sum_money(charged, currency)?,
                });
            }
        }
        Ok(Self {
            list_amount: money(list)?,
            discount: money(discount)?,
            net: money(net)?,
            taxes,
            tax: money(tax)?,
            gross: money(gross)?,
        })
    }
}

impl PricedLine {
    /// `fraction` (in `(0, 1]`) of this open line, `quantity` of its units:
    /// net, discount and each tax scaled and rounded with `config`'s
    /// strategy, gross and list amount derived so that `gross = net + tax`
    /// and `list - discount` is the discounted amount (net exclusive of tax,
    /// gross inclusive). A fraction of one takes the line whole, to the
    /// minor unit.
    pub(crate) fn share(
        &self,
        fraction: Decimal,
        quantity: Quantity,
        config: PricingConfig,
    ) -> Result<Self> {
        if fraction >= Decimal::ONE {
            let mut whole = self.clone();
            whole.quantity = quantity;
            whole.steps = vec![LineStep::Share {
                fraction: Decimal::ONE,
            }];
            return Ok(whole);
        }
        let currency = self.unit_price.currency();
        let scale = |m: Money| -> Result<Money> {
            let exact = m.amount().checked_mul(fraction).ok_or(Error::Overflow {
                operation: "share of a line",
            })?;
            Ok(Money::rounded(exact, currency, config.strategy())?)
        };
        // Net, each tax and the discount are scaled on their own, so none
        // exceeds what is open of it and what is left never goes negative;
        // gross and list amount are derived so the line's identities hold.
        let net = scale(self.net)?;
        let discount = scale(self.discount)?;
        let taxes = self
            .taxes
            .iter()
            .map(|t| {
                Ok(TaxAmount {
                    code: t.code.clone(),
                    amount: scale(t.amount)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let tax = sum_money(taxes.iter().map(|t| t.amount), currency)?;
        let gross = net.checked_add(tax)?;
        let discounted = match config.inclusion() {
            TaxInclusion::Exclusive => net,
            TaxInclusion::Inclusive => gross,
        };
        Ok(Self {
            product: self.product,
            quantity,
            unit_price: self.unit_price,
            list_amount: discounted.checked_add(discount)?,
            discount,
            net,
            taxes,
            tax,
            gross,
            steps: vec![LineStep::Share { fraction }],
        })
    }

    /// Whether this line is a share that took the whole of what was open.
    pub(crate) fn is_whole_share(&self) -> bool {
        matches!(self.steps.as_slice(), [LineStep::Share { fraction }] if *fraction == Decimal::ONE)
    }

    /// What is left open of this line once `taken` (a share of it) is gone.
    pub(crate) fn less(&self, taken: &Self) -> Result<Self> {
        let quantity = Quantity::new(
            self.quantity
                .value()
                .checked_sub(taken.quantity.value())
                .ok_or(Error::Overflow {
                    operation: "open quantity",
                })?,
        );
        let taxes = self
            .taxes
            .iter()
            .map(|t| {
                let off = taken
                    .taxes
                    .iter()
                    .find(|x| x.code == t.code)
                    .map_or(Money::zero(t.amount.currency()), |x| x.amount);
                Ok(TaxAmount {
                    code: t.code.clone(),
                    amount: t.amount.checked_sub(off)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            product: self.product,
            quantity,
            unit_price: self.unit_price,
            list_amount: self.list_amount.checked_sub(taken.list_amount)?,
            discount: self.discount.checked_sub(taken.discount)?,
            net: self.net.checked_sub(taken.net)?,
            taxes,
            tax: self.tax.checked_sub(taken.tax)?,
            gross: self.gross.checked_sub(taken.gross)?,
            steps: Vec::new(),
        })
    }
}

impl PricedDocument {
    /// A document of `lines`, shares of the lines of `self`, dated `date`.
    pub(crate) fn of_shares(
        &self,
        lines: Vec<PricedLine>,
        date: chrono::NaiveDate,
    ) -> Result<Self> {
        let currency = self.document.currency();
        let totals = Totals::of(&lines, currency, self.totals.taxes.iter().map(|t| &t.code))?;
        let mut document = self.document.clone().with_lines(
            lines
                .iter()
                .map(|l| DocumentLine::new(l.product, l.quantity)),
        );
        document.set_date(date);
        Ok(Self {
            config: self.config,
            document,
            lines,
            totals,
        })
    }
}
