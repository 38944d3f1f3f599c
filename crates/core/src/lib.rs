//! OpsCalc core: reading shop exports and computing e-commerce operations
//! metrics exactly as `spec/metrics.md` defines them.
//!
//! No web dependencies: the browser app and the `opscalc` command line both
//! call this crate, so they agree to the last digit.
//!
//! # Example
//! ```
//! use opscalc_core::*;
//! let r = read_bytes("o.csv", "订单号,买家ID,付款时间\n1,amy,2024-03-01\n2,amy,2024-03-09\n3,bob,2024-03-05\n".as_bytes(), &ReadOptions::default()).unwrap();
//! let m = Mapping::detect(InputKind::Orders, r.table.headers());
//! let orders = Orders::build(&r.table, &m, &OrderOptions::default()).unwrap();
//! let rep = repurchase(&orders, &RepurchaseOptions::default()).unwrap();
//! assert_eq!(rep.report.value("repeat_buyers"), Some(1.0));
//! ```
#![warn(missing_docs)]

mod activity;
mod benchmarks;
mod catalog;
mod columns;
mod engine;
mod export;
mod group;
mod hash;
mod ledger;
mod lifecycle;
pub mod notice;
mod number;
mod orders;
mod pageviews;
mod practice;
mod products;
mod read;
mod reflow;
mod report;
mod repurchase;
mod retention;
mod roles;
mod sell_through;
mod short_key;
mod split;
mod sql;
mod statics;
mod stream;
mod table;
mod time;
mod traffic;
mod transfer;
mod warm_up;
mod xlsx_write;

pub use activity::*;
pub use benchmarks::*;
pub use catalog::*;
pub use columns::*;
pub use engine::*;
pub use export::*;
pub use hash::*;
pub use ledger::*;
pub use lifecycle::*;
pub use number::*;
pub use orders::*;
pub use pageviews::*;
pub use practice::*;
pub use products::*;
pub use read::*;
pub use reflow::*;
pub use report::*;
pub use repurchase::*;
pub use retention::*;
pub use roles::*;
pub use sell_through::*;
pub use short_key::short_key;
pub use split::Splitter;
pub use sql::*;
pub use stream::*;
pub use table::*;
pub use time::*;
pub use traffic::*;
pub use transfer::PREVIEW_ROWS;
pub use warm_up::*;
pub use xlsx_write::*;
