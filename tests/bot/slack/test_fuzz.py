"""``/risk`` with generated text: parsed and answered without an exception, always a valid reply.

The pure path (parse, then the answer core the Slack app asks, every command, on the sample
store) takes 10,000 texts; the signed HTTP endpoint of the real server takes 200 more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from itertools import count

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from bot.answers.caller import Asked, Caller, Profile
from bot.answers.grammar import COMMANDS, HELP, parse_query
from bot.answers.lookups import catalog_of
from bot.answers.parse import Usage
from bot.answers.queries import HelpQuery, Query
from bot.answers.registry import answer_query
from bot.slack.render import slack_reply, slack_text
from bot.slack.reply import Reply
from data.config import OrgConfig
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.tables import Change
from fakes.slack_server import FakeSlack, SlackUser
from scoring.errors import RiskbriefError
from tests.bot.slack.harness import serve_app
from tests.hardening.checks import slack_problems
from tests.samples import SampleTemplate

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
VP = "U04VPENG01"
NEWCOMER = "U0NEWBIE1"

# Pieces of real commands, hostile markup and near misses, for texts that reach the answers.
WORDS = [
    *(command.verb for command in COMMANDS),
    "brief",
    "BRIEF",
    "pr",
    "service",
    "deploy",
    "latest",
    "subscribe",
    "unsubscribe",
    "settings",
    "help",
    "email",
    "tz",
    "payments",
    "Payments",
    "checkout",
    "commerce",
    "Discovery",
    "infra",
    "Infrastructure",
    "paymnets",
    "acme/platform#4503",
    "acme/platform#99999999999999999999",
    "https://github.com/acme/platform/pull/4503",
    "<https://github.com/acme/platform/pull/4510|#4510>",
    "https://evil.example/a/b/pull/1",
    "<https://evil.example|click>",
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<@U123ABC>",
    "<#C123ABC|general>",
    "<!subteam^S123|@oncall>",
    "<mailto:dana@example.com|dana@example.com>",
    "dana@example.com",
    "<mailto:x|y>",
    "Europe/Berlin",
    "europe/berlin",
    "CEST",
    "Mars/Olympus",
    "deploy:checkout:2026-11-20T15:35",
    "\u202e",
    "\u200b",
    "*bold*",
    "```",
    ":fire:",
    "&lt;!channel&gt;",
    "x" * 300,
]
TEXTS = st.one_of(
    st.text(max_size=120),
    st.lists(st.sampled_from(WORDS) | st.text(max_size=12), max_size=6).map(" ".join),
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).map(" ".join),
)

# How many generated texts the pure path takes, and how many each hypothesis example holds.
_FUZZ_TEXTS = 10_000
_PER_EXAMPLE = 10


@pytest.fixture(scope="module")
def org() -> OrgConfig:
    """The sample organisation's riskbrief.toml."""
    return sample_org_config()


@pytest.fixture(scope="module")
def store(
    tmp_path_factory: pytest.TempPathFactory, scored_sample: SampleTemplate
) -> Iterator[Engine]:
    """The sample organisation, scored, in a SQLite file."""
    engine = scored_sample.copy(tmp_path_factory.mktemp("fuzz") / "store.db").engine
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def urls(store: Engine) -> frozenset[str]:
    """The links riskbrief may build: its changes' URLs."""
    with session_scope(store) as session:
        return frozenset(u for u in session.exec(select(Change.url)) if u)


def _answer(session: Session, org: OrgConfig, parsed: Query | Usage, user: str) -> Reply:
    """What the Slack app answers for ``parsed``: its answer core, every command it has, and
    a refusal's one sentence as the app words it."""
    if isinstance(parsed, Usage):
        return Reply.plain(slack_text(parsed.message))
    if isinstance(parsed, HelpQuery):
        return Reply.plain("\n".join(slack_text(line) for line in HELP))
    caller = Caller(user, lambda: Profile(user, "Sam", "Europe/Berlin"))
    try:
        return slack_reply(answer_query(Asked(session, org, caller, NOW), parsed))
    except RiskbriefError as exc:
        return Reply.plain(str(exc))


def _problems(reply: Reply, urls: frozenset[str]) -> list[str]:
    problems = slack_problems(reply.to_json(), urls)
    if not reply.blocks:
        problems.append("the reply has no blocks")
    return problems


def test_ten_thousand_texts_parse_and_answer(
    store: Engine, org: OrgConfig, urls: frozenset[str]
) -> None:
    """Any /risk text parses and is answered as a valid reply, with no mention or foreign link."""
    catalog = catalog_of(org)
    cache: dict[tuple[Query | Usage, str], list[str]] = {}
    stats = {"examples": 0, "answered": 0}
    with Session(store) as session:

        def check_one(text: str, user: str) -> None:
            stats["examples"] += 1
            parsed = parse_query(text, catalog)
            # The same command gets the same answer: (un)subscribing is rolled back after it.
            key = (parsed, user)
            if key not in cache:
                reply = _answer(session, org, parsed, user)
                session.rollback()
                stats["answered"] += not isinstance(parsed, Usage | HelpQuery)
                cache[key] = _problems(reply, urls)
            assert not cache[key], f"/risk {text!r}: " + "; ".join(cache[key])

        def check(asked: list[tuple[str, str]]) -> None:
            for text, user in asked:
                check_one(text, user)

        # Every command's verb alone, whatever the draw: one the answers above missed once
        # failed only on the days hypothesis happened to write it.
        check = example(asked=[(command.verb.upper(), VP) for command in COMMANDS])(check)
        # Hypothesis spends far more on each example (drawing, its search tree, mutating)
        # than this check does on a text, so each example is a batch of texts: the same
        # texts from the same strategy, a tenth of the engine's cost. A failing batch
        # shrinks to the one text that fails.
        run = settings(max_examples=_FUZZ_TEXTS // _PER_EXAMPLE, deadline=None, database=None)(
            given(
                asked=st.lists(
                    st.tuples(TEXTS, st.sampled_from([VP, NEWCOMER])),
                    min_size=_PER_EXAMPLE,
                    max_size=_PER_EXAMPLE,
                )
            )(check)
        )
        run()
    assert stats["examples"] >= _FUZZ_TEXTS
    assert stats["answered"] > 0, "some texts must be real commands"


def test_signed_http_fuzz_is_always_acknowledged_and_answered_safely(
    store: Engine, org: OrgConfig, urls: frozenset[str]
) -> None:
    """200 generated /risk texts over signed HTTP: each is acked 200 and any answer is safe."""
    users = [
        SlackUser(VP, name="dana", real_name="Dana Whitfield", tz="America/New_York"),
        SlackUser(NEWCOMER, name="sam", real_name="Sam Newcomer", tz="Europe/Berlin"),
    ]
    ids = count()
    sent = {"n": 0}
    with FakeSlack(users) as slack, serve_app(store, org, slack) as served:

        @settings(
            max_examples=200,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(text=TEXTS)
        # bolt read a form holding the word "payload" as an empty interactive request (404).
        @example(text="payload")
        @example(text="why payload service")
        def check(text: str) -> None:
            sent["n"] += 1
            rid = f"fuzz-{next(ids)}"
            # Answered only to a newcomer, so no subscription of the sample changes.
            ack = served.command(text, user_id=NEWCOMER, response_id=rid)
            assert ack.status_code == 200, (text, ack.status_code, ack.text)
            if ack.content:
                body = json.loads(ack.content)
                reply = Reply.plain(str(body["text"]))
            else:
                answer = slack.wait_for_response(rid)
                reply = Reply(str(answer.get("text", "")), tuple(answer.get("blocks") or ()))
            problems = _problems(reply, urls)
            assert not problems, f"/risk {text!r}: " + "; ".join(problems)

        check()
    assert sent["n"] >= 200
