//! The tour: a small software company's month, simulated end to end.
//!
//! Leads arrive and are scored, some convert into opportunities that move
//! through the pipeline; won deals become orders, invoices and payments
//! (some early with the discount, some late, some in dollars, one returned
//! and refunded); support plans are billed; support cases run against
//! their service levels on the Berlin desk's working hours; employees log
//! time, take leave and are paid; the month is closed. Every aggregate's
//! events are stored, the stored chain is verified, the ledger is replayed
//! from the store, and the reports are printed.
//!
//! ```text
//! cargo run --example tour [-- --months N --customers N --employees N --database-url URL]
//! ```
//!
//! The events go to `./bureau-tour.db` (SQLite; recreated on each run), or
//! to the database at `--database-url` or `DATABASE_URL` (`sqlite://path`
//! or `postgres://...`), where the run takes streams no earlier run used.
//! The story is seeded, so every run prints the same.

// The tour is a program, not a library: its types are not for printing.
#![allow(missing_debug_implementations)]

pub(crate) mod company;
pub(crate) mod outbox;
pub(crate) mod random;
pub(crate) mod report;
pub(crate) mod simulation;

use std::io::IsTerminal;

use bureau::store::{AnyStore, EventStore, Repository, StreamId, Version};
use bureau::store_sqlite::SqliteEventStore;

use self::company::Setup;
use self::outbox::Outbox;
use self::simulation::Company;

/// Whatever went wrong, with its message.
pub type Failure = Box<dyn std::error::Error>;

/// The simulation at scale allocates and frees many small objects while
/// gigabytes stay live; mimalloc does not fragment as glibc's allocator does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// What the command line asked for.
pub struct Options {
    months: u32,
    customers: usize,
    employees: usize,
    database_url: Option<String>,
}

const USAGE: &str = "usage: tour [--months N] [--customers N] [--employees N] [--database-url URL]";

fn options() -> Result<Options, Failure> {
    let mut options = Options {
        months: 1,
        customers: 40,
        employees: 12,
        database_url: std::env::var("DATABASE_URL").ok().filter(|u| !u.is_empty()),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{flag} needs a value; {USAGE}"))
        };
        match flag.as_str() {
            "--months" => options.months = value()?.parse()?,
            "--customers" => options.customers = value()?.parse()?,
            "--employees" => options.employees = value()?.parse()?,
            "--database-url" => options.database_url = Some(value()?),
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown option {other}; {USAGE}").into()),
        }
    }
    if options.months == 0 || options.months > 120 {
        return Err("--months must be between 1 and 120".into());
    }
    if options.customers < 3 {
        return Err("--customers must be at least 3 (one of them buys in dollars)".into());
    }
    if options.employees < 6 {
        return Err("--employees must be at least 6 (sales, support and administration)".into());
    }
    Ok(options)
}

fn main() -> Result<(), Failure> {
    let options = options()?;
    // Two threads: while the simulation decides a day, the day before is
    // stored on the other.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(run(options))
}

/// The store, fresh for this run.
async fn open_store(url: Option<&str>) -> Result<AnyStore, Failure> {
    Ok(match url {
        Some(url) => AnyStore::connect(url).await?,
        None => {
            // The tour's own file: start afresh so every run tells the same story.
            let path = std::path::Path::new("bureau-tour.db");
            for suffix in ["", "-wal", "-shm"] {
                let file = format!("{}{suffix}", path.display());
                if std::path::Path::new(&file).exists() {
                    std::fs::remove_file(&file)?;
                }
            }
            SqliteEventStore::open(path).await?.into()
        }
    })
}

/// The prefix of this run's streams: none in a fresh database, `runN/`
/// in one an earlier run wrote to.
async fn fresh_prefix(store: &AnyStore) -> Result<String, Failure> {
    for run in 1..=10_000_u32 {
        let prefix = if run == 1 {
            String::new()
        } else {
            format!("run{run}/")
        };
        let ledger = StreamId::new(format!("{prefix}ledger"))?;
        if store.stream_version(&ledger).await? == Version::INITIAL {
            return Ok(prefix);
        }
    }
    Err("the database holds 10,000 runs of the tour already".into())
}

async fn run(options: Options) -> Result<(), Failure> {
    let setup = Setup::new(options.months, options.customers, options.employees)?;
    let store = open_store(options.database_url.as_deref()).await?;
    let company = simulate(&setup, &store, std::io::stderr().is_terminal()).await?;
    let mut out = String::new();
    report::print(&company, &mut out)?;
    record(&company, store, &mut out).await?;
    print!("{out}");
    Ok(())
}

/// Runs the simulation of `setup`, storing each day's events in `store`
/// under streams no earlier run used; with `progress`, a line per day on
/// standard error.
pub async fn simulate<'s>(
    setup: &'s Setup,
    store: &AnyStore,
    progress: bool,
) -> Result<Company<'s>, Failure> {
    let prefix = fresh_prefix(store).await?;
    let mut company = Company::open(setup, Outbox::new(prefix))?;
    company.outbox.flush(store).await?;
    let days: Vec<_> = setup.days().collect();
    // Drawn only on a terminal: what is printed to standard output never
    // changes, and a redirected standard error stays clean.
    let bar = if progress {
        indicatif::ProgressBar::new(u64::try_from(days.len())?)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(indicatif::ProgressStyle::with_template(
        "{bar:40} {pos}/{len} days {msg}",
    )?);
    let mut month_index = 0;
    let mut in_flight: Option<tokio::task::JoinHandle<Result<(), outbox::StoreFailure>>> = None;
    for (n, day) in days.iter().enumerate() {
        if n > 0 && day.format("%d").to_string() == "01" {
            month_index += 1;
        }
        company.day(*day, month_index)?;
        // A day is stored after the one before it, while the next is
        // simulated.
        let delivery = company.outbox.take_delivery()?;
        if let Some(previous) = in_flight.take() {
            previous.await?.map_err(|error| -> Failure { error })?;
        }
        let store = store.clone();
        in_flight = Some(tokio::spawn(async move { delivery.deliver(&store).await }));
        bar.set_message(format!(
            "{day}, {} events stored",
            company.outbox.stored_events()
        ));
        bar.inc(1);
    }
    if let Some(last) = in_flight {
        last.await?.map_err(|error| -> Failure { error })?;
    }
    bar.finish_and_clear();
    Ok(company)
}

/// The record: the stored chain verified, and the books replayed from the
/// store and compared with the books in memory.
pub async fn record(
    company: &Company<'_>,
    store: AnyStore,
    out: &mut String,
) -> Result<(), Failure> {
    use std::fmt::Write as _;
    let checkpoint = store.verify().await?;
    if checkpoint.checkpoint().is_none() {
        return Err("the stored chain is broken".into());
    }
    let ledger_stream = company
        .outbox
        .stream_id("ledger")
        .ok_or("no ledger")?
        .clone();
    let repository = Repository::new(store);
    let replayed = repository
        .load::<bureau::ledger::Ledger>(&ledger_stream)
        .await?;
    writeln!(out, "\n== The record ==")?;
    writeln!(
        out,
        "{} events stored in {} streams; the stored chain verifies",
        company.outbox.stored_events(),
        company.outbox.streams()
    )?;
    let same = replayed.state().head() == company.ledger.head();
    writeln!(
        out,
        "the ledger replayed from its {} events: {} entries, head {} ({})",
        replayed.version(),
        replayed.state().entries().count(),
        replayed.state().head(),
        if same {
            "the same as in memory"
        } else {
            "DIFFERENT from memory"
        }
    )?;
    if !same {
        return Err("the replayed ledger differs".into());
    }
    Ok(())
}
