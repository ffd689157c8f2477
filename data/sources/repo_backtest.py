"""The backtest over a real git history: mine, score with the product's scorer, label, measure.

Every commit up to the end of the window is scored in time order, so a
commit's history features come from the whole history before it, including
the commits before the window, which feed the history but are not measured.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from pathlib import Path

from data.sources.gitlog import MinedCommit, mine_commits
from data.sources.szz import bug_inducing, is_fix_commit
from scoring.config import ScoringConfig
from scoring.errors import ConfigError, SourceError
from scoring.facts import ChangeFacts
from scoring.metrics import BacktestResult, evaluate
from scoring.risk import RiskScore, score_changes

__all__ = ["backtest_repo", "is_labelled", "ranking_score", "read_labels"]

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
    """The score before rounding and capping, with hard gates still lifting it to critical.

    ``RiskScore.score`` is a rounded integer capped at 100, so many commits tie;
    the unrounded sum of signal points orders them by the same signals without
    the ties, which AUC and lift would otherwise split at random.
    """
    raw = sum(s.points for s in risk.signals)
    return max(raw, config.bands.critical) if risk.gates else raw


def _window_error(repo: Path, since: date, until: date) -> SourceError:
    return SourceError(
        f"{repo} has no commits from {since} to {until}; widen the window with --since/--until."
    )


def backtest_repo(
    path: Path | str,
    since: date,
    until: date,
    labels: Iterable[str] | None = None,
    config: ScoringConfig | None = None,
) -> BacktestResult:
    """Score the non-merge commits of ``path`` dated ``since``…``until`` (UTC days, inclusive).

    Commits are labelled bug-inducing by ``labels`` (shas, full or
    abbreviated) or, when it is ``None``, by SZZ over every fix in the history
    up to HEAD: a fix after ``until`` still reveals a bug introduced inside the
    window, and leaving it out would mark recent bug-inducing commits clean.
    Raises ``ConfigError`` when ``since`` is after ``until`` and ``SourceError``
    when the window has no commits or they all carry the same label.
    """
    repo = Path(path)
    if since > until:
        raise ConfigError(f"--since {since} is after --until {until}; swap them.")
    chosen = config or ScoringConfig()
    start = datetime.combine(since, time.min, tzinfo=UTC)
    end = datetime.combine(until, time.max, tzinfo=UTC)
    history: list[ChangeFacts] = []
    window: list[tuple[str, ChangeFacts]] = []
    fixes: list[MinedCommit] = []
    for commit in mine_commits(repo):
        at = commit.change.merged_at
        if at <= end:
            history.append(commit.change)
            if at >= start:
                window.append((commit.sha, commit.change))
        if labels is None and is_fix_commit(commit):
            fixes.append(commit)
    if not window:
        raise _window_error(repo, since, until)
    if labels is None:
        positive = frozenset(bug_inducing(repo, fixes))
    else:
        positive = frozenset(label.lower() for label in labels)
    lengths = sorted({len(label) for label in positive})
    scores = score_changes(history, [], chosen)
    # Date order, so tied scores keep the order a reviewer would have seen them in.
    window.sort(key=lambda item: (item[1].merged_at, item[1].key))
    try:
        return evaluate(
            [ranking_score(scores[c.key], chosen) for _, c in window],
            [is_labelled(sha, positive, lengths) for sha, _ in window],
            [c.lines_changed for _, c in window],
        )
    except ValueError:
        raise SourceError(
            f"all {len(window)} commits from {since} to {until} carry the same label, so they "
            "cannot be ranked; widen the window or give labels with both kinds."
        ) from None
