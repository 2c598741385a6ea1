//! A month of a small shop's books: opening capital, stock bought on credit,
//! cash and card sales (the card payments as two-phase transfers), sales on
//! account, rent, a mistaken entry reversed, the supplier paid, then the
//! trial balance, the income statement, the balance sheet, a cash statement,
//! the receivables aging and the audit chain.
//!
//! Run it with `cargo run --example ledger`.

use bureau::ledger::{
    Account, AccountId, AccountKind, BalanceLimit, CurrencyPolicy, EntryBuilder, EntryId,
    JournalEntry, Ledger, PendingAmounts, PendingPost, Posting, Reversal, SoftLock,
};
use bureau::{Currency, Money, PartyId, Period};
use chrono::{Days, NaiveDate};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let usd = Currency::USD;
    let money =
        |text: &str| -> Result<Money, bureau::core::Error> { format!("{text} USD").parse() };
    let day = |d: u32| NaiveDate::from_ymd_opt(2026, 3, d).ok_or("no such day");
    let opened = day(1)?;
    let receivables = AccountId::from_u128(1200);
    let (cafe, school) = (PartyId::from_u128(1), PartyId::from_u128(2));
    let acct = AccountId::from_u128;
    let (cash, card_clearing, stock, payables, capital, retained, sales, cost, rent) = (
        acct(1000),
        acct(1100),
        acct(1300),
        acct(2000),
        acct(3000),
        acct(3200),
        acct(4000),
        acct(5000),
        acct(6100),
    );

    let mut ledger = Ledger::new();
    let chart = [
        (cash, "1000", "Cash", AccountKind::ASSET),
        (card_clearing, "1100", "Card clearing", AccountKind::ASSET),
        (stock, "1300", "Stock", AccountKind::ASSET),
        (receivables, "1200", "Receivables", AccountKind::ASSET),
        (payables, "2000", "Payables", AccountKind::LIABILITY),
        (capital, "3000", "Owner's capital", AccountKind::EQUITY),
        (retained, "3200", "Retained earnings", AccountKind::EQUITY),
        (sales, "4000", "Sales", AccountKind::INCOME),
        (cost, "5000", "Cost of goods sold", AccountKind::EXPENSE),
        (rent, "6100", "Rent", AccountKind::EXPENSE),
    ];
    for (id, code, name, kind) in chart {
        let mut account = Account::new(id, code.parse()?, name.parse()?, kind, opened)
            .with_currencies(CurrencyPolicy::Only(usd));
        if id == cash {
            // The till cannot go below zero.
            account = account.with_limit(BalanceLimit::CreditsMustNotExceedDebits);
        }
        ledger.open_account(account)?;
    }

    // Entry ids are the caller's: here simply 1, 2, 3, ...
    let counter = std::cell::Cell::new(0_u128);
    let new_id = || {
        counter.set(counter.get() + 1);
        EntryId::from_u128(counter.get())
    };
    let entry = |date: NaiveDate, text: &str| -> Result<EntryBuilder, bureau::ledger::Error> {
        Ok(JournalEntry::builder(new_id(), date, text.parse()?))
    };

    ledger.post(
        entry(day(1)?, "owner puts in capital")?
            .debit(cash, money("5000.00")?)
            .credit(capital, money("5000.00")?)
            .build()?,
    )?;
    ledger.post(
        entry(day(2)?, "stock bought on 30 days' credit")?
            .debit(stock, money("2400.00")?)
            .credit(payables, money("2400.00")?)
            .build()?,
    )?;
    ledger.post(
        entry(day(3)?, "rent for March")?
            .debit(rent, money("1200.00")?)
            .credit(cash, money("1200.00")?)
            .build()?,
    )?;

    // Every shop day: cash sales, and card sales authorised (pending) then
    // captured at the end of the day, sometimes for less (a returned item).
    for d in 4..=28 {
        let date = day(d)?;
        let takings = Money::from_minor(15_000 + i128::from(d % 7) * 2_500, usd)?;
        let cost_of_sale = Money::from_minor(takings.to_minor() * 2 / 5, usd)?;
        ledger.post_batch(vec![
            entry(date, "cash sales")?
                .debit(cash, takings)
                .credit(sales, takings)
                .build()?,
            entry(date, "stock sold at cost")?
                .debit(cost, cost_of_sale)
                .credit(stock, cost_of_sale)
                .build()?,
        ])?;
        let card = entry(date, "card sales authorised")?
            .debit(card_clearing, money("80.00")?)
            .credit(sales, money("80.00")?)
            .build()?;
        let pending = card.id();
        let timeout = date.and_hms_opt(23, 0, 0).ok_or("time")?.and_utc();
        ledger.create_pending(card, Some(timeout))?;
        let captured = if d % 5 == 0 {
            PendingAmounts::Partial(vec![money("55.00")?, money("55.00")?])
        } else {
            PendingAmounts::Full
        };
        let evening = date.and_hms_opt(18, 0, 0).ok_or("time")?.and_utc();
        ledger.post_pending(PendingPost {
            pending,
            entry: new_id(),
            date,
            amounts: captured,
            now: evening,
        })?;
    }

    // Two customers buy on account, on 14 days' terms; the cafe pays in part.
    for (party, d, amount) in [
        (cafe, 2, "180.00"),
        (school, 9, "420.00"),
        (cafe, 16, "95.00"),
    ] {
        ledger.post(
            entry(day(d)?, "sale on account")?
                .posting(
                    Posting::debit(receivables, money(amount)?)
                        .with_party(party)
                        .with_due_date(day(d + 14)?),
                )
                .credit(sales, money(amount)?)
                .build()?,
        )?;
    }
    ledger.post(
        entry(day(20)?, "cafe pays")?
            .debit(cash, money("200.00")?)
            .posting(Posting::credit(receivables, money("200.00")?).with_party(cafe))
            .build()?,
    )?;

    // A typing mistake, corrected by reversal: entries are never edited.
    let mistake = entry(day(20)?, "rent typed twice")?
        .debit(rent, money("1200.00")?)
        .credit(cash, money("1200.00")?)
        .build()?;
    let mistake_id = mistake.id();
    ledger.post(mistake)?;
    ledger.reverse(Reversal {
        original: mistake_id,
        entry: new_id(),
        date: day(20)?,
    })?;

    // Paying the supplier more than the till holds is refused.
    let too_much = entry(day(29)?, "supplier paid")?
        .debit(payables, money("20000.00")?)
        .credit(cash, money("20000.00")?)
        .build()?;
    match ledger.post(too_much) {
        Ok(_) => println!("unexpected: the till went negative"),
        Err(refusal) => println!("refused: {refusal}"),
    }
    ledger.post(
        entry(day(30)?, "supplier paid")?
            .debit(payables, money("2400.00")?)
            .credit(cash, money("2400.00")?)
            .build()?,
    )?;

    // February is over: only the controller may still post into it.
    ledger.lock_period(SoftLock::new(Period::month(2026, 2)?))?;

    let march = Period::month(2026, 3)?;
    println!("\n== trial balance, {march} ==");
    let trial = ledger.trial_balance()?;
    print!("{trial}");
    println!("balanced: {}", trial.is_balanced());

    println!("\n== profit and loss, {march} ==");
    print!("{}", ledger.income_statement(march.range())?);

    let month_end = march.range().last_day().ok_or("empty month")?;
    let sheet = ledger.balance_sheet(month_end)?;
    println!("\n== balance sheet at {month_end} ==");
    for class in [
        bureau::ledger::AccountClass::Asset,
        bureau::ledger::AccountClass::Liability,
        bureau::ledger::AccountClass::Equity,
    ] {
        println!("{class:<30} {:>18}", sheet.total(class, usd)?.to_string());
    }
    println!(
        "{:<30} {:>18}",
        "current earnings",
        sheet.current_earnings(usd)?.to_string()
    );
    println!(
        "assets = liabilities + equity + earnings: {}",
        sheet.is_balanced()
    );

    let week = bureau::DateRange::new(
        day(25)?,
        day(25)?.checked_add_days(Days::new(7)).ok_or("date")?,
    )?;
    println!("\n== cash statement {week} ==");
    let statement = ledger.statement(cash, usd, week)?;
    println!("{:<40} {:>14}", "opening", statement.opening().to_string());
    for line in statement.lines() {
        println!(
            "{} {:<29} {:>14} {:>14} {:>14}",
            line.entry.date(),
            line.entry.description(),
            line.debit.to_string(),
            line.credit.to_string(),
            line.balance.to_string()
        );
    }

    println!("\n== receivables aging at {month_end} ==");
    println!(
        "{:<10} {:>12} {:>12} {:>12} {:>12} {:>12}",
        "customer", "current", "1-30", "31-60", "61-90", "over 90"
    );
    for line in ledger.aging(receivables, month_end)? {
        let b = line.buckets;
        let name = if line.party == cafe { "cafe" } else { "school" };
        println!(
            "{name:<10} {:>12} {:>12} {:>12} {:>12} {:>12}",
            b.current.to_string(),
            b.days_1_30.to_string(),
            b.days_31_60.to_string(),
            b.days_61_90.to_string(),
            b.over_90.to_string()
        );
    }

    ledger.verify()?;
    println!(
        "\naudit chain of {} entries verifies; head {}",
        ledger.entries().count(),
        ledger.head()
    );
    Ok(())
}
