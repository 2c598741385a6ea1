//! The real hledger and ledger-cli check what `write_hledger` writes: every
//! balance assertion holds, and hledger's balances equal bureau's account
//! by account. A missing binary skips a test with a note, and fails it when
//! the environment variable `CI` is set.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::cast_possible_truncation
)]

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::Command;

use bureau_core::{Currency, Decimal, Money};
use bureau_journal::{Book, load, post, read, write_beancount, write_hledger};
use bureau_ledger::{Account, AccountClass, AccountId, AccountKind, EntryId, JournalEntry, Ledger};
use chrono::{Days, NaiveDate};

/// Whether `tool` runs; when not, a note (or a failure under `CI`).
fn available(tool: &str) -> bool {
    let found = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            std::env::var_os("CI").is_none(),
            "{tool} is not installed and CI is set: install it (apt package {tool})"
        );
        eprintln!("note: {tool} is not installed; skipping the comparison with it");
    }
    found
}

/// 600 entries over a chart of every class (one contra), in USD, JPY and a
/// custom commodity, amounts from a fixed pseudo-random sequence.
fn book() -> Ledger {
    let mut seed: u64 = 0x005e_ed0f_b00c;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let chart = [
        (1000, "Assets:Bank", AccountKind::ASSET),
        (1200, "Assets:Receivables", AccountKind::ASSET),
        (2000, "Liabilities:Payables", AccountKind::LIABILITY),
        (3000, "Equity:Capital", AccountKind::EQUITY),
        (4000, "Income:Sales", AccountKind::INCOME),
        (
            4900,
            "Income:Returns",
            AccountKind::contra(AccountClass::Income),
        ),
        (6000, "Expenses:Rent", AccountKind::EXPENSE),
        (6100, "Expenses:Wages and salaries", AccountKind::EXPENSE),
    ];
    let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let mut ledger = Ledger::new();
    for (code, name, kind) in chart {
        let account = Account::new(
            AccountId::from_u128(code),
            code.to_string().parse().unwrap(),
            name.parse().unwrap(),
            kind,
            start,
        );
        ledger.open_account(account).unwrap();
    }
    let currencies = [
        Currency::USD,
        Currency::JPY,
        Currency::commodity("HOURS", 2).unwrap(),
    ];
    for n in 1..=600_u128 {
        let date = start.checked_add_days(Days::new(next(365))).unwrap();
        let currency = currencies[next(3) as usize];
        let mut builder = JournalEntry::builder(
            EntryId::from_u128(n),
            date,
            format!("entry {n}").parse().unwrap(),
        );
        let legs = 2 + next(3);
        let mut net = 0_i128;
        for leg in 0..legs {
            let (code, _, _) = chart[next(chart.len() as u64) as usize];
            let last = leg + 1 == legs;
            let minor = if last {
                net.abs()
            } else {
                1 + i128::from(next(10_000_000))
            };
            let debit = if last { net < 0 } else { next(2) == 0 };
            if minor == 0 {
                break;
            }
            let amount = Money::from_minor(minor, currency).unwrap();
            let account = AccountId::from_u128(code);
            builder = if debit {
                builder.debit(account, amount)
            } else {
                builder.credit(account, amount)
            };
            net += if debit { minor } else { -minor };
        }
        if let Ok(entry) = builder.build() {
            ledger.post(entry).unwrap();
        }
    }
    ledger
}

fn written(name: &str, text: &str) -> PathBuf {
    let path = std::env::temp_dir().join(format!(
        "bureau-journal-{}-{name}.journal",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    path
}

fn runs_clean(tool: &str, args: &[&str], path: &PathBuf) -> (bool, String) {
    let output = Command::new(tool)
        .arg("-f")
        .arg(path)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn hledger_agrees() {
    if !available("hledger") {
        return;
    }
    let ledger = book();
    assert!(ledger.entries().count() > 500);
    let text = write_hledger(&ledger).unwrap();
    let path = written("agrees", &text);
    let (ok, output) = runs_clean("hledger", &["check"], &path);
    assert!(ok, "hledger check failed: {output}");
    let (ok, csv) = runs_clean(
        "hledger",
        &["bal", "--flat", "-N", "--layout=bare", "-O", "csv"],
        &path,
    );
    assert!(ok, "hledger bal failed: {csv}");
    let mut theirs = BTreeMap::new();
    for record in csv.lines().skip(1) {
        let fields: Vec<&str> = record.trim_matches('"').split("\",\"").collect();
        let [account, commodity, amount] = fields.as_slice() else {
            panic!("unexpected hledger line {record:?}");
        };
        let amount: Decimal = amount.replace(',', "").parse().unwrap();
        if !amount.is_zero() {
            theirs.insert(
                (account.to_string(), commodity.to_string()),
                amount.normalize(),
            );
        }
    }
    let book = post(&read("agrees.journal", &text).unwrap()).unwrap();
    let ours: BTreeMap<_, _> = book
        .balances()
        .unwrap()
        .into_iter()
        .map(|line| {
            (
                (
                    line.account.to_string(),
                    line.amount.currency().code().to_owned(),
                ),
                line.amount.amount().normalize(),
            )
        })
        .collect();
    assert!(ours.len() >= 8, "{ours:?}");
    assert_eq!(ours, theirs);
    std::fs::remove_file(path).ok();
}

#[test]
fn hledger_catches_a_wrong_balance() {
    if !available("hledger") {
        return;
    }
    let text = write_hledger(&book()).unwrap();
    let (head, tail) = text.split_at(text.find("balance assertions").unwrap());
    let line = tail.lines().nth(1).unwrap();
    let tampered = format!(
        "{head}{}",
        tail.replacen(line, &line.replacen("= ", "= 1", 1), 1)
    );
    let path = written("tampered", &tampered);
    let (ok, output) = runs_clean("hledger", &["check"], &path);
    assert!(!ok, "hledger accepted a wrong balance: {output}");
    assert!(read("tampered.journal", &tampered).is_err());
    std::fs::remove_file(path).ok();
}

#[test]
fn ledger_cli_accepts_every_assertion() {
    if !available("ledger") {
        return;
    }
    let text = write_hledger(&book()).unwrap();
    let path = written("ledger-cli", &text);
    let (ok, output) = runs_clean("ledger", &["bal"], &path);
    assert!(ok, "ledger bal failed: {output}");
    std::fs::remove_file(path).ok();
    let tampered = text.replacen(" 0.00 USD = ", " 0.00 USD = 1", 1);
    let path = written("ledger-cli-tampered", &tampered);
    let (ok, output) = runs_clean("ledger", &["bal"], &path);
    assert!(!ok, "ledger accepted a wrong balance: {output}");
    std::fs::remove_file(path).ok();
}

/// A journal in the forms people write by hand: `$` before the number with
/// digit groups, signs on either side, codes before and after, inferred
/// amounts, unit and total costs, comments, tags and directives.
fn handwritten() -> String {
    let mut seed: u64 = 0x00c0_ffee_1234;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let accounts = [
        "Assets:Bank:Checking",
        "Assets:Broker",
        "Liabilities:Card",
        "Equity:Opening balances",
        "Revenue:Consulting",
        "Expenses:Food:Groceries",
        "Expenses:Travel",
    ];
    let mut text = String::from(
        "; hand-written books\naccount Assets:Broker  ; type: A\ncommodity $1,000.00\nP 2026-01-01 AAPL $150.00\n\n",
    );
    for n in 1..=400_u64 {
        let day = 1 + next(28);
        let month = 1 + next(12);
        let status = ["", "* ", "! "][next(3) as usize];
        text.push_str(&format!(
            "2026-{month:02}-{day:02} {status}(T{n}) payee {n}  ; number: {n}\n"
        ));
        let legs = 1 + next(3);
        for _ in 0..legs {
            let account = accounts[next(accounts.len() as u64) as usize];
            let cents = next(20_000_000);
            let (whole, fraction) = (cents / 100, cents % 100);
            let grouped = if whole >= 1000 {
                format!("{},{:03}", whole / 1000, whole % 1000)
            } else {
                whole.to_string()
            };
            let negative = next(2) == 0;
            let amount = match next(7) {
                0 => format!(
                    "${}{grouped}.{fraction:02}",
                    if negative { "-" } else { "" }
                ),
                1 => format!(
                    "{}${grouped}.{fraction:02}",
                    if negative { "-" } else { "" }
                ),
                2 => format!(
                    "{}{whole}.{fraction:02} EUR",
                    if negative { "-" } else { "" }
                ),
                3 => format!(
                    "EUR {}{whole}.{fraction:02}",
                    if negative { "-" } else { "" }
                ),
                4 => format!(
                    "{}{} AAPL @ ${whole}.{fraction:02}",
                    if negative { "-" } else { "" },
                    1 + next(20)
                ),
                5 => format!(
                    "{}{} AAPL @@ ${grouped}.{fraction:02}",
                    if negative { "-" } else { "" },
                    1 + next(20)
                ),
                _ => format!(
                    "{}{whole}.{fraction:02}USD",
                    if negative { "-" } else { "" }
                ),
            };
            let comment = if next(4) == 0 { "  ; memo: x" } else { "" };
            text.push_str(&format!("    {account}  {amount}{comment}\n"));
        }
        let account = accounts[next(accounts.len() as u64) as usize];
        text.push_str(&format!("\t{account}\n\n"));
    }
    text
}

#[test]
fn hledger_reads_the_same_balances() {
    if !available("hledger") {
        return;
    }
    let text = handwritten();
    let path = written("handwritten", &text);
    let (ok, csv) = runs_clean(
        "hledger",
        &["bal", "--flat", "-N", "--layout=bare", "-O", "csv"],
        &path,
    );
    assert!(ok, "hledger bal failed: {csv}");
    let mut theirs = BTreeMap::new();
    for record in csv.lines().skip(1) {
        let fields: Vec<&str> = record.trim_matches('"').split("\",\"").collect();
        let [account, commodity, amount] = fields.as_slice() else {
            panic!("unexpected hledger line {record:?}");
        };
        let amount: Decimal = amount.replace(',', "").parse().unwrap();
        // hledger keeps `$` and `USD` apart; both are USD in bureau.
        let commodity = if *commodity == "$" { "USD" } else { commodity };
        *theirs
            .entry((account.to_string(), commodity.to_owned()))
            .or_insert(Decimal::ZERO) += amount;
    }
    theirs.retain(|_, amount: &mut Decimal| {
        *amount = amount.normalize();
        !amount.is_zero()
    });
    let book = post(&read("handwritten.journal", &text).unwrap()).unwrap();
    let ours: BTreeMap<_, _> = book
        .balances()
        .unwrap()
        .into_iter()
        .filter(|line| line.account.as_str() != bureau_journal::CONVERSION_ACCOUNT)
        .map(|line| {
            (
                (
                    line.account.to_string(),
                    line.amount.currency().code().to_owned(),
                ),
                line.amount.amount().normalize(),
            )
        })
        .collect();
    assert!(ours.len() >= 12, "{ours:?}");
    assert_eq!(ours, theirs);
    if available("ledger") {
        let (ok, output) = runs_clean("ledger", &["bal"], &path);
        assert!(ok, "ledger bal failed: {output}");
    }
    std::fs::remove_file(path).ok();
}

fn bean_check(name: &str, text: &str) -> (bool, String) {
    let path = std::env::temp_dir().join(format!(
        "bureau-journal-{}-{name}.beancount",
        std::process::id()
    ));
    std::fs::write(&path, text).unwrap();
    let output = Command::new("bean-check").arg(&path).output().unwrap();
    std::fs::remove_file(path).ok();
    (
        output.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

#[test]
fn bean_check_accepts_every_balance() {
    if !available("bean-check") {
        return;
    }
    let generated = write_beancount(&book()).unwrap();
    let (ok, output) = bean_check("generated", &generated);
    assert!(ok, "bean-check failed: {output}");
    // Names with spaces and revenue accounts, costs, sub-accounts.
    let nested = format!(
        "{}\n2026-12-30 nested\n    Assets:Bank:Checking:Sub account  $12.50\n    Assets:Bank:Checking\n",
        handwritten()
    );
    let book = post(&read("nested.journal", &nested).unwrap()).unwrap();
    let text = write_beancount(book.ledger()).unwrap();
    assert!(text.contains(" open Income:Consulting\n"), "{text}");
    let (ok, output) = bean_check("handwritten", &text);
    assert!(ok, "bean-check failed: {output}");
    let line = text
        .lines()
        .rev()
        .find(|l| l.contains(" balance "))
        .unwrap();
    let [day, keyword, name, number, code] = line.split(' ').collect::<Vec<_>>()[..] else {
        panic!("unexpected balance line {line:?}");
    };
    let off_by_one = number.parse::<Decimal>().unwrap() + Decimal::ONE;
    let wrong = format!("{day} {keyword} {name} {off_by_one} {code}");
    let tampered = text.replacen(line, &wrong, 1);
    let (ok, _) = bean_check("tampered", &tampered);
    assert!(!ok, "bean-check accepted a wrong balance: {line}");
}

#[test]
fn includes_from_the_file_system() {
    let dir = std::env::temp_dir().join(format!("bureau-journal-{}-fs", std::process::id()));
    std::fs::create_dir_all(dir.join("years")).unwrap();
    std::fs::write(
        dir.join("years/2025.journal"),
        "2025-12-31 opening\n    Assets:Bank  $100\n    Equity:Opening\n",
    )
    .unwrap();
    let main = dir.join("main.journal");
    let text = "include years/2025.journal\n2026-01-02 check\n    Assets:Bank  $0 = $100\n    Equity:Opening\n";
    let journal = bureau_journal::read_with(
        &main.display().to_string(),
        text,
        &mut bureau_journal::FileResolver,
    )
    .unwrap();
    assert_eq!(journal.transactions.len(), 2);
    assert!(
        journal.transactions[0]
            .location
            .file
            .ends_with("2025.journal")
    );
    let missing = bureau_journal::read_with(
        &main.display().to_string(),
        "include nowhere.journal\n",
        &mut bureau_journal::FileResolver,
    );
    assert!(matches!(
        missing,
        Err(bureau_journal::Error::Include { .. })
    ));
    std::fs::remove_dir_all(dir).ok();
}

/// A journal of `transactions` transactions over 1,000 accounts in three
/// commodities (`$` with digit groups, `EUR`, `AAPL` bought at a cost in
/// `$`), with monthly `P` prices, tags, memos and one inferred amount each,
/// in no date order: what `reference/generate_journal.py` writes.
fn generated(transactions: u64) -> String {
    let mut seed: u64 = 15;
    let mut next = move |n: u64| {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) % n
    };
    let tops = ["Assets", "Liabilities", "Equity", "Income", "Expenses"];
    let accounts: Vec<String> = (0..1000)
        .map(|i| format!("{}:Group {}:Account {i}", tops[i % 5], i % 37))
        .collect();
    let mut out = String::from("; generated\n");
    for month in 1..=12 {
        out.push_str(&format!(
            "P 2026-{month:02}-01 AAPL ${}.00\n",
            100 + next(100)
        ));
    }
    for t in 1..=transactions {
        let (month, day) = (1 + next(12), 1 + next(28));
        out.push_str(&format!(
            "\n2026-{month:02}-{day:02} * transaction {t}  ; batch: {}\n",
            t % 100
        ));
        let kind = next(4);
        for _ in 0..=next(3) {
            let account = &accounts[next(1000) as usize];
            let cents = next(20_000_000);
            let sign = if cents < 10_000_000 { "-" } else { "" };
            let (whole, frac) = ((cents % 10_000_000) / 100, cents % 100);
            out.push_str(&match kind {
                0 if whole >= 1000 => format!(
                    "    {account}  {sign}${},{:03}.{frac:02}\n",
                    whole / 1000,
                    whole % 1000
                ),
                0 => format!("    {account}  {sign}${whole}.{frac:02}\n"),
                1 => format!("    {account}  {sign}{whole}.{frac:02} EUR\n"),
                2 => format!(
                    "    {account}  {sign}{} AAPL @ ${whole}.{frac:02}\n",
                    1 + next(50)
                ),
                _ => format!("    {account}  {sign}{whole}.{frac:02} EUR  ; memo\n"),
            });
        }
        out.push_str(&format!("    {}\n", accounts[next(1000) as usize]));
    }
    out
}

/// Balances by account and commodity, `$` named USD (one currency in
/// bureau, as the tools' `$` is here), zeros left out.
type Balances = BTreeMap<(String, String), Decimal>;

fn add(balances: &mut Balances, account: &str, commodity: &str, amount: Decimal) {
    let commodity = if commodity == "$" { "USD" } else { commodity };
    *balances
        .entry((account.to_owned(), commodity.to_owned()))
        .or_insert(Decimal::ZERO) += amount;
}

fn without_zeros(mut balances: Balances) -> Balances {
    balances.retain(|_, amount| {
        *amount = amount.normalize();
        !amount.is_zero()
    });
    balances
}

/// Bureau's balances, without the conversion account (the tools show the
/// other side of a cost in no account unless asked to).
fn ours(book: &Book) -> Balances {
    let mut balances = Balances::new();
    for line in book.balances().unwrap() {
        if line.account.as_str() != bureau_journal::CONVERSION_ACCOUNT {
            add(
                &mut balances,
                line.account.as_str(),
                line.amount.currency().code(),
                line.amount.amount(),
            );
        }
    }
    without_zeros(balances)
}

/// `hledger bal --flat` as CSV, one line per account and commodity.
fn hledgers(path: &PathBuf) -> Balances {
    let (ok, csv) = runs_clean(
        "hledger",
        &["bal", "--flat", "-N", "--layout=bare", "-O", "csv"],
        path,
    );
    assert!(ok, "hledger bal failed: {csv}");
    let mut balances = Balances::new();
    for record in csv.lines().skip(1) {
        let fields: Vec<&str> = record.trim_matches('"').split("\",\"").collect();
        let [account, commodity, amount] = fields.as_slice() else {
            panic!("unexpected hledger line {record:?}");
        };
        add(
            &mut balances,
            account,
            commodity,
            amount.replace(',', "").parse().unwrap(),
        );
    }
    without_zeros(balances)
}

/// An amount as ledger-cli shows it: `$-1,020.50`, `-7705.04 EUR`, `2 AAPL`.
fn ledger_amount(text: &str) -> (String, Decimal) {
    let text = text.trim().replace(',', "");
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (commodity, number) = match rest.strip_prefix('$') {
        Some(number) => ("$", number),
        None => {
            let (number, commodity) = rest
                .split_once(' ')
                .unwrap_or_else(|| panic!("unexpected ledger amount {text:?}"));
            (commodity, number)
        }
    };
    let number: Decimal = number.parse().unwrap();
    (
        commodity.to_owned(),
        if negative { -number } else { number },
    )
}

/// `ledger bal --flat` with one tab between account and amount; an account
/// holding several commodities shows the others on the lines below, alone.
fn ledgers(path: &PathBuf) -> Balances {
    let (ok, output) = runs_clean(
        "ledger",
        &[
            "bal",
            "--flat",
            "--no-total",
            "--balance-format",
            "%(account)\t%(scrub(display_total))\n",
        ],
        path,
    );
    assert!(ok, "ledger bal failed: {output}");
    let mut balances = Balances::new();
    let mut account = String::new();
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        let amount = match line.split_once('\t') {
            Some((name, amount)) => {
                account = name.to_owned();
                amount
            }
            None => line,
        };
        let (commodity, amount) = ledger_amount(amount);
        add(&mut balances, &account, &commodity, amount);
    }
    without_zeros(balances)
}

/// Reads a generated journal of `transactions` transactions with `load`,
/// and compares its balances account by account with hledger's and
/// ledger-cli's on the same file; bean-check checks the beancount export
/// when `bean_check_too`.
fn the_tools_agree_on(transactions: u64, bean_check_too: bool) {
    let text = generated(transactions);
    let book = load("generated.journal", &text).unwrap();
    let ours = ours(&book);
    assert!(ours.len() > 900, "{} balances", ours.len());
    let path = written(&format!("generated-{transactions}"), &text);
    if available("hledger") {
        assert_eq!(ours, hledgers(&path), "hledger's balances differ");
    }
    if available("ledger") {
        assert_eq!(ours, ledgers(&path), "ledger-cli's balances differ");
    }
    std::fs::remove_file(path).ok();
    if bean_check_too && available("bean-check") {
        let exported = write_beancount(book.ledger()).unwrap();
        let (ok, output) = bean_check(&format!("generated-{transactions}"), &exported);
        assert!(ok, "bean-check failed: {output}");
    }
}

#[test]
fn the_tools_agree_on_a_generated_journal() {
    let text = generated(2_000);
    let slow = ours(&post(&read("generated.journal", &text).unwrap()).unwrap());
    assert_eq!(slow, ours(&load("generated.journal", &text).unwrap()));
    the_tools_agree_on(2_000, true);
}

/// The same on 100,000 transactions: about a minute in release mode, most
/// of it hledger's (`.ci/run` runs it explicitly).
#[test]
#[ignore = "100,000 transactions: run in release mode, as .ci/run does"]
fn the_tools_agree_on_100k_transactions() {
    the_tools_agree_on(100_000, false);
}

/// `=*` and `==*` count sub-accounts, as hledger counts them: hledger and
/// bureau accept the same journal, and both refuse it with one inclusive
/// amount wrong.
#[test]
fn hledger_agrees_on_inclusive_assertions() {
    if !available("hledger") {
        return;
    }
    let ok = "\
2026-01-01 open
    Assets:Bank:Checking  $100
    Assets:Bank:Savings   $50
    Assets:Bank:Savings   3 EUR
    Assets:Bank           $5
    Equity:Opening  -3 EUR
    Equity:Opening

2026-01-02 check
    Assets:Bank  $0 =* $155
    Assets:Bank  0 EUR =* 3 EUR
    Assets:Bank:Checking  $0 ==* $100
    Equity  $0 =* $-155
";
    let wrong = ok.replace("=* $155", "=* $5");
    // `Assets:Bank:Savings` holds euros as well.
    let exclusive = ok.replace(
        "Assets:Bank:Checking  $0 ==* $100",
        "Assets:Bank  $0 ==* $155",
    );
    let cases = [
        ("inclusive", ok, true),
        ("inclusive-wrong", &wrong, false),
        ("inclusive-exclusive", &exclusive, false),
    ];
    for (name, text, holds) in cases {
        let path = written(name, text);
        let (ok, output) = runs_clean("hledger", &["check"], &path);
        std::fs::remove_file(path).ok();
        assert_eq!(ok, holds, "hledger: {output}");
        assert_eq!(load("t.journal", text).is_ok(), holds);
    }
}

/// A posting's `date:` tag moves it to that day for the assertions, as in
/// hledger: both accept the journal with the tag and refuse it without.
#[test]
fn hledger_agrees_on_posting_dates() {
    if !available("hledger") {
        return;
    }
    let dated = "\
2026-01-01 a
    Assets:Bank  $100  ; date: 2026-01-10
    Equity:Opening

2026-01-05 b
    Assets:Bank  $0 = $0
    Equity:Opening  $0

2026-01-10 c
    Assets:Bank  $0 = $100
    Equity:Opening  $0
";
    let undated = dated.replace("  ; date: 2026-01-10", "");
    for (name, text, holds) in [("dated", dated, true), ("undated", &undated, false)] {
        let path = written(name, text);
        let (ok, output) = runs_clean("hledger", &["check"], &path);
        std::fs::remove_file(path).ok();
        assert_eq!(ok, holds, "hledger: {output}");
        assert_eq!(load("t.journal", text).is_ok(), holds);
    }
}

/// `alias OLD = NEW` renames as hledger renames: whole components only,
/// the most recent alias first, each on what the previous made of the name,
/// until `end aliases`.
#[test]
fn hledger_agrees_on_aliases() {
    if !available("hledger") {
        return;
    }
    let text = "\
alias checking = Assets:Bank:Checking
alias Assets:Bank = Assets:B
alias Expenses:b = Expenses:c
alias Expenses:a = Expenses:b

2026-01-01 a
    checking  $1
    checking:Sub  $2
    checkingx:Other  $3
    Expenses:a  $4
    Equity:Opening
end aliases

2026-01-02 b
    Assets:Bank:Checking  $4
    Equity:Opening
";
    let book = load("aliases.journal", text);
    // `checkingx` is not `checking`: its top level names no type.
    assert!(
        matches!(book, Err(bureau_journal::Error::UnclassifiedAccount { ref account, .. }) if account == "checkingx:Other"),
        "{book:?}"
    );
    let text = text.replace("checkingx:Other", "Assets:checkingx");
    let path = written("aliases", &text);
    let theirs = hledgers(&path);
    std::fs::remove_file(path).ok();
    let ours = ours(&load("aliases.journal", &text).unwrap());
    assert_eq!(ours, theirs);
    assert!(ours.contains_key(&("Assets:Bank:Checking:Sub".to_owned(), "USD".to_owned())));
    // `Expenses:a` became `Expenses:b`, then `Expenses:c`.
    assert!(ours.contains_key(&("Expenses:c".to_owned(), "USD".to_owned())));
    let slow = self::ours(&post(&read("aliases.journal", &text).unwrap()).unwrap());
    assert_eq!(slow, ours);
}

/// `apply account` (nested, closed with `end apply account`) and `Y` (dates
/// and prices without a year) read as both tools read them.
#[test]
fn the_tools_agree_on_apply_account_and_year() {
    if !available("hledger") || !available("ledger") {
        return;
    }
    let text = "\
Y 2025
P 03-01 AAPL $150.00
apply account Personal
account Assets  ; type: A
account Equity  ; type: E

01-05 opening
    Assets:Bank          $1,000.00
    Equity:Opening

apply account Assets
1/6 nested
    Broker   2 AAPL @ $150.00
    Bank
end apply account

02.07 after the inner end
    Assets:Cash   $5
    Equity:Opening  = $-1,005.00
end apply account

Y 2026
01-08 outside
    Expenses:Food   $5
    Assets:Cash
";
    let path = written("apply-year", text);
    let (hledger, ledger) = (hledgers(&path), ledgers(&path));
    std::fs::remove_file(path).ok();
    let book = load("apply-year.journal", text).unwrap();
    let ours = ours(&book);
    assert_eq!(ours, hledger);
    assert_eq!(ours, ledger);
    assert!(ours.contains_key(&("Personal:Assets:Broker".to_owned(), "AAPL".to_owned())));
    let dates: Vec<String> = book
        .ledger()
        .entries()
        .map(|e| e.date().to_string())
        .collect();
    assert_eq!(dates.first().map(String::as_str), Some("2025-01-05"));
    assert_eq!(dates.last().map(String::as_str), Some("2026-01-08"));
    assert_eq!(
        self::ours(&post(&read("apply-year.journal", text).unwrap()).unwrap()),
        ours
    );
}
