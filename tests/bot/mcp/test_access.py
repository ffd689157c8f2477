"""MCP tokens: `scope:token` entries read in one sentence each, scopes as briefings compute them."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.answers.access import Access, Grant, TokenTable, parse_grants
from bot.mcp.http import mcp_endpoint
from bot.settings import Settings
from data.scope import Scope
from data.sources.sample import sample_org_config
from scoring.errors import ConfigError

ORG = sample_org_config()
SUBSCRIBERS = {
    "commerce-lead": (Scope(teams=("commerce",)), "Europe/Berlin"),
    "platform-lead": (Scope(services=("identity", "infra")), "Europe/London"),
}
LONG = "x" * 16


def test_entries_are_split_by_commas_spaces_and_lines_with_comments() -> None:
    """`*:` is the whole organisation, a key a subscriber; `#` starts a comment."""
    grants = parse_grants(
        f"*:{LONG}a, commerce-lead:{LONG}b # Berlin\n\nplatform-lead:{LONG}c", "t"
    )
    assert [(g.subscriber, g.token[-1]) for g in grants] == [
        (None, "a"),
        ("commerce-lead", "b"),
        ("platform-lead", "c"),
    ]


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        pytest.param("no-colon-secret-value-123", "entry 1 of T is not `scope:token`", id="shape"),
        pytest.param("*:short-secret", "shorter than 16 characters", id="short"),
        pytest.param(f"*:{LONG} :{LONG}", "entry 2 of T is not `scope:token`", id="no-scope"),
    ],
)
def test_a_malformed_entry_is_one_sentence_without_the_secret(text: str, needle: str) -> None:
    """A bad entry names its position and the fix, never its text (it holds a token)."""
    with pytest.raises(ConfigError) as raised:
        parse_grants(text, "T")
    assert needle in str(raised.value)
    assert "secret" not in str(raised.value)


def test_a_token_for_an_unknown_subscriber_is_refused() -> None:
    """A token naming a subscriber riskbrief.toml does not have says which keys there are."""
    with pytest.raises(ConfigError, match=r"'nobody'.*commerce-lead, platform-lead"):
        TokenTable.load(ORG, SUBSCRIBERS, f"nobody:{LONG}", None)


def test_a_subscriber_s_token_sees_its_teams_services() -> None:
    """Commerce's lead sees payments and checkout in Berlin time; platform's, its two services."""
    table = TokenTable.load(
        ORG, SUBSCRIBERS, f"*:{LONG}a commerce-lead:{LONG}b platform-lead:{LONG}c", None
    )
    assert len(table) == 3
    whole = table.access(f"{LONG}a")
    assert whole is not None
    assert whole.whole
    commerce = table.access(f"{LONG}b")
    assert commerce is not None
    assert commerce.services == frozenset({"payments", "checkout"})
    assert (commerce.timezone, commerce.label) == ("Europe/Berlin", "Commerce")
    platform = table.access(f"{LONG}c")
    assert platform is not None
    assert platform.visible(ORG) == ("identity", "infra")
    assert table.access(LONG) is None
    assert table.access("") is None


def test_a_thing_of_no_service_is_only_the_whole_organisation_s() -> None:
    """A change no service claims is visible to the organisation's token alone."""
    commerce = Access.of(ORG, Scope(teams=("commerce",)), "UTC")
    assert not commerce.sees([None])
    assert commerce.sees(["search", "checkout"])
    assert Access.organisation(ORG).sees([None])


def test_a_grant_s_repr_hides_its_token() -> None:
    """A grant printed in a log or a traceback shows its scope, not its token."""
    assert LONG not in repr(Grant(LONG, "commerce-lead"))


def test_an_unreadable_tokens_file_is_one_sentence(tmp_path: Path) -> None:
    """RISKBRIEF_MCP_TOKENS_FILE naming no file ends in one sentence naming the variable."""
    with pytest.raises(ConfigError, match="RISKBRIEF_MCP_TOKENS_FILE"):
        TokenTable.load(ORG, SUBSCRIBERS, None, tmp_path / "missing")


def test_without_tokens_there_is_no_endpoint() -> None:
    """No token configured: serve mounts nothing at /mcp (a 404, like any unknown path)."""
    settings = Settings(database_url="sqlite://", mcp_tokens=None, mcp_tokens_file=None)
    assert mcp_endpoint(settings, None, ORG) is None  # type: ignore[arg-type]
