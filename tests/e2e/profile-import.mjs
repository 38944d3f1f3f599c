// Profiling aid (not a test): imports FILE on a calculator page, as
// bench-import.mjs does, with the V8 sampling profiler running in every
// worker of the page, and prints the functions with the most self time.
// Function names need a worker wasm with its name section (a release build
// with CARGO_PROFILE_RELEASE_STRIP=false); pass its dist folder as DIST.
//   node tests/e2e/profile-import.mjs FILE [DIST] [route] [kind]
import path from "node:path";
import { startServer, launch } from "./helpers.mjs";
import { openCalculator, timeImport } from "./bench-import.mjs";

const [file, dist, route = "/repurchase", kind = "Orders"] = process.argv.slice(2);
const server = await startServer(dist ? path.resolve(dist) : undefined);
const base = server.url;
const browser = await launch();
try {
  const { page, cdp } = await openCalculator(browser, base, route);
  // Workers are the page's child targets; talk to them through the page's
  // session (non-flattened: commands and answers travel as messages).
  const workers = new Map();
  let next = 1;
  const waiting = new Map();
  cdp.on("Target.attachedToTarget", (e) => { if (e.targetInfo.type === "worker") workers.set(e.sessionId, e.targetInfo.url); });
  cdp.on("Target.receivedMessageFromTarget", (e) => {
    const m = JSON.parse(e.message);
    if (m.id && waiting.has(m.id)) { waiting.get(m.id)(m); waiting.delete(m.id); }
  });
  const send = (sessionId, method, params = {}) => new Promise((resolve) => {
    const id = next++;
    waiting.set(id, resolve);
    cdp.send("Target.sendMessageToTarget", { sessionId, message: JSON.stringify({ id, method, params }) });
  });
  await cdp.send("Target.setAutoAttach", { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  await new Promise((r) => setTimeout(r, 500));
  for (const s of workers.keys()) {
    await send(s, "Profiler.enable");
    await send(s, "Profiler.setSamplingInterval", { interval: 200 });
    await send(s, "Profiler.start");
  }
  const result = await timeImport(page, cdp, file, kind);
  for (const [s, url] of workers) {
    const { result: { profile } } = await send(s, "Profiler.stop");
    const self = new Map();
    const dt = new Map(profile.nodes.map((n) => [n.id, n]));
    // Milliseconds per sampled node (timeDeltas[i] precedes samples[i]).
    const counts = new Map();
    profile.samples.forEach((id, i) => counts.set(id, (counts.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000));
    let total = 0;
    const other = {};
    for (const [id, c] of counts) {
      const n = dt.get(id);
      const name = n.callFrame.functionName || `(anonymous ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber})`;
      if (name === "(idle)" || name === "(program)") { other[name] = Math.round((other[name] ?? 0) + c); continue; }
      self.set(name, (self.get(name) ?? 0) + c);
      total += c;
    }
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
    console.log(`== ${url}: ${Math.round(total)} ms in code, ${JSON.stringify(other)} (${result.ms} ms import to numbers)`);
    for (const [name, c] of top) console.log(`${(100 * c / total).toFixed(1).padStart(5)}% ${String(Math.round(c)).padStart(5)} ms  ${name.slice(0, 150)}`);
  }
} finally {
  await browser.close();
  server.stop();
}
