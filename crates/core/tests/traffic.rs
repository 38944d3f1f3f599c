//! Traffic quality (spec section 5) on hand-worked fixtures. Every expected
//! number is worked out in the comment beside it.

use opscalc_core::*;
use proptest::prelude::*;

fn log(rows: &[&[&str]], headers: &[&str]) -> PageViews {
    let t = Table::from_rows("pv.csv", headers, rows);
    let m = Mapping::detect(InputKind::PageViews, t.headers());
    PageViews::build(&t, &m, None).unwrap()
}

fn counts_table(headers: &[&str], rows: &[&[&str]]) -> TrafficTable {
    let t = Table::from_rows("t.csv", headers, rows);
    let m = Mapping::detect(InputKind::TrafficTable, t.headers());
    TrafficTable::build(&t, &m).unwrap()
}

fn opts() -> TrafficOptions {
    TrafficOptions::default()
}

fn close(a: Option<f64>, b: f64) -> bool {
    a.is_some_and(|a| (a - b).abs() <= 1e-9 * b.abs().max(1.0))
}

#[test]
fn gap_of_exactly_the_threshold_does_not_split() {
    let p = log(
        &[
            &["v1", "2024-03-01 10:00:00"],
            &["v1", "2024-03-01 10:30:00"], // exactly 30 min: same visit
            &["v1", "2024-03-01 11:00:01"], // 30 min 1 s: new visit
            &["v2", "2024-03-01 12:00:00"], // one view: a bounce
            &["v3", "2024-03-01 09:00:00"],
            &["v3", "2024-03-01 09:10:00"],
        ],
        &["访客ID", "访问时间"],
    );
    let r = traffic_from_pageviews(&p, &opts());
    // Visits: v1 {10:00, 10:30}, v1 {11:00:01}, v2 {12:00}, v3 {09:00, 09:10} = 4.
    // Bounced: v1's second visit and v2's = 2.
    let v = |k| r.report.value(k);
    assert_eq!(v("pv"), Some(6.0));
    assert_eq!(v("uv"), Some(3.0));
    assert_eq!(v("visits"), Some(4.0));
    assert_eq!(v("bounced_visits"), Some(2.0));
    assert_eq!(v("visit_depth"), Some(1.5)); // 6 / 4
    assert_eq!(v("pv_per_uv"), Some(2.0)); // 6 / 3
    assert_eq!(v("bounce_rate"), Some(0.5)); // 2 / 4
                                             // No buyers in a log: not available, never 0.
    assert_eq!(v("conversion_rate"), None);
    assert!(r
        .report
        .get("conversion_rate")
        .unwrap()
        .unavailable
        .is_some());
}

#[test]
fn gap_setting_threshold_plus_one_second_splits() {
    let o = TrafficOptions {
        session_gap_minutes: 1,
        ..opts()
    };
    let same = log(
        &[&["a", "2024-03-01 10:00:00"], &["a", "2024-03-01 10:01:00"]],
        &["visitor_id", "time"],
    );
    // 60 s apart with a 1-minute gap: one visit of 2 views, no bounce.
    let r = traffic_from_pageviews(&same, &o);
    assert_eq!(r.report.value("visits"), Some(1.0));
    assert_eq!(r.report.value("bounced_visits"), Some(0.0));
    let split = log(
        &[&["a", "2024-03-01 10:00:00"], &["a", "2024-03-01 10:01:01"]],
        &["visitor_id", "time"],
    );
    // 61 s apart: two one-view visits, both bounces.
    let r = traffic_from_pageviews(&split, &o);
    assert_eq!(r.report.value("visits"), Some(2.0));
    assert_eq!(r.report.value("bounce_rate"), Some(1.0));
}

#[test]
fn one_page_visits_are_bounces() {
    let p = log(
        &[
            &["a", "2024-03-01 10:00", "/"],
            &["b", "2024-03-01 10:00", "/"],
            &["c", "2024-03-01 10:00", "/"],
            &["c", "2024-03-01 10:05", "/item"],
        ],
        &["访客ID", "访问时间", "页面"],
    );
    let r = traffic_from_pageviews(&p, &opts());
    // a and b see one page each: 2 bounces of 3 visits.
    assert_eq!(r.report.value("bounced_visits"), Some(2.0));
    assert_eq!(r.report.value("bounce_rate"), Some(2.0 / 3.0));
    assert_eq!(p.pages.len(), 2);
}

#[test]
fn session_ids_define_visits() {
    let p = log(
        &[
            // a's session s1 spans two hours: one visit, since ids decide.
            &["a", "2024-03-01 10:00", "s1"],
            &["a", "2024-03-01 11:00", "s1"],
            &["a", "2024-03-01 12:00", "s1"],
            &["a", "2024-03-01 12:01", "s2"], // same minute as s1's end, yet a new visit
            &["b", "2024-03-01 10:00", "s1"], // same id, other visitor: its own visit
            &["b", "2024-03-01 10:02", ""],   // no session id: excluded
        ],
        &["访客ID", "访问时间", "会话ID"],
    );
    assert!(p.has_session);
    assert_eq!(p.ledger.counts()["missing_session"], 1);
    let r = traffic_from_pageviews(&p, &opts());
    // Visits (a,s1) 3 views, (a,s2) 1, (b,s1) 1: 3 visits, 2 bounces, pv 5.
    assert_eq!(r.report.value("visits"), Some(3.0));
    assert_eq!(r.report.value("bounced_visits"), Some(2.0));
    assert_eq!(r.report.value("visit_depth"), Some(5.0 / 3.0));
    assert_eq!(r.report.rows.read, 6);
    assert_eq!(r.report.rows.used, 5);
}

#[test]
fn log_rows_excluded_with_reasons() {
    let p = log(
        &[
            &["a", "2024-03-01 10:00"],
            &["a", "2024-03-01 10:00"], // duplicate row
            &["", "2024-03-01 10:00"],  // no visitor
            &["b", ""],                 // no time
            &["c", "soon"],             // unreadable time
            &["", ""],                  // blank
        ],
        &["visitor_id", "time"],
    );
    let c = p.ledger.counts();
    assert_eq!(c["duplicate_row"], 1);
    assert_eq!(c["missing_user"], 1);
    assert_eq!(c["missing_time"], 1);
    assert_eq!(c["bad_time"], 1);
    assert_eq!(c["blank_row"], 1);
    assert_eq!(p.views.len(), 1);
    assert_eq!(p.visitors.len(), 1); // only used rows' visitors are interned
    let t = Table::from_rows("pv.csv", &["page"], &[]);
    let m = Mapping::detect(InputKind::PageViews, t.headers());
    let e = PageViews::build(&t, &m, None).unwrap_err();
    assert!(e.to_string().contains("visitor_id"), "{e}");
}

#[test]
fn visit_channel_is_its_first_view_and_shares() {
    let p = log(
        &[
            &["a", "2024-03-01 10:05", "直播"],
            &["a", "2024-03-01 10:00", "搜索"], // earlier: a's visit is 搜索
            &["b", "2024-03-01 11:00", "搜索"],
            &["c", "2024-03-01 11:00", "直播"],
        ],
        &["访客ID", "访问时间", "来源"],
    );
    let r = traffic_from_pageviews(&p, &opts());
    // 搜索: a (2 views) and b (1 view): uv 2, pv 3, visits 2, bounced 1.
    // 直播: c: uv 1, pv 1, visits 1, bounced 1. Shares 2/3 and 1/3.
    assert_eq!(r.channels.len(), 2);
    let s = &r.channels[0];
    assert_eq!(s.channel, "搜索");
    assert_eq!(s.counts.uv, Some(2.0));
    assert_eq!(s.counts.pv, Some(3.0));
    assert_eq!(s.counts.bounced_visits, Some(1.0));
    assert_eq!(s.uv_share, Some(2.0 / 3.0));
    let l = &r.channels[1];
    assert_eq!((l.channel.as_str(), l.uv_share), ("直播", Some(1.0 / 3.0)));
    // Each channel has its own bounce rate: 搜索 1/2, 直播 1/1.
    let b = |c: &ChannelRow| c.counts.metrics(None)[6].value;
    assert_eq!((b(s), b(l)), (Some(0.5), Some(1.0)));
}

#[test]
fn log_days_count_visits_on_their_start_day() {
    let p = log(
        &[
            &["a", "2024-03-01 23:50"],
            &["a", "2024-03-02 00:10"], // 20 min later: same visit, started on the 1st
            &["b", "2024-03-02 09:00"],
        ],
        &["visitor_id", "time"],
    );
    let r = traffic_from_pageviews(&p, &opts());
    assert_eq!(r.days.len(), 2);
    // Day 1: a's visit with both views; day 2: b's single view.
    assert_eq!(r.days[0].1.pv, Some(2.0));
    assert_eq!(r.days[1].1.pv, Some(1.0));
    assert_eq!(r.days[1].1.bounced_visits, Some(1.0));
}

#[test]
fn rates_from_summed_counts_never_averaged() {
    let t = counts_table(
        &["日期", "访问次数", "跳失访问数", "访客数", "支付买家数"],
        &[
            &["2024-03-01", "100", "80", "90", "9"],
            &["2024-03-02", "900", "450", "810", "8"],
        ],
    );
    let r = traffic_from_table(&t, &opts());
    // Row bounce rates 80% and 50% average to 65%; summed: 530 / 1000 = 53%.
    assert_eq!(r.report.value("bounce_rate"), Some(0.53));
    // Row conversion 10% and ~0.99% average to ~5.5%; summed: 17 / 900.
    assert_eq!(r.report.value("conversion_rate"), Some(17.0 / 900.0));
    // Two dates and a uv column: the once-per-day note.
    assert!(r.report.warnings.iter().any(|w| w.contains("once per day")));
    assert_eq!(r.days.len(), 2);
}

#[test]
fn bounce_rate_column_weighted_by_visits() {
    let t = counts_table(
        &["渠道", "访问次数", "跳失率"],
        &[&["搜索", "200", "60%"], &["直播", "300", "40%"]],
    );
    let r = traffic_from_table(&t, &opts());
    // Bounced 0.6 x 200 + 0.4 x 300 = 120 + 120 = 240; 240 / 500 = 48%
    // (the average of the rates would be 50%).
    assert!(close(r.report.value("bounced_visits"), 240.0));
    assert!(close(r.report.value("bounce_rate"), 0.48));
    // Without visits, a rate column cannot be weighted: not used, said so.
    let t = counts_table(&["渠道", "访客数", "跳失率"], &[&["搜索", "200", "60%"]]);
    let r = traffic_from_table(&t, &opts());
    assert_eq!(r.report.value("bounce_rate"), None);
    assert!(r
        .report
        .warnings
        .iter()
        .any(|w| w.contains("never averaged")));
}

#[test]
fn currency_and_thousands_separators() {
    let t = counts_table(
        &["渠道", "支付买家数", "支付金额", "花费"],
        &[
            &["搜索", "10", "¥1,234.50", "1,000.00"],
            &["直播", "5", "￥2,000", "$500"],
        ],
    );
    let r = traffic_from_table(&t, &opts());
    // Revenue 1234.50 + 2000 = 3234.50; aov 3234.5 / 15; spend 1500.
    assert_eq!(r.report.value("revenue"), Some(3234.5));
    assert_eq!(r.report.value("aov"), Some(3234.5 / 15.0));
    assert_eq!(r.report.value("spend"), Some(1500.0));
    assert_eq!(r.report.value("roi"), Some(3234.5 / 1500.0));
}

#[test]
fn zero_denominators_are_not_available() {
    let c = TrafficCounts {
        pv: Some(0.0),
        uv: Some(0.0),
        visits: Some(0.0),
        bounced_visits: Some(0.0),
        buyers: Some(0.0),
        revenue: Some(0.0),
        impressions: Some(0.0),
        clicks: Some(0.0),
        spend: Some(0.0),
        ..Default::default()
    };
    let m = c.metrics(Some(0.0));
    let keys: Vec<&str> = m.iter().map(|x| x.key).collect();
    assert_eq!(
        keys,
        [
            "pv",
            "uv",
            "visits",
            "bounced_visits",
            "visit_depth",
            "pv_per_uv",
            "bounce_rate",
            "buyers",
            "conversion_rate",
            "revenue",
            "aov",
            "impressions",
            "clicks",
            "spend",
            "ctr",
            "cpc",
            "roi",
            "store_aov_ratio"
        ]
    );
    for x in &m {
        if x.numerator.is_some() || x.key == "store_aov_ratio" {
            assert_eq!(x.value, None, "{} should be unavailable", x.key);
            assert!(x.unavailable.is_some());
        } else {
            assert_eq!(x.value, Some(0.0), "{} is a count", x.key);
        }
    }
    // In JSON, null plus a warning.
    let rep = Report {
        metrics: m,
        ..Report::default()
    };
    let j = rep.to_json();
    assert!(j["metrics"]["bounce_rate"].is_null());
    assert_eq!(j["metrics"]["pv"], 0);
    // Absent inputs are not available either, and say which.
    let none = TrafficCounts::default().metrics(None);
    assert!(none[4]
        .unavailable
        .as_ref()
        .unwrap()
        .contains("pv and visits"));
}

#[test]
fn roi_sums_revenue_only_over_rows_with_spend() {
    let t = counts_table(
        &["渠道", "支付金额", "花费"],
        &[
            &["搜索", "500", "100"],
            &["直播", "300", "200"],
            &["自然", "1000", ""], // no spend: its revenue is not paid traffic
        ],
    );
    let r = traffic_from_table(&t, &opts());
    // (500 + 300) / (100 + 200) = 8/3, not 1800 / 300 = 6.
    assert_eq!(r.report.value("roi"), Some(800.0 / 300.0));
    assert_eq!(r.report.value("revenue"), Some(1800.0));
    let roi = |name: &str| {
        let c = r.channels.iter().find(|c| c.channel == name).unwrap();
        c.counts.metrics(None)[16].value
    };
    assert_eq!(roi("搜索"), Some(5.0));
    assert_eq!(roi("直播"), Some(1.5));
    assert_eq!(roi("自然"), None);
    // Manual entry: revenue and spend given together, roi = revenue / spend.
    let manual = TrafficCounts {
        revenue: Some(900.0),
        spend: Some(300.0),
        ..Default::default()
    };
    assert_eq!(manual.metrics(None)[16].value, Some(3.0));
}

#[test]
fn channel_shares_from_a_table() {
    let t = counts_table(
        &["日期", "渠道", "访客数"],
        &[
            &["2024-03-01", "搜索", "300"],
            &["2024-03-01", "直播", "100"],
            &["2024-03-02", "搜索", "500"],
            &["2024-03-02", "", "100"],
        ],
    );
    let r = traffic_from_table(&t, &opts());
    // Channel uv: 搜索 800, 直播 100, (none) 100; sum 1000.
    let shares: Vec<(&str, Option<f64>)> = r
        .channels
        .iter()
        .map(|c| (c.channel.as_str(), c.uv_share))
        .collect();
    assert_eq!(
        shares,
        [
            ("搜索", Some(0.8)),
            ("(none)", Some(0.1)),
            ("直播", Some(0.1))
        ]
    );
    assert_eq!(r.days[0].1.uv, Some(400.0));
}

#[test]
fn table_rows_excluded_with_reasons() {
    let t = counts_table(
        &["日期", "访客数"],
        &[
            &["2024-03-01", "100"],
            &["2024-03-02", "abc"], // bad number
            &["", "50"],            // no date
            &["someday", "50"],     // bad date
            &["合计", "100"],       // totals row
        ],
    );
    let c = t.ledger.counts();
    assert_eq!(
        (
            c["bad_number"],
            c["missing_time"],
            c["bad_time"],
            c["total_row"]
        ),
        (1, 1, 1, 1)
    );
    let bad = t
        .ledger
        .issues
        .iter()
        .find(|i| i.reason == Reason::BadNumber)
        .unwrap();
    assert_eq!((bad.row, bad.column.as_deref()), (3, Some("访客数")));
    let r = traffic_from_table(&t, &opts());
    assert_eq!(r.report.value("uv"), Some(100.0));
    // A table with no count column is refused.
    let x = Table::from_rows("x.csv", &["日期", "备注"], &[&["2024-03-01", "hi"]]);
    let m = Mapping::detect(InputKind::TrafficTable, x.headers());
    assert!(TrafficTable::build(&x, &m).is_err());
}

#[test]
fn paid_traffic_and_funnel() {
    let t = counts_table(
        &[
            "访客数",
            "加购人数",
            "支付订单数",
            "支付买家数",
            "展现量",
            "点击量",
            "花费",
        ],
        &[&["1000", "120", "45", "40", "20,000", "600", "¥900"]],
    );
    let r = traffic_from_table(&t, &opts());
    assert_eq!(r.report.value("ctr"), Some(0.03)); // 600 / 20000
    assert_eq!(r.report.value("cpc"), Some(1.5)); // 900 / 600
    assert_eq!(r.report.value("conversion_rate"), Some(0.04)); // 40 / 1000
    assert_eq!(
        r.funnel,
        Some(vec![
            ("uv", 1000.0),
            ("cart", 120.0),
            ("order", 45.0),
            ("pay", 40.0)
        ])
    );
}

#[test]
fn store_aov_ratio_against_flagship() {
    let c = TrafficCounts {
        buyers: Some(100.0),
        revenue: Some(26_000.0),
        ..Default::default()
    };
    // aov 260; flagship 200: 1.3, exactly the pass line.
    let o = TrafficOptions {
        flagship_aov: Some(200.0),
        ..opts()
    };
    let m = c.metrics(o.flagship_aov);
    assert_eq!(m[17].value, Some(1.3));
    let b = evaluate_benchmarks(&m, &o.bands);
    assert_eq!((b[0].key, b[0].band), ("store_aov_ratio", Band::Pass));
    assert_eq!(c.metrics(None)[17].value, None);
}

fn band_of(key: &'static str, v: f64, bands: &Bands) -> Band {
    evaluate_benchmarks(&[Metric::count(key, v)], bands)[0].band
}

#[test]
fn benchmark_bands_at_their_edges() {
    let b = Bands::default();
    // Bounce rate passes *below* each line.
    assert_eq!(band_of("bounce_rate", 0.70, &b), Band::Fail);
    assert_eq!(band_of("bounce_rate", 0.6999, &b), Band::Pass);
    assert_eq!(band_of("bounce_rate", 0.60, &b), Band::Pass);
    assert_eq!(band_of("bounce_rate", 0.5999, &b), Band::Good);
    assert_eq!(band_of("bounce_rate", 0.50, &b), Band::Good);
    assert_eq!(band_of("bounce_rate", 0.4999, &b), Band::Excellent);
    // Depth: at least 2.5, above 3.5, above 4.0.
    assert_eq!(band_of("visit_depth", 2.4999, &b), Band::Fail);
    assert_eq!(band_of("visit_depth", 2.5, &b), Band::Pass);
    assert_eq!(band_of("visit_depth", 3.5, &b), Band::Pass);
    assert_eq!(band_of("visit_depth", 3.5001, &b), Band::Good);
    assert_eq!(band_of("visit_depth", 4.0, &b), Band::Good);
    assert_eq!(band_of("visit_depth", 4.0001, &b), Band::Excellent);
    // Store aov ratio: at least 1.3, at least 1.5; no excellent.
    assert_eq!(band_of("store_aov_ratio", 1.2999, &b), Band::Fail);
    assert_eq!(band_of("store_aov_ratio", 1.3, &b), Band::Pass);
    assert_eq!(band_of("store_aov_ratio", 1.5, &b), Band::Good);
    assert_eq!(band_of("store_aov_ratio", 9.0, &b), Band::Good);
    // Edited lines are used, and named in the reasoning.
    let loose = Bands {
        bounce_pass: 0.80,
        ..b
    };
    assert_eq!(band_of("bounce_rate", 0.75, &loose), Band::Pass);
    let r = &evaluate_benchmarks(&[Metric::count("bounce_rate", 0.85)], &loose)[0];
    assert!(r.reason_en.contains("80%") && r.reason_zh.contains("80%"));
    // Not available metrics are not judged.
    assert!(evaluate_benchmarks(&[Metric::ratio("bounce_rate", 1.0, 0.0)], &b).is_empty());
}

#[test]
fn diagnosis_follows_the_source() {
    let b = Bands::default();
    let run = |bounce: f64, depth: f64| {
        let m = vec![
            Metric::count("bounce_rate", bounce),
            Metric::count("visit_depth", depth),
        ];
        diagnose(&evaluate_benchmarks(&m, &b), &m)
    };
    let d = run(0.75, 2.0);
    assert_eq!(d[0].key, "fix_pages_first");
    assert!(d[0].en.contains("fix the pages") && d[0].en.contains("before buying more traffic"));
    assert!(d[0].en.contains("weekly") && d[0].zh.contains("每周"));
    assert_eq!(run(0.75, 3.0)[0].key, "high_bounce");
    assert_eq!(run(0.55, 2.0)[0].key, "shallow_visits");
    assert_eq!(run(0.55, 3.0)[0].key, "pages_ok");
    // From a log: 4 one-view visits of 5 (80% bounce), depth 6/5 = 1.2.
    let p = log(
        &[
            &["a", "2024-03-01 10:00"],
            &["a", "2024-03-01 10:01"],
            &["b", "2024-03-01 10:00"],
            &["c", "2024-03-01 10:00"],
            &["d", "2024-03-01 10:00"],
            &["e", "2024-03-01 10:00"],
        ],
        &["visitor_id", "time"],
    );
    let r = traffic_from_pageviews(&p, &opts());
    assert_eq!(r.report.value("bounce_rate"), Some(0.8));
    assert_eq!(r.diagnosis[0].key, "fix_pages_first");
    // roi under 1 is called out.
    let m = TrafficCounts {
        revenue: Some(50.0),
        spend: Some(100.0),
        ..Default::default()
    }
    .metrics(None);
    assert!(diagnose(&[], &m).iter().any(|d| d.key == "roi_below_one"));
}

#[test]
fn revenue_decomposition_hand_worked() {
    let c = |uv, buyers, revenue| TrafficCounts {
        uv: Some(uv),
        buyers: Some(buyers),
        revenue: Some(revenue),
        ..Default::default()
    };
    // Before: uv 1000, conversion 0.02, aov 200 (revenue 4000).
    // After:  uv 1200, conversion 0.025, aov 220 (revenue 6600). Change 2600.
    // Δu = 200, Δc = 0.005, Δa = 20.
    // uv:   200 x [(0.02x200 + 0.025x220)/3 + (0.02x220 + 0.025x200)/6]
    //     = 200 x [9.5/3 + 9.4/6] = 200 x 71/15 = 2840/3 ≈ 946.667
    // conv: 0.005 x [(1000x200 + 1200x220)/3 + (1000x220 + 1200x200)/6]
    //     = 0.005 x [464000/3 + 460000/6] = 0.005 x 231333.3 = 3470/3 ≈ 1156.667
    // aov:  20 x [(1000x0.02 + 1200x0.025)/3 + (1000x0.025 + 1200x0.02)/6]
    //     = 20 x [50/3 + 49/6] = 20 x 149/6 = 1490/3 ≈ 496.667
    // Sum: (2840 + 3470 + 1490) / 3 = 7800 / 3 = 2600.
    let r = decompose_revenue(&c(1000.0, 20.0, 4000.0), &c(1200.0, 30.0, 6600.0)).unwrap();
    assert_eq!(
        (r.revenue_before, r.revenue_after, r.change),
        (4000.0, 6600.0, 2600.0)
    );
    assert!(close(Some(r.due_to_uv), 2840.0 / 3.0));
    assert!(close(Some(r.due_to_conversion), 3470.0 / 3.0));
    assert!(close(Some(r.due_to_aov), 1490.0 / 3.0));
    assert!(close(
        Some(r.due_to_uv + r.due_to_conversion + r.due_to_aov),
        r.change
    ));
    // A factor not available in either period: no split.
    assert!(decompose_revenue(&c(0.0, 0.0, 0.0), &c(1.0, 1.0, 1.0)).is_none());
    let no_rev = TrafficCounts {
        revenue: None,
        ..c(1.0, 1.0, 1.0)
    };
    assert!(decompose_revenue(&c(1.0, 1.0, 1.0), &no_rev).is_none());
}

#[test]
fn split_periods_from_days() {
    let t = counts_table(
        &["日期", "访客数", "支付买家数", "支付金额"],
        &[
            &["2024-03-01", "100", "2", "400"],
            &["2024-03-02", "100", "2", "400"],
            &["2024-03-08", "300", "3", "900"],
        ],
    );
    let r = traffic_from_table(&t, &opts());
    let d = |s| Date::parse(s).unwrap();
    let (a, b) = split_periods(
        &r.days,
        d("2024-03-01"),
        d("2024-03-07"),
        d("2024-03-08"),
        d("2024-03-14"),
    );
    assert_eq!((a.uv, a.revenue), (Some(200.0), Some(800.0)));
    assert_eq!((b.uv, b.revenue), (Some(300.0), Some(900.0)));
    let ch = decompose_revenue(&a, &b).unwrap();
    assert_eq!(ch.change, 100.0);
}

// Properties.

fn table_from(rows: &[Vec<String>], headers: &[&str]) -> Table {
    let cells: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let refs: Vec<&[&str]> = cells.iter().map(Vec::as_slice).collect();
    Table::from_rows("p.csv", headers, &refs)
}

fn log_rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    prop::collection::vec((0u8..6, 0u32..7200, 0u8..3), 1..40).prop_map(|v| {
        v.into_iter()
            .map(|(who, sec, ch)| {
                vec![
                    format!("v{who}"),
                    DateTime(Date::from_ymd(2024, 3, 1).unwrap().start().0 + sec as i64 * 30)
                        .to_string(),
                    ["搜索", "直播", ""][ch as usize].to_string(),
                ]
            })
            .collect()
    })
}

fn table_rows() -> impl Strategy<Value = Vec<Vec<String>>> {
    // Consistent counts: bounced <= visits, buyers <= uv, clicks <= impressions.
    prop::collection::vec(
        (
            0u8..3,
            0u8..4,
            (0u32..500, 0u32..500),
            (0u32..500, 0u32..500),
            (0u32..100_000, 0u32..1000),
            (0u32..2000, 0u32..2000),
        ),
        1..20,
    )
    .prop_map(|v| {
        v.into_iter()
            .map(|(day, ch, (v, b), (u, buyers), (rev, spend), (imp, clk))| {
                let b = b.min(v);
                let buyers = buyers.min(u);
                let clk = clk.min(imp);
                vec![
                    format!("2024-03-0{}", day + 1),
                    ["搜索", "直播", "自然", ""][ch as usize].to_string(),
                    (v * 3).to_string(),
                    v.to_string(),
                    b.to_string(),
                    u.to_string(),
                    buyers.to_string(),
                    format!("¥{rev}"),
                    if spend % 3 == 0 {
                        String::new()
                    } else {
                        spend.to_string()
                    },
                    imp.to_string(),
                    clk.to_string(),
                ]
            })
            .collect()
    })
}

const TABLE_HEADERS: &[&str] = &[
    "日期",
    "渠道",
    "浏览量",
    "访问次数",
    "跳失访问数",
    "访客数",
    "支付买家数",
    "支付金额",
    "花费",
    "展现量",
    "点击量",
];

fn in_unit(v: Option<f64>) -> bool {
    v.is_none_or(|v| (0.0..=1.0).contains(&v))
}

fn shuffled(rows: &[Vec<String>], seed: u64) -> Vec<Vec<String>> {
    let mut out = rows.to_vec();
    let mut s = seed | 1;
    for i in (1..out.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        out.swap(i, (s % (i as u64 + 1)) as usize);
    }
    out
}

fn same_result(a: &TrafficResult, b: &TrafficResult) {
    assert_eq!(a.report.metrics, b.report.metrics);
    assert_eq!(a.totals, b.totals);
    assert_eq!(a.channels, b.channels);
    assert_eq!(a.days, b.days);
    assert_eq!(a.benchmarks, b.benchmarks);
    assert_eq!(a.diagnosis, b.diagnosis);
}

proptest! {
    #[test]
    fn log_rates_are_rates_and_order_free(rows in log_rows(), seed in any::<u64>(), gap in 0u32..90) {
        let o = TrafficOptions { session_gap_minutes: gap, ..opts() };
        let h = ["visitor_id", "time", "channel"];
        let a = traffic_from_pageviews(&PageViews::build(&table_from(&rows, &h), &Mapping::detect(InputKind::PageViews, &h.map(String::from)), None).unwrap(), &o);
        prop_assert!(in_unit(a.report.value("bounce_rate")));
        prop_assert!(a.report.value("visit_depth").is_none_or(|d| d >= 1.0));
        for c in &a.channels {
            prop_assert!(in_unit(c.uv_share));
            prop_assert!(in_unit(c.counts.metrics(None)[6].value));
        }
        let b = traffic_from_pageviews(&PageViews::build(&table_from(&shuffled(&rows, seed), &h), &Mapping::detect(InputKind::PageViews, &h.map(String::from)), None).unwrap(), &o);
        same_result(&a, &b);
    }

    #[test]
    fn table_rates_are_rates_and_order_free(rows in table_rows(), seed in any::<u64>()) {
        let t = table_from(&rows, TABLE_HEADERS);
        let m = Mapping::detect(InputKind::TrafficTable, t.headers());
        let a = traffic_from_table(&TrafficTable::build(&t, &m).unwrap(), &opts());
        for k in ["bounce_rate", "conversion_rate", "ctr"] {
            prop_assert!(in_unit(a.report.value(k)), "{k}");
        }
        let share: f64 = a.channels.iter().filter_map(|c| c.uv_share).sum();
        prop_assert!(share == 0.0 || (share - 1.0).abs() < 1e-9);
        let t2 = table_from(&shuffled(&rows, seed), TABLE_HEADERS);
        let b = traffic_from_table(&TrafficTable::build(&t2, &m).unwrap(), &opts());
        same_result(&a, &b);
    }

    #[test]
    fn decomposition_parts_sum_to_the_change(
        u0 in 1u32..1_000_000, b0 in 1u32..10_000, r0 in 0u32..10_000_000,
        u1 in 1u32..1_000_000, b1 in 1u32..10_000, r1 in 0u32..10_000_000,
    ) {
        let c = |u: u32, b: u32, r: u32| TrafficCounts { uv: Some(u as f64), buyers: Some(b as f64), revenue: Some(r as f64 / 100.0), ..Default::default() };
        let d = decompose_revenue(&c(u0, b0, r0), &c(u1, b1, r1)).unwrap();
        let sum = d.due_to_uv + d.due_to_conversion + d.due_to_aov;
        let scale = d.revenue_before.abs().max(d.revenue_after.abs()).max(1.0);
        prop_assert!((sum - d.change).abs() <= 1e-9 * scale, "{sum} vs {}", d.change);
    }
}

#[test]
fn roi_leaves_out_rows_whose_spend_is_zero() {
    // 直通车 spend 1000 revenue 3000; 自然搜索 spend 0 revenue 9000:
    // store roi = 3000 / 1000 = 3, not (3000 + 9000) / 1000 = 12.
    let t = Table::from_rows(
        "t.csv",
        &["渠道", "支付金额", "花费"],
        &[&["直通车", "3000", "1000"], &["自然搜索", "9000", "0"]],
    );
    let m = Mapping::detect(InputKind::TrafficTable, t.headers());
    let tt = TrafficTable::build(&t, &m).unwrap();
    let r = traffic_from_table(&tt, &TrafficOptions::default());
    assert_eq!(r.report.value("roi"), Some(3.0));
}

#[test]
fn blank_count_cells_are_named_in_a_warning() {
    // Day 2's bounce rate is blank: its 100 visits count, its bounces do
    // not, so 80 / 200 = 40% would look better than the data supports.
    let t = Table::from_rows(
        "b.csv",
        &["日期", "访问次数", "跳失率"],
        &[&["2024-05-01", "100", "80%"], &["2024-05-02", "100", ""]],
    );
    let m = Mapping::detect(InputKind::TrafficTable, t.headers());
    let tt = TrafficTable::build(&t, &m).unwrap();
    let r = traffic_from_table(&tt, &TrafficOptions::default());
    assert_eq!(r.report.value("bounce_rate"), Some(0.4));
    assert!(r
        .report
        .warnings
        .iter()
        .any(|w| w.contains("1 blank cells") && w.contains("row 3, column 跳失率")));
}
