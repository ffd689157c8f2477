"""Charts drawn on the server as SVG shapes: no script, legible at 390 px (the SVG scales to the
page's width and its labels are few and large), readable as a table beside it.

Only geometry is computed here; the template writes the ``<rect>`` and ``<polyline>``
elements, so every label it prints is escaped like any other text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["BAND_ORDER", "Bar", "Chart", "Segment", "band_chart"]

# Bottom to top: the bands a week's changes fall in, riskiest on top where the eye lands.
BAND_ORDER = ("low", "moderate", "high", "very high")

WIDTH = 640
HEIGHT = 220
_TOP = 14
_BOTTOM = 30
_LEFT = 36


@dataclass(frozen=True, slots=True)
class Segment:
    """A band's part of a week's bar."""

    band: str
    y: float
    height: float
    count: int


@dataclass(frozen=True, slots=True)
class Bar:
    """One week: its bar's position, its segments and its label (shown on some weeks only)."""

    x: float
    width: float
    label: str
    show_label: bool
    segments: tuple[Segment, ...]
    total: int
    share_y: float
    incidents: int = 0
    deploys: int = 0


@dataclass(frozen=True, slots=True)
class Chart:
    """A stacked bar chart of changes by band per week, and the high-risk share as a line."""

    width: int
    height: int
    bars: tuple[Bar, ...]
    most: int
    share_points: str
    axis_y: float
    left: int
    # Where a week's incident marker sits: along the top, above the tallest bar.
    marker_y: int = _TOP


def band_chart(
    weeks: Sequence[tuple[str, dict[str, int], float]],
    events: Sequence[tuple[int, int]] = (),
) -> Chart:
    """The chart of ``weeks``: each ISO week's label, its counts by band and its high-risk share,
    with ``events`` (each week's deploys and incidents) marked on the same timeline."""
    most = max((sum(c.values()) for _, c, _ in weeks), default=0) or 1
    plot = HEIGHT - _TOP - _BOTTOM
    step = (WIDTH - _LEFT) / max(len(weeks), 1)
    # A label every few weeks, so 52 of them never overlap on a phone.
    every = max(1, round(len(weeks) / 6))
    bars = []
    for n, (label, counts, share) in enumerate(weeks):
        y = float(HEIGHT - _BOTTOM)
        segments = []
        for band in BAND_ORDER:
            count = counts.get(band, 0)
            h = plot * count / most
            y -= h
            segments.append(Segment(band, round(y, 1), round(h, 1), count))
        bars.append(
            Bar(
                x=round(_LEFT + n * step + step * 0.1, 1),
                width=round(step * 0.8, 1),
                label=label,
                show_label=(len(weeks) - 1 - n) % every == 0,
                segments=tuple(segments),
                total=sum(counts.values()),
                share_y=round(HEIGHT - _BOTTOM - plot * share / 100, 1),
                deploys=events[n][0] if n < len(events) else 0,
                incidents=events[n][1] if n < len(events) else 0,
            )
        )
    points = " ".join(f"{b.x + b.width / 2:.1f},{b.share_y}" for b in bars)
    return Chart(WIDTH, HEIGHT, tuple(bars), most, points, HEIGHT - _BOTTOM, _LEFT, _TOP)
