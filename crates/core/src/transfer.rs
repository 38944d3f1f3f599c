//! A compact binary form of a [`ReadResult`], so a Web Worker can hand a
//! parsed table to the page as one transferable buffer (no per-cell
//! messages, no JSON of a 100 MB table).

use crate::{ReadResult, Table};

const MAGIC: &[u8; 8] = b"OPSCALC1";

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
        // Counted from the parts, not by a dry run of `write_to` (which
        // converts every cell offset: 2% of a million-row import).
        let t = &self.table;
        let strs = |l: &[String]| 4 + l.iter().map(|s| 4 + s.len()).sum::<usize>();
        MAGIC.len()
            + 4
            + t.name().len()
            + strs(t.headers())
            + 4
            + t.text_len()
            + 4
            + 4 * t.len() * t.headers().len()
            + 4
            + 4 * t.len()
            + 4
            + 8 * t.overflow_rows().len()
            + 4
            + self.encoding.len()
            + 4
            + strs(&self.sheets)
            + strs(&self.warnings)
    }

    /// Writes the encoding piece by piece, so a worker can copy a 100 MB
    /// table straight into a transferable buffer without a second copy in
    /// its own memory.
    pub fn write_to(&self, out: &mut dyn FnMut(&[u8])) {
        let t = &self.table;
        out(MAGIC);
        put_str(out, t.name());
        put_strs(out, t.headers());
        put_cells(out, t);
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
    }

    /// Decodes what [`ReadResult::to_bytes`] wrote; anything else is an
    /// error, never a panic.
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
        if &magic != MAGIC {
            return Err("not an OpsCalc table buffer".into());
        }
        let name = r.string()?;
        let headers = r.strings()?;
        let text = r.string()?;
        let ends = r.u32s()?;
        let row_numbers = r.u32s()?;
        let (overflow, encoding, delimiter, sheets, warnings) = r.tail()?;
        let table = Table::from_parts(name, headers, text, ends, row_numbers, overflow)?;
        Ok(ReadResult {
            table,
            encoding,
            delimiter,
            sheets,
            warnings,
        })
    }
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
        if &magic != MAGIC {
            return Err("not an OpsCalc table buffer".into());
        }
        let name = r.string()?;
        let headers = r.strings()?;
        // The cell text is skipped now and its prefix read once the cell
        // ends say how long it is.
        let text_len = r.count(1)?;
        let text_at = r.at;
        r.at += text_len;
        let cells = r.count(4)?;
        let total = if headers.is_empty() {
            0
        } else {
            cells / headers.len()
        };
        let n = rows.min(total);
        let ends_at = r.at;
        let ends = r.u32s_prefix(n * headers.len())?;
        r.at = ends_at + cells * 4;
        let numbers = r.count(4)?;
        let numbers_at = r.at;
        let row_numbers = r.u32s_prefix(n)?;
        r.at = numbers_at + numbers * 4;
        let (overflow, encoding, delimiter, sheets, warnings) = r.tail()?;
        let used = ends.last().map_or(0, |&e| e as usize);
        if used > text_len {
            return Err("cell offsets are out of order".into());
        }
        r.at = text_at;
        let mut text = vec![0u8; used];
        r.fill(&mut text)?;
        let text = String::from_utf8(text)
            .map_err(|_| "text in the table buffer is not UTF-8".to_string())?;
        let table = Table::from_parts(name, headers, text, ends, row_numbers, overflow)?;
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

/// The cells row after row: their text, then the end of each cell in it
/// (the form a table had when it was one text), in blocks of about 1 MiB.
fn put_cells(out: &mut dyn FnMut(&[u8]), t: &Table) {
    let mut block: Vec<u8> = Vec::with_capacity(BLOCK * 4 + 4096);
    out(&(t.text_len() as u32).to_le_bytes());
    for r in 0..t.len() {
        for cell in t.row(r) {
            block.extend_from_slice(cell.as_bytes());
        }
        if block.len() >= BLOCK * 4 {
            out(&block);
            block.clear();
        }
    }
    out(&block);
    block.clear();
    out(&((t.len() * t.headers().len()) as u32).to_le_bytes());
    let mut end = 0u32;
    for r in 0..t.len() {
        for cell in t.row(r) {
            end += cell.len() as u32;
            block.extend_from_slice(&end.to_le_bytes());
        }
        if block.len() >= BLOCK * 4 {
            out(&block);
            block.clear();
        }
    }
    out(&block);
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
    /// Everything after the row numbers, up to the end of the buffer,
    /// which must be reached exactly.
    fn tail(&mut self) -> Result<Tail, String> {
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
        if self.at != self.len {
            return Err("trailing bytes after the table".into());
        }
        Ok((overflow, encoding, delimiter, sheets, warnings))
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
        // An offset inside a multi-byte character is refused.
        let mut bad = bytes.clone();
        let at = bytes
            .windows(4)
            .position(|w| w == 3u32.to_le_bytes())
            .unwrap();
        bad[at] = 1; // first cell end "甲" = 3 bytes -> 1, inside the character
        assert!(ReadResult::from_bytes(&bad).is_err());
    }
}
