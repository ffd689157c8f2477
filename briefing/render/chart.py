"""The week's risk distribution as a small PNG bar chart, drawn and encoded in pure Python.

Email clients show images but not scripts or SVG reliably, so the chart is a
PNG; it has no text, as the email states the numbers next to it.
"""

from __future__ import annotations

import struct
import zlib

from briefing.payload import Counts

__all__ = ["CHART_HEIGHT", "CHART_WIDTH", "distribution_png", "encode_png"]

CHART_WIDTH = 480
CHART_HEIGHT = 200

Colour = tuple[int, int, int]

_BACKGROUND: Colour = (255, 255, 255)
_AXIS: Colour = (208, 215, 222)
_LAST_WEEK: Colour = (200, 204, 209)
# Left to right from safe to critical, as a risk scale reads.
_BANDS: tuple[tuple[str, Colour], ...] = (
    ("safe", (46, 160, 67)),
    ("moderate", (219, 171, 9)),
    ("high", (247, 144, 9)),
    ("critical", (217, 45, 32)),
)
_MARGIN = 16
_BAR_GAP = 4


class _Canvas:
    """An RGB raster that can fill rectangles."""

    def __init__(self, width: int, height: int, background: Colour) -> None:
        self.width = width
        self.height = height
        self.pixels = bytearray(bytes(background) * (width * height))

    def fill(self, x: int, y: int, width: int, height: int, colour: Colour) -> None:
        """Fill the rectangle at ``(x, y)``, clipped to the canvas."""
        left, right = max(x, 0), min(x + width, self.width)
        top, bottom = max(y, 0), min(y + height, self.height)
        if left >= right or top >= bottom:
            return
        row = bytes(colour) * (right - left)
        for line in range(top, bottom):
            start = (line * self.width + left) * 3
            self.pixels[start : start + len(row)] = row


def _chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data and the CRC of type and data."""
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def encode_png(width: int, height: int, rgb: bytes) -> bytes:
    """Encode ``rgb`` (``height`` rows of ``width`` 8-bit RGB pixels) as a PNG file."""
    stride = width * 3
    if width < 1 or height < 1 or len(rgb) != stride * height:
        raise ValueError(f"need {stride * height} bytes for {width}×{height} RGB, not {len(rgb)}")
    # Filter type 0 (none) on every row: the chart is flat colour, which deflate
    # compresses well without the help of a filter.
    raw = b"".join(b"\x00" + rgb[row * stride : (row + 1) * stride] for row in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(raw, 9))
        + _chunk(b"IEND", b"")
    )


def distribution_png(this: Counts, last: Counts) -> bytes:
    """A bar chart of changes per band: last week in grey beside this week in the band's colour."""
    canvas = _Canvas(CHART_WIDTH, CHART_HEIGHT, _BACKGROUND)
    baseline = CHART_HEIGHT - _MARGIN
    tallest = baseline - _MARGIN
    values = [(max(getattr(last, b), 0), max(getattr(this, b), 0), c) for b, c in _BANDS]
    scale = max((max(before, now) for before, now, _ in values), default=0)
    group = (CHART_WIDTH - 2 * _MARGIN) // len(values)
    bar = (group - 3 * _BAR_GAP) // 2
    for index, (before, now, colour) in enumerate(values):
        x = _MARGIN + index * group + _BAR_GAP
        for offset, (value, fill) in enumerate(((before, _LAST_WEEK), (now, colour))):
            height = round(value * tallest / scale) if scale else 0
            # A band with any change gets a visible bar, so it never reads as zero.
            height = max(height, 2) if value > 0 else 0
            canvas.fill(x + offset * (bar + _BAR_GAP), baseline - height, bar, height, fill)
    canvas.fill(_MARGIN, baseline, CHART_WIDTH - 2 * _MARGIN, 1, _AXIS)
    return encode_png(canvas.width, canvas.height, bytes(canvas.pixels))
