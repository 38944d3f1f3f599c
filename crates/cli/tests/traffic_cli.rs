//! `opscalc traffic` end to end: the built binary on temporary files.

use std::path::PathBuf;
use std::process::{Command, Output};

fn temp_file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("opscalc-traffic-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_opscalc"))
        .args(args)
        .output()
        .unwrap()
}

fn json(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn page_view_log_is_detected() {
    let p = temp_file(
        "log.csv",
        "访客ID,访问时间,来源\n\
         v1,2024-03-01 10:00:00,搜索\n\
         v1,2024-03-01 10:30:00,搜索\n\
         v1,2024-03-01 11:00:01,直播\n\
         v2,2024-03-01 12:00:00,搜索\n\
         ,2024-03-01 12:00:00,搜索\n",
    );
    let j = json(&["traffic", p.to_str().unwrap(), "--json"]);
    // Visits {10:00, 10:30}, {11:00:01}, {12:00}: 3 visits, 2 bounces, pv 4.
    assert_eq!(j["metrics"]["pv"], 4);
    assert_eq!(j["metrics"]["uv"], 2);
    assert_eq!(j["metrics"]["visits"], 3);
    assert_eq!(j["metrics"]["bounced_visits"], 2);
    assert_eq!(j["metrics"]["bounce_rate"].as_f64(), Some(2.0 / 3.0));
    assert!(j["metrics"]["conversion_rate"].is_null());
    assert_eq!(j["rows"]["read"], 5);
    assert_eq!(j["rows"]["used"], 4);
    assert_eq!(j["rows"]["excluded"]["missing_user"], 1);
    // A longer gap joins the first visitor's views into one visit.
    let j = json(&[
        "traffic",
        p.to_str().unwrap(),
        "--session-gap-minutes",
        "31",
        "--json",
    ]);
    assert_eq!(j["metrics"]["visits"], 2);
    // Text output names the bands and the diagnosis.
    let out = run(&["traffic", p.to_str().unwrap()]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("page-view log"), "{text}");
    // Bounce 66.7% passes, depth 4/3 fails.
    assert!(
        text.contains("benchmarks:") && text.contains("Visit depth misses"),
        "{text}"
    );
}

#[test]
fn table_of_counts_with_flagship() {
    let p = temp_file(
        "table.csv",
        "日期,渠道,访客数,支付买家数,支付金额,花费\n\
         2024-03-01,搜索,1000,20,\"¥4,000.00\",500\n\
         2024-03-02,搜索,1000,30,\"¥6,000.00\",500\n\
         2024-03-02,自然,500,10,\"¥2,000.00\",\n\
         合计,,2500,60,\"¥12,000.00\",1000\n",
    );
    let j = json(&[
        "traffic",
        p.to_str().unwrap(),
        "--flagship-aov",
        "150",
        "--json",
    ]);
    let m = &j["metrics"];
    // uv 2500, buyers 60, revenue 12000 (the 合计 row excluded).
    assert_eq!(m["uv"], 2500);
    assert_eq!(m["conversion_rate"].as_f64(), Some(60.0 / 2500.0));
    assert_eq!(m["aov"], 200);
    // roi over rows with spend: (4000 + 6000) / 1000 = 10.
    assert_eq!(m["roi"], 10);
    // 200 / 150.
    assert_eq!(m["store_aov_ratio"].as_f64(), Some(200.0 / 150.0));
    assert_eq!(j["rows"]["excluded"]["total_row"], 1);
    let w = j["warnings"].as_array().unwrap();
    assert!(w
        .iter()
        .any(|w| w.as_str().unwrap().contains("once per day")));
    // --kind log on a table: visitor id is missing, exit 2 naming the file.
    let out = run(&["traffic", p.to_str().unwrap(), "--kind", "log"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("table.csv") && err.contains("visitor_id"),
        "{err}"
    );
}

#[test]
fn errors_exit_2_with_one_line() {
    let p = temp_file("dates.csv", "日期,访客数\n05/03/2024,10\n06/03/2024,12\n");
    let out = run(&["traffic", p.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("dates.csv: row 2, column 日期"), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1);
    // The date order settles it.
    let j = json(&[
        "traffic",
        p.to_str().unwrap(),
        "--date-order",
        "dmy",
        "--json",
    ]);
    assert_eq!(j["metrics"]["uv"], 22);
    for bad in [
        vec!["traffic"],
        vec!["traffic", "/no/such/file.csv"],
        vec!["traffic", p.to_str().unwrap(), "--flagship-aov", "x"],
        vec!["traffic", p.to_str().unwrap(), "--kind", "both"],
    ] {
        let out = run(&bad);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}
