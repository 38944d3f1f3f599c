//! Sell-through (spec section 4) on hand-worked fixtures. Every expected
//! number was worked out by hand; the comment beside it shows how.

use opscalc_core::*;
use proptest::prelude::*;

const P_HEADERS: &[&str] = &[
    "SKU",
    "Status",
    "Category",
    "30天销量",
    "最后成交时间",
    "上架时间",
];
const O_HEADERS: &[&str] = &["订单号", "买家ID", "付款时间", "订单状态", "SKU", "数量"];

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn products_with(rows: &[&[&str]], opts: &ProductOptions) -> Products {
    let t = Table::from_rows("p.csv", P_HEADERS, rows);
    let m = Mapping::detect(InputKind::Products, t.headers());
    Products::build(&t, &m, opts).unwrap()
}

fn products(rows: &[&[&str]]) -> Products {
    products_with(rows, &ProductOptions::default())
}

fn orders_with(rows: &[&[&str]], opts: &OrderOptions) -> Orders {
    let t = Table::from_rows("o.csv", O_HEADERS, rows);
    let m = Mapping::detect(InputKind::Orders, t.headers());
    Orders::build(&t, &m, opts).unwrap()
}

fn orders(rows: &[&[&str]]) -> Orders {
    orders_with(rows, &OrderOptions::default())
}

fn as_of(s: &str) -> SellThroughOptions {
    SellThroughOptions {
        as_of: Some(d(s)),
        ..Default::default()
    }
}

fn near(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

/// 12 online SKUs (O01-O06 Tops, O07-O12 Shoes), 3 warehouse (W1 Tops,
/// W2 Shoes, W3 no category). as_of 2024-03-31, 30-day window from
/// 2024-03-02.
const SHOP: &[&[&str]] = &[
    &["O01", "出售中", "Tops", "", "", ""],
    &["O02", "出售中", "Tops", "", "", ""],
    &["O03", "出售中", "Tops", "", "", ""],
    &["O04", "出售中", "Tops", "", "", ""],
    &["O05", "出售中", "Tops", "", "", ""],
    &["O06", "出售中", "Tops", "", "", ""],
    &["O07", "出售中", "Shoes", "", "", ""],
    &["O08", "出售中", "Shoes", "", "", ""],
    &["O09", "出售中", "Shoes", "4", "", ""], // sold: 30-day sales 4
    &["O10", "出售中", "Shoes", "", "2024-03-05", "2024-03-31"], // sold: last sold in window
    &["O11", "出售中", "Shoes", "", "2024-02-20", "2024-03-18"], // last sold before window
    &["O12", "出售中", "Shoes", "", "", "2024-03-31"],
    &["W1", "仓库中", "Tops", "", "", ""],
    &["W2", "仓库中", "Shoes", "0", "", ""], // 30-day sales 0: not sold
    &["W3", "仓库中", "", "", "", "2024-03-17"],
];

const SHOP_ORDERS: &[&[&str]] = &[
    &["1", "amy", "2024-03-31 23:59", "交易成功", "O01", "1"], // as_of: in
    &["2", "bob", "2024-03-02 00:00", "交易成功", "O02", "2"], // as_of - 29: in
    &["3", "cat", "2024-03-01 12:00", "交易成功", "O03", "1"], // as_of - 30: out
    &["4", "dan", "2024-03-10", "退款成功", "O04", "1"],       // refunded: kept by default
    &["5", "eve", "2024-03-10", "交易关闭", "O05", "1"],       // cancelled
    &["6", "fay", "", "", "O06", "1"],                         // unpaid: no payment time
    &["7", "gus", "2024-03-15", "交易成功", "W1", "1"],        // warehouse SKU sold
    &["8", "hal", "2024-03-20", "交易成功", "X99", "3"],       // not in the products file
    &["9", "ivy", "2024-04-01", "交易成功", "O07", "1"],       // after as_of
    &["10", "jon", "2024-03-20", "交易成功", "O08", "0"],      // quantity 0
];

#[test]
fn shop_headline() {
    let p = products(SHOP);
    let o = orders(SHOP_ORDERS);
    let s = sell_through(&p, Some(&o), &as_of("2024-03-31")).unwrap();
    assert_eq!(s.from, d("2024-03-02")); // 2024-03-31 - (30 - 1)
    let r = &s.report;
    let keys: Vec<&str> = r.metrics.iter().map(|m| m.key).collect();
    assert_eq!(
        keys,
        [
            "online_skus",
            "warehouse_skus",
            "all_skus",
            "selling_online_skus",
            "sell_through_rate",
            "unsold_skus",
            "unsold_rate",
            "new_listing_days"
        ]
    );
    assert_eq!(r.value("online_skus"), Some(12.0));
    assert_eq!(r.value("warehouse_skus"), Some(3.0));
    assert_eq!(r.value("all_skus"), Some(15.0)); // 12 + 3
                                                 // Sold online: O01 (as_of), O02 (window start), O04 (refund kept),
                                                 // O09 (sales_30d 4), O10 (last sold 03-05) = 5. W1 sold too but is
                                                 // warehouse, so it is not in the numerator.
    assert_eq!(r.value("selling_online_skus"), Some(5.0));
    assert!(near(r.value("sell_through_rate"), 5.0 / 12.0));
    // Unsold online: O03 O05 O06 O07 O08 O11 O12 = 7; warehouse W2 W3 = 2.
    assert_eq!(r.value("unsold_skus"), Some(9.0)); // 7 + 2
    assert!(near(r.value("unsold_rate"), 9.0 / 15.0));
    let unsold: Vec<&str> = s.unsold_online.iter().map(|u| u.sku.as_str()).collect();
    assert_eq!(unsold, ["O03", "O05", "O06", "O07", "O08", "O11", "O12"]);

    // Rows: 15 products all used; 10 order rows, of which O03 (outside
    // window), O05 (cancelled), O06 (unpaid), X99 (unknown SKU) and O07
    // (after as_of) are left out: 5 used. 15 + 10 = 25 read, 15 + 5 = 20 used.
    assert_eq!(r.rows.read, 25);
    assert_eq!(r.rows.used, 20);
    for k in [
        "outside_window",
        "cancelled_or_unpaid",
        "unpaid",
        "unknown_sku",
        "after_as_of",
    ] {
        assert_eq!(r.rows.excluded[k], 1, "{k}");
    }
    assert!(r.warnings.iter().any(|w| w
        .contains("1 SKUs sold in the window are not in the products file")
        && w.contains("X99")));
    // The rate is available: no "not available" reason among the warnings.
    let j = r.to_json();
    assert!(j["metrics"]["sell_through_rate"].is_f64());
    assert_eq!(j["metrics"]["unsold_skus"], 9);
}

#[test]
fn shop_refunds_excluded() {
    let p = products(SHOP);
    let o = orders_with(
        SHOP_ORDERS,
        &OrderOptions {
            exclude_refunded: true,
            ..Default::default()
        },
    );
    let s = sell_through(&p, Some(&o), &as_of("2024-03-31")).unwrap();
    // O04's only order is refunded and now excluded: 5 - 1 = 4 sold online.
    assert_eq!(s.report.value("selling_online_skus"), Some(4.0));
    assert!(near(s.report.value("sell_through_rate"), 4.0 / 12.0));
    assert!(near(s.report.value("unsold_rate"), 10.0 / 15.0)); // 9 + 1
    assert_eq!(s.report.rows.excluded["refunded"], 1);
}

#[test]
fn shop_per_category() {
    let s = sell_through(
        &products(SHOP),
        Some(&orders(SHOP_ORDERS)),
        &as_of("2024-03-31"),
    )
    .unwrap();
    let cats: Vec<Option<&str>> = s.categories.iter().map(|c| c.category.as_deref()).collect();
    assert_eq!(cats, [Some("Shoes"), Some("Tops"), None]); // by name, none last
    let shoes = &s.categories[0];
    // Shoes: O07-O12 online, sold O09 O10 = 2; W2 warehouse unsold;
    // unsold O07 O08 O11 O12 W2 = 5 of 7.
    assert_eq!(
        (
            shoes.online_skus,
            shoes.warehouse_skus,
            shoes.selling_online_skus,
            shoes.unsold_skus
        ),
        (6, 1, 2, 5)
    );
    assert_eq!(shoes.sell_through_rate.value, None); // 6 online < 10
    assert_eq!(shoes.sell_through_rate.numerator, Some(2.0)); // working kept
    assert!(near(shoes.unsold_rate.value, 5.0 / 7.0));
    // Tops: O01-O06 online, sold O01 O02 O04 = 3; W1 sold; unsold O03 O05 O06 = 3 of 7.
    let tops = &s.categories[1];
    assert_eq!(
        (
            tops.online_skus,
            tops.warehouse_skus,
            tops.selling_online_skus,
            tops.unsold_skus
        ),
        (6, 1, 3, 3)
    );
    assert!(near(tops.unsold_rate.value, 3.0 / 7.0));
    // No category: W3 alone, unsold: 1 of 1.
    let none = &s.categories[2];
    assert_eq!((none.warehouse_skus, none.unsold_skus), (1, 1));
    assert_eq!(none.unsold_rate.value, Some(1.0));
}

#[test]
fn shop_listing_cadence() {
    let s = sell_through(&products(SHOP), None, &as_of("2024-03-31")).unwrap();
    let c = s.listing_cadence.unwrap();
    // Last 14 days: 2024-03-18 (as_of - 13) to 2024-03-31.
    assert_eq!(c.days.len(), 14);
    assert_eq!(c.days[0], (d("2024-03-18"), 1)); // O11
    assert_eq!(c.days[13], (d("2024-03-31"), 2)); // O10 and O12
                                                  // W3 listed 2024-03-17 (as_of - 14) falls outside.
    assert_eq!(c.days.iter().map(|x| x.1).sum::<u32>(), 3);
    assert_eq!(c.days_with_new_listings, 2);
    assert_eq!(s.report.value("new_listing_days"), Some(2.0));
}

#[test]
fn no_listing_column_no_cadence() {
    let t = Table::from_rows("p.csv", &["SKU", "Status"], &[&["A", "online"]]);
    let p = Products::build(
        &t,
        &Mapping::detect(InputKind::Products, t.headers()),
        &ProductOptions::default(),
    )
    .unwrap();
    assert!(!p.has_listed_at);
    let s = sell_through(&p, None, &as_of("2024-03-31")).unwrap();
    assert!(s.listing_cadence.is_none());
    assert!(s.report.get("new_listing_days").is_none());
    assert!(s.categories.is_empty()); // no category column
    assert!(s
        .report
        .warnings
        .iter()
        .any(|w| w.starts_with("no sales data")));
}

/// `n` online SKUs, the first `sold` with 30-day sales.
fn online(n: usize, sold: usize) -> Products {
    let rows: Vec<Vec<String>> = (0..n)
        .map(|i| {
            let sales = if i < sold { "1" } else { "0" };
            vec![
                format!("S{i}"),
                "在售".into(),
                String::new(),
                sales.into(),
                String::new(),
                String::new(),
            ]
        })
        .collect();
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    products(&refs)
}

#[test]
fn ten_online_skus_minimum() {
    // 9 online, all sold: 9 / 9 would be 100%, but below the minimum.
    let s = sell_through(&online(9, 9), None, &as_of("2024-03-31")).unwrap();
    let m = s.report.get("sell_through_rate").unwrap();
    assert_eq!(m.value, None);
    assert!(m
        .unavailable
        .as_deref()
        .unwrap()
        .contains("fewer than 10 online SKUs (the source's minimum)"));
    let j = s.report.to_json();
    assert!(j["metrics"]["sell_through_rate"].is_null());
    assert!(j["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|w| w.as_str().unwrap().contains("fewer than 10 online SKUs")));
    assert_eq!(s.report.value("unsold_rate"), Some(0.0)); // 0 / 9, still shown

    // 10 online, 7 sold: 7 / 10.
    let s = sell_through(&online(10, 7), None, &as_of("2024-03-31")).unwrap();
    assert!(near(s.report.value("sell_through_rate"), 0.7));
    assert!(near(s.report.value("unsold_rate"), 0.3)); // 3 / 10
}

#[test]
fn unknown_statuses_are_asked_not_guessed() {
    let rows: &[&[&str]] = &[
        &["A", "出售中", "", "", "", ""],
        &["B", "审核中", "", "5", "", ""],
        &["C", " 审核中 ", "", "", "", ""],
        &["D", "", "", "", "", ""],
        &["E", "仓库中", "", "", "", ""],
    ];
    let p = products(rows);
    assert_eq!(p.items.len(), 2); // A and E
    assert_eq!(
        p.unknown_statuses,
        vec![("审核中".to_string(), 2), (String::new(), 1)]
    );
    assert_eq!(p.ledger.count_of(Reason::UnknownStatus), 3);
    let o = orders(&[&["1", "amy", "2024-03-30", "", "B", "1"]]);
    let s = sell_through(&p, Some(&o), &as_of("2024-03-31")).unwrap();
    // Only A (online, unsold) and E (warehouse, unsold) count.
    assert_eq!(s.report.value("all_skus"), Some(2.0));
    assert_eq!(s.report.value("unsold_skus"), Some(2.0));
    assert!(s
        .report
        .warnings
        .iter()
        .any(|w| w.contains("neither online nor warehouse") && w.contains("\"审核中\" (2 rows)")));
    // B is in the file, waiting for its status: not "missing from the file".
    assert!(!s
        .report
        .warnings
        .iter()
        .any(|w| w.contains("not in the products file")));
    assert_eq!(s.report.rows.excluded["unknown_status"], 4); // 3 product rows + 1 order row

    // The user classifies: 审核中 is online, empty is warehouse.
    let mut opts = ProductOptions::default();
    opts.online_statuses.push("审核中".into());
    opts.warehouse_statuses.push(String::new());
    let p = products_with(rows, &opts);
    assert!(p.unknown_statuses.is_empty());
    let s = sell_through(&p, Some(&o), &as_of("2024-03-31")).unwrap();
    // Online A B C, warehouse D E; B sold (orders and sales_30d): unsold 4 of 5.
    assert_eq!(s.report.value("online_skus"), Some(3.0));
    assert_eq!(s.report.value("warehouse_skus"), Some(2.0));
    assert_eq!(s.report.value("selling_online_skus"), Some(1.0));
    assert!(near(s.report.value("unsold_rate"), 4.0 / 5.0));
    assert!(!s.report.warnings.iter().any(|w| w.contains("neither")));
}

#[test]
fn bad_rows_are_ledgered() {
    let p = products(&[
        &["", "出售中", "", "", "", ""],            // row 2: missing SKU
        &["A", "出售中", "", "", "", ""],           // row 3
        &["A", "仓库中", "", "", "", ""],           // row 4: duplicate SKU
        &["B", "出售中", "", "abc", "", ""],        // row 5: bad number
        &["C", "出售中", "", "", "not a date", ""], // row 6: bad time
        &["A", "出售中", "", "", "", ""],           // row 7: duplicate row of 3
        &["", "", "", "", "", ""],                  // row 8: blank
        &["B", "出售中", "", "2", "", ""],          // row 9: B again, usable
    ]);
    let skus: Vec<&str> = p.items.iter().map(|i| i.sku.as_str()).collect();
    assert_eq!(skus, ["A", "B"]);
    assert_eq!(p.items[1].row, 9); // the bad row 5 did not claim B
    assert_eq!(p.items[1].sales_30d, Some(2.0));
    let c = p.ledger.counts();
    assert_eq!(c["missing_sku"], 1);
    assert_eq!(c["duplicate_sku"], 1);
    assert_eq!(c["bad_number"], 1);
    assert_eq!(c["bad_time"], 1);
    assert_eq!(c["duplicate_row"], 1);
    assert_eq!(c["blank_row"], 1);
    let bad = p
        .ledger
        .issues
        .iter()
        .find(|i| i.reason == Reason::BadNumber)
        .unwrap();
    assert_eq!((bad.row, bad.column.as_deref()), (5, Some("30天销量")));
    assert_eq!(p.ledger.used(), 2); // 8 rows - 6 excluded
}

#[test]
fn missing_required_columns() {
    let t = Table::from_rows("p.csv", &["SKU"], &[&["A"]]);
    let e = Products::build(
        &t,
        &Mapping::detect(InputKind::Products, t.headers()),
        &ProductOptions::default(),
    )
    .unwrap_err();
    assert!(e.to_string().contains("status"));
}

#[test]
fn last_sold_window_edges() {
    let p = products(&[
        &["A", "online", "", "", "2024-03-02", ""], // as_of - 29: in
        &["B", "online", "", "", "2024-03-01", ""], // as_of - 30: out
        &["C", "online", "", "", "2024-03-31", ""], // as_of: in
        &["D", "online", "", "", "2024-04-02", ""], // after as_of: not shown as in window
    ]);
    let s = sell_through(&p, None, &as_of("2024-03-31")).unwrap();
    assert_eq!(s.report.value("selling_online_skus"), Some(2.0)); // A, C
    let unsold: Vec<&str> = s.unsold_online.iter().map(|u| u.sku.as_str()).collect();
    assert_eq!(unsold, ["B", "D"]);
    assert!(s
        .report
        .warnings
        .iter()
        .any(|w| w.contains("last-sold date after 2024-03-31") && w.contains("\"D\"")));

    // A 7-day window ends 2024-03-31 and starts 2024-03-25 (31 - 6): only C.
    let s = sell_through(
        &p,
        None,
        &SellThroughOptions {
            window_days: 7,
            ..as_of("2024-03-31")
        },
    )
    .unwrap();
    assert_eq!(s.from, d("2024-03-25"));
    assert_eq!(s.report.value("selling_online_skus"), Some(1.0));
}

#[test]
fn as_of_defaults() {
    let p = products(&[
        &["A", "online", "", "", "2024-02-10", "2024-01-05"],
        &["B", "online", "", "", "", "2024-02-20"],
    ]);
    // With orders: the last order date.
    let o = orders(&[
        &["1", "amy", "2024-03-10 09:00", "", "A", "1"],
        &["2", "bob", "2024-03-12 18:00", "", "A", "1"],
    ]);
    let s = sell_through(&p, Some(&o), &SellThroughOptions::default()).unwrap();
    assert_eq!(s.as_of, d("2024-03-12"));
    assert_eq!(s.from, d("2024-02-12")); // 03-12 - 29 (2024 is a leap year)

    // Without orders: today (spec section 4), even when the file has dates.
    let with_today = SellThroughOptions {
        today: Some(d("2024-05-01")),
        ..Default::default()
    };
    assert_eq!(
        sell_through(&p, None, &with_today).unwrap().as_of,
        d("2024-05-01")
    );
    // A caller without a clock gets the file's last last-sold or listing date.
    let s = sell_through(&p, None, &SellThroughOptions::default()).unwrap();
    assert_eq!(s.as_of, d("2024-02-20"));
    // Without dates at all: today, as the caller gave it.
    let bare = products(&[&["A", "online", "", "", "", ""]]);
    let today = SellThroughOptions {
        today: Some(d("2024-05-01")),
        ..Default::default()
    };
    assert_eq!(
        sell_through(&bare, None, &today).unwrap().as_of,
        d("2024-05-01")
    );
    // And with no date anywhere: an error asking for one.
    let e = sell_through(&bare, None, &SellThroughOptions::default()).unwrap_err();
    assert!(e.contains("--as-of"));
    let e = sell_through(
        &bare,
        None,
        &SellThroughOptions {
            window_days: 0,
            ..today
        },
    )
    .unwrap_err();
    assert!(e.contains("at least 1 day"));
}

#[test]
fn orders_without_sku_column_fail() {
    let t = Table::from_rows("o.csv", &["订单号", "付款时间"], &[&["1", "2024-03-01"]]);
    let o = Orders::build(
        &t,
        &Mapping::detect(InputKind::Orders, t.headers()),
        &OrderOptions::default(),
    )
    .unwrap();
    let e = sell_through(&online(1, 0), Some(&o), &as_of("2024-03-31")).unwrap_err();
    assert!(e.contains("o.csv") && e.contains("sku"));
}

#[test]
fn line_items_sum_per_sku() {
    // One order, two lines of A: +2 and -2 sum to 0, so A did not sell; B did.
    let p = products(&[
        &["A", "online", "", "", "", ""],
        &["B", "online", "", "", "", ""],
    ]);
    let o = orders(&[
        &["1", "amy", "2024-03-10", "", "A", "2"],
        &["1", "amy", "2024-03-10", "", "A", "-2"],
        &["1", "amy", "2024-03-10", "", "B", "1"],
    ]);
    let s = sell_through(&p, Some(&o), &as_of("2024-03-31")).unwrap();
    assert_eq!(s.report.value("selling_online_skus"), Some(1.0));
    assert_eq!(s.unsold_online[0].sku, "A");
}

#[test]
fn manual_counts() {
    // 120 online, 30 warehouse, 84 online sold, 50 unsold:
    // 84 / 120 = 0.7 and 50 / 150 = 1/3.
    let c = SellThroughCounts {
        online_skus: 120,
        warehouse_skus: 30,
        selling_online_skus: 84,
        unsold_skus: 50,
    };
    let m = c.metrics();
    assert_eq!(m[2].value, Some(150.0));
    assert!(near(m[4].value, 0.7));
    assert!(near(m[6].value, 1.0 / 3.0));
    let empty = SellThroughCounts::default().metrics();
    assert_eq!(empty[4].value, None);
    assert_eq!(empty[6].value, None); // 0 / 0
}

#[test]
fn unsold_csv_download() {
    let s = sell_through(&products(SHOP), None, &as_of("2024-03-31")).unwrap();
    let csv = s.unsold_csv();
    assert!(csv.starts_with("\u{FEFF}sku,product,category,listed_at,last_sold_at,sales_30d\r\n"));
    assert!(csv.contains("\r\nO11,,Shoes,2024-03-18,2024-02-20,\r\n"));
}

/// One generated product: online?, category 0-2, 30-day sales, last sold
/// (days before as_of), listed (days before as_of).
type GenProduct = (bool, u8, Option<u8>, Option<u8>, Option<u8>);
/// One generated order line: product index, days before as_of, quantity.
type GenOrder = (usize, u8, u8);

fn gen_rows(ps: &[GenProduct], os: &[GenOrder]) -> (Vec<Vec<String>>, Vec<Vec<String>>) {
    let day = |k: u8| (d("2024-03-31") - k as i32).to_string();
    let p = ps
        .iter()
        .enumerate()
        .map(|(i, &(on, cat, sales, last, listed))| {
            vec![
                format!("S{i}"),
                if on { "online" } else { "offline" }.to_string(),
                if cat == 0 {
                    String::new()
                } else {
                    format!("C{cat}")
                },
                sales.map(|s| s.to_string()).unwrap_or_default(),
                last.map(day).unwrap_or_default(),
                listed.map(day).unwrap_or_default(),
            ]
        })
        .collect();
    let o = os
        .iter()
        .enumerate()
        .map(|(k, &(i, ago, qty))| {
            vec![
                format!("o{k}"),
                "b".to_string(),
                day(ago),
                String::new(),
                // Some orders name SKUs beyond the products file.
                format!("S{i}"),
                qty.to_string(),
            ]
        })
        .collect();
    (p, o)
}

fn run(p: &[Vec<String>], o: &[Vec<String>]) -> SellThrough {
    let pt = table("p.csv", P_HEADERS, p);
    let ot = table("o.csv", O_HEADERS, o);
    let products = Products::build(
        &pt,
        &Mapping::detect(InputKind::Products, pt.headers()),
        &ProductOptions::default(),
    )
    .unwrap();
    let orders = Orders::build(
        &ot,
        &Mapping::detect(InputKind::Orders, ot.headers()),
        &OrderOptions::default(),
    )
    .unwrap();
    sell_through(&products, Some(&orders), &as_of("2024-03-31")).unwrap()
}

fn table(name: &str, headers: &[&str], rows: &[Vec<String>]) -> Table {
    let r: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let r: Vec<&[&str]> = r.iter().map(Vec::as_slice).collect();
    Table::from_rows(name, headers, &r)
}

fn rate_ok(m: &Metric) -> bool {
    m.value.is_none_or(|v| (0.0..=1.0).contains(&v))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn invariants_and_row_order(
        ps in prop::collection::vec(
            (any::<bool>(), 0u8..3, prop::option::of(0u8..3), prop::option::of(0u8..60), prop::option::of(0u8..20)),
            0..30,
        ),
        os in prop::collection::vec((0usize..35, 0u8..45, 0u8..3), 0..40),
        seed in any::<u64>(),
    ) {
        let (p, o) = gen_rows(&ps, &os);
        let a = run(&p, &o);
        let c = a.counts;
        prop_assert!(c.selling_online_skus <= c.online_skus);
        prop_assert!(c.unsold_skus <= c.all_skus());
        prop_assert_eq!(c.all_skus() as usize, ps.len());
        for m in &a.report.metrics {
            if m.key.ends_with("_rate") {
                prop_assert!(rate_ok(m), "{} = {:?}", m.key, m.value);
            }
        }
        for row in &a.categories {
            prop_assert!(row.selling_online_skus <= row.online_skus);
            prop_assert!(row.unsold_skus <= row.online_skus + row.warehouse_skus);
            prop_assert!(rate_ok(&row.sell_through_rate) && rate_ok(&row.unsold_rate));
        }
        // Categories add up to the headline.
        let sum: u64 = a.categories.iter().map(|r| r.unsold_skus).sum();
        prop_assert!(a.categories.is_empty() || sum == c.unsold_skus);

        // Row order does not change the results: reverse, then rotate by seed.
        let mut p2 = p.clone();
        let mut o2 = o.clone();
        p2.reverse();
        o2.reverse();
        if !p2.is_empty() { let k = seed as usize % p2.len(); p2.rotate_left(k); }
        if !o2.is_empty() { let k = seed as usize % o2.len(); o2.rotate_left(k); }
        let b = run(&p2, &o2);
        prop_assert_eq!(&a.report.metrics, &b.report.metrics);
        prop_assert_eq!(&a.report.rows, &b.report.rows);
        prop_assert_eq!(&a.categories, &b.categories);
        prop_assert_eq!(&a.unsold_online, &b.unsold_online);
        prop_assert_eq!(&a.listing_cadence, &b.listing_cadence);
        prop_assert_eq!((a.as_of, a.from), (b.as_of, b.from));
    }
}
