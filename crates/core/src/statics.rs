//! Reading `&'static str` fields (metric keys, histogram labels) back from
//! the engine's wire format: each distinct text is leaked once and reused,
//! so memory stays bounded by the number of distinct keys, not of results.

use serde::{Deserialize, Deserializer};
use std::collections::HashSet;
use std::sync::Mutex;

static INTERNED: Mutex<Option<HashSet<&'static str>>> = Mutex::new(None);

/// The one `'static` copy of this text.
pub(crate) fn intern(s: &str) -> &'static str {
    let mut set = INTERNED.lock().unwrap_or_else(|e| e.into_inner());
    let set = set.get_or_insert_with(HashSet::new);
    if let Some(k) = set.get(s) {
        return k;
    }
    let k: &'static str = Box::leak(s.to_owned().into_boxed_str());
    set.insert(k);
    k
}

/// [`crate::Metric`] as it is read back: the key as owned text.
#[derive(Deserialize)]
pub(crate) struct MetricWire {
    key: String,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    unavailable: Option<String>,
}

impl From<MetricWire> for crate::Metric {
    fn from(w: MetricWire) -> Self {
        crate::Metric {
            key: intern(&w.key),
            value: w.value,
            numerator: w.numerator,
            denominator: w.denominator,
            unavailable: w.unavailable,
        }
    }
}

/// [`crate::Intervals`] as it is read back: labels as owned text.
#[derive(Deserialize)]
pub(crate) struct IntervalsWire {
    count: usize,
    median: Option<f64>,
    q1: Option<f64>,
    q3: Option<f64>,
    mean: Option<f64>,
    histogram: Vec<(String, usize)>,
}

impl From<IntervalsWire> for crate::Intervals {
    fn from(w: IntervalsWire) -> Self {
        crate::Intervals {
            count: w.count,
            median: w.median,
            q1: w.q1,
            q3: w.q3,
            mean: w.mean,
            histogram: w
                .histogram
                .into_iter()
                .map(|(k, n)| (intern(&k), n))
                .collect(),
        }
    }
}

// Written by hand: a derived impl would demand `'de: 'static` because of
// the `&'static str` fields, and no decoder can promise that.
impl<'de> Deserialize<'de> for crate::Metric {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        MetricWire::deserialize(d).map(Into::into)
    }
}

impl<'de> Deserialize<'de> for crate::Intervals {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IntervalsWire::deserialize(d).map(Into::into)
    }
}

/// [`crate::BenchmarkResult`] as it is read back.
#[derive(Deserialize)]
pub(crate) struct BenchmarkWire {
    key: String,
    value: f64,
    band: crate::Band,
    reason_zh: String,
    reason_en: String,
}

impl<'de> Deserialize<'de> for crate::BenchmarkResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = BenchmarkWire::deserialize(d)?;
        Ok(crate::BenchmarkResult {
            key: intern(&w.key),
            value: w.value,
            band: w.band,
            reason_zh: w.reason_zh,
            reason_en: w.reason_en,
        })
    }
}

/// [`crate::Diagnosis`] as it is read back.
#[derive(Deserialize)]
pub(crate) struct DiagnosisWire {
    key: String,
    zh: String,
    en: String,
}

impl<'de> Deserialize<'de> for crate::Diagnosis {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = DiagnosisWire::deserialize(d)?;
        Ok(crate::Diagnosis {
            key: intern(&w.key),
            zh: w.zh,
            en: w.en,
        })
    }
}

/// [`crate::TrafficResult`] as it is read back: funnel labels as text.
#[derive(Deserialize)]
pub(crate) struct TrafficWire {
    report: crate::Report,
    totals: crate::TrafficCounts,
    channels: Vec<crate::ChannelRow>,
    days: Vec<(crate::Date, crate::TrafficCounts)>,
    benchmarks: Vec<crate::BenchmarkResult>,
    diagnosis: Vec<crate::Diagnosis>,
    funnel: Option<Vec<(String, f64)>>,
    ledger: crate::Ledger,
}

impl<'de> Deserialize<'de> for crate::TrafficResult {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let w = TrafficWire::deserialize(d)?;
        Ok(crate::TrafficResult {
            report: w.report,
            totals: w.totals,
            channels: w.channels,
            days: w.days,
            benchmarks: w.benchmarks,
            diagnosis: w.diagnosis,
            funnel: w
                .funnel
                .map(|f| f.into_iter().map(|(k, v)| (intern(&k), v)).collect()),
            ledger: w.ledger,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interned_text_is_shared() {
        let a = intern(&String::from("user_repurchase_rate"));
        let b = intern(&String::from("user_repurchase_rate"));
        assert_eq!(a, "user_repurchase_rate");
        assert!(std::ptr::eq(a, b));
    }
}
