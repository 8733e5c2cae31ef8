"""The Teams app icons, drawn in code so they can be regenerated and checked byte for byte:
``color.png`` 192x192 (a white speech bubble on the council green) and ``outline.png``
32x32 (the same bubble, white on transparent, as Teams requires).

    .venv/bin/python -m tools.teams_icons        # rewrites appPackage/color.png, outline.png
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

ACCENT = (0, 106, 78)  # council green, also the manifest's accentColor #006A4E
WHITE = (255, 255, 255)
SUPERSAMPLE = 4  # samples per pixel side, for smooth edges

Shape = Callable[[float, float], bool]  # (x, y) in 0..1 -> inside?


def _rounded_rect(x0: float, y0: float, x1: float, y1: float, r: float) -> Shape:
    def inside(x: float, y: float) -> bool:
        if not (x0 <= x <= x1 and y0 <= y <= y1):
            return False
        cx = min(max(x, x0 + r), x1 - r)
        cy = min(max(y, y0 + r), y1 - r)
        return (x - cx) ** 2 + (y - cy) ** 2 <= r * r

    return inside


def _triangle(a: tuple[float, float], b: tuple[float, float], c: tuple[float, float]) -> Shape:
    def side(p: tuple[float, float], q: tuple[float, float], x: float, y: float) -> float:
        return (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0])

    def inside(x: float, y: float) -> bool:
        s1, s2, s3 = side(a, b, x, y), side(b, c, x, y), side(c, a, x, y)
        return (s1 >= 0 and s2 >= 0 and s3 >= 0) or (s1 <= 0 and s2 <= 0 and s3 <= 0)

    return inside


def _circle(cx: float, cy: float, r: float) -> Shape:
    return lambda x, y: (x - cx) ** 2 + (y - cy) ** 2 <= r * r


def _bubble(margin: float) -> Shape:
    """A speech bubble with a tail at the bottom left, inside a square with ``margin``."""
    m = margin
    body = _rounded_rect(m, m + 0.04, 1 - m, 0.74 - m / 2, 0.14)
    tail = _triangle((m + 0.12, 0.62), (m + 0.34, 0.62), (m + 0.06, 0.94 - m))
    return lambda x, y: body(x, y) or tail(x, y)


def _dots() -> Shape:
    dots = [_circle(cx, 0.43, 0.065) for cx in (0.33, 0.5, 0.67)]
    return lambda x, y: any(d(x, y) for d in dots)


def _coverage(size: int, shape: Shape) -> list[list[float]]:
    n = SUPERSAMPLE
    rows = []
    for py in range(size):
        row = []
        for px in range(size):
            hits = sum(
                shape((px + (i + 0.5) / n) / size, (py + (j + 0.5) / n) / size)
                for i in range(n)
                for j in range(n)
            )
            row.append(hits / (n * n))
        rows.append(row)
    return rows


def _png(size: int, pixels: list[list[tuple[int, int, int, int]]]) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes(v for px in row for v in px) for row in pixels)
    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def color_icon(size: int = 192) -> bytes:
    """White bubble with green dots on a full green square."""
    bubble = _coverage(size, _bubble(0.2))
    dots = _coverage(size, _dots())
    pixels = []
    for y in range(size):
        row = []
        for x in range(size):
            white = bubble[y][x] * (1 - dots[y][x])
            r, g, b = (round(a + (w - a) * white) for a, w in zip(ACCENT, WHITE))
            row.append((r, g, b, 255))
        pixels.append(row)
    return _png(size, pixels)


def outline_icon(size: int = 32) -> bytes:
    """White bubble with the dots cut out, on transparent."""
    bubble = _coverage(size, _bubble(0.06))
    dots = _coverage(size, _dots())
    pixels = [
        [WHITE + (round(255 * bubble[y][x] * (1 - dots[y][x])),) for x in range(size)]
        for y in range(size)
    ]
    return _png(size, pixels)


def write_icons(directory: Path) -> None:
    (directory / "color.png").write_bytes(color_icon())
    (directory / "outline.png").write_bytes(outline_icon())


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parents[1] / "appPackage"
    write_icons(target)
    print(f"wrote {target / 'color.png'} and {target / 'outline.png'}")
