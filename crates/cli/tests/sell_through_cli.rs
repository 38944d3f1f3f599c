//! `opscalc sell-through` end to end: real files in, the spec's JSON out.

use std::path::PathBuf;
use std::process::{Command, Output};

/// A scratch directory per test, so tests run in parallel safely; removed
/// when the test ends.
struct Scratch(PathBuf);

impl Scratch {
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn dir(test: &str) -> Scratch {
    let d = std::env::temp_dir().join(format!("opscalc-st-{}-{test}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    Scratch(d)
}

fn write(d: &Scratch, name: &str, text: &str) -> String {
    let p = d.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

fn opscalc(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opscalc"))
        .args(args)
        .output()
        .unwrap()
}

fn json(out: &Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// 10 online SKUs (S0-S9), 1 warehouse (W), 1 of unknown status (Q).
fn products() -> String {
    let mut s = String::from("商家编码,宝贝状态,类目,30天销量\n");
    for i in 0..10 {
        // S0 and S1 have 30-day sales.
        let sales = if i < 2 { "3" } else { "" };
        s.push_str(&format!("S{i},出售中,Tops,{sales}\n"));
    }
    s.push_str("W,仓库中,Tops,\nQ,审核中,Tops,\n");
    s
}

const ORDERS: &str = "订单号,买家ID,付款时间,订单状态,商家编码,购买数量
1,amy,2024-03-31 10:00,交易成功,S2,1
2,bob,2024-03-02,交易成功,S3,1
3,cat,2024-03-01,交易成功,S4,1
4,dan,2024-03-20,交易关闭,S5,1
5,eve,2024-03-20,退款成功,S6,1
6,fay,2024-03-21,交易成功,W,2
7,gus,2024-03-22,交易成功,NOPE,1
";

#[test]
fn json_matches_hand_worked_numbers() {
    let d = dir("json");
    let p = write(&d, "p.csv", &products());
    let o = write(&d, "o.csv", ORDERS);
    let j = json(&opscalc(&["sell-through", &p, "--orders", &o, "--json"]));
    let m = &j["metrics"];
    // as_of = last order 2024-03-31, window from 2024-03-02.
    // Sold online: S0 S1 (30-day sales), S2 (as_of), S3 (window start),
    // S6 (refund kept) = 5 of 10. S4 is a day early, S5 cancelled.
    assert_eq!(m["online_skus"], 10);
    assert_eq!(m["warehouse_skus"], 1);
    assert_eq!(m["all_skus"], 11);
    assert_eq!(m["selling_online_skus"], 5);
    assert_eq!(m["sell_through_rate"], 0.5); // 5 / 10
                                             // Unsold: S4 S5 S7 S8 S9 = 5 (W sold): 5 / 11.
    assert_eq!(m["unsold_skus"], 5);
    assert!((m["unsold_rate"].as_f64().unwrap() - 5.0 / 11.0).abs() < 1e-12);
    assert!(m.get("new_listing_days").is_none());
    // Rows: 12 products (Q unknown), 7 orders (S4 outside, S5 cancelled,
    // NOPE unknown): read 19, used 11 + 4 = 15.
    assert_eq!(j["rows"]["read"], 19);
    assert_eq!(j["rows"]["used"], 15);
    assert_eq!(j["rows"]["excluded"]["unknown_status"], 1);
    assert_eq!(j["rows"]["excluded"]["unknown_sku"], 1);
    let warnings = j["warnings"].to_string();
    assert!(warnings.contains("审核中"), "{warnings}");
    assert!(warnings.contains("NOPE"), "{warnings}");

    // Excluding refunds drops S6; classifying 审核中 as online adds Q
    // (unsold): 4 of 11 sold, unsold 7 of 12.
    let j = json(&opscalc(&[
        "sell-through",
        &p,
        "--orders",
        &o,
        "--exclude-refunded",
        "--online",
        "审核中",
        "--json",
    ]));
    let m = &j["metrics"];
    assert_eq!(m["online_skus"], 11);
    assert_eq!(m["selling_online_skus"], 4);
    assert!((m["sell_through_rate"].as_f64().unwrap() - 4.0 / 11.0).abs() < 1e-12);
    assert_eq!(m["unsold_skus"], 7);
    assert!(!j["warnings"].to_string().contains("审核中"));
}

#[test]
fn as_of_and_window_options() {
    let d = dir("window");
    let p = write(&d, "p.csv", &products());
    let o = write(&d, "o.csv", ORDERS);
    // A 10-day window ending 2024-03-22 runs from 03-13: S6 (03-20) and W
    // (03-21) sold; with S0 S1 from the file, 3 of 10 online.
    let j = json(&opscalc(&[
        "sell-through",
        &p,
        "--orders",
        &o,
        "--as-of",
        "2024-03-22",
        "--window-days",
        "10",
        "--warehouse",
        "审核中",
        "--json",
    ]));
    assert_eq!(j["metrics"]["selling_online_skus"], 3);
    assert_eq!(j["metrics"]["warehouse_skus"], 2);
    assert!(j["warnings"]
        .to_string()
        .contains("30-day sales cover 30 days, not the 10-day window"));
}

#[test]
fn text_output_lists_categories_and_unsold() {
    let d = dir("text");
    let p = write(&d, "p.csv", &products());
    let o = write(&d, "o.csv", ORDERS);
    let csv = d.join("unsold.csv");
    let out = opscalc(&[
        "sell-through",
        &p,
        "--orders",
        &o,
        "--unsold-csv",
        &csv.to_string_lossy(),
    ]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(out.status.success());
    assert!(
        text.contains("sell_through_rate    50.0%  (5 / 10)"),
        "{text}"
    );
    assert!(text.contains("by category:"));
    assert!(text.contains("unsold online SKUs (5):"));
    assert!(text.contains("--online VALUE or --warehouse VALUE"));
    let written = std::fs::read_to_string(csv).unwrap();
    assert_eq!(written.lines().count(), 6); // header + S4 S5 S7 S8 S9
}

#[test]
fn errors_exit_2_with_one_line() {
    let d = dir("errors");
    // Ambiguous dates: named by file, row and column.
    let p = write(&d, "p.csv", "SKU,Status,上架时间\nA,active,05/03/2024\n");
    let out = opscalc(&["sell-through", &p, "--json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("p.csv: row 2, column 上架时间"), "{err}");
    assert!(out.stdout.is_empty());

    // No status column.
    let p = write(&d, "nostatus.csv", "SKU\nA\n");
    let out = opscalc(&["sell-through", &p]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("nostatus.csv: no column looks like a status"));

    // A bad option value.
    let p = write(&d, "ok.csv", "SKU,Status\nA,active\n");
    let out = opscalc(&["sell-through", &p, "--window-days", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--window-days"));
}
