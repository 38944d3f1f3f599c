//! Criterion benchmarks of the core: reading CSV bytes into a table, the
//! typed builders, and each calculator, on 100,000 rows of the seeded data
//! `bench/gen.py` writes (the same generator `scripts/bench` uses, so these
//! figures and the whole-file timings describe the same data).
//!
//! Run with `scripts/bench criterion` (or `cargo bench -p opscalc-core`).
//! Each input is built once, outside the timed loop, so every benchmark
//! times one step alone.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use opscalc_core::{
    lifecycle, read_bytes, reflow, repurchase, retention_users, sell_through,
    traffic_from_pageviews, Activity, Date, Dimension, InputKind, LifecycleOptions, Mapping,
    OrderOptions, Orders, PageViews, Period, ProductOptions, Products, ReadOptions, ReflowOptions,
    RepurchaseOptions, RetentionFigure, SellThroughOptions, Table, TrafficOptions,
};
use std::hint::black_box;
use std::path::Path;
use std::process::Command;

/// Rows of each kind: large enough that per-call overhead does not matter,
/// small enough that a whole run takes a couple of minutes on 2 cores.
const ROWS: usize = 100_000;

/// The seeded file `bench/gen.py KIND ROWS` writes, in memory.
fn generate(kind: &str) -> Vec<u8> {
    let gen = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../bench/gen.py");
    let out = Command::new("python3")
        .arg(&gen)
        .args([kind, &ROWS.to_string(), "/dev/stdout"])
        .output()
        .unwrap_or_else(|e| panic!("python3 {}: {e}", gen.display()));
    assert!(
        out.status.success(),
        "bench/gen.py {kind} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn table(name: &str, bytes: &[u8]) -> Table {
    read_bytes(name, bytes, &ReadOptions::default())
        .expect("generated CSV reads")
        .table
}

fn mapping(kind: InputKind, t: &Table) -> Mapping {
    Mapping::detect(kind, t.headers())
}

/// Every input once: bytes, tables and built datasets.
struct Data {
    bytes: Vec<(&'static str, Vec<u8>)>,
    orders_table: Table,
    orders: Orders,
    activity_table: Table,
    activity: Activity,
    products_table: Table,
    pageviews_table: Table,
}

fn data() -> Data {
    let bytes: Vec<(&'static str, Vec<u8>)> = ["orders", "activity", "products", "pageviews"]
        .into_iter()
        .map(|k| (k, generate(k)))
        .collect();
    let get = |k: &str| &bytes.iter().find(|(n, _)| *n == k).expect("generated").1;
    let orders_table = table("orders.csv", get("orders"));
    let orders = Orders::build(
        &orders_table,
        &mapping(InputKind::Orders, &orders_table),
        &OrderOptions::default(),
    )
    .expect("orders build");
    let activity_table = table("activity.csv", get("activity"));
    let activity = Activity::build(
        &activity_table,
        &mapping(InputKind::Activity, &activity_table),
        None,
    )
    .expect("activity build");
    // A mapping that missed a role would time an early error, not the work.
    assert!(
        orders.orders.len() > ROWS / 2,
        "orders: {}",
        orders.orders.len()
    );
    assert!(
        activity.events.len() > ROWS / 2,
        "activity events: {}",
        activity.events.len()
    );
    let products_table = table("products.csv", get("products"));
    let pageviews_table = table("pageviews.csv", get("pageviews"));
    Data {
        bytes,
        orders_table,
        orders,
        activity_table,
        activity,
        products_table,
        pageviews_table,
    }
}

fn benches(c: &mut Criterion) {
    let d = data();

    // bytes -> Table (decode, detect the delimiter, parse every cell).
    let mut read = c.benchmark_group("read_csv");
    read.sample_size(20);
    for (kind, bytes) in &d.bytes {
        read.throughput(Throughput::Bytes(bytes.len() as u64));
        read.bench_function(*kind, |b| {
            b.iter(|| read_bytes("f.csv", black_box(bytes), &ReadOptions::default()).unwrap())
        });
    }
    read.finish();

    let mut build = c.benchmark_group("build");
    build.sample_size(20);
    build.throughput(Throughput::Elements(ROWS as u64));
    let om = mapping(InputKind::Orders, &d.orders_table);
    build.bench_function("orders", |b| {
        b.iter(|| Orders::build(black_box(&d.orders_table), &om, &OrderOptions::default()).unwrap())
    });
    let am = mapping(InputKind::Activity, &d.activity_table);
    build.bench_function("activity", |b| {
        b.iter(|| Activity::build(black_box(&d.activity_table), &am, None).unwrap())
    });
    let pm = mapping(InputKind::Products, &d.products_table);
    build.bench_function("products", |b| {
        b.iter(|| {
            Products::build(
                black_box(&d.products_table),
                &pm,
                &ProductOptions::default(),
            )
            .unwrap()
        })
    });
    let vm = mapping(InputKind::PageViews, &d.pageviews_table);
    build.bench_function("pageviews", |b| {
        b.iter(|| PageViews::build(black_box(&d.pageviews_table), &vm, None).unwrap())
    });
    build.finish();

    let products =
        Products::build(&d.products_table, &pm, &ProductOptions::default()).expect("products");
    let pageviews = PageViews::build(&d.pageviews_table, &vm, None).expect("page views");

    let mut metric = c.benchmark_group("metric");
    metric.sample_size(20);
    metric.bench_function("repurchase", |b| {
        b.iter(|| repurchase(black_box(&d.orders), &RepurchaseOptions::default()).unwrap())
    });
    let by_week = RepurchaseOptions {
        period: Period::Week,
        by: Some(Dimension::Category),
        ..RepurchaseOptions::default()
    };
    metric.bench_function("repurchase_by_category_week", |b| {
        b.iter(|| repurchase(black_box(&d.orders), &by_week).unwrap())
    });
    // The window opens mid-data so there are churned users to follow.
    let reflow_opts = ReflowOptions {
        from: Date::parse("2024-07-01"),
        ..ReflowOptions::default()
    };
    metric.bench_function("reflow_with_retention", |b| {
        b.iter(|| reflow(black_box(&d.activity), &reflow_opts).unwrap())
    });
    metric.bench_function("retention_day_1_users", |b| {
        b.iter(|| {
            retention_users(
                black_box(&d.activity),
                Period::Month,
                &RetentionFigure::Day(1),
            )
        })
    });
    metric.bench_function("lifecycle", |b| {
        b.iter(|| {
            lifecycle(
                black_box(&d.orders),
                Some(&d.activity),
                &LifecycleOptions::default(),
            )
            .unwrap()
        })
    });
    metric.bench_function("sell_through", |b| {
        b.iter(|| {
            sell_through(
                black_box(&products),
                Some(&d.orders),
                &SellThroughOptions::default(),
            )
            .unwrap()
        })
    });
    metric.bench_function("traffic_pageviews", |b| {
        b.iter(|| traffic_from_pageviews(black_box(&pageviews), &TrafficOptions::default()))
    });
    metric.finish();
}

criterion_group!(core, benches);
criterion_main!(core);
