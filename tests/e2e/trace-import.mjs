// Diagnostic (not a test): traces the renderer during an import and prints
// every main-thread task over 30 ms with what ran inside it (style, layout,
// paint, postMessage handlers, IndexedDB). Found session 6's long tasks.
//   node tests/e2e/trace-import.mjs FILE
import { startServer, launch } from "./helpers.mjs";
import { openCalculator } from "./bench-import.mjs";
const file = process.argv[2];
const server = await startServer();
const browser = await launch();
const { page, cdp } = await openCalculator(browser, server.url, "/repurchase");
const events = [];
cdp.on("Tracing.dataCollected", (d) => events.push(...d.value));
const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
await cdp.send("Tracing.start", { categories: "devtools.timeline,disabled-by-default-devtools.timeline,v8,blink,IndexedDB,toplevel", transferMode: "ReportEvents" });
await page.locator('section[data-kind="Orders"] [data-testid="file-input"]').setInputFiles(file);
await page.locator('section[data-kind="Orders"] [data-testid="data-summary"]').filter({ hasText: file.split("/").pop() }).waitFor({ timeout: 600000 });
await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 600000 });
await new Promise((r) => setTimeout(r, 3000));
await cdp.send("Tracing.end");
await done;
// Main thread of the renderer: the thread with the most RunTask time named CrRendererMain
const names = {};
for (const e of events) if (e.name === "thread_name") names[e.pid + ":" + e.tid] = e.args.name;
const main = events.filter((e) => names[e.pid + ":" + e.tid] === "CrRendererMain");
const tasks = main.filter((e) => e.name === "RunTask" && e.dur > 30000);
for (const t of tasks) {
  const inside = main.filter((e) => e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur && e.dur > 3000 && e !== t);
  console.log(Math.round(t.dur / 1000), "ms");
  for (const e of inside) console.log("   ", Math.round((e.ts - t.ts) / 1000), "+", Math.round(e.dur / 1000), e.name, JSON.stringify(e.args?.data ?? {}).slice(0, 160));
}
await browser.close();
server.stop();
