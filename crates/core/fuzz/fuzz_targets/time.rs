//! The date and time parsers: never a panic, only dates in years 1-9999,
//! and every parsed time prints as text that parses back to itself.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscalc_core::{date_order_evidence, Date, DateOrder, DateTime};

fuzz_target!(|data: &[u8]| {
    if data.len() >= 8 {
        let serial = f64::from_le_bytes(data[..8].try_into().unwrap());
        if let Some(t) = DateTime::from_excel_serial(serial) {
            check(t);
        }
    }
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    for order in [None, Some(DateOrder::DayFirst), Some(DateOrder::MonthFirst)] {
        if let Some(t) = DateTime::parse_with(s, order) {
            check(t);
        }
    }
    let _ = date_order_evidence(s);
    if let Some(d) = Date::parse(s) {
        let (y, m, day) = d.ymd();
        assert_eq!(Date::from_ymd(y, m, day), Some(d));
        let _ = (
            d.weekday(),
            d.month_start(),
            d.week_start(),
            d.next_month_start(),
        );
    }
});

fn check(t: DateTime) {
    let (y, _, _) = t.date().ymd();
    assert!((1..=9999).contains(&y), "year {y} out of range");
    let text = t.to_string();
    assert_eq!(
        DateTime::parse(&text),
        Some(t),
        "{text} does not parse back"
    );
}
