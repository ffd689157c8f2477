"""The history read from the store answers a proposed change as the scorer's own pass would."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from data.config import parse_org_config
from data.store.bug_issues import load_bug_issues
from data.store.engine import session_scope
from data.store.facts import load_changes, load_deploys, load_incidents
from data.store.history import HistoryCache, read_history
from data.store.tables import Change, ChangeState
from scoring.facts import ChangeFacts, FileChange
from scoring.history import History
from scoring.proposal import assess
from tests.data.rows import at, base, change, deploy, incident
from tests.samples import SampleTemplate

_ORG = parse_org_config(
    """
[organisation]
name = "Acme"

[scoring.weights]
tests = 4.0
"""
)


def test_read_history_records_the_store_and_peeks_without_writing(engine: Engine) -> None:
    """Every stored change, incident and production deploy is known; nothing is written back."""
    with session_scope(engine) as s:
        repo, svc, human, agent = base(s)
        for n in range(1, 6):
            change(s, repo, svc, human if n % 2 else agent, n, at(n), owners=["@alice"])
        deploy(s, svc, "d1", at(6), status="failure")
        incident(s, svc, "inc-1", at(6.5), 30)
    with session_scope(engine) as s:
        stored = read_history(s, _ORG, now=at(10))
        incidents = load_incidents(s)
        deploys = load_deploys(s)
        changes = load_changes(s)
    assert (stored.changes, stored.incidents, stored.deploys) == (5, 1, 1)
    assert stored.read_at == at(10)
    # The organisation's overrides are the config the history is scored with.
    assert stored.config.weights.tests == 4.0

    # The same history built by hand from the same facts gives the same context.
    by_hand = History(lookback_days=stored.config.incident_lookback_days)
    by_hand.add_incidents(incidents)
    by_hand.add_deploys(deploys, incidents)
    for c in changes:
        by_hand.record(c)
    proposal = ChangeFacts(
        "acme/shop@aaaaaaaaaaaa",
        "acme/shop",
        "proposed",
        "alice",
        at(10),
        (FileChange("p/f1.py", 20, 3, "payments", ("@alice",)),),
        reviews_known=False,
    )
    ctx = stored.history.context(proposal)
    assert ctx == by_hand.context(proposal)
    assert ctx.author_prior_changes == 3
    assert ctx.recent_incidents == 1
    assert ctx.service_failed_deploys == 1

    # The store names authors by login; a GitHub noreply address finds its login.
    assert stored.author_as_stored("alice") == "alice"
    assert stored.author_as_stored("1234+alice@users.noreply.github.com") == "alice"
    assert stored.author_as_stored("carol@example.com") is None
    first = assess(proposal, stored.history, stored.config)
    assert assess(proposal, stored.history, stored.config) == first
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Change)).one() == 5


def test_an_empty_store_reads_as_an_empty_history(engine: Engine) -> None:
    """No changes yet: the history knows nothing and a proposal's files are all new."""
    with session_scope(engine) as s:
        stored = read_history(s, _ORG)
    assert stored.changes == 0
    proposal = ChangeFacts(
        "r@bbbbbbbbbbbb", "r", "t", "bob", stored.read_at + timedelta(seconds=1), ()
    )
    assert stored.history.context(proposal).files_with_history == 0


def test_the_demo_store_s_history_is_the_scorer_s_own(
    tmp_path: Path, scored_sample: SampleTemplate
) -> None:
    """On the sample organisation, every stored change's files and author get the same context
    from read_history as from a history of load_changes' full facts; the stored one also knows
    the typical change, from the stored scores."""
    loaded = scored_sample.copy(tmp_path / "demo.db")
    with Session(loaded.engine) as s:
        stored = read_history(s, loaded.org)
        changes = load_changes(s, bugs=load_bug_issues(loaded.org))
        incidents = load_incidents(s)
        deploys = [d for d in load_deploys(s) if d.environment == "production"]
    loaded.engine.dispose()
    by_hand = History(lookback_days=stored.config.incident_lookback_days)
    by_hand.add_incidents(incidents)
    by_hand.add_deploys(deploys, incidents)
    for c in changes:
        by_hand.record(c)
    assert stored.changes == len(changes) > 100
    later = max(c.merged_at for c in changes) + timedelta(hours=1)
    for c in changes[::7]:
        proposal = replace(c, key=f"{c.key}-again", merged_at=later, reviews_known=False)
        read = stored.history.context(proposal)
        assert read.typical_score is not None
        assert read.typical_points
        unscored = replace(read, typical_score=None, typical_points=None)
        assert unscored == by_hand.context(proposal), c.key


def test_the_cache_reads_again_only_when_what_the_history_reads_changed(engine: Engine) -> None:
    """An open pull request stored keeps the kept history; a new merged change is read."""
    cache = HistoryCache()
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(1))
        s.commit()
        first = cache.history(s, _ORG)
        assert first.changes == 1
        assert cache.history(s, _ORG) is first
        opened = change(s, repo, svc, human, 2, at(2))
        opened.state = ChangeState.OPEN
        opened.merged_at = None
        s.add(opened)
        s.commit()
        assert cache.history(s, _ORG) is first
        change(s, repo, svc, human, 3, at(3))
        s.commit()
        again = cache.history(s, _ORG)
        assert again is not first
        assert again.changes == 2


def test_one_engine_keeps_one_cache_read_again_for_another_configuration(engine: Engine) -> None:
    """``HistoryCache.of`` hands every reader of a store the same cache, which reads again
    when a reader brings another riskbrief.toml."""
    assert HistoryCache.of(engine) is HistoryCache.of(engine)
    other = parse_org_config('[organisation]\nname = "Acme"\n')
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        change(s, repo, svc, human, 1, at(1))
        s.commit()
        cache = HistoryCache.of(engine)
        first = cache.history(s, _ORG)
        assert cache.history(s, _ORG.model_copy()) is first
        second = cache.history(s, other)
        assert second is not first
        assert second.config.weights != first.config.weights
