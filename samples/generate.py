#!/usr/bin/env python3
"""Writes the built-in sample datasets (seeded, so the files never change
unless this script does). Each tells a small story; see samples/README.md."""
import csv, random, datetime as dt, os

R = random.Random(20240301)
HERE = os.path.dirname(os.path.abspath(__file__))
D0 = dt.date(2024, 1, 1)

SKUS = [  # sku, title, category, price, status, listed
    ("TEA-001", "明前龙井 100g", "绿茶", 168, "出售中"),
    ("TEA-002", "碧螺春 100g", "绿茶", 128, "出售中"),
    ("TEA-003", "安吉白茶 50g", "绿茶", 98, "出售中"),
    ("TEA-004", "正山小种 200g", "红茶", 88, "出售中"),
    ("TEA-005", "滇红金芽 100g", "红茶", 138, "出售中"),
    ("TEA-006", "祁门红茶 150g", "红茶", 118, "出售中"),
    ("TEA-007", "铁观音 250g", "乌龙茶", 158, "出售中"),
    ("TEA-008", "大红袍 125g", "乌龙茶", 228, "出售中"),
    ("TEA-009", "凤凰单丛 100g", "乌龙茶", 148, "出售中"),
    ("TEA-010", "普洱熟茶饼 357g", "黑茶", 198, "出售中"),
    ("TEA-011", "普洱生茶饼 357g", "黑茶", 258, "出售中"),
    ("TEA-012", "安化黑茶 1kg", "黑茶", 299, "出售中"),
    ("CUP-001", "玻璃茶杯 300ml", "茶具", 39, "出售中"),
    ("CUP-002", "紫砂壶 西施", "茶具", 388, "出售中"),
    ("CUP-003", "旅行茶具套装", "茶具", 129, "出售中"),
    ("CUP-004", "公道杯", "茶具", 59, "出售中"),
    ("GFT-001", "中秋茶礼盒", "礼盒", 399, "出售中"),
    ("GFT-002", "春节茶礼盒", "礼盒", 459, "出售中"),
    ("TEA-013", "茉莉花茶 100g", "花茶", 58, "仓库中"),
    ("TEA-014", "菊花茶 50g", "花茶", 36, "仓库中"),
    ("CUP-005", "竹制茶盘", "茶具", 168, "仓库中"),
    ("GFT-003", "端午茶礼盒", "礼盒", 299, "仓库中"),
    ("TEA-015", "白毫银针 50g", "白茶", 268, "仓库中"),
    ("TEA-016", "寿眉饼 300g", "白茶", 128, "下架"),
]
# Items that never sell in the sample: candidates to delist.
COLD = {"CUP-004", "GFT-002", "TEA-012", "TEA-014", "CUP-005", "TEA-016"}
CHANNELS = ["手淘搜索", "直通车", "淘宝客", "老客户"]


def ts(day, minute):
    return (dt.datetime.combine(D0, dt.time()) + dt.timedelta(days=day, minutes=minute)).strftime("%Y-%m-%d %H:%M:%S")


def orders():
    rows = []
    buyers = [f"tea_lover_{i:03d}" for i in range(1, 161)]
    hot = [s for s in SKUS if s[0] not in COLD]
    n = 1000
    for b_i, buyer in enumerate(buyers):
        first = R.randrange(0, 170)
        # A third come back; loyal ones many times.
        repeats = R.choice([0, 0, 0, 1, 1, 2, 3, 5]) if b_i % 3 else 0
        days = sorted([first] + [min(181, first + R.randrange(3, 75)) for _ in range(repeats)])
        channel = R.choice(CHANNELS[:3])
        for k, day in enumerate(days):
            n += 1
            oid = f"2024{n:06d}"
            lines = R.choice([1, 1, 1, 2])
            ch = "老客户" if k > 0 and R.random() < 0.6 else channel
            created = ts(day, R.randrange(8 * 60, 23 * 60))
            paid = created[:-2] + f"{R.randrange(10, 59)}"
            status = "交易成功"
            r = R.random()
            if r < 0.05:
                status, paid = "交易关闭", ""
            elif r < 0.08:
                status, paid = "等待买家付款", ""
            elif r < 0.11:
                status = "退款成功"
            for sku in R.sample(hot, lines):
                qty = R.choice([1, 1, 1, 2])
                amount = f"{sku[3] * qty:.2f}"
                rows.append([oid, buyer, created, paid, amount, status, sku[0], sku[1], sku[2], ch, qty])
    # A guest checkout, an SKU missing from the product list, duplicate export rows.
    rows.append(["2024999001", "", ts(100, 600), ts(100, 601), "88.00", "交易成功", "TEA-004", "正山小种 200g", "红茶", "手淘搜索", 1])
    rows.append(["2024999002", "tea_lover_002", ts(120, 700), ts(120, 702), "66.00", "交易成功", "TEA-099", "样品茶", "绿茶", "手淘搜索", 1])
    rows.sort(key=lambda r: (r[2], r[0]))
    for i in (10, 50, 200):
        rows.insert(i + 1, list(rows[i]))
    head = ["订单编号", "买家会员名", "订单创建时间", "订单付款时间", "买家实际支付金额", "订单状态",
            "商家编码", "宝贝标题", "类目", "渠道", "购买数量"]
    return head, rows, buyers


def activity(buyers):
    rows = []
    visitors = buyers + [f"visitor_{i:03d}" for i in range(1, 81)]
    for v in visitors:
        start = R.randrange(-40, 170)
        day = start
        while day < 182:
            rows.append([v, ts(day, R.randrange(7 * 60, 24 * 60 - 1))])
            # Most come back within days; some leave for weeks and return.
            gap = R.choice([1, 2, 3, 5, 7, 10]) if R.random() < 0.85 else R.randrange(30, 80)
            if R.random() < 0.03:
                break
            day += gap
    rows.sort(key=lambda r: r[1])
    return ["用户ID", "访问时间"], rows


def products():
    rows = []
    for i, (sku, title, cat, price, status) in enumerate(SKUS):
        listed = (D0 + dt.timedelta(days=150 + (i * 7) % 32)).isoformat()
        rows.append([sku, title, cat, status, f"{price:.2f}", listed])
    return ["商家编码", "宝贝标题", "类目", "宝贝状态", "价格", "上架时间"], rows


def traffic():
    rows = []
    base = {"手淘搜索": (2400, 0.58, 2.9, 0.021, 0), "直通车": (900, 0.72, 2.1, 0.018, 1.0),
            "淘宝客": (500, 0.66, 2.4, 0.025, 0.6), "老客户": (300, 0.41, 4.6, 0.055, 0)}
    for d in range(56):
        day = dt.date(2024, 5, 6) + dt.timedelta(days=d)
        boost = 1.25 if d >= 28 else 1.0
        for ch, (uv0, bounce, depth, conv, cpc) in base.items():
            uv = int(uv0 * boost * R.uniform(0.85, 1.15))
            visits = int(uv * R.uniform(1.1, 1.3))
            bounced = int(visits * bounce * R.uniform(0.92, 1.08))
            pv = int(visits * depth * R.uniform(0.9, 1.1))
            buyers = max(1, int(uv * conv * R.uniform(0.8, 1.2)))
            orders = buyers + R.randrange(0, max(1, buyers // 8))
            revenue = buyers * R.uniform(150, 190)
            carts = int(buyers * R.uniform(3.0, 4.0))
            if cpc:
                clicks = int(uv * R.uniform(1.0, 1.2))
                impressions = clicks * R.randrange(25, 40)
                spend = f"{clicks * cpc * R.uniform(0.9, 1.1):.2f}"
            else:
                clicks = impressions = ""
                spend = ""
            rows.append([day.isoformat(), ch, pv, uv, visits, bounced, carts, buyers, orders,
                         f"{revenue:,.2f}", spend, impressions, clicks])
    head = ["日期", "渠道", "浏览量", "访客数", "访问次数", "跳失访问数", "加购人数", "支付买家数",
            "支付订单数", "支付金额", "花费", "展现量", "点击量"]
    return head, rows


def write(name, head, rows):
    with open(os.path.join(HERE, name), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        w.writerows(rows)


if __name__ == "__main__":
    h, o, buyers = orders()
    write("orders.csv", h, o)
    write("activity.csv", *activity(buyers))
    write("products.csv", *products())
    write("traffic.csv", *traffic())
