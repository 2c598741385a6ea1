//! The tour's month as a test: the same simulation the example runs, checked
//! against the identities every set of books and every service desk must
//! keep, and against a count done by hand; the stored chain verified after
//! the SQLite file is reopened; and the month stored in PostgreSQL printing
//! exactly what it prints on SQLite.
//!
//! PostgreSQL runs at `DATABASE_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`). Under `CI` a missing server
//! fails the test; elsewhere that part is skipped with a loud message.

#[path = "../examples/tour/main.rs"]
#[allow(dead_code)]
mod tour;

use std::io::Write as _;
use std::path::PathBuf;

use bureau::Money;
use bureau::ledger::{AccountClass, AccountId};
use bureau::sla::{GroupBy, GroupKey, Metric, adherence};
use bureau::store::{AnyStore, EventStore};
use bureau::store_sqlite::SqliteEventStore;
use chrono::TimeDelta;

use tour::company::{BASE, FOREIGN, Setup};
use tour::simulation::{Company, berlin};
use tour::{Failure, report};

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    Ok(tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?)
}

/// A fresh SQLite file of this test's own.
fn scratch_file(name: &str) -> Result<PathBuf, Failure> {
    let dir = std::env::temp_dir().join(format!("bureau-tour-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let path = dir.join(name);
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{}{suffix}", path.display()));
        if file.exists() {
            std::fs::remove_file(file)?;
        }
    }
    Ok(path)
}

fn the_month() -> Result<Setup, Failure> {
    Setup::new(1, 40, 12)
}

/// What the tour prints of `company` stored in `store`.
async fn printed(company: &Company<'_>, store: AnyStore) -> Result<String, Failure> {
    let mut out = String::new();
    report::print(company, &mut out)?;
    tour::record(company, store, &mut out).await?;
    Ok(out)
}

#[test]
fn a_month_keeps_the_books_and_the_desk_straight() -> Result<(), Failure> {
    runtime()?.block_on(async {
        let path = scratch_file("identities.db")?;
        let store: AnyStore = SqliteEventStore::open(&path).await?.into();
        let setup = the_month()?;
        let company = tour::simulate(&setup, &store, false).await?;
        let last = setup.end.pred_opt().ok_or("date")?;
        let ledger = &company.ledger;

        // Debits equal credits, in every currency.
        let trial = ledger.trial_balance()?;
        assert!(trial.is_balanced());
        for totals in trial.totals() {
            assert_eq!(totals.debits, totals.credits);
        }

        // Assets = liabilities + equity (this year's earnings included).
        let sheet = ledger.balance_sheet(last)?;
        assert!(sheet.is_balanced());
        for currency in sheet.currencies() {
            let assets = sheet.total(AccountClass::Asset, *currency)?;
            let claims = sheet
                .total(AccountClass::Liability, *currency)?
                .checked_add(sheet.total(AccountClass::Equity, *currency)?)?
                .checked_add(sheet.current_earnings(*currency)?)?;
            assert_eq!(assets, claims, "{currency}");
        }

        // The receivables aging totals the invoices still open, per currency.
        let aging = ledger.aging(setup.receivables, last)?;
        for currency in [BASE, FOREIGN] {
            let mut aged = Money::zero(currency);
            for line in aging.iter().filter(|l| l.currency == currency) {
                let b = &line.buckets;
                for bucket in [
                    b.current,
                    b.days_1_30,
                    b.days_31_60,
                    b.days_61_90,
                    b.over_90,
                ] {
                    aged = aged.checked_add(bucket)?;
                }
            }
            assert_eq!(
                aged,
                report::open_invoices(&company, currency)?,
                "{currency}"
            );
        }
        assert!(
            report::open_invoices(&company, BASE)?.is_positive(),
            "the month ends with invoices open"
        );

        // Payroll expense is the payslips' gross plus the employer's
        // contributions (payroll is posted only in the simulated months).
        let mut payslips = Money::zero(BASE);
        for month in &company.payroll {
            payslips = payslips
                .checked_add(month.gross)?
                .checked_add(month.employer)?;
        }
        let mut expense = Money::zero(BASE);
        for code in [6100, 6200, 6300, 6400] {
            expense = expense.checked_add(ledger.balance(AccountId::from_u128(code), BASE)?)?;
        }
        assert_eq!(expense, payslips);
        assert!(payslips.is_positive());

        // The story's moments all happened.
        assert!(company.late_payments > 0, "a late payment");
        assert!(company.foreign_payments > 0, "a payment in dollars");
        assert!(
            company.returns > 0 && company.refunds > 0,
            "a return refunded"
        );

        // First-reply adherence equals a count by hand: each case's first
        // public agent message against its priority's target in the desk's
        // working time; a case still waiting counts once it is overdue.
        let now = berlin(last, 23, 59)?;
        let (mut achieved, mut breached) = (0_u64, 0_u64);
        for file in &company.cases {
            let opened = file.case.opened_at().ok_or("opened")?;
            let target = match file.case.priority().ok_or("priority")? {
                bureau::crm::case::CasePriority::Urgent => TimeDelta::hours(1),
                bureau::crm::case::CasePriority::High => TimeDelta::hours(2),
                bureau::crm::case::CasePriority::Low => TimeDelta::hours(16),
                _ => TimeDelta::hours(8),
            };
            let reply = file
                .case
                .messages()
                .iter()
                .find(|m| m.public && m.author.is_some())
                .map(|m| m.at);
            let elapsed = setup.desk.working_between(opened, reply.unwrap_or(now));
            match reply {
                Some(_) if elapsed <= target => achieved += 1,
                Some(_) => breached += 1,
                None if elapsed > target => breached += 1,
                None => {}
            }
        }
        let evaluations = company.evaluations(now)?;
        let rows = adherence(&evaluations, GroupBy::Metric)?;
        let first = rows
            .iter()
            .find(|r| r.key == GroupKey::Metric(&Metric::FirstReply))
            .ok_or("no first-reply row")?;
        assert_eq!((first.achieved, first.breached), (achieved, breached));
        assert!(breached > 0 && achieved > breached);

        // The file reopened: every event is there and the chain verifies.
        let stored = company.outbox.stored_events();
        drop(company);
        drop(store);
        let reopened = SqliteEventStore::open(&path).await?;
        let verification = reopened.verify().await?;
        let checkpoint = verification.checkpoint().ok_or("the chain is broken")?;
        assert_eq!(checkpoint.events(), stored);
        Ok(())
    })
}

#[test]
fn the_month_runs_the_same_twice_and_on_postgres() -> Result<(), Failure> {
    runtime()?.block_on(async {
        let setup = the_month()?;
        let sqlite: AnyStore = SqliteEventStore::open(&scratch_file("same.db")?)
            .await?
            .into();
        let company = tour::simulate(&setup, &sqlite, false).await?;
        let on_sqlite = printed(&company, sqlite).await?;
        assert!(on_sqlite.contains("debits equal credits: yes"));
        assert!(on_sqlite.contains("assets = liabilities + equity + current earnings: yes"));
        assert!(!on_sqlite.contains("DIFFERS") && !on_sqlite.contains("DIFFERENT"));

        // In memory: the same story, word for word.
        let memory = AnyStore::connect("memory:").await?;
        let company = tour::simulate(&setup, &memory, false).await?;
        assert_eq!(printed(&company, memory).await?, on_sqlite);

        let url = std::env::var("DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let postgres = match AnyStore::connect(&url).await {
            Ok(store) => store,
            Err(error) => {
                assert!(
                    std::env::var_os("CI").is_none(),
                    "PostgreSQL at {url} is required under CI: {error}"
                );
                let _ = writeln!(
                    std::io::stderr(),
                    "\n!!! SKIPPED: the tour on PostgreSQL, no server at {url} ({error}) !!!"
                );
                return Ok(());
            }
        };
        let company = tour::simulate(&setup, &postgres, false).await?;
        assert_eq!(printed(&company, postgres).await?, on_sqlite);
        Ok(())
    })
}

/// The README's first screen quotes the tour: what it quotes is what the
/// tour prints.
#[test]
fn the_readme_quotes_the_tour() -> Result<(), Failure> {
    runtime()?.block_on(async {
        let setup = the_month()?;
        let memory = AnyStore::connect("memory:").await?;
        let company = tour::simulate(&setup, &memory, false).await?;
        let printed = printed(&company, memory).await?;
        let readme = include_str!("../README.md");
        let start = readme
            .find("```text\n== Balance sheet")
            .ok_or("the README quotes no tour output")?;
        let quoted = &readme[start + "```text\n".len()..];
        let quoted = &quoted[..quoted.find("```").ok_or("unclosed quote")?];
        for line in quoted.lines().filter(|l| !l.is_empty()) {
            assert!(
                printed.lines().any(|p| p == line),
                "the README quotes a line the tour does not print: {line}"
            );
        }
        Ok(())
    })
}
