//! Grouping rows by an id column by sorting, not through a hash map.
//!
//! Building orders looked every row's order id up in a hash map of all ids
//! seen so far: at a million rows the map is tens of megabytes, and each
//! new id's insert was a cache miss (two thirds of the time spent in
//! `Orders::build` itself went to three instructions of that map). Sorting
//! (key, row) pairs reads and writes memory in order, and exports list ids
//! in order (line items together, numbers rising or falling with time), so
//! the sort mostly finds runs that are already sorted.

use crate::{short_key, FxMap, Table};

/// Rows grouped by the trimmed text of one column.
pub(crate) struct Groups<'t> {
    /// The group of each table row; [`Groups::NONE`] for rows left out
    /// (not usable, or an empty id).
    pub(crate) of_row: Vec<u32>,
    /// Each group's first row: its id is that row's cell (trimmed). A row
    /// number, not the `&str`: 4 bytes a group, not 16, at the peak of
    /// building a million orders.
    first: Vec<u32>,
    table: &'t Table,
    col: usize,
}

impl<'t> Groups<'t> {
    /// The group of a row left out.
    pub(crate) const NONE: u32 = u32::MAX;

    /// Groups the rows where `usable` is true by the trimmed text of
    /// column `col`; rows whose text is empty are left out. Groups are
    /// numbered in the order of their keys, not of the rows. Hands `shared`
    /// the rows of each group of two or more rows, in file order, as the
    /// groups are numbered.
    pub(crate) fn by_column_with(
        table: &'t Table,
        col: usize,
        usable: &[bool],
        mut shared: impl FnMut(&mut dyn Iterator<Item = u32>),
    ) -> Groups<'t> {
        let mut keyed: Vec<((u64, u64), u32)> = Vec::with_capacity(table.len());
        // Ids without a short key (over 15 bytes and not 16-19 digits) get
        // a stand-in key through a map; they are rare. The stand-in's last
        // byte is 0xFF, which no short key has (it holds a length <= 19).
        let mut long: FxMap<&str, u64> = FxMap::default();
        for (r, _) in usable.iter().enumerate().filter(|(_, ok)| **ok) {
            let id = crate::trim_cell(table.cell(r, col));
            if id.is_empty() {
                continue;
            }
            let key = short_key(id).unwrap_or_else(|| {
                let n = long.len() as u64;
                (*long.entry(id).or_insert(n), 0xFF)
            });
            keyed.push((key, r as u32));
        }
        drop(long);
        // Rows are unique, so the order is fully determined: within a group
        // rows stay in file order.
        keyed.sort_unstable();
        let mut of_row = vec![Groups::NONE; table.len()];
        let mut first = Vec::new();
        for run in keyed.chunk_by(|a, b| a.0 == b.0) {
            let g = first.len() as u32;
            first.push(run[0].1);
            for &(_, r) in run {
                of_row[r as usize] = g;
            }
            if run.len() > 1 {
                shared(&mut run.iter().map(|&(_, r)| r));
            }
        }
        Groups {
            of_row,
            first,
            table,
            col,
        }
    }

    /// The number of groups.
    pub(crate) fn len(&self) -> usize {
        self.first.len()
    }

    /// Group `k`'s id, as in the table (trimmed).
    pub(crate) fn id(&self, k: usize) -> &'t str {
        crate::trim_cell(self.table.cell(self.first[k] as usize, self.col))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_of_one_id_share_a_group_whatever_their_place() {
        let long = "an order id far longer than fifteen bytes";
        let t = Table::from_rows(
            "g.csv",
            &["id"],
            &[
                &["B7"],
                &[" A1 "],
                &[""],
                &["B7"],
                &[long],
                &["A1"],
                &["skipped"],
                &[long],
                &["1234567890123456789"],
            ],
        );
        let usable = [true, true, true, true, true, true, false, true, true];
        let mut shared = Vec::new();
        let g = Groups::by_column_with(&t, 0, &usable, |rows| {
            shared.push(rows.collect::<Vec<u32>>())
        });
        assert_eq!(shared, [vec![4, 7], vec![1, 5], vec![0, 3]]);
        let id_of = |r: usize| match g.of_row[r] {
            Groups::NONE => None,
            k => Some(g.id(k as usize)),
        };
        let got: Vec<Option<&str>> = (0..t.len()).map(id_of).collect();
        assert_eq!(
            got,
            [
                Some("B7"),
                Some("A1"),
                None,
                Some("B7"),
                Some(long),
                Some("A1"),
                None,
                Some(long),
                Some("1234567890123456789"),
            ]
        );
        assert_eq!(g.len(), 4);
    }
}
