//! A minimal XLSX writer for result downloads: one sheet, a header row,
//! text as inline strings, numbers as numbers (rates with a percent format).
//!
//! Hand-written on purpose: the writer runs in the page's main bundle, and
//! a stored (uncompressed) ZIP with five small XML parts is a few hundred
//! lines of output code, where a general XLSX crate would add its own ZIP
//! and deflate writers to the first-load download. Result tables are small
//! (at most a few thousand rows), so not compressing costs little.
//! Text is always an inline string, never a formula, so `=cmd()` in a cell
//! opens as text: XLSX needs no formula guard.

/// One cell of an XLSX download.
#[derive(Clone, Debug, PartialEq)]
pub enum XlsxCell {
    /// Text, written as an inline string.
    Text(String),
    /// A number.
    Number(f64),
    /// A fraction shown as a percentage (0.272 shows as 27.2%).
    Percent(f64),
    /// Nothing.
    Empty,
}

/// Writes a one-sheet workbook: `headers` in bold-free row 1, then `rows`.
///
/// # Example
/// ```
/// use opscalc_core::{to_xlsx, XlsxCell};
/// let bytes = to_xlsx("买家", &["buyer", "orders"], &[vec![XlsxCell::Text("amy".into()), XlsxCell::Number(2.0)]]);
/// assert_eq!(&bytes[..4], b"PK\x03\x04");
/// ```
pub fn to_xlsx(sheet: &str, headers: &[&str], rows: &[Vec<XlsxCell>]) -> Vec<u8> {
    let mut zip = StoredZip::default();
    zip.add(
        "[Content_Types].xml",
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
            r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
            r#"<Default Extension="xml" ContentType="application/xml"/>"#,
            r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#,
            r#"<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#,
            r#"<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
            r#"</Types>"#
        )
        .as_bytes(),
    );
    zip.add(
        "_rels/.rels",
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>"#,
            r#"</Relationships>"#
        )
        .as_bytes(),
    );
    let workbook = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">"#,
            r#"<sheets><sheet name="{}" sheetId="1" r:id="rId1"/></sheets></workbook>"#
        ),
        xml_escape(&sheet_name(sheet))
    );
    zip.add("xl/workbook.xml", workbook.as_bytes());
    zip.add(
        "xl/_rels/workbook.xml.rels",
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
            r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>"#,
            r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
            r#"</Relationships>"#
        )
        .as_bytes(),
    );
    // Style 1 is the built-in percentage format 10 ("0.00%").
    zip.add(
        "xl/styles.xml",
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">"#,
            r#"<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>"#,
            r#"<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>"#,
            r#"<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>"#,
            r#"<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>"#,
            r#"<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>"#,
            r#"<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>"#,
            r#"</styleSheet>"#
        )
        .as_bytes(),
    );
    zip.add(
        "xl/worksheets/sheet1.xml",
        sheet_xml(headers, rows).as_bytes(),
    );
    zip.finish()
}

/// Excel refuses sheet names over 31 characters or with `[]:*?/\`.
fn sheet_name(s: &str) -> String {
    let cleaned: String = s
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if cleaned.trim().is_empty() {
        "Sheet1".into()
    } else {
        cleaned
    }
}

fn sheet_xml(headers: &[&str], rows: &[Vec<XlsxCell>]) -> String {
    let mut s = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
    ));
    let header: Vec<XlsxCell> = headers
        .iter()
        .map(|h| XlsxCell::Text(h.to_string()))
        .collect();
    for (r, row) in std::iter::once(&header).chain(rows).enumerate() {
        s.push_str(&format!(r#"<row r="{}">"#, r + 1));
        for (c, cell) in row.iter().enumerate() {
            let at = format!("{}{}", column_name(c), r + 1);
            match cell {
                XlsxCell::Text(t) => s.push_str(&format!(
                    r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                    xml_escape(t)
                )),
                // NaN and infinities have no XLSX form: leave the cell empty.
                XlsxCell::Number(v) if v.is_finite() => {
                    s.push_str(&format!(r#"<c r="{at}"><v>{v}</v></c>"#))
                }
                XlsxCell::Percent(v) if v.is_finite() => {
                    s.push_str(&format!(r#"<c r="{at}" s="1"><v>{v}</v></c>"#))
                }
                _ => {}
            }
        }
        s.push_str("</row>");
    }
    s.push_str("</sheetData></worksheet>");
    s
}

/// `0` -> `A`, `25` -> `Z`, `26` -> `AA`.
fn column_name(mut c: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// Escapes text for XML, dropping the control characters XML 1.0 forbids
/// (a hostile cell must not make the file unreadable).
fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' | '\r' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

/// A ZIP archive of stored (uncompressed) entries.
#[derive(Default)]
struct StoredZip {
    out: Vec<u8>,
    central: Vec<u8>,
    count: u16,
}

impl StoredZip {
    fn add(&mut self, name: &str, data: &[u8]) {
        let crc = crc32(data);
        let offset = self.out.len() as u32;
        let size = data.len() as u32;
        let name = name.as_bytes();
        // Local file header: version 2.0, UTF-8 names (bit 11), stored,
        // DOS time 1980-01-01 00:00 (reproducible downloads).
        let fixed = |sig: u32, out: &mut Vec<u8>, central: bool| {
            out.extend_from_slice(&sig.to_le_bytes());
            if central {
                out.extend_from_slice(&20u16.to_le_bytes());
            }
            out.extend_from_slice(&20u16.to_le_bytes());
            out.extend_from_slice(&0x0800u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
            out.extend_from_slice(&0x21u16.to_le_bytes());
            out.extend_from_slice(&crc.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&size.to_le_bytes());
            out.extend_from_slice(&(name.len() as u16).to_le_bytes());
            out.extend_from_slice(&0u16.to_le_bytes());
        };
        fixed(0x0403_4b50, &mut self.out, false);
        self.out.extend_from_slice(name);
        self.out.extend_from_slice(data);
        fixed(0x0201_4b50, &mut self.central, true);
        // Comment length, disk, internal and external attributes, offset.
        self.central.extend_from_slice(&0u16.to_le_bytes());
        self.central.extend_from_slice(&0u16.to_le_bytes());
        self.central.extend_from_slice(&0u16.to_le_bytes());
        self.central.extend_from_slice(&0u32.to_le_bytes());
        self.central.extend_from_slice(&offset.to_le_bytes());
        self.central.extend_from_slice(name);
        self.count += 1;
    }

    fn finish(mut self) -> Vec<u8> {
        let at = self.out.len() as u32;
        let len = self.central.len() as u32;
        self.out.extend_from_slice(&self.central);
        self.out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        self.out.extend_from_slice(&[0, 0, 0, 0]);
        self.out.extend_from_slice(&self.count.to_le_bytes());
        self.out.extend_from_slice(&self.count.to_le_bytes());
        self.out.extend_from_slice(&len.to_le_bytes());
        self.out.extend_from_slice(&at.to_le_bytes());
        self.out.extend_from_slice(&0u16.to_le_bytes());
        self.out
    }
}

/// CRC-32 (IEEE), bit by bit: the parts are small.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use std::io::Cursor;

    #[test]
    fn crc_of_a_known_string() {
        // The standard check value of CRC-32/ISO-HDLC.
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
    }

    #[test]
    fn column_names() {
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(27), "AB");
        assert_eq!(column_name(701), "ZZ");
        assert_eq!(column_name(702), "AAA");
    }

    #[test]
    fn calamine_reads_back_text_numbers_and_percentages() {
        let rows = vec![
            vec![
                XlsxCell::Text("=HYPERLINK(\"http://x\")".into()),
                XlsxCell::Number(2.0),
                XlsxCell::Percent(0.25),
            ],
            vec![
                XlsxCell::Text("买家 <b> & \"q\"\u{1}".into()),
                XlsxCell::Number(-12.5),
                XlsxCell::Empty,
            ],
        ];
        let bytes = to_xlsx("复购/买家[1]", &["买家", "订单数", "复购率"], &rows);
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["复购买家1".to_string()]);
        let range = book.worksheet_range("复购买家1").unwrap();
        assert_eq!(range.get_size(), (3, 3));
        assert_eq!(range.get((0, 0)), Some(&Data::String("买家".into())));
        // A formula-like text stays text: it is an inline string.
        assert_eq!(
            range.get((1, 0)),
            Some(&Data::String("=HYPERLINK(\"http://x\")".into()))
        );
        assert_eq!(range.get((1, 1)), Some(&Data::Float(2.0)));
        assert_eq!(range.get((1, 2)), Some(&Data::Float(0.25)));
        assert_eq!(
            range.get((2, 0)),
            Some(&Data::String("买家 <b> & \"q\"".into()))
        );
        assert_eq!(range.get((2, 1)), Some(&Data::Float(-12.5)));
        assert_eq!(range.get((2, 2)), Some(&Data::Empty));
    }

    #[test]
    fn the_zip_directory_lists_every_part_at_its_offset() {
        let bytes = to_xlsx("s", &["a"], &[]);
        let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut names: Vec<String> = z.file_names().map(|n| n.unwrap().to_string()).collect();
        names.sort();
        assert_eq!(
            names,
            [
                "[Content_Types].xml",
                "_rels/.rels",
                "xl/_rels/workbook.xml.rels",
                "xl/styles.xml",
                "xl/workbook.xml",
                "xl/worksheets/sheet1.xml"
            ]
        );
        let mut sheet = String::new();
        std::io::Read::read_to_string(
            &mut z.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut sheet,
        )
        .unwrap();
        assert!(
            sheet.contains(r#"<c r="A1" t="inlineStr"><is><t xml:space="preserve">a</t></is></c>"#)
        );
    }
}
