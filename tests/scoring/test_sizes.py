"""A change's size against its service's own sizes: the incident rule's log-normal yardstick."""

from __future__ import annotations

import math

import pytest

from scoring.band import Band
from scoring.card_rules.sizes import (
    SIZE_MIN_CHANGES,
    SizeNorm,
    larger_than_usual,
    own_sizes,
    t_quantile,
)
from tests.scoring.card_builders import change


@pytest.mark.parametrize(
    ("dof", "quantile"),
    [(9, 4.297), (19, 3.579), (40, 3.307), (100, 3.174)],
)
def test_the_t_quantile_matches_the_tables(dof: int, quantile: float) -> None:
    """Student's t at 0.999 is read to the tables' third decimal (within 0.01) from 9 degrees of
    freedom, the fewest a judged service has."""
    assert t_quantile(0.999, dof) == pytest.approx(quantile, abs=0.01)


def test_a_size_norm_needs_enough_changes() -> None:
    """Fewer changes than the minimum say nothing of a service's sizes; that many do."""
    assert SizeNorm.of([30] * (SIZE_MIN_CHANGES - 1)) is None
    norm = SizeNorm.of([10, 100] * (SIZE_MIN_CHANGES // 2))
    assert norm is not None
    assert norm.mean == pytest.approx(math.log(math.sqrt(1000)))


def test_the_bound_widens_with_the_spread_and_narrows_with_more_changes() -> None:
    """A service whose sizes spread more, or which is known from fewer changes, makes larger
    changes by chance: its bound is higher."""
    narrow = SizeNorm(40, math.log(30), 0.5)
    wide = SizeNorm(40, math.log(30), 1.0)
    few = SizeNorm(10, math.log(30), 1.0)
    assert narrow.bound < wide.bound < few.bound
    # Forty changes around 30 lines spreading a factor of e: about 30 × e^3.4.
    assert 800 < wide.bound < 950


def test_only_a_large_change_of_a_judged_service_is_larger_than_usual() -> None:
    """A change the large-change gate took, past its service's bound, is larger than usual; one
    without the gate, of unknown size, or in a service with too few sized changes is not."""
    base = [change(f"b#{n}", "pay", Band.SAFE, -1, source_lines=20 + n) for n in range(12)]
    base += [change("o#1", "web", Band.SAFE, -1, source_lines=20)]
    sizes = own_sizes(base)
    assert set(sizes) == {"pay"}

    def big(service: str, lines: int | None, gates: tuple[str, ...] = ("large_change",)) -> bool:
        c = change("x", service, Band.HIGH, gates=gates, source_lines=lines)
        return larger_than_usual(c, sizes)

    assert big("pay", 1500)
    assert not big("pay", 1500, ())
    assert not big("pay", None)
    assert not big("web", 1500)
