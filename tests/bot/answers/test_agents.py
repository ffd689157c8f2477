"""`/risk agents` on the sample organisation: its words and weeks parse, and its table is the
record's figures, each kind's agents beside its people."""

from __future__ import annotations

from datetime import UTC, datetime, time

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.caller import Asked, Caller, Profile
from bot.answers.grammar import parse_words
from bot.answers.lookups import catalog_of
from bot.answers.parse import Usage
from bot.answers.queries import AgentsQuery
from bot.answers.records.agent_outcomes import agent_outcomes
from bot.answers.registry import answer_query
from bot.answers.text import answer_text
from data.scope import Scope
from data.store.engine import session_scope
from tests.samples import LoadedSample


def _now(scored: LoadedSample) -> datetime:
    return datetime.combine(scored.as_of, time(12), tzinfo=UTC)


def _asked(session: Session, scored: LoadedSample) -> Asked:
    caller = Caller("U-none", lambda: Profile("U-none", "Sam"), subscriber_key=None)
    return Asked(session, scored.org, caller, _now(scored))


def test_agents_takes_a_scope_and_a_number_of_weeks(scored: LoadedSample) -> None:
    """`agents`, `agents Search weeks 8` and `agents weeks 26` parse; weeks out of range do not."""
    catalog = catalog_of(scored.org)
    assert parse_words(["agents"], catalog) == AgentsQuery()
    assert parse_words(["agents", "Search", "weeks", "8"], catalog) == AgentsQuery(
        Scope((), ("search",)), 8
    )
    assert parse_words(["agents", "weeks", "26"], catalog) == AgentsQuery(None, 26)
    for wrong in (["agents", "weeks", "2"], ["agents", "weeks"], ["agents", "weeks", "x"]):
        assert isinstance(parse_words(wrong, catalog), Usage), wrong


def test_the_answer_tells_the_records_figures(scored: LoadedSample) -> None:
    """Each kind's row pair in the answer carries the record's changes and approved share."""
    with session_scope(scored.engine) as session:
        got = answer_query(_asked(session, scored), AgentsQuery(weeks=8))
        record = agent_outcomes(
            session, scored.org, Access.organisation(scored.org), None, 8, None, _now(scored)
        )
    text = answer_text(got)
    assert text.startswith("*AI agents* · ")
    assert f"{record.since_week} to {record.until_week} (8 weeks)" in text
    lines = text.splitlines()
    for k in record.all_agents:
        (agents,) = [ln for ln in lines if ln.split()[:2] == [k.kind, "agents"]]
        (people,) = [ln for ln in lines if ln.split()[:2] == [k.kind, "people"]]
        assert agents.split()[2] == str(k.agents.changes)
        assert people.split()[2] == str(k.people.changes)
    # No clone in the sample: later fixes are unknown, and said so.
    assert "`?` is unknown, not none" in text
