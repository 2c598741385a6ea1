//! Payment terms against worked dates, and serde of the sales types.

use bureau_core::{Percent, RoundingStrategy, money};
use bureau_sales::*;
use chrono::NaiveDate;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn due_dates() {
    // (terms, invoice date, due date)
    let cases = [
        (PaymentTerms::net(0), date(2026, 3, 5), date(2026, 3, 5)),
        (PaymentTerms::net(30), date(2026, 12, 15), date(2027, 1, 14)),
        (
            PaymentTerms::end_of_month(0),
            date(2028, 2, 3),
            date(2028, 2, 29),
        ),
        (
            PaymentTerms::end_of_month(0),
            date(2026, 2, 28),
            date(2026, 2, 28),
        ),
        (
            PaymentTerms::end_of_month(30),
            date(2026, 1, 31),
            date(2026, 3, 2),
        ),
        (
            PaymentTerms::end_of_month(10),
            date(2026, 12, 1),
            date(2027, 1, 10),
        ),
    ];
    for (terms, invoiced, due) in cases {
        let schedule = terms
            .schedule(
                invoiced,
                money!(100.00 EUR),
                RoundingStrategy::MidpointNearestEven,
            )
            .unwrap();
        assert_eq!(schedule.due, due, "{terms:?} from {invoiced}");
        assert_eq!(schedule.discount, None);
    }
}

#[test]
fn early_payment_discount() {
    let terms = PaymentTerms::net(30)
        .with_early_payment(Percent::new(2.into()), 10)
        .unwrap();
    let schedule = terms
        .schedule(
            date(2026, 2, 25),
            money!(99.99 EUR),
            RoundingStrategy::MidpointAwayFromZero,
        )
        .unwrap();
    let offer = schedule.discount.unwrap();
    assert_eq!(offer.deadline, date(2026, 3, 7));
    assert_eq!(offer.amount, money!(2.00 EUR));
    assert_eq!(
        offer.pay.checked_add(offer.amount).unwrap(),
        schedule.amount
    );
    assert!(matches!(
        PaymentTerms::net(30).with_early_payment(Percent::new(101.into()), 10),
        Err(Error::PercentOutOfRange { .. })
    ));
    let far = PaymentTerms::net(u16::MAX).schedule(
        NaiveDate::MAX,
        money!(1.00 EUR),
        RoundingStrategy::ToZero,
    );
    assert!(matches!(far, Err(Error::DateOutOfRange { .. })));
}

#[test]
fn serde_round_trips_and_revalidates() {
    let terms = PaymentTerms::end_of_month(30)
        .with_early_payment(Percent::new("1.5".parse().unwrap()), 10)
        .unwrap();
    let json = serde_json::to_string(&terms).unwrap();
    assert_eq!(serde_json::from_str::<PaymentTerms>(&json).unwrap(), terms);
    let bad = json.replace("\"1.5\"", "\"150\"");
    assert!(serde_json::from_str::<PaymentTerms>(&bad).is_err());

    let rule = DiscountRule::line(
        DiscountName::new("Promo").unwrap(),
        DiscountTarget::All,
        LineDiscount::Percentage(Percent::new(10.into())),
    )
    .unwrap();
    let json = serde_json::to_string(&rule).unwrap();
    assert_eq!(serde_json::from_str::<DiscountRule>(&json).unwrap(), rule);
    assert!(serde_json::from_str::<DiscountRule>(&json.replace("\"10\"", "\"-10\"")).is_err());
    assert!(serde_json::from_str::<Sku>("\"has space\"").is_err());
}

#[test]
fn price_lists_are_checked_when_read() {
    let year = bureau_core::DateRange::new(date(2026, 1, 1), date(2027, 1, 1)).unwrap();
    let product = bureau_core::ProductId::from_u128(7);
    let list = PriceList::new(
        PriceListCode::new("EU").unwrap(),
        bureau_core::Currency::EUR,
        None,
        year,
    )
    .with_prices(
        product,
        [PriceTier::new(Quantity::ZERO, money!(5.00 EUR)).unwrap()],
    )
    .unwrap();
    let json = serde_json::to_string(&list).unwrap();
    assert_eq!(serde_json::from_str::<PriceList>(&json).unwrap(), list);
    // A tier in another currency than the list's is refused on reading too.
    let foreign = json.replace("\"EUR\"}", "\"USD\"}");
    assert_ne!(foreign, json);
    assert!(serde_json::from_str::<PriceList>(&foreign).is_err());
    assert!(serde_json::from_str::<PriceList>(&json.replace("\"5.00\"", "\"-5.00\"")).is_err());
}
