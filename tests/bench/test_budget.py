"""The risk cards' simulation bench: made organisations, their steady weeks and planted stories."""

from __future__ import annotations

from bench.scenarios.budget import KINDS, made_week, run, shape_of, story_found


def test_an_organisation_is_the_same_for_the_same_seed_and_within_its_stated_shape() -> None:
    """A seed makes one organisation of 3–40 services and 10–400 changes a week, every time."""
    for seed in range(5):
        shape = shape_of(seed)
        assert shape == shape_of(seed)
        assert 3 <= len(shape.services) <= 40
        assert 10 <= shape.changes_per_week <= 400


def test_a_planted_story_adds_changes_to_the_week_only() -> None:
    """Planting a story changes this week, never the weeks it is judged against."""
    shape = shape_of(3)
    steady, last, _ = made_week(shape)
    planted, planted_last, story = made_week(shape, "concentration (calm)")
    assert story is not None
    assert planted_last == last
    assert planted.baseline == steady.baseline
    assert len(planted.changes) > len(steady.changes)


def test_a_small_run_counts_every_steady_week_and_story() -> None:
    """A run of four organisations briefs four steady weeks and every story it could plant, and
    finds most of them."""
    out = run(range(4), "test")
    assert out.steady_weeks == 4
    assert sum(weeks for weeks, _ in out.by_size.values()) == 4
    assert set(out.stories) <= set(KINDS)
    made = sum(t[0] for t in out.stories.values())
    assert made == sum(story_found(shape_of(s), k) is not None for s in range(4) for k in KINDS)
    assert sum(t[2] for t in out.stories.values()) >= made // 2
