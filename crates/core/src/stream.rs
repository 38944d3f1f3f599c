//! Reading a file a chunk at a time, so the worker can parse one slice
//! while the browser reads the next, and never holds the whole file.
//!
//! [`TextReader`] gives exactly the [`ReadResult`] (or [`ReadError`]) that
//! [`crate::read_bytes`] gives for the same bytes, however they are cut
//! into chunks. What each decision needs before it can be made:
//!
//! - spreadsheet or text, and a BOM: the first 4 bytes;
//! - UTF-8 or not: the WHOLE file (one bad byte at the end makes it
//!   GB18030). So text is parsed as UTF-8 and checked as it is parsed (a
//!   cell's bytes when the table does not already hold them, see
//!   `Table::push_row_bytes`); at the first
//!   invalid byte the reader starts again as GB18030 or UTF-16 (told apart
//!   by the first 4,096 bytes, as `read_bytes` does), and a file that is
//!   not even GB18030 starts once more as UTF-8 with replacement
//!   characters. A start-again re-reads the bytes the reader kept (all of
//!   them while the file is under [`TextReader::retain_at_most`], 1 MB by
//!   default, plus the chunk in hand); later than that the caller is told
//!   to feed the file again from its first byte ([`Fed::Rewind`]). Until
//!   the encoding is certain, an error in the text is held back: with
//!   another encoding it might read differently.
//! - the delimiter: the first 30 complete non-blank lines (what
//!   [`crate::detect_delimiter`] samples), or the whole text when shorter;
//! - a record: its end. A record whose end is not yet in the text (an
//!   unquoted field cut by the chunk end, an open quote, a `\r` that may
//!   be half of `\r\n`, a `"` that may be half of `""`) is kept and parsed
//!   again when the next chunk has arrived.
//!
//! Spreadsheets need their zip directory at the end, so their bytes are
//! gathered and read whole.

use crate::read::{
    check_cells, check_record, header_row, read_spreadsheet, sample_lines, text_cells,
    utf16_without_bom, PROGRESS_EVERY,
};
use crate::{detect_delimiter, ReadError, ReadOptions, ReadProgress, ReadResult, Splitter, Table};
use encoding_rs::{CoderResult, Decoder, Encoding, GB18030, UTF_8};
use std::borrow::Cow;

/// Non-blank lines the delimiter is chosen from (as `detect_delimiter`).
const SAMPLE_LINES: usize = 30;
/// Bytes `read_bytes` looks at to spot UTF-16 without a BOM.
const UTF16_SAMPLE: usize = 4096;
/// Bytes kept by default to start again without asking for a rewind.
const DEFAULT_RETAIN: usize = 1 << 20;
/// An unfinished record longer than this (an open quote, a line without
/// an end) is tried again only once the text has doubled, so a file that
/// is one long record costs linear time, not quadratic.
const LONG_TAIL: usize = 1 << 16;

/// What the caller does after [`TextReader::feed`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fed {
    /// Feed the next chunk.
    More,
    /// The file is not what its start suggested (not UTF-8, or not
    /// GB18030) and the reader no longer has its first bytes: feed the
    /// file again from byte 0. Happens at most twice per file.
    Rewind,
}

/// What [`TextReader::finish`] ends with.
#[derive(Clone, Debug, PartialEq)]
pub enum Finished {
    /// The table, as `read_bytes` reads it.
    Done(Box<ReadResult>),
    /// As [`Fed::Rewind`]: feed the whole file again, then finish.
    Rewind,
}

/// Reads a file from chunks of its bytes, in order, as
/// [`crate::read_bytes`] reads the whole file.
///
/// # Example
/// ```
/// use opscalc_core::{read_bytes, Fed, Finished, ReadOptions, TextReader};
/// let file = "订单号,金额\nA1,\"1,200\"\r\nA2,5\n".as_bytes();
/// let mut r = TextReader::new("o.csv", &ReadOptions::default());
/// for chunk in file.chunks(3) {
///     assert_eq!(r.feed(chunk, &mut |_| {}).unwrap(), Fed::More);
/// }
/// let Finished::Done(got) = r.finish(&mut |_| {}).unwrap() else { panic!() };
/// assert_eq!(got.table.cell(0, 1), "1,200");
/// assert_eq!(*got, read_bytes("o.csv", file, &ReadOptions::default()).unwrap());
/// ```
pub struct TextReader {
    name: String,
    opts: ReadOptions,
    /// Every byte fed since the (re)start, while there are few enough.
    retained: Option<Vec<u8>>,
    retain_limit: usize,
    /// Learnt on the way and kept across starts: the file is not UTF-8
    /// (with the line of its first bad byte), and not GB18030 either.
    not_utf8: Option<usize>,
    not_gb18030: bool,
    mode: Mode,
    parse: Parse,
}

enum Mode {
    /// Too few bytes yet to choose how to read them.
    Sniffing(Vec<u8>),
    /// A spreadsheet: gathered whole.
    Spreadsheet(Vec<u8>),
    /// UTF-8, checked as it is parsed.
    Utf8,
    /// A known encoding through encoding_rs's streaming decoder.
    Decoding {
        decoder: Decoder,
        encoding: &'static Encoding,
        on_error: OnError,
        had_errors: bool,
    },
}

/// What bytes the encoding cannot read mean.
#[derive(Clone, Copy, PartialEq)]
enum OnError {
    /// Replaced, with a warning (a chosen encoding, a BOM, UTF-16).
    Warn,
    /// Replaced silently (UTF-8 after GB18030 failed: warned already).
    Replace,
    /// The GB18030 guess was wrong: start again as UTF-8.
    StartAgain,
}

/// Why processing stopped early.
enum Stop {
    Fail(ReadError),
    /// Something was learnt that changes how the file reads from byte 0.
    StartAgain,
}

impl From<ReadError> for Stop {
    fn from(e: ReadError) -> Stop {
        Stop::Fail(e)
    }
}

impl TextReader {
    /// A reader for the file `name`; the options mean what they mean to
    /// `read_bytes`.
    pub fn new(name: &str, opts: &ReadOptions) -> TextReader {
        TextReader {
            name: name.to_string(),
            opts: opts.clone(),
            retained: Some(Vec::new()),
            retain_limit: DEFAULT_RETAIN,
            not_utf8: None,
            not_gb18030: false,
            mode: Mode::Sniffing(Vec::new()),
            parse: Parse::new(opts.delimiter, 0),
        }
    }

    /// The file's size, when known: the table reserves room for it at
    /// once instead of doubling (and briefly holding two copies).
    pub fn expect_bytes(mut self, bytes: usize) -> TextReader {
        self.parse.size_hint = bytes;
        self
    }

    /// Keeps at most `bytes` of the file's start to start again from when
    /// the encoding turns out wrong; beyond that the caller rewinds.
    pub fn retain_at_most(mut self, bytes: usize) -> TextReader {
        self.retain_limit = bytes;
        self
    }

    /// Reads the next chunk of the file.
    pub fn feed(
        &mut self,
        chunk: &[u8],
        progress: &mut dyn FnMut(ReadProgress),
    ) -> Result<Fed, ReadError> {
        let before = self.retained.take();
        match self.process(chunk, progress) {
            Ok(()) => {
                self.retained = before.and_then(|r| self.keep(r, chunk));
                Ok(Fed::More)
            }
            Err(Stop::Fail(e)) => Err(e),
            Err(Stop::StartAgain) => {
                self.restart();
                let Some(mut all) = before else {
                    self.retained = Some(Vec::new());
                    return Ok(Fed::Rewind);
                };
                all.extend_from_slice(chunk);
                self.replay(&all, progress)?;
                self.retained = (all.len() <= self.retain_limit).then_some(all);
                Ok(Fed::More)
            }
        }
    }

    /// Ends the file: the table, or [`Finished::Rewind`].
    pub fn finish(
        &mut self,
        progress: &mut dyn FnMut(ReadProgress),
    ) -> Result<Finished, ReadError> {
        loop {
            match self.end(progress) {
                Ok(r) => return Ok(Finished::Done(Box::new(r))),
                Err(Stop::Fail(e)) => return Err(e),
                Err(Stop::StartAgain) => {
                    self.restart();
                    let Some(all) = self.retained.take() else {
                        self.retained = Some(Vec::new());
                        return Ok(Finished::Rewind);
                    };
                    self.replay(&all, progress)?;
                    self.retained = Some(all);
                }
            }
        }
    }

    fn keep(&self, mut r: Vec<u8>, chunk: &[u8]) -> Option<Vec<u8>> {
        if r.len() + chunk.len() > self.retain_limit {
            return None;
        }
        r.extend_from_slice(chunk);
        Some(r)
    }

    /// Forgets everything read, keeping what was learnt about the file.
    fn restart(&mut self) {
        self.mode = Mode::Sniffing(Vec::new());
        self.parse = Parse::new(self.opts.delimiter, self.parse.size_hint);
    }

    /// Reads `all` (the file so far) again after a start-again, starting
    /// again as often as that teaches something new (twice at most).
    fn replay(
        &mut self,
        all: &[u8],
        progress: &mut dyn FnMut(ReadProgress),
    ) -> Result<(), ReadError> {
        loop {
            match self.process(all, progress) {
                Ok(()) => return Ok(()),
                Err(Stop::Fail(e)) => return Err(e),
                Err(Stop::StartAgain) => self.restart(),
            }
        }
    }

    fn process(
        &mut self,
        chunk: &[u8],
        progress: &mut dyn FnMut(ReadProgress),
    ) -> Result<(), Stop> {
        if let Mode::Sniffing(held) = &mut self.mode {
            held.extend_from_slice(chunk);
            let held = std::mem::take(held);
            return match self.choose(&held, false)? {
                Some(skip) => self.process(&held[skip..], progress),
                None => {
                    self.mode = Mode::Sniffing(held);
                    Ok(())
                }
            };
        }
        match &mut self.mode {
            // Chosen above.
            Mode::Sniffing(_) => Ok(()),
            Mode::Spreadsheet(bytes) => {
                bytes.extend_from_slice(chunk);
                Ok(())
            }
            Mode::Utf8 => {
                self.parse.push(chunk);
                self.parse_held(progress, true)?;
                self.checked_utf8()
            }
            Mode::Decoding {
                decoder,
                on_error,
                had_errors,
                ..
            } => {
                let errors = self.parse.decode(decoder, chunk, false);
                if errors && *on_error == OnError::StartAgain {
                    self.not_gb18030 = true;
                    return Err(Stop::StartAgain);
                }
                *had_errors |= errors;
                let unsure = *on_error == OnError::StartAgain;
                self.parse_held(progress, unsure)
            }
        }
    }

    /// Parses what has arrived; while the encoding may still change, an
    /// error is held back instead of returned.
    fn parse_held(
        &mut self,
        progress: &mut dyn FnMut(ReadProgress),
        unsure: bool,
    ) -> Result<(), Stop> {
        match self.parse.parse(&self.name, false, progress) {
            Err(e) if unsure => {
                self.parse.failed = Some(e);
                Ok(())
            }
            r => r.map_err(Stop::Fail),
        }
    }

    /// Starts again if the parse met a byte that is not UTF-8 (noting its
    /// line). Decoded text always is UTF-8.
    fn checked_utf8(&mut self) -> Result<(), Stop> {
        match (self.parse.not_utf8.take(), &self.mode) {
            (None, _) => Ok(()),
            (Some(line), Mode::Utf8) => {
                self.not_utf8 = Some(line);
                Err(Stop::StartAgain)
            }
            (Some(line), _) => Err(Stop::Fail(ReadError::at(
                &self.name,
                Some(line.min(u32::MAX as usize) as u32),
                None,
                "decoded text that is not UTF-8",
            ))),
        }
    }

    /// Chooses how to read the file from its first bytes (`complete`: all
    /// of them). Returns how many bytes of BOM to skip, or `None` when more
    /// bytes are needed.
    fn choose(&mut self, head: &[u8], complete: bool) -> Result<Option<usize>, Stop> {
        let need = if self.not_utf8.is_some() {
            UTF16_SAMPLE
        } else {
            4
        };
        if head.len() < need && !complete {
            return Ok(None);
        }
        if head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            self.mode = Mode::Spreadsheet(Vec::new());
            return Ok(Some(0));
        }
        let decoding = |encoding: &'static Encoding, on_error| Mode::Decoding {
            decoder: encoding.new_decoder_without_bom_handling(),
            encoding,
            on_error,
            had_errors: false,
        };
        if let Some(label) = &self.opts.encoding {
            let e = Encoding::for_label(label.trim().as_bytes()).ok_or_else(|| {
                ReadError::file(&self.name, crate::notice::unknown_encoding(label))
            })?;
            self.mode = decoding(e, OnError::Warn);
            return Ok(Some(0));
        }
        if let Some((e, n)) = Encoding::for_bom(head) {
            self.mode = decoding(e, OnError::Warn);
            return Ok(Some(n));
        }
        self.mode = match (self.not_utf8, utf16_without_bom(head)) {
            (None, _) => Mode::Utf8,
            (Some(_), Some(e)) => decoding(e, OnError::Warn),
            (Some(_), None) if self.not_gb18030 => decoding(UTF_8, OnError::Replace),
            (Some(_), None) => decoding(GB18030, OnError::StartAgain),
        };
        Ok(Some(0))
    }

    /// The end of the file: flushes the decoder and parses the rest.
    fn end(&mut self, progress: &mut dyn FnMut(ReadProgress)) -> Result<ReadResult, Stop> {
        if let Mode::Sniffing(held) = &mut self.mode {
            let held = std::mem::take(held);
            if let Some(skip) = self.choose(&held, true)? {
                self.process(&held[skip..], progress)?;
            }
        }
        let (encoding, mut warnings) = match &mut self.mode {
            // `choose` with all the bytes always chooses.
            Mode::Sniffing(_) => ("UTF-8".to_string(), Vec::new()),
            Mode::Spreadsheet(bytes) => {
                let bytes = std::mem::take(bytes);
                return Ok(read_spreadsheet(&self.name, &bytes, &self.opts)?);
            }
            Mode::Utf8 => {
                if self.parse.failed.is_some() {
                    // Parsing stopped at an error: the rest was only
                    // checked, up to a character the last chunk cut.
                    self.parse.check_rest(true);
                }
                ("UTF-8".to_string(), Vec::new())
            }
            Mode::Decoding {
                decoder,
                encoding,
                on_error,
                had_errors,
            } => {
                let errors = self.parse.decode(decoder, &[], true) || *had_errors;
                let mut name = encoding.name().to_string();
                if *encoding == encoding_rs::GBK || *encoding == GB18030 {
                    name = "GB18030".into();
                }
                match on_error {
                    OnError::StartAgain if errors => {
                        self.not_gb18030 = true;
                        return Err(Stop::StartAgain);
                    }
                    OnError::Warn if errors => {
                        let w = crate::notice::bad_bytes(&self.name, &name);
                        (name, vec![w])
                    }
                    OnError::Replace => {
                        let line = self.not_utf8.unwrap_or(1);
                        let w = crate::notice::not_utf8_or_gbk(&self.name, line);
                        ("UTF-8".to_string(), vec![w])
                    }
                    _ => (name, Vec::new()),
                }
            }
        };
        let r = self.parse.finish(&self.name, progress);
        self.checked_utf8()?;
        let mut r = r?;
        r.encoding = encoding;
        warnings.append(&mut r.warnings);
        r.warnings = warnings;
        Ok(r)
    }
}

/// Text on its way into the table.
struct Parse {
    delimiter: Option<u8>,
    /// Text not yet parsed: at most an unfinished record, after a parse.
    /// Bytes: in a UTF-8 file they are checked as they are parsed.
    pending: Vec<u8>,
    /// The line of the first byte found not to be UTF-8 (the parse stops
    /// there).
    not_utf8: Option<usize>,
    /// The first character was looked at (a BOM left in the text is
    /// dropped, as `read_text` drops it).
    started: bool,
    table: Option<Table>,
    warnings: Vec<String>,
    /// Lines (`\n`, `\r\n`, lone `\r`) in the text before `pending`.
    lines_before: usize,
    /// Bytes of text before `pending`.
    offset: usize,
    /// `\n` bytes in the text before `pending` (the line of a byte that
    /// is not UTF-8 counts these, as `read_bytes` does).
    newlines_before: usize,
    /// A quote that merges rows (the unbalanced-quote warning): a quoted
    /// field left open at the end, or one holding a line end that went on
    /// after its closing quote ([`Splitter::stray_quote`]).
    unbalanced_quote: bool,
    /// `pending` is not parsed again before it is this long.
    parse_at: usize,
    /// An error held back until the encoding is certain.
    failed: Option<ReadError>,
    /// The file's size, for the table's first reservation.
    size_hint: usize,
}

impl Parse {
    fn new(delimiter: Option<u8>, size_hint: usize) -> Parse {
        Parse {
            delimiter,
            pending: Vec::new(),
            not_utf8: None,
            started: false,
            table: None,
            warnings: Vec::new(),
            lines_before: 0,
            offset: 0,
            newlines_before: 0,
            unbalanced_quote: false,
            parse_at: 0,
            failed: None,
            size_hint,
        }
    }

    /// Adds text (UTF-8, to be checked as it is parsed).
    fn push(&mut self, text: &[u8]) {
        self.pending.extend_from_slice(text);
        self.arrived();
    }

    /// Decodes `bytes` onto the pending text; true when some could not be.
    fn decode(&mut self, decoder: &mut Decoder, mut bytes: &[u8], last: bool) -> bool {
        let mut errors = false;
        loop {
            let room = decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(bytes.len().saturating_mul(3))
                .max(16);
            let len = self.pending.len();
            self.pending.resize(len + room, 0);
            let (result, read, written, bad) =
                decoder.decode_to_utf8(bytes, &mut self.pending[len..], last);
            self.pending.truncate(len + written);
            errors |= bad;
            bytes = &bytes[read..];
            if result == CoderResult::InputEmpty {
                break;
            }
        }
        self.arrived();
        errors
    }

    /// Bookkeeping for text just appended.
    fn arrived(&mut self) {
        if !self.started && !self.pending.is_empty() {
            self.started = true;
            const BOM: &[u8] = "\u{FEFF}".as_bytes();
            if self.pending.starts_with(BOM) {
                self.pending.drain(..BOM.len());
            }
        }
        if self.failed.is_some() {
            // Nothing more is parsed: only the encoding is still checked.
            self.check_rest(false);
        }
    }

    /// Checks that `pending` is UTF-8 and drops it, keeping a character
    /// cut at its end unless `last` (the parse stopped at an error, and
    /// only the encoding is still in question).
    fn check_rest(&mut self, last: bool) {
        let Some(checked) = self.valid_prefix(last) else {
            return;
        };
        self.offset += checked;
        self.newlines_before += count_byte(&self.pending[..checked], b'\n');
        self.pending.drain(..checked);
    }

    /// How much of `pending` is UTF-8, up to a character cut at its end
    /// unless `last`; `None` (noting the line) when a byte is not.
    fn valid_prefix(&mut self, last: bool) -> Option<usize> {
        match std::str::from_utf8(&self.pending) {
            Ok(s) => Some(s.len()),
            Err(e) if e.error_len().is_none() && !last => Some(e.valid_up_to()),
            Err(e) => {
                self.not_utf8 = Some(self.line_at(e.valid_up_to()));
                None
            }
        }
    }

    /// The line (counted by `\n`s, as `read_bytes` counts it) of byte `at`
    /// of `pending`.
    fn line_at(&self, at: usize) -> usize {
        line_of(self.newlines_before, &self.pending, at)
    }

    /// Parses the complete records in `pending` (all of it when `last`).
    fn parse(
        &mut self,
        name: &str,
        last: bool,
        progress: &mut dyn FnMut(ReadProgress),
    ) -> Result<(), ReadError> {
        if self.failed.is_some()
            || self.not_utf8.is_some()
            || (!last && self.pending.len() < self.parse_at)
        {
            return Ok(());
        }
        let d = match self.delimiter {
            Some(d) => d,
            None => {
                // The sample is text: checked here, once.
                let Some(valid) = self.valid_prefix(last) else {
                    return Ok(());
                };
                let sample = std::str::from_utf8(&self.pending[..valid]).unwrap_or_default();
                if !last && !enough_lines(sample) {
                    self.wait_if_long();
                    return Ok(());
                }
                let d = detect_delimiter(sample);
                self.delimiter = Some(d);
                d
            }
        };
        let text = self.pending.as_slice();
        let mut split = Splitter::new(text, d);
        let mut rec: Vec<Cow<[u8]>> = Vec::new();
        let mut cut = 0;
        // Line ends and `\n`s before `cut`, and a stray quote there.
        let (mut cut_lines, mut cut_newlines, mut cut_stray) = (0, 0, false);
        while let Some(start) = split.next_record(&mut rec) {
            if !last && split.position() >= text.len() {
                // Its end may be in the next chunk.
                break;
            }
            cut = split.position();
            cut_lines = split.line_ends();
            cut_newlines = split.newlines();
            cut_stray = split.stray_quote();
            let line = (self.lines_before + split.line()).min(u32::MAX as usize);
            let line = line as u32;
            check_record(name, line, &rec, self.table.as_ref(), split.nul_in_record())?;
            // The line of the first byte of this record that is not UTF-8.
            let bad = |rec_end: usize| {
                let raw = &text[start..rec_end];
                let at = std::str::from_utf8(raw).map_or_else(|e| e.valid_up_to(), |_| raw.len());
                line_of(self.newlines_before, text, start + at)
            };
            match &mut self.table {
                None => {
                    let Ok(raw) = text_cells(&rec) else {
                        self.not_utf8 = Some(bad(split.position()));
                        return Ok(());
                    };
                    if raw.iter().all(|f| f.is_empty()) {
                        continue;
                    }
                    let headers = header_row(name, line, &raw, &mut self.warnings)?;
                    let mut t = Table::new(name, headers);
                    // Rows from the line length of the text in hand (a
                    // whole first slice), plus 5%: reserving too few
                    // doubles each column's codes or cell offsets.
                    let lines = count_byte(text, b'\n').max(1);
                    let per_row = (text.len() / lines).max(8);
                    let size = self.size_hint.max(text.len());
                    let rows = size / per_row;
                    t.reserve(rows + rows / 20 + 16);
                    self.table = Some(t);
                }
                Some(t) => {
                    check_cells(name, line, t.len() + 1, t.headers().len())?;
                    if t.push_row_bytes(rec.iter().map(|f| &**f), line).is_err() {
                        self.not_utf8 = Some(bad(split.position()));
                        return Ok(());
                    }
                    if t.len() % PROGRESS_EVERY == 0 {
                        progress(ReadProgress {
                            bytes: self.offset + start,
                            rows: t.len(),
                        });
                    }
                }
            }
        }
        if last {
            self.unbalanced_quote |= split.open_quote() || split.stray_quote();
        } else {
            self.unbalanced_quote |= cut_stray;
            self.lines_before += cut_lines;
            self.newlines_before += cut_newlines;
            drop(rec);
            self.pending.drain(..cut);
            self.offset += cut;
            self.wait_if_long();
        }
        Ok(())
    }

    /// Puts off parsing a long unfinished record until the text doubles.
    fn wait_if_long(&mut self) {
        self.parse_at = if self.pending.len() > LONG_TAIL {
            self.pending.len() * 2
        } else {
            0
        };
    }

    /// Parses the last record and builds the result.
    fn finish(
        &mut self,
        name: &str,
        progress: &mut dyn FnMut(ReadProgress),
    ) -> Result<ReadResult, ReadError> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.parse(name, true, progress)?;
        let mut table = self
            .table
            .take()
            .ok_or_else(|| ReadError::file(name, crate::notice::EMPTY_FILE.en))?;
        // Room was reserved for the whole file's bytes and a row estimate;
        // the text is smaller (no delimiters, quotes or line ends). Handed
        // back, the slack (about 13 MB at 1M orders) serves the orders
        // built next instead of growing the worker's memory.
        table.shrink_to_fit();
        progress(ReadProgress {
            bytes: self.offset + self.pending.len(),
            rows: table.len(),
        });
        let mut warnings = std::mem::take(&mut self.warnings);
        if !table.overflow_rows.is_empty() {
            let (row, n) = table.overflow_rows[0];
            warnings.push(crate::notice::extra_cells(
                name,
                table.overflow_rows.len(),
                row,
                n,
            ));
        }
        if self.unbalanced_quote && !table.is_empty() {
            warnings.push(crate::notice::unbalanced_quote(name));
        }
        Ok(ReadResult {
            table,
            encoding: "UTF-8".into(),
            delimiter: self.delimiter,
            sheets: Vec::new(),
            warnings,
        })
    }
}

/// The line of byte `at` of `text`, after `newlines_before` `\n`s, counted
/// by `\n`s as `read_bytes` counts it.
fn line_of(newlines_before: usize, text: &[u8], at: usize) -> usize {
    newlines_before + count_byte(&text[..at], b'\n') + 1
}

/// True when `text` holds the delimiter sample `detect_delimiter` takes
/// from a whole file: 30 non-blank lines, each ended by `\n`.
fn enough_lines(text: &str) -> bool {
    let Some(end) = text.rfind('\n') else {
        return false;
    };
    sample_lines(&text[..end], SAMPLE_LINES).len() >= SAMPLE_LINES
}

/// How many times `byte` occurs in `b`, eight bytes at a time: the
/// worker's wasm has no SIMD, so a byte-at-a-time count was a second pass
/// over the file.
pub(crate) fn count_byte(b: &[u8], byte: u8) -> usize {
    const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;
    let splat = 0x0101_0101_0101_0101 * u64::from(byte);
    let mut words = b.chunks_exact(8);
    let mut n = 0;
    for word in &mut words {
        let w = u64::from_le_bytes(word.try_into().unwrap_or([0; 8])) ^ splat;
        // High bit set exactly in the bytes that matched (now zero).
        n += (!(((w & LOW7) + LOW7) | w | LOW7)).count_ones() as usize;
    }
    n + words.remainder().iter().filter(|&&c| c == byte).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads `bytes` cut at each offset in `cuts`, keeping nothing (so a
    /// start-again must come from the chunk in hand or a rewind).
    fn read_cut(bytes: &[u8], cuts: &[usize], opts: &ReadOptions) -> Result<ReadResult, ReadError> {
        let mut r = TextReader::new("t.csv", opts).retain_at_most(0);
        'pass: loop {
            let mut from = 0;
            for &to in cuts.iter().chain([bytes.len()].iter()) {
                if r.feed(&bytes[from..to], &mut |_| {})? == Fed::Rewind {
                    continue 'pass;
                }
                from = to;
            }
            if let Finished::Done(t) = r.finish(&mut |_| {})? {
                return Ok(*t);
            }
        }
    }

    fn every_cut(bytes: &[u8], check: impl Fn(&ReadResult)) {
        for cut in 0..=bytes.len() {
            check(&read_cut(bytes, &[cut], &ReadOptions::default()).unwrap());
        }
    }

    #[test]
    fn a_character_cut_by_the_chunk_end() {
        every_cut("买家,金额\n张三,5\n".as_bytes(), |r| {
            assert_eq!(r.encoding, "UTF-8");
            assert_eq!(r.table.headers(), ["买家", "金额"]);
            assert_eq!(r.table.cell(0, 0), "张三");
        });
    }

    #[test]
    fn crlf_cut_between_cr_and_lf() {
        every_cut(b"a\r\n1\r\n\r\n2\r3\r\n", |r| {
            let rows: Vec<u32> = (0..r.table.len()).map(|i| r.table.row_number(i)).collect();
            assert_eq!(rows, [2, 4, 5]);
            assert_eq!(r.table.cell(2, 0), "3");
        });
    }

    #[test]
    fn doubled_quote_and_quoted_newline_cut() {
        every_cut(b"a,b\n\"x\"\"y\",\"1\n2\"\nlast,z\n", |r| {
            assert_eq!(r.table.cell(0, 0), "x\"y");
            assert_eq!(r.table.cell(0, 1), "1\n2");
            assert_eq!(r.table.row_number(1), 4);
            assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        });
    }

    #[test]
    fn gbk_and_utf16_cut_inside_a_character() {
        // 买家,金额 / 张三,5 in GBK.
        let gbk = b"\xC2\xF2\xBC\xD2,\xBD\xF0\xB6\xEE\n\xD5\xC5\xC8\xFD,5\n";
        every_cut(gbk, |r| {
            assert_eq!(r.encoding, "GB18030");
            assert_eq!(r.table.headers(), ["买家", "金额"]);
            assert_eq!(r.table.cell(0, 0), "张三");
        });
        let mut le = vec![0xFF, 0xFE];
        for u in "买家\t金额\n张三\t5\n".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        every_cut(&le, |r| {
            assert_eq!(r.encoding, "UTF-16LE");
            assert_eq!(r.delimiter, Some(b'\t'));
            assert_eq!(r.table.cell(0, 1), "5");
        });
    }

    #[test]
    fn the_guards_hold_across_chunks() {
        let wide = format!("a\n1{}\n", ",".repeat(4100));
        let e = read_cut(wide.as_bytes(), &[3, 100, 2000], &ReadOptions::default()).unwrap_err();
        assert_eq!(e.row, Some(2));
        assert!(e.message.contains("4101 columns"), "{e}");
        let long = format!("id,{}\n1,2\n", "h".repeat(2000));
        let e = read_cut(long.as_bytes(), &[1, 500, 1500], &ReadOptions::default()).unwrap_err();
        assert_eq!(e.row, Some(1));
        let e = read_cut(b"a,b\n1,x\x00\n", &[6], &ReadOptions::default()).unwrap_err();
        assert_eq!((e.row, e.column.as_deref()), (Some(2), Some("b")));
    }

    #[test]
    fn overflow_rows_keep_their_numbers() {
        every_cut(b"a,b\n\n1,2,3,4\n5,6\n", |r| {
            assert_eq!(r.table.overflow_rows(), &[(3, 2)]);
            assert_eq!(r.warnings.len(), 1);
        });
    }

    #[test]
    fn a_bad_byte_in_the_first_chunk_needs_no_rewind() {
        let mut file = b"\xC2\xF2\xBC\xD2\n".to_vec();
        file.extend(std::iter::repeat_n(b"7\n".as_slice(), 1000).flatten());
        let mut r = TextReader::new("t.csv", &ReadOptions::default()).retain_at_most(0);
        assert_eq!(r.feed(&file[..1000], &mut |_| {}), Ok(Fed::More));
        assert_eq!(r.feed(&file[1000..], &mut |_| {}), Ok(Fed::More));
        let Ok(Finished::Done(t)) = r.finish(&mut |_| {}) else {
            panic!("not read")
        };
        assert_eq!((t.encoding.as_str(), t.table.len()), ("GB18030", 1000));
        assert_eq!(t.table.headers(), ["买家"]);
    }

    #[test]
    fn the_first_bad_byte_is_named_by_its_line_wherever_the_chunks_end() {
        // Neither UTF-8 nor GB18030 (its UTF-8 header is not valid
        // GB18030): read as UTF-8 with a warning naming the line of the
        // first bad byte, counted in `\n`s as `read_bytes` counts them,
        // past CRLFs, a lone CR, a blank line and a quoted line end.
        let mut file = "订单编号,买家会员名\r\na,\"x\ny\"\rb,2\n\nc,3\r\n"
            .as_bytes()
            .to_vec();
        file.extend_from_slice(b"d,\xC2\xF2\n");
        let whole = crate::read_bytes("t.csv", &file, &ReadOptions::default()).unwrap();
        // Five `\n`s before it (the lone CR is not one): row 6.
        assert!(whole.warnings[0].contains("row 6"), "{:?}", whole.warnings);
        for cut in 0..=file.len() {
            let r = read_cut(&file, &[cut], &ReadOptions::default()).unwrap();
            assert_eq!(r, whole, "cut at {cut}");
        }
    }

    #[test]
    fn a_quote_that_merges_rows_is_warned() {
        let warned = |text: &str| {
            let whole = crate::read_bytes("t.csv", text.as_bytes(), &ReadOptions::default());
            let whole = whole.unwrap();
            for cut in 0..=text.len() {
                let r = read_cut(text.as_bytes(), &[cut], &ReadOptions::default()).unwrap();
                assert_eq!(r, whole, "{text:?} cut at {cut}");
            }
            whole
                .warnings
                .iter()
                .any(|w| w.contains("unbalanced quote"))
        };
        // Quotes in unquoted fields are text (an odd count of them warned
        // before, though every row reads as meant).
        assert!(!warned("a,b\n5\" screen,x\n1,\"y\"\n"));
        assert!(!warned("a,b\n\"q\"\"\",x\n"));
        assert!(!warned("a,b\n\"x\"y,1\n\"p\nq\",2\n"));
        // A quote that never closes swallows every row after it.
        assert!(warned("a,b\n1,\"open\n2,x\n3,y\n"));
        assert!(warned("a,b\n1,\"x\"\n2,\"open"));
        // A stray quote closed by a quote meant as text further on: the
        // rows between are one cell, though nothing is open at the end.
        assert!(warned("a,b\n\"x,1\n2,\"y\"\n3,4\n"));
        assert!(warned("a,b\n\"x,1\r2,\"y\"\n3,4\n"));
    }

    #[test]
    fn a_nul_byte_is_refused_with_its_row_and_column_wherever_the_chunks_end() {
        for file in [
            &b"id,note\n1,ok\n2,ab\0cdefghijk\n"[..],
            b"id,note\n1,ok\n2,\"a\0\"\n",
        ] {
            let whole = crate::read_bytes("t.csv", file, &ReadOptions::default()).unwrap_err();
            assert_eq!(
                (whole.row, whole.column.as_deref()),
                (Some(3), Some("note"))
            );
            for cut in 0..=file.len() {
                let e = read_cut(file, &[cut], &ReadOptions::default()).unwrap_err();
                assert_eq!(e, whole, "cut at {cut}");
            }
        }
    }

    #[test]
    fn progress_counts_rows_across_chunks() {
        let text: String = std::iter::once("id\n".to_string())
            .chain((0..40_000).map(|i| format!("{i}\n")))
            .collect();
        let mut r = TextReader::new("t.csv", &ReadOptions::default());
        let mut seen = Vec::new();
        for c in text.as_bytes().chunks(10_000) {
            r.feed(c, &mut |p| seen.push(p.rows)).unwrap();
        }
        let done = r.finish(&mut |p| seen.push(p.rows)).unwrap();
        assert!(matches!(done, Finished::Done(t) if t.table.len() == 40_000));
        assert_eq!(seen, [16_384, 32_768, 40_000]);
    }
}
