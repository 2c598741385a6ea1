//! Reads a journal (with its includes), posts every entry into a bureau
//! ledger and prints each account's balance per currency in the flat layout
//! of `hledger bal --flat -N`: the amount right-aligned in 20 columns, two
//! spaces, the account.
//!
//! With `JOURNAL_TIMINGS` set, the time to read and post goes to stderr.
//!
//! ```sh
//! cargo run --release -p bureau-journal --features fs --example journal_balance -- books.journal
//! ```

use std::process::ExitCode;

use bureau_journal::{FileResolver, load_with};

fn main() -> ExitCode {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: journal_balance FILE");
        return ExitCode::FAILURE;
    };
    let run = || -> Result<String, Box<dyn std::error::Error>> {
        let started = std::time::Instant::now();
        let text = std::fs::read_to_string(&path)?;
        let book = load_with(&path, &text, &mut FileResolver)?;
        if std::env::var_os("JOURNAL_TIMINGS").is_some() {
            eprintln!("read and posted in {:?}", started.elapsed());
        }
        let mut out = String::new();
        for line in book.balances()? {
            out.push_str(&format!(
                "{:>20}  {}\n",
                line.amount.to_string(),
                line.account
            ));
        }
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
