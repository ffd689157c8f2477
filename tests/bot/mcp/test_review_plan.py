"""The MCP `review_plan` tool over stdio, by the SDK's own client: the same record the answer
core makes, scoped by the caller, with outside text only in its own fields."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.answers.access import Access
from bot.answers.records.plan import review_plan
from data.sources.sample import sample_org_config
from data.store.engine import make_engine, session_scope
from scoring.review_plan import percent
from tests.bot.mcp.client import Session, over_stdio, strings
from tests.bot.mcp.conftest import HOSTILE_TITLE

# The sample's Monday: the plan as that day began in the organisation's zone.
AS_OF = "2026-11-23"


@pytest.fixture(scope="module")
def asked(demo_dir: Path) -> Session:
    """One stdio session for the whole organisation asking for plans, right and wrong."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKBRIEF_")}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("review_plan", {"as_of": AS_OF}),
        ("review_plan", {"as_of": AS_OF, "scope": ["Commerce"]}),
        ("review_plan", {"as_of": "2030-01-01", "scope": ["search"]}),
        ("review_plan", {"as_of": "next monday"}),
        ("review_plan", {"scope": ["nowhere"]}),
    ]
    return over_stdio(["mcp", "--demo", "--demo-dir", str(demo_dir)], calls, env)


def test_the_tool_returns_the_core_s_record(asked: Session, demo_dir: Path) -> None:
    """The tool's answer is the record made in-process for the same scope and time, and its
    shares are its own figures recomputed."""
    plan = asked.answers[0].data
    org = sample_org_config()
    at = datetime(2026, 11, 23, tzinfo=ZoneInfo(org.organisation.timezone))
    engine = make_engine(f"sqlite:///{demo_dir / 'demo.db'}")
    with session_scope(engine) as session:
        record = review_plan(session, org, Access.organisation(org), None, at)
    engine.dispose()
    assert plan == record.model_dump(mode="json")
    assert plan["items"], "the sample's last week has changes above the typical score"
    assert plan["risk_percent"] == percent(plan["plan_risk"], plan["predicted_risk"])
    assert plan["line_percent"] == percent(plan["plan_lines"], plan["lines"])
    states = {i["state"] for i in plan["items"]}
    assert states <= {"open", "merged"}
    assert asked.tools["review_plan"].annotations is not None
    assert asked.tools["review_plan"].annotations.read_only_hint is True


def test_the_open_pull_requests_are_weighed_with_the_week(asked: Session) -> None:
    """Commerce's plan weighs fewer changes than the organisation's; outside text, such as the
    hostile title the revert was given, comes back only as an item's title."""
    plan = asked.answers[0].data
    commerce = asked.answers[1].data
    assert plan["changes"] > commerce["changes"] > 0
    assert commerce["scope"] == "Commerce"
    for answer in (plan, commerce):
        holders = {path for path, text in strings(answer) if HOSTILE_TITLE in text}
        assert all(path.endswith(".title") for path in holders), holders


def test_an_empty_week_a_bad_date_and_an_unknown_scope(asked: Session) -> None:
    """Far from the sample only open pull requests are weighed; a date that is none and a
    scope that is not there are one sentence each."""
    search = asked.answers[2].data
    assert (search["changes"], search["unscored"]) == (1, 0), "the open search pull request"
    assert search["items"] == [], "it scores no more than the typical change"
    assert asked.answers[3].error is not None
    assert "That is not a date; write it as 2026-11-23." in asked.answers[3].error
    assert asked.answers[4].error is not None
    assert "There is no team or service called “nowhere”" in asked.answers[4].error
