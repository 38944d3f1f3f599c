//! Wall-clock dates and times as shops export them.
//!
//! Exports carry no time zone, and the spec says never to convert: a
//! [`DateTime`] is plain seconds since 1970-01-01 00:00 on the shop's clock,
//! and a [`Date`] is days since that day. Civil conversions use Howard
//! Hinnant's proleptic Gregorian algorithms, so every year 1..=9999 works.

use std::fmt;

/// A calendar day, counted in days since 1970-01-01.
///
/// # Example
/// ```
/// use opscalc_core::Date;
/// let d = Date::from_ymd(2024, 3, 5).unwrap();
/// assert_eq!(d.to_string(), "2024-03-05");
/// assert_eq!((d + 30).to_string(), "2024-04-04");
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Date(pub i32);

/// A wall-clock instant in whole seconds since 1970-01-01 00:00.
///
/// # Example
/// ```
/// use opscalc_core::DateTime;
/// let t = DateTime::parse("2024-03-05 13:22:10").unwrap();
/// assert_eq!(t.date().to_string(), "2024-03-05");
/// assert_eq!(t.to_string(), "2024-03-05 13:22:10");
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct DateTime(pub i64);

/// How to read `05/03/2024`: day first or month first.
///
/// # Example
/// ```
/// use opscalc_core::{DateOrder, DateTime};
/// let t = DateTime::parse_with("05/03/2024", Some(DateOrder::DayFirst)).unwrap();
/// assert_eq!(t.date().to_string(), "2024-03-05");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum DateOrder {
    /// `dd/mm/yyyy`, as in most of the world.
    DayFirst,
    /// `mm/dd/yyyy`, as in US exports.
    MonthFirst,
}

fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = (y - era * 400) as u32;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe as i32 - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = (z - era * 146_097) as u32;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe as i32 + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

impl Date {
    /// The date of a year, month (1-12) and day, or `None` when it does not exist.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert!(Date::from_ymd(2024, 2, 29).is_some());
    /// assert!(Date::from_ymd(2023, 2, 29).is_none());
    /// ```
    pub fn from_ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        if !(1..=9999).contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
            return None;
        }
        Some(Date(days_from_civil(y, m, d)))
    }

    /// Year, month and day.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert_eq!(Date(0).ymd(), (1970, 1, 1));
    /// ```
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Parses a date alone (any accepted date-time format; the time is dropped).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert_eq!(Date::parse("2024年3月5日").unwrap(), Date::from_ymd(2024, 3, 5).unwrap());
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        DateTime::parse(s).map(DateTime::date)
    }

    /// Monday = 0 ... Sunday = 6.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert_eq!(Date::from_ymd(2024, 3, 4).unwrap().weekday(), 0); // a Monday
    /// ```
    pub fn weekday(self) -> u32 {
        // 1970-01-01 was a Thursday (3).
        (self.0 + 3).rem_euclid(7) as u32
    }

    /// The first day of this date's month.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert_eq!(Date::parse("2024-03-05").unwrap().month_start().to_string(), "2024-03-01");
    /// ```
    pub fn month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        Date(days_from_civil(y, m, 1))
    }

    /// The Monday of this date's week.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert_eq!(Date::parse("2024-03-10").unwrap().week_start().to_string(), "2024-03-04");
    /// ```
    pub fn week_start(self) -> Date {
        Date(self.0 - self.weekday() as i32)
    }

    /// The first day of the next month.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert_eq!(Date::parse("2024-12-15").unwrap().next_month_start().to_string(), "2025-01-01");
    /// ```
    pub fn next_month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        let (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
        Date(days_from_civil(y, m, 1))
    }

    /// Months from `self`'s month to `other`'s month (negative when earlier).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// let a = Date::parse("2024-11-30").unwrap();
    /// let b = Date::parse("2025-02-01").unwrap();
    /// assert_eq!(a.months_until(b), 3);
    /// ```
    pub fn months_until(self, other: Date) -> i32 {
        let (y1, m1, _) = self.ymd();
        let (y2, m2, _) = other.ymd();
        (y2 - y1) * 12 + m2 as i32 - m1 as i32
    }

    /// The start of the day as a [`DateTime`].
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Date;
    /// assert_eq!(Date(1).start().0, 86_400);
    /// ```
    pub fn start(self) -> DateTime {
        DateTime(self.0 as i64 * 86_400)
    }
}

impl std::ops::Add<i32> for Date {
    type Output = Date;
    fn add(self, days: i32) -> Date {
        Date(self.0 + days)
    }
}

impl std::ops::Sub<i32> for Date {
    type Output = Date;
    fn sub(self, days: i32) -> Date {
        Date(self.0 - days)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.rem_euclid(86_400);
        write!(
            f,
            "{} {:02}:{:02}:{:02}",
            self.date(),
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )
    }
}

/// Is this `a/b/yyyy` string ambiguous between day-first and month-first,
/// and if not, which order does it prove? Used to settle a whole column.
///
/// # Example
/// ```
/// use opscalc_core::{date_order_evidence, DateOrder};
/// assert_eq!(date_order_evidence("05/03/2024"), Some(None));
/// assert_eq!(date_order_evidence("25/03/2024"), Some(Some(DateOrder::DayFirst)));
/// assert_eq!(date_order_evidence("2024-03-05"), None);
/// ```
pub fn date_order_evidence(s: &str) -> Option<Option<DateOrder>> {
    let s = crate::trim_cell(s);
    // Evidence needs a first part of one or two digits: with no separator
    // in the first three bytes (`2024-...`) there is none. Every cell of a
    // time column is looked at, so this skips the splitting below.
    if let [a, b, c, ..] = s.as_bytes() {
        if ![a, b, c]
            .iter()
            .any(|x| matches!(x, b'/' | b'-' | b'.' | b' ' | b'T'))
        {
            return None;
        }
    }
    let date_part = s.split([' ', 'T']).next()?;
    let mut it = date_part.split(['/', '-', '.']);
    let parts = [it.next()?, it.next()?, it.next()?];
    if it.next().is_some() || parts[2].len() != 4 || parts[0].len() > 2 || parts[1].len() > 2 {
        return None;
    }
    let a: u32 = parts[0].parse().ok()?;
    let b: u32 = parts[1].parse().ok()?;
    match (a > 12, b > 12) {
        (true, false) => Some(Some(DateOrder::DayFirst)),
        (false, true) => Some(Some(DateOrder::MonthFirst)),
        (false, false) => Some(None),
        (true, true) => None,
    }
}

/// The form nearly every export uses, `YYYY-MM-DD HH:MM:SS` (or the date
/// alone), read by position: `Some(result)` when `s` has exactly that
/// shape, `None` to leave it to the general parser. The result is the one
/// the general parser gives (a second of 60 is read as 59, impossible
/// dates and hours are `None`), without its cursor and half-width pass:
/// on a million rows the general parser was a tenth of building orders.
#[inline]
fn iso_by_position(s: &[u8]) -> Option<Option<DateTime>> {
    let shape_date = |s: &[u8]| {
        s[4] == b'-'
            && s[7] == b'-'
            && [0, 1, 2, 3, 5, 6, 8, 9]
                .iter()
                .all(|&i| s[i].is_ascii_digit())
    };
    let num = |s: &[u8], at: usize, n: usize| {
        s[at..at + n]
            .iter()
            .fold(0u32, |v, &d| v * 10 + u32::from(d - b'0'))
    };
    let date = |s: &[u8]| Date::from_ymd(num(s, 0, 4) as i32, num(s, 5, 2), num(s, 8, 2));
    match s.len() {
        10 if shape_date(s) => Some(date(s).map(Date::start)),
        19 if shape_date(s)
            && s[10] == b' '
            && s[13] == b':'
            && s[16] == b':'
            && [11, 12, 14, 15, 17, 18]
                .iter()
                .all(|&i| s[i].is_ascii_digit()) =>
        {
            let (h, mi, se) = (num(s, 11, 2), num(s, 14, 2), num(s, 17, 2));
            if h > 23 || mi > 59 || se > 60 {
                return Some(None);
            }
            let secs = i64::from(h) * 3600 + i64::from(mi) * 60 + i64::from(se.min(59));
            Some(date(s).map(|d| DateTime(d.start().0 + secs)))
        }
        _ => None,
    }
}

/// A small cursor over ASCII digits and separators.
struct Cursor<'a> {
    s: &'a [u8],
    i: usize,
}

impl<'a> Cursor<'a> {
    fn digits(&mut self, min: usize, max: usize) -> Option<u32> {
        let start = self.i;
        let mut v: u32 = 0;
        while self.i < self.s.len() && self.i - start < max && self.s[self.i].is_ascii_digit() {
            v = v * 10 + (self.s[self.i] - b'0') as u32;
            self.i += 1;
        }
        (self.i - start >= min).then_some(v)
    }
    fn eat(&mut self, bytes: &[u8]) -> bool {
        if self.s[self.i..].starts_with(bytes) {
            self.i += bytes.len();
            true
        } else {
            false
        }
    }
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }
    fn done(&self) -> bool {
        self.i == self.s.len()
    }
}

impl DateTime {
    /// Parses every format in the spec (year first, or day/month first when
    /// unambiguous); see [`DateTime::parse_with`] for `dd/mm/yyyy`.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::DateTime;
    /// for s in ["2024-03-05 13:22", "2024/3/5 13:22:00", "2024-03-05T13:22:00+08:00",
    ///           "2024年3月5日 13:22", "20240305 13:22"] {
    ///     assert_eq!(DateTime::parse(s).unwrap().to_string(), "2024-03-05 13:22:00", "{s}");
    /// }
    /// ```
    pub fn parse(s: &str) -> Option<DateTime> {
        DateTime::parse_with(s, None)
    }

    /// Parses with a known order for `a/b/yyyy` forms. Without one, such a
    /// form parses only when one part is over 12 (so it is not ambiguous).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{DateOrder, DateTime};
    /// assert!(DateTime::parse_with("05/03/2024", None).is_none());
    /// let t = DateTime::parse_with("05/03/2024 08:00", Some(DateOrder::MonthFirst)).unwrap();
    /// assert_eq!(t.to_string(), "2024-05-03 08:00:00");
    /// ```
    pub fn parse_with(s: &str, order: Option<DateOrder>) -> Option<DateTime> {
        // `trim_cell`, not `trim`: a call through the Unicode whitespace
        // table per time cell, where nearly every cell starts and ends with
        // a digit.
        let s = crate::trim_cell(s);
        if s.is_empty() || s.len() > 64 {
            return None;
        }
        match iso_by_position(s.as_bytes()) {
            Some(t) => t,
            None => DateTime::parse_general(s, order),
        }
    }

    /// [`DateTime::parse_with`] for any accepted form, on trimmed text.
    fn parse_general(s: &str, order: Option<DateOrder>) -> Option<DateTime> {
        let s = crate::number::to_half_width(s);
        let mut c = Cursor {
            s: s.as_bytes(),
            i: 0,
        };
        let (y, m, d);
        // Compact 20240305.
        let lead = c.s.iter().take_while(|b| b.is_ascii_digit()).count();
        if lead == 8 {
            y = c.digits(4, 4)? as i32;
            m = c.digits(2, 2)?;
            d = c.digits(2, 2)?;
        } else if lead == 4 {
            y = c.digits(4, 4)? as i32;
            if c.eat("年".as_bytes()) {
                m = c.digits(1, 2)?;
                if !c.eat("月".as_bytes()) {
                    return None;
                }
                d = c.digits(1, 2)?;
                if !(c.eat("日".as_bytes()) || c.eat("号".as_bytes())) {
                    return None;
                }
            } else {
                let sep = c.peek()?;
                if !matches!(sep, b'-' | b'/' | b'.') {
                    return None;
                }
                c.i += 1;
                m = c.digits(1, 2)?;
                if !c.eat(&[sep]) {
                    return None;
                }
                d = c.digits(1, 2)?;
            }
        } else if lead == 1 || lead == 2 {
            let a = c.digits(1, 2)?;
            let sep = c.peek()?;
            if !matches!(sep, b'-' | b'/' | b'.') {
                return None;
            }
            c.i += 1;
            let b = c.digits(1, 2)?;
            if !c.eat(&[sep]) {
                return None;
            }
            y = c.digits(4, 4)? as i32;
            (d, m) = match (order, a > 12, b > 12) {
                (_, true, true) => return None,
                (_, true, false) => (a, b),
                (_, false, true) => (b, a),
                (Some(DateOrder::DayFirst), ..) => (a, b),
                (Some(DateOrder::MonthFirst), ..) => (b, a),
                (None, ..) => return None,
            };
        } else {
            return None;
        }
        let date = Date::from_ymd(y, m, d)?;
        let mut secs: i64 = 0;
        if !c.done() {
            // Separator between date and time: 'T', spaces, or nothing after 日.
            let had_sep = c.eat(b"T") | c.eat(b"t");
            while c.peek() == Some(b' ') {
                c.i += 1;
            }
            if !had_sep && c.done() {
                return None;
            }
            if !c.done() {
                let h = c.digits(1, 2)?;
                if !(c.eat(b":") || c.eat("时".as_bytes())) {
                    return None;
                }
                let mi = c.digits(2, 2)?;
                let mut se = 0;
                if c.eat(b":") {
                    se = c.digits(2, 2)?;
                    // Fractional seconds are dropped.
                    if c.eat(b".") || c.eat(b",") {
                        c.digits(1, 9)?;
                    }
                } else {
                    c.eat("分".as_bytes());
                }
                if h > 23 || mi > 59 || se > 60 {
                    return None;
                }
                secs = h as i64 * 3600 + mi as i64 * 60 + se.min(59) as i64;
                // An offset or Z is dropped: the wall clock is kept.
                if c.eat(b"Z") || c.eat(b"z") {
                } else if matches!(c.peek(), Some(b'+') | Some(b'-')) {
                    c.i += 1;
                    c.digits(2, 2)?;
                    c.eat(b":");
                    c.digits(0, 2)?;
                }
                while c.peek() == Some(b' ') {
                    c.i += 1;
                }
                if !c.done() {
                    return None;
                }
            }
        }
        Some(DateTime(date.start().0 + secs))
    }

    /// An Excel serial day number (1900 date system) as a wall-clock time.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::DateTime;
    /// assert_eq!(DateTime::from_excel_serial(45356.5).unwrap().to_string(), "2024-03-05 12:00:00");
    /// ```
    pub fn from_excel_serial(serial: f64) -> Option<DateTime> {
        if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
            return None;
        }
        // Day 0 is 1899-12-30, which absorbs Excel's fictitious 1900-02-29
        // for every serial from 61 on (all real-world order dates).
        let base = days_from_civil(1899, 12, 30) as i64;
        let secs = (serial * 86_400.0).round() as i64;
        Some(DateTime(base * 86_400 + secs))
    }

    /// The calendar day of this time.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::DateTime;
    /// assert_eq!(DateTime(86_399).date().0, 0);
    /// ```
    pub fn date(self) -> Date {
        Date(self.0.div_euclid(86_400) as i32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        DateTime::parse(s)
            .map(|t| t.to_string())
            .unwrap_or_else(|| "NONE".into())
    }

    #[test]
    fn every_spec_format() {
        assert_eq!(p("2024-03-05"), "2024-03-05 00:00:00");
        assert_eq!(p("2024-03-05 13:22"), "2024-03-05 13:22:00");
        assert_eq!(p("2024-03-05 13:22:10"), "2024-03-05 13:22:10");
        assert_eq!(p("2024/3/5"), "2024-03-05 00:00:00");
        assert_eq!(p("2024/3/5 13:22:10"), "2024-03-05 13:22:10");
        assert_eq!(p("2024.03.05"), "2024-03-05 00:00:00");
        assert_eq!(p("2024年3月5日"), "2024-03-05 00:00:00");
        assert_eq!(p("2024年3月5日 13:22"), "2024-03-05 13:22:00");
        assert_eq!(p("2024-03-05T13:22:10"), "2024-03-05 13:22:10");
        assert_eq!(p("2024-03-05T13:22:10Z"), "2024-03-05 13:22:10");
        assert_eq!(p("2024-03-05T23:22:10-05:00"), "2024-03-05 23:22:10");
        assert_eq!(p("2024-03-05T13:22:10.123+0800"), "2024-03-05 13:22:10");
        assert_eq!(p("20240305"), "2024-03-05 00:00:00");
        assert_eq!(p("２０２４－０３－０５"), "2024-03-05 00:00:00");
        assert_eq!(p(" 2024-03-05 "), "2024-03-05 00:00:00");
    }

    #[test]
    fn rejects_garbage_and_impossible_dates() {
        for s in [
            "",
            "abc",
            "2024-13-01",
            "2024-02-30",
            "2024-03-05 25:00",
            "2024-03-05 12",
            "2024-3",
            "05/03/2024",
            "2024-03-05x",
            "2024-03/05",
            "0000-01-01",
        ] {
            assert_eq!(p(s), "NONE", "{s}");
        }
    }

    #[test]
    fn day_first_and_month_first() {
        assert_eq!(p("25/03/2024"), "2024-03-25 00:00:00");
        assert_eq!(p("03/25/2024 10:00"), "2024-03-25 10:00:00");
        let d = DateTime::parse_with("01/02/2024", Some(DateOrder::DayFirst)).unwrap();
        assert_eq!(d.date().to_string(), "2024-02-01");
        let m = DateTime::parse_with("01/02/2024", Some(DateOrder::MonthFirst)).unwrap();
        assert_eq!(m.date().to_string(), "2024-01-02");
    }

    #[test]
    fn civil_round_trip_and_extremes() {
        for z in [-719_162, -1, 0, 1, 19_787, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
        assert_eq!(p("1900-01-01"), "1900-01-01 00:00:00");
        assert_eq!(p("9999-12-31 23:59:59"), "9999-12-31 23:59:59");
        assert_eq!(Date::from_ymd(2024, 3, 4).unwrap().weekday(), 0);
        assert_eq!(Date::from_ymd(2024, 3, 10).unwrap().weekday(), 6);
    }

    #[test]
    fn reading_by_position_agrees_with_the_general_parser() {
        // Every shape the fast path takes, with good and impossible
        // values, plus near misses it must leave to the general parser.
        let mut cases = Vec::new();
        for date in [
            "2024-03-05",
            "2024-02-29",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "0000-01-01",
            "9999-12-31",
            "1970-01-01",
            "2024-3-05x",
            "2024/03/05",
            "20240305ab",
        ] {
            cases.push(date.to_string());
            for time in [
                "00:00:00", "13:22:10", "23:59:59", "23:59:60", "24:00:00", "12:60:00", "12:00:61",
                "1:22:10a", "13-22-10", "13:22:1x",
            ] {
                cases.push(format!("{date} {time}"));
                cases.push(format!("{date}T{time}"));
            }
        }
        let mut fast = 0;
        for c in &cases {
            if let Some(t) = iso_by_position(c.as_bytes()) {
                fast += 1;
                assert_eq!(t, DateTime::parse_general(c, None), "{c}");
            }
            assert_eq!(DateTime::parse(c), DateTime::parse_general(c, None), "{c}");
        }
        // 9 well-shaped dates, alone and with 7 well-shaped times each.
        assert_eq!(fast, 9 * 8);
        assert_eq!(p("2024-03-05 23:59:60"), "2024-03-05 23:59:59");
        assert_eq!(p("2024-04-31 10:00:00"), "NONE");
    }

    #[test]
    fn excel_serials() {
        // 45356 = 2024-03-05 in Excel's 1900 system (checked in LibreOffice).
        let t = DateTime::from_excel_serial(45356.0).unwrap();
        assert_eq!(t.to_string(), "2024-03-05 00:00:00");
        let t = DateTime::from_excel_serial(45356.0 + 13.0 / 24.0 + 22.0 / 1440.0).unwrap();
        assert_eq!(t.to_string(), "2024-03-05 13:22:00");
        assert!(DateTime::from_excel_serial(f64::NAN).is_none());
        assert!(DateTime::from_excel_serial(-3.0).is_none());
    }
}
