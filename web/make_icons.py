#!/usr/bin/env python3
"""Writes the app's PNG icons (favicon-32.png, apple-touch-icon.png 180 px, icon-192.png, icon-512.png) from
the same design as favicon.svg: a 3×3 heatmap in viridis colours on a dark purple rounded square. Browsers
without SVG favicons, iOS home screens and install prompts use these. Standard library only.
  python3 web/make_icons.py            (writes beside this file; the PNGs are committed)"""
import os
import struct
import zlib

BG = (0x2d, 0x00, 0x4b)
CELLS = ['fde725', '3b528b', '440154', '21918c', '5ec962', '3b528b', '440154', '21918c', 'fde725']


def rgb(h):
    return tuple(int(h[i:i + 2], 16) for i in (0, 2, 4))


def pixel(x, y):
    """The colour at (x, y) in the 32-unit design (RGBA), sampled at the centre of a pixel."""
    r = 5.0  # corner radius
    cx, cy = min(max(x, r), 32 - r), min(max(y, r), 32 - r)
    if (x - cx) ** 2 + (y - cy) ** 2 > r * r:
        return (0, 0, 0, 0)
    for k, h in enumerate(CELLS):
        x0, y0 = 4 + 8 * (k % 3), 4 + 8 * (k // 3)
        if x0 + 0.5 <= x < x0 + 7.5 and y0 + 0.5 <= y < y0 + 7.5:  # (the 1-unit stroke between cells)
            return rgb(h) + (255,)
    return BG + (255,)


def png(size):
    rows = []
    for j in range(size):
        row = bytearray([0])
        for i in range(size):
            # 4×4 samples per pixel: smooth edges
            acc = [0, 0, 0, 0]
            for sy in range(4):
                for sx in range(4):
                    p = pixel((i + (sx + 0.5) / 4) * 32 / size, (j + (sy + 0.5) / 4) * 32 / size)
                    for c in range(3):
                        acc[c] += p[c] * p[3]
                    acc[3] += p[3]
            a = acc[3] / 16
            row += bytes([int(acc[c] / acc[3]) if acc[3] else 0 for c in range(3)] + [int(a)])
        rows.append(bytes(row))

    def chunk(kind, data):
        return struct.pack('>I', len(data)) + kind + data + struct.pack('>I', zlib.crc32(kind + data))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', size, size, 8, 6, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(b''.join(rows), 9)) + chunk(b'IEND', b''))


if __name__ == '__main__':
    here = os.path.dirname(os.path.abspath(__file__))
    for name, size in [('favicon-32.png', 32), ('apple-touch-icon.png', 180), ('icon-192.png', 192),
                       ('icon-512.png', 512)]:
        with open(os.path.join(here, name), 'wb') as f:
            f.write(png(size))
        print(name, size)
