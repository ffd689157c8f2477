"""What tracing an incident reads: the same candidates for `/risk incident` and the briefing's
card, and the team's confirmed culprits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.store.confirmations import record_confirmation
from data.store.culprits import confirmed_culprits, culprit_facts, culprit_traces, find_incident
from data.store.engine import session_scope
from data.store.window import load_window
from scoring.culprits import rank_culprits
from tests.data.rows import at, base, change, incident
from tests.samples import LoadedSample

# The sample's planted incident, after the Friday checkout deploy.
PLANTED = "INC-1039"
AT = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


def test_a_trace_reads_what_risk_incident_reads(scored: LoadedSample) -> None:
    """The briefing's trace of the planted incident ranks as `/risk incident`'s facts do; a key
    the store lacks is left out."""
    version = scored.org.scoring_config().version
    with session_scope(scored.engine) as session:
        traces = culprit_traces(session, [PLANTED, "INC-0"], version)
        incident = find_incident(session, PLANTED)
        assert incident is not None
        facts = culprit_facts(session, incident, version)
    assert set(traces) == {PLANTED}
    trace = traces[PLANTED]
    assert trace.confirmed == frozenset()
    assert rank_culprits(trace.incident, trace.shipped, trace.fixes) == rank_culprits(
        facts.incident, facts.shipped, facts.fixes
    )


def test_a_culprit_is_confirmed_when_more_members_said_yes_than_no(scored: LoadedSample) -> None:
    """Two yeses against one no confirm; one each does not."""
    with Session(scored.engine) as session:
        for user, change, said in (
            ("U1", "r#1", True),
            ("U2", "r#1", True),
            ("U3", "r#1", False),
            ("U1", "r#2", True),
            ("U2", "r#2", False),
        ):
            record_confirmation(session, PLANTED, change, said, user, None, AT)
        assert confirmed_culprits(session, PLANTED) == frozenset({"r#1"})
        assert confirmed_culprits(session, "INC-0") == frozenset()


def test_only_the_weeks_briefed_carry_their_incidents_traces(scored: LoadedSample) -> None:
    """Read from a given time, an incident after a deploy carries its trace from then on; earlier
    ones and a window read without it carry none."""
    version = scored.org.scoring_config().version
    with session_scope(scored.engine) as session:
        incident = find_incident(session, PLANTED)
        assert incident is not None
        opened = incident.opened_at
        since, until = opened - timedelta(days=30), opened + timedelta(days=1)
        traced = load_window(session, since, until, version, culprits_since=opened)
        plain = load_window(session, since, until, version)
    by_key = {i.key: i for i in traced.incidents}
    trace = by_key[PLANTED].culprits
    assert trace is not None
    assert trace.incident.key == PLANTED
    assert all(i.culprits is None for i in traced.incidents if i.opened_at < opened)
    assert all(i.culprits is None for i in plain.incidents)


def test_a_re_landing_and_a_planned_revert_are_no_later_fixes(engine: Engine) -> None:
    """A revert of a revert candidate, and a revert whose body says it is temporary, are
    neither revert nor fix evidence; a plain revert is."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        undone = change(s, repo, svc, human, 1, at(1))
        undone.is_revert, undone.title = True, 'Revert "Add checkout"'
        planned = change(s, repo, svc, human, 2, at(1.5))
        plain = change(s, repo, svc, human, 3, at(1.6))
        opened = incident(s, svc, "INC-1", at(2), None)
        for number, target, body in (
            (4, undone, "This lands the checkout again."),
            (5, planned, "Temporarily, for the 2.0 release; it will re-land after it."),
            (6, plain, "It broke the checkout."),
        ):
            revert = change(s, repo, svc, human, number, at(3))
            revert.title, revert.body = f'Revert "{target.title}"', body
            revert.is_revert, revert.reverts_key = True, target.key
        s.flush()
        facts = culprit_facts(s, opened, "v1")
    assert [(f.key, f.reverts) for f in facts.fixes] == [("acme/shop#6", "acme/shop#3")]
