//! A sale from quote to commission: a quote with a cumulative volume tier
//! and a document discount is accepted, which places the order; part of it
//! ships and is invoiced under 2/10 net 30; the customer pays early, then
//! returns some units, credited with a restocking fee; the rest ships and
//! is invoiced; and the two owners who share the deal get their commission
//! statements, the credit note clawing back what the return took away.
//!
//! Run with `cargo run --example sales --features sales`.

use bureau::sales::{
    AttainmentBand, Catalog, CommissionPlan, CommissionStatement, CommissionTier, Credit,
    CreditNote, CreditNoteCommand, CreditShare, CreditedSale, DiscountName, DiscountRule,
    DiscountTarget, Document, DocumentDiscount, DocumentLine, DocumentNumber, Invoice,
    InvoiceCommand, InvoiceEvent, InvoiceScope, LineQuantity, LineStep, Order, OrderCommand,
    OrderEvent, PaymentTerms, PriceBook, PriceList, PriceListCode, PriceTier, PricedDocument,
    Pricing, PricingConfig, Product, ProductGroup, ProductName, Quantity, Quota, Quote,
    QuoteCommand, SaleEventKind, SaleReference, Sku, TaxCategory, TaxCode, TaxKind, TaxRounding,
    TaxRule, TaxTable, TierBasis, TierMode, UnitOfMeasure, VolumeTier, commission_statement,
};
use bureau::{
    Aggregate, Currency, DateRange, EmployeeId, Percent, Period, ProductId, Rate, RoundingStrategy,
    money,
};
use chrono::NaiveDate;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

fn print(title: &str, priced: &PricedDocument, catalog: &Catalog) {
    println!("{title}");
    for line in priced.lines() {
        let name = catalog.get(line.product).map_or("?", |p| p.name().as_str());
        println!(
            "  {name:<14} {:>5} x {:>10}  net {:>12}  tax {:>10}  gross {:>12}",
            line.quantity.to_string(),
            line.unit_price.to_string(),
            line.net.to_string(),
            line.tax.to_string(),
            line.gross.to_string(),
        );
        for step in &line.steps {
            match step {
                LineStep::Discount {
                    rule,
                    percent,
                    amount,
                    ..
                } => {
                    let percent = percent.map_or(String::new(), |p| format!(" ({p})"));
                    println!("      {rule}{percent}: -{amount}");
                }
                LineStep::DocumentDiscount { amount } => {
                    println!("      document discount: -{amount}")
                }
                LineStep::Share { fraction } if *fraction < bureau::Decimal::ONE => {
                    println!("      share {:.4} of the open line", fraction);
                }
                _ => {}
            }
        }
    }
    let totals = priced.totals();
    println!(
        "  {:<14} list {}  discount {}  net {}  tax {}  gross {}\n",
        "total", totals.list_amount, totals.discount, totals.net, totals.tax, totals.gross
    );
}

fn print_statement(name: &str, statement: &CommissionStatement) {
    let attainment = statement
        .attainment
        .map_or("no quota".to_owned(), |a| format!("{a} of quota"));
    println!(
        "Commission statement of {name} for {}: credited {} ({attainment}), commission {}",
        statement.period, statement.credited, statement.commission
    );
    for line in &statement.lines {
        println!(
            "  {} {:<8} {:?}: credit {:>9}, cumulative {:>9}, commission {:>8}",
            line.date,
            line.reference.to_string(),
            line.kind,
            line.credited.to_string(),
            line.cumulative.to_string(),
            line.commission.to_string(),
        );
        let explanation = &line.explanation;
        for slice in &explanation.slices {
            println!(
                "      {} to {} at {} x {}",
                slice.from, slice.to, slice.rate, slice.multiplier
            );
        }
        println!(
            "      {}% share; commission on the cumulative credit {} before, {} after{}",
            explanation.share.value(),
            explanation.commission_before,
            explanation.commission_after,
            if explanation.capped { " (capped)" } else { "" }
        );
    }
    println!();
}

fn main() -> Result<()> {
    let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).ok_or("bad date");
    let standard = TaxCategory::new("standard")?;
    let widgets = ProductGroup::new("widgets")?;
    let (blue, red, cable) = (
        ProductId::from_u128(1),
        ProductId::from_u128(2),
        ProductId::from_u128(3),
    );
    let product = |id, sku: &str, name: &str| -> Result<Product> {
        Ok(Product::new(
            id,
            Sku::new(sku)?,
            ProductName::new(name)?,
            UnitOfMeasure::new("each")?,
            standard.clone(),
        ))
    };
    let catalog = Catalog::from_products([
        product(blue, "W-BLUE", "Blue widget")?.in_group(widgets.clone()),
        product(red, "W-RED", "Red widget")?.in_group(widgets.clone()),
        product(cable, "CABLE", "Cable")?,
    ])?;
    let year = DateRange::new(
        day(1, 1)?,
        NaiveDate::from_ymd_opt(2027, 1, 1).ok_or("date")?,
    )?;
    let prices =
        PriceBook::new([
            PriceList::new(PriceListCode::new("EU-2026")?, Currency::EUR, None, year)
                .with_prices(blue, [PriceTier::new(Quantity::ZERO, money!(12.50 EUR))?])?
                .with_prices(red, [PriceTier::new(Quantity::ZERO, money!(13.90 EUR))?])?
                .with_prices(cable, [PriceTier::new(Quantity::ZERO, money!(4.99 EUR))?])?,
        ]);
    let discounts = [DiscountRule::volume(
        DiscountName::new("Widget volume")?,
        DiscountTarget::Group(widgets),
        TierBasis::Cumulative,
        [
            VolumeTier::new(Quantity::from(20), Percent::new(5.into()))?,
            VolumeTier::new(Quantity::from(50), Percent::new(10.into()))?,
        ],
    )?];
    let taxes = TaxTable::new([TaxRule::new(
        TaxCode::new("VAT19")?,
        TaxKind::Percentage(Percent::new(19.into())),
        [standard.clone()],
    )?])?;
    // One configuration for every document of the sale.
    let config = PricingConfig::new(RoundingStrategy::MidpointAwayFromZero)
        .with_tax_rounding(TaxRounding::PerDocument);
    let engine = Pricing::new(&catalog, &prices, &taxes, config).with_discounts(&discounts);

    // The quote: 30 blue and 25 red widgets reach the 10% tier together.
    let offer = engine.price(
        &Document::new(Currency::EUR, day(4, 1)?)
            .with_line(DocumentLine::new(blue, Quantity::from(30)))
            .with_line(DocumentLine::new(red, Quantity::from(25)))
            .with_line(DocumentLine::new(cable, Quantity::from(10)))
            .with_discount(DocumentDiscount::Fixed(money!(20.00 EUR))),
    )?;
    print("Quote", &offer, &catalog);
    let mut quote = Quote::default();
    quote.handle(&QuoteCommand::Draft {
        priced: Box::new(offer),
        valid_until: day(4, 30)?,
    })?;
    quote.handle(&QuoteCommand::Send)?;
    let accepted = quote.handle(&QuoteCommand::Accept { on: day(4, 10)? })?;

    // Acceptance places the order.
    let place = accepted
        .iter()
        .find_map(|e| OrderCommand::from_acceptance(e, DocumentNumber::new("SO-1001").ok()?))
        .ok_or("no acceptance")?;
    let mut order = Order::default();
    order.handle(&place)?;
    order.handle(&OrderCommand::Ship {
        on: day(4, 14)?,
        lines: vec![
            LineQuantity::new(0, Quantity::from(30)),
            LineQuantity::new(1, Quantity::from(10)),
        ],
    })?;
    println!(
        "Order {} is {}; backorder {}\n",
        place_number(&order),
        order.status().ok_or("no status")?,
        order
            .backorder()
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    );

    // Invoice what was delivered, 2% off if paid within 10 days, net 30.
    let terms = PaymentTerms::net(30).with_early_payment(Percent::new(2.into()), 10)?;
    let raised = order.handle(&OrderCommand::Invoice {
        number: DocumentNumber::new("INV-2001")?,
        on: day(4, 15)?,
        scope: InvoiceScope::Delivered,
        terms,
    })?;
    let Some(OrderEvent::Invoiced(issue)) = raised.first() else {
        return Err("no invoice".into());
    };
    let mut invoice = Invoice::default();
    invoice.handle(&InvoiceCommand::Issue(issue.clone()))?;
    print(
        "Invoice INV-2001 (delivered units)",
        &issue.priced,
        &catalog,
    );
    let schedule = issue.schedule;
    let offer = schedule.discount.ok_or("no early-payment offer")?;
    println!(
        "  due {} ({}); pay {} by {} to take {} off\n",
        schedule.due, schedule.amount, offer.pay, offer.deadline, offer.amount
    );

    // Paid early: exactly the discounted amount settles it.
    let paid = invoice.handle(&InvoiceCommand::Pay {
        amount: offer.pay,
        on: day(4, 20)?,
    })?;
    if let Some(InvoiceEvent::Paid {
        amount, discount, ..
    }) = paid.first()
    {
        println!(
            "Paid {amount}, early-payment discount {discount}: invoice {}\n",
            invoice.status().ok_or("no status")?
        );
    }

    // Five red widgets come back; 15% restocking fee.
    let credited = invoice.handle(&InvoiceCommand::Credit {
        number: DocumentNumber::new("CN-3001")?,
        on: day(5, 2)?,
        credit: Credit::Return {
            lines: vec![LineQuantity::new(1, Quantity::from(5))],
            restocking_fee: Some(Percent::new(15.into())),
        },
    })?;
    let Some(InvoiceEvent::Credited(note)) = credited.first() else {
        return Err("no credit note".into());
    };
    let mut credit_note = CreditNote::default();
    credit_note.handle(&CreditNoteCommand::Issue(note.clone()))?;
    print(
        &format!("Credit note {} for invoice {}", note.number, note.invoice),
        &note.priced,
        &catalog,
    );
    println!(
        "  restocking fee {}; refund due {}; invoice balance {}",
        note.restocking_fee,
        note.refund,
        invoice.balance().ok_or("no balance")?
    );

    // Returning more than was invoiced is refused, naming the line.
    let refused = invoice.decide(&InvoiceCommand::Credit {
        number: DocumentNumber::new("CN-3002")?,
        on: day(5, 3)?,
        credit: Credit::Return {
            lines: vec![LineQuantity::new(1, Quantity::from(6))],
            restocking_fee: None,
        },
    });
    if let Err(err) = refused {
        println!("  refused: {err}\n");
    }

    // The rest ships and is invoiced.
    order.handle(&OrderCommand::Ship {
        on: day(5, 6)?,
        lines: vec![
            LineQuantity::new(1, Quantity::from(15)),
            LineQuantity::new(2, Quantity::from(10)),
        ],
    })?;
    let raised = order.handle(&OrderCommand::Invoice {
        number: DocumentNumber::new("INV-2002")?,
        on: day(5, 7)?,
        scope: InvoiceScope::Delivered,
        terms: PaymentTerms::net(30),
    })?;
    let Some(OrderEvent::Invoiced(second)) = raised.first() else {
        return Err("no second invoice".into());
    };
    print("Invoice INV-2002 (the rest)", &second.priced, &catalog);
    println!(
        "Order {} is {}\n",
        place_number(&order),
        order.status().ok_or("no status")?
    );

    // Commission: Ann and Bob share the deal 70/30; it is earned on the net
    // invoiced, and credit notes claw back. 4% up to 300.00 of credit, 6%
    // above; past Ann's quota of 400.00 the rates are 1.25 times higher.
    let (ann, bob) = (EmployeeId::from_u128(1), EmployeeId::from_u128(2));
    let shares = [
        CreditShare::new(ann, Percent::new(70.into())),
        CreditShare::new(bob, Percent::new(30.into())),
    ];
    let credited = |reference: &DocumentNumber, kind, amount, date| {
        CreditedSale::new(
            SaleReference::new(reference.as_str())?,
            kind,
            amount,
            date,
            shares,
        )
    };
    let sales = [
        credited(
            &issue.number,
            SaleEventKind::Invoiced,
            issue.priced.totals().net,
            issue.on,
        )?,
        credited(
            &note.number,
            SaleEventKind::InvoiceCredited,
            note.priced.totals().net,
            note.on,
        )?,
        credited(
            &second.number,
            SaleEventKind::Invoiced,
            second.priced.totals().net,
            second.on,
        )?,
    ];
    let plan = CommissionPlan::tiered(
        TierMode::Marginal,
        [
            CommissionTier::new(money!(0.00 EUR), Percent::new(4.into())),
            CommissionTier::new(money!(300.00 EUR), Percent::new(6.into())),
        ],
    )?
    .with_bands([AttainmentBand::new(
        Percent::new(100.into()),
        Rate::new("1.25".parse()?),
    )])?;
    let q2 = Period::quarter(2026, 2)?;
    let ann_quota = Quota::new(ann, q2, money!(400.00 EUR))?;
    let bob_quota = Quota::new(bob, q2, money!(400.00 EUR))?;
    let ann_statement = commission_statement(&plan, ann, q2, Some(&ann_quota), &sales)?;
    let bob_statement = commission_statement(&plan, bob, q2, Some(&bob_quota), &sales)?;
    print_statement("Ann", &ann_statement);
    print_statement("Bob", &bob_statement);
    Ok(())
}

fn place_number(order: &Order) -> String {
    order.number().map_or_else(String::new, ToString::to_string)
}
