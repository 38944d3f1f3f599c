#!/usr/bin/env python3
"""Draws the app icon (style/favicon.svg: a blue tile with a white rising
line) as the PNG sizes an installable web app needs, with the standard
library only. Run once; the PNGs are committed under web/."""
import struct, zlib, math, os

def draw(size):
    blue, white = (0x25, 0x63, 0xEB), (255, 255, 255)
    s = size / 32.0
    pts = [(8, 22), (14, 14), (18, 18), (24, 9)]
    half = 1.5 * s  # stroke width 3 in the 32-unit SVG
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            px, py = (x + 0.5) / s, (y + 0.5) / s
            # Rounded tile (rx 6).
            r, cx, cy = 6, min(max(px, 6), 26), min(max(py, 6), 26)
            inside = (px - cx) ** 2 + (py - cy) ** 2 <= r * r
            if not inside:
                row += bytes([0, 0, 0, 0])
                continue
            d = min(seg_dist(px, py, a, b) for a, b in zip(pts, pts[1:]))
            row += bytes((white if d * s <= half else blue) + (255,))
        rows.append(bytes(row))
    return png(size, b"".join(rows))

def seg_dist(px, py, a, b):
    (ax, ay), (bx, by) = a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)

def png(size, raw):
    def chunk(kind, data):
        c = kind + data
        return struct.pack(">I", len(data)) + c + struct.pack(">I", zlib.crc32(c) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "web")
for n in (192, 512):
    with open(os.path.join(here, f"icon-{n}.png"), "wb") as f:
        f.write(draw(n))
