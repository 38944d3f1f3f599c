//! Return visits, retention and lifecycle (spec section 3) on hand-worked
//! fixtures, plus property tests.

use opscalc_core::*;
use proptest::prelude::*;

fn d(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn activity(rows: &[&[&str]]) -> Activity {
    let t = Table::from_rows("v.csv", &["用户ID", "访问时间", "注册时间"], rows);
    Activity::build(&t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap()
}

fn orders(rows: &[&[&str]]) -> Orders {
    let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], rows);
    let m = Mapping::detect(InputKind::Orders, t.headers());
    Orders::build(&t, &m, &OrderOptions::default()).unwrap()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() < 1e-12)
}

/// Six users around a March 2024 window with churn_days 30.
/// from - 30 = 2024-01-31 (Jan 31 + 1 = Feb 1, + 29 days of Feb = Mar 1).
fn churn_fixture() -> Activity {
    activity(&[
        &["a", "2024-01-31 23:00", ""], // last before: exactly from-30: churned
        &["a", "2024-03-31 22:00", ""], // back on `to`: reflowed
        &["b", "2024-02-01", ""],       // from-29: not churned
        &["b", "2024-03-05", ""],
        &["c", "2024-01-15", ""], // churned
        &["c", "2024-04-01", ""], // back on to+1: not reflowed
        &["d", "2024-03-10", ""], // first seen inside the window
        &["e", "2024-01-01", ""],
        &["e", "2024-01-20", ""], // churned, never back
        &["f", "2024-01-10", ""],
        &["f", "2024-02-15", ""], // 15 days before from: not churned
        &["f", "2024-03-03", ""],
    ])
}

#[test]
fn churn_boundary_and_window_edges() {
    let a = churn_fixture();
    let opts = ReflowOptions {
        from: Some(d("2024-03-01")),
        to: Some(d("2024-03-31")),
        ..Default::default()
    };
    let r = reflow(&a, &opts).unwrap();
    // churned = {a (Jan 31), c (Jan 15), e (Jan 20)} = 3; b (Feb 1) and
    // f (Feb 15) are too recent, d has nothing before the window.
    // reflowed = {a}: c came back on Apr 1, after `to`. Rate 1/3.
    assert_eq!(r.report.value("churned_users"), Some(3.0));
    assert_eq!(r.report.value("reflowed_users"), Some(1.0));
    assert!(close(r.report.value("reflow_rate"), 1.0 / 3.0));
    let m = r.report.get("reflow_rate").unwrap();
    assert_eq!((m.numerator, m.denominator), (Some(1.0), Some(3.0)));
    // Data starts Jan 1, 60 days before from: no short-history warning.
    assert!(r.report.warnings.iter().all(|w| !w.contains("churn_days")));
    let names: Vec<(&str, bool)> = r
        .users
        .iter()
        .map(|u| (u.user.as_str(), u.reflowed))
        .collect();
    assert_eq!(names, [("a", true), ("c", false), ("e", false)]);
    assert_eq!(r.users[0].last_before, d("2024-01-31"));
    assert_eq!(
        r.users[0].first_return.unwrap().to_string(),
        "2024-03-31 22:00:00"
    );
    assert_eq!(r.report.rows.read, 12);
    assert_eq!(r.report.rows.used, 12);
}

#[test]
fn report_keys_are_in_spec_order() {
    let r = reflow(&churn_fixture(), &ReflowOptions::default()).unwrap();
    let keys: Vec<&str> = r.report.metrics.iter().map(|m| m.key).collect();
    assert_eq!(
        keys,
        [
            "churned_users",
            "reflowed_users",
            "reflow_rate",
            "retention_day_1",
            "retention_day_7",
            "retention_day_30"
        ]
    );
}

#[test]
fn per_period_rows_are_their_own_windows() {
    let a = churn_fixture();
    let opts = ReflowOptions {
        from: Some(d("2024-02-10")),
        to: Some(d("2024-03-31")),
        ..Default::default()
    };
    let r = reflow(&a, &opts).unwrap();
    // Feb row is clipped to [Feb 10, Feb 29]; Feb 10 - 30 = Jan 11.
    // Only f (last before: Jan 10) churned; f is back Feb 15: 1 of 1.
    // Mar row [Mar 1, Mar 31] is the first test's window: 3 churned, 1 back.
    let rows: Vec<(&str, Date, Date, u64, u64)> = r
        .periods
        .iter()
        .map(|p| {
            (
                p.label.as_str(),
                p.from,
                p.to,
                p.churned_users,
                p.reflowed_users,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("2024-02", d("2024-02-10"), d("2024-02-29"), 1, 1),
            ("2024-03", d("2024-03-01"), d("2024-03-31"), 3, 1),
        ]
    );
    // The headline is the whole window from Feb 10: again only f, back.
    assert_eq!(r.report.value("churned_users"), Some(1.0));
    assert_eq!(r.report.value("reflow_rate"), Some(1.0));
}

#[test]
fn short_history_warns() {
    let a = churn_fixture();
    // Data starts Jan 1. From Jan 20, Jan 20 - 30 = Dec 21 is before the data.
    let r = reflow(
        &a,
        &ReflowOptions {
            from: Some(d("2024-01-20")),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(r
        .report
        .warnings
        .iter()
        .any(|w| w.contains("less than 30 days")));
    // From Jan 31 the data starts exactly 30 days before: no warning.
    let r = reflow(
        &a,
        &ReflowOptions {
            from: Some(d("2024-01-31")),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(r.report.warnings.iter().all(|w| !w.contains("less than")));
    // Default window opens on the first date: nobody can have churned, so
    // the rate is not available (null + reason), not 0.
    let r = reflow(&a, &ReflowOptions::default()).unwrap();
    assert_eq!((r.from, r.to), (d("2024-01-01"), d("2024-04-01")));
    assert_eq!(r.report.value("churned_users"), Some(0.0));
    assert_eq!(r.report.value("reflow_rate"), None);
    let j = r.report.to_json();
    assert!(j["metrics"]["reflow_rate"].is_null());
    assert!(j["warnings"].to_string().contains("less than 30 days"));
}

#[test]
fn reversed_window_and_zero_churn_days_fail() {
    let a = churn_fixture();
    let bad = ReflowOptions {
        from: Some(d("2024-03-02")),
        to: Some(d("2024-03-01")),
        ..Default::default()
    };
    assert!(reflow(&a, &bad).unwrap_err().contains("after it ends"));
    let zero = ReflowOptions {
        churn_days: 0,
        ..Default::default()
    };
    assert!(reflow(&a, &zero).is_err());
}

/// Last date in the data: 2024-02-10 (u6).
fn retention_fixture() -> Activity {
    activity(&[
        &["u1", "2024-01-01", ""],
        &["u1", "2024-01-02", ""],
        &["u1", "2024-01-08", ""],
        &["u1", "2024-01-31", ""],
        &["u2", "2024-01-01", ""],
        &["u2", "2024-01-03", ""],
        &["u3", "2024-01-05", ""],
        &["u3", "2024-01-06", ""],
        &["u3", "2024-02-04", ""],
        &["u4", "2024-01-20", ""],
        &["u4", "2024-01-27", ""],
        &["u5", "2024-02-05", ""],
        &["u5", "2024-02-06", ""],
        &["u6", "2024-02-10", ""],
    ])
}

#[test]
fn day_k_retention_leaves_out_users_beyond_the_data() {
    let r = reflow(&retention_fixture(), &ReflowOptions::default()).unwrap();
    // Day 1: u6 (Feb 11 > Feb 10) left out; of u1..u5, u1 (Jan 2), u3 (Jan 6)
    // and u5 (Feb 6) came back next day: 3/5.
    let m = r.report.get("retention_day_1").unwrap();
    assert_eq!((m.numerator, m.denominator), (Some(3.0), Some(5.0)));
    // Day 7: u5 (Feb 12) and u6 left out; u1 (Jan 8) and u4 (Jan 27) of
    // u1..u4: 2/4.
    assert_eq!(r.report.value("retention_day_7"), Some(0.5));
    // Day 30: u4 (Feb 19), u5, u6 left out; u1 (Jan 31) and u3 (Feb 4) of
    // u1, u2, u3: 2/3.
    let m = r.report.get("retention_day_30").unwrap();
    assert_eq!((m.numerator, m.denominator), (Some(2.0), Some(3.0)));
}

/// (user, target, returned) of a retention drill-down.
fn drill(a: &Activity, period: Period, f: RetentionFigure) -> Vec<(String, String, bool)> {
    retention_users(a, period, &f)
        .into_iter()
        .map(|r| (r.user, r.target, r.returned))
        .collect()
}

fn rows(list: &[(&str, &str, bool)]) -> Vec<(String, String, bool)> {
    list.iter()
        .map(|&(u, t, b)| (u.to_string(), t.to_string(), b))
        .collect()
}

#[test]
fn retention_drill_down_lists_numerator_and_denominator() {
    let a = retention_fixture();
    // Day 1 (see above): u1 Jan 2, u3 Jan 6, u5 Feb 6 back; u2 (Jan 2) and
    // u4 (Jan 21) not; u6 left out. Retained first, then by id.
    assert_eq!(
        drill(&a, Period::Month, RetentionFigure::Day(1)),
        rows(&[
            ("u1", "2024-01-02", true),
            ("u3", "2024-01-06", true),
            ("u5", "2024-02-06", true),
            ("u2", "2024-01-02", false),
            ("u4", "2024-01-21", false),
        ])
    );
    // Day 30: u1 (Jan 31) and u3 (Feb 4) of u1, u2, u3.
    assert_eq!(
        drill(&a, Period::Month, RetentionFigure::Day(30)),
        rows(&[
            ("u1", "2024-01-31", true),
            ("u3", "2024-02-04", true),
            ("u2", "2024-01-31", false),
        ])
    );
    // Cohort 2024-01, one month later: only u3 was active in February.
    let jan = |k| RetentionFigure::Cohort {
        cohort: "2024-01".into(),
        k,
    };
    assert_eq!(
        drill(&a, Period::Month, jan(1)),
        rows(&[
            ("u3", "2024-02", true),
            ("u1", "2024-02", false),
            ("u2", "2024-02", false),
            ("u4", "2024-02", false),
        ])
    );
    // Week cohort of 2024-01-15 (u4, first seen Jan 20), one week later:
    // Jan 27 falls in the week of Jan 22.
    let week = RetentionFigure::Cohort {
        cohort: "2024-01-15".into(),
        k: 1,
    };
    assert_eq!(
        drill(&a, Period::Week, week),
        rows(&[("u4", "2024-01-22", true)])
    );
    assert!(drill(&a, Period::Month, jan(5)).iter().all(|r| !r.2));
    let none = RetentionFigure::Cohort {
        cohort: "2023-12".into(),
        k: 0,
    };
    assert!(drill(&a, Period::Month, none).is_empty());
    // The first row of users carries the first-seen day.
    let first = &retention_users(&a, Period::Month, &RetentionFigure::Day(7))[0];
    assert_eq!(
        (first.user.as_str(), first.first_seen),
        ("u1", d("2024-01-01"))
    );
}

#[test]
fn registrations_are_not_visits_for_reflow_and_retention() {
    let a = activity(&[
        &["r1", "", "2024-01-01"],                 // signed up, never visited
        &["r2", "", "2024-01-01"],                 // signed up long before...
        &["r2", "2024-03-05", "2024-01-01"],       // ...first visit in the window
        &["r3", "2024-01-10", "2023-12-01"],       // visited Jan 10: churned
        &["r3", "2024-03-20", ""],                 // back
        &["r4", "2024-03-01 00:00", "2024-03-01"], // first seen on `from`
    ]);
    let opts = ReflowOptions {
        from: Some(d("2024-03-01")),
        to: Some(d("2024-03-31")),
        ..Default::default()
    };
    let r = reflow(&a, &opts).unwrap();
    // Only r3 had a visit before Mar 1 (Jan 10, 51 days): churned and back.
    // r1 and r2 only signed up before the window; r4 is new on Mar 1.
    assert_eq!(r.report.value("churned_users"), Some(1.0));
    assert_eq!(r.report.value("reflow_rate"), Some(1.0));
    assert_eq!(r.users[0].user, "r3");
    // Cohorts count first visits, not sign-ups: January r3, March r2, r4.
    let sizes: Vec<(&str, u64)> = r
        .retention
        .cohorts
        .iter()
        .map(|c| (c.month.as_str(), c.size))
        .collect();
    assert_eq!(sizes, [("2024-01", 1), ("2024-03", 2)]);
    assert_eq!(
        a.registered[a.users.get("r3").unwrap() as usize],
        Some(d("2023-12-01"))
    );
}

#[test]
fn churn_days_7_boundary_and_the_window_opening() {
    // from = 2024-03-01, churn_days 7: churned when last seen on or before
    // Feb 23 (Mar 1 - 7; 2024 is a leap year, so Feb has 29 days).
    let a = activity(&[
        &["x", "2024-02-23 23:59:59", ""], // exactly 7 days: churned
        &["x", "2024-03-01 00:00", ""],    // back at the first second: reflowed
        &["y", "2024-02-24 00:00", ""],    // 6 days: not churned
        &["y", "2024-03-02", ""],
        &["z", "2024-02-01", ""],          // churned
        &["z", "2024-03-07 23:59:59", ""], // back at the last second of `to`
        &["w", "2024-02-10", ""],          // churned
        &["w", "2024-03-08 00:00", ""],    // back one second after `to`: no
        &["v", "2024-02-29 23:59", ""],    // the day before `from`: not churned
    ]);
    let opts = ReflowOptions {
        churn_days: 7,
        from: Some(d("2024-03-01")),
        to: Some(d("2024-03-07")),
        ..Default::default()
    };
    let r = reflow(&a, &opts).unwrap();
    let got: Vec<(&str, bool)> = r
        .users
        .iter()
        .map(|u| (u.user.as_str(), u.reflowed))
        .collect();
    assert_eq!(got, [("x", true), ("z", true), ("w", false)]);
    assert_eq!(r.report.value("churned_users"), Some(3.0));
    assert_eq!(r.report.value("reflowed_users"), Some(2.0));
    assert!(close(r.report.value("reflow_rate"), 2.0 / 3.0));
    assert_eq!(r.users[0].last_before, d("2024-02-23"));
    // The data starts Feb 1, 29 days before: no short-history warning for 7.
    assert!(r.report.warnings.iter().all(|w| !w.contains("less than")));
    // With 30 churn days the cut-off is Jan 31, before the data's first day
    // (Feb 1): nobody has churned, and the history is too short: a warning.
    let r = reflow(
        &a,
        &ReflowOptions {
            churn_days: 30,
            ..opts.clone()
        },
    )
    .unwrap();
    assert_eq!(r.report.value("churned_users"), Some(0.0));
    assert_eq!(r.report.value("reflow_rate"), None);
    assert!(r
        .report
        .warnings
        .iter()
        .any(|w| w.contains("less than 30 days")));
}

#[test]
fn retention_cohorts_by_month_and_week() {
    let a = retention_fixture();
    let r = reflow(&a, &ReflowOptions::default()).unwrap();
    // January cohort u1..u4, all active in January, only u3 in February
    // (u1's last visit is Jan 31). February cohort u5, u6.
    let rows: Vec<(&str, u64, Vec<u64>)> = r
        .retention
        .cohorts
        .iter()
        .map(|c| (c.month.as_str(), c.size, c.active.clone()))
        .collect();
    assert_eq!(rows, [("2024-01", 4, vec![4, 1]), ("2024-02", 2, vec![2])]);
    // Weeks (2024-01-01 is a Monday): u1 active weeks 0, 1, 4; u2 week 0;
    // u3 weeks 0, 4; u4 weeks 2, 3; u5 and u6 week 5.
    let r = reflow(
        &a,
        &ReflowOptions {
            period: Period::Week,
            ..Default::default()
        },
    )
    .unwrap();
    let rows: Vec<(&str, u64, Vec<u64>)> = r
        .retention
        .cohorts
        .iter()
        .map(|c| (c.month.as_str(), c.size, c.active.clone()))
        .collect();
    assert_eq!(
        rows,
        [
            ("2024-01-01", 3, vec![3, 1, 0, 0, 2, 0]),
            ("2024-01-15", 1, vec![1, 1, 0, 0]),
            ("2024-02-05", 2, vec![2]),
        ]
    );
}

#[test]
fn activity_rows_go_to_the_ledger() {
    let a = activity(&[
        &["amy", "2024-03-01", ""],
        &["", "2024-03-02", ""],        // missing_user
        &["bob", "not a date", ""],     // bad_time
        &["cat", "", ""],               // missing_time
        &["dan", "", "2024-02-01"],     // registration only: kept
        &["amy", "2024-03-01", ""],     // duplicate_row
        &["", "", ""],                  // blank_row
        &["eve", "2024-03-03", "soon"], // bad_time in the registration column
    ]);
    let c = a.ledger.counts();
    assert_eq!(c["missing_user"], 1);
    assert_eq!(c["bad_time"], 2);
    assert_eq!(c["missing_time"], 1);
    assert_eq!(c["duplicate_row"], 1);
    assert_eq!(c["blank_row"], 1);
    assert_eq!(a.ledger.used(), 2);
    assert_eq!(a.events.len(), 1);
    assert_eq!(a.registration_only.len(), 1);
    let issue = a
        .ledger
        .issues
        .iter()
        .find(|i| i.reason == Reason::MissingUser)
        .unwrap();
    assert_eq!((issue.row, issue.column.as_deref()), (3, Some("用户ID")));
    let dan = a.users.get("dan").unwrap();
    assert_eq!(a.registered[dan as usize], Some(d("2024-02-01")));
}

#[test]
fn activity_needs_user_and_time() {
    let t = Table::from_rows("v.csv", &["用户ID", "x"], &[&["a", "b"]]);
    let e =
        Activity::build(&t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap_err();
    assert_eq!(
        e.to_string(),
        "v.csv: no column looks like a time (time): map one"
    );
}

#[test]
fn orders_serve_as_activity() {
    let o = orders(&[
        &["1", "amy", "2024-01-01"],
        &["2", "amy", "2024-03-05"],
        &["3", "bob", "2024-01-20"],
        &["4", "", "2024-03-06"],
    ]);
    let a = Activity::from_orders(&o);
    assert_eq!(a.ledger.counts()["missing_buyer"], 1);
    let r = reflow(
        &a,
        &ReflowOptions {
            from: Some(d("2024-03-01")),
            ..Default::default()
        },
    )
    .unwrap();
    // Both last ordered 30+ days before Mar 1; amy ordered again: 1/2.
    assert_eq!(r.report.value("reflow_rate"), Some(0.5));
    assert_eq!(r.report.rows.excluded["missing_buyer"], 1);
}

// Lifecycle at 2024-06-30 with churn_days 30 (cut-off: on or before May 31)
// and dormant_days 15 (last purchase on or before Jun 15).
const LC_ORDERS: &[&[&str]] = &[
    &["1", "p1", "2024-05-31 10:00"], // 30 days: churned
    &["2", "p2", "2024-06-01"],       // 29 days, 1 purchase: growing
    &["3", "p3", "2024-06-01"],
    &["4", "p3", "2024-06-15"], // 2 purchases, last 15 days ago: dormant
    &["5", "p4", "2024-06-01"],
    &["6", "p4", "2024-06-16"], // last 14 days ago: mature
    &["7", "p5", "2024-04-01"],
    &["8", "p5", "2024-05-01"], // visit Jun 20 keeps p5 from churning: dormant
    &["9", "p6", "2024-03-01"],
    &["10", "p6", "2024-03-02"],  // 2 purchases but churned first
    &["11", "p9", "2024-07-05"],  // after as_of
    &["12", "", "2024-06-10"],    // guest: missing_buyer
    &["13", "p11", "2024-06-05"], // 1 purchase 25 days ago: growing
];
const LC_ACTIVITY: &[&[&str]] = &[
    &["p5", "2024-06-20 09:00", ""],
    &["p7", "2024-06-25", ""],  // visits only: new
    &["p7", "2024-07-02", ""],  // after as_of
    &["p8", "", "2024-06-28"],  // registration only: new
    &["p10", "2024-04-01", ""], // visits only, long ago: churned
    &["", "2024-06-05", ""],    // missing_user
];

fn lc_opts(as_of: &str) -> LifecycleOptions {
    LifecycleOptions {
        as_of: Some(d(as_of)),
        ..Default::default()
    }
}

#[test]
fn lifecycle_stages_and_boundaries() {
    let (o, a) = (orders(LC_ORDERS), activity(LC_ACTIVITY));
    let l = lifecycle(&o, Some(&a), &lc_opts("2024-06-30")).unwrap();
    // new {p7, p8} 2, growing {p2, p11} 2, mature {p4} 1, dormant {p3, p5} 2,
    // churned {p1, p6, p10} 3; p9 has nothing on or before Jun 30. 10 users.
    let counts: Vec<Option<f64>> = Stage::ALL
        .iter()
        .map(|s| l.report.value(s.count_key()))
        .collect();
    assert_eq!(
        counts,
        [Some(2.0), Some(2.0), Some(1.0), Some(2.0), Some(3.0)]
    );
    let shares: Vec<Option<f64>> = Stage::ALL
        .iter()
        .map(|s| l.report.value(s.share_key()))
        .collect();
    assert_eq!(
        shares,
        [Some(0.2), Some(0.2), Some(0.1), Some(0.2), Some(0.3)]
    );
    let stage_of = |u: &str| l.users.iter().find(|x| x.user == u).map(|x| x.stage);
    assert_eq!(stage_of("p1"), Some(Stage::Churned));
    assert_eq!(stage_of("p2"), Some(Stage::Growing));
    assert_eq!(stage_of("p3"), Some(Stage::Dormant));
    assert_eq!(stage_of("p4"), Some(Stage::Mature));
    assert_eq!(stage_of("p5"), Some(Stage::Dormant));
    assert_eq!(stage_of("p6"), Some(Stage::Churned));
    assert_eq!(stage_of("p7"), Some(Stage::New));
    assert_eq!(stage_of("p8"), Some(Stage::New));
    assert_eq!(stage_of("p9"), None);
    let p8 = l.users.iter().find(|x| x.user == "p8").unwrap();
    assert_eq!(
        (
            p8.purchases,
            p8.last_purchase,
            p8.last_activity,
            p8.registered
        ),
        (0, None, d("2024-06-28"), Some(d("2024-06-28")))
    );
    let p5 = l.users.iter().find(|x| x.user == "p5").unwrap();
    assert_eq!(
        (p5.purchases, p5.last_purchase, p5.last_activity),
        (2, Some(d("2024-05-01")), d("2024-06-20"))
    );
    // Rows: 13 + 6 read; after_as_of p9's order and p7's Jul 2 visit;
    // the guest order; the activity row without a user.
    let rows = &l.report.rows;
    assert_eq!((rows.read, rows.used), (19, 15));
    assert_eq!(rows.excluded["after_as_of"], 2);
    assert_eq!(rows.excluded["missing_buyer"], 1);
    assert_eq!(rows.excluded["missing_user"], 1);
    assert_eq!(l.ledgers.len(), 2);
    assert_eq!(l.ledgers[1].count_of(Reason::AfterAsOf), 1);
}

#[test]
fn lifecycle_default_as_of_is_last_date_and_keys_are_in_order() {
    let (o, a) = (orders(LC_ORDERS), activity(LC_ACTIVITY));
    let l = lifecycle(&o, Some(&a), &LifecycleOptions::default()).unwrap();
    // p9's order on Jul 5 is the last date in either file.
    assert_eq!(l.as_of, d("2024-07-05"));
    assert_eq!(l.report.rows.excluded.get("after_as_of"), None);
    let keys: Vec<&str> = l.report.metrics.iter().map(|m| m.key).collect();
    assert_eq!(
        keys,
        [
            "stage_new",
            "stage_growing",
            "stage_mature",
            "stage_dormant",
            "stage_churned",
            "stage_new_share",
            "stage_growing_share",
            "stage_mature_share",
            "stage_dormant_share",
            "stage_churned_share"
        ]
    );
}

#[test]
fn registration_column_in_lifecycle() {
    // As of Jun 30 with churn_days 30: churned when last active on or
    // before May 31. A sign-up is a row of the activity file: activity.
    let o = orders(&[&["1", "r3", "2024-06-10"]]);
    let a = activity(&[
        &["r1", "", "2024-05-31"], // signed up exactly 30 days ago only: churned
        &["r2", "", "2024-06-01"], // 29 days ago: new
        &["r3", "2024-06-20", "2024-01-01"], // signed up in January, bought Jun 10, visited Jun 20: growing
    ]);
    let l = lifecycle(&o, Some(&a), &lc_opts("2024-06-30")).unwrap();
    let got: Vec<(&str, Stage, Option<Date>, Date)> = l
        .users
        .iter()
        .map(|u| (u.user.as_str(), u.stage, u.registered, u.last_activity))
        .collect();
    assert_eq!(
        got,
        [
            ("r2", Stage::New, Some(d("2024-06-01")), d("2024-06-01")),
            ("r3", Stage::Growing, Some(d("2024-01-01")), d("2024-06-20")),
            ("r1", Stage::Churned, Some(d("2024-05-31")), d("2024-05-31")),
        ]
    );
    assert_eq!(l.report.value("stage_new_share"), Some(1.0 / 3.0));
}

#[test]
fn registration_after_as_of_is_excluded() {
    let o = orders(&[&["1", "amy", "2024-06-01"]]);
    let a = activity(&[&["bob", "", "2024-06-10"]]);
    let l = lifecycle(&o, Some(&a), &lc_opts("2024-06-05")).unwrap();
    assert_eq!(l.users.len(), 1);
    assert_eq!(l.report.rows.excluded["after_as_of"], 1);
    // On Jun 10 bob is a registered user who has not bought: new.
    let l = lifecycle(&o, Some(&a), &lc_opts("2024-06-10")).unwrap();
    assert_eq!(l.report.value("stage_new"), Some(1.0));
}

#[test]
fn lifecycle_transitions_between_two_dates() {
    let (o, a) = (orders(LC_ORDERS), activity(LC_ACTIVITY));
    let opts = LifecycleOptions::default();
    let m = lifecycle_transitions(&o, Some(&a), d("2024-06-10"), d("2024-06-30"), &opts);
    // On Jun 10 (churned: last activity on or before May 11): p1, p2, p3,
    // p4, p11 have one order (growing); p5 last active May 1 and p6, p10
    // long ago (churned). p7, p8 and p9 are not present yet: left out.
    // By Jun 30: p1 churned, p2 and p11 still growing, p3 dormant, p4
    // mature, p5 dormant (visit Jun 20), p6 and p10 churned.
    let (g, ma, dm, c) = (
        Stage::Growing.index(),
        Stage::Mature.index(),
        Stage::Dormant.index(),
        Stage::Churned.index(),
    );
    let mut want = vec![vec![0u64; 5]; 5];
    want[g][c] = 1;
    want[g][g] = 2;
    want[g][dm] = 1;
    want[g][ma] = 1;
    want[c][dm] = 1;
    want[c][c] = 2;
    assert_eq!(m, want);
}

#[test]
fn lifecycle_without_buyer_column_fails() {
    let t = Table::from_rows("o.csv", &["订单号", "付款时间"], &[&["1", "2024-01-01"]]);
    let o = Orders::build(
        &t,
        &Mapping::detect(InputKind::Orders, t.headers()),
        &OrderOptions::default(),
    )
    .unwrap();
    assert!(lifecycle(&o, None, &LifecycleOptions::default())
        .unwrap_err()
        .contains("buyer id"));
}

// Property tests over random small data.

const BASE: &str = "2024-01-01";

fn rows_of(events: &[(u8, u16)]) -> Vec<Vec<String>> {
    events
        .iter()
        .map(|&(u, day)| vec![format!("u{u}"), (d(BASE) + day as i32).to_string()])
        .collect()
}

fn table_of(name: &str, headers: &[&str], rows: &[Vec<String>]) -> Table {
    let refs: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let slices: Vec<&[&str]> = refs.iter().map(Vec::as_slice).collect();
    Table::from_rows(name, headers, &slices)
}

fn activity_of(rows: &[Vec<String>]) -> Activity {
    let t = table_of("v.csv", &["user", "time"], rows);
    Activity::build(&t, &Mapping::detect(InputKind::Activity, t.headers()), None).unwrap()
}

fn orders_of(rows: &[Vec<String>]) -> Orders {
    let rows: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(i, r)| vec![format!("o{i}"), r[0].clone(), r[1].clone()])
        .collect();
    let t = table_of("o.csv", &["order_id", "buyer", "paid_at"], &rows);
    let m = Mapping::detect(InputKind::Orders, t.headers());
    Orders::build(&t, &m, &OrderOptions::default()).unwrap()
}

/// A deterministic shuffle from a seed.
fn shuffled<T: Clone>(v: &[T], seed: u64) -> Vec<T> {
    let mut out = v.to_vec();
    let mut s = seed | 1;
    for i in (1..out.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        out.swap(i, (s % (i as u64 + 1)) as usize);
    }
    out
}

fn events() -> impl Strategy<Value = Vec<(u8, u16)>> {
    prop::collection::vec((0u8..8, 0u16..150), 0..60)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn reflow_properties(
        ev in events(),
        from in 0i32..150,
        len in 0i32..60,
        churn in 1u32..45,
        week in any::<bool>(),
        seed in any::<u64>(),
    ) {
        let rows = rows_of(&ev);
        let a = activity_of(&rows);
        let opts = ReflowOptions {
            churn_days: churn,
            from: Some(d(BASE) + from),
            to: Some(d(BASE) + from + len),
            period: if week { Period::Week } else { Period::Month },
        };
        let r = reflow(&a, &opts).unwrap();
        let churned = r.report.value("churned_users").unwrap();
        let reflowed = r.report.value("reflowed_users").unwrap();
        prop_assert!(reflowed <= churned);
        for m in &r.report.metrics {
            if m.key.contains("rate") || m.key.starts_with("retention") {
                if let Some(v) = m.value {
                    prop_assert!((0.0..=1.0).contains(&v), "{} = {}", m.key, v);
                }
            }
        }
        // Each per-period row is the headline of its own window.
        for p in &r.periods {
            prop_assert!(p.reflowed_users <= p.churned_users);
            let own = reflow(&a, &ReflowOptions { from: Some(p.from), to: Some(p.to), ..opts.clone() }).unwrap();
            prop_assert_eq!(own.report.value("churned_users"), Some(p.churned_users as f64));
            prop_assert_eq!(own.report.value("reflowed_users"), Some(p.reflowed_users as f64));
        }
        // Each retention figure drills down to its denominator as rows and
        // its numerator as the retained rows.
        for &(k, key) in &RETENTION_DAYS {
            let m = r.report.get(key).unwrap();
            let list = retention_users(&a, opts.period, &RetentionFigure::Day(k));
            prop_assert_eq!(m.denominator, Some(list.len() as f64));
            prop_assert_eq!(m.numerator, Some(list.iter().filter(|x| x.returned).count() as f64));
        }
        for c in &r.retention.cohorts {
            for (k, &n) in c.active.iter().enumerate() {
                let f = RetentionFigure::Cohort { cohort: c.month.clone(), k };
                let list = retention_users(&a, opts.period, &f);
                prop_assert_eq!(list.len() as u64, c.size);
                prop_assert_eq!(list.iter().filter(|x| x.returned).count() as u64, n);
            }
        }
        // Row order does not matter.
        let b = activity_of(&shuffled(&rows, seed));
        let s = reflow(&b, &opts).unwrap();
        prop_assert_eq!(r.report.to_json(), s.report.to_json());
        prop_assert_eq!(&r.periods, &s.periods);
        prop_assert_eq!(&r.retention, &s.retention);
        prop_assert_eq!(&r.users, &s.users);
    }

    #[test]
    fn lifecycle_properties(
        buys in events(),
        visits in events(),
        as_of in 0i32..160,
        churn in 1u32..45,
        dormant in 1u32..45,
        seed in any::<u64>(),
    ) {
        let (orow, vrow) = (rows_of(&buys), rows_of(&visits));
        let (o, a) = (orders_of(&orow), activity_of(&vrow));
        let opts = LifecycleOptions { as_of: Some(d(BASE) + as_of), churn_days: churn, dormant_days: dormant };
        let l = lifecycle(&o, Some(&a), &opts).unwrap();
        let sum: f64 = Stage::ALL.iter().map(|s| l.report.value(s.count_key()).unwrap()).sum();
        prop_assert_eq!(sum, l.users.len() as f64);
        for s in Stage::ALL {
            if let Some(v) = l.report.value(s.share_key()) {
                prop_assert!((0.0..=1.0).contains(&v));
            }
        }
        // Every user present has data on or before as_of, and the rows
        // after it are all in the ledger.
        let after = buys.iter().chain(&visits).filter(|e| e.1 as i32 > as_of).count();
        prop_assert!(l.report.rows.excluded.get("after_as_of").copied().unwrap_or(0) <= after);
        let (o2, a2) = (orders_of(&shuffled(&orow, seed)), activity_of(&shuffled(&vrow, seed ^ 7)));
        let l2 = lifecycle(&o2, Some(&a2), &opts).unwrap();
        prop_assert_eq!(l.report.to_json(), l2.report.to_json());
        prop_assert_eq!(&l.users, &l2.users);
        // Transitions from a date to itself stay on the diagonal and count
        // every user present.
        let m = lifecycle_transitions(&o, Some(&a), d(BASE) + as_of, d(BASE) + as_of, &opts);
        let diag: u64 = (0..5).map(|i| m[i][i]).sum();
        prop_assert_eq!(diag, l.users.len() as u64);
        prop_assert_eq!(m.iter().flatten().sum::<u64>(), diag);
    }
}
