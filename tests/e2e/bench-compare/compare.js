// The two other engines of tests/e2e/bench-compare.mjs, on the same file and
// the same definition as OpsCalc's repurchase (spec/metrics.md sections 1
// and 2, default settings). `?engine=duckdb` or `?engine=papa`.
//
// The driver calls window.benchInit() (DuckDB's instantiation, timed on its
// own), sets window.benchSql, then hands the file to #file; the result lands
// in window.bench.result as { values, phases }.

const engine = new URLSearchParams(location.search).get("engine");
document.getElementById("engine").textContent = engine;
window.bench = { engine, result: null, error: null };
const fail = (e) => {
  window.bench.error = String(e && e.stack ? e.stack : e);
  document.getElementById("out").textContent = window.bench.error;
};

// ---- DuckDB-WASM (the eh bundle: wasm exceptions, one thread) ----------
let db = null;
let conn = null;
let duckdb = null;

window.benchInit = async () => {
  if (engine !== "duckdb") return {};
  const t0 = performance.now();
  duckdb = await import("/node_modules/@duckdb/duckdb-wasm/dist/duckdb-browser.mjs");
  const t1 = performance.now();
  const dist = "/node_modules/@duckdb/duckdb-wasm/dist/";
  const worker = new Worker(dist + "duckdb-browser-eh.worker.js");
  db = new duckdb.AsyncDuckDB(new duckdb.VoidLogger(), worker);
  await db.instantiate(dist + "duckdb-eh.wasm");
  conn = await db.connect();
  // Never reach for extensions over the network (nothing leaves the machine).
  await conn.query("SET autoinstall_known_extensions = false");
  await conn.query("SET autoload_known_extensions = false");
  const t2 = performance.now();
  return { module_ms: t1 - t0, instantiate_ms: t2 - t1, version: await db.getVersion() };
};

// window.benchSql: the query to time (the generated one, or the driver's
// second run, bench/repurchase_simple.sql); the file is registered once.
let registered = false;
async function runDuckdb(file) {
  const t0 = performance.now();
  if (!registered) {
    await db.registerFileHandle("orders.csv", file, duckdb.DuckDBDataProtocol.BROWSER_FILEREADER, true);
    registered = true;
  }
  const t1 = performance.now();
  const table = await conn.query(window.benchSql);
  const t2 = performance.now();
  const row = table.toArray()[0].toJSON();
  const values = {};
  for (const [k, v] of Object.entries(row)) values[k] = v === null ? null : Number(v);
  return { values, phases: { register_ms: t1 - t0, query_ms: t2 - t1 } };
}

// ---- Papa Parse with a plain JS aggregation ---------------------------
// The rules, in the core's order (crates/core/src/orders.rs): exact duplicate
// rows kept once, blank rows skipped; rows without an order id, or whose
// payment time, amount or quantity does not read, excluded; rows whose
// status means "never paid" excluded (refunds kept); rows group into orders
// by id, the buyer being the first non-empty one and the time the earliest
// payment time; orders without a payment time are unpaid, orders without a
// buyer do not count. The default window holds every order. Times are read
// in the one form bench/gen.py writes, "2024-03-05 13:22:10", whose text
// order is time order.
const HEADERS = { id: "订单编号", buyer: "买家会员名", paid: "订单付款时间", amount: "买家实际支付金额", status: "订单状态", qty: "购买数量" };
const CANCELLED = new Set(["交易关闭", "已关闭", "已取消", "取消", "等待买家付款", "待付款", "未付款", "closed", "cancelled", "canceled", "voided", "pending", "unpaid"]);
const TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/;
const readsAsNumber = (s) => s === "" || Number.isFinite(Number(s.replace(/,/g, "")));

function repurchaseAggregator() {
  let col = null;
  const orders = new Map(); // order id -> { buyer, paid, rows }
  const sameRow = (a, b) => a.length === b.length && a.every((c, i) => c === b[i]);
  return {
    rows(data) {
      for (const row of data) {
        if (col === null) {
          col = Object.fromEntries(Object.entries(HEADERS).map(([k, h]) => [k, row.findIndex((c) => c.trim() === h)]));
          if (Object.values(col).some((i) => i < 0)) throw new Error("missing a column: " + JSON.stringify(col));
          continue;
        }
        // Every rule only skips a row, so the cheap ones run first. A blank
        // row has no order id.
        const cell = (k) => (row[col[k]] ?? "").trim();
        const id = cell("id");
        if (id === "") continue;
        const paid = cell("paid");
        if (paid !== "" && !TIME.test(paid)) continue;
        if (!readsAsNumber(cell("amount")) || !readsAsNumber(cell("qty"))) continue;
        if (CANCELLED.has(cell("status").toLowerCase())) continue;
        // A duplicate row has the same order id, so it can only repeat a
        // row of its own order: compare with those few rows, cell by cell
        // (a global set of joined rows was twice as slow).
        let o = orders.get(id);
        if (o === undefined) {
          o = { buyer: "", paid: "", rows: [row] };
          orders.set(id, o);
        } else if (o.rows.some((r) => sameRow(r, row))) {
          continue;
        } else {
          o.rows.push(row);
        }
        if (o.buyer === "") o.buyer = cell("buyer");
        if (paid !== "" && (o.paid === "" || paid < o.paid)) o.paid = paid;
      }
    },
    finish() {
      const perBuyer = new Map();
      for (const o of orders.values()) {
        if (o.paid !== "" && o.buyer !== "") perBuyer.set(o.buyer, (perBuyer.get(o.buyer) ?? 0) + 1);
      }
      let repeat = 0;
      let n = 0;
      for (const c of perBuyer.values()) {
        n += c;
        if (c >= 2) repeat++;
      }
      const buyers = perBuyer.size;
      return {
        buyers,
        repeat_buyers: repeat,
        orders: n,
        repeat_orders: n - buyers,
        user_repurchase_rate: buyers ? repeat / buyers : null,
        order_repurchase_rate: n ? (n - buyers) / n : null,
      };
    },
  };
}

function runPapa(file) {
  return new Promise((resolve, reject) => {
    const agg = repurchaseAggregator();
    let parseMs = 0;
    let aggMs = 0;
    let last = performance.now();
    const t0 = last;
    // Streaming in Papa's default 10 MB chunks of the File, on this thread
    // (worker: false): each chunk's rows are aggregated as they arrive.
    Papa.parse(file, {
      worker: false,
      header: false,
      chunk(results) {
        const a = performance.now();
        parseMs += a - last;
        try {
          agg.rows(results.data);
        } catch (e) {
          reject(e);
        }
        last = performance.now();
        aggMs += last - a;
      },
      complete() {
        const a = performance.now();
        const values = agg.finish();
        const total = performance.now() - t0;
        resolve({ values, phases: { read_parse_ms: parseMs, aggregate_ms: aggMs + (performance.now() - a), total_ms: total } });
      },
      error: reject,
    });
  });
}

// Runs the engine again on the file already given (DuckDB's second query).
window.benchRun = () => runDuckdb(null);

document.getElementById("file").addEventListener("change", async (ev) => {
  const file = ev.target.files[0];
  try {
    window.bench.result = engine === "duckdb" ? await runDuckdb(file) : await runPapa(file);
    document.getElementById("out").textContent = JSON.stringify(window.bench.result, null, 2);
  } catch (e) {
    fail(e);
  }
});
