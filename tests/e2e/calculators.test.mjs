// Each calculator used as a person would: the sample at once, a real file
// through the file input, a paste, settings, downloads, manual mode. Values
// are read from data-metric / data-value and were worked out by hand (see
// crates/core/tests/repurchase.rs for the orders fixture's arithmetic).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { openPage, ready, shots, offsite, metric, repo, serveAndLaunch, fullPageShot, summaryNames, importFile } from "./helpers.mjs";

const env = serveAndLaunch();

const fixture = (name) => path.join(repo, "tests/fixtures", name);
const close = (a, b) => Math.abs(a - b) < 1e-12;

test("repurchase: sample, GBK upload, settings in the URL, excluded rows download", async () => {
  const { page, requests, errors, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  // The built-in sample computes at once (values checked against `opscalc repurchase samples/orders.csv`).
  assert.equal(await metric(page, "buyers"), 155);
  assert.equal(await metric(page, "repeat_buyers"), 65);
  assert.equal(await metric(page, "orders"), 303);

  // Upload the GBK fixture through the real file input.
  await importFile(page, fixture("orders-small-gbk.csv"));
  assert.match(await page.textContent('[data-testid="data-summary"]'), /GB18030/);
  assert.equal(await metric(page, "buyers"), 3);
  assert.equal(await metric(page, "repeat_buyers"), 2);
  assert.ok(close(await metric(page, "user_repurchase_rate"), 2 / 3));
  assert.equal(await metric(page, "orders"), 5);
  assert.equal(await metric(page, "order_repurchase_rate"), 0.4);
  assert.equal(await metric(page, "buyback_rate"), null);
  assert.equal(await page.textContent('[data-testid="rows-read"]'), "10");
  assert.equal(await page.textContent('[data-testid="rows-used"]'), "6");
  // The formula shows the user's own numbers.
  const card = page.locator(".card", { has: page.locator('[data-metric="user_repurchase_rate"]') });
  assert.match(await card.locator(".metric-formula").textContent(), /复购买家数 \/ 买家数 = 2 \/ 3 = 66\.7%/);

  // Exclude refunded: bob's 1007 goes, so 4 orders and 1 repeat buyer.
  await page.check('[data-testid="exclude-refunded"]');
  await page.waitForFunction(() => document.querySelector('[data-metric="orders"]').dataset.value === "4");
  assert.equal(await metric(page, "repeat_buyers"), 1);
  assert.match(page.url(), /refunded=exclude/);

  // The excluded rows download lists each row with its reason.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.locator("button", { hasText: "下载排除行清单" }).click(),
  ]);
  const csv = fs.readFileSync(await download.path(), "utf8");
  assert.match(csv, /orders-small-gbk\.csv,6,订单状态,cancelled_or_unpaid/);
  assert.match(csv, /orders-small-gbk\.csv,9,,duplicate_row/);
  assert.match(csv, /orders-small-gbk\.csv,10,订单状态,refunded/);

  await page.screenshot({ path: path.join(shots, "repurchase-upload.png"), fullPage: false });
  assert.deepEqual(offsite(requests, env.server.url), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("repurchase: paste from Excel, a bad date is a clear message, manual mode", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/repurchase?from=2024-03-02");
  await ready(page);
  await page.locator("details.paste summary").click();
  await page.fill('[data-testid="paste-area"]', "Order ID\tCustomer ID\tPaid at\nA\tamy\t2024-03-01\nB\tamy\t2024-03-05\nC\tbob\t2024-03-06\n");
  await page.click('[data-testid="paste-use"]');
  await summaryNames(page, "pasted data");
  // The window starts on 03-02 (from the URL): amy's A is history, so amy is returning.
  assert.equal(await metric(page, "buyers"), 2);
  assert.equal(await metric(page, "returning_buyers"), 1);
  assert.equal(await metric(page, "buyback_rate"), 0.5);

  // A window that ends before it starts is a clear message, not a crash.
  await page.fill('[data-testid="to"]', "2024-03-01");
  await page.locator('[data-testid="calc-error"]').waitFor();
  assert.match(await page.textContent('[data-testid="calc-error"]'), /the window starts \(2024-03-02\) after it ends \(2024-03-01\)/);
  // The data is kept: fixing the field brings the results back.
  await page.fill('[data-testid="to"]', "2024-03-31");
  await page.fill('[data-testid="lookback"]', "3");
  await page.waitForFunction(() => document.querySelector('[data-metric="buyers"]')?.dataset.value === "2");
  // A 3-day lookback from 03-02 reaches back to 02-28: amy's 03-01 order is within it.
  assert.equal(await metric(page, "returning_buyers"), 1);
  await page.fill('[data-testid="from"]', "2024-03-05");
  // From 03-05 a 3-day lookback starts 03-02: amy's 03-01 order is too old,
  // and amy (03-05) and bob (03-06) are the window's buyers.
  await page.waitForFunction(() => document.querySelector('[data-metric="returning_buyers"]')?.dataset.value === "0");

  await page.click('[data-testid="manual-tab"]');
  await page.fill('[data-testid="manual-buyers"]', "883");
  await page.fill('[data-testid="manual-repeat_buyers"]', "240");
  await page.waitForFunction(() => document.querySelector('[data-metric="user_repurchase_rate"]')?.dataset.value?.startsWith("0.2718"));
  assert.ok(close(await metric(page, "user_repurchase_rate"), 240 / 883));
  await context.close();
});

test("lifecycle: uploaded activity gives the hand-worked reflow rate", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/lifecycle?from=2024-03-01&to=2024-03-31&churn=30");
  await ready(page);
  await page.locator('[data-metric="reflow_rate"]').waitFor();
  await importFile(page, fixture("activity-small.csv"), { kind: "Activity" });
  // Churned on 03-01 with 30 days: u1 (last 01-01), u2 (01-31, exactly 30
  // days before), u5 (01-15) -> 3. Only u1 came back in March -> 1/3.
  assert.equal(await metric(page, "churned_users"), 3);
  assert.equal(await metric(page, "reflowed_users"), 1);
  assert.ok(close(await metric(page, "reflow_rate"), 1 / 3));
  // Retention over all the data (last date 03-10). Month cohorts: 2024-01
  // {u1, u2, u5} active in Jan 3, Feb 0, Mar 1 (u1 on 03-10); 2024-02 {u3},
  // back in March; 2024-03 {u4}.
  const cell = (c, k) => page.locator(`[data-metric="retention_cohort"][data-cohort="${c}"][data-k="${k}"]`);
  assert.equal(await cell("2024-01", 0).getAttribute("data-value"), "1");
  assert.equal(await cell("2024-01", 1).getAttribute("data-value"), "0");
  assert.ok(close(Number(await cell("2024-01", 2).getAttribute("data-value")), 1 / 3));
  assert.equal(await cell("2024-02", 1).getAttribute("data-value"), "1");
  // Day 30: u3 (03-26) and u4 (04-01) lie beyond the data; u1 (01-31),
  // u2 (03-01) and u5 (02-14) were not active on their day 30: 0 / 3.
  assert.equal(await metric(page, "retention_day_30"), 0);
  const d30 = page.locator(".card", { has: page.locator('[data-metric="retention_day_30"]') });
  assert.match(await d30.locator(".metric-formula").textContent(), /= 0 \/ 3 = 0\.0%/);

  // Clicking a cohort cell drills down to its users: numerator and denominator.
  await cell("2024-01", 2).click();
  const summary = page.locator('[data-testid="retention-drill-summary"]');
  await summary.filter({ hasText: "1 / 3" }).waitFor();
  assert.match(await summary.textContent(), /首次活跃 2024-01，\+2 期: 已留存 \/ 可判断的用户 = 1 \/ 3/);
  const users = page.locator('[data-testid="retention-users"] tbody tr');
  assert.deepEqual(await users.allInnerTexts(), ["u1\t2024-01-01\t2024-03\t是", "u2\t2024-01-31\t2024-03\t否", "u5\t2024-01-15\t2024-03\t否"]);
  await page.check('[data-testid="drill-retained"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="retention-users"] tbody tr').length === 1);
  // Day-30 retention's rows, searched and downloaded.
  await page.check('[data-testid="drill-retention_day_30"]');
  await page.check('[data-testid="drill-judged"]');
  await summary.filter({ hasText: "0 / 3" }).waitFor();
  const drill = page.locator('[data-testid="retention-drill"]');
  await drill.locator('input[type="search"]').fill("u5");
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="retention-users"] tbody tr').length === 1);
  const [retDownload] = await Promise.all([page.waitForEvent("download"), drill.locator("button", { hasText: "下载 CSV" }).click()]);
  assert.equal(retDownload.suggestedFilename(), "留存-用户.csv");
  const retCsv = fs.readFileSync(await retDownload.path(), "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
  assert.equal(retCsv.length, 2);
  assert.equal(retCsv[1], "u5,2024-01-15,2024-02-14,否");
  await fullPageShot(page, path.join(shots, "lifecycle-retention.png"));

  // Lifecycle of this activity alone (the sample orders are not joined to
  // it): as of 03-10 with 30 churn days, u2 (01-31) and u5 (01-15) churned;
  // u1, u3, u4 have not bought: new.
  assert.equal(await metric(page, "stage_new"), 3);
  assert.equal(await metric(page, "stage_churned"), 2);
  assert.equal(await metric(page, "stage_growing"), 0);
  assert.ok(close(await metric(page, "stage_churned_share"), 0.4));
  const share = page.locator(".card", { has: page.locator('[data-metric="stage_churned_share"]') });
  assert.match(await share.locator(".metric-formula").textContent(), /流失期 \/ 全部用户 = 2 \/ 5 = 40\.0%/);
  // The churned list is the recall list an operator downloads.
  await page.locator('[data-testid="stage-drill"] summary').click();
  await page.check('[data-testid="stage-churned"]');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid="stage-users"] tbody tr').length === 2);
  const stagePanel = page.locator("section.panel", { has: page.locator('[data-testid="stage-users"]') });
  const [lcDownload] = await Promise.all([page.waitForEvent("download"), stagePanel.locator("button", { hasText: "下载 CSV" }).click()]);
  const lcCsv = fs.readFileSync(await lcDownload.path(), "utf8");
  assert.match(lcCsv, /u2,流失期,0,,2024-01-31/);
  assert.match(lcCsv, /u5,流失期,0,,2024-01-15/);
  assert.doesNotMatch(lcCsv, /u1,/);
  await page.screenshot({ path: path.join(shots, "lifecycle-upload.png"), fullPage: false });
  assert.deepEqual(errors, []);
  await context.close();
});

test("sell-through: sample, 10-SKU minimum in manual mode", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/sell-through");
  await ready(page);
  assert.equal(await metric(page, "online_skus"), 18);
  assert.equal(await metric(page, "warehouse_skus"), 6);
  assert.equal(await metric(page, "all_skus"), 24);
  await page.click('[data-testid="manual-tab"]');
  await page.fill('[data-testid="manual-online_skus"]', "10");
  await page.fill('[data-testid="manual-warehouse_skus"]', "2");
  await page.fill('[data-testid="manual-selling_online_skus"]', "7");
  await page.fill('[data-testid="manual-unsold_skus"]', "4");
  await page.waitForFunction(() => document.querySelector('[data-metric="sell_through_rate"]')?.dataset.value === "0.7");
  assert.ok(close(await metric(page, "unsold_rate"), 4 / 12));
  // 9 online SKUs is below the source's minimum: not available.
  await page.fill('[data-testid="manual-online_skus"]', "9");
  await page.fill('[data-testid="manual-unsold_skus"]', "3");
  await page.waitForFunction(() => document.querySelector('[data-metric="sell_through_rate"]')?.dataset.value === "");
  assert.match(await page.locator(".card", { has: page.locator('[data-metric="sell_through_rate"]') }).textContent(), /fewer than 10 online SKUs/);
  await context.close();
});

test("traffic: sample benchmarks and manual mode diagnosis", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/traffic");
  await ready(page);
  const bounce = await metric(page, "bounce_rate");
  assert.ok(bounce > 0 && bounce < 1);
  assert.ok((await metric(page, "roi")) > 0);
  await page.locator('[data-testid="decomposition"]').waitFor();
  const parts = await Promise.all(["due_to_uv", "due_to_conversion", "due_to_aov", "revenue_change"].map((k) => metric(page, k)));
  assert.ok(Math.abs(parts[0] + parts[1] + parts[2] - parts[3]) < 1e-6 * Math.abs(parts[3]));
  await page.screenshot({ path: path.join(shots, "traffic-en.png"), fullPage: false });

  await page.click('[data-testid="manual-tab"]');
  await page.fill('[data-testid="manual-pv"]', "7200");
  await page.fill('[data-testid="manual-visits"]', "3600");
  await page.fill('[data-testid="manual-bounced_visits"]', "2700");
  // depth 2.0 and bounce 75%: both miss the pass band.
  await page.waitForFunction(() => document.querySelector('[data-metric="visit_depth"]')?.dataset.value === "2");
  assert.equal(await metric(page, "bounce_rate"), 0.75);
  await page.locator('[data-diagnosis="fix_pages_first"]').waitFor();
  await context.close();
});

test("sell-through: an unknown status is asked about, never guessed", async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/sell-through");
  await ready(page);
  await importFile(page, fixture("products-unknown.csv"), { kind: "Products" });
  // 预售 is neither online nor warehouse: B01 waits for an answer.
  await page.locator('[data-testid="unknown-statuses"]').filter({ hasText: "预售" }).waitFor();
  assert.equal(await metric(page, "online_skus"), 10);
  assert.equal(await metric(page, "all_skus"), 11);
  await page.locator('[data-testid="unknown-statuses"] button', { hasText: "在线" }).click();
  await page.waitForFunction(() => document.querySelector('[data-metric="online_skus"]')?.dataset.value === "11");
  assert.equal(await metric(page, "all_skus"), 12);
  assert.equal(await page.locator('[data-testid="unknown-statuses"]').count(), 0);
  await context.close();
});

test("traffic: a page-view log is split into visits, and edited bands are remembered", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/traffic");
  await ready(page);
  await importFile(page, fixture("pageviews-small.csv"));
  // v1: 10:00, 10:10, 10:40 (exactly 30 min: same visit), 11:10:01 (new,
  // one page); v2 one page; v3 two pages. 7 views, 3 visitors, 4 visits,
  // 2 bounced: depth 7/4, bounce 2/4.
  assert.equal(await metric(page, "pv"), 7);
  assert.equal(await metric(page, "uv"), 3);
  assert.equal(await metric(page, "visits"), 4);
  assert.equal(await metric(page, "visit_depth"), 1.75);
  assert.equal(await metric(page, "bounce_rate"), 0.5);
  // A 60-minute gap joins v1's last view: 3 visits, 1 bounced.
  await page.fill('[data-testid="gap"]', "60");
  await page.locator('[data-testid="gap"]').dispatchEvent("change");
  await page.waitForFunction(() => document.querySelector('[data-metric="visits"]')?.dataset.value === "3");
  assert.ok(close(await metric(page, "bounce_rate"), 1 / 3));
  // Bounce 33.3% is "excellent" below 50%; with the excellent band edited
  // to 30% it is "good", and the edit survives a reload.
  await page.locator("details", { hasText: "Benchmark bands" }).locator("summary").click();
  const excellent = page.locator("label", { hasText: "bounce excellent" }).locator("input");
  await excellent.fill("30");
  await excellent.dispatchEvent("change");
  await page.locator('[data-benchmark="bounce_rate"][data-band="good"]').waitFor();
  await page.reload();
  await ready(page);
  await page.locator("details", { hasText: "Benchmark bands" }).locator("summary").click();
  assert.equal(await page.locator("label", { hasText: "bounce excellent" }).locator("input").inputValue(), "30.0");
  await context.close();
});
