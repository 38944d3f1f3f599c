//! `opscalc repurchase ORDERS ...`

use crate::args::Args;
use crate::common::{self, format_value};
use opscalc_core::{
    repurchase, repurchase_sql, Dimension, InputKind, OrderOptions, Orders, Period,
    RepurchaseOptions, SqlFile,
};

const VALUED: &[&str] = &[
    "from",
    "to",
    "lookback-days",
    "by",
    "period",
    "map",
    "encoding",
    "sheet",
    "date-order",
    "sql",
];
const FLAGS: &[&str] = &["merge-same-day", "exclude-refunded", "json"];

pub fn run(argv: &[String]) -> Result<String, String> {
    let args = Args::parse(argv, VALUED, FLAGS)?;
    let path = args.file("ORDERS")?;
    let order_opts = OrderOptions {
        exclude_refunded: args.flag("exclude-refunded"),
        date_order: common::date_order(&args)?,
        ..OrderOptions::default()
    };
    let opts = RepurchaseOptions {
        from: args.date("from")?,
        to: args.date("to")?,
        lookback_days: args.number("lookback-days")?,
        merge_same_day: args.flag("merge-same-day"),
        period: match args.value("period") {
            None => Period::Month,
            Some(p) => Period::parse(p)
                .ok_or_else(|| format!("--period: expected month, week or day, got \"{p}\""))?,
        },
        by: args
            .value("by")
            .map(|b| {
                Dimension::parse(b).ok_or_else(|| {
                    format!("--by: expected product, sku, category or channel, got \"{b}\"")
                })
            })
            .transpose()?,
    };
    if let Some(dialect) = common::sql_dialect(&args)? {
        let read = common::load_head(path, &args)?;
        let note = common::sql_note(&read)?;
        let mapping = common::mapping(&read.table, InputKind::Orders, &args.values("map"))?;
        let f = SqlFile {
            path,
            headers: read.table.headers(),
            mapping: &mapping,
        };
        return Ok(note + &repurchase_sql(dialect, &f, &order_opts, &opts)?);
    }
    let mut warnings = Vec::new();
    let read = common::load(path, &args, &mut warnings)?;
    let mapping = common::mapping(&read.table, InputKind::Orders, &args.values("map"))?;
    // Labels (SKU, product, ...) only for a breakdown: interning them was
    // a fifth of building the orders.
    let mut orders =
        Orders::build_unlabelled(&read.table, &mapping, &order_opts).map_err(|e| e.to_string())?;
    if let Some(dim) = opts.by {
        orders.label_only(&read.table, dim);
    }
    let mut r = repurchase(&orders, &opts)?;
    r.report.warnings.splice(0..0, warnings);
    let json = args.flag("json");
    let mut extra = String::new();
    if !json {
        extra.push_str(&format!("\nwindow: {} to {}\n", r.from, r.to));
        extra.push_str(&format!("\nper {}:\n", opts.period.key()));
        table_rows(&mut extra, &r.periods);
        if let Some(dim) = opts.by {
            extra.push_str(&format!("\nby {}:\n", dim.key()));
            table_rows(&mut extra, &r.breakdown);
        }
        if let Some(m) = r.intervals.median {
            extra.push_str(&format!(
                "\nrepeat interval (days): median {m}, quartiles {} to {}, {} intervals\n",
                r.intervals.q1.unwrap_or(m),
                r.intervals.q3.unwrap_or(m),
                r.intervals.count
            ));
        }
    }
    Ok(common::print_report(&r.report, json, &extra))
}

fn table_rows(out: &mut String, rows: &[opscalc_core::RepurchaseRow]) {
    out.push_str(
        "  period/value            buyers  repeat  user_rate  orders  order_rate  buyback\n",
    );
    for row in rows {
        let m = row.counts.metrics();
        out.push_str(&format!(
            "  {:22}  {:>6}  {:>6}  {:>9}  {:>6}  {:>10}  {:>7}\n",
            row.label,
            row.counts.buyers,
            row.counts.repeat_buyers,
            format_value("user_repurchase_rate", m[2].value),
            row.counts.orders,
            format_value("order_repurchase_rate", m[5].value),
            format_value("buyback_rate", m[7].value),
        ));
    }
}
