//! Number formatting for display: percentages with one decimal (the spec's
//! rule), counts with thousands separators, money with two decimals.

use crate::metric_text::{is_money, is_percent};

/// Groups the integer part in thousands: `1234567.5` -> `1,234,567.5`.
///
/// # Example
/// ```
/// use opscalc_web::format::group;
/// assert_eq!(group("1234567.50"), "1,234,567.50");
/// assert_eq!(group("-1234"), "-1,234");
/// ```
pub fn group(s: &str) -> String {
    let (sign, rest) = s.strip_prefix('-').map_or(("", s), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(i, f)| (i, Some(f)));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

/// A plain number: integers grouped, others with up to two decimals.
///
/// # Example
/// ```
/// use opscalc_web::format::number;
/// assert_eq!(number(883.0), "883");
/// assert_eq!(number(2.456), "2.46");
/// ```
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        group(&format!("{}", v as i64))
    } else {
        group(&format!("{v:.2}"))
    }
}

/// A fraction as a percentage with one decimal.
///
/// # Example
/// ```
/// use opscalc_web::format::percent;
/// assert_eq!(percent(240.0 / 883.0), "27.2%");
/// ```
pub fn percent(v: f64) -> String {
    format!("{:.1}%", v * 100.0)
}

/// A metric value as shown on a card.
///
/// # Example
/// ```
/// use opscalc_web::format::metric_value;
/// assert_eq!(metric_value("bounce_rate", 0.5), "50.0%");
/// assert_eq!(metric_value("aov", 1234.5), "¥1,234.50");
/// assert_eq!(metric_value("visit_depth", 2.5), "2.50");
/// ```
pub fn metric_value(key: &str, v: f64) -> String {
    if is_percent(key) {
        percent(v)
    } else if is_money(key) {
        format!("¥{}", group(&format!("{v:.2}")))
    } else if v.fract() == 0.0 {
        number(v)
    } else {
        group(&format!("{v:.2}"))
    }
}
