//! Posting rules of invoices: receivable, revenue per product group, tax
//! payable per tax code; down payments held until they are earned.

use bureau_core::{ExchangeRate, PartyId};
use bureau_ledger::{EntryId, JournalEntry};
use bureau_sales::{Catalog, Invoice, InvoiceIssue, InvoiceScope, PricedDocument};

use crate::legs::{LegSpec, Legs, conversion_rate};
use crate::{AccountMapping, Error, MappingKey, MissingKey, Result, SourceEvent};

/// What a sales document's posting needs beside the document: the entry's
/// id (the ledger's idempotency key), the customer party whose receivable
/// it is, the catalog that places each product in its revenue group, and
/// the exchange rate for a document in another currency than the base.
///
/// ```
/// use bureau_flows::DocumentPosting;
/// use bureau_core::PartyId;
/// use bureau_ledger::EntryId;
/// use bureau_sales::Catalog;
///
/// let catalog = Catalog::new();
/// let posting = DocumentPosting::new(EntryId::from_u128(1), PartyId::from_u128(7), &catalog);
/// assert_eq!(posting.rate, None);
/// ```
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct DocumentPosting<'a> {
    /// The id of the entry to build.
    pub entry: EntryId,
    /// The customer.
    pub party: PartyId,
    /// The products, for their groups.
    pub catalog: &'a Catalog,
    /// The rate between the document's currency and the base currency,
    /// either way round; needed only when they differ.
    pub rate: Option<ExchangeRate>,
}

impl<'a> DocumentPosting<'a> {
    /// A posting of a document in the base currency.
    #[must_use]
    pub const fn new(entry: EntryId, party: PartyId, catalog: &'a Catalog) -> Self {
        Self {
            entry,
            party,
            catalog,
            rate: None,
        }
    }

    /// The same posting for a document converted at `rate`.
    #[must_use]
    pub const fn at_rate(mut self, rate: ExchangeRate) -> Self {
        self.rate = Some(rate);
        self
    }
}

/// The revenue key of every line of `priced`, in line order.
pub(crate) fn revenue_keys(
    priced: &PricedDocument,
    catalog: &Catalog,
    event: &SourceEvent,
) -> Result<Vec<MappingKey>> {
    priced
        .lines()
        .iter()
        .map(|line| match catalog.get(line.product) {
            Some(product) => Ok(MappingKey::Revenue(product.group().cloned())),
            None => Err(Error::Missing {
                event: event.clone(),
                key: MissingKey::Product(line.product),
            }),
        })
        .collect()
}

/// The credit legs of a document: each line's net to its revenue group (or
/// to down payments received), each tax code's total to its tax payable.
pub(crate) fn document_credits(
    legs: &mut Legs<'_>,
    priced: &PricedDocument,
    catalog: &Catalog,
    down_payment: bool,
    sign: Sign,
) -> Result<()> {
    let keys = revenue_keys(priced, catalog, legs.event())?;
    for (line, key) in priced.lines().iter().zip(keys) {
        let key = if down_payment {
            MappingKey::DownPayments
        } else {
            key
        };
        sign.add(legs, LegSpec::new(key, line.net))?;
    }
    for tax in &priced.totals().taxes {
        sign.add(
            legs,
            LegSpec::new(MappingKey::TaxPayable(tax.code.clone()), tax.amount),
        )?;
    }
    Ok(())
}

/// Which side a group of legs goes to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Sign {
    Debit,
    Credit,
}

impl Sign {
    pub(crate) fn add(self, legs: &mut Legs<'_>, spec: LegSpec) -> Result<()> {
        match self {
            Sign::Debit => legs.debit(spec),
            Sign::Credit => legs.credit(spec),
        }
    }
}

/// The entry of an issued invoice (the [`InvoiceIssue`] of
/// `OrderEvent::Invoiced` or `InvoiceEvent::Issued`), dated its invoice
/// date:
///
/// - debit [`MappingKey::Receivable`] with the gross, for the customer
///   party and due on the invoice's due date (an open item the ledger
///   settles and ages);
/// - credit each line's net to [`MappingKey::Revenue`] of its product's
///   group, or, for a down-payment invoice ([`InvoiceScope::DownPayment`]),
///   to [`MappingKey::DownPayments`] until [`down_payment_earned_entry`]
///   moves it to revenue;
/// - credit each tax code's total to [`MappingKey::TaxPayable`].
///
/// An invoice in another currency than the mapping's base keeps the
/// receivable in its currency (so a payment settles it there) and converts
/// every other leg at the posting's rate, each leg rounded on its own with
/// the invoice's pricing rounding, through [`MappingKey::Conversion`]; the
/// rate rides on the entry as its booking rate.
///
/// # Errors
///
/// [`Error::Missing`] naming the invoice and the first missing account,
/// product, base currency or rate; [`Error::NothingToPost`] for an invoice
/// of zero; [`Error::Money`] when a conversion overflows.
///
/// ```
/// use bureau_core::{money, Aggregate, Currency, DateRange, Percent, PartyId, ProductId, RoundingStrategy};
/// use bureau_core::chrono::NaiveDate;
/// use bureau_flows::{invoice_entry, AccountMapping, DocumentPosting, MappingKey};
/// use bureau_ledger::{AccountId, EntryId};
/// use bureau_sales::*;
///
/// let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("date");
/// let widget = ProductId::from_u128(1);
/// let catalog = Catalog::from_products([Product::new(widget, Sku::new("WID")?,
///     ProductName::new("Widget")?, UnitOfMeasure::new("each")?, TaxCategory::new("standard")?)
///     .in_group(ProductGroup::new("hardware")?)])?;
/// let prices = PriceBook::new([PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None,
///     DateRange::new(day(1, 1)?, day(12, 31)?)?)
///     .with_prices(widget, [PriceTier::new(Quantity::ZERO, money!(10.00 EUR))?])?]);
/// let taxes = TaxTable::new([TaxRule::new(TaxCode::new("VAT20")?,
///     TaxKind::Percentage(Percent::new(20.into())), [TaxCategory::new("standard")?])?])?;
/// let priced = Pricing::new(&catalog, &prices, &taxes, PricingConfig::new(RoundingStrategy::MidpointNearestEven))
///     .price(&Document::new(Currency::EUR, day(3, 1)?).with_line(DocumentLine::new(widget, Quantity::from(3))))?;
/// let mut order = Order::default();
/// order.handle(&OrderCommand::Place { number: DocumentNumber::new("SO-1")?, priced: Box::new(priced), on: day(3, 1)? })?;
/// let raised = order.handle(&OrderCommand::Invoice { number: DocumentNumber::new("INV-1")?,
///     on: day(3, 2)?, scope: InvoiceScope::All, terms: PaymentTerms::net(30) })?;
/// let OrderEvent::Invoiced(issue) = &raised[0] else { return Err("no invoice".into()) };
///
/// let mut mapping = AccountMapping::new();
/// mapping.set_base_currency(Currency::EUR)?;
/// mapping.map(MappingKey::Receivable, AccountId::from_u128(1200))?;
/// mapping.map(MappingKey::Revenue(Some(ProductGroup::new("hardware")?)), AccountId::from_u128(4000))?;
/// mapping.map(MappingKey::TaxPayable(TaxCode::new("VAT20")?), AccountId::from_u128(2200))?;
///
/// let entry = invoice_entry(&mapping, issue, &DocumentPosting::new(EntryId::from_u128(1), PartyId::from_u128(9), &catalog))?;
/// let legs: Vec<String> = entry.postings().iter()
///     .map(|p| format!("{:?} {} {}", p.side(), p.account().as_uuid().as_u128(), p.amount())).collect();
/// assert_eq!(legs, ["Debit 1200 36.00 EUR", "Credit 4000 30.00 EUR", "Credit 2200 6.00 EUR"]);
/// assert_eq!(entry.postings()[0].due_date(), Some(day(4, 1)?));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn invoice_entry(
    mapping: &AccountMapping,
    issue: &InvoiceIssue,
    posting: &DocumentPosting<'_>,
) -> Result<JournalEntry> {
    let event = SourceEvent::InvoiceIssued(issue.number.clone());
    let priced = &issue.priced;
    let rate = conversion_rate(mapping, priced.document().currency(), posting.rate, &event)?;
    let down_payment = matches!(issue.scope, InvoiceScope::DownPayment(_));
    let mut legs = Legs::new(mapping, event);
    legs.debit(
        LegSpec::new(MappingKey::Receivable, priced.totals().gross)
            .party(posting.party, Some(issue.schedule.due)),
    )?;
    document_credits(
        &mut legs,
        priced,
        posting.catalog,
        down_payment,
        Sign::Credit,
    )?;
    if let Some(rate) = rate {
        legs.convert(rate, priced.config().strategy())?;
    }
    let description = if down_payment {
        format!("down-payment invoice {}", issue.number)
    } else {
        format!("invoice {}", issue.number)
    };
    legs.into_entry(
        posting.entry,
        issue.on,
        &description,
        &[
            ("invoice", issue.number.as_str()),
            ("order", issue.order.as_str()),
        ],
    )
}

/// The entry that earns a down-payment invoice's net on `on` (the day the
/// goods or services it paid for are delivered): debit
/// [`MappingKey::DownPayments`], credit each line's net to
/// [`MappingKey::Revenue`] of its product's group. The tax was due on the
/// down-payment invoice and stays where it was posted.
///
/// `invoice` is the down-payment invoice as it stands: what its credit
/// notes credited was taken out of down payments received by
/// [`credit_note_entry`](crate::credit_note_entry), so only what they left
/// of each line ([`Invoice::uncredited`]) is earned. Down payments
/// received then clear: a credited down payment is a price reduction, not
/// revenue.
///
/// A foreign invoice is converted at the posting's rate, which should be
/// the one the invoice was posted at so that down payments received clear
/// to the minor unit (after a credit note in part, each converted on its
/// own, to within a minor unit per credit note); what rounding per group
/// leaves goes to [`MappingKey::Conversion`].
///
/// # Errors
///
/// [`Error::NotOpened`] when `invoice` is not issued;
/// [`Error::NotPostable`] when it is not a down-payment invoice;
/// [`Error::NothingToPost`] when credit notes credited all of it; the
/// errors of [`invoice_entry`] otherwise.
///
/// The crate's integration tests (`tests/documents.rs`) invoice a down
/// payment, earn it and post the final invoice, leaving down payments
/// received at zero, also after a credit note in part on the down payment.
pub fn down_payment_earned_entry(
    mapping: &AccountMapping,
    invoice: &Invoice,
    on: chrono::NaiveDate,
    posting: &DocumentPosting<'_>,
) -> Result<JournalEntry> {
    let Some(issue) = invoice.issue() else {
        return Err(Error::NotOpened { what: "invoice" });
    };
    let event = SourceEvent::DownPaymentEarned(issue.number.clone());
    if !matches!(issue.scope, InvoiceScope::DownPayment(_)) {
        return Err(Error::NotPostable {
            event,
            reason: "the invoice is not a down-payment invoice".to_owned(),
        });
    }
    let priced = &issue.priced;
    let rate = conversion_rate(mapping, priced.document().currency(), posting.rate, &event)?;
    let mut legs = Legs::new(mapping, event);
    for line in invoice.uncredited().iter().flatten() {
        let key = match posting.catalog.get(line.product) {
            Some(product) => MappingKey::Revenue(product.group().cloned()),
            None => {
                return Err(Error::Missing {
                    event: legs.event().clone(),
                    key: MissingKey::Product(line.product),
                });
            }
        };
        legs.debit(LegSpec::new(MappingKey::DownPayments, line.net))?;
        legs.credit(LegSpec::new(key, line.net))?;
    }
    if let Some(rate) = rate {
        legs.convert(rate, priced.config().strategy())?;
    }
    legs.into_entry(
        posting.entry,
        on,
        &format!("down payments of invoice {} earned", issue.number),
        &[("invoice", issue.number.as_str())],
    )
}
