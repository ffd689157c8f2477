"""`riskbrief check` measures a proposal's size in lines of code, from refs and from a diff."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from data.sources.diff import parse_diff
from data.sources.local_git.proposal import clone_proposal, diff_proposal
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 10, 5, 10, 0, tzinfo=UTC)
JAVA = "src/main/java/acme/Cart.java"
_CART = "package acme;\n\npublic class Cart {\n    int items;\n}\n"
# 450 lines of Javadoc: no line of code.
_DOCUMENTED = _CART.replace(
    "    int items;",
    "    /**\n"
    + "".join(f"     * Line {i} of what items holds.\n" for i in range(448))
    + "     */\n    int items;",
)
_GROWN = _CART.replace("    int items;", "    int items;\n    // One more.\n    int more;\n")

pytestmark = pytest.mark.usefixtures("clean_git_env")


@pytest.fixture
def clone(workdir: Path) -> GitRepo:
    """main with a Java class; branch `javadoc` documents it, branch `grow` adds a field."""
    repo = GitRepo(workdir.parent / "cart")
    repo.commit({JAVA: _CART, "README.md": "cart\n"}, "Start", T0)
    for i in range(3):
        repo.commit({"README.md": f"cart {i}\n"}, f"Readme {i}", T0 + timedelta(days=i + 1))
    repo.git("checkout", "-q", "-b", "javadoc")
    repo.commit(
        {JAVA: _DOCUMENTED, "docs/guide.md": "Step.\n" * 3000},
        "Document the cart",
        T0 + timedelta(days=9),
    )
    repo.git("checkout", "-q", "-b", "grow", "main")
    repo.commit({JAVA: _GROWN}, "Grow the cart", T0 + timedelta(days=9))
    return repo


def _check(*args: str, stdin: str | None = None) -> dict[str, Any]:
    result = CliRunner().invoke(main, ["check", *args, "--json"], input=stdin)
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _size(data: dict[str, Any]) -> str:
    (size,) = [s for s in data["signals"] if s["name"] == "size"]
    return str(size["explanation"])


def test_a_javadoc_and_docs_branch_is_no_code_from_refs_and_from_its_diff(clone: GitRepo) -> None:
    """--head and --diff lex the Java file: 450 lines of Javadoc and 3000 of docs are no code,
    so the change is not high."""
    diff = clone.git("diff", "main", "javadoc")
    for data in (
        _check(str(clone.path), "--base", "main", "--head", "javadoc"),
        _check(str(clone.path), "--diff", "-", "--author", "ada@example.com", stdin=diff),
    ):
        assert data["band"] in ("safe", "moderate"), data["score"]
        assert _size(data).startswith("no code changed"), _size(data)


def test_a_real_change_counts_its_lines_of_code(clone: GitRepo) -> None:
    """A field and a comment added: one line of code, from refs and from the diff alike."""
    diff = clone.git("diff", "main", "grow")
    for data in (
        _check(str(clone.path), "--base", "main", "--head", "grow"),
        _check(str(clone.path), "--diff", "-", "--author", "ada@example.com", stdin=diff),
    ):
        assert _size(data).startswith("1 line of code added, 0 deleted"), _size(data)


def test_proposals_carry_the_lines_of_code_of_their_code_files(clone: GitRepo) -> None:
    """What MCP's proposal_risk reads: a clone's refs and a parsed diff give the same counts."""
    from_refs = clone_proposal(clone.path, base="main", head="javadoc").change.files
    parsed = parse_diff(clone.git("diff", "main", "javadoc"))
    from_diff = diff_proposal(parsed, "cart", "ada@example.com").change.files
    for files in (from_refs, from_diff):
        counts = {f.path: (f.added, f.code_added, f.code_deleted) for f in files}
        assert counts == {JAVA: (450, 0, 0), "docs/guide.md": (3000, None, None)}
