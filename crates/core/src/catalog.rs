//! The list of every metric key the calculators report, taken from the
//! calculators themselves, so a glossary or a translation table can be
//! checked against it: a new metric without an entry fails a test.

use crate::{
    lifecycle, reflow, repurchase, sell_through, Date, InputKind, LifecycleOptions, Mapping,
    OrderOptions, Orders, ProductOptions, Products, ReflowOptions, RepurchaseOptions,
    SellThroughOptions, Table, TrafficCounts, RETENTION_DAYS,
};

/// Every metric key the core reports, grouped by calculator, each once.
///
/// # Example
/// ```
/// let keys = opscalc_core::metric_keys();
/// assert!(keys.contains(&"user_repurchase_rate"));
/// assert!(keys.contains(&"reflow_rate"));
/// assert!(keys.contains(&"unsold_rate"));
/// assert!(keys.contains(&"bounce_rate"));
/// ```
pub fn metric_keys() -> Vec<&'static str> {
    let mut keys: Vec<&'static str> = Vec::new();
    let mut add = |ks: &mut dyn Iterator<Item = &'static str>| {
        for k in ks {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    };
    // Tiny inputs that exercise every column the calculators know.
    let o = Table::from_rows(
        "o.csv",
        &["订单号", "买家ID", "付款时间", "实付金额", "商家编码"],
        &[
            &["1", "amy", "2024-01-02", "10", "A"],
            &["2", "amy", "2024-03-05", "10", "A"],
            &["3", "bob", "2024-03-06", "10", "B"],
        ],
    );
    let orders = Orders::build(
        &o,
        &Mapping::detect(InputKind::Orders, o.headers()),
        &OrderOptions::default(),
    )
    .expect("fixed table reads");
    if let Ok(r) = repurchase(&orders, &RepurchaseOptions::default()) {
        add(&mut r.report.metrics.iter().map(|m| m.key));
    }
    let a = Table::from_rows(
        "a.csv",
        &["用户ID", "访问时间"],
        &[&["amy", "2024-01-02"], &["amy", "2024-03-05"]],
    );
    let activity =
        crate::Activity::build(&a, &Mapping::detect(InputKind::Activity, a.headers()), None)
            .expect("fixed table reads");
    if let Ok(r) = reflow(&activity, &ReflowOptions::default()) {
        add(&mut r.report.metrics.iter().map(|m| m.key));
    }
    add(&mut RETENTION_DAYS.iter().map(|(_, k)| *k));
    if let Ok(l) = lifecycle(&orders, Some(&activity), &LifecycleOptions::default()) {
        add(&mut l.report.metrics.iter().map(|m| m.key));
    }
    let p = Table::from_rows(
        "p.csv",
        &["商家编码", "宝贝状态", "上架时间"],
        &[
            &["A", "出售中", "2024-03-01"],
            &["B", "仓库中", "2024-03-02"],
        ],
    );
    let products = Products::build(
        &p,
        &Mapping::detect(InputKind::Products, p.headers()),
        &ProductOptions::default(),
    )
    .expect("fixed table reads");
    let opts = SellThroughOptions {
        as_of: Date::parse("2024-03-06"),
        ..Default::default()
    };
    if let Ok(s) = sell_through(&products, Some(&orders), &opts) {
        add(&mut s.report.metrics.iter().map(|m| m.key));
    }
    let counts = TrafficCounts::default();
    add(&mut counts.metrics(Some(1.0)).into_iter().map(|m| m.key));
    keys
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_calculator_contributes_its_keys() {
        let keys = super::metric_keys();
        for k in [
            "buyback_rate",
            "retention_day_30",
            "stage_churned_share",
            "new_listing_days",
            "store_aov_ratio",
            "roi",
        ] {
            assert!(keys.contains(&k), "{k} missing from {keys:?}");
        }
    }
}
