"""A briefing's Top changes: a change a gate put at very high risk is always listed, and the
week's riskiest very-high ones come before the changes a card cites."""

from __future__ import annotations

from dataclasses import replace

from briefing.sections import top_change_picks
from scoring.risk import Band
from scoring.weekly import aggregate
from tests.scoring.card_builders import cards, change, spread


def test_a_gated_change_is_listed_among_many_riskier_ones() -> None:
    """Twelve changes scoring above a routine migration: the riskiest few are listed, and the
    migration, which no card tells, after them."""
    riskier = [replace(change(f"r#{n}", "s0", Band.CRITICAL), score=90 - n) for n in range(12)]
    migration = replace(
        change("m#1", "s1", Band.CRITICAL, gates=("schema_migration",), human_reviewed=True),
        score=72,
    )
    this = aggregate([*spread(30, 0), *riskier, migration])
    picked = [c.key for c in top_change_picks(this, ())]
    assert picked == ["r#0", "r#1", "r#2", "r#3", "r#4", "m#1"]


def test_a_change_a_card_cites_is_listed_too() -> None:
    """Every change a card's evidence names is among the listed changes."""
    this = aggregate([*spread(30, 0), change("a#1", "s0", Band.CRITICAL, agent_involved=True)])
    made = cards(this, aggregate(spread(30, 0, -1)))
    cited = {e.key for c in made for e in c.evidence if e.key in {x.key for x in this.changes}}
    assert cited <= {c.key for c in top_change_picks(this, made)}


def test_the_weeks_very_high_change_is_listed_beside_a_card_citing_a_dozen() -> None:
    """A concentration card citing a dozen of one service's changes leaves room for the week's
    very-high-risk change, merged in code no service holds: a week with one names it."""
    piled = [change(f"p#{n}", "pay", Band.HIGH) for n in range(12)]
    riskiest = replace(change("ci#1", None, Band.CRITICAL), score=76)
    this = aggregate([*spread(30, 0), *piled, riskiest])
    made = cards(this, aggregate(spread(30, 0, -1)))
    cited = [e.key for c in made for e in c.evidence if e.key.startswith("p#")]
    assert len(cited) > 10
    picked = [c.key for c in top_change_picks(this, made)]
    assert picked[0] == "ci#1"
    assert len(picked) == 10
