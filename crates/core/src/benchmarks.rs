//! Benchmark bands for traffic quality (spec section 5) and the diagnosis
//! drawn from them.

use crate::Metric;
use serde::{Deserialize, Serialize};

/// Where a value falls against the source's bands.
///
/// # Example
/// ```
/// use opscalc_core::Band;
/// assert_eq!(Band::Good.key(), "good");
/// assert!(Band::Excellent > Band::Pass);
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Band {
    /// Misses the pass line.
    Fail,
    /// Meets the pass line.
    Pass,
    /// Meets the good line.
    Good,
    /// Meets the excellent line.
    Excellent,
}

impl Band {
    /// The band's key, the same in JSON and the UI.
    pub fn key(self) -> &'static str {
        match self {
            Band::Fail => "fail",
            Band::Pass => "pass",
            Band::Good => "good",
            Band::Excellent => "excellent",
        }
    }
}

/// The benchmark lines (spec section 5), editable by the user.
///
/// Bounce rate passes *below* its lines; visit depth passes *at least*
/// `depth_pass` and is good / excellent only *above* the higher lines (as
/// the source words it); the store-to-flagship aov ratio passes *at least*
/// its lines and has no excellent band.
///
/// # Example
/// ```
/// use opscalc_core::Bands;
/// let b = Bands::default();
/// assert_eq!((b.bounce_pass, b.depth_pass, b.aov_ratio_good), (0.70, 2.5, 1.5));
/// let j = serde_json::to_string(&b).unwrap();
/// assert_eq!(serde_json::from_str::<Bands>(&j).unwrap(), b);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Bands {
    /// Bounce rate passes below this.
    pub bounce_pass: f64,
    /// Bounce rate is good below this.
    pub bounce_good: f64,
    /// Bounce rate is excellent below this.
    pub bounce_excellent: f64,
    /// Visit depth passes at this or above.
    pub depth_pass: f64,
    /// Visit depth is good above this.
    pub depth_good: f64,
    /// Visit depth is excellent above this.
    pub depth_excellent: f64,
    /// Store aov / flagship aov passes at this or above.
    pub aov_ratio_pass: f64,
    /// Store aov / flagship aov is good at this or above.
    pub aov_ratio_good: f64,
}

impl Default for Bands {
    fn default() -> Self {
        Bands {
            bounce_pass: 0.70,
            bounce_good: 0.60,
            bounce_excellent: 0.50,
            depth_pass: 2.5,
            depth_good: 3.5,
            depth_excellent: 4.0,
            aov_ratio_pass: 1.3,
            aov_ratio_good: 1.5,
        }
    }
}

/// One metric placed in its band, with the source's reasoning in one line.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct BenchmarkResult {
    /// The metric's key (`bounce_rate`, `visit_depth`, `store_aov_ratio`).
    pub key: &'static str,
    /// The metric's value.
    pub value: f64,
    /// The band it falls in.
    pub band: Band,
    /// Why this band matters, in Chinese.
    pub reason_zh: String,
    /// Why this band matters, in English.
    pub reason_en: String,
}

fn pct(v: f64) -> String {
    let p = v * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", p.round())
    } else {
        format!("{p:.1}%")
    }
}

fn bounce(value: f64, b: &Bands) -> BenchmarkResult {
    let (band, zh, en) = if value < b.bounce_excellent {
        (
            Band::Excellent,
            format!(
                "跳失率低于{}:回头客多,访客认得店铺、进店就逛",
                pct(b.bounce_excellent)
            ),
            format!(
                "below {}: many returning visitors who know the shop and browse on",
                pct(b.bounce_excellent)
            ),
        )
    } else if value < b.bounce_good {
        (
            Band::Good,
            format!(
                "跳失率低于{}:大多数访客会继续看第二个页面",
                pct(b.bounce_good)
            ),
            format!(
                "below {}: most visitors go on to a second page",
                pct(b.bounce_good)
            ),
        )
    } else if value < b.bounce_pass {
        (
            Band::Pass,
            format!("跳失率低于{}:及格,落地页基本留得住人", pct(b.bounce_pass)),
            format!(
                "below {}: passing; the landing pages mostly hold visitors",
                pct(b.bounce_pass)
            ),
        )
    } else {
        (
            Band::Fail,
            format!(
                "跳失率不低于{}:多数访客只看一页就走,页面留不住人",
                pct(b.bounce_pass)
            ),
            format!(
                "{} or more: most visitors leave after one page; the pages do not hold them",
                pct(b.bounce_pass)
            ),
        )
    };
    BenchmarkResult {
        key: "bounce_rate",
        value,
        band,
        reason_zh: zh,
        reason_en: en,
    }
}

fn depth(value: f64, b: &Bands) -> BenchmarkResult {
    let (band, zh, en) = if value > b.depth_excellent {
        (
            Band::Excellent,
            format!(
                "访问深度高于{}:访客逛得深,关联推荐和店内导航起作用",
                b.depth_excellent
            ),
            format!(
                "above {}: visitors browse deep; cross-links and shop navigation work",
                b.depth_excellent
            ),
        )
    } else if value > b.depth_good {
        (
            Band::Good,
            format!("访问深度高于{}:访客愿意多看几款", b.depth_good),
            format!("above {}: visitors look at several products", b.depth_good),
        )
    } else if value >= b.depth_pass {
        (
            Band::Pass,
            format!("访问深度至少{}:及格", b.depth_pass),
            format!("at least {}: passing", b.depth_pass),
        )
    } else {
        (
            Band::Fail,
            format!(
                "访问深度低于{}:访客看得太少,页面没有把人引向别的商品",
                b.depth_pass
            ),
            format!(
                "below {}: visitors see too few pages; the pages do not lead on to other products",
                b.depth_pass
            ),
        )
    };
    BenchmarkResult {
        key: "visit_depth",
        value,
        band,
        reason_zh: zh,
        reason_en: en,
    }
}

fn aov_ratio(value: f64, b: &Bands) -> BenchmarkResult {
    let (band, zh, en) = if value >= b.aov_ratio_good {
        (
            Band::Good,
            format!(
                "店铺客单价至少是主推款的{}倍:买家常常连带购买",
                b.aov_ratio_good
            ),
            format!(
                "at least {} times the flagship's aov: buyers often add other items",
                b.aov_ratio_good
            ),
        )
    } else if value >= b.aov_ratio_pass {
        (
            Band::Pass,
            format!(
                "店铺客单价至少是主推款的{}倍:及格,有一定连带购买",
                b.aov_ratio_pass
            ),
            format!(
                "at least {} times the flagship's aov: passing; some buyers add other items",
                b.aov_ratio_pass
            ),
        )
    } else {
        (
            Band::Fail,
            format!("店铺客单价不到主推款的{}倍:买家多半只买主推款,关联销售弱", b.aov_ratio_pass),
            format!(
                "under {} times the flagship's aov: buyers mostly buy the flagship alone; cross-selling is weak",
                b.aov_ratio_pass
            ),
        )
    };
    BenchmarkResult {
        key: "store_aov_ratio",
        value,
        band,
        reason_zh: zh,
        reason_en: en,
    }
}

/// Places `bounce_rate`, `visit_depth` and `store_aov_ratio` in their bands.
/// Metrics that are absent or not available are left out, never judged.
///
/// # Example
/// ```
/// use opscalc_core::{evaluate_benchmarks, Band, Bands, Metric};
/// let m = vec![Metric::ratio("bounce_rate", 70.0, 100.0), Metric::ratio("visit_depth", 250.0, 100.0)];
/// let r = evaluate_benchmarks(&m, &Bands::default());
/// assert_eq!(r[0].band, Band::Fail); // exactly 70% is not "below 70%"
/// assert_eq!(r[1].band, Band::Pass); // exactly 2.5 is "at least 2.5"
/// ```
pub fn evaluate_benchmarks(metrics: &[Metric], bands: &Bands) -> Vec<BenchmarkResult> {
    let value = |key: &str| metrics.iter().find(|m| m.key == key).and_then(|m| m.value);
    let mut out = Vec::new();
    if let Some(v) = value("bounce_rate") {
        out.push(bounce(v, bands));
    }
    if let Some(v) = value("visit_depth") {
        out.push(depth(v, bands));
    }
    if let Some(v) = value("store_aov_ratio") {
        out.push(aov_ratio(v, bands));
    }
    out
}

/// One piece of advice drawn from the bands: a machine key and the text in
/// Chinese and English.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Diagnosis {
    /// Stable key for tests and the UI.
    pub key: &'static str,
    /// The advice in Chinese.
    pub zh: String,
    /// The advice in English.
    pub en: String,
}

fn advice(key: &'static str, zh: &str, en: &str) -> Diagnosis {
    Diagnosis {
        key,
        zh: zh.to_string(),
        en: en.to_string(),
    }
}

/// Advice from the bands and metrics. The source's rule: when bounce rate
/// and visit depth both miss the pass band, fix the pages before buying
/// more traffic, and check both weekly.
///
/// # Example
/// ```
/// use opscalc_core::{diagnose, evaluate_benchmarks, Bands, Metric};
/// let m = vec![Metric::ratio("bounce_rate", 80.0, 100.0), Metric::ratio("visit_depth", 150.0, 100.0)];
/// let d = diagnose(&evaluate_benchmarks(&m, &Bands::default()), &m);
/// assert_eq!(d[0].key, "fix_pages_first");
/// ```
pub fn diagnose(benchmarks: &[BenchmarkResult], metrics: &[Metric]) -> Vec<Diagnosis> {
    let band = |key: &str| benchmarks.iter().find(|b| b.key == key).map(|b| b.band);
    let mut out = Vec::new();
    match (band("bounce_rate"), band("visit_depth")) {
        (Some(Band::Fail), Some(Band::Fail)) => out.push(advice(
            "fix_pages_first",
            "跳失率和访问深度都没有及格:先优化页面(首页、详情页、关联推荐),再花钱买流量;每周检查一次这两个数。",
            "Bounce rate and visit depth both miss the pass band: fix the pages (home, product detail, cross-links) before buying more traffic, and check both weekly.",
        )),
        (Some(Band::Fail), _) => out.push(advice(
            "high_bounce",
            "跳失率没有及格:访客只看一页就走,先检查落地页与引流人群是否匹配、首屏是否有吸引力;每周检查一次。",
            "Bounce rate misses the pass band: visitors leave after one page; check that landing pages match the traffic and that the first screen holds them, and check weekly.",
        )),
        (_, Some(Band::Fail)) => out.push(advice(
            "shallow_visits",
            "访问深度没有及格:访客看得太少,加强关联推荐和店内导航;每周检查一次。",
            "Visit depth misses the pass band: visitors see too few pages; strengthen cross-links and shop navigation, and check weekly.",
        )),
        (Some(_), Some(_)) => out.push(advice(
            "pages_ok",
            "跳失率和访问深度都已及格:页面能留住人,可以加大引流;仍需每周检查。",
            "Bounce rate and visit depth both pass: the pages hold visitors, so more traffic can pay off; keep checking weekly.",
        )),
        _ => {}
    }
    if band("store_aov_ratio") == Some(Band::Fail) {
        out.push(advice(
            "weak_cross_sell",
            "店铺客单价与主推款相差不大:买家多半只买主推款,用搭配套餐、满减或关联推荐提高连带购买。",
            "The store's aov is close to the flagship's: buyers mostly buy the flagship alone; use bundles, spend thresholds or cross-links to raise add-on purchases.",
        ));
    }
    let roi = metrics
        .iter()
        .find(|m| m.key == "roi")
        .and_then(|m| m.value);
    if let Some(r) = roi {
        if r < 1.0 {
            out.push(advice(
                "roi_below_one",
                "投入产出比低于1:付费流量带来的成交额少于花费。",
                "ROI is below 1: paid traffic brings in less revenue than it costs.",
            ));
        }
    }
    out
}
