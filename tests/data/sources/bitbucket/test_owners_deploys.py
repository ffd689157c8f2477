"""CODEOWNERS as of each merge, by each edition's rules, and deploys from Pipelines or tags."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, MutableMapping
from typing import Any
from urllib.parse import unquote

import pytest
import structlog
from sqlmodel import Session, select
from structlog.testing import capture_logs

from data.config.sources.bitbucket import BitbucketCloudConfig, CloudDeploys
from data.deploy_rule import DeployRule, FoundBy
from data.sources.bitbucket.codeowners import parse_bitbucket_codeowners
from data.store.tables import Deploy
from tests.data.sources.bitbucket.world import World, at, pr


def _logged(run: Callable[[], object]) -> list[MutableMapping[str, Any]]:
    """The log lines of ``run()``, every level let through while it runs.

    Another test of the same worker may have configured logging to drop info lines, and the
    lines these tests look for are info lines."""
    saved = structlog.get_config()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.DEBUG))
    try:
        with capture_logs() as logs:
            run()
    finally:
        structlog.configure(**saved)
    return logs


FIRST = "* @lead\ncheckout/ @ana\n"
SECOND = "* @lead\ncheckout/ @acme/payments:random(1) bo@example.com\n"


def test_cloud_adds_every_matching_rule_and_reads_a_selector_as_its_group() -> None:
    """Cloud owners are every matching rule's, a group's `:random(1)` read as the group."""
    owners = parse_bitbucket_codeowners(SECOND, "cloud")
    assert owners.owners("checkout/pay.py") == ("@lead", "@acme/payments", "bo@example.com")
    assert owners.owners("README.md") == ("@lead",)


def test_data_center_takes_the_last_matching_rule() -> None:
    """Data Center owners are the last matching rule's; a `!` line is skipped and reported."""
    owners = parse_bitbucket_codeowners(
        "* @lead\ncheckout/ @@Payments:least_busy(2)\n!docs/ @x\n", "dc"
    )
    assert owners.owners("checkout/pay.py") == ("@@Payments",)
    assert owners.owners("search/a.py") == ("@lead",)
    assert len(owners.errors) == 1


def test_owners_are_the_file_in_force_at_each_merge(world: World) -> None:
    """A PR merged before CODEOWNERS changed keeps the first file's owners, one after it the
    second's; a PR merged before any file has owners unknown."""
    repo = world.fake.repo(world.repo)
    repo.codeowners = [("a" * 40, at(20), FIRST), ("b" * 40, at(10), SECOND)]
    world.fake.add_pr(world.repo, pr(1, 30, files=(("checkout/x.py", 1, 0, "modified"),)))
    world.fake.add_pr(world.repo, pr(2, 15, files=(("checkout/x.py", 1, 0, "modified"),)))
    world.fake.add_pr(world.repo, pr(3, 5, files=(("checkout/x.py", 1, 0, "modified"),)))
    world.sync()
    owners = {n: world.change(n)[1][0].owners for n in (1, 2, 3)}
    assert owners[1] is None
    assert owners[2] == (["@lead", "@ana"] if world.edition == "cloud" else ["@ana"])
    last = ["@lead", "@acme/payments", "bo@example.com"]
    assert owners[3] == (last if world.edition == "cloud" else last[1:])


def test_release_tags_are_deploys_of_their_service(world: World) -> None:
    """Tags matching `deploy_tags` are successful deploys of the service `services` names;
    others are not."""
    world.config = world.config.model_copy(update={"services": {"v1.2.0": "checkout"}})
    repo = world.fake.repo(world.repo)
    repo.tags = [("v1.2.0", "c" * 40, at(3)), ("nightly", "d" * 40, at(2))]
    world.sync()
    with Session(world.engine) as session:
        deploys = list(session.exec(select(Deploy)))
    assert [(d.sha, d.status, d.finished_at) for d in deploys] == [("c" * 40, "success", at(3))]
    # Each keeps the rule that found it: the tag and the pattern it matched.
    found = FoundBy(DeployRule.TAG, "v1.2.0", world.config.deploy_tags)
    assert [FoundBy.decode(d.found_by) for d in deploys] == [found]


def test_cloud_pipelines_deployments_to_production_are_deploys(cloud_world: World) -> None:
    """A finished Pipelines deployment to a Production environment is a deploy (a failed one a
    failure); one to staging is not."""
    world = cloud_world
    assert isinstance(world.config, BitbucketCloudConfig)
    world.config = world.config.model_copy(
        update={"deploys_from": CloudDeploys.DEPLOYMENTS, "services": {"Live": "checkout"}}
    )
    repo = world.fake.repo(world.repo)
    repo.environments = [("{p}", "Live", "Production"), ("{s}", "staging", "Staging")]
    world.fake.add_deployment(world.repo, "{d1}", "{p}", "SUCCESSFUL", at(4), "1" * 40)
    world.fake.add_deployment(world.repo, "{d2}", "{p}", "FAILED", at(3), "2" * 40)
    world.fake.add_deployment(world.repo, "{d3}", "{s}", "SUCCESSFUL", at(2), "3" * 40)
    world.sync()
    with Session(world.engine) as session:
        deploys = sorted(session.exec(select(Deploy)), key=lambda d: d.finished_at)
    assert [(d.sha, d.status) for d in deploys] == [("1" * 40, "success"), ("2" * 40, "failure")]
    # A Production-typed environment is found by its type, not a pattern.
    found = FoundBy(DeployRule.BITBUCKET_DEPLOYMENT, "Live")
    assert [FoundBy.decode(d.found_by) for d in deploys] == [found, found]


def test_cloud_deployments_shaped_as_atlassian_documents_them_are_stored(
    cloud_world: World,
) -> None:
    """Fourteen deployments to a Production-typed environment, named by UUID alone and finished
    at `state.completion_date`, are fourteen deploys at their release's commit; each completed
    one not stored (staging, stopped, its environment deleted) is a log line saying why."""
    world = cloud_world
    assert isinstance(world.config, BitbucketCloudConfig)
    world.config = world.config.model_copy(
        update={"deploys_from": CloudDeploys.DEPLOYMENTS, "services": {"Live": "checkout"}}
    )
    repo = world.fake.repo(world.repo)
    prod, staging = (
        "{5E1C6B1A-0000-4000-8000-00000000000P}",
        "{5e1c6b1a-0000-4000-8000-00000000000s}",
    )
    repo.environments = [(prod, "Live", "Production"), (staging, "Staging", "Staging")]
    for i in range(14):
        world.fake.add_deployment(
            world.repo, f"{{d{i}}}", prod.lower(), "SUCCESSFUL", at(30 - i), f"{i:x}" * 40
        )
    world.fake.add_deployment(world.repo, "{s1}", staging, "SUCCESSFUL", at(5), "a" * 40)
    world.fake.add_deployment(world.repo, "{x1}", prod, "STOPPED", at(4), "b" * 40)
    world.fake.add_deployment(world.repo, "{gone}", "{deleted-env}", "SUCCESSFUL", at(3), "c" * 40)
    world.fake.add_deployment(world.repo, "{r1}", prod, "", at(2), "d" * 40, state="IN_PROGRESS")
    logs = _logged(world.sync)
    with Session(world.engine) as session:
        deploys = sorted(session.exec(select(Deploy)), key=lambda d: d.finished_at)
    assert [(d.sha, d.status, d.finished_at) for d in deploys] == [
        (f"{i:x}" * 40, "success", at(30 - i)) for i in range(14)
    ]
    assert all(d.started_at is not None for d in deploys)
    skipped = {
        e["deployment"]: e["reason"] for e in logs if e["event"] == "bitbucket_deployment_skipped"
    }
    assert skipped == {
        "{s1}": "not a production environment",
        "{x1}": "status STOPPED, neither SUCCESSFUL nor FAILED",
        "{gone}": "its environment is not found",
    }
    asked = world.fake.requests_to(r"/2\.0/repositories/acme/shop/environments/.+")
    assert [unquote(r.path.rsplit("/", 1)[-1]) for r in asked] == ["{deleted-env}"]


TEAMS = "payments:\n  contributors:\n    - ana@example.com\n    - '@bo'\n"


def test_cloud_team_is_expanded_to_its_members_as_of_the_merge(cloud_world: World) -> None:
    """A `@teams/name` owner is its teams.yaml members (teams.yaml at that CODEOWNERS commit)."""
    world = cloud_world
    repo = world.fake.repo(world.repo)
    repo.codeowners = [("a" * 40, at(20), "checkout/ @teams/payments @lead\n")]
    repo.teams = {"a" * 40: TEAMS}
    world.fake.add_pr(world.repo, pr(1, 15, files=(("checkout/x.py", 1, 0, "modified"),)))
    world.sync()
    assert world.change(1)[1][0].owners == ["ana@example.com", "@bo", "@lead"]


def test_a_selector_team_is_read_as_one_of_its_members() -> None:
    """`@teams/payments:random(1)` asks for one of the members: each may be it."""
    from data.sources.bitbucket.codeowners import parse_teams

    owners = parse_bitbucket_codeowners(
        "* @teams/payments:random(1)\n", "cloud", parse_teams("payments: [ana, '@bo']\n")
    )
    assert owners.owners("a.py") == ("ana", "@bo")


def test_malformed_teams_yaml_leaves_the_team_by_name(cloud_world: World) -> None:
    """A teams.yaml that cannot be read keeps the team as an owner by name, the log says why
    in one sentence, and the sync goes on."""
    world = cloud_world
    repo = world.fake.repo(world.repo)
    repo.codeowners = [("a" * 40, at(20), "checkout/ @teams/payments\n")]
    repo.teams = {"a" * 40: "payments: &x {oops\n"}
    world.fake.add_pr(world.repo, pr(1, 15, files=(("checkout/x.py", 1, 0, "modified"),)))
    logs = _logged(world.sync)
    assert world.change(1)[1][0].owners == ["@teams/payments"]
    (malformed,) = [e for e in logs if e["event"] == "bitbucket.teams_malformed"]
    assert malformed["error"] == "not YAML at line 2: expected ',' or '}', but got '<stream end>'"


def test_teams_yaml_is_read_as_yaml_in_each_form_bitbucket_documents() -> None:
    """A team's members inline, as a block list, or under its own keys, in file order; a
    team with nothing under it has no members; comments and a document marker are YAML's."""
    from data.sources.bitbucket.codeowners import parse_teams

    text = (
        "# who owns what\n---\npayments: [ana, '@bo']  # inline\n"
        "search:\n  - cy@example.com\n  - 1024\n"
        "platform:\n  leads: ['@dee']\n  contributors:\n    - '@eve'\n"
        "empty:\n"
    )
    assert parse_teams(text) == {
        "payments": ("ana", "@bo"),
        "search": ("cy@example.com", "1024"),
        "platform": ("@dee", "@eve"),
        "empty": (),
    }


def test_a_teams_yaml_of_the_wrong_shape_is_one_sentence() -> None:
    """A teams.yaml that is YAML but no map of teams to member lists is refused in one
    sentence naming the team, never a traceback."""
    from data.sources.bitbucket.codeowners import parse_teams

    wrong = {
        "- ana\n": "no teams: the file is not a map of team names to members",
        "payments: ana\n": "team 'payments': its members must be a list",
        "payments: [ana, [bo]]\n": "team 'payments': ['bo'] is not a plain member",
        "payments:\n  - @bo\n": "not YAML at line 2: found character '@' that cannot start "
        "any token",
    }
    for text, sentence in wrong.items():
        with pytest.raises(ValueError, match=f"^{re.escape(sentence)}$"):
            parse_teams(text)
