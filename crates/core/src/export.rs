//! CSV output for downloads: quoting, and a guard against formula injection
//! (a cell starting with `= + - @` runs as a formula when opened in Excel).

/// Appends one CSV cell. With `guard`, a cell that a spreadsheet would run
/// as a formula gets a leading `'` so it opens as text.
///
/// # Example
/// ```
/// use opscalc_core::push_csv_cell;
/// let mut s = String::new();
/// push_csv_cell(&mut s, "=HYPERLINK(\"x\")", true);
/// assert_eq!(s, "\"'=HYPERLINK(\"\"x\"\")\"");
/// ```
pub fn push_csv_cell(out: &mut String, cell: &str, guard: bool) {
    let risky = guard
        && cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
        && crate::parse_number(cell).is_none();
    let needs_quotes = risky || cell.contains([',', '"', '\n', '\r']) || cell.starts_with(' ');
    if needs_quotes {
        out.push('"');
    }
    if risky {
        out.push('\'');
    }
    for ch in cell.chars() {
        if ch == '"' {
            out.push('"');
        }
        out.push(ch);
    }
    if needs_quotes {
        out.push('"');
    }
}

/// Writes rows as CSV with a UTF-8 BOM (so Excel opens Chinese text
/// correctly) and the formula guard on every cell.
///
/// # Example
/// ```
/// use opscalc_core::to_csv;
/// let csv = to_csv(&["buyer", "orders"], &[vec!["amy".into(), "2".into()]]);
/// assert_eq!(csv, "\u{FEFF}buyer,orders\r\namy,2\r\n");
/// ```
pub fn to_csv(headers: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{FEFF}");
    for (i, h) in headers.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_csv_cell(&mut out, h, true);
    }
    out.push_str("\r\n");
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            push_csv_cell(&mut out, c, true);
        }
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negative_numbers_are_not_guarded_but_formulas_are() {
        let mut s = String::new();
        push_csv_cell(&mut s, "-12.5", true);
        assert_eq!(s, "-12.5");
        let mut s = String::new();
        push_csv_cell(&mut s, "@SUM(A1)", true);
        assert_eq!(s, "\"'@SUM(A1)\"");
        let mut s = String::new();
        push_csv_cell(&mut s, "+1+cmd", true);
        assert_eq!(s, "\"'+1+cmd\"");
    }
}
