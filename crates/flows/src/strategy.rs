//! Strategies generating valid values for property tests of code that
//! posts through bureau-flows: account mappings with the chart they map
//! into, and priced invoices raised from an order with the payments made on
//! them.
//!
//! [`mapped_chart`] maps every role a sales document of a
//! [`PricingSetup`] can need (receivables, revenue of each product group
//! and of products in none, tax payable of each tax code, down payments,
//! restocking fees, early-payment discounts, a bank account per currency,
//! the conversion account and the realised exchange results) to accounts
//! of a chart, some roles sharing an account where a real chart might
//! (revenue groups, tax codes). [`MappedChart::ledger`] opens the chart in
//! a ledger whose conversion account is the mapping's.
//!
//! [`invoiced_sale`] prices a document of a generated setup, places it as
//! an order and invoices it, in one invoice or as a down payment and the
//! rest, under payment terms with or without an early-payment discount;
//! then pays the invoices in parts, some early with the discount, each
//! payment decided by the sales [`Invoice`] so that it is one the invoice
//! accepts. Half of the sales are booked in another base currency than the
//! document's, each invoice at its own rate and each payment settled at
//! another. Every generated invoice bills more than zero. Shrinking moves
//! toward fewer lines, smaller amounts and fewer payments.
//!
//! ```
//! use bureau_core::Aggregate;
//! use bureau_flows::{invoice_entry, strategy};
//! use bureau_ledger::LedgerCommand;
//! use proptest::prelude::*;
//!
//! proptest!(ProptestConfig::with_cases(8), |(sale in strategy::invoiced_sale())| {
//!     let mut ledger = sale.chart.ledger()?;
//!     for (index, issue) in sale.invoices.iter().enumerate() {
//!         let entry = invoice_entry(&sale.chart.mapping, issue, &sale.document_posting(index))?;
//!         ledger.handle(&LedgerCommand::Post(entry))?;
//!     }
//! });
//! ```

use bureau_core::{Aggregate, Currency, Decimal, ExchangeRate, Money, PartyId, Percent, Rate};
use bureau_ledger::{
    Account, AccountCode, AccountId, AccountKind, AccountName, EntryId, Ledger, LedgerCommand,
    LedgerConfig,
};
use bureau_sales::strategy::PricingSetup;
use bureau_sales::{
    DocumentNumber, Invoice, InvoiceCommand, InvoiceEvent, InvoiceIssue, InvoiceScope, Order,
    OrderCommand, OrderEvent, PaymentTerms, TaxCode,
};
use chrono::{Days, NaiveDate};
use proptest::prelude::*;

use crate::{AccountMapping, DocumentPosting, ForeignPayment, MappingKey, PaymentPosting};

/// The day every generated account opens: 2020-01-01, before any document
/// the sales strategies date.
pub const CHART_OPENED: NaiveDate = match NaiveDate::from_ymd_opt(2020, 1, 1) {
    Some(day) => day,
    None => NaiveDate::MIN,
};

/// The customer of every generated sale.
pub const CUSTOMER: PartyId = PartyId::from_u128(1);

/// A chart of accounts and the mapping of every role to one of them.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct MappedChart {
    /// The accounts, opened on [`CHART_OPENED`], accepting any currency.
    pub accounts: Vec<Account>,
    /// The mapping into them, with its base currency.
    pub mapping: AccountMapping,
}

impl MappedChart {
    /// The account mapped for `key`.
    #[must_use]
    pub fn account(&self, key: &MappingKey) -> Option<AccountId> {
        self.mapping.account(key)
    }

    /// A ledger with the chart opened and the mapping's conversion account
    /// as its own.
    ///
    /// # Errors
    ///
    /// What the ledger reports; a generated chart opens without one.
    pub fn ledger(&self) -> Result<Ledger, bureau_ledger::Error> {
        let mut ledger = Ledger::new();
        if let Some(conversion) = self.account(&MappingKey::Conversion) {
            ledger.handle(&LedgerCommand::Configure(
                LedgerConfig::new().with_conversion_account(conversion),
            ))?;
        }
        for account in &self.accounts {
            ledger.handle(&LedgerCommand::OpenAccount(account.clone()))?;
        }
        Ok(ledger)
    }
}

/// The kind of account a role is kept in.
fn kind_of(key: &MappingKey) -> AccountKind {
    match key {
        MappingKey::Receivable | MappingKey::Bank(_) | MappingKey::Conversion => AccountKind::ASSET,
        MappingKey::TaxPayable(_) | MappingKey::DownPayments => AccountKind::LIABILITY,
        MappingKey::Revenue(_) | MappingKey::RestockingFees | MappingKey::RealisedFxGain => {
            AccountKind::INCOME
        }
        _ => AccountKind::EXPENSE,
    }
}

/// Every role a document of `setup` can need, booked in `base`: revenue
/// keys and tax keys first, each group of them in the setup's order.
fn roles(setup: &PricingSetup, base: Currency) -> (Vec<MappingKey>, Vec<MappingKey>) {
    let mut revenue = vec![MappingKey::Revenue(None)];
    for product in setup.catalog.products() {
        let key = MappingKey::Revenue(product.group().cloned());
        if !revenue.contains(&key) {
            revenue.push(key);
        }
    }
    let taxes: Vec<TaxCode> = setup
        .taxes
        .rules()
        .iter()
        .map(|rule| rule.code().clone())
        .collect();
    let taxes = taxes.into_iter().map(MappingKey::TaxPayable).collect();
    let mut banks = vec![setup.currency, base];
    banks.dedup();
    let mut others = vec![
        MappingKey::Receivable,
        MappingKey::DownPayments,
        MappingKey::RestockingFees,
        MappingKey::EarlyPaymentDiscounts,
        MappingKey::Conversion,
        MappingKey::RealisedFxGain,
        MappingKey::RealisedFxLoss,
    ];
    others.extend(banks.into_iter().map(MappingKey::Bank));
    revenue.extend(others);
    (revenue, taxes)
}

/// A chart and a mapping, in base currency `base`, of every role a sales
/// document of `setup` can need (see the [module docs](self)). Account ids
/// are distinct and arbitrary; revenue groups may share an account, and so
/// may tax codes, never roles of different kinds.
pub fn mapped_chart(
    setup: &PricingSetup,
    base: Currency,
) -> impl Strategy<Value = MappedChart> + use<> {
    let (mut keys, taxes) = roles(setup, base);
    let revenue = keys
        .iter()
        .filter(|key| matches!(key, MappingKey::Revenue(_)))
        .count();
    let tax_count = taxes.len();
    keys.extend(taxes);
    let count = keys.len();
    (
        prop::collection::btree_set(1_u32..1_000_000, count),
        prop::collection::vec(0..revenue.max(1), revenue),
        prop::collection::vec(0..tax_count.max(1), tax_count),
    )
        .prop_filter_map(
            "a chart that opens",
            move |(ids, revenue_shares, tax_shares)| {
                let ids: Vec<u32> = ids.into_iter().collect();
                // Shuffled by the set's order against the keys'; a role
                // shares the account of an earlier one of its group when its
                // share points before it.
                let mut chosen: Vec<AccountId> = Vec::with_capacity(count);
                for (index, key) in keys.iter().enumerate() {
                    let own = AccountId::from_u128(u128::from(*ids.get(index)?));
                    let shared = match key {
                        MappingKey::Revenue(_) => revenue_shares
                            .get(index)
                            .filter(|share| **share < index)
                            .and_then(|share| chosen.get(*share).copied()),
                        MappingKey::TaxPayable(_) => {
                            let first = count - tax_count;
                            tax_shares
                                .get(index - first)
                                .map(|share| first + share)
                                .filter(|share| *share < index)
                                .and_then(|share| chosen.get(share).copied())
                        }
                        _ => None,
                    };
                    chosen.push(shared.unwrap_or(own));
                }
                let mut mapping = AccountMapping::new();
                mapping.set_base_currency(base).ok()?;
                let mut accounts: Vec<Account> = Vec::new();
                for (key, account) in keys.iter().zip(&chosen) {
                    mapping.map(key.clone(), *account).ok()?;
                    if accounts.iter().any(|a| a.id() == *account) {
                        continue;
                    }
                    let number = account.as_uuid().as_u128();
                    accounts.push(Account::new(
                        *account,
                        AccountCode::new(number.to_string()).ok()?,
                        AccountName::new(key.to_string()).ok()?,
                        kind_of(key),
                        CHART_OPENED,
                    ));
                }
                Some(MappedChart { accounts, mapping })
            },
        )
}

/// A payment on one of a sale's invoices: the invoice's `Paid` event, and
/// for a sale booked in another currency the rate it settles at.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SalePayment {
    /// The position of the invoice in [`InvoicedSale::invoices`].
    pub invoice: usize,
    /// What the invoice decided: the amount, the day and the discount.
    pub event: InvoiceEvent,
    /// The rate of the day from the document's currency into the base,
    /// when they differ.
    pub settled: Option<ExchangeRate>,
}

/// A priced sale invoiced to [`CUSTOMER`] and paid in parts (see the
/// [module docs](self)).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct InvoicedSale {
    /// The pricing setup the order was priced with; its catalog places the
    /// products in their revenue groups.
    pub setup: PricingSetup,
    /// The chart and the mapping, in the base currency.
    pub chart: MappedChart,
    /// The invoices raised from the order, in order: a down-payment
    /// invoice, when there is one, comes first.
    pub invoices: Vec<InvoiceIssue>,
    /// Each invoice's booking rate from the document's currency into the
    /// base, when they differ (one per invoice).
    pub booked: Vec<Option<ExchangeRate>>,
    /// The payments, in the order they were received; each is one the
    /// invoice accepted after the ones before.
    pub payments: Vec<SalePayment>,
}

impl InvoicedSale {
    /// The posting of invoice `index`: entry id `index + 1`, for
    /// [`CUSTOMER`], at its booking rate.
    #[must_use]
    pub fn document_posting(&self, index: usize) -> DocumentPosting<'_> {
        let id = u128::try_from(index).map_or(u128::MAX, |i| i.saturating_add(1));
        let posting = DocumentPosting::new(EntryId::from_u128(id), CUSTOMER, &self.setup.catalog);
        match self.booked.get(index).copied().flatten() {
            Some(rate) => posting.at_rate(rate),
            None => posting,
        }
    }

    /// The posting of payment `index`: entry ids from 1001 (the payment)
    /// and 2001 (its discount, in a foreign currency), for [`CUSTOMER`],
    /// with the invoice's booking rate and the payment's.
    #[must_use]
    pub fn payment_posting(&self, index: usize) -> PaymentPosting {
        let n = u128::try_from(index).unwrap_or(u128::MAX / 2);
        let posting = PaymentPosting::new(EntryId::from_u128(1001 + n), CUSTOMER);
        let Some(payment) = self.payments.get(index) else {
            return posting;
        };
        let booked = self.booked.get(payment.invoice).copied().flatten();
        match (booked, payment.settled) {
            (Some(booked), Some(settled)) => posting.in_foreign_currency(ForeignPayment::new(
                booked,
                settled,
                EntryId::from_u128(2001 + n),
            )),
            _ => posting,
        }
    }

    /// The invoices as the sales side holds them: issued, with every
    /// payment applied.
    #[must_use]
    pub fn invoice_states(&self) -> Vec<Invoice> {
        let mut states: Vec<Invoice> = self
            .invoices
            .iter()
            .map(|issue| {
                let mut invoice = Invoice::default();
                invoice.apply(&InvoiceEvent::Issued(Box::new(issue.clone())));
                invoice
            })
            .collect();
        for payment in &self.payments {
            if let Some(invoice) = states.get_mut(payment.invoice) {
                invoice.apply(&payment.event);
            }
        }
        states
    }
}

/// A rate from `from` into `to` between 0.01 and 100 with four decimals.
fn rate(from: Currency, to: Currency, on: NaiveDate) -> impl Strategy<Value = ExchangeRate> {
    (100_i64..=1_000_000).prop_filter_map("a valid rate", move |units| {
        ExchangeRate::new(from, to, Rate::new(Decimal::new(units, 4)), on).ok()
    })
}

/// What a generated payment tries: the invoice (by position, modulo the
/// count), the share of the balance in thousandths, the days after the
/// invoice date, whether to take the discount, and the rate of its day.
type PaymentPlan = (usize, u32, u64, bool, Option<ExchangeRate>);

/// Terms of net 10 to 60 days, maybe with 0.5% to 5% off within 3 to 15
/// days.
fn terms() -> impl Strategy<Value = PaymentTerms> {
    (10_u16..=60, prop::option::of((1_i64..=10, 3_u16..=15))).prop_filter_map(
        "valid terms",
        |(days, early)| match early {
            None => Some(PaymentTerms::net(days)),
            Some((halves, within)) => PaymentTerms::net(days)
                .with_early_payment(Percent::new(Decimal::new(halves * 5, 1)), within)
                .ok(),
        },
    )
}

/// The invoices of an order placed for `setup`'s priced document: all at
/// once, or a down payment of 1% to 99% and the rest `later` days on.
fn raise(
    setup: &PricingSetup,
    document: &bureau_sales::Document,
    down_payment: Option<i64>,
    later: u64,
    terms: PaymentTerms,
) -> Option<Vec<InvoiceIssue>> {
    let priced = setup.engine().price(document).ok()?;
    let on = document.date();
    let mut order = Order::default();
    order
        .handle(&OrderCommand::Place {
            number: DocumentNumber::new("SO-1").ok()?,
            priced: Box::new(priced),
            on,
        })
        .ok()?;
    let mut scopes = Vec::new();
    if let Some(percent) = down_payment {
        scopes.push((
            InvoiceScope::DownPayment(Percent::new(Decimal::from(percent))),
            on,
        ));
    }
    scopes.push((InvoiceScope::All, on.checked_add_days(Days::new(later))?));
    let mut issues = Vec::new();
    for (index, (scope, day)) in scopes.into_iter().enumerate() {
        let raised = order
            .handle(&OrderCommand::Invoice {
                number: DocumentNumber::new(format!("INV-{}", index + 1)).ok()?,
                on: day,
                scope,
                terms,
            })
            .ok()?;
        let Some(OrderEvent::Invoiced(issue)) = raised.into_iter().next() else {
            return None;
        };
        // Every invoice bills something.
        if !issue.priced.totals().gross.is_positive() {
            return None;
        }
        issues.push(*issue);
    }
    Some(issues)
}

/// The payments `plans` make on `issues`, each decided by its invoice.
fn pay(issues: &[InvoiceIssue], plans: Vec<PaymentPlan>) -> Vec<SalePayment> {
    let mut invoices: Vec<Invoice> = issues
        .iter()
        .map(|issue| {
            let mut invoice = Invoice::default();
            invoice.apply(&InvoiceEvent::Issued(Box::new(issue.clone())));
            invoice
        })
        .collect();
    let mut payments = Vec::new();
    for (which, thousandths, after, discount, settled) in plans {
        let index = which % issues.len().max(1);
        let (Some(issue), Some(invoice)) = (issues.get(index), invoices.get_mut(index)) else {
            continue;
        };
        let Some(balance) = invoice.balance().filter(Money::is_positive) else {
            continue;
        };
        let Some(on) = issue.on.checked_add_days(Days::new(after)) else {
            continue;
        };
        let strategy = issue.priced.config().strategy();
        let offer = issue.schedule.discount.filter(|offer| on <= offer.deadline);
        let amount = match offer {
            Some(offer) if discount => balance
                .mul_rate(offer.percent.to_rate(), strategy)
                .and_then(|off| balance.checked_sub(off)),
            _ => {
                let share = Rate::new(Decimal::new(i64::from(thousandths), 3));
                balance.mul_rate(share, bureau_core::RoundingStrategy::ToZero)
            }
        };
        let Ok(amount) = amount else { continue };
        let amount = if amount.is_positive() {
            amount
        } else {
            Money::from_minor(1, balance.currency()).unwrap_or(balance)
        };
        let Ok(events) = invoice.handle(&InvoiceCommand::Pay { amount, on }) else {
            continue;
        };
        for event in events {
            let settled = settled
                .and_then(|rate| ExchangeRate::new(rate.from(), rate.to(), rate.rate(), on).ok());
            payments.push(SalePayment {
                invoice: index,
                event,
                settled,
            });
        }
    }
    payments
}

/// A priced sale invoiced to [`CUSTOMER`] and paid in parts, with the
/// chart and mapping it posts under (see the [module docs](self)).
pub fn invoiced_sale() -> impl Strategy<Value = InvoicedSale> {
    (bureau_sales::strategy::setup_and_document(), any::<bool>())
        .prop_flat_map(|((setup, document), foreign)| {
            let currency = setup.currency;
            let base = if foreign { Currency::USD } else { currency };
            let on = document.date();
            let rates = if foreign {
                prop::collection::vec(rate(currency, base, on).prop_map(Some), 2).boxed()
            } else {
                Just(vec![None, None]).boxed()
            };
            let settled = if foreign {
                rate(currency, base, on).prop_map(Some).boxed()
            } else {
                Just(None).boxed()
            };
            let plans = prop::collection::vec(
                (
                    0_usize..2,
                    prop_oneof![Just(1000_u32), 1_u32..=1000],
                    prop_oneof![0_u64..15, 0_u64..90],
                    any::<bool>(),
                    settled,
                ),
                0..6,
            );
            (
                Just(setup.clone()),
                Just(document),
                mapped_chart(&setup, base),
                prop::option::of(1_i64..=99),
                0_u64..60,
                terms(),
                rates,
                plans,
            )
        })
        .prop_filter_map(
            "a sale that bills something",
            |(setup, document, chart, down_payment, later, terms, rates, plans)| {
                let invoices = raise(&setup, &document, down_payment, later, terms)?;
                let booked: Vec<Option<ExchangeRate>> = invoices
                    .iter()
                    .zip(rates)
                    .map(|(issue, rate)| {
                        rate.and_then(|r| {
                            ExchangeRate::new(r.from(), r.to(), r.rate(), issue.on).ok()
                        })
                    })
                    .collect();
                let payments = pay(&invoices, plans);
                Some(InvoicedSale {
                    setup,
                    chart,
                    invoices,
                    booked,
                    payments,
                })
            },
        )
}
