"""A count's rank among a history's latest counts."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.running_rank import RunningRank


def test_a_count_with_nothing_seen_before_it_stands_in_the_middle() -> None:
    """The first change of a history is neither above nor below anything: 0.5."""
    assert RunningRank().rank(7.0) == 0.5


def test_ties_count_half_and_the_rank_is_the_share_below() -> None:
    """Among 1, 2, 2, 3 a 2 has one count below and two ties: (1 + 1) / 4."""
    ranks = RunningRank()
    for value in (1.0, 2.0, 2.0, 3.0):
        ranks.add(value)
    assert ranks.rank(2.0) == pytest.approx(0.5)
    assert ranks.rank(0.0) == 0.0
    assert ranks.rank(9.0) == 1.0


def test_the_oldest_count_leaves_a_full_window() -> None:
    """With a window of 3, the first of four counts no longer ranks anything."""
    ranks = RunningRank(window=3)
    for value in (100.0, 1.0, 2.0, 3.0):
        ranks.add(value)
    assert len(ranks) == 3
    assert ranks.rank(50.0) == 1.0


def test_the_same_count_ranks_the_same_in_a_young_and_an_old_history() -> None:
    """Counts that all grew tenfold with age leave a change that grew with them where it was."""
    young, old = RunningRank(window=10), RunningRank(window=10)
    for n in range(1, 11):
        young.add(float(n))
        old.add(float(10 * n))
    assert young.rank(5.0) == old.rank(50.0)


def test_a_window_holds_one_count_at_least() -> None:
    """A window of no counts is refused: no rank could be read from it."""
    with pytest.raises(ValueError, match="one count"):
        RunningRank(window=0)


def test_ranking_then_adding_in_one_pass_is_the_two_in_turn() -> None:
    """``rank(v, add=True)`` gives what ``rank`` then ``add`` give, window and ties included."""
    one, two = RunningRank(window=4), RunningRank(window=4)
    for value in (3.0, 1.0, 3.0, 2.0, 3.0, 0.0, 5.0, 3.0):
        expected = two.rank(value)
        two.add(value)
        assert one.rank(value, add=True) == expected
        assert one.rank(2.5) == two.rank(2.5)


@settings(max_examples=80, deadline=None)
@given(st.integers(1, 6), st.lists(st.integers(0, 4), max_size=40))
def test_every_rank_is_the_share_below_the_last_window_counts(
    window: int, counts: list[int]
) -> None:
    """Ranked against a plain list of the last ``window`` counts, ties and a count equal to the
    one leaving included, every rank is the same float."""
    ranks = RunningRank(window=window)
    for i, count in enumerate(counts):
        last = counts[max(0, i - window) : i]
        below = sum(1 for c in last if c < count)
        ties = sum(1 for c in last if c == count)
        expected = (below + below + ties) / (2 * len(last)) if last else 0.5
        assert ranks.rank(count, add=True) == expected
        assert len(ranks) == min(i + 1, window)
