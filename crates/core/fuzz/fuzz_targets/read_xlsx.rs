//! The spreadsheet reader. Raw bytes that start like a zip or OLE file are
//! read as they are; anything else becomes the XML parts of an otherwise
//! valid XLSX (sheet, shared strings, workbook, split at 0xFF bytes), so the
//! fuzzer spends its time in calamine's parsers rather than in zip headers.
#![no_main]

use libfuzzer_sys::fuzz_target;
use opscalc_core::{read_bytes, ReadOptions};
use std::io::{Cursor, Write};

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

fn xlsx(sheet: &[u8], shared: &[u8], workbook: &[u8]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 6] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", workbook),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/sharedStrings.xml", shared),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    for (name, body) in parts {
        z.start_file(name, o).unwrap();
        z.write_all(body).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fuzz_target!(|data: &[u8]| {
    let opts = ReadOptions::default();
    if data.starts_with(b"PK") || data.starts_with(&[0xD0, 0xCF]) {
        let _ = read_bytes("fuzz.xlsx", data, &opts);
        return;
    }
    let mut parts = data.splitn(3, |&b| b == 0xFF);
    let sheet = parts.next().unwrap_or_default();
    let shared = parts.next().unwrap_or(b"<sst/>");
    let workbook = parts.next().unwrap_or(WORKBOOK.as_bytes());
    let file = xlsx(sheet, shared, workbook);
    if let Ok(r) = read_bytes("fuzz.xlsx", &file, &opts) {
        assert_eq!(r.encoding, "xlsx");
        let t = &r.table;
        assert!(!t.headers().is_empty());
        for row in 0..t.len() {
            for col in 0..t.headers().len() {
                let _ = t.cell(row, col);
            }
        }
    }
});
