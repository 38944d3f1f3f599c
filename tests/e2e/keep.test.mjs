// Keeping the user's work: the workspace is saved in IndexedDB after each
// change and restored after a reload or a closed tab; named workspaces
// round-trip (save as, open, rename, delete); "clear my data" removes
// everything; a reload in the middle of an import and a crashing import
// worker keep the previous data; a full storage quota is a clear message
// and loses nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPage, ready, metric, repo, shots, serveAndLaunch } from "./helpers.mjs";

const env = serveAndLaunch();
const fixture = (name) => path.join(repo, "tests/fixtures", name);

let big;
before(() => {
  // About 45 MB of orders: parsing takes seconds, so a reload lands mid-import.
  big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-keep-")), "big-orders.csv");
  const lines = ["订单编号,买家会员名,订单付款时间,买家实际支付金额"];
  for (let i = 0; i < 1_000_000; i++) lines.push(`${100000000 + i},buyer_${i % 90000},2024-0${1 + (i % 9)}-1${i % 10} 10:00:00,${(i % 500) + 0.5}`);
  fs.writeFileSync(big, lines.join("\n") + "\n");
});
after(() => big && fs.rmSync(path.dirname(big), { recursive: true, force: true }));

// The saved workspaces as stored, read straight from IndexedDB.
async function stored(page) {
  return page.evaluate(async () => {
    const dbs = await indexedDB.databases();
    if (!dbs.some((d) => d.name === "opscalc")) return [];
    return new Promise((resolve) => {
      const r = indexedDB.open("opscalc");
      r.onsuccess = () => {
        const db = r.result;
        // Workspaces refer to their tables by key (web/persist.js).
        const tx = db.transaction(["workspaces", "tables"]);
        const q = tx.objectStore("workspaces").getAll();
        const t = tx.objectStore("tables");
        const tq = t.getAllKeys();
        const tv = t.getAll();
        tx.oncomplete = () => {
          const sizes = new Map(tq.result.map((k, i) => [k, tv.result[i].byteLength]));
          resolve(q.result.map((w) => ({ name: w.name, size: w.size, savedAt: w.savedAt, meta: JSON.parse(w.meta), tables: w.tableKeys.map((k) => (k ? sizes.get(k) ?? 0 : 0)), keys: w.tableKeys, storedTables: tq.result.length })));
          db.close();
        };
      };
      r.onerror = () => resolve([]);
    });
  });
}

async function waitSaved(page, check, what) {
  for (let i = 0; i < 100; i++) {
    const s = await stored(page);
    if (check(s)) return s;
    await page.waitForTimeout(100);
  }
  assert.fail(`not saved: ${what}`);
}

const hasFile = (file) => (list) => list.some((w) => w.meta.datasets.some((d) => d.file === file));

async function importOrders(page, file) {
  await page.setInputFiles('[data-testid="file-input"]', file);
  await page.locator('[data-testid="data-summary"]').filter({ hasText: path.basename(file) }).waitFor({ timeout: 30000 });
}

test("a reload and a closed tab restore data, mapping and settings", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  await importOrders(page, fixture("orders-small.csv"));
  assert.equal(await metric(page, "buyers"), 3);
  const first = await waitSaved(page, hasFile("orders-small.csv"), "the imported file");
  // A setting and a mapping change: lookback 30 days, amount unmapped.
  await page.locator('[data-testid="lookback"]').fill("30");
  await page.locator('[data-testid="lookback"]').dispatchEvent("change");
  await page.locator("details.mapping summary").click();
  await page.locator('select[data-role="amount"]').selectOption("");
  const saved = await waitSaved(page, (l) => hasFile("orders-small.csv")(l) && l.some((w) => (w.meta.queries["/repurchase"] || "").includes("lookback=30") && !w.meta.datasets[0].mapping.some(([r]) => r === "amount")), "file, lookback, mapping");
  assert.equal(saved.length, 1);
  assert.equal(saved[0].name, "Workspace 1");
  assert.ok(saved[0].tables[0] > 300, "the parsed table is stored");
  // Settings and mapping changes rewrote the description, not the table:
  // the same stored table, and none left over.
  assert.equal(saved[0].keys[0], first[0].keys[0]);
  assert.equal(saved[0].storedTables, saved[0].keys.filter(Boolean).length);

  await page.reload();
  await ready(page);
  await page.locator('[data-testid="data-summary"]').filter({ hasText: "orders-small.csv" }).waitFor();
  assert.equal(await metric(page, "buyers"), 3);
  assert.equal(await page.locator('[data-testid="lookback"]').inputValue(), "30");
  await page.locator("details.mapping summary").click();
  assert.equal(await page.locator('select[data-role="amount"]').inputValue(), "");
  assert.equal(await page.locator('select[data-role="buyer_id"] option:checked').textContent(), "买家会员名");

  // A closed tab: a new page of the same profile, opened on a plain link.
  await page.close();
  const again = await context.newPage();
  await again.goto(env.server.url + "/repurchase");
  await ready(again);
  await again.locator('[data-testid="data-summary"]').filter({ hasText: "orders-small.csv" }).waitFor();
  assert.equal(await metric(again, "buyers"), 3);
  assert.equal(await again.locator('[data-testid="lookback"]').inputValue(), "30");
  assert.deepEqual(errors, []);
  await context.close();
});

test("workspaces: save as, list with name, date and size, open, rename, delete, clear my data", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importOrders(page, fixture("orders-small.csv"));
  await waitSaved(page, hasFile("orders-small.csv"), "first import");

  await page.getByRole("link", { name: "Workspaces" }).click();
  await page.locator('[data-testid="save-as-name"]').fill("March");
  await page.locator('[data-testid="save-as"]').click();
  await page.locator('[data-testid="workspace-row"][data-name="March"]').waitFor();
  assert.equal(await page.locator('[data-testid="active-workspace"]').textContent(), "March");

  // Change the active workspace (March): back to the sample.
  await page.getByRole("link", { name: "Repurchase" }).click();
  await page.getByRole("button", { name: /sample/i }).first().click();
  assert.equal(await metric(page, "buyers"), 155);
  await waitSaved(page, (l) => l.some((w) => w.name === "March" && w.meta.datasets[0].source === "sample"), "March with the sample");

  await page.getByRole("link", { name: "Workspaces" }).click();
  const rows = page.locator('[data-testid="workspace-row"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="workspace-row"]').length === 2);
  const list = await rows.evaluateAll((rs) => rs.map((r) => [...r.querySelectorAll("td")].slice(0, 3).map((c) => c.textContent.trim())));
  const byName = Object.fromEntries(list.map((r) => [r[0], r]));
  assert.deepEqual(Object.keys(byName).sort(), ["March", "Workspace 1"]);
  for (const r of list) assert.match(r[1], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  const sizes = Object.fromEntries(await rows.evaluateAll((rs) => rs.map((r) => [r.dataset.name, Number(r.querySelector('[data-testid="workspace-size"]').dataset.bytes)])));
  const db = Object.fromEntries((await stored(page)).map((w) => [w.name, w.size]));
  assert.deepEqual(sizes, db);
  // Workspace 1 holds the imported table; March holds only descriptions.
  assert.ok(sizes["Workspace 1"] > sizes["March"] + 300, JSON.stringify(sizes));
  assert.match(byName["Workspace 1"][2], /^\d+(\.\d)? (B|KB)$/);
  await page.screenshot({ path: path.join(shots, "workspaces.png"), fullPage: true });

  // Open Workspace 1: the imported file is back.
  await page.locator('[data-testid="workspace-row"][data-name="Workspace 1"] [data-testid="workspace-open"]').click();
  await page.locator('[data-testid="workspace-message"]').filter({ hasText: "Workspace 1" }).waitFor();
  await page.getByRole("link", { name: "Repurchase" }).click();
  await page.locator('[data-testid="data-summary"]').filter({ hasText: "orders-small.csv" }).waitFor();
  assert.equal(await metric(page, "buyers"), 3);

  // Rename March to April, then delete it.
  await page.getByRole("link", { name: "Workspaces" }).click();
  await page.locator('[data-testid="workspace-row"][data-name="March"] [data-testid="workspace-rename"]').click();
  await page.locator('[data-testid="rename-input"]').fill("April");
  await page.locator('[data-testid="rename-ok"]').click();
  await page.locator('[data-testid="workspace-row"][data-name="April"]').waitFor();
  assert.equal(await page.locator('[data-testid="workspace-row"][data-name="March"]').count(), 0);
  assert.deepEqual((await stored(page)).map((w) => w.name).sort(), ["April", "Workspace 1"]);
  await page.locator('[data-testid="workspace-row"][data-name="April"] [data-testid="workspace-delete"]').click();
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="workspace-row"]').length === 1);
  assert.deepEqual((await stored(page)).map((w) => w.name), ["Workspace 1"]);

  // Clear my data: nothing stored, samples on screen, still so after a reload.
  await page.locator('[data-testid="clear-data"]').click();
  await page.locator('[data-testid="clear-yes"]').click();
  await page.locator('[data-testid="workspace-message"]').filter({ hasText: "cleared" }).waitFor();
  assert.equal(await rows.count(), 0);
  await page.waitForTimeout(800); // longer than the autosave delay
  assert.deepEqual(await stored(page), []);
  assert.equal(await page.evaluate(() => localStorage.length), 0);
  assert.ok((await page.evaluate(() => caches.keys())).every((k) => k.startsWith("opscalc-")));
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a reload in the middle of an import brings back the previous data", async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importOrders(page, fixture("orders-small.csv"));
  await waitSaved(page, hasFile("orders-small.csv"), "small file");
  await page.setInputFiles('[data-testid="file-input"]', big);
  await page.waitForFunction(() => /[1-9][\d,]* 行/.test(document.querySelector('[data-testid="import-progress"]')?.textContent ?? ""), null, { timeout: 30000 });
  await page.reload();
  await ready(page);
  await page.locator('[data-testid="data-summary"]').filter({ hasText: "orders-small.csv" }).waitFor();
  assert.equal(await metric(page, "buyers"), 3);
  assert.ok(!hasFile("big-orders.csv")(await stored(page)));
  await context.close();
});

test("a crashing import worker shows a message and keeps the data", async () => {
  // No service worker, so the request for the worker reaches the route.
  const context = await env.browser.newContext({ locale: "en-US", serviceWorkers: "block" });
  const page = await context.newPage();
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importOrders(page, fixture("orders-small.csv"));
  await waitSaved(page, hasFile("orders-small.csv"), "small file");
  await context.route("**/opscalc-worker_loader.js", (r) => r.fulfill({ contentType: "text/javascript", body: 'throw new Error("worker exploded");' }));
  await page.setInputFiles('[data-testid="file-input"]', fixture("activity-small.csv"));
  const error = page.locator('[data-testid="import-error"]');
  await error.waitFor({ timeout: 20000 });
  assert.match(await error.textContent(), /activity-small\.csv: the import stopped unexpectedly .*previous data is kept/);
  assert.equal(await page.locator('[data-testid="import-progress"]').count(), 0);
  assert.equal(await metric(page, "buyers"), 3);
  assert.match(await page.locator('[data-testid="data-summary"]').textContent(), /orders-small\.csv/);
  await page.screenshot({ path: path.join(shots, "worker-crash.png") });
  // The stored copy is the good one, and a reload shows it.
  await page.reload();
  await ready(page);
  await page.locator('[data-testid="data-summary"]').filter({ hasText: "orders-small.csv" }).waitFor();
  await context.close();
});

test("a full storage quota is a clear message; the screen and the saved copy keep their data", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importOrders(page, fixture("orders-small.csv"));
  await waitSaved(page, hasFile("orders-small.csv"), "small file");
  // Storage is full: every write fails as the browser fails it. (The CDP
  // quota override does not make Chromium's IndexedDB refuse small writes.)
  await page.evaluate(() => {
    const put = IDBObjectStore.prototype.put;
    window.__restorePut = () => { IDBObjectStore.prototype.put = put; };
    IDBObjectStore.prototype.put = function () {
      throw new DOMException("The quota has been exceeded.", "QuotaExceededError");
    };
  });
  // The second file cannot be saved: the message says so, the page shows it.
  const second = path.join(path.dirname(big), "orders-april.csv");
  fs.writeFileSync(second, "订单编号,买家会员名,订单付款时间\nA1,zoe,2024-04-01\nA2,zoe,2024-04-09\nA3,yan,2024-04-03\nA4,xia,2024-04-05\nA5,wu,2024-04-06\n");
  await importOrders(page, second);
  const banner = page.locator('[data-testid="storage-problem"]');
  await banner.waitFor({ timeout: 10000 });
  assert.match(await banner.textContent(), /storage is full.*data on screen is kept/);
  assert.equal(await metric(page, "buyers"), 4); // zoe, yan, xia, wu
  assert.match(await page.locator('[data-testid="data-summary"]').textContent(), /orders-april\.csv/);
  await page.screenshot({ path: path.join(shots, "quota-full.png") });
  // The earlier saved copy is intact.
  const s = await stored(page);
  assert.ok(hasFile("orders-small.csv")(s) && !hasFile("orders-april.csv")(s));
  // With space again, the next change is saved and the message goes away.
  await page.evaluate(() => window.__restorePut());
  await page.locator('[data-testid="lookback"]').fill("7");
  await page.locator('[data-testid="lookback"]').dispatchEvent("change");
  await waitSaved(page, hasFile("orders-april.csv"), "after space is back");
  await banner.waitFor({ state: "detached" });
  assert.deepEqual(errors, []);
  await context.close();
});
