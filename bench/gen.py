#!/usr/bin/env python3
"""Seeded benchmark data: orders, activity, products and page views.

    python3 bench/gen.py orders 1000000 bench/data/orders-1m.csv
    python3 bench/gen.py activity 5000000 bench/data/activity-5m.csv
    python3 bench/gen.py products 100000 bench/data/products-100k.csv
    python3 bench/gen.py pageviews 1000000 bench/data/pageviews-1m.csv

The same arguments always give the same bytes (random.Random(seed)).
Orders look like a Taobao export: Chinese headers, line items, about 4%
closed or unpaid orders, 3% refunded, guests, ~100 bytes a row."""
import random, sys, datetime as dt

def orders(n, out, seed=1):
    r = random.Random(seed)
    buyers = max(1, n // 4)
    base = dt.datetime(2023, 1, 1)
    out.write("订单编号,买家会员名,订单创建时间,订单付款时间,买家实际支付金额,订单状态,商家编码,宝贝标题,类目,渠道,购买数量\n")
    statuses = ["交易成功"] * 93 + ["交易关闭"] * 2 + ["等待买家付款"] * 2 + ["退款成功"] * 3
    cats = ["绿茶", "红茶", "乌龙茶", "黑茶", "茶具", "礼盒"]
    chans = ["手淘搜索", "直通车", "淘宝客", "老客户"]
    i = 0
    oid = 100000000
    while i < n:
        oid += 1
        b = int(r.paretovariate(1.2)) % buyers if r.random() < 0.7 else r.randrange(buyers)
        buyer = "" if r.random() < 0.002 else f"buyer_{b:07d}"
        t = base + dt.timedelta(seconds=r.randrange(0, 730 * 86400))
        created = t.strftime("%Y-%m-%d %H:%M:%S")
        st = r.choice(statuses)
        paid = "" if st in ("交易关闭", "等待买家付款") else (t + dt.timedelta(seconds=r.randrange(5, 600))).strftime("%Y-%m-%d %H:%M:%S")
        lines = 1 if r.random() < 0.8 else 2
        for _ in range(min(lines, n - i)):
            sku = r.randrange(2000)
            cat = cats[sku % len(cats)]
            out.write(f"{oid},{buyer},{created},{paid},{r.randrange(1000, 99900) / 100:.2f},{st},SKU-{sku:05d},商品{sku},{cat},{chans[b % 4]},{r.choice((1, 1, 1, 2))}\n")
            i += 1

def activity(n, out, seed=2):
    r = random.Random(seed)
    users = max(1, n // 20)
    base = dt.datetime(2023, 1, 1)
    out.write("用户ID,访问时间\n")
    for _ in range(n):
        u = int(r.paretovariate(1.1)) % users if r.random() < 0.6 else r.randrange(users)
        t = base + dt.timedelta(seconds=r.randrange(0, 730 * 86400))
        out.write(f"user_{u:07d},{t.strftime('%Y-%m-%d %H:%M:%S')}\n")

def products(n, out, seed=3):
    r = random.Random(seed)
    out.write("商家编码,宝贝标题,类目,宝贝状态,上架时间\n")
    cats = ["绿茶", "红茶", "乌龙茶", "黑茶", "茶具", "礼盒"]
    for i in range(n):
        st = "出售中" if r.random() < 0.8 else "仓库中"
        d = dt.date(2023, 1, 1) + dt.timedelta(days=r.randrange(730))
        out.write(f"SKU-{i:05d},商品{i},{cats[i % len(cats)]},{st},{d.isoformat()}\n")

def pageviews(n, out, seed=4):
    r = random.Random(seed)
    visitors = max(1, n // 8)
    base = dt.datetime(2024, 1, 1)
    out.write("访客ID,访问时间,页面,来源\n")
    chans = ["手淘搜索", "直通车", "淘宝客", "老客户"]
    for _ in range(n):
        v = r.randrange(visitors)
        t = base + dt.timedelta(seconds=r.randrange(0, 30 * 86400))
        out.write(f"v{v:07d},{t.strftime('%Y-%m-%d %H:%M:%S')},/item/{r.randrange(500)},{chans[v % 4]}\n")

if __name__ == "__main__":
    kind, n, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        {"orders": orders, "activity": activity, "products": products, "pageviews": pageviews}[kind](n, f)
