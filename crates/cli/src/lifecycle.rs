//! `opscalc lifecycle ORDERS [--activity FILE] ...`

use crate::args::Args;
use crate::common::{self, format_value};
use crate::reflow::{activity_mapping, load_activity, maps_for};
use opscalc_core::{
    lifecycle, lifecycle_sql, ActivitySql, InputKind, LifecycleOptions, OrderOptions, Orders,
    SqlFile, Stage,
};

const VALUED: &[&str] = &[
    "activity",
    "as-of",
    "churn-days",
    "dormant-days",
    "map",
    "encoding",
    "sheet",
    "date-order",
    "sql",
];
const FLAGS: &[&str] = &["exclude-refunded", "json"];

pub fn run(argv: &[String]) -> Result<String, String> {
    let args = Args::parse(argv, VALUED, FLAGS)?;
    let path = args.file("ORDERS")?;
    let maps = args.values("map");
    // Arguments are checked before any file is read.
    let opts = LifecycleOptions {
        as_of: args.date("as-of")?,
        churn_days: args.number("churn-days")?.unwrap_or(30),
        dormant_days: args.number("dormant-days")?.unwrap_or(15),
    };
    let order_opts = OrderOptions {
        exclude_refunded: args.flag("exclude-refunded"),
        date_order: common::date_order(&args)?,
        ..OrderOptions::default()
    };
    if let Some(dialect) = common::sql_dialect(&args)? {
        let read = common::load_head(path, &args)?;
        let mut note = common::sql_note(&read)?;
        let mapping = common::mapping(
            &read.table,
            InputKind::Orders,
            &maps_for(InputKind::Orders, &maps),
        )?;
        let f = SqlFile {
            path,
            headers: read.table.headers(),
            mapping: &mapping,
        };
        // Activity read as the CLI reads it: an orders file's paid orders
        // are visits, with the default status rules.
        let activity_opts = OrderOptions {
            date_order: order_opts.date_order,
            ..OrderOptions::default()
        };
        let act = match args.value("activity") {
            Some(a) => {
                let read = common::load_head(a, &args)?;
                note.push_str(&common::sql_note(&read)?);
                let (kind, m) = activity_mapping(&read.table, &maps)?;
                Some((a.to_string(), read, kind, m))
            }
            None => None,
        };
        let a = act.as_ref().map(|(a, read, kind, m)| {
            let f = SqlFile {
                path: a,
                headers: read.table.headers(),
                mapping: m,
            };
            match kind {
                InputKind::Orders => ActivitySql::Orders(f, &activity_opts),
                _ => ActivitySql::Activity(f),
            }
        });
        return Ok(note + &lifecycle_sql(dialect, &f, &order_opts, a.as_ref(), &opts)?);
    }
    let mut warnings = Vec::new();
    let read = common::load(path, &args, &mut warnings)?;
    let mapping = common::mapping(
        &read.table,
        InputKind::Orders,
        &maps_for(InputKind::Orders, &maps),
    )?;
    // Stages need no labels (SKU, product, ...).
    let orders =
        Orders::build_unlabelled(&read.table, &mapping, &order_opts).map_err(|e| e.to_string())?;
    let activity = match args.value("activity") {
        Some(a) => Some(load_activity(a, &args, &maps, &mut warnings)?),
        None => None,
    };
    let mut l = lifecycle(&orders, activity.as_ref(), &opts)?;
    l.report.warnings.splice(0..0, warnings);
    let json = args.flag("json");
    let mut extra = String::new();
    if !json {
        extra.push_str(&format!(
            "\nas of {}: churned after {} days without activity, dormant {} days after the last of 2+ purchases\n",
            l.as_of, opts.churn_days, opts.dormant_days
        ));
        extra.push_str("\n  stage            users   share\n");
        for s in Stage::ALL {
            extra.push_str(&format!(
                // A CJK stage name is 3 characters but 6 columns wide.
                "  {:8} {}  {:>6}  {:>6}\n",
                s.key(),
                s.zh(),
                format_value(s.count_key(), l.report.value(s.count_key())),
                format_value(s.share_key(), l.report.value(s.share_key())),
            ));
        }
    }
    Ok(common::print_report(&l.report, json, &extra))
}
