//! Everything `read_bytes`, `Orders::build` and `repurchase` produce for one
//! orders file, printed in full, so that a speed-up can be checked to change
//! nothing: the CLI prints only the headline numbers and tables, while the
//! app also shows buyer lists, cohorts, the ledger and drill-downs, and
//! reads the interners' numbering (`Orders::buyers`, `skus`, ...).
//!
//! `cargo run --release -p opscalc-core --example dump -- ORDERS.csv | sha256sum`
//!
//! Run it from two builds and compare the digests (or the text with `cmp`).

use opscalc_core::{
    read_bytes, repurchase, Dimension, InputKind, Interner, Mapping, OrderOptions, Orders, Period,
    ReadOptions, RepurchaseOptions,
};
use std::io::Write;

fn names(out: &mut impl Write, what: &str, i: &Interner) {
    writeln!(out, "{what}: {}", i.len()).expect("stdout");
    for id in 0..i.len() as u32 {
        writeln!(out, "{id} {}", i.name(id)).expect("stdout");
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let path = args.get(1).expect("usage: dump ORDERS.csv");
    let bytes = std::fs::read(path).expect("the file reads");
    let read = read_bytes(path, &bytes, &ReadOptions::default()).expect("the file parses");
    let out = std::io::stdout();
    let mut out = std::io::BufWriter::new(out.lock());
    writeln!(
        out,
        "table: {} rows, headers {:?}, encoding {}, warnings {:?}, overflow {:?}",
        read.table.len(),
        read.table.headers(),
        read.encoding,
        read.warnings,
        read.table.overflow_rows()
    )
    .expect("stdout");
    let mapping = Mapping::detect(InputKind::Orders, read.table.headers());
    for exclude_refunded in [false, true] {
        let order_opts = OrderOptions {
            exclude_refunded,
            ..OrderOptions::default()
        };
        let orders = Orders::build(&read.table, &mapping, &order_opts).expect("orders build");
        writeln!(
            out,
            "orders (exclude_refunded {exclude_refunded}): {}, warnings {:?}, rows in orders {}",
            orders.orders.len(),
            orders.warnings,
            orders.rows_in_orders()
        )
        .expect("stdout");
        names(&mut out, "buyers", &orders.buyers);
        names(&mut out, "skus", &orders.skus);
        names(&mut out, "products", &orders.products);
        names(&mut out, "categories", &orders.categories);
        names(&mut out, "channels", &orders.channels);
        for o in &orders.orders {
            writeln!(
                out,
                "{} {:?} {} {:x} {:?} {:?}",
                orders.id(&read.table, o),
                o.buyer(),
                o.time,
                o.amount.to_bits(),
                orders.rows(o),
                orders.lines(o).collect::<Vec<_>>()
            )
            .expect("stdout");
        }
        writeln!(
            out,
            "ledger {}",
            serde_json::to_string(&orders.ledger).expect("json")
        )
        .expect("stdout");
        if exclude_refunded {
            continue;
        }
        let settings = [
            RepurchaseOptions::default(),
            RepurchaseOptions {
                by: Some(Dimension::Category),
                period: Period::Week,
                ..RepurchaseOptions::default()
            },
            RepurchaseOptions {
                by: Some(Dimension::Sku),
                period: Period::Day,
                ..RepurchaseOptions::default()
            },
            RepurchaseOptions {
                by: Some(Dimension::Channel),
                merge_same_day: true,
                ..RepurchaseOptions::default()
            },
            RepurchaseOptions {
                by: Some(Dimension::Product),
                from: orders.date_range().map(|(a, _)| a + 200),
                lookback_days: Some(90),
                ..RepurchaseOptions::default()
            },
        ];
        for opts in settings {
            let r = repurchase(&orders, &opts).expect("repurchase");
            writeln!(
                out,
                "repurchase {opts:?}: {}",
                serde_json::to_string(&r).expect("json")
            )
            .expect("stdout");
        }
    }
}
