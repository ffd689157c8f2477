"""`/risk incident` and its record on the sample organisation: the planted incident is traced
to the change its team reverted, and only a caller who may see its service is told."""

from __future__ import annotations

from datetime import UTC, datetime, time

import pytest
from sqlalchemy import update
from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.answer import AnswerOutcome
from bot.answers.caller import Asked, Caller, Profile
from bot.answers.grammar import parse_words
from bot.answers.lookups import catalog_of, version_of
from bot.answers.queries import IncidentQuery
from bot.answers.records.incident import incident_culprits
from bot.answers.registry import answer_query
from bot.answers.text import answer_text
from data.scope import Scope
from data.store.culprits import culprit_facts, find_incident
from data.store.engine import session_scope
from data.store.tables import Change, ChangeFile, Deploy, Service
from scoring.culprits import WINDOW
from scoring.errors import NotFoundError
from tests.samples import LoadedSample

# The sample's planted incident: the Friday checkout deploy shipped FRIDAY, which REVERT
# reverted that night.
PLANTED = "INC-1039"
FRIDAY = "acme/platform#4521"
REVERT = "acme/platform#4522"


def _asked(session: Session, scored: LoadedSample, subscriber: str | None) -> Asked:
    now = datetime.combine(scored.as_of, time(12), tzinfo=UTC)
    caller = Caller("U-none", lambda: Profile("U-none", "Sam"), subscriber_key=subscriber)
    return Asked(session, scored.org, caller, now)


def test_the_planted_incident_is_traced_to_the_reverted_change(scored: LoadedSample) -> None:
    """INC-1039's first candidate is the Friday change, reverted by #4522 after it began; every
    candidate shipped to Checkout in the 72 h before, ranked by points."""
    with session_scope(scored.engine) as session:
        record = incident_culprits(session, scored.org, Access.organisation(scored.org), PLANTED)
    first = record.culprits[0]
    assert first.key == FRIDAY
    assert first.evidence[0].kind == "reverted"
    assert first.evidence[0].words.startswith(f"reverted by {REVERT} ")
    assert first.evidence[0].words.endswith("after the incident began")
    assert first.deploy == "deploy:checkout:2026-11-20T15:35"
    assert record.service == "checkout"
    assert record.deploys_known
    assert [c.points for c in record.culprits] == sorted(
        (c.points for c in record.culprits), reverse=True
    )
    for c in record.culprits:
        assert c.points == sum(e.points for e in c.evidence)
        assert record.opened_at - WINDOW <= c.shipped_at <= record.opened_at


def test_only_a_caller_who_sees_its_service_is_told(scored: LoadedSample) -> None:
    """A caller of other services, and an unknown key, get the same not-found sentence."""
    others = tuple(s.key for s in scored.org.services if s.key != "checkout")
    outsider = Access.of(scored.org, Scope((), others), "UTC")
    with session_scope(scored.engine) as session:
        with pytest.raises(NotFoundError) as outside:
            incident_culprits(session, scored.org, outsider, PLANTED)
        with pytest.raises(NotFoundError) as unknown:
            incident_culprits(session, scored.org, Access.organisation(scored.org), "INC-0")
    assert str(outside.value) == str(unknown.value)


def test_risk_incident_answers_in_the_callers_scope(scored: LoadedSample) -> None:
    """`/risk incident INC-1039` names the reverted change first for Commerce's lead and the
    VP, and is not found for Discovery's lead, whose scope lacks Checkout."""
    query = parse_words(["incident", "`inc-1039`"], catalog_of(scored.org))
    assert query == IncidentQuery("inc-1039")
    assert isinstance(query, IncidentQuery)
    with session_scope(scored.engine) as session:
        commerce = answer_query(_asked(session, scored, "commerce-lead"), query)
        whole = answer_query(_asked(session, scored, None), query)
        discovery = answer_query(_asked(session, scored, "discovery-lead"), query)
    text = answer_text(commerce)
    assert "INC-1039 in Checkout" in text
    assert "1. Switch order confirmation to async payment capture" in text
    assert f"`{FRIDAY}`" in text.split("\n2. ")[0]
    assert f"reverted by {REVERT}" in text
    assert "Was it" not in text, "the terminal has no buttons to answer with"
    assert text.count("Europe/Berlin") >= 1, "times are in the Commerce lead's zone"
    assert (
        answer_text(whole).split("\n1. ")[1].split("\n")[0] == text.split("\n1. ")[1].split("\n")[0]
    )
    assert discovery.outcome is AnswerOutcome.NOT_FOUND
    assert "No incident `inc-1039`" in answer_text(discovery)


def test_a_service_without_deploys_is_traced_through_its_merges(scored: LoadedSample) -> None:
    """With no production deploy of Checkout stored, the candidates are the changes merged
    into it in the window, each said to have merged, and the reverted change is still first."""
    with session_scope(scored.engine) as session:
        checkout = session.exec(select(Service).where(col(Service.key) == "checkout")).one()
        incident = find_incident(session, PLANTED)
        assert incident is not None
        # Staging deploys are no production deploys: Checkout then has none.
        session.exec(
            update(Deploy)
            .where(col(Deploy.service_id) == checkout.id)
            .values(environment="staging")
        )
        session.commit()
        facts = culprit_facts(session, incident, version_of(scored.org))
        merged = set(
            session.exec(
                select(Change.key)
                .join(ChangeFile, col(ChangeFile.change_id) == col(Change.id))
                .where(
                    col(ChangeFile.service_id) == checkout.id,
                    col(Change.merged_at) >= incident.opened_at - WINDOW,
                    col(Change.merged_at) <= incident.opened_at,
                )
            )
        )
        record = incident_culprits(session, scored.org, Access.organisation(scored.org), PLANTED)
    assert not facts.deploys_known
    assert {s.key for s in facts.shipped} == merged
    assert all(s.deploy is None and s.shipped_at == s.merged_at for s in facts.shipped)
    assert record.culprits[0].key == FRIDAY
    assert record.culprits[0].evidence[-1].words.startswith("merged ")


def test_a_later_fix_touching_a_candidates_files_is_read_from_the_store(
    scored: LoadedSample,
) -> None:
    """INC-1038 in Search: a fix merged after it began that touched a candidate's files is
    named in that candidate's clues, and it did touch them, after the incident began."""
    with session_scope(scored.engine) as session:
        record = incident_culprits(session, scored.org, Access.organisation(scored.org), "INC-1038")
        fixed = [(c.key, e.words) for c in record.culprits for e in c.evidence if e.kind == "fixed"]
        assert fixed, "the sample's search fixes touch the files of changes shipped before"
        key, words = fixed[0]
        fix_key = words.split(" ")[0]

        def paths(change: str) -> set[str]:
            return set(
                session.exec(
                    select(ChangeFile.path)
                    .join(Change, col(Change.id) == col(ChangeFile.change_id))
                    .where(col(Change.key) == change)
                )
            )

        fix = session.exec(select(Change).where(col(Change.key) == fix_key)).one()
        assert paths(key) & paths(fix_key)
        assert fix.merged_at is not None
        assert fix.merged_at >= record.opened_at
        assert not fix.is_revert
