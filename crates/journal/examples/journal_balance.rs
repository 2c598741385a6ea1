//! Reads a journal (with its includes), posts every entry into a bureau
//! ledger and prints each account's balance per currency in the flat layout
//! of `hledger bal --flat -N`: the amount right-aligned in 20 columns, two
//! spaces, the account.
//!
//! With `--assertions`, prints bureau's balances instead as a journal that
//! includes the books and then asserts each balance (in the books' own
//! commodities, on their last day): `hledger -f bureau.journal check`
//! checks every balance bureau computed against hledger's own reading of
//! the books.
//!
//! The file is read in pieces into a [`Loader`], so its text is never
//! held whole. With `JOURNAL_TIMINGS` set, the time to read and post goes
//! to stderr.
//!
//! ```sh
//! cargo run --release -p bureau-journal --features fs --example journal_balance -- books.journal
//! cargo run --release -p bureau-journal --features fs --example journal_balance -- --assertions books.journal > bureau.journal
//! ```

use std::fmt::Write as _;
use std::process::ExitCode;

use std::io::Read;

use bureau_journal::{Amount, Book, CONVERSION_ACCOUNT, FileResolver, Loader};

/// The books included, then bureau's balances as balance assertions on
/// their last day: one posting of zero per account and commodity, asserting
/// its balance.
/// Balances in a currency that two of the journal's commodities became
/// (`$` and `USD`) and those of the conversion account (which the books do
/// not name) are left out, with a comment saying so.
fn assertions(book: &Book, path: &str) -> Result<String, Box<dyn std::error::Error>> {
    let last = book.ledger().entries().map(|e| e.date()).max();
    let absolute = std::fs::canonicalize(path)?;
    let mut out = format!(
        "; bureau's balances of {path}, as balance assertions\ninclude {}\n",
        absolute.display()
    );
    let Some(last) = last else {
        return Ok(out);
    };
    let mut body = String::new();
    for line in book.balances()? {
        if line.account.as_str() == CONVERSION_ACCOUNT {
            continue;
        }
        let currency = line.amount.currency();
        let Some(commodity) = book.commodity(currency) else {
            writeln!(
                out,
                "; not asserted: {} {line} (two commodities of the books are {currency})",
                line.account
            )?;
            continue;
        };
        let amount = Amount::new(line.amount.amount(), commodity.clone());
        writeln!(body, "    {}  0 = {amount}", line.account)?;
    }
    writeln!(out, "\n{last} bureau's balances\n{body}")?;
    Ok(out)
}

/// Reads `file` into `loader` in pieces of 256 KiB, each cut after its
/// last line break (which never falls inside a character), so that the
/// text is never held whole.
fn feed(loader: &mut Loader<'_>, mut file: impl Read) -> Result<(), Box<dyn std::error::Error>> {
    let mut buffer = vec![0_u8; 1 << 18];
    let mut kept = 0;
    loop {
        if kept == buffer.len() {
            // A line longer than the buffer.
            buffer.resize(buffer.len() * 2, 0);
        }
        let read = file.read(&mut buffer[kept..])?;
        let filled = kept + read;
        let cut = if read == 0 {
            filled
        } else {
            buffer[..filled]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |at| at + 1)
        };
        loader.read(std::str::from_utf8(&buffer[..cut])?)?;
        buffer.copy_within(cut..filled, 0);
        kept = filled - cut;
        if read == 0 {
            return Ok(());
        }
    }
}

fn main() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let as_assertions = args.first().is_some_and(|a| a == "--assertions");
    if as_assertions {
        args.remove(0);
    }
    let [path] = args.as_slice() else {
        eprintln!("usage: journal_balance [--assertions] FILE");
        return ExitCode::FAILURE;
    };
    let run = || -> Result<String, Box<dyn std::error::Error>> {
        let started = std::time::Instant::now();
        let mut resolver = FileResolver;
        let mut loader = Loader::with_resolver(path, &mut resolver);
        feed(&mut loader, std::fs::File::open(path)?)?;
        let book = loader.finish()?;
        if std::env::var_os("JOURNAL_TIMINGS").is_some() {
            eprintln!("read and posted in {:?}", started.elapsed());
        }
        if as_assertions {
            return assertions(&book, path);
        }
        let mut out = String::new();
        for line in book.balances()? {
            writeln!(out, "{:>20}  {}", line.amount.to_string(), line.account)?;
        }
        // The process ends here: its memory goes back to the system at
        // once, without taking the ledger apart entry by entry.
        std::mem::forget(book);
        Ok(out)
    };
    match run() {
        Ok(out) => {
            print!("{out}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("{error}");
            ExitCode::FAILURE
        }
    }
}
