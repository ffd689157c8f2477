"""The Bitbucket client's auth and the specs' sources as `riskbrief sync` builds them."""

from __future__ import annotations

import base64

import pytest
from sqlmodel import Session, select

from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.sources.bitbucket.client import BitbucketClient, BitbucketError
from data.sources.bitbucket.spec import BITBUCKET, BITBUCKET_DC
from data.sources.spec import SourceContext
from data.store.tables import Person
from fakes.bitbucket_server import FakeBitbucket
from scoring.errors import ConfigError
from tests.data.sources.bitbucket.world import World, at, pr

# The client's cases: SQLite alone (the store does not decide them).
pytestmark = pytest.mark.client_cases


def test_a_cloud_api_token_is_sent_as_basic_with_its_email() -> None:
    """With `email` set, Cloud gets Basic `email:token`; without, `Bearer token`."""
    with FakeBitbucket("cloud", tokens={"api-tok": ("repository",)}) as fake:
        fake.emails["bot@example.com"] = "api-tok"
        fake.repo("acme/shop")
        client = BitbucketClient("cloud", fake.base_url, "api-tok", email="bot@example.com")
        assert client.get("repositories/acme/shop").status == 200
        sent = fake.requests_to(r"/2\.0/repositories/acme/shop")[-1].headers["authorization"]
        assert sent == "Basic " + base64.b64encode(b"bot@example.com:api-tok").decode()
        bearer = BitbucketClient("cloud", fake.base_url, "api-tok")
        with pytest.raises(BitbucketError, match="refused the token"):
            bearer.get("repositories/acme/shop")
        client.close()
        bearer.close()


def test_bots_and_agents_are_told_apart(world: World) -> None:
    """An access token's account (Cloud `app_user`, Data Center `SERVICE`) authoring a PR is a
    bot, its approval a bot's; a commit by an agent's identity marks the PR agent-made."""
    world.fake.add_pr(
        world.repo,
        pr(
            1,
            2,
            author="release-bot",
            author_bot=True,
            approvals=(("ci-bot", at(2.5), True),),
            commits=(("Fix", "Claude", "noreply@anthropic.com"),),
        ),
    )
    world.fake.add_pr(world.repo, pr(2, 1, author="ada"))
    world.sync()
    with Session(world.engine) as session:
        # Cloud keys an account by its id, which the fake makes `acc-<name>`.
        kinds = {p.login.removeprefix("acc-"): p.kind for p in session.exec(select(Person))}
    assert kinds["release-bot"] == "bot"
    assert kinds["ci-bot"] == "bot"
    assert kinds["ada"] == "human"
    assert world.change(1)[0].co_authored_by_agent is True
    assert world.change(2)[0].co_authored_by_agent is False


def test_the_specs_build_sources_from_settings_and_the_environment() -> None:
    """Each spec builds a PR and a deploy source per repository from its token's variable; an
    unset variable is one sentence naming it."""
    from data.config import parse_org_config

    org = parse_org_config('[[repositories]]\nname = "acme/shop"\n')
    cloud = BitbucketCloudConfig(repositories=("acme/shop",))
    dc = BitbucketDataCenterConfig(repositories=("SHOP/checkout", "SHOP/web"))
    built = BITBUCKET.sources(cloud, SourceContext(org, {"RISKBRIEF_BITBUCKET_TOKEN": "t"}))
    assert [s.name for s in built] == ["bitbucket acme/shop PRs", "bitbucket deploys acme/shop"]
    built_dc = BITBUCKET_DC.sources(dc, SourceContext(org, {"RISKBRIEF_BITBUCKET_DC_TOKEN": "t"}))
    assert len(built_dc) == 4
    for source in (*built, *built_dc):
        close = getattr(source, "close", None)
        if close is not None:
            close()
    with pytest.raises(ConfigError, match="RISKBRIEF_BITBUCKET_DC_TOKEN is not set"):
        BITBUCKET_DC.sources(dc, SourceContext(org, {}))
