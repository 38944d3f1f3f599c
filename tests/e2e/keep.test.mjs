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
import { execFileSync } from "node:child_process";
import { openPage, ready, metric, repo, shots, serveAndLaunch, fullPageShot, summaryNames, importFile } from "./helpers.mjs";

const env = serveAndLaunch();
const fixture = (name) => path.join(repo, "tests/fixtures", name);

let big, mid, large;
before(() => {
  // About 45 MB of orders: parsing takes seconds, so a reload lands mid-import.
  big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-keep-")), "big-orders.csv");
  const lines = ["订单编号,买家会员名,订单付款时间,买家实际支付金额"];
  for (let i = 0; i < 1_000_000; i++) lines.push(`${100000000 + i},buyer_${i % 90000},2024-0${1 + (i % 9)}-1${i % 10} 10:00:00,${(i % 500) + 0.5}`);
  fs.writeFileSync(big, lines.join("\n") + "\n");
  // Taobao-like orders (bench/gen.py): about 0.4 MB, and about 30 MB.
  mid = path.join(path.dirname(big), "orders-4k.csv");
  execFileSync("python3", [path.join(repo, "bench/gen.py"), "orders", "4000", mid]);
  large = path.join(path.dirname(big), "orders-250k.csv");
  execFileSync("python3", [path.join(repo, "bench/gen.py"), "orders", "250000", large]);
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
        tx.oncomplete = () => { try {
          // A table is a head { chunks, length } under its key and its
          // chunks under key#0, key#1, ... (a version-2 table is one
          // Uint8Array under its key).
          const sizes = new Map();
          const chunks = new Map();
          tq.result.forEach((k, i) => {
            const v = tv.result[i];
            const at = k.indexOf("#");
            if (at < 0) sizes.set(k, v instanceof Uint8Array ? v.byteLength : v.length);
            else {
              const list = chunks.get(k.slice(0, at)) || [];
              list[Number(k.slice(at + 1))] = v.byteLength;
              chunks.set(k.slice(0, at), list);
            }
          });
          const heads = new Map(tq.result.map((k, i) => [k, tv.result[i]]).filter(([k]) => !k.includes("#")));
          // A version-1 record has its tables inline, no keys.
          resolve(q.result.map((w) => ({ tableKeys: [], ...w })).map((w) => ({
            name: w.name, size: w.size, savedAt: w.savedAt, meta: JSON.parse(w.meta),
            tables: w.tableKeys.map((k) => (k ? sizes.get(k) ?? 0 : 0)),
            keys: w.tableKeys,
            storedTables: sizes.size,
            // Per table of this workspace: its head's chunk count and the
            // sizes of the chunks stored for it.
            heads: w.tableKeys.map((k) => (k && heads.get(k) && !(heads.get(k) instanceof Uint8Array) ? heads.get(k) : null)),
            chunks: w.tableKeys.map((k) => (k ? chunks.get(k) || [] : [])),
            // Chunks whose table has no head: a save in flight, or lost.
            orphanChunks: [...chunks.keys()].filter((k) => !sizes.has(k)).length,
          })));
          db.close();
        } catch (e) { resolve(String(e.stack)); /* fail, not hang */ } };
      };
      r.onerror = () => resolve([]);
    });
  });
}

async function waitSaved(page, check, what) {
  for (let i = 0; i < 100; i++) {
    const s = await stored(page);
    if (typeof s === "string") throw new Error(s);
    if (check(s)) return s;
    await page.waitForTimeout(100);
  }
  assert.fail(`not saved: ${what}`);
}

const hasFile = (file) => (list) => list.some((w) => w.meta.datasets.some((d) => d.file === file));

test("a reload and a closed tab restore data, mapping and settings", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  await importFile(page, fixture("orders-small.csv"));
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
  await summaryNames(page, "orders-small.csv");
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
  await summaryNames(again, "orders-small.csv");
  assert.equal(await metric(again, "buyers"), 3);
  assert.equal(await again.locator('[data-testid="lookback"]').inputValue(), "30");
  assert.deepEqual(errors, []);
  await context.close();
});

test("workspaces: save as, list with name, date and size, open, rename, delete, clear my data", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importFile(page, fixture("orders-small.csv"));
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
  await fullPageShot(page, path.join(shots, "workspaces.png"));

  // Open Workspace 1: the imported file is back.
  await page.locator('[data-testid="workspace-row"][data-name="Workspace 1"] [data-testid="workspace-open"]').click();
  await page.locator('[data-testid="workspace-message"]').filter({ hasText: "Workspace 1" }).waitFor();
  await page.getByRole("link", { name: "Repurchase" }).click();
  await summaryNames(page, "orders-small.csv");
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
  await importFile(page, fixture("orders-small.csv"));
  await waitSaved(page, hasFile("orders-small.csv"), "small file");
  await page.setInputFiles('[data-testid="file-input"]', big);
  await page.waitForFunction(() => /[1-9][\d,]* 行/.test(document.querySelector('[data-testid="import-progress"]')?.textContent ?? ""), null, { timeout: 30000 });
  await page.reload();
  await ready(page);
  await summaryNames(page, "orders-small.csv");
  assert.equal(await metric(page, "buyers"), 3);
  assert.ok(!hasFile("big-orders.csv")(await stored(page)));
  await context.close();
});

test("a worker crashing during an import shows a message and keeps the data", async () => {
  // No service worker, so the request for the worker reaches the route.
  const context = await env.browser.newContext({ locale: "en-US", serviceWorkers: "block" });
  const page = await context.newPage();
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importFile(page, fixture("orders-small.csv"));
  await waitSaved(page, hasFile("orders-small.csv"), "small file");
  // The import runs in the engine worker, which is running (it computed
  // the numbers above): make it die on the next import, as an out-of-memory
  // or a bug would, with an uncaught error.
  // (The engine keeps a spare read helper worker too.)
  const workers = page.workers().filter((w) => w.url().includes("opscalc-worker"));
  assert.equal(workers.length, 1, "one engine worker");
  await workers[0].evaluate(() => {
    const handle = self.onmessage;
    self.onmessage = (e) => {
      if (e.data?.type === "import") throw new Error("worker exploded");
      return handle(e);
    };
  });
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
  await summaryNames(page, "orders-small.csv");
  await context.close();
});

test("after the engine worker dies, a new one is given the whole imported table, not its preview", async () => {
  // An import's first answer carries only the table's first rows; the
  // whole table follows. A worker started later must get all 4,000 rows.
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importFile(page, mid);
  const before = await metrics(page);
  assert.ok(Number(before.buyers) > 500, JSON.stringify(before));
  await waitSaved(page, hasFile(path.basename(mid)), "the imported table");
  const [engine] = page.workers().filter((w) => w.url().includes("opscalc-worker"));
  const lookback = page.locator('[data-testid="lookback"]');
  const was = await lookback.inputValue();
  // The next calculation kills it, as an out-of-memory would.
  await engine.evaluate(() => { self.onmessage = () => { throw new Error("engine exploded"); }; });
  await lookback.fill(String(Number(was) + 7));
  await lookback.dispatchEvent("change");
  await page.locator('[data-testid="calc-error"]', { hasText: "the calculation stopped unexpectedly" }).waitFor({ timeout: 20000 });
  // A new worker, given the page's tables: the same numbers as before.
  await lookback.fill(was);
  await lookback.dispatchEvent("change");
  await page.locator('[data-testid="calc-error"]').waitFor({ state: "detached", timeout: 20000 });
  assert.deepEqual(await metrics(page), before);
  await context.close();
});

test("a full storage quota is a clear message; the screen and the saved copy keep their data", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importFile(page, fixture("orders-small.csv"));
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
  await importFile(page, second);
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

// Every metric on the page, key -> value, once the engine has answered.
async function metrics(page) {
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 120000 });
  return page.evaluate(() => Object.fromEntries([...document.querySelectorAll(".metric-value[data-metric]")].map((e) => [e.dataset.metric, e.dataset.value])));
}

// Workspace records only (no table bytes): cheap enough to poll while a
// big table is being written.
async function records(page) {
  return page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open("opscalc");
    r.onsuccess = () => {
      const db = r.result;
      if (!db.objectStoreNames.contains("workspaces")) { db.close(); return resolve([]); }
      const q = db.transaction("workspaces").objectStore("workspaces").getAll();
      q.onsuccess = () => { resolve(q.result.map((w) => ({ name: w.name, meta: JSON.parse(w.meta), keys: w.tableKeys }))); db.close(); };
    };
    r.onerror = () => resolve([]);
  }));
}

test("a table in several chunks is saved chunk by chunk, written once, and reloads with the same numbers", async () => {
  const CHUNK = 64 * 1024;
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  // A small chunk size (web/persist.js reads it at each save), so this
  // 0.4 MB file spans several chunks.
  await context.addInitScript((n) => { window.__opscalcChunkBytes = n; }, CHUNK);
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importFile(page, mid);
  const file = path.basename(mid);
  const first = await waitSaved(page, hasFile(file), "the chunked table");
  const [w] = first;
  const length = w.tables[0];
  const n = Math.ceil(length / CHUNK);
  assert.ok(n >= 4, `${length} bytes are at least 4 chunks of ${CHUNK}`);
  assert.deepEqual(w.heads[0], { chunks: n, length });
  // Every chunk but the last is full; together they are the table.
  assert.deepEqual(w.chunks[0], [...Array(n - 1).fill(CHUNK), length - (n - 1) * CHUNK]);
  assert.equal(w.storedTables, 1);
  assert.equal(w.orphanChunks, 0);

  // A settings change rewrites the record only: no chunk is put again.
  await page.evaluate(() => {
    window.__chunkPuts = 0;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (v, k) {
      if (typeof k === "string" && k.includes("#")) window.__chunkPuts++;
      return put.apply(this, arguments);
    };
  });
  await page.locator('[data-testid="lookback"]').fill("30");
  await page.locator('[data-testid="lookback"]').dispatchEvent("change");
  const saved = await waitSaved(page, (l) => hasFile(file)(l) && (l[0].meta.queries["/repurchase"] || "").includes("lookback=30"), "lookback 30");
  assert.equal(await page.evaluate(() => window.__chunkPuts), 0);
  assert.deepEqual(saved[0].keys, w.keys);
  assert.deepEqual(saved[0].chunks, w.chunks);
  const shown = await metrics(page);
  assert.ok(Number(shown.buyers) > 500, JSON.stringify(shown));

  // The reload reads the chunks back into one table: the same numbers.
  await page.reload();
  await ready(page);
  await summaryNames(page, file);
  assert.equal(await page.locator('[data-testid="lookback"]').inputValue(), "30");
  assert.deepEqual(await metrics(page), shown);
  await page.screenshot({ path: path.join(shots, "chunked-reload.png") });
  // Still written once: the table read back keeps its key, so the next
  // save puts no chunk.
  await page.evaluate(() => {
    window.__chunkPuts = 0;
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (v, k) {
      if (typeof k === "string" && k.includes("#")) window.__chunkPuts++;
      return put.apply(this, arguments);
    };
  });
  await page.locator('[data-testid="lookback"]').fill("45");
  await page.locator('[data-testid="lookback"]').dispatchEvent("change");
  const again = await waitSaved(page, (l) => (l[0].meta.queries["/repurchase"] || "").includes("lookback=45"), "lookback 45 after the reload");
  assert.equal(await page.evaluate(() => window.__chunkPuts), 0);
  assert.deepEqual(again[0].keys, w.keys);
  // A table that lost a chunk is not shown half: the sample comes back.
  await page.evaluate((k) => new Promise((resolve) => {
    const r = indexedDB.open("opscalc");
    r.onsuccess = () => {
      const tx = r.result.transaction("tables", "readwrite");
      tx.objectStore("tables").delete(`${k}#1`);
      tx.oncomplete = () => { r.result.close(); resolve(); };
    };
  }), w.keys[0]);
  await page.reload();
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  assert.deepEqual(errors, []);
  await context.close();
});

test("workspaces saved by earlier versions (a whole table per key; tables inside the record; tables in the row form) still load", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await importFile(page, fixture("orders-small.csv"));
  const [w] = await waitSaved(page, hasFile("orders-small.csv"), "small file");
  assert.equal(w.heads[0].chunks, 1);
  // The record and the table's bytes as this version stored them.
  const saved = await page.evaluate(() => new Promise((resolve) => {
    const r = indexedDB.open("opscalc");
    r.onsuccess = () => {
      const tx = r.result.transaction(["workspaces", "tables"]);
      const q = tx.objectStore("workspaces").getAll();
      q.onsuccess = () => {
        const rec = q.result[0];
        const c = tx.objectStore("tables").get(`${rec.tableKeys[0]}#0`);
        c.onsuccess = () => { resolve({ ...rec, table: [...c.result] }); r.result.close(); };
      };
    };
  }));
  for (const version of [2, 1]) {
    // The database as that version wrote it; the app's connection closes
    // when it is deleted (onversionchange).
    await page.evaluate(({ rec, version }) => new Promise((resolve, reject) => {
      const del = indexedDB.deleteDatabase("opscalc");
      del.onerror = () => reject(del.error);
      del.onblocked = () => reject(new Error("blocked"));
      del.onsuccess = () => {
        const o = indexedDB.open("opscalc", version);
        o.onerror = () => reject(o.error);
        o.onupgradeneeded = () => {
          o.result.createObjectStore("workspaces", { keyPath: "name" });
          if (version === 2) o.result.createObjectStore("tables");
        };
        o.onsuccess = () => {
          const db = o.result;
          const table = new Uint8Array(rec.table);
          const { name, savedAt, size, meta } = rec;
          const tx = db.transaction([...db.objectStoreNames], "readwrite");
          if (version === 2) {
            tx.objectStore("tables").put(table, rec.tableKeys[0]);
            tx.objectStore("workspaces").put({ name, savedAt, size, meta, tableKeys: rec.tableKeys });
          } else {
            tx.objectStore("workspaces").put({ name, savedAt, size, meta, tables: rec.tableKeys.map((k, i) => (i === 0 ? table : null)) });
          }
          tx.oncomplete = () => { db.close(); resolve(); };
          tx.onabort = () => reject(tx.error);
        };
      };
    }), { rec: saved, version });
    await page.reload();
    await ready(page);
    await summaryNames(page, "orders-small.csv");
    assert.equal(await metric(page, "buyers"), 3, `version ${version}`);
    // The next save keeps the table: a version-2 table stays where it is
    // (written once), a version-1 table is written in chunks.
    await page.locator('[data-testid="lookback"]').fill(String(10 + version));
    await page.locator('[data-testid="lookback"]').dispatchEvent("change");
    const [after] = await waitSaved(page, (l) => (l[0]?.meta.queries["/repurchase"] || "").includes(`lookback=${10 + version}`), `version ${version} saved again`);
    assert.equal(after.tables[0], saved.table.length);
    assert.equal(after.storedTables, 1);
    if (version === 2) assert.equal(after.keys[0], saved.tableKeys[0]);
    else assert.deepEqual(after.heads[0], { chunks: 1, length: saved.table.length });
    await page.reload();
    await ready(page);
    await summaryNames(page, "orders-small.csv");
    assert.equal(await metric(page, "buyers"), 3, `version ${version} saved again`);
  }
  // A table in the row form that versions up to session 8 wrote
  // (OPSCALC1: every cell's text row after row, then each cell's end),
  // in today's database layout: it opens, shows its preview, and gives the
  // same numbers.
  const csv = fs.readFileSync(fixture("orders-small.csv"), "utf8").trim().split("\n");
  const cellsOf = (line) => line.match(/("[^"]*"|[^,]*)(,|$)/g).filter((c) => c !== "").map((c) => c.replace(/,$/, "").replace(/^"(.*)"$/, "$1"));
  const [header, ...rows] = csv.map(cellsOf);
  await page.evaluate(({ rec, header, rows }) => new Promise((resolve, reject) => {
    const enc = new TextEncoder();
    const parts = [];
    const u32 = (n) => { const b = new Uint8Array(4); new DataView(b.buffer).setUint32(0, n, true); parts.push(b); };
    const str = (s) => { const b = enc.encode(s); u32(b.length); parts.push(b); };
    parts.push(enc.encode("OPSCALC1"));
    str("orders-small.csv");
    u32(header.length);
    header.forEach(str);
    const cells = rows.flatMap((r) => header.map((_, i) => enc.encode(r[i] ?? "")));
    u32(cells.reduce((n, c) => n + c.length, 0));
    parts.push(...cells);
    u32(cells.length);
    let end = 0;
    for (const c of cells) { end += c.length; u32(end); }
    u32(rows.length);
    rows.forEach((_, i) => u32(i + 2));
    u32(0); // no rows with extra cells
    str("UTF-8");
    u32(44); // ','
    u32(0); // sheets
    u32(0); // warnings
    const table = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { table.set(p, at); at += p.length; }
    const del = indexedDB.deleteDatabase("opscalc");
    del.onerror = () => reject(del.error);
    del.onblocked = () => reject(new Error("blocked"));
    del.onsuccess = () => {
      const o = indexedDB.open("opscalc", 3);
      o.onerror = () => reject(o.error);
      o.onupgradeneeded = () => {
        o.result.createObjectStore("workspaces", { keyPath: "name" });
        o.result.createObjectStore("tables");
      };
      o.onsuccess = () => {
        const db = o.result;
        const tx = db.transaction(["workspaces", "tables"], "readwrite");
        const key = rec.tableKeys[0];
        tx.objectStore("tables").put(table, `${key}#0`);
        tx.objectStore("tables").put({ chunks: 1, length: table.length }, key);
        const { name, savedAt, meta } = rec;
        tx.objectStore("workspaces").put({ name, savedAt, size: table.length, meta, tableKeys: rec.tableKeys });
        tx.oncomplete = () => { db.close(); resolve(); };
        tx.onabort = () => reject(tx.error);
      };
    };
  }), { rec: saved, header, rows });
  await page.reload();
  await ready(page);
  await summaryNames(page, "orders-small.csv");
  assert.equal(await metric(page, "buyers"), 3, "a table in the row form");
  assert.deepEqual(errors, []);
  await context.close();
});

test("saving and reloading a 30 MB table makes no long task on the page's thread", async (t) => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  // Every put and every chunk get, timed, and every long task (> 50 ms).
  await context.addInitScript(() => {
    const log = (window.__idb = { puts: [], gets: [], long: [] });
    new PerformanceObserver((l) => { for (const e of l.getEntries()) log.long.push([e.startTime, e.duration]); }).observe({ type: "longtask" });
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = function (v, k) {
      const t0 = performance.now();
      try { return put.apply(this, arguments); } finally { log.puts.push({ at: t0, ms: performance.now() - t0, key: String(k ?? ""), bytes: v?.byteLength ?? 0 }); }
    };
    const get = IDBObjectStore.prototype.get;
    IDBObjectStore.prototype.get = function (k) {
      log.gets.push({ at: performance.now(), key: String(k) });
      return get.apply(this, arguments);
    };
  });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await page.setInputFiles('[data-testid="file-input"]', large);
  const file = path.basename(large);
  await summaryNames(page, file, { timeout: 180000 });
  for (let i = 0; i < 600 && !hasFile(file)(await records(page)); i++) await page.waitForTimeout(200);
  assert.ok(hasFile(file)(await records(page)), "the 30 MB table is saved");
  const save = await page.evaluate(() => window.__idb);
  // A long task is the save's when a put was called in it.
  const during = (calls) => save.long.filter(([s, d]) => calls.some((c) => c.at >= s && c.at <= s + d));
  const chunkPuts = save.puts.filter((p) => p.key.includes("#"));
  const [w] = await stored(page);
  const length = w.tables[0];
  // The 30 MB file's table in the transfer form: 19 MB since columns of
  // one cell length keep no offsets; many 2 MiB chunks either way.
  assert.ok(length > 15e6, `${length} bytes`);
  // web/persist.js CHUNK_BYTES: 2 MiB.
  const n = Math.ceil(length / (2 * 1024 * 1024));
  assert.equal(chunkPuts.length, n);
  assert.ok(chunkPuts.every((p) => p.bytes <= 2 * 1024 * 1024));
  assert.equal(chunkPuts.reduce((s, p) => s + p.bytes, 0), length);
  const slowestPut = Math.max(...save.puts.map((p) => p.ms));
  const shown = await metrics(page);

  await page.reload();
  await ready(page);
  await summaryNames(page, file, { timeout: 60000 });
  assert.deepEqual(await metrics(page), shown);
  const load = await page.evaluate(() => window.__idb);
  const chunkGets = load.gets.filter((g) => g.key.includes("#"));
  assert.equal(chunkGets.length, n);
  // A chunk's get is called in the task that took the previous value.
  const loadLong = load.long.filter(([s, d]) => chunkGets.some((c) => c.at >= s && c.at <= s + d));
  const figures = {
    table_mb: +(length / 1e6).toFixed(1), chunks: n, slowest_put_ms: +slowestPut.toFixed(1),
    save_long_tasks_ms: during(save.puts).map(([, d]) => Math.round(d)),
    all_long_tasks_while_saving_ms: save.long.filter(([s]) => s >= save.puts[0].at - 1000).map(([, d]) => Math.round(d)),
    load_long_tasks_ms: loadLong.map(([, d]) => Math.round(d)),
  };
  t.diagnostic(JSON.stringify(figures));
  assert.ok(slowestPut < 50, JSON.stringify(figures));
  assert.deepEqual(figures.save_long_tasks_ms, [], JSON.stringify(figures));
  assert.deepEqual(figures.load_long_tasks_ms, [], JSON.stringify(figures));
  assert.deepEqual(errors, []);
  await context.close();
});
