//! The row ledger: every row that is not used is recorded with a named
//! reason, its row number, the column and the offending text.

use crate::FxMap;
use std::collections::BTreeMap;
use std::fmt;

/// Why a row was not used.
///
/// # Example
/// ```
/// use opscalc_core::Reason;
/// assert_eq!(Reason::CancelledOrUnpaid.key(), "cancelled_or_unpaid");
/// ```
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[allow(missing_docs)]
pub enum Reason {
    BlankRow,
    DuplicateRow,
    MissingOrderId,
    MissingTime,
    BadTime,
    BadNumber,
    Unpaid,
    CancelledOrUnpaid,
    Refunded,
    MissingBuyer,
    MissingUser,
    MissingSku,
    DuplicateSku,
    UnknownStatus,
    UnknownSku,
    OutsideWindow,
    AfterAsOf,
    TotalRow,
    MissingSession,
}

impl Reason {
    /// The reason's key, the same in JSON, CSV downloads and the UI.
    pub fn key(self) -> &'static str {
        use Reason::*;
        match self {
            BlankRow => "blank_row",
            DuplicateRow => "duplicate_row",
            MissingOrderId => "missing_order_id",
            MissingTime => "missing_time",
            BadTime => "bad_time",
            BadNumber => "bad_number",
            Unpaid => "unpaid",
            CancelledOrUnpaid => "cancelled_or_unpaid",
            Refunded => "refunded",
            MissingBuyer => "missing_buyer",
            MissingUser => "missing_user",
            MissingSku => "missing_sku",
            DuplicateSku => "duplicate_sku",
            UnknownStatus => "unknown_status",
            UnknownSku => "unknown_sku",
            OutsideWindow => "outside_window",
            AfterAsOf => "after_as_of",
            TotalRow => "total_row",
            MissingSession => "missing_session",
        }
    }

    /// A one-line English explanation (the UI translates by key).
    pub fn describe(self) -> &'static str {
        use Reason::*;
        match self {
            BlankRow => "every cell is empty",
            DuplicateRow => "same cells as an earlier row; counted once",
            MissingOrderId => "no order id",
            MissingTime => "no time in the mapped time column",
            BadTime => "the time cannot be read",
            BadNumber => "the number cannot be read",
            Unpaid => "the order has no payment time",
            CancelledOrUnpaid => "status means never paid (cancelled, closed, pending)",
            Refunded => "refunded, and refunded orders are excluded",
            MissingBuyer => "no buyer id, so it cannot count toward buyer metrics",
            MissingUser => "no user id",
            MissingSku => "no SKU",
            DuplicateSku => "the SKU appears earlier in the products file",
            UnknownStatus => "the status is neither online nor warehouse",
            UnknownSku => "the SKU is not in the products file",
            OutsideWindow => "outside the chosen window",
            AfterAsOf => "after the as-of date",
            TotalRow => "a totals row (合计, 总计, Total); counting it would count every row twice",
            MissingSession => "no session id in the mapped session column",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// One row that was not used.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RowIssue {
    /// Row number in the file.
    pub row: u32,
    /// The column at fault, when one is.
    pub column: Option<String>,
    /// Why.
    pub reason: Reason,
    /// The offending text (empty when the cell is empty).
    pub text: String,
}

/// The rows of one file: how many were read, and each excluded one.
///
/// # Example
/// ```
/// use opscalc_core::{Ledger, Reason};
/// let mut l = Ledger::new("o.csv", 3);
/// l.exclude(2, None, Reason::BlankRow, "");
/// assert_eq!(l.used(), 2);
/// assert_eq!(l.counts()["blank_row"], 1);
/// ```
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Ledger {
    /// The file the rows come from.
    pub file: String,
    /// Rows read (data rows, without the header).
    pub read: usize,
    /// Excluded rows, in the order found (the first of them only, once
    /// [`Ledger::cap`] has left the rest out).
    pub issues: Vec<RowIssue>,
    /// How many excluded rows per reason [`Ledger::cap`] left out of
    /// `issues`; empty when `issues` lists every excluded row.
    pub unlisted: Vec<(Reason, usize)>,
}

impl Ledger {
    /// A ledger for `read` data rows of `file`.
    pub fn new(file: &str, read: usize) -> Ledger {
        Ledger {
            file: file.to_string(),
            read,
            issues: Vec::new(),
            unlisted: Vec::new(),
        }
    }

    /// Records an excluded row.
    pub fn exclude(&mut self, row: u32, column: Option<&str>, reason: Reason, text: &str) {
        // Cap stored text: a 50 MB cell should not be copied into a report.
        let text = if text.len() > 200 {
            let mut end = 200;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            format!("{}…", &text[..end])
        } else {
            text.to_string()
        };
        self.issues.push(RowIssue {
            row,
            column: column.map(str::to_string),
            reason,
            text,
        });
    }

    /// Rows used: read less excluded.
    pub fn used(&self) -> usize {
        self.read - self.excluded()
    }

    /// Rows excluded, listed or not.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Ledger, Reason};
    /// let mut l = Ledger::new("o.csv", 9);
    /// for row in 2..7 {
    ///     l.exclude(row, None, Reason::BlankRow, "");
    /// }
    /// l.cap(2);
    /// assert_eq!((l.issues.len(), l.excluded(), l.used()), (2, 5, 4));
    /// ```
    pub fn excluded(&self) -> usize {
        self.issues.len() + self.unlisted.iter().map(|(_, n)| n).sum::<usize>()
    }

    /// Whether `issues` lists every excluded row.
    pub fn is_complete(&self) -> bool {
        self.unlisted.is_empty()
    }

    /// Keeps the first `listed` excluded rows in `issues` and only counts
    /// the rest, per reason: a million-row file can exclude a hundred
    /// thousand rows, and a message that carries them all to a page that
    /// shows the counts (and the rows only when asked) costs the page a
    /// long task to decode.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Ledger, Reason};
    /// let mut l = Ledger::new("o.csv", 9);
    /// l.exclude(2, None, Reason::BlankRow, "");
    /// l.exclude(3, Some("付款时间"), Reason::BadTime, "x");
    /// l.exclude(4, Some("付款时间"), Reason::BadTime, "y");
    /// let all = l.counts();
    /// l.cap(1);
    /// assert_eq!(l.issues.len(), 1);
    /// assert!(!l.is_complete());
    /// assert_eq!(l.counts(), all);
    /// assert_eq!(l.count_of(Reason::BadTime), 2);
    /// ```
    pub fn cap(&mut self, listed: usize) {
        if self.issues.len() <= listed {
            return;
        }
        for i in self.issues.drain(listed..) {
            match self.unlisted.iter_mut().find(|(r, _)| *r == i.reason) {
                Some((_, n)) => *n += 1,
                None => self.unlisted.push((i.reason, 1)),
            }
        }
        self.unlisted.sort();
    }

    /// Excluded rows per reason key.
    pub fn counts(&self) -> BTreeMap<String, usize> {
        let mut m = BTreeMap::new();
        for i in &self.issues {
            *m.entry(i.reason.key().to_string()).or_insert(0) += 1;
        }
        for (r, n) in &self.unlisted {
            *m.entry(r.key().to_string()).or_insert(0) += n;
        }
        m
    }

    /// Excluded rows per reason.
    pub fn count_of(&self, reason: Reason) -> usize {
        self.issues.iter().filter(|i| i.reason == reason).count()
            + self
                .unlisted
                .iter()
                .filter(|(r, _)| *r == reason)
                .map(|(_, n)| n)
                .sum::<usize>()
    }

    /// Excluded rows per reason, in the order the reasons were first met
    /// (listed rows first), for a summary on screen.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Ledger, Reason};
    /// let mut l = Ledger::new("o.csv", 9);
    /// l.exclude(2, None, Reason::DuplicateRow, "");
    /// l.exclude(3, None, Reason::BlankRow, "");
    /// l.exclude(4, None, Reason::DuplicateRow, "");
    /// l.cap(1);
    /// assert_eq!(l.by_reason(), vec![(Reason::DuplicateRow, 2), (Reason::BlankRow, 1)]);
    /// ```
    pub fn by_reason(&self) -> Vec<(Reason, usize)> {
        let mut by: Vec<(Reason, usize)> = Vec::new();
        let listed = self.issues.iter().map(|i| (i.reason, 1));
        for (r, n) in listed.chain(self.unlisted.iter().copied()) {
            match by.iter_mut().find(|(b, _)| *b == r) {
                Some(e) => e.1 += n,
                None => by.push((r, n)),
            }
        }
        by
    }

    /// The excluded rows as CSV (file, row, column, reason, text), for download.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Ledger, Reason};
    /// let mut l = Ledger::new("o.csv", 1);
    /// l.exclude(2, Some("付款时间"), Reason::BadTime, "=1+1");
    /// assert!(l.to_csv().ends_with("o.csv,2,付款时间,bad_time,the time cannot be read,\"'=1+1\"\r\n"));
    /// ```
    pub fn to_csv(&self) -> String {
        let rows: Vec<Vec<String>> = self
            .issues
            .iter()
            .map(|i| {
                vec![
                    self.file.clone(),
                    i.row.to_string(),
                    i.column.clone().unwrap_or_default(),
                    i.reason.key().to_string(),
                    i.reason.describe().to_string(),
                    i.text.clone(),
                ]
            })
            .collect();
        crate::to_csv(
            &["file", "row", "column", "reason", "explanation", "text"],
            &rows,
        )
    }

    /// Adds another ledger's issues for rows of the same file (a later stage
    /// of the same rows), keeping `read`.
    pub fn extend(&mut self, other: &Ledger) {
        self.issues.extend(other.issues.iter().cloned());
        for &(r, n) in &other.unlisted {
            match self.unlisted.iter_mut().find(|(u, _)| *u == r) {
                Some(e) => e.1 += n,
                None => self.unlisted.push((r, n)),
            }
        }
    }

    /// Sorts issues by row, for display.
    pub fn sort(&mut self) {
        self.issues.sort_by_key(|i| i.row);
    }
}

/// Maps strings to dense ids, so ids are compared and hashed as integers.
///
/// # Example
/// ```
/// use opscalc_core::Interner;
/// let mut i = Interner::default();
/// assert_eq!(i.intern("amy"), 0);
/// assert_eq!(i.intern("bob"), 1);
/// assert_eq!(i.intern("amy"), 0);
/// assert_eq!(i.name(1), "bob");
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Interner {
    /// The names back to back; `ends[i]` ends the i-th. One buffer, not a
    /// `String` each: 150,000 buyers were as many allocations.
    text: String,
    ends: Vec<u32>,
    /// Names without a [`crate::short_key`].
    index: FxMap<String, u32>,
    /// Names with one: found by comparing integers, and stored once.
    short: FxMap<(u64, u64), u32>,
}

impl Interner {
    /// The id of `s`, adding it when new.
    #[inline]
    pub fn intern(&mut self, s: &str) -> u32 {
        let next = self.ends.len() as u32;
        let i = match crate::short_key(s) {
            Some(k) => *self.short.entry(k).or_insert(next),
            None => {
                if let Some(&i) = self.index.get(s) {
                    return i;
                }
                self.index.insert(s.to_string(), next);
                next
            }
        };
        if i == next {
            self.text.push_str(s);
            self.ends.push(self.text.len() as u32);
        }
        i
    }

    /// The id of `s`, if known.
    pub fn get(&self, s: &str) -> Option<u32> {
        match crate::short_key(s) {
            Some(k) => self.short.get(&k).copied(),
            None => self.index.get(s).copied(),
        }
    }

    /// The string of an id.
    pub fn name(&self, id: u32) -> &str {
        let i = id as usize;
        let start = match i {
            0 => 0,
            _ => self.ends[i - 1] as usize,
        };
        &self.text[start..self.ends[i] as usize]
    }

    /// How many distinct strings.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Approximate heap bytes held (names and both maps), for benchmarks.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Interner;
    /// let mut i = Interner::default();
    /// i.intern("amy");
    /// assert!(i.heap_bytes() >= 3);
    /// ```
    pub fn heap_bytes(&self) -> usize {
        // A hashbrown slot is the entry plus one control byte.
        self.text.capacity()
            + self.ends.capacity() * 4
            + self.short.capacity() * (std::mem::size_of::<((u64, u64), u32)>() + 1)
            + self.index.capacity() * (std::mem::size_of::<(String, u32)>() + 1)
            + self.index.keys().map(String::capacity).sum::<usize>()
    }
}
