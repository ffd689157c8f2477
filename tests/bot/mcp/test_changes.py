"""A change's deploys as a scoped caller sees them: only its own services' deploys and incidents."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.records.change import change_risk
from data.scope import Scope
from data.sources.sample import sample_org_config
from data.store.engine import make_engine

# A platform change that shipped in both an identity deploy and an infra deploy.
SHARED = "acme/platform#4134"


def test_a_scoped_caller_sees_only_its_services_deploys(demo_dir: Path) -> None:
    """The whole organisation sees both services' deploys; an identity-only caller, identity's."""
    org = sample_org_config()
    engine = make_engine(f"sqlite:///{demo_dir / 'demo.db'}")
    try:
        with Session(engine) as session:
            whole = change_risk(session, org, Access.organisation(org), SHARED)
            identity = Access.of(org, Scope(services=("identity",)), "UTC")
            scoped = change_risk(session, org, identity, SHARED)
    finally:
        engine.dispose()
    assert {d.service for d in whole.deploys} == {"identity", "infra"}
    assert {d.service for d in scoped.deploys} == {"identity"}
    assert scoped.score == whole.score
