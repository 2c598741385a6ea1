//! Strategies generating valid values for property tests of code that
//! posts through bureau-flows: account mappings with the chart they map
//! into, and priced invoices raised from an order with what happened to
//! them next (payments, credit notes, refunds).
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
//! then takes up to eight [`SaleStep`]s: payments in part or in full, some
//! early with the discount; credit notes (returns with or without a
//! restocking fee, price corrections, full credits); refunds of credit
//! notes issued on an invoice paid in full. Each step is decided by the
//! sales [`Invoice`] or [`CreditNote`], so it is one they accept. Half of
//! the sales are booked in another base currency than the document's,
//! each invoice at its own rate and each payment settled at another; such
//! a sale pays no more than the customer has open on the day, all invoices
//! together (the ledger's foreign settlement refuses more). Every invoice
//! and credit note is of more than zero. Shrinking moves toward fewer
//! lines, smaller amounts and fewer steps.
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
    Credit, CreditNote, CreditNoteCommand, CreditNoteEvent, CreditNoteIssue, DocumentNumber,
    Invoice, InvoiceCommand, InvoiceEvent, InvoiceIssue, InvoiceScope, LineAmount, LineQuantity,
    Order, OrderCommand, OrderEvent, PaymentTerms,
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

/// Every role a document of `setup` can need, booked in `base`: the
/// revenue keys followed by the other roles, and the tax keys, each in the
/// setup's order.
fn roles(setup: &PricingSetup, base: Currency) -> (Vec<MappingKey>, Vec<MappingKey>) {
    let mut revenue = vec![MappingKey::Revenue(None)];
    for product in setup.catalog.products() {
        let key = MappingKey::Revenue(product.group().cloned());
        if !revenue.contains(&key) {
            revenue.push(key);
        }
    }
    let taxes = setup
        .taxes
        .rules()
        .iter()
        .map(|rule| MappingKey::TaxPayable(rule.code().clone()))
        .collect();
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
        prop::collection::btree_set(1_u32..1_000_000, count)
            .prop_map(|ids| ids.into_iter().collect::<Vec<u32>>())
            .prop_shuffle(),
        prop::collection::vec(0..revenue.max(1), revenue),
        prop::collection::vec(0..tax_count.max(1), tax_count),
    )
        .prop_filter_map(
            "a chart that opens",
            move |(ids, revenue_shares, tax_shares)| {
                // A role shares the account of an earlier one of its group
                // when its share points before it.
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

/// What happened to a sale after its invoices were issued, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SaleStep {
    /// A payment on an invoice.
    Paid {
        /// The position of the invoice in [`InvoicedSale::invoices`].
        invoice: usize,
        /// What the invoice decided: the amount, the day and the discount
        /// ([`InvoiceEvent::Paid`]).
        event: InvoiceEvent,
        /// The rate of the day from the document's currency into the
        /// base, when they differ.
        settled: Option<ExchangeRate>,
    },
    /// A credit note issued against an invoice: a return (with or without
    /// a restocking fee), a price correction or a full credit.
    Credited {
        /// The position of the invoice in [`InvoicedSale::invoices`].
        invoice: usize,
        /// What the invoice decided.
        note: Box<CreditNoteIssue>,
    },
    /// The refund of a credit note paid out: only for a credit note issued
    /// when its invoice was paid in full, so that the whole refund was due
    /// back.
    Refunded {
        /// The position of the credit note among the sale's `Credited`
        /// steps.
        note: usize,
        /// The credit note's `Settled` event.
        event: CreditNoteEvent,
    },
}

/// A priced sale invoiced to [`CUSTOMER`], paid in parts, corrected by
/// credit notes and refunded (see the [module docs](self)).
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
    /// What happened next, in order; each payment and credit note is one
    /// the invoice accepted after the steps before.
    pub steps: Vec<SaleStep>,
}

/// The entry id `base + index`.
fn entry_id(base: u128, index: usize) -> EntryId {
    let index = u128::try_from(index).unwrap_or(u128::MAX / 2);
    EntryId::from_u128(base.saturating_add(index))
}

impl InvoicedSale {
    /// The posting of invoice `index`: entry id `index + 1`, for
    /// [`CUSTOMER`], at its booking rate.
    #[must_use]
    pub fn document_posting(&self, index: usize) -> DocumentPosting<'_> {
        let posting = DocumentPosting::new(entry_id(1, index), CUSTOMER, &self.setup.catalog);
        match self.booked.get(index).copied().flatten() {
            Some(rate) => posting.at_rate(rate),
            None => posting,
        }
    }

    /// The posting of the credit note of step `step`: entry id
    /// `3001 + step`, for [`CUSTOMER`], at its invoice's booking rate.
    #[must_use]
    pub fn credit_posting(&self, step: usize) -> DocumentPosting<'_> {
        let posting = DocumentPosting::new(entry_id(3001, step), CUSTOMER, &self.setup.catalog);
        let rate = match self.steps.get(step) {
            Some(SaleStep::Credited { invoice, .. }) => {
                self.booked.get(*invoice).copied().flatten()
            }
            _ => None,
        };
        match rate {
            Some(rate) => posting.at_rate(rate),
            None => posting,
        }
    }

    /// The posting of the payment of step `step`: entry ids `1001 + step`
    /// (the payment) and `2001 + step` (its discount, in a foreign
    /// currency), for [`CUSTOMER`], with the invoice's booking rate and
    /// the payment's.
    #[must_use]
    pub fn payment_posting(&self, step: usize) -> PaymentPosting {
        let posting = PaymentPosting::new(entry_id(1001, step), CUSTOMER);
        let Some(SaleStep::Paid {
            invoice, settled, ..
        }) = self.steps.get(step)
        else {
            return posting;
        };
        match (self.booked.get(*invoice).copied().flatten(), settled) {
            (Some(booked), Some(settled)) => posting.in_foreign_currency(ForeignPayment::new(
                booked,
                *settled,
                entry_id(2001, step),
            )),
            _ => posting,
        }
    }

    /// The entry id of the refund of step `step`: `4001 + step`.
    #[must_use]
    pub fn refund_entry_id(&self, step: usize) -> EntryId {
        entry_id(4001, step)
    }

    /// The credit notes of the `Credited` steps, in order, with their
    /// invoices' positions.
    #[must_use]
    pub fn credit_notes(&self) -> Vec<(usize, &CreditNoteIssue)> {
        self.steps
            .iter()
            .filter_map(|step| match step {
                SaleStep::Credited { invoice, note } => Some((*invoice, &**note)),
                _ => None,
            })
            .collect()
    }

    /// The invoices as the sales side holds them: issued, with every
    /// payment and credit note applied.
    #[must_use]
    pub fn invoice_states(&self) -> Vec<Invoice> {
        let mut states = issued(&self.invoices);
        for step in &self.steps {
            let (index, event) = match step {
                SaleStep::Paid { invoice, event, .. } => (*invoice, event.clone()),
                SaleStep::Credited { invoice, note } => {
                    (*invoice, InvoiceEvent::Credited(note.clone()))
                }
                SaleStep::Refunded { .. } => continue,
            };
            if let Some(invoice) = states.get_mut(index) {
                invoice.apply(&event);
            }
        }
        states
    }

    /// The sum of the refunds paid out, in the document's currency.
    ///
    /// # Errors
    ///
    /// An overflow.
    pub fn refunded(&self) -> Result<Money, bureau_core::Error> {
        let notes = self.credit_notes();
        let mut total = Money::zero(self.setup.currency);
        for step in &self.steps {
            if let SaleStep::Refunded { note, .. } = step
                && let Some((_, note)) = notes.get(*note)
            {
                total = total.checked_add(note.refund)?;
            }
        }
        Ok(total)
    }
}

/// Each of `issues` issued as an invoice.
fn issued(issues: &[InvoiceIssue]) -> Vec<Invoice> {
    issues
        .iter()
        .map(|issue| {
            let mut invoice = Invoice::default();
            invoice.apply(&InvoiceEvent::Issued(Box::new(issue.clone())));
            invoice
        })
        .collect()
}

/// A rate from `from` into `to` between 0.01 and 100 with four decimals.
fn rate(from: Currency, to: Currency, on: NaiveDate) -> impl Strategy<Value = ExchangeRate> {
    (100_i64..=1_000_000).prop_filter_map("a valid rate", move |units| {
        ExchangeRate::new(from, to, Rate::new(Decimal::new(units, 4)), on).ok()
    })
}

/// What a generated step tries, on the invoice at a position (modulo the
/// count), some days after the invoice date.
#[derive(Clone, Debug)]
enum Plan {
    /// Pay a share of the balance in thousandths, or exactly what the
    /// discount asks; at a rate of the day.
    Pay {
        invoice: usize,
        thousandths: u32,
        after: u64,
        discount: bool,
        settled: Option<ExchangeRate>,
    },
    /// Credit: a return of a share of a line's open units with a fee of 0
    /// to 30%, a correction of a share of a line's open gross, or the
    /// whole.
    Credit {
        invoice: usize,
        kind: u8,
        line: usize,
        thousandths: u32,
        fee: u8,
        after: u64,
    },
    /// Refund the credit note at a position (modulo the count of those
    /// refundable).
    Refund { note: usize, after: u64 },
}

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

/// `share` thousandths of `amount`, rounded toward zero, at least one
/// minor unit.
fn share_of(amount: Money, thousandths: u32) -> Option<Money> {
    let share = Rate::new(Decimal::new(i64::from(thousandths), 3));
    let part = amount
        .mul_rate(share, bureau_core::RoundingStrategy::ToZero)
        .ok()?;
    if part.is_positive() {
        Some(part)
    } else {
        Money::from_minor(1, amount.currency()).ok()
    }
}

/// The payment `plan` makes on `invoice`, if the invoice takes it.
fn payment(
    issue: &InvoiceIssue,
    invoice: &Invoice,
    thousandths: u32,
    on: NaiveDate,
    discount: bool,
) -> Option<InvoiceCommand> {
    let balance = invoice.balance().filter(Money::is_positive)?;
    let strategy = issue.priced.config().strategy();
    let offer = issue.schedule.discount.filter(|offer| on <= offer.deadline);
    let amount = match offer {
        Some(offer) if discount => balance
            .mul_rate(offer.percent.to_rate(), strategy)
            .and_then(|off| balance.checked_sub(off))
            .ok()
            .filter(Money::is_positive)?,
        _ => share_of(balance, thousandths)?,
    };
    Some(InvoiceCommand::Pay { amount, on })
}

/// The credit `kind` makes of `line` of `invoice`, if it has one open.
fn credit(
    invoice: &Invoice,
    number: usize,
    kind: u8,
    line: usize,
    thousandths: u32,
    fee: u8,
    on: NaiveDate,
) -> Option<InvoiceCommand> {
    let open = invoice.uncredited();
    let index = line % open.len().max(1);
    let credit = match (kind % 3, open.get(index).cloned().flatten()) {
        (0, Some(open)) => {
            let units = open.quantity.value() * Decimal::new(i64::from(thousandths), 3);
            let units = bureau_sales::Quantity::new(units.round_dp(2).min(open.quantity.value()));
            if !units.is_positive() {
                return None;
            }
            Credit::Return {
                lines: vec![LineQuantity::new(index, units)],
                restocking_fee: (fee > 0).then(|| Percent::new(Decimal::from(fee))),
            }
        }
        (1, Some(open)) => {
            let amount = share_of(open.gross, thousandths)?;
            Credit::Correction {
                lines: vec![LineAmount::new(index, amount)],
            }
        }
        _ => Credit::Full,
    };
    Some(InvoiceCommand::Credit {
        number: DocumentNumber::new(format!("CN-{}", number + 1)).ok()?,
        on,
        credit,
    })
}

/// The steps `plans` take on `issues`, each decided by its invoice (or
/// credit note); what they refuse is left out.
///
/// A sale booked in another currency pays through the ledger's
/// [`ForeignSettlement`](bureau_ledger::ForeignSettlement), which refuses to
/// pay more than the customer has open on the day, all invoices together:
/// a credit left on one invoice (a refund due, not paid out) lowers what
/// the customer owes on the others. Such a sale makes no payment beyond
/// that.
fn settle(issues: &[InvoiceIssue], plans: Vec<Plan>, foreign: bool) -> Vec<SaleStep> {
    let mut invoices = issued(issues);
    // What moves the customer's receivable, by day: invoices and refunds
    // up, payments, discounts and credit notes down.
    let mut movements: Vec<(NaiveDate, i128)> = issues
        .iter()
        .map(|issue| (issue.on, issue.priced.totals().gross.to_minor()))
        .collect();
    let open_on = |movements: &[(NaiveDate, i128)], day: NaiveDate| -> i128 {
        movements
            .iter()
            .filter(|(on, _)| *on <= day)
            .map(|(_, minor)| *minor)
            .fold(0_i128, i128::saturating_add)
    };
    let mut steps = Vec::new();
    let mut notes: Vec<CreditNote> = Vec::new();
    // The credit notes issued on a fully paid invoice: their whole refund
    // is due back.
    let mut refundable: Vec<usize> = Vec::new();
    let count = issues.len().max(1);
    for plan in plans {
        match plan {
            Plan::Pay {
                invoice: which,
                thousandths,
                after,
                discount,
                settled,
            } => {
                let index = which % count;
                let (Some(issue), Some(invoice)) = (issues.get(index), invoices.get_mut(index))
                else {
                    continue;
                };
                let Some(on) = issue.on.checked_add_days(Days::new(after)) else {
                    continue;
                };
                let Some(command) = payment(issue, invoice, thousandths, on, discount) else {
                    continue;
                };
                let Ok(events) = invoice.decide(&command) else {
                    continue;
                };
                let mut moved = Vec::new();
                for event in &events {
                    if let InvoiceEvent::Paid {
                        amount, discount, ..
                    } = event
                    {
                        moved.push((on, -discount.to_minor()));
                        moved.push((on, -amount.to_minor()));
                    }
                }
                let mut after_discounts = movements.clone();
                after_discounts.extend(moved.iter().step_by(2).copied());
                let paid: i128 = moved.iter().skip(1).step_by(2).map(|(_, m)| -m).sum();
                if foreign && open_on(&after_discounts, on) < paid {
                    continue;
                }
                movements.extend(moved);
                for event in &events {
                    invoice.apply(event);
                }
                let settled = settled.and_then(|rate| {
                    ExchangeRate::new(rate.from(), rate.to(), rate.rate(), on).ok()
                });
                steps.extend(events.into_iter().map(|event| SaleStep::Paid {
                    invoice: index,
                    event,
                    settled,
                }));
            }
            Plan::Credit {
                invoice: which,
                kind,
                line,
                thousandths,
                fee,
                after,
            } => {
                let index = which % count;
                let (Some(issue), Some(invoice)) = (issues.get(index), invoices.get_mut(index))
                else {
                    continue;
                };
                let Some(on) = issue.on.checked_add_days(Days::new(after)) else {
                    continue;
                };
                let paid_in_full = invoice.balance().is_some_and(|b| b.is_zero())
                    && invoice.paid().is_some_and(|p| p.is_positive());
                let Some(command) = credit(invoice, notes.len(), kind, line, thousandths, fee, on)
                else {
                    continue;
                };
                let Ok(events) = invoice.decide(&command) else {
                    continue;
                };
                // A credit of nothing (a line priced at zero) has nothing
                // to post.
                if events.iter().any(|event| {
                    matches!(event, InvoiceEvent::Credited(note)
                        if !note.priced.totals().gross.is_positive())
                }) {
                    continue;
                }
                for event in events {
                    invoice.apply(&event);
                    let InvoiceEvent::Credited(note) = event else {
                        continue;
                    };
                    let mut credit_note = CreditNote::default();
                    if credit_note
                        .handle(&CreditNoteCommand::Issue(note.clone()))
                        .is_err()
                    {
                        continue;
                    }
                    if paid_in_full && note.refund.is_positive() {
                        refundable.push(notes.len());
                    }
                    movements.push((note.on, -note.refund.to_minor()));
                    notes.push(credit_note);
                    steps.push(SaleStep::Credited {
                        invoice: index,
                        note,
                    });
                }
            }
            Plan::Refund { note, after } => {
                if refundable.is_empty() {
                    continue;
                }
                let position = refundable.remove(note % refundable.len());
                let Some(credit_note) = notes.get_mut(position) else {
                    continue;
                };
                let Some(on) = credit_note
                    .issue()
                    .and_then(|issue| issue.on.checked_add_days(Days::new(after)))
                else {
                    continue;
                };
                let Ok(events) = credit_note.handle(&CreditNoteCommand::Settle { on }) else {
                    continue;
                };
                if let Some(issue) = credit_note.issue() {
                    movements.push((on, issue.refund.to_minor()));
                }
                steps.extend(events.into_iter().map(|event| SaleStep::Refunded {
                    note: position,
                    event,
                }));
            }
        }
    }
    steps
}

/// A generated step, payments twice as likely as the others.
fn plan(settled: BoxedStrategy<Option<ExchangeRate>>) -> impl Strategy<Value = Plan> {
    let pay = (
        0_usize..2,
        prop_oneof![Just(1000_u32), 1_u32..=1000],
        prop_oneof![0_u64..15, 0_u64..90],
        any::<bool>(),
        settled,
    )
        .prop_map(
            |(invoice, thousandths, after, discount, settled)| Plan::Pay {
                invoice,
                thousandths,
                after,
                discount,
                settled,
            },
        );
    let credit = (
        0_usize..2,
        any::<u8>(),
        0_usize..8,
        1_u32..=1000,
        prop_oneof![Just(0_u8), 1_u8..=30],
        0_u64..90,
    )
        .prop_map(
            |(invoice, kind, line, thousandths, fee, after)| Plan::Credit {
                invoice,
                kind,
                line,
                thousandths,
                fee,
                after,
            },
        );
    let refund = (0_usize..4, 0_u64..30).prop_map(|(note, after)| Plan::Refund { note, after });
    prop_oneof![2 => pay, 1 => credit, 1 => refund]
}

/// A priced sale invoiced to [`CUSTOMER`], paid, credited and refunded,
/// with the chart and mapping it posts under (see the
/// [module docs](self)).
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
            (
                Just(setup.clone()),
                Just(document),
                mapped_chart(&setup, base),
                prop::option::of(1_i64..=99),
                0_u64..60,
                terms(),
                rates,
                prop::collection::vec(plan(settled), 0..8),
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
                let foreign = chart.mapping.base_currency() != Some(setup.currency);
                let steps = settle(&invoices, plans, foreign);
                Some(InvoicedSale {
                    setup,
                    chart,
                    invoices,
                    booked,
                    steps,
                })
            },
        )
}
