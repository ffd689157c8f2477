"""Counted nouns agree with their counts: no "(1 incidents)" in any briefing."""

from __future__ import annotations

from briefing.deterministic import write_deterministic
from briefing.payload import CardView, FactView
from scoring.card_terms import CardKind, FactKey
from scoring.plural import many, plural, was
from tests.briefing.render.factory import make_payload


def test_one_is_singular_and_every_other_count_plural() -> None:
    """1 takes the singular noun and verb; 0, 2 and 2.5 take the plural."""
    assert many(1, "incident") == "1 incident"
    assert many(3, "incident") == "3 incidents"
    assert many(0, "change") == "0 changes"
    assert many(2.5, "deploy") == "2.5 deploys"
    assert (was(1), was(2)) == ("was", "were")
    assert plural(2, "other") == "others"


def test_a_driver_card_of_one_change_says_one_change() -> None:
    """A driver behind one high-risk change says "1 high-risk change", not "1 high-risk
    changes"."""
    card = CardView(
        id="driver:review",
        kind=CardKind.DRIVER,
        severity="warning",
        title="Missing review drove more high-risk changes",
        subject=None,
        facts=(
            FactView(key=FactKey.DRIVEN_THIS_WEEK, value=1, signal=None),
            FactView(key=FactKey.DRIVEN_LAST_WEEK, value=0),
            FactView(key=FactKey.DRIVEN_BY, value=1, signal="review"),
        ),
    )
    narrative = write_deterministic(make_payload((card,)))
    assert narrative.paragraph(card.id) == (
        "Missing or rushed review drove 1 high-risk change, up from 0 last week."
    )
