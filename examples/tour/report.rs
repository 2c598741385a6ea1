//! The reports the tour prints at the end of the simulation: the books,
//! receivables, the pipeline, service levels, payroll, and the metrics that
//! see both offices at once.

use std::collections::BTreeMap;
use std::fmt::Write;

use bureau::flows::metrics::{
    CustomerService, SupportTime, adherence_and_churn, cost_to_serve, days_sales_outstanding,
    quote_to_cash, revenue_per_employee,
};
use bureau::ledger::AccountClass;
use bureau::sales::{ForecastOptions, OpportunityStatus, funnel, weighted_forecast};
use bureau::sla::{GroupBy, GroupKey, Outcome, adherence};
use bureau::{Currency, Decimal, Money, RoundingStrategy};
use chrono::{NaiveDate, TimeDelta};

use super::Failure;
use super::company::{BASE, FOREIGN};
use super::simulation::{Company, berlin};

const ROUNDING: RoundingStrategy = RoundingStrategy::MidpointNearestEven;

/// Every report, in the order a controller reads them.
pub fn print(company: &Company<'_>, out: &mut String) -> Result<(), Failure> {
    let setup = company.setup;
    let last = setup.end.pred_opt().ok_or("date")?;
    writeln!(
        out,
        "bureau tour: {} to {}, {} customers at the start, {} staff",
        setup.start,
        last,
        setup.customers,
        setup.staff.len()
    )?;
    writeln!(
        out,
        "simulated: leads {}, opportunities {}, invoices {} (with the month before's), credit notes {}, support cases {}, ledger entries {}",
        company.lead_count(),
        company.opportunities.len(),
        company.invoices.len(),
        company.credit_note_count(),
        company.cases.len(),
        company.ledger.entries().count()
    )?;
    books(company, last, out)?;
    receivables(company, last, out)?;
    pipeline(company, last, out)?;
    service_levels(company, last, out)?;
    payroll(company, out)?;
    metrics(company, last, out)?;
    Ok(())
}

fn books(company: &Company<'_>, last: NaiveDate, out: &mut String) -> Result<(), Failure> {
    let ledger = &company.ledger;
    writeln!(out, "\n== Trial balance at {last} ==")?;
    let trial = ledger.trial_balance()?;
    write!(out, "{trial}")?;
    writeln!(out, "debits equal credits: {}", yes(trial.is_balanced()))?;

    writeln!(out, "\n== Income statement {} ==", company.setup.range()?)?;
    let income = ledger.income_statement(company.setup.range()?)?;
    write!(out, "{income}")?;

    writeln!(out, "\n== Balance sheet at {last} ==")?;
    let sheet = ledger.balance_sheet(last)?;
    for currency in sheet.currencies() {
        let total = |class| sheet.total(class, *currency).map(|m| m.to_string());
        writeln!(
            out,
            "{currency}: assets {}, liabilities {}, equity {}, current earnings {}",
            total(AccountClass::Asset)?,
            total(AccountClass::Liability)?,
            total(AccountClass::Equity)?,
            sheet.current_earnings(*currency)?
        )?;
    }
    writeln!(
        out,
        "assets = liabilities + equity + current earnings: {}",
        yes(sheet.is_balanced())
    )?;
    Ok(())
}

fn receivables(company: &Company<'_>, last: NaiveDate, out: &mut String) -> Result<(), Failure> {
    writeln!(out, "\n== Receivables aging at {last} ==")?;
    let lines = company.ledger.aging(company.setup.receivables, last)?;
    writeln!(
        out,
        "{:<8} {:>14} {:>12} {:>12} {:>12} {:>12} {:>14}",
        "", "current", "1-30", "31-60", "61-90", "over 90", "total"
    )?;
    for currency in [BASE, FOREIGN] {
        let mut sums = [0_i128; 5];
        for line in lines.iter().filter(|l| l.currency == currency) {
            let b = &line.buckets;
            for (sum, bucket) in sums.iter_mut().zip([
                b.current,
                b.days_1_30,
                b.days_31_60,
                b.days_61_90,
                b.over_90,
            ]) {
                *sum += bucket.to_minor();
            }
        }
        let m = |minor| Money::from_minor(minor, currency).map(|m| m.amount().to_string());
        writeln!(
            out,
            "{currency:<8} {:>14} {:>12} {:>12} {:>12} {:>12} {:>14}",
            m(sums[0])?,
            m(sums[1])?,
            m(sums[2])?,
            m(sums[3])?,
            m(sums[4])?,
            m(sums.iter().sum())?
        )?;
        let open = open_invoices(company, currency)?;
        writeln!(
            out,
            "{currency:<8} open invoices {open}: the aging {} them",
            if open.to_minor() == sums.iter().sum::<i128>() {
                "equals"
            } else {
                "DIFFERS from"
            }
        )?;
    }
    Ok(())
}

/// The balance still owed on every invoice in `currency`.
pub fn open_invoices(company: &Company<'_>, currency: Currency) -> Result<Money, Failure> {
    let mut open = Money::zero(currency);
    for file in &company.invoices {
        let balance = file.invoice.balance().ok_or("issued")?;
        if balance.currency() == currency && balance.is_positive() {
            open = open.checked_add(balance)?;
        }
    }
    Ok(open)
}

fn pipeline(company: &Company<'_>, last: NaiveDate, out: &mut String) -> Result<(), Failure> {
    let deals: Vec<_> = company
        .opportunities
        .iter()
        .map(|f| &f.opportunity)
        .collect();
    let open: Vec<_> = deals
        .iter()
        .copied()
        .filter(|o| o.status() == Some(OpportunityStatus::Open))
        .collect();
    let forecast = weighted_forecast(open.iter().copied(), &ForecastOptions::new(BASE))?;
    writeln!(
        out,
        "\n== Sales forecast at {last} (open deals, weighted by stage) =="
    )?;
    writeln!(
        out,
        "{:<16} {:>6} {:>16} {:>16}",
        "stage", "deals", "amount", "weighted"
    )?;
    for (stage, total) in &forecast.by_stage {
        writeln!(
            out,
            "{:<16} {:>6} {:>16} {:>16}",
            stage.as_str(),
            total.count,
            total.amount.to_string(),
            total.weighted.to_string()
        )?;
    }
    for (period, total) in &forecast.by_period {
        writeln!(
            out,
            "closing in {period}: {} deals, {} weighted",
            total.count, total.weighted
        )?;
    }
    writeln!(
        out,
        "{:<16} {:>6} {:>16} {:>16}",
        "total",
        forecast.total.count,
        forecast.total.amount.to_string(),
        forecast.total.weighted.to_string()
    )?;
    let won = deals
        .iter()
        .filter(|o| o.status() == Some(OpportunityStatus::Won))
        .count();
    let lost = deals
        .iter()
        .filter(|o| o.status() == Some(OpportunityStatus::Lost))
        .count();
    writeln!(
        out,
        "\n== Funnel ({} opportunities: {won} won, {lost} lost) ==",
        deals.len()
    )?;
    for step in funnel(&company.setup.pipeline, deals.iter().copied(), ROUNDING) {
        writeln!(
            out,
            "{:<16} reached {:>6}  advanced {:>6}  conversion {}",
            step.stage.as_str(),
            step.reached,
            step.advanced,
            step.conversion.map_or("-".to_owned(), |p| p.to_string())
        )?;
    }
    Ok(())
}

fn service_levels(company: &Company<'_>, last: NaiveDate, out: &mut String) -> Result<(), Failure> {
    let now = berlin(last, 23, 59)?;
    let evaluations = company.evaluations(now)?;
    writeln!(
        out,
        "\n== Service levels at {last} ({} cases on the Berlin desk, 09:00-17:00) ==",
        company.cases.len()
    )?;
    writeln!(
        out,
        "{:<20} {:>9} {:>9} {:>10} {:>14} {:>14}",
        "", "achieved", "breached", "adherence", "median reply", "median solve"
    )?;
    for group in [GroupBy::Metric, GroupBy::Priority] {
        for row in adherence(&evaluations, group)? {
            if row.achieved + row.breached == 0 {
                continue;
            }
            let key = match &row.key {
                GroupKey::Metric(metric) => metric.to_string(),
                GroupKey::Priority(priority) => format!("priority {priority}"),
                other => format!("{other:?}"),
            };
            writeln!(
                out,
                "{key:<20} {:>9} {:>9} {:>10} {:>14} {:>14}",
                row.achieved,
                row.breached,
                row.achieved_percent
                    .map_or("-".to_owned(), |p| p.to_string()),
                hours(row.first_reply.median),
                hours(row.resolution.median)
            )?;
        }
    }
    let flagged = company.flags.flagged().count();
    let churned = company.customers.iter().filter(|c| c.churned).count();
    writeln!(
        out,
        "customers flagged now: {flagged}; customers lost after repeated breaches: {churned}"
    )?;
    Ok(())
}

fn hours(duration: Option<TimeDelta>) -> String {
    duration.map_or("-".to_owned(), |d| {
        format!("{}h{:02}", d.num_hours(), d.num_minutes() % 60)
    })
}

fn payroll(company: &Company<'_>, out: &mut String) -> Result<(), Failure> {
    writeln!(out, "\n== Payroll ==")?;
    writeln!(
        out,
        "{:<8} {:>8} {:>14} {:>14} {:>14} {:>14} {:>9} {:>7} {:>7}",
        "month",
        "payslips",
        "gross",
        "employer",
        "income tax",
        "net",
        "overtime",
        "unpaid",
        "leave"
    )?;
    for month in &company.payroll {
        writeln!(
            out,
            "{:<8} {:>8} {:>14} {:>14} {:>14} {:>14} {:>8}h {:>6}d {:>6}d",
            month.period.to_string(),
            month.payslips,
            month.gross.to_string(),
            month.employer.to_string(),
            month.tax.to_string(),
            month.net.to_string(),
            month.overtime_hours,
            month.unpaid_days,
            month.leave_days
        )?;
    }
    Ok(())
}

fn metrics(company: &Company<'_>, last: NaiveDate, out: &mut String) -> Result<(), Failure> {
    let setup = company.setup;
    writeln!(out, "\n== Both offices at once ==")?;
    let income = company.ledger.income_statement(setup.range()?)?;
    let revenue = income.total_income(BASE)?;
    let headcount = Decimal::from(setup.staff.len());
    writeln!(
        out,
        "revenue {revenue}; per employee {}",
        revenue_per_employee(revenue, headcount, ROUNDING)?
    )?;

    let times: Vec<SupportTime> = company
        .cases
        .iter()
        .map(|c| SupportTime::new(company.customers[c.customer].party, c.spent))
        .collect();
    let costs = cost_to_serve(&times, setup.support_hour, ROUNDING)?;
    let total = Money::checked_sum(costs.values().copied(), BASE)?;
    let dearest = costs
        .iter()
        .max_by_key(|(party, cost)| (cost.to_minor(), std::cmp::Reverse(**party)));
    writeln!(
        out,
        "cost to serve at {} an hour: {total} over {} customers{}",
        setup.support_hour,
        costs.len(),
        dearest.map_or(String::new(), |(party, cost)| format!(
            "; highest {cost} (customer {})",
            party.as_uuid().as_u128()
        ))
    )?;

    let cycles: Vec<(NaiveDate, NaiveDate)> = company
        .invoices
        .iter()
        .filter_map(|i| Some((i.deal_ordered?, i.paid_on?)))
        .collect();
    if cycles.is_empty() {
        writeln!(out, "quote to cash: no won deal paid yet")?;
    } else {
        let times = quote_to_cash(&cycles)?;
        writeln!(
            out,
            "quote to cash over {} paid deals: mean {} days, median {}, longest {}",
            times.deals, times.mean_days, times.median_days, times.longest_days
        )?;
    }

    let outstanding = company.ledger.balance(setup.receivables, BASE)?;
    let sales_eur = sales_in(company, BASE)?;
    let days = u32::try_from((setup.end - setup.start).num_days())?;
    if !sales_eur.is_zero() {
        writeln!(
            out,
            "days sales outstanding (EUR invoices): {}",
            days_sales_outstanding(outstanding, sales_eur, days)?
        )?;
    }

    // Per customer: targets met and measured, and whether they left.
    let mut service: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
    let now = berlin(last, 23, 59)?;
    for (case, evaluation) in company.cases.iter().zip(company.evaluations(now)?) {
        let tally = service.entry(case.customer).or_default();
        for metric in &evaluation.metrics {
            for cycle in &metric.completed {
                match cycle.outcome {
                    Outcome::Achieved => {
                        tally.0 += 1;
                        tally.1 += 1;
                    }
                    Outcome::Breached { .. } => tally.1 += 1,
                    _ => {}
                }
            }
        }
    }
    let customers = company
        .customers
        .iter()
        .enumerate()
        .map(|(index, customer)| {
            let (met, measured) = service.get(&index).copied().unwrap_or_default();
            CustomerService::new(customer.segment, met, measured, customer.churned)
        });
    writeln!(
        out,
        "{:<16} {:>9} {:>14} {:>8}",
        "segment", "customers", "SLA adherence", "churn"
    )?;
    for row in adherence_and_churn(customers)? {
        writeln!(
            out,
            "{:<16} {:>9} {:>14} {:>8}",
            row.segment,
            row.customers,
            row.adherence.map_or("-".to_owned(), |p| p.to_string()),
            row.churn.to_string()
        )?;
    }
    writeln!(
        out,
        "payments: {} late, {} in dollars; {} returns, {} refunded, {} set off against their invoice",
        company.late_payments,
        company.foreign_payments,
        company.returns,
        company.refunds,
        company.set_off
    )?;
    Ok(())
}

/// The gross of every invoice in `currency`.
fn sales_in(company: &Company<'_>, currency: Currency) -> Result<Money, Failure> {
    let mut total = Money::zero(currency);
    for file in &company.invoices {
        let gross = file.issue.priced.totals().gross;
        if gross.currency() == currency {
            total = total.checked_add(gross)?;
        }
    }
    Ok(total)
}

fn yes(value: bool) -> &'static str {
    if value { "yes" } else { "NO" }
}
