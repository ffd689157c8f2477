"""The week's changes by risk score as a PNG: labelled horizontal bars, drawn with Pillow.

Email clients show images but not scripts or SVG reliably, so the chart is a
PNG. It reads without colour: every band is named on its row, each bar carries
its count, this week's bar is solid and last week's is a thin grey bar under it
with its own count, and the riskiest band comes first, as the text does. It has
no title: the heading above it in the email is its title.

It is drawn at 1.5 times the width the email shows it at (480 px), with large
type, so that scaled down to a phone's width (about 350 px) its labels are
still about 13 px high.
"""

from __future__ import annotations

import io
from functools import cache, lru_cache

from PIL import Image, ImageDraw, ImageFont

from briefing.labels import BAND_LABELS
from briefing.payload import Counts

__all__ = ["CHART_HEIGHT", "CHART_WIDTH", "distribution_png"]

CHART_WIDTH = 720
CHART_HEIGHT = 320

Colour = tuple[int, int, int]

_BACKGROUND: Colour = (255, 255, 255)
_TEXT: Colour = (31, 35, 40)
_MUTED: Colour = (87, 96, 106)
_LAST_WEEK: Colour = (190, 195, 201)
# Riskiest first, as the briefing's text runs; dark enough that white is not needed on them.
_BANDS: tuple[tuple[str, Colour], ...] = (
    ("critical", (180, 35, 24)),
    ("high", (196, 98, 10)),
    ("moderate", (161, 124, 7)),
    ("safe", (35, 120, 52)),
)
_LABEL_WIDTH = 165
_COUNT_WIDTH = 190
_TOP = 14
_ROW = 76
_BAR = 30
_LAST_BAR = 10
_LABEL_SIZE = 30
_SMALL_SIZE = 26


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Pillow's bundled font: no font file is looked for on the host."""
    return ImageFont.load_default(size=size)


# Every subscriber of a scope gets the same chart in one send: drawn once, not per email.
@lru_cache(maxsize=64)
def distribution_png(this: Counts, last: Counts) -> bytes:
    """Changes per band this week (solid bar) and last week (thin grey bar), each counted."""
    image = Image.new("RGB", (CHART_WIDTH, CHART_HEIGHT), _BACKGROUND)
    draw = ImageDraw.Draw(image)
    label, small = _font(_LABEL_SIZE), _font(_SMALL_SIZE)
    values = [(band, max(getattr(this, band), 0), max(getattr(last, band), 0), colour)
              for band, colour in _BANDS]  # fmt: skip
    scale = max((max(now, before) for _, now, before, _ in values), default=0)
    room = CHART_WIDTH - _LABEL_WIDTH - _COUNT_WIDTH - 12
    for row, (band, now, before, colour) in enumerate(values):
        y = _TOP + row * _ROW
        draw.text((8, y - 1), BAND_LABELS[band], fill=_TEXT, font=label)
        x = _LABEL_WIDTH
        width = round(now * room / scale) if scale else 0
        # A band with any change shows a sliver, so it never reads as zero.
        width = max(width, 3) if now else 0
        if width:
            draw.rectangle((x, y, x + width - 1, y + _BAR - 1), fill=colour)
        draw.text((x + width + 10, y - 1), str(now), fill=_TEXT, font=label)
        last_width = round(before * room / scale) if scale else 0
        last_width = max(last_width, 3) if before else 0
        top = y + _BAR + 5
        if last_width:
            draw.rectangle((x, top, x + last_width - 1, top + _LAST_BAR - 1), fill=_LAST_WEEK)
        draw.text((x + last_width + 10, top - 6), f"last week {before}", fill=_MUTED, font=small)
    out = io.BytesIO()
    # zlib's default level: ``optimize=True`` took five times as long (22 ms against 4 ms)
    # to save 2% of 23 KB.
    image.save(out, format="PNG")
    return out.getvalue()
