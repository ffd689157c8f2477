"""The distribution chart: a valid PNG whose bars follow the counts."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

import pytest

from briefing.payload import Counts
from briefing.render.chart import CHART_HEIGHT, CHART_WIDTH, distribution_png, encode_png

_RED = (217, 45, 32)
_ORANGE = (247, 144, 9)
_GREY = (200, 204, 209)


@dataclass(frozen=True)
class _Image:
    """A decoded 8-bit RGB PNG."""

    width: int
    height: int
    rows: tuple[bytes, ...]

    def count(self, colour: tuple[int, int, int]) -> int:
        """How many pixels have ``colour``."""
        needle = bytes(colour)
        return sum(row[x * 3 : x * 3 + 3] == needle for row in self.rows for x in range(self.width))


def _decode(png: bytes) -> _Image:
    """Parse ``png``, checking its signature, every CRC and the IHDR, into rows of pixels."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    offset, chunks = 8, []
    while offset < len(png):
        (length,) = struct.unpack(">I", png[offset : offset + 4])
        kind = png[offset + 4 : offset + 8]
        data = png[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", png[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + data) & 0xFFFFFFFF
        chunks.append((kind, data))
        offset += 12 + length
    assert chunks[0][0] == b"IHDR"
    assert chunks[-1] == (b"IEND", b"")
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert (depth, colour_type, interlace) == (8, 2, 0)
    raw = zlib.decompress(b"".join(data for kind, data in chunks if kind == b"IDAT"))
    stride = 1 + 3 * width
    assert len(raw) == height * stride
    rows = tuple(raw[y * stride : (y + 1) * stride] for y in range(height))
    assert all(row[0] == 0 for row in rows)  # filter type none, which _decode relies on
    return _Image(width, height, tuple(row[1:] for row in rows))


def test_chart_is_a_valid_png_of_the_stated_size() -> None:
    """The chart parses as an RGB PNG with the documented width and height."""
    image = _decode(distribution_png(Counts(safe=30, high=9, critical=3), Counts(high=4)))
    assert (image.width, image.height) == (CHART_WIDTH, CHART_HEIGHT)


def test_chart_shows_a_band_only_when_it_has_changes() -> None:
    """Critical red appears when there are critical changes and not when there are none."""
    with_critical = _decode(distribution_png(Counts(critical=2, safe=5), Counts()))
    without = _decode(distribution_png(Counts(safe=5), Counts(safe=5)))
    assert with_critical.count(_RED) > 0
    assert without.count(_RED) == 0


def test_chart_bars_scale_with_the_counts() -> None:
    """A band with twice last week's changes has a bar about twice as tall as last week's."""
    image = _decode(distribution_png(Counts(high=10), Counts(high=5)))
    assert image.count(_ORANGE) == pytest.approx(2 * image.count(_GREY), rel=0.05)


def test_chart_of_an_empty_week_is_still_valid() -> None:
    """A week with no changes at all still gives a valid PNG."""
    image = _decode(distribution_png(Counts(), Counts()))
    assert image.count(_RED) == 0


def test_encode_png_rejects_the_wrong_number_of_bytes() -> None:
    """Pixel data that does not match the size is refused rather than encoded."""
    with pytest.raises(ValueError, match="RGB"):
        encode_png(2, 2, b"\x00" * 11)


def test_encode_png_round_trips_pixels() -> None:
    """The encoded pixels decode back to exactly the pixels given."""
    pixels = bytes(range(2 * 3 * 3))
    image = _decode(encode_png(3, 2, pixels))
    assert b"".join(image.rows) == pixels
