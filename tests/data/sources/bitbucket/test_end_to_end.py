"""A Bitbucket organisation through sync, score and brief, with approvals, owners and deploys."""

from __future__ import annotations

from sqlmodel import Session

from bot.composition.pipeline import score_all
from briefing.build import Recipient, build_payload
from briefing.week import IsoWeek
from data.config.sources.bitbucket import BitbucketCloudConfig, CloudDeploys
from data.store.scores import load_scores
from tests.data.sources.bitbucket.world import CLAUDE, NOW, World, at, pr


def test_sync_score_and_brief_know_review_owners_and_deploys(world: World) -> None:
    """Two approved, owned PRs and a production deploy reach the week's briefing: no review or
    CODEOWNERS unknown, the deploy counted, the agent's PR scored as an agent's and reviewed,
    and each change linked to its pull request's page."""
    repo = world.fake.repo(world.repo)
    repo.codeowners = [("a" * 40, at(100), "* @lead\ncheckout/ @payments-team\n")]
    if isinstance(world.config, BitbucketCloudConfig):
        world.config = world.config.model_copy(
            update={"deploys_from": CloudDeploys.DEPLOYMENTS, "services": {"Live": "checkout"}}
        )
        repo.environments = [("{p}", "Live", "Production")]
        world.fake.add_deployment(world.repo, "{d1}", "{p}", "SUCCESSFUL", at(1), "e" * 40)
    else:
        world.config = world.config.model_copy(update={"services": {"v2.0.0": "checkout"}})
        repo.tags = [("v2.0.0", "e" * 40, at(1))]
    world.fake.add_pr(
        world.repo,
        pr(
            1,
            3,
            files=(("checkout/pay.py", 120, 30, "modified"),),
            commits=((CLAUDE, "Ada", "ada@example.com"),),
            approvals=(("rita", at(3.5), False),),
        ),
    )
    world.fake.add_pr(world.repo, pr(2, 2, files=(("checkout/cart.py", 5, 1, "modified"),)))
    world.sync()
    with Session(world.engine) as session:
        summary = score_all(session, world.org)
        session.commit()
        scores = load_scores(session, "change", summary.version)
        payload = build_payload(
            session, world.org, Recipient("vp", "VP", "UTC"), IsoWeek.of(NOW.date())
        )
    assert payload.distribution.total == 2
    assert payload.unknown.review == 0
    assert payload.unknown.codeowners == 0
    assert payload.metrics.deploys == 1
    assert payload.metrics.codeowners_coverage == 100.0
    first = scores[f"{world.repo}#1"]
    assert (first.agent_involved, first.human_reviewed) == (True, True)
    assert scores[f"{world.repo}#2"].agent_involved is False
    url = world.change(1)[0].url
    assert url is not None
    assert url.endswith("/pull-requests/1")
