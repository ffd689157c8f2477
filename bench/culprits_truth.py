"""What a clone's history says was reverted, read by the bench itself from git.

The incident-culprit bench grades the product's path against this reading, so none of it
comes from the product: no ``reverts_key``, no product parser. It reads every commit
reachable from the branch (``git log``), the branch's first-parent chain, and the forms
in which a revert names what it undoes:

- ``sha``: ``This reverts commit <sha>`` (what ``git revert`` writes; also in a commit a
  merge brought in), the sha full or abbreviated.
- ``request``: ``Reverts owner/repo#M`` in the body (GitHub's Revert button's pull request,
  squash-merged with its description) or a subject ``Revert #M`` / ``Reverts #M``: the
  change whose subject ends ``(#M)`` or GitHub's ``Merge pull request #M from …``.
- ``title``: a subject ``Revert "<title>"`` (with or without `` (#N)``) naming no sha: the
  latest earlier commit whose title is ``<title>`` (either side's `` (#N)`` aside; a title
  GitHub cut with ``…`` matches by its start; for a pull request's merge commit its title is
  its body's first line).

A revert is counted once per commit of the first-parent chain that landed it (a merge
landing a revert pull request, or the revert commit itself): a unit, keyed by that commit.
Its targets are the commits it names that landed earlier on the chain; one that landed in
the same chain commit (undone before it landed) is no revert of anything on the branch.
"""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["FORMS", "GitRevert", "RevertTruth", "path_name", "read_reverts"]

_SHA = re.compile(r"This reverts commit ([0-9a-fA-F]{7,40})")
_REQUEST_BODY = re.compile(
    r"^\s*Reverts? (?P<repo>[\w.-]+/[\w.-]+)?#(?P<number>\d+)\b", re.IGNORECASE | re.MULTILINE
)
_REQUEST_SUBJECT = re.compile(r"^Reverts? #(?P<number>\d+)\b", re.IGNORECASE)
_TITLE = re.compile(r'^Revert "(?P<title>.+)"(?:\s*\(#\d+\))?\s*$')
_NUMBER_TAIL = re.compile(r"\s*\(#(?P<number>\d+)\)\s*$")
_GITHUB_MERGE = re.compile(r"^Merge pull request #(?P<number>\d+) from ")
# GitHub's Revert button opens its pull request from a branch "revert-<number>-<branch>".
_REVERT_BRANCH = re.compile(r" from \S*?/?revert-(?P<number>\d+)-\S+")
# A pull request from a main branch: a fork catching up, not a change of its own.
_BACK_MERGE = re.compile(r" from \S*?(?:^|/)(?:master|main)$")
# More commits than any contribution from a fork's main branch brings (psf/requests: at
# most 16, and 375 for "Merge pull request #1 from requests/master").
_CATCH_UP = 50
# The forms naming a target, strongest first.
FORMS = ("sha", "request", "branch", "title")


@dataclass(frozen=True, slots=True)
class GitRevert:
    """One revert as git shows it: the chain commit that landed it, the commits saying they
    revert, the reverted commits and the chain commits that landed those, and how named."""

    landed: str
    commits: tuple[str, ...]
    targets: frozenset[str]
    target_landings: frozenset[str]
    form: str

    @property
    def culprit_shas(self) -> frozenset[str]:
        """Every sha a change counted as the reverted one may carry."""
        return self.targets | self.target_landings

    @property
    def own_shas(self) -> frozenset[str]:
        """Every sha the change that is this revert may carry."""
        return frozenset((self.landed, *self.commits))


@dataclass(frozen=True, slots=True)
class RevertTruth:
    """The reverts of one clone: those whose target is on the branch, and what was left out."""

    reverts: tuple[GitRevert, ...]
    # Commits saying they revert something not in the history (another branch, a rewrite).
    target_missing: int = 0
    # Reverts whose target landed in the same chain commit (undone before it landed).
    same_landing: int = 0
    # The reverts by the form naming their target.
    by_form: dict[str, int] = field(default_factory=dict)
    # Every commit of the history read (what the grade covers).
    shas: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class _Commit:
    sha: str
    parents: tuple[str, ...]
    subject: str
    body: str


def _log(path: Path, rev: str) -> list[_Commit]:
    done = subprocess.run(
        ["git", "-C", str(path), "log", "--format=%H%x00%P%x00%s%x00%b%x1e", rev],
        capture_output=True,
        check=True,
    )
    out = []
    for record in done.stdout.decode("utf-8", "replace").split("\x1e"):
        record = record.strip("\n")
        if not record:
            continue
        sha, parents, subject, body = [*record.split("\0", 3), "", "", ""][:4]
        out.append(_Commit(sha, tuple(parents.split()), subject.strip(), body))
    return out


def _chain(path: Path, rev: str) -> list[str]:
    done = subprocess.run(
        ["git", "-C", str(path), "rev-list", "--first-parent", "--reverse", rev],
        capture_output=True,
        check=True,
    )
    return done.stdout.decode().split()


def _landings(chain: list[str], commits: dict[str, _Commit]) -> dict[str, int]:
    """By sha: the place on the chain of the commit that landed it (itself, or the merge)."""
    place: dict[str, int] = {}
    for at, sha in enumerate(chain):
        place[sha] = at
        stack = list(commits[sha].parents[1:]) if sha in commits else []
        while stack:
            other = stack.pop()
            if other in place or other not in commits:
                continue
            place[other] = at
            stack.extend(commits[other].parents)
    return place


def _is_request_merge(commit: _Commit) -> bool:
    """GitHub's merge commit of a pull request: "Merge pull request #N from …", or the
    request's title and number when that is the repository's merge message; not a merge of
    one branch into another titled so ("Merge master into features (#5319)"), which brings
    in other changes rather than being one."""
    if len(commit.parents) < 2:
        return False
    github = _GITHUB_MERGE.match(commit.subject)
    if github is not None:
        return True
    return bool(_NUMBER_TAIL.search(commit.subject)) and not commit.subject.startswith("Merge ")


def _landers(path: Path, commits: dict[str, _Commit]) -> dict[str, str]:
    """By sha: the change git says landed it: the innermost pull request merge that brought
    it in, else the commit itself when it is on the chain or inside a merge no host wrote.

    Two commits with the same lander came in together: a revert of the one by the other
    undid it before it landed.
    """
    lander: dict[str, str] = {sha: sha for sha in commits}
    size: dict[str, int] = {}
    merges = [c for c in commits.values() if _is_request_merge(c)]
    requests = {c.sha for c in merges}
    for merge in merges:
        done = subprocess.run(
            ["git", "-C", str(path), "rev-list", f"{merge.parents[0]}..{merge.parents[1]}"],
            capture_output=True,
            check=False,
        )
        brought = done.stdout.decode().split() if done.returncode == 0 else []
        if len(brought) > _CATCH_UP and _BACK_MERGE.search(merge.subject):
            continue  # a fork catching up with the main branch brings others' changes
        for sha in brought:
            now = lander[sha]
            if sha in requests:
                continue  # a pull request's merge is its own change
            if now == sha or len(brought) < size.get(now, 1 << 30):
                lander[sha] = merge.sha
        size[merge.sha] = len(brought)
    return lander


def _norm(title: str) -> str:
    return _NUMBER_TAIL.sub("", title).strip()


def _titles(commit: _Commit) -> list[str]:
    """The titles a commit answers to: its subject and, for GitHub's merge commit, the pull
    request's title (the body's first line)."""
    out = [_norm(commit.subject)]
    if _GITHUB_MERGE.match(commit.subject):
        first = next((line.strip() for line in commit.body.splitlines() if line.strip()), "")
        if first:
            out.append(_norm(first))
    return out


def _quoted(commit: _Commit) -> str | None:
    """The title a ``Revert "<title>"`` subject names; a cut one (``…``) from the body's
    first line when that says it whole."""
    match = _TITLE.match(commit.subject)
    if match is None:
        return None
    title = match.group("title")
    if title.endswith("…"):
        first = next((line.strip() for line in commit.body.splitlines() if line.strip()), "")
        whole = _TITLE.match(first)
        if whole is not None and not whole.group("title").endswith("…"):
            return whole.group("title")
    return title


def read_reverts(path: Path, rev: str = "HEAD") -> RevertTruth:
    """Every revert of the clone at ``path``'s ``rev`` whose target landed before it."""
    log = _log(path, rev)
    commits = {c.sha: c for c in log}
    chain = _chain(path, rev)
    place = _landings(chain, commits)
    lander = _landers(path, commits)
    by_prefix: dict[str, list[str]] = defaultdict(list)
    for sha in commits:
        by_prefix[sha[:7]].append(sha)
    # Titles and request numbers, to the commits answering to them.
    numbered: dict[int, list[str]] = defaultdict(list)
    titled: dict[str, list[str]] = defaultdict(list)
    for c in log:
        for title in _titles(c):
            titled[title].append(c.sha)
        number = _GITHUB_MERGE.match(c.subject) or _NUMBER_TAIL.search(c.subject)
        if number is not None and (len(c.parents) < 2 or _is_request_merge(c)):
            numbered[int(number.group("number"))].append(c.sha)

    def resolve(named: str) -> str | None:
        named = named.lower()
        found = [s for s in by_prefix.get(named[:7], []) if s.startswith(named)]
        return found[0] if len(found) == 1 else None

    def latest_before(shas: list[str], revert: str) -> str | None:
        earlier = [s for s in shas if s in place and place[s] <= place[revert] and s != revert]
        return max(earlier, key=lambda s: (place[s], s == lander[s])) if earlier else None

    def named_targets(c: _Commit) -> tuple[str, list[str | None]]:
        named = [m.group(1) for m in _SHA.finditer(f"{c.subject}\n{c.body}")]
        if named:
            resolved = [resolve(n) for n in named]
            # A sha of another branch (the change was cherry-picked here): its title says
            # which commit of this history was undone.
            if any(s in place for s in resolved) or _quoted(c) is None:
                return "sha", resolved
        match = _REQUEST_BODY.search(c.body) or _REQUEST_SUBJECT.match(c.subject)
        if match is not None:
            repo = match.groupdict().get("repo")
            if repo is None or repo.lower().split("/")[-1] == path_name(path).split("/")[-1]:
                return "request", [
                    latest_before(numbered.get(int(match.group("number")), []), c.sha)
                ]
        branch = _GITHUB_MERGE.match(c.subject) and _REVERT_BRANCH.search(c.subject)
        if branch:
            return "branch", [latest_before(numbered.get(int(branch.group("number")), []), c.sha)]
        quoted = _quoted(c)
        if quoted is not None:
            shas = titled.get(_norm(quoted), [])
            if quoted.endswith("…"):
                stem = quoted.rstrip("…").strip()
                shas = [s for t, ss in titled.items() if t.startswith(stem) for s in ss]
            return "title", [latest_before(shas, c.sha)]
        return "", []

    # By the revert's lander: (revert commits, targets, form). The strongest form any commit
    # of a lander names wins (a sha over a number, a number over a title): the weaker ones
    # usually restate it (a merge's "Revert "…" (#N)" over its commit's sha).
    found: dict[str, list[tuple[int, str, str, list[str | None]]]] = defaultdict(list)
    for c in log:
        if c.sha not in place:
            continue
        form, targets = named_targets(c)
        if form:
            found[lander[c.sha]].append((FORMS.index(form), form, c.sha, targets))
    units = []
    missing = same = 0
    forms: dict[str, int] = defaultdict(int)
    for unit, said in found.items():
        strongest = min(rank for rank, *_ in said)
        kept: set[str] = set()
        shas: list[str] = []
        form = FORMS[strongest]
        for rank, _, sha, targets in said:
            if rank != strongest:
                continue
            shas.append(sha)
            for target in targets:
                if target is None or target not in place:
                    missing += 1
                elif lander[target] == unit or place[target] > place[unit]:
                    same += 1
                else:
                    kept.add(target)
        if not kept:
            continue
        forms[form] += 1
        units.append(
            GitRevert(
                landed=unit,
                commits=tuple(sorted({*shas, chain[place[unit]]} - {unit})),
                targets=frozenset(kept),
                target_landings=frozenset(
                    x for t in kept for x in (lander[t], chain[place[t]]) if x != t
                ),
                form=form,
            )
        )
    units.sort(key=lambda u: (place[u.landed], u.landed))
    return RevertTruth(tuple(units), missing, same, dict(forms), frozenset(commits))


def path_name(path: Path) -> str:
    """The repository's name for a clone: ``owner/name`` for a fetched ``owner+name/repo``,
    else the folder's name without ``.git``."""
    path = path.resolve()
    name = path.name.removesuffix(".git")
    if name in ("repo", "") and "+" in path.parent.name:
        return path.parent.name.replace("+", "/", 1)
    return name or path.parent.name
