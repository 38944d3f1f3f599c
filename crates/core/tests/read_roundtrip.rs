//! Reader round trips: a table written as CSV/TSV/semicolon text, in
//! UTF-8, UTF-8 with BOM, UTF-16 or GB18030, reads back as the same table
//! (headers, every cell, and row numbers that count the written lines),
//! whatever the cells hold: quotes, delimiters, line ends, markup, CJK.

use opscalc_core::{parse_number, read_bytes, read_text, to_csv, ReadOptions, Table};
use proptest::prelude::*;

/// Writes one record with RFC 4180 quoting for this delimiter.
fn record(cells: &[String], d: char) -> String {
    let mut out = String::new();
    for (i, c) in cells.iter().enumerate() {
        if i > 0 {
            out.push(d);
        }
        if c.contains([d, '"', '\r', '\n']) {
            out.push('"');
            out.push_str(&c.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(c);
        }
    }
    out
}

/// Line ends in text as an editor counts them (`\r\n` once).
fn line_breaks(s: &str) -> u32 {
    s.replace("\r\n", "\n").matches(['\n', '\r']).count() as u32
}

fn headers() -> impl Strategy<Value = Vec<String>> {
    prop::collection::btree_set("[a-z买家金额时间]{1,6}", 2..6)
        .prop_map(|s| s.into_iter().collect())
}

fn cell() -> impl Strategy<Value = String> {
    // Everything a cell can hold that a writer must quote, plus markup,
    // formula starts, CJK and full-width forms.
    "[a-z0-9 ,;|\t\"'\r\n=+@<>/买家１２]{0,10}"
}

fn table() -> impl Strategy<Value = (Vec<String>, Vec<Vec<String>>)> {
    headers().prop_flat_map(|h| {
        let n = h.len();
        (
            Just(h),
            prop::collection::vec(prop::collection::vec(cell(), n), 0..12),
        )
    })
}

fn check(t: &Table, headers: &[String], rows: &[Vec<String>], numbers: &[u32]) {
    assert_eq!(t.headers(), headers);
    assert_eq!(t.len(), rows.len());
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(t.row(i).collect::<Vec<_>>(), *r, "row {i}");
        assert_eq!(t.row_number(i), numbers[i], "row {i}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn written_tables_read_back_the_same(
        (headers, rows) in table(),
        d in prop::sample::select(vec![',', '\t', ';']),
        crlf in any::<bool>(),
    ) {
        let end = if crlf { "\r\n" } else { "\n" };
        let mut text = record(&headers, d) + end;
        let mut numbers = Vec::new();
        for r in &rows {
            numbers.push(1 + line_breaks(&text));
            text.push_str(&record(r, d));
            text.push_str(end);
        }
        let r = read_text("t.csv", &text, None).unwrap();
        prop_assert_eq!(r.delimiter, Some(d as u8));
        prop_assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        check(&r.table, &headers, &rows, &numbers);

        // The same text as bytes in each encoding the app detects.
        let bom = [&b"\xEF\xBB\xBF"[..], text.as_bytes()].concat();
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let (gbk, _, _) = encoding_rs::GB18030.encode(&text);
        for (bytes, encoding) in [
            (text.as_bytes().to_vec(), "UTF-8"),
            (bom, "UTF-8"),
            (utf16, "UTF-16LE"),
            (gbk.into_owned(), "GB18030"),
        ] {
            let r = read_bytes("t.csv", &bytes, &ReadOptions::default()).unwrap();
            // A short GB18030 text can also be valid UTF-8 ("时" is CA B1,
            // which UTF-8 reads as "ʱ"): no reader can tell, and valid UTF-8
            // is read as UTF-8, so there is nothing more to compare.
            if encoding == "GB18030" && !text.is_ascii() && std::str::from_utf8(&bytes).is_ok() {
                prop_assert_eq!(&r.encoding, "UTF-8");
                continue;
            }
            // Pure-ASCII GB18030 is also UTF-8, and is read as such.
            if encoding != "GB18030" || !text.is_ascii() {
                prop_assert_eq!(&r.encoding, encoding);
            }
            check(&r.table, &headers, &rows, &numbers);
        }
    }

    #[test]
    fn table_to_csv_round_trips(
        (headers, rows) in table(),
    ) {
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        let cells: Vec<Vec<&str>> = rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
        let slices: Vec<&[&str]> = cells.iter().map(Vec::as_slice).collect();
        let t = Table::from_rows("t.csv", &h, &slices);
        let back = read_text("t.csv", &t.to_csv(), None).unwrap().table;
        prop_assert_eq!(back.headers(), t.headers());
        for i in 0..t.len() {
            prop_assert_eq!(back.row(i).collect::<Vec<_>>(), t.row(i).collect::<Vec<_>>());
        }
        prop_assert_eq!(back.len(), t.len());
    }

    #[test]
    fn exports_read_back_with_only_formulas_changed(
        (headers, rows) in table(),
    ) {
        // Downloads escape a cell a spreadsheet would run (= + - @ tab CR
        // first, and not a number) with a leading ' and change nothing else.
        let h: Vec<&str> = headers.iter().map(String::as_str).collect();
        let r = read_bytes("x.csv", to_csv(&h, &rows).as_bytes(), &ReadOptions::default()).unwrap();
        let guard = |c: &str| {
            if c.starts_with(['=', '+', '-', '@', '\t', '\r']) && parse_number(c).is_none() {
                format!("'{c}")
            } else {
                c.to_string()
            }
        };
        prop_assert_eq!(r.table.len(), rows.len());
        for (i, row) in rows.iter().enumerate() {
            let want: Vec<String> = row.iter().map(|c| guard(c)).collect();
            prop_assert_eq!(r.table.row(i).collect::<Vec<_>>(), want);
        }
    }
}
