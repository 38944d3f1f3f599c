//! Sell-through (动销率) and unsold rate (滞销率), spec section 4: which
//! SKUs sold in the window, per category, the unsold online SKUs and the
//! new-listing cadence.

use crate::{Date, Ledger, Metric, Orders, Products, Reason, Report, RowCounts, SkuStatus};
use std::collections::{BTreeMap, HashMap};

/// The source's minimum number of online SKUs for a sell-through rate.
pub const MIN_ONLINE_SKUS: u64 = 10;

/// Days of the new-listing cadence (the source's 14-day advice).
pub const LISTING_CADENCE_DAYS: u32 = 14;

/// Settings of the sell-through calculator.
///
/// # Example
/// ```
/// use opscalc_core::SellThroughOptions;
/// let o = SellThroughOptions::default();
/// assert_eq!(o.window_days, 30);
/// assert!(o.as_of.is_none());
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SellThroughOptions {
    /// Last day of the window (default: the last order date, else `today`,
    /// else the last last-sold or listing date in the products file).
    pub as_of: Option<Date>,
    /// Days in the window, ending on `as_of` inclusive.
    pub window_days: u32,
    /// Today's date, the default `as_of` without orders. The core has no clock, so the
    /// caller (CLI, web app) fills it in.
    pub today: Option<Date>,
}

impl Default for SellThroughOptions {
    fn default() -> Self {
        SellThroughOptions {
            as_of: None,
            window_days: 30,
            today: None,
        }
    }
}

/// Counts behind the sell-through metrics, also the manual mode where a
/// learner types the four counts in.
///
/// The counts must be consistent (`selling_online_skus <= online_skus`,
/// `unsold_skus <= online_skus + warehouse_skus`); checking that is the
/// caller's job, as [`SellThroughCounts::metrics`] computes whatever it is
/// given.
///
/// # Example
/// ```
/// use opscalc_core::SellThroughCounts;
/// let c = SellThroughCounts { online_skus: 12, warehouse_skus: 4, selling_online_skus: 9, unsold_skus: 6 };
/// let m = c.metrics();
/// assert_eq!(m[4].value, Some(0.75));       // sell_through_rate = 9 / 12
/// assert_eq!(m[6].value, Some(6.0 / 16.0)); // unsold_rate = 6 / (12 + 4)
/// let few = SellThroughCounts { online_skus: 9, ..c };
/// assert_eq!(few.metrics()[4].value, None); // fewer than 10 online SKUs
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SellThroughCounts {
    /// SKUs on sale.
    pub online_skus: u64,
    /// SKUs in the warehouse.
    pub warehouse_skus: u64,
    /// Online SKUs that sold in the window.
    pub selling_online_skus: u64,
    /// SKUs, online or warehouse, that did not sell in the window.
    pub unsold_skus: u64,
}

impl SellThroughCounts {
    /// Online plus warehouse SKUs.
    pub fn all_skus(&self) -> u64 {
        self.online_skus + self.warehouse_skus
    }

    /// The spec's metrics, in order: online_skus, warehouse_skus, all_skus,
    /// selling_online_skus, sell_through_rate, unsold_skus, unsold_rate.
    /// The sell-through rate is withheld below 10 online SKUs.
    pub fn metrics(&self) -> Vec<Metric> {
        let mut rate = Metric::ratio(
            "sell_through_rate",
            self.selling_online_skus as f64,
            self.online_skus as f64,
        );
        if self.online_skus < MIN_ONLINE_SKUS {
            rate = rate.withhold(
                "sell_through_rate: not available with fewer than 10 online SKUs (the source's minimum)",
            );
        }
        vec![
            Metric::count("online_skus", self.online_skus as f64),
            Metric::count("warehouse_skus", self.warehouse_skus as f64),
            Metric::count("all_skus", self.all_skus() as f64),
            Metric::count("selling_online_skus", self.selling_online_skus as f64),
            rate,
            Metric::count("unsold_skus", self.unsold_skus as f64),
            Metric::ratio(
                "unsold_rate",
                self.unsold_skus as f64,
                self.all_skus() as f64,
            ),
        ]
    }
}

/// One category's counts and rates.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct CategoryRow {
    /// The category; `None` for SKUs without one.
    pub category: Option<String>,
    /// SKUs on sale.
    pub online_skus: u64,
    /// SKUs in the warehouse.
    pub warehouse_skus: u64,
    /// Online SKUs that sold.
    pub selling_online_skus: u64,
    /// SKUs that did not sell.
    pub unsold_skus: u64,
    /// 动销率, with the same 10-SKU rule as the headline.
    pub sell_through_rate: Metric,
    /// 滞销率.
    pub unsold_rate: Metric,
}

/// An online SKU that did not sell: a candidate to delist.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct UnsoldSku {
    /// The SKU.
    pub sku: String,
    /// Product name.
    pub product: Option<String>,
    /// Category.
    pub category: Option<String>,
    /// Listing date.
    pub listed_at: Option<Date>,
    /// The file's last-sold date.
    pub last_sold_at: Option<Date>,
    /// The file's 30-day sales.
    pub sales_30d: Option<f64>,
}

/// New listings (上新) per day over the last 14 days ending on as_of.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ListingCadence {
    /// Each day, oldest first, with its count of new listings.
    pub days: Vec<(Date, u32)>,
    /// Days with at least one new listing.
    pub days_with_new_listings: u32,
}

/// Everything the sell-through calculator shows.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SellThrough {
    /// Last day of the window.
    pub as_of: Date,
    /// First day of the window.
    pub from: Date,
    /// Headline counts.
    pub counts: SellThroughCounts,
    /// Headline metrics, rows and warnings.
    pub report: Report,
    /// Per category, by name (SKUs without a category last); empty when no
    /// category column is mapped.
    pub categories: Vec<CategoryRow>,
    /// Online SKUs that did not sell, by SKU.
    pub unsold_online: Vec<UnsoldSku>,
    /// New-listing cadence, when a listing date is mapped.
    pub listing_cadence: Option<ListingCadence>,
    /// The products file's excluded rows.
    pub ledger: Ledger,
    /// The orders file's excluded rows, including window exclusions.
    pub orders_ledger: Option<Ledger>,
}

impl SellThrough {
    /// The unsold online SKUs as CSV, for download.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::*;
    /// let t = Table::from_rows("p.csv", &["SKU", "Status"], &[&["A", "active"]]);
    /// let p = Products::build(&t, &Mapping::detect(InputKind::Products, t.headers()), &ProductOptions::default()).unwrap();
    /// let s = sell_through(&p, None, &SellThroughOptions { as_of: Date::parse("2024-03-31"), ..Default::default() }).unwrap();
    /// assert!(s.unsold_csv().contains("\r\nA,,,,,\r\n"));
    /// ```
    pub fn unsold_csv(&self) -> String {
        let opt = |d: &Option<Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let rows: Vec<Vec<String>> = self
            .unsold_online
            .iter()
            .map(|u| {
                vec![
                    u.sku.clone(),
                    u.product.clone().unwrap_or_default(),
                    u.category.clone().unwrap_or_default(),
                    opt(&u.listed_at),
                    opt(&u.last_sold_at),
                    u.sales_30d.map(|v| v.to_string()).unwrap_or_default(),
                ]
            })
            .collect();
        crate::to_csv(
            &[
                "sku",
                "product",
                "category",
                "listed_at",
                "last_sold_at",
                "sales_30d",
            ],
            &rows,
        )
    }
}

/// Lists up to three examples, quoted.
fn examples<'a>(it: impl IntoIterator<Item = &'a str>) -> String {
    it.into_iter()
        .take(3)
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Computes sell-through. `orders` (paid orders, as [`Orders::build`] made
/// them) are optional; without them only the products file's own 30-day
/// sales and last-sold dates say what sold. Fails when no `as_of` can be
/// found, the window is 0 days, or the orders carry no SKU.
///
/// # Example
/// ```
/// use opscalc_core::*;
/// let t = Table::from_rows("p.csv", &["SKU", "Status", "30天销量"], &[
///     &["A", "出售中", "2"], &["B", "出售中", "0"], &["C", "仓库中", ""],
/// ]);
/// let p = Products::build(&t, &Mapping::detect(InputKind::Products, t.headers()), &ProductOptions::default()).unwrap();
/// let opts = SellThroughOptions { as_of: Date::parse("2024-03-31"), ..Default::default() };
/// let s = sell_through(&p, None, &opts).unwrap();
/// assert_eq!(s.report.value("selling_online_skus"), Some(1.0));
/// assert_eq!(s.report.value("sell_through_rate"), None); // 2 online SKUs, fewer than 10
/// assert_eq!(s.report.value("unsold_rate"), Some(2.0 / 3.0)); // B and C of 3
/// ```
pub fn sell_through(
    products: &Products,
    orders: Option<&Orders>,
    opts: &SellThroughOptions,
) -> Result<SellThrough, String> {
    if opts.window_days == 0 {
        return Err(crate::notice::WINDOW_DAYS_ZERO.en.into());
    }
    if let Some(o) = orders {
        if o.skus.is_empty() && !o.orders.is_empty() {
            return Err(format!(
                "{}: {}",
                o.ledger.file,
                crate::notice::missing_column("a SKU", "sku")
            ));
        }
    }
    let file_dates = || {
        products
            .items
            .iter()
            .flat_map(|i| [i.last_sold_at, i.listed_at])
            .flatten()
            .max()
    };
    let as_of = opts
        .as_of
        .or_else(|| orders.and_then(|o| o.date_range()).map(|(_, last)| last))
        // The spec: last order date, else today. The core has no clock, so
        // only a caller without one (a library user) falls back to the
        // file's own last date.
        .or(opts.today)
        .or_else(file_dates)
        .ok_or("no date to end the window on: give the as-of date (--as-of)")?;
    // Clamped so a huge window cannot wrap the date arithmetic.
    let from = as_of - (opts.window_days.clamp(1, 4_000_000) as i32 - 1);
    let in_window = |d: Date| d >= from && d <= as_of;

    let mut warnings = products.warnings.clone();
    // Fx, not SipHash: hashing SKUs was the largest cost here.
    let index: crate::FxMap<&str, usize> = products
        .items
        .iter()
        .enumerate()
        .map(|(i, it)| (it.sku.as_str(), i))
        .collect();
    let pending: crate::FxMap<&str, ()> = products
        .pending_skus
        .iter()
        .map(|s| (s.as_str(), ()))
        .collect();

    // Quantity per product item in the window, from the orders.
    let mut quantity = vec![0.0f64; products.items.len()];
    let mut orders_ledger = None;
    if let Some(o) = orders {
        warnings.extend(o.warnings.iter().cloned());
        let mut ledger = o.ledger.clone();
        // Missing SKU -> rows, in first-seen order for stable examples.
        let mut missing: Vec<(u32, usize)> = Vec::new();
        let mut missing_at: HashMap<u32, usize> = HashMap::new();
        // Each distinct SKU of the orders is looked up once, not per line.
        let item_of: Vec<Option<usize>> = (0..o.skus.len() as u32)
            .map(|s| index.get(o.skus.name(s)).copied())
            .collect();
        for order in &o.orders {
            let d = order.time.date();
            for (&r, line) in o.rows(order).iter().zip(o.lines(order)) {
                let num = o.row_number(r);
                let outside = if d < from {
                    Some(Reason::OutsideWindow)
                } else if d > as_of {
                    Some(Reason::AfterAsOf)
                } else {
                    None
                };
                if let Some(reason) = outside {
                    ledger.exclude(num, None, reason, &order.time.to_string());
                    continue;
                }
                let Some(sku) = line.sku else {
                    ledger.exclude(num, Some("sku"), Reason::MissingSku, "");
                    continue;
                };
                let name = o.skus.name(sku);
                if let Some(i) = item_of[sku as usize] {
                    quantity[i] += line.quantity;
                } else if pending.contains_key(name) {
                    ledger.exclude(num, Some("sku"), Reason::UnknownStatus, name);
                } else {
                    ledger.exclude(num, Some("sku"), Reason::UnknownSku, name);
                    let k = *missing_at.entry(sku).or_insert_with(|| {
                        missing.push((sku, 0));
                        missing.len() - 1
                    });
                    missing[k].1 += 1;
                }
            }
        }
        if !missing.is_empty() {
            warnings.push(crate::notice::skus_not_in_products(
                &o.ledger.file,
                missing.len(),
                missing.iter().map(|m| m.1).sum::<usize>(),
                &examples(missing.iter().map(|m| o.skus.name(m.0))),
            ));
        }
        ledger.sort();
        orders_ledger = Some(ledger);
    }

    if !products.unknown_statuses.is_empty() {
        warnings.push(crate::notice::unknown_statuses(
            &products.ledger.file,
            &products.unknown_statuses,
        ));
    }
    if orders.is_none() && !products.has_sales_30d && !products.has_last_sold_at {
        warnings.push(crate::notice::no_sales_data());
    }
    if products.has_sales_30d && opts.window_days != 30 {
        warnings.push(crate::notice::sales_30d_window(opts.window_days));
    }
    let late: Vec<&str> = products
        .items
        .iter()
        .filter(|i| i.last_sold_at.is_some_and(|d| d > as_of))
        .map(|i| i.sku.as_str())
        .collect();
    if !late.is_empty() {
        warnings.push(crate::notice::sold_after_as_of(
            late.len(),
            as_of,
            &examples(late.iter().copied()),
        ));
    }

    // Sold and unsold, headline and per category.
    let mut counts = SellThroughCounts::default();
    let mut per_cat: BTreeMap<(bool, Option<&str>), SellThroughCounts> = BTreeMap::new();
    let mut unsold_online = Vec::new();
    for (i, it) in products.items.iter().enumerate() {
        let sold = quantity[i] > 0.0
            || it.sales_30d.is_some_and(|s| s > 0.0)
            || it.last_sold_at.is_some_and(in_window);
        // Key (is none, name) sorts named categories first, by name.
        let cat = per_cat
            .entry((it.category.is_none(), it.category.as_deref()))
            .or_default();
        for c in [&mut counts, cat] {
            match it.status {
                SkuStatus::Online => {
                    c.online_skus += 1;
                    c.selling_online_skus += sold as u64;
                }
                SkuStatus::Warehouse => c.warehouse_skus += 1,
            }
            c.unsold_skus += !sold as u64;
        }
        if !sold && it.status == SkuStatus::Online {
            unsold_online.push(UnsoldSku {
                sku: it.sku.clone(),
                product: it.product.clone(),
                category: it.category.clone(),
                listed_at: it.listed_at,
                last_sold_at: it.last_sold_at,
                sales_30d: it.sales_30d,
            });
        }
    }
    unsold_online.sort_by(|a, b| a.sku.cmp(&b.sku));
    let any_category = products.items.iter().any(|i| i.category.is_some());
    let categories = if any_category {
        per_cat
            .into_iter()
            .map(|((_, name), c)| {
                let m = c.metrics();
                CategoryRow {
                    category: name.map(str::to_string),
                    online_skus: c.online_skus,
                    warehouse_skus: c.warehouse_skus,
                    selling_online_skus: c.selling_online_skus,
                    unsold_skus: c.unsold_skus,
                    sell_through_rate: m[4].clone(),
                    unsold_rate: m[6].clone(),
                }
            })
            .collect()
    } else {
        Vec::new()
    };

    let mut metrics = counts.metrics();
    let listing_cadence = products.has_listed_at.then(|| {
        let start = as_of - (LISTING_CADENCE_DAYS as i32 - 1);
        let mut days: Vec<(Date, u32)> = (0..LISTING_CADENCE_DAYS as i32)
            .map(|k| (start + k, 0))
            .collect();
        for it in &products.items {
            if let Some(d) = it.listed_at.filter(|&d| d >= start && d <= as_of) {
                days[(d.0 - start.0) as usize].1 += 1;
            }
        }
        let days_with_new_listings = days.iter().filter(|d| d.1 > 0).count() as u32;
        ListingCadence {
            days,
            days_with_new_listings,
        }
    });
    if let Some(c) = &listing_cadence {
        metrics.push(Metric::count(
            "new_listing_days",
            c.days_with_new_listings as f64,
        ));
    }

    let mut rows = RowCounts::from_ledger(&products.ledger);
    if let Some(l) = &orders_ledger {
        rows.add(&RowCounts::from_ledger(l));
    }
    Ok(SellThrough {
        as_of,
        from,
        counts,
        report: Report {
            metrics,
            rows,
            warnings,
        },
        categories,
        unsold_online,
        listing_cadence,
        ledger: products.ledger.clone(),
        orders_ledger,
    })
}
