//! `opscalc`: the OpsCalc calculators on the command line, computed by the
//! same core as the web app (spec section 6).

mod args;
mod common;
mod lifecycle;
mod reflow;
mod repurchase;
mod sell_through;
mod traffic;

const USAGE: &str = "\
opscalc: e-commerce operations calculators (运营计算器)

usage:
  opscalc repurchase ORDERS [--from D] [--to D] [--lookback-days N] [--merge-same-day] [--exclude-refunded] [--by product|sku|category|channel] [--period month|week|day] [--map ROLE=HEADER]... [--json]
  opscalc reflow ACTIVITY [--churn-days N] [--from D] [--to D] [--period month|week] [--map ...] [--json]
  opscalc lifecycle ORDERS [--activity FILE] [--as-of D] [--churn-days N] [--dormant-days N] [--exclude-refunded] [--json]
  opscalc sell-through PRODUCTS [--orders FILE] [--as-of D] [--window-days N] [--online V]... [--warehouse V]...
                       [--orders-map ROLE=HEADER]... [--exclude-refunded] [--unsold-csv FILE] [--json]
  opscalc traffic FILE [--session-gap-minutes N] [--flagship-aov X] [--kind log|table] [--json]

every command also takes --encoding LABEL (utf-8, gbk, utf-16le, ...), --sheet NAME,
--date-order dmy|mdy and --map ROLE=HEADER. FILE may be CSV, TSV, TXT or XLSX.
--sql duckdb|spark prints the command's metrics as one SQL query over the CSV file
(same settings, your column names) instead of computing them; see docs/SCALING.md.
";

fn main() {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    let result = match argv.first().map(String::as_str) {
        Some("repurchase") => repurchase::run(&argv[1..]),
        Some("reflow") => reflow::run(&argv[1..]),
        Some("lifecycle") => lifecycle::run(&argv[1..]),
        Some("sell-through") => sell_through::run(&argv[1..]),
        Some("traffic") => traffic::run(&argv[1..]),
        Some("-h") | Some("--help") | Some("help") | None => {
            print!("{USAGE}");
            return;
        }
        Some("--version") => {
            println!("opscalc {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Some(other) => Err(format!("unknown command \"{other}\"; see opscalc --help")),
    };
    match result {
        Ok(out) => {
            // A closed pipe (`opscalc ... | head`) is the reader's choice,
            // not an error to panic over.
            use std::io::Write;
            let mut stdout = std::io::stdout().lock();
            if stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
                .is_err()
            {
                std::process::exit(0);
            }
        }
        Err(e) => {
            eprintln!("opscalc: {e}");
            std::process::exit(2);
        }
    }
}
