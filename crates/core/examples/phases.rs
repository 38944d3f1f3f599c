//! CPU time of the steps of import plus repurchase on one file, for
//! before/after comparisons on a shared machine (criterion times the wall
//! clock, which other processes' load inflates; CPU time barely moves).
//!
//! `cargo run --release -p opscalc-core --example phases -- ORDERS.csv [RUNS] [STEP]`
//!
//! Prints, per run, the CPU seconds (user + system, from /proc, so Linux
//! only) of `read_bytes`, `Orders::build` and `repurchase`, and the numbers
//! so runs of two builds can be checked to agree. Steps: `build` (with
//! labels), `build_unlabelled`, `build_category`, `views` and `views_category` (what the engine runs for the
//! repurchase page: orders without labels, repurchase without the buyer
//! list), `label`, `repurchase`, `repurchase:DIMENSION`, `memory`.

use opscalc_core::{
    read_bytes, repurchase, InputKind, Mapping, OrderOptions, Orders, ReadOptions,
    RepurchaseOptions,
};

/// This process's CPU seconds so far (user + system), in clock ticks of
/// 1/100 s as Linux reports them.
fn cpu() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").expect("/proc/self/stat (Linux)");
    // Fields after the command name, which is in parentheses and may hold
    // spaces: state is field 3, utime 14 and stime 15.
    let rest = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = f[11].parse::<f64>().expect("utime") + f[12].parse::<f64>().expect("stime");
    ticks / 100.0
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: phases ORDERS.csv [RUNS]");
    let runs: usize = args
        .get(2)
        .map_or(3, |r| r.parse().expect("RUNS is a number"));
    let bytes = std::fs::read(path).expect("the file reads");
    // `phases FILE RUNS build` or `... repurchase`: repeat only that step
    // (on one read), so a profiler sees little else.
    if let Some(step) = args.get(3) {
        let read = read_bytes(path, &bytes, &ReadOptions::default()).expect("the file parses");
        let mapping = Mapping::detect(InputKind::Orders, read.table.headers());
        let orders =
            Orders::build(&read.table, &mapping, &OrderOptions::default()).expect("orders build");
        for run in 1..=runs {
            let t0 = cpu();
            match step.as_str() {
                "build" => {
                    Orders::build(&read.table, &mapping, &OrderOptions::default())
                        .expect("orders build");
                }
                "build_unlabelled" => {
                    Orders::build_unlabelled(&read.table, &mapping, &OrderOptions::default())
                        .expect("orders build");
                }
                "build_category" => {
                    // What the engine builds for the app's repurchase page,
                    // whose breakdown defaults to category.
                    Orders::build_with_labels(
                        &read.table,
                        &mapping,
                        &OrderOptions::default(),
                        &[opscalc_core::Dimension::Category],
                    )
                    .expect("orders build");
                }
                "label" => {
                    let mut o =
                        Orders::build_unlabelled(&read.table, &mapping, &OrderOptions::default())
                            .expect("orders build");
                    let t = cpu();
                    o.label(&read.table);
                    println!("run {run}: label alone {:.2} s", cpu() - t);
                }
                "views" => {
                    opscalc_core::repurchase_without_buyers(&orders, &RepurchaseOptions::default())
                        .expect("repurchase");
                }
                "views_category" => {
                    // The app's repurchase page: its breakdown defaults to
                    // category.
                    let opts = RepurchaseOptions {
                        by: Some(opscalc_core::Dimension::Category),
                        ..RepurchaseOptions::default()
                    };
                    opscalc_core::repurchase_without_buyers(&orders, &opts).expect("repurchase");
                }
                "memory" => {
                    let o =
                        Orders::build_unlabelled(&read.table, &mapping, &OrderOptions::default())
                            .expect("orders build");
                    println!(
                        "table {:.1} MB, orders unlabelled {:.1} MB, labelled {:.1} MB ({} orders, {} lines)",
                        read.table.heap_bytes() as f64 / 1e6,
                        o.heap_bytes() as f64 / 1e6,
                        orders.heap_bytes() as f64 / 1e6,
                        orders.orders.len(),
                        orders.rows_in_orders(),
                    );
                    return;
                }
                "repurchase" => {
                    repurchase(&orders, &RepurchaseOptions::default()).expect("repurchase");
                }
                by => {
                    // `repurchase:sku` and the like: a breakdown, days.
                    let dim = by
                        .strip_prefix("repurchase:")
                        .and_then(opscalc_core::Dimension::parse)
                        .expect("STEP is build, repurchase or repurchase:DIMENSION");
                    let opts = RepurchaseOptions {
                        by: Some(dim),
                        period: opscalc_core::Period::Day,
                        ..RepurchaseOptions::default()
                    };
                    repurchase(&orders, &opts).expect("repurchase");
                }
            }
            println!("run {run}: {step} {:.2} s", cpu() - t0);
        }
        return;
    }
    for run in 1..=runs {
        let t0 = cpu();
        let read = read_bytes(path, &bytes, &ReadOptions::default()).expect("the file parses");
        let t1 = cpu();
        let mapping = Mapping::detect(InputKind::Orders, read.table.headers());
        let orders =
            Orders::build(&read.table, &mapping, &OrderOptions::default()).expect("orders build");
        let t2 = cpu();
        let r = repurchase(&orders, &RepurchaseOptions::default()).expect("repurchase");
        let t3 = cpu();
        println!(
            "run {run}: read {:.2} s, build {:.2} s, repurchase {:.2} s (buyers {:?}, rate {:?})",
            t1 - t0,
            t2 - t1,
            t3 - t2,
            r.report.value("buyers"),
            r.report.value("user_repurchase_rate"),
        );
    }
}
