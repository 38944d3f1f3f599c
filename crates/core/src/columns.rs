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
    for r in 0..table.len() {
        match date_order_evidence(table.cell(r, col)) {
            Some(Some(DateOrder::DayFirst)) => day = day.or(Some(r)),
            Some(Some(DateOrder::MonthFirst)) => month = month.or(Some(r)),
            Some(None) => ambiguous = ambiguous.or(Some(r)),
            None => {}
        }
        if day.is_some() && month.is_some() {
            break;
        }
    }
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
        let s = table.cell(row, self.col);
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
    let s = table.cell(row, col);
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
    use std::hash::Hasher;
    let mut ok = vec![true; table.len()];
    // (row, the earlier row it repeats; None for a blank row)
    let mut out: Vec<(u32, Option<u32>)> = Vec::new();
    // Rows are grouped by sorting (hash, row) pairs rather than through a
    // hash map: at millions of rows the map's random probes were cache
    // misses that cost a fifth of an import, and the pairs take less memory.
    let mut keys: Vec<(u64, u32)> = Vec::with_capacity(table.len());
    for r in 0..table.len() {
        let (text, start, ends) = table.row_raw(r);
        if text.trim().is_empty() {
            out.push((r as u32, None));
            continue;
        }
        // A row is its text plus where its cells end ("ab","c" is not "a","bc").
        let mut h = crate::FxHasher::default();
        h.write(text.as_bytes());
        for &e in ends {
            h.write_u32(e - start as u32);
        }
        keys.push((h.finish(), r as u32));
    }
    keys.sort_unstable();
    let same = |a: u32, b: u32| {
        let ((ta, sa, ea), (tb, sb, eb)) = (table.row_raw(a as usize), table.row_raw(b as usize));
        ta == tb
            && ea
                .iter()
                .zip(eb)
                .all(|(&x, &y)| x as usize - sa == y as usize - sb)
    };
    // Distinct rows of one hash, in row order (more than one only when two
    // different rows share a hash).
    let mut firsts: Vec<u32> = Vec::new();
    for group in keys.chunk_by(|a, b| a.0 == b.0).filter(|g| g.len() > 1) {
        firsts.clear();
        for &(_, r) in group {
            match firsts.iter().copied().find(|&e| same(e, r)) {
                Some(e) => out.push((r, Some(e))),
                None => firsts.push(r),
            }
        }
    }
    drop(keys);
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
    ok
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
