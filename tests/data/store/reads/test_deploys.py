"""The reads of deploys: their count, keys under a prefix, a span's with their service, the
changes each shipped and their stored scores."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.engine import session_scope
from data.store.reads.deploys import (
    changes_per_deploy,
    deploy_count,
    deploy_keys_under,
    deploy_scores,
    deploys_finished,
)
from data.store.tables import DeployChange, RiskScoreRow
from tests.data.rows import at, base, change, deploy


def test_deploys_of_a_span_and_their_keys(engine: Engine) -> None:
    """Deploys are counted, found by key prefix, and read by span with their service's key."""
    with session_scope(engine) as s:
        _, svc, _, _ = base(s)
        for key, hours in (
            ("git-tag:acme/shop:v2:payments", 30),
            ("git-tag:acme/shop:v1:payments", 10),
            ("deploy:payments:1", 20),
        ):
            deploy(s, svc, key, at(hours))
    with session_scope(engine) as s:
        assert deploy_count(s) == 3
        assert sorted(deploy_keys_under(s, "git-tag:acme/shop:")) == [
            "git-tag:acme/shop:v1:payments",
            "git-tag:acme/shop:v2:payments",
        ]
        span = deploys_finished(s, at(15), at(40))
        assert [(d.key, service) for d, service in span] == [
            ("deploy:payments:1", "payments"),
            ("git-tag:acme/shop:v2:payments", "payments"),
        ]
        assert [d.key for d, _ in deploys_finished(s, None, at(20))] == [
            "git-tag:acme/shop:v1:payments"
        ]


def test_changes_per_deploy_and_scores(engine: Engine) -> None:
    """Each deploy's shipped changes are counted (one that shipped none is absent), and a
    deploy's latest stored score is read; a change's score of the same key is not."""
    with session_scope(engine) as s:
        repo, svc, human, _ = base(s)
        big = deploy(s, svc, "deploy:payments:1", at(5))
        empty = deploy(s, svc, "deploy:payments:2", at(6))
        for n in (1, 2):
            shipped = change(s, repo, svc, human, n, at(n))
            assert big.id is not None
            assert shipped.id is not None
            s.add(DeployChange(deploy_id=big.id, change_id=shipped.id))
        for kind, score, band, version in (
            ("deploy", 40, "medium", "v1"),
            ("deploy", 70, "high", "v2"),
            ("change", 10, "low", "v1"),
        ):
            s.add(
                RiskScoreRow(
                    subject_kind=kind,
                    subject_key="deploy:payments:1",
                    score=score,
                    band=band,
                    scorer_version=version,
                    computed_at=at(7),
                )
            )
        ids = [big.id, empty.id]
    with session_scope(engine) as s:
        assert changes_per_deploy(s, [i for i in ids if i is not None]) == {ids[0]: 2}
        assert deploy_scores(s, ["deploy:payments:1", "deploy:payments:2"]) == {
            "deploy:payments:1": (70, "high")
        }
