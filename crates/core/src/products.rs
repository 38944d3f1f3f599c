//! The product (SKU) list for sell-through (spec section 4): each SKU with
//! its online or warehouse status and optional sales and listing data.
//! Status values outside both lists are asked about, never guessed.

use crate::columns::{
    header_of, missing_role, norm_status, number_cell, screen_rows, status_set, TimeColumn,
};
use crate::{Date, DateOrder, Ledger, Mapping, ReadError, Reason, Role, Table};
use std::collections::HashMap;

/// Status values that mean the SKU is on sale (spec section 4).
pub const DEFAULT_ONLINE_STATUSES: &[&str] = &[
    "出售中",
    "在售",
    "上架",
    "销售中",
    "active",
    "online",
    "on sale",
];

/// Status values that mean the SKU is in the warehouse (not on sale).
pub const DEFAULT_WAREHOUSE_STATUSES: &[&str] = &[
    "仓库中",
    "下架",
    "已下架",
    "待上架",
    "draft",
    "archived",
    "offline",
    "inactive",
];

/// How product rows are read.
///
/// # Example
/// ```
/// use opscalc_core::ProductOptions;
/// let o = ProductOptions::default();
/// assert!(o.online_statuses.contains(&"出售中".to_string()));
/// assert!(o.warehouse_statuses.contains(&"仓库中".to_string()));
/// ```
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ProductOptions {
    /// Status values that mean online. A value in both lists counts as
    /// online (this list is checked first).
    pub online_statuses: Vec<String>,
    /// Status values that mean warehouse.
    pub warehouse_statuses: Vec<String>,
    /// How to read `05/03/2024` when a column does not settle it.
    pub date_order: Option<DateOrder>,
}

impl Default for ProductOptions {
    fn default() -> Self {
        let own = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        ProductOptions {
            online_statuses: own(DEFAULT_ONLINE_STATUSES),
            warehouse_statuses: own(DEFAULT_WAREHOUSE_STATUSES),
            date_order: None,
        }
    }
}

/// Whether a SKU is on sale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SkuStatus {
    /// On sale (出售中).
    Online,
    /// In the warehouse, not on sale (仓库中).
    Warehouse,
}

/// One SKU of the products file.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductItem {
    /// The SKU, trimmed.
    pub sku: String,
    /// Product name, when mapped and non-empty.
    pub product: Option<String>,
    /// Category, when mapped and non-empty.
    pub category: Option<String>,
    /// Online or warehouse.
    pub status: SkuStatus,
    /// The file's 30-day sales quantity.
    pub sales_30d: Option<f64>,
    /// The file's last-sold date.
    pub last_sold_at: Option<Date>,
    /// The listing date.
    pub listed_at: Option<Date>,
    /// Row number in the file.
    pub row: u32,
}

/// The SKUs read from a products file, with the rows not used.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Products {
    /// SKUs with a known status, in file order, each SKU once.
    pub items: Vec<ProductItem>,
    /// Status values in neither list, with how many rows carry each (most
    /// first). The user classifies them; until then those rows are excluded.
    pub unknown_statuses: Vec<(String, usize)>,
    /// SKUs whose (first) row has an unknown status, so orders for them are
    /// not reported as SKUs missing from the file.
    pub pending_skus: Vec<String>,
    /// Rows not used, with reasons.
    pub ledger: Ledger,
    /// Things to tell the user.
    pub warnings: Vec<String>,
    /// Whether a listing-date column is mapped.
    pub has_listed_at: bool,
    /// Whether a 30-day sales column is mapped.
    pub has_sales_30d: bool,
    /// Whether a last-sold date column is mapped.
    pub has_last_sold_at: bool,
}

impl Products {
    /// Reads SKUs from a table and mapping (roles sku and status required).
    ///
    /// A SKU's first usable row decides; later rows with the same SKU are
    /// excluded as `duplicate_sku`. When that first row's status is
    /// unknown, the SKU waits for the user's answer rather than falling
    /// back to a later row, so classifying a value never moves other SKUs.
    ///
    /// # Example
    /// ```
    /// use opscalc_core::{InputKind, Mapping, ProductOptions, Products, SkuStatus, Table};
    /// let t = Table::from_rows("p.csv", &["商家编码", "宝贝状态", "30天销量"], &[
    ///     &["A", "出售中", "3"],
    ///     &["B", "仓库中", ""],
    ///     &["C", "审核中", ""],   // neither list: asked about
    ///     &["A", "出售中", "5"],  // same SKU again
    /// ]);
    /// let m = Mapping::detect(InputKind::Products, t.headers());
    /// let p = Products::build(&t, &m, &ProductOptions::default()).unwrap();
    /// assert_eq!(p.items.len(), 2);
    /// assert_eq!(p.items[1].status, SkuStatus::Warehouse);
    /// assert_eq!(p.unknown_statuses, vec![("审核中".to_string(), 1)]);
    /// assert_eq!(p.ledger.counts()["duplicate_sku"], 1);
    ///
    /// let mut o = ProductOptions::default();
    /// o.warehouse_statuses.push("审核中".into());
    /// assert_eq!(Products::build(&t, &m, &o).unwrap().items.len(), 3);
    /// ```
    pub fn build(
        table: &Table,
        mapping: &Mapping,
        opts: &ProductOptions,
    ) -> Result<Products, ReadError> {
        let sku_col = mapping
            .get(Role::Sku)
            .ok_or_else(|| missing_role(table, Role::Sku))?;
        let status_col = mapping
            .get(Role::Status)
            .ok_or_else(|| missing_role(table, Role::Status))?;
        let time_col = |role| -> Result<Option<TimeColumn>, ReadError> {
            mapping
                .get(role)
                .map(|c| TimeColumn::new(table, c, opts.date_order))
                .transpose()
        };
        let last_sold = time_col(Role::LastSoldAt)?;
        let listed = time_col(Role::ListedAt)?;
        let sales_col = mapping.get(Role::Sales30d);
        let product_col = mapping.get(Role::Product);
        let category_col = mapping.get(Role::Category);
        let online = status_set(&opts.online_statuses);
        let warehouse = status_set(&opts.warehouse_statuses);

        let mut out = Products {
            ledger: Ledger::new(table.name(), table.len()),
            has_listed_at: listed.is_some(),
            has_sales_30d: sales_col.is_some(),
            has_last_sold_at: last_sold.is_some(),
            ..Products::default()
        };
        let usable = screen_rows(table, &mut out.ledger);
        // First row number of each SKU, for duplicate messages. Keys borrow
        // from the table and hash with Fx: SipHash and a String per row were
        // a quarter of building a million products.
        let mut first_row: crate::FxMap<&str, u32> = crate::FxMap::default();
        first_row.reserve(table.len());
        // Few distinct statuses: normalise and classify each once, not per
        // row (None: unknown, with its normalised value).
        let mut status_of: crate::FxMap<&str, (Option<SkuStatus>, String)> =
            crate::FxMap::default();
        // Unknown status: normalised value -> (first text seen, rows).
        let mut unknown: HashMap<String, (String, usize)> = HashMap::new();
        let mut duplicates = 0usize;
        let text = |col: Option<usize>, r: usize| {
            col.map(|c| table.cell(r, c).trim())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
        };

        for (r, _) in usable.iter().enumerate().filter(|(_, ok)| **ok) {
            let num = table.row_number(r);
            let sku = table.cell(r, sku_col).trim();
            if sku.is_empty() {
                out.ledger
                    .exclude(num, Some(header_of(table, sku_col)), Reason::MissingSku, "");
                continue;
            }
            // Typed cells; the first bad one excludes the row. A bad row
            // does not claim its SKU, so a later good row can still count.
            let mut bad = None;
            let mut read_date = |tc: &Option<TimeColumn>| match tc {
                Some(tc) => match tc.read(table, r) {
                    Ok(v) => v.map(|t| t.date()),
                    Err(()) => {
                        bad.get_or_insert((tc.col, Reason::BadTime));
                        None
                    }
                },
                None => None,
            };
            let last_sold_at = read_date(&last_sold);
            let listed_at = read_date(&listed);
            let sales_30d = match sales_col {
                Some(c) => number_cell(table, r, c).unwrap_or_else(|()| {
                    bad.get_or_insert((c, Reason::BadNumber));
                    None
                }),
                None => None,
            };
            if let Some((col, reason)) = bad {
                out.ledger
                    .exclude(num, Some(header_of(table, col)), reason, table.cell(r, col));
                continue;
            }
            if let Some(&first) = first_row.get(sku) {
                duplicates += 1;
                out.ledger.exclude(
                    num,
                    Some(header_of(table, sku_col)),
                    Reason::DuplicateSku,
                    &format!("{sku} (first on row {first})"),
                );
                continue;
            }
            first_row.insert(sku, num);
            let raw = table.cell(r, status_col).trim();
            let (kind, s) = status_of.entry(raw).or_insert_with(|| {
                let s = norm_status(raw);
                let kind = if online.contains(&s) {
                    Some(SkuStatus::Online)
                } else if warehouse.contains(&s) {
                    Some(SkuStatus::Warehouse)
                } else {
                    None
                };
                (kind, s)
            });
            let status = if let Some(k) = *kind {
                k
            } else {
                unknown
                    .entry(s.clone())
                    .or_insert_with(|| (raw.to_string(), 0))
                    .1 += 1;
                out.pending_skus.push(sku.to_string());
                out.ledger.exclude(
                    num,
                    Some(header_of(table, status_col)),
                    Reason::UnknownStatus,
                    raw,
                );
                continue;
            };
            out.items.push(ProductItem {
                sku: sku.to_string(),
                product: text(product_col, r),
                category: text(category_col, r),
                status,
                sales_30d,
                last_sold_at,
                listed_at,
                row: num,
            });
        }
        let mut unknown: Vec<(String, usize)> = unknown.into_values().collect();
        unknown.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out.unknown_statuses = unknown;
        if duplicates > 0 {
            out.warnings
                .push(crate::notice::duplicate_skus(table.name(), duplicates));
        }
        out.ledger.sort();
        Ok(out)
    }

    /// The SKU with this id, if it has a known status.
    pub fn item(&self, sku: &str) -> Option<&ProductItem> {
        self.items.iter().find(|i| i.sku == sku)
    }
}
