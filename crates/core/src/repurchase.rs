//! Repurchase (复购率), spec section 2: user and order repurchase, buy-back,
//! per-period tables, breakdowns, cohorts and repeat intervals.

use crate::{Date, DateTime, Ledger, Metric, Orders, Reason, Report, RowCounts};

/// Natural periods for per-period tables.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Default, serde::Serialize, serde::Deserialize,
)]
pub enum Period {
    /// Calendar days.
    Day,
    /// Weeks starting on Monday.
    Week,
    /// Calendar months.
    #[default]
    Month,
}

impl Period {
    /// Parses `day`, `week` or `month`.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::Period;
    /// assert_eq!(Period::parse("week"), Some(Period::Week));
    /// ```
    pub fn parse(s: &str) -> Option<Period> {
        match s {
            "day" => Some(Period::Day),
            "week" => Some(Period::Week),
            "month" => Some(Period::Month),
            _ => None,
        }
    }

    /// The key used in the CLI, URL and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Period::Day => "day",
            Period::Week => "week",
            Period::Month => "month",
        }
    }

    /// The first day of the period containing `d`.
    pub fn start(self, d: Date) -> Date {
        match self {
            Period::Day => d,
            Period::Week => d.week_start(),
            Period::Month => d.month_start(),
        }
    }

    /// The first day of the next period after the one starting at `start`.
    pub fn next(self, start: Date) -> Date {
        match self {
            Period::Day => start + 1,
            Period::Week => start + 7,
            Period::Month => start.next_month_start(),
        }
    }

    /// A label for the period starting at `start`: `2024-03`, `2024-03-04`.
    pub fn label(self, start: Date) -> String {
        match self {
            Period::Month => start.to_string()[..7].to_string(),
            _ => start.to_string(),
        }
    }
}

/// What to break repurchase down by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Dimension {
    /// Product name.
    Product,
    /// SKU.
    Sku,
    /// Category.
    Category,
    /// Channel.
    Channel,
}

impl Dimension {
    /// Parses `product`, `sku`, `category` or `channel`.
    pub fn parse(s: &str) -> Option<Dimension> {
        match s {
            "product" => Some(Dimension::Product),
            "sku" => Some(Dimension::Sku),
            "category" => Some(Dimension::Category),
            "channel" => Some(Dimension::Channel),
            _ => None,
        }
    }

    /// The key used in the CLI, URL and JSON.
    pub fn key(self) -> &'static str {
        match self {
            Dimension::Product => "product",
            Dimension::Sku => "sku",
            Dimension::Category => "category",
            Dimension::Channel => "channel",
        }
    }
}

/// Settings of the repurchase calculator.
///
/// # Example
/// ```
/// use opscalc_core::RepurchaseOptions;
/// let o = RepurchaseOptions { merge_same_day: true, ..Default::default() };
/// assert!(o.from.is_none());
/// ```
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepurchaseOptions {
    /// Window start (default: first order date).
    pub from: Option<Date>,
    /// Window end, inclusive (default: last order date).
    pub to: Option<Date>,
    /// Only orders this many days before `from` make a buyer "returning".
    pub lookback_days: Option<u32>,
    /// Orders of one buyer on one day count as one purchase.
    pub merge_same_day: bool,
    /// Period of the per-period table.
    pub period: Period,
    /// Dimension of the breakdown, if any.
    pub by: Option<Dimension>,
}

/// Counts behind the repurchase metrics for one window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RepurchaseCounts {
    /// Distinct buyers with an order in the window.
    pub buyers: u64,
    /// Buyers with two or more orders (or buyer-days) in the window.
    pub repeat_buyers: u64,
    /// Orders (or buyer-days) in the window.
    pub orders: u64,
    /// Buyers in the window who also ordered before it (within lookback).
    pub returning_buyers: u64,
    /// Whether any order precedes the window.
    pub has_history: bool,
}

impl RepurchaseCounts {
    /// Orders that are a buyer's second or later in the window.
    pub fn repeat_orders(&self) -> u64 {
        self.orders - self.buyers
    }

    /// The spec's metrics for these counts.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::RepurchaseCounts;
    /// let c = RepurchaseCounts { buyers: 4, repeat_buyers: 1, orders: 6, returning_buyers: 2, has_history: true };
    /// let m = c.metrics();
    /// assert_eq!(m[2].value, Some(0.25)); // user_repurchase_rate
    /// assert_eq!(m[4].value, Some(2.0));  // repeat_orders
    /// ```
    pub fn metrics(&self) -> Vec<Metric> {
        let mut buyback = Metric::ratio(
            "buyback_rate",
            self.returning_buyers as f64,
            self.buyers as f64,
        );
        if !self.has_history {
            buyback = buyback.withhold(
                "buyback_rate: not available because the data holds no orders before the window (no history)",
            );
        }
        vec![
            Metric::count("buyers", self.buyers as f64),
            Metric::count("repeat_buyers", self.repeat_buyers as f64),
            Metric::ratio(
                "user_repurchase_rate",
                self.repeat_buyers as f64,
                self.buyers as f64,
            ),
            Metric::count("orders", self.orders as f64),
            Metric::count("repeat_orders", self.repeat_orders() as f64),
            Metric::ratio(
                "order_repurchase_rate",
                self.repeat_orders() as f64,
                self.orders as f64,
            ),
            Metric::count("returning_buyers", self.returning_buyers as f64),
            buyback,
        ]
    }
}

/// One row of the per-period table or the breakdown.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RepurchaseRow {
    /// Period label or dimension value.
    pub label: String,
    /// Window of the row.
    pub from: Date,
    /// Inclusive end of the row's window.
    pub to: Date,
    /// The counts.
    pub counts: RepurchaseCounts,
}

/// Cohort matrix: buyers by month of first order, share active k months on.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Cohorts {
    /// One row per cohort month.
    pub rows: Vec<CohortRow>,
}

/// One cohort.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CohortRow {
    /// The cohort's month, `2024-03`.
    pub month: String,
    /// Buyers whose first order is in that month.
    pub size: u64,
    /// Buyers active in month first+k, for k = 0.. up to the data's last month.
    pub active: Vec<u64>,
}

/// Distribution of days between a buyer's consecutive orders.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Intervals {
    /// How many intervals.
    pub count: usize,
    /// Median days (linear interpolation between ranks).
    pub median: Option<f64>,
    /// First quartile.
    pub q1: Option<f64>,
    /// Third quartile.
    pub q3: Option<f64>,
    /// Mean days.
    pub mean: Option<f64>,
    /// Buckets: label (days), count.
    pub histogram: Vec<(&'static str, usize)>,
}

/// One buyer in the window, for drill-downs.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BuyerRow {
    /// Buyer id.
    pub buyer: String,
    /// Orders (or buyer-days) in the window.
    pub orders: u64,
    /// Whether the buyer ordered before the window (within lookback).
    pub returning: bool,
    /// First order time in the window.
    pub first: DateTime,
    /// Last order time in the window.
    pub last: DateTime,
    /// Amount paid in the window.
    pub amount: f64,
}

/// Everything the repurchase calculator shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Repurchase {
    /// The window used.
    pub from: Date,
    /// Inclusive end of the window.
    pub to: Date,
    /// Headline counts.
    pub counts: RepurchaseCounts,
    /// Headline metrics, rows and warnings.
    pub report: Report,
    /// Per-period table.
    pub periods: Vec<RepurchaseRow>,
    /// Breakdown, when asked for.
    pub breakdown: Vec<RepurchaseRow>,
    /// Cohort matrix.
    pub cohorts: Cohorts,
    /// Repeat intervals.
    pub intervals: Intervals,
    /// Buyers in the window, sorted by orders (most first), then id.
    pub buyers: Vec<BuyerRow>,
    /// Row ledger including window exclusions.
    pub ledger: Ledger,
}

/// A buyer's purchase on a day: all the counts read. Eight bytes: the
/// purchases and a breakdown's copy of them are most of the views' memory
/// peak, so the order each came from is kept apart (see `orders_of`).
#[derive(Clone, Copy)]
struct Purchase {
    buyer: u32,
    day: Date,
}

/// Per-buyer sorted purchase dates (compressed rows), for "did this buyer
/// buy before `from`" lookups in O(log n).
struct History {
    starts: Vec<u32>,
    dates: Vec<Date>,
}

impl History {
    fn new(p: &[Purchase], n_buyers: usize) -> History {
        let mut starts = vec![0u32; n_buyers + 1];
        for x in p {
            starts[x.buyer as usize + 1] += 1;
        }
        for i in 0..n_buyers {
            starts[i + 1] += starts[i];
        }
        let mut fill = starts.clone();
        let mut dates = vec![Date(0); p.len()];
        for x in p {
            let f = &mut fill[x.buyer as usize];
            dates[*f as usize] = x.day;
            *f += 1;
        }
        // Purchases are in time order, so each buyer's dates are sorted.
        History { starts, dates }
    }

    fn of(&self, b: u32) -> &[Date] {
        &self.dates[self.starts[b as usize] as usize..self.starts[b as usize + 1] as usize]
    }

    fn returning(&self, b: u32, from: Date, lookback: Option<u32>) -> bool {
        let d = self.of(b);
        if lookback.is_none() {
            // Any purchase before `from` will do, and the earliest is the
            // first: one load instead of a binary search per buyer.
            return d.first().is_some_and(|&x| x < from);
        }
        let i = d.partition_point(|&x| x < from);
        if i == 0 {
            return false;
        }
        match lookback {
            None => true,
            // Clamped: a lookback past year 1 means "all history".
            Some(l) => d[i - 1] >= from - l.min(4_000_000) as i32,
        }
    }
}

/// Reusable per-buyer scratch arrays (dense ids), reset by a touched list.
struct Scratch {
    /// Per buyer: purchases counted, and the day of the last. Side by side,
    /// so a buyer's visit is one cache miss, not two.
    seen: Vec<(u32, i32)>,
    touched: Vec<u32>,
}

impl Scratch {
    fn new(n: usize) -> Scratch {
        Scratch {
            seen: vec![(0, i32::MIN); n],
            touched: Vec::new(),
        }
    }
}

fn window_counts(
    p: &[Purchase],
    hist: &History,
    from: Date,
    to: Date,
    lookback: Option<u32>,
    merge: bool,
    s: &mut Scratch,
) -> RepurchaseCounts {
    let lo = p.partition_point(|x| x.day < from);
    let hi = p.partition_point(|x| x.day <= to);
    let mut c = RepurchaseCounts {
        has_history: lo > 0,
        ..Default::default()
    };
    for x in &p[lo..hi.max(lo)] {
        let day = x.day.0;
        let (count, last) = &mut s.seen[x.buyer as usize];
        if *count == 0 {
            s.touched.push(x.buyer);
        } else if merge && *last == day {
            continue;
        }
        *count += 1;
        *last = day;
        c.orders += 1;
    }
    for &b in &s.touched {
        c.buyers += 1;
        if s.seen[b as usize].0 >= 2 {
            c.repeat_buyers += 1;
        }
        // With no purchase before the window (the default window starts at
        // the first one) nobody returns: no history lookups.
        if lo > 0 && hist.returning(b, from, lookback) {
            c.returning_buyers += 1;
        }
        s.seen[b as usize] = (0, i32::MIN);
    }
    s.touched.clear();
    c
}

/// Sorts day counts (gaps between purchases: a few hundred distinct
/// values among a million) by counting them, when their range is small
/// next to their number; a comparison sort otherwise. Same result.
fn sort_days(days: &mut [i32]) {
    let (Some(&min), Some(&max)) = (days.iter().min(), days.iter().max()) else {
        return;
    };
    let span = i64::from(max) - i64::from(min);
    if span > days.len() as i64 + 4096 {
        days.sort_unstable();
        return;
    }
    let mut counts = vec![0u32; span as usize + 1];
    for &d in days.iter() {
        counts[(i64::from(d) - i64::from(min)) as usize] += 1;
    }
    let mut at = 0;
    for (v, &n) in counts.iter().enumerate() {
        let value = (i64::from(min) + v as i64) as i32;
        days[at..at + n as usize].fill(value);
        at += n as usize;
    }
}

fn quantile(sorted: &[f64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = q * (sorted.len() - 1) as f64;
    let i = pos.floor() as usize;
    let frac = pos - i as f64;
    Some(match sorted.get(i + 1) {
        Some(&next) => sorted[i] + (next - sorted[i]) * frac,
        None => sorted[i],
    })
}

/// Most periods a cohort matrix spans; data spanning more (usually a stray
/// placeholder date such as 9999-12-31) gets no matrix and a warning.
pub const MAX_COHORT_PERIODS: usize = 1200;

/// Histogram buckets of repeat intervals, in days (inclusive bounds).
pub const INTERVAL_BUCKETS: &[(&str, i32, i32)] = &[
    ("0", 0, 0),
    ("1", 1, 1),
    ("2-3", 2, 3),
    ("4-7", 4, 7),
    ("8-14", 8, 14),
    ("15-30", 15, 30),
    ("31-60", 31, 60),
    ("61-90", 61, 90),
    ("91-180", 91, 180),
    ("181+", 181, i32::MAX),
];

/// Computes the repurchase calculator. Fails only when no buyer column is
/// mapped; an empty window gives "not available" metrics.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], &[
///     &["1", "amy", "2024-03-01"], &["2", "amy", "2024-03-09"], &["3", "bob", "2024-03-05"],
/// ]);
/// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
/// let r = repurchase(&o, &RepurchaseOptions::default()).unwrap();
/// assert_eq!(r.report.value("user_repurchase_rate"), Some(0.5));
/// assert_eq!(r.report.value("order_repurchase_rate"), Some(1.0 / 3.0));
/// assert_eq!(r.report.value("buyback_rate"), None); // no orders before the window
/// ```
pub fn repurchase(orders: &Orders, opts: &RepurchaseOptions) -> Result<Repurchase, String> {
    repurchase_with(orders, opts, true)
}

/// [`repurchase`] without the buyer list ([`Repurchase::buyers`] is
/// empty): the calculator's page asks for the list apart, and sorting
/// every buyer by orders and id only to drop them was a third of the
/// page's view.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间"], &[
///     &["1", "amy", "2024-03-01"], &["2", "amy", "2024-03-09"], &["3", "bob", "2024-03-05"],
/// ]);
/// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
/// let full = repurchase(&o, &RepurchaseOptions::default()).unwrap();
/// let r = repurchase_without_buyers(&o, &RepurchaseOptions::default()).unwrap();
/// assert!(r.buyers.is_empty());
/// assert_eq!(r, Repurchase { buyers: Vec::new(), ..full });
/// ```
pub fn repurchase_without_buyers(
    orders: &Orders,
    opts: &RepurchaseOptions,
) -> Result<Repurchase, String> {
    repurchase_with(orders, opts, false)
}

fn repurchase_with(
    orders: &Orders,
    opts: &RepurchaseOptions,
    with_buyers: bool,
) -> Result<Repurchase, String> {
    if opts.by.is_some_and(|d| !orders.is_labelled_by(d)) {
        // A caller's mistake, not the user's: an empty breakdown would
        // look like an answer.
        return Err("a breakdown needs labelled orders (Orders::label)".into());
    }
    if !orders.has_buyer {
        return Err(format!(
            "{}: {}",
            orders.ledger.file,
            crate::notice::missing_column("a buyer id", "buyer_id")
        ));
    }
    let mut ledger = orders.ledger.clone();
    let mut warnings = orders.warnings.clone();
    let (first, last) = orders.date_range().unwrap_or((Date(0), Date(0)));
    let from = opts.from.unwrap_or(first);
    let to = opts.to.unwrap_or(last);
    if from > to {
        return Err(crate::notice::window_backwards(from, to));
    }
    let buyer_col = "buyer_id";
    let mut purchases = Vec::with_capacity(orders.orders.len());
    // The order index of each purchase.
    let mut orders_of: Vec<u32> = Vec::with_capacity(orders.orders.len());
    for (i, o) in orders.orders.iter().enumerate() {
        let d = o.time.date();
        match o.buyer() {
            None => {
                for &r in orders.rows(o) {
                    ledger.exclude(
                        orders.row_number(r),
                        Some(buyer_col),
                        Reason::MissingBuyer,
                        orders.guest_id(o).unwrap_or_default(),
                    );
                }
                continue;
            }
            Some(b) => {
                if d < from || d > to {
                    for &r in orders.rows(o) {
                        ledger.exclude(
                            orders.row_number(r),
                            None,
                            Reason::OutsideWindow,
                            &o.time.to_string(),
                        );
                    }
                }
                purchases.push(Purchase { buyer: b, day: d });
                orders_of.push(i as u32);
            }
        }
    }
    ledger.sort();
    let n_buyers = orders.buyers.len();
    let hist = History::new(&purchases, n_buyers);
    let mut scratch = Scratch::new(n_buyers);
    let counts = window_counts(
        &purchases,
        &hist,
        from,
        to,
        opts.lookback_days,
        opts.merge_same_day,
        &mut scratch,
    );
    if orders.orders.is_empty() {
        warnings.push(crate::notice::no_paid_orders(&orders.ledger.file));
    } else if counts.buyers == 0 {
        warnings.push(crate::notice::no_buyers_in_window(from, to));
    }
    if opts.merge_same_day {
        warnings.push(crate::notice::merge_same_day());
    }

    // Per-period table, each period its own window.
    let mut periods = Vec::new();
    let mut start = opts.period.start(from);
    while start <= to {
        let next = opts.period.next(start);
        let (pf, pt) = (start.max(from), (next - 1).min(to));
        periods.push(RepurchaseRow {
            label: opts.period.label(start),
            from: pf,
            to: pt,
            counts: window_counts(
                &purchases,
                &hist,
                pf,
                pt,
                opts.lookback_days,
                opts.merge_same_day,
                &mut scratch,
            ),
        });
        start = next;
        if periods.len() > 100_000 {
            break;
        }
    }

    let breakdown = match opts.by {
        Some(dim) => breakdown(orders, &purchases, &orders_of, dim, from, to, opts),
        None => Vec::new(),
    };

    let cohorts = cohorts(&purchases, &hist, n_buyers);
    if cohorts.rows.is_empty() && !purchases.is_empty() {
        warnings.push(crate::notice::order_span(MAX_COHORT_PERIODS));
    }
    let (intervals, buyers) = buyer_details(
        orders,
        (&purchases, &orders_of),
        &hist,
        from,
        to,
        opts,
        with_buyers,
    );

    let report = Report {
        metrics: counts.metrics(),
        rows: RowCounts::from_ledger(&ledger),
        warnings,
    };
    Ok(Repurchase {
        from,
        to,
        counts,
        report,
        periods,
        breakdown,
        cohorts,
        intervals,
        buyers,
        ledger,
    })
}

fn breakdown(
    orders: &Orders,
    purchases: &[Purchase],
    orders_of: &[u32],
    dim: Dimension,
    from: Date,
    to: Date,
    opts: &RepurchaseOptions,
) -> Vec<RepurchaseRow> {
    let names = match dim {
        Dimension::Product => &orders.products,
        Dimension::Sku => &orders.skus,
        Dimension::Category => &orders.categories,
        Dimension::Channel => &orders.channels,
    };
    // An order belongs to every value on its lines. The label ids are read
    // straight from their list: making a `Line` (all four labels and the
    // quantity) per line and picking one through a function pointer was
    // most of the breakdown.
    // Each value's purchases in one list, counted first and then placed:
    // a list per value grew by doubling, up to twice the purchases' bytes
    // at the worker's memory peak.
    let mut seen: Vec<u32> = Vec::new();
    let mut each_value = |f: &mut dyn FnMut(u32, &Purchase)| {
        for (p, &o) in purchases.iter().zip(orders_of) {
            seen.clear();
            for &v in orders.labels_of(&orders.orders[o as usize], dim) {
                if v != crate::orders::NO_LABEL && !seen.contains(&v) {
                    seen.push(v);
                    f(v, p);
                }
            }
        }
    };
    let mut ends = vec![0usize; names.len()];
    each_value(&mut |v, _| ends[v as usize] += 1);
    let mut at = 0;
    for e in ends.iter_mut() {
        at += *e;
        *e = at;
    }
    let mut flat = vec![
        Purchase {
            buyer: 0,
            day: Date(0),
        };
        at
    ];
    let mut next: Vec<usize> = std::iter::once(0).chain(ends.iter().copied()).collect();
    each_value(&mut |v, p| {
        flat[next[v as usize]] = *p;
        next[v as usize] += 1;
    });
    let per_value = (0..names.len()).map(|v| {
        let start = if v == 0 { 0 } else { ends[v - 1] };
        &flat[start..ends[v]]
    });
    // Local ids never exceed the shop's buyer count, so one scratch fits all.
    let mut scratch = Scratch::new(orders.buyers.len());
    let mut rows: Vec<RepurchaseRow> = per_value
        .enumerate()
        .filter(|(_, p)| !p.is_empty())
        .map(|(v, p)| {
            if p.first().is_some_and(|x| x.day >= from) {
                // No purchase of the value before the window (the default
                // window starts at the first purchase): nobody returns, so
                // no history is read, and the shop's own buyer ids index
                // the scratch. Renumbering and a history per value were
                // most of the breakdown.
                let none = History {
                    starts: Vec::new(),
                    dates: Vec::new(),
                };
                return RepurchaseRow {
                    label: names.name(v as u32).to_string(),
                    from,
                    to,
                    counts: window_counts(
                        p,
                        &none,
                        from,
                        to,
                        opts.lookback_days,
                        opts.merge_same_day,
                        &mut scratch,
                    ),
                };
            }
            // Buyers renumbered densely within the value, so the history is
            // sized by its own buyers: 20,000 SKUs must not each cost an
            // array over every buyer of the shop.
            let mut local: crate::FxMap<u32, u32> = crate::FxMap::default();
            let p: Vec<Purchase> = p
                .iter()
                .map(|x| {
                    let next = local.len() as u32;
                    Purchase {
                        buyer: *local.entry(x.buyer).or_insert(next),
                        ..*x
                    }
                })
                .collect();
            let hist = History::new(&p, local.len());
            let p = &p;
            RepurchaseRow {
                label: names.name(v as u32).to_string(),
                from,
                to,
                counts: window_counts(
                    p,
                    &hist,
                    from,
                    to,
                    opts.lookback_days,
                    opts.merge_same_day,
                    &mut scratch,
                ),
            }
        })
        .filter(|r| r.counts.buyers > 0)
        .collect();
    rows.sort_by(|a, b| {
        b.counts
            .buyers
            .cmp(&a.counts.buyers)
            .then_with(|| a.label.cmp(&b.label))
    });
    rows
}

fn cohorts(purchases: &[Purchase], hist: &History, n_buyers: usize) -> Cohorts {
    let Some(first) = purchases.first() else {
        return Cohorts::default();
    };
    let base = first.day.month_start();
    let last = purchases[purchases.len() - 1].day;
    let n_months = base.months_until(last) as usize + 1;
    if n_months > MAX_COHORT_PERIODS {
        return Cohorts::default();
    }
    let mut size = vec![0u64; n_months];
    // A triangle: cohort c can only be active in months c..n.
    let mut active: Vec<Vec<u64>> = (0..n_months).map(|c| vec![0u64; n_months - c]).collect();
    for b in 0..n_buyers as u32 {
        let dates = hist.of(b);
        let Some(&f) = dates.first() else { continue };
        let c = base.months_until(f) as usize;
        size[c] += 1;
        let mut prev = usize::MAX;
        for &d in dates {
            let k = f.month_start().months_until(d) as usize;
            if k != prev {
                active[c][k] += 1;
                prev = k;
            }
        }
    }
    let mut rows = Vec::new();
    let mut m = base;
    for c in 0..n_months {
        if size[c] > 0 {
            rows.push(CohortRow {
                month: Period::Month.label(m),
                size: size[c],
                active: std::mem::take(&mut active[c]),
            });
        }
        m = m.next_month_start();
    }
    Cohorts { rows }
}

/// Takes the purchases paired with the order each came from.
fn buyer_details(
    orders: &Orders,
    (purchases, orders_of): (&[Purchase], &[u32]),
    hist: &History,
    from: Date,
    to: Date,
    opts: &RepurchaseOptions,
    with_buyers: bool,
) -> (Intervals, Vec<BuyerRow>) {
    let lo = purchases.partition_point(|x| x.day < from);
    let hi = purchases.partition_point(|x| x.day <= to);
    // Per buyer, in arrays indexed by the dense buyer id: B-tree maps keyed
    // by buyer were most of repurchase's own time (a node walk per order).
    struct Seen {
        orders: u64,
        first: DateTime,
        last: DateTime,
        last_day: Date,
        amount: f64,
    }
    let window = &purchases[lo..hi.max(lo)];
    let window_orders = &orders_of[lo..hi.max(lo)];
    // The intervals need only each buyer's last day: 4 bytes a buyer stay
    // in the cache where the 48 of a `Seen` missed it on nearly every
    // purchase (a third of the page's repurchase view).
    let mut gaps: Vec<i32> = Vec::new();
    const NONE: i32 = i32::MIN;
    let mut last_day = vec![NONE; orders.buyers.len()];
    for p in window {
        let d = p.day.0;
        let last = &mut last_day[p.buyer as usize];
        if *last != NONE {
            if opts.merge_same_day && *last == d {
                continue;
            }
            gaps.push(d - *last);
        }
        *last = d;
    }
    drop(last_day);
    // Whole days, so sorting them as integers gives the order the f64s
    // would have.
    sort_days(&mut gaps);
    let gaps: Vec<f64> = gaps.into_iter().map(f64::from).collect();
    let histogram = INTERVAL_BUCKETS
        .iter()
        .map(|&(label, lo, hi)| {
            // Sorted: the bucket is the span between two partition points.
            let below = gaps.partition_point(|&g| g < lo as f64);
            let upto = gaps.partition_point(|&g| g <= hi as f64);
            (label, upto.saturating_sub(below))
        })
        .collect();
    let intervals = Intervals {
        count: gaps.len(),
        median: quantile(&gaps, 0.5),
        q1: quantile(&gaps, 0.25),
        q3: quantile(&gaps, 0.75),
        mean: (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64),
        histogram,
    };
    if !with_buyers {
        return (intervals, Vec::new());
    }
    let mut per: Vec<Option<Seen>> = Vec::new();
    per.resize_with(orders.buyers.len(), || None);
    let mut touched: Vec<u32> = Vec::new();
    for (p, &o) in window.iter().zip(window_orders) {
        let d = p.day;
        let order = &orders.orders[o as usize];
        let amount = order.amount;
        match &mut per[p.buyer as usize] {
            slot @ None => {
                *slot = Some(Seen {
                    orders: 1,
                    first: order.time,
                    last: order.time,
                    last_day: d,
                    amount,
                });
                touched.push(p.buyer);
            }
            Some(row) => {
                row.amount += amount;
                row.last = order.time;
                if opts.merge_same_day && row.last_day == d {
                    continue;
                }
                row.orders += 1;
                row.last_day = d;
            }
        }
    }
    // Most orders first, then by id. Ids are distinct, so the order is
    // fully determined; sorting (count, first 16 bytes of the id, buyer)
    // keys compares whole ids only when those bytes tie, instead of
    // reaching every id's heap string on each comparison.
    let mut keys: Vec<(std::cmp::Reverse<u64>, (u64, u64), u32)> = touched
        .iter()
        .map(|&b| {
            let n = per[b as usize].as_ref().map_or(0, |s| s.orders);
            (
                std::cmp::Reverse(n),
                crate::short_key::prefix16(orders.buyers.name(b)),
                b,
            )
        })
        .collect();
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1)
            .cmp(&(b.0, b.1))
            .then_with(|| orders.buyers.name(a.2).cmp(orders.buyers.name(b.2)))
    });
    let buyers = keys
        .into_iter()
        .filter_map(|(_, _, b)| {
            let s = per[b as usize].take()?;
            Some(BuyerRow {
                buyer: orders.buyers.name(b).to_string(),
                orders: s.orders,
                returning: hist.returning(b, from, opts.lookback_days),
                first: s.first,
                last: s.last,
                amount: s.amount,
            })
        })
        .collect();
    (intervals, buyers)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Orders of 40 buyers over 90 days, some on the same day, with
    /// three categories (an order may have lines of two).
    fn shop() -> Orders {
        use crate::{InputKind, Mapping, OrderOptions, Table};
        let mut rows: Vec<[String; 4]> = Vec::new();
        let mut x: u64 = 7;
        for i in 0..600 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let buyer = format!("b{}", (x >> 33) % 40);
            let day = 1 + (x >> 20) % 90;
            let date = Date(Date::parse("2024-01-01").unwrap().0 + day as i32 - 1);
            let cat = ["红茶", "绿茶", "茶具"][((x >> 40) % 3) as usize];
            rows.push([
                format!("o{i}"),
                buyer.clone(),
                format!("{date} 10:00:00"),
                cat.into(),
            ]);
            if (x >> 50).is_multiple_of(5) {
                rows.push([
                    format!("o{i}"),
                    buyer,
                    format!("{date} 10:00:00"),
                    "茶具".into(),
                ]);
            }
        }
        let t = Table::from_owned_rows("o.csv", &["订单号", "买家ID", "付款时间", "类目"], &rows);
        let m = Mapping::detect(InputKind::Orders, t.headers());
        Orders::build(&t, &m, &OrderOptions::default()).unwrap()
    }

    #[test]
    fn without_buyers_is_repurchase_less_the_list() {
        let o = shop();
        let start = o.date_range().unwrap().0;
        for merge_same_day in [false, true] {
            for (from, lookback_days) in [
                (None, None),
                (Some(start + 30), None),
                (Some(start + 30), Some(10)),
            ] {
                let opts = RepurchaseOptions {
                    from,
                    lookback_days,
                    merge_same_day,
                    by: Some(Dimension::Category),
                    period: Period::Week,
                    ..RepurchaseOptions::default()
                };
                let full = repurchase(&o, &opts).unwrap();
                assert!(full.intervals.count > 100, "{:?}", full.intervals);
                let got = repurchase_without_buyers(&o, &opts).unwrap();
                assert_eq!(
                    got,
                    Repurchase {
                        buyers: Vec::new(),
                        ..full.clone()
                    }
                );
                // The breakdown and the buyback counts, worked out the
                // slow way: a buyer of a category returns when they bought
                // it before the window.
                let (from, to) = (full.from, full.to);
                let before = |b: u32, c: u32| {
                    o.orders.iter().any(|x| {
                        x.buyer() == Some(b)
                            && x.time.date() < from
                            && lookback_days.is_none_or(|l| x.time.date() >= from - l as i32)
                            && o.lines(x).any(|l| l.category == Some(c))
                    })
                };
                for row in &full.breakdown {
                    let c = o.categories.get(&row.label).unwrap();
                    let mut buyers: Vec<u32> = o
                        .orders
                        .iter()
                        .filter(|x| (from..=to).contains(&x.time.date()))
                        .filter(|x| o.lines(x).any(|l| l.category == Some(c)))
                        .filter_map(|x| x.buyer())
                        .collect();
                    buyers.sort();
                    buyers.dedup();
                    assert_eq!(row.counts.buyers, buyers.len() as u64);
                    let back = buyers.iter().filter(|&&b| before(b, c)).count();
                    assert_eq!(row.counts.returning_buyers, back as u64, "{}", row.label);
                }
            }
        }
    }

    #[test]
    fn sort_days_is_a_sort() {
        let cases: [&[i32]; 5] = [
            &[],
            &[7],
            &[3, 0, 730, 3, 1, 0, 45, 2],
            &[-5, 4, -5, 0],
            // A range far wider than the count: the comparison sort.
            &[i32::MAX, 0, i32::MIN, 12, 12],
        ];
        for c in cases {
            let mut got = c.to_vec();
            sort_days(&mut got);
            let mut want = c.to_vec();
            want.sort();
            assert_eq!(got, want);
        }
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile(&v, 0.5), Some(2.5));
        assert_eq!(quantile(&v, 0.25), Some(1.75));
        assert_eq!(quantile(&v, 0.75), Some(3.25));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
