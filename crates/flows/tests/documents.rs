//! Sales documents posted into a ledger: invoices (receivable per party
//! with its due date, revenue per product group, VAT per code), a down
//! payment invoiced and earned, credit notes with and without a restocking
//! fee, payments on time and early with the discount, invoices in dollars
//! paid at a gain and at a loss, and a refund. Every entry balances, every
//! account holds the amount computed by hand, and a settled customer owes
//! nothing.

use bureau_core::{
    Aggregate, Currency, DateRange, Decimal, ExchangeRate, Money, PartyId, Percent, ProductId,
    Rate, RoundingStrategy, money,
};
use bureau_flows::strategy::{self, InvoicedSale, SaleStep};
use bureau_flows::{
    AccountMapping, DocumentPosting, Error, ForeignPayment, HandOffCommand, HandOffEvent,
    HandOffLog, MappingCommand, MappingKey, MissingKey, PaymentBooking, PaymentPosting,
    SourceEvent, credit_note_entry, down_payment_earned_entry, foreign_refund_entry, invoice_entry,
    invoice_from_order, payment_booking, refund_entry,
};
use bureau_ledger::{
    Account, AccountId, AccountKind, EntryId, JournalEntry, Ledger, LedgerCommand, LedgerConfig,
    Side,
};
use bureau_sales::{
    Catalog, Credit, CreditNote, CreditNoteCommand, CreditNoteEvent, CreditNoteIssue, Document,
    DocumentLine, DocumentNumber, Invoice, InvoiceCommand, InvoiceEvent, InvoiceIssue,
    InvoiceScope, LineAmount, LineQuantity, Order, OrderCommand, OrderEvent, PaymentTerms,
    PriceBook, PriceList, PriceListCode, PriceTier, Pricing, PricingConfig, Product, ProductGroup,
    ProductName, Quantity, Sku, TaxCategory, TaxCode, TaxKind, TaxRule, TaxTable, UnitOfMeasure,
};
use chrono::NaiveDate;
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

type Failure = Box<dyn std::error::Error>;

fn day(month: u32, day: u32) -> Result<NaiveDate, Failure> {
    Ok(NaiveDate::from_ymd_opt(2026, month, day).ok_or("date")?)
}

// ----- The chart and the mapping -----

const BANK_EUR: u128 = 1000;
const BANK_USD: u128 = 1010;
const RECEIVABLES: u128 = 1200;
const CONVERSION: u128 = 1900;
const DOWN_PAYMENTS: u128 = 2100;
const VAT_STANDARD: u128 = 2200;
const VAT_REDUCED: u128 = 2210;
const HARDWARE: u128 = 4000;
const SERVICES: u128 = 4100;
const UNGROUPED: u128 = 4200;
const RESTOCKING: u128 = 4300;
const FX_GAIN: u128 = 4950;
const DISCOUNTS: u128 = 6100;
const FX_LOSS: u128 = 6950;

fn account(code: u128) -> AccountId {
    AccountId::from_u128(code)
}

fn chart() -> Result<Vec<(u128, &'static str, AccountKind, MappingKey)>, Failure> {
    use AccountKind as K;
    use MappingKey as M;
    Ok(vec![
        (BANK_EUR, "Bank EUR", K::ASSET, M::Bank(Currency::EUR)),
        (BANK_USD, "Bank USD", K::ASSET, M::Bank(Currency::USD)),
        (RECEIVABLES, "Receivables", K::ASSET, M::Receivable),
        (CONVERSION, "Currency conversion", K::ASSET, M::Conversion),
        (
            DOWN_PAYMENTS,
            "Down payments",
            K::LIABILITY,
            M::DownPayments,
        ),
        (
            VAT_STANDARD,
            "VAT 20%",
            K::LIABILITY,
            M::TaxPayable(TaxCode::new("VAT20")?),
        ),
        (
            VAT_REDUCED,
            "VAT 7%",
            K::LIABILITY,
            M::TaxPayable(TaxCode::new("VAT7")?),
        ),
        (
            HARDWARE,
            "Hardware sales",
            K::INCOME,
            M::Revenue(Some(ProductGroup::new("hardware")?)),
        ),
        (
            SERVICES,
            "Services",
            K::INCOME,
            M::Revenue(Some(ProductGroup::new("services")?)),
        ),
        (UNGROUPED, "Other sales", K::INCOME, M::Revenue(None)),
        (RESTOCKING, "Restocking fees", K::INCOME, M::RestockingFees),
        (FX_GAIN, "Exchange gains", K::INCOME, M::RealisedFxGain),
        (
            DISCOUNTS,
            "Discounts granted",
            K::EXPENSE,
            M::EarlyPaymentDiscounts,
        ),
        (FX_LOSS, "Exchange losses", K::EXPENSE, M::RealisedFxLoss),
    ])
}

/// A ledger in euros whose conversion account is the mapping's, and the
/// mapping of every role to its account.
struct Books {
    ledger: Ledger,
    mapping: AccountMapping,
}

impl Books {
    fn open() -> Result<Self, Failure> {
        let mut ledger = Ledger::new();
        ledger.handle(&LedgerCommand::Configure(
            LedgerConfig::new().with_conversion_account(account(CONVERSION)),
        ))?;
        let mut mapping = AccountMapping::new();
        mapping.set_base_currency(Currency::EUR)?;
        for (code, name, kind, key) in chart()? {
            ledger.handle(&LedgerCommand::OpenAccount(Account::new(
                account(code),
                code.to_string().parse()?,
                name.parse()?,
                kind,
                day(1, 1)?,
            )))?;
            mapping.map(key, account(code))?;
        }
        Ok(Self { ledger, mapping })
    }

    /// Posts an entry that balances in every currency.
    fn post(&mut self, entry: JournalEntry) -> Result<(), Failure> {
        assert_balanced(&entry);
        self.ledger.handle(&LedgerCommand::Post(entry))?;
        Ok(())
    }

    /// Books a payment: its entry, or the discount's entry and the foreign
    /// settlement, each balancing.
    fn book(&mut self, booking: PaymentBooking) -> Result<(), Failure> {
        for command in booking.into_commands() {
            if let LedgerCommand::Post(entry) = &command {
                assert_balanced(entry);
            }
            self.ledger.handle(&command)?;
        }
        Ok(())
    }

    /// The balance of `code` in `currency`, on the account's normal side.
    fn balance(&self, code: u128, currency: Currency) -> Result<Money, Failure> {
        Ok(self.ledger.balance(account(code), currency)?)
    }

    /// What `party` owes on the receivables in `currency` at the end of
    /// `on`: the sum of its open items (negative for a refund due).
    fn owed(&self, party: PartyId, currency: Currency, on: NaiveDate) -> Result<Money, Failure> {
        let open = self
            .ledger
            .open_items(account(RECEIVABLES), on)?
            .into_iter()
            .filter(|item| item.party == party && item.open.currency() == currency)
            .map(|item| item.open);
        Ok(Money::checked_sum(open, currency)?)
    }
}

/// Debits equal credits in every currency of the entry.
fn assert_balanced(entry: &JournalEntry) {
    for currency in entry.currencies() {
        let net: i128 = entry
            .postings()
            .iter()
            .filter(|p| p.amount().currency() == currency)
            .map(|p| match p.side() {
                Side::Debit => p.amount().to_minor(),
                Side::Credit => -p.amount().to_minor(),
            })
            .sum();
        assert_eq!(net, 0, "entry {} is unbalanced in {currency}", entry.id());
    }
}

/// The entry's postings as `side account amount`, in order.
fn legs(entry: &JournalEntry) -> Vec<String> {
    entry
        .postings()
        .iter()
        .map(|p| {
            format!(
                "{:?} {} {}",
                p.side(),
                p.account().as_uuid().as_u128(),
                p.amount()
            )
        })
        .collect()
}

// ----- The sales side -----

const WIDGET: ProductId = ProductId::from_u128(1);
const SUPPORT: ProductId = ProductId::from_u128(2);
const CABLE: ProductId = ProductId::from_u128(3);

/// A widget (hardware, standard VAT), an hour of support (services,
/// reduced VAT) and a cable (no group, standard VAT), priced in euros and
/// in dollars; VAT at 20% and 7%.
struct Sales {
    catalog: Catalog,
    prices: PriceBook,
    taxes: TaxTable,
    config: PricingConfig,
}

impl Sales {
    fn new() -> Result<Self, Failure> {
        let standard = TaxCategory::new("standard")?;
        let reduced = TaxCategory::new("reduced")?;
        let product = |id, sku: &str, name: &str, category: &TaxCategory| -> Result<_, Failure> {
            Ok(Product::new(
                id,
                Sku::new(sku)?,
                ProductName::new(name)?,
                UnitOfMeasure::new("each")?,
                category.clone(),
            ))
        };
        let catalog = Catalog::from_products([
            product(WIDGET, "WID", "Widget", &standard)?.in_group(ProductGroup::new("hardware")?),
            product(SUPPORT, "SUP", "Support hour", &reduced)?
                .in_group(ProductGroup::new("services")?),
            product(CABLE, "CAB", "Cable", &standard)?,
        ])?;
        let year = DateRange::new(day(1, 1)?, day(12, 31)?)?;
        let tier = |price| PriceTier::new(Quantity::ZERO, price);
        let prices = PriceBook::new([
            PriceList::new(PriceListCode::new("EUR")?, Currency::EUR, None, year)
                .with_prices(WIDGET, [tier(money!(10.00 EUR))?])?
                .with_prices(SUPPORT, [tier(money!(80.00 EUR))?])?
                .with_prices(CABLE, [tier(money!(4.99 EUR))?])?,
            PriceList::new(PriceListCode::new("USD")?, Currency::USD, None, year)
                .with_prices(WIDGET, [tier(money!(12.00 USD))?])?
                .with_prices(SUPPORT, [tier(money!(95.00 USD))?])?
                .with_prices(CABLE, [tier(money!(5.99 USD))?])?,
        ]);
        let taxes = TaxTable::new([
            TaxRule::new(
                TaxCode::new("VAT20")?,
                TaxKind::Percentage(Percent::new(20.into())),
                [standard],
            )?,
            TaxRule::new(
                TaxCode::new("VAT7")?,
                TaxKind::Percentage(Percent::new(7.into())),
                [reduced],
            )?,
        ])?;
        Ok(Self {
            catalog,
            prices,
            taxes,
            config: PricingConfig::new(RoundingStrategy::MidpointNearestEven),
        })
    }

    /// An order numbered `number`, placed on `on`, of `lines` priced in
    /// `currency`.
    fn order(
        &self,
        number: &str,
        currency: Currency,
        on: NaiveDate,
        lines: &[(ProductId, u32)],
    ) -> Result<Order, Failure> {
        let pricing = Pricing::new(&self.catalog, &self.prices, &self.taxes, self.config);
        let document = Document::new(currency, on).with_lines(
            lines
                .iter()
                .map(|(product, units)| DocumentLine::new(*product, Quantity::from(*units))),
        );
        let priced = pricing.price(&document)?;
        let mut order = Order::default();
        order.handle(&OrderCommand::Place {
            number: DocumentNumber::new(number)?,
            priced: Box::new(priced),
            on,
        })?;
        Ok(order)
    }
}

/// Net 30, 2% off when paid within 10 days.
fn terms() -> Result<PaymentTerms, Failure> {
    Ok(PaymentTerms::net(30).with_early_payment(Percent::new(2.into()), 10)?)
}

/// The invoice `order` raises for `scope`, issued.
fn raise(
    order: &mut Order,
    number: &str,
    on: NaiveDate,
    scope: InvoiceScope,
) -> Result<(InvoiceIssue, Invoice), Failure> {
    let raised = order.handle(&OrderCommand::Invoice {
        number: DocumentNumber::new(number)?,
        on,
        scope,
        terms: terms()?,
    })?;
    let Some(OrderEvent::Invoiced(issue)) = raised.first() else {
        return Err("no invoice".into());
    };
    let mut invoice = Invoice::default();
    invoice.handle(&InvoiceCommand::Issue(issue.clone()))?;
    Ok(((**issue).clone(), invoice))
}

/// The `Paid` event of paying `amount` on `on`.
fn pay(invoice: &mut Invoice, amount: Money, on: NaiveDate) -> Result<InvoiceEvent, Failure> {
    let events = invoice.handle(&InvoiceCommand::Pay { amount, on })?;
    Ok(events.into_iter().next().ok_or("no payment")?)
}

/// The credit note `credit` issues against `invoice`.
fn credit(
    invoice: &mut Invoice,
    number: &str,
    on: NaiveDate,
    credit: Credit,
) -> Result<CreditNoteIssue, Failure> {
    let events = invoice.handle(&InvoiceCommand::Credit {
        number: DocumentNumber::new(number)?,
        on,
        credit,
    })?;
    let Some(InvoiceEvent::Credited(note)) = events.first() else {
        return Err("no credit note".into());
    };
    Ok((**note).clone())
}

fn usd_in_eur(rate: &str, on: NaiveDate) -> Result<ExchangeRate, Failure> {
    Ok(ExchangeRate::new(
        Currency::USD,
        Currency::EUR,
        Rate::new(rate.parse()?),
        on,
    )?)
}

/// The realised result of settling `paid` booked at `booked` at `settled`,
/// computed by hand: `paid x (settled - booked)`, rounded once half to
/// even.
fn realised_by_hand(paid: Money, booked: &str, settled: &str) -> Result<Money, Failure> {
    let difference = settled.parse::<Decimal>()? - booked.parse::<Decimal>()?;
    Ok(Money::rounded(
        paid.amount() * difference,
        Currency::EUR,
        RoundingStrategy::MidpointNearestEven,
    )?)
}

const CUSTOMER: PartyId = PartyId::from_u128(7);
const US_CUSTOMER: PartyId = PartyId::from_u128(8);

// ----- Invoices and payments in euros -----

#[test]
fn an_invoice_posts_its_receivable_revenue_per_group_and_vat_per_code_and_is_paid_on_time()
-> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    let mut order = sales.order(
        "SO-1",
        Currency::EUR,
        day(3, 2)?,
        &[(WIDGET, 3), (SUPPORT, 2), (CABLE, 1)],
    )?;
    let (issue, mut invoice) = raise(&mut order, "INV-1", day(3, 2)?, InvoiceScope::All)?;
    let posting = DocumentPosting::new(EntryId::from_u128(1), CUSTOMER, &sales.catalog);
    let entry = invoice_entry(&books.mapping, &issue, &posting)?;
    // 3 x 10.00 + 4.99 at 20% (6.00 + 1.00 rounded per line), 2 x 80.00 at
    // 7% (11.20): 30.00 + 160.00 + 4.99 + 7.00 + 11.20 = 213.19.
    assert_eq!(
        legs(&entry),
        [
            "Debit 1200 213.19 EUR",
            "Credit 4000 30.00 EUR",
            "Credit 4100 160.00 EUR",
            "Credit 4200 4.99 EUR",
            "Credit 2200 7.00 EUR",
            "Credit 2210 11.20 EUR",
        ]
    );
    let receivable = &entry.postings()[0];
    assert_eq!(receivable.party(), Some(CUSTOMER));
    assert_eq!(receivable.due_date(), Some(day(4, 1)?));
    assert!(entry.rates().is_empty());
    books.post(entry)?;
    assert_eq!(
        books.owed(CUSTOMER, Currency::EUR, day(3, 2)?)?,
        money!(213.19 EUR)
    );
    let aging = books.ledger.aging(account(RECEIVABLES), day(4, 10)?)?;
    assert_eq!(aging.len(), 1);
    assert_eq!(aging[0].buckets.days_1_30, money!(213.19 EUR));

    // Paid in full on 25 March, after the discount's deadline of 12 March.
    let paid = pay(&mut invoice, money!(213.19 EUR), day(3, 25)?)?;
    let booking = payment_booking(
        &books.mapping,
        &issue,
        &paid,
        &PaymentPosting::new(EntryId::from_u128(2), CUSTOMER),
    )?;
    let PaymentBooking::Entry(entry) = &booking else {
        return Err("a payment in euros is one entry".into());
    };
    assert_eq!(
        legs(entry),
        ["Debit 1000 213.19 EUR", "Credit 1200 213.19 EUR"]
    );
    assert_eq!(entry.date(), day(3, 25)?);
    books.book(booking)?;

    assert!(books.owed(CUSTOMER, Currency::EUR, day(3, 25)?)?.is_zero());
    assert!(books.balance(RECEIVABLES, Currency::EUR)?.is_zero());
    assert_eq!(books.balance(BANK_EUR, Currency::EUR)?, money!(213.19 EUR));
    assert_eq!(books.balance(HARDWARE, Currency::EUR)?, money!(30.00 EUR));
    assert_eq!(books.balance(SERVICES, Currency::EUR)?, money!(160.00 EUR));
    assert_eq!(books.balance(UNGROUPED, Currency::EUR)?, money!(4.99 EUR));
    assert_eq!(
        books.balance(VAT_STANDARD, Currency::EUR)?,
        money!(7.00 EUR)
    );
    assert_eq!(
        books.balance(VAT_REDUCED, Currency::EUR)?,
        money!(11.20 EUR)
    );
    assert!(books.ledger.trial_balance()?.is_balanced());
    Ok(())
}

#[test]
fn an_early_payment_takes_its_discount_to_the_discount_account() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    let mut order = sales.order("SO-2", Currency::EUR, day(3, 2)?, &[(WIDGET, 10)])?;
    let (issue, mut invoice) = raise(&mut order, "INV-2", day(3, 2)?, InvoiceScope::All)?;
    let posting = DocumentPosting::new(EntryId::from_u128(1), CUSTOMER, &sales.catalog);
    books.post(invoice_entry(&books.mapping, &issue, &posting)?)?;
    assert_eq!(
        books.owed(CUSTOMER, Currency::EUR, day(3, 2)?)?,
        money!(120.00 EUR)
    );

    // Within ten days, 2% of 120.00 off: 117.60 settles it.
    let offer = issue.schedule.discount.ok_or("an early-payment offer")?;
    assert_eq!(
        (offer.pay, offer.amount),
        (money!(117.60 EUR), money!(2.40 EUR))
    );
    let paid = pay(&mut invoice, offer.pay, day(3, 9)?)?;
    let booking = payment_booking(
        &books.mapping,
        &issue,
        &paid,
        &PaymentPosting::new(EntryId::from_u128(2), CUSTOMER),
    )?;
    let PaymentBooking::Entry(entry) = &booking else {
        return Err("a payment in euros is one entry".into());
    };
    assert_eq!(
        legs(entry),
        [
            "Debit 1000 117.60 EUR",
            "Debit 6100 2.40 EUR",
            "Credit 1200 120.00 EUR",
        ]
    );
    books.book(booking)?;
    assert!(books.owed(CUSTOMER, Currency::EUR, day(3, 9)?)?.is_zero());
    assert_eq!(books.balance(BANK_EUR, Currency::EUR)?, money!(117.60 EUR));
    assert_eq!(books.balance(DISCOUNTS, Currency::EUR)?, money!(2.40 EUR));
    assert_eq!(invoice.balance(), Some(money!(0.00 EUR)));
    Ok(())
}

#[test]
fn a_down_payment_is_held_until_earned_and_the_final_invoice_bills_the_rest() -> Result<(), Failure>
{
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    // Ten hours of support: 800.00 net, 56.00 VAT at 7%.
    let mut order = sales.order("SO-3", Currency::EUR, day(3, 2)?, &[(SUPPORT, 10)])?;
    let (down, mut down_invoice) = raise(
        &mut order,
        "INV-3A",
        day(3, 2)?,
        InvoiceScope::DownPayment(Percent::new(30.into())),
    )?;
    let posting = |id| DocumentPosting::new(EntryId::from_u128(id), CUSTOMER, &sales.catalog);
    let entry = invoice_entry(&books.mapping, &down, &posting(1))?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 1200 256.80 EUR",
            "Credit 2100 240.00 EUR",
            "Credit 2210 16.80 EUR",
        ]
    );
    assert_eq!(entry.description().as_str(), "down-payment invoice INV-3A");
    books.post(entry)?;
    let paid = pay(&mut down_invoice, money!(256.80 EUR), day(3, 20)?)?;
    books.book(payment_booking(
        &books.mapping,
        &down,
        &paid,
        &PaymentPosting::new(EntryId::from_u128(2), CUSTOMER),
    )?)?;
    assert_eq!(
        books.balance(DOWN_PAYMENTS, Currency::EUR)?,
        money!(240.00 EUR)
    );
    assert!(books.balance(SERVICES, Currency::EUR)?.is_zero());

    // The hours are worked: the down payment is earned, and the final
    // invoice bills the 70% left.
    let earned =
        down_payment_earned_entry(&books.mapping, &down_invoice, day(4, 15)?, &posting(3))?;
    assert_eq!(
        legs(&earned),
        ["Debit 2100 240.00 EUR", "Credit 4100 240.00 EUR"]
    );
    assert_eq!(earned.date(), day(4, 15)?);
    books.post(earned)?;
    let (last, mut last_invoice) = raise(&mut order, "INV-3B", day(4, 15)?, InvoiceScope::All)?;
    let entry = invoice_entry(&books.mapping, &last, &posting(4))?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 1200 599.20 EUR",
            "Credit 4100 560.00 EUR",
            "Credit 2210 39.20 EUR",
        ]
    );
    books.post(entry)?;
    let paid = pay(&mut last_invoice, money!(599.20 EUR), day(5, 10)?)?;
    books.book(payment_booking(
        &books.mapping,
        &last,
        &paid,
        &PaymentPosting::new(EntryId::from_u128(5), CUSTOMER),
    )?)?;

    assert!(books.balance(DOWN_PAYMENTS, Currency::EUR)?.is_zero());
    assert_eq!(books.balance(SERVICES, Currency::EUR)?, money!(800.00 EUR));
    assert_eq!(
        books.balance(VAT_REDUCED, Currency::EUR)?,
        money!(56.00 EUR)
    );
    assert_eq!(books.balance(BANK_EUR, Currency::EUR)?, money!(856.00 EUR));
    assert!(books.owed(CUSTOMER, Currency::EUR, day(5, 10)?)?.is_zero());

    // Only a down-payment invoice is earned.
    assert!(matches!(
        down_payment_earned_entry(&books.mapping, &last_invoice, day(5, 1)?, &posting(6)),
        Err(Error::NotPostable { event: SourceEvent::DownPaymentEarned(number), .. })
            if number.as_str() == "INV-3B"
    ));
    Ok(())
}

#[test]
fn a_down_payment_credited_in_part_earns_only_what_the_credit_left() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    let mut order = sales.order("SO-13", Currency::EUR, day(3, 2)?, &[(SUPPORT, 10)])?;
    let (down, mut down_invoice) = raise(
        &mut order,
        "INV-13A",
        day(3, 2)?,
        InvoiceScope::DownPayment(Percent::new(30.into())),
    )?;
    let posting = |id| DocumentPosting::new(EntryId::from_u128(id), CUSTOMER, &sales.catalog);
    books.post(invoice_entry(&books.mapping, &down, &posting(1))?)?;
    // 107.00 of the 256.80 down payment is credited: 100.00 net, 7.00 VAT.
    let note = credit(
        &mut down_invoice,
        "CN-13",
        day(3, 6)?,
        Credit::Correction {
            lines: vec![LineAmount::new(0, money!(107.00 EUR))],
        },
    )?;
    let entry = credit_note_entry(&books.mapping, &note, &down, &posting(2))?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 2100 100.00 EUR",
            "Debit 2210 7.00 EUR",
            "Credit 1200 107.00 EUR",
        ]
    );
    books.post(entry)?;
    assert_eq!(
        books.balance(DOWN_PAYMENTS, Currency::EUR)?,
        money!(140.00 EUR)
    );

    // Earned, only the 140.00 the credit left moves to revenue.
    let earned =
        down_payment_earned_entry(&books.mapping, &down_invoice, day(4, 15)?, &posting(3))?;
    assert_eq!(
        legs(&earned),
        ["Debit 2100 140.00 EUR", "Credit 4100 140.00 EUR"]
    );
    books.post(earned)?;
    let (last, _) = raise(&mut order, "INV-13B", day(4, 15)?, InvoiceScope::All)?;
    books.post(invoice_entry(&books.mapping, &last, &posting(4))?)?;
    assert!(books.balance(DOWN_PAYMENTS, Currency::EUR)?.is_zero());
    assert_eq!(books.balance(SERVICES, Currency::EUR)?, money!(700.00 EUR));
    assert_eq!(
        books.balance(VAT_REDUCED, Currency::EUR)?,
        money!(49.00 EUR)
    );
    assert_eq!(
        books.owed(CUSTOMER, Currency::EUR, day(4, 15)?)?,
        money!(749.00 EUR)
    );

    // Credited in full, there is nothing left to earn.
    let rest = credit(&mut down_invoice, "CN-14", day(4, 16)?, Credit::Full)?;
    books.post(credit_note_entry(
        &books.mapping,
        &rest,
        &down,
        &posting(5),
    )?)?;
    assert!(matches!(
        down_payment_earned_entry(&books.mapping, &down_invoice, day(4, 20)?, &posting(6)),
        Err(Error::NothingToPost { event: SourceEvent::DownPaymentEarned(number) })
            if number.as_str() == "INV-13A"
    ));
    // An invoice never issued has nothing to earn either.
    assert_eq!(
        down_payment_earned_entry(
            &books.mapping,
            &Invoice::default(),
            day(4, 20)?,
            &posting(6)
        )
        .err(),
        Some(Error::NotOpened { what: "invoice" })
    );
    Ok(())
}

// ----- Credit notes and refunds -----

#[test]
fn a_return_after_payment_keeps_its_restocking_fee_and_the_refund_clears_the_receivable()
-> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    let mut order = sales.order("SO-4", Currency::EUR, day(3, 2)?, &[(WIDGET, 5)])?;
    let (issue, mut invoice) = raise(&mut order, "INV-4", day(3, 2)?, InvoiceScope::All)?;
    let posting = |id| DocumentPosting::new(EntryId::from_u128(id), CUSTOMER, &sales.catalog);
    books.post(invoice_entry(&books.mapping, &issue, &posting(1))?)?;
    let paid = pay(&mut invoice, money!(60.00 EUR), day(3, 20)?)?;
    books.book(payment_booking(
        &books.mapping,
        &issue,
        &paid,
        &PaymentPosting::new(EntryId::from_u128(2), CUSTOMER),
    )?)?;

    // One widget comes back: 12.00 credited, 15% (1.80) kept back.
    let note = credit(
        &mut invoice,
        "CN-4",
        day(3, 25)?,
        Credit::Return {
            lines: vec![LineQuantity::new(0, Quantity::from(1))],
            restocking_fee: Some(Percent::new(15.into())),
        },
    )?;
    assert_eq!(
        (note.restocking_fee, note.refund),
        (money!(1.80 EUR), money!(10.20 EUR))
    );
    let entry = credit_note_entry(&books.mapping, &note, &issue, &posting(3))?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 4000 10.00 EUR",
            "Debit 2200 2.00 EUR",
            "Credit 1200 10.20 EUR",
            "Credit 4300 1.80 EUR",
        ]
    );
    assert_eq!(entry.postings()[2].party(), Some(CUSTOMER));
    books.post(entry)?;
    // The customer is owed the refund, as the invoice says.
    assert_eq!(invoice.balance(), Some(money!(-10.20 EUR)));
    assert_eq!(
        books.owed(CUSTOMER, Currency::EUR, day(3, 25)?)?,
        money!(-10.20 EUR)
    );

    // The refund is paid out.
    let mut credit_note = CreditNote::default();
    credit_note.handle(&CreditNoteCommand::Issue(Box::new(note.clone())))?;
    let issued = credit_note.decide(&CreditNoteCommand::Settle { on: day(3, 27)? })?;
    assert!(matches!(
        refund_entry(
            &books.mapping,
            &note,
            &CreditNoteEvent::Issued(Box::new(note.clone())),
            EntryId::from_u128(4),
            CUSTOMER
        ),
        Err(Error::UnexpectedEvent {
            expected: "settled",
            ..
        })
    ));
    let settled = credit_note.handle(&CreditNoteCommand::Settle { on: day(3, 27)? })?;
    assert_eq!(issued, settled);
    let refund = refund_entry(
        &books.mapping,
        &note,
        settled.first().ok_or("settled")?,
        EntryId::from_u128(4),
        CUSTOMER,
    )?;
    assert_eq!(
        legs(&refund),
        ["Debit 1200 10.20 EUR", "Credit 1000 10.20 EUR"]
    );
    assert_eq!(refund.date(), day(3, 27)?);
    books.post(refund)?;

    assert!(books.owed(CUSTOMER, Currency::EUR, day(3, 27)?)?.is_zero());
    assert!(books.balance(RECEIVABLES, Currency::EUR)?.is_zero());
    assert_eq!(books.balance(BANK_EUR, Currency::EUR)?, money!(49.80 EUR));
    assert_eq!(books.balance(HARDWARE, Currency::EUR)?, money!(40.00 EUR));
    assert_eq!(
        books.balance(VAT_STANDARD, Currency::EUR)?,
        money!(8.00 EUR)
    );
    assert_eq!(books.balance(RESTOCKING, Currency::EUR)?, money!(1.80 EUR));
    assert!(books.ledger.trial_balance()?.is_balanced());
    Ok(())
}

#[test]
fn credit_notes_before_payment_reduce_the_receivable_by_their_refund() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    let mut order = sales.order(
        "SO-5",
        Currency::EUR,
        day(3, 2)?,
        &[(WIDGET, 2), (SUPPORT, 1)],
    )?;
    let (issue, mut invoice) = raise(&mut order, "INV-5", day(3, 2)?, InvoiceScope::All)?;
    let posting = |id| DocumentPosting::new(EntryId::from_u128(id), CUSTOMER, &sales.catalog);
    // 20.00 + 4.00 VAT20, 80.00 + 5.60 VAT7: 109.60.
    books.post(invoice_entry(&books.mapping, &issue, &posting(1))?)?;
    assert_eq!(
        books.owed(CUSTOMER, Currency::EUR, day(3, 2)?)?,
        money!(109.60 EUR)
    );

    // A price correction of 10.70 gross on the support hour: 10.00 net,
    // 0.70 VAT.
    let correction = credit(
        &mut invoice,
        "CN-5A",
        day(3, 4)?,
        Credit::Correction {
            lines: vec![LineAmount::new(1, money!(10.70 EUR))],
        },
    )?;
    let entry = credit_note_entry(&books.mapping, &correction, &issue, &posting(2))?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 4100 10.00 EUR",
            "Debit 2210 0.70 EUR",
            "Credit 1200 10.70 EUR",
        ]
    );
    books.post(entry)?;
    assert_eq!(
        books.owed(CUSTOMER, Currency::EUR, day(3, 4)?)?,
        money!(98.90 EUR)
    );

    // The rest is credited in full: the invoice and the receivable net to zero.
    let full = credit(&mut invoice, "CN-5B", day(3, 6)?, Credit::Full)?;
    books.post(credit_note_entry(
        &books.mapping,
        &full,
        &issue,
        &posting(3),
    )?)?;
    assert_eq!(invoice.balance(), Some(money!(0.00 EUR)));
    assert!(books.owed(CUSTOMER, Currency::EUR, day(3, 6)?)?.is_zero());
    for code in [HARDWARE, SERVICES, VAT_STANDARD, VAT_REDUCED, RECEIVABLES] {
        assert!(
            books.balance(code, Currency::EUR)?.is_zero(),
            "account {code}"
        );
    }
    Ok(())
}

// ----- Invoices in dollars -----

#[test]
fn dollar_invoices_paid_at_a_gain_and_at_a_loss_realise_the_result_computed_by_hand()
-> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;

    // 100 widgets at 12.00 USD + 20% VAT: 1440.00 USD, booked at 0.90.
    let booked = usd_in_eur("0.90", day(3, 2)?)?;
    let mut order = sales.order("SO-6", Currency::USD, day(3, 2)?, &[(WIDGET, 100)])?;
    let (issue, mut invoice) = raise(&mut order, "INV-6", day(3, 2)?, InvoiceScope::All)?;
    let posting =
        DocumentPosting::new(EntryId::from_u128(1), US_CUSTOMER, &sales.catalog).at_rate(booked);
    let entry = invoice_entry(&books.mapping, &issue, &posting)?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 1200 1440.00 USD",
            "Credit 4000 1080.00 EUR",
            "Credit 2200 216.00 EUR",
            "Credit 1900 1440.00 USD",
            "Debit 1900 1296.00 EUR",
        ]
    );
    assert_eq!(entry.rates(), [booked]);
    books.post(entry)?;
    assert_eq!(
        books.owed(US_CUSTOMER, Currency::USD, day(3, 2)?)?,
        money!(1440.00 USD)
    );

    // Paid early, 2% off, when a dollar is worth 0.95: the discount at the
    // booking rate, the rest realising a gain.
    let offer = issue.schedule.discount.ok_or("an early-payment offer")?;
    assert_eq!(
        (offer.pay, offer.amount),
        (money!(1411.20 USD), money!(28.80 USD))
    );
    let paid = pay(&mut invoice, offer.pay, day(3, 10)?)?;
    let settled = usd_in_eur("0.95", day(3, 10)?)?;
    let foreign = ForeignPayment::new(booked, settled, EntryId::from_u128(3));
    let posting =
        PaymentPosting::new(EntryId::from_u128(2), US_CUSTOMER).in_foreign_currency(foreign);
    let booking = payment_booking(&books.mapping, &issue, &paid, &posting)?;
    let PaymentBooking::Foreign {
        discount: Some(discount),
        settlement,
    } = &booking
    else {
        return Err("a foreign payment with a discount".into());
    };
    assert_eq!(
        legs(discount),
        [
            "Debit 6100 25.92 EUR",
            "Credit 1200 28.80 USD",
            "Debit 1900 28.80 USD",
            "Credit 1900 25.92 EUR",
        ]
    );
    assert_eq!(discount.id(), EntryId::from_u128(3));
    assert_eq!(settlement.amount(), money!(1411.20 USD));
    assert_eq!(settlement.rate(), settled);
    let commands = booking.clone().into_commands();
    assert_eq!(commands.len(), 2);
    assert!(matches!(commands[0], LedgerCommand::Post(_)));
    assert!(matches!(commands[1], LedgerCommand::SettleForeign(_)));
    books.book(booking)?;

    let gain = realised_by_hand(money!(1411.20 USD), "0.90", "0.95")?;
    assert_eq!(gain, money!(70.56 EUR));
    assert_eq!(books.balance(FX_GAIN, Currency::EUR)?, gain);
    assert!(
        books
            .owed(US_CUSTOMER, Currency::USD, day(3, 10)?)?
            .is_zero()
    );
    assert_eq!(books.balance(BANK_USD, Currency::USD)?, money!(1411.20 USD));
    assert_eq!(books.balance(DISCOUNTS, Currency::EUR)?, money!(25.92 EUR));

    // 50 widgets, 720.00 USD, booked at 0.9137 (each leg rounded on its
    // own: 548.22 + 109.64), paid late at 1.25 dollars a euro (0.80).
    let booked = usd_in_eur("0.9137", day(3, 16)?)?;
    let mut order = sales.order("SO-7", Currency::USD, day(3, 16)?, &[(WIDGET, 50)])?;
    let (issue, mut invoice) = raise(&mut order, "INV-7", day(3, 16)?, InvoiceScope::All)?;
    let posting =
        DocumentPosting::new(EntryId::from_u128(4), US_CUSTOMER, &sales.catalog).at_rate(booked);
    let entry = invoice_entry(&books.mapping, &issue, &posting)?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 1200 720.00 USD",
            "Credit 4000 548.22 EUR",
            "Credit 2200 109.64 EUR",
            "Credit 1900 720.00 USD",
            "Debit 1900 657.86 EUR",
        ]
    );
    books.post(entry)?;
    let paid = pay(&mut invoice, money!(720.00 USD), day(4, 20)?)?;
    let settled = ExchangeRate::new(
        Currency::EUR,
        Currency::USD,
        Rate::new("1.25".parse()?),
        day(4, 20)?,
    )?;
    let foreign = ForeignPayment::new(booked, settled, EntryId::from_u128(6));
    let posting =
        PaymentPosting::new(EntryId::from_u128(5), US_CUSTOMER).in_foreign_currency(foreign);
    let booking = payment_booking(&books.mapping, &issue, &paid, &posting)?;
    let PaymentBooking::Foreign {
        discount: None,
        settlement,
    } = &booking
    else {
        return Err("a foreign payment without discount".into());
    };
    // The rate given either way round settles from dollars into euros.
    assert_eq!(settlement.rate(), usd_in_eur("0.8", day(4, 20)?)?);
    books.book(booking)?;

    let loss = realised_by_hand(money!(720.00 USD), "0.9137", "0.80")?;
    assert_eq!(loss, money!(-81.86 EUR));
    assert_eq!(books.balance(FX_LOSS, Currency::EUR)?, loss.neg());
    assert_eq!(books.balance(FX_GAIN, Currency::EUR)?, gain);
    assert!(
        books
            .owed(US_CUSTOMER, Currency::USD, day(4, 20)?)?
            .is_zero()
    );
    assert!(books.balance(RECEIVABLES, Currency::USD)?.is_zero());
    assert_eq!(books.balance(BANK_USD, Currency::USD)?, money!(2131.20 USD));
    // Revenue and VAT in euros at the booking rates.
    assert_eq!(books.balance(HARDWARE, Currency::EUR)?, money!(1628.22 EUR));
    assert_eq!(
        books.balance(VAT_STANDARD, Currency::EUR)?,
        money!(325.64 EUR)
    );
    assert!(books.ledger.trial_balance()?.is_balanced());
    Ok(())
}

#[test]
fn a_dollar_credit_note_is_converted_like_its_invoice_and_refunded_in_dollars()
-> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    let booked = usd_in_eur("0.90", day(3, 2)?)?;
    let mut order = sales.order("SO-8", Currency::USD, day(3, 2)?, &[(WIDGET, 10)])?;
    let (issue, mut invoice) = raise(&mut order, "INV-8", day(3, 2)?, InvoiceScope::All)?;
    let posting = |id| {
        DocumentPosting::new(EntryId::from_u128(id), US_CUSTOMER, &sales.catalog).at_rate(booked)
    };
    books.post(invoice_entry(&books.mapping, &issue, &posting(1))?)?;
    let paid = pay(&mut invoice, money!(144.00 USD), day(3, 20)?)?;
    let foreign = ForeignPayment::new(
        booked,
        usd_in_eur("0.90", day(3, 20)?)?,
        EntryId::from_u128(9),
    );
    books.book(payment_booking(
        &books.mapping,
        &issue,
        &paid,
        &PaymentPosting::new(EntryId::from_u128(2), US_CUSTOMER).in_foreign_currency(foreign),
    )?)?;
    // Paid at the booking rate: nothing realised.
    assert!(books.balance(FX_GAIN, Currency::EUR)?.is_zero());
    assert!(books.balance(FX_LOSS, Currency::EUR)?.is_zero());

    // Two widgets come back, no fee: 28.80 USD refunded.
    let note = credit(
        &mut invoice,
        "CN-8",
        day(3, 25)?,
        Credit::Return {
            lines: vec![LineQuantity::new(0, Quantity::from(2))],
            restocking_fee: None,
        },
    )?;
    let entry = credit_note_entry(&books.mapping, &note, &issue, &posting(3))?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 4000 21.60 EUR",
            "Debit 2200 4.32 EUR",
            "Credit 1200 28.80 USD",
            "Debit 1900 28.80 USD",
            "Credit 1900 25.92 EUR",
        ]
    );
    books.post(entry)?;
    assert_eq!(
        books.owed(US_CUSTOMER, Currency::USD, day(3, 25)?)?,
        money!(-28.80 USD)
    );
    let mut credit_note = CreditNote::default();
    credit_note.handle(&CreditNoteCommand::Issue(Box::new(note.clone())))?;
    let settled = credit_note.handle(&CreditNoteCommand::Settle { on: day(3, 26)? })?;
    let refund = foreign_refund_entry(
        &books.mapping,
        &note,
        settled.first().ok_or("settled")?,
        EntryId::from_u128(4),
        US_CUSTOMER,
        booked,
    )?;
    assert_eq!(refund.rates(), [booked]);
    assert_eq!(
        legs(&refund),
        ["Debit 1200 28.80 USD", "Credit 1010 28.80 USD"]
    );
    books.post(refund)?;
    assert!(
        books
            .owed(US_CUSTOMER, Currency::USD, day(3, 26)?)?
            .is_zero()
    );
    assert_eq!(books.balance(BANK_USD, Currency::USD)?, money!(115.20 USD));
    assert_eq!(books.balance(HARDWARE, Currency::EUR)?, money!(86.40 EUR));
    Ok(())
}

/// The ledger matches a customer's open items by due date, not by
/// invoice: a credit note on an invoice already paid settles the
/// customer's next open invoice, and its refund then opens an item of its
/// own. Paid in dollars, that item is valued at the rate its refund
/// carries: with [`foreign_refund_entry`] the credit note's, without one
/// the settlement is refused. Before the refund is paid out, the customer
/// owes less than the second invoice says, and paying it in full is
/// refused too.
#[test]
fn a_dollar_refund_carries_its_rate_for_the_customers_next_settlement() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let posting = |id, rate| {
        DocumentPosting::new(EntryId::from_u128(id), US_CUSTOMER, &sales.catalog).at_rate(rate)
    };
    let foreign = |id, booked, settled, discount| {
        PaymentPosting::new(EntryId::from_u128(id), US_CUSTOMER).in_foreign_currency(
            ForeignPayment::new(booked, settled, EntryId::from_u128(discount)),
        )
    };
    let (first_rate, second_rate) = (
        usd_in_eur("0.90", day(3, 2)?)?,
        usd_in_eur("0.92", day(3, 5)?)?,
    );
    let mut first_order = sales.order("SO-20", Currency::USD, day(3, 2)?, &[(WIDGET, 10)])?;
    let (first, first_invoice) = raise(&mut first_order, "INV-20", day(3, 2)?, InvoiceScope::All)?;
    let mut second_order = sales.order("SO-21", Currency::USD, day(3, 5)?, &[(WIDGET, 5)])?;
    let (second, second_invoice) =
        raise(&mut second_order, "INV-21", day(3, 5)?, InvoiceScope::All)?;
    // Both ways of refunding, in two books.
    let mut outcomes = Vec::new();
    for with_rate in [true, false] {
        let mut books = Books::open()?;
        books.post(invoice_entry(
            &books.mapping,
            &first,
            &posting(1, first_rate),
        )?)?;
        books.post(invoice_entry(
            &books.mapping,
            &second,
            &posting(2, second_rate),
        )?)?;
        let mut invoice = first_invoice.clone();
        let paid = pay(&mut invoice, money!(144.00 USD), day(3, 10)?)?;
        let at = usd_in_eur("0.93", day(3, 10)?)?;
        books.book(payment_booking(
            &books.mapping,
            &first,
            &paid,
            &foreign(3, first_rate, at, 4),
        )?)?;
        // Two widgets of the paid invoice come back: 28.80 USD, which the
        // ledger sets against the second invoice.
        let note = credit(
            &mut invoice,
            "CN-20",
            day(3, 12)?,
            Credit::Return {
                lines: vec![LineQuantity::new(0, Quantity::from(2))],
                restocking_fee: None,
            },
        )?;
        books.post(credit_note_entry(
            &books.mapping,
            &note,
            &first,
            &posting(5, first_rate),
        )?)?;
        let open: Vec<Money> = books
            .ledger
            .open_items(account(RECEIVABLES), day(3, 12)?)?
            .into_iter()
            .map(|item| item.open)
            .collect();
        assert_eq!(open, [money!(43.20 USD)]);
        // Before the refund is paid out, the second invoice's 72.00 is
        // more than the customer has open: the settlement is refused.
        let mut early = second_invoice.clone();
        let paid = pay(&mut early, money!(72.00 USD), day(3, 12)?)?;
        let at = usd_in_eur("0.94", day(3, 12)?)?;
        let booking = payment_booking(
            &books.mapping,
            &second,
            &paid,
            &foreign(9, second_rate, at, 10),
        )?;
        let refused = books.book(booking).map_err(|e| e.to_string()).err();
        assert!(
            refused
                .as_deref()
                .is_some_and(|m| m.contains("pays more than the 43.20 USD")),
            "{refused:?}"
        );
        let settled = CreditNoteEvent::Settled { on: day(3, 13)? };
        let refund = if with_rate {
            foreign_refund_entry(
                &books.mapping,
                &note,
                &settled,
                EntryId::from_u128(6),
                US_CUSTOMER,
                first_rate,
            )?
        } else {
            refund_entry(
                &books.mapping,
                &note,
                &settled,
                EntryId::from_u128(6),
                US_CUSTOMER,
            )?
        };
        assert_eq!(
            legs(&refund),
            ["Debit 1200 28.80 USD", "Credit 1010 28.80 USD"]
        );
        books.post(refund)?;
        // The second invoice is paid in full at 0.95.
        let mut later = second_invoice.clone();
        let paid = pay(&mut later, money!(72.00 USD), day(3, 20)?)?;
        let at = usd_in_eur("0.95", day(3, 20)?)?;
        let booking = payment_booking(
            &books.mapping,
            &second,
            &paid,
            &foreign(7, second_rate, at, 8),
        )?;
        let outcome = books.book(booking).map_err(|e| e.to_string());
        if outcome.is_ok() {
            assert!(
                books
                    .owed(US_CUSTOMER, Currency::USD, day(3, 20)?)?
                    .is_zero()
            );
            // 144.00 x 0.03 on the first invoice; on the second payment
            // 28.80 x 0.05 on the refund's item and 43.20 x 0.03 on the
            // rest of the second invoice, each rounded.
            let gains = [
                realised_by_hand(money!(144.00 USD), "0.90", "0.93")?,
                realised_by_hand(money!(28.80 USD), "0.90", "0.95")?,
                realised_by_hand(money!(43.20 USD), "0.92", "0.95")?,
            ];
            assert_eq!(
                gains,
                [money!(4.32 EUR), money!(1.44 EUR), money!(1.30 EUR)]
            );
            assert_eq!(books.balance(FX_GAIN, Currency::EUR)?, money!(7.06 EUR));
        }
        outcomes.push(outcome);
    }
    assert!(outcomes[0].is_ok());
    assert!(
        matches!(&outcomes[1], Err(message) if message.contains("carries no exchange rate")),
        "{:?}",
        outcomes[1]
    );
    Ok(())
}

// ----- The hand-off of an invoiced order -----

#[test]
fn an_invoiced_order_books_its_receivable_once() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let mut books = Books::open()?;
    let mut order = sales.order("SO-9", Currency::EUR, day(3, 2)?, &[(WIDGET, 4)])?;
    let mut stream = order.handle(&OrderCommand::Ship {
        on: day(3, 3)?,
        lines: vec![LineQuantity::new(0, Quantity::from(4))],
    })?;
    stream.extend(order.handle(&OrderCommand::Invoice {
        number: DocumentNumber::new("INV-9")?,
        on: day(3, 4)?,
        scope: InvoiceScope::Delivered,
        terms: terms()?,
    })?);
    let posting = DocumentPosting::new(EntryId::from_u128(1), CUSTOMER, &sales.catalog);
    let mut log = HandOffLog::default();
    let mut booked = 0;
    // The order's stream, twice: the second pass hands nothing off.
    for _ in 0..2 {
        for event in &stream {
            let Some(hand_off) = invoice_from_order(&log, &books.mapping, event, &posting)? else {
                continue;
            };
            booked += 1;
            assert_eq!(
                legs(&hand_off.output),
                [
                    "Debit 1200 48.00 EUR",
                    "Credit 4000 40.00 EUR",
                    "Credit 2200 8.00 EUR",
                ]
            );
            books.post(hand_off.output)?;
            let HandOffEvent::Processed(source) = hand_off.processed else {
                return Err("a hand-off event the test does not know".into());
            };
            assert_eq!(log.handle(&HandOffCommand::Record(source))?.len(), 1);
        }
    }
    assert_eq!(booked, 1);
    assert_eq!(log.len(), 1);
    let key = SourceEvent::InvoiceIssued(DocumentNumber::new("INV-9")?);
    assert!(log.is_processed(&key));
    assert_eq!(
        books.owed(CUSTOMER, Currency::EUR, day(3, 4)?)?,
        money!(48.00 EUR)
    );

    // A log rebuilt from its stored events hands nothing off either.
    let mut rebuilt = HandOffLog::default();
    rebuilt.replay(&HandOffEvent::Processed(key))?;
    let invoiced = stream.last().ok_or("invoiced")?;
    assert!(invoice_from_order(&rebuilt, &books.mapping, invoiced, &posting)?.is_none());
    // Without the log, the ledger's idempotency key refuses the entry again.
    let again = invoice_from_order(&HandOffLog::default(), &books.mapping, invoiced, &posting)?
        .ok_or("a fresh log hands off")?;
    assert!(matches!(
        books.ledger.handle(&LedgerCommand::Post(again.output)),
        Err(bureau_ledger::Error::AlreadyPosted { .. })
    ));
    Ok(())
}

// ----- Typed errors -----

#[test]
fn a_missing_mapping_names_the_event_and_the_key() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let books = Books::open()?;
    let mut order = sales.order(
        "SO-10",
        Currency::EUR,
        day(3, 2)?,
        &[(WIDGET, 1), (SUPPORT, 1)],
    )?;
    let (issue, _) = raise(&mut order, "INV-10", day(3, 2)?, InvoiceScope::All)?;
    let posting = DocumentPosting::new(EntryId::from_u128(1), CUSTOMER, &sales.catalog);
    let number = DocumentNumber::new("INV-10")?;

    let reduced = MappingKey::TaxPayable(TaxCode::new("VAT7")?);
    let mut mapping = books.mapping.clone();
    mapping.handle(&MappingCommand::Unmap(reduced.clone()))?;
    let err = invoice_entry(&mapping, &issue, &posting).err();
    assert_eq!(
        err,
        Some(Error::Missing {
            event: SourceEvent::InvoiceIssued(number.clone()),
            key: MissingKey::Account(reduced),
        })
    );
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("invoice INV-10 issued: missing account for tax payable under VAT7")
    );

    let services = MappingKey::Revenue(Some(ProductGroup::new("services")?));
    let mut mapping = books.mapping.clone();
    mapping.handle(&MappingCommand::Unmap(services.clone()))?;
    assert_eq!(
        invoice_entry(&mapping, &issue, &posting).err(),
        Some(Error::Missing {
            event: SourceEvent::InvoiceIssued(number.clone()),
            key: MissingKey::Account(services),
        })
    );

    // A product the catalog does not hold has no revenue group.
    let empty = Catalog::new();
    let elsewhere = DocumentPosting::new(EntryId::from_u128(1), CUSTOMER, &empty);
    assert_eq!(
        invoice_entry(&books.mapping, &issue, &elsewhere).err(),
        Some(Error::Missing {
            event: SourceEvent::InvoiceIssued(number.clone()),
            key: MissingKey::Product(WIDGET),
        })
    );

    // No base currency: the invoice cannot be told domestic or foreign.
    let mut unbased = AccountMapping::new();
    for (key, account) in books.mapping.accounts() {
        unbased.map(key.clone(), account)?;
    }
    assert_eq!(
        invoice_entry(&unbased, &issue, &posting).err(),
        Some(Error::Missing {
            event: SourceEvent::InvoiceIssued(number),
            key: MissingKey::BaseCurrency,
        })
    );
    Ok(())
}

#[test]
fn foreign_documents_without_rates_or_conversion_are_named() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let books = Books::open()?;
    let mut order = sales.order("SO-11", Currency::USD, day(3, 2)?, &[(WIDGET, 1)])?;
    let (issue, mut invoice) = raise(&mut order, "INV-11", day(3, 2)?, InvoiceScope::All)?;
    let number = DocumentNumber::new("INV-11")?;
    let usd_to_eur = MissingKey::ExchangeRate {
        from: Currency::USD,
        to: Currency::EUR,
    };
    let posting = DocumentPosting::new(EntryId::from_u128(1), US_CUSTOMER, &sales.catalog);
    assert_eq!(
        invoice_entry(&books.mapping, &issue, &posting).err(),
        Some(Error::Missing {
            event: SourceEvent::InvoiceIssued(number.clone()),
            key: usd_to_eur.clone(),
        })
    );
    // A rate between other currencies is no rate for this invoice.
    let pounds = ExchangeRate::new(
        Currency::GBP,
        Currency::EUR,
        Rate::new("1.15".parse()?),
        day(3, 2)?,
    )?;
    assert_eq!(
        invoice_entry(&books.mapping, &issue, &posting.at_rate(pounds)).err(),
        Some(Error::Missing {
            event: SourceEvent::InvoiceIssued(number.clone()),
            key: usd_to_eur.clone(),
        })
    );
    let booked = usd_in_eur("0.90", day(3, 2)?)?;
    let mut unconverted = books.mapping.clone();
    unconverted.handle(&MappingCommand::Unmap(MappingKey::Conversion))?;
    assert_eq!(
        invoice_entry(&unconverted, &issue, &posting.at_rate(booked)).err(),
        Some(Error::Missing {
            event: SourceEvent::InvoiceIssued(number.clone()),
            key: MissingKey::Account(MappingKey::Conversion),
        })
    );

    // A payment in dollars without its rates.
    let paid = pay(&mut invoice, money!(14.40 USD), day(3, 20)?)?;
    let plain = PaymentPosting::new(EntryId::from_u128(2), US_CUSTOMER);
    assert_eq!(
        payment_booking(&books.mapping, &issue, &paid, &plain).err(),
        Some(Error::Missing {
            event: SourceEvent::PaymentReceived(number.clone()),
            key: usd_to_eur.clone(),
        })
    );
    let wrong =
        plain.in_foreign_currency(ForeignPayment::new(booked, pounds, EntryId::from_u128(3)));
    assert_eq!(
        payment_booking(&books.mapping, &issue, &paid, &wrong).err(),
        Some(Error::Missing {
            event: SourceEvent::PaymentReceived(number.clone()),
            key: usd_to_eur,
        })
    );
    // The bank account in dollars is a key of its own.
    let mut no_dollar_bank = books.mapping.clone();
    no_dollar_bank.handle(&MappingCommand::Unmap(MappingKey::Bank(Currency::USD)))?;
    let rated = plain.in_foreign_currency(ForeignPayment::new(
        booked,
        usd_in_eur("0.91", day(3, 20)?)?,
        EntryId::from_u128(3),
    ));
    assert_eq!(
        payment_booking(&no_dollar_bank, &issue, &paid, &rated).err(),
        Some(Error::Missing {
            event: SourceEvent::PaymentReceived(number.clone()),
            key: MissingKey::Account(MappingKey::Bank(Currency::USD)),
        })
    );
    // Only a payment is booked as one.
    let issued = InvoiceEvent::Issued(Box::new(issue.clone()));
    assert!(matches!(
        payment_booking(&books.mapping, &issue, &issued, &rated),
        Err(Error::UnexpectedEvent {
            expected: "paid",
            found: "issued",
            ..
        })
    ));
    Ok(())
}

#[test]
fn a_credit_note_posted_against_another_invoice_is_refused() -> Result<(), Failure> {
    let sales = Sales::new()?;
    let books = Books::open()?;
    let mut order = sales.order("SO-12", Currency::EUR, day(3, 2)?, &[(WIDGET, 2)])?;
    let (first, mut first_invoice) = raise(
        &mut order,
        "INV-12",
        day(3, 2)?,
        InvoiceScope::DownPayment(Percent::new(50.into())),
    )?;
    let (second, _) = raise(&mut order, "INV-13", day(3, 3)?, InvoiceScope::All)?;
    let note = credit(&mut first_invoice, "CN-12", day(3, 4)?, Credit::Full)?;
    let posting = DocumentPosting::new(EntryId::from_u128(1), CUSTOMER, &sales.catalog);
    let err = credit_note_entry(&books.mapping, &note, &second, &posting).err();
    assert!(matches!(
        &err,
        Some(Error::NotPostable { event: SourceEvent::CreditNoteIssued(number), .. })
            if number.as_str() == "CN-12"
    ));
    assert_eq!(
        err.map(|e| e.to_string()).as_deref(),
        Some("credit note CN-12 issued: it credits invoice INV-12, not invoice INV-13")
    );
    // Against its own (down-payment) invoice it posts, the mirror of it.
    let entry = credit_note_entry(&books.mapping, &note, &first, &posting)?;
    assert_eq!(
        legs(&entry),
        [
            "Debit 2100 10.00 EUR",
            "Debit 2200 2.00 EUR",
            "Credit 1200 12.00 EUR",
        ]
    );
    Ok(())
}

// ----- Any sale, generated -----

/// Posts `sale` into its ledger: its invoices, then its payments, credit
/// notes and refunds in order, then, when the order began with a down
/// payment not credited since, the down payment earned on the final
/// invoice's day. Checks that every entry balances, that the ledger takes
/// every booking, that the customer's receivable is what the invoices
/// leave open plus the refunds paid out, that the bank holds what came in
/// less what went out, and that down payments received clear.
fn posts_to_its_open_balances(sale: &InvoicedSale) -> Result<(), Failure> {
    let mapping = &sale.chart.mapping;
    let mut ledger = sale.chart.ledger()?;
    let mut last = day(1, 1)?;
    let post = |ledger: &mut Ledger, entry: JournalEntry| -> Result<(), Failure> {
        assert_balanced(&entry);
        ledger.handle(&LedgerCommand::Post(entry))?;
        Ok(())
    };
    for (index, issue) in sale.invoices.iter().enumerate() {
        last = last.max(issue.on);
        post(
            &mut ledger,
            invoice_entry(mapping, issue, &sale.document_posting(index))?,
        )?;
    }
    let currency = sale.setup.currency;
    let mut bank = Money::zero(currency);
    let mut discounts = Money::zero(currency);
    let notes = sale.credit_notes();
    for (index, step) in sale.steps.iter().enumerate() {
        match step {
            SaleStep::Paid { invoice, event, .. } => {
                let issue = sale.invoices.get(*invoice).ok_or("invoice")?;
                let InvoiceEvent::Paid {
                    amount,
                    on,
                    discount,
                } = event
                else {
                    return Err("a payment".into());
                };
                bank = bank.checked_add(*amount)?;
                discounts = discounts.checked_add(*discount)?;
                let booking = payment_booking(mapping, issue, event, &sale.payment_posting(index))?;
                last = last.max(*on);
                for command in booking.into_commands() {
                    if let LedgerCommand::Post(entry) = &command {
                        assert_balanced(entry);
                    }
                    ledger.handle(&command)?;
                }
            }
            SaleStep::Credited { invoice, note } => {
                let issue = sale.invoices.get(*invoice).ok_or("invoice")?;
                let entry = credit_note_entry(mapping, note, issue, &sale.credit_posting(index))?;
                last = last.max(entry.date());
                post(&mut ledger, entry)?;
            }
            SaleStep::Refunded { note, event } => {
                let (invoice, note) = notes.get(*note).ok_or("credit note")?;
                bank = bank.checked_sub(note.refund)?;
                let (id, party) = (sale.refund_entry_id(index), strategy::CUSTOMER);
                let entry = match sale.booked.get(*invoice).copied().flatten() {
                    Some(booked) => foreign_refund_entry(mapping, note, event, id, party, booked)?,
                    None => refund_entry(mapping, note, event, id, party)?,
                };
                last = last.max(entry.date());
                post(&mut ledger, entry)?;
            }
            _ => return Err("a step the test does not know".into()),
        }
    }
    let credits_on_down_payment = notes.iter().filter(|(i, _)| *i == 0).count();
    let states = sale.invoice_states();
    if let (Some(down), Some(last_invoice), Some(state)) =
        (sale.invoices.first(), sale.invoices.get(1), states.first())
        && matches!(down.scope, InvoiceScope::DownPayment(_))
    {
        let mut posting = sale.document_posting(0);
        posting.entry = EntryId::from_u128(5000);
        // A down payment that held nothing in the base currency (no net,
        // one converted to less than a minor unit, or one credited in full)
        // has nothing to earn.
        match down_payment_earned_entry(mapping, state, last_invoice.on, &posting) {
            Ok(earned) => post(&mut ledger, earned)?,
            Err(Error::NothingToPost { .. }) => {}
            Err(other) => return Err(other.into()),
        }
        let held = sale
            .chart
            .account(&MappingKey::DownPayments)
            .ok_or("down payments")?;
        // Converted on their own, the credit notes and what they left may
        // each round: within a minor unit per credit note in a foreign
        // sale, exactly in a domestic one.
        let allowed = if mapping.base_currency() == Some(currency) {
            0
        } else {
            i128::try_from(credits_on_down_payment)?
        };
        for currency in ledger.currencies_of(held)? {
            let left = ledger.balance(held, currency)?.to_minor();
            assert!(
                left.abs() <= allowed,
                "{left} {currency} left in down payments"
            );
        }
    }

    let mut open = sale.refunded()?;
    for invoice in sale.invoice_states() {
        open = open.checked_add(invoice.balance().ok_or("issued")?)?;
    }
    let receivable = sale
        .chart
        .account(&MappingKey::Receivable)
        .ok_or("receivable")?;
    let items = ledger
        .open_items(receivable, last)?
        .into_iter()
        .filter(|item| item.party == strategy::CUSTOMER)
        .map(|item| item.open);
    assert_eq!(Money::checked_sum(items, currency)?, open);
    assert_eq!(ledger.balance(receivable, currency)?, open);
    let cash = sale
        .chart
        .account(&MappingKey::Bank(currency))
        .ok_or("bank")?;
    assert_eq!(ledger.balance(cash, currency)?, bank);
    if mapping.base_currency() == Some(currency) {
        let granted = sale
            .chart
            .account(&MappingKey::EarlyPaymentDiscounts)
            .ok_or("discounts")?;
        assert_eq!(ledger.balance(granted, currency)?, discounts);
    }
    assert!(ledger.trial_balance()?.is_balanced());
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    /// Any generated sale, in the base currency or another, invoiced at
    /// once or as a down payment and the rest, paid in parts, credited and
    /// refunded.
    #[test]
    fn any_invoiced_and_paid_sale_leaves_the_receivable_at_the_open_balances(
        sale in strategy::invoiced_sale(),
    ) {
        posts_to_its_open_balances(&sale).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
}
