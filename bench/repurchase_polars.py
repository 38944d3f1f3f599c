#!/usr/bin/env python3
"""User repurchase (spec/metrics.md sections 1 and 2, default settings) in
Polars, for the comparison run of `scripts/bench compare`:

    python bench/repurchase_polars.py bench/data/orders-1000k.csv

prints one JSON object with buyers, repeat_buyers, orders, repeat_orders,
user_repurchase_rate, order_repurchase_rate and the seconds Polars took.

The rules, in the order the core applies them (crates/core/src/orders.rs):
exact duplicate rows are kept once; rows without an order id, or with a
payment time or number that does not read, are excluded; rows whose status
means "never paid" are excluded (refunds are kept); the remaining rows
group into orders by id, an order's buyer being its first non-empty buyer
and its time its earliest payment time; an order without a payment time is
unpaid; orders without a buyer do not count for buyers. The default window
is the first to the last date in the data, so every paid order is in it.

Columns are found by the Taobao headers `bench/gen.py` writes (the core
detects the same roles from them). Times are read in the one form that file
uses (`2024-03-05 13:22:10`); the core and the SQL accept more forms, which
this file never exercises.
"""
import json
import sys
import time

import polars as pl

ORDER_ID, BUYER, PAID, AMOUNT, STATUS, QTY = (
    "订单编号", "买家会员名", "订单付款时间", "买家实际支付金额", "订单状态", "购买数量")
# orders.rs DEFAULT_CANCELLED_STATUSES, normalised (trimmed, lower case).
CANCELLED = ["交易关闭", "已关闭", "已取消", "取消", "等待买家付款", "待付款", "未付款",
             "closed", "cancelled", "canceled", "voided", "pending", "unpaid"]


def repurchase(path):
    # Every cell as text, as the core reads it (an empty cell is "").
    df = pl.scan_csv(path, infer_schema=False).with_columns(pl.all().fill_null(""))
    cols = df.collect_schema().names()
    df = df.with_row_index("row")
    # Exact duplicate rows: the first is kept.
    df = df.unique(subset=cols, keep="first", maintain_order=False)
    t = lambda c: pl.col(c).str.strip_chars()
    paid = pl.when(t(PAID) == "").then(None).otherwise(
        t(PAID).str.strptime(pl.Datetime, "%Y-%m-%d %H:%M:%S", strict=False))
    num_ok = lambda c: (t(c) == "") | t(c).str.replace_all(",", "").cast(pl.Float64, strict=False).is_not_null()
    rows = (
        df.with_columns(id=t(ORDER_ID), buyer=t(BUYER), paid=paid,
                        status=t(STATUS).str.to_lowercase())
        .filter(
            (pl.col("id") != "")
            # a payment time that does not read excludes the row (bad_time)
            & ~((t(PAID) != "") & pl.col("paid").is_null())
            & num_ok(AMOUNT) & num_ok(QTY)
            & ~pl.col("status").is_in(CANCELLED)
        )
    )
    orders = (
        rows.sort("row")
        .group_by("id")
        .agg(
            buyer=pl.col("buyer").filter(pl.col("buyer") != "").first(),
            paid=pl.col("paid").min(),
        )
        .filter(pl.col("paid").is_not_null() & pl.col("buyer").is_not_null())
    )
    per_buyer = orders.group_by("buyer").agg(n=pl.len())
    out = per_buyer.select(
        buyers=pl.len(),
        repeat_buyers=(pl.col("n") >= 2).sum(),
        orders=pl.col("n").sum(),
    ).collect()
    r = out.row(0, named=True)
    buyers, repeat, n = int(r["buyers"]), int(r["repeat_buyers"]), int(r["orders"])
    return {
        "buyers": buyers,
        "repeat_buyers": repeat,
        "orders": n,
        "repeat_orders": n - buyers,
        "user_repurchase_rate": repeat / buyers if buyers else None,
        "order_repurchase_rate": (n - buyers) / n if n else None,
    }


if __name__ == "__main__":
    t0 = time.perf_counter()
    out = repurchase(sys.argv[1])
    # Seconds in Polars, without the interpreter's start-up and import.
    out["engine_s"] = time.perf_counter() - t0
    out["threads"] = pl.thread_pool_size()
    print(json.dumps(out))
