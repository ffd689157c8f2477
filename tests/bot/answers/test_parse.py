"""`/risk` text parsing: every valid form, usage for malformed text, closest names, escaping."""

from __future__ import annotations

import pytest

from bot.answers.grammar import parse_query
from bot.answers.lookups import catalog_of
from bot.answers.parse import Catalog, Usage
from bot.answers.queries import (
    BriefQuery,
    ChangeQuery,
    DeployQuery,
    HelpQuery,
    Query,
    ServiceQuery,
    SettingsQuery,
    SubscribeQuery,
    UnsubscribeQuery,
)
from bot.slack.render import slack_text
from data.config import parse_org_config
from data.scope import Scope

CATALOG = Catalog(
    teams={"commerce": "Commerce", "discovery": "Discovery", "platform": "Platform"},
    services={
        "payments": "Payments",
        "checkout": "Checkout",
        "search": "Search",
        "infra": "Infrastructure",
    },
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", HelpQuery()),
        ("  help ", HelpQuery()),
        ("brief", BriefQuery()),
        ("BRIEF commerce", BriefQuery(Scope(teams=("commerce",)))),
        ("brief Infrastructure", BriefQuery(Scope(services=("infra",)))),
        ("pr https://github.com/acme/platform/pull/4503", ChangeQuery("acme/platform#4503")),
        (
            "pr <https://github.com/acme/platform/pull/4503/files>",
            ChangeQuery("acme/platform#4503"),
        ),
        ("pr acme/platform#0042", ChangeQuery("acme/platform#42")),
        ("pr platform#42", ChangeQuery("platform#42")),
        ("pr #42", ChangeQuery("#42")),
        ("pr DA6D075DFDE7", ChangeQuery("da6d075dfde7")),
        ("pr pallets/flask@da6d075dfde7", ChangeQuery("pallets/flask@da6d075dfde7")),
        ("pr flask@da6d075", ChangeQuery("flask@da6d075")),
        (
            "pr https://github.com/pallets/flask/commit/da6d075dfde7aa",
            ChangeQuery("pallets/flask@da6d075dfde7aa"),
        ),
        ("/risk pr acme/platform#42", ChangeQuery("acme/platform#42")),
        ("/risk help", HelpQuery()),
        ("pr `acme/platform#42`", ChangeQuery("acme/platform#42")),
        (
            "deploy `deploy:checkout:2026-11-20T15:35`",
            DeployQuery(deploy="deploy:checkout:2026-11-20T15:35"),
        ),
        ("/RISK", HelpQuery()),
        ("service checkout", ServiceQuery("checkout")),
        ("service Payments", ServiceQuery("payments")),
        ("deploy latest search", DeployQuery(service="search")),
        (
            "deploy deploy:checkout:2026-11-20T15:35",
            DeployQuery(deploy="deploy:checkout:2026-11-20T15:35"),
        ),
        ("subscribe", SubscribeQuery()),
        (
            "subscribe commerce infra email lead@acme.example tz europe/berlin",
            SubscribeQuery(
                scope=Scope(teams=("commerce",), services=("infra",)),
                email="lead@acme.example",
                timezone="Europe/Berlin",
            ),
        ),
        (
            "subscribe email <mailto:lead@acme.example|lead@acme.example>",
            SubscribeQuery(email="lead@acme.example"),
        ),
        ("subscribe tz Asia/Kolkata", SubscribeQuery(timezone="Asia/Kolkata")),
        ("unsubscribe", UnsubscribeQuery()),
        ("settings", SettingsQuery()),
    ],
)
def test_valid_forms(text: str, expected: Query) -> None:
    """Each documented form parses to its typed command, names resolved to keys."""
    assert parse_query(text, CATALOG) == expected


@pytest.mark.parametrize(
    "text",
    [
        "frobnicate",
        "help me",
        "pr",
        "pr 4503 4504",
        "service",
        "deploy",
        "deploy latest",
        "deploy a b",
        "unsubscribe now",
        "settings please",
        "subscribe email",
        "subscribe tz",
    ],
)
def test_malformed_text_gets_usage(text: str) -> None:
    """Text that is no command gets a Usage naming how to type the commands."""
    parsed = parse_query(text, CATALOG)
    assert isinstance(parsed, Usage)
    assert "/risk" in slack_text(parsed.message)


@pytest.mark.parametrize(
    "address", ["lead..x@acme.example", "lead@acme", "<mailto:lead@acme|lead@acme>"]
)
def test_an_address_email_validator_refuses_gets_the_same_sentence(address: str) -> None:
    """An address that is not one, typed or as Slack's mailto link, gets the one sentence
    saying the form to use."""
    parsed = parse_query(f"subscribe email {address}", CATALOG)
    assert isinstance(parsed, Usage)
    assert "is not an email address; use the form `name@example.com`" in slack_text(parsed.message)


@pytest.mark.parametrize(
    ("text", "suggested"),
    [
        ("brief comerce", "`Commerce`"),
        ("brief paymnts", "`Payments`"),
        ("service chekout", "`Checkout`"),
        ("deploy latest serch", "`Search`"),
        ("subscribe discovry", "`Discovery`"),
        ("subscribe tz Europe/Berln", "`Europe/Berlin`"),
    ],
)
def test_unknown_names_get_the_closest_matches(text: str, suggested: str) -> None:
    """A misspelt team, service or time zone is answered with the closest known names."""
    parsed = parse_query(text, CATALOG)
    assert isinstance(parsed, Usage)
    assert "did you mean" in slack_text(parsed.message)
    assert suggested in slack_text(parsed.message)


def test_a_team_is_not_a_service() -> None:
    """`/risk service` only takes services, so a team name there is refused."""
    parsed = parse_query("service commerce", CATALOG)
    assert isinstance(parsed, Usage)
    assert "no service called “commerce”" in slack_text(parsed.message)


@pytest.mark.parametrize(
    "text",
    [
        "brief <!channel>",
        "frobnicate <!here> <@U123> <#C1|general>",
        "pr <https://evil.example|click me>",
        "subscribe email <!everyone>",
        "service <https://evil.example|x> & more",
    ],
)
def test_echoed_text_cannot_mention_or_link(text: str) -> None:
    """Whatever the user typed comes back escaped: no mention, no broadcast, no foreign link."""
    parsed = parse_query(text, CATALOG)
    assert isinstance(parsed, Usage)
    message = slack_text(parsed.message)
    for raw in ("<!", "<@", "<#", "<http"):
        assert raw not in message
    assert "&lt;" in message


def test_pull_request_urls_on_other_hosts_keep_owner_and_repo() -> None:
    """A GitHub Enterprise URL maps to the same owner/repo#number key."""
    parsed = parse_query("pr https://github.acme.example/acme/platform/pull/7", CATALOG)
    assert parsed == ChangeQuery("acme/platform#7")


@pytest.mark.parametrize("text", ["pr da6d07", "pr flask@xyz1234", "pr acme/platform#", "pr 4503"])
def test_what_is_no_change_reference_says_every_accepted_form(text: str) -> None:
    """A sha shorter than 7 digits, or a bare number, is refused naming URL, #N and sha forms."""
    parsed = parse_query(text, CATALOG)
    assert isinstance(parsed, Usage)
    assert "owner/repo#123" in slack_text(parsed.message)
    assert "(or `#123`)" in slack_text(parsed.message)
    assert "7 or more hex digits" in slack_text(parsed.message)


def test_a_list_of_services_names_each_service_once() -> None:
    """An unknown service lists every service once, by display name, not key and name both."""
    parsed = parse_query("service nope", CATALOG)
    assert isinstance(parsed, Usage)
    assert slack_text(parsed.message).endswith(
        "use one of: `Checkout`, `Infrastructure`, `Payments`, `Search`"
    )
    close = parse_query("service checkou", CATALOG)
    assert isinstance(close, Usage)
    assert slack_text(close.message).endswith("did you mean `Checkout`?")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("pr acme/platform/shop!123", "acme/platform/shop!123"),
        ("pr `acme/shop!0042`", "acme/shop!42"),
        ("pr https://gitlab.com/acme/platform/shop/-/merge_requests/123", "acme/platform/shop!123"),
        (
            "pr <https://gitlab.com/acme/shop/-/merge_requests/5/diffs|acme/shop!5>",
            "acme/shop!5",
        ),
    ],
)
def test_gitlab_merge_requests_are_read_by_key_and_url(text: str, key: str) -> None:
    """`group/sub/project!N` and a GitLab.com MR URL (as Slack wraps it too) are one key."""
    assert parse_query(text, CATALOG) == ChangeQuery(key)


def test_a_self_managed_gitlab_url_is_read_below_its_base_path() -> None:
    """With [sources.gitlab] at a base path, that path is not taken for the MR's group."""
    org = parse_org_config(
        '[sources.gitlab]\nbase_url = "https://git.acme.example/gitlab"\n'
        'projects = ["platform/shop"]'
    )
    url = "https://git.acme.example/gitlab/platform/shop/-/merge_requests/9"
    assert parse_query(f"pr {url}", catalog_of(org)) == ChangeQuery("platform/shop!9")
    # Without the table, the whole path is the project: the base path cannot be told apart.
    assert parse_query(f"pr {url}", CATALOG) == ChangeQuery("gitlab/platform/shop!9")


def test_what_is_no_change_reference_names_the_merge_request_form() -> None:
    """The usage for an unreadable change names GitLab's `group/project!123` too."""
    parsed = parse_query("pr acme/shop!", CATALOG)
    assert isinstance(parsed, Usage)
    assert "group/project!123" in slack_text(parsed.message)
