"""Random, seeded datasets with the spec's edge cases, and the check that
the Rust core (`opscalc ... --json`) and the generated SQL (`opscalc ...
--sql DIALECT`, run on a real engine) give the same metrics.

Each case is a property: for any dataset the generator can make and any
settings, every count is equal and every rate is within 1e-12. The seed
of a failing case is in the failure message, so it can be replayed.

Edge cases generated on purpose: line items, unpaid and cancelled orders,
refunds, guests, exact duplicate rows, same-day orders, orders on the
window's first and last day and just outside, activity exactly N and
N - 1 days before the window (churn boundary), registration-only rows,
page views exactly at and one second past the session gap, session ids,
blank and unreadable cells, totals rows, the 10-SKU minimum, mixed time
formats, currency text and full-width digits, Chinese headers (quoted
identifiers) and a header with a quote in it (mapped with --map).
"""
import csv
import datetime as dt
import json
import math
import os
import random
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
OPSCALC = os.environ.get("OPSCALC", os.path.join(ROOT, "target", "release", "opscalc"))

BASE = dt.date(2024, 1, 1)


def day(n):
    return BASE + dt.timedelta(days=n)


def fmt_time(r, d, secs=None, allow_date_only=True):
    """A time in one of the formats the SQL parses (and the core too)."""
    if secs is None:
        secs = r.randrange(86400)
    t = dt.datetime(d.year, d.month, d.day) + dt.timedelta(seconds=secs)
    choice = r.randrange(10 if allow_date_only else 6)
    if choice == 0:
        return t.strftime("%Y-%m-%d %H:%M:%S")
    if choice == 1:
        return f"{t.year}/{t.month}/{t.day} {t.hour}:{t.minute:02d}:{t.second:02d}"
    if choice == 2:
        return t.strftime("%Y-%m-%dT%H:%M:%S") + r.choice(["", "Z", "+08:00", "-0500", ".123"])
    if choice == 3:
        return f"{t.year}年{t.month}月{t.day}日 {t.hour}:{t.minute:02d}:{t.second:02d}"
    if choice == 4:
        return t.strftime("%Y.%m.%d %H:%M:%S")
    if choice == 5:
        return t.strftime("%Y%m%d %H:%M:%S")
    # Date only: the time of day is midnight.
    return r.choice([t.strftime("%Y-%m-%d"), f"{t.year}年{t.month}月{t.day}日", t.strftime("%Y%m%d"),
                     f"{t.year}/{t.month}/{t.day}"])


def amount(r):
    v = r.randrange(0, 50000) / 100
    return r.choice([f"{v:.2f}", f"¥{v:,.2f}", f"{v}元", f"({v})", "", "１２３", f"$ {v:.1f}", "RMB 88"])


def write_csv(path, headers, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(headers)
        for row in rows:
            w.writerow(row)


def with_duplicates(r, rows, rate=0.08):
    out = []
    for row in rows:
        out.append(row)
        if r.random() < rate:
            out.append(list(row))
    return out


# -- orders --------------------------------------------------------------

ORDER_HEADERS_ZH = ["订单编号", "买家会员名", "订单创建时间", "订单付款时间", "买家实际支付金额",
                    "订单状态", "商家编码", "购买数量", "类目"]
ORDER_HEADERS_EN = ["Name", 'Buyer "nick"', "Created at", "Paid at", "Total",
                    "Financial Status", "Lineitem sku", "Lineitem quantity", "Category"]
PAID = ["交易成功", "交易成功", "交易成功", "已发货", "paid", ""]
CANCELLED = ["交易关闭", "等待买家付款", "Closed", " cancelled ", "ＰＥＮＤＩＮＧ"]
REFUNDED = ["退款成功", "Refunded"]


def gen_orders(r, span=90, skus=None, buyers=None):
    """Order lines. Returns (headers, rows, extra CLI args for mapping)."""
    english = r.random() < 0.4
    headers = ORDER_HEADERS_EN if english else ORDER_HEADERS_ZH
    maps = ["--map", f'buyer_id={headers[1]}'] if english else []
    n_buyers = buyers or r.randrange(1, 25)
    skus = skus or [f"SKU-{i:03d}" for i in range(r.randrange(1, 15))]
    rows = []
    oid = 1000
    for _ in range(r.randrange(0, 70)):
        oid += 1
        b = r.randrange(n_buyers)
        buyer = "" if r.random() < 0.08 else (f" b{b}" if r.random() < 0.05 else f"b{b}")
        d = day(r.randrange(span))
        secs = r.randrange(86400)
        created = fmt_time(r, d, secs)
        roll = r.random()
        status = r.choice(PAID)
        paid = fmt_time(r, d, min(secs + r.randrange(600), 86399))
        if roll < 0.08:
            paid = ""  # unpaid
        elif roll < 0.14:
            status = r.choice(CANCELLED)
        elif roll < 0.20:
            status = r.choice(REFUNDED)
        elif roll < 0.22:
            paid = r.choice(["n/a", "2024-02-30", "05/03/2024x"])  # unreadable
        for line in range(r.choice([1, 1, 1, 2, 3])):
            # Later lines may leave the time blank or pay a little later.
            p = paid
            if line > 0 and paid and r.random() < 0.3:
                p = r.choice(["", fmt_time(r, d, min(secs + 700, 86399))])
            qty = r.choice(["1", "1", "2", "", "0", "-1", "x"]) if r.random() < 0.3 else "1"
            rows.append([str(oid), buyer, created, p, amount(r) if r.random() > 0.02 else "abc",
                         status if line == 0 or r.random() < 0.8 else r.choice(PAID + CANCELLED),
                         r.choice(skus) if r.random() > 0.05 else "", qty, r.choice(["绿茶", "红茶", ""])])
    # Same buyer, same day, several orders (merge_same_day).
    for _ in range(r.randrange(0, 4)):
        d = day(r.randrange(span))
        for _ in range(r.randrange(2, 4)):
            oid += 1
            rows.append([str(oid), f"b{r.randrange(n_buyers)}" if r.random() < 0.5 else "b0",
                         fmt_time(r, d), fmt_time(r, d), "10", "交易成功", r.choice(skus), "1", "绿茶"])
    r.shuffle(rows)
    return headers, with_duplicates(r, rows), maps


def rand_window(r, span):
    if r.random() < 0.3:
        return []
    a = r.randrange(span)
    b = a + r.randrange(0, span)
    args = []
    if r.random() < 0.8:
        args += ["--from", day(a).isoformat()]
    if r.random() < 0.8:
        args += ["--to", day(b).isoformat()]
    return args


def case_repurchase(r, tmp):
    headers, rows, maps = gen_orders(r)
    path = os.path.join(tmp, "orders.csv")
    write_csv(path, headers, rows)
    args = ["repurchase", path] + maps + rand_window(r, 90)
    if r.random() < 0.4:
        args += ["--lookback-days", str(r.choice([1, 7, 30, 60]))]
    if r.random() < 0.5:
        args.append("--merge-same-day")
    if r.random() < 0.3:
        args.append("--exclude-refunded")
    return args


# -- activity ------------------------------------------------------------

def gen_activity(r, span=150, churn=30, start=None):
    headers = r.choice([["用户ID", "访问时间"], ["user_id", "time", "registered_at"], ["会员ID", "登录时间", "注册时间"]])
    reg = len(headers) == 3
    n_users = r.randrange(1, 30)
    rows = []
    for _ in range(r.randrange(0, 120)):
        u = r.randrange(n_users)
        user = "" if r.random() < 0.04 else f"u{u}"
        t = fmt_time(r, day(r.randrange(span)))
        if r.random() < 0.03:
            t = r.choice(["", "yesterday"])
        row = [user, t]
        if reg:
            row.append(fmt_time(r, day(r.randrange(span))) if r.random() < 0.3 else r.choice(["", "", "bad"]) if r.random() < 0.1 else "")
        rows.append(row)
    # Churn boundaries: last visit exactly N and N - 1 days before the window.
    if start is not None:
        for k, off in enumerate([churn, churn - 1, churn + 1]):
            if start - off >= 0:
                row = [f"edge{k}", fmt_time(r, day(start - off))]
                if reg:
                    row.append("")
                rows.append(row)
                if r.random() < 0.7:
                    row = [f"edge{k}", fmt_time(r, day(start + r.randrange(0, 10)))]
                    if reg:
                        row.append("")
                    rows.append(row)
    r.shuffle(rows)
    return headers, with_duplicates(r, rows)


def case_reflow(r, tmp):
    churn = r.choice([1, 7, 14, 30])
    start = r.randrange(20, 120)
    path = os.path.join(tmp, "activity.csv")
    if r.random() < 0.2:
        headers, rows, maps = gen_orders(r, span=150)
        write_csv(path, headers, rows)
        args = ["reflow", path] + maps
    else:
        headers, rows = gen_activity(r, churn=churn, start=start)
        write_csv(path, headers, rows)
        args = ["reflow", path]
    args += ["--churn-days", str(churn)]
    if r.random() < 0.8:
        args += ["--from", day(start).isoformat()]
        if r.random() < 0.7:
            args += ["--to", day(start + r.randrange(0, 40)).isoformat()]
    return args


def case_lifecycle(r, tmp):
    headers, rows, maps = gen_orders(r, span=120, buyers=20)
    opath = os.path.join(tmp, "orders.csv")
    write_csv(opath, headers, rows)
    args = ["lifecycle", opath] + maps
    churn = r.choice([7, 20, 30])
    dormant = r.choice([5, 15])
    as_of = r.randrange(30, 130)
    if r.random() < 0.7:
        apath = os.path.join(tmp, "activity.csv")
        ah, ar = gen_activity(r, span=130, churn=churn, start=as_of)
        # Activity users share ids with buyers, so people are joined by id.
        ar = [[("b" + row[0][1:]) if row[0].startswith("u") else row[0]] + row[1:] for row in ar]
        write_csv(apath, ah, ar)
        args += ["--activity", apath]
    args += ["--churn-days", str(churn), "--dormant-days", str(dormant)]
    if r.random() < 0.7:
        args += ["--as-of", day(as_of).isoformat()]
    if r.random() < 0.3:
        args.append("--exclude-refunded")
    return args


# -- sell-through --------------------------------------------------------

ONLINE = ["出售中", "在售", "Active", " on sale "]
WAREHOUSE = ["仓库中", "下架", "draft", "ARCHIVED"]


def case_sell_through(r, tmp):
    n = r.choice([0, 5, 9, 10, 11, 15, 25])
    skus = [f"SKU-{i:03d}" for i in range(n)]
    cols = ["商家编码", "宝贝状态"]
    extra = [c for c in ["30天销量", "最后成交时间", "上架时间"] if r.random() < 0.5]
    headers = cols + extra
    as_of = r.randrange(40, 90)
    window = r.choice([7, 14, 30, 45])
    rows = []
    for s in skus:
        status = r.choice(ONLINE + WAREHOUSE) if r.random() > 0.05 else "审核中"
        row = [s, status]
        for c in extra:
            if c == "30天销量":
                row.append(r.choice(["", "0", "3", "1,200", "x"]) if r.random() < 0.9 else "")
            elif c == "最后成交时间":
                off = r.choice([0, window - 1, window, window + 3, -2, 20])
                row.append(fmt_time(r, day(as_of - off)) if r.random() < 0.7 else "")
            else:
                row.append(fmt_time(r, day(as_of - r.randrange(0, 20))) if r.random() < 0.8 else "")
        rows.append(row)
        if r.random() < 0.1:  # the same SKU again: its first usable row decides
            rows.append([s, r.choice(ONLINE + WAREHOUSE)] + [""] * len(extra))
    if r.random() < 0.2:
        rows.append(["", "出售中"] + [""] * len(extra))
    ppath = os.path.join(tmp, "products.csv")
    write_csv(ppath, headers, rows)
    args = ["sell-through", ppath, "--window-days", str(window), "--as-of", day(as_of).isoformat()]
    if r.random() < 0.7:
        oh, orows, maps = gen_orders(r, span=100, skus=skus + ["SKU-NEW"])
        opath = os.path.join(tmp, "orders.csv")
        write_csv(opath, oh, orows)
        args += ["--orders", opath]
        if maps:
            args += ["--orders-map", maps[1]]
        if r.random() < 0.3:
            args.remove("--as-of")
            args.remove(day(as_of).isoformat())
    return args


# -- traffic -------------------------------------------------------------

def case_pageviews(r, tmp):
    headers = r.choice([["访客ID", "访问时间", "页面"], ["visitor_id", "time", "page", "session_id"]])
    session = "session_id" in headers
    gap = r.choice([30, 10, 60])
    rows = []
    for v in range(r.randrange(0, 15)):
        t = r.randrange(0, 5 * 86400)
        for k in range(r.randrange(1, 8)):
            step = r.choice([60, gap * 60, gap * 60 + 1, 5, 0, 3 * 3600])
            t += step
            d = day(t // 86400)
            vid = f"v{v}" if r.random() > 0.03 else ""
            tt = fmt_time(r, d, t % 86400, allow_date_only=r.random() < 0.1)
            if r.random() < 0.02:
                tt = r.choice(["", "n/a"])
            row = [vid, tt, f"/p{r.randrange(5)}"]
            if session:
                row.append(r.choice([f"s{v}-{k // 3}", f"s{v}-{k // 3}", ""]) if r.random() < 0.95 else "")
            rows.append(row)
    r.shuffle(rows)
    path = os.path.join(tmp, "pageviews.csv")
    write_csv(path, headers, with_duplicates(r, rows))
    args = ["traffic", path, "--kind", "log", "--session-gap-minutes", str(gap)]
    return args


def case_traffic_table(r, tmp):
    headers = ["日期", "渠道", "浏览量", "访客数", "访问次数"]
    extra = [c for c in ["跳失访问数", "跳失率", "支付买家数", "支付金额", "花费", "展现量", "点击量"] if r.random() < 0.6]
    headers += extra
    rows = []
    for i in range(r.randrange(0, 20)):
        row = [fmt_time(r, day(r.randrange(10)), 0) if r.random() > 0.03 else "bad",
               r.choice(["手淘搜索", "直通车", ""]),
               str(r.randrange(100, 1000)), str(r.randrange(10, 100)), str(r.randrange(20, 200))]
        for c in extra:
            if c == "跳失率":
                row.append(r.choice(["57.3%", "0.5", "62", "", "１０％"]))
            elif c in ("支付金额", "花费"):
                row.append(r.choice([f"{r.randrange(0, 100000) / 100:,.2f}", "", "0"]) if r.random() > 0.02 else "x")
            else:
                row.append(str(r.randrange(0, 50)) if r.random() > 0.1 else "")
        rows.append(row)
    if rows and r.random() < 0.3:
        rows.append(["合计", ""] + ["1"] * (len(headers) - 2))
    path = os.path.join(tmp, "traffic.csv")
    write_csv(path, headers, with_duplicates(r, rows))
    args = ["traffic", path, "--kind", "table"]
    if r.random() < 0.5:
        args += ["--flagship-aov", str(r.choice([100, 150.5]))]
    return args


CASES = {
    "repurchase": case_repurchase,
    "reflow": case_reflow,
    "lifecycle": case_lifecycle,
    "sell_through": case_sell_through,
    "pageviews": case_pageviews,
    "traffic_table": case_traffic_table,
}

# Amounts (sums of decimal money) may differ in the last bits between
# summation orders; they are compared relatively, like rates.
AMOUNT_KEYS = {"revenue", "spend", "aov", "cpc", "roi", "store_aov_ratio", "bounced_visits"}


def opscalc(args):
    p = subprocess.run([OPSCALC] + args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def compare(core, sql, where):
    """Every metric of the core equals the SQL's: counts exactly, rates and
    amounts within 1e-12."""
    problems = []
    for key, want in core.items():
        if key not in sql:
            problems.append(f"{key}: missing from SQL")
            continue
        got = sql[key]
        if want is None or got is None:
            if want is not None or got is not None:
                problems.append(f"{key}: core {want!r}, SQL {got!r}")
            continue
        got = float(got)
        if isinstance(want, int) and key not in AMOUNT_KEYS:
            if got != want:
                problems.append(f"{key}: core {want}, SQL {got}")
        elif not math.isclose(got, want, rel_tol=1e-12, abs_tol=1e-12):
            problems.append(f"{key}: core {want!r}, SQL {got!r}")
    if problems:
        raise AssertionError(f"{where}: " + "; ".join(problems))
    return len(core)


def run_case(family, seed, tmp, execute, dialect):
    """Generates one case, runs both sides, compares. Returns the number of
    metrics compared, or None when the core refuses the input (then the
    SQL side is not run: the CLI's error is the contract there)."""
    r = random.Random(f"{family}-{seed}")
    args = CASES[family](r, tmp)
    code, out, err = opscalc(args + ["--json"])
    if code != 0:
        return None
    core = json.loads(out)["metrics"]
    code, sql, err = opscalc(args + ["--sql", dialect])
    assert code == 0, f"{family} seed {seed}: --sql failed: {err}"
    got = execute(sql)
    return compare(core, got, f"{family} seed {seed} ({' '.join(args)})")


def add_family_tests(cls, engine, execute, n):
    """One test per family on `cls`, each running `n` seeded cases through
    `execute` (SQL text -> dict of the one result row)."""
    import sys
    import tempfile
    import time

    def make(family):
        def test(self):
            started = time.time()
            compared = refused = 0
            for seed in range(n):
                with tempfile.TemporaryDirectory() as tmp:
                    got = run_case(family, seed, tmp, execute, engine)
                    if got is None:
                        refused += 1
                    else:
                        compared += got
            # Most cases must reach the comparison, or the generator is broken.
            self.assertGreater(n - refused, n // 2, f"{refused} of {n} cases refused by the core")
            print(f"\n  {engine} {family}: {n} cases, {compared} metrics equal, "
                  f"{refused} refused by the core, {time.time() - started:.1f} s", file=sys.stderr)
        return test

    for fam in CASES:
        setattr(cls, f"test_{fam}", make(fam))
