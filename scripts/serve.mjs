// A tiny static server for dist/: correct MIME types (wasm needs
// application/wasm for streaming compilation), the same CSP as the page, and
// a fallback to index.html so deep links like /repurchase work.
// Usage: node scripts/serve.mjs [dir] [port]; listens on 127.0.0.1 only.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";

const root = path.resolve(process.argv[2] || "dist");
const port = Number(process.argv[3] || process.env.PORT || 8080);
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
  ".csv": "text/csv; charset=utf-8",
};
const csp =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; font-src 'self'; " +
  "object-src 'none'; base-uri 'self'; form-action 'none'";

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
    // Routes without a file extension are the app's; real missing files 404.
    if (path.extname(url.pathname)) {
      res.writeHead(404).end("not found");
      return;
    }
    file = path.join(root, "index.html");
  }
  const ext = path.extname(file);
  res.writeHead(200, {
    "Content-Type": types[ext] || "application/octet-stream",
    "Content-Security-Policy": csp,
    // Only Trunk's content-hashed files may be cached for good; the worker,
    // sw.js, the manifest and index.html must be checked on every load.
    "Cache-Control": /-[0-9a-f]{16}(_bg)?\.\w+$/.test(file) ? "public, max-age=31536000, immutable" : "no-cache",
    "X-Content-Type-Options": "nosniff",
  });
  fs.createReadStream(file).pipe(res);
});
server.listen(port, "127.0.0.1", () => {
  console.log(`OpsCalc is running at http://127.0.0.1:${port}/`);
});
