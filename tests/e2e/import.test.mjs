// The import worker as a person meets it: a big file shows a progress bar
// with bytes, rows and rows/s; Cancel stops it and keeps the data already
// on screen; the next import works; a re-read with another encoding uses the
// kept file handle.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { execFileSync } from "node:child_process";
import { startServer, launch, openPage, ready, shots, metric, repo, summaryNames, importFile } from "./helpers.mjs";

let server, browser, big;
before(async () => {
  server = await startServer();
  browser = await launch();
  // About 140 MB: long enough to parse that Cancel lands mid-import (at
  // 70 MB the import could end before the click on a quiet machine).
  big = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-")), "big-orders.csv");
  const out = fs.createWriteStream(big);
  out.write("订单编号,买家会员名,订单付款时间,买家实际支付金额\n");
  let chunk = "";
  for (let i = 0; i < 3_000_000; i++) {
    chunk += `${100000000 + i},buyer_${i % 90000},2024-0${1 + (i % 9)}-1${i % 10} 10:00:00,${(i % 500) + 0.5}\n`;
    if (chunk.length > 1 << 20) {
      out.write(chunk);
      chunk = "";
    }
  }
  out.end(chunk);
  await new Promise((r) => out.on("finish", r));
});
after(async () => {
  await browser?.close();
  server?.stop();
  if (big) fs.rmSync(path.dirname(big), { recursive: true, force: true });
});

const fixture = (name) => path.join(repo, "tests/fixtures", name);

test("a big file shows progress; Cancel keeps the previous data; the next import works", async () => {
  const { page, errors, context } = await openPage(browser, server.url);
  await page.goto(server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155); // the sample
  const summary = page.locator('[data-testid="data-summary"]');
  const before = await summary.textContent();

  await page.setInputFiles('[data-testid="file-input"]', big);
  const progress = page.locator('[data-testid="import-progress"]');
  await progress.waitFor();
  // Wait for a real progress message from the worker (rows counted).
  await page.waitForFunction(() => /[1-9][\d,]* 行/.test(document.querySelector('[data-testid="import-progress"]')?.textContent ?? ""), null, { timeout: 30000 });
  const text = await progress.textContent();
  assert.match(text, /MB · [\d,]+ 行 · [\d,]+ 行\/秒/);
  assert.ok(Number(await progress.locator("progress").getAttribute("value")) > 0);
  await page.screenshot({ path: path.join(shots, "import-progress.png") });

  await page.locator('[data-testid="import-cancel"]').click();
  await page.locator('[data-testid="import-notice"]').waitFor();
  assert.equal(await progress.count(), 0);
  // Nothing arrives later: the worker was terminated, not merely ignored.
  await page.waitForTimeout(1500);
  assert.equal(await summary.textContent(), before);
  assert.equal(await metric(page, "buyers"), 155);

  // A fresh worker serves the next import.
  await page.setInputFiles('[data-testid="file-input"]', fixture("orders-small.csv"));
  await summary.filter({ hasText: "orders-small.csv" }).waitFor();
  assert.equal(await metric(page, "buyers"), 3);
  assert.equal(await page.locator('[data-testid="import-notice"]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("an import in another section stops this one, and this panel says so instead of showing its progress for good", async () => {
  // The lifecycle page reads activity and orders: one worker imports one
  // file at a time, so choosing an activity file stops the orders import.
  const { page, errors, context } = await openPage(browser, server.url);
  await page.goto(server.url + "/lifecycle");
  await ready(page);
  const orders = page.locator('section[data-kind="Orders"]');
  const ordersBefore = await orders.locator('[data-testid="data-summary"]').textContent();
  await orders.locator('[data-testid="file-input"]').setInputFiles(big);
  await orders.locator('[data-testid="import-progress"]').waitFor();
  await importFile(page, fixture("activity-small.csv"), { kind: "Activity" });
  await orders.locator('[data-testid="import-notice"]').waitFor();
  assert.equal(await orders.locator('[data-testid="import-progress"]').count(), 0);
  assert.equal(await orders.locator('[data-testid="data-summary"]').textContent(), ordersBefore);
  // The orders panel imports again as usual.
  await importFile(page, fixture("orders-small.csv"), { kind: "Orders" });
  assert.equal(await orders.locator('[data-testid="import-notice"]').count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("choosing an encoding reads the kept file again", async () => {
  const { page, errors, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  const summary = page.locator('[data-testid="data-summary"]');
  await page.setInputFiles('[data-testid="file-input"]', fixture("orders-small-gbk.csv"));
  await summary.filter({ hasText: "GB18030" }).waitFor();
  // Forcing UTF-8 reads the same file again (garbled, with a warning);
  // choosing GB18030 reads it right again. No file dialog either time.
  const encoding = page.locator("section.import select").first();
  await encoding.selectOption("utf-8");
  await summary.filter({ hasText: "UTF-8" }).waitFor();
  await encoding.selectOption("gb18030");
  await summary.filter({ hasText: "GB18030" }).waitFor();
  assert.equal(await metric(page, "buyers"), 3);
  assert.deepEqual(errors, []);
  await context.close();
});

test("more excluded rows than an answer lists: exact counts, and the whole list when opened or downloaded", async () => {
  // 1,200 unpaid orders (rows 2-1201), 300 without a buyer (1202-1501),
  // two paid orders of amy's: 1,500 excluded, more than the 1,000 an
  // engine answer lists (opscalc_core::LISTED_EXCLUDED_ROWS).
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-"));
  const file = path.join(dir, "many-excluded.csv");
  let csv = "订单号,买家ID,付款时间,实付金额\n";
  for (let i = 0; i < 1200; i++) csv += `u${i},bob,,10\n`;
  for (let i = 0; i < 300; i++) csv += `g${i},,2024-03-02,10\n`;
  csv += "p1,amy,2024-03-01,10\np2,amy,2024-03-09,20\n";
  fs.writeFileSync(file, csv);
  const { page, errors, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  await page.setInputFiles('section[data-kind="Orders"] [data-testid="file-input"]', file);
  await summaryNames(page, "many-excluded.csv");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 1);
  const quality = page.locator("section.quality");
  assert.equal(await quality.locator('[data-testid="rows-read"]').textContent(), "1502");
  assert.equal(await quality.locator('[data-testid="rows-used"]').textContent(), "2");
  assert.equal(await quality.locator('[data-testid="rows-excluded"]').textContent(), "1500");
  assert.equal(await quality.locator('li[data-reason="unpaid"] strong').getAttribute("data-count"), "1200");
  assert.equal(await quality.locator('li[data-reason="missing_buyer"] strong').getAttribute("data-count"), "300");

  // The download, before the list was ever opened, has every row.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    quality.getByRole("button", { name: "Download excluded rows (CSV)" }).click(),
  ]);
  assert.equal(download.suggestedFilename(), "excluded-rows.csv");
  const lines = fs.readFileSync(await download.path(), "utf8").trim().split(/\r?\n/);
  assert.equal(lines.length, 1 + 1500);
  assert.match(lines[1], /^many-excluded\.csv,2,.*,unpaid,/);
  assert.match(lines[1500], /^many-excluded\.csv,1501,.*,missing_buyer,/);

  // Opening the list asks for the whole of it.
  await quality.locator("summary").click();
  await quality.locator(".data-table .count").filter({ hasText: "1500 / 1500" }).waitFor();
  assert.equal(await quality.locator('[data-testid="excluded-partial"]').count(), 0);
  await quality.screenshot({ path: path.join(shots, "quality-many-excluded.png") });
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a bad byte after the first 8 MB slice: the worker reads the file again and names its row", async () => {
  // 250,000 UTF-8 rows (about 11 MB, more than one slice), then a row with
  // a GBK name. The whole file is then neither UTF-8 nor GB18030 (its UTF-8
  // header is not valid GB18030), so it reads as UTF-8 with one replaced
  // name: the worker must start over from byte 0 after parsing a slice.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-"));
  const late = path.join(dir, "late-gbk.csv");
  const rows = ["订单编号,买家会员名,订单付款时间,买家实际支付金额\n"];
  for (let i = 0; i < 250_000; i++) rows.push(`${100000000 + i},buyer_${i % 1000},2024-01-1${i % 10} 10:00:00,9.5\n`);
  fs.writeFileSync(late, Buffer.concat([Buffer.from(rows.join("")), Buffer.from("999999999,"), Buffer.from([0xc2, 0xf2]), Buffer.from(",2024-01-15 10:00:00,9.5\n")]));
  assert.ok(fs.statSync(late).size > 9 << 20);
  const { page, errors, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  await importFile(page, late, { timeout: 60000 });
  const warning = "late-gbk.csv: the file is not valid UTF-8 or GBK; undecodable bytes (first at row 250002) were replaced by \uFFFD";
  await page.locator('[data-testid="warnings"] li', { hasText: warning }).waitFor({ timeout: 15000 });
  // buyer_0 … buyer_999 and the one replaced name.
  assert.equal(await metric(page, "buyers"), 1001);
  assert.deepEqual(errors, []);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a helper worker reads the file; where it cannot load, or its script hangs, the engine reads the file itself", async () => {
  // 250,000 rows, about 11 MB: two 8 MB slices, so slices are handed over
  // (and, without the helper, read) more than once.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-"));
  const file = path.join(dir, "two-slices.csv");
  const rows = ["订单编号,买家会员名,订单付款时间,买家实际支付金额\n"];
  for (let i = 0; i < 250_000; i++) rows.push(`${100000000 + i},buyer_${i % 1000},2024-01-1${i % 10} 10:00:00,9.5\n`);
  fs.writeFileSync(file, rows.join(""));
  assert.ok(fs.statSync(file).size > 8 << 20);
  // "stalled": the request for the helper's script never ends; the engine
  // gives up on the helper after 5 s and reads the file itself.
  for (const mode of ["helper", "blocked", "stalled"]) {
    const helper = mode === "helper";
    const { page, errors, context } = await openPage(browser, server.url, { locale: "en-US" });
    // Requests of the workers (the engine, then its helper) as the browser made them.
    const asked = [];
    const served = [];
    context.on("request", (r) => asked.push(r.url()));
    // Synchronous: nothing may be awaited after the context closes.
    context.on("response", (r) => served.push([r.url(), r.status()]));
    if (mode === "blocked") await context.route("**/read-worker.js", (route) => route.abort());
    if (mode === "stalled") await context.route("**/read-worker.js", () => {});
    await page.goto(server.url + "/repurchase");
    await ready(page);
    await importFile(page, file, { timeout: 60000 });
    // buyer_0 … buyer_999; every row a paid order of its own.
    assert.equal(await metric(page, "buyers"), 1000);
    assert.equal(await metric(page, "orders"), 250000);
    assert.ok(asked.some((u) => u.endsWith("/read-worker.js")), `the helper was asked for (${mode})`);
    assert.equal(served.some(([u, status]) => u.endsWith("/read-worker.js") && status === 200), helper);
    assert.equal(await page.locator('[data-testid="import-notice"]').count(), 0);
    if (helper) assert.deepEqual(errors, []);
    await context.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

// Imports 4,000 orders into the repurchase page with the engine worker's
// calculations held up for 1.5 s each (busy, as with a million rows), so
// the worker still owes the page the whole table for that long.
async function importWithHeldCalculation() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-"));
  const first = path.join(dir, "orders-4k.csv");
  execFileSync("python3", [path.join(repo, "bench/gen.py"), "orders", "4000", first]);
  const { page, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  await metric(page, "buyers");
  const [engine] = page.workers().filter((w) => w.url().includes("opscalc-worker"));
  await engine.evaluate(() => {
    const handle = self.onmessage;
    self.onmessage = (e) => {
      if (e.data?.type === "call") {
        const until = Date.now() + 1500;
        while (Date.now() < until) { /* busy */ }
      }
      return handle(e);
    };
  });
  await importFile(page, first);
  return { page, context, engine, dir };
}

test("Cancel while an earlier import's table is still on its way keeps that table whole", async () => {
  // An import's first answer carries only its preview; the worker sends
  // the whole table after answering the first calculation. Here that
  // calculation is held up (the worker is kept busy for 1.5 s), and a
  // second import starts and is cancelled meanwhile: stopping the worker
  // then would lose the first table, and a later worker could not be
  // given it. The worker is stopped once the table has come.
  const { page, context, engine, dir } = await importWithHeldCalculation();
  // Its first calculation is held up in the worker: import the big file
  // and cancel that.
  await page.setInputFiles('[data-testid="file-input"]', big);
  // The first table is still owed (the worker is busy for 1.5 s), so the
  // worker may not stop yet; it does once the table has come.
  const closed = engine.waitForEvent("close", { timeout: 20000 });
  assert.equal(await page.evaluate(() => window.opscalcLastTable), undefined, "the table had not come yet");
  await page.locator('[data-testid="import-cancel"]').click();
  await page.locator('[data-testid="import-notice"]').waitFor();
  await closed;
  assert.ok(await page.evaluate(() => window.opscalcLastTable), "the table came before the worker stopped");
  const buyers = await metric(page, "buyers");
  assert.ok(buyers > 500, String(buyers));
  // A changed setting, then the old one again: answered by a new worker,
  // which must have been given the whole table.
  const lookback = page.locator('[data-testid="lookback"]');
  const was = await lookback.inputValue();
  for (const v of [String(Number(was) + 7), was]) {
    await lookback.fill(v);
    await lookback.dispatchEvent("change");
    await metric(page, "buyers");
  }
  assert.equal(await page.locator('[data-testid="calc-error"]').count(), 0);
  assert.equal(await metric(page, "buyers"), buyers);
  assert.equal(page.workers().filter((w) => w.url().includes("opscalc-worker")).length, 1);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

test("a new import while the worker still owes a table is read, not dropped", async () => {
  // As above, the first calculation is held up; a second import starts,
  // and a third (another file) replaces it: the third must be read.
  const { page, context, dir } = await importWithHeldCalculation();
  await page.setInputFiles('[data-testid="file-input"]', big);
  await page.locator('[data-testid="import-progress"]').waitFor();
  await importFile(page, fixture("orders-small.csv"));
  assert.equal(await metric(page, "buyers"), 3);
  assert.equal(await page.locator('[data-testid="import-progress"]').count(), 0);
  await context.close();
  fs.rmSync(dir, { recursive: true, force: true });
});
