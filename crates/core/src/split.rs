//! Splitting delimited text into records and fields, straight from its
//! bytes.
//!
//! The rules are RFC 4180 as the `csv` crate (csv-core) applies them with
//! its defaults, byte for byte: any of `\r`, `\n`, `\r\n` ends a record,
//! lines that hold only line ends are skipped, a field that starts with `"`
//! is quoted (`""` inside is one quote, text after the closing quote is kept
//! literally), a quote elsewhere is literal text, and an unbalanced quote
//! runs to the end of the text. `tests/split_vs_csv.rs` checks that on
//! random text.
//!
//! Why not the `csv` crate: it copied every record into its own buffer
//! before handing it back, and the table copied it a second time. Here an
//! unquoted field (nearly all of them) is a slice of the text. Fields are
//! bytes: the delimiter, quotes and line ends are ASCII, so no character
//! spans two fields, and a field is valid UTF-8 exactly when its part of
//! the text is. The table checks each field only where it must (see
//! `Table::push_row_bytes`): most are values it has already checked once.

use std::borrow::Cow;

/// A cursor over delimited text that yields one record at a time.
///
/// # Example
/// ```
/// use opscalc_core::Splitter;
/// let mut s = Splitter::new(b"a,\"b \"\"c\"\"\"\r\n\n1,2", b',');
/// let mut fields = Vec::new();
/// assert_eq!(s.next_record(&mut fields), Some(0));
/// assert_eq!(fields, [&b"a"[..], b"b \"c\""]);
/// assert_eq!(s.next_record(&mut fields), Some(14));
/// assert_eq!(fields, [&b"1"[..], b"2"]);
/// assert_eq!(s.next_record(&mut fields), None);
/// ```
pub struct Splitter<'a> {
    text: &'a [u8],
    pos: usize,
    /// The delimiter byte, or 256 (matches no byte) for a non-ASCII one.
    delimiter: u16,
    /// Line ends passed so far, as a text editor counts them (`\n`,
    /// `\r\n` and a lone `\r` each one), for row numbers.
    line_ends: usize,
    /// `line_ends` where the last record started.
    record_line_ends: usize,
    /// `\n` bytes passed so far (`line_ends` also counts lone `\r`s).
    newlines: usize,
    /// The last record holds a NUL byte.
    nul: bool,
    /// A quoted field ran to the end of the text without its closing
    /// quote.
    open_quote: bool,
    /// A quoted field held a line end and went on after its closing quote.
    stray_quote: bool,
}

impl<'a> Splitter<'a> {
    /// Splits `text` on `delimiter`. A non-ASCII delimiter byte would cut
    /// characters in half, so it splits nothing: every line is one field.
    pub fn new(text: &'a [u8], delimiter: u8) -> Splitter<'a> {
        Splitter {
            text,
            pos: 0,
            delimiter: if delimiter.is_ascii() {
                u16::from(delimiter)
            } else {
                256
            },
            line_ends: 0,
            record_line_ends: 0,
            newlines: 0,
            nul: false,
            open_quote: false,
            stray_quote: false,
        }
    }

    /// Bytes consumed so far.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Line ends (`\n`, `\r\n` or a lone `\r`, inside quotes too) in the
    /// text consumed so far. Counted as records are split: counting
    /// newlines before each record was a second pass over the text.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Splitter;
    /// let mut s = Splitter::new(b"a\r\n\n\"x\ry\"\r\nb", b',');
    /// let mut f = Vec::new();
    /// s.next_record(&mut f);
    /// assert_eq!((s.line(), s.line_ends()), (1, 1));
    /// s.next_record(&mut f); // after a blank line, and holds a lone CR
    /// assert_eq!((s.line(), s.line_ends()), (3, 4));
    /// s.next_record(&mut f);
    /// assert_eq!((s.line(), s.line_ends()), (5, 4));
    /// ```
    pub fn line_ends(&self) -> usize {
        self.line_ends
    }

    /// The `\n` bytes in the text consumed so far (a lone `\r` ends a
    /// line, see [`Splitter::line_ends`], but is not one of these).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Splitter;
    /// let mut s = Splitter::new(b"a\r\n\"x\ny\"\rb\n", b',');
    /// let mut f = Vec::new();
    /// while s.next_record(&mut f).is_some() {}
    /// assert_eq!((s.line_ends(), s.newlines()), (4, 3));
    /// ```
    pub fn newlines(&self) -> usize {
        self.newlines
    }

    /// True when the last record returned holds a NUL byte (binary junk:
    /// the readers refuse it): found while splitting, not by another pass
    /// over the text.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Splitter;
    /// let mut s = Splitter::new(b"a,b\nc\0,d\n\"e\0\"\n", b',');
    /// let mut f = Vec::new();
    /// let nul: Vec<bool> = std::iter::from_fn(|| s.next_record(&mut f).map(|_| s.nul_in_record())).collect();
    /// assert_eq!(nul, [false, true, true]);
    /// ```
    pub fn nul_in_record(&self) -> bool {
        self.nul
    }

    /// True when a quoted field ran to the end of the text without its
    /// closing quote: the text ends inside quotes, and everything after
    /// the opening quote is one cell.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Splitter;
    /// let mut f = Vec::new();
    /// let mut s = Splitter::new(b"a,\"b\nc", b',');
    /// while s.next_record(&mut f).is_some() {}
    /// assert!(s.open_quote());
    /// // A quote inside an unquoted field is text, and opens nothing.
    /// let mut s = Splitter::new(b"a,b\"c\nd,\"e\"\n", b',');
    /// while s.next_record(&mut f).is_some() {}
    /// assert!(!s.open_quote());
    /// ```
    pub fn open_quote(&self) -> bool {
        self.open_quote
    }

    /// True when a quoted field held a line end and its closing quote was
    /// followed by more text: a stray quote (`"x,1` where `x,1` was meant)
    /// closed at a quote meant as text further on, and the rows between
    /// became one cell, though no quote is left open at the end.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Splitter;
    /// let mut f = Vec::new();
    /// let mut s = Splitter::new(b"a,b\n\"x,1\n2,\"y\"\n3,4\n", b',');
    /// while s.next_record(&mut f).is_some() {}
    /// assert!(s.stray_quote() && !s.open_quote());
    /// // Text after a closing quote on one line merges nothing.
    /// let mut s = Splitter::new(b"a,b\n\"x\"y,1\n", b',');
    /// while s.next_record(&mut f).is_some() {}
    /// assert!(!s.stray_quote());
    /// ```
    pub fn stray_quote(&self) -> bool {
        self.stray_quote
    }

    /// The line where the last record returned starts, as a text editor
    /// numbers lines (the first is 1).
    pub fn line(&self) -> usize {
        self.record_line_ends + 1
    }

    /// Reads the next record into `fields` (cleared first) and returns the
    /// byte offset of its first character, or `None` at the end of the text.
    pub fn next_record(&mut self, fields: &mut Vec<Cow<'a, [u8]>>) -> Option<usize> {
        fields.clear();
        let bytes = self.text;
        let len = bytes.len();
        // Blank lines before the record.
        let blank = bytes[self.pos..]
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        if blank > 0 {
            let end = self.pos + blank;
            let (line_ends, newlines, _) = scan(&bytes[self.pos..end], bytes.get(end));
            self.line_ends += line_ends;
            self.newlines += newlines;
            self.pos = end;
        }
        self.nul = false;
        if self.pos == len {
            return None;
        }
        self.record_line_ends = self.line_ends;
        let start = self.pos;
        loop {
            let field = if bytes.get(self.pos) == Some(&b'"') {
                let from = self.pos;
                let field = self.quoted();
                // Line ends inside the quotes (the field ends before any
                // outside them), and NUL bytes.
                let (line_ends, newlines, nul) = scan(&bytes[from..self.pos], bytes.get(self.pos));
                self.line_ends += line_ends;
                self.newlines += newlines;
                self.nul |= nul;
                field
            } else {
                let from = self.pos;
                self.pos = self.field_end(from);
                Cow::Borrowed(&self.text[from..self.pos])
            };
            fields.push(field);
            // The field ended at a delimiter, a line end or the end.
            match bytes.get(self.pos) {
                Some(&b) if u16::from(b) == self.delimiter => self.pos += 1,
                Some(b'\r') => {
                    self.pos += 1;
                    if bytes.get(self.pos) == Some(&b'\n') {
                        self.pos += 1;
                        self.newlines += 1;
                    }
                    self.line_ends += 1;
                    return Some(start);
                }
                Some(_) => {
                    // A '\n' (field_end and quoted stop only at these).
                    self.pos += 1;
                    self.line_ends += 1;
                    self.newlines += 1;
                    return Some(start);
                }
                None => return Some(start),
            }
        }
    }

    /// Where an unquoted field starting at `from` ends: at the next
    /// delimiter or line end, or the end of the text. Notes a NUL byte on
    /// the way.
    // Always: as a call (11 million of them in a million orders) it cost
    // the worker's wasm about 5% of reading a file.
    #[inline(always)]
    fn field_end(&mut self, from: usize) -> usize {
        let bytes = self.text;
        let d = self.delimiter;
        let mut i = from;
        // Eight bytes at a time (SWAR): the worker's wasm has no SIMD, and a
        // byte-at-a-time loop was most of reading a file. A non-ASCII
        // delimiter matches nothing, so '\n' stands in for it.
        let delim = u8::try_from(d).unwrap_or(b'\n');
        while let Some(word) = bytes.get(i..i + 8) {
            let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            let hit = zero_bytes(w ^ splat(delim))
                | zero_bytes(w ^ splat(b'\n'))
                | zero_bytes(w ^ splat(b'\r'))
                | zero_bytes(w);
            if hit != 0 {
                // The lowest flagged byte is always a real match (see
                // `zero_bytes`), and little-endian puts it first.
                let at = i + (hit.trailing_zeros() / 8) as usize;
                if bytes[at] != 0 || d == 0 {
                    return at;
                }
                // A NUL is text: noted, and the field goes on.
                self.nul = true;
                i = at + 1;
                continue;
            }
            i += 8;
        }
        while i < bytes.len() {
            let b = bytes[i];
            if u16::from(b) == d || b == b'\n' || b == b'\r' {
                break;
            }
            self.nul |= b == 0;
            i += 1;
        }
        i
    }

    /// A field that starts with a quote (at `self.pos`); leaves `self.pos`
    /// at the byte that ends it.
    fn quoted(&mut self) -> Cow<'a, [u8]> {
        let bytes = self.text;
        self.pos += 1;
        let open = self.pos;
        let mut seg = self.pos;
        let mut owned: Option<Vec<u8>> = None;
        loop {
            let Some(q) = bytes[self.pos..].iter().position(|&b| b == b'"') else {
                // Unbalanced: the field runs to the end of the text.
                self.pos = bytes.len();
                self.open_quote = true;
                return join(owned, &self.text[seg..]);
            };
            let q = self.pos + q;
            self.pos = q + 1;
            match bytes.get(self.pos) {
                Some(b'"') => {
                    // `""`: one literal quote, still inside the quotes.
                    let s = owned.get_or_insert_with(Vec::new);
                    s.extend_from_slice(&self.text[seg..=q]);
                    self.pos += 1;
                    seg = self.pos;
                }
                Some(&b) if u16::from(b) == self.delimiter || b == b'\r' || b == b'\n' => {
                    return join(owned, &self.text[seg..q]);
                }
                None => return join(owned, &self.text[seg..q]),
                Some(_) => {
                    // Text after the closing quote is kept as it is, up to
                    // the end of the field (quotes in it are literal).
                    if bytes[open..q].iter().any(|&b| b == b'\n' || b == b'\r') {
                        self.stray_quote = true;
                    }
                    let mut s = owned.unwrap_or_default();
                    s.extend_from_slice(&self.text[seg..q]);
                    let end = self.field_end(self.pos);
                    s.extend_from_slice(&self.text[self.pos..end]);
                    self.pos = end;
                    return Cow::Owned(s);
                }
            }
        }
    }
}

/// `b` in every byte of a word.
#[inline]
const fn splat(b: u8) -> u64 {
    0x0101_0101_0101_0101 * b as u64
}

/// A word with the high bit set in bytes of `w` that are zero. The lowest
/// set bit always marks a zero byte; bytes above a zero byte may be
/// flagged wrongly (the borrow runs on), so only the lowest is used.
#[inline]
const fn zero_bytes(w: u64) -> u64 {
    w.wrapping_sub(splat(1)) & !w & splat(0x80)
}

/// What bytes `b` (followed in the text by `next`) hold, in one pass: line
/// ends (each `\n`, and each `\r` not followed by a `\n`), `\n`s, and
/// whether a NUL byte. For a quoted field's bytes and for blank lines.
fn scan(b: &[u8], next: Option<&u8>) -> (usize, usize, bool) {
    let (mut line_ends, mut newlines, mut nul) = (0, 0, false);
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'\n' => {
                line_ends += 1;
                newlines += 1;
            }
            b'\r' => {
                let after = b.get(i + 1).or(if i + 1 == b.len() { next } else { None });
                if after != Some(&b'\n') {
                    line_ends += 1;
                }
            }
            0 => nul = true,
            _ => {}
        }
    }
    (line_ends, newlines, nul)
}

fn join<'a>(owned: Option<Vec<u8>>, tail: &'a [u8]) -> Cow<'a, [u8]> {
    match owned {
        None => Cow::Borrowed(tail),
        Some(mut s) => {
            s.extend_from_slice(tail);
            Cow::Owned(s)
        }
    }
}
