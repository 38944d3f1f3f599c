// Hostile files through the real file input: each gives its defined
// message, the previous data stays, and the page still works afterwards.
// Cell content that looks like markup or script is shown as text and never
// runs. The same files' CLI messages are tested in crates/cli/tests/hostile_cli.rs.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { startServer, launch, openPage, ready, shots, offsite, metric, repo, summaryNames } from "./helpers.mjs";

let server, browser, tmp;
before(async () => {
  server = await startServer();
  browser = await launch();
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-hostile-"));
});
after(async () => {
  await browser?.close();
  server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const hostile = (name) => path.join(repo, "tests/hostile", name);
// Files too big to commit are written at test time.
function generated(name, content) {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, content);
  return p;
}

async function upload(page, file) {
  await page.setInputFiles('[data-testid="file-input"]', file);
}

async function importError(page) {
  const el = page.locator('[data-testid="import-error"]');
  await el.waitFor({ timeout: 30000 });
  return el.textContent();
}

test("unreadable files give their message, keep the data, and the page still works", async () => {
  const { page, errors, requests, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155); // the sample

  const cases = [
    [hostile("empty.csv"), "empty.csv: the file is empty: no header row"],
    [hostile("bom-only.csv"), "bom-only.csv: the file is empty: no header row"],
    [
      hostile("nul-bytes.csv"),
      "nul-bytes.csv: row 3, column 买家会员名: the file contains NUL bytes, so it is not a text table (a binary file, or UTF-16 saved without a BOM?); choose the encoding or save it again as CSV",
    ],
    [
      generated("wide.csv", Array(10000).fill("h").join(",") + "\n"),
      "wide.csv: row 1: 10000 columns; at most 4096 are supported (is this really a table?)",
    ],
    [
      generated("line.csv", Buffer.alloc(50 << 20, "x")),
      "line.csv: row 1: header 1 is 52428800 bytes long; at most 1024 are supported (is this really a table?)",
    ],
  ];
  for (const [file, message] of cases) {
    await upload(page, file);
    await page.locator('[data-testid="import-error"]', { hasText: message }).waitFor({ timeout: 30000 });
    assert.equal(await importError(page), message);
    // The previous data (the sample) stays and still computes.
    assert.match(await page.textContent('[data-testid="data-summary"]'), /sample|示例/i);
    assert.equal(await metric(page, "buyers"), 155);
  }
  await page.screenshot({ path: path.join(shots, "hostile-error.png"), fullPage: false });

  // A good file imports next, and the message goes away.
  await upload(page, path.join(repo, "tests/fixtures/orders-small.csv"));
  await summaryNames(page, "orders-small.csv");
  assert.equal(await page.locator('[data-testid="import-error"]').count(), 0);
  assert.equal(await metric(page, "buyers"), 3);
  assert.equal(await metric(page, "repeat_buyers"), 2);
  assert.deepEqual(offsite(requests, server.url), []);
  assert.deepEqual(errors, []);
  await context.close();
});

// A real zip bomb: 1,100 entries that each inflate to 1 MiB of zeros
// (about 1 MB on disk), with the sizes declared up front as Excel writes
// them. One entry is compressed once and repeated, as bombs are made
// (Python's zipfile would compress 1.1 GB, half a minute on this machine).
function zipBomb(name) {
  const entries = [["xl/workbook.xml", Buffer.from("<workbook/>")]];
  for (let i = 0; i < 1100; i++) entries.push([`xl/media/pad${i}.bin`, null]);
  const zeros = Buffer.alloc(1 << 20);
  const packedZeros = zlib.deflateRawSync(zeros, { level: 9 });
  const zerosCrc = zlib.crc32(zeros);
  const local = [];
  const central = [];
  let offset = 0;
  for (const [entryName, data] of entries) {
    const nameBytes = Buffer.from(entryName);
    const packed = data ? zlib.deflateRawSync(data) : packedZeros;
    const fields = Buffer.alloc(26);
    fields.writeUInt16LE(20, 0); // version needed
    fields.writeUInt16LE(0, 2); // flags: sizes are in the header
    fields.writeUInt16LE(8, 4); // deflate
    fields.writeUInt16LE(0, 6); // time
    fields.writeUInt16LE(0x21, 8); // 1980-01-01
    fields.writeUInt32LE(data ? zlib.crc32(data) : zerosCrc, 10);
    fields.writeUInt32LE(packed.length, 14);
    fields.writeUInt32LE(data ? data.length : zeros.length, 18);
    fields.writeUInt16LE(nameBytes.length, 22);
    fields.writeUInt16LE(0, 24);
    const sig = (n) => { const b = Buffer.alloc(4); b.writeUInt32LE(n); return b; };
    local.push(sig(0x04034b50), fields, nameBytes, packed);
    // Comment length, disk, attributes (all 0), then the header's offset.
    const tail = Buffer.alloc(14);
    tail.writeUInt32LE(offset, 10);
    central.push(sig(0x02014b50), Buffer.from([20, 0]), fields, tail, nameBytes);
    offset += 30 + nameBytes.length + packed.length;
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return generated(name, Buffer.concat([...local, cd, end]));
}

test("a zip-bomb XLSX is refused in the reader's language, naming the file", async () => {
  const bomb = zipBomb("炸弹.xlsx");
  assert.ok(fs.statSync(bomb).size < 2 << 20, `${fs.statSync(bomb).size} bytes`);
  const { page, errors, requests, context } = await openPage(browser, server.url, { locale: "zh-CN" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155); // the sample
  await upload(page, bomb);
  const cases = [
    ["zh-CN", "炸弹.xlsx：电子表格解压后会有 1,100 MB，超过 1,024 MB 的上限（是压缩炸弹吗？）。"],
    ["zh-TW", "炸弹.xlsx：試算表解壓縮後會有 1,100 MB，超過 1,024 MB 的上限（是壓縮炸彈嗎？）。"],
    ["en", "炸弹.xlsx: the spreadsheet would unpack to 1100 MB, over the 1024 MB limit (a zip bomb?)"],
  ];
  for (const [tag, message] of cases) {
    await page.selectOption('[data-testid="lang-switch"]', tag);
    await page.locator('[data-testid="import-error"]', { hasText: message }).waitFor({ timeout: 30000 });
    assert.equal((await importError(page)).trim(), message, tag);
    await page.locator('[data-testid="import-error"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, `hostile-zip-bomb-${tag}.png`), fullPage: false });
  }
  // The sample stays and still computes.
  assert.equal(await metric(page, "buyers"), 155);
  assert.deepEqual(offsite(requests, server.url), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("readable hostile files compute and name the problem in the data-quality panel", async () => {
  const { page, errors, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  const cases = [
    ["invalid-utf8.csv", "invalid-utf8.csv: the file is not valid UTF-8 or GBK; undecodable bytes (first at row 3) were replaced by \uFFFD", 2],
    ["mixed-encodings.csv", "mixed-encodings.csv: the file is not valid UTF-8 or GBK; undecodable bytes (first at row 3) were replaced by \uFFFD", 2],
    ["unbalanced-quote.csv", "unbalanced-quote.csv: the file has an unbalanced quote; rows after it may be merged into one cell", 1],
    ["duplicate-headers.csv", 'duplicate-headers.csv: row 1 repeats column names; renamed "实付金额 (2)" (another "实付金额")', 2],
    [
      "formulas-errors.xlsx",
      "formulas-errors.xlsx: 2 cells hold spreadsheet errors (first: row 3, column 实付金额: #DIV/0!); they are read as text, so they count as unreadable values",
      2,
    ],
    ["dates-1900-9999.csv", "the orders span more than 1200 months (a placeholder date such as 9999-12-31?); the cohort matrix is left out", 2],
  ];
  for (const [name, warning, buyers] of cases) {
    await upload(page, hostile(name));
    await summaryNames(page, name);
    await page.locator('[data-testid="warnings"] li', { hasText: warning }).waitFor({ timeout: 15000 });
    assert.equal(await metric(page, "buyers"), buyers, name);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("markup and script in cells are shown as text and never run", async () => {
  const { page, errors, requests, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/repurchase");
  await ready(page);
  await upload(page, hostile("html-script.csv"));
  await summaryNames(page, "html-script.csv");
  // Open every panel so the preview and the drill-down render the cells.
  await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  const preview = page.locator("table.preview");
  await preview.locator("td", { hasText: "<img src=x onerror=window.__pwned=1>" }).first().waitFor();
  await preview.locator("td", { hasText: "<script>window.__pwned=1</script>" }).first().waitFor();
  // The buyers drill-down lists the same names as text.
  await page.locator('[data-testid="drill-repeat"]').check();
  await page.getByText("<img src=x onerror=window.__pwned=1>").nth(1).waitFor();
  // Give an injected handler every chance to fire.
  await page.waitForTimeout(500);
  assert.equal(await page.evaluate(() => typeof window.__pwned), "undefined");
  assert.equal(await page.locator('img[src="x"]').count(), 0);
  assert.equal(
    await page.evaluate(() => [...document.scripts].filter((s) => s.textContent.includes("__pwned")).length),
    0,
  );
  // The markup never became a request for "x".
  assert.deepEqual(requests.filter((u) => u.endsWith("/x")), []);
  assert.deepEqual(offsite(requests, server.url), []);
  assert.deepEqual(errors, []);
  await page.screenshot({ path: path.join(shots, "hostile-markup.png"), fullPage: false });
  await context.close();
});
