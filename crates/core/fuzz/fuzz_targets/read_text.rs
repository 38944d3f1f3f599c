//! The CSV/TSV/paste reader on arbitrary bytes: encoding detection,
//! delimiter detection and RFC 4180 parsing must never panic or hang, and a
//! table that is read must be consistent.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscalc_core::{read_bytes, read_text, ReadOptions};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the options, as a user could in the app.
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    // Zip and OLE files go to the spreadsheet reader (the read_xlsx target).
    if bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF]) {
        return;
    }
    let opts = ReadOptions {
        encoding: match pick & 7 {
            1 => Some("gbk".into()),
            2 => Some("utf-16le".into()),
            3 => Some("utf-8".into()),
            _ => None,
        },
        delimiter: match (pick >> 3) & 7 {
            1 => Some(b'\t'),
            2 => Some(b','),
            3 => Some(b';'),
            4 => Some(b'|'),
            _ => None,
        },
        sheet: None,
    };
    let Ok(r) = read_bytes("fuzz.csv", bytes, &opts) else {
        return;
    };
    check(&r.table);
    // Pasted text goes through read_text directly.
    if let Ok(text) = std::str::from_utf8(bytes) {
        if let Ok(p) = read_text("paste", text, opts.delimiter) {
            check(&p.table);
        }
    }
});

fn check(t: &opscalc_core::Table) {
    let headers = t.headers();
    assert!(!headers.is_empty());
    for (i, h) in headers.iter().enumerate() {
        assert!(!h.is_empty(), "blank header {i} is named");
        assert!(!headers[..i].contains(h), "header {h:?} is unique");
    }
    let mut last = 0;
    for row in 0..t.len() {
        let n = t.row_number(row);
        assert!(n > last, "row numbers increase");
        last = n;
        for col in 0..headers.len() {
            let _ = t.cell(row, col);
        }
    }
}
