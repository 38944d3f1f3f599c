// Route-level code splitting (issue 11): the home page loads the main wasm
// only; a page's code is a chunk fetched when it is first opened, and deep
// links, back/forward and the language switch work across chunks.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPage, ready, shots, offsite, metric, serveAndLaunch } from "./helpers.mjs";

const env = serveAndLaunch();
// Files the post-build hook adds (scripts/post_build.py): route chunks and
// the sample files the app fetches at start.
const chunk = (u) => /\/(split_[^/]*|chunk_\d+-[0-9a-f]{16})\.wasm$/.test(new URL(u).pathname);
const h1 = (page) => page.locator("main h1").first().textContent();

test("the home page fetches no route chunk; a page fetches its own", async () => {
  const { page, requests, errors, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/");
  await ready(page);
  assert.equal(await h1(page), "运营计算器");
  // The samples arrive after the first paint, from this server.
  await page.waitForResponse((r) => r.url().endsWith("/samples/orders.csv"), { timeout: 15000 }).catch(() => {});
  assert.deepEqual(requests.filter(chunk), [], "home must not load a route chunk");
  assert.ok(requests.some((u) => u.endsWith("/samples/traffic.csv")), "samples are fetched at start");
  await page.locator('header.nav a[href="/traffic"]').click();
  await page.locator("main h1", { hasText: "流量质量" }).waitFor({ timeout: 15000 });
  await ready(page);
  const traffic = requests.filter(chunk);
  assert.ok(traffic.some((u) => /split___traffic_route_view_/.test(u)), `traffic chunk fetched: ${traffic}`);
  assert.deepEqual(offsite(requests, env.server.url), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a deep link opens a split page with the sample's numbers", async () => {
  const { page, errors, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  assert.equal(await h1(page), "复购率");
  assert.deepEqual(errors, []);
  await context.close();
});

test("back, forward and the language switch across split pages", async () => {
  const { page, errors, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await page.locator('header.nav a[href="/traffic"]').click();
  await page.locator("main h1", { hasText: "流量质量" }).waitFor({ timeout: 15000 });
  await page.goBack();
  await page.locator("main h1", { hasText: "复购率" }).waitFor({ timeout: 15000 });
  assert.equal(await metric(page, "buyers"), 155);
  await page.goForward();
  await page.locator("main h1", { hasText: "流量质量" }).waitFor({ timeout: 15000 });
  await page.selectOption('[data-testid="lang-switch"]', "en");
  await page.locator("main h1", { hasText: "Traffic quality" }).waitFor({ timeout: 15000 });
  await page.goBack();
  await page.locator("main h1", { hasText: "Repurchase" }).waitFor({ timeout: 15000 });
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  await page.screenshot({ path: path.join(shots, "split-back-en.png") });
  assert.deepEqual(errors, []);
  await context.close();
});
