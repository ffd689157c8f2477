"""The change signals of the product's judgement on how a change was made: review, ownership,
tests, coverage, timing and agents, which public histories cannot measure or measure as noise
(what it lands in is ``exposure``'s)."""

from __future__ import annotations

import functools

from scoring.change_files import ChangeFiles
from scoring.change_metrics import ChangeMetrics
from scoring.change_signal import ChangeSignal, SignalWords
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history_context import HistoryContext
from scoring.plural import many
from scoring.signal import Reading, Signal
from scoring.signals.made import made_signal
from scoring.timing import timing_points

__all__ = [
    "AGENT",
    "CODEOWNERS",
    "COVERAGE",
    "REVIEW",
    "TESTS",
    "TIMING",
    "agent",
    "codeowners",
    "coverage",
    "review",
    "tests",
    "timing",
]


_REVIEW_UNKNOWN = "review unknown: only the git history reported this change"
# The readings that are the same for every change that has them.
_REVIEW_NOT_KNOWN: Reading = (None, _REVIEW_UNKNOWN, 0.0)
_NOT_APPROVED: Reading = (1.0, "no human approval yet", 1.0)
_HUMAN: Reading = (0.0, "written by a human", 0.0)
# A dependency bot is no AI agent, and no human either: "written by a human" would be untrue.
_BOT: Reading = (0.0, "made by a bot, not an AI agent", 0.0)
_NO_COVERAGE = Signal("coverage", None, 0.0, "no coverage reports", 0.0)


def review(
    change: ChangeFacts,
    _ctx: HistoryContext,
    _m: ChangeMetrics,
    files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """No human approval, self-merges, rubber-stamp approvals and silent reviews of big changes."""
    weights = cfg.weights
    w = weights.review
    if not change.reviews_known:
        return made_signal("review", _REVIEW_NOT_KNOWN, weights, w)
    approvals = change.human_approvals
    if not approvals:
        self_merged = change.merged_by is not None and change.merged_by == change.author
        if not change.merged:
            return made_signal("review", _NOT_APPROVED, weights, w)
        return made_signal("review", _reviewed(0, self_merged, False, 0), weights, w)
    lines = change.lines_changed
    if change.opened_at is not None and lines >= 200:
        # Most changes have one approval: its time, without a generator for ``min``.
        first = (
            approvals[0].submitted_at
            if len(approvals) == 1
            else min(a.submitted_at for a in approvals)
        )
        minutes = (first - change.opened_at).total_seconds() / 60
        # Under about a minute per 40 lines is faster than anyone reads code.
        if minutes < lines / 40:
            text = f"approved {minutes:.0f} min after opening for {lines} lines"
            return Signal("review", 0.6, w * 0.6, text, 0.6)
    n = len(approvals)
    owners = files.personal_owners
    if owners and not (
        # Most changes have one approval: its reviewer, without a generator for ``any``.
        approvals[0].reviewer.lower() in owners
        if n == 1
        else any(a.reviewer.lower() in owners for a in approvals)
    ):
        # Only personal owners can be checked: team owners need membership data.
        return made_signal("review", _reviewed(n, False, True, 0), weights, w)
    reviewers = len({a.reviewer for a in approvals}) if n > 1 else 1
    if change.review_comments is None or lines < 200:
        return made_signal("review", _reviewed(n, False, False, reviewers), weights, w)
    text = many(n, "human approval")
    per_100 = 100 * change.review_comments / lines
    # A big change nobody commented on was probably skimmed.
    if per_100 < 0.5:
        text += f", {many(change.review_comments, 'review comment')} on {lines} lines"
        return Signal("review", 0.3, w * 0.3, text, 0.3)
    text += f", {per_100:.1f} review comments per 100 lines"
    if reviewers > 1:
        text += f" from {reviewers} reviewers"
    return Signal("review", 0.0, w * 0.0, text, 0.0)


REVIEW = ChangeSignal(
    review,
    SignalWords(
        label="missing or rushed review",
        action="require a second reviewer on its large changes",
        glossary=(
            "no human approval, an approval too fast for the size, or no owner among approvers."
        ),
        advice="ask a code owner of the files to review it",
    ),
    lambda w: w.review,
)


# Most changes repeat a few small counts and flags: each reading is worked out once.
@functools.lru_cache(maxsize=4096)
def _reviewed(approvals: int, self_merged: bool, unowned: bool, reviewers: int) -> Reading:
    """The review reading of the usual cases: no human approval, or ``approvals`` of them,
    none by a personal code owner (``unowned``) or from ``reviewers`` people."""
    if not approvals:
        text = "merged without a human approval" + (" and self-merged" if self_merged else "")
        return 1.0, text, 1.0
    text = many(approvals, "human approval")
    if unowned:
        return 0.3, f"{text}, none by a code owner of the files", 0.3
    if reviewers > 1:
        text += f" from {reviewers} reviewers"
    return 0.0, text, 0.0


def codeowners(
    _change: ChangeFacts,
    _ctx: HistoryContext,
    _m: ChangeMetrics,
    files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Files no CODEOWNERS rule covers get no owner's eyes."""
    reading = _codeowners(files.unowned_files, files.owner_files)
    return made_signal("codeowners", reading, cfg.weights, cfg.weights.codeowners)


CODEOWNERS = ChangeSignal(
    codeowners,
    SignalWords(
        label="files without a CODEOWNERS owner",
        action="add CODEOWNERS rules for its uncovered paths and require code-owner review",
        glossary="touched files no CODEOWNERS rule covers.",
        advice="add CODEOWNERS rules for the files no rule covers",
    ),
    lambda w: w.codeowners,
)


@functools.lru_cache(maxsize=4096)
def _codeowners(uncovered: int, known: int) -> Reading:
    if not known:
        return None, "CODEOWNERS coverage unknown", 0.0
    share = uncovered / known
    return round(share, 4), f"{uncovered} of {known} touched files have no CODEOWNERS owner", share


# Coverage falling by this many percentage points earns the whole tests weight.
_COVERAGE_DROP_PP = 5.0


def tests(
    _change: ChangeFacts,
    _ctx: HistoryContext,
    _m: ChangeMetrics,
    files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Source changes of some size that change no test (file names only; coverage reports
    are the ``coverage`` signal's)."""
    source_lines = files.source_lines
    if files.test_files or source_lines < 50:
        # Source lines are named only for untested changes.
        source_lines = 0
    reading = _tests(files.test_files, source_lines)
    return made_signal("tests", reading, cfg.weights, cfg.weights.tests)


TESTS = ChangeSignal(
    tests,
    SignalWords(
        label="source changes without test changes",
        action="ask for tests with its source changes",
        glossary="source changed without any test file changing.",
        advice="add or change tests beside the code",
    ),
    lambda w: w.tests,
)


@functools.lru_cache(maxsize=4096)
def _tests(test_files: int, source_lines: int) -> Reading:
    if test_files == 0 and source_lines >= 50:
        return 1.0, f"{source_lines} source lines, no test changed", 1.0
    return 0.0, f"{many(test_files, 'test file')} changed", 0.0


# Added lines under this share covered earn points, all of them at none covered.
_PATCH_TARGET = 80.0
# Fewer coverable added lines than this say too little to judge a patch by.
_PATCH_MIN_LINES = 5


def coverage(
    change: ChangeFacts,
    _ctx: HistoryContext,
    _m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Added lines the tests never ran, and touched files whose coverage fell."""
    if not cfg.coverage_known:
        return _NO_COVERAGE
    value, text, share = _coverage(
        change.patch_coverage, change.patch_coverable, change.line_coverage_delta
    )
    return Signal("coverage", value, cfg.weights.coverage * share, text, share)


COVERAGE = ChangeSignal(
    coverage,
    SignalWords(
        label="untested added lines",
        action="ask for tests that run the lines its changes add",
        glossary=(
            "share of the change's added lines its tests ran (patch coverage), "
            "and how far the touched files' coverage fell."
        ),
        advice="add tests that run the lines it adds",
    ),
    lambda w: w.coverage,
)


def _coverage(patch: float | None, coverable: int | None, delta: float | None) -> Reading:
    if patch is None and delta is None:
        return None, "no coverage report at its head", 0.0
    parts: list[str] = []
    share = 0.0
    value = 0.0
    if patch is not None and coverable is not None:
        parts.append(f"{patch:.0f}% of {many(coverable, 'added line')} covered")
        if coverable >= _PATCH_MIN_LINES and patch < _PATCH_TARGET:
            share = (_PATCH_TARGET - patch) / _PATCH_TARGET
            value = round(patch, 2)
    if delta is not None:
        # 0.0 and -0.0 both read "+0.0": the sign of nothing says nothing.
        parts.append(f"touched files' coverage {delta + 0.0:+.1f} points")
        if delta < 0:
            drop = min(1.0, -delta / _COVERAGE_DROP_PP)
            if drop > share:
                share, value = drop, round(delta, 2)
    return value, ", ".join(parts), share


def timing(
    change: ChangeFacts,
    _ctx: HistoryContext,
    _m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Friday, after-hours and pre-holiday merges meet thin cover if they break."""
    reading = _timing(timing_points(change.merged_at, cfg, change.merged_utc_offset), change.merged)
    return made_signal("timing", reading, cfg.weights, cfg.weights.timing)


# One reading per minute of the week timing reads (``timing_points`` caches its own), and
# whether the change merged.
@functools.lru_cache(maxsize=1 << 15)
def _timing(when: tuple[float, str], merged: bool) -> Reading:
    share, text = when
    verb = "merged" if merged else "would merge"
    return share, f"{verb} {text}", share


TIMING = ChangeSignal(
    timing,
    SignalWords(
        label="Friday or after-hours merges",
        action="move its merges away from Fridays and evenings",
        glossary="merged on a Friday, before a holiday, or outside working hours.",
        advice="merge it in working hours, not on a Friday or before a holiday",
    ),
    lambda w: w.timing,
)


def agent(
    change: ChangeFacts,
    _ctx: HistoryContext,
    _m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """AI-agent changes, most of all those no human approved."""
    if not change.agent_involved:
        reading = _BOT if change.author_is_bot else _HUMAN
    else:
        who = "authored" if change.author_is_agent else "co-authored"
        reviewed = bool(change.human_approvals) if change.reviews_known else None
        reading = _agent(who, reviewed, change.merged)
    return made_signal("agent", reading, cfg.weights, cfg.weights.agent)


AGENT = ChangeSignal(
    agent,
    SignalWords(
        label="AI-agent changes",
        action="require a human approval on its AI-agent changes",
        glossary="written with an AI agent, with or without human review.",
        advice="get a human review of the agent's change",
    ),
    lambda w: w.agent,
)


@functools.lru_cache(maxsize=16)
def _agent(who: str, reviewed: bool | None, merged: bool) -> Reading:
    if reviewed is None:
        # Only the authorship is known: it earns what a reviewed agent change does.
        return 0.3, f"AI-agent {who}; whether a human reviewed it is unknown", 0.3
    if not reviewed:
        if not merged:
            return 1.0, f"AI-agent {who}, no human review yet", 1.0
        return 1.0, f"AI-agent {who}, merged without human review", 1.0
    return 0.3, f"AI-agent {who}, human-reviewed", 0.3
