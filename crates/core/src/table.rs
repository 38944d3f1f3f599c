//! A compact, read-only table of text cells.
//!
//! All cells live in one `String`, addressed by end offsets, so a 100 MB
//! file costs about its own size plus 4 bytes a cell rather than a heap
//! allocation per cell.

/// A table read from one file (or paste): a header row and data rows, each
/// data row remembering its row number in the file for messages.
///
/// # Example
/// ```
/// use opscalc_core::Table;
/// let t = Table::from_rows("t.csv", &["a", "b"], &[&["1", "2"], &["3"]]);
/// assert_eq!(t.len(), 2);
/// assert_eq!(t.cell(1, 0), "3");
/// assert_eq!(t.cell(1, 1), "");
/// assert_eq!(t.row_number(1), 3);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    name: String,
    headers: Vec<String>,
    text: String,
    ends: Vec<u32>,
    row_numbers: Vec<u32>,
    /// Rows that had more cells than the header, with the count of extra
    /// non-empty cells (kept out of the table, and reported).
    pub(crate) overflow_rows: Vec<(u32, usize)>,
}

impl Table {
    /// An empty table with these headers.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Table;
    /// let t = Table::new("x.csv", vec!["a".into()]);
    /// assert!(t.is_empty());
    /// ```
    pub fn new(name: &str, headers: Vec<String>) -> Table {
        Table {
            name: name.to_string(),
            headers,
            ..Table::default()
        }
    }

    /// Builds a table from literal rows (short rows are padded), numbering
    /// data rows from 2 as a spreadsheet would.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Table;
    /// let t = Table::from_rows("x", &["id"], &[&["7"]]);
    /// assert_eq!(t.cell(0, 0), "7");
    /// ```
    pub fn from_rows(name: &str, headers: &[&str], rows: &[&[&str]]) -> Table {
        let mut t = Table::new(name, headers.iter().map(|h| h.to_string()).collect());
        for (i, r) in rows.iter().enumerate() {
            t.push_row(r.iter().copied(), i as u32 + 2);
        }
        t
    }

    /// [`Table::from_rows`] from rows of owned strings (generated tables:
    /// practice exercises, tests).
    pub(crate) fn from_owned_rows<R: AsRef<[String]>>(
        name: &str,
        headers: &[&str],
        rows: &[R],
    ) -> Table {
        let mut t = Table::new(name, headers.iter().map(|h| h.to_string()).collect());
        for (i, r) in rows.iter().enumerate() {
            t.push_row(r.as_ref().iter().map(String::as_str), i as u32 + 2);
        }
        t
    }

    /// Reserves room for about `bytes` of cell text and `rows` rows.
    pub(crate) fn reserve(&mut self, bytes: usize, rows: usize) {
        self.text.reserve(bytes);
        self.ends.reserve(rows * self.headers.len());
        self.row_numbers.reserve(rows);
    }

    /// Gives back room reserved beyond what the table holds.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.row_numbers.shrink_to_fit();
    }

    /// Appends a row; cells beyond the header width are counted, not stored.
    pub(crate) fn push_row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>, number: u32) {
        let width = self.headers.len();
        let mut n = 0;
        let mut extra = 0;
        for c in cells {
            if n < width {
                self.text.push_str(c);
                self.ends.push(self.text.len() as u32);
            } else if !c.trim().is_empty() {
                extra += 1;
            }
            n += 1;
        }
        for _ in n..width {
            self.ends.push(self.text.len() as u32);
        }
        if extra > 0 {
            self.overflow_rows.push((number, extra));
        }
        self.row_numbers.push(number);
    }

    /// The file name, used in every message about this table.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The header row.
    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Number of data rows.
    pub fn len(&self) -> usize {
        self.row_numbers.len()
    }

    /// True when there are no data rows.
    pub fn is_empty(&self) -> bool {
        self.row_numbers.is_empty()
    }

    /// The text of one cell.
    // Always: in the worker's wasm, LLVM left it a call in the row loops
    // of building orders (a tenth of that step's time).
    #[inline(always)]
    pub fn cell(&self, row: usize, col: usize) -> &str {
        let i = row * self.headers.len() + col;
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The cells of one row.
    pub fn row(&self, row: usize) -> impl Iterator<Item = &str> + '_ {
        (0..self.headers.len()).map(move |c| self.cell(row, c))
    }

    /// The table's parts, for [`crate::ReadResult::to_bytes`].
    #[allow(clippy::type_complexity)]
    pub(crate) fn parts(&self) -> (&str, &[String], &str, &[u32], &[u32], &[(u32, usize)]) {
        (
            &self.name,
            &self.headers,
            &self.text,
            &self.ends,
            &self.row_numbers,
            &self.overflow_rows,
        )
    }

    /// A table from its parts, checked so that no later `cell` call can
    /// slice out of bounds or inside a character.
    pub(crate) fn from_parts(
        name: String,
        headers: Vec<String>,
        text: String,
        ends: Vec<u32>,
        row_numbers: Vec<u32>,
        overflow_rows: Vec<(u32, usize)>,
    ) -> Result<Table, String> {
        if ends.len() != row_numbers.len() * headers.len() {
            return Err("cell count does not match rows x columns".into());
        }
        let mut prev = 0u32;
        for &e in &ends {
            if e < prev || e as usize > text.len() || !text.is_char_boundary(e as usize) {
                return Err("cell offsets are out of order".into());
            }
            prev = e;
        }
        Ok(Table {
            name,
            headers,
            text,
            ends,
            row_numbers,
            overflow_rows,
        })
    }

    /// A row's text (its cells stored back to back), the byte offset where
    /// it starts, and its cells' end offsets: a whole row at once, for
    /// duplicate screening without a pass per cell.
    pub(crate) fn row_raw(&self, row: usize) -> (&str, usize, &[u32]) {
        let w = self.headers.len();
        let ends = &self.ends[row * w..(row + 1) * w];
        let start = if row * w == 0 {
            0
        } else {
            self.ends[row * w - 1] as usize
        };
        let end = ends.last().map_or(start, |&e| e as usize);
        (&self.text[start..end], start, ends)
    }

    /// The row number in the file (the header is row 1 in a plain file).
    pub fn row_number(&self, row: usize) -> u32 {
        self.row_numbers[row]
    }

    /// Approximate bytes held, for the data-quality panel and benchmarks.
    pub fn heap_bytes(&self) -> usize {
        self.text.capacity() + self.ends.capacity() * 4 + self.row_numbers.capacity() * 4
    }

    /// Rows whose cells ran past the header, with how many non-empty extra
    /// cells each had.
    pub fn overflow_rows(&self) -> &[(u32, usize)] {
        &self.overflow_rows
    }

    /// The table as CSV text (RFC 4180 quoting), for round-trip tests and
    /// exports.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Table;
    /// let t = Table::from_rows("x", &["a", "b"], &[&["1", "x,y"]]);
    /// assert_eq!(t.to_csv(), "a,b\n1,\"x,y\"\n");
    /// ```
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        let line = |out: &mut String, cells: &mut dyn Iterator<Item = &str>| {
            for (i, c) in cells.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                crate::export::push_csv_cell(out, c, false);
            }
            out.push('\n');
        };
        line(&mut out, &mut self.headers.iter().map(String::as_str));
        for r in 0..self.len() {
            line(&mut out, &mut self.row(r));
        }
        out
    }
}

/// `s.trim()`, without decoding characters when both ends are plainly not
/// whitespace (nearly every cell): `str::trim` walks chars from both ends
/// through the Unicode whitespace table, six times per order line.
///
/// # Example
/// ```
/// use opscalc_core::trim_cell;
/// assert_eq!(trim_cell("a b"), "a b");
/// assert_eq!(trim_cell("\u{3000}买家 "), "买家");
/// ```
#[inline]
pub fn trim_cell(s: &str) -> &str {
    let solid = |b: u8| b > b' ' && b < 0x80;
    match s.as_bytes() {
        [f, .., l] if solid(*f) && solid(*l) => s,
        [c] if solid(*c) => s,
        _ => s.trim(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_cell_is_trim() {
        let ends = [
            "", " ", "\t", "\r\n", "\u{3000}", "\u{a0}", "\u{85}", "\u{1c}", "a", "买", "\"", "~",
        ];
        for a in ends {
            for b in ends {
                for mid in ["", "x", "a b", "买家"] {
                    let s = format!("{a}{mid}{b}");
                    assert_eq!(trim_cell(&s), s.trim(), "{s:?}");
                }
            }
        }
    }
}
