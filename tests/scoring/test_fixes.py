"""Fix detection: message words, and issue keys only where the tracker says they are bugs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoring.facts import ChangeFacts
from scoring.fixes import NO_BUG_ISSUES, BugIssues, is_fix_change, is_fix_commit, is_fix_message

_JIRA = BugIssues(frozenset({"PAY-1234", "GROOVY-7", " core-9 "}))


@pytest.mark.parametrize(
    ("subject", "body", "bugs", "expected"),
    [
        # Words decide when no tracker is known.
        ("Fix crash in parser (#12)", "", NO_BUG_ISSUES, True),
        ("fixes the login page", "", NO_BUG_ISSUES, True),
        ("Fixed off-by-one", "", NO_BUG_ISSUES, True),
        ("Guard against null", "Bug: GH-88", NO_BUG_ISSUES, True),
        ("Hotfix for checkout", "", NO_BUG_ISSUES, True),
        ("Avoid regression in search", "", NO_BUG_ISSUES, True),
        ("bugfix: trim names", "", NO_BUG_ISSUES, True),
        ("Add prefix to table names", "", NO_BUG_ISSUES, False),
        ("Add debug logging", "", NO_BUG_ISSUES, False),
        ("Use the fixture factory", "", NO_BUG_ISSUES, False),
        ("Encode as UTF-8 and hash with SHA-256", "", NO_BUG_ISSUES, False),
        ("Add search endpoint (#4521)", "", NO_BUG_ISSUES, False),
        # Renovate's and Dependabot's dependency updates are no bug fix of this code.
        ("fix(deps): update all non-major dependencies (#23217)", "", NO_BUG_ISSUES, False),
        ("chore(deps-dev): bump vitest from 3.1 to 3.2", "fix bugs", NO_BUG_ISSUES, False),
        ("fix(deps)!: drop node 18", "", NO_BUG_ISSUES, False),
        ("fix(ssr): handle a crash in deps resolution", "", NO_BUG_ISSUES, True),
        # An issue reference alone says which issue, not that it is a bug.
        ("Handle empty input", "Closes #431", NO_BUG_ISSUES, False),
        ("Retry uploads", "See PAY-1234.", NO_BUG_ISSUES, False),
        ("GROOVY-8: add a builder", "", NO_BUG_ISSUES, False),
        # A key of a known tracker project decides alone.
        ("Retry uploads", "See PAY-1234.", _JIRA, True),
        ("GROOVY-7: add a null check", "", _JIRA, True),
        ("CORE-9 tidy", "", _JIRA, True),
        ("GROOVY-8: fix the builder's javadoc", "", _JIRA, False),
        ("GROOVY-8 and GROOVY-7", "", _JIRA, True),
        # Keys of projects the tracker list does not cover fall back to words.
        ("KAFKA-1: add a metric", "", _JIRA, False),
        ("KAFKA-1: fix a leak", "", _JIRA, True),
        ("Fix the leak", "", _JIRA, True),
    ],
)
def test_fix_messages(subject: str, body: str, bugs: BugIssues, expected: bool) -> None:
    """Keywords mark a fix; a tracker key counts only when the tracker lists it as a bug."""
    assert is_fix_message(subject, body, bugs) is expected


def test_bug_issues_normalise_keys_and_know_their_projects() -> None:
    """Keys are trimmed and upper-cased, and their project prefixes are what the list covers."""
    assert "CORE-9" in _JIRA.keys
    assert _JIRA.projects == frozenset({"PAY", "GROOVY", "CORE"})
    assert BugIssues().projects == frozenset()


@pytest.mark.parametrize(
    ("title", "labels", "bugs", "expected"),
    [
        ("Tidy the cart", ["Bug"], NO_BUG_ISSUES, True),
        ("Tidy the cart", ["kind/bug", "size/S"], NO_BUG_ISSUES, True),
        ("Fix the cart total", [], NO_BUG_ISSUES, True),
        ("Tidy the cart", ["enhancement"], NO_BUG_ISSUES, False),
        ("SHOP-12 cart total", [], BugIssues(frozenset({"SHOP-12"})), True),
        ("Fix SHOP-13 wording", [], BugIssues(frozenset({"SHOP-12"})), False),
    ],
)
def test_fix_changes_by_label_bug_issue_or_words(
    title: str, labels: list[str], bugs: BugIssues, expected: bool
) -> None:
    """A pull request is a fix by a bug label, else as its title's message would be."""
    assert is_fix_change(title, labels, bugs) is expected


@pytest.mark.parametrize(
    ("fix", "revert", "hotfix", "expected"),
    [
        (True, False, False, True),
        (False, True, False, True),
        (False, False, True, False),
        (False, False, False, False),
    ],
)
def test_szz_starts_from_fixes_and_reverts_only(
    fix: bool, revert: bool, hotfix: bool, expected: bool
) -> None:
    """SZZ starts from a bug fix or a revert, never from a hotfix alone or an ordinary change."""
    change = ChangeFacts(
        key="acme/shop@0123456789ab",
        repository="acme/shop",
        title="Change",
        author="ann",
        merged_at=datetime(2026, 11, 16, tzinfo=UTC),
        files=(),
        is_fix=fix,
        is_revert=revert,
        is_hotfix=hotfix,
    )
    assert is_fix_commit(change) is expected
