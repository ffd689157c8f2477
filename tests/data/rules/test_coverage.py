"""A change's coverage facts: the lines it added from its clone, its patch coverage, the touched
files' change against its base, and its service's coverage."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.coverage_report import encode_lines
from data.rules.coverage import clone_added_lines
from data.store.coverage import StoredCoverage, coverage_facts
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def _report(files: dict[str, tuple[range | list[int], list[int]]]) -> StoredCoverage:
    """A stored report: per path, coverable and covered line numbers."""
    return StoredCoverage(
        "acme/shop",
        "a" * 40,
        "ci",
        T0,
        sum(len(c) for c, _ in files.values()),
        sum(len(v) for _, v in files.values()),
        {p: (encode_lines(c), encode_lines(v)) for p, (c, v) in files.items()},
    )


def test_added_lines_come_from_the_first_parent_diff(tmp_path: Path) -> None:
    """A commit that changes two lines, adds a file and deletes one: the lines it added, by
    the new file's numbering, and nothing for the deleted file; a root commit adds all."""
    repo = GitRepo(tmp_path / "shop")
    root = repo.commit({"a.py": "1\n2\n3\n4\n", "gone.py": "x\n"}, "Root", T0)
    later = repo.commit(
        {"a.py": "1\nTWO\n3\n4\nfive\n", "b/new file.py": "n1\nn2\n", "gone.py": None},
        "Change",
        T0 + timedelta(hours=1),
    )
    read = clone_added_lines(repo.path, later)
    assert read is not None
    parent, added = read
    assert parent == root
    assert added == {"a.py": frozenset({2, 5}), "b/new file.py": frozenset({1, 2})}
    first = clone_added_lines(repo.path, root)
    assert first is not None
    assert first == (None, {"a.py": frozenset({1, 2, 3, 4}), "gone.py": frozenset({1})})
    assert clone_added_lines(repo.path, "f" * 40) is None


def test_patch_coverage_counts_only_coverable_added_lines() -> None:
    """Of five added lines, a blank one is not coverable and two of four ran: 50%."""
    head = _report({"a.py": (range(1, 11), [1, 2, 3, 4, 5])})
    facts = coverage_facts(head, None, ["a.py"], {"a.py": frozenset({4, 5, 6, 7, 11})}, None)
    assert (facts.patch_coverage, facts.patch_coverable) == (50.0, 4)
    assert facts.line_coverage_delta is None


def test_the_touched_files_change_against_the_base() -> None:
    """The touched files fell from 8 of 10 to 6 of 12 lines covered: -30 points; a file the
    change did not touch does not count, and the service's files are read at the head."""
    base = _report({"a.py": (range(1, 11), list(range(1, 9))), "z.py": (range(1, 3), [])})
    head = _report({"a.py": (range(1, 13), list(range(1, 7))), "z.py": (range(1, 3), [1, 2])})
    facts = coverage_facts(head, base, ["a.py"], None, ["a.py", "z.py"])
    assert facts.line_coverage_delta == -30.0
    assert facts.patch_coverage is None
    assert facts.service_coverage == 57.14


def test_nothing_coverable_is_unknown_not_zero() -> None:
    """Added lines that are all outside the report, and a service with no report file, are
    unknown, never 0% coverage."""
    head = _report({"a.py": (range(1, 3), [1])})
    facts = coverage_facts(head, head, ["docs/x.md"], {"docs/x.md": frozenset({1})}, [])
    assert (facts.patch_coverage, facts.patch_coverable) == (None, 0)
    assert facts.line_coverage_delta is None
    assert facts.service_coverage is None
