//! The core's steps of import plus repurchase, compiled to wasm as the
//! engine worker runs them, for `bench/wasm-phases.mjs`: the worker's
//! wasm is about twice as slow as native code, and timing it in Node on
//! CPU time is steadier than a browser's wall clock on a shared machine.
//!
//! The file's bytes go into `input(len)`'s buffer; `read`, `build` and
//! `views` then run one step each on what the step before left, and
//! return a count to check (rows, orders, buyers).

use opscalc_core::{
    repurchase_without_buyers, Dimension, Fed, Finished, InputKind, Mapping, OrderOptions, Orders,
    ReadOptions, ReadResult, RepurchaseOptions, TextReader,
};
use std::cell::RefCell;

thread_local! {
    static INPUT: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    static READ: RefCell<Option<ReadResult>> = const { RefCell::new(None) };
    static ORDERS: RefCell<Option<Orders>> = const { RefCell::new(None) };
}

/// A buffer of `len` bytes for the file; its address in wasm memory.
#[unsafe(no_mangle)]
pub extern "C" fn input(len: usize) -> *mut u8 {
    INPUT.with(|i| {
        let mut i = i.borrow_mut();
        *i = vec![0; len];
        i.as_mut_ptr()
    })
}

/// Parses the file as the engine worker does (a `TextReader` fed 512 KB
/// pieces); the row count.
#[unsafe(no_mangle)]
pub extern "C" fn read() -> f64 {
    let read = INPUT.with(|i| {
        let bytes = i.borrow();
        let mut reader =
            TextReader::new("orders.csv", &ReadOptions::default()).expect_bytes(bytes.len());
        for piece in bytes.chunks(1 << 19) {
            if reader.feed(piece, &mut |_| {}).ok()? != Fed::More {
                return None;
            }
        }
        match reader.finish(&mut |_| {}).ok()? {
            Finished::Done(r) => Some(*r),
            Finished::Rewind => None,
        }
    });
    let rows = read.as_ref().map_or(-1.0, |r| r.table.len() as f64);
    READ.with(|r| *r.borrow_mut() = read);
    rows
}

/// Builds orders as the engine does for the repurchase page (breakdown
/// by category); the order count.
#[unsafe(no_mangle)]
pub extern "C" fn build() -> f64 {
    let orders = READ.with(|r| {
        let r = r.borrow();
        let read = r.as_ref()?;
        let mapping = Mapping::detect(InputKind::Orders, read.table.headers());
        Orders::build_with_labels(
            &read.table,
            &mapping,
            &OrderOptions::default(),
            &[Dimension::Category],
        )
        .ok()
    });
    let n = orders.as_ref().map_or(-1.0, |o| o.orders.len() as f64);
    ORDERS.with(|o| *o.borrow_mut() = orders);
    n
}

/// The repurchase page's views; the buyer count.
#[unsafe(no_mangle)]
pub extern "C" fn views() -> f64 {
    ORDERS.with(|o| {
        let o = o.borrow();
        let Some(orders) = o.as_ref() else {
            return -1.0;
        };
        let opts = RepurchaseOptions {
            by: Some(Dimension::Category),
            ..RepurchaseOptions::default()
        };
        repurchase_without_buyers(orders, &opts).map_or(-1.0, |r| r.counts.buyers as f64)
    })
}
