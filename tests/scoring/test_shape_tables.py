"""A fitted shape's points kept by count and by rank read exactly as the shape gives them."""

from __future__ import annotations

import math

from scoring.model import MODEL
from scoring.model_features import log_count
from scoring.shape_tables import _TABLE_BELOW, RankTable, ShapeTable


def test_a_table_holds_whole_counts_only() -> None:
    """A count's points are kept once worked out; a fraction, a negative, NaN or a count past
    the table's end are worked out each time and never kept."""
    shape = MODEL.shapes("size")[0]
    table = ShapeTable(shape, counts=True)
    for n in (0.0, 3.0, 3, 17.0, 2.5, -4.0, math.nan, 1e9, float(_TABLE_BELOW)):
        assert table[n] == shape.points(log_count(n))
    assert sorted(table) == [0.0, 3.0, 17.0]


# The features the scorer reads as ranks (``FittedShares``' ``RankTable``s): signal, position.
_RANKS = (
    ("file_history", 1),
    ("file_history", 2),
    ("author_experience", 0),
    ("author_experience", 2),
    ("defect_proneness", 0),
)


def test_a_rank_table_reads_every_rank_as_its_shape_and_keeps_those_above_zero() -> None:
    """Every rank a window of 1 to 40 counts or of a full 1,000 can give reads, from the table
    as when first worked out, exactly as ``Shape.points``; 0, -0.0 and ranks outside 0–1
    are worked out each time and never kept."""
    young = {(b + a) / (n + n) for n in range(1, 41) for b in range(n + 1) for a in range(b, n + 1)}
    ranks = sorted(young | {k / 2000 for k in range(2001)})
    odd = [0.0, -0.0, -0.25, 1.5]
    for signal, at in _RANKS:
        shape = MODEL.shapes(signal)[at]
        table = RankTable(shape)
        for _ in range(2):
            for r in [*ranks, *odd]:
                assert repr(table[r]) == repr(shape.points(r)), (signal, at, r)
        assert len(table) == len(ranks) - 1
        assert all(0.0 < r <= 1.0 for r in table)
