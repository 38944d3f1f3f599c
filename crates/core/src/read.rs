//! Reading files and pastes into a [`Table`]: encoding detection, delimiter
//! detection, RFC 4180 quoting, and spreadsheets through calamine.

use crate::table::Table;
use std::fmt;

/// Most columns a file may have: a wider one is almost surely not a table
/// (or is hostile), and would make every row allocation huge.
pub const MAX_COLUMNS: usize = 4096;

/// Largest total decompressed size accepted for a spreadsheet (zip) file.
pub const MAX_XLSX_DECOMPRESSED: u128 = 1 << 30;

/// Most cells (rows × columns) a table may have. Short rows are padded to
/// the header's width, so without this a 2 MB file (a 4,000-column header,
/// then a million one-character lines) would ask for 16 GB. High enough for
/// a real 10,000,000-line export of 12 columns (a 5M-order export has 55M).
pub const MAX_CELLS: usize = 120_000_000;

/// Longest header a column may have, in bytes: a longer one means the file
/// is not a table (a 50 MB line without a delimiter, a binary file).
pub const MAX_HEADER_BYTES: usize = 1024;

/// An error that stops a whole file from being read, with the position
/// where there is one.
///
/// # Example
/// ```
/// use opscalc_core::ReadError;
/// let e = ReadError::at("orders.csv", Some(12), Some("付款时间"), "not a date: \"abc\"");
/// assert_eq!(e.to_string(), "orders.csv: row 12, column 付款时间: not a date: \"abc\"");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    /// The file (or "pasted text").
    pub file: String,
    /// The row number in the file, when the error has one.
    pub row: Option<u32>,
    /// The column header, when the error has one.
    pub column: Option<String>,
    /// What is wrong, in one line.
    pub message: String,
}

impl ReadError {
    /// An error about a file, optionally at a row and column.
    pub fn at(file: &str, row: Option<u32>, column: Option<&str>, message: &str) -> ReadError {
        ReadError {
            file: file.to_string(),
            row,
            column: column.map(str::to_string),
            message: message.to_string(),
        }
    }

    /// An error about a whole file.
    pub fn file(file: &str, message: impl Into<String>) -> ReadError {
        ReadError {
            file: file.to_string(),
            row: None,
            column: None,
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(r) = self.row {
            write!(f, ": row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(
                f,
                "{} column {c}",
                if self.row.is_some() { "," } else { ":" }
            )?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ReadError {}

/// Choices the user can make about how a file is read.
///
/// # Example
/// ```
/// use opscalc_core::ReadOptions;
/// let o = ReadOptions { encoding: Some("gbk".into()), ..ReadOptions::default() };
/// assert_eq!(o.encoding.as_deref(), Some("gbk"));
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReadOptions {
    /// An encoding label (`utf-8`, `gbk`, `gb18030`, `utf-16le`, ...) to use
    /// instead of detection.
    pub encoding: Option<String>,
    /// A delimiter to use instead of detection.
    pub delimiter: Option<u8>,
    /// The sheet of a spreadsheet to read (default: the first).
    pub sheet: Option<String>,
}

/// A table read from a file, with what was detected on the way.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadResult {
    /// The table.
    pub table: Table,
    /// The encoding used (`UTF-8`, `GB18030`, `UTF-16LE`, ... or `xlsx`).
    pub encoding: String,
    /// The delimiter used, for text files.
    pub delimiter: Option<u8>,
    /// Sheet names of a spreadsheet (empty for text files).
    pub sheets: Vec<String>,
    /// Things the reader noticed that the user should know.
    pub warnings: Vec<String>,
}

/// Reads a file's bytes: a spreadsheet when they are a zip or OLE file,
/// otherwise delimited text in any supported encoding.
///
/// # Example
/// ```
/// use opscalc_core::{read_bytes, ReadOptions};
/// let r = read_bytes("o.csv", b"id,buyer\n1,amy\n2,bob\n", &ReadOptions::default()).unwrap();
/// assert_eq!(r.table.headers(), ["id", "buyer"]);
/// assert_eq!(r.table.cell(1, 1), "bob");
/// ```
pub fn read_bytes(name: &str, bytes: &[u8], opts: &ReadOptions) -> Result<ReadResult, ReadError> {
    read_bytes_with_progress(name, bytes, opts, &mut |_| {})
}

/// How far a read has got, for a progress bar.
///
/// # Example
/// ```
/// use opscalc_core::ReadProgress;
/// let p = ReadProgress { bytes: 50, rows: 2 };
/// assert_eq!(p.rows, 2);
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReadProgress {
    /// Bytes of decoded text parsed so far.
    pub bytes: usize,
    /// Data rows read so far.
    pub rows: usize,
}

/// [`read_bytes`], calling `progress` every few thousand rows so a worker
/// can report how far it has got (and nothing else: no per-row calls).
///
/// # Example
/// ```
/// use opscalc_core::{read_bytes_with_progress, ReadOptions};
/// let text: String = std::iter::once("id\n".to_string()).chain((0..20000).map(|i| format!("{i}\n"))).collect();
/// let mut calls = Vec::new();
/// let r = read_bytes_with_progress("big.csv", text.as_bytes(), &ReadOptions::default(), &mut |p| calls.push(p.rows)).unwrap();
/// assert_eq!(r.table.len(), 20000);
/// assert_eq!(calls.last(), Some(&20000));
/// assert!(calls.len() >= 2);
/// ```
pub fn read_bytes_with_progress(
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
    progress: &mut dyn FnMut(ReadProgress),
) -> Result<ReadResult, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return read_spreadsheet(name, bytes, opts);
    }
    // Borrowed when the bytes are already UTF-8: no copy of a 100 MB file.
    let (text, encoding, mut warnings) = decode_cow(name, bytes, opts.encoding.as_deref())?;
    let mut r = read_text_with_progress(name, &text, opts.delimiter, progress)?;
    drop(text);
    r.encoding = encoding;
    warnings.append(&mut r.warnings);
    r.warnings = warnings;
    Ok(r)
}

/// Decodes bytes to text: a BOM wins, then valid UTF-8, then UTF-16 by its
/// zero bytes, then GB18030 (a superset of GBK). An explicit label wins
/// over all of these.
///
/// # Example
/// ```
/// use opscalc_core::decode;
/// let gbk = [0xC2, 0xF2, 0xBC, 0xD2]; // 买家 in GBK
/// let (text, enc, _) = decode("x.csv", &gbk, None).unwrap();
/// assert_eq!((text.as_str(), enc.as_str()), ("买家", "GB18030"));
/// ```
pub fn decode(
    name: &str,
    bytes: &[u8],
    label: Option<&str>,
) -> Result<(String, String, Vec<String>), ReadError> {
    decode_cow(name, bytes, label).map(|(t, e, w)| (t.into_owned(), e, w))
}

type Decoded<'a> = (std::borrow::Cow<'a, str>, String, Vec<String>);

fn decode_cow<'a>(
    name: &str,
    bytes: &'a [u8],
    label: Option<&str>,
) -> Result<Decoded<'a>, ReadError> {
    use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE, UTF_8};
    let mut warnings = Vec::new();
    let forced = match label {
        Some(l) => Some(
            Encoding::for_label(l.trim().as_bytes())
                .ok_or_else(|| ReadError::file(name, crate::notice::unknown_encoding(l)))?,
        ),
        None => None,
    };
    let (enc, body): (&'static Encoding, &[u8]) = if let Some((e, n)) = Encoding::for_bom(bytes) {
        (
            forced.unwrap_or(e),
            if forced.is_some() { bytes } else { &bytes[n..] },
        )
    } else if let Some(e) = forced {
        (e, bytes)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        // Checked once here; encoding_rs would validate the 100 MB again
        // only to hand back the same borrowed text.
        return Ok((
            std::borrow::Cow::Borrowed(text),
            UTF_8.name().into(),
            warnings,
        ));
    } else if let Some(e) = utf16_without_bom(bytes) {
        (e, bytes)
    } else {
        (GB18030, bytes)
    };
    let (text, had_errors) = enc.decode_without_bom_handling(body);
    let mut enc_name = enc.name().to_string();
    if enc == encoding_rs::GBK || enc == GB18030 {
        enc_name = "GB18030".into();
    }
    if had_errors {
        if forced.is_none() && enc == GB18030 {
            // Neither valid UTF-8 nor GB18030: most likely UTF-8 with some
            // corrupt bytes, so keep UTF-8 and say where.
            let (utf8, _) = UTF_8.decode_without_bom_handling(body);
            let bad_row = first_bad_utf8_line(body);
            warnings.push(crate::notice::not_utf8_or_gbk(name, bad_row));
            return Ok((utf8, "UTF-8".into(), warnings));
        }
        warnings.push(crate::notice::bad_bytes(name, &enc_name));
    }
    let _ = (UTF_16LE, UTF_16BE);
    Ok((text, enc_name, warnings))
}

pub(crate) fn first_bad_utf8_line(bytes: &[u8]) -> usize {
    let at = match std::str::from_utf8(bytes) {
        Ok(_) => return 0,
        Err(e) => e.valid_up_to(),
    };
    bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
}

pub(crate) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let zeros_even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let zeros_odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    let half = sample.len() / 2;
    if zeros_odd * 3 > half && zeros_even * 10 < half {
        Some(encoding_rs::UTF_16LE)
    } else if zeros_even * 3 > half && zeros_odd * 10 < half {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Picks the delimiter that splits the first lines most consistently:
/// tab (Excel paste), comma, semicolon or pipe, honouring quotes.
///
/// # Example
/// ```
/// use opscalc_core::detect_delimiter;
/// assert_eq!(detect_delimiter("a\tb\n1\t2\n"), b'\t');
/// assert_eq!(detect_delimiter("a;b\n\"1;5\";2\n"), b';');
/// assert_eq!(detect_delimiter("just one column\n"), b',');
/// ```
pub fn detect_delimiter(text: &str) -> u8 {
    let candidates = [b'\t', b',', b';', b'|'];
    let lines = sample_lines(text, 30);
    let mut best = (b',', 0usize);
    for &d in &candidates {
        let counts: Vec<usize> = lines.iter().map(|l| count_outside_quotes(l, d)).collect();
        let Some(&first) = counts.first() else {
            break;
        };
        if first == 0 {
            continue;
        }
        let agree = counts.iter().filter(|&&c| c == first).count();
        // Score: lines that agree with the header, weighted by width.
        let score = agree * 1000 + first.min(999);
        if score > best.1 {
            best = (d, score);
        }
    }
    best.0
}

pub(crate) fn sample_lines(text: &str, n: usize) -> Vec<&str> {
    // Lines are split naively; a quoted newline only shortens the sample.
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .take(n)
        .collect()
}

fn count_outside_quotes(line: &str, d: u8) -> usize {
    let mut inside = false;
    let mut n = 0;
    for &b in line.as_bytes() {
        if b == b'"' {
            inside = !inside;
        } else if b == d && !inside {
            n += 1;
        }
    }
    n
}

/// Reads delimited text (CSV, TSV, a paste from Excel) into a table. The
/// first non-blank record is the header.
///
/// # Example
/// ```
/// use opscalc_core::read_text;
/// let r = read_text("paste", "订单号\t金额\nA1\t\"1,200\"\n", None).unwrap();
/// assert_eq!(r.table.cell(0, 1), "1,200");
/// assert_eq!(r.table.row_number(0), 2);
/// ```
pub fn read_text(name: &str, text: &str, delimiter: Option<u8>) -> Result<ReadResult, ReadError> {
    read_text_with_progress(name, text, delimiter, &mut |_| {})
}

/// Rows between progress calls: often enough for a 100-250 ms cadence,
/// rare enough to cost nothing.
pub(crate) const PROGRESS_EVERY: usize = 16_384;

fn read_text_with_progress(
    name: &str,
    text: &str,
    delimiter: Option<u8>,
    progress: &mut dyn FnMut(ReadProgress),
) -> Result<ReadResult, ReadError> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let d = delimiter.unwrap_or_else(|| detect_delimiter(text));
    let mut split = crate::Splitter::new(text.as_bytes(), d);
    let mut rec: Vec<std::borrow::Cow<[u8]>> = Vec::new();
    let mut table: Option<Table> = None;
    let mut warnings = Vec::new();
    while let Some(start) = split.next_record(&mut rec) {
        let line = split.line().min(u32::MAX as usize) as u32;
        check_record(name, line, &rec, table.as_ref(), split.nul_in_record())?;
        // Fields of a `str` split at ASCII bytes are UTF-8: never taken.
        let not_text = || ReadError::at(name, Some(line), None, "text that is not UTF-8");
        match &mut table {
            None => {
                let raw = text_cells(&rec).map_err(|_| not_text())?;
                if raw.iter().all(|f| f.is_empty()) {
                    continue;
                }
                let headers = header_row(name, line, &raw, &mut warnings)?;
                let mut t = Table::new(name, headers);
                // Estimate rows from the header line's share of the text.
                let per_row = (split.position() - start).max(8);
                t.reserve(text.len() / per_row + 16);
                table = Some(t);
            }
            Some(t) => {
                check_cells(name, line, t.len() + 1, t.headers().len())?;
                t.push_row_bytes(rec.iter().map(|f| &**f), line)
                    .map_err(|_| not_text())?;
                if t.len() % PROGRESS_EVERY == 0 {
                    progress(ReadProgress {
                        bytes: start,
                        rows: t.len(),
                    });
                }
            }
        }
    }
    let mut table = table.ok_or_else(|| ReadError::file(name, crate::notice::EMPTY_FILE.en))?;
    // Every row is in: the room reserved from an estimate and the lookups
    // of values go back.
    table.shrink_to_fit();
    progress(ReadProgress {
        bytes: text.len(),
        rows: table.len(),
    });
    if !table.overflow_rows.is_empty() {
        let (row, n) = table.overflow_rows[0];
        warnings.push(crate::notice::extra_cells(
            name,
            table.overflow_rows.len(),
            row,
            n,
        ));
    }
    if (split.open_quote() || split.stray_quote()) && !table.is_empty() {
        warnings.push(crate::notice::unbalanced_quote(name));
    }
    Ok(ReadResult {
        table,
        encoding: "UTF-8".into(),
        delimiter: Some(d),
        sheets: Vec::new(),
        warnings,
    })
}

/// The tests' reference for row numbers, as a text editor counts lines:
/// `\n`, `\r\n` and a lone `\r` each end one (the csv crate's own count
/// is wrong for two of the three). The readers count line ends as they
/// split ([`crate::Splitter::line`]); this counts them the plain way.
#[cfg(test)]
pub(crate) struct LineNumbers<'a> {
    text: &'a [u8],
    /// Where each line ends.
    ends: Vec<usize>,
}

#[cfg(test)]
impl<'a> LineNumbers<'a> {
    pub(crate) fn new(text: &'a str) -> LineNumbers<'a> {
        let b = text.as_bytes();
        let ends = (0..b.len())
            .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')))
            .collect();
        LineNumbers { text: b, ends }
    }

    /// The line where a record starts (the byte offset of its first
    /// character).
    pub(crate) fn line(&mut self, start: usize) -> u32 {
        let start = start.min(self.text.len());
        (1 + self.ends.partition_point(|&e| e < start)).min(u32::MAX as usize) as u32
    }
}

/// The guards every record passes, whole file or streamed: no NUL byte
/// (binary junk), named by its column once the header is known, and no
/// more than [`MAX_COLUMNS`] cells.
pub(crate) fn check_record(
    name: &str,
    line: u32,
    rec: &[std::borrow::Cow<[u8]>],
    table: Option<&Table>,
    has_nul: bool,
) -> Result<(), ReadError> {
    if has_nul {
        if let Some(col) = rec.iter().position(|f| f.contains(&0)) {
            let column = table.and_then(|t| t.headers().get(col));
            return Err(ReadError::at(
                name,
                Some(line),
                column.map(String::as_str),
                crate::notice::NUL_BYTES.en,
            ));
        }
    }
    if rec.len() > MAX_COLUMNS {
        return Err(ReadError::at(
            name,
            Some(line),
            None,
            &crate::notice::too_many_columns(rec.len(), MAX_COLUMNS),
        ));
    }
    Ok(())
}

/// A record's fields as text, trimmed (the header, and records before
/// it); `Err` if one is not UTF-8.
pub(crate) fn text_cells<'r>(
    rec: &'r [std::borrow::Cow<[u8]>],
) -> Result<Vec<&'r str>, std::str::Utf8Error> {
    rec.iter()
        .map(|f| std::str::from_utf8(f).map(str::trim))
        .collect()
}

/// Checks a header row and makes its names unique, with a warning naming
/// the duplicates (so the user knows why a column is called `金额 (2)`).
pub(crate) fn header_row(
    name: &str,
    line: u32,
    cells: &[&str],
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, ReadError> {
    if let Some((i, h)) = cells
        .iter()
        .enumerate()
        .find(|(_, h)| h.len() > MAX_HEADER_BYTES)
    {
        return Err(ReadError::at(
            name,
            Some(line),
            None,
            &crate::notice::header_too_long(i + 1, h.len(), MAX_HEADER_BYTES),
        ));
    }
    let headers = dedupe_headers(cells.iter().map(|c| c.to_string()));
    let renamed: Vec<(String, String)> = cells
        .iter()
        .zip(&headers)
        .filter(|(c, h)| !c.is_empty() && **c != h.as_str())
        .map(|(c, h)| (h.clone(), c.to_string()))
        .collect();
    if !renamed.is_empty() {
        warnings.push(crate::notice::renamed_columns(name, line, &renamed));
    }
    Ok(headers)
}

/// Fails once a table would hold more than [`MAX_CELLS`] cells.
pub(crate) fn check_cells(
    name: &str,
    line: u32,
    rows: usize,
    width: usize,
) -> Result<(), ReadError> {
    if rows.saturating_mul(width) > MAX_CELLS {
        return Err(ReadError::at(
            name,
            Some(line),
            None,
            &crate::notice::too_many_cells(MAX_CELLS, rows, width),
        ));
    }
    Ok(())
}

/// Makes header names unique (`金额`, `金额 (2)`) and names blank ones, so
/// every column can be mapped and mentioned in messages. Linear in the
/// number of columns: a header row of 4,096 copies of one name must not
/// take minutes.
fn dedupe_headers(names: impl Iterator<Item = String>) -> Vec<String> {
    use std::collections::{HashMap, HashSet};
    let mut out: Vec<String> = Vec::new();
    let mut taken: HashSet<String> = HashSet::new();
    // The next suffix to try for each base name.
    let mut next: HashMap<String, usize> = HashMap::new();
    for (i, n) in names.enumerate() {
        let base = if n.is_empty() {
            format!("column {}", i + 1)
        } else {
            n
        };
        let mut name = base.clone();
        if taken.contains(&name) {
            let k = next.entry(base.clone()).or_insert(2);
            loop {
                name = format!("{base} ({k})");
                *k += 1;
                if !taken.contains(&name) {
                    break;
                }
            }
        }
        taken.insert(name.clone());
        out.push(name);
    }
    out
}

pub(crate) fn read_spreadsheet(
    name: &str,
    bytes: &[u8],
    opts: &ReadOptions,
) -> Result<ReadResult, ReadError> {
    use calamine::Reader;
    use std::io::Cursor;
    let open_err =
        |e: &dyn fmt::Display| ReadError::file(name, crate::notice::spreadsheet_unreadable(e));
    if bytes.starts_with(b"PK") {
        let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| ReadError::file(name, crate::notice::not_a_zip(e)))?;
        match archive.decompressed_size() {
            Some(n) if n <= MAX_XLSX_DECOMPRESSED => {}
            Some(n) => {
                return Err(ReadError::file(
                    name,
                    crate::notice::zip_bomb(n, MAX_XLSX_DECOMPRESSED),
                ))
            }
            None => return Err(ReadError::file(name, crate::notice::UNDECLARED_SIZE.en)),
        }
        check_dimensions(name, &mut archive)?;
        if archive.index_for_name("xl/workbook.xml").is_some() {
            // XLSX: read the cells as they come instead of through a dense
            // range, so a sheet with one cell in A1 and one in XFD1048576
            // costs two cells, not seventeen billion.
            let mut wb: calamine::Xlsx<_> =
                calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| open_err(&e))?;
            let sheets = wb.sheet_names();
            let sheet = pick_sheet(name, &sheets, opts)?;
            let mut cells = SheetCells::default();
            let mut reader = wb
                .worksheet_cells_reader(&sheet)
                .map_err(|e| ReadError::file(name, crate::notice::sheet_unreadable(&sheet, e)))?;
            while let Some(c) = reader
                .next_cell()
                .map_err(|e| ReadError::file(name, crate::notice::sheet_unreadable(&sheet, e)))?
            {
                let (row, col) = c.get_position();
                cells.push(name, row, col, &calamine::Data::from(c.get_value().clone()))?;
            }
            drop(reader);
            return cells.into_result(name, &sheet, sheets, opts);
        }
    }
    // XLS and ODS go through calamine's dense range.
    let mut wb =
        calamine::open_workbook_auto_from_rs(Cursor::new(bytes)).map_err(|e| open_err(&e))?;
    let sheets = wb.sheet_names();
    let sheet = pick_sheet(name, &sheets, opts)?;
    let range = wb
        .worksheet_range(&sheet)
        .map_err(|e| ReadError::file(name, crate::notice::sheet_unreadable(&sheet, e)))?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut cells = SheetCells::default();
    for (r, c, v) in range.used_cells() {
        cells.push(name, r0 + r as u32, c0 + c as u32, v)?;
    }
    cells.into_result(name, &sheet, sheets, opts)
}

fn pick_sheet(name: &str, sheets: &[String], opts: &ReadOptions) -> Result<String, ReadError> {
    match &opts.sheet {
        Some(s) if sheets.contains(s) => Ok(s.clone()),
        Some(s) => Err(ReadError::file(
            name,
            crate::notice::no_such_sheet(s, sheets),
        )),
        None => sheets
            .first()
            .cloned()
            .ok_or_else(|| ReadError::file(name, crate::notice::NO_SHEETS.en)),
    }
}

/// Rejects a worksheet whose `<dimension ref="B2:A1">` runs backwards:
/// calamine subtracts the corners unchecked, which panics in a debug build
/// (found by the read_xlsx fuzz target). Only the start of each sheet is
/// looked at, where Excel writes the element.
fn check_dimensions(
    name: &str,
    archive: &mut zip::ZipArchive<std::io::Cursor<&[u8]>>,
) -> Result<(), ReadError> {
    use std::io::Read;
    for i in 0..archive.len() {
        let Ok(f) = archive.by_index(i) else { continue };
        let part = f.name().map(|n| n.into_owned()).unwrap_or_default();
        if !(part.starts_with("xl/worksheets/") && part.ends_with(".xml")) {
            continue;
        }
        let mut head = Vec::new();
        if f.take(1 << 16).read_to_end(&mut head).is_err() {
            continue;
        }
        let head = String::from_utf8_lossy(&head);
        for (at, _) in head.match_indices("dimension") {
            let tag = &head[at..];
            let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
            let Some(v) = tag.split_once("ref=").map(|(_, v)| v) else {
                continue;
            };
            let q = v.chars().next().unwrap_or('"');
            let v = v.trim_start_matches(q);
            let v = &v[..v.find(q).unwrap_or(v.len())];
            if let Some((a, b)) = v.split_once(':') {
                if let (Some(a), Some(b)) = (cell_ref(a), cell_ref(b)) {
                    if b.0 < a.0 || b.1 < a.1 {
                        return Err(ReadError::file(
                            name,
                            crate::notice::backwards_range(&part, v),
                        ));
                    }
                }
            }
        }
    }
    Ok(())
}

/// `B12` as (row 11, column 1), like calamine reads it.
fn cell_ref(s: &str) -> Option<(u64, u64)> {
    let s = s.trim().trim_start_matches('$');
    let letters = s.bytes().take_while(u8::is_ascii_alphabetic).count();
    let digits = s[letters..].trim_start_matches('$');
    if letters == 0
        || letters > 3
        || digits.is_empty()
        || !digits.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let col = s[..letters].bytes().fold(0u64, |n, b| {
        n * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row: u64 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, col - 1))
}

/// The non-empty cells of a sheet, gathered in any order, then laid out as
/// a table: the first non-blank row is the header, blank rows are skipped
/// (as the CSV reader skips blank lines), and row numbers are the sheet's.
#[derive(Default)]
struct SheetCells {
    cells: Vec<(u32, u32, String)>,
    errors: usize,
    first_error: Option<(u32, u32, String)>,
}

impl SheetCells {
    fn push(
        &mut self,
        name: &str,
        row: u32,
        col: u32,
        v: &calamine::Data,
    ) -> Result<(), ReadError> {
        use calamine::Data;
        let text = match v {
            Data::Empty => return Ok(()),
            Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
            Data::Float(f) => format_float(*f),
            Data::Int(i) => i.to_string(),
            Data::Bool(b) => b.to_string(),
            Data::Error(e) => {
                self.errors += 1;
                if self.first_error.is_none() {
                    self.first_error = Some((row, col, e.to_string()));
                }
                e.to_string()
            }
            Data::DateTime(dt) if dt.is_datetime() => {
                let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
            Data::DateTime(dt) => format_float(dt.as_f64()),
        };
        if self.cells.len() >= MAX_CELLS {
            return Err(ReadError::at(
                name,
                Some(row.saturating_add(1)),
                None,
                &crate::notice::sheet_too_many_cells(MAX_CELLS),
            ));
        }
        self.cells.push((row, col, text));
        Ok(())
    }

    fn into_result(
        mut self,
        name: &str,
        sheet: &str,
        sheets: Vec<String>,
        opts: &ReadOptions,
    ) -> Result<ReadResult, ReadError> {
        // Stable: of two cells at one place (a hostile file), the later wins.
        self.cells.sort_by_key(|&(r, c, _)| (r, c));
        let c0 = self.cells.iter().map(|c| c.1).min().unwrap_or(0);
        // u64: a corrupt reference can put a cell at column u32::MAX.
        let width = self
            .cells
            .iter()
            .map(|c| u64::from(c.1 - c0) + 1)
            .max()
            .unwrap_or(0);
        if width > MAX_COLUMNS as u64 {
            return Err(ReadError::file(
                name,
                crate::notice::sheet_too_many_columns(width, MAX_COLUMNS),
            ));
        }
        let width = width as usize;
        let mut warnings = Vec::new();
        let mut table: Option<Table> = None;
        let mut row_cells: Vec<String> = vec![String::new(); width];
        let mut i = 0;
        while i < self.cells.len() {
            let r = self.cells[i].0;
            row_cells.iter_mut().for_each(String::clear);
            while i < self.cells.len() && self.cells[i].0 == r {
                let (_, c, text) = &mut self.cells[i];
                row_cells[(*c - c0) as usize] = std::mem::take(text);
                i += 1;
            }
            if row_cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let number = r.saturating_add(1);
            match &mut table {
                None => {
                    let raw: Vec<&str> = row_cells.iter().map(|c| c.trim()).collect();
                    let headers = header_row(name, number, &raw, &mut warnings)?;
                    table = Some(Table::new(name, headers));
                }
                Some(t) => {
                    check_cells(name, number, t.len() + 1, width)?;
                    t.push_row(row_cells.iter().map(String::as_str), number);
                }
            }
        }
        let mut table =
            table.ok_or_else(|| ReadError::file(name, crate::notice::empty_sheet(sheet)))?;
        table.shrink_to_fit();
        if let Some((r, c, e)) = &self.first_error {
            let column = table
                .headers()
                .get((c - c0) as usize)
                .cloned()
                .unwrap_or_default();
            warnings.push(crate::notice::sheet_errors(
                name,
                self.errors,
                r + 1,
                &column,
                e,
            ));
        }
        if sheets.len() > 1 && opts.sheet.is_none() {
            warnings.push(crate::notice::first_sheet(name, sheet, sheets.len()));
        }
        Ok(ReadResult {
            table,
            encoding: "xlsx".into(),
            delimiter: None,
            sheets,
            warnings,
        })
    }
}

/// Formats a spreadsheet number the way the user typed it: `12`, not `12.0`.
fn format_float(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_splitter_numbers_lines_as_a_text_editor() {
        // Random texts of line ends, quotes, delimiters and letters: the
        // splitter's line of each record is the line its first byte is on.
        let alphabet: [&str; 8] = ["\r", "\n", "\r\n", "\"", ",", "a", "买", "\"\""];
        let mut x: u64 = 11;
        for _ in 0..3000 {
            let mut text = String::new();
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            for _ in 0..(x >> 58) {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(alphabet[(x >> 61) as usize]);
            }
            let mut lines = LineNumbers::new(&text);
            let mut split = crate::Splitter::new(text.as_bytes(), b',');
            let mut rec = Vec::new();
            while let Some(start) = split.next_record(&mut rec) {
                assert_eq!(
                    split.line() as u32,
                    lines.line(start),
                    "{text:?} at {start}"
                );
                let end = split.position();
                assert_eq!(
                    split.line_ends() as u32 + 1,
                    lines.line(end),
                    "{text:?} to {end}"
                );
            }
        }
    }

    #[test]
    fn utf16_and_boms() {
        let mut le = vec![0xFF, 0xFE];
        for u in "a,b\n1,买\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        let r = read_bytes("u16.csv", &le, &ReadOptions::default()).unwrap();
        assert_eq!(r.encoding, "UTF-16LE");
        assert_eq!(r.table.cell(0, 1), "买");
        let mut be = vec![0xFE, 0xFF];
        for u in "a,b\n1,买\n".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        let r = read_bytes("u16be.csv", &be, &ReadOptions::default()).unwrap();
        assert_eq!(r.encoding, "UTF-16BE");
        assert_eq!(r.table.cell(0, 1), "买");
        let r = read_bytes("bom.csv", b"\xEF\xBB\xBFid\n7\n", &ReadOptions::default()).unwrap();
        assert_eq!(r.table.headers(), ["id"]);
    }

    #[test]
    fn errors_name_file_and_row() {
        let e = read_bytes("e.csv", b"", &ReadOptions::default()).unwrap_err();
        assert_eq!(e.to_string(), "e.csv: the file is empty: no header row");
        let wide = "a,".repeat(5000) + "\n";
        let e = read_bytes("w.csv", wide.as_bytes(), &ReadOptions::default()).unwrap_err();
        assert_eq!(e.row, Some(1));
        assert!(e.message.contains("5001 columns"), "{e}");
    }

    #[test]
    fn headers_are_deduplicated_and_named() {
        let r = read_text("d.csv", "金额,金额,,x\n1,2,3,4\n", None).unwrap();
        assert_eq!(r.table.headers(), ["金额", "金额 (2)", "column 3", "x"]);
    }

    #[test]
    fn row_numbers_count_blank_lines_and_crlf() {
        let rows = |text: &str| {
            let t = read_text("x", text, None).unwrap().table;
            (0..t.len()).map(|r| t.row_number(r)).collect::<Vec<_>>()
        };
        assert_eq!(rows("a\n1\n\n2\n\n\n3\n"), [2, 4, 7]);
        assert_eq!(rows("a\r\n1\r\n\r\n2\r\n"), [2, 4]);
        assert_eq!(rows("\n\na,b\n1,\"x\r\ny\"\r\n2,z"), [4, 6]);
    }

    #[test]
    fn quoted_newlines_keep_row_numbers() {
        let r = read_text("q.csv", "a,b\n1,\"x\ny\"\n2,z\n", None).unwrap();
        assert_eq!(r.table.cell(0, 1), "x\ny");
        assert_eq!(r.table.row_number(1), 4);
    }

    #[test]
    fn newlines_are_counted_at_every_place_in_a_word() {
        let text = "a\nbc\n\n买\n0123456789\nxyz\n\n\n\n\n\n\n\n\x0b\u{8a}\n";
        for from in 0..text.len() {
            for to in from..=text.len() {
                let b = &text.as_bytes()[from..to];
                let want = b.iter().filter(|&&c| c == b'\n').count();
                assert_eq!(crate::stream::count_byte(b, b'\n'), want, "{from}..{to}");
            }
        }
    }

    #[test]
    fn overflow_cells_are_reported() {
        let r = read_text("o.csv", "a,b\n1,2,3\n", None).unwrap();
        assert_eq!(r.table.overflow_rows(), &[(2, 1)]);
        assert!(r.warnings[0].contains("row 2"));
    }
}
