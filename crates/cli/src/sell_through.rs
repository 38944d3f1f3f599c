//! `opscalc sell-through PRODUCTS [--orders FILE] ...`

use crate::args::Args;
use crate::common::{self, format_value, trim_num};
use opscalc_core::{
    missing_role, norm_status, read_bytes, sell_through, sell_through_sql, Date, InputKind,
    OrderOptions, Orders, ProductOptions, Products, ReadOptions, Role, SellThrough,
    SellThroughOptions, SqlFile,
};

const VALUED: &[&str] = &[
    "orders",
    "as-of",
    "window-days",
    "online",
    "warehouse",
    "map",
    "orders-map",
    "encoding",
    "sheet",
    "orders-encoding",
    "orders-sheet",
    "date-order",
    "unsold-csv",
    "sql",
];
const FLAGS: &[&str] = &["exclude-refunded", "json"];

/// Unsold online SKUs shown in text output; the rest go to --unsold-csv.
const TEXT_UNSOLD_LIMIT: usize = 50;

pub fn run(argv: &[String]) -> Result<String, String> {
    let args = Args::parse(argv, VALUED, FLAGS)?;
    let path = args.file("PRODUCTS")?;
    let date_order = common::date_order(&args)?;
    let mut product_opts = ProductOptions {
        date_order,
        ..ProductOptions::default()
    };
    // A value the user classifies moves out of the other list, so
    // `--online 下架` overrides the default warehouse meaning.
    for v in args.values("online") {
        reclassify(&mut product_opts.warehouse_statuses, &v);
        product_opts.online_statuses.push(v);
    }
    for v in args.values("warehouse") {
        reclassify(&mut product_opts.online_statuses, &v);
        product_opts.warehouse_statuses.push(v);
    }
    if let Some(dialect) = common::sql_dialect(&args)? {
        let opts = SellThroughOptions {
            as_of: args.date("as-of")?,
            window_days: args.number("window-days")?.unwrap_or(30),
            today: None,
        };
        let read = common::load_head(path, &args)?;
        let mut note = common::sql_note(&read)?;
        let mapping = common::mapping(&read.table, InputKind::Products, &args.values("map"))?;
        let f = SqlFile {
            path,
            headers: read.table.headers(),
            mapping: &mapping,
        };
        let order_opts = OrderOptions {
            exclude_refunded: args.flag("exclude-refunded"),
            date_order,
            ..OrderOptions::default()
        };
        let orders = match args.value("orders") {
            Some(op) => {
                let read = common::load_head(op, &args)?;
                note.push_str(&common::sql_note(&read)?);
                let m =
                    common::mapping(&read.table, InputKind::Orders, &args.values("orders-map"))?;
                Some((op, read, m))
            }
            None => None,
        };
        let of = orders.as_ref().map(|(op, read, m)| SqlFile {
            path: op,
            headers: read.table.headers(),
            mapping: m,
        });
        let o = of.as_ref().map(|f| (f, &order_opts));
        return Ok(note + &sell_through_sql(dialect, &f, &product_opts, o, &opts)?);
    }
    let mut warnings = Vec::new();
    let read = common::load(path, &args, &mut warnings)?;
    let mapping = common::mapping(&read.table, InputKind::Products, &args.values("map"))?;
    let products =
        Products::build(&read.table, &mapping, &product_opts).map_err(|e| e.to_string())?;

    let orders = match args.value("orders") {
        None => None,
        Some(op) => Some(load_orders(op, &args, date_order, &mut warnings)?),
    };
    let opts = SellThroughOptions {
        as_of: args.date("as-of")?,
        window_days: args.number("window-days")?.unwrap_or(30),
        today: Some(today()),
    };
    let mut r = sell_through(&products, orders.as_ref(), &opts)?;
    if !products.unknown_statuses.is_empty() {
        warnings.push("classify status values with --online VALUE or --warehouse VALUE".into());
    }
    r.report.warnings.splice(0..0, warnings);
    if let Some(out) = args.value("unsold-csv") {
        std::fs::write(out, r.unsold_csv()).map_err(|e| format!("{out}: cannot write: {e}"))?;
    }
    let json = args.flag("json");
    let extra = if json {
        String::new()
    } else {
        text_details(&r, args.value("unsold-csv").is_some())
    };
    Ok(common::print_report(&r.report, json, &extra))
}

fn reclassify(list: &mut Vec<String>, value: &str) {
    let v = norm_status(value);
    list.retain(|s| norm_status(s) != v);
}

/// The orders file, with its own `--orders-map`, `--orders-encoding` and
/// `--orders-sheet` (the two files often come from different exports).
fn load_orders(
    path: &str,
    args: &Args,
    date_order: Option<opscalc_core::DateOrder>,
    warnings: &mut Vec<String>,
) -> Result<Orders, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: cannot read the file: {e}"))?;
    let ropts = ReadOptions {
        encoding: args.value("orders-encoding").map(str::to_string),
        delimiter: None,
        sheet: args.value("orders-sheet").map(str::to_string),
    };
    let read = read_bytes(path, &bytes, &ropts).map_err(|e| e.to_string())?;
    warnings.extend(read.warnings.iter().cloned());
    let mapping = common::mapping(&read.table, InputKind::Orders, &args.values("orders-map"))?;
    if mapping.get(Role::Sku).is_none() {
        return Err(missing_role(&read.table, Role::Sku).to_string());
    }
    let opts = OrderOptions {
        exclude_refunded: args.flag("exclude-refunded"),
        date_order,
        ..OrderOptions::default()
    };
    Orders::build(&read.table, &mapping, &opts).map_err(|e| e.to_string())
}

/// Today's date from the system clock (UTC), the last fallback for as-of.
fn today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    Date((secs / 86_400) as i32)
}

fn text_details(r: &SellThrough, wrote_csv: bool) -> String {
    let mut out = String::new();
    let days = r.as_of.0 - r.from.0 + 1;
    out.push_str(&format!(
        "\nwindow: {} to {} ({days} days)\n",
        r.from, r.as_of
    ));
    if !r.categories.is_empty() {
        out.push_str("\nby category:\n");
        out.push_str(
            "  category                online  warehouse  selling  sell_through  unsold  unsold_rate\n",
        );
        for c in &r.categories {
            out.push_str(&format!(
                "  {:22}  {:>6}  {:>9}  {:>7}  {:>12}  {:>6}  {:>11}\n",
                c.category.as_deref().unwrap_or("(none)"),
                c.online_skus,
                c.warehouse_skus,
                c.selling_online_skus,
                format_value("sell_through_rate", c.sell_through_rate.value),
                c.unsold_skus,
                format_value("unsold_rate", c.unsold_rate.value),
            ));
        }
    }
    if let Some(c) = &r.listing_cadence {
        out.push_str("\nnew listings, last 14 days:");
        for (d, n) in &c.days {
            out.push_str(&format!(" {}:{n}", &d.to_string()[5..]));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "\nunsold online SKUs ({}):\n",
        r.unsold_online.len()
    ));
    let opt = |d: Option<Date>| d.map(|d| d.to_string()).unwrap_or_else(|| "-".into());
    for u in r.unsold_online.iter().take(TEXT_UNSOLD_LIMIT) {
        out.push_str(&format!(
            "  {}  {}  {}  listed {}  last sold {}  30d sales {}\n",
            u.sku,
            u.product.as_deref().unwrap_or("-"),
            u.category.as_deref().unwrap_or("-"),
            opt(u.listed_at),
            opt(u.last_sold_at),
            u.sales_30d.map(trim_num).unwrap_or_else(|| "-".into()),
        ));
    }
    if r.unsold_online.len() > TEXT_UNSOLD_LIMIT && !wrote_csv {
        out.push_str(&format!(
            "  ... and {} more; write them all with --unsold-csv FILE\n",
            r.unsold_online.len() - TEXT_UNSOLD_LIMIT
        ));
    }
    out
}
