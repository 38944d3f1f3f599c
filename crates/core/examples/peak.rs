//! Peak heap bytes of each step of import plus repurchase on one orders
//! file: what the worker's wasm memory (which only grows) must hold at
//! once. For the memory target of issue 3 (the worker under 1.5x the file).
//!
//! `cargo run --release -p opscalc-core --example peak -- ORDERS.csv`

use opscalc_core::{
    read_bytes, repurchase_without_buyers, Dimension, InputKind, Mapping, OrderOptions, Orders,
    ReadOptions, RepurchaseOptions,
};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

/// The system allocator, counting the bytes held now and at most.
struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = NOW.fetch_add(layout.size(), Relaxed) + layout.size();
        PEAK.fetch_max(now, Relaxed);
        // SAFETY: the caller's layout is passed on unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        NOW.fetch_sub(layout.size(), Relaxed);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn mb(b: usize) -> f64 {
    b as f64 / 1e6
}

/// Runs `f`, printing the heap held before, the peak during, and after.
fn step<T>(name: &str, f: impl FnOnce() -> T) -> T {
    let before = NOW.load(Relaxed);
    PEAK.store(before, Relaxed);
    let out = f();
    println!(
        "{name:<28} before {:>7.1} MB  peak {:>7.1} MB (+{:>6.1})  after {:>7.1} MB",
        mb(before),
        mb(PEAK.load(Relaxed)),
        mb(PEAK.load(Relaxed) - before),
        mb(NOW.load(Relaxed))
    );
    out
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: peak ORDERS.csv");
    let bytes = std::fs::read(path).expect("the file reads");
    let file = bytes.len();
    // The worker never holds the file: only what is read from it counts.
    let base = NOW.load(Relaxed);
    let read = step("read (text table)", || {
        read_bytes("orders.csv", &bytes, &ReadOptions::default()).expect("the file parses")
    });
    drop(bytes);
    println!("table heap_bytes {:.1} MB", mb(read.table.heap_bytes()));
    let mapping = Mapping::detect(InputKind::Orders, read.table.headers());
    let orders = step("orders, category labels", || {
        Orders::build_with_labels(
            &read.table,
            &mapping,
            &OrderOptions::default(),
            &[Dimension::Category],
        )
        .expect("orders build")
    });
    // What the app's repurchase page asks first: its views by category,
    // without the buyer list.
    step("repurchase by category", || {
        repurchase_without_buyers(
            &orders,
            &RepurchaseOptions {
                by: Some(Dimension::Category),
                ..RepurchaseOptions::default()
            },
        )
        .expect("repurchase")
    });
    let held = NOW.load(Relaxed) - base;
    println!(
        "file {:.1} MB; held at the end {:.1} MB ({:.2}x the file)",
        mb(file),
        mb(held),
        held as f64 / file as f64
    );
}
