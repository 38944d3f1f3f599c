//! A rehearsal of the big import on made-up orders, for the engine worker
//! to run while the user picks a file.
//!
//! Browsers compile wasm in two tiers: a quick baseline first, and an
//! optimised version of a function once it has run for a while. A call
//! already running stays in the tier it started in, so the first big file
//! ran its few long loops (building orders, the repurchase views) in the
//! baseline tier: about 30 ms more for the views of a million orders than
//! on a second file. Running the same code once on a few thousand rows
//! beforehand gets it optimised in time.

use crate::{
    to_wire, Dimension, Engine, Fed, Finished, InputKind, Mapping, OrderOptions, ReadOptions,
    RepurchaseOptions, Request, TableRef, TextReader,
};
use std::fmt::Write;

/// Rows [`warm_up`] makes when asked for the worker's rehearsal: enough
/// that every hot loop runs past the browser's threshold for optimising
/// it (20,000 rows did in Chromium), little enough to take under a tenth
/// of a second in the baseline tier (about 85 ms under Node).
pub const WARM_UP_ROWS: usize = 20_000;

/// What a [`warm_up`] did: rows read and the answer's size, so a test can
/// tell that it ran the whole path.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WarmUp {
    /// Rows of the made-up file read.
    pub rows: usize,
    /// Bytes of the engine's encoded answer.
    pub reply_bytes: usize,
}

/// A made-up orders export of `rows` rows, as a Taobao export looks
/// (order id, buyer, creation and payment times, amount, status, SKU,
/// category, channel, quantity): every third order has two lines, every
/// tenth is unpaid and cancelled, buyers repeat.
///
/// # Example
/// ```
/// let csv = opscalc_core::warm_up_orders(4);
/// assert_eq!(csv.lines().count(), 5);
/// assert!(csv.starts_with("订单编号,买家会员名,"));
/// ```
pub fn warm_up_orders(rows: usize) -> String {
    const STATUSES: [&str; 3] = ["交易成功", "卖家已发货，待买家确认", "交易关闭"];
    const CATEGORIES: [&str; 5] = ["红茶", "绿茶", "乌龙茶", "花茶", "茶具"];
    const CHANNELS: [&str; 4] = ["手淘搜索", "直通车", "首页推荐", "淘宝客"];
    let mut out = String::with_capacity(64 + rows * 120);
    out.push_str("订单编号,买家会员名,订单创建时间,订单付款时间,买家实际支付金额,订单状态,商家编码,类目,渠道,购买数量\n");
    // A linear congruential generator: the same file every time.
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = |n: u64| {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (x >> 33) % n
    };
    let (mut order, mut lines_left) = (0u64, 0u64);
    let (mut buyer, mut day, mut second, mut cancelled) = (0, 0, 0, false);
    for _ in 0..rows {
        if lines_left == 0 {
            order += 1;
            lines_left = if order.is_multiple_of(3) { 2 } else { 1 };
            buyer = next((rows as u64 / 6).max(1));
            day = next(700);
            second = next(86_000);
            cancelled = order.is_multiple_of(10);
        }
        lines_left -= 1;
        // Days from 2023-01-01, by months of 28 days: a valid date
        // whatever the draw.
        let date = format!(
            "{}-{:02}-{:02}",
            2023 + day / 336,
            day % 336 / 28 + 1,
            day % 28 + 1
        );
        let time = |s: u64| format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60);
        let paid = if cancelled {
            String::new()
        } else {
            format!("{date} {}", time(second + 90))
        };
        let _ = writeln!(
            out,
            "{},buyer_{:05},{date} {},{paid},{}.{:02},{},SKU-{:04},{},{},{}",
            100_000_000 + order,
            buyer,
            time(second),
            10 + next(900),
            next(100),
            if cancelled {
                STATUSES[2]
            } else {
                STATUSES[next(2) as usize]
            },
            next(500),
            CATEGORIES[next(5) as usize],
            CHANNELS[next(4) as usize],
            1 + next(3),
        );
    }
    out
}

/// Reads a made-up orders file of `rows` rows as the engine worker reads
/// an import (a [`TextReader`] fed pieces) and asks a fresh [`Engine`] for
/// the repurchase page's numbers, so that this code is optimised before a
/// real file comes. `None` if a step failed (never for these rows).
///
/// # Example
/// ```
/// let done = opscalc_core::warm_up(300).unwrap();
/// assert_eq!(done.rows, 300);
/// assert!(done.reply_bytes > 100);
/// ```
pub fn warm_up(rows: usize) -> Option<WarmUp> {
    let csv = warm_up_orders(rows);
    let mut reader =
        TextReader::new("warm-up.csv", &ReadOptions::default()).expect_bytes(csv.len());
    for piece in csv.as_bytes().chunks(1 << 16) {
        if reader.feed(piece, &mut |_| {}).ok()? != Fed::More {
            return None;
        }
    }
    let Finished::Done(read) = reader.finish(&mut |_| {}).ok()? else {
        return None;
    };
    let rows = read.table.len();
    let mapping = Mapping::detect(InputKind::Orders, read.table.headers());
    let mut engine = Engine::new(|| 0.0);
    engine.put(0, InputKind::Orders, *read);
    let reply = engine.handle_wire(&to_wire(&page_request(mapping)));
    Some(WarmUp {
        rows,
        reply_bytes: reply.len(),
    })
}

/// The repurchase page's first request (by category) for table 0.
fn page_request(mapping: Mapping) -> Request {
    Request::Repurchase {
        orders: TableRef { id: 0, mapping },
        order_options: OrderOptions::default(),
        options: RepurchaseOptions {
            by: Some(Dimension::Category),
            ..RepurchaseOptions::default()
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{from_wire, Reply, Response};

    #[test]
    fn the_made_up_file_reads_as_an_export_with_its_unpaid_and_line_items() {
        let csv = warm_up_orders(3000);
        let read = crate::read_text("w.csv", &csv, None).unwrap();
        assert_eq!(read.table.len(), 3000);
        assert!(read.warnings.is_empty(), "{:?}", read.warnings);
        let m = Mapping::detect(InputKind::Orders, read.table.headers());
        let orders = crate::Orders::build(&read.table, &m, &OrderOptions::default()).unwrap();
        // Orders 1, 2, 3 take 1, 1 and 2 rows: 4 rows per 3 orders, so
        // 3000 rows are orders 1..=2250; every tenth (225) is cancelled,
        // and of those the multiples of 30 (75) had two lines.
        assert_eq!(orders.ledger.counts()["cancelled_or_unpaid"], 225 + 75);
        assert_eq!(orders.orders.len(), 2250 - 225);
        assert!(orders.warnings.is_empty(), "{:?}", orders.warnings);
    }

    #[test]
    fn a_warm_up_answers_the_repurchase_page() {
        let csv = warm_up_orders(2000);
        let read = crate::read_text("w.csv", &csv, None).unwrap();
        let m = Mapping::detect(InputKind::Orders, read.table.headers());
        let orders = crate::Orders::build(&read.table, &m, &OrderOptions::default()).unwrap();
        let buyers = orders
            .orders
            .iter()
            .filter_map(|o| o.buyer())
            .collect::<std::collections::HashSet<_>>()
            .len();
        let done = warm_up(2000).unwrap();
        assert_eq!(done.rows, 2000);
        let mut engine = Engine::new(|| 0.0);
        engine.put(0, InputKind::Orders, read);
        let reply: Reply = from_wire(&engine.handle_wire(&to_wire(&page_request(m)))).unwrap();
        let Ok(Response::Repurchase(rep)) = reply.result else {
            panic!("no repurchase answer")
        };
        assert_eq!(rep.report.value("buyers"), Some(buyers as f64));
        assert!(!rep.breakdown.is_empty());
    }
}
