"""The backtest over a real git history: mine, score with the product's scorer, label, measure.

Every commit up to the end of the window is scored in time order, so a
commit's history features come from the whole history before it, including
the commits before the window, which feed the history but are not measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path

from data.sources.local_git.file_lengths import FileLengths
from data.sources.local_git.gitlog import MinedCommit, mine_commits, run_git
from evaluation.szz import bug_inducing
from scoring.calibration import fit_weights
from scoring.config import ScoringConfig, Weights
from scoring.errors import ConfigError, SourceError
from scoring.facts import ChangeFacts
from scoring.fixes import is_fix_commit
from scoring.ranking import BacktestResult, evaluate
from scoring.risk import score_changes
from scoring.risk_score import RiskScore
from scoring.score_scale import gate_floor

__all__ = [
    "TEST_SHARE",
    "MinedWindow",
    "RepoCalibration",
    "ScoredCommit",
    "backtest_repo",
    "calibrate_repo",
    "history_span",
    "is_labelled",
    "measure",
    "mine_window",
    "ranking_score",
    "read_labels",
    "score_window",
]

_SHA = re.compile(r"[0-9a-f]{7,40}")


def read_labels(path: Path | str) -> frozenset[str]:
    """Bug-inducing shas from a file, one per line, lower-cased; full or abbreviated (≥ 7 hex).

    Blank lines and everything after ``#`` are ignored. Raises ``SourceError``
    naming the line when one holds something that is not a sha.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError as exc:
        raise SourceError(f"{path} is not a UTF-8 text file of commit shas.") from exc
    shas: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        entry = line.split("#", 1)[0].strip().lower()
        if not entry:
            continue
        if not _SHA.fullmatch(entry):
            raise SourceError(
                f"{path} line {number} holds {entry!r}, which is not a commit sha; "
                "put one sha of 7 to 40 hex digits per line."
            )
        shas.add(entry)
    return frozenset(shas)


def is_labelled(sha: str, labels: frozenset[str], lengths: Iterable[int] | None = None) -> bool:
    """True when a full ``sha`` is in ``labels`` in full or as an abbreviation of it.

    ``lengths`` (the distinct lengths of ``labels``) may be passed in when many
    shas are checked against the same labels, to save recomputing them.
    """
    sizes = {len(label) for label in labels} if lengths is None else lengths
    return any(sha[:n] in labels for n in sizes)


def ranking_score(risk: RiskScore, config: ScoringConfig) -> float:
    """The score before rounding and capping, with hard gates still lifting it to their floor.

    ``RiskScore.score`` is a rounded integer capped at 100, so many commits tie;
    the unrounded sum of signal points orders them by the same signals without
    the ties, which AUC and lift would otherwise split at random.
    """
    raw = sum(s.points for s in risk.signals)
    return max(raw, gate_floor(risk.gates, config)) if risk.gates else raw


def history_span(path: Path | str) -> tuple[date, date]:
    """The UTC days of the first and the last commit ``HEAD`` reaches: the window a backtest or
    a calibration measures when none is given, the clone's whole history."""
    repo = Path(path)
    if run_git(repo, "rev-parse", "--git-dir", check=False).returncode != 0:
        raise SourceError(f"{repo} is not a git repository; pass the path of a local git clone.")
    done = run_git(repo, "log", "--format=%ct", "HEAD", check=False)
    stamps = [int(t) for t in done.stdout.split()]
    if done.returncode != 0 or not stamps:
        raise SourceError(f"{repo} has no commits to measure; pass the path of a local git clone.")
    first, last = (datetime.fromtimestamp(t, UTC).date() for t in (min(stamps), max(stamps)))
    return first, last


def _window_error(repo: Path, since: date, until: date) -> SourceError:
    return SourceError(
        f"{repo} has no commits from {since} to {until}; widen the window with --since/--until."
    )


@dataclass(frozen=True, slots=True)
class ScoredCommit:
    """One commit of the measured window, its score and whether it was bug-inducing."""

    sha: str
    change: ChangeFacts
    risk: RiskScore
    bug_inducing: bool


@dataclass(frozen=True, slots=True)
class MinedWindow:
    """A history mined up to the end of a window: every change, and the window's commits."""

    history: tuple[ChangeFacts, ...]
    # (sha, change) of the window's commits, in date order.
    window: tuple[tuple[str, ChangeFacts], ...]
    # The fixes SZZ would start from, up to HEAD.
    fixes: tuple[MinedCommit, ...]


def mine_window(
    path: Path | str, since: date, until: date, bug_keys: frozenset[str] | None = None
) -> MinedWindow:
    """Mine ``path`` once: the history up to ``until``, the window's commits and every fix.

    Raises ``ConfigError`` when ``since`` is after ``until`` and ``SourceError``
    when the window has no commits.
    """
    repo = Path(path)
    if since > until:
        raise ConfigError(f"--since {since} is after --until {until}; swap them.")
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until, time.max, tzinfo=UTC)
    history: list[ChangeFacts] = []
    window: list[tuple[str, ChangeFacts]] = []
    fixes: list[MinedCommit] = []
    with FileLengths(repo) as lengths:
        commits = [lengths.before(c) for c in mine_commits(repo, bug_keys=bug_keys)]
    for commit in commits:
        at = commit.change.merged_at
        if at <= end:
            history.append(commit.change)
            if at >= start:
                window.append((commit.sha, commit.change))
        if is_fix_commit(commit.change):
            fixes.append(commit)
    if not window:
        raise _window_error(repo, since, until)
    # Date order, so tied scores keep the order a reviewer would have seen them in.
    window.sort(key=lambda item: (item[1].merged_at, item[1].key))
    return MinedWindow(tuple(history), tuple(window), tuple(fixes))


def score_window(
    mined: MinedWindow, positive: frozenset[str], config: ScoringConfig
) -> list[ScoredCommit]:
    """Score the whole mined history and return the window's commits with their labels."""
    lengths = sorted({len(label) for label in positive})
    scores = score_changes(mined.history, [], config)
    return [
        ScoredCommit(sha, change, scores[change.key], is_labelled(sha, positive, lengths))
        for sha, change in mined.window
    ]


def measure(rows: Sequence[ScoredCommit], config: ScoringConfig) -> BacktestResult:
    """AUC, effort-aware recall, lift, lines added alone and band counts of scored commits.

    Raises ``ValueError`` when every commit carries the same label.
    """
    return evaluate(
        [ranking_score(r.risk, config) for r in rows],
        [r.bug_inducing for r in rows],
        [r.change.lines_changed for r in rows],
        lines_added=[sum(f.added for f in r.change.files) for r in rows],
        bands=[str(r.risk.band) for r in rows],
    )


def backtest_repo(
    path: Path | str,
    since: date,
    until: date,
    labels: Iterable[str] | None = None,
    config: ScoringConfig | None = None,
    bug_keys: frozenset[str] | None = None,
) -> BacktestResult:
    """Score the non-merge commits of ``path`` dated ``since``…``until`` (UTC days, inclusive).

    Commits are labelled bug-inducing by ``labels`` (shas, full or
    abbreviated) or, when it is ``None``, by SZZ over every fix in the history
    up to HEAD: a fix after ``until`` still reveals a bug introduced inside the
    window, and leaving it out would mark recent bug-inducing commits clean.
    ``bug_keys`` are the tracker's bug issues, which decide which commits are fixes.
    Raises ``ConfigError`` when ``since`` is after ``until`` and ``SourceError``
    when the window has no commits or they all carry the same label.
    """
    repo = Path(path)
    chosen = config or ScoringConfig()
    mined = mine_window(repo, since, until, bug_keys)
    rows = score_window(mined, _positives(repo, mined, labels), chosen)
    try:
        return measure(rows, chosen)
    except ValueError:
        raise SourceError(
            f"all {len(rows)} commits from {since} to {until} carry the same label, so they "
            "cannot be ranked; widen the window or give labels with both kinds."
        ) from None


def _positives(repo: Path, mined: MinedWindow, labels: Iterable[str] | None) -> frozenset[str]:
    """The given labels, lower-cased, or SZZ's over every fix of the history up to HEAD."""
    if labels is None:
        return frozenset(bug_inducing(repo, list(mined.fixes)))
    return frozenset(label.lower() for label in labels)


# The latest share of the window's changes a calibration is measured on; it fits on the rest.
TEST_SHARE = 0.2


@dataclass(frozen=True, slots=True)
class RepoCalibration:
    """Weights fitted on the earlier 80% of a window's changes and both weight sets measured on
    the latest 20%, which the fit never saw; each result carries lines added alone."""

    before: BacktestResult
    after: BacktestResult
    weights_before: Weights
    weights_after: Weights
    fitted: tuple[str, ...]
    train: int
    train_positives: int
    test: int

    def changed(self) -> dict[str, tuple[float, float]]:
        """Fitted weights that moved, as ``name → (before, after)``, rounded to 0.1."""
        moved = {}
        for n in self.fitted:
            old = round(float(getattr(self.weights_before, n)), 1)
            new = round(float(getattr(self.weights_after, n)), 1)
            if old != new:
                moved[n] = (old, new)
        return moved

    def to_json(self) -> dict[str, object]:
        """The figures ``backtest --repo --calibrate --json`` prints."""
        return {
            "before": self.before.to_json(),
            "after": self.after.to_json(),
            "fitted_weights": {
                n: round(float(getattr(self.weights_after, n)), 2) for n in self.fitted
            },
            "changed": {n: {"before": b, "after": a} for n, (b, a) in self.changed().items()},
            "train_changes": self.train,
            "train_positives": self.train_positives,
            "test_changes": self.test,
        }


def calibrate_repo(
    path: Path | str,
    since: date,
    until: date,
    labels: Iterable[str] | None = None,
    config: ScoringConfig | None = None,
    bug_keys: frozenset[str] | None = None,
) -> RepoCalibration:
    """Fit the change-signal weights on a clone's own history and measure them out of sample.

    The window's commits, in date order, are split in time: the weights are fitted (by
    ``scoring.calibration.fit_weights``, starting from ``config``'s) on the SZZ labels (or
    ``labels``) of the earlier 80%, and the whole history is scored again with them by the
    product's scorer; both weight sets are then measured on the latest 20%, with lines added
    alone beside. Raises ``SourceError`` when either part holds only one kind of change.
    """
    repo = Path(path)
    chosen = config or ScoringConfig()
    mined = mine_window(repo, since, until, bug_keys)
    positive = _positives(repo, mined, labels)
    rows = score_window(mined, positive, chosen)
    cut = int(len(rows) * (1 - TEST_SHARE))
    train, test = rows[:cut], rows[cut:]
    for part, what in ((train, f"earlier {len(train)}"), (test, f"latest {len(test)}")):
        bad = sum(r.bug_inducing for r in part)
        if bad in (0, len(part)):
            raise SourceError(
                f"the {what} commits from {since} to {until} are all "
                f"{'bug-inducing' if bad else 'clean'}, so weights cannot be fitted and "
                "measured on them; widen the window with --since/--until."
            )
    shares = [{s.name: s.share for s in r.risk.signals} for r in train]
    names = tuple(
        sorted({n for row in shares for n, v in row.items() if v > 0 and hasattr(Weights, n)})
    )
    weights = fit_weights(shares, [r.bug_inducing for r in train], names, chosen.weights)
    fitted = replace(chosen, weights=weights)
    rescored = score_window(mined, positive, fitted)[cut:]
    return RepoCalibration(
        before=measure(test, chosen),
        after=measure(rescored, fitted),
        weights_before=chosen.weights,
        weights_after=weights,
        fitted=names,
        train=len(train),
        train_positives=sum(r.bug_inducing for r in train),
        test=len(test),
    )
