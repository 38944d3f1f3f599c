// Privacy: a full session (import, every calculator, every export) makes
// no request beyond the local server, the page's CSP forbids remote
// connections, and the built app carries no telemetry endpoint.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openPage, ready, metric, repo, serveAndLaunch, summaryNames } from "./helpers.mjs";

const env = serveAndLaunch();

const fixture = (name) => path.join(repo, "tests/fixtures", name);

// Clicks every visible download button on the page; returns the file names.
async function downloadAll(page) {
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  const buttons = page.locator("button").filter({ hasText: /下载|Download/ });
  const names = [];
  const n = await buttons.count();
  for (let i = 0; i < n; i++) {
    const b = buttons.nth(i);
    if (!(await b.isVisible())) continue;
    const label = `${page.url()} #${i} ${await b.textContent()}`;
    const [download] = await Promise.all([page.waitForEvent("download", { timeout: 10000 }), b.click()]).catch((e) => { throw new Error(`${label}: ${e.message}`); });
    names.push(download.suggestedFilename());
    // A PNG is saved after the image is drawn, outside the click: let it
    // land before the next click, as a person would.
    if (download.suggestedFilename().endsWith(".png")) await page.waitForTimeout(1000);
  }
  return names;
}

test("a full session sends nothing beyond the local server", async () => {
  const { page, requests, errors, context } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  const response = await page.goto(env.server.url + "/");
  await ready(page);
  const csp = response.headers()["content-security-policy"];
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, /connect-src 'self'/);

  const downloads = [];
  const sessions = [
    // Values as `opscalc` gives for the same files.
    ["/repurchase", "Orders", "orders-small.csv", "buyers", 3],
    ["/lifecycle", "Activity", "activity-small.csv", "churned_users", null],
    // Without the orders: the session's own orders (kept since the first
    // step) have no SKU column, which sell-through would rightly refuse.
    ["/sell-through?orders=0", "Products", "products-unknown.csv", "all_skus", 11],
    ["/traffic", "TrafficTable", "pageviews-small.csv", "pv", 7],
  ];
  for (const [route, kind, file, key, value] of sessions) {
    await page.goto(env.server.url + route);
    await ready(page);
    const panel = page.locator(`section[data-kind="${kind}"]`);
    await panel.locator('[data-testid="file-input"]').setInputFiles(fixture(file));
    await summaryNames(panel, file);
    // The calculator ran on the imported file.
    const v = await metric(page, key);
    if (value === null) assert.equal(typeof v, "number", route);
    else assert.equal(v, value, route);
    downloads.push(...(await downloadAll(page)));
  }
  assert.equal(await page.evaluate(() => location.pathname), "/traffic");
  // Every kind of export was exercised: tables, charts, excluded rows.
  assert.ok(downloads.some((n) => n.endsWith(".svg")), downloads.join());
  assert.ok(downloads.includes("excluded-rows.csv"), downloads.join());
  assert.ok(downloads.filter((n) => n.endsWith(".csv")).length >= 4, downloads.join());
  // Results of every calculator as CSV and XLSX, tables as XLSX, charts as PNG.
  for (const stem of ["repurchase", "lifecycle", "sell-through", "traffic"]) {
    assert.ok(downloads.includes(`${stem}-results.csv`) && downloads.includes(`${stem}-results.xlsx`), `${stem}: ${downloads.join()}`);
  }
  assert.ok(downloads.includes("buyers.xlsx"), downloads.join());
  assert.ok(downloads.some((n) => n.endsWith(".png")), downloads.join());

  const origin = new URL(env.server.url).origin;
  const elsewhere = requests.filter((u) => !(u.startsWith(origin + "/") || u.startsWith("data:") || u.startsWith("blob:")));
  assert.deepEqual(elsewhere, []);
  assert.ok(requests.length > 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the CSP blocks a remote connection even if code tried one", async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  const answered = [];
  const failed = {};
  page.on("response", (r) => answered.push(r.url()));
  page.on("requestfailed", (r) => (failed[r.url()] = r.failure()?.errorText));
  await page.goto(env.server.url + "/");
  await ready(page);
  const result = await page.evaluate(async () => {
    const violations = [];
    document.addEventListener("securitypolicyviolation", (e) => violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    let fetched = "sent";
    try {
      await fetch("https://telemetry.example/collect", { method: "POST", body: "x" });
    } catch (e) {
      fetched = "blocked";
    }
    const img = new Image();
    img.src = "https://tracker.example/pixel.gif";
    await new Promise((r) => setTimeout(r, 500));
    return { fetched, violations };
  });
  // The browser refused both on the page's policy, before any connection.
  assert.equal(result.fetched, "blocked");
  assert.ok(result.violations.includes("connect-src https://telemetry.example/collect"), result.violations.join());
  assert.ok(result.violations.includes("img-src https://tracker.example/pixel.gif"), result.violations.join());
  assert.equal(failed["https://tracker.example/pixel.gif"], "csp");
  assert.deepEqual(
    answered.filter((u) => u.includes(".example")),
    [],
  );
  await context.close();
});

test("the built app names no remote endpoint and no way to send one", () => {
  const dist = path.join(repo, "dist");
  const html = fs.readFileSync(path.join(dist, "index.html"), "utf8");
  assert.match(html, /http-equiv="Content-Security-Policy"/);
  assert.match(html, /connect-src 'self'/);
  // XML namespaces, and a documentation link inside a wasm-bindgen error
  // message, are the only URLs the page and scripts may contain.
  const allowed = /^(https?:\/\/www\.w3\.org\/|https:\/\/developer\.mozilla\.org\/)/;
  for (const f of fs.readdirSync(dist).filter((f) => /\.(js|html|css)$/.test(f))) {
    const text = fs.readFileSync(path.join(dist, f), "utf8");
    const urls = (text.match(/https?:\/\/[^\s"'`)<>]+/g) || []).filter((u) => !allowed.test(u));
    assert.deepEqual(urls, [], f);
    // No beacon, socket or XHR; the one fetch loads the app's own wasm.
    assert.deepEqual(text.match(/sendBeacon|WebSocket|XMLHttpRequest|EventSource/g) || [], [], f);
    if (f === "sw.js") {
      // The offline service worker only answers same-origin GETs, from its
      // cache first; anything else it leaves alone (and the CSP blocks).
      assert.match(text, /if \(req\.method !== "GET" \|\| url\.origin !== self\.location\.origin\) return;/);
      continue;
    }
    if (/^__wasm_split-[0-9a-f]+\.js$/.test(f)) {
      // The route-chunk loader (code splitting) fetches only the build's
      // own chunks, by relative URL.
      const fetches = text.match(/fetch\([^)]*\)/g) || [];
      assert.ok(fetches.length > 0, f);
      for (const call of fetches) {
        const m = call.match(/^fetch\(new URL\("\.\/([\w-]+\.wasm)", import\.meta\.url\)$/);
        assert.ok(m && fs.existsSync(path.join(dist, m[1])), `${f}: ${call}`);
      }
      continue;
    }
    // The wasm's Window.fetch of a URL it names: the sample files,
    // "/samples/*.csv" (src/sample_files.rs), the only one there is.
    const own = text.replace("arg0.fetch(getStringFromWasm0(arg1, arg2))", "");
    assert.ok((own.match(/fetch\(/g) || []).length <= 1, f);
    if (own.includes("fetch(")) assert.match(own, /module_or_path = fetch\(module_or_path\)/, f);
  }
});
