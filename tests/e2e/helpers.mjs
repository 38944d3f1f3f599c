// Shared setup for the end-to-end tests: serve dist/ on a free loopback
// port, launch Debian's Chromium through playwright-core, and record every
// request so a test can prove nothing leaves the machine.
import { chromium } from "playwright-core";
import { before, after } from "node:test";
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import net from "node:net";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, "../..");
export const shots = path.join(here, "screenshots");
fs.mkdirSync(shots, { recursive: true });

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export async function startServer(dir = path.join(repo, "dist")) {
  const port = await freePort();
  const proc = spawn("node", [path.join(repo, "scripts/serve.mjs"), dir, String(port)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  await new Promise((resolve, reject) => {
    proc.stdout.on("data", (d) => d.toString().includes("running") && resolve());
    proc.on("exit", (c) => reject(new Error(`server exited ${c}`)));
  });
  return { url: `http://127.0.0.1:${port}`, stop: () => proc.kill() };
}

export async function launch() {
  // playwright-core gives every launch a fresh temporary profile
  // (--user-data-dir), so no state leaks between runs.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  return browser;
}

// A page that records requests and page errors.
export async function openPage(browser, base, { locale = "zh-CN", width = 1280, height = 900, colorScheme = "light" } = {}) {
  const context = await browser.newContext({ locale, viewport: { width, height }, colorScheme, acceptDownloads: true });
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  page.on("request", (r) => requests.push(r.url()));
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  return { context, page, requests, errors, base };
}

// Waits until the wasm app has rendered the header.
export async function ready(page) {
  await page.waitForSelector("header.nav", { timeout: 30000 });
  // Calculator pages get their numbers from the engine worker a moment
  // after they draw; until then their cards say aria-busy="true".
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 60000 });
}

// Waits until the data summary names `name` (a file's name, or "pasted
// data"): in section `kind` of a page with several inputs, else the only
// one. `where` is a page or a locator around the summary.
export async function summaryNames(where, name, { kind, timeout = 30000 } = {}) {
  const scope = kind ? `section[data-kind="${kind}"] ` : "";
  await where.locator(`${scope}[data-testid="data-summary"]`).filter({ hasText: name }).waitFor({ timeout });
}

// Chooses `file` in the file input (of section `kind`), as a person does,
// and waits until the data summary names it.
export async function importFile(page, file, { kind, timeout = 30000 } = {}) {
  const scope = kind ? `section[data-kind="${kind}"] ` : "";
  await page.locator(`${scope}[data-testid="file-input"]`).setInputFiles(file);
  await summaryNames(page, path.basename(file), { kind, timeout });
}

export async function metric(page, key) {
  const el = page.locator(`[data-metric="${key}"]`).first();
  await el.waitFor({ timeout: 15000 });
  // Results computed in the engine worker arrive a moment later; the
  // cards say aria-busy="true" until the numbers match the settings.
  await page.waitForFunction(() => !document.querySelector('[aria-busy="true"]'), null, { timeout: 60000 });
  const v = await el.getAttribute("data-value");
  return v === "" ? null : Number(v);
}

export function offsite(requests, base) {
  return requests.filter((u) => !u.startsWith(base) && !u.startsWith("data:") && !u.startsWith("blob:"));
}

// For a test file: serve dist/ and launch Chromium once, before its tests,
// and clean up after them. Fields are set when the tests run.
export function serveAndLaunch() {
  const env = {};
  before(async () => {
    env.server = await startServer();
    env.browser = await launch();
  });
  after(async () => {
    await env.browser?.close();
    env.server?.stop();
  });
  return env;
}

// A screenshot of the whole page. Panels off screen skip rendering until
// scrolled near (content-visibility: auto, style/main.css), which a
// full-page capture never does: render them all first.
export async function fullPageShot(page, file) {
  // Through the CSSOM: the CSP forbids injected style elements.
  await page.evaluate(() => document.querySelectorAll("main .panel").forEach((p) => { p.style.contentVisibility = "visible"; }));
  await page.screenshot({ path: file, fullPage: true });
}

// On /workspaces: saves the current work as workspace `name`, deletes it
// behind the page's back (as another tab would), then opens it, so the
// page shows the "workspace not found" error. Returns that error's element.
export async function openMissingWorkspace(page, name) {
  await page.locator('[data-testid="save-as-name"]').fill(name);
  await page.locator('[data-testid="save-as"]').click();
  const row = page.locator(`[data-testid="workspace-row"][data-name="${name}"]`);
  await row.waitFor();
  await page.evaluate(
    (name) =>
      new Promise((resolve, reject) => {
        const req = indexedDB.open("opscalc");
        req.onerror = () => reject(req.error);
        req.onsuccess = () => {
          const db = req.result;
          const tx = db.transaction("workspaces", "readwrite");
          tx.objectStore("workspaces").delete(name);
          tx.oncomplete = () => {
            db.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    name,
  );
  await row.locator('[data-testid="workspace-open"]').click();
  const error = page.locator('[data-testid="workspace-error"]');
  await error.waitFor({ state: "attached" });
  return error;
}
