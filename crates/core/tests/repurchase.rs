//! Repurchase (spec section 2) on small fixtures whose numbers are worked
//! out by hand in the comments, plus property tests of its invariants.

use opscalc_core::*;
use proptest::prelude::*;

const HEAD: &[&str] = &[
    "订单编号",
    "买家会员名",
    "订单付款时间",
    "实付金额",
    "订单状态",
    "类目",
];

fn orders(rows: &[&[&str]], opts: &OrderOptions) -> Orders {
    let t = Table::from_rows("o.csv", HEAD, rows);
    let m = Mapping::detect(InputKind::Orders, t.headers());
    Orders::build(&t, &m, opts).unwrap()
}

fn run(rows: &[&[&str]], opts: RepurchaseOptions) -> Repurchase {
    repurchase(&orders(rows, &OrderOptions::default()), &opts).unwrap()
}

fn d(s: &str) -> Option<Date> {
    Some(Date::parse(s).unwrap())
}

#[test]
fn fixture_files_in_three_encodings_agree_with_hand_counts() {
    // tests/fixtures/orders-small*.csv: amy has orders 1001 (two line
    // items) and 1002; bob has 1003 (plus an exact duplicate row) and 1007
    // (refunded, kept by default); eve has 1008; cat's 1004 is closed and
    // dan's 1005 awaits payment; 1006 is a guest order.
    // buyers = {amy, bob, eve} = 3; repeat = {amy, bob} = 2 -> 2/3.
    // orders with a buyer = 1001, 1002, 1003, 1007, 1008 = 5; repeat = 5-3 = 2 -> 0.4.
    for name in [
        "orders-small.csv",
        "orders-small-gbk.csv",
        "orders-small-utf16.txt",
    ] {
        let path = format!("{}/../../tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
        let bytes = std::fs::read(&path).unwrap();
        let r = read_bytes(name, &bytes, &ReadOptions::default()).unwrap();
        let m = Mapping::detect(InputKind::Orders, r.table.headers());
        let o = Orders::build(&r.table, &m, &OrderOptions::default()).unwrap();
        let rep = repurchase(&o, &RepurchaseOptions::default()).unwrap();
        let v = |k| rep.report.value(k);
        assert_eq!(v("buyers"), Some(3.0), "{name}");
        assert_eq!(v("repeat_buyers"), Some(2.0), "{name}");
        assert_eq!(v("user_repurchase_rate"), Some(2.0 / 3.0), "{name}");
        assert_eq!(v("orders"), Some(5.0), "{name}");
        assert_eq!(v("order_repurchase_rate"), Some(0.4), "{name}");
        assert_eq!(v("buyback_rate"), None, "{name}");
        let rows = &rep.report.rows;
        assert_eq!((rows.read, rows.used), (10, 6), "{name}");
        assert_eq!(rows.excluded["cancelled_or_unpaid"], 2);
        assert_eq!(rows.excluded["duplicate_row"], 1);
        assert_eq!(rows.excluded["missing_buyer"], 1);
        // eve's amount "￥1,090.00" is read as 1090.
        assert_eq!(
            rep.buyers.iter().find(|b| b.buyer == "eve").unwrap().amount,
            1090.0
        );
    }
}

#[test]
fn line_items_are_one_order_with_summed_amount() {
    let r = run(
        &[
            &["A", "amy", "2024-03-01 10:00", "10", "", "x"],
            &["A", "amy", "2024-03-01 10:00", "15", "", "y"],
            &["B", "amy", "2024-03-02", "5", "", "x"],
        ],
        RepurchaseOptions::default(),
    );
    // Two orders, not three: repeat_orders = 2 - 1 = 1.
    assert_eq!(r.counts.orders, 2);
    assert_eq!(r.counts.repeat_orders(), 1);
    assert_eq!(r.buyers[0].amount, 30.0);
}

#[test]
fn unpaid_cancelled_and_refunded() {
    let rows: &[&[&str]] = &[
        &["A", "amy", "2024-03-01", "10", "交易成功", ""],
        &["B", "amy", "", "10", "", ""], // no payment time: unpaid
        &["C", "amy", "2024-03-03", "10", "已取消", ""], // cancelled
        &["D", "amy", "2024-03-04", "10", "退款成功", ""], // refunded
    ];
    let kept = repurchase(
        &orders(rows, &OrderOptions::default()),
        &RepurchaseOptions::default(),
    )
    .unwrap();
    // A and D count: amy is a repeat buyer with 2 orders.
    assert_eq!((kept.counts.orders, kept.counts.repeat_buyers), (2, 1));
    assert_eq!(kept.report.rows.excluded["unpaid"], 1);
    assert_eq!(kept.report.rows.excluded["cancelled_or_unpaid"], 1);
    let opts = OrderOptions {
        exclude_refunded: true,
        ..OrderOptions::default()
    };
    let excl = repurchase(&orders(rows, &opts), &RepurchaseOptions::default()).unwrap();
    // Only A is left: amy has one order, the user repurchase rate is 0.
    assert_eq!((excl.counts.orders, excl.counts.repeat_buyers), (1, 0));
    assert_eq!(excl.report.value("user_repurchase_rate"), Some(0.0));
    assert_eq!(excl.report.rows.excluded["refunded"], 1);
}

#[test]
fn guests_are_excluded_from_buyer_metrics_only() {
    let r = run(
        &[
            &["A", "", "2024-03-01", "10", "", ""],
            &["B", "bob", "2024-03-01", "10", "", ""],
        ],
        RepurchaseOptions::default(),
    );
    assert_eq!((r.counts.buyers, r.counts.orders), (1, 1));
    assert_eq!(r.report.rows.excluded["missing_buyer"], 1);
    assert_eq!(r.report.rows.used, 1);
}

#[test]
fn duplicate_rows_count_once() {
    let row: &[&str] = &["A", "amy", "2024-03-01", "10", "", ""];
    let r = run(&[row, row, row], RepurchaseOptions::default());
    assert_eq!(r.counts.orders, 1);
    assert_eq!(r.buyers[0].amount, 10.0);
    assert_eq!(r.report.rows.excluded["duplicate_row"], 2);
}

#[test]
fn same_day_merge() {
    let rows: &[&[&str]] = &[
        &["A", "amy", "2024-03-01 09:00", "1", "", ""],
        &["B", "amy", "2024-03-01 18:00", "1", "", ""],
        &["C", "bob", "2024-03-01 10:00", "1", "", ""],
        &["D", "bob", "2024-03-02 10:00", "1", "", ""],
    ];
    // Without merging: 4 orders, both buyers repeat -> 2/2, 2/4.
    let plain = run(rows, RepurchaseOptions::default());
    assert_eq!(plain.report.value("user_repurchase_rate"), Some(1.0));
    assert_eq!(plain.report.value("order_repurchase_rate"), Some(0.5));
    // Merged: amy has one buyer-day, bob two -> 1/2 and 1/3.
    let merged = run(
        rows,
        RepurchaseOptions {
            merge_same_day: true,
            ..Default::default()
        },
    );
    assert_eq!(merged.counts.orders, 3);
    assert_eq!(merged.report.value("user_repurchase_rate"), Some(0.5));
    assert_eq!(
        merged.report.value("order_repurchase_rate"),
        Some(1.0 / 3.0)
    );
    // Intervals: without merge amy 0 days, bob 1 day; merged only bob's 1.
    assert_eq!(plain.intervals.count, 2);
    assert_eq!(merged.intervals.count, 1);
    assert_eq!(merged.intervals.median, Some(1.0));
}

#[test]
fn window_edges_are_inclusive_and_history_makes_returning_buyers() {
    let rows: &[&[&str]] = &[
        &["H1", "amy", "2024-01-10", "1", "", ""], // history, 51 days before from
        &["H2", "bob", "2024-02-25", "1", "", ""], // history, 5 days before from
        &["A", "amy", "2024-03-01 00:00", "1", "", ""], // first day of the window
        &["B", "bob", "2024-03-31 23:59", "1", "", ""], // last day of the window
        &["C", "cat", "2024-04-01 00:00", "1", "", ""], // the day after: outside
        &["D", "cat", "2024-03-15", "1", "", ""],
    ];
    let r = run(
        rows,
        RepurchaseOptions {
            from: d("2024-03-01"),
            to: d("2024-03-31"),
            ..Default::default()
        },
    );
    // In the window: amy, bob, cat with one order each.
    assert_eq!(
        (r.counts.buyers, r.counts.orders, r.counts.repeat_buyers),
        (3, 3, 0)
    );
    // amy and bob also bought before March: buy-back 2/3.
    assert_eq!(r.report.value("buyback_rate"), Some(2.0 / 3.0));
    assert_eq!(r.report.rows.excluded["outside_window"], 3);
    // A 30-day lookback keeps only bob's 2024-02-25 order: 1/3.
    let l = run(
        rows,
        RepurchaseOptions {
            from: d("2024-03-01"),
            to: d("2024-03-31"),
            lookback_days: Some(30),
            ..Default::default()
        },
    );
    assert_eq!(l.report.value("buyback_rate"), Some(1.0 / 3.0));
    // Lookback of exactly 51 days reaches amy's 2024-01-10 order.
    let l51 = run(
        rows,
        RepurchaseOptions {
            from: d("2024-03-01"),
            to: d("2024-03-31"),
            lookback_days: Some(51),
            ..Default::default()
        },
    );
    assert_eq!(l51.report.value("buyback_rate"), Some(2.0 / 3.0));
    let l50 = run(
        rows,
        RepurchaseOptions {
            from: d("2024-03-01"),
            to: d("2024-03-31"),
            lookback_days: Some(50),
            ..Default::default()
        },
    );
    assert_eq!(l50.report.value("buyback_rate"), Some(1.0 / 3.0));
}

#[test]
fn no_history_means_buyback_not_available() {
    let r = run(
        &[&["A", "amy", "2024-03-01", "1", "", ""]],
        RepurchaseOptions::default(),
    );
    assert_eq!(r.report.value("buyback_rate"), None);
    let m = r.report.get("buyback_rate").unwrap();
    assert!(m.unavailable.as_ref().unwrap().contains("no history"));
    assert!(r.report.to_json()["metrics"]["buyback_rate"].is_null());
}

#[test]
fn periods_breakdown_and_cohorts() {
    let rows: &[&[&str]] = &[
        &["1", "amy", "2024-01-05", "1", "", "tea"],
        &["2", "amy", "2024-02-05", "1", "", "tea"],
        &["3", "bob", "2024-01-20", "1", "", "cup"],
        &["4", "bob", "2024-01-25", "1", "", "tea"],
        &["5", "cat", "2024-02-10", "1", "", "cup"],
    ];
    let r = run(
        rows,
        RepurchaseOptions {
            by: Some(Dimension::Category),
            ..Default::default()
        },
    );
    // January: amy 1, bob 2 -> buyers 2, repeat 1. February: amy, cat -> 2, 0;
    // amy bought in January, so February's buy-back is 1/2.
    let jan = &r.periods[0];
    assert_eq!(
        (
            jan.label.as_str(),
            jan.counts.buyers,
            jan.counts.repeat_buyers
        ),
        ("2024-01", 2, 1)
    );
    let feb = &r.periods[1];
    assert_eq!(
        (
            feb.counts.buyers,
            feb.counts.repeat_buyers,
            feb.counts.returning_buyers
        ),
        (2, 0, 1)
    );
    // Category tea: amy (2 orders) and bob (1) -> 2 buyers, 1 repeat.
    let tea = r.breakdown.iter().find(|b| b.label == "tea").unwrap();
    assert_eq!(
        (
            tea.counts.buyers,
            tea.counts.repeat_buyers,
            tea.counts.orders
        ),
        (2, 1, 3)
    );
    let cup = r.breakdown.iter().find(|b| b.label == "cup").unwrap();
    assert_eq!((cup.counts.buyers, cup.counts.repeat_buyers), (2, 0));
    // Cohorts: January (amy, bob): both active in month 0, amy in month 1.
    assert_eq!(r.cohorts.rows[0].month, "2024-01");
    assert_eq!(r.cohorts.rows[0].size, 2);
    assert_eq!(r.cohorts.rows[0].active, vec![2, 1]);
    assert_eq!(r.cohorts.rows[1].active, vec![1]); // cat, February
                                                   // Intervals: amy 31 days, bob 5 days -> median 18, quartiles 11.5 and 24.5.
    assert_eq!(r.intervals.median, Some(18.0));
    assert_eq!((r.intervals.q1, r.intervals.q3), (Some(11.5), Some(24.5)));
}

#[test]
fn weekly_periods_start_on_monday() {
    // 2024-03-03 is a Sunday, 2024-03-04 a Monday.
    let r = run(
        &[
            &["1", "amy", "2024-03-03", "1", "", ""],
            &["2", "amy", "2024-03-04", "1", "", ""],
        ],
        RepurchaseOptions {
            period: Period::Week,
            ..Default::default()
        },
    );
    let labels: Vec<&str> = r.periods.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["2024-02-26", "2024-03-04"]);
}

#[test]
fn no_buyer_column_is_a_clear_error() {
    let t = Table::from_rows("x.csv", &["订单号", "付款时间"], &[&["1", "2024-01-01"]]);
    let o = Orders::build(
        &t,
        &Mapping::detect(InputKind::Orders, t.headers()),
        &OrderOptions::default(),
    )
    .unwrap();
    let e = repurchase(&o, &RepurchaseOptions::default()).unwrap_err();
    assert_eq!(
        e,
        "x.csv: no column looks like a buyer id (buyer_id): map one"
    );
}

fn arb_rows() -> impl Strategy<Value = Vec<(u8, u8, u8, u8)>> {
    // (order id, buyer (0 = guest), day in March, status kind). Buyer and
    // day follow from the order id, as in a real export where line items of
    // one order agree; the status varies per line.
    prop::collection::vec((0u8..40, 0u8..6), 0..60).prop_map(|v| {
        v.into_iter()
            .map(|(o, s)| (o, o % 9, (1 + (o as u32 * 11) % 28) as u8, s))
            .collect()
    })
}

fn table_of(rows: &[(u8, u8, u8, u8)]) -> Table {
    let cells: Vec<[String; 6]> = rows
        .iter()
        .map(|&(o, b, day, s)| {
            [
                format!("O{o}"),
                if b == 0 {
                    String::new()
                } else {
                    format!("b{b}")
                },
                format!("2024-03-{day:02} 10:00"),
                "10".into(),
                ["交易成功", "交易关闭", "退款成功", "", "交易成功", ""][s as usize].into(),
                "c".into(),
            ]
        })
        .collect();
    let refs: Vec<Vec<&str>> = cells
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let refs2: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    Table::from_rows("p.csv", HEAD, &refs2)
}

proptest! {
    #[test]
    fn invariants_hold(rows in arb_rows(), merge in any::<bool>(), from in 1u8..15, span in 0u8..14) {
        let t = table_of(&rows);
        let m = Mapping::detect(InputKind::Orders, t.headers());
        let o = Orders::build(&t, &m, &OrderOptions::default()).unwrap();
        let opts = RepurchaseOptions {
            from: d(&format!("2024-03-{from:02}")),
            to: d(&format!("2024-03-{:02}", from + span)),
            merge_same_day: merge,
            by: Some(Dimension::Category),
            ..Default::default()
        };
        let r = repurchase(&o, &opts).unwrap();
        for m in &r.report.metrics {
            if m.key.ends_with("_rate") {
                if let Some(v) = m.value { prop_assert!((0.0..=1.0).contains(&v), "{} = {}", m.key, v); }
            }
        }
        prop_assert_eq!(r.counts.repeat_orders(), r.counts.orders - r.counts.buyers);
        prop_assert!(r.counts.repeat_buyers <= r.counts.buyers);
        prop_assert!(r.counts.returning_buyers <= r.counts.buyers);
        // Every row is used or excluded under exactly one reason.
        let excluded: usize = r.report.rows.excluded.values().sum();
        prop_assert_eq!(r.report.rows.used + excluded, r.report.rows.read);
        // Period rows add up to the window's orders (each order in one period).
        let period_orders: u64 = r.periods.iter().map(|p| p.counts.orders).sum();
        prop_assert_eq!(period_orders, r.counts.orders);
    }

    #[test]
    fn row_order_does_not_change_results(rows in arb_rows(), seed in any::<u64>()) {
        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let a = table_of(&rows);
        let b = table_of(&shuffled);
        let m = Mapping::detect(InputKind::Orders, a.headers());
        let (oa, ob) = (
            Orders::build(&a, &m, &OrderOptions::default()).unwrap(),
            Orders::build(&b, &m, &OrderOptions::default()).unwrap(),
        );
        let opts = RepurchaseOptions { from: d("2024-03-05"), to: d("2024-03-20"), ..Default::default() };
        let (ra, rb) = (repurchase(&oa, &opts).unwrap(), repurchase(&ob, &opts).unwrap());
        prop_assert_eq!(ra.counts, rb.counts);
        prop_assert_eq!(ra.report.to_json(), rb.report.to_json());
        prop_assert_eq!(ra.cohorts, rb.cohorts);
    }
}

#[test]
fn a_bad_creation_time_does_not_drop_a_paid_order() {
    // paid_at is mapped, so the time comes from it; created_at is not read.
    let t = Table::from_rows(
        "o.csv",
        &["订单编号", "买家会员名", "订单创建时间", "订单付款时间"],
        &[
            &["1", "amy", "N/A", "2024-03-01 10:00"],
            &["2", "amy", "05/03/2024", "2024-03-02"],
        ],
    );
    let o = Orders::build(
        &t,
        &Mapping::detect(InputKind::Orders, t.headers()),
        &OrderOptions::default(),
    )
    .unwrap();
    assert_eq!(o.orders.len(), 2);
    assert!(o.ledger.issues.is_empty());
}

#[test]
fn a_placeholder_date_far_in_the_future_does_not_blow_up_the_cohorts() {
    // 2024-01 to 9999-12 is ~95,700 months: the matrix is left out with a
    // warning instead of allocating tens of gigabytes.
    let r = run(
        &[
            &["1", "amy", "2024-01-05", "1", "", ""],
            &["2", "bob", "9999-12-31", "1", "", ""],
        ],
        RepurchaseOptions {
            to: d("2024-12-31"),
            ..Default::default()
        },
    );
    assert!(r.cohorts.rows.is_empty());
    assert!(r
        .report
        .warnings
        .iter()
        .any(|w| w.contains("cohort matrix is left out")));
    assert_eq!(r.counts.buyers, 1);
    // A lookback beyond any date means "all history" and does not overflow.
    let l = run(
        &[
            &["1", "amy", "2024-01-05", "1", "", ""],
            &["2", "amy", "2024-02-05", "1", "", ""],
        ],
        RepurchaseOptions {
            from: d("2024-02-01"),
            lookback_days: Some(u32::MAX),
            ..Default::default()
        },
    );
    assert_eq!(l.report.value("buyback_rate"), Some(1.0));
}
