//! Reading a later part of a text file in a second worker, at the same
//! time as the first worker reads its start, and joining the two.
//!
//! A part starts right after a `\n`. Whether that `\n` ended a record
//! (not one inside quotes) only the first reader can tell, once it has
//! read up to it: so the part is read as if it started a record, and
//! [`crate::TextReader::finish_with`] joins it only when it did. Anything
//! a part cannot read exactly as one reader would (a byte that is not
//! UTF-8, which makes the whole file GB18030; an error, whose row only
//! the whole file numbers) fails the part, and the first reader reads on
//! through that half itself.

use crate::stream::{count_byte, utf8_width, Parse};
use crate::{ReadProgress, Table};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a second reader needs to read a later part of a text file: the
/// file's delimiter and header, from [`crate::TextReader::part_spec`].
///
/// # Example
/// ```
/// use opscalc_core::{PartReader, PartSpec};
/// let spec = PartSpec { delimiter: b',', headers: vec!["id".into(), "amount".into()] };
/// let mut p = PartReader::new("o.csv", &spec, 0);
/// p.feed(b"7,5\n").unwrap();
/// assert_eq!(p.finish().unwrap().rows(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartSpec {
    /// The delimiter byte.
    pub delimiter: u8,
    /// The header row, as the table names its columns.
    pub headers: Vec<String>,
}

/// Why a [`PartReader`] gave up: a short reason, for logs. The part is
/// dropped and the first reader reads that half itself.
///
/// # Example
/// ```
/// use opscalc_core::{PartFailed, PartReader, PartSpec};
/// let spec = PartSpec { delimiter: b',', headers: vec!["id".into()] };
/// let mut p = PartReader::new("o.csv", &spec, 0);
/// let e: PartFailed = p.feed(b"\xFF\n").unwrap_err();
/// assert!(e.to_string().contains("UTF-8"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartFailed(pub String);

impl fmt::Display for PartFailed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PartFailed {}

/// A later part of a file, read by a [`PartReader`]: its rows, numbered
/// by line within the part (its first line is 1), the count of line ends
/// and of `"` in it, and its length.
///
/// # Example
/// ```
/// use opscalc_core::{PartReader, PartSpec};
/// let spec = PartSpec { delimiter: b',', headers: vec!["id".into()] };
/// let mut p = PartReader::new("o.csv", &spec, 0);
/// p.feed(b"\n7\n8\n").unwrap();
/// let part = p.finish().unwrap();
/// assert_eq!(part.rows(), 2);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Part {
    pub(crate) delimiter: u8,
    /// Rows numbered by line within the part.
    pub(crate) table: Table,
    /// Line ends (`\n`, `\r\n`, a lone `\r`) in the part.
    pub(crate) lines: usize,
    /// `"` characters in the part.
    pub(crate) quotes: usize,
    /// Bytes of text in the part.
    pub(crate) bytes: usize,
}

impl Part {
    /// Data rows in the part.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{PartReader, PartSpec};
    /// let spec = PartSpec { delimiter: b'\t', headers: vec!["a".into(), "b".into()] };
    /// let mut p = PartReader::new("o.tsv", &spec, 0);
    /// p.feed(b"1\t2\r\n3").unwrap();
    /// assert_eq!(p.finish().unwrap().rows(), 2);
    /// ```
    pub fn rows(&self) -> usize {
        self.table.len()
    }
}

/// Reads a later part of a UTF-8 text file that starts at a record start
/// (right after a `\n`), with the delimiter and header of the file's
/// start ([`crate::TextReader::part_spec`]). Records are split, checked
/// and stored as [`crate::TextReader`] does; a part that would read
/// differently there fails instead ([`PartFailed`]).
///
/// # Example
/// ```
/// use opscalc_core::{PartReader, PartSpec};
/// let spec = PartSpec { delimiter: b',', headers: vec!["单号".into(), "金额".into()] };
/// let mut p = PartReader::new("o.csv", &spec, 20);
/// for chunk in "1,\"5\n0\"\n2,7".as_bytes().chunks(3) {
///     p.feed(chunk).unwrap();
/// }
/// assert_eq!(p.progress().bytes, 11);
/// assert_eq!(p.finish().unwrap().rows(), 2);
/// ```
pub struct PartReader {
    name: String,
    parse: Parse,
    /// A character cut by a chunk end.
    carry: Vec<u8>,
    /// Bytes fed so far.
    fed: usize,
    /// The part's expected size; the table reserves for it with the first
    /// text (which tells how long a row is), then this is 0.
    size_hint: usize,
    /// Once failed, the part stays failed.
    failed: Option<PartFailed>,
}

impl PartReader {
    /// A reader for a part of the file `name` that is about `size_hint`
    /// bytes long (0 when unknown), read with `spec`.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{PartReader, PartSpec};
    /// let spec = PartSpec { delimiter: b',', headers: vec!["id".into()] };
    /// let p = PartReader::new("o.csv", &spec, 1 << 20);
    /// assert_eq!(p.progress().rows, 0);
    /// ```
    pub fn new(name: &str, spec: &PartSpec, size_hint: usize) -> PartReader {
        PartReader {
            name: name.to_string(),
            parse: Parse::for_part(name, spec),
            carry: Vec::new(),
            fed: 0,
            size_hint,
            failed: None,
        }
    }

    /// Reads the next chunk of the part. Fails on anything one reader
    /// might read differently: a byte that is not UTF-8 (the whole file
    /// would read as GB18030), a NUL byte, too many columns or cells.
    /// Never panics; after a failure every call fails.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{PartReader, PartSpec};
    /// let spec = PartSpec { delimiter: b',', headers: vec!["id".into()] };
    /// let mut p = PartReader::new("o.csv", &spec, 0);
    /// assert!(p.feed(b"1\n").is_ok());
    /// assert!(p.feed(b"2\x00\n3\n").is_err()); // a NUL byte
    /// assert!(p.feed(b"4\n").is_err());
    /// ```
    pub fn feed(&mut self, chunk: &[u8]) -> Result<(), PartFailed> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let r = self.read(chunk);
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    /// Ends the part: its rows, or why it cannot be used.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{PartReader, PartSpec};
    /// let spec = PartSpec { delimiter: b',', headers: vec!["id".into()] };
    /// let mut p = PartReader::new("o.csv", &spec, 0);
    /// p.feed(b"1\n\xE4\xB9").unwrap(); // the file ends inside a character
    /// assert!(p.finish().is_err());
    /// ```
    pub fn finish(mut self) -> Result<Part, PartFailed> {
        if let Some(e) = self.failed {
            return Err(e);
        }
        if !self.carry.is_empty() {
            return Err(PartFailed(
                "the part is not UTF-8: it ends inside a character".into(),
            ));
        }
        self.parse
            .parse(&self.name, true, &mut |_| {})
            .map_err(failed)?;
        let delimiter = self.parse.delimiter.unwrap_or(b',');
        let table = self
            .parse
            .table
            .take()
            .ok_or_else(|| PartFailed("the part has no table".into()))?;
        Ok(Part {
            delimiter,
            table,
            lines: self.parse.lines_after,
            quotes: self.parse.quotes,
            bytes: self.fed,
        })
    }

    /// Bytes fed and rows read so far, for a progress bar.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{PartReader, PartSpec};
    /// let spec = PartSpec { delimiter: b',', headers: vec!["id".into()] };
    /// let mut p = PartReader::new("o.csv", &spec, 0);
    /// p.feed(b"1\n2\n3").unwrap();
    /// // The last record may go on in the next chunk: not counted yet.
    /// assert_eq!((p.progress().bytes, p.progress().rows), (5, 2));
    /// ```
    pub fn progress(&self) -> ReadProgress {
        ReadProgress {
            bytes: self.fed,
            rows: self.parse.table.as_ref().map_or(0, Table::len),
        }
    }

    fn read(&mut self, chunk: &[u8]) -> Result<(), PartFailed> {
        self.fed = self.fed.saturating_add(chunk.len());
        let mut rest = chunk;
        if let Some(&lead) = self.carry.first() {
            // Finish the character the last chunk cut.
            let take = utf8_width(lead)
                .saturating_sub(self.carry.len())
                .min(rest.len());
            self.carry.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            match std::str::from_utf8(&self.carry) {
                Ok(s) => self.parse.push(s),
                // Still cut: all of `rest` was taken.
                Err(e) if e.error_len().is_none() => return Ok(()),
                Err(_) => return Err(not_utf8()),
            }
            self.carry.clear();
        }
        let text = match std::str::from_utf8(rest) {
            Ok(s) => s,
            Err(e) if e.error_len().is_none() => {
                let (valid, cut) = rest.split_at(e.valid_up_to());
                self.carry.extend_from_slice(cut);
                // Checked just above: the prefix is valid.
                std::str::from_utf8(valid).map_err(|_| not_utf8())?
            }
            Err(_) => return Err(not_utf8()),
        };
        if self.size_hint > 0 && !text.is_empty() {
            self.reserve(text);
        }
        self.parse.push(text);
        self.parse
            .parse(&self.name, false, &mut |_| {})
            .map_err(failed)
    }

    /// Reserves the table for the part's size, with rows as long as in
    /// `text` (the first text in hand) and 5% more, as the first reader
    /// does: reserving too few doubles the cell offsets.
    fn reserve(&mut self, text: &str) {
        let lines = count_byte(text.as_bytes(), b'\n').max(1);
        let per_row = (text.len() / lines).max(8);
        let size = self.size_hint.max(text.len());
        let rows = size / per_row;
        if let Some(t) = &mut self.parse.table {
            t.reserve(size, rows + rows / 20 + 16);
        }
        self.size_hint = 0;
    }
}

fn not_utf8() -> PartFailed {
    PartFailed("the part is not UTF-8".into())
}

fn failed(e: crate::ReadError) -> PartFailed {
    PartFailed(e.to_string())
}
