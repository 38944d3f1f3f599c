// Browser benchmark (not a test): upload a file to a calculator page of the
// built app in headless Chromium, as a person would, and time until its
// numbers appear. Prints one JSON line. Used by scripts/bench.
//   node tests/e2e/bench-import.mjs FILE [route] [kind]
// DIST=dir times another build (default: the repository's dist/).
// bench-compare.mjs times OpsCalc through the same two functions.
import fs from "node:fs";
import { pathToFileURL } from "node:url";
import { startServer, launch, openPage, ready, importFile } from "./helpers.mjs";

// Opens a calculator page of the app served at `base`, ready for a file,
// with a CDP session for its metrics.
export async function openCalculator(browser, base, route = "/repurchase") {
  const { context, page } = await openPage(browser, base, { locale: "en-US" });
  await page.goto(base + route);
  await ready(page);
  await page.locator("[data-metric]").first().waitFor();
  // The page draws its sample's numbers a moment after it is ready: wait
  // for them and a painted frame, so that their first drawing (page-load
  // work) is not counted as the import's.
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && document.querySelector("[data-metric]")?.dataset.value !== undefined, null, { timeout: 60000 });
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(r, 300)))));
  const cdp = await context.newCDPSession(page);
  await cdp.send("Performance.enable");
  return { context, page, cdp };
}

// Hands `file` to the page's file input of section `kind` and waits until
// the page shows numbers for it; returns the timings, memory and values.
export async function timeImport(page, cdp, file, kind = "Orders") {
  const size = fs.statSync(file).size;
  const name = file.split("/").pop();
  // Longest main-thread task during the import.
  await page.evaluate(() => {
    window.__longest = 0;
    window.__long = [];
    new PerformanceObserver((l) => { for (const e of l.getEntries()) { window.__longest = Math.max(window.__longest, e.duration); window.__long.push(Math.round(e.duration)); } }).observe({ type: "longtask", buffered: false });
  });
  const t0 = Date.now();
  await importFile(page, file, { kind, timeout: 600000 });
  // The numbers are final when the engine has answered for the new file.
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]') && document.querySelector('[data-metric]')?.dataset.value !== undefined, null, { timeout: 600000 });
  const ms = Date.now() - t0;
  const metrics = Object.fromEntries((await cdp.send("Performance.getMetrics")).metrics.map((m) => [m.name, m.value]));
  const wasmBytes = await page.evaluate(() => window.opscalcWasmMemory?.buffer?.byteLength ?? null);
  const longest = await page.evaluate(() => window.__longest);
  const longTasks = await page.evaluate(() => window.__long);
  const worker = await page.evaluate(() => window.opscalcLastImport ?? null);
  // The whole table follows the first numbers (the worker encodes it after
  // answering): its encoding time, once it has come.
  await page.waitForFunction(() => window.opscalcLastTable, null, { timeout: 60000 }).catch(() => {});
  const table = await page.evaluate(() => { const t = window.opscalcLastTable ?? null; window.opscalcLastTable = undefined; return t; });
  const workerPeak = await page.evaluate(() => window.opscalcWorkerPeakBytes ?? null);
  const timings = await page.evaluate(() => window.opscalcTimings ?? {});
  const values = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("[data-metric]")].map((e) => [e.dataset.metric, e.dataset.value])));
  return { file: name, bytes: size, ms, mb_per_s: +(size / 1e6 / (ms / 1000)).toFixed(1), wasm_memory_mb: wasmBytes && +(wasmBytes / 1e6).toFixed(1), js_heap_mb: +(metrics.JSHeapUsedSize / 1e6).toFixed(1), longest_task_ms: Math.round(longest), long_tasks_ms: longTasks, worker_memory_mb: worker && +(worker.memoryBytes / 1e6).toFixed(1), worker_peak_memory_mb: workerPeak && +(workerPeak / 1e6).toFixed(1), worker_peak_x_file: workerPeak && +(workerPeak / size).toFixed(2), worker_read_ms: worker && Math.round(worker.readMs), worker_parse_ms: worker && Math.round(worker.parseMs), worker_copy_ms: worker && Math.round(worker.copyMs), worker_yield_ms: worker && Math.round(worker.yieldMs), worker_encode_ms: table && Math.round(table.encodeMs), worker_total_ms: worker && Math.round(worker.totalMs), engine_orders_build_ms: timings.orders_build && Math.round(timings.orders_build), engine_repurchase_views_ms: timings.repurchase_views && Math.round(timings.repurchase_views), page_table_decode_ms: timings.page_table_decode && Math.round(timings.page_table_decode), page_reply_decode_ms: timings.engine_reply_decode && Math.round(timings.engine_reply_decode), engine_put_ms: timings.engine_put && Math.round(timings.engine_put), engine_reply_apply_ms: timings.engine_reply_apply && Math.round(timings.engine_reply_apply), import_apply_ms: timings.import_apply && Math.round(timings.import_apply), persist_put_ms: timings.persist_put && Math.round(timings.persist_put), metrics: values };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, route = "/repurchase", kind = "Orders"] = process.argv.slice(2);
  const server = await startServer(process.env.DIST || undefined);
  const browser = await launch();
  const { page, cdp } = await openCalculator(browser, server.url, route);
  console.log(JSON.stringify(await timeImport(page, cdp, file, kind)));
  await browser.close();
  server.stop();
}
