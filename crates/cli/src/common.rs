//! What every subcommand shares: reading a file into a table with the
//! user's overrides, and printing a report as text or JSON.

use crate::args::Args;
use opscalc_core::{
    read_bytes, DateOrder, Dialect, InputKind, Mapping, ReadOptions, ReadResult, Report, Table,
};
use std::io::Read;

/// `--sql duckdb|spark`: print the query instead of computing.
pub fn sql_dialect(args: &Args) -> Result<Option<Dialect>, String> {
    args.value("sql")
        .map(|v| {
            Dialect::parse(v).ok_or_else(|| format!("--sql: expected duckdb or spark, got \"{v}\""))
        })
        .transpose()
}

/// Bytes read for `--sql`: the header row is all the query needs, and the
/// file may be far too large to read (that is why SQL is wanted).
const HEAD_BYTES: u64 = 1 << 20;

/// Reads the start of a file (whole lines, up to 1 MiB) for its header
/// row; spreadsheets are read whole.
pub fn load_head(path: &str, args: &Args) -> Result<ReadResult, String> {
    let cannot = |e: std::io::Error| format!("{path}: cannot read the file: {e}");
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .map_err(cannot)?
        .take(HEAD_BYTES)
        .read_to_end(&mut bytes)
        .map_err(cannot)?;
    let is_zip_or_ole = bytes.starts_with(b"PK") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if is_zip_or_ole {
        bytes = std::fs::read(path).map_err(cannot)?;
    } else if bytes.len() as u64 == HEAD_BYTES {
        if let Some(end) = bytes.iter().rposition(|&b| b == b'\n') {
            bytes.truncate(end + 1);
        }
    }
    let opts = ReadOptions {
        encoding: args.value("encoding").map(str::to_string),
        delimiter: None,
        sheet: args.value("sheet").map(str::to_string),
    };
    read_bytes(path, &bytes, &opts).map_err(|e| e.to_string())
}

/// Reads a file with `--encoding`, `--sheet`; warnings go to `warnings`.
pub fn load(path: &str, args: &Args, warnings: &mut Vec<String>) -> Result<ReadResult, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{path}: cannot read the file: {e}"))?;
    let opts = ReadOptions {
        encoding: args.value("encoding").map(str::to_string),
        delimiter: None,
        sheet: args.value("sheet").map(str::to_string),
    };
    let r = read_bytes(path, &bytes, &opts).map_err(|e| e.to_string())?;
    warnings.extend(r.warnings.iter().cloned());
    Ok(r)
}

/// What the SQL's reader needs to know about a file: the generated SQL
/// reads UTF-8 CSV, so a spreadsheet is refused and another encoding gets
/// a warning comment.
pub fn sql_note(read: &ReadResult) -> Result<String, String> {
    let name = read.table.name();
    if !read.sheets.is_empty() {
        return Err(format!(
            "{name}: --sql reads CSV files; save the sheet as CSV (UTF-8) first"
        ));
    }
    Ok(if read.encoding.eq_ignore_ascii_case("utf-8") {
        String::new()
    } else {
        format!(
            "-- warning: {name} is {}; the SQL engines read UTF-8, so convert it first (iconv -f {} -t UTF-8)\n",
            read.encoding, read.encoding
        )
    })
}

/// Detects roles and applies `--map ROLE=HEADER` overrides.
pub fn mapping(table: &Table, kind: InputKind, maps: &[String]) -> Result<Mapping, String> {
    let mut m = Mapping::detect(kind, table.headers());
    m.apply_overrides(table.headers(), maps)
        .map_err(|e| format!("{}: {e}", table.name()))?;
    Ok(m)
}

/// `--date-order dmy|mdy`.
pub fn date_order(args: &Args) -> Result<Option<DateOrder>, String> {
    match args.value("date-order") {
        None => Ok(None),
        Some("dmy") | Some("day-first") => Ok(Some(DateOrder::DayFirst)),
        Some("mdy") | Some("month-first") => Ok(Some(DateOrder::MonthFirst)),
        Some(v) => Err(format!("--date-order: expected dmy or mdy, got \"{v}\"")),
    }
}

/// Formats a metric value: rates as percentages, counts as integers.
pub fn format_value(key: &str, v: Option<f64>) -> String {
    match v {
        None => "n/a".into(),
        Some(v) if is_rate(key) => format!("{:.1}%", v * 100.0),
        Some(v) if v.fract() == 0.0 && v.abs() < 1e15 => format!("{}", v as i64),
        Some(v) => format!("{v:.2}"),
    }
}

/// Whether a metric key names a rate (shown as a percentage).
pub fn is_rate(key: &str) -> bool {
    key.ends_with("_rate")
        || key.ends_with("_share")
        || key == "ctr"
        || key.starts_with("retention_")
}

/// Prints a report: the spec's JSON object, or aligned text.
pub fn print_report(report: &Report, json: bool, extra_text: &str) -> String {
    if json {
        return serde_json::to_string_pretty(&report.to_json()).unwrap_or_default() + "\n";
    }
    let mut out = String::new();
    let width = report
        .metrics
        .iter()
        .map(|m| m.key.len())
        .max()
        .unwrap_or(0);
    for m in &report.metrics {
        let working = match (m.numerator, m.denominator) {
            (Some(n), Some(d)) => format!("  ({} / {})", trim_num(n), trim_num(d)),
            _ => String::new(),
        };
        out.push_str(&format!(
            "{:width$}  {}{}\n",
            m.key,
            format_value(m.key, m.value),
            working
        ));
    }
    out.push_str(extra_text);
    let r = &report.rows;
    out.push_str(&format!("\nrows: read {}, used {}", r.read, r.used));
    for (k, v) in &r.excluded {
        out.push_str(&format!(", {k} {v}"));
    }
    out.push('\n');
    let mut warnings = report.warnings.clone();
    for m in &report.metrics {
        if let Some(w) = &m.unavailable {
            if !warnings.contains(w) {
                warnings.push(w.clone());
            }
        }
    }
    for w in &warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    out
}

/// A number without a needless `.0`.
pub fn trim_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v:.2}")
    }
}
