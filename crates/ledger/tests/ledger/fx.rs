//! Foreign-currency settlements and revaluations: realised and unrealised
//! results, their rounding, rejections, idempotency, reversal and JSON shape.
// Test code: a malformed case is a bug to see at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use bureau_core::{
    Aggregate, Currency, Decimal, ExchangeRate, Money, PartyId, Period, Rate, RoundingStrategy,
};
use bureau_ledger::fixtures::{foreign_settlement, ledger_with_foreign_invoice};
use bureau_ledger::{
    Account, AccountId, AccountKind, EntryId, Error, ForeignSettlement, JournalEntry, Ledger,
    LedgerCommand, Posting, Revaluation, RevaluationAccounts, SettlementAccounts, Side,
};
use chrono::NaiveDate;

const BANK_EUR: u128 = 2;
const RECEIVABLES: u128 = 12;
const PAYABLES: u128 = 21;
const SALES: u128 = 4;
const PURCHASES: u128 = 6;
const CONVERSION: u128 = 9;
const REALISED_GAIN: u128 = 71;
const REALISED_LOSS: u128 = 81;
const UNREALISED_GAIN: u128 = 72;
const UNREALISED_LOSS: u128 = 82;

/// What a rejection must look like.
type Expected = Box<dyn Fn(&Error) -> bool>;

fn ids(n: u128) -> AccountId {
    AccountId::from_u128(n)
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

fn usd() -> Currency {
    Currency::USD
}

fn eur() -> Currency {
    Currency::EUR
}

fn money(text: &str) -> Money {
    text.parse().unwrap()
}

/// EUR into USD at `hundredths` / 100 (or ten-thousandths with `scale` 4).
fn rate(units: i64, scale: u32, on: NaiveDate) -> ExchangeRate {
    ExchangeRate::new(eur(), usd(), Rate::new(Decimal::new(units, scale)), on).unwrap()
}

fn accounts(open_items: u128) -> SettlementAccounts {
    SettlementAccounts {
        open_items: ids(open_items),
        cash: ids(BANK_EUR),
        realised_gain: ids(REALISED_GAIN),
        realised_loss: ids(REALISED_LOSS),
    }
}

fn settle(
    n: u128,
    on: NaiveDate,
    account: u128,
    amount: &str,
    r: ExchangeRate,
) -> ForeignSettlement {
    ForeignSettlement::new(
        EntryId::from_u128(n),
        on,
        accounts(account),
        PartyId::from_u128(5),
        money(amount),
        r,
    )
}

/// An invoice (or, on the payables, a bill) of `eur` to party 5 booked at `r`.
fn foreign_item(
    ledger: &mut Ledger,
    n: u128,
    on: NaiveDate,
    due: NaiveDate,
    bill: bool,
    amount: &str,
    r: ExchangeRate,
) {
    let foreign = money(&format!("{amount} EUR"));
    let base = r
        .convert(foreign, RoundingStrategy::MidpointNearestEven)
        .unwrap();
    let (items, counter) = if bill {
        (PAYABLES, PURCHASES)
    } else {
        (RECEIVABLES, SALES)
    };
    let side = if bill { Side::Credit } else { Side::Debit };
    let entry = JournalEntry::builder(EntryId::from_u128(n), on, "foreign item".parse().unwrap())
        .posting(
            Posting::new(ids(items), side, foreign)
                .with_party(PartyId::from_u128(5))
                .with_due_date(due),
        )
        .posting(Posting::new(ids(CONVERSION), side.opposite(), foreign))
        .posting(Posting::new(ids(CONVERSION), side, base))
        .posting(Posting::new(ids(counter), side.opposite(), base))
        .rate(r)
        .build()
        .unwrap();
    ledger.post(entry).unwrap();
}

/// The conversion account's value at `r`, from the debit side, in USD.
fn conversion_value(ledger: &Ledger, r: &ExchangeRate) -> Money {
    let eur_position = ledger.balance(ids(CONVERSION), eur()).unwrap();
    let usd_position = ledger.balance(ids(CONVERSION), usd()).unwrap();
    // The conversion account is equity: its balance is on the credit side.
    let eur_debit = eur_position.neg();
    let usd_debit = usd_position.neg();
    usd_debit
        .checked_add(
            r.convert(eur_debit, RoundingStrategy::MidpointNearestEven)
                .unwrap(),
        )
        .unwrap()
}

fn result(ledger: &Ledger, gain: u128, loss: u128) -> Money {
    let gain = ledger.balance(ids(gain), usd()).unwrap();
    let loss = ledger.balance(ids(loss), usd()).unwrap();
    gain.checked_sub(loss).unwrap()
}

#[test]
fn paying_an_invoice_at_a_lower_rate_realises_the_loss_and_leaves_nothing_to_revalue() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    let at_settlement = rate(105, 2, day(4, 15));
    // Before the invoice the conversion account was empty; the invoice at
    // 1.10, valued at 1.05, adds a loss of 50.00 to it.
    assert_eq!(
        conversion_value(&ledger, &at_settlement),
        money("50.00 USD")
    );
    let realised = ledger
        .settle_foreign(foreign_settlement().unwrap())
        .unwrap()
        .result();
    assert_eq!(realised, money("-50.00 USD"));
    assert_eq!(
        result(&ledger, REALISED_GAIN, REALISED_LOSS),
        money("-50.00 USD")
    );
    // Back to the value before the invoice.
    assert!(conversion_value(&ledger, &at_settlement).is_zero());
    assert!(
        ledger
            .open_items(ids(RECEIVABLES), day(4, 15))
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        ledger.balance(ids(BANK_EUR), eur()).unwrap(),
        money("1000.00 EUR")
    );
    let entry = ledger.entry(EntryId::from_u128(4)).unwrap();
    assert_eq!(entry.rates(), &[at_settlement]);
    assert_eq!(entry.postings().len(), 4);
    assert_eq!(
        entry.postings()[2].memo().map(|m| m.to_string()),
        Some(format!(
            "realised on the item of entry {}",
            EntryId::from_u128(1)
        ))
    );
    let before = ledger.clone();
    let nothing = ledger
        .revalue(
            Revaluation::new(
                EntryId::from_u128(5),
                day(4, 15),
                usd(),
                RevaluationAccounts {
                    unrealised_gain: ids(UNREALISED_GAIN),
                    unrealised_loss: ids(UNREALISED_LOSS),
                },
            )
            .with_rate(at_settlement),
        )
        .unwrap()
        .result();
    assert!(nothing.is_zero());
    assert_eq!(ledger, before);
    assert!(ledger.trial_balance().unwrap().is_balanced());
}

#[test]
fn partial_payments_use_the_booking_rate_of_each_item() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    // Entry 1: 1000.00 EUR at 1.10, due 2026-03-01; entry 2: 400.00 EUR at 1.20, due later.
    foreign_item(
        &mut ledger,
        2,
        day(3, 5),
        day(5, 1),
        false,
        "400.00",
        rate(120, 2, day(3, 5)),
    );
    // 1200.00 at 1.15: all of entry 1 (+50.00), 200.00 of entry 2 (-10.00).
    let first = ledger
        .settle_foreign(settle(
            10,
            day(4, 1),
            RECEIVABLES,
            "1200.00 EUR",
            rate(115, 2, day(4, 1)),
        ))
        .unwrap()
        .result();
    assert_eq!(first, money("40.00 USD"));
    assert_eq!(
        ledger.balance(ids(REALISED_GAIN), usd()).unwrap(),
        money("50.00 USD")
    );
    assert_eq!(
        ledger.balance(ids(REALISED_LOSS), usd()).unwrap(),
        money("10.00 USD")
    );
    let open = ledger.open_items(ids(RECEIVABLES), day(4, 1)).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(
        (open[0].entry, open[0].open),
        (EntryId::from_u128(2), money("200.00 EUR"))
    );
    // The rest of entry 2 at 1.00: 200.00 x (1.00 - 1.20) = -40.00.
    let second = ledger
        .settle_foreign(settle(
            11,
            day(4, 20),
            RECEIVABLES,
            "200.00 EUR",
            rate(100, 2, day(4, 20)),
        ))
        .unwrap()
        .result();
    assert_eq!(second, money("-40.00 USD"));
    assert_eq!(
        result(&ledger, REALISED_GAIN, REALISED_LOSS),
        money("0.00 USD")
    );
    // What the conversion account still values is the euros in the bank:
    // 1200.00 taken in at 1.15, now worth 1.00, an unrealised 180.00 loss.
    assert_eq!(
        conversion_value(&ledger, &rate(100, 2, day(4, 20))),
        money("180.00 USD")
    );
}

#[test]
fn paying_a_bill_with_more_base_currency_than_booked_is_a_loss() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    foreign_item(
        &mut ledger,
        2,
        day(3, 2),
        day(3, 31),
        true,
        "1000.00",
        rate(110, 2, day(3, 2)),
    );
    let realised = ledger
        .settle_foreign(settle(
            3,
            day(4, 2),
            PAYABLES,
            "1000.00 EUR",
            rate(115, 2, day(4, 2)),
        ))
        .unwrap()
        .result();
    assert_eq!(realised, money("-50.00 USD"));
    assert_eq!(
        ledger.balance(ids(REALISED_LOSS), usd()).unwrap(),
        money("50.00 USD")
    );
    // The money went out of the bank, and the bill is closed.
    assert_eq!(
        ledger.balance(ids(BANK_EUR), eur()).unwrap(),
        money("-1000.00 EUR")
    );
    assert!(
        ledger
            .open_items(ids(PAYABLES), day(4, 2))
            .unwrap()
            .is_empty()
    );
    // At a lower rate a bill gains.
    foreign_item(
        &mut ledger,
        4,
        day(3, 2),
        day(3, 31),
        true,
        "100.00",
        rate(110, 2, day(3, 2)),
    );
    let gain = ledger
        .settle_foreign(settle(
            5,
            day(4, 3),
            PAYABLES,
            "100.00 EUR",
            rate(100, 2, day(4, 3)),
        ))
        .unwrap()
        .result();
    assert_eq!(gain, money("10.00 USD"));
}

#[test]
fn each_portion_is_rounded_once_with_the_strategy_named() {
    let base = ledger_with_foreign_invoice().unwrap();
    // 333.33 x (1.1123 - 1.10) = 4.099959 USD.
    let r = rate(11123, 4, day(4, 1));
    let mut even = base.clone();
    let nearest = even
        .settle_foreign(settle(6, day(4, 1), RECEIVABLES, "333.33 EUR", r))
        .unwrap()
        .result();
    assert_eq!(nearest, money("4.10 USD"));
    let mut down = base;
    let truncated = down
        .settle_foreign(
            settle(6, day(4, 1), RECEIVABLES, "333.33 EUR", r)
                .with_rounding(RoundingStrategy::ToZero),
        )
        .unwrap()
        .result();
    assert_eq!(truncated, money("4.09 USD"));
}

#[test]
fn realised_results_per_portion_follow_a_table_of_rates_and_roundings() {
    use RoundingStrategy::{MidpointAwayFromZero, MidpointNearestEven, ToPositiveInfinity, ToZero};
    // (paid EUR, settlement rate in ten-thousandths, rounding, realised USD);
    // the invoice of entry 1 is 1000.00 EUR at 1.10.
    let table = [
        ("1000.00", 10_500, MidpointNearestEven, "-50.00"),
        ("1000.00", 11_000, MidpointNearestEven, "0.00"),
        ("0.01", 11_050, MidpointNearestEven, "0.00"), // 0.00005, below half a cent
        ("0.01", 11_050, MidpointAwayFromZero, "0.00"), // 0.00005 is below half a cent
        ("0.10", 11_050, MidpointNearestEven, "0.00"), // 0.0005
        ("1.00", 11_050, MidpointNearestEven, "0.00"), // 0.005 ties to even
        ("1.00", 11_050, MidpointAwayFromZero, "0.01"),
        ("3.00", 11_050, MidpointNearestEven, "0.02"), // 0.015 ties to even
        ("7.77", 10_999, ToZero, "0.00"),              // -0.000777
        ("7.77", 10_999, ToPositiveInfinity, "0.00"),
        ("777.77", 10_987, ToZero, "-1.01"), // -1.011101
        ("999.99", 12_345, MidpointNearestEven, "134.50"), // 134.498655
    ];
    for (paid, settled, rounding, expected) in table {
        let mut ledger = ledger_with_foreign_invoice().unwrap();
        let settlement = settle(
            4,
            day(4, 1),
            RECEIVABLES,
            &format!("{paid} EUR"),
            rate(settled, 4, day(4, 1)),
        )
        .with_rounding(rounding);
        let realised = ledger.settle_foreign(settlement).unwrap().result();
        assert_eq!(
            realised,
            money(&format!("{expected} USD")),
            "{paid} at {settled} with {rounding:?}"
        );
    }
}

#[test]
fn rejected_settlements_name_what_is_wrong_and_change_nothing() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    // An EUR item booked without any rate: entry 7 for party 6.
    ledger
        .open_account(Account::new(
            ids(30),
            "3000".parse().unwrap(),
            "Equity".parse().unwrap(),
            AccountKind::EQUITY,
            day(1, 1),
        ))
        .unwrap();
    ledger
        .post(
            JournalEntry::builder(EntryId::from_u128(7), day(3, 3), "no rate".parse().unwrap())
                .posting(
                    Posting::debit(ids(RECEIVABLES), money("10.00 EUR"))
                        .with_party(PartyId::from_u128(6)),
                )
                .credit(ids(30), money("10.00 EUR"))
                .build()
                .unwrap(),
        )
        .unwrap();
    ledger
        .close_period(Period::month(2026, 2).unwrap())
        .unwrap();
    let at = rate(105, 2, day(4, 15));
    let gbp = Currency::GBP;
    let unknown_party = ForeignSettlement::new(
        EntryId::from_u128(20),
        day(4, 15),
        accounts(RECEIVABLES),
        PartyId::from_u128(99),
        money("10.00 EUR"),
        at,
    );
    let no_rate = ForeignSettlement::new(
        EntryId::from_u128(20),
        day(4, 15),
        accounts(RECEIVABLES),
        PartyId::from_u128(6),
        money("10.00 EUR"),
        at,
    );
    let gbp_rate =
        ExchangeRate::new(gbp, usd(), Rate::new(Decimal::new(127, 2)), day(4, 15)).unwrap();
    let checks: Vec<(ForeignSettlement, Expected)> = vec![
        (
            unknown_party,
            Box::new(|e| matches!(e, Error::NoOpenItems { .. })),
        ),
        (
            settle(20, day(4, 15), RECEIVABLES, "10.00 GBP", gbp_rate),
            Box::new(
                |e| matches!(e, Error::NoOpenItems { currency, .. } if currency.code() == "GBP"),
            ),
        ),
        (
            settle(20, day(4, 15), RECEIVABLES, "10.00 GBP", at),
            Box::new(|e| matches!(e, Error::SettlementRateMismatch { .. })),
        ),
        (
            settle(20, day(4, 15), RECEIVABLES, "1000.01 EUR", at),
            Box::new(
                |e| matches!(e, Error::SettlementExceedsOpenItems { open, .. } if *open == money("1000.00 EUR")),
            ),
        ),
        (
            settle(20, day(4, 15), RECEIVABLES, "0.00 EUR", at),
            Box::new(|e| matches!(e, Error::NonPositiveAmount { .. })),
        ),
        (
            no_rate,
            Box::new(
                |e| matches!(e, Error::MissingBookingRate { item, .. } if *item == EntryId::from_u128(7)),
            ),
        ),
        (
            settle(20, day(2, 15), RECEIVABLES, "10.00 EUR", at),
            Box::new(|e| matches!(e, Error::PeriodClosed { .. })),
        ),
        (
            settle(1, day(4, 15), RECEIVABLES, "10.00 EUR", at),
            Box::new(|e| matches!(e, Error::ExistsWithDifferent { .. })),
        ),
        (
            settle(20, day(4, 15), 404, "10.00 EUR", at),
            Box::new(|e| matches!(e, Error::UnknownAccount { .. })),
        ),
    ];
    for (settlement, expected) in checks {
        let before = ledger.clone();
        let error = ledger
            .handle(&LedgerCommand::SettleForeign(settlement.clone()))
            .unwrap_err();
        assert!(expected(&error), "{settlement:?}: {error}");
        assert!(!error.to_string().is_empty());
        assert_eq!(ledger, before, "{error}");
    }
    let message = ledger
        .settle_foreign(ForeignSettlement::new(
            EntryId::from_u128(21),
            day(4, 15),
            accounts(RECEIVABLES),
            PartyId::from_u128(6),
            money("10.00 EUR"),
            at,
        ))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains(&EntryId::from_u128(7).to_string()),
        "{message}"
    );
}

#[test]
fn a_settlement_is_idempotent_by_its_entry_id_and_replays_from_its_events() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    let mut replica = ledger.clone();
    let settlement = settle(
        4,
        day(4, 15),
        RECEIVABLES,
        "600.00 EUR",
        rate(105, 2, day(4, 15)),
    );
    let events = ledger
        .handle(&LedgerCommand::SettleForeign(settlement.clone()))
        .unwrap();
    assert_eq!(events.len(), 1);
    for event in &events {
        replica.apply(event);
    }
    assert_eq!(replica, ledger);
    let before = ledger.clone();
    assert!(matches!(
        ledger.settle_foreign(settlement.clone()),
        Err(Error::AlreadyPosted { .. })
    ));
    let other = settle(
        4,
        day(4, 15),
        RECEIVABLES,
        "100.00 EUR",
        rate(105, 2, day(4, 15)),
    );
    assert!(matches!(
        ledger.settle_foreign(other),
        Err(Error::ExistsWithDifferent {
            field: bureau_ledger::EntryField::Postings,
            ..
        })
    ));
    let renamed = settlement.with_description("another text".parse().unwrap());
    assert!(matches!(
        ledger.settle_foreign(renamed),
        Err(Error::ExistsWithDifferent {
            field: bureau_ledger::EntryField::Description,
            ..
        })
    ));
    assert_eq!(ledger, before);
    ledger.verify().unwrap();
}

#[test]
fn a_reversing_revaluation_posts_its_mirror_and_keeps_realised_apart() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    let month_end = rate(112, 2, day(3, 31));
    let revaluation = Revaluation::new(
        EntryId::from_u128(2),
        day(3, 31),
        usd(),
        RevaluationAccounts {
            unrealised_gain: ids(UNREALISED_GAIN),
            unrealised_loss: ids(UNREALISED_LOSS),
        },
    )
    .with_rate(month_end)
    .reversing_on(day(4, 1), EntryId::from_u128(3));
    let events = ledger
        .handle(&LedgerCommand::Revalue(revaluation.clone()))
        .unwrap();
    assert_eq!(events.len(), 2);
    assert_eq!(
        ledger.reversed_by(EntryId::from_u128(2)),
        Some(EntryId::from_u128(3))
    );
    let gain = ids(UNREALISED_GAIN);
    assert_eq!(
        ledger.balance_as_of(gain, usd(), day(3, 31)).unwrap(),
        money("20.00 USD")
    );
    assert!(
        ledger
            .balance_as_of(gain, usd(), day(4, 1))
            .unwrap()
            .is_zero()
    );
    let before = ledger.clone();
    assert!(matches!(
        ledger.revalue(revaluation),
        Err(Error::AlreadyPosted { .. })
    ));
    assert_eq!(ledger, before);
    // Realised from the booking rate, counted once.
    let realised = ledger
        .settle_foreign(foreign_settlement().unwrap())
        .unwrap()
        .result();
    assert_eq!(realised, money("-50.00 USD"));
    assert_eq!(
        result(&ledger, UNREALISED_GAIN, UNREALISED_LOSS),
        money("0.00 USD")
    );
    assert_eq!(
        result(&ledger, REALISED_GAIN, REALISED_LOSS),
        money("-50.00 USD")
    );
}

#[test]
fn a_reversal_before_its_revaluation_or_in_a_closed_period_is_refused() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    let month_end = rate(112, 2, day(3, 31));
    let early = Revaluation::new(
        EntryId::from_u128(2),
        day(3, 31),
        usd(),
        RevaluationAccounts {
            unrealised_gain: ids(UNREALISED_GAIN),
            unrealised_loss: ids(UNREALISED_LOSS),
        },
    )
    .with_rate(month_end)
    .reversing_on(day(3, 30), EntryId::from_u128(3));
    let before = ledger.clone();
    assert!(matches!(
        ledger.revalue(early),
        Err(Error::ReversalBeforeOriginal { .. })
    ));
    assert_eq!(ledger, before);
    ledger
        .close_period(Period::month(2026, 4).unwrap())
        .unwrap();
    let before = ledger.clone();
    let closed = Revaluation::new(
        EntryId::from_u128(2),
        day(3, 31),
        usd(),
        RevaluationAccounts {
            unrealised_gain: ids(UNREALISED_GAIN),
            unrealised_loss: ids(UNREALISED_LOSS),
        },
    )
    .with_rate(month_end)
    .reversing_on(day(4, 1), EntryId::from_u128(3));
    assert!(
        matches!(ledger.revalue(closed), Err(Error::PeriodClosed { entry, .. }) if entry == EntryId::from_u128(3))
    );
    assert_eq!(ledger, before);
}

#[test]
fn a_settlement_with_a_realised_result_can_be_reversed() {
    // Found by the generated histories: the mirror of a settlement holds
    // the foreign payment and the realised legs in the base currency,
    // with the conversion account in the base currency only, and was
    // refused as a conversion without its foreign leg.
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    let before = ledger.clone();
    let realised = ledger
        .settle_foreign(foreign_settlement().unwrap())
        .unwrap()
        .result();
    assert_eq!(realised, money("-50.00 USD"));
    let events = ledger
        .handle(&LedgerCommand::Reverse(bureau_ledger::Reversal {
            original: EntryId::from_u128(4),
            entry: EntryId::from_u128(5),
            date: day(4, 16),
        }))
        .unwrap();
    assert_eq!(events.len(), 1);
    for account in ledger.accounts().map(Account::id).collect::<Vec<_>>() {
        for currency in [usd(), eur()] {
            assert_eq!(
                ledger.balance(account, currency).unwrap(),
                before.balance(account, currency).unwrap(),
                "{account} in {currency}"
            );
        }
    }
    // The invoice itself is open again, booked at its own rate: settled
    // again at 1.05, it realises the same loss.
    let open = ledger.open_items(ids(RECEIVABLES), day(4, 16)).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].open, money("1000.00 EUR"));
    assert_eq!(open[0].entry, EntryId::from_u128(1));
    let again = settle(
        6,
        day(4, 17),
        RECEIVABLES,
        "1000.00 EUR",
        rate(105, 2, day(4, 17)),
    );
    assert_eq!(
        ledger.settle_foreign(again).unwrap().result(),
        money("-50.00 USD")
    );
    ledger.verify().unwrap();
}

#[test]
fn a_position_worth_more_than_money_holds_is_a_typed_error() {
    let mut ledger = ledger_with_foreign_invoice().unwrap();
    let huge = money("500000000000000000000000000.00 EUR");
    ledger
        .post(
            JournalEntry::builder(
                EntryId::from_u128(2),
                day(3, 2),
                "huge purchase of euros".parse().unwrap(),
            )
            .debit(ids(BANK_EUR), huge)
            .credit(ids(CONVERSION), huge)
            .debit(ids(CONVERSION), money("1.00 USD"))
            .credit(ids(1), money("1.00 USD"))
            .rate(rate(1, 2, day(3, 2)))
            .build()
            .unwrap(),
        )
        .unwrap();
    let before = ledger.clone();
    let error = ledger
        .revalue(
            Revaluation::new(
                EntryId::from_u128(3),
                day(3, 31),
                usd(),
                RevaluationAccounts {
                    unrealised_gain: ids(UNREALISED_GAIN),
                    unrealised_loss: ids(UNREALISED_LOSS),
                },
            )
            .with_rate(rate(2, 0, day(3, 31))),
        )
        .unwrap_err();
    assert!(
        matches!(error, Error::EntryOverflow { entry, .. } if entry == EntryId::from_u128(3)),
        "{error}"
    );
    assert_eq!(ledger, before);
}

#[cfg(feature = "serde")]
#[test]
fn settlement_and_reversing_revaluation_commands_travel_as_json() {
    let commands = [
        LedgerCommand::SettleForeign(
            foreign_settlement()
                .unwrap()
                .with_description("wire".parse().unwrap()),
        ),
        LedgerCommand::Revalue(
            Revaluation::new(
                EntryId::from_u128(2),
                day(3, 31),
                usd(),
                RevaluationAccounts {
                    unrealised_gain: ids(UNREALISED_GAIN),
                    unrealised_loss: ids(UNREALISED_LOSS),
                },
            )
            .with_rate(rate(112, 2, day(3, 31)))
            .reversing_on(day(4, 1), EntryId::from_u128(3)),
        ),
    ];
    for command in commands {
        let text = serde_json::to_string(&command).unwrap();
        assert_eq!(
            serde_json::from_str::<LedgerCommand>(&text).unwrap(),
            command,
            "{text}"
        );
    }
}
