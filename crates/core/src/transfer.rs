//! A compact binary form of a [`ReadResult`], so a Web Worker can hand a
//! parsed table to the page as one transferable buffer (no per-cell
//! messages, no JSON of a 100 MB table).

use crate::table::{ColumnData, ColumnParts};
use crate::{Codes, ReadResult, Table};

/// The form of session 8 and before: every cell's text row after row, then
/// each cell's end. Still read (tables saved in the browser are in it).
const MAGIC_ROWS: &[u8; 8] = b"OPSCALC1";

/// The form written now: the table's columns as it keeps them (see
/// [`Table::codes`]), so a million-row table is copied out in a few large
/// pieces (encoding took 0.4 s cell by cell) and takes about 90 MB, not 160.
const MAGIC: &[u8; 8] = b"OPSCALC2";

/// How many rows of a table the page decodes to show (the import preview);
/// an import's first answer carries only these, the whole table follows.
///
/// # Example
/// ```
/// use opscalc_core::{read_text, PREVIEW_ROWS};
/// let r = read_text("o.csv", &"id\n7\n".repeat(30), None).unwrap();
/// assert_eq!(r.preview(PREVIEW_ROWS).table.len(), PREVIEW_ROWS);
/// ```
pub const PREVIEW_ROWS: usize = 20;

/// A column's kind in the buffer.
const PLAIN: u32 = 0;
const DICT8: u32 = 1;
const DICT16: u32 = 2;
const DICT32: u32 = 3;
/// Plain cells all of one length: the width, then the text (no offsets).
const FIXED: u32 = 4;

impl ReadResult {
    /// Encodes the result (table, encoding, delimiter, sheets, warnings).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{read_text, ReadResult};
    /// let r = read_text("o.csv", "id,买家\n1,amy\n2,\n", None).unwrap();
    /// let bytes = r.to_bytes();
    /// assert_eq!(bytes.len(), r.encoded_len());
    /// assert_eq!(ReadResult::from_bytes(&bytes).unwrap(), r);
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.write_to(&mut |piece| out.extend_from_slice(piece));
        out
    }

    /// The length of [`ReadResult::to_bytes`], to size a buffer first.
    pub fn encoded_len(&self) -> usize {
        let t = &self.table;
        let strs = |l: &[String]| 4 + l.iter().map(|s| 4 + s.len()).sum::<usize>();
        let columns: usize = (0..t.headers().len())
            .map(|c| match t.column_parts(c) {
                ColumnParts::Plain { text, ends } => 4 + 4 + text.len() + 4 + 4 * ends.len(),
                ColumnParts::Fixed { text, .. } => 4 + 4 + 4 + text.len(),
                ColumnParts::Dict {
                    values,
                    ends,
                    codes,
                } => {
                    4 + 4
                        + values.len()
                        + 4
                        + 4 * ends.len()
                        + 4
                        + codes.len() * codes.bytes_per_row()
                }
            })
            .sum();
        MAGIC.len()
            + 4
            + t.name().len()
            + strs(t.headers())
            + 4
            + 4 * t.len()
            + 4
            + 8 * t.overflow_rows().len()
            + 4
            + self.encoding.len()
            + 4
            + strs(&self.sheets)
            + strs(&self.warnings)
            + columns
    }

    /// Writes the encoding piece by piece, so a worker can copy a 100 MB
    /// table straight into a transferable buffer without a second copy in
    /// its own memory. Everything but the cells comes first, so a preview
    /// reads it without passing the cells.
    pub fn write_to(&self, out: &mut dyn FnMut(&[u8])) {
        let t = &self.table;
        out(MAGIC);
        put_str(out, t.name());
        put_strs(out, t.headers());
        put_u32s(out, t.row_numbers());
        out(&(t.overflow_rows().len() as u32).to_le_bytes());
        for &(row, n) in t.overflow_rows() {
            out(&row.to_le_bytes());
            out(&(n as u32).to_le_bytes());
        }
        put_str(out, &self.encoding);
        out(&self.delimiter.map_or(u32::MAX, u32::from).to_le_bytes());
        put_strs(out, &self.sheets);
        put_strs(out, &self.warnings);
        for c in 0..t.headers().len() {
            match t.column_parts(c) {
                ColumnParts::Plain { text, ends } => {
                    out(&PLAIN.to_le_bytes());
                    put_str(out, text);
                    put_u32s(out, ends);
                }
                ColumnParts::Fixed { text, width } => {
                    out(&FIXED.to_le_bytes());
                    out(&width.to_le_bytes());
                    put_str(out, text);
                }
                ColumnParts::Dict {
                    values,
                    ends,
                    codes,
                } => {
                    let kind = match codes.bytes_per_row() {
                        1 => DICT8,
                        2 => DICT16,
                        _ => DICT32,
                    };
                    out(&kind.to_le_bytes());
                    put_str(out, values);
                    put_u32s(out, ends);
                    out(&(codes.len() as u32).to_le_bytes());
                    for chunk in codes.as_bytes().chunks(BLOCK * 4) {
                        out(chunk);
                    }
                }
            }
        }
    }

    /// Decodes what [`ReadResult::to_bytes`] wrote (or wrote before
    /// session 9); anything else is an error, never a panic.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::ReadResult;
    /// assert!(ReadResult::from_bytes(b"not a table").is_err());
    /// ```
    pub fn from_bytes(bytes: &[u8]) -> Result<ReadResult, String> {
        ReadResult::read_from(bytes.len(), &mut |at, out| {
            out.copy_from_slice(&bytes[at..at + out.len()])
        })
    }

    /// Decodes from a buffer that is not in this program's memory (a
    /// worker's transferred buffer): `copy(at, out)` fills `out` from
    /// offset `at`, and is only asked for ranges inside `len`.
    pub fn read_from(
        len: usize,
        copy: &mut dyn FnMut(usize, &mut [u8]),
    ) -> Result<ReadResult, String> {
        let mut r = Reader { len, at: 0, copy };
        let mut magic = [0u8; 8];
        r.fill(&mut magic)?;
        if &magic == MAGIC_ROWS {
            return read_rows_form(&mut r);
        }
        if &magic != MAGIC {
            return Err("not an OpsCalc table buffer".into());
        }
        let name = r.string()?;
        let headers = r.strings()?;
        let row_numbers = r.u32s()?;
        let (overflow, encoding, delimiter, sheets, warnings) = r.tail_fields()?;
        let mut columns = Vec::with_capacity(headers.len().min(len));
        for _ in 0..headers.len() {
            columns.push(r.column()?);
        }
        r.end()?;
        let table = Table::from_columns(name, headers, columns, row_numbers, overflow)?;
        Ok(ReadResult {
            table,
            encoding,
            delimiter,
            sheets,
            warnings,
        })
    }
}

/// The rest of a buffer in the row form ([`MAGIC_ROWS`]).
fn read_rows_form(r: &mut Reader) -> Result<ReadResult, String> {
    let name = r.string()?;
    let headers = r.strings()?;
    let text = r.string()?;
    let ends = r.u32s()?;
    let row_numbers = r.u32s()?;
    let (overflow, encoding, delimiter, sheets, warnings) = r.tail_fields()?;
    r.end()?;
    let table = Table::from_parts(name, headers, text, ends, row_numbers, overflow)?;
    Ok(ReadResult {
        table,
        encoding,
        delimiter,
        sheets,
        warnings,
    })
}

impl ReadResult {
    /// The first `rows` rows of this result, with everything the reader
    /// found (encoding, sheets, warnings, rows with extra cells): what a
    /// page shows while the whole table lives elsewhere.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::read_text;
    /// let r = read_text("o.csv", "id\n1\n2\n3\n", None).unwrap();
    /// let p = r.preview(2);
    /// assert_eq!((p.table.len(), p.table.cell(1, 0)), (2, "2"));
    /// ```
    pub fn preview(&self, rows: usize) -> ReadResult {
        let table = self.table.head(rows);
        ReadResult {
            table,
            encoding: self.encoding.clone(),
            delimiter: self.delimiter,
            sheets: self.sheets.clone(),
            warnings: self.warnings.clone(),
        }
    }

    /// Decodes only the first `rows` rows of an encoded table (and
    /// everything else the reader found), with the table's full row count:
    /// a page shows a million-row table's preview without copying it.
    /// `copy` is as in [`ReadResult::read_from`].
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{read_text, ReadResult};
    /// let r = read_text("o.csv", "id,买家\n1,amy\n2,bob\n3,cat\n", None).unwrap();
    /// let bytes = r.to_bytes();
    /// let (p, rows) = ReadResult::preview_from(bytes.len(), &mut |at, out| {
    ///     out.copy_from_slice(&bytes[at..at + out.len()])
    /// }, 2).unwrap();
    /// assert_eq!(rows, 3);
    /// assert_eq!(p, r.preview(2));
    /// ```
    pub fn preview_from(
        len: usize,
        copy: &mut dyn FnMut(usize, &mut [u8]),
        rows: usize,
    ) -> Result<(ReadResult, usize), String> {
        let mut r = Reader { len, at: 0, copy };
        let mut magic = [0u8; 8];
        r.fill(&mut magic)?;
        let head = if &magic == MAGIC_ROWS {
            head_of_rows_form(&mut r, rows)?
        } else if &magic == MAGIC {
            head_of_columns(&mut r, rows)?
        } else {
            return Err("not an OpsCalc table buffer".into());
        };
        // One way to make the table from either form: the page's wasm
        // holds one copy of it.
        let Head {
            name,
            headers,
            row_numbers,
            tail: (overflow, encoding, delimiter, sheets, warnings),
            cells,
            total,
        } = head;
        let mut table = Table::new(&name, headers);
        for (i, &number) in row_numbers.iter().enumerate() {
            table.push_row(cells.iter().map(|c| c[i].as_str()), number);
        }
        table.overflow_rows = overflow;
        Ok((
            ReadResult {
                table,
                encoding,
                delimiter,
                sheets,
                warnings,
            },
            total,
        ))
    }
}

/// What a preview reads of a buffer: everything but the cells, each
/// column's first cells, and the table's row count.
struct Head {
    name: String,
    headers: Vec<String>,
    row_numbers: Vec<u32>,
    tail: Tail,
    /// Per column, its first cells.
    cells: Vec<Vec<String>>,
    total: usize,
}

/// The head of a buffer in the columnar form.
fn head_of_columns(r: &mut Reader, rows: usize) -> Result<Head, String> {
    let name = r.string()?;
    let headers = r.strings()?;
    let total = r.count(4)?;
    let numbers_at = r.at;
    let n = rows.min(total);
    let row_numbers = r.u32s_prefix(n)?;
    r.at = numbers_at + total * 4;
    let tail = r.tail_fields()?;
    let mut cells = Vec::with_capacity(headers.len().min(r.len));
    for _ in 0..headers.len() {
        cells.push(r.column_head(n, total)?);
    }
    r.end()?;
    Ok(Head {
        name,
        headers,
        row_numbers,
        tail,
        cells,
        total,
    })
}

/// The head of a buffer in the row form.
fn head_of_rows_form(r: &mut Reader, rows: usize) -> Result<Head, String> {
    let name = r.string()?;
    let headers = r.strings()?;
    // The cell text is skipped now and its prefix read once the cell
    // ends say how long it is.
    let text_len = r.count(1)?;
    let text_at = r.at;
    r.at += text_len;
    let count = r.count(4)?;
    let width = headers.len();
    let total = count.checked_div(width).unwrap_or(0);
    if total * width != count {
        return Err("cell count does not match rows x columns".into());
    }
    let n = rows.min(total);
    let ends_at = r.at;
    let ends = r.u32s_prefix(n * width)?;
    r.at = ends_at + count * 4;
    let numbers = r.count(4)?;
    if numbers != total {
        return Err("cell count does not match rows x columns".into());
    }
    let numbers_at = r.at;
    let row_numbers = r.u32s_prefix(n)?;
    r.at = numbers_at + numbers * 4;
    let tail = r.tail_fields()?;
    r.end()?;
    let mut cells = vec![Vec::with_capacity(n); width];
    let mut start = 0;
    for (i, &end) in ends.iter().enumerate() {
        let end = end as usize;
        if end < start || end > text_len {
            return Err("cell offsets are out of order".into());
        }
        cells[i % width].push(r.text_at(text_at + start, text_at + end)?);
        start = end;
    }
    Ok(Head {
        name,
        headers,
        row_numbers,
        tail,
        cells,
        total,
    })
}

fn put_str(out: &mut dyn FnMut(&[u8]), s: &str) {
    out(&(s.len() as u32).to_le_bytes());
    out(s.as_bytes());
}

fn put_strs(out: &mut dyn FnMut(&[u8]), list: &[String]) {
    out(&(list.len() as u32).to_le_bytes());
    for s in list {
        put_str(out, s);
    }
}

fn put_u32s(out: &mut dyn FnMut(&[u8]), list: &[u32]) {
    out(&(list.len() as u32).to_le_bytes());
    // In blocks: one call per 1 MiB, not per number. Writing into a block
    // of fixed size (not pushing four bytes at a time) compiles to a plain
    // copy on little-endian machines: the cell offsets of a million-row
    // table are 44 MB.
    let mut block = vec![0u8; list.len().min(BLOCK) * 4];
    for chunk in list.chunks(BLOCK) {
        let bytes = &mut block[..chunk.len() * 4];
        for (b, v) in bytes.chunks_exact_mut(4).zip(chunk) {
            b.copy_from_slice(&v.to_le_bytes());
        }
        out(bytes);
    }
}

const BLOCK: usize = 1 << 18;

struct Reader<'a> {
    len: usize,
    at: usize,
    copy: &'a mut dyn FnMut(usize, &mut [u8]),
}

/// What follows the rows: rows with extra cells, encoding, delimiter,
/// sheets and warnings.
type Tail = (
    Vec<(u32, usize)>,
    String,
    Option<u8>,
    Vec<String>,
    Vec<String>,
);

impl Reader<'_> {
    /// What follows the row numbers: rows with extra cells, encoding,
    /// delimiter, sheets and warnings.
    fn tail_fields(&mut self) -> Result<Tail, String> {
        let n = self.u32()? as usize;
        let mut overflow = Vec::with_capacity(n.min(self.len / 8));
        for _ in 0..n {
            overflow.push((self.u32()?, self.u32()? as usize));
        }
        let encoding = self.string()?;
        let delimiter = match self.u32()? {
            u32::MAX => None,
            d => Some(u8::try_from(d).map_err(|_| "bad delimiter")?),
        };
        let sheets = self.strings()?;
        let warnings = self.strings()?;
        Ok((overflow, encoding, delimiter, sheets, warnings))
    }

    /// The end of the buffer must be reached exactly.
    fn end(&self) -> Result<(), String> {
        if self.at != self.len {
            return Err("trailing bytes after the table".into());
        }
        Ok(())
    }

    /// Moves past `n` bytes.
    fn skip(&mut self, n: usize) -> Result<(), String> {
        self.at = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.len)
            .ok_or("the table buffer is cut short")?;
        Ok(())
    }

    /// A column's kind and the bytes each of its codes takes (0 for plain,
    /// [`Reader::FIXED`] for plain cells of one width).
    fn kind(&mut self) -> Result<usize, String> {
        match self.u32()? {
            PLAIN => Ok(0),
            FIXED => Ok(Self::FIXED),
            DICT8 => Ok(1),
            DICT16 => Ok(2),
            DICT32 => Ok(4),
            _ => Err("unknown column kind in the table buffer".into()),
        }
    }

    /// [`Reader::kind`] of a fixed-width plain column.
    const FIXED: usize = usize::MAX;

    /// One column, whole.
    fn column(&mut self) -> Result<ColumnData, String> {
        let width = self.kind()?;
        if width == Self::FIXED {
            let width = self.u32()?;
            let text = self.string()?;
            return Ok(ColumnData::Fixed { text, width });
        }
        if width == 0 {
            let text = self.string()?;
            let ends = self.u32s()?;
            return Ok(ColumnData::Plain { text, ends });
        }
        let values = self.string()?;
        let ends = self.u32s()?;
        let n = self.count(width)?;
        let mut bytes = vec![0u8; n * width];
        self.fill(&mut bytes)?;
        let codes = Codes::from_bytes(width, bytes)?;
        Ok(ColumnData::Dict {
            values,
            ends,
            codes,
        })
    }

    /// Bytes `from..to` of the buffer as text, leaving the position alone.
    fn text_at(&mut self, from: usize, to: usize) -> Result<String, String> {
        let back = self.at;
        if to < from {
            return Err("cell offsets are out of order".into());
        }
        self.at = from;
        let mut b = vec![0u8; to - from];
        let read = self.fill(&mut b);
        self.at = back;
        read?;
        String::from_utf8(b).map_err(|_| "a cell in the table buffer is not UTF-8".into())
    }

    /// A number at byte `at`, leaving the position alone.
    fn u32_at(&mut self, at: usize) -> Result<u32, String> {
        let back = self.at;
        self.at = at;
        let v = self.u32();
        self.at = back;
        v
    }

    /// The first `n` cells of a column of `total` rows, passing the rest.
    fn column_head(&mut self, n: usize, total: usize) -> Result<Vec<String>, String> {
        let width = self.kind()?;
        if width == Self::FIXED {
            let w = self.u32()? as usize;
            let text_len = self.count(1)?;
            let text_at = self.at;
            self.skip(text_len)?;
            if w == 0 || Some(text_len) != total.checked_mul(w) {
                return Err("a column's cell count does not match the rows".into());
            }
            return (0..n)
                .map(|i| self.text_at(text_at + i * w, text_at + (i + 1) * w))
                .collect();
        }
        let text_len = self.count(1)?;
        let text_at = self.at;
        self.skip(text_len)?;
        let ends_count = self.count(4)?;
        let ends_at = self.at;
        self.skip(ends_count * 4)?;
        let end_of = |r: &mut Self, i: usize| -> Result<usize, String> {
            if i == 0 {
                return Ok(0);
            }
            let e = r.u32_at(ends_at + (i - 1) * 4)? as usize;
            if e > text_len {
                return Err("cell offsets are out of order".into());
            }
            Ok(e)
        };
        let mut cells = Vec::with_capacity(n);
        if width == 0 {
            if ends_count != total {
                return Err("a column's cell count does not match the rows".into());
            }
            for i in 0..n {
                let (from, to) = (end_of(self, i)?, end_of(self, i + 1)?);
                cells.push(self.text_at(text_at + from, text_at + to)?);
            }
            return Ok(cells);
        }
        let codes = self.count(width)?;
        if codes != total {
            return Err("a column's cell count does not match the rows".into());
        }
        let codes_at = self.at;
        self.skip(codes * width)?;
        let back = self.at;
        for i in 0..n {
            self.at = codes_at + i * width;
            let mut b = [0u8; 4];
            self.fill(&mut b[..width])?;
            let code = u32::from_le_bytes(b) as usize;
            if code >= ends_count {
                return Err("a cell names a value that is not there".into());
            }
            let (from, to) = (end_of(self, code)?, end_of(self, code + 1)?);
            cells.push(self.text_at(text_at + from, text_at + to)?);
        }
        self.at = back;
        Ok(cells)
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), String> {
        let end = self
            .at
            .checked_add(out.len())
            .filter(|&e| e <= self.len)
            .ok_or("the table buffer is cut short")?;
        (self.copy)(self.at, out);
        self.at = end;
        Ok(())
    }

    fn u32(&mut self) -> Result<u32, String> {
        let mut b = [0u8; 4];
        self.fill(&mut b)?;
        Ok(u32::from_le_bytes(b))
    }

    /// A length, checked against what is left before allocating for it.
    fn count(&mut self, size: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        match n.checked_mul(size) {
            Some(b) if b <= self.len - self.at => Ok(n),
            _ => Err("the table buffer is cut short".into()),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        let n = self.count(1)?;
        let mut b = vec![0u8; n];
        self.fill(&mut b)?;
        String::from_utf8(b).map_err(|_| "text in the table buffer is not UTF-8".into())
    }

    fn strings(&mut self) -> Result<Vec<String>, String> {
        let n = self.count(4)?;
        (0..n).map(|_| self.string()).collect()
    }

    /// The first `n` numbers of a list whose count was already read.
    fn u32s_prefix(&mut self, n: usize) -> Result<Vec<u32>, String> {
        let mut b = vec![0u8; n * 4];
        self.fill(&mut b)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    fn u32s(&mut self) -> Result<Vec<u32>, String> {
        let n = self.count(4)?;
        let mut out = Vec::with_capacity(n);
        let mut block = vec![0u8; n.min(BLOCK) * 4];
        while out.len() < n {
            let k = (n - out.len()).min(BLOCK);
            self.fill(&mut block[..k * 4])?;
            out.extend(
                block[..k * 4]
                    .chunks_exact(4)
                    .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])),
            );
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use crate::{read_bytes, ReadOptions, ReadResult};

    #[test]
    fn round_trip_keeps_everything_the_reader_found() {
        let r = read_bytes(
            "x.csv",
            "a;b;a\n1;\"2;3\";x;extra\n\n4;5;6\n".as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        assert_eq!(r.delimiter, Some(b';'));
        assert_eq!(r.table.overflow_rows().len(), 1);
        assert!(!r.warnings.is_empty());
        let back = ReadResult::from_bytes(&r.to_bytes()).unwrap();
        assert_eq!(back, r);
        // The length is counted, not written: it must match what is.
        let mut written = 0;
        r.write_to(&mut |piece| written += piece.len());
        assert_eq!(r.encoded_len(), written);
        assert_eq!(back.table.cell(0, 1), "2;3");
        assert_eq!(back.table.row_number(1), 4);
    }

    #[test]
    fn a_preview_decodes_the_first_rows_of_a_large_table() {
        let mut csv = String::from("单号,买家\n");
        for i in 0..500 {
            csv.push_str(&format!("{i},买家{i}\n"));
        }
        csv.push_str("x,y,extra\n");
        let r = read_bytes("o.csv", csv.as_bytes(), &ReadOptions::default()).unwrap();
        let bytes = r.to_bytes();
        let copy = &mut |at: usize, out: &mut [u8]| out.copy_from_slice(&bytes[at..at + out.len()]);
        let (p, rows) = ReadResult::preview_from(bytes.len(), copy, 20).unwrap();
        assert_eq!(rows, 501);
        assert_eq!(p.table.len(), 20);
        assert_eq!(p.table.cell(19, 1), "买家19");
        assert_eq!(p.table.row_number(19), 21);
        // What the reader found about the whole file comes along.
        assert_eq!(p.table.overflow_rows(), r.table.overflow_rows());
        assert_eq!(p.warnings, r.warnings);
        assert_eq!(p, r.preview(20));
        // More rows asked than there are: all of them.
        let (all, n) = ReadResult::preview_from(bytes.len(), copy, 10_000).unwrap();
        assert_eq!((all, n), (r.clone(), 501));
        // Damage is an error, never a panic.
        for cut in 0..bytes.len() {
            let b = &bytes[..cut];
            let c = &mut |at: usize, out: &mut [u8]| out.copy_from_slice(&b[at..at + out.len()]);
            assert!(
                ReadResult::preview_from(cut, c, 20).is_err(),
                "cut at {cut}"
            );
        }
    }

    /// The row form that sessions up to 8 wrote (and browsers may have
    /// saved): every cell's text row after row, then each cell's end.
    fn rows_form(r: &ReadResult) -> Vec<u8> {
        let t = &r.table;
        let mut out = Vec::new();
        let mut put = |b: &[u8]| out.extend_from_slice(b);
        let strs = |put: &mut dyn FnMut(&[u8]), l: &[String]| {
            put(&(l.len() as u32).to_le_bytes());
            for s in l {
                put(&(s.len() as u32).to_le_bytes());
                put(s.as_bytes());
            }
        };
        put(b"OPSCALC1");
        put(&(t.name().len() as u32).to_le_bytes());
        put(t.name().as_bytes());
        strs(&mut put, t.headers());
        let text: String = (0..t.len())
            .flat_map(|r| t.row(r).collect::<Vec<_>>())
            .collect();
        put(&(text.len() as u32).to_le_bytes());
        put(text.as_bytes());
        put(&((t.len() * t.headers().len()) as u32).to_le_bytes());
        let mut end = 0u32;
        for r in 0..t.len() {
            for c in t.row(r) {
                end += c.len() as u32;
                put(&end.to_le_bytes());
            }
        }
        put(&(t.len() as u32).to_le_bytes());
        for r in 0..t.len() {
            put(&t.row_number(r).to_le_bytes());
        }
        put(&(t.overflow_rows().len() as u32).to_le_bytes());
        for &(row, n) in t.overflow_rows() {
            put(&row.to_le_bytes());
            put(&(n as u32).to_le_bytes());
        }
        put(&(r.encoding.len() as u32).to_le_bytes());
        put(r.encoding.as_bytes());
        put(&r.delimiter.map_or(u32::MAX, u32::from).to_le_bytes());
        strs(&mut put, &r.sheets);
        strs(&mut put, &r.warnings);
        out
    }

    /// 6,000 rows: ids and times all distinct (plain columns; the times all
    /// 19 bytes, so without offsets), 300 SKUs (two-byte codes), statuses
    /// of 3 kinds (one byte), and a row with an extra cell.
    fn mixed() -> ReadResult {
        let mut csv = String::from("单号,时间,SKU,状态\n");
        for i in 0..6000 {
            let status = ["交易成功", "交易关闭", ""][i % 3];
            csv.push_str(&format!(
                "A{i},2024-03-{:02} 10:{:02}:{:02},SKU-{},{status}\n",
                i % 28 + 1,
                i / 60 % 60,
                i % 60,
                i % 300
            ));
        }
        csv.push_str("B,2024-03-01 00:00:00,x,交易成功,extra\n");
        read_bytes("m.csv", csv.as_bytes(), &ReadOptions::default()).unwrap()
    }

    #[test]
    fn columns_round_trip_in_every_form() {
        let r = mixed();
        assert!(r.table.codes(0).is_none() && r.table.codes(1).is_none());
        assert_eq!(r.table.codes(2).unwrap().bytes_per_row(), 2);
        assert_eq!(r.table.codes(3).unwrap().bytes_per_row(), 1);
        assert_eq!(
            (r.table.fixed_width(1), r.table.fixed_width(0)),
            (Some(19), None)
        );
        let bytes = r.to_bytes();
        assert_eq!(bytes.len(), r.encoded_len());
        assert_eq!(&bytes[..8], b"OPSCALC2");
        let back = ReadResult::from_bytes(&bytes).unwrap();
        assert_eq!(back, r);
        assert_eq!(back.table.cell(5999, 2), "SKU-299");
        assert_eq!(back.table.codes(2).unwrap().bytes_per_row(), 2);
        assert_eq!(
            back.table.fixed_width(1),
            Some(19),
            "read back without offsets"
        );
        assert_eq!(back.table.cell(6000, 1), "2024-03-01 00:00:00");
        // Smaller than the row form, which holds an end for every cell.
        let old = rows_form(&r);
        assert!(bytes.len() < old.len(), "{} vs {}", bytes.len(), old.len());
        let copy = |b: &[u8]| {
            let b = b.to_vec();
            move |at: usize, out: &mut [u8]| out.copy_from_slice(&b[at..at + out.len()])
        };
        let (p, rows) = ReadResult::preview_from(bytes.len(), &mut copy(&bytes), 20).unwrap();
        assert_eq!((rows, p.clone()), (6001, r.preview(20)));
        assert_eq!(p.table.cell(19, 3), "交易关闭");
        // Cut anywhere, the buffer is an error, not a panic (every 97th
        // byte, and every byte of the end).
        for cut in (0..bytes.len())
            .step_by(97)
            .chain(bytes.len() - 300..bytes.len())
        {
            assert!(
                ReadResult::from_bytes(&bytes[..cut]).is_err(),
                "cut at {cut}"
            );
            let c = &bytes[..cut];
            assert!(
                ReadResult::preview_from(cut, &mut copy(c), 20).is_err(),
                "cut at {cut}"
            );
        }
        // A code naming a value that is not there is refused.
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 1] = 200; // the last status code: there are three values
        assert!(ReadResult::from_bytes(&bad).is_err());
    }

    #[test]
    fn hostile_buffers_are_errors() {
        let strs = |out: &mut Vec<u8>, l: &[&str]| {
            out.extend((l.len() as u32).to_le_bytes());
            for s in l {
                out.extend((s.len() as u32).to_le_bytes());
                out.extend(s.as_bytes());
            }
        };
        // No rows with extra cells, the encoding, no delimiter, no sheets,
        // no warnings.
        let tail = |out: &mut Vec<u8>| {
            out.extend(0u32.to_le_bytes());
            out.extend(5u32.to_le_bytes());
            out.extend(b"UTF-8");
            out.extend(u32::MAX.to_le_bytes());
            out.extend(0u32.to_le_bytes());
            out.extend(0u32.to_le_bytes());
        };
        // Row form: 65,536 rows of 65,536 empty columns and no cell ends;
        // rows x columns wraps to 0 in the page's 32-bit arithmetic (here,
        // natively, it cannot wrap: this checks the error, not the wrap).
        let mut b = b"OPSCALC1".to_vec();
        b.extend(1u32.to_le_bytes()); // the name, "t"
        b.push(b't');
        strs(&mut b, &vec![""; 1 << 16]);
        b.extend(0u32.to_le_bytes()); // text
        b.extend(0u32.to_le_bytes()); // cell ends
        b.extend((1u32 << 16).to_le_bytes());
        b.extend(std::iter::repeat_n(2u32.to_le_bytes(), 1 << 16).flatten());
        tail(&mut b);
        let e = ReadResult::from_bytes(&b).unwrap_err();
        assert!(e.contains("rows x columns"), "{e}");
        // Columnar form: a dictionary holding one value twice would make
        // two equal rows look different.
        let mut b = b"OPSCALC2".to_vec();
        b.extend(1u32.to_le_bytes()); // the name, "t"
        b.push(b't');
        strs(&mut b, &["a"]);
        b.extend(2u32.to_le_bytes());
        b.extend([2u32, 3].iter().flat_map(|n| n.to_le_bytes()));
        tail(&mut b);
        b.extend(1u32.to_le_bytes()); // one-byte codes
        b.extend(2u32.to_le_bytes());
        b.extend(b"xx");
        b.extend(2u32.to_le_bytes());
        b.extend([1u32, 2].iter().flat_map(|n| n.to_le_bytes()));
        b.extend(2u32.to_le_bytes());
        b.extend([0u8, 1]);
        let e = ReadResult::from_bytes(&b).unwrap_err();
        assert!(e.contains("twice"), "{e}");
        // The same buffer with distinct values reads.
        let at = b.len() - 2 - 4 - 8 - 4 - 2;
        b[at + 1] = b'y';
        let r = ReadResult::from_bytes(&b).unwrap();
        assert_eq!((r.table.cell(0, 0), r.table.cell(1, 0)), ("x", "y"));
        // Fixed-width cells: two rows of width 2 read; a width of 0, text
        // not rows x width long, or a cut inside a character do not.
        let fixed = |width: u32, text: &str| {
            let mut b = b"OPSCALC2".to_vec();
            b.extend(1u32.to_le_bytes());
            b.push(b't');
            strs(&mut b, &["a"]);
            b.extend(2u32.to_le_bytes());
            b.extend([2u32, 3].iter().flat_map(|n| n.to_le_bytes()));
            tail(&mut b);
            b.extend(4u32.to_le_bytes());
            b.extend(width.to_le_bytes());
            b.extend((text.len() as u32).to_le_bytes());
            b.extend(text.as_bytes());
            b
        };
        let r = ReadResult::from_bytes(&fixed(2, "x1y2")).unwrap();
        assert_eq!((r.table.cell(0, 0), r.table.cell(1, 0)), ("x1", "y2"));
        let preview = |b: &[u8]| {
            ReadResult::preview_from(
                b.len(),
                &mut |at, out| out.copy_from_slice(&b[at..at + out.len()]),
                1,
            )
        };
        assert_eq!(preview(&fixed(2, "x1y2")).unwrap().0.table.cell(0, 0), "x1");
        for (width, text) in [(0, ""), (2, "x1y"), (3, "x1y2"), (2, "a买")] {
            let b = fixed(width, text);
            assert!(ReadResult::from_bytes(&b).is_err(), "{width} {text}");
            assert!(preview(&b).is_err(), "{width} {text}");
        }
    }

    #[test]
    fn tables_saved_in_the_row_form_still_open() {
        let r = mixed();
        let old = rows_form(&r);
        assert_eq!(ReadResult::from_bytes(&old).unwrap(), r);
        let copy = &mut |at: usize, out: &mut [u8]| out.copy_from_slice(&old[at..at + out.len()]);
        let (p, rows) = ReadResult::preview_from(old.len(), copy, 20).unwrap();
        assert_eq!((p, rows), (r.preview(20), 6001));
        let small =
            read_bytes("x.csv", "名,额\n甲,1\n".as_bytes(), &ReadOptions::default()).unwrap();
        let old = rows_form(&small);
        for n in 0..old.len() {
            assert!(ReadResult::from_bytes(&old[..n]).is_err(), "cut at {n}");
        }
    }

    #[test]
    fn every_truncation_is_an_error_not_a_panic() {
        let r = read_bytes(
            "x.csv",
            "名,额\n甲,1\n乙,2\n".as_bytes(),
            &ReadOptions::default(),
        )
        .unwrap();
        let bytes = r.to_bytes();
        for n in 0..bytes.len() {
            assert!(ReadResult::from_bytes(&bytes[..n]).is_err(), "cut at {n}");
        }
        // An offset inside a multi-byte character is refused (the row
        // form, whose cell ends come first).
        let bytes = rows_form(&r);
        let mut bad = bytes.clone();
        // The cell count (4), then the first cell's end.
        let at = bytes
            .windows(8)
            .position(|w| w == [4, 0, 0, 0, 3, 0, 0, 0])
            .unwrap()
            + 4;
        bad[at] = 1; // first cell end "甲" = 3 bytes -> 1, inside the character
        assert!(ReadResult::from_bytes(&bad).is_err());
    }
}
