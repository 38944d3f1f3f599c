//! `opscalc reflow ACTIVITY ...`

use crate::args::Args;
use crate::common::{self, format_value};
use opscalc_core::{
    reflow, reflow_sql, Activity, ActivitySql, InputKind, Mapping, OrderOptions, Orders, Period,
    ReflowOptions, Role, SqlFile, Table,
};

const VALUED: &[&str] = &[
    "churn-days",
    "from",
    "to",
    "period",
    "map",
    "encoding",
    "sheet",
    "date-order",
    "sql",
];
const FLAGS: &[&str] = &["json"];

pub fn run(argv: &[String]) -> Result<String, String> {
    let args = Args::parse(argv, VALUED, FLAGS)?;
    let path = args.file("ACTIVITY")?;
    // Arguments are checked before the file is read.
    let opts = ReflowOptions {
        churn_days: args.number("churn-days")?.unwrap_or(30),
        from: args.date("from")?,
        to: args.date("to")?,
        period: match args.value("period") {
            None => Period::Month,
            Some(p) => Period::parse(p)
                .ok_or_else(|| format!("--period: expected month, week or day, got \"{p}\""))?,
        },
    };
    if let Some(dialect) = common::sql_dialect(&args)? {
        let read = common::load_head(path, &args)?;
        let note = common::sql_note(&read)?;
        let order_opts = OrderOptions {
            date_order: common::date_order(&args)?,
            ..OrderOptions::default()
        };
        let (kind, mapping) = activity_mapping(&read.table, &args.values("map"))?;
        let f = SqlFile {
            path,
            headers: read.table.headers(),
            mapping: &mapping,
        };
        let a = match kind {
            InputKind::Orders => ActivitySql::Orders(f, &order_opts),
            _ => ActivitySql::Activity(f),
        };
        return Ok(note + &reflow_sql(dialect, &a, &opts)?);
    }
    let mut warnings = Vec::new();
    let activity = load_activity(path, &args, &args.values("map"), &mut warnings)?;
    let mut r = reflow(&activity, &opts)?;
    r.report.warnings.splice(0..0, warnings);
    let json = args.flag("json");
    let mut extra = String::new();
    if !json {
        extra.push_str(&format!(
            "\nwindow: {} to {}, churn after {} days without activity\n",
            r.from, r.to, opts.churn_days
        ));
        extra.push_str(&format!("\nper {}:\n", opts.period.key()));
        extra.push_str("  period                  churned  reflowed  reflow_rate\n");
        for row in &r.periods {
            let rate = (row.churned_users > 0)
                .then(|| row.reflowed_users as f64 / row.churned_users as f64);
            extra.push_str(&format!(
                "  {:22}  {:>7}  {:>8}  {:>11}\n",
                row.label,
                row.churned_users,
                row.reflowed_users,
                format_value("reflow_rate", rate),
            ));
        }
        extra.push_str(&format!(
            "\nretention by {} of first activity (users active k {}s later):\n",
            opts.period.key(),
            opts.period.key()
        ));
        for c in &r.retention.cohorts {
            let cells: Vec<String> = c
                .active
                .iter()
                .map(|&a| format_value("retention_", Some(a as f64 / c.size as f64)))
                .collect();
            extra.push_str(&format!(
                "  {:12} {:>6}  {}\n",
                c.month,
                c.size,
                cells.join(" ")
            ));
        }
    }
    Ok(common::print_report(&r.report, json, &extra))
}

/// The `--map` entries whose role belongs to `kind`: one `--map` list serves
/// two kinds of file (activity or orders), so each gets its own roles.
pub fn maps_for(kind: InputKind, maps: &[String]) -> Vec<String> {
    let roles = kind.roles();
    maps.iter()
        .filter(|m| {
            let key = m.split_once('=').map_or(m.as_str(), |(k, _)| k).trim();
            Role::from_key(key).is_none_or(|r| roles.contains(&r))
        })
        .cloned()
        .collect()
}

/// Whether a table is read as activity or as orders (an orders file whose
/// paid orders are the visits), with its mapping: the rule `load_activity`
/// applies.
pub fn activity_mapping(table: &Table, maps: &[String]) -> Result<(InputKind, Mapping), String> {
    for m in maps {
        let key = m.split_once('=').map_or(m.as_str(), |(k, _)| k).trim();
        if let Some(r) = Role::from_key(key) {
            if !InputKind::Activity.roles().contains(&r) && !InputKind::Orders.roles().contains(&r)
            {
                return Err(format!(
                    "--map: role {key} is not used by activity or orders files"
                ));
            }
        }
    }
    let m = common::mapping(
        table,
        InputKind::Activity,
        &maps_for(InputKind::Activity, maps),
    )?;
    if m.get(Role::UserId).is_none() || m.get(Role::Time).is_none() {
        let om = common::mapping(table, InputKind::Orders, &maps_for(InputKind::Orders, maps))?;
        let has_time = om.get(Role::PaidAt).is_some() || om.get(Role::CreatedAt).is_some();
        if om.get(Role::OrderId).is_some() && om.get(Role::BuyerId).is_some() && has_time {
            return Ok((InputKind::Orders, om));
        }
    }
    Ok((InputKind::Activity, m))
}

/// Reads an activity file; an orders file (user and time roles not found,
/// orders roles found) is read as paid orders, each an activity event.
pub fn load_activity(
    path: &str,
    args: &Args,
    maps: &[String],
    warnings: &mut Vec<String>,
) -> Result<Activity, String> {
    let read = common::load(path, args, warnings)?;
    let table = &read.table;
    let date_order = common::date_order(args)?;
    let (kind, m) = activity_mapping(table, maps)?;
    if kind == InputKind::Orders {
        let opts = OrderOptions {
            date_order,
            ..OrderOptions::default()
        };
        // Visits need no labels (SKU, product, ...).
        let orders = Orders::build_unlabelled(table, &m, &opts).map_err(|e| e.to_string())?;
        warnings.push(format!(
            "{path}: read as orders: each paid order is a visit by its buyer"
        ));
        return Ok(Activity::from_orders(&orders));
    }
    Activity::build(table, &m, date_order).map_err(|e| e.to_string())
}
