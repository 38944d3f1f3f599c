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

/// A date as people write it in each language: `2024年3月5日` (zh-CN),
/// `2024/03/05` (zh-TW, as Taiwan writes dates), `Mar 5, 2024` (en).
///
/// # Example
/// ```
/// use opscalc_core::Date;
/// use opscalc_web::{format::date_in, i18n::Lang};
/// let d = Date::parse("2024-03-05").unwrap();
/// assert_eq!(date_in(d, Lang::Zh), "2024年3月5日");
/// assert_eq!(date_in(d, Lang::ZhTw), "2024/03/05");
/// assert_eq!(date_in(d, Lang::En), "Mar 5, 2024");
/// ```
pub fn date_in(d: opscalc_core::Date, lang: crate::i18n::Lang) -> String {
    let (y, m, day) = d.ymd();
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    lang.pick(
        format!("{y}年{m}月{day}日"),
        format!("{y}/{m:02}/{day:02}"),
        format!("{} {day}, {y}", MONTHS[(m as usize).saturating_sub(1) % 12]),
    )
}

/// A number in a language's convention. All three group thousands with a
/// comma and use a decimal point (zh-CN, zh-TW and en agree), so this is
/// [`number`]; it exists so callers say which language they format for.
///
/// # Example
/// ```
/// use opscalc_web::{format::number_in, i18n::Lang};
/// assert_eq!(number_in(1234567.0, Lang::ZhTw), "1,234,567");
/// assert_eq!(number_in(0.5, Lang::En), "0.50");
/// ```
pub fn number_in(v: f64, _lang: crate::i18n::Lang) -> String {
    number(v)
}

/// A fraction as a percentage in a language: one decimal and `%` in all
/// three, with zh's full-width percent avoided (exports and Excel use `%`).
///
/// # Example
/// ```
/// use opscalc_web::{format::percent_in, i18n::Lang};
/// assert_eq!(percent_in(0.5714, Lang::Zh), "57.1%");
/// assert_eq!(percent_in(12.345, Lang::En), "1,234.5%");
/// ```
pub fn percent_in(v: f64, _lang: crate::i18n::Lang) -> String {
    format!("{}%", group(&format!("{:.1}", v * 100.0)))
}

#[cfg(test)]
mod locale_tests {
    use super::*;
    use crate::i18n::Lang;
    use opscalc_core::Date;

    #[test]
    fn dates_per_locale_at_month_and_year_edges() {
        let d = Date::parse("2023-12-31").unwrap();
        assert_eq!(date_in(d, Lang::Zh), "2023年12月31日");
        assert_eq!(date_in(d, Lang::ZhTw), "2023/12/31");
        assert_eq!(date_in(d, Lang::En), "Dec 31, 2023");
        let d = Date::parse("2024-01-01").unwrap();
        assert_eq!(date_in(d, Lang::En), "Jan 1, 2024");
    }

    #[test]
    fn numbers_and_percentages_per_locale() {
        for l in Lang::ALL {
            assert_eq!(number_in(-9876543.0, l), "-9,876,543");
            assert_eq!(percent_in(1.0 / 3.0, l), "33.3%");
            assert_eq!(percent_in(0.0, l), "0.0%");
        }
    }
}
