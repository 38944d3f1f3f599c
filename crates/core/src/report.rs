//! Metric values with their working, and the JSON contract (spec section 6).

use crate::Ledger;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// One metric: its value, or why it is not available, and the numbers that
/// produced it so the UI can show the formula with the user's own numbers.
///
/// # Example
/// ```
/// use opscalc_core::Metric;
/// let m = Metric::ratio("user_repurchase_rate", 240.0, 883.0);
/// assert!((m.value.unwrap() - 0.27180).abs() < 1e-5);
/// let z = Metric::ratio("user_repurchase_rate", 0.0, 0.0);
/// assert_eq!(z.value, None);
/// assert!(z.unavailable.is_some());
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Metric {
    /// The spec's key.
    pub key: &'static str,
    /// The value; `None` when not available.
    pub value: Option<f64>,
    /// The numerator, for ratios.
    pub numerator: Option<f64>,
    /// The denominator, for ratios.
    pub denominator: Option<f64>,
    /// Why the value is not available.
    pub unavailable: Option<String>,
}

impl Metric {
    /// A count or amount.
    pub fn count(key: &'static str, value: f64) -> Metric {
        Metric {
            key,
            value: Some(value),
            numerator: None,
            denominator: None,
            unavailable: None,
        }
    }

    /// A ratio; not available when the denominator is 0.
    pub fn ratio(key: &'static str, numerator: f64, denominator: f64) -> Metric {
        let value = (denominator != 0.0).then(|| numerator / denominator);
        Metric {
            key,
            value,
            numerator: Some(numerator),
            denominator: Some(denominator),
            unavailable: value
                .is_none()
                .then(|| format!("{key}: not available because the denominator is 0")),
        }
    }

    /// A metric that is not available, with the reason.
    pub fn unavailable(key: &'static str, reason: impl Into<String>) -> Metric {
        Metric {
            key,
            value: None,
            numerator: None,
            denominator: None,
            unavailable: Some(reason.into()),
        }
    }

    /// Keeps the working but marks the value not available.
    pub fn withhold(mut self, reason: impl Into<String>) -> Metric {
        self.value = None;
        self.unavailable = Some(reason.into());
        self
    }
}

/// Row counts for the JSON `rows` object.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RowCounts {
    /// Rows read.
    pub read: usize,
    /// Rows used.
    pub used: usize,
    /// Rows excluded per reason key.
    pub excluded: BTreeMap<String, usize>,
}

impl RowCounts {
    /// Counts from a ledger.
    pub fn from_ledger(l: &Ledger) -> RowCounts {
        RowCounts {
            read: l.read,
            used: l.used(),
            excluded: l.counts(),
        }
    }

    /// Adds another file's counts (for commands reading two files).
    pub fn add(&mut self, other: &RowCounts) {
        self.read += other.read;
        self.used += other.used;
        for (k, v) in &other.excluded {
            *self.excluded.entry(k.clone()).or_insert(0) += v;
        }
    }
}

/// Everything a calculator reports: metrics, row counts, warnings.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Report {
    /// Metrics in display order.
    pub metrics: Vec<Metric>,
    /// Row counts.
    pub rows: RowCounts,
    /// Warnings, one line each.
    pub warnings: Vec<String>,
}

impl Report {
    /// The metric with this key.
    pub fn get(&self, key: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.key == key)
    }

    /// The value of a metric (`None` when missing or not available).
    pub fn value(&self, key: &str) -> Option<f64> {
        self.get(key).and_then(|m| m.value)
    }

    /// The spec's JSON object. Unavailable metrics are `null` and their
    /// reasons are among the warnings.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Metric, Report};
    /// let r = Report { metrics: vec![Metric::ratio("buyback_rate", 1.0, 0.0)], ..Report::default() };
    /// let j = r.to_json();
    /// assert!(j["metrics"]["buyback_rate"].is_null());
    /// assert_eq!(j["warnings"].as_array().unwrap().len(), 1);
    /// ```
    pub fn to_json(&self) -> Value {
        let mut metrics = Map::new();
        let mut warnings = self.warnings.clone();
        for m in &self.metrics {
            let v = match m.value {
                // Whole numbers print as integers: counts read as counts.
                Some(v) if v.fract() == 0.0 && v.abs() < 9e15 => json!(v as i64),
                Some(v) if v.is_finite() => json!(v),
                _ => Value::Null,
            };
            metrics.insert(m.key.to_string(), v);
            if let Some(r) = &m.unavailable {
                if !warnings.contains(r) {
                    warnings.push(r.clone());
                }
            }
        }
        json!({
            "metrics": metrics,
            "rows": {
                "read": self.rows.read,
                "used": self.rows.used,
                "excluded": self.rows.excluded,
            },
            "warnings": warnings,
        })
    }
}
