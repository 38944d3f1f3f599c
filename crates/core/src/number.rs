//! Amounts and counts as they appear in exports: `¥1,299.00`, `１２９９元`,
//! `$ 12.5`, `57.3%`.

use std::borrow::Cow;

/// Maps full-width ASCII forms (U+FF01..U+FF5E) and the ideographic space to
/// their ASCII forms; other text is returned as is, without copying.
///
/// # Example
/// ```
/// use opscalc_core::to_half_width;
/// assert_eq!(to_half_width("１２３，４"), "123,4");
/// assert_eq!(to_half_width("abc"), "abc");
/// ```
pub fn to_half_width(s: &str) -> Cow<'_, str> {
    if s.is_ascii() {
        return Cow::Borrowed(s);
    }
    if !s
        .chars()
        .any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}')
    {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
                '\u{3000}' => ' ',
                c => c,
            })
            .collect(),
    )
}

/// Parses an amount or count. Accepts currency signs (`¥ ￥ $ 元 RMB CNY`),
/// thousands separators, spaces, full-width digits and a leading minus or
/// accounting parentheses. Returns `None` for anything else; an empty cell
/// is the caller's business.
///
/// # Example
/// ```
/// use opscalc_core::parse_number;
/// assert_eq!(parse_number("¥1,299.50"), Some(1299.5));
/// assert_eq!(parse_number("１２９９元"), Some(1299.0));
/// assert_eq!(parse_number("(12.5)"), Some(-12.5));
/// assert_eq!(parse_number("12.5.1"), None);
/// ```
pub fn parse_number(s: &str) -> Option<f64> {
    if let Some(v) = plain_decimal(s.as_bytes()) {
        return Some(v);
    }
    let s = to_half_width(crate::trim_cell(s));
    let mut t = crate::trim_cell(&s);
    if t.is_empty() || t.len() > 64 {
        return None;
    }
    let mut negative = false;
    if t.starts_with('(') && t.ends_with(')') {
        negative = true;
        t = &t[1..t.len() - 1];
    }
    for prefix in ["RMB", "CNY", "USD"] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest;
        }
    }
    // Digits go into a stack buffer: this runs for every amount cell, and a
    // heap string per cell was a measurable cost on a million rows.
    let mut buf = [0u8; 64];
    let mut n = 0;
    for c in t.chars() {
        let keep = match c {
            '0'..='9' | '.' | 'e' | 'E' => true,
            '-' | '+' if n == 0 || matches!(buf[n - 1], b'e' | b'E') => true,
            ',' | ' ' | '¥' | '￥' | '$' | '元' | '\u{a0}' | '\'' => false,
            _ => return None,
        };
        if keep {
            // Longer than any amount: not a number (and the buffer is full).
            if n == buf.len() {
                return None;
            }
            buf[n] = c as u8;
            n += 1;
        }
    }
    let out = std::str::from_utf8(&buf[..n]).ok()?;
    if !out.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    // Reject forms like "1e" or "e5" that f64 parsing would reject anyway,
    // and infinities: only finite numbers are amounts.
    let v: f64 = out.parse().ok()?;
    if !v.is_finite() {
        return None;
    }
    Some(if negative { -v } else { v })
}

/// `123` or `864.05` (ASCII digits, at most one point with digits on both
/// sides, at most 15 digits in all), the form of nearly every amount cell,
/// without the general path's passes. With at most 15 digits the digits as
/// an integer and the power of ten are exact f64s, so one division is
/// correctly rounded: the very value `str::parse` gives (its own fast
/// path). `None` for anything else.
#[inline]
fn plain_decimal(b: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    if b.is_empty() || b.len() > 16 {
        return None;
    }
    let mut m: u64 = 0;
    let mut point = None;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => m = m * 10 + u64::from(c - b'0'),
            b'.' if point.is_none() && i > 0 && i + 1 < b.len() => point = Some(i),
            _ => return None,
        }
    }
    let decimals = point.map_or(0, |p| b.len() - p - 1);
    let digits = b.len() - usize::from(point.is_some());
    if digits > 15 {
        return None;
    }
    Some(m as f64 / POW10[decimals])
}

/// Parses a rate: `57.3%` is 0.573, and a bare number is taken as a
/// fraction when it is at most 1, else as a percentage (`57.3` is 0.573).
///
/// # Example
/// ```
/// use opscalc_core::parse_rate;
/// assert_eq!(parse_rate("57.3%"), Some(0.573));
/// assert_eq!(parse_rate("0.25"), Some(0.25));
/// assert_eq!(parse_rate("１０％"), Some(0.1));
/// ```
pub fn parse_rate(s: &str) -> Option<f64> {
    let h = to_half_width(s.trim());
    let t = h.trim();
    if let Some(p) = t.strip_suffix('%').or_else(|| t.strip_suffix('％')) {
        return parse_number(p).map(|v| v / 100.0);
    }
    let v = parse_number(t)?;
    Some(if v.abs() <= 1.0 { v } else { v / 100.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_decimals_parse_as_str_parse_does() {
        // A fixed pseudo-random walk over digit strings and point places.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 16) as usize + 1;
            let mut s: String = (0..digits)
                .map(|i| char::from(b'0' + ((x >> (4 + 3 * i)) % 10) as u8))
                .collect();
            let at = ((x >> 60) as usize) % (digits + 1);
            if at > 0 && at < digits {
                s.insert(at, '.');
            }
            let want: f64 = s.parse().unwrap();
            match plain_decimal(s.as_bytes()) {
                Some(v) => assert_eq!(v.to_bits(), want.to_bits(), "{s}"),
                None => assert!(digits > 15, "{s}"),
            }
            assert_eq!(
                parse_number(&s).map(f64::to_bits),
                Some(want.to_bits()),
                "{s}"
            );
        }
        for s in [
            "", ".", "1.", ".5", "1..2", "1.2.3", "-1", "+1", "1e5", " 1", "１",
        ] {
            assert_eq!(plain_decimal(s.as_bytes()), None, "{s}");
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_number("1299"), Some(1299.0));
        assert_eq!(parse_number(" ￥ 1 299.00 "), Some(1299.0));
        assert_eq!(parse_number("$12,345.67"), Some(12345.67));
        assert_eq!(parse_number("-3.5"), Some(-3.5));
        assert_eq!(parse_number("RMB 88"), Some(88.0));
        assert_eq!(parse_number("１，２３４．５"), Some(1234.5));
        assert_eq!(parse_number("1e3"), Some(1000.0));
        assert_eq!(parse_number("0"), Some(0.0));
        for bad in [
            "", "abc", "12a", "--1", "1-2", "¥", "1e999", "#DIV/0!", "=1+1",
        ] {
            assert_eq!(parse_number(bad), None, "{bad}");
        }
    }

    #[test]
    fn rates() {
        assert_eq!(parse_rate("50%"), Some(0.5));
        assert_eq!(parse_rate("1"), Some(1.0));
        assert_eq!(parse_rate("62.5"), Some(0.625));
        assert_eq!(parse_rate("x%"), None);
    }
}
