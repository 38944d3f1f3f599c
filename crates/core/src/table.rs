//! A compact, read-only table of text cells, stored by column.
//!
//! Each column keeps its cells one of two ways. A column of few distinct
//! values (statuses, categories, SKUs, buyers, amounts: most columns of an
//! export) keeps each distinct value once and a 4-byte code per row; a
//! column of mostly distinct values (order ids, times) keeps its cells back
//! to back in one `String`, addressed by end offsets. Either way a cell is
//! a `&str` and no cell is a heap allocation of its own. A million-order
//! export (112 MB of cell text) takes about 100 MB instead of 160 MB as
//! one text, and the builders can read a value's code instead of hashing
//! its text again.

use std::hash::Hasher;

/// How many rows pass between looks at whether a column's values repeat
/// enough to keep them as codes.
const REVIEW_EVERY: usize = 1 << 12;

/// A column of codes becomes plain text once it has more than this many
/// distinct values and they are over half its rows: below it a dictionary
/// costs little whatever the data. Ids and times turn plain after the
/// first 4,096 rows, before their lookups cost much; a column of 150,000
/// buyers over a million rows (or amounts, or SKUs) keeps its codes.
const DICT_SMALL: usize = 1 << 11;

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
#[derive(Clone, Debug, Default)]
pub struct Table {
    name: String,
    headers: Vec<String>,
    columns: Vec<Column>,
    row_numbers: Vec<u32>,
    /// Rows that had more cells than the header, with the count of extra
    /// non-empty cells (kept out of the table, and reported).
    pub(crate) overflow_rows: Vec<(u32, usize)>,
    /// Rows the reader expects in all (from the file's size), to size a
    /// column's text once when it turns plain.
    expect_rows: usize,
}

/// One column's cells (see the module documentation).
#[derive(Clone, Debug, Default)]
struct Column {
    /// Whether cells are codes of distinct values (else plain text).
    dict: bool,
    /// The code of each row's value (dictionary columns only).
    codes: Codes,
    /// Plain: every cell back to back. Dictionary: each distinct value.
    text: String,
    /// Where each cell (plain) or value (dictionary) ends in `text`; empty
    /// while a plain column's cells all have one length (`fixed_width`).
    ends: Vec<u32>,
    /// A plain column's cell length while every cell has it (order ids,
    /// times): cell `i` is then `text[i * w..][..w]` and needs no end
    /// offset, 4 bytes a row. 0 once lengths vary (and in dictionaries).
    fixed_width: u32,
    /// Rows the table expects, to size `ends` once when lengths start to
    /// vary (set when the column turns plain).
    expect_rows: usize,
    /// Bytes of all the column's cells, as plain text would hold them.
    bytes: usize,
    /// Finds a value's code as rows come (dictionary columns); dropped
    /// when the table is complete, rebuilt if rows are added later.
    index: Option<Box<Index>>,
}

/// The value code of each row of a column that keeps codes (see
/// [`Table::codes`]), one byte a row while it has at most 256 values, two
/// up to 65,536: a status, category or channel column costs 1 MB at a
/// million rows, not 4.
///
/// # Example
/// ```
/// use opscalc_core::Table;
/// let rows: Vec<String> = (0..300).map(|i| format!("v{i}")).collect();
/// let rows: Vec<[&str; 1]> = rows.iter().map(|r| [r.as_str()]).collect();
/// let rows: Vec<&[&str]> = rows.iter().map(|r| &r[..]).collect();
/// let t = Table::from_rows("x", &["v"], &rows);
/// let codes = t.codes(0).unwrap();
/// assert_eq!((codes.len(), codes.get(299)), (300, 299));
/// assert_eq!(codes.bytes_per_row(), 2);
/// ```
#[derive(Clone, Debug)]
pub struct Codes {
    /// Bytes a code takes: 1, 2 or 4.
    width: usize,
    /// The codes, little-endian, `width` bytes each: the form they are
    /// written in for the page, so they are copied out as they are.
    bytes: Vec<u8>,
}

impl Default for Codes {
    fn default() -> Codes {
        Codes {
            width: 1,
            bytes: Vec::new(),
        }
    }
}

impl Codes {
    /// Codes of `width` bytes (1, 2 or 4) from their little-endian bytes.
    pub(crate) fn from_bytes(width: usize, bytes: Vec<u8>) -> Result<Codes, String> {
        if !matches!(width, 1 | 2 | 4) || !bytes.len().is_multiple_of(width) {
            return Err("codes of an unknown width".into());
        }
        Ok(Codes { width, bytes })
    }

    /// The codes' little-endian bytes.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The code of row `row`.
    #[inline(always)]
    pub fn get(&self, row: usize) -> u32 {
        let at = row * self.width;
        match self.width {
            1 => u32::from(self.bytes[at]),
            2 => u32::from(u16::from_le_bytes([self.bytes[at], self.bytes[at + 1]])),
            _ => {
                let b = &self.bytes[at..at + 4];
                u32::from_le_bytes([b[0], b[1], b[2], b[3]])
            }
        }
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.bytes.len() / self.width
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// Bytes each row's code takes.
    pub fn bytes_per_row(&self) -> usize {
        self.width
    }

    #[inline]
    fn push(&mut self, code: u32) {
        if self.width < 4 && code >> (8 * self.width) != 0 {
            self.widen(code);
        }
        // Fixed-size copies: a slice of the code's bytes cut to the width
        // was a `memcpy` call per cell in the worker's wasm.
        match self.width {
            1 => self.bytes.push(code as u8),
            2 => self.bytes.extend_from_slice(&(code as u16).to_le_bytes()),
            _ => self.bytes.extend_from_slice(&code.to_le_bytes()),
        }
    }

    /// The next width that holds `code`, with room for as many rows as
    /// now.
    #[cold]
    fn widen(&mut self, code: u32) {
        let width = if code <= 0xFFFF { 2 } else { 4 };
        let rows = self.bytes.capacity() / self.width;
        let mut bytes = Vec::with_capacity(rows * width);
        for r in 0..self.len() {
            bytes.extend_from_slice(&self.get(r).to_le_bytes()[..width]);
        }
        *self = Codes { width, bytes };
    }

    fn reserve(&mut self, rows: usize) {
        self.bytes.reserve(rows * self.width);
    }

    fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
    }

    fn capacity_bytes(&self) -> usize {
        self.bytes.capacity()
    }

    fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }
}

/// How a column keeps its cells, as [`Table::column_parts`] lends them.
pub(crate) enum ColumnParts<'a> {
    /// Every cell back to back, and where each ends.
    Plain { text: &'a str, ends: &'a [u32] },
    /// Every cell back to back, all `width` bytes long.
    Fixed { text: &'a str, width: u32 },
    /// Distinct values back to back, where each ends, and each row's code.
    Dict {
        values: &'a str,
        ends: &'a [u32],
        codes: &'a Codes,
    },
}

/// [`ColumnParts`], owned: what [`Table::from_columns`] takes.
pub(crate) enum ColumnData {
    Plain {
        text: String,
        ends: Vec<u32>,
    },
    Fixed {
        text: String,
        width: u32,
    },
    Dict {
        values: String,
        ends: Vec<u32>,
        codes: Codes,
    },
}

/// The codes of a dictionary column's values: a value with a
/// [`crate::short_key`] is found by comparing integers; another by the
/// hash of its text, checked against the text (two values may share a
/// hash). One table for both keeps the page's wasm small (two hash maps
/// of other types were 3 KB gzipped of its first load).
#[derive(Clone, Debug, Default)]
struct Index {
    slots: ShortKeys,
}

/// The second word of a long value's key: no short key ends in 0xFE (its
/// last byte holds a length of at most 19), nor does the empty slot's.
const LONG: u64 = 0xFE;

/// An open-addressing map from short keys to codes, probed linearly.
/// Every cell of a dictionary column is looked up here while a file is
/// read: in the worker's wasm (no SIMD) the standard map's probe cost
/// more (parse of 1M orders 571-667 -> 554-648 ms), and a column of a few
/// values stays within a few cache lines.
#[derive(Clone, Debug)]
struct ShortKeys {
    /// (key, code); an empty slot's key ends in 0xFF, which no short key
    /// does (its last byte holds a length of at most 19).
    slots: Vec<((u64, u64), u32)>,
    len: usize,
}

const EMPTY_KEY: (u64, u64) = (0, u64::MAX);

impl Default for ShortKeys {
    fn default() -> ShortKeys {
        ShortKeys {
            slots: vec![(EMPTY_KEY, 0); 16],
            len: 0,
        }
    }
}

impl ShortKeys {
    #[inline(always)]
    fn slot_of(k: (u64, u64), slots: usize) -> usize {
        // Ids differ mostly in their last bytes (`buyer_0000123`), which
        // sit in the second word: the multiply carries them into the top
        // bits, which pick the slot.
        let h = (k.0.rotate_left(23) ^ k.1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (h >> (64 - slots.trailing_zeros())) as usize
    }

    /// The code of `k` (one for which `same` holds, among codes of equal
    /// keys), or the empty slot where it would go.
    #[inline]
    fn find(&self, k: (u64, u64), same: impl Fn(u32) -> bool) -> Result<u32, usize> {
        let mask = self.slots.len() - 1;
        let mut i = Self::slot_of(k, self.slots.len());
        loop {
            let slot = &self.slots[i];
            if slot.0 == k && same(slot.1) {
                return Ok(slot.1);
            }
            if slot.0 == EMPTY_KEY {
                return Err(i);
            }
            i = (i + 1) & mask;
        }
    }

    /// Puts `k` with `code` in the empty slot [`ShortKeys::find`] gave.
    fn insert(&mut self, at: usize, k: (u64, u64), code: u32) {
        self.slots[at] = (k, code);
        self.len += 1;
        if self.len * 2 > self.slots.len() {
            self.grow();
        }
    }

    #[cold]
    fn grow(&mut self) {
        let bigger = vec![(EMPTY_KEY, 0); self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, bigger);
        let mask = self.slots.len() - 1;
        for (k, code) in old.into_iter().filter(|s| s.0 != EMPTY_KEY) {
            let mut i = Self::slot_of(k, self.slots.len());
            while self.slots[i].0 != EMPTY_KEY {
                i = (i + 1) & mask;
            }
            self.slots[i] = (k, code);
        }
    }
}

fn hash_of(b: &[u8]) -> u64 {
    let mut h = crate::FxHasher::default();
    h.write(b);
    h.finish()
}

/// A cell that is not UTF-8 (see [`Table::push_row_bytes`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NotUtf8;

impl Column {
    fn new() -> Column {
        Column {
            dict: true,
            ..Column::default()
        }
    }

    /// The text of value (dictionary) or cell (plain) `i`.
    #[inline(always)]
    fn span(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        &self.text[start..self.ends[i] as usize]
    }

    /// The text of cell `row` of a plain column.
    #[inline(always)]
    fn plain_cell(&self, row: usize) -> &str {
        match self.fixed_width as usize {
            0 => self.span(row),
            w => &self.text[row * w..row * w + w],
        }
    }

    #[inline(always)]
    fn get(&self, row: usize) -> &str {
        if self.dict {
            self.span(self.codes.get(row) as usize)
        } else {
            self.plain_cell(row)
        }
    }

    #[inline]
    fn push(&mut self, s: &str) {
        // One path for text and bytes: two copies of the lookup cost the
        // page's first load 0.8 KB. A `str` is UTF-8, so this never fails.
        let pushed = self.push_bytes(s.as_bytes());
        debug_assert!(pushed.is_ok());
    }

    /// Adds a cell given as bytes, checking that they are UTF-8 only where
    /// the column does not already hold them: a dictionary column finds a
    /// repeated value by its bytes, checked when the value first came, so
    /// most cells of a file are never looked at again (checking the whole
    /// text first was a sixth of reading a file in the worker's wasm). On
    /// `Err` the column is unchanged.
    #[inline]
    fn push_bytes(&mut self, b: &[u8]) -> Result<(), NotUtf8> {
        if self.dict {
            let code = self.code_of(b)?;
            self.bytes += b.len();
            self.codes.push(code);
        } else {
            let s = std::str::from_utf8(b).map_err(|_| NotUtf8)?;
            self.bytes += s.len();
            self.push_plain(s);
        }
        Ok(())
    }

    /// Adds a cell to a plain column (`bytes` already counted).
    #[inline]
    fn push_plain(&mut self, s: &str) {
        if self.fixed_width != 0 && self.fixed_width as usize == s.len() {
            self.text.push_str(s);
        } else {
            if self.fixed_width != 0 {
                self.vary();
            }
            self.text.push_str(s);
            self.ends.push(self.text.len() as u32);
        }
    }

    /// A fixed-width plain column gets a cell of another length: its cells
    /// so far get their end offsets.
    #[cold]
    fn vary(&mut self) {
        let w = self.fixed_width as usize;
        let n = self.text.len() / w;
        let mut ends = Vec::with_capacity(self.expect_rows.max(n + 1));
        ends.extend((1..=n).map(|i| (i * w) as u32));
        self.ends = ends;
        self.fixed_width = 0;
    }

    /// The code of the value with bytes `b`, added when new (and then
    /// checked to be UTF-8).
    #[inline(always)]
    fn code_of(&mut self, b: &[u8]) -> Result<u32, NotUtf8> {
        let (text, ends) = (&mut self.text, &mut self.ends);
        let index = self
            .index
            .get_or_insert_with(|| Box::new(Index::of(text, ends)));
        let short = crate::short_key::short_key_bytes(b);
        let key = short.unwrap_or_else(|| (hash_of(b), LONG));
        let found = match short {
            Some(_) => index.slots.find(key, |_| true),
            None => index
                .slots
                .find(key, |c| span_of(text, ends, c as usize).as_bytes() == b),
        };
        match found {
            Ok(code) => Ok(code),
            Err(at) => {
                let s = std::str::from_utf8(b).map_err(|_| NotUtf8)?;
                let next = ends.len() as u32;
                index.slots.insert(at, key, next);
                text.push_str(s);
                ends.push(text.len() as u32);
                Ok(next)
            }
        }
    }

    /// Turns a dictionary column whose values are mostly distinct into
    /// plain text, sized for `expect_rows` rows.
    fn review(&mut self, rows: usize, expect_rows: usize) {
        let values = self.ends.len();
        if !self.dict || values <= DICT_SMALL || values * 2 <= rows {
            return;
        }
        let expect = expect_rows.max(rows);
        let per_row = self.bytes as f64 / rows.max(1) as f64;
        let room = (per_row * expect as f64 * 1.05) as usize;
        let mut text = String::with_capacity(room.max(self.bytes));
        // Cells of one length (order ids, times) need no end offsets.
        let first = self
            .codes
            .iter()
            .next()
            .map_or(0, |c| self.span(c as usize).len());
        let fixed = first > 0
            && self
                .codes
                .iter()
                .all(|c| self.span(c as usize).len() == first);
        let mut ends = Vec::new();
        if !fixed {
            ends.reserve_exact(expect);
        }
        for c in self.codes.iter() {
            text.push_str(self.span(c as usize));
            if !fixed {
                ends.push(text.len() as u32);
            }
        }
        *self = Column {
            dict: false,
            codes: Codes::default(),
            text,
            ends,
            fixed_width: if fixed { first as u32 } else { 0 },
            expect_rows: expect,
            bytes: self.bytes,
            index: None,
        };
    }

    fn shrink_to_fit(&mut self) {
        self.codes.shrink_to_fit();
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
        self.index = None;
    }

    fn heap_bytes(&self) -> usize {
        let index = self
            .index
            .as_ref()
            .map_or(0, |i| i.slots.slots.capacity() * 24);
        self.codes.capacity_bytes() + self.text.capacity() + self.ends.capacity() * 4 + index
    }
}

fn span_of<'a>(text: &'a str, ends: &[u32], i: usize) -> &'a str {
    let start = if i == 0 { 0 } else { ends[i - 1] as usize };
    &text[start..ends[i] as usize]
}

impl Index {
    /// The index of a dictionary column's values (after it was dropped).
    fn of(text: &str, ends: &[u32]) -> Index {
        let mut index = Index::default();
        for i in 0..ends.len() {
            let s = span_of(text, ends, i);
            // Values are distinct: each is added, never found.
            let key = crate::short_key(s).unwrap_or((hash_of(s.as_bytes()), LONG));
            if let Err(at) = index.slots.find(key, |_| false) {
                index.slots.insert(at, key, i as u32);
            }
        }
        index
    }
}

/// Tables are equal when their names, headers, rows and cells are,
/// however each column keeps its cells.
impl PartialEq for Table {
    fn eq(&self, other: &Table) -> bool {
        self.name == other.name
            && self.headers == other.headers
            && self.row_numbers == other.row_numbers
            && self.overflow_rows == other.overflow_rows
            && (0..self.len()).all(|r| self.row(r).eq(other.row(r)))
    }
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
            columns: headers.iter().map(|_| Column::new()).collect(),
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

    /// Reserves room for about `rows` rows (a column's text is sized when
    /// it turns plain, from its cells so far).
    pub(crate) fn reserve(&mut self, rows: usize) {
        self.expect_rows = rows;
        for c in &mut self.columns {
            if c.dict {
                c.codes.reserve(rows);
            } else if c.fixed_width == 0 {
                c.ends.reserve(rows);
            }
        }
        self.row_numbers.reserve(rows);
    }

    /// Gives back room reserved beyond what the table holds, and the
    /// lookups of values only adding rows needs: called once a reader has
    /// every row.
    pub(crate) fn shrink_to_fit(&mut self) {
        for c in &mut self.columns {
            c.shrink_to_fit();
        }
        self.row_numbers.shrink_to_fit();
    }

    /// Appends a row; cells beyond the header width are counted, not stored.
    pub(crate) fn push_row<'a>(&mut self, cells: impl IntoIterator<Item = &'a str>, number: u32) {
        // Text is UTF-8: the check on the way never fails.
        let pushed = self.push_row_bytes(cells.into_iter().map(str::as_bytes), number);
        debug_assert!(pushed.is_ok());
    }

    /// Appends a row given as the bytes of its cells, as
    /// [`Table::push_row`] does, checking that they are UTF-8 where the
    /// table does not already hold them (see `Column::push_bytes`). A cell
    /// that is not fails the row with part of it added: the caller drops
    /// the table (the file is read again in another encoding).
    pub(crate) fn push_row_bytes<'a>(
        &mut self,
        cells: impl IntoIterator<Item = &'a [u8]>,
        number: u32,
    ) -> Result<(), NotUtf8> {
        let width = self.headers.len();
        let mut n = 0;
        let mut extra = 0;
        for c in cells {
            if n < width {
                self.columns[n].push_bytes(c)?;
            } else if !std::str::from_utf8(c)
                .map_err(|_| NotUtf8)?
                .trim()
                .is_empty()
            {
                extra += 1;
            }
            n += 1;
        }
        for col in &mut self.columns[n.min(width)..] {
            col.push("");
        }
        if extra > 0 {
            self.overflow_rows.push((number, extra));
        }
        self.row_numbers.push(number);
        let rows = self.row_numbers.len();
        if rows.is_multiple_of(REVIEW_EVERY) {
            for col in &mut self.columns {
                col.review(rows, self.expect_rows);
            }
        }
        Ok(())
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
        self.columns[col].get(row)
    }

    /// The cells of one row.
    pub fn row(&self, row: usize) -> impl Iterator<Item = &str> + '_ {
        self.columns.iter().map(move |c| c.get(row))
    }

    /// Column `col`'s value codes, when it keeps them: equal codes are
    /// equal cells, and [`Table::value`] gives a code's text. A builder
    /// reads each distinct value once this way, not once per row.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Table;
    /// let t = Table::from_rows("x", &["状态"], &[&["已付款"], &["已关闭"], &["已付款"]]);
    /// let codes = t.codes(0).unwrap();
    /// assert_eq!(codes.get(0), codes.get(2));
    /// assert_eq!(t.value(0, codes.get(1)), "已关闭");
    /// assert_eq!(t.values(0), 2);
    /// ```
    pub fn codes(&self, col: usize) -> Option<&Codes> {
        let c = &self.columns[col];
        c.dict.then_some(&c.codes)
    }

    /// The text of value `code` of column `col` (see [`Table::codes`]).
    pub fn value(&self, col: usize, code: u32) -> &str {
        self.columns[col].span(code as usize)
    }

    /// How many distinct values column `col` keeps codes for (0 for a
    /// plain column; see [`Table::codes`]).
    pub fn values(&self, col: usize) -> usize {
        let c = &self.columns[col];
        if c.dict {
            c.ends.len()
        } else {
            0
        }
    }

    /// A row with nothing but whitespace.
    pub(crate) fn is_blank_row(&self, row: usize) -> bool {
        self.columns
            .iter()
            .all(|c| crate::trim_cell(c.get(row)).is_empty())
    }

    /// Two rows with the same cells: codes compared where a column keeps
    /// them, text elsewhere.
    pub(crate) fn same_rows(&self, a: usize, b: usize) -> bool {
        self.columns.iter().all(|c| {
            if c.dict {
                c.codes.get(a) == c.codes.get(b)
            } else {
                c.plain_cell(a) == c.plain_cell(b)
            }
        })
    }

    /// Feeds a row to `h` so that rows equal by [`Table::same_rows`] hash
    /// alike ("ab","c" and "a","bc" apart).
    pub(crate) fn hash_row(&self, row: usize, h: &mut impl Hasher) {
        for c in &self.columns {
            if c.dict {
                h.write_u32(c.codes.get(row));
            } else {
                let s = c.plain_cell(row);
                h.write(s.as_bytes());
                h.write_u32(s.len() as u32);
            }
        }
    }

    /// Row numbers of all rows.
    pub(crate) fn row_numbers(&self) -> &[u32] {
        &self.row_numbers
    }

    /// The first `rows` rows (all of them when there are fewer), with the
    /// same name, headers and rows with extra cells.
    pub(crate) fn head(&self, rows: usize) -> Table {
        let mut t = Table::new(&self.name, self.headers.clone());
        for r in 0..rows.min(self.len()) {
            t.push_row(self.row(r), self.row_numbers[r]);
        }
        t.overflow_rows = self.overflow_rows.clone();
        t
    }

    /// A table from cells stored row after row (`text`, cell `ends`, as
    /// [`crate::ReadResult::to_bytes`] writes them), checked so that no
    /// cell can slice out of bounds or inside a character.
    pub(crate) fn from_parts(
        name: String,
        headers: Vec<String>,
        text: String,
        ends: Vec<u32>,
        row_numbers: Vec<u32>,
        overflow_rows: Vec<(u32, usize)>,
    ) -> Result<Table, String> {
        // Checked: on the page's 32-bit wasm 65,536 rows of 65,536 empty
        // columns would wrap to 0 cells and pass.
        if row_numbers.len().checked_mul(headers.len()) != Some(ends.len()) {
            return Err("cell count does not match rows x columns".into());
        }
        let mut prev = 0u32;
        for &e in &ends {
            if e < prev || e as usize > text.len() || !text.is_char_boundary(e as usize) {
                return Err("cell offsets are out of order".into());
            }
            prev = e;
        }
        let width = headers.len();
        let mut t = Table::new(&name, headers);
        t.reserve(row_numbers.len());
        let mut start = 0;
        for (r, &number) in row_numbers.iter().enumerate() {
            let row = &ends[r * width..(r + 1) * width];
            t.push_row(
                row.iter().map(|&e| {
                    let cell = &text[start..e as usize];
                    start = e as usize;
                    cell
                }),
                number,
            );
        }
        t.overflow_rows = overflow_rows;
        t.shrink_to_fit();
        Ok(t)
    }

    /// The cell length of column `col` when it keeps its cells without
    /// offsets (see [`ColumnParts::Fixed`]).
    #[cfg(test)]
    pub(crate) fn fixed_width(&self, col: usize) -> Option<u32> {
        match self.column_parts(col) {
            ColumnParts::Fixed { width, .. } => Some(width),
            _ => None,
        }
    }

    /// How column `col` keeps its cells, for the transfer format.
    pub(crate) fn column_parts(&self, col: usize) -> ColumnParts<'_> {
        let c = &self.columns[col];
        if c.dict {
            ColumnParts::Dict {
                values: &c.text,
                ends: &c.ends,
                codes: &c.codes,
            }
        } else if c.fixed_width != 0 {
            ColumnParts::Fixed {
                text: &c.text,
                width: c.fixed_width,
            }
        } else {
            ColumnParts::Plain {
                text: &c.text,
                ends: &c.ends,
            }
        }
    }

    /// A table from its columns as [`Table::column_parts`] gave them,
    /// checked so that no cell can slice out of bounds or inside a
    /// character and no code names a missing value.
    pub(crate) fn from_columns(
        name: String,
        headers: Vec<String>,
        columns: Vec<ColumnData>,
        row_numbers: Vec<u32>,
        overflow_rows: Vec<(u32, usize)>,
    ) -> Result<Table, String> {
        if columns.len() != headers.len() {
            return Err("column count does not match the header".into());
        }
        let rows = row_numbers.len();
        let check_ends = |text: &str, ends: &[u32]| {
            let mut prev = 0u32;
            for &e in ends {
                if e < prev || e as usize > text.len() || !text.is_char_boundary(e as usize) {
                    return Err("cell offsets are out of order".to_string());
                }
                prev = e;
            }
            Ok(())
        };
        let mut out = Vec::with_capacity(columns.len());
        for c in columns {
            out.push(match c {
                ColumnData::Plain { text, ends } => {
                    if ends.len() != rows {
                        return Err("a column's cell count does not match the rows".into());
                    }
                    check_ends(&text, &ends)?;
                    Column {
                        bytes: ends.last().map_or(0, |&e| e as usize),
                        text,
                        ends,
                        expect_rows: rows,
                        ..Column::default()
                    }
                }
                ColumnData::Fixed { text, width } => {
                    let w = width as usize;
                    if w == 0 || Some(text.len()) != rows.checked_mul(w) {
                        return Err("a column's cell count does not match the rows".into());
                    }
                    if !(0..rows).all(|i| text.is_char_boundary(i * w)) {
                        return Err("cell offsets are out of order".into());
                    }
                    Column {
                        bytes: text.len(),
                        text,
                        fixed_width: width,
                        expect_rows: rows,
                        ..Column::default()
                    }
                }
                ColumnData::Dict {
                    values,
                    ends,
                    codes,
                } => {
                    if codes.len() != rows {
                        return Err("a column's cell count does not match the rows".into());
                    }
                    check_ends(&values, &ends)?;
                    let mut c = Column {
                        dict: true,
                        codes,
                        text: values,
                        ends,
                        bytes: 0,
                        index: None,
                        ..Column::default()
                    };
                    // Each value once, as a read keeps them: equal codes must
                    // mean equal cells (duplicate rows are found by codes).
                    let mut seen = ShortKeys::default();
                    for i in 0..c.ends.len() {
                        let v = c.span(i);
                        let key = crate::short_key(v).unwrap_or((hash_of(v.as_bytes()), LONG));
                        let (text, ends) = (&c.text, &c.ends);
                        let same = |k: u32| span_of(text, ends, k as usize) == v;
                        match seen.find(key, same) {
                            Ok(_) => return Err("a column holds a value twice".into()),
                            Err(at) => seen.insert(at, key, i as u32),
                        }
                    }
                    drop(seen);
                    let n = c.ends.len();
                    let mut bytes = 0;
                    for code in c.codes.iter() {
                        if code as usize >= n {
                            return Err("a cell names a value that is not there".into());
                        }
                        bytes += c.span(code as usize).len();
                    }
                    c.bytes = bytes;
                    c
                }
            });
        }
        Ok(Table {
            name,
            headers,
            columns: out,
            row_numbers,
            overflow_rows,
            expect_rows: rows,
        })
    }

    /// The row number in the file (the header is row 1 in a plain file).
    pub fn row_number(&self, row: usize) -> u32 {
        self.row_numbers[row]
    }

    /// Approximate bytes held, for the data-quality panel and benchmarks.
    pub fn heap_bytes(&self) -> usize {
        self.columns.iter().map(Column::heap_bytes).sum::<usize>() + self.row_numbers.capacity() * 4
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

    /// 200,000 rows: ids all distinct, statuses of three kinds, buyers of
    /// 1,000, one long value per row in ten.
    fn big() -> Table {
        let mut t = Table::new(
            "big.csv",
            vec!["id".into(), "状态".into(), "buyer".into(), "note".into()],
        );
        t.reserve(200_000);
        for i in 0..200_000u32 {
            let id = format!("A{i:07}");
            let status = ["交易成功", "交易关闭", " 待付款"][i as usize % 3];
            let buyer = format!("buyer_{}", (i * 7919) % 1000);
            let note = if i % 10 == 0 {
                format!(
                    "a note far longer than sixteen bytes, number {}",
                    (i / 10) % 50
                )
            } else {
                String::new()
            };
            t.push_row([id.as_str(), status, &buyer, &note], i + 2);
        }
        t
    }

    #[test]
    fn repeated_values_keep_codes_and_distinct_ones_turn_plain() {
        let mut t = big();
        assert!(t.codes(0).is_none(), "ids are all distinct");
        // All eight bytes long: no end offsets.
        assert_eq!(t.fixed_width(0), Some(8));
        assert!(t.columns[0].ends.is_empty());
        assert_eq!(t.values(1), 3);
        assert_eq!(t.values(2), 1000);
        assert_eq!(t.values(3), 51, "50 long notes and the empty one");
        assert_eq!(t.cell(199_999, 0), "A0199999");
        assert_eq!(t.cell(2, 1), " 待付款");
        assert_eq!(t.cell(5, 2), format!("buyer_{}", (5 * 7919) % 1000));
        assert_eq!(
            t.cell(30, 3),
            "a note far longer than sixteen bytes, number 3"
        );
        assert_eq!(t.cell(31, 3), "");
        let text: usize = (0..t.len())
            .flat_map(|r| t.row(r).map(str::len).collect::<Vec<_>>())
            .sum();
        assert_eq!(t.columns.iter().map(|c| c.bytes).sum::<usize>(), text);
        // Far below the 4 bytes a cell plus the cell text of one text.
        t.shrink_to_fit();
        assert!(
            t.heap_bytes() < text + 4 * 4 * t.len(),
            "{} vs {}",
            t.heap_bytes(),
            text
        );
        // Rows added after the lookups were given back find the old codes.
        let before = t.values(1);
        t.push_row(
            [
                "B1",
                "交易关闭",
                "buyer_7",
                "a note far longer than sixteen bytes, number 3",
            ],
            9,
        );
        assert_eq!(t.values(1), before);
        assert_eq!(t.values(3), 51);
        // An id of another length: the cells so far get their offsets.
        assert_eq!(t.fixed_width(0), None);
        assert_eq!(t.cell(199_999, 0), "A0199999");
        assert_eq!(t.cell(0, 0), "A0000000");
        let last = t.len() - 1;
        let codes = t.codes(1).unwrap();
        assert_eq!(codes.get(last), codes.get(1));
        assert_eq!(codes.bytes_per_row(), 1);
        assert_eq!(t.codes(2).unwrap().bytes_per_row(), 2, "1,000 buyers");
        assert_eq!(
            t.row(last).collect::<Vec<_>>(),
            [
                "B1",
                "交易关闭",
                "buyer_7",
                "a note far longer than sixteen bytes, number 3"
            ]
        );
    }

    #[test]
    fn plain_columns_keep_every_cell_whatever_its_length() {
        // Distinct values of varying length, a third of them empty: plain
        // with offsets. One length throughout, then an empty and a longer
        // cell at the end: plain without offsets, then with them.
        let varied = |i: usize| {
            if i.is_multiple_of(3) {
                String::new()
            } else {
                format!("v{i}")
            }
        };
        let fixed = |i: usize| match i {
            6000 => String::new(),
            6001 => "a longer cell".to_string(),
            i => format!("{i:06}"),
        };
        let mut t = Table::new("p.csv", vec!["varied".into(), "fixed".into()]);
        for i in 0..6002 {
            t.push_row([varied(i).as_str(), fixed(i).as_str()], i as u32 + 2);
            if i == 5999 {
                assert_eq!(t.fixed_width(1), Some(6));
            }
        }
        assert!(t.codes(0).is_none() && t.codes(1).is_none());
        for i in 0..6002 {
            assert_eq!(
                (t.cell(i, 0), t.cell(i, 1)),
                (&*varied(i), &*fixed(i)),
                "row {i}"
            );
        }
    }

    #[test]
    fn equal_rows_compare_and_hash_alike_whatever_the_storage() {
        use std::hash::Hasher;
        let t = big();
        let hash = |r: usize| {
            let mut h = crate::FxHasher::default();
            t.hash_row(r, &mut h);
            h.finish()
        };
        let mut u = Table::new("u", t.headers().to_vec());
        u.push_row(t.row(10), 2);
        u.push_row(t.row(10), 3);
        u.push_row(t.row(11), 4);
        assert!(u.same_rows(0, 1) && !u.same_rows(0, 2));
        assert!(!t.same_rows(10, 40));
        assert_ne!(hash(10), hash(11));
        // Cells split differently are different rows.
        let v = Table::from_rows("v", &["a", "b"], &[&["ab", "c"], &["a", "bc"], &["  ", ""]]);
        assert!(!v.same_rows(0, 1));
        assert!(v.is_blank_row(2) && !v.is_blank_row(0));
        // A table is equal to its copy decoded from row-major parts.
        let w = Table::from_rows("w", &["a", "b"], &[&["x", "买家"], &["y", ""]]);
        let back = Table::from_parts(
            "w".into(),
            vec!["a".into(), "b".into()],
            "x买家y".into(),
            vec![1, 7, 8, 8],
            vec![2, 3],
            vec![],
        )
        .unwrap();
        assert_eq!(w, back);
        assert_eq!(back.cell(0, 1), "买家");
    }

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
