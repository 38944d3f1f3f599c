// Opens every route as a person would, checks its content, screenshots it,
// and fails on any request that is not to the local server.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openPage, ready, shots, offsite, metric, serveAndLaunch, fullPageShot } from "./helpers.mjs";

const env = serveAndLaunch();

const routes = [
  ["/", "home", "运营计算器"],
  ["/repurchase", "repurchase", "用户复购率"],
  ["/lifecycle", "lifecycle", "流失用户数"],
  ["/sell-through", "sell-through", "在线宝贝数"],
  ["/traffic", "traffic", "跳失访问数"],
];

for (const [route, name, text] of routes) {
  test(`route ${route} renders in zh with no off-site request`, async () => {
    const { page, requests, errors, context } = await openPage(env.browser, env.server.url);
    await page.goto(env.server.url + route);
    await ready(page);
    await page.locator("h1, h2, .metric-name", { hasText: text }).first().waitFor({ timeout: 15000 });
    await fullPageShot(page, path.join(shots, `${name}-zh.png`));
    assert.deepEqual(offsite(requests, env.server.url), []);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("english, phone width, dark mode", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "en-US", width: 390, height: 844, colorScheme: "dark" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  await page.getByText("User repurchase rate").first().waitFor();
  // Sample data: every headline metric has a value or an explained n/a.
  assert.equal(await metric(page, "buyers"), 155);
  await page.screenshot({ path: path.join(shots, "repurchase-en-phone-dark.png"), fullPage: false });
  await context.close();
});

test("language choice is remembered across reloads", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "zh-CN" });
  await page.goto(env.server.url + "/");
  await ready(page);
  await page.selectOption('[data-testid="lang-switch"]', "en");
  await page.getByText("Repurchase").first().waitFor();
  await page.reload();
  await ready(page);
  await page.getByText("E-commerce operations calculators").waitFor();
  assert.equal(await page.getAttribute("html", "lang"), "en");
  await context.close();
});

test("unknown route shows the 404 page", async () => {
  const { page, context } = await openPage(env.browser, env.server.url);
  await page.goto(env.server.url + "/no-such-page");
  await ready(page);
  await page.getByText("404").waitFor();
  await context.close();
});
