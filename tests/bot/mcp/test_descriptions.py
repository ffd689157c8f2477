"""What the tools' listing tells an agent: clean paragraphs, each argument for its own tool."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.bot.mcp.client import Session, over_stdio


@pytest.fixture(scope="module")
def listed(demo_dir: Path) -> Session:
    """The tools `riskbrief mcp --demo` lists, as the SDK's client receives them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKBRIEF_")}
    return over_stdio(["mcp", "--demo", "--demo-dir", str(demo_dir)], [], env)


def _argument(listed: Session, tool: str, name: str) -> str:
    return str(listed.tools[tool].input_schema["properties"][name]["description"])


def test_every_tool_description_is_one_paragraph_without_docstring_indentation(
    listed: Session,
) -> None:
    """No description carries a newline or a run of spaces from its docstring's indentation."""
    for name, tool in listed.tools.items():
        assert tool.description, name
        assert "\n" not in tool.description, name
        assert "  " not in tool.description, name


def test_each_week_argument_says_its_own_tool_s_default(listed: Session) -> None:
    """service_record's week defaults to this week so far; the others' to the last complete week."""
    assert "this week so far" in _argument(listed, "service_record", "week")
    for tool in ("briefing", "agent_activity"):
        week = _argument(listed, tool, "week")
        assert "the last complete week" in week
        assert "service_record" not in week
        assert "this week so far" not in week


def test_base_and_head_are_each_described_for_what_they_are(listed: Session) -> None:
    """base is what the change merges into; head holds it (or WORKTREE): each its own."""
    base = _argument(listed, "proposal_risk", "base")
    head = _argument(listed, "proposal_risk", "head")
    assert "merge into" in base
    assert "WORKTREE" not in base
    assert "WORKTREE" in head
    assert "default: HEAD" in head
    assert "needed with a diff" not in _argument(listed, "proposal_risk", "author")
