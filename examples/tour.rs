//! A tour of bureau: money, allocation and fiscal periods.
//!
//! Run it with `cargo run --example tour`.

use bureau::{
    Decimal, FiscalCalendar, FiscalYearNaming, Granularity, Money, Percent, RoundingStrategy,
};
use chrono::NaiveDate;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("== Money is exact ==");
    let net: Money = "1249.99 EUR".parse()?;
    let vat = net.mul_rate(
        Percent::new(Decimal::from(19)).to_rate(),
        RoundingStrategy::MidpointAwayFromZero,
    )?;
    let gross = net.checked_add(vat)?;
    println!("net {net}, VAT 19% {vat}, gross {gross}");
    match net.checked_add("10.00 USD".parse()?) {
        Ok(_) => println!("unexpected: currencies mixed"),
        Err(error) => println!("adding USD to EUR: {error}"),
    }

    println!("\n== Allocation never loses a cent ==");
    let rent: Money = "10000.00 USD".parse()?;
    let weights = [Decimal::from(3), Decimal::from(3), Decimal::from(3)];
    let parts = rent.allocate(&weights)?;
    for (department, part) in ["sales", "support", "engineering"].iter().zip(&parts) {
        println!("{department:>12}: {part:>12}");
    }
    println!(
        "{:>12}: {:>12}",
        "total",
        Money::checked_sum(parts.iter().copied(), rent.currency())?
    );

    println!("\n== Fiscal periods ==");
    let fiscal = FiscalCalendar::new(10, FiscalYearNaming::EndYear)?;
    let today = NaiveDate::from_ymd_opt(2026, 11, 25).ok_or("date")?;
    let quarter = fiscal.period_containing(today, Granularity::Quarter)?;
    println!("{today} falls in {quarter} {}", quarter.range());
    for month in fiscal
        .year_containing(today)
        .periods(Granularity::Month)?
        .iter()
        .take(3)
    {
        println!("  {month} {}", month.range());
    }
    Ok(())
}
