"""What is known about changes, deploys and incidents: the scorer's input values."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

__all__ = [
    "REVERT_INCIDENT",
    "ChangeFacts",
    "DeployFacts",
    "FileChange",
    "IncidentFacts",
    "Marked",
    "Review",
    "ReviewState",
    "marked_as",
]


# The key of the incident a revert makes (``data.rules.revert_incidents``) is this and the
# revert's key: a change that failed in production, with no outage of its own.
REVERT_INCIDENT = "revert:"


class ReviewState(StrEnum):
    """The verdict of one review, as code hosts report it."""

    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    COMMENTED = "commented"
    DISMISSED = "dismissed"


# Reading an enum member through its class costs several times reading a module
# constant, and every review of every scored change is checked against it.
_APPROVED = ReviewState.APPROVED


class Marked(StrEnum):
    """What a repository's own ``.gitattributes`` says a file is: it wins over every rule."""

    # ``linguist-generated`` or ``linguist-vendored`` (or ``-diff``): no one's by hand.
    GENERATED = "generated"
    # ``linguist-documentation``: documentation, no code.
    DOCUMENTATION = "documentation"
    # ``linguist-generated=false`` or ``linguist-vendored=false``: hand-written, whatever
    # its name says.
    HAND_WRITTEN = "hand-written"
    # ``linguist-documentation=false``, or an example of a repository of examples
    # (``scoring.example_collections``): no documentation nor example, whatever its folder
    # says (``scoring.paths.undocumented_kinds``).
    UNDOCUMENTED = "undocumented"


def marked_as(value: str | None) -> Marked | None:
    """The ``Marked`` a stored value names; ``None`` for none or a value no longer known."""
    try:
        return None if value is None else Marked(value)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file touched by a change.

    ``owners`` is the CODEOWNERS match as of the change: ``None`` when unknown
    (no CODEOWNERS data), an empty tuple when no rule covers the file.
    ``generated`` is true when the source found the repository's own marker
    (``.gitattributes``, a "generated" header) calling it generated or vendored.
    ``code_added`` and ``code_deleted`` are the lines of code among ``added`` and
    ``deleted`` (``scoring.code_lines``: comments, docstrings, blank lines and
    whitespace-only changes out) when the source read the lines' text (a local
    clone, a diff); ``None`` when it has only counts (a code host's API). For a
    dependency manifest they are the lines that declare what it installs: a source that
    read the manifest before and after sets both to 0 when none of those changed (a
    ``[tool.ruff]`` table of ``pyproject.toml``), and the change is then tool
    configuration, no dependency change.
    ``marked`` is what the repository's own ``.gitattributes`` says the file is
    (``Marked``), which wins over every rule of ``scoring.paths``; ``None`` where it says
    nothing or the source cannot read it.
    ``previous_path`` is the path the file had before, when the change renamed
    it: the history carries the file's past to its new path. ``lines_before`` is
    the lines the file held just before the change where the source read them (a
    clone: git's blob at the parent, 0 for a new file); ``None`` elsewhere, where the
    history's own running sum stands in.
    """

    path: str
    added: int
    deleted: int
    service: str | None = None
    owners: tuple[str, ...] | None = None
    generated: bool = False
    code_added: int | None = None
    code_deleted: int | None = None
    previous_path: str | None = None
    lines_before: int | None = None
    marked: Marked | None = None


@dataclass(frozen=True, slots=True)
class Review:
    """One review of a change."""

    reviewer: str
    state: ReviewState
    submitted_at: datetime
    reviewer_is_agent: bool = False


@dataclass(frozen=True, slots=True)
class ChangeFacts:
    """Everything known about one merged change (a PR, or a commit where there are no PRs).

    Times are timezone-aware. ``key`` is the stable id used everywhere else
    (``"<repository>#<number>"`` for PRs, ``"<repository>@<sha12>"`` for commits).
    ``reviews_known`` is false when no code host reported the change (a git
    history only): its review is then unknown, not missing.
    """

    key: str
    repository: str
    title: str
    author: str
    merged_at: datetime
    files: tuple[FileChange, ...]
    author_is_agent: bool = False
    # A bot (Dependabot, Renovate, CI): scored, but no person's experience.
    author_is_bot: bool = False
    opened_at: datetime | None = None
    merged_by: str | None = None
    reviews: tuple[Review, ...] = ()
    labels: tuple[str, ...] = ()
    url: str | None = None
    is_revert: bool = False
    is_hotfix: bool = False
    # A bug fix by its message or labels: fixes land in code already known to be fragile.
    is_fix: bool = False
    co_authors: tuple[str, ...] = ()
    # Review comments on the change, and the coverage change in percentage points, when known.
    review_comments: int | None = None
    line_coverage_delta: float | None = None
    # Covered ÷ coverable added lines in percent, and how many added lines could run,
    # when a coverage report exists at the change's head.
    patch_coverage: float | None = None
    patch_coverable: int | None = None
    co_authored_by_agent: bool = False
    reviews_known: bool = True
    # False for a change not merged yet (an open PR, a branch, a diff): it is scored as
    # if it merged at ``merged_at``, and its reasons say "would merge", not "merged".
    merged: bool = True
    # Minutes east of UTC on the committer's clock when it merged, as git records it
    # (``None`` where the source gives UTC alone, as code hosts' APIs do).
    merged_utc_offset: int | None = None

    # Derived once: signals and the history ask for them several times per change.
    _lines: int = field(init=False, repr=False, compare=False)
    _services: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        seen: dict[str, None] = {}
        lines = 0
        for f in self.files:
            lines += f.added + f.deleted
            if f.service is not None:
                seen.setdefault(f.service, None)
        object.__setattr__(self, "_lines", lines)
        object.__setattr__(self, "_services", tuple(seen))

    @property
    def lines_changed(self) -> int:
        """Lines added plus lines deleted over all files."""
        return self._lines

    @property
    def services(self) -> tuple[str, ...]:
        """The distinct services the touched files belong to, in first-seen order."""
        return self._services

    @property
    def primary_service(self) -> str | None:
        """The service with the most changed lines, or ``None`` when no file maps to one."""
        lines: dict[str, int] = {}
        for f in self.files:
            if f.service is not None:
                lines[f.service] = lines.get(f.service, 0) + f.added + f.deleted
        if not lines:
            return None
        return max(sorted(lines), key=lambda s: lines[s])

    @property
    def human_approvals(self) -> tuple[Review, ...]:
        """Approvals by humans other than the author."""
        # Asked for twice per scored change; a list is quicker to build than a generator.
        if not self.reviews:
            return ()
        author = self.author
        return tuple(
            [
                r
                for r in self.reviews
                if r.state is _APPROVED and not r.reviewer_is_agent and r.reviewer != author
            ]
        )

    @property
    def agent_involved(self) -> bool:
        """True when an AI agent authored or co-authored the change."""
        return self.author_is_agent or self.co_authored_by_agent


@dataclass(frozen=True, slots=True)
class DeployFacts:
    """One deploy of a service to an environment and the changes it shipped."""

    key: str
    service: str
    environment: str
    finished_at: datetime
    succeeded: bool
    change_keys: tuple[str, ...] = ()
    previous_finished_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class IncidentFacts:
    """One production incident of a service; ``resolved_at`` is ``None`` while open."""

    key: str
    service: str
    title: str
    opened_at: datetime
    resolved_at: datetime | None = None
    deploy_key: str | None = None
    severity: str | None = field(default=None)

    @property
    def is_revert(self) -> bool:
        """Whether a revert made this incident: "resolved" only says when the revert merged."""
        return self.key.startswith(REVERT_INCIDENT)

    def active_at(self, at: datetime, grace_hours: float) -> bool:
        """True when open at ``at`` or resolved less than ``grace_hours`` before it."""
        if self.opened_at > at:
            return False
        if self.resolved_at is None:
            return True
        return (at - self.resolved_at).total_seconds() < grace_hours * 3600
