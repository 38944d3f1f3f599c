// Every page in all three languages: <html lang> follows the switch, no
// label is left blank (a missing key), and the interface text holds no
// leftovers from another language: no Han characters in English, no
// Simplified-only characters in zh-TW and no Traditional-only ones in
// zh-CN. Data cells (the user's file) are not interface text and are not
// checked. Not-available reasons on metric cards are checked (the app
// translates the core's reasons); the core's warnings in the data quality
// panel (ul.warnings) are checked by their own test below (the app
// translates each core notice, src/warning_text.rs).
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { openMissingWorkspace, openPage, ready, shots, serveAndLaunch, summaryNames } from "./helpers.mjs";

const env = serveAndLaunch();

const routes = ["/", "/repurchase", "/lifecycle", "/sell-through", "/traffic", "/glossary", "/practice?family=traffic&seed=7", "/workspaces"];
// Characters that exist only in one script, common in this app's texts
// (pairs at the same place in the two lists).
const SIMPLIFIED_ONLY = "计数据设购单价访问转复费览库销动类时间后这个们会发页载图读显认结说错误户选择导实际态统详链题试两为买产仓内册几击则开当总来没浏滞满点状现稳笔规订议跃达过还进长顺额节经宝线贝质级标场换与补请输该况样码编务检视将条录断对";
const TRADITIONAL_ONLY = "計數據設購單價訪問轉複費覽庫銷動類時間後這個們會發頁載圖讀顯認結說錯誤戶選擇導實際態統詳鏈題試兩為買產倉內冊幾擊則開當總來沒瀏滯滿點狀現穩筆規訂議躍達過還進長順額節經寶線貝質級標場換與補請輸該況樣碼編務檢視將條錄斷對";
// Interface text only: headings, buttons, summaries, labels' own text,
// metric names and definitions, hints, navigation, the footer.
const CHROME = "h1, h2, h3, button, summary, .metric-name, .metric-def, .metric-reason, .hint, header.nav a, .tagline, .footer, .glossary-entry dt, .glossary-entry li, .question, label";

async function chromeTexts(page) {
  return page.$$eval(CHROME, (els) =>
    els
      .filter((e) => e.offsetParent !== null || e.tagName === "SUMMARY")
      .map((e) => {
        // A label's own text, without its select's options (file headers).
        if (e.tagName === "LABEL") {
          return [...e.childNodes].filter((n) => n.nodeType === 3 || n.tagName === "SPAN").map((n) => n.textContent).join("").trim();
        }
        if (e.matches(".hint, .question")) {
          // Hints may quote the user's file name or values in quotes.
          return e.textContent.replace(/["“「].*?["”」]/g, "").trim();
        }
        return e.textContent.trim();
      }),
  );
}

async function blankLabels(page) {
  return page.$$eval("button, summary, th, h1, h2, h3, .metric-name, header.nav a, option", (els) =>
    els.filter((e) => e.textContent.trim() === "" && !e.closest("svg")).map((e) => e.outerHTML.slice(0, 120)),
  );
}

for (const [tag, name] of [["zh-CN", "zh"], ["zh-TW", "zh-tw"], ["en", "en"]]) {
  test(`every page in ${tag}: html lang, no blank label, no other-language leftovers`, async () => {
    const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "zh-CN" });
    await page.goto(env.server.url + "/");
    await ready(page);
    await page.selectOption('[data-testid="lang-switch"]', tag);
    for (const route of routes) {
      await page.goto(env.server.url + route);
      await ready(page);
      // Calculator pages: wait for the sample's metrics.
      if (/repurchase|lifecycle|sell-through|traffic$/.test(route)) {
        await page.locator("[data-metric]").first().waitFor({ timeout: 20000 });
      }
      await page.locator("main h1, main h2").first().waitFor();
      assert.equal(await page.getAttribute("html", "lang"), tag, `${route} html lang`);
      assert.deepEqual(await blankLabels(page), [], `${route} blank labels in ${tag}`);
      const texts = (await chromeTexts(page)).filter(Boolean);
      assert.ok(texts.length > 3, `${route}: interface text found`);
      const all = texts.join("\n");
      if (tag === "en") {
        const han = texts.filter((t) => /[\u4e00-\u9fff]/.test(t));
        assert.deepEqual(han, [], `${route}: Chinese left in English`);
      } else {
        const foreign = tag === "zh-TW" ? SIMPLIFIED_ONLY : TRADITIONAL_ONLY;
        const left = [...new Set([...all].filter((c) => foreign.includes(c)))];
        assert.deepEqual(left, [], `${route}: other-script characters in ${tag}: ${texts.filter((t) => [...t].some((c) => left.includes(c))).slice(0, 5).join(" | ")}`);
        // English sentences left untranslated: three lowercase words in a row.
        const english = texts.filter((t) => /\b[a-z]{3,} [a-z]{3,} [a-z]{3,}\b/.test(t));
        assert.deepEqual(english, [], `${route}: English left in ${tag}`);
      }
      const slug = route.replace(/[/?=&]+/g, "-").replace(/^-|-$/g, "") || "home";
      await page.screenshot({ path: path.join(shots, `i18n-${slug}-${name}.png`), fullPage: false });
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("a zh-TW or zh-HK browser starts in Traditional Chinese", async () => {
  for (const locale of ["zh-TW", "zh-HK"]) {
    const { page, context } = await openPage(env.browser, env.server.url, { locale });
    await page.goto(env.server.url + "/");
    await ready(page);
    await page.getByText("營運計算機").first().waitFor();
    assert.equal(await page.getAttribute("html", "lang"), "zh-TW");
    await context.close();
  }
});

test("each metric card links to its glossary entry", async () => {
  const { page, context } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/sell-through");
  await ready(page);
  const link = page.locator('.metric:has([data-metric="unsold_rate"]) [data-testid="glossary-link"]');
  await link.click();
  await page.waitForURL(/\/glossary#unsold_rate$/);
  const entry = page.locator('article#unsold_rate');
  await entry.waitFor();
  assert.match(await entry.textContent(), /warehouse/i);
  // The worked example is the core's: 5 of 12 SKUs did not sell.
  assert.equal((await page.locator('[data-example="unsold_rate"]').textContent()).trim(), "unsold SKUs / all SKUs = 5 / 12 = 41.7%");
  await page.screenshot({ path: path.join(shots, "glossary-en.png"), fullPage: false });
  await context.close();
});

test("the data-quality warnings are in the reader's language", async () => {
  const { page, context, errors } = await openPage(env.browser, env.server.url, { locale: "zh-CN" });
  await page.goto(env.server.url + "/repurchase");
  await ready(page);
  // Row 2 has an extra cell: the reader warns about it.
  const csv = "订单号,买家ID,付款时间\n1,amy,2024-03-01,x\n2,amy,2024-03-09\n3,bob,2024-03-05\n";
  await page.setInputFiles('[data-testid="file-input"]', { name: "extra.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await summaryNames(page, "extra.csv");
  const items = () => page.$$eval('[data-testid="warnings"] li', (els) => els.map((e) => e.textContent.trim()));
  const cases = [
    ["zh-CN", "extra.csv：1 行的单元格比表头多（第一处：第 2 行，多 1 个）；多出的单元格已忽略。"],
    ["zh-TW", "extra.csv：1 列的儲存格比標題列多（第一處：第 2 列，多 1 個）；多出的儲存格已忽略。"],
  ];
  for (const [tag, expected] of cases) {
    await page.selectOption('[data-testid="lang-switch"]', tag);
    await page.locator('[data-testid="warnings"] li', { hasText: expected }).waitFor({ timeout: 15000 });
    const list = await items();
    assert.ok(list.includes(expected), `${tag}: ${list.join(" | ")}`);
    // No warning is left as an English sentence.
    const english = list.filter((t) => /^[\x00-\x7f\uFFFD]*$/.test(t) || /\b[a-z]{3,} [a-z]{3,} [a-z]{3,}\b/.test(t));
    assert.deepEqual(english, [], `${tag}: English warnings`);
    await page.locator('[data-testid="warnings"]').scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(shots, `i18n-warnings-${tag}.png`), fullPage: false });
  }
  // English readers get the core's sentence, as the CLI prints it.
  await page.selectOption('[data-testid="lang-switch"]', "en");
  await page
    .locator('[data-testid="warnings"] li', { hasText: "extra.csv: 1 rows have more cells than the header (first: row 2, 1 extra); the extra cells are ignored" })
    .waitFor({ timeout: 15000 });
  assert.deepEqual(errors, []);
  await context.close();
});

// The error translations are a wasm chunk of their own (src/lazy_errors.rs),
// loaded with a Chinese reader's first page other than home. An error that comes before
// the chunk shows nothing until the chunk is in, then the whole sentence in
// the reader's language: never the core's English ("周一: not found").
test("an error shown before the error translations loaded appears in zh-TW, never in English", async () => {
  // No service worker, so the chunk comes from the network, where it is held.
  const context = await env.browser.newContext({ locale: "zh-TW", serviceWorkers: "block" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  let release;
  const held = new Promise((r) => (release = r));
  let asked = 0;
  await page.route(/\/split_opscalc_error_texts-[0-9a-f]+\.wasm$/, async (route) => {
    asked += 1;
    await held;
    await route.continue();
  });
  await page.goto(env.server.url + "/workspaces");
  await ready(page);
  const error = await openMissingWorkspace(page, "周一");
  // Opening the page asked for the chunk; it is still held.
  assert.equal(asked, 1);
  await page.waitForTimeout(500);
  assert.equal((await error.textContent()).trim(), "");
  release();
  await page.waitForFunction(() => document.querySelector('[data-testid="workspace-error"]').textContent.trim() !== "");
  assert.equal((await error.textContent()).trim(), "儲存到此瀏覽器失敗：找不到工作區「周一」。");
  await page.screenshot({ path: path.join(shots, "i18n-error-zh-tw.png") });
  assert.deepEqual(errors, []);
  await context.close();
});

test("an English reader never loads the error translations", async () => {
  const { page, context, requests } = await openPage(env.browser, env.server.url, { locale: "en-US" });
  await page.goto(env.server.url + "/workspaces");
  await ready(page);
  const error = await openMissingWorkspace(page, "monday");
  await page.waitForFunction(() => document.querySelector('[data-testid="workspace-error"]').textContent.trim() !== "");
  assert.equal((await error.textContent()).trim(), "Saving in this browser failed: monday: not found");
  assert.deepEqual(requests.filter((u) => u.includes("split_opscalc_error_texts")), []);
  await context.close();
});
