#!/usr/bin/env python3
"""Bundle budgets of a release build (dist/): prints every file's raw and
gzipped size, the first load (what paints the home page: index.html, the
app's main wasm + js, the route-chunk loader __wasm_split-<hash>.js that the
main js imports, the boot script, the css, the service-worker registration),
the route chunks (the other pages' code, wasm_split: loaded when a page is
first opened, never for the home page) and the worker bundle (imports and
the compute engine, loaded on the first calculation), and exits 1 when a
budget in budgets.json is exceeded.

    python3 scripts/budgets.py [dist] [--json]
"""
import gzip, json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
args = [a for a in sys.argv[1:] if not a.startswith("--")]
dist = args[0] if args else os.path.join(root, "dist")
with open(os.path.join(root, "budgets.json")) as f:
    budgets = json.load(f)


def gz(path):
    with open(path, "rb") as f:
        return len(gzip.compress(f.read(), compresslevel=9))


files = sorted(
    os.path.relpath(os.path.join(d, n), dist).replace(os.sep, "/")
    for d, _, names in os.walk(dist)
    for n in names
)
worker = [n for n in files if n.startswith("opscalc-worker")]
first = [
    n
    for n in files
    if n == "index.html"
    or n == "sw-register.js"
    or re.match(r"opscalc-web-[0-9a-f]+(_bg\.wasm|\.js)$", n)
    # The app's JS snippets are imported by its JS before it starts.
    or n.startswith("snippets/opscalc-web-")
    or re.match(r"[a-z]+-[0-9a-f]+\.(js|css)$", n)
    # The main js imports the chunk loader statically (scripts/post_build.py).
    or re.match(r"__wasm_split-[0-9a-f]+\.js$", n)
]
# Route chunks: every other .wasm of the build (scripts/post_build.py).
chunks = [n for n in files if n.endswith(".wasm") and n not in first and n not in worker]
if not any(n.endswith(".wasm") for n in first) or not any(n.endswith(".wasm") for n in worker):
    sys.exit(f"budgets: no app or worker wasm in {dist}: build with `trunk build --release` first")

sizes = {n: (os.path.getsize(os.path.join(dist, n)), gz(os.path.join(dist, n))) for n in files}
first_gz = sum(sizes[n][1] for n in first)
worker_gz = sum(sizes[n][1] for n in worker)
chunks_gz = sum(sizes[n][1] for n in chunks)
report = {
    "first_load_gz_bytes": first_gz,
    "worker_gz_bytes": worker_gz,
    "route_chunks_gz_bytes": chunks_gz,
    "route_chunks": len(chunks),
    "files": {n: {"bytes": r, "gz_bytes": g} for n, (r, g) in sizes.items()},
}
if "--json" in sys.argv:
    print(json.dumps(report, indent=2))
else:
    for n in files:
        r, g = sizes[n]
        tag = "first load" if n in first else "worker" if n in worker else "route chunk" if n in chunks else ""
        print(f"  {n:64s} {r / 1024:9.1f} KB {g / 1024:8.1f} KB gz  {tag}")
    print(f"first load: {first_gz / 1024:.1f} KB gzipped (budget {budgets['first_load_gz_kb']} KB, goal {budgets['first_load_goal_gz_kb']} KB)")
    print(f"route chunks: {len(chunks)} files, {chunks_gz / 1024:.1f} KB gzipped in all (each loads with the first page that needs it)")
    print(f"worker bundle: {worker_gz / 1024:.1f} KB gzipped (budget {budgets['worker_gz_kb']} KB)")

failed = []
if first_gz > budgets["first_load_gz_kb"] * 1024:
    failed.append(f"first load {first_gz / 1024:.1f} KB > {budgets['first_load_gz_kb']} KB")
if worker_gz > budgets["worker_gz_kb"] * 1024:
    failed.append(f"worker bundle {worker_gz / 1024:.1f} KB > {budgets['worker_gz_kb']} KB")
if failed:
    sys.exit("budget exceeded: " + "; ".join(failed))
