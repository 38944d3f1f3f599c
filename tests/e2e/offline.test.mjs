// Offline use: after one visit the service worker has precached the whole
// build, so with the network off the app loads, every route works and a
// file still imports (the import worker is cached too). A new build is
// offered with "new version available, reload". The app is installable.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startServer, launch, openPage, openMissingWorkspace, ready, shots, metric, repo, importFile } from "./helpers.mjs";

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const fixture = (name) => path.join(repo, "tests/fixtures", name);

async function controlled(page) {
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((r) => navigator.serviceWorker.addEventListener("controllerchange", r, { once: true }));
    }
  });
}

test("after one visit the app works offline: reload, other routes, an import", async () => {
  const server = await startServer();
  const { page, context, errors } = await openPage(browser, server.url);
  await page.goto(server.url + "/repurchase");
  await ready(page);
  await controlled(page);
  // Installable: Chromium reports no installability errors other than
  // the test browser's own private (incognito) profile.
  const cdp = await context.newCDPSession(page);
  const { installabilityErrors } = await cdp.send("Page.getInstallabilityErrors");
  assert.deepEqual(installabilityErrors.filter((e) => e.errorId !== "in-incognito"), []);

  await context.setOffline(true);
  await page.reload();
  await ready(page);
  assert.equal(await metric(page, "buyers"), 155);
  await page.goto(server.url + "/lifecycle");
  await ready(page);
  assert.ok((await metric(page, "reflow_rate")) !== undefined);
  // Every page's code is a chunk (route splitting): each one, never opened
  // online, still opens from the service worker's cache.
  for (const [route, title] of [
    ["/sell-through", "动销率"],
    ["/traffic", "流量质量"],
    ["/workspaces", ""],
    ["/glossary", ""],
    ["/practice", ""],
  ]) {
    await page.goto(server.url + route);
    await ready(page);
    const h1 = page.locator("main h1", { hasText: title }).first();
    await h1.waitFor({ timeout: 15000 });
    assert.notEqual(await h1.textContent(), "404", route);
  }
  await page.goto(server.url + "/repurchase");
  await ready(page);
  await importFile(page, fixture("orders-small.csv"));
  assert.equal(await metric(page, "buyers"), 3);
  await page.screenshot({ path: path.join(shots, "offline-repurchase.png") });
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
  server.stop();
});

// The error translations are a chunk (src/lazy_errors.rs): the service
// worker has it too, so an error shown offline is still in zh-TW.
test("offline, an error is still in the reader's language (zh-TW)", async () => {
  const server = await startServer();
  const { page, context, errors } = await openPage(browser, server.url, { locale: "zh-TW" });
  await page.goto(server.url + "/");
  await ready(page);
  await controlled(page);
  await context.setOffline(true);
  await page.goto(server.url + "/workspaces");
  await ready(page);
  const error = await openMissingWorkspace(page, "週二");
  await page.waitForFunction(() => document.querySelector('[data-testid="workspace-error"]').textContent.trim() !== "");
  assert.equal((await error.textContent()).trim(), "儲存到此瀏覽器失敗：找不到工作區「週二」。");
  await page.screenshot({ path: path.join(shots, "offline-error-zh-tw.png") });
  assert.deepEqual(errors.filter((e) => !/ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
  server.stop();
});

test("a new build is offered as 'new version available, reload'", async () => {
  // Serve a copy of dist/ so the test can change it like a deploy would.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "opscalc-dist-"));
  fs.cpSync(path.join(repo, "dist"), dir, { recursive: true });
  const server = await startServer(dir);
  const { page, context } = await openPage(browser, server.url, { locale: "en-US" });
  await page.goto(server.url + "/");
  await ready(page);
  await controlled(page);
  const first = await page.evaluate(() => caches.keys());

  // "Deploy": a new sw.js (any byte change is a new version).
  fs.appendFileSync(path.join(dir, "sw.js"), "\n// next build\n");
  await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
  const banner = page.locator('[data-testid="update-banner"]');
  await banner.waitFor({ timeout: 20000 });
  assert.match(await banner.textContent(), /new version/i);
  await page.screenshot({ path: path.join(shots, "update-banner.png") });
  await Promise.all([page.waitForEvent("load"), banner.locator("button").click()]);
  await ready(page);
  assert.equal(await page.locator('[data-testid="update-banner"]').count(), 0);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller));
  assert.ok(first.length >= 1);
  await context.close();
  server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});
