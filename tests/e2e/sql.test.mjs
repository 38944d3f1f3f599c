// The "Show SQL" panel: each calculator shows its metrics as one query with
// the user's own column names and settings, in DuckDB and Spark dialects.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPage, ready, shots, offsite, serveAndLaunch } from "./helpers.mjs";

const env = serveAndLaunch();

async function openSql(page) {
  const panel = page.locator('[data-testid="sql-panel"]');
  await panel.locator("summary").click();
  await page.locator('[data-testid="sql-text"]').waitFor();
  return page.locator('[data-testid="sql-text"]');
}

test("show SQL: the user's column names and settings, both dialects, on every calculator", async () => {
  const { page, requests, errors } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/repurchase?merge=1&lookback=30");
  await ready(page);
  const sql = await openSql(page);
  let text = await sql.textContent();
  // The sample's own Chinese headers, quoted for DuckDB, and the settings.
  assert.match(text, /read_csv\('sample-orders\.csv'/);
  assert.match(text, /"买家会员名"/);
  assert.match(text, /"订单付款时间"/);
  assert.match(text, /SELECT DISTINCT buyer, day FROM bo/);
  assert.match(text, /b\.d_from - 30/);
  assert.match(text, /AS user_repurchase_rate/);
  await page.locator('[data-testid="sql-panel"]').scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(shots, "sql-panel-duckdb.png"), fullPage: false });

  await page.click('[data-testid="sql-spark"]');
  await page.waitForFunction(() => document.querySelector('[data-testid="sql-text"]').textContent.includes("TEMPORARY VIEW"));
  text = await sql.textContent();
  assert.match(text, /`买家会员名`/);
  await page.screenshot({ path: path.join(shots, "sql-panel-spark.png"), fullPage: false });

  for (const [route, key] of [["/lifecycle", "stage_churned_share"], ["/sell-through", "sell_through_rate"], ["/traffic", "bounce_rate"]]) {
    await page.goto(env.server.url + route);
    await ready(page);
    const s = await openSql(page);
    assert.match(await s.textContent(), new RegExp(`AS ${key}`), route);
  }
  assert.deepEqual(errors, []);
  assert.deepEqual(offsite(requests, env.server.url), []);
});
