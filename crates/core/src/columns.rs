//! Typed reads of mapped columns, shared by every input kind.

use crate::{
    date_order_evidence, parse_number, DateOrder, DateTime, Ledger, ReadError, Reason, Role, Table,
};
use std::collections::HashSet;

/// Settles day-first versus month-first for a whole column: from the data
/// when some value proves it, from the user's choice otherwise, and an error
/// (never a guess) when the column is ambiguous and no choice was made.
///
/// # Example
/// ```
/// use opscalc_core::{resolve_date_order, DateOrder, Table};
/// let t = Table::from_rows("v.csv", &["time"], &[&["05/03/2024"], &["25/03/2024"]]);
/// assert_eq!(resolve_date_order(&t, 0, None).unwrap(), Some(DateOrder::DayFirst));
/// let t = Table::from_rows("v.csv", &["time"], &[&["05/03/2024"]]);
/// assert!(resolve_date_order(&t, 0, None).unwrap_err().message.contains("day-first or month-first"));
/// ```
pub fn resolve_date_order(
    table: &Table,
    col: usize,
    given: Option<DateOrder>,
) -> Result<Option<DateOrder>, ReadError> {
    let mut day = None;
    let mut month = None;
    let mut ambiguous = None;
    // Where the column keeps codes each distinct value is looked at once,
    // in the order values first appear, so the first value with some
    // evidence is the first row with it; rows are found from codes only
    // for a message.
    let codes = table.codes(col);
    let items = match codes {
        Some(_) => table.values(col),
        None => table.len(),
    };
    for i in 0..items {
        let text = match codes {
            Some(_) => table.value(col, i as u32),
            None => table.cell(i, col),
        };
        match date_order_evidence(text) {
            Some(Some(DateOrder::DayFirst)) => day = day.or(Some(i)),
            Some(Some(DateOrder::MonthFirst)) => month = month.or(Some(i)),
            Some(None) => ambiguous = ambiguous.or(Some(i)),
            None => {}
        }
        if day.is_some() && month.is_some() {
            break;
        }
    }
    let first_row = |i: usize| match codes {
        Some(c) => (0..c.len())
            .position(|r| c.get(r) as usize == i)
            .unwrap_or(0),
        None => i,
    };
    let (day, month, ambiguous) = (
        day.map(first_row),
        month.map(first_row),
        ambiguous.map(first_row),
    );
    let header = &table.headers()[col];
    match (day, month, ambiguous, given) {
        (Some(d), Some(m), _, _) => Err(ReadError::at(
            table.name(),
            Some(table.row_number(d.max(m))),
            Some(header),
            &crate::notice::date_order_mixed(table.cell(d, col), table.cell(m, col)),
        )),
        (Some(_), None, _, _) => Ok(Some(DateOrder::DayFirst)),
        (None, Some(_), _, _) => Ok(Some(DateOrder::MonthFirst)),
        (None, None, Some(_), Some(g)) => Ok(Some(g)),
        (None, None, Some(a), None) => Err(ReadError::at(
            table.name(),
            Some(table.row_number(a)),
            Some(header),
            &crate::notice::date_order_ambiguous(table.cell(a, col)),
        )),
        (None, None, None, g) => Ok(g),
    }
}

/// A mapped time column, ready to read.
#[derive(Clone, Debug)]
pub struct TimeColumn {
    /// Column index.
    pub col: usize,
    /// Day/month order settled for the column.
    pub order: Option<DateOrder>,
}

impl TimeColumn {
    /// Prepares a column, settling its date order.
    pub fn new(
        table: &Table,
        col: usize,
        given: Option<DateOrder>,
    ) -> Result<TimeColumn, ReadError> {
        Ok(TimeColumn {
            col,
            order: resolve_date_order(table, col, given)?,
        })
    }

    /// `Ok(None)` for an empty cell, `Err(())` for text that is not a time.
    #[allow(clippy::result_unit_err)]
    pub fn read(&self, table: &Table, row: usize) -> Result<Option<DateTime>, ()> {
        self.read_text(table.cell(row, self.col))
    }

    /// [`TimeColumn::read`] of a cell's text.
    #[allow(clippy::result_unit_err)]
    pub fn read_text(&self, s: &str) -> Result<Option<DateTime>, ()> {
        if crate::trim_cell(s).is_empty() {
            return Ok(None);
        }
        DateTime::parse_with(s, self.order).map(Some).ok_or(())
    }

    /// Reads a time the row cannot do without: an empty cell or unreadable
    /// text excludes the row (`missing_time` / `bad_time`) and gives `None`.
    pub fn require(&self, table: &Table, row: usize, ledger: &mut Ledger) -> Option<DateTime> {
        let num = table.row_number(row);
        let header = Some(header_of(table, self.col));
        match self.read(table, row) {
            Ok(Some(t)) => Some(t),
            Ok(None) => {
                ledger.exclude(num, header, Reason::MissingTime, "");
                None
            }
            Err(()) => {
                ledger.exclude(num, header, Reason::BadTime, table.cell(row, self.col));
                None
            }
        }
    }
}

/// What a row loop reads from one column, worked out once per distinct
/// value where the table keeps the column as codes (statuses, buyers,
/// amounts: a few thousand values over a million rows) and once per row
/// elsewhere.
pub(crate) struct Memo<'t, T: Copy> {
    col: usize,
    codes: Option<&'t crate::Codes>,
    seen: Vec<Option<T>>,
}

impl<'t, T: Copy> Memo<'t, T> {
    pub(crate) fn new(table: &'t Table, col: usize) -> Memo<'t, T> {
        let codes = table.codes(col);
        Memo {
            col,
            codes,
            seen: vec![
                None;
                if codes.is_some() {
                    table.values(col)
                } else {
                    0
                }
            ],
        }
    }

    /// `f` of row `row`'s cell.
    #[inline(always)]
    pub(crate) fn get(&mut self, table: &Table, row: usize, f: impl FnOnce(&str) -> T) -> T {
        match self.codes {
            Some(codes) => {
                let code = codes.get(row);
                let slot = &mut self.seen[code as usize];
                match *slot {
                    Some(v) => v,
                    None => *slot.insert(f(table.value(self.col, code))),
                }
            }
            None => f(table.cell(row, self.col)),
        }
    }
}

/// Largest amount or count a cell may hold. Beyond it an f64 no longer
/// holds cents exactly, and a few such cells (`1e308`) would sum to
/// infinity; no shop export has one, so it is a broken or hostile cell.
pub const MAX_CELL_NUMBER: f64 = 1e15;

/// Reads a number cell: `Ok(None)` when empty, `Err(())` when not a number
/// or beyond ±[`MAX_CELL_NUMBER`].
///
/// # Example
/// ```
/// use opscalc_core::{number_cell, Table};
/// let t = Table::from_rows("t", &["n"], &[&["-12.5"], &["1e308"], &[""]]);
/// assert_eq!(number_cell(&t, 0, 0), Ok(Some(-12.5)));
/// assert_eq!(number_cell(&t, 1, 0), Err(()));
/// assert_eq!(number_cell(&t, 2, 0), Ok(None));
/// ```
#[allow(clippy::result_unit_err)]
pub fn number_cell(table: &Table, row: usize, col: usize) -> Result<Option<f64>, ()> {
    number_text(table.cell(row, col))
}

/// [`number_cell`] of a cell's text.
pub(crate) fn number_text(s: &str) -> Result<Option<f64>, ()> {
    if crate::trim_cell(s).is_empty() {
        return Ok(None);
    }
    match parse_number(s) {
        Some(v) if v.abs() <= MAX_CELL_NUMBER => Ok(Some(v)),
        _ => Err(()),
    }
}

/// Marks blank rows and exact duplicate rows in the ledger; returns, per
/// row, whether it is still usable. Duplicates are found by comparing whole
/// rows (hash first, then the cells).
///
/// # Example
/// ```
/// use opscalc_core::{screen_rows, Ledger, Table};
/// let t = Table::from_rows("d.csv", &["a"], &[&["1"], &[""], &["1"]]);
/// let mut l = Ledger::new("d.csv", 3);
/// assert_eq!(screen_rows(&t, &mut l), vec![true, false, false]);
/// assert_eq!(l.counts()["duplicate_row"], 1);
/// ```
pub fn screen_rows(table: &Table, ledger: &mut Ledger) -> Vec<bool> {
    let mut ok = vec![true; table.len()];
    // (row, the earlier row it repeats; None for a blank row)
    let mut out: Vec<(u32, Option<u32>)> = Vec::new();
    let mut filled = Vec::with_capacity(table.len());
    for r in 0..table.len() {
        if is_blank(table, r) {
            out.push((r as u32, None));
        } else {
            filled.push(r as u32);
        }
    }
    repeats(table, &filled, &mut out);
    drop(filled);
    record_screened(table, ledger, &mut ok, out);
    ok
}

/// [`screen_rows`] and [`crate::group::Groups::by_column_with`] on column
/// `col` at once: two equal rows have equal ids, so repeats are looked for
/// among the rows of each order (mostly one to three) instead of by
/// hashing every row's text and sorting the hashes, which was a sixth of
/// building orders in the worker. Same ledger, same usable rows, same
/// groups.
pub(crate) fn screen_and_group<'t>(
    table: &'t Table,
    ledger: &mut Ledger,
    col: usize,
) -> (Vec<bool>, crate::group::Groups<'t>) {
    let mut ok = vec![true; table.len()];
    let mut out: Vec<(u32, Option<u32>)> = Vec::new();
    for (r, ok) in ok.iter_mut().enumerate() {
        if is_blank(table, r) {
            out.push((r as u32, None));
            *ok = false;
        }
    }
    let mut rows = Vec::new();
    let groups = crate::group::Groups::by_column_with(table, col, &ok, |run| {
        rows.clear();
        rows.extend(run);
        repeats(table, &rows, &mut out);
    });
    // Rows without an id are in no group: they repeat among themselves.
    rows.clear();
    rows.extend(
        (0..table.len() as u32)
            .filter(|&r| ok[r as usize] && groups.of_row[r as usize] == crate::group::Groups::NONE),
    );
    repeats(table, &rows, &mut out);
    record_screened(table, ledger, &mut ok, out);
    (ok, groups)
}

/// A row with nothing but whitespace.
fn is_blank(table: &Table, r: usize) -> bool {
    table.is_blank_row(r)
}

/// Two rows with the same cells ("ab","c" is not "a","bc").
fn same_row(table: &Table, a: u32, b: u32) -> bool {
    table.same_rows(a as usize, b as usize)
}

/// Pushes `(row, first)` for each of `rows` (non-blank, in file order)
/// that repeats an earlier one of them, `first` the earliest it repeats.
fn repeats(table: &Table, rows: &[u32], out: &mut Vec<(u32, Option<u32>)>) {
    // Distinct rows so far, in row order (the first of each kind).
    let mut firsts: Vec<u32> = Vec::new();
    if rows.len() <= 8 {
        // An order's few lines: compared with each other directly.
        for &r in rows {
            match firsts.iter().copied().find(|&e| same_row(table, e, r)) {
                Some(e) => out.push((r, Some(e))),
                None => firsts.push(r),
            }
        }
        return;
    }
    use std::hash::Hasher;
    // Rows are grouped by sorting (hash, row) pairs rather than through a
    // hash map: at millions of rows the map's random probes were cache
    // misses that cost a fifth of an import, and the pairs take less memory.
    let mut keys: Vec<(u64, u32)> = rows
        .iter()
        .map(|&r| {
            let mut h = crate::FxHasher::default();
            table.hash_row(r as usize, &mut h);
            (h.finish(), r)
        })
        .collect();
    keys.sort_unstable();
    // Distinct rows of one hash (more than one only when two different
    // rows share a hash).
    for group in keys.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        firsts.clear();
        for &(_, r) in group {
            match firsts.iter().copied().find(|&e| same_row(table, e, r)) {
                Some(e) => out.push((r, Some(e))),
                None => firsts.push(r),
            }
        }
    }
}

/// Marks the blank and repeated rows unusable and ledgers them, in row
/// order.
fn record_screened(
    table: &Table,
    ledger: &mut Ledger,
    ok: &mut [bool],
    mut out: Vec<(u32, Option<u32>)>,
) {
    out.sort_unstable();
    for (r, first) in out {
        ok[r as usize] = false;
        let num = table.row_number(r as usize);
        match first {
            None => ledger.exclude(num, None, Reason::BlankRow, ""),
            Some(e) => ledger.exclude(
                num,
                None,
                Reason::DuplicateRow,
                &format!("same as row {}", table.row_number(e as usize)),
            ),
        }
    }
}

/// The header of a mapped role, for messages.
pub fn header_of(table: &Table, col: usize) -> &str {
    &table.headers()[col]
}

/// An error for a role that must be mapped and is not.
///
/// # Example
/// ```
/// use opscalc_core::{missing_role, Role, Table};
/// let t = Table::from_rows("o.csv", &["x"], &[]);
/// let e = missing_role(&t, Role::BuyerId);
/// assert_eq!(e.to_string(), "o.csv: no column looks like a buyer id (buyer_id): map one");
/// ```
pub fn missing_role(table: &Table, role: Role) -> ReadError {
    let what = match role {
        Role::OrderId => "an order id",
        Role::BuyerId => "a buyer id",
        Role::PaidAt | Role::CreatedAt => "a payment or order time",
        Role::UserId => "a user id",
        Role::VisitorId => "a visitor id",
        Role::Time => "a time",
        Role::Sku => "a SKU",
        Role::Status => "a status (online / warehouse)",
        _ => "the needed data",
    };
    ReadError::file(
        table.name(),
        crate::notice::missing_column(what, role.key()),
    )
}

/// Normalised status text for list matching: trimmed, lower case.
pub fn norm_status(s: &str) -> String {
    crate::to_half_width(s.trim()).to_lowercase()
}

/// A set of normalised status values.
pub fn status_set(list: &[String]) -> HashSet<String> {
    list.iter().map(|s| norm_status(s)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::group::Groups;

    /// `screen_and_group` against `screen_rows` then grouping the usable
    /// rows: the same ledger, usable rows and groups.
    #[test]
    fn screen_and_group_is_screen_then_group() {
        let long = "an order id longer than nineteen bytes";
        let mut rows: Vec<Vec<String>> = Vec::new();
        let mut x: u64 = 3;
        for i in 0..400u64 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let id = match (x >> 30) % 9 {
                0 => String::new(),
                1 => " ".into(),
                2 => long.into(),
                3 => "BIG".into(), // an order of many lines (hashed)
                n => format!("A{}", n * 7 + (i % 5)),
            };
            let v = ((x >> 40) % 3).to_string();
            // Some rows split their text differently: "ab","c" / "a","bc".
            let (a, b) = if (x >> 45).is_multiple_of(2) {
                ("ab", "c")
            } else {
                ("a", "bc")
            };
            rows.push(match (x >> 50) % 7 {
                0 => vec!["".into(), " ".into(), "".into(), "".into()],
                1 => rows.last().cloned().unwrap_or_default(),
                _ => vec![id, v, a.into(), b.into()],
            });
        }
        let t = Table::from_owned_rows("s.csv", &["id", "v", "a", "b"], &rows);
        let mut want_ledger = Ledger::new("s.csv", t.len());
        let want_ok = screen_rows(&t, &mut want_ledger);
        let want = Groups::by_column_with(&t, 0, &want_ok, |_| {});
        let mut got_ledger = Ledger::new("s.csv", t.len());
        let (got_ok, got) = screen_and_group(&t, &mut got_ledger, 0);
        assert_eq!(got_ok, want_ok);
        assert_eq!(got_ledger, want_ledger);
        fn ids<'t>(g: &Groups<'t>) -> Vec<&'t str> {
            (0..g.len()).map(|k| g.id(k)).collect()
        }
        assert_eq!(ids(&got), ids(&want));
        for r in (0..t.len()).filter(|&r| want_ok[r]) {
            assert_eq!(got.of_row[r], want.of_row[r], "row {r}");
        }
        // The test covers what it means to: blanks, repeats with and
        // without ids, in small orders and in a large one.
        let c = want_ledger.counts();
        assert!(c["blank_row"] > 20 && c["duplicate_row"] > 60, "{c:?}");
        let repeated = |id: &str| {
            (0..t.len())
                .filter(|&r| !want_ok[r] && t.cell(r, 0).trim() == id && !t.cell(r, 2).is_empty())
                .count()
        };
        assert!(repeated("") > 5 && repeated("BIG") > 5 && repeated(long) > 5);
        assert!(repeated("A35") + repeated("A42") > 5);
    }
}
