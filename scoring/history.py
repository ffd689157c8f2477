"""A time-ordered index of earlier changes, deploys and incidents, queried *as of* a change.

The caller feeds changes in merge order: ask ``context`` for a change first,
then ``record`` it, or do both in one pass with ``advance``. Incidents, deploys
and error-budget exhaustions are added up front and only those that had
happened before the asked-for time count, so nothing from the future ever
reaches a signal.

The index is built for a million changes in a minute on one core: per-file and
per-author state are a few numbers in slotted objects in plain dicts keyed by
path and author, file and author times are POSIX seconds, and ``advance``
reads and updates each touched file's state in the same pass.
"""

from __future__ import annotations

import bisect
import math
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from scoring.facts import ChangeFacts, DeployFacts, IncidentFacts, Marked
from scoring.history_context import HistoryContext
from scoring.paths import path_kinds
from scoring.running_rank import RunningRank
from scoring.signal import Signal
from scoring.typical import TypicalChange

__all__ = ["BudgetSpan", "History", "subsystem_of"]

# Read once: an enum member read through its class costs more, for every file.
_HAND_WRITTEN = Marked.HAND_WRITTEN

# A service's error budget spent from the first time until the second (``None``: still spent).
BudgetSpan = tuple[str, datetime, datetime | None]

_DAY = 86_400.0
# Recent experience decays with this time constant: a change a year old counts e⁻¹.
_RECENT_TAU_DAYS = 365.0
_RECENT_TAU_S = _RECENT_TAU_DAYS * _DAY


def subsystem_of(path: str, service: str | None) -> str:
    """The subsystem a file belongs to: its service when mapped, else its top-level directory."""
    if service is not None:
        return service
    head, sep, _ = path.partition("/")
    return head if sep else "."


class _FileState:
    """What the history knows of one file; mutable and slotted, one per path ever touched."""

    __slots__ = ("authors", "changes", "fixes", "last", "lines", "named_by_hand", "visit")

    def __init__(
        self,
        changes: int,
        last: float,
        lines: int,
        fixes: int,
        authors: set[str],
        visit: int,
        named_by_hand: bool,
    ):
        self.changes = changes
        self.last = last
        self.lines = lines
        self.fixes = fixes
        self.authors = authors
        # The last visit (``History._visit``) that read this file: a path listed twice in a
        # change counts once, without a set of the change's paths.
        self.visit = visit
        # Whether its path is one a person writes (not a lock file's or generated output's),
        # found once per path rather than once per change that touches it.
        self.named_by_hand = named_by_hand


class _AuthorState:
    """What the history knows of one author; one lookup per change instead of one per figure."""

    __slots__ = ("as_of", "changes", "combos", "recent", "subsystems")

    def __init__(self) -> None:
        self.changes = 0
        # Recency-weighted changes as of the POSIX time ``as_of``.
        self.recent = 0.0
        self.as_of = 0.0
        # Changes by each subsystem they touched (a change of two counts in both) and, for
        # the changes that touched several, by the whole set: a change asked about in several
        # subsystems counts the author's changes touching any of them once each, from the
        # two. A change of one subsystem is in ``subsystems`` alone: most changes touch one,
        # and a set of one for each cost more than the rest of the author's bookkeeping.
        self.subsystems: dict[str, int] = {}
        self.combos: dict[frozenset[str], int] = {}


class History:
    """Incrementally built index of who changed which file, and what happened to the services."""

    def __init__(self, lookback_days: int = 30) -> None:
        self._lookback = timedelta(days=lookback_days)
        self._lookback_days = lookback_days
        self._files: dict[str, _FileState] = {}
        self._authors: dict[str, _AuthorState] = {}
        self._incidents: dict[str, list[datetime]] = defaultdict(list)
        self._deploys: dict[str, list[datetime]] = defaultdict(list)
        self._failed: dict[str, list[datetime]] = defaultdict(list)
        # The failed deploys that succeeded, by what followed them (subsets of ``_failed``).
        self._with_incident: dict[str, list[datetime]] = defaultdict(list)
        self._reverted: dict[str, list[datetime]] = defaultdict(list)
        self._budget: dict[str, list[tuple[datetime, datetime | None]]] = defaultdict(list)
        self._last_recorded: datetime | None = None
        # Counts ``_visit`` calls: each file's state notes the last that read it.
        self._visits = 0
        self._typical = TypicalChange()
        # The latest people's changes' counts of their author, and the latest changes' counts
        # of their files with history, each ranked against (``HistoryContext``'s ranks).
        self._author_changes = RunningRank()
        self._author_subsystem = RunningRank()
        self._file_changes = RunningRank()
        self._file_devs = RunningRank()
        self._file_fixes = RunningRank()

    def note_score(self, score: float, signals: Iterable[Signal] = ()) -> None:
        """Count a scored change into the history's typical change (``TypicalChange.note``)."""
        self._typical.note(score, signals)

    def add_incidents(self, incidents: Iterable[IncidentFacts]) -> None:
        """Make incidents known; each counts only for changes after it opened."""
        for incident in incidents:
            bisect.insort(self._incidents[incident.service], incident.opened_at)

    def add_deploys(
        self, deploys: Iterable[DeployFacts], incidents: Iterable[IncidentFacts] = ()
    ) -> None:
        """Make deploys known; one failed when it did not succeed or an incident was linked to it.

        A deploy counts only for changes after it finished; a linked incident
        makes it failed only from the incident's opening on.
        """
        caused: dict[str, datetime] = {}
        reported: set[str] = set()
        for i in incidents:
            if i.deploy_key is None:
                continue
            caused[i.deploy_key] = min(i.opened_at, caused.get(i.deploy_key, i.opened_at))
            if not i.is_revert:
                reported.add(i.deploy_key)
        for deploy in deploys:
            bisect.insort(self._deploys[deploy.service], deploy.finished_at)
            if not deploy.succeeded:
                bisect.insort(self._failed[deploy.service], deploy.finished_at)
            elif deploy.key in caused:
                # Never before the deploy itself: a mislinked incident must not leak it early.
                known = max(deploy.finished_at, caused[deploy.key])
                bisect.insort(self._failed[deploy.service], known)
                followed = self._with_incident if deploy.key in reported else self._reverted
                bisect.insort(followed[deploy.service], known)

    def add_error_budget_exhaustions(self, spans: Iterable[BudgetSpan]) -> None:
        """Make known when services had spent their error budget: ``(service, from, until)``.

        A change counts as merged on a spent budget from ``from`` (inclusive) to
        ``until`` (exclusive), or from ``from`` on when ``until`` is ``None``.
        """
        for service, start, end in spans:
            self._budget[service].append((start, end))

    def context(self, change: ChangeFacts) -> HistoryContext:
        """The history as of ``change.merged_at``, not counting the change itself."""
        return self._visit(change, record=False)

    def record(self, change: ChangeFacts) -> None:
        """Add a change to the history; changes must arrive in merge order."""
        self._visit(change, record=True)

    def advance(self, change: ChangeFacts) -> HistoryContext:
        """``context(change)``, then ``record(change)``, in one pass over its files.

        The context is what the history knew just before the change; refusing a
        change out of merge order happens first, so a refused change changes nothing.
        """
        return self._visit(change, record=True)

    def _visit(self, change: ChangeFacts, record: bool) -> HistoryContext:
        """The context of ``change``; with ``record``, also add the change to the history.

        Context and recording share one pass: each file's state is read once for
        the context, before the change updates it. This is the scorer's inner
        loop, hence the local names and the helpers written out inline.
        """
        at = change.merged_at
        last = self._last_recorded
        if record and last is not None and at < last:
            # Refused before anything changes, so a refused change leaves no trace.
            raise ValueError(
                f"change {change.key} merged at {at.isoformat()} arrived after "
                f"a change merged at {last.isoformat()}; feed changes in merge order"
            )
        now = at.timestamp()
        author = change.author
        # A bot is no developer: it neither gains experience nor counts among a file's authors.
        bot = change.author_is_bot
        files = self._files
        fix = 1 if change.is_revert or change.is_hotfix or change.is_fix else 0
        with_history = known = fixes = prior_changes = lines_before = devs = 0
        age_sum = 0.0
        self._visits += 1
        visit = self._visits
        subsystems: set[str] = set()
        for f in change.files:
            path = f.path
            service = f.service
            if service is not None:
                subsystems.add(service)
            else:
                head, sep, _ = path.partition("/")
                subsystems.add(head if sep else ".")
            state = files.get(path)
            named = state is not None
            if state is None and f.previous_path is not None:
                # A renamed file keeps its past: its changes, authors, fixes and lines.
                state = files.get(f.previous_path)
                if record and state is not None:
                    del files[f.previous_path]
                    files[path] = state
                    state.named_by_hand = not path_kinds(path).generated
            held = f.lines_before
            # A file no one wrote by hand (a lock file, generated or vendored output) holds no
            # size of the change's files (Kamei's LT): a lock file's thousands of lines made a
            # dependency bump look like a change to a large module. Whether a person wrote it
            # is asked below only where lines are added up: the repository's verdict
            # (``generated``, ``marked``), else the path's, which a state found under this
            # very path keeps.
            if state is not None and state.visit != visit:
                # Only a path's first entry in the change counts for the context, and it
                # sees the state from before the change (a state this change made, or read
                # already, carries this visit).
                state.visit = visit
                with_history += 1
                authors = state.authors
                if author in authors:
                    known += 1
                # The busiest file's developers stand for the union: exact unions of
                # large author sets would dominate the cost of scoring.
                n = len(authors)
                if n > devs:
                    devs = n
                prior_changes += state.changes
                age_sum += now - state.last
                # What git says the file held where the source read it (Kamei's LT), else
                # the running sum of lines added less deleted, which drifts.
                if not f.generated and (
                    f.marked is _HAND_WRITTEN
                    or (state.named_by_hand if named else not path_kinds(path).generated)
                ):
                    lines_before += state.lines if held is None else held
                fixes += state.fixes
            elif (
                state is None
                and held is not None
                and not f.generated
                and (f.marked is _HAND_WRITTEN or not path_kinds(path).generated)
            ):
                lines_before += held
            if not record:
                continue
            # A file's line count never goes below zero (``max(0, …)`` without the call).
            if state is None:
                lines = f.added - f.deleted if held is None else held + f.added - f.deleted
                files[path] = _FileState(
                    1,
                    now,
                    lines if lines > 0 else 0,
                    fix,
                    set() if bot else {author},
                    visit,
                    not path_kinds(path).generated,
                )
                continue
            lines = (state.lines if held is None else held) + f.added - f.deleted
            state.changes += 1
            state.last = now
            state.lines = lines if lines > 0 else 0
            state.fixes += fix
            if not bot:
                state.authors.add(author)

        person = None if bot else self._authors.get(author)
        prior = in_subsystems = 0
        recent = 0.0
        if person is not None:
            prior = person.changes
            # The decay e^(-elapsed/τ), elapsed clipped at zero (``max(0.0, …)`` without the call).
            elapsed = now - person.as_of
            recent = person.recent * math.exp(-(elapsed if elapsed > 0.0 else 0.0) / _RECENT_TAU_S)
            if len(subsystems) == 1:
                in_subsystems = person.subsystems.get(next(iter(subsystems)), 0)
            elif subsystems:
                # Each earlier change once, however many of these subsystems it touched:
                # a subset of the author's changes is never more than all of them. The
                # per-subsystem counts hold a change of several once for each of these it
                # touched; the sets of several say how many times too many.
                counts = person.subsystems
                for s in subsystems:
                    in_subsystems += counts.get(s, 0)
                for combo, n in person.combos.items():
                    if not subsystems.isdisjoint(combo):
                        in_subsystems -= (len(subsystems & combo) - 1) * n
        # Ranked before the change joins the windows, as every count is read before it counts.
        author_rank = subsystem_rank = file_rank = devs_rank = fixes_rank = 0.5
        if record:
            self._last_recorded = at
        if not bot:
            author_rank = self._author_changes.rank(prior, record)
            subsystem_rank = self._author_subsystem.rank(in_subsystems, record)
        if with_history:
            file_rank = self._file_changes.rank(prior_changes, record)
            devs_rank = self._file_devs.rank(devs, record)
            fixes_rank = self._file_fixes.rank(fixes, record)
        if record and not bot:
            if person is None:
                person = self._authors[author] = _AuthorState()
            person.changes += 1
            person.recent = recent + 1.0
            person.as_of = now
            counts = person.subsystems
            for s in subsystems:
                counts[s] = counts.get(s, 0) + 1
            if len(subsystems) > 1:
                combo = frozenset(subsystems)
                person.combos[combo] = person.combos.get(combo, 0) + 1

        services = change.services
        incidents = deploys = failed = with_incident = reverted = 0
        spent = False
        if services and (self._incidents or self._deploys or self._failed or self._budget):
            since = at - self._lookback
            if self._incidents:
                incidents = _count(self._incidents, services, since, at)
            if self._deploys:
                deploys = _count(self._deploys, services, since, at)
            if self._failed:
                failed = _count(self._failed, services, since, at)
                if failed:
                    with_incident = _count(self._with_incident, services, since, at)
                    reverted = _count(self._reverted, services, since, at)
            spent = bool(self._budget) and any(
                start <= at and (end is None or at < end)
                for s in services
                for start, end in self._budget.get(s, ())
            )
        # Positional: keyword arguments cost more than building the value itself.
        return HistoryContext(
            prior,  # author_prior_changes
            with_history,  # files_with_history
            known,  # files_known_to_author
            fixes,  # prior_fixes_on_files
            incidents,  # recent_incidents
            self._lookback_days,  # lookback_days
            prior_changes,  # file_prior_changes
            devs,  # file_prior_devs
            max(0.0, age_sum / with_history / _DAY) if with_history else None,  # file_age_days
            lines_before,  # file_lines_before
            recent,  # author_recent_changes
            in_subsystems,  # author_subsystem_changes
            deploys,  # service_deploys
            failed,  # service_failed_deploys
            spent,  # error_budget_spent
            with_incident,  # service_deploys_with_incident
            reverted,  # service_deploys_reverted
            self._typical.score,  # typical_score
            self._typical.points,  # typical_points
            author_rank,  # author_changes_rank
            subsystem_rank,  # author_subsystem_rank
            file_rank,  # file_changes_rank
            devs_rank,  # file_devs_rank
            fixes_rank,  # file_fixes_rank
        )


def _count(
    index: dict[str, list[datetime]], services: Iterable[str], since: datetime, until: datetime
) -> int:
    """Events of ``services`` at or after ``since`` and strictly before ``until``."""
    total = 0
    for service in services:
        times = index.get(service)
        if times:
            total += bisect.bisect_left(times, until) - bisect.bisect_left(times, since)
    return total
