//! Orders from order lines (spec section 1): line items merged, unpaid and
//! cancelled rows excluded, every excluded row recorded.

use crate::columns::{
    header_of, missing_role, norm_status, number_text, screen_and_group, status_set, Memo,
    TimeColumn,
};
use crate::{
    DateOrder, DateTime, Dimension, Interner, Ledger, Mapping, ReadError, Reason, Role, Table,
};

/// Status values that mean "never paid" (spec section 1).
pub const DEFAULT_CANCELLED_STATUSES: &[&str] = &[
    "交易关闭",
    "已关闭",
    "已取消",
    "取消",
    "等待买家付款",
    "待付款",
    "未付款",
    "closed",
    "cancelled",
    "canceled",
    "voided",
    "pending",
    "unpaid",
];

/// Status values that mean refunded (kept by default).
pub const DEFAULT_REFUNDED_STATUSES: &[&str] = &["退款成功", "已退款", "全额退款", "refunded"];

/// How order rows become orders.
///
/// # Example
/// ```
/// use opscalc_core::OrderOptions;
/// let o = OrderOptions::default();
/// assert!(!o.exclude_refunded);
/// assert!(o.cancelled_statuses.contains(&"交易关闭".to_string()));
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OrderOptions {
    /// Exclude refunded rows (default: kept, payment basis).
    pub exclude_refunded: bool,
    /// Status values that mean never paid.
    pub cancelled_statuses: Vec<String>,
    /// Status values that mean refunded.
    pub refunded_statuses: Vec<String>,
    /// How to read `05/03/2024` when a column does not settle it.
    pub date_order: Option<DateOrder>,
}

impl Default for OrderOptions {
    fn default() -> Self {
        OrderOptions {
            exclude_refunded: false,
            cancelled_statuses: DEFAULT_CANCELLED_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            refunded_statuses: DEFAULT_REFUNDED_STATUSES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            date_order: None,
        }
    }
}

/// One line of an order, with interned labels (all `None` until
/// [`Orders::label`] has run, see [`Orders::build_unlabelled`]).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Line {
    /// SKU id in [`Orders::skus`].
    pub sku: Option<u32>,
    /// Product id in [`Orders::products`].
    pub product: Option<u32>,
    /// Category id in [`Orders::categories`].
    pub category: Option<u32>,
    /// Channel id in [`Orders::channels`].
    pub channel: Option<u32>,
    /// Quantity (1 when not mapped or blank).
    pub quantity: f64,
}

/// One paid order. Its id, rows and lines live in [`Orders`] (see
/// [`Orders::id`], [`Orders::rows`], [`Orders::lines`]) so a million orders
/// cost no heap allocation each. 32 bytes: an `Option<u32>` buyer padded
/// it to 40 (6 MB more at 1M orders, at the worker's memory peak).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Order {
    /// Buyer id in [`Orders::buyers`], [`GUEST`] for guests (see
    /// [`Order::buyer`]).
    buyer: u32,
    /// Payment time (or creation time when no payment column is mapped).
    pub time: DateTime,
    /// Sum of the rows' amounts.
    pub amount: f64,
    /// Where the order's rows and lines start in [`Orders`]' flat lists.
    start: u32,
    /// How many rows (= lines) the order has.
    len: u32,
    /// A guest order's index in [`Orders`]' guest id list
    /// ([`NO_GUEST_ID`] for the others, whose ids the table holds).
    guest_id: u32,
}

/// [`Order`]'s buyer slot of a guest (no buyer id): buyer ids count up
/// from 0 and never reach it.
const GUEST: u32 = u32::MAX;

/// [`Order`]'s guest id slot of an order with a buyer.
const NO_GUEST_ID: u32 = u32::MAX;

/// Orders whose line items disagree (on the buyer, or on the time): how
/// many, and the first few ids, for the warning.
#[derive(Default)]
struct Conflicts {
    count: usize,
    first: Vec<String>,
}

impl Conflicts {
    fn add(&mut self, id: &str) {
        self.count += 1;
        if self.first.len() < 3 {
            self.first.push(id.to_string());
        }
    }
}

/// Moves `v[order[i]]` to place `i` for every `i`, in place: `order` is a
/// permutation of `0..v.len()`. Builds orders without a second list of
/// them.
fn permute<T: Copy>(v: &mut [T], order: &[u32]) {
    debug_assert_eq!(v.len(), order.len());
    // Places filled so far, a bit each.
    let mut done = vec![0u64; v.len().div_ceil(64)];
    for i in 0..v.len() {
        if done[i / 64] & (1 << (i % 64)) != 0 {
            continue;
        }
        // Follow the cycle through `i`: each place takes from the next.
        let first = v[i];
        let mut j = i;
        loop {
            done[j / 64] |= 1 << (j % 64);
            let from = order[j] as usize;
            if from == i {
                v[j] = first;
                break;
            }
            v[j] = v[from];
            j = from;
        }
    }
}

impl Order {
    /// The buyer's id in [`Orders::buyers`], `None` for a guest.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], &[
    ///     &["A1", "amy", "2024-03-01"], &["A2", "", "2024-03-02"],
    /// ]);
    /// let m = Mapping::detect(InputKind::Orders, t.headers());
    /// let o = Orders::build(&t, &m, &OrderOptions::default()).unwrap();
    /// assert_eq!(o.orders[0].buyer(), Some(0));
    /// assert_eq!(o.orders[1].buyer(), None);
    /// ```
    #[inline]
    pub fn buyer(&self) -> Option<u32> {
        (self.buyer != GUEST).then_some(self.buyer)
    }
}

/// Paid orders read from a table, sorted by time, with the ledger of rows
/// that were not used.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Orders {
    /// Orders, sorted by time (then id).
    pub orders: Vec<Order>,
    /// Buyer ids.
    pub buyers: Interner,
    /// SKUs.
    pub skus: Interner,
    /// Product names.
    pub products: Interner,
    /// Categories.
    pub categories: Interner,
    /// Channels.
    pub channels: Interner,
    /// Rows not used, with reasons.
    pub ledger: Ledger,
    /// Things to tell the user (disagreeing line items, ...).
    pub warnings: Vec<String>,
    /// Whether a buyer column is mapped.
    pub has_buyer: bool,
    /// Whether an amount column is mapped.
    pub has_amount: bool,
    /// Table row number of each table row index (see [`Orders::row_number`]).
    row_numbers: RowNumbers,
    /// Table row indexes of all orders, grouped by order (in order).
    order_rows: Vec<u32>,
    /// The quantity of each entry of `order_rows`; empty when no quantity
    /// column is mapped (every line then counts 1).
    quantities: Vec<f64>,
    /// Per dimension (SKU, product, category, channel), the label id of
    /// each entry of `order_rows` ([`NO_LABEL`] for none), once that
    /// dimension is labelled. Kept apart from the quantities so that orders
    /// without labels cost 4-12 bytes a line, not the 40 of a [`Line`],
    /// and each dimension costs only when asked for.
    labels: [Vec<u32>; 4],
    /// The mapped SKU, product, category and channel columns.
    label_cols: [Option<usize>; 4],
    /// Which dimensions [`Orders::label_only`] has labelled.
    labelled: [bool; 4],
    /// Rows that passed every row check but belong to orders without a
    /// time: their labels were interned too, so labelling needs them to
    /// number labels as an eager build did.
    untimed_rows: Vec<u32>,
    /// The mapped order id column: an order's id is the cell of its first
    /// row (see [`Orders::id`]). Copying a million ids cost 13 MB.
    id_col: usize,
    /// Guest orders' ids, concatenated; `guest_id_ends[i]` ends the i-th
    /// (see [`Orders::guest_id`]).
    guest_id_text: String,
    guest_id_ends: Vec<u32>,
}

/// Sorts (seconds, draft) pairs, which come in draft order, as
/// `sort_unstable` would. Times span far less than 2^32 seconds (136
/// years), so they sort as 32-bit offsets from the earliest by a stable
/// radix sort on those bits alone, which keeps equal times in draft order:
/// a comparison sort of a million orders in time order was a tenth of
/// building them in the worker.
fn sort_by_time(keyed: &mut [(i64, u32)]) {
    let (Some(min), Some(max)) = (
        keyed.iter().map(|x| x.0).min(),
        keyed.iter().map(|x| x.0).max(),
    ) else {
        return;
    };
    let span = max.abs_diff(min);
    let in_draft_order = keyed.windows(2).all(|w| w[0].1 < w[1].1);
    if keyed.len() < 1024 || span >= 1 << 32 || !in_draft_order {
        keyed.sort_unstable();
        return;
    }
    if span == 0 {
        // One time: draft order is the order.
        return;
    }
    let bits = 64 - span.leading_zeros();
    // Offset above, draft below: as integers they order like the pairs.
    let mut v: Vec<u64> = keyed
        .iter()
        .map(|&(t, k)| (t.abs_diff(min) << 32) | u64::from(k))
        .collect();
    let mut out = vec![0u64; v.len()];
    // At most 2,048 buckets a pass: their counts and write heads stay in
    // the cache.
    let passes = bits.div_ceil(11);
    let width = bits.div_ceil(passes);
    let mut counts = vec![0usize; 1 << width];
    for pass in 0..passes {
        let shift = 32 + pass * width;
        let digit = |x: u64| ((x >> shift) & ((1 << width) - 1)) as usize;
        counts.fill(0);
        for &x in &v {
            counts[digit(x)] += 1;
        }
        let mut at = 0;
        for c in counts.iter_mut() {
            let n = *c;
            *c = at;
            at += n;
        }
        for &x in &v {
            let d = digit(x);
            out[counts[d]] = x;
            counts[d] += 1;
        }
        std::mem::swap(&mut v, &mut out);
    }
    for (slot, x) in keyed.iter_mut().zip(v) {
        *slot = (min.wrapping_add((x >> 32) as i64), x as u32);
    }
}

/// A direct-mapped cache of (short key, label id) pairs in front of an
/// [`Interner`]: interning a known label again returns its id and changes
/// nothing, so a hit gives what the interner would. Categories and
/// channels are a handful of values, and a hit skips hashing the label
/// into the interner's map (interning was a tenth of the build).
struct LabelCache([((u64, u64), u32); 16]);

impl LabelCache {
    /// No short key has 0xFF in its last byte (it holds a length of at
    /// most 19), so an empty slot never matches.
    fn new() -> LabelCache {
        LabelCache([((u64::MAX, u64::MAX), 0); 16])
    }

    /// The id of the label in `cell` (trimmed); [`NO_LABEL`] for an empty
    /// cell.
    fn intern(&mut self, names: &mut Interner, cell: &str) -> u32 {
        let label = crate::trim_cell(cell);
        if label.is_empty() {
            return NO_LABEL;
        }
        let Some(key) = crate::short_key(label) else {
            return names.intern(label);
        };
        let at =
            ((key.0 ^ key.1.rotate_left(32)).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 60) as usize;
        let slot = &mut self.0[at];
        if slot.0 != key {
            *slot = (key, names.intern(label));
        }
        slot.1
    }
}

/// A label id slot with no label (an unmapped column or an empty cell).
pub(crate) const NO_LABEL: u32 = u32::MAX;

/// The slot of a dimension in [`Orders`]' label arrays.
fn slot(dim: Dimension) -> usize {
    match dim {
        Dimension::Sku => 0,
        Dimension::Product => 1,
        Dimension::Category => 2,
        Dimension::Channel => 3,
    }
}

/// Table row numbers by row index. In a file without line breaks inside
/// cells they are the index plus a constant, and storing that constant
/// instead of a copy of the table's list saves 4 bytes a row.
#[derive(Clone, Debug, PartialEq)]
enum RowNumbers {
    /// Row number = row index + this.
    Offset(u32),
    /// One number per row.
    List(Vec<u32>),
}

impl Default for RowNumbers {
    fn default() -> Self {
        RowNumbers::List(Vec::new())
    }
}

impl RowNumbers {
    fn of(table: &Table) -> RowNumbers {
        let first = if table.is_empty() {
            0
        } else {
            table.row_number(0)
        };
        let affine = (0..table.len()).all(|r| table.row_number(r).wrapping_sub(r as u32) == first);
        if affine {
            RowNumbers::Offset(first)
        } else {
            RowNumbers::List((0..table.len()).map(|r| table.row_number(r)).collect())
        }
    }

    fn get(&self, row: u32) -> u32 {
        match self {
            RowNumbers::Offset(first) => first.wrapping_add(row),
            // Row indexes come from the same build, so they are in range;
            // 0 (no such row) rather than a panic if one were not.
            RowNumbers::List(list) => list.get(row as usize).copied().unwrap_or(0),
        }
    }
}

impl Orders {
    /// Builds orders from a table and mapping, with labels (SKU, product,
    /// category, channel): [`Orders::build_unlabelled`] then
    /// [`Orders::label`].
    ///
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间", "实付金额"], &[
    ///     &["A1", "amy", "2024-03-01 10:00", "¥100"],
    ///     &["A1", "amy", "2024-03-01 10:00", "¥50"],   // a second line item
    ///     &["A2", "bob", "", "30"],                     // unpaid
    /// ]);
    /// let m = Mapping::detect(InputKind::Orders, t.headers());
    /// let o = Orders::build(&t, &m, &OrderOptions::default()).unwrap();
    /// assert_eq!(o.orders.len(), 1);
    /// assert_eq!(o.orders[0].amount, 150.0);
    /// assert_eq!(o.ledger.counts()["unpaid"], 1);
    /// ```
    pub fn build(
        table: &Table,
        mapping: &Mapping,
        opts: &OrderOptions,
    ) -> Result<Orders, ReadError> {
        Orders::build_with_labels(
            table,
            mapping,
            opts,
            &[
                Dimension::Sku,
                Dimension::Product,
                Dimension::Category,
                Dimension::Channel,
            ],
        )
    }

    /// Builds orders with the labels of `dims` only, interned in the same
    /// pass over the rows (the row's cells are then in the cache; a later
    /// [`Orders::label_only`] reads the table again). The engine builds
    /// this way with the one dimension the first request reads.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Dimension, InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "付款时间", "类目", "SKU"], &[&["A", "2024-03-01", "红茶", "s1"]]);
    /// let m = Mapping::detect(InputKind::Orders, t.headers());
    /// let o = Orders::build_with_labels(&t, &m, &OrderOptions::default(), &[Dimension::Category]).unwrap();
    /// assert!(o.is_labelled_by(Dimension::Category) && !o.is_labelled_by(Dimension::Sku));
    /// let mut later = Orders::build_unlabelled(&t, &m, &OrderOptions::default()).unwrap();
    /// later.label_only(&t, Dimension::Category);
    /// assert_eq!(o, later);
    /// ```
    pub fn build_with_labels(
        table: &Table,
        mapping: &Mapping,
        opts: &OrderOptions,
        dims: &[Dimension],
    ) -> Result<Orders, ReadError> {
        let mut want = [false; 4];
        for &d in dims {
            want[slot(d)] = true;
        }
        Orders::build_inner(table, mapping, opts, want)
    }

    /// Builds orders without interning the lines' labels: the headline
    /// repurchase, lifecycle and activity read only buyers, times and
    /// amounts, and interning four label columns was about a fifth of
    /// building. Call [`Orders::label`] with the same table before reading
    /// [`Orders::skus`], [`Orders::products`], [`Orders::categories`],
    /// [`Orders::channels`] or the labels of [`Orders::lines`].
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "付款时间", "SKU"], &[&["A7", "2024-03-01", "s1"]]);
    /// let m = Mapping::detect(InputKind::Orders, t.headers());
    /// let mut o = Orders::build_unlabelled(&t, &m, &OrderOptions::default()).unwrap();
    /// assert!(!o.is_labelled());
    /// assert_eq!(o.lines(&o.orders[0]).next().unwrap().sku, None);
    /// o.label(&t);
    /// assert_eq!(o.skus.name(o.lines(&o.orders[0]).next().unwrap().sku.unwrap()), "s1");
    /// assert_eq!(o, Orders::build(&t, &m, &OrderOptions::default()).unwrap());
    /// ```
    pub fn build_unlabelled(
        table: &Table,
        mapping: &Mapping,
        opts: &OrderOptions,
    ) -> Result<Orders, ReadError> {
        Orders::build_inner(table, mapping, opts, [false; 4])
    }

    /// Builds orders, interning the labels of the dimensions in `want`
    /// (by slot) as rows pass.
    fn build_inner(
        table: &Table,
        mapping: &Mapping,
        opts: &OrderOptions,
        want: [bool; 4],
    ) -> Result<Orders, ReadError> {
        let order_col = mapping
            .get(Role::OrderId)
            .ok_or_else(|| missing_role(table, Role::OrderId))?;
        let paid = match mapping.get(Role::PaidAt) {
            Some(c) => Some(TimeColumn::new(table, c, opts.date_order)?),
            None => None,
        };
        // The spec takes the time from paid_at whenever it is mapped, so a
        // creation-time column is then not read at all (its bad cells must
        // not exclude paid orders).
        let created = match (mapping.get(Role::CreatedAt), &paid) {
            (Some(c), None) => Some(TimeColumn::new(table, c, opts.date_order)?),
            _ => None,
        };
        if paid.is_none() && created.is_none() {
            return Err(missing_role(table, Role::PaidAt));
        }
        let buyer_col = mapping.get(Role::BuyerId);
        let amount_col = mapping.get(Role::Amount);
        let status_col = mapping.get(Role::Status);
        let qty_col = mapping.get(Role::Quantity);
        let cancelled = status_set(&opts.cancelled_statuses);
        let refunded = status_set(&opts.refunded_statuses);

        let mut out = Orders {
            ledger: Ledger::new(table.name(), table.len()),
            has_buyer: buyer_col.is_some(),
            has_amount: amount_col.is_some(),
            id_col: order_col,
            row_numbers: RowNumbers::of(table),
            label_cols: [
                mapping.get(Role::Sku),
                mapping.get(Role::Product),
                mapping.get(Role::Category),
                mapping.get(Role::Channel),
            ],
            // Dimensions not wanted are labelled later, on demand.
            labelled: want,
            ..Orders::default()
        };
        // Blank and repeated rows out, the rest grouped by order id (see
        // group.rs); ids borrow from the table: no allocation per row. An
        // order whose rows all fail below keeps an empty draft, which has
        // no time and so is never an order.
        let (usable, groups) = screen_and_group(table, &mut out.ledger, order_col);
        // The wanted label columns.
        let want_cols: [Option<usize>; 4] =
            std::array::from_fn(|d| out.label_cols[d].filter(|_| want[d]));
        // The group of each row, and after the row checks of each row that
        // passed them (others [`NONE`]): the rows of orders, read again to
        // lay them out, instead of a list of (group, row, quantity, labels)
        // that cost 16-32 bytes a row at the memory peak.
        const NONE: u32 = crate::group::Groups::NONE;
        let mut groups = groups;
        let mut of_row = std::mem::take(&mut groups.of_row);
        // Repeated rows are grouped before they are found (see
        // `screen_and_group`): out like the rows that fail below.
        for (g, ok) in of_row.iter_mut().zip(&usable) {
            if !ok {
                *g = NONE;
            }
        }

        // The orders themselves, one per group, filled in as their rows
        // are read and then moved into time order in place: a separate
        // draft list (and the orders made from it) held two lists of a
        // million 32-byte entries at the memory peak. Until laid out, an
        // order's `start` holds its conflict flags ([`CONFLICT_BUYER`],
        // [`CONFLICT_TIME`]) and its time is [`NO_TIME`] until one is read;
        // its buyer is [`GUEST`] until one is read.
        const NO_TIME: i64 = i64::MIN;
        const CONFLICT_BUYER: u32 = 1;
        const CONFLICT_TIME: u32 = 2;
        let mut drafts: Vec<Order> = vec![
            Order {
                buyer: GUEST,
                time: DateTime(NO_TIME),
                amount: 0.0,
                start: 0,
                len: 0,
                guest_id: NO_GUEST_ID,
            };
            groups.len()
        ];
        // Labels seen lately, per dimension.
        let mut label_cache: [LabelCache; 4] = std::array::from_fn(|_| LabelCache::new());
        let intern = |i: &mut Interner, s: &str| {
            let s = crate::trim_cell(s);
            (!s.is_empty()).then(|| i.intern(s))
        };
        // Each column's cells read once per distinct value where the table
        // keeps codes (see `Memo`): statuses, buyers, amounts and labels
        // repeat across a million rows. Buyers and labels are still
        // interned in row order, so their ids are what a read per row gave.
        let time_memo = |tc: &Option<TimeColumn>| tc.as_ref().map(|tc| Memo::new(table, tc.col));
        let (mut paid_memo, mut created_memo) = (time_memo(&paid), time_memo(&created));
        let number_memo = |col: Option<usize>| col.map(|c| (c, Memo::new(table, c)));
        let (mut amount_memo, mut qty_memo) = (number_memo(amount_col), number_memo(qty_col));
        let mut status_memo = status_col.map(|c| (c, Memo::new(table, c)));
        let mut buyer_memo = buyer_col.map(|c| Memo::new(table, c));
        let mut label_memo: [Option<Memo<u32>>; 4] =
            std::array::from_fn(|d| want_cols[d].map(|c| Memo::new(table, c)));

        for (r, _) in usable.iter().enumerate().filter(|(_, ok)| **ok) {
            let num = table.row_number(r);
            // A usable row is in no group exactly when its id is empty:
            // no second read of the id cell.
            if of_row[r] == NONE {
                out.ledger.exclude(
                    num,
                    Some(header_of(table, order_col)),
                    Reason::MissingOrderId,
                    "",
                );
                continue;
            }
            // Typed cells; the first bad one excludes the row.
            let mut bad = None;
            let mut read_time =
                |tc: &Option<TimeColumn>, memo: &mut Option<Memo<_>>| match (tc, memo) {
                    (Some(tc), Some(memo)) => match memo.get(table, r, |s| tc.read_text(s)) {
                        Ok(v) => v,
                        Err(()) => {
                            bad.get_or_insert((tc.col, Reason::BadTime));
                            None
                        }
                    },
                    _ => None,
                };
            let p = read_time(&paid, &mut paid_memo);
            let c = read_time(&created, &mut created_memo);
            let mut num_cell = |memo: &mut Option<(usize, Memo<_>)>| match memo {
                Some((col, memo)) => match memo.get(table, r, number_text) {
                    Ok(v) => v,
                    Err(()) => {
                        bad.get_or_insert((*col, Reason::BadNumber));
                        None
                    }
                },
                None => None,
            };
            let amount = num_cell(&mut amount_memo).unwrap_or(0.0);
            // Read now for its bad cells only; laying the rows out reads it.
            num_cell(&mut qty_memo);
            if let Some((col, reason)) = bad {
                out.ledger
                    .exclude(num, Some(header_of(table, col)), reason, table.cell(r, col));
                of_row[r] = NONE;
                continue;
            }
            if let Some((sc, memo)) = &mut status_memo {
                let sc = *sc;
                let (is_cancelled, is_refunded) = memo.get(table, r, |raw| {
                    let s = norm_status(raw);
                    (cancelled.contains(&s), refunded.contains(&s))
                });
                if is_cancelled {
                    out.ledger.exclude(
                        num,
                        Some(header_of(table, sc)),
                        Reason::CancelledOrUnpaid,
                        table.cell(r, sc),
                    );
                    of_row[r] = NONE;
                    continue;
                }
                if opts.exclude_refunded && is_refunded {
                    out.ledger.exclude(
                        num,
                        Some(header_of(table, sc)),
                        Reason::Refunded,
                        table.cell(r, sc),
                    );
                    of_row[r] = NONE;
                    continue;
                }
            }
            let buyer = buyer_memo
                .as_mut()
                .and_then(|m| m.get(table, r, |s| intern(&mut out.buyers, s)));
            let k = of_row[r];
            let d = &mut drafts[k as usize];
            d.len += 1;
            if let Some(b) = buyer {
                if d.buyer == GUEST {
                    d.buyer = b;
                } else if d.buyer != b {
                    d.start |= CONFLICT_BUYER;
                }
            }
            // The earliest time; `p` and `c` are never both read.
            if let Some(n) = p.or(c) {
                if d.time.0 == NO_TIME {
                    d.time = n;
                } else if d.time != n {
                    d.start |= CONFLICT_TIME;
                    d.time = d.time.min(n);
                }
            }
            d.amount += amount;
            for (d, memo) in label_memo.iter_mut().enumerate() {
                let Some(memo) = memo else { continue };
                // Interned now, in row order; read again when laid out.
                memo.get(table, r, |s| label_cache[d].intern(out.names_mut(d), s));
            }
        }
        drop(usable);

        let timed = |d: &Order| d.time.0 != NO_TIME;
        // Orders without a time are not orders: every row of theirs is
        // excluded, in row order.
        let (reason, col) = if paid.is_some() {
            (Reason::Unpaid, paid.as_ref().map(|p| p.col))
        } else {
            (Reason::MissingTime, created.as_ref().map(|c| c.col))
        };
        for (r, &k) in of_row.iter().enumerate() {
            if k != NONE && !timed(&drafts[k as usize]) {
                out.untimed_rows.push(r as u32);
                out.ledger.exclude(
                    table.row_number(r),
                    col.map(|c| header_of(table, c)),
                    reason,
                    "",
                );
            }
        }
        // Sort by time on plain (seconds, index) pairs, then order only the
        // runs with equal times by id: far fewer cache misses than comparing
        // orders (and their id strings) throughout.
        // Sized once: collected, the list grew by doubling (25 MB for a
        // moment at 1M orders).
        let n_timed = drafts.iter().filter(|d| timed(d)).count();
        let mut keyed: Vec<(i64, u32)> = Vec::with_capacity(n_timed);
        keyed.extend(
            drafts
                .iter()
                .enumerate()
                .filter(|(_, d)| timed(d))
                .map(|(k, d)| (d.time.0, k as u32)),
        );
        sort_by_time(&mut keyed);
        for run in keyed.chunk_by_mut(|a, b| a.0 == b.0) {
            if run.len() > 1 {
                run.sort_unstable_by(|a, b| groups.id(a.1 as usize).cmp(groups.id(b.1 as usize)));
            }
        }
        // The group at each place in time order, then the untimed groups
        // (dropped below): a whole permutation, applied in place.
        let mut kept: Vec<u32> = Vec::with_capacity(drafts.len());
        kept.extend(keyed.iter().map(|&(_, k)| k));
        drop(keyed);
        kept.extend(
            drafts
                .iter()
                .enumerate()
                .filter(|(_, d)| !timed(d))
                .map(|(k, _)| k as u32),
        );

        // Into time order, in place; then, in that order, where each
        // order's rows start. Guest orders keep their ids (calculators name
        // them when they leave them out); any other order's id is read
        // from the table when asked. Walking the orders after they are in
        // place reads them in order, where walking `kept` first read them
        // at random (a cache miss each at a million orders).
        permute(&mut drafts, &kept);
        drafts.truncate(n_timed);
        if drafts.capacity() - n_timed > n_timed / 8 {
            drafts.shrink_to_fit();
        }
        const DROPPED: u32 = u32::MAX;
        let mut start_of = vec![DROPPED; groups.len()];
        let mut next = 0u32;
        let (mut conflicts_buyer, mut conflicts_time) =
            (Conflicts::default(), Conflicts::default());
        for (d, &k) in drafts.iter_mut().zip(&kept) {
            if d.start & CONFLICT_BUYER != 0 {
                conflicts_buyer.add(groups.id(k as usize));
            }
            if d.start & CONFLICT_TIME != 0 {
                conflicts_time.add(groups.id(k as usize));
            }
            start_of[k as usize] = next;
            d.start = next;
            next += d.len;
            if d.buyer == GUEST {
                d.guest_id = out.guest_id_ends.len() as u32;
                out.guest_id_text.push_str(groups.id(k as usize));
                out.guest_id_ends.push(out.guest_id_text.len() as u32);
            }
        }
        drop((groups, kept));
        let conflicts = [(conflicts_buyer, true), (conflicts_time, false)];
        out.orders = drafts;
        out.order_rows = vec![0; next as usize];
        if qty_col.is_some() {
            out.quantities = vec![1.0; next as usize];
        }
        for (labels, col) in out.labels.iter_mut().zip(want_cols) {
            if col.is_some() {
                *labels = vec![NO_LABEL; next as usize];
            }
        }
        // Rows in file order, so each order's rows stay in file order; a
        // row's quantity and labels are read again (through the memos: once
        // per distinct value).
        let mut fill = start_of;
        for (r, &k) in of_row.iter().enumerate() {
            if k == NONE {
                continue;
            }
            let at = &mut fill[k as usize];
            if *at == DROPPED {
                continue;
            }
            let i = *at as usize;
            *at += 1;
            out.order_rows[i] = r as u32;
            if let (Some(q), Some((_, memo))) = (out.quantities.get_mut(i), &mut qty_memo) {
                *q = memo
                    .get(table, r, number_text)
                    .ok()
                    .flatten()
                    .unwrap_or(1.0);
            }
            for (d, memo) in label_memo.iter_mut().enumerate() {
                let Some(memo) = memo else { continue };
                let id = memo.get(table, r, |s| label_cache[d].intern(out.names_mut(d), s));
                out.labels[d][i] = id;
            }
        }
        for (c, buyers) in conflicts {
            if c.count > 0 {
                out.warnings.push(crate::notice::conflicting_items(
                    table.name(),
                    buyers,
                    c.count,
                    &c.first.join(", "),
                ));
            }
        }
        Ok(out)
    }

    /// The label list of dimension slot `d` (see `slot`).
    fn names_mut(&mut self, d: usize) -> &mut Interner {
        match d {
            0 => &mut self.skus,
            1 => &mut self.products,
            2 => &mut self.categories,
            _ => &mut self.channels,
        }
    }

    /// Interns the lines' labels from `table`, the table the orders were
    /// built from; once (later calls do nothing). Labels are numbered in
    /// the order an eager build met them: by row, over every row that
    /// passed the row checks, including rows of orders without a time.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "付款时间", "类目"], &[
    ///     &["B", "", "茶具"], &["A", "2024-03-01", "红茶"], &["B", "", "绿茶"],
    /// ]);
    /// let m = Mapping::detect(InputKind::Orders, t.headers());
    /// let mut o = Orders::build_unlabelled(&t, &m, &OrderOptions::default()).unwrap();
    /// o.label(&t);
    /// // B has no payment time, yet its categories are numbered first.
    /// assert_eq!(o.categories.name(0), "茶具");
    /// assert_eq!(o.lines(&o.orders[0]).next().unwrap().category, Some(1));
    /// ```
    pub fn label(&mut self, table: &Table) {
        self.label_dims(
            table,
            [
                Dimension::Sku,
                Dimension::Product,
                Dimension::Category,
                Dimension::Channel,
            ],
        );
    }

    /// Interns one dimension's labels, as [`Orders::label`] does all four:
    /// the repurchase page breaks down by category and needs no SKUs.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{Dimension, InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "付款时间", "类目", "SKU"], &[&["A", "2024-03-01", "红茶", "s1"]]);
    /// let m = Mapping::detect(InputKind::Orders, t.headers());
    /// let mut o = Orders::build_unlabelled(&t, &m, &OrderOptions::default()).unwrap();
    /// o.label_only(&t, Dimension::Category);
    /// assert!(o.is_labelled_by(Dimension::Category) && !o.is_labelled_by(Dimension::Sku));
    /// let line = o.lines(&o.orders[0]).next().unwrap();
    /// assert_eq!((line.category, line.sku), (Some(0), None));
    /// ```
    pub fn label_only(&mut self, table: &Table, dim: Dimension) {
        self.label_dims(table, [dim]);
    }

    fn label_dims<const N: usize>(&mut self, table: &Table, dims: [Dimension; N]) {
        let mut todo = [false; 4];
        for d in dims {
            let d = slot(d);
            todo[d] = !self.labelled[d] && self.label_cols[d].is_some();
            self.labelled[d] = true;
        }
        if !todo.contains(&true) {
            return;
        }
        // Where each row's labels go: a line, nowhere (an untimed order's
        // row, interned only for the numbering), or not interned at all.
        const SKIP: u32 = u32::MAX;
        const UNTIMED: u32 = u32::MAX - 1;
        let mut line_of = vec![SKIP; table.len()];
        for (i, &r) in self.order_rows.iter().enumerate() {
            if let Some(l) = line_of.get_mut(r as usize) {
                *l = i as u32;
            }
        }
        for &r in &self.untimed_rows {
            if let Some(l) = line_of.get_mut(r as usize) {
                *l = UNTIMED;
            }
        }
        let mut names = [
            std::mem::take(&mut self.skus),
            std::mem::take(&mut self.products),
            std::mem::take(&mut self.categories),
            std::mem::take(&mut self.channels),
        ];
        for d in (0..4).filter(|&d| todo[d]) {
            let Some(c) = self.label_cols[d] else {
                continue;
            };
            let mut labels = vec![NO_LABEL; self.order_rows.len()];
            let names = &mut names[d];
            let mut cache = LabelCache::new();
            for (r, &at) in line_of.iter().enumerate() {
                if at == SKIP {
                    continue;
                }
                let id = cache.intern(names, table.cell(r, c));
                if id == NO_LABEL {
                    continue;
                }
                if let Some(l) = labels.get_mut(at as usize) {
                    *l = id;
                }
            }
            self.labels[d] = labels;
        }
        let [skus, products, categories, channels] = names;
        (self.skus, self.products, self.categories, self.channels) =
            (skus, products, categories, channels);
    }

    /// Whether all four dimensions' labels are interned (see
    /// [`Orders::label`]).
    pub fn is_labelled(&self) -> bool {
        self.labelled.iter().all(|&l| l)
    }

    /// Whether one dimension's labels are interned (see
    /// [`Orders::label_only`]).
    pub fn is_labelled_by(&self, dim: Dimension) -> bool {
        self.labelled[slot(dim)]
    }

    /// The row number in the file of a table row index (as in
    /// [`Orders::rows`]), for messages and drill-downs.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "付款时间"], &[&["A", "2024-03-01"], &["B", "2024-03-02"]]);
    /// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
    /// assert_eq!(o.row_number(o.rows(&o.orders[1])[0]), 3);
    /// ```
    pub fn row_number(&self, row: u32) -> u32 {
        self.row_numbers.get(row)
    }

    /// Approximate heap bytes held, for benchmarks.
    pub fn heap_bytes(&self) -> usize {
        let interner = |i: &Interner| i.heap_bytes();
        let row_numbers = match &self.row_numbers {
            RowNumbers::Offset(_) => 0,
            RowNumbers::List(l) => l.capacity() * 4,
        };
        self.orders.capacity() * std::mem::size_of::<Order>()
            + interner(&self.buyers)
            + interner(&self.skus)
            + interner(&self.products)
            + interner(&self.categories)
            + interner(&self.channels)
            + row_numbers
            + self.order_rows.capacity() * 4
            + self.quantities.capacity() * 8
            + self.labels.iter().map(Vec::capacity).sum::<usize>() * 4
            + self.untimed_rows.capacity() * 4
            + self.guest_id_text.capacity()
            + self.guest_id_ends.capacity() * 4
    }

    /// The order id as in the file (trimmed), read from `table`, the table
    /// the orders were built from.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "付款时间"], &[&["A7 ", "2024-03-01"]]);
    /// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
    /// assert_eq!(o.id(&t, &o.orders[0]), "A7");
    /// ```
    pub fn id<'t>(&self, table: &'t Table, order: &Order) -> &'t str {
        crate::trim_cell(table.cell(self.order_rows[order.start as usize] as usize, self.id_col))
    }

    /// A guest order's id, kept with the orders: the calculators name guest
    /// orders when they leave them out. `None` for an order with a buyer
    /// (see [`Orders::id`]).
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], &[
    ///     &["A7", "", "2024-03-01"], &["B2", "amy", "2024-03-02"],
    /// ]);
    /// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
    /// assert_eq!(o.guest_id(&o.orders[0]), Some("A7"));
    /// assert_eq!(o.guest_id(&o.orders[1]), None);
    /// ```
    pub fn guest_id(&self, order: &Order) -> Option<&str> {
        let i = order.guest_id as usize;
        if order.guest_id == NO_GUEST_ID {
            return None;
        }
        let start = if i == 0 {
            0
        } else {
            self.guest_id_ends[i - 1] as usize
        };
        Some(&self.guest_id_text[start..self.guest_id_ends[i] as usize])
    }

    /// The table row indexes that make up an order, in file order.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, OrderOptions, Orders, Table};
    /// let t = Table::from_rows("o.csv", &["订单号", "付款时间", "SKU"], &[
    ///     &["A7", "2024-03-01", "s1"], &["B", "2024-03-02", "s1"], &["A7", "2024-03-01", "s2"],
    /// ]);
    /// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
    /// assert_eq!(o.rows(&o.orders[0]), &[0, 2]);
    /// assert_eq!(o.lines(&o.orders[0]).len(), 2);
    /// ```
    pub fn rows(&self, order: &Order) -> &[u32] {
        &self.order_rows[order.start as usize..(order.start + order.len) as usize]
    }

    /// The lines of an order, one per row of [`Orders::rows`]. Their labels
    /// are `None` until [`Orders::label`] has run.
    pub fn lines(&self, order: &Order) -> impl ExactSizeIterator<Item = Line> + '_ {
        (order.start as usize..(order.start + order.len) as usize).map(move |i| {
            let id = |d: usize| self.labels[d].get(i).copied().filter(|&v| v != NO_LABEL);
            Line {
                sku: id(0),
                product: id(1),
                category: id(2),
                channel: id(3),
                quantity: self.quantities.get(i).copied().unwrap_or(1.0),
            }
        })
    }

    /// The label ids of dimension `dim` of an order's lines, [`NO_LABEL`]
    /// for none; empty when the dimension has no labels. What
    /// [`Orders::lines`] gives for one dimension, without making a
    /// [`Line`] of all four per line.
    pub(crate) fn labels_of(&self, order: &Order, dim: Dimension) -> &[u32] {
        let range = order.start as usize..(order.start + order.len) as usize;
        self.labels[slot(dim)].get(range).unwrap_or(&[])
    }

    /// Total rows in the orders that were kept.
    pub fn rows_in_orders(&self) -> usize {
        self.order_rows.len()
    }

    /// The first and last order dates, if any.
    pub fn date_range(&self) -> Option<(crate::Date, crate::Date)> {
        Some((
            self.orders.first()?.time.date(),
            self.orders.last()?.time.date(),
        ))
    }
}

#[cfg(test)]
mod tests {
    /// A seeded LCG's successive states: the tests' reproducible input.
    fn lcg(mut x: u64) -> impl FnMut() -> u64 {
        move || {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            x
        }
    }

    #[test]
    fn permute_in_place_is_a_gather() {
        let mut state = lcg(7);
        let mut next = || (state() >> 33) as usize;
        // Lengths around the bitset's 64-bit words; shuffled orders (many
        // cycles), the identity, one long cycle and a reversal.
        for n in [0, 1, 2, 63, 64, 65, 1000] {
            let mut shuffled: Vec<u32> = (0..n as u32).collect();
            for i in (1..n).rev() {
                shuffled.swap(i, next() % (i + 1));
            }
            let identity: Vec<u32> = (0..n as u32).collect();
            let rotated: Vec<u32> = (0..n as u32).map(|i| (i + 1) % n.max(1) as u32).collect();
            let reversed: Vec<u32> = (0..n as u32).rev().collect();
            for order in [shuffled, identity, rotated, reversed] {
                let v: Vec<(u64, u32)> = (0..n).map(|i| (next() as u64, i as u32)).collect();
                let want: Vec<(u64, u32)> = order.iter().map(|&k| v[k as usize]).collect();
                let mut got = v.clone();
                super::permute(&mut got, &order);
                assert_eq!(got, want, "n {n}");
            }
        }
    }

    #[test]
    fn sort_by_time_is_sort_unstable() {
        let mut state = lcg(1);
        let mut next = || state() >> 16;
        // Spans of one second (all ties), a day, two years, just under
        // and over 2^32 seconds; times before 1970 too.
        for span in [1u64, 86_400, 63_000_000, (1 << 32) - 1, 1 << 40] {
            for len in [0, 5, 1023, 1024, 5000] {
                let keyed: Vec<(i64, u32)> = (0..len)
                    .map(|k| (-1_000_000_000 + (next() % span) as i64, k as u32))
                    .collect();
                let mut got = keyed.clone();
                sort_by_time(&mut got);
                let mut want = keyed;
                want.sort_unstable();
                assert_eq!(got, want, "span {span}, {len} pairs");
            }
        }
    }

    use super::*;
    use crate::{read_text, InputKind};

    /// An unpaid order (A), a cancelled one (B), two paid ones (C, D), a
    /// row with a bad time (E), and a note with a line break, so row
    /// numbers are not the index plus 2.
    const CSV: &str = "订单编号,买家会员名,订单付款时间,买家实际支付金额,订单状态,商家编码,宝贝标题,类目,渠道,购买数量,备注\n\
        A,amy,,10,交易成功,S9,杯子,茶具,搜索,1,\n\
        B,bob,2024-03-02 10:00,20,交易关闭,S8,壶,礼盒,直播,1,\"two\nlines\"\n\
        C,cat,2024-03-03 11:00,30,交易成功,S1,红茶,红茶,搜索,2,\n\
        C,cat,2024-03-03 11:00,5,交易成功,S9,杯子,茶具,,1,\n\
        D,amy,2024-03-01 08:00,7,交易成功,,,绿茶,直播,3,\n\
        E,dan,bad,1,交易成功,S7,勺,勺,店铺,1,\n";

    fn names(i: &Interner) -> Vec<&str> {
        (0..i.len() as u32).map(|id| i.name(id)).collect()
    }

    #[test]
    fn labels_added_later_are_numbered_as_an_eager_build_numbered_them() {
        let r = read_text("o.csv", CSV, None).unwrap();
        let m = Mapping::detect(InputKind::Orders, r.table.headers());
        let mut o = Orders::build_unlabelled(&r.table, &m, &OrderOptions::default()).unwrap();
        assert!(!o.is_labelled() && o.skus.is_empty() && o.channels.is_empty());
        o.label(&r.table);
        // Rows that passed the row checks, in row order: A's (unpaid, so
        // no order, yet interned), C's two, D's; not B (cancelled) nor E
        // (bad time).
        assert_eq!(names(&o.skus), ["S9", "S1"]);
        assert_eq!(names(&o.products), ["杯子", "红茶"]);
        assert_eq!(names(&o.categories), ["茶具", "红茶", "绿茶"]);
        assert_eq!(names(&o.channels), ["搜索", "直播"]);
        let ids: Vec<&str> = o.orders.iter().map(|x| o.id(&r.table, x)).collect();
        assert_eq!(ids, ["D", "C"]);
        let line = |sku, product, category, channel, quantity| Line {
            sku,
            product,
            category,
            channel,
            quantity,
        };
        let d: Vec<Line> = o.lines(&o.orders[0]).collect();
        assert_eq!(d, [line(None, None, Some(2), Some(1), 3.0)]);
        let c: Vec<Line> = o.lines(&o.orders[1]).collect();
        assert_eq!(
            c,
            [
                line(Some(1), Some(1), Some(1), Some(0), 2.0),
                line(Some(0), Some(0), Some(0), None, 1.0)
            ]
        );
        // B's note spans file rows 3-4, so C starts on row 5.
        let rows: Vec<u32> = o
            .rows(&o.orders[1])
            .iter()
            .map(|&r| o.row_number(r))
            .collect();
        assert_eq!(rows, [5, 6]);
        assert_eq!(o.row_number(o.rows(&o.orders[0])[0]), 7);
        let excluded: Vec<(u32, Reason)> =
            o.ledger.issues.iter().map(|i| (i.row, i.reason)).collect();
        assert!(excluded.contains(&(2, Reason::Unpaid)));
        assert!(excluded.contains(&(8, Reason::BadTime)));
        // Labelling twice changes nothing, and the eager build is the same.
        let once = o.clone();
        o.label(&r.table);
        assert_eq!(o, once);
        assert_eq!(
            o,
            Orders::build(&r.table, &m, &OrderOptions::default()).unwrap()
        );
    }

    #[test]
    fn unlabelled_lines_keep_quantities_and_plain_files_keep_no_row_list() {
        let t = Table::from_rows(
            "o.csv",
            &["订单号", "付款时间", "SKU", "数量"],
            &[
                &["A", "2024-03-01", "s1", "4"],
                &["A", "2024-03-01", "s2", ""],
            ],
        );
        let m = Mapping::detect(InputKind::Orders, t.headers());
        let o = Orders::build_unlabelled(&t, &m, &OrderOptions::default()).unwrap();
        let q: Vec<(Option<u32>, f64)> =
            o.lines(&o.orders[0]).map(|l| (l.sku, l.quantity)).collect();
        // A blank quantity counts 1, as before.
        assert_eq!(q, [(None, 4.0), (None, 1.0)]);
        assert_eq!(o.row_numbers, RowNumbers::Offset(2));
        assert_eq!(o.row_number(1), 3);
    }
}
