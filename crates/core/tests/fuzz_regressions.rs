//! Inputs the fuzzers (crates/core/fuzz, scripts/fuzz) found crashing or
//! hanging, kept so the fixes stay fixed. Each file under tests/fuzz/ is
//! named TARGET-what; the checks are the fuzz targets' own.

use opscalc_core::{read_bytes, ReadOptions, Table};
use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with(&format!("{target}-")))
        })
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect();
    out.sort();
    out
}

/// The read_text target's consistency checks.
fn check_table(t: &Table) {
    let headers = t.headers();
    assert!(!headers.is_empty());
    for (i, h) in headers.iter().enumerate() {
        assert!(!h.is_empty(), "blank header {i} is named");
        assert!(!headers[..i].contains(h), "header {h:?} is unique");
    }
    for row in 1..t.len() {
        assert!(
            t.row_number(row) > t.row_number(row - 1),
            "row numbers increase: {} then {}",
            t.row_number(row - 1),
            t.row_number(row)
        );
    }
}

#[test]
fn read_text_inputs() {
    let found = inputs("read_text");
    assert!(found.len() >= 2);
    for (name, data) in found {
        let (_, bytes) = data.split_first().unwrap();
        if let Ok(r) = read_bytes(&name, bytes, &ReadOptions::default()) {
            check_table(&r.table);
        }
    }
}
#[test]
fn read_xlsx_inputs() {
    // Kept as whole .xlsx files: the target wraps its input in one.
    let found = inputs("read_xlsx");
    assert!(found.len() >= 4);
    // Each is a corrupt sheet that must end in calamine's own error, not
    // in a panic: a backwards dimension, and cell references too long for
    // a u32 (calamine multiplies them unchecked; see Cargo.toml).
    let want = [
        ("backwards-dimension", "the sheet xl/worksheets/sheet1.xml declares a backwards range \"A5:B3\"; save it again from Excel"),
        ("00907654", "cannot read sheet \"Sheet1\": Range is missing the expected row component."),
        ("88701e2b", "cannot read sheet \"Sheet1\": Expecting alphanumeric character, got 73"),
        ("a5d2a050", "cannot read sheet \"Sheet1\": Cell string index not found in shared strings table"),
    ];
    for (name, data) in found {
        let e = read_bytes(&name, &data, &ReadOptions::default()).unwrap_err();
        let (_, message) = want.iter().find(|(k, _)| name.contains(k)).unwrap();
        assert_eq!(e.message, *message, "{name}");
    }
}

/// Found by read_text: a lone `\r` ended a record without starting a new
/// line number, and `\r\n` put every later row one line too low.
#[test]
fn row_numbers_count_every_line_ending() {
    let rows = |text: &str| {
        let t = opscalc_core::read_text("x.csv", text, None).unwrap().table;
        (0..t.len()).map(|r| t.row_number(r)).collect::<Vec<_>>()
    };
    assert_eq!(rows("a,b\n1,2\n3,4\n5,6\n"), [2, 3, 4]);
    assert_eq!(rows("a,b\r\n1,2\r\n3,4\r\n5,6\r\n"), [2, 3, 4]);
    assert_eq!(rows("a,b\r1,2\r3,4\r5,6\r"), [2, 3, 4]);
    assert_eq!(rows("a,b\n1,2\r\n3,4\r5,6\n"), [2, 3, 4]);
    // Blank lines and quoted line ends still count as lines.
    assert_eq!(rows("\r\na,b\r\n\r\n1,\"x\r\ny\"\r\n3,4\r\n"), [4, 6]);
    // Errors name the right line too.
    let e = opscalc_core::read_text(
        "x.csv",
        &format!("a\r\n1\r\n{}\r\n", "x,".repeat(5000)),
        None,
    )
    .unwrap_err();
    assert_eq!(e.row, Some(3));
}
