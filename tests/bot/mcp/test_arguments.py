"""Arguments that do not fit a tool's schema are one sentence naming the argument, over stdio."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from tests.bot.mcp.client import Session, over_stdio

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("change_risk", {}),
    ("open_pull_requests", {"limit": 0}),
    ("open_pull_requests", {"limit": "many"}),
    ("service_record", {"service": "x" * 500}),
    ("briefing", {"scope": "Commerce"}),
    ("proposal_risk", {"base": 7}),
]


@pytest.fixture(scope="module")
def session(demo_dir: Path) -> Session:
    """One stdio session of `riskbrief mcp --demo` making every wrong call."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKBRIEF_")}
    return over_stdio(["mcp", "--demo", "--demo-dir", str(demo_dir)], CALLS, env)


def test_a_missing_argument_names_it_and_what_it_takes(session: Session) -> None:
    """change_risk without `change`: which argument, and the kinds of key it takes."""
    assert session.answers[0].error == (
        "Error executing tool change_risk: The argument change is missing; give text "
        "(a change: owner/repo#123, group/project!123, a pull or merge request URL, "
        "a commit sha (7 or more hex digits) or owner/repo@sha)."
    )


def test_a_limit_out_of_range_names_the_range(session: Session) -> None:
    """open_pull_requests with limit 0: the argument and its range, as for one not a number."""
    expected = (
        "Error executing tool open_pull_requests: The argument limit is not valid; "
        "give a whole number from 1 to 50 (how many to list, at most)."
    )
    assert session.answers[1].error == expected
    assert session.answers[2].error == expected


@pytest.mark.parametrize(("index", "name"), [(3, "service"), (4, "scope"), (5, "base")])
def test_every_refusal_is_one_sentence_without_pydantic_s_report(
    session: Session, index: int, name: str
) -> None:
    """Too long, the wrong kind: one line naming the argument, no link, no echoed value."""
    error = session.answers[index].error
    assert error is not None
    assert f"The argument {name} is not valid; give " in error
    assert "\n" not in error
    assert error.endswith(".")
    assert "pydantic" not in error
    assert "http" not in error
    assert "xxxxx" not in error
