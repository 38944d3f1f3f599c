//! `opscalc reflow` and `opscalc lifecycle` run as a user would, on temp files.

mod common;
use std::path::PathBuf;

fn temp_file(name: &str, text: &str) -> PathBuf {
    common::temp_file("reflow-cli", name, text)
}

use common::run;

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).unwrap()
}

const VISITS: &str = "用户ID,访问时间\n\
a,2024-01-31\n\
a,2024-03-31\n\
b,2024-02-01\n\
c,2024-01-15\n\
c,2024-04-01\n\
,2024-03-02\n";

#[test]
fn reflow_json_is_the_spec_object() {
    let f = temp_file("visits.csv", VISITS);
    let j = json(&[
        "reflow",
        f.to_str().unwrap(),
        "--from",
        "2024-03-01",
        "--to",
        "2024-03-31",
        "--json",
    ]);
    // Churned at Mar 1 (last visit on or before Jan 31): a, c. Back by
    // Mar 31: a. b's Feb 1 visit is only 29 days before.
    assert_eq!(j["metrics"]["churned_users"], 2);
    assert_eq!(j["metrics"]["reflowed_users"], 1);
    assert_eq!(j["metrics"]["reflow_rate"], 0.5);
    assert_eq!(j["rows"]["read"], 6);
    assert_eq!(j["rows"]["used"], 5);
    assert_eq!(j["rows"]["excluded"]["missing_user"], 1);
    assert!(j["warnings"].is_array());
}

#[test]
fn reflow_reads_an_orders_file_as_activity() {
    let f = temp_file(
        "orders.csv",
        "订单号,买家会员名,订单付款时间\n1,a,2024-01-01\n2,a,2024-03-05\n3,b,2024-01-20\n",
    );
    let j = json(&[
        "reflow",
        f.to_str().unwrap(),
        "--from",
        "2024-03-01",
        "--json",
    ]);
    assert_eq!(j["metrics"]["churned_users"], 2);
    assert_eq!(j["metrics"]["reflow_rate"], 0.5);
    assert!(j["warnings"].to_string().contains("read as orders"));
}

#[test]
fn lifecycle_with_activity() {
    let o = temp_file(
        "lc_orders.csv",
        "订单号,买家ID,付款时间\n1,p1,2024-05-31\n2,p2,2024-06-01\n3,p3,2024-06-01\n4,p3,2024-06-15\n5,p9,2024-07-05\n",
    );
    let a = temp_file(
        "lc_visits.csv",
        "用户ID,访问时间,注册时间\np7,2024-06-25,\np8,,2024-06-28\n",
    );
    let j = json(&[
        "lifecycle",
        o.to_str().unwrap(),
        "--activity",
        a.to_str().unwrap(),
        "--as-of",
        "2024-06-30",
        "--json",
    ]);
    // p1 churned (30 days), p2 growing, p3 dormant (2 buys, last 15 days
    // ago), p7 and p8 new; p9's order is after as_of. 5 users.
    let m = &j["metrics"];
    assert_eq!(
        [
            &m["stage_new"],
            &m["stage_growing"],
            &m["stage_mature"],
            &m["stage_dormant"],
            &m["stage_churned"]
        ],
        [2, 1, 0, 1, 1]
    );
    assert_eq!(m["stage_new_share"], 0.4);
    assert_eq!(j["rows"]["read"], 7);
    assert_eq!(j["rows"]["excluded"]["after_as_of"], 1);
}

#[test]
fn bad_input_exits_2_with_one_line() {
    let f = temp_file("bad.csv", "用户ID,访问时间\na,05/03/2024\n");
    let (code, out, err) = run(&["reflow", f.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert_eq!(err.lines().count(), 1);
    assert!(err.contains("bad.csv: row 2, column 访问时间"), "{err}");
    let (code, _, err) = run(&["lifecycle", f.to_str().unwrap(), "--churn-days", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("--churn-days"), "{err}");
}
