"""The agent outcome card from the store: the sample's agents make none, and reverts planted on
their changes of one kind make a warning whose facts and words are the planted numbers."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from bot.answers.lookups import version_of
from briefing.card_words import KIND_WORDS, card_title
from briefing.sections import card_view
from briefing.week import IsoWeek
from data.store.engine import session_scope
from data.store.tables import Change
from data.store.window import window_rows
from scoring.card_terms import Card, CardKind, CardRules, FactKey, Severity
from scoring.cards import build_cards
from scoring.weekly import WeekAggregate, aggregate
from tests.samples import LoadedSample

# The sample is small: a few agent changes of a kind over five weeks, so the minimums are low.
RULES = CardRules(agent_outcomes_min_changes=2, agent_outcomes_min_went_wrong=2)


def _weeks(session: Session, scored: LoadedSample) -> tuple[WeekAggregate, WeekAggregate]:
    """The sample's last complete week with its four baseline weeks, and the week before it."""
    week = IsoWeek.of(scored.as_of - timedelta(days=7))
    start = datetime.combine(week.monday, time(), UTC)
    services = [s.key for s in scored.org.services]
    version = version_of(scored.org)

    def rows(since: datetime, until: datetime) -> WeekAggregate:
        got = window_rows(session, since, until, services, version)
        return aggregate(got.changes, got.deploys, got.incidents, weeks=(until - since).days // 7)

    baseline = rows(start - timedelta(weeks=4), start)
    this = window_rows(session, start, start + timedelta(weeks=1), services, version)
    last = rows(start - timedelta(weeks=1), start)
    return aggregate(this.changes, this.deploys, this.incidents, baseline=baseline), last


def _outcome_cards(this: WeekAggregate, last: WeekAggregate) -> list[Card]:
    return [c for c in build_cards(this, last, RULES) if c.kind is CardKind.AGENT_OUTCOMES]


def test_the_samples_agents_make_no_outcome_card(scored: LoadedSample) -> None:
    """None of the sample's agent changes went wrong: no card, even with low minimums."""
    with session_scope(scored.engine) as session:
        assert _outcome_cards(*_weeks(session, scored)) == []


def test_planted_reverts_make_a_warning_with_their_numbers(scored: LoadedSample) -> None:
    """Two reverted agent changes of the kind agents made most of make the card, with those
    two as its evidence and their counts in its facts and words."""
    with session_scope(scored.engine) as session:
        this, _ = _weeks(session, scored)
        pooled = [*this.changes, *(this.baseline.changes if this.baseline else ())]
        agents = [c for c in pooled if c.agent_involved and c.outcome and c.outcome.source_lines]
        kind = max(
            {c.outcome.kind for c in agents if c.outcome},
            key=lambda k: (sum(1 for c in agents if c.outcome and c.outcome.kind is k), k.value),
        )
        planted = sorted(c.key for c in agents if c.outcome and c.outcome.kind is kind)[:2]
        for n, key in enumerate(planted):
            target = session.exec(select(Change).where(Change.key == key)).one()
            session.add(
                Change(
                    key=f"acme/platform#9910{n}",
                    repository_id=target.repository_id,
                    title=f"Revert {target.title}",
                    author_id=target.author_id,
                    merged_at=datetime.combine(scored.as_of, time(1), UTC),
                    reverts_key=key,
                )
            )
        session.flush()
        this, last = _weeks(session, scored)
    (card,) = _outcome_cards(this, last)
    assert (card.severity, card.subject) == (Severity.WARNING, kind.value)
    assert sorted(e.key for e in card.evidence) == planted
    assert card.fact(FactKey.AGENT_KIND_WENT_WRONG) == 2
    assert card.fact(FactKey.OUTCOME_WEEKS) == 5
    lines = card.fact(FactKey.AGENT_KIND_LINES)
    assert lines is not None
    assert card.fact(FactKey.AGENT_KIND_RATE) == round(2000 / lines, 2)
    view = card_view(card)
    words = KIND_WORDS[CardKind.AGENT_OUTCOMES].paragraph(None, view)  # type: ignore[arg-type]
    assert f"2 of {card.fact(FactKey.AGENT_KIND_CHANGES):.0f} AI-agent {kind.value}" in words
    assert kind.value in card_title(card)
