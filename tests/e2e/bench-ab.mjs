// Benchmark aid (not a test): compares two builds of the app on one file,
// importing it on the repurchase page in each in turn (a fresh browser
// context, so fresh workers, every time; the order flips each round), and
// prints each run and the medians of the timings and of their paired
// differences. On a shared machine one run's wall time moves 10-30% with
// the load: only alternating runs in one sitting compare two builds.
//   node tests/e2e/bench-ab.mjs FILE DIST_A DIST_B [ROUNDS, default 8]
import { startServer, launch } from "./helpers.mjs";
import { openCalculator, timeImport } from "./bench-import.mjs";
const [file, a, b, n = "8"] = process.argv.slice(2);
const servers = [await startServer(a), await startServer(b)];
const browser = await launch();
const rows = [[], []];
const keys = ["ms", "worker_parse_ms", "engine_orders_build_ms", "engine_repurchase_views_ms", "worker_peak_memory_mb"];
for (let i = 0; i < +n; i++) {
  for (const s of i % 2 ? [1, 0] : [0, 1]) {
    const { context, page, cdp } = await openCalculator(browser, servers[s].url, "/repurchase");
    const r = await timeImport(page, cdp, file, "Orders");
    rows[s].push(r);
    console.log(i, s ? "B" : "A", keys.map((k) => r[k]).join(" "));
    await context.close();
  }
}
const med = (v) => { const s = [...v].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (const k of keys) console.log(k.padEnd(28), "A", med(rows[0].map((r) => r[k])), "B", med(rows[1].map((r) => r[k])), "median B-A", med(rows[0].map((r, i) => rows[1][i][k] - r[k])));
await browser.close(); servers.forEach((s) => s.stop());
