//! `opscalc traffic FILE ...`: a page-view log or a table of counts.

use crate::args::Args;
use crate::common::{self, format_value, trim_num};
use opscalc_core::{
    pageviews_sql, parse_number, traffic_from_pageviews, traffic_from_table, traffic_table_sql,
    InputKind, Mapping, PageViews, Role, SqlFile, Table, TrafficOptions, TrafficResult,
    TrafficTable,
};

const VALUED: &[&str] = &[
    "session-gap-minutes",
    "flagship-aov",
    "kind",
    "map",
    "encoding",
    "sheet",
    "date-order",
    "sql",
];
const FLAGS: &[&str] = &["json"];

/// Which input the file is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Log,
    Table,
}

/// A page-view log has a visitor id and a time and no pv/uv counts; any
/// other file is read as a table of counts (which names its own missing
/// columns when it is not one either).
fn detect(table: &Table, maps: &[String]) -> Result<Kind, String> {
    let log = common::mapping(table, InputKind::PageViews, maps)?;
    let counts = common::mapping(table, InputKind::TrafficTable, maps)?;
    let is_log = log.get(Role::VisitorId).is_some()
        && log.get(Role::Time).is_some()
        && counts.get(Role::Pv).is_none()
        && counts.get(Role::Uv).is_none();
    Ok(if is_log { Kind::Log } else { Kind::Table })
}

pub fn run(argv: &[String]) -> Result<String, String> {
    let args = Args::parse(argv, VALUED, FLAGS)?;
    let path = args.file("FILE")?;
    let session_gap_minutes = args.number::<u32>("session-gap-minutes")?.unwrap_or(30);
    let flagship_aov = args
        .value("flagship-aov")
        .map(|v| match parse_number(v) {
            Some(x) if x > 0.0 => Ok(x),
            _ => Err(format!(
                "--flagship-aov: expected a positive amount, got \"{v}\""
            )),
        })
        .transpose()?;
    let date_order = common::date_order(&args)?;
    let dialect = common::sql_dialect(&args)?;
    let mut warnings = Vec::new();
    let read = match dialect {
        Some(_) => common::load_head(path, &args)?,
        None => common::load(path, &args, &mut warnings)?,
    };
    let maps = args.values("map");
    let kind = match args.value("kind") {
        None => detect(&read.table, &maps)?,
        Some("log") => Kind::Log,
        Some("table") => Kind::Table,
        Some(k) => return Err(format!("--kind: expected log or table, got \"{k}\"")),
    };
    let opts = TrafficOptions {
        session_gap_minutes,
        flagship_aov,
        ..TrafficOptions::default()
    };
    if let Some(dialect) = dialect {
        let note = common::sql_note(&read)?;
        let input = match kind {
            Kind::Log => InputKind::PageViews,
            Kind::Table => InputKind::TrafficTable,
        };
        let m = common::mapping(&read.table, input, &maps)?;
        let f = SqlFile {
            path,
            headers: read.table.headers(),
            mapping: &m,
        };
        let sql = match kind {
            Kind::Log => pageviews_sql(dialect, &f, &opts)?,
            Kind::Table => traffic_table_sql(dialect, &f, &opts)?,
        };
        return Ok(note + &sql);
    }
    let mut r = match kind {
        Kind::Log => {
            let m: Mapping = common::mapping(&read.table, InputKind::PageViews, &maps)?;
            let pv = PageViews::build(&read.table, &m, date_order).map_err(|e| e.to_string())?;
            traffic_from_pageviews(&pv, &opts)
        }
        Kind::Table => {
            let m = common::mapping(&read.table, InputKind::TrafficTable, &maps)?;
            let t =
                TrafficTable::build_with(&read.table, &m, date_order).map_err(|e| e.to_string())?;
            traffic_from_table(&t, &opts)
        }
    };
    r.report.warnings.splice(0..0, warnings);
    let json = args.flag("json");
    let extra = if json {
        String::new()
    } else {
        text(&r, kind, &opts)
    };
    Ok(common::print_report(&r.report, json, &extra))
}

fn text(r: &TrafficResult, kind: Kind, opts: &TrafficOptions) -> String {
    let mut out = String::new();
    out.push_str(&match kind {
        Kind::Log => format!(
            "\nread as a page-view log; visits split after more than {} minutes without a view\n",
            opts.session_gap_minutes
        ),
        Kind::Table => "\nread as a table of counts; rates from summed counts\n".to_string(),
    });
    let v = |k: &str| r.report.value(k);
    if let (Some(u), Some(c), Some(a), Some(rev)) =
        (v("uv"), v("conversion_rate"), v("aov"), v("revenue"))
    {
        out.push_str(&format!(
            "revenue = uv x conversion_rate x aov: {} = {} x {} x {:.2}\n",
            trim_num(rev),
            trim_num(u),
            format_value("conversion_rate", Some(c)),
            a
        ));
    }
    if !r.channels.is_empty() {
        out.push_str(
            "\nchannels:\n  channel               uv  uv_share  bounce_rate  visit_depth  conversion_rate     roi\n",
        );
        for c in &r.channels {
            let m = c.counts.metrics(None);
            let val = |k: &str| m.iter().find(|x| x.key == k).and_then(|x| x.value);
            out.push_str(&format!(
                "  {}  {:>7}  {:>8}  {:>11}  {:>11}  {:>15}  {:>6}\n",
                pad(&c.channel, 16),
                format_value("uv", c.counts.uv),
                format_value("uv_share", c.uv_share),
                format_value("bounce_rate", val("bounce_rate")),
                format_value("visit_depth", val("visit_depth")),
                format_value("conversion_rate", val("conversion_rate")),
                format_value("roi", val("roi")),
            ));
        }
    }
    if let Some(f) = &r.funnel {
        let stages: Vec<String> = f
            .iter()
            .map(|(k, v)| format!("{k} {}", trim_num(*v)))
            .collect();
        out.push_str(&format!("\nfunnel: {}\n", stages.join(" -> ")));
    }
    if !r.benchmarks.is_empty() {
        out.push_str("\nbenchmarks:\n");
        for b in &r.benchmarks {
            out.push_str(&format!(
                "  {:16} {:>7}  {:9}  {}\n",
                b.key,
                format_value(b.key, Some(b.value)),
                b.band.key(),
                b.reason_en
            ));
        }
    }
    if !r.diagnosis.is_empty() {
        out.push_str("\ndiagnosis:\n");
        for d in &r.diagnosis {
            out.push_str(&format!("  {}\n", d.en));
        }
    }
    out
}

/// Pads to a display width, counting CJK and full-width characters as two
/// columns so channel names like 搜索 line up.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| if (c as u32) >= 0x1100 { 2 } else { 1 })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}
