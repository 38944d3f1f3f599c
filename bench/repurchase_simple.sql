-- User repurchase on a bench/gen.py orders file, written by hand the way a
-- DuckDB user would for this one file: the rules of spec/metrics.md
-- sections 1 and 2 with default settings (as bench/repurchase_polars.py and
-- the Papa Parse page apply them), but reading times only in the one form
-- the file uses, 2024-03-05 13:22:10, and amounts only as plain numbers.
-- `opscalc repurchase FILE --sql duckdb` prints the general query (every
-- time and amount form the core reads); scripts/bench compare and
-- browser-compare time both. The file is 'orders.csv'; the benches
-- substitute theirs.
WITH src AS (
  -- exact duplicate rows are kept once
  SELECT DISTINCT * FROM read_csv('orders.csv', header = true, all_varchar = true)
),
lines AS (
  SELECT trim("订单编号") AS id,
    nullif(trim("买家会员名"), '') AS buyer,
    try_strptime(nullif(trim("订单付款时间"), ''), '%Y-%m-%d %H:%M:%S') AS paid
  FROM src
  WHERE coalesce(trim("订单编号"), '') <> ''
    AND (coalesce(trim("订单付款时间"), '') = ''
         OR try_strptime(trim("订单付款时间"), '%Y-%m-%d %H:%M:%S') IS NOT NULL)
    AND (coalesce(trim("买家实际支付金额"), '') = ''
         OR try_cast(replace(trim("买家实际支付金额"), ',', '') AS DOUBLE) IS NOT NULL)
    AND (coalesce(trim("购买数量"), '') = ''
         OR try_cast(replace(trim("购买数量"), ',', '') AS DOUBLE) IS NOT NULL)
    AND lower(coalesce(trim("订单状态"), '')) NOT IN ('交易关闭', '已关闭', '已取消', '取消',
      '等待买家付款', '待付款', '未付款', 'closed', 'cancelled', 'canceled', 'voided', 'pending', 'unpaid')
),
orders AS (
  -- an order without a payment time is unpaid; its buyer is its (one) buyer
  SELECT id, min(buyer) AS buyer FROM lines GROUP BY id HAVING min(paid) IS NOT NULL
),
per_buyer AS (
  SELECT buyer, count(*) AS n FROM orders WHERE buyer IS NOT NULL GROUP BY buyer
)
SELECT CAST(count(*) AS BIGINT) AS buyers,
  CAST(count(*) FILTER (WHERE n >= 2) AS BIGINT) AS repeat_buyers,
  CAST(count(*) FILTER (WHERE n >= 2) AS DOUBLE) / count(*) AS user_repurchase_rate,
  CAST(sum(n) AS BIGINT) AS orders,
  CAST(sum(n) - count(*) AS BIGINT) AS repeat_orders,
  CAST(sum(n) - count(*) AS DOUBLE) / sum(n) AS order_repurchase_rate
FROM per_buyer;
