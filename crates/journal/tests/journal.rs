//! Reading, posting and writing journals, checked against hand-worked
//! cases, generated ledgers and the real hledger.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::result_large_err
)]

use bureau_journal::{Cost, Error, load, post, read, write_hledger};
use bureau_ledger::{EntryId, Ledger, strategy};
use proptest::prelude::*;

fn balances(text: &str) -> Vec<String> {
    read_and_post(text);
    let journal = read("t.journal", text).unwrap();
    post(&journal)
        .unwrap()
        .balances()
        .unwrap()
        .iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn amounts_in_every_written_form() {
    let text = "\
2026-01-01 forms
    Assets:A  $1,234.50
    Assets:B  -$1.50
    Assets:C  $-2.00
    Assets:D  USD -3
    Assets:E  4.00USD
    Assets:F  - 5 USD
    Equity:Opening
";
    assert_eq!(
        balances(text),
        [
            "Assets:A  1234.50 USD",
            "Assets:B  -1.50 USD",
            "Assets:C  -2.00 USD",
            "Assets:D  -3.00 USD",
            "Assets:E  4.00 USD",
            "Assets:F  -5.00 USD",
            "Equity:Opening  -1227.00 USD",
        ]
    );
}

#[test]
fn header_parts_comments_and_tags() {
    let text = "\
; a comment
# another
* and another
comment
this is skipped
end comment
2026/01/02=2026/01/05 * (INV-7) Supplier | paper  ; project: alpha, paid:
    ; approved: yes
    Expenses:Office supplies    12.00 EUR  ; till 2
    Assets:Bank\t-12.00 EUR
";
    let journal = read("t.journal", text).unwrap();
    let t = &journal.transactions[0];
    assert_eq!(t.date.to_string(), "2026-01-02");
    assert_eq!(
        t.date2.map(|d| d.to_string()).as_deref(),
        Some("2026-01-05")
    );
    assert_eq!(t.status, Some('*'));
    assert_eq!(t.code.as_deref(), Some("INV-7"));
    assert_eq!(t.description, "Supplier | paper");
    let tags: Vec<(&str, &str)> = t
        .tags
        .iter()
        .map(|t| (t.name.as_str(), t.value.as_str()))
        .collect();
    assert_eq!(
        tags,
        [("project", "alpha"), ("paid", ""), ("approved", "yes")]
    );
    assert_eq!(t.postings[0].account, "Expenses:Office supplies");
    assert_eq!(t.postings[0].comment, "till 2");
    assert_eq!(t.postings[0].location.line, 9);
    assert_eq!(t.postings[0].location.column, 5);
    let book = post(&journal).unwrap();
    let entry = book.ledger().entries().next().unwrap();
    assert_eq!(entry.metadata().len(), 3);
    assert_eq!(entry.postings()[0].memo().unwrap().as_str(), "till 2");
}

#[test]
fn costs_prices_and_account_directives() {
    let text = "\
account Funds  ; type: A
account Funds:Broker
P 2026-01-31 AAPL $155.00

2026-01-10 buy
    Funds:Broker  10 AAPL @ $150.00
    Assets:Cash

2026-01-11 buy more
    Funds:Broker  2 AAPL @@ $310.00
    Assets:Cash   $-310.00

2026-01-12 exchange
    Assets:Cash   EUR 90.00
    Assets:Cash   $-100.00
";
    let journal = read("t.journal", text).unwrap();
    assert_eq!(journal.prices.len(), 1);
    assert_eq!(journal.prices[0].price.to_string(), "$155.00");
    assert!(matches!(
        journal.transactions[1].postings[0].cost,
        Some(Cost::Total(_))
    ));
    assert_eq!(
        balances(text),
        [
            "Assets:Cash  90.00 EUR",
            "Assets:Cash  -1910.00 USD",
            "Equity:Conversion  -12 AAPL",
            "Equity:Conversion  -90.00 EUR",
            "Equity:Conversion  1910.00 USD",
            "Funds:Broker  12 AAPL",
        ]
    );
}

#[test]
fn a_decimal_comma_when_declared() {
    let text = "decimal-mark ,\n2026-01-01 x\n    Assets:A  1.234,5 EUR\n    Equity:B\n";
    assert_eq!(
        balances(text),
        ["Assets:A  1234.50 EUR", "Equity:B  -1234.50 EUR"]
    );
    let undeclared = read(
        "t.journal",
        "2026-01-01 x\n    Assets:A  1,5 EUR\n    Equity:B\n",
    );
    assert!(matches!(undeclared, Err(Error::BadAmount { .. })));
}

#[test]
fn assertions_checked_in_date_order() {
    let ok = "\
2026-01-01 a
    Assets:Bank  $100
    Assets:Bank  EUR 5
    Equity:Opening  $-100
    Equity:Opening  EUR -5
2026-01-02 b
    Assets:Bank  $0 = $100
    Assets:Bank  $-1 = $99
    Equity:Opening  $1
";
    read("t.journal", ok).unwrap();
    let zero = format!("{ok}2026-01-03 nothing moves\n    Assets:Bank  $0\n    Equity:Opening\n");
    let book = post(&read("t.journal", &zero).unwrap()).unwrap();
    assert_eq!(book.ledger().entries().count(), 3);
    // In date order, as hledger checks them, whatever the file order.
    let reordered = "\
2026-01-02 b
    Assets:Bank  $-1 = $99
    Equity:Opening  $1
2026-01-01 a
    Assets:Bank  $100
    Equity:Opening
";
    read("t.journal", reordered).unwrap();
    let failed = ok.replace("= $99", "= $98");
    match read("t.journal", &failed) {
        Err(Error::AssertionFailed {
            location,
            account,
            expected,
            actual,
            ..
        }) => {
            assert_eq!((location.line, location.column), (8, 5));
            assert_eq!(account, "Assets:Bank");
            assert_eq!(expected.to_string(), "$98");
            assert_eq!(actual.to_string(), "$99");
        }
        other => panic!("{other:?}"),
    }
    let exclusive = ok.replace("= $99", "== $99");
    let err = read("t.journal", &exclusive).unwrap_err();
    assert!(err.to_string().contains("actual 5 EUR"), "{err}");
}

#[test]
fn posting_dates_order_the_assertions() {
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
    // The $100 counts from the 10th, as hledger counts it.
    assert_eq!(balances(dated)[0], "Assets:Bank  100.00 USD");
    let journal = read("t.journal", dated).unwrap();
    let first = &journal.transactions[0].postings[0];
    assert_eq!(first.date, chrono::NaiveDate::from_ymd_opt(2026, 1, 10));
    assert_eq!(journal.transactions[0].postings[1].date, None);
    // Without the posting date, the assertion of the 5th fails.
    let undated = dated.replace("  ; date: 2026-01-10", "");
    read_and_post(&undated);
    assert!(matches!(
        read("t.journal", &undated),
        Err(Error::AssertionFailed { location, .. }) if location.line == 6
    ));
    // A date that is not one is refused where it is written.
    let bad = dated.replace("2026-01-10\n", "2026-02-30\n");
    read_and_post(&bad);
    match read("t.journal", &bad) {
        Err(Error::BadDate { location, text, .. }) => {
            assert_eq!((location.line, text.as_str()), (2, "2026-02-30"));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn inclusive_assertions_count_sub_accounts() {
    let ok = "\
2026-01-01 open
    Assets:Bank:Checking  $100
    Assets:Bank:Savings   $50
    Assets:Bank:Savings   3 EUR
    Assets:Bank           $5
    Assets:Bankrupt       $7
    Equity:Opening  -3 EUR
    Equity:Opening

2026-01-02 check
    Assets:Bank  $0 =* $155
    Assets:Bank  $0 = $5
    Assets:Bank  0 EUR =* 3 EUR
    Assets:Bank  $0 == $5
    Equity  $0 =* $-162
";
    // `Assets:Bankrupt` is not under `Assets:Bank`.
    assert_eq!(balances(ok).len(), 7);
    let journal = read("t.journal", ok).unwrap();
    let first = journal.transactions[1].postings[0]
        .assertion
        .as_ref()
        .unwrap();
    assert!(first.inclusive && !first.exclusive);
    let cases = [
        (ok.replacen("=* $155", "=* $5", 1), "$5", "$155"),
        // Exclusive and inclusive: the sub-accounts' euros count.
        (ok.replacen("$0 == $5", "$0 ==* $155", 1), "$155", "3 EUR"),
    ];
    for (text, expected, actual) in cases {
        read_and_post(&text);
        match read("t.journal", &text) {
            Err(Error::AssertionFailed {
                account,
                expected: e,
                actual: a,
                ..
            }) => {
                assert_eq!(account, "Assets:Bank");
                assert_eq!(
                    (e.to_string(), a.to_string()),
                    (expected.to_owned(), actual.to_owned())
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn errors_name_line_column_and_what_was_expected() {
    let unbalanced = "2026-01-01 x\n    Assets:A  $10\n    Equity:B  $-9.50\n";
    match read("u.journal", unbalanced) {
        Err(Error::Unbalanced {
            location,
            differences,
            ..
        }) => {
            assert_eq!(location.to_string(), "u.journal:1:1");
            assert_eq!(differences[0].to_string(), "$0.50");
        }
        other => panic!("{other:?}"),
    }
    let two = "2026-01-01 x\n    Assets:A  $10\n    Equity:B\n    Equity:C\n";
    assert!(matches!(
        read("t", two),
        Err(Error::TwoMissingAmounts { location, first_line: 3, .. }) if location.line == 4
    ));
    let date = read("t", "2026-02-30 x\n");
    assert!(matches!(date, Err(Error::BadDate { text, .. }) if text == "2026-02-30"));
    let amount = read("t", "2026-01-01 x\n    Assets:A  $1,0000\n    Equity:B\n");
    match amount {
        Err(Error::BadAmount { location, text, .. }) => {
            assert_eq!((location.line, location.column), (2, 15));
            assert_eq!(text, "$1,0000");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        read("t", "alias /a/ = b\n"),
        Err(Error::Unsupported { .. })
    ));
    assert!(matches!(read("t", "alias a\n"), Err(Error::Syntax { .. })));
    let unclassified = read("t", "2026-01-01 x\n    Cash  $1\n    Equity:B\n").unwrap();
    assert!(matches!(
        post(&unclassified),
        Err(Error::UnclassifiedAccount { account, .. }) if account == "Cash"
    ));
}

const VALID: &str = "\
account Assets:Bank  ; type: A
P 2026-01-31 AAPL $155.00
2026-01-05 * (1) opening  ; source: bank
    Assets:Bank          $1,000.00
    Equity:Opening
2026-01-10 buy
    Assets:Broker        10 AAPL @ $15.00
    Assets:Bank          = $850.00
2026-01-20 rent
    Expenses:Rent        $250.00  ; March
    Assets:Bank          $-250.00 = $600.00
";

/// Reading never panics, whatever reads also posts without panicking, and
/// `load` agrees with `read` then `post`: the same error for a journal that
/// does not read, the same balances for one that posts.
fn read_and_post(text: &str) {
    let fast = load("fuzz.journal", text).and_then(|book| book.balances());
    match read("fuzz.journal", text) {
        Err(error) => assert_eq!(fast, Err(error), "load and read disagree on {text:?}"),
        Ok(journal) => {
            let slow = post(&journal).and_then(|book| book.balances());
            match (slow, fast) {
                (Ok(slow), Ok(fast)) => assert_eq!(slow, fast, "balances differ for {text:?}"),
                (Err(_), Err(_)) => {}
                (slow, fast) => panic!("post gave {slow:?}, load {fast:?}, for {text:?}"),
            }
        }
    }
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,200}") {
        read_and_post(&text);
    }

    #[test]
    fn journal_like_text_never_panics(text in "[0-9 \\-/=*!();#@$:A-Za-z,.\t\n\"]{0,300}") {
        read_and_post(&text);
    }

    #[test]
    fn mutated_journals_never_panic(
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..4),
        cut in any::<prop::sample::Index>(),
        moves in proptest::collection::vec((any::<prop::sample::Index>(), any::<prop::sample::Index>(), any::<bool>()), 0..4),
    ) {
        let mut lines: Vec<String> = VALID.lines().map(str::to_owned).collect();
        for (from, to, duplicate) in moves {
            let line = lines[from.index(lines.len())].clone();
            if !duplicate {
                lines.remove(from.index(lines.len()));
            }
            let at = to.index(lines.len() + 1);
            lines.insert(at, line);
        }
        let at = cut.index(lines.len());
        let keep = cut.index(lines[at].len() + 1);
        lines[at] = lines[at].chars().take(keep).collect();
        let mut bytes = lines.join("\n").into_bytes();
        for (index, byte) in flips {
            if !bytes.is_empty() {
                let i = index.index(bytes.len());
                bytes[i] = byte;
            }
        }
        read_and_post(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn the_valid_journal_reads() {
    assert_eq!(
        balances(VALID),
        [
            "Assets:Bank  600.00 USD",
            "Assets:Broker  10 AAPL",
            "Equity:Conversion  -10 AAPL",
            "Equity:Conversion  150.00 USD",
            "Equity:Opening  -1000.00 USD",
            "Expenses:Rent  250.00 USD",
        ]
    );
}

fn ledger_of(
    chart: &[bureau_ledger::Account],
    entries: Vec<bureau_ledger::JournalEntry>,
) -> Ledger {
    let mut ledger = Ledger::new();
    for account in chart {
        ledger.open_account(account.clone()).unwrap();
    }
    for entry in entries {
        let _ = ledger.post(entry);
    }
    ledger
}

fn generated_ledger() -> impl Strategy<Value = Ledger> {
    strategy::chart().prop_flat_map(|chart| {
        let entries: Vec<_> = (1..=12_u128)
            .map(|n| strategy::balanced_entry(chart.clone(), EntryId::from_u128(n)))
            .collect();
        (Just(chart), entries).prop_map(|(chart, entries)| ledger_of(&chart, entries))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn write_then_read_round_trips(ledger in generated_ledger()) {
        let text = write_hledger(&ledger).unwrap();
        let book = post(&read("out.journal", &text).unwrap()).unwrap();
        let back = book.ledger();
        let original: Vec<_> = ledger.entries().collect();
        let read_back: Vec<_> = back.entries().collect();
        prop_assert_eq!(original.len(), read_back.len());
        for (a, b) in original.iter().zip(&read_back) {
            prop_assert_eq!(a.id(), b.id());
            prop_assert_eq!(a.date(), b.date());
            prop_assert_eq!(a.description(), b.description());
            prop_assert_eq!(a.metadata(), b.metadata());
            let legs = |l: &Ledger, e: &bureau_ledger::JournalEntry| -> Vec<(String, bureau_ledger::Side, bureau_core::Money)> {
                e.postings()
                    .iter()
                    .map(|p| (l.account(p.account()).unwrap().name().to_string(), p.side(), p.amount()))
                    .collect()
            };
            prop_assert_eq!(legs(&ledger, a), legs(back, b));
        }
        for account in ledger.accounts() {
            let twin = back.account(book.account(account.name().as_str()).unwrap()).unwrap();
            prop_assert_eq!(account.kind(), twin.kind());
            prop_assert_eq!(account.code(), twin.code());
            for currency in ledger.currencies_of(account.id()).unwrap() {
                prop_assert_eq!(
                    ledger.balance(account.id(), currency).unwrap(),
                    back.balance(twin.id(), currency).unwrap()
                );
            }
        }
    }
}

#[test]
fn includes_through_the_callers_resolver() {
    use std::collections::BTreeMap;
    let mut files = BTreeMap::new();
    files.insert(
        "bad.journal".to_owned(),
        "2026-01-01 x\n    Assets:A  $1\n    Equity:B  $2\n".to_owned(),
    );
    files.insert(
        "loop.journal".to_owned(),
        "include loop.journal\n".to_owned(),
    );
    let bad = bureau_journal::read_with("main.journal", "\ninclude bad.journal\n", &mut files);
    match bad {
        Err(Error::Unbalanced { location, .. }) => {
            assert_eq!(location.to_string(), "bad.journal:1:1")
        }
        other => panic!("{other:?}"),
    }
    let missing = bureau_journal::read_with("main.journal", "include nope.journal\n", &mut files);
    assert!(matches!(missing, Err(Error::Include { path, .. }) if path == "nope.journal"));
    let cycle = bureau_journal::read_with("main.journal", "include loop.journal\n", &mut files);
    assert!(matches!(cycle, Err(Error::Include { reason, .. }) if reason.contains("deeper")));
    assert!(matches!(
        read("main.journal", "include bad.journal\n"),
        Err(Error::Unsupported { .. })
    ));
}

#[test]
fn memos_metadata_contra_accounts_and_commodities_round_trip() {
    use bureau_core::{Currency, Money};
    use bureau_ledger::{Account, AccountClass, AccountId, AccountKind, JournalEntry, Posting};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let hours = Currency::commodity("HOURS", 2).unwrap();
    let mut ledger = Ledger::new();
    let chart = [
        (1, "Assets:Bank", AccountKind::ASSET),
        (
            2,
            "Sales returns",
            AccountKind::contra(AccountClass::Income),
        ),
        (3, "Time:Billable", AccountKind::EXPENSE),
        (4, "Income:Sales", AccountKind::INCOME),
    ];
    for (n, name, kind) in chart {
        let account = Account::new(
            AccountId::from_u128(n),
            format!("C{n}").parse().unwrap(),
            name.parse().unwrap(),
            kind,
            day,
        );
        ledger.open_account(account).unwrap();
    }
    let id = |n| AccountId::from_u128(n);
    ledger
        .post(
            JournalEntry::builder(
                EntryId::from_u128(7),
                day,
                "(refund) for order 12 | web".parse().unwrap(),
            )
            .posting(
                Posting::debit(id(2), Money::from_minor(500, Currency::USD).unwrap())
                    .with_memo("returned: 2 items".parse().unwrap()),
            )
            .credit(id(1), Money::from_minor(500, Currency::USD).unwrap())
            .metadata("order".parse().unwrap(), "ORD-12".parse().unwrap())
            .metadata("channel".parse().unwrap(), "web: eu".parse().unwrap())
            .build()
            .unwrap(),
        )
        .unwrap();
    ledger
        .post(
            JournalEntry::builder(EntryId::from_u128(8), day, "".parse().unwrap())
                .debit(id(3), Money::from_minor(150, hours).unwrap())
                .credit(id(4), Money::from_minor(150, hours).unwrap())
                .build()
                .unwrap(),
        )
        .unwrap();
    let text = write_hledger(&ledger).unwrap();
    let book = post(&read("out.journal", &text).unwrap()).unwrap();
    let back = book.ledger();
    for (a, b) in ledger.entries().zip(back.entries()) {
        assert_eq!(
            (a.id(), a.date(), a.description(), a.metadata()),
            (b.id(), b.date(), b.description(), b.metadata())
        );
        for (p, q) in a.postings().iter().zip(b.postings()) {
            assert_eq!(
                (p.side(), p.amount(), p.memo()),
                (q.side(), q.amount(), q.memo())
            );
            assert_eq!(
                ledger.account(p.account()).unwrap().name(),
                back.account(q.account()).unwrap().name()
            );
        }
    }
    assert_eq!(back.entries().count(), 2);
    let returns = back
        .account(book.account("Sales returns").unwrap())
        .unwrap();
    assert_eq!(returns.kind(), AccountKind::contra(AccountClass::Income));
    assert_eq!(returns.code().as_str(), "C2");
    assert_eq!(
        book.currency(&bureau_journal::Commodity::new("HOURS")),
        Some(hours)
    );
}

#[test]
fn what_a_journal_cannot_hold_is_refused_by_name() {
    use bureau_core::{Currency, Money};
    use bureau_ledger::{Account, AccountId, AccountKind, JournalEntry};
    let day = chrono::NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let open = |name: &str| {
        let mut ledger = Ledger::new();
        for (n, name) in [(1, name), (2, "Equity:Capital")] {
            let kind = if n == 1 {
                AccountKind::ASSET
            } else {
                AccountKind::EQUITY
            };
            let account = Account::new(
                AccountId::from_u128(n),
                format!("C{n}").parse().unwrap(),
                name.parse().unwrap(),
                kind,
                day,
            );
            ledger.open_account(account).unwrap();
        }
        ledger
    };
    let err = write_hledger(&open("Assets:Bank  EU")).unwrap_err();
    assert!(
        matches!(&err, Error::Unwritable { what: "account name", text, .. } if text == "Assets:Bank  EU"),
        "{err}"
    );
    let mut ledger = open("Assets:Bank");
    let money = Money::from_minor(100, Currency::EUR).unwrap();
    ledger
        .post(
            JournalEntry::builder(EntryId::from_u128(1), day, "fee; waived".parse().unwrap())
                .debit(AccountId::from_u128(1), money)
                .credit(AccountId::from_u128(2), money)
                .metadata("x".parse().unwrap(), "1".parse().unwrap())
                .build()
                .unwrap(),
        )
        .unwrap();
    assert!(matches!(
        write_hledger(&ledger),
        Err(Error::Unwritable {
            what: "description",
            ..
        })
    ));
    assert!(matches!(
        bureau_journal::write_beancount(&ledger),
        Err(Error::Unwritable {
            what: "metadata key",
            ..
        })
    ));
}

/// `read` and `load` refuse `text` with the same error, returned.
fn refused(text: &str) -> Error {
    let error = read("d.journal", text).unwrap_err();
    assert_eq!(load("d.journal", text).unwrap_err(), error);
    error
}

#[test]
fn apply_account_prefixes_postings_and_declarations() {
    let text = "\
apply account Personal
account Assets  ; type: A
account Equity  ; type: E

2026-01-05 opening
    Assets:Bank          $100
    Equity:Opening

apply account Assets
2026-01-06 nested
    Cash   $5
    Bank
end apply account

2026-01-07 after the inner end
    Assets:Cash   $5
    Equity:Opening
end  apply   account

2026-01-08 outside
    Expenses:Food   $5
    Assets:Cash
";
    assert_eq!(
        balances(text),
        [
            "Assets:Cash  -5.00 USD",
            "Expenses:Food  5.00 USD",
            "Personal:Assets:Bank  95.00 USD",
            "Personal:Assets:Cash  10.00 USD",
            "Personal:Equity:Opening  -105.00 USD",
        ]
    );
    // Declarations are read under the prefix: `Personal` names no type,
    // the declared `Personal:Assets` does.
    let journal = read("d.journal", text).unwrap();
    assert_eq!(journal.accounts[0].name, "Personal:Assets");
    assert_eq!(
        journal.transactions[1].postings[0].account,
        "Personal:Assets:Cash"
    );
}

#[test]
fn apply_account_errors_say_where_and_why() {
    match refused("2026-01-01 x\n    Assets:A  $1\n    Equity:B\nend apply account\n") {
        Error::Syntax { location, .. } => assert_eq!((location.line, location.column), (4, 1)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        refused("apply account Personal  ; a comment\n"),
        Error::Syntax { location, .. } if location.line == 1
    ));
    assert!(matches!(
        refused("apply tag x\n"),
        Error::Unsupported { .. }
    ));
    // hledger renames the prefixed name, ledger-cli the name as written:
    // an alias that would rename either under a prefix is refused.
    let aliased =
        "alias Bank = Assets:Bank\napply account P\n2026-01-01 x\n    Bank  $1\n    Equity:B\n";
    match refused(aliased) {
        Error::Unsupported { location, what, .. } => {
            assert_eq!((location.line, location.column), (4, 5));
            assert!(what.contains("apply account"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    // An alias that renames neither is fine.
    let unrelated =
        "alias Cash = Assets:Cash\napply account Assets\n2026-01-01 x\n    Bank  $1\n    Opening\n";
    assert_eq!(
        balances(unrelated),
        ["Assets:Bank  1.00 USD", "Assets:Opening  -1.00 USD"]
    );
}

#[test]
fn apply_account_in_included_files() {
    let mut files = std::collections::BTreeMap::new();
    files.insert(
        "closed.journal".to_owned(),
        "apply account Inner\n2026-01-02 in\n    Expenses:A  $1\n    Assets:Cash\nend apply account\n"
            .to_owned(),
    );
    files.insert(
        "open.journal".to_owned(),
        "apply account Inner\n2026-01-02 in\n    Expenses:A  $1\n    Assets:Cash\n".to_owned(),
    );
    files.insert("ends.journal".to_owned(), "end apply account\n".to_owned());
    // The including file's prefix holds in the included file.
    let text = "account Outer  ; type: A\napply account Outer\ninclude closed.journal\n2026-01-03 after\n    Expenses:A  $1\n    Assets:Cash\n";
    let journal = bureau_journal::read_with("main.journal", text, &mut files).unwrap();
    let names: Vec<&str> = journal
        .transactions
        .iter()
        .flat_map(|t| t.postings.iter().map(|p| p.account.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            "Outer:Inner:Expenses:A",
            "Outer:Inner:Assets:Cash",
            "Outer:Expenses:A",
            "Outer:Assets:Cash"
        ]
    );
    let book = bureau_journal::load_with("main.journal", text, &mut files).unwrap();
    assert!(book.account("Outer:Inner:Assets:Cash").is_some());
    // hledger ends a prefix with its file, ledger-cli does not: refused,
    // at the directive left open.
    for include in [
        "include open.journal\n",
        "apply account Outer\ninclude ends.journal\n",
    ] {
        let slow = bureau_journal::read_with("main.journal", include, &mut files).unwrap_err();
        let fast = bureau_journal::load_with("main.journal", include, &mut files).unwrap_err();
        assert_eq!(slow, fast);
        match slow {
            Error::Unsupported { location, .. } => {
                assert_eq!((&*location.file, location.line), ("open.journal", 1));
            }
            Error::Syntax { location, .. } => {
                assert_eq!((&*location.file, location.line), ("ends.journal", 1));
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn year_directive_gives_dates_their_year() {
    for directive in [
        "Y2025",
        "Y 2025",
        "year 2025",
        "Y 2025  ; the books of 2025",
    ] {
        let text = format!(
            "{directive}\nP 03-01 AAPL $5\n01-05 x\n    Assets:A  $1\n    Equity:B\n1/6=1/9 y\n    Assets:A  $1  ; date: 2-1\n    Equity:B\n01.07 z\n    Assets:A  $1\n    Equity:B\n"
        );
        let journal = read("y.journal", &text).unwrap();
        let dates: Vec<String> = journal
            .transactions
            .iter()
            .map(|t| t.date.to_string())
            .collect();
        assert_eq!(
            dates,
            ["2025-01-05", "2025-01-06", "2025-01-07"],
            "{directive}"
        );
        assert_eq!(
            journal.transactions[1].date2.unwrap().to_string(),
            "2025-01-09"
        );
        assert_eq!(
            journal.transactions[1].postings[0]
                .date
                .unwrap()
                .to_string(),
            "2025-02-01"
        );
        assert_eq!(journal.prices[0].date.to_string(), "2025-03-01");
        let book = load("y.journal", &text).unwrap();
        let first = book.ledger().entries().next().unwrap();
        assert_eq!(first.date().to_string(), "2025-01-05");
        read_and_post(&text);
    }
    // A later `Y` holds from where it is; full dates keep their own year.
    let text = "Y 2025\n2024-12-31 a\n    Assets:A  $1\n    Equity:B\nY 2026\n01-05 b\n    Assets:A  $1\n    Equity:B\n";
    let dates: Vec<String> = read("y.journal", text)
        .unwrap()
        .transactions
        .iter()
        .map(|t| t.date.to_string())
        .collect();
    assert_eq!(dates, ["2024-12-31", "2026-01-05"]);
    // A secondary date and a posting's `date:` without a year take the
    // transaction's, as hledger reads them, whatever `Y` says.
    let text = "Y 2025\n2024-01-07=02-03 z\n    Assets:A  $1  ; date: 02-01\n    Equity:B\n";
    let journal = read("y.journal", text).unwrap();
    assert_eq!(
        journal.transactions[0].date2.unwrap().to_string(),
        "2024-02-03"
    );
    assert_eq!(
        journal.transactions[0].postings[0]
            .date
            .unwrap()
            .to_string(),
        "2024-02-01"
    );
}

#[test]
fn a_date_without_a_year_needs_a_year_directive() {
    match refused("\n01-05 x\n    Assets:A  $1\n    Equity:B\n") {
        Error::NoYear { location, text, .. } => {
            assert_eq!(
                (location.line, location.column, text.as_str()),
                (2, 1, "01-05")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(refused("P 03-01 AAPL $5\n"), Error::NoYear { .. }));
    // A year and month is no month and day.
    assert!(matches!(
        refused("2026-01 x\n    Assets:A  $1\n    Equity:B\n"),
        Error::BadDate { text, .. } if text == "2026-01"
    ));
    // Not a day of that year.
    assert!(matches!(
        refused("Y 2025\n02-29 x\n    Assets:A  $1\n    Equity:B\n"),
        Error::BadDate { text, .. } if text == "02-29"
    ));
    for bad in [
        "Y 25",
        "Y 12345",
        "year",
        "Y 1399",
        "Y 2025 extra",
        "Y2025x",
    ] {
        match refused(&format!("{bad}\n")) {
            Error::Syntax { location, .. } => assert_eq!(location.line, 1, "{bad}"),
            Error::Unsupported { .. } if bad == "Y2025x" => {}
            other => panic!("{bad}: {other:?}"),
        }
    }
    // A `Y` holds to the end of its file: the including file's year is
    // back after the include, and its year holds in the included file.
    let mut files = std::collections::BTreeMap::new();
    files.insert("inner.journal".to_owned(), "Y 2024\n".to_owned());
    files.insert(
        "dates.journal".to_owned(),
        "01-02 in\n    Assets:A  $1\n    Equity:B\n".to_owned(),
    );
    let text = "Y 2025\ninclude inner.journal\ninclude dates.journal\n01-05 x\n    Assets:A  $1\n    Equity:B\n";
    let journal = bureau_journal::read_with("main.journal", text, &mut files).unwrap();
    let dates: Vec<String> = journal
        .transactions
        .iter()
        .map(|t| t.date.to_string())
        .collect();
    assert_eq!(dates, ["2025-01-02", "2025-01-05"]);
    let book = bureau_journal::load_with("main.journal", text, &mut files).unwrap();
    assert_eq!(book.ledger().entries().count(), 2);
}

#[test]
fn periodic_and_automated_transactions_are_refused_where_they_are() {
    let periodic = "2026-01-01 x\n    Assets:A  $1\n    Equity:B\n\n~ monthly\n    Expenses:Rent  $500\n    Assets:A\n";
    match refused(periodic) {
        Error::Unsupported { location, what, .. } => {
            assert_eq!((location.line, location.column), (5, 1));
            assert!(what.starts_with("a periodic transaction"), "{what}");
            assert!(what.contains("~ monthly"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    let automated = "= expenses:food\n    (Budget:Food)  *-1\n";
    match refused(automated) {
        Error::Unsupported { location, what, .. } => {
            assert_eq!((location.line, location.column), (1, 1));
            assert!(what.starts_with("an automated transaction"), "{what}");
        }
        other => panic!("{other:?}"),
    }
    // Without a space after the mark too.
    assert!(matches!(refused("~monthly\n"), Error::Unsupported { .. }));
    assert!(matches!(refused("=food\n"), Error::Unsupported { .. }));
}

/// Text given to a `Loader` in pieces cut anywhere reads as `load` reads
/// it whole.
fn in_pieces(text: &str, cuts: &[usize]) {
    let whole = load("fuzz.journal", text).and_then(|book| book.balances());
    let mut loader = bureau_journal::Loader::new("fuzz.journal");
    let mut bounds: Vec<usize> = cuts
        .iter()
        .map(|c| c % (text.len() + 1))
        .filter(|c| text.is_char_boundary(*c))
        .collect();
    bounds.sort_unstable();
    let mut from = 0;
    let mut read = Ok(());
    for to in bounds.into_iter().chain([text.len()]) {
        read = read.and_then(|()| loader.read(&text[from..to]));
        from = to;
    }
    let pieces = read
        .and_then(|()| loader.finish())
        .and_then(|book| book.balances());
    assert_eq!(pieces, whole, "for {text:?} cut at {cuts:?}");
}

proptest! {
    #[test]
    fn never_panic_in_pieces_as_whole(
        text in "[0-9 \\-/=*!();#@$:A-Za-z,.\t\n\r\"~]{0,300}",
        cuts in proptest::collection::vec(any::<usize>(), 0..6),
    ) {
        in_pieces(&text, &cuts);
    }

    #[test]
    fn never_panic_on_directives(
        lines in proptest::collection::vec(prop_oneof![
            Just("apply account P".to_owned()),
            Just("apply account Assets".to_owned()),
            Just("end apply account".to_owned()),
            Just("alias Bank = Assets:Bank".to_owned()),
            Just("end aliases".to_owned()),
            Just("Y 2025".to_owned()),
            Just("Y2024".to_owned()),
            Just("year 2026".to_owned()),
            Just("~ monthly".to_owned()),
            Just("= food".to_owned()),
            Just("01-05 x".to_owned()),
            Just("2026-02-01=03-01 y".to_owned()),
            Just("    Bank  $1".to_owned()),
            Just("    Assets:Cash  $-1  ; date: 01-31".to_owned()),
            Just("    Equity:Opening".to_owned()),
            Just("    Assets:Cash  = $0".to_owned()),
            Just(String::new()),
        ], 0..16),
        cuts in proptest::collection::vec(any::<usize>(), 0..4),
    ) {
        let text = lines.join("\n");
        read_and_post(&text);
        in_pieces(&text, &cuts);
    }
}
