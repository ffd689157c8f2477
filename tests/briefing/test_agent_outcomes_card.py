"""The agent outcome card from the store: the sample's agents make none, and reverts planted on
their changes of one kind make a warning whose facts and words are the planted numbers."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, select

from bot.answers.lookups import version_of
from briefing.build import Recipient, build_payload
from briefing.card_words import KIND_WORDS, card_title
from briefing.render import render_email, render_slack
from briefing.sections import card_view
from briefing.week import IsoWeek
from briefing.windows import PayloadKey, Windows, weeks_before
from briefing.writer import write_narrative
from data.scope import Scope
from data.store.engine import session_scope
from data.store.tables import Change, Repository
from data.store.window import window_rows
from scoring.card_terms import Card, CardFact, CardKind, Evidence, EvidenceKind, FactKey, Severity
from scoring.card_thresholds import CardRules
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


def _rendered(scored: LoadedSample, card: Card) -> tuple[str, str]:
    """The sample's last complete week with ``card`` as its only card (beside the week's own
    cards the Slack message crosses its 350 words and tells the least severe by title only), as
    Slack's blocks and the email's text, from the deterministic writer."""
    week = IsoWeek.of(scored.as_of - timedelta(days=7))
    with session_scope(scored.engine) as session:
        payload = build_payload(session, scored.org, Recipient("vp", "VP", "UTC"), week)
    payload = payload.model_copy(update={"cards": (card_view(card),)})
    narrative = write_narrative(payload, None).narrative
    slack = json.dumps(render_slack(payload, narrative).to_json())
    return slack, render_email(payload, narrative).text


def test_the_card_reads_in_slack_and_email_with_its_evidence(scored: LoadedSample) -> None:
    """Set into a week's payload, the card's title, words and an earlier week's evidence render
    in Slack and the email from the deterministic writer, each rate stated once."""
    card = Card(
        "agent:outcomes:refactor",
        CardKind.AGENT_OUTCOMES,
        Severity.WARNING,
        "refactor",
        (
            CardFact(FactKey.OUTCOME_WEEKS, 5),
            CardFact(FactKey.AGENT_KIND_CHANGES, 12),
            CardFact(FactKey.AGENT_KIND_WENT_WRONG, 4),
            CardFact(FactKey.AGENT_KIND_LINES, 1600),
            CardFact(FactKey.AGENT_KIND_RATE, 2.5),
            CardFact(FactKey.PEOPLE_KIND_CHANGES, 90),
            CardFact(FactKey.PEOPLE_KIND_WENT_WRONG, 3),
            CardFact(FactKey.PEOPLE_KIND_LINES, 12000),
            CardFact(FactKey.PEOPLE_KIND_RATE, 0.25),
        ),
        (Evidence(EvidenceKind.CHANGE, "acme/platform#4001"),),
    )
    slack, email = _rendered(scored, card)
    title = card_title(card)
    assert title == "AI agents' refactor work went wrong more often than people's"
    for text in (slack, email):
        assert title in text
        assert "2.5 per 1,000 lines of code" in text
        assert "against 0.25 for people's" in text
        assert "acme/platform#4001" in text
    # The paragraph states the rates, so no fact line repeats them.
    assert "gone wrong per 1,000 lines of code:" not in email


def test_later_fixes_szz_blamed_make_the_card_when_given_to_the_windows(
    scored: LoadedSample,
) -> None:
    """Two agent changes SZZ blamed (as the weekly build passes what SZZ found in each clone)
    are counted as later fixed and make the card with those two as evidence; without SZZ's
    word their later fixes are unknown and there is no card."""
    week = IsoWeek.of(scored.as_of - timedelta(days=7))
    key = PayloadKey(Scope(), "UTC", week)
    services = [s.key for s in scored.org.services]
    version = version_of(scored.org)
    with session_scope(scored.engine) as session:
        this, _ = _weeks(session, scored)
        pooled = [*this.changes, *(this.baseline.changes if this.baseline else ())]
        agents = sorted(
            (c for c in pooled if c.agent_involved and c.outcome and c.outcome.source_lines),
            key=lambda c: c.key,
        )
        kind = max(
            {c.outcome.kind for c in agents if c.outcome},
            key=lambda k: (sum(1 for c in agents if c.outcome and c.outcome.kind is k), k.value),
        )
        planted = [c.key for c in agents if c.outcome and c.outcome.kind is kind][:2]
        names = {
            c.key: session.exec(
                select(Repository.name)
                .join(Change, Change.repository_id == Repository.id)  # type: ignore[arg-type]
                .where(Change.key == c.key)
            ).one()
            for c in agents
            if c.key in planted
        }
        blamed: dict[str, frozenset[str]] = {}
        for change, name in names.items():
            blamed[name] = blamed.get(name, frozenset()) | {change}

        def cards(later_fixed: dict[str, frozenset[str]] | None) -> list[Card]:
            windows = Windows(session, version, [key], 4, later_fixed)
            now = windows.rows(key, week, services)
            base = windows.rows(key, week.previous(), services, weeks_before(week, 4))
            last = windows.rows(key, week.previous(), services)
            this_week = aggregate(
                now.changes,
                now.deploys,
                now.incidents,
                baseline=aggregate(base.changes, base.deploys, base.incidents, weeks=4),
            )
            last_week = aggregate(last.changes, last.deploys, last.incidents)
            return _outcome_cards(this_week, last_week)

        assert cards(None) == []
        (card,) = cards(blamed)
    assert len(planted) == 2
    assert (card.severity, card.subject) == (Severity.WARNING, kind.value)
    assert sorted(e.key for e in card.evidence) == sorted(planted)
    assert card.fact(FactKey.AGENT_KIND_WENT_WRONG) == 2


def test_good_news_and_later_fixes_read_in_slack_and_email(scored: LoadedSample) -> None:
    """The agents-better card renders as good news in Slack and the email, and where SZZ ran
    its words say later fixes were counted, with both sides' numbers of them."""
    card = Card(
        "agent:outcomes-better:fix",
        CardKind.AGENT_OUTCOMES_BETTER,
        Severity.INFO,
        "fix",
        (
            CardFact(FactKey.OUTCOME_WEEKS, 5),
            CardFact(FactKey.AGENT_KIND_CHANGES, 20),
            CardFact(FactKey.AGENT_KIND_WENT_WRONG, 1),
            CardFact(FactKey.AGENT_KIND_LINES, 2000),
            CardFact(FactKey.AGENT_KIND_RATE, 0.5),
            CardFact(FactKey.PEOPLE_KIND_CHANGES, 60),
            CardFact(FactKey.PEOPLE_KIND_WENT_WRONG, 9),
            CardFact(FactKey.PEOPLE_KIND_LINES, 4500),
            CardFact(FactKey.PEOPLE_KIND_RATE, 2.0),
            CardFact(FactKey.AGENT_KIND_LATER_FIXED, 1),
            CardFact(FactKey.PEOPLE_KIND_LATER_FIXED, 4),
        ),
    )
    slack, email = _rendered(scored, card)
    title = card_title(card)
    assert title == "AI agents' fix work went wrong less often than people's"
    for text in (slack, email):
        assert title in text
        assert "1 of 20 AI-agent fix changes were reverted, linked to an incident" in text
        assert "repaired by a later fix (as SZZ traced them: 1 of these, 4 of people's)" in text
        assert "0.5 per 1,000 lines of code" in text
        assert "against 2 for people's" in text
