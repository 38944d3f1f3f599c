//! Traffic quality (流量质量), spec section 5: counts and the rates derived
//! from them, tables of daily or per-channel counts, channel structure,
//! benchmark bands and the split of a revenue change into uv, conversion
//! and aov.
//!
//! Rates are always computed from summed counts, never by averaging the
//! rates of rows, so a busy day weighs as much as its visitors.

use crate::columns::{header_of, number_cell, screen_rows, TimeColumn};
use crate::{
    diagnose, evaluate_benchmarks, parse_rate, Bands, BenchmarkResult, Date, DateOrder, Diagnosis,
    Interner, Ledger, Mapping, Metric, ReadError, Reason, Report, Role, RowCounts, Table,
};
use std::collections::BTreeMap;

/// Counts behind the traffic metrics. `None` means the column is absent
/// (or, in manual entry, the number was not typed), which is different
/// from 0: a metric that needs an absent count is not available.
///
/// # Example
/// ```
/// use opscalc_core::TrafficCounts;
/// let c = TrafficCounts { pv: Some(300.0), visits: Some(100.0), bounced_visits: Some(55.0), ..Default::default() };
/// let m = c.metrics(None);
/// assert_eq!(m[4].key, "visit_depth");
/// assert_eq!(m[4].value, Some(3.0));
/// assert_eq!(m[6].value, Some(0.55)); // bounce_rate
/// assert_eq!(m[8].value, None);       // conversion_rate: no uv, no buyers
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrafficCounts {
    /// Page views.
    pub pv: Option<f64>,
    /// Unique visitors.
    pub uv: Option<f64>,
    /// Visits (sessions).
    pub visits: Option<f64>,
    /// Visits with exactly one page view.
    pub bounced_visits: Option<f64>,
    /// Paying buyers.
    pub buyers: Option<f64>,
    /// Paid orders.
    pub orders: Option<f64>,
    /// Paid amount.
    pub revenue: Option<f64>,
    /// Advertising spend.
    pub spend: Option<f64>,
    /// Ad impressions.
    pub impressions: Option<f64>,
    /// Ad clicks.
    pub clicks: Option<f64>,
    /// Add-to-cart count.
    pub carts: Option<f64>,
    /// Revenue summed only over rows that have spend, the numerator of
    /// `roi`. `None` with both spend and revenue given means they come from
    /// the same rows (one row, or manual entry), so revenue is used.
    pub revenue_with_spend: Option<f64>,
}

fn add_opt(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x + y),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A count that may be absent.
fn count(key: &'static str, v: Option<f64>) -> Metric {
    match v {
        Some(v) => Metric::count(key, v),
        None => Metric::unavailable(key, format!("{key}: not available because it is not given")),
    }
}

/// A ratio of counts that may be absent.
fn ratio(key: &'static str, num: (&str, Option<f64>), den: (&str, Option<f64>)) -> Metric {
    match (num.1, den.1) {
        (Some(n), Some(d)) => Metric::ratio(key, n, d),
        _ => {
            let missing: Vec<&str> = [num, den]
                .iter()
                .filter(|(_, v)| v.is_none())
                .map(|(k, _)| *k)
                .collect();
            Metric::unavailable(
                key,
                format!(
                    "{key}: not available because {} {} not given",
                    missing.join(" and "),
                    if missing.len() > 1 { "are" } else { "is" }
                ),
            )
        }
    }
}

impl TrafficCounts {
    /// Adds another set of counts: present counts are summed, and an absent
    /// count takes the other's value.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::TrafficCounts;
    /// let mut a = TrafficCounts { uv: Some(10.0), ..Default::default() };
    /// a.add(&TrafficCounts { uv: Some(5.0), spend: Some(2.0), ..Default::default() });
    /// assert_eq!((a.uv, a.spend, a.pv), (Some(15.0), Some(2.0), None));
    /// ```
    pub fn add(&mut self, other: &TrafficCounts) {
        self.pv = add_opt(self.pv, other.pv);
        self.uv = add_opt(self.uv, other.uv);
        self.visits = add_opt(self.visits, other.visits);
        self.bounced_visits = add_opt(self.bounced_visits, other.bounced_visits);
        self.buyers = add_opt(self.buyers, other.buyers);
        self.orders = add_opt(self.orders, other.orders);
        self.revenue = add_opt(self.revenue, other.revenue);
        self.spend = add_opt(self.spend, other.spend);
        self.impressions = add_opt(self.impressions, other.impressions);
        self.clicks = add_opt(self.clicks, other.clicks);
        self.carts = add_opt(self.carts, other.carts);
        self.revenue_with_spend = add_opt(self.revenue_with_spend, other.revenue_with_spend);
    }

    /// The revenue `roi` divides by spend (see `revenue_with_spend`).
    fn roi_revenue(&self) -> Option<f64> {
        self.revenue_with_spend
            .or_else(|| self.spend.and(self.revenue))
    }

    /// The spec's metrics, in this order: pv, uv, visits, bounced_visits,
    /// visit_depth, pv_per_uv, bounce_rate, buyers, conversion_rate,
    /// revenue, aov, impressions, clicks, spend, ctr, cpc, roi,
    /// store_aov_ratio. A metric whose inputs are absent or whose
    /// denominator is 0 is not available, never 0.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::TrafficCounts;
    /// let c = TrafficCounts { uv: Some(1000.0), buyers: Some(25.0), revenue: Some(5000.0), spend: Some(1250.0), ..Default::default() };
    /// let m = c.metrics(Some(160.0));
    /// let v = |k: &str| m.iter().find(|x| x.key == k).unwrap().value;
    /// assert_eq!(v("conversion_rate"), Some(0.025));
    /// assert_eq!(v("aov"), Some(200.0));
    /// assert_eq!(v("roi"), Some(4.0));
    /// assert_eq!(v("store_aov_ratio"), Some(1.25));
    /// ```
    pub fn metrics(&self, flagship_aov: Option<f64>) -> Vec<Metric> {
        let aov = ratio("aov", ("revenue", self.revenue), ("buyers", self.buyers));
        let store_aov_ratio = match (aov.value, flagship_aov) {
            (_, None) => Metric::unavailable(
                "store_aov_ratio",
                "store_aov_ratio: not available because no flagship aov is given",
            ),
            (None, Some(_)) => Metric::unavailable(
                "store_aov_ratio",
                "store_aov_ratio: not available because the store's aov is not available",
            ),
            (Some(a), Some(f)) if f < 0.0 => Metric::ratio("store_aov_ratio", a, f)
                .withhold("store_aov_ratio: not available because the flagship aov is negative"),
            (Some(a), Some(f)) => Metric::ratio("store_aov_ratio", a, f),
        };
        vec![
            count("pv", self.pv),
            count("uv", self.uv),
            count("visits", self.visits),
            count("bounced_visits", self.bounced_visits),
            ratio("visit_depth", ("pv", self.pv), ("visits", self.visits)),
            ratio("pv_per_uv", ("pv", self.pv), ("uv", self.uv)),
            ratio(
                "bounce_rate",
                ("bounced_visits", self.bounced_visits),
                ("visits", self.visits),
            ),
            count("buyers", self.buyers),
            ratio("conversion_rate", ("buyers", self.buyers), ("uv", self.uv)),
            count("revenue", self.revenue),
            aov,
            count("impressions", self.impressions),
            count("clicks", self.clicks),
            count("spend", self.spend),
            ratio(
                "ctr",
                ("clicks", self.clicks),
                ("impressions", self.impressions),
            ),
            ratio("cpc", ("spend", self.spend), ("clicks", self.clicks)),
            ratio(
                "roi",
                ("revenue", self.roi_revenue()),
                ("spend", self.spend),
            ),
            store_aov_ratio,
        ]
    }

    /// The funnel from visitors to payment: `uv` (or `visits` without uv),
    /// then `cart`, `order` and `pay` (buyers) where those counts exist.
    /// `None` without a top stage or without any later stage. Stages count
    /// what the data counts (orders are orders, pay is buyers), so the
    /// steps are shown as given, not forced to shrink.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::TrafficCounts;
    /// let c = TrafficCounts { uv: Some(100.0), buyers: Some(3.0), ..Default::default() };
    /// assert_eq!(c.funnel(), Some(vec![("uv", 100.0), ("pay", 3.0)]));
    /// ```
    pub fn funnel(&self) -> Option<Vec<(&'static str, f64)>> {
        let top = match (self.uv, self.visits) {
            (Some(u), _) => ("uv", u),
            (None, Some(v)) => ("visits", v),
            _ => return None,
        };
        let mut stages = vec![top];
        for (k, v) in [
            ("cart", self.carts),
            ("order", self.orders),
            ("pay", self.buyers),
        ] {
            if let Some(v) = v {
                stages.push((k, v));
            }
        }
        (stages.len() > 1).then_some(stages)
    }
}

/// Settings of the traffic calculator.
///
/// # Example
/// ```
/// use opscalc_core::TrafficOptions;
/// let o = TrafficOptions::default();
/// assert_eq!(o.session_gap_minutes, 30);
/// assert_eq!(o.bands.bounce_pass, 0.70);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TrafficOptions {
    /// A visitor's page views are split into visits where more than this
    /// many minutes pass without a view (page-view logs without session
    /// ids). A gap of exactly this long does not split.
    pub session_gap_minutes: u32,
    /// The flagship (主推款) product's aov, for `store_aov_ratio`.
    pub flagship_aov: Option<f64>,
    /// Benchmark lines.
    pub bands: Bands,
}

impl Default for TrafficOptions {
    fn default() -> Self {
        TrafficOptions {
            session_gap_minutes: 30,
            flagship_aov: None,
            bands: Bands::default(),
        }
    }
}

/// One channel's counts and its share of uv.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ChannelRow {
    /// The channel as in the file (`(none)` for rows without one).
    pub channel: String,
    /// The channel's counts; `counts.metrics(..)` gives its own bounce
    /// rate, depth, conversion and roi.
    pub counts: TrafficCounts,
    /// The channel's uv over the sum of all channels' uv. A visitor who
    /// came through two channels counts in both, so shares sum to 1.
    pub uv_share: Option<f64>,
}

/// Everything the traffic calculator shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TrafficResult {
    /// Headline metrics (`totals.metrics(flagship_aov)`), rows and warnings.
    pub report: Report,
    /// Store-wide counts.
    pub totals: TrafficCounts,
    /// Per channel, most uv first, when a channel column is mapped.
    pub channels: Vec<ChannelRow>,
    /// Per day, in date order, when dates exist.
    pub days: Vec<(Date, TrafficCounts)>,
    /// Bounce rate, visit depth and store aov ratio in their bands.
    pub benchmarks: Vec<BenchmarkResult>,
    /// Advice from the bands.
    pub diagnosis: Vec<Diagnosis>,
    /// Stages from visitors to payment (see [`TrafficCounts::funnel`]).
    pub funnel: Option<Vec<(&'static str, f64)>>,
    /// Rows not used, with reasons.
    pub ledger: Ledger,
}

/// Label for rows or visits without a channel.
pub const NO_CHANNEL: &str = "(none)";

/// Builds the result shared by both inputs from the aggregated counts.
pub(crate) fn finish(
    totals: TrafficCounts,
    channels: Vec<(String, TrafficCounts)>,
    days: Vec<(Date, TrafficCounts)>,
    ledger: Ledger,
    mut warnings: Vec<String>,
    opts: &TrafficOptions,
) -> TrafficResult {
    let metrics = totals.metrics(opts.flagship_aov);
    let uv_sum: Option<f64> = channels
        .iter()
        .filter_map(|(_, c)| c.uv)
        .fold(None, |a, u| Some(a.unwrap_or(0.0) + u));
    let mut channels: Vec<ChannelRow> = channels
        .into_iter()
        .map(|(channel, counts)| ChannelRow {
            channel,
            uv_share: match (counts.uv, uv_sum) {
                (Some(u), Some(s)) if s != 0.0 => Some(u / s),
                _ => None,
            },
            counts,
        })
        .collect();
    // Most uv first; the name breaks ties so the order never depends on
    // the order of rows in the file.
    channels.sort_by(|a, b| {
        let ua = a.counts.uv.unwrap_or(f64::NEG_INFINITY);
        let ub = b.counts.uv.unwrap_or(f64::NEG_INFINITY);
        ub.total_cmp(&ua).then_with(|| a.channel.cmp(&b.channel))
    });
    // Counts that break their own ratios usually mean mismapped columns.
    let gt = |a: Option<f64>, b: Option<f64>| matches!((a, b), (Some(x), Some(y)) if x > y);
    for (bad, what) in [
        (
            gt(totals.bounced_visits, totals.visits),
            crate::notice::BOUNCED_EXCEED_VISITS,
        ),
        (
            gt(totals.buyers, totals.uv),
            crate::notice::BUYERS_EXCEED_UV,
        ),
        (
            gt(totals.clicks, totals.impressions),
            crate::notice::CLICKS_EXCEED_IMPRESSIONS,
        ),
        (
            gt(totals.visits, totals.pv),
            crate::notice::VISITS_EXCEED_PV,
        ),
    ] {
        if bad {
            warnings.push(what.en.to_string());
        }
    }
    let benchmarks = evaluate_benchmarks(&metrics, &opts.bands);
    let diagnosis = diagnose(&benchmarks, &metrics);
    TrafficResult {
        report: Report {
            metrics,
            rows: RowCounts::from_ledger(&ledger),
            warnings,
        },
        totals,
        channels,
        days,
        benchmarks,
        diagnosis,
        funnel: totals.funnel(),
        ledger,
    }
}

/// One row of a table of counts.
#[derive(Clone, Debug, PartialEq)]
pub struct TrafficRow {
    /// Row number in the file.
    pub row: u32,
    /// The row's date, when a date column is mapped.
    pub date: Option<Date>,
    /// Channel id in [`TrafficTable::channels`].
    pub channel: Option<u32>,
    /// The row's counts (absent columns and blank cells are `None`).
    pub counts: TrafficCounts,
}

/// A daily or per-channel table of traffic counts, read and checked.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrafficTable {
    /// Rows used.
    pub rows: Vec<TrafficRow>,
    /// Channel names.
    pub channels: Interner,
    /// Rows not used, with reasons.
    pub ledger: Ledger,
    /// Things to tell the user.
    pub warnings: Vec<String>,
    /// Whether a date column is mapped.
    pub has_date: bool,
    /// Whether a channel column is mapped.
    pub has_channel: bool,
    /// Whether a uv column is mapped.
    pub has_uv: bool,
}

/// Cell values that mark a totals row, which would count everything twice.
pub(crate) const TOTAL_LABELS: &[&str] = &[
    "合计",
    "总计",
    "汇总",
    "小计",
    "total",
    "totals",
    "sum",
    "grand total",
];

fn is_total_label(s: &str) -> bool {
    let s = crate::norm_status(s);
    TOTAL_LABELS.iter().any(|t| *t == s)
}

/// Count roles and the field of [`TrafficCounts`] each fills.
const COUNT_ROLES: &[Role] = &[
    Role::Pv,
    Role::Uv,
    Role::Visits,
    Role::BouncedVisits,
    Role::Buyers,
    Role::Orders,
    Role::Revenue,
    Role::Spend,
    Role::Impressions,
    Role::Clicks,
    Role::Carts,
];

fn field(c: &mut TrafficCounts, role: Role) -> &mut Option<f64> {
    match role {
        Role::Pv => &mut c.pv,
        Role::Uv => &mut c.uv,
        Role::Visits => &mut c.visits,
        Role::BouncedVisits => &mut c.bounced_visits,
        Role::Buyers => &mut c.buyers,
        Role::Orders => &mut c.orders,
        Role::Revenue => &mut c.revenue,
        Role::Spend => &mut c.spend,
        Role::Impressions => &mut c.impressions,
        Role::Clicks => &mut c.clicks,
        _ => &mut c.carts,
    }
}

impl TrafficTable {
    /// Reads a table of counts (dates in an unambiguous form). See
    /// [`TrafficTable::build_with`].
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, Table, TrafficTable};
    /// let t = Table::from_rows("t.csv", &["日期", "访客数", "支付金额"], &[
    ///     &["2024-03-01", "1,000", "¥1,234.50"],
    ///     &["合计", "1,000", "¥1,234.50"],   // a totals row: excluded
    /// ]);
    /// let tt = TrafficTable::build(&t, &Mapping::detect(InputKind::TrafficTable, t.headers())).unwrap();
    /// assert_eq!(tt.rows.len(), 1);
    /// assert_eq!(tt.rows[0].counts.revenue, Some(1234.5));
    /// assert_eq!(tt.ledger.counts()["total_row"], 1);
    /// ```
    pub fn build(table: &Table, mapping: &Mapping) -> Result<TrafficTable, ReadError> {
        TrafficTable::build_with(table, mapping, None)
    }

    /// Reads a table of counts. Amounts and counts accept currency signs
    /// and thousands separators; a bounce rate column is turned into
    /// bounced visits (rate x visits, row by row) when there is a visits
    /// column and no bounced-visits column, so it can be summed. Fails when
    /// no count column is mapped, or a date column is ambiguous and
    /// `date_order` does not settle it.
    pub fn build_with(
        table: &Table,
        mapping: &Mapping,
        date_order: Option<DateOrder>,
    ) -> Result<TrafficTable, ReadError> {
        let counts: Vec<(Role, usize)> = COUNT_ROLES
            .iter()
            .filter_map(|&r| mapping.get(r).map(|c| (r, c)))
            .collect();
        let rate_col = mapping.get(Role::BounceRate);
        if counts.is_empty() && rate_col.is_none() {
            return Err(ReadError::file(
                table.name(),
                "no column looks like traffic counts (pv, uv, visits, buyers, revenue, spend, ...): map one",
            ));
        }
        let date = match mapping.get(Role::Date) {
            Some(c) => Some(TimeColumn::new(table, c, date_order)?),
            None => None,
        };
        let channel_col = mapping.get(Role::Channel);
        // Blank count cells add nothing to their sum while the row's other
        // counts still add to theirs, which can bias a rate: say so.
        let mut blanks = 0usize;
        let mut first_blank: Option<(u32, usize)> = None;
        let mut out = TrafficTable {
            ledger: Ledger::new(table.name(), table.len()),
            has_date: date.is_some(),
            has_channel: channel_col.is_some(),
            has_uv: mapping.get(Role::Uv).is_some(),
            ..TrafficTable::default()
        };
        let has_visits = mapping.get(Role::Visits).is_some();
        let has_bounced = mapping.get(Role::BouncedVisits).is_some();
        let has_revenue = mapping.get(Role::Revenue).is_some();
        // Rates are never averaged: a rate column is only usable when it
        // can be weighted by the visits of its own row.
        let use_rate = rate_col.filter(|_| has_visits && !has_bounced);
        if let Some(rc) = rate_col {
            if has_bounced || !has_visits {
                out.warnings.push(crate::notice::rate_column_unused(
                    table.name(),
                    header_of(table, rc),
                    has_bounced,
                ));
            } else {
                out.warnings
                    .push(crate::notice::bounced_from_rate(table.name()));
            }
        }
        let usable = screen_rows(table, &mut out.ledger);
        'rows: for (r, ok) in usable.into_iter().enumerate() {
            if !ok {
                continue;
            }
            let num = table.row_number(r);
            for col in [date.as_ref().map(|d| d.col), channel_col, Some(0)]
                .into_iter()
                .flatten()
            {
                if is_total_label(table.cell(r, col)) {
                    out.ledger.exclude(
                        num,
                        Some(header_of(table, col)),
                        Reason::TotalRow,
                        table.cell(r, col),
                    );
                    continue 'rows;
                }
            }
            let day = match &date {
                None => None,
                Some(tc) => match tc.require(table, r, &mut out.ledger) {
                    Some(t) => Some(t.date()),
                    None => continue,
                },
            };
            let mut c = TrafficCounts::default();
            for &(role, col) in &counts {
                // Counts, money spent and paid are never negative here.
                match number_cell(table, r, col).and_then(|v| match v {
                    Some(x) if x < 0.0 => Err(()),
                    v => Ok(v),
                }) {
                    Ok(v) => {
                        // Paid columns are blank on organic rows by nature,
                        // and their rates pair columns blank together.
                        let paid = matches!(role, Role::Spend | Role::Impressions | Role::Clicks);
                        if v.is_none() && !paid {
                            blanks += 1;
                            first_blank.get_or_insert((num, col));
                        }
                        *field(&mut c, role) = v
                    }
                    Err(()) => {
                        out.ledger.exclude(
                            num,
                            Some(header_of(table, col)),
                            Reason::BadNumber,
                            table.cell(r, col),
                        );
                        continue 'rows;
                    }
                }
            }
            if let Some(rc) = use_rate {
                let s = table.cell(r, rc);
                if s.trim().is_empty() {
                    blanks += 1;
                    first_blank.get_or_insert((num, rc));
                } else {
                    match parse_rate(s) {
                        Some(rate) => c.bounced_visits = c.visits.map(|v| rate * v),
                        None => {
                            out.ledger.exclude(
                                num,
                                Some(header_of(table, rc)),
                                Reason::BadNumber,
                                s,
                            );
                            continue;
                        }
                    }
                }
            }
            // The roi numerator: this row's revenue counts only if the row
            // has spend; a spend of 0 is no spend (organic rows often say 0).
            if c.spend.is_some_and(|s| s > 0.0) && has_revenue {
                c.revenue_with_spend = Some(c.revenue.unwrap_or(0.0));
            }
            let channel = channel_col.map(|cc| {
                let s = table.cell(r, cc).trim();
                out.channels
                    .intern(if s.is_empty() { NO_CHANNEL } else { s })
            });
            out.rows.push(TrafficRow {
                row: num,
                date: day,
                channel,
                counts: c,
            });
        }
        if let Some((row, col)) = first_blank {
            out.warnings.push(crate::notice::blank_counts(
                table.name(),
                blanks,
                row,
                header_of(table, col),
            ));
        }
        Ok(out)
    }
}

/// Computes traffic quality from a table of counts: totals, channels and
/// days are sums of rows, and every rate comes from those sums.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// // Row rates are 10% and 50%; their average, 30%, would be wrong: the
/// // summed rate is (10 + 5) / (100 + 10) = 13.6%.
/// let t = Table::from_rows("t.csv", &["渠道", "访客数", "支付买家数"], &[
///     &["搜索", "100", "10"], &["直播", "10", "5"],
/// ]);
/// let tt = TrafficTable::build(&t, &Mapping::detect(InputKind::TrafficTable, t.headers())).unwrap();
/// let r = traffic_from_table(&tt, &TrafficOptions::default());
/// assert_eq!(r.report.value("conversion_rate"), Some(15.0 / 110.0));
/// assert_eq!(r.channels[0].channel, "搜索");
/// assert_eq!(r.channels[0].uv_share, Some(100.0 / 110.0));
/// ```
pub fn traffic_from_table(t: &TrafficTable, opts: &TrafficOptions) -> TrafficResult {
    let mut totals = TrafficCounts::default();
    let mut by_channel: BTreeMap<u32, TrafficCounts> = BTreeMap::new();
    let mut by_day: BTreeMap<Date, TrafficCounts> = BTreeMap::new();
    for row in &t.rows {
        totals.add(&row.counts);
        if let Some(ch) = row.channel {
            by_channel.entry(ch).or_default().add(&row.counts);
        }
        if let Some(d) = row.date {
            by_day.entry(d).or_default().add(&row.counts);
        }
    }
    let mut warnings = t.warnings.clone();
    if t.has_uv && by_day.len() > 1 {
        warnings.push(crate::notice::uv_summed_days());
    }
    if t.rows.is_empty() {
        warnings.push(crate::notice::no_count_rows(&t.ledger.file));
    }
    let channels = by_channel
        .into_iter()
        .map(|(id, c)| (t.channels.name(id).to_string(), c))
        .collect();
    finish(
        totals,
        channels,
        by_day.into_iter().collect(),
        t.ledger.clone(),
        warnings,
        opts,
    )
}

/// Sums the days in two inclusive date ranges, for a period-over-period
/// comparison: `(sum over [a_from, a_to], sum over [b_from, b_to])`.
///
/// # Example
/// ```
/// use opscalc_core::{split_periods, Date, TrafficCounts};
/// let d = |s| Date::parse(s).unwrap();
/// let c = |uv| TrafficCounts { uv: Some(uv), ..Default::default() };
/// let days = vec![(d("2024-03-01"), c(10.0)), (d("2024-03-02"), c(20.0)), (d("2024-03-08"), c(5.0))];
/// let (a, b) = split_periods(&days, d("2024-03-01"), d("2024-03-07"), d("2024-03-08"), d("2024-03-14"));
/// assert_eq!((a.uv, b.uv), (Some(30.0), Some(5.0)));
/// ```
pub fn split_periods(
    days: &[(Date, TrafficCounts)],
    a_from: Date,
    a_to: Date,
    b_from: Date,
    b_to: Date,
) -> (TrafficCounts, TrafficCounts) {
    let mut a = TrafficCounts::default();
    let mut b = TrafficCounts::default();
    for (d, c) in days {
        if (a_from..=a_to).contains(d) {
            a.add(c);
        }
        if (b_from..=b_to).contains(d) {
            b.add(c);
        }
    }
    (a, b)
}

/// A change of revenue split into the parts due to uv, conversion and aov.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RevenueChange {
    /// Revenue in the first period.
    pub revenue_before: f64,
    /// Revenue in the second period.
    pub revenue_after: f64,
    /// `revenue_after - revenue_before`.
    pub change: f64,
    /// The part due to the change of uv.
    pub due_to_uv: f64,
    /// The part due to the change of conversion rate.
    pub due_to_conversion: f64,
    /// The part due to the change of aov.
    pub due_to_aov: f64,
}

/// Splits a change of revenue into the parts due to uv, conversion rate and
/// aov, using revenue = uv x conversion_rate x aov.
///
/// Method: the Shapley value. Changing the three factors one at a time from
/// "before" to "after" attributes the change differently depending on the
/// order; the Shapley value averages the attribution over all 6 orders, so
/// no factor is favoured and the three parts add up exactly to the change.
/// For a product `u·c·a` it has a closed form (with `Δx = x₁ - x₀`):
///
/// ```text
/// due_to_uv         = Δu · [ (c₀a₀ + c₁a₁)/3 + (c₀a₁ + c₁a₀)/6 ]
/// due_to_conversion = Δc · [ (u₀a₀ + u₁a₁)/3 + (u₀a₁ + u₁a₀)/6 ]
/// due_to_aov        = Δa · [ (u₀c₀ + u₁c₁)/3 + (u₀c₁ + u₁c₀)/6 ]
/// ```
///
/// (each factor moves first in 2 orders, last in 2, and second in 2, once
/// after each of the others). `None` when uv, conversion or aov is not
/// available in either period (no uv, buyers or revenue; uv or buyers 0).
///
/// # Example
/// ```
/// use opscalc_core::{decompose_revenue, TrafficCounts};
/// let c = |uv, buyers, revenue| TrafficCounts { uv: Some(uv), buyers: Some(buyers), revenue: Some(revenue), ..Default::default() };
/// // Only uv doubles: the whole change is due to uv.
/// let r = decompose_revenue(&c(100.0, 5.0, 500.0), &c(200.0, 10.0, 1000.0)).unwrap();
/// assert_eq!(r.change, 500.0);
/// assert!((r.due_to_uv - 500.0).abs() < 1e-9 && r.due_to_conversion.abs() < 1e-9 && r.due_to_aov.abs() < 1e-9);
/// ```
pub fn decompose_revenue(before: &TrafficCounts, after: &TrafficCounts) -> Option<RevenueChange> {
    let factors = |c: &TrafficCounts| -> Option<(f64, f64, f64, f64)> {
        let (uv, buyers, revenue) = (c.uv?, c.buyers?, c.revenue?);
        if uv == 0.0 || buyers == 0.0 {
            return None;
        }
        Some((uv, buyers / uv, revenue / buyers, revenue))
    };
    let (u0, c0, a0, r0) = factors(before)?;
    let (u1, c1, a1, r1) = factors(after)?;
    let part = |dx: f64, y0: f64, z0: f64, y1: f64, z1: f64| {
        dx * ((y0 * z0 + y1 * z1) / 3.0 + (y0 * z1 + y1 * z0) / 6.0)
    };
    Some(RevenueChange {
        revenue_before: r0,
        revenue_after: r1,
        change: r1 - r0,
        due_to_uv: part(u1 - u0, c0, a0, c1, a1),
        due_to_conversion: part(c1 - c0, u0, a0, u1, a1),
        due_to_aov: part(a1 - a0, u0, c0, u1, c1),
    })
}

/// The flagship (主推款) aov taken from orders: the best-selling product
/// (most units; the name breaks ties) and the aov of the orders that
/// contain it, revenue / buyers as for the store, each order's whole
/// amount counted. `None` without products, amounts or buyers.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("o.csv", &["订单号", "买家ID", "付款时间", "实付金额", "商品名称"], &[
///     &["1", "amy", "2024-03-01", "100", "杯子"],
///     &["2", "bob", "2024-03-02", "300", "杯子"],
///     &["3", "bob", "2024-03-03", "50", "勺子"],
/// ]);
/// let o = Orders::build(&t, &Mapping::detect(InputKind::Orders, t.headers()), &OrderOptions::default()).unwrap();
/// // 杯子 sells 2 units; its orders bring 400 from 2 buyers: aov 200.
/// assert_eq!(flagship_aov(&o), Some(("杯子".to_string(), 200.0)));
/// ```
pub fn flagship_aov(orders: &crate::Orders) -> Option<(String, f64)> {
    if !orders.has_amount || !orders.has_buyer || orders.products.is_empty() {
        return None;
    }
    let mut units = vec![0.0f64; orders.products.len()];
    for o in &orders.orders {
        for l in orders.lines(o) {
            if let Some(p) = l.product {
                units[p as usize] += l.quantity;
            }
        }
    }
    let best = (0..units.len()).max_by(|&a, &b| {
        units[a].total_cmp(&units[b]).then_with(|| {
            orders
                .products
                .name(b as u32)
                .cmp(orders.products.name(a as u32))
        })
    })? as u32;
    let mut revenue = 0.0;
    let mut buyers: Vec<u32> = Vec::new();
    for o in &orders.orders {
        if orders.lines(o).any(|l| l.product == Some(best)) {
            if let Some(b) = o.buyer() {
                revenue += o.amount;
                buyers.push(b);
            }
        }
    }
    buyers.sort_unstable();
    buyers.dedup();
    (!buyers.is_empty()).then(|| {
        (
            orders.products.name(best).to_string(),
            revenue / buyers.len() as f64,
        )
    })
}
