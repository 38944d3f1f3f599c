// Exports, checked by their contents: result and table CSV (parsed back,
// formula cells guarded), XLSX (unzipped and read back), chart PNG (header
// and size) and SVG (well-formed), the printed report of every calculator
// (PDF text, rendered to PNG for a look), and manual mode's share link.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { execFileSync } from "node:child_process";
import { openPage, ready, metric, shots, serveAndLaunch } from "./helpers.mjs";

const env = serveAndLaunch();

async function download(page, button) {
  const [d] = await Promise.all([page.waitForEvent("download", { timeout: 15000 }), button.click()]);
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(await d.path()) };
}

// RFC 4180 CSV, enough for our files.
function parseCsv(text) {
  const rows = [];
  let row = [], cell = "", quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\r") { /* CRLF */ }
    else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
    else cell += c;
  }
  if (cell || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

// The entries of a ZIP file, from its central directory.
function unzip(buf) {
  let end = buf.length - 22;
  while (end >= 0 && buf.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, "no end of central directory");
  const count = buf.readUInt16LE(end + 10);
  let at = buf.readUInt32LE(end + 16);
  const out = {};
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(at), 0x02014b50);
    const method = buf.readUInt16LE(at + 10);
    const size = buf.readUInt32LE(at + 20);
    const nameLen = buf.readUInt16LE(at + 28), extra = buf.readUInt16LE(at + 30), comment = buf.readUInt16LE(at + 32);
    const local = buf.readUInt32LE(at + 42);
    const name = buf.toString("utf8", at + 46, at + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + size);
    out[name] = (method === 8 ? zlib.inflateRawSync(data) : data).toString("utf8");
    at += 46 + nameLen + extra + comment;
  }
  return out;
}

// Sheet 1 as rows of {ref, type, style, value}.
function sheetCells(xlsx) {
  const files = unzip(xlsx);
  assert.ok(files["[Content_Types].xml"] && files["xl/workbook.xml"], Object.keys(files).join());
  const xml = files["xl/worksheets/sheet1.xml"];
  const cells = {};
  for (const m of xml.matchAll(/<c r="([A-Z]+\d+)"([^>]*)>(.*?)<\/c>/g)) {
    const attrs = m[2];
    const t = /t="(\w+)"/.exec(attrs)?.[1] ?? "n";
    const s = /s="(\d+)"/.exec(attrs)?.[1] ?? "0";
    const raw = t === "inlineStr" ? /<t[^>]*>(.*?)<\/t>/s.exec(m[3])[1] : /<v>(.*?)<\/v>/.exec(m[3])[1];
    const value = raw.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
    cells[m[1]] = { type: t, style: s, value: t === "n" ? Number(value) : value };
  }
  return cells;
}

const HOSTILE = ["订单号\t买家ID\t付款时间\t实付金额", "1\t=HYPERLINK(\"http://x\",\"y\")\t2024-03-01\t10", "2\t=HYPERLINK(\"http://x\",\"y\")\t2024-03-09\t20", "3\t@SUM(A1)\t2024-03-02\t-5", "4\t+cmd\t2024-03-03\t7"].join("\n");

test("results and tables export to CSV (formula-guarded) and XLSX with the shown values", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  const rate = await metric(page, "user_repurchase_rate");

  // The headline results.
  const csv = await download(page, page.locator('[data-testid="results-csv"]'));
  assert.equal(csv.name, "repurchase-results.csv");
  const text = csv.bytes.toString("utf8");
  assert.ok(text.startsWith("\uFEFF"), "BOM for Excel");
  const rows = parseCsv(text.slice(1));
  assert.deepEqual(rows[0].slice(0, 3), ["key", "Metric", "Value"]);
  const byKey = Object.fromEntries(rows.slice(1).map((r) => [r[0], r]));
  assert.equal(byKey.buyers[2], "155");
  assert.equal(byKey.user_repurchase_rate[2], `${(rate * 100).toFixed(1)}%`);
  assert.match(byKey.user_repurchase_rate[3], /^repeat buyers \/ buyers = \d+ \/ 155 = /);

  const xlsx = await download(page, page.locator('[data-testid="results-xlsx"]'));
  assert.equal(xlsx.name, "repurchase-results.xlsx");
  const cells = sheetCells(xlsx.bytes);
  assert.equal(cells.A1.value, "key");
  const rowOf = (key) => Object.entries(cells).find(([ref, c]) => ref.startsWith("A") && c.value === key)[0].slice(1);
  assert.deepEqual(cells[`C${rowOf("buyers")}`], { type: "n", style: "0", value: 155 });
  const r = cells[`C${rowOf("user_repurchase_rate")}`];
  assert.equal(r.style, "1"); // the percent format
  assert.ok(Math.abs(r.value - rate) < 1e-12);

  // A pasted table whose buyer ids are formulas.
  await page.locator("details.paste summary").click();
  await page.locator('[data-testid="paste-area"]').fill(HOSTILE);
  await page.locator('[data-testid="paste-use"]').click();
  assert.equal(await metric(page, "buyers"), 3);
  await page.locator('[data-testid="show-rows"]').click();
  // The buyers are asked of the engine when the drill-down opens.
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="buyers-table"] tbody tr').length === 3);
  const table = page.locator("details.drill .data-table").first();
  const tcsv = await download(page, table.getByRole("button", { name: "Download CSV" }));
  assert.equal(tcsv.name, "buyers.csv");
  const trows = parseCsv(tcsv.bytes.toString("utf8").slice(1));
  const buyers = trows.slice(1).map((r) => r[0]).sort();
  // Guarded: each opens as text in a spreadsheet, not as a formula.
  assert.deepEqual(buyers, ["'+cmd", "'=HYPERLINK(\"http://x\",\"y\")", "'@SUM(A1)"].sort());
  const hyper = trows.find((r) => r[0].startsWith("'="));
  assert.equal(hyper[1], "2"); // orders
  const txlsx = await download(page, table.getByRole("button", { name: "Download XLSX" }));
  assert.equal(txlsx.name, "buyers.xlsx");
  const tc = sheetCells(txlsx.bytes);
  const texts = Object.entries(tc).filter(([ref]) => /^A\d+$/.test(ref) && ref !== "A1").map(([, c]) => c);
  // In XLSX they are inline strings: text, never formulas, no quote needed.
  assert.deepEqual(texts.map((c) => c.value).sort(), ["+cmd", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)"].sort());
  assert.ok(texts.every((c) => c.type === "inlineStr"));
  assert.ok(!/<f>/.test(unzip(txlsx.bytes)["xl/worksheets/sheet1.xml"]));
  const hyperRow = Object.entries(tc).find(([, c]) => c.value === "=HYPERLINK(\"http://x\",\"y\")")[0].slice(1);
  assert.deepEqual(tc[`B${hyperRow}`], { type: "n", style: "0", value: 2 });
  assert.deepEqual(tc[`F${hyperRow}`], { type: "n", style: "0", value: 30 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("charts export to PNG (2x, white) and well-formed SVG", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  const panel = page.locator("section.panel").filter({ has: page.locator("#chart-periods") });
  const png = await download(page, panel.getByRole("button", { name: "Download PNG" }));
  assert.equal(png.name, "chart-periods.png");
  assert.deepEqual([...png.bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.equal(png.bytes.toString("ascii", 12, 16), "IHDR");
  // The chart's viewBox is 640 x 260; the PNG is twice that.
  assert.equal(png.bytes.readUInt32BE(16), 1280);
  assert.equal(png.bytes.readUInt32BE(20), 520);
  assert.ok(png.bytes.length > 5000, `${png.bytes.length} bytes: the chart was drawn`);
  fs.writeFileSync(path.join(shots, "chart-periods.png"), png.bytes);
  // White background: the top-left pixel, decoded in the browser.
  const corner = await page.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width; c.height = img.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(img, 0, 0);
    const px = (x, y) => [...ctx.getImageData(x, y, 1, 1).data];
    let dark = 0;
    const d = ctx.getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4) if (d[i] < 128 && d[i + 1] < 128) dark++;
    return { corner: px(1, 1), dark };
  }, png.bytes.toString("base64"));
  assert.deepEqual(corner.corner, [255, 255, 255, 255]);
  assert.ok(corner.dark > 500, "axes and labels are drawn");

  const svg = await download(page, panel.getByRole("button", { name: "Download SVG" }));
  assert.equal(svg.name, "chart-periods.svg");
  const parsed = await page.evaluate((t) => {
    const doc = new DOMParser().parseFromString(t, "image/svg+xml");
    return { error: doc.getElementsByTagName("parsererror").length, root: doc.documentElement.nodeName, paths: doc.getElementsByTagName("path").length };
  }, svg.bytes.toString("utf8"));
  assert.deepEqual(parsed, { error: 0, root: "svg", paths: 1 });
  assert.deepEqual(errors, []);
  await context.close();
});

const PAGES = [
  // "Data quality" is the last panel, far below the first screen: print
  // lays out what the screen skips (content-visibility, style/main.css).
  ["/repurchase", "Repurchase", ["Buyers", "Repeat buyers", "Per period", "Data quality"]],
  ["/lifecycle", "Return & lifecycle", ["Reflow rate", "Lifecycle stages"]],
  ["/sell-through", "Sell-through", ["Sell-through"]],
  ["/traffic", "Traffic quality", ["Benchmarks and diagnosis"]],
];

test("Print gives a clean report of every calculator", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  for (const [route, title, texts] of PAGES) {
    await page.goto(env.server.url + route);
    await ready(page);
    await page.locator('[data-testid="print"]').waitFor();
    // The page's route chunk and the samples arrive after the first paint:
    // print what a person sees once the numbers are there.
    await page.waitForFunction(() => document.querySelector("[data-metric]")?.dataset.value !== undefined && !document.querySelector('[aria-busy="true"]'));
    const name = route.slice(1);
    const pdf = path.join(shots, `print-${name}.pdf`);
    await page.pdf({ path: pdf, format: "A4", printBackground: true });
    const info = execFileSync("pdfinfo", [pdf]).toString();
    const pages = Number(/Pages:\s+(\d+)/.exec(info)[1]);
    assert.ok(pages >= 1 && pages <= 12, `${route}: ${pages} pages`);
    const text = execFileSync("pdftotext", ["-layout", pdf, "-"]).toString();
    // The report opens with its header.
    assert.match(text.trimStart().split("\n")[0], new RegExp(`OpsCalc report · ${title}`), route);
    assert.match(text, /Data files: sample-/, route);
    assert.match(text, /Date: \d{4}-\d{2}-\d{2}/, route);
    for (const t of texts) assert.ok(text.includes(t), `${route}: ${t}`);
    // No controls on paper.
    for (const t of ["Download CSV", "Download XLSX", "Print report", "Load sample data", "Show SQL"]) assert.ok(!text.includes(t), `${route}: ${t} printed`);
    execFileSync("pdftoppm", ["-png", "-r", "60", "-f", "1", "-l", "2", pdf, path.join(shots, `print-${name}`)]);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("manual mode shares typed totals in the URL fragment, and the link fills them in", async () => {
  const { page, context, errors, requests } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await page.locator('[data-testid="manual-tab"]').click();
  await page.locator('[data-testid="manual-buyers"]').fill("500");
  await page.locator('[data-testid="manual-repeat_buyers"]').fill("125");
  await page.locator('[data-testid="share-link"]').click();
  const url = await page.locator('[data-testid="share-url"]').inputValue();
  assert.equal(url, `${env.server.url}/repurchase#m=repurchase&buyers=500&repeat_buyers=125&orders=1210&returning_buyers=310`);
  // The fragment is never sent: no request carried the numbers.
  assert.ok(requests.every((u) => !u.includes("buyers=500")));

  const other = await context.newPage();
  await other.goto(url);
  await ready(other);
  assert.equal(await other.locator('[data-testid="manual-buyers"]').inputValue(), "500");
  assert.equal(await metric(other, "user_repurchase_rate"), 0.25);
  await other.screenshot({ path: path.join(shots, "share-opened.png") });

  // Anything but plain numbers for known fields is ignored.
  await other.goto(`${env.server.url}/traffic#m=traffic&pv=900&uv=%3Cimg%3E&raw=a,b`);
  await ready(other);
  assert.equal(await other.locator('[data-testid="manual-pv"]').inputValue(), "900");
  assert.equal(await other.locator('[data-testid="manual-uv"]').inputValue(), "3000");
  assert.deepEqual(errors, []);
  await context.close();
});
