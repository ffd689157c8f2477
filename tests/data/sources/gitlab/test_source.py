"""A GitLab organisation end to end: every GitLab source through ``run_sources``, then scored."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from bot.composition.pipeline import score_all
from data.config.sources.gitlab import GitLabSourceConfig, IncidentFrom
from data.sources.gitlab.source import gitlab_sources, gitlab_token
from data.store.tables import Change, Deploy, DeployChange, Incident, RiskScoreRow
from data.sync import run_sources
from scoring.errors import ConfigError
from tests.data.sources.gitlab.world import NOW, PROJECT, World, at, mr


def test_a_gitlab_organisation_syncs_and_scores_with_reviews_owners_deploys_incidents(
    world: World,
) -> None:
    """MRs, CODEOWNERS, a deploy and an incident are synced, linked and scored, reviews known."""
    fake = world.fake
    fake.commit_file(
        PROJECT, ".gitlab/CODEOWNERS", "9" * 40, at(200), "[Checkout]\n/checkout/ @ann"
    )
    fake.add_mr(PROJECT, mr(1, 30, author="ann", approvals=(("bob", at(31), False),)))
    fake.add_mr(
        PROJECT,
        mr(2, 20, files=(("checkout/pay.py", 300, 10, "modified"),), approvals=()),
    )
    fake.add_deployment(PROJECT, 50, "production", "success", at(19), finished_at=at(18))
    fake.add_issue(PROJECT, 9, at(17), title="Payments failing", labels=("checkout",))
    config = world.config.model_copy(
        update={"incidents_from": IncidentFrom.TYPE, "services": {"production": "checkout"}}
    )
    sources = gitlab_sources(
        config, "glpat-test", world.org, client=world.client(), clock=lambda: NOW
    )
    assert [s.name for s in sources] == [
        f"gitlab {PROJECT} MRs",
        f"gitlab deployments {PROJECT}",
        f"gitlab incidents {PROJECT}",
    ]
    summaries = run_sources(world.engine, world.org, sources)
    assert [s.error for s in summaries] == [None, None, None]
    assert summaries[0].line().startswith(f"gitlab {PROJECT} MRs: 2 changes")

    with Session(world.engine) as session:
        score_all(session, world.org)
        session.commit()
        changes = {c.key: c for c in session.exec(select(Change))}
        deploy = session.exec(select(Deploy)).one()
        shipped = set(
            session.exec(
                select(DeployChange.change_id).where(col(DeployChange.deploy_id) == deploy.id)
            )
        )
        incident = session.exec(select(Incident)).one()
        scores = {
            r.subject_key: r
            for r in session.exec(
                select(RiskScoreRow).where(col(RiskScoreRow.subject_kind) == "change")
            )
        }
    assert shipped == {changes[f"{PROJECT}!1"].id, changes[f"{PROJECT}!2"].id}
    assert incident.deploy_id == deploy.id
    assert scores[f"{PROJECT}!1"].human_reviewed is True
    assert scores[f"{PROJECT}!2"].human_reviewed is False
    assert scores[f"{PROJECT}!1"].owner_files_covered == 1
    review = next(s for s in scores[f"{PROJECT}!2"].signals if s["name"] == "review")
    assert "without a human approval" in review["explanation"]


def test_a_missing_token_is_one_sentence_naming_the_variable() -> None:
    """``gitlab_token`` refuses an unset variable with the variable's name and the scope."""
    with pytest.raises(ConfigError, match=r"RISKBRIEF_GITLAB_TOKEN.*read_api"):
        gitlab_token(GitLabSourceConfig(), {})
    assert gitlab_token(GitLabSourceConfig(token_env="GL"), {"GL": " t0k "}) == "t0k"
