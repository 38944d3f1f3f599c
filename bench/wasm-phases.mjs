// The core's steps in wasm, as the engine worker runs them, timed in Node
// on CPU time (steadier than the browser's wall clock on a shared
// machine). Built by `scripts/bench wasm`, or by hand:
//   cargo build --release --target wasm32-unknown-unknown -p opscalc-core --example wasm_phases
//   node bench/wasm-phases.mjs FILE [RUNS] [WASM]
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const [file, runs = "5", wasm = path.join(process.env.CARGO_TARGET_DIR || path.join(repo, "target"), "wasm32-unknown-unknown/release/examples/wasm_phases.wasm")] = process.argv.slice(2);
if (!file) {
  console.error("usage: node bench/wasm-phases.mjs FILE [RUNS] [WASM]");
  process.exit(2);
}
// wasm-bindgen's placeholders (a dependency links it): never called here.
const module = new WebAssembly.Module(fs.readFileSync(wasm));
const imports = {};
for (const i of WebAssembly.Module.imports(module)) {
  (imports[i.module] ??= {})[i.name] = () => {
    throw new Error(`${i.module}.${i.name} called`);
  };
}
const instance = new WebAssembly.Instance(module, imports);
const e = instance.exports;
const bytes = fs.readFileSync(file);
const at = e.input(bytes.length);
new Uint8Array(e.memory.buffer, at, bytes.length).set(bytes);

// CPU milliseconds of this process (user + system) around one step.
function time(step) {
  const c = process.cpuUsage();
  const t = performance.now();
  const n = e[step]();
  const cpu = process.cpuUsage(c);
  return { n, cpu: (cpu.user + cpu.system) / 1000, wall: performance.now() - t };
}
const rows = [];
for (let run = 1; run <= Number(runs); run++) {
  const r = { read: time("read"), build: time("build"), views: time("views") };
  if (r.read.n < 0 || r.build.n < 0 || r.views.n < 0) throw new Error("a step failed");
  rows.push(r);
  console.log(`run ${run}: read ${r.read.cpu.toFixed(0)} ms, build ${r.build.cpu.toFixed(0)} ms, views ${r.views.cpu.toFixed(0)} ms CPU (${r.read.n} rows, ${r.build.n} orders, ${r.views.n} buyers)`);
}
const best = (k) => Math.min(...rows.map((r) => r[k].cpu)).toFixed(0);
console.log(`best of ${rows.length}: read ${best("read")} ms, build ${best("build")} ms, views ${best("views")} ms CPU; wasm memory ${(e.memory.buffer.byteLength / 1e6).toFixed(1)} MB`);
