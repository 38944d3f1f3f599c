// One exercise per family: the test works out the answer from the table
// shown, by its own arithmetic (not the app's), types a wrong answer, then
// the right one, and checks the feedback and the revealed working.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPage, ready, shots, serveAndLaunch, fullPageShot } from "./helpers.mjs";

const env = serveAndLaunch();

async function readTable(page) {
  return page.$$eval('[data-testid="practice-table"] tbody tr', (trs) =>
    trs.map((tr) => [...tr.querySelectorAll("td")].slice(1).map((td) => td.textContent.trim())),
  );
}

const day = (s) => Date.parse(s.slice(0, 10) + "T00:00:00Z") / 86400000;

// The expected value in the units the learner types (percent for rates).
function solve(q, rows) {
  const metric = q.metric;
  if (q.family === "repurchase") {
    const per = new Map();
    for (const [order, buyer] of rows) {
      if (!per.has(buyer)) per.set(buyer, new Set());
      per.get(buyer).add(order);
    }
    const buyers = per.size;
    const orders = [...per.values()].reduce((a, s) => a + s.size, 0);
    const repeat = [...per.values()].filter((s) => s.size >= 2).length;
    return metric === "user_repurchase_rate" ? (100 * repeat) / buyers : (100 * (orders - buyers)) / orders;
  }
  if (q.family === "lifecycle") {
    const from = day(q.from), to = day(q.to), n = Number(q.churnDays);
    const users = new Map();
    for (const [u, d] of rows) {
      if (!users.has(u)) users.set(u, []);
      users.get(u).push(day(d));
    }
    let churned = 0, back = 0;
    for (const ds of users.values()) {
      const before = ds.filter((d) => d < from);
      if (!before.length) continue;
      if (Math.max(...before) <= from - n) {
        churned++;
        if (ds.some((d) => d >= from && d <= to)) back++;
      }
    }
    return (100 * back) / churned;
  }
  if (q.family === "sell-through") {
    const online = rows.filter((r) => r[1] === "出售中");
    if (metric === "sell_through_rate") return (100 * online.filter((r) => Number(r[2]) > 0).length) / online.length;
    return (100 * rows.filter((r) => Number(r[2]) === 0).length) / rows.length;
  }
  const mine = rows.filter((r) => r[1] === q.channel);
  const sum = (i) => mine.reduce((a, r) => a + Number(r[i].replace(/,/g, "")), 0);
  if (metric === "bounce_rate") return (100 * sum(5)) / sum(4);
  if (metric === "visit_depth") return sum(2) / sum(4);
  if (metric === "conversion_rate") return (100 * sum(6)) / sum(3);
  return sum(7) / sum(6); // aov
}

for (const [family, seed] of [["repurchase", 42], ["lifecycle", 7], ["sell-through", 2024], ["traffic", 5]]) {
  test(`practice ${family}: a wrong answer, then the right one, then the working`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "en-US" });
    await page.goto(`${env.server.url}/practice?family=${family}&seed=${seed}`);
    await ready(page);
    const qEl = page.locator('[data-testid="practice-question"]');
    await qEl.waitFor();
    const q = await qEl.evaluate((e) => ({ ...e.dataset }));
    assert.equal(q.family, family);
    const rows = await readTable(page);
    assert.ok(rows.length >= 10 && rows.length <= 30, `${rows.length} rows`);
    const expected = solve(q, rows);
    assert.ok(Number.isFinite(expected));
    const pct = q.metric.endsWith("_rate");
    const fmt = (v) => v.toFixed(pct ? 1 : 2);

    // Wrong: 5 points (or units) off.
    await page.fill('[data-testid="practice-answer"]', fmt(expected + 5));
    await page.click('[data-testid="practice-check"]');
    const fb = page.locator('[data-testid="practice-feedback"]');
    await fb.waitFor();
    assert.equal(await fb.getAttribute("data-correct"), "false");
    assert.match(await fb.textContent(), /Off by \+5\.0/);
    assert.equal(await page.locator("tr.counts").count(), 0, "rows are not highlighted before the answer");

    // Right, rounded as the hint asks.
    await page.fill('[data-testid="practice-answer"]', fmt(expected));
    await page.click('[data-testid="practice-check"]');
    await page.locator('[data-testid="practice-feedback"][data-correct="true"]').waitFor();
    const working = page.locator('[data-testid="practice-working"]');
    await working.waitFor();
    const answer = Number(await working.locator('[data-step="answer"]').getAttribute("data-value"));
    assert.ok(Math.abs((pct ? answer * 100 : answer) - expected) < 1e-6);
    assert.ok((await page.locator("tr.counts").count()) > 0, "rows that count are highlighted");
    await fullPageShot(page, path.join(shots, `practice-${family}.png`));
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the seed is in the URL and a new exercise changes it", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "zh-CN" });
  await page.goto(`${env.server.url}/practice?family=traffic&seed=11`);
  await ready(page);
  // Under load the exercise's rows come a moment after the page is ready.
  await page.locator('[data-testid="practice-table"] tbody tr').first().waitFor();
  const first = await readTable(page);
  await page.click('[data-testid="practice-new"]');
  await page.waitForFunction(() => !location.search.includes("seed=11"));
  assert.match(page.url(), /family=traffic&seed=\d+/);
  assert.notDeepEqual(await readTable(page), first);
  // The same link gives the same table.
  await page.goto(`${env.server.url}/practice?family=traffic&seed=11`);
  await ready(page);
  await page.locator('[data-testid="practice-table"] tbody tr').first().waitFor();
  assert.deepEqual(await readTable(page), first);
  await context.close();
});
