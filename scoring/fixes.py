"""Which changes fix a bug, from their message and what the issue tracker says.

An issue key (``PROJ-123``) in a message says which issue the change is for,
not that the issue is a bug: most Apache commits start with one, whatever they
do. So a key counts only when the tracker is known: given the keys of the bug
issues (``BugIssues``, e.g. a Jira export), a key of a tracker project in that
list makes the change a fix, and a key of such a project not in it is known
not to be a bug. Messages that name no key of a known project are judged by
their words ("fix", "bug", "crash", "regression", …). Whether a change
starts an SZZ pass (``is_fix_commit``) is a further rule over those facts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from scoring.facts import ChangeFacts

__all__ = ["NO_BUG_ISSUES", "BugIssues", "is_fix_change", "is_fix_commit", "is_fix_message"]

# Bug-fix wording as whole words, so "prefix", "debug" and "fixture" do not count.
_FIX_WORDS = re.compile(
    r"\b(fix(e[sd]|ing)?|bug(s|fix(es)?)?|defects?|crash(e[sd]|ing)?|regressions?|hot-?fix(es)?)\b",
    re.IGNORECASE,
)
# Tracker keys such as "JIRA-123"; a project part is two or more capitals or digits.
_ISSUE_KEY = re.compile(r"\b(?P<project>[A-Z][A-Z0-9]+)-\d+\b")
# GitHub's squash merge appends "(#<PR number>)" to every subject; that number
# names the pull request itself, not an issue it fixes.
_SQUASH_SUFFIX = re.compile(r"\s*\(#\d+\)\s*$")
# Renovate's and Dependabot's conventional subjects for dependency updates ("fix(deps):
# update all non-major dependencies"): the "fix" type says the update ships to users, not
# that it repairs a bug of this code.
_DEPENDENCY_UPDATE = re.compile(r"^\s*(fix|chore|build)\((deps|deps-dev|dependencies)\)!?:", re.I)


@dataclass(frozen=True, slots=True)
class BugIssues:
    """The keys of the issues a tracker records as bugs, and the tracker projects they cover.

    ``changes`` are the keys of changes the tracker itself ties to a bug (a pull
    request linked to a bug issue, a branch named after one): fixes whatever
    their titles say.
    """

    keys: frozenset[str] = frozenset()
    changes: frozenset[str] = frozenset()
    projects: frozenset[str] = field(init=False)

    def __post_init__(self) -> None:
        keys = frozenset(k.strip().upper() for k in self.keys if k.strip())
        object.__setattr__(self, "keys", keys)
        object.__setattr__(self, "projects", frozenset(k.rsplit("-", 1)[0] for k in keys))


NO_BUG_ISSUES = BugIssues()


def is_fix_message(subject: str, body: str = "", bugs: BugIssues = NO_BUG_ISSUES) -> bool:
    """True when a commit message fixes a bug: by a known bug issue, or else by its words.

    A message naming a key of a project ``bugs`` covers is decided by the
    tracker alone: a fix when one such key is a bug, not a fix when none is.
    """
    text = f"{_SQUASH_SUFFIX.sub('', subject)}\n{body}"
    if bugs.projects:
        tracked = [
            m.group(0) for m in _ISSUE_KEY.finditer(text) if m.group("project") in bugs.projects
        ]
        if tracked:
            return any(key in bugs.keys for key in tracked)
    if _DEPENDENCY_UPDATE.match(subject):
        return False
    return _FIX_WORDS.search(text) is not None


# Labels code hosts and teams put on bug-fix pull requests.
_FIX_LABELS = frozenset({"bug", "bugfix", "fix", "hotfix", "regression", "type: bug", "kind/bug"})


def is_fix_change(
    title: str, labels: Iterable[str], bugs: BugIssues = NO_BUG_ISSUES, key: str | None = None
) -> bool:
    """True when a pull request fixes a bug: the tracker ties change ``key`` to a bug, or by its
    labels, or by its title's bug issue or words."""
    if key is not None and key in bugs.changes:
        return True
    if any(label.lower() in _FIX_LABELS for label in labels):
        return True
    return is_fix_message(title, "", bugs)


def is_fix_commit(change: ChangeFacts) -> bool:
    """True for the changes SZZ starts from: bug fixes (``is_fix``) and reverts.

    A hotfix alone does not count: unlike a revert it names no culprit, and
    unlike a fix its words were not read as repairing a bug.
    """
    return change.is_fix or change.is_revert
