"""The chart: a PNG of labelled horizontal bars, riskiest band first, readable without colour."""

from __future__ import annotations

import io

from PIL import Image

from briefing.payload import Counts
from briefing.render.chart import _BANDS, _LAST_WEEK, CHART_HEIGHT, CHART_WIDTH, distribution_png

_COLOUR = dict(_BANDS)


def _open(this: Counts, last: Counts) -> Image.Image:
    image = Image.open(io.BytesIO(distribution_png(this, last)))
    image.load()
    return image.convert("RGB")


def _pixels(image: Image.Image, colour: tuple[int, int, int]) -> list[tuple[int, int]]:
    """Where ``colour`` is, as (x, y)."""
    width, height = image.size
    data = image.load()
    assert data is not None
    return [(x, y) for y in range(height) for x in range(width) if data[x, y] == colour]


def _brightness(pixel: object) -> int:
    assert isinstance(pixel, tuple)
    return sum(int(v) for v in pixel)


def _width(points: list[tuple[int, int]]) -> int:
    return max(x for x, _ in points) - min(x for x, _ in points) + 1 if points else 0


def test_chart_is_a_png_of_the_stated_size() -> None:
    """The chart opens as a PNG of the documented width and height."""
    image = _open(Counts(safe=30, high=9, critical=3), Counts(high=4))
    assert image.size == (CHART_WIDTH, CHART_HEIGHT)


def test_a_band_has_a_bar_only_when_it_has_changes() -> None:
    """The very-high band's colour appears when there are such changes, and not otherwise."""
    assert _pixels(_open(Counts(critical=2, safe=5), Counts()), _COLOUR["critical"])
    assert not _pixels(_open(Counts(safe=5), Counts(safe=5)), _COLOUR["critical"])


def test_bars_are_horizontal_and_scale_with_the_counts() -> None:
    """Twice last week's changes make a bar about twice as long as last week's grey one."""
    image = _open(Counts(high=10), Counts(high=5))
    now, before = _pixels(image, _COLOUR["high"]), _pixels(image, _LAST_WEEK)
    assert _width(now) == round(2 * _width(before)) or abs(_width(now) - 2 * _width(before)) <= 2


def test_the_riskiest_band_comes_first() -> None:
    """Rows run very high, high, moderate, low from the top, as the briefing's text does."""
    image = _open(Counts(critical=1, high=1, moderate=1, safe=1), Counts())
    tops = [min(y for _, y in _pixels(image, _COLOUR[band])) for band, _ in _BANDS]
    assert tops == sorted(tops)


def test_every_row_is_labelled_and_counted_in_dark_text() -> None:
    """Each row has dark text in its label column and beside its bar: readable without colour."""
    image = _open(Counts(critical=1, high=2, moderate=3, safe=4), Counts(high=1))
    data = image.load()
    assert data is not None
    for band, colour in _BANDS:
        bar = _pixels(image, colour)
        top, bottom = min(y for _, y in bar), max(y for _, y in bar)
        right = max(x for x, _ in bar)

        def dark(x0: int, x1: int, top: int = top, bottom: int = bottom) -> bool:
            return any(
                _brightness(data[x, y]) < 200 for x in range(x0, x1) for y in range(top, bottom + 1)
            )

        assert dark(0, 80), f"{band} has no label"
        assert dark(right + 2, right + 40), f"{band} has no count"


def test_an_empty_week_is_still_a_chart() -> None:
    """A week with no changes gives a valid chart with no coloured bar."""
    image = _open(Counts(), Counts())
    assert not any(_pixels(image, colour) for _, colour in _BANDS)


def test_the_chart_has_no_title_of_its_own() -> None:
    """The heading above the chart is its title: the image's top rows are blank."""
    image = _open(Counts(safe=30, high=9, critical=3), Counts(high=4))
    top = [image.getpixel((x, y)) for y in range(12) for x in range(CHART_WIDTH)]
    assert set(top) == {(255, 255, 255)}


def test_labels_are_large_enough_to_read_at_a_phones_width() -> None:
    """A band's label is at least 2.5% of the chart's width tall, so the chart scaled down to
    a 350 px column still shows about 9 px letters, not 6."""
    image = _open(Counts(safe=30, high=9, critical=3), Counts(high=4))
    rows = [
        y
        for y in range(CHART_HEIGHT // 4)
        if any(_brightness(image.getpixel((x, y))) < 300 for x in range(4, 90))
    ]
    assert rows
    assert max(rows) - min(rows) + 1 >= 0.025 * CHART_WIDTH
