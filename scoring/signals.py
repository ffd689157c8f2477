"""One small function per signal: facts and history in, points and a one-line reason out.

A signal whose input is missing says "unknown" and adds no points; it never
pretends to be a measured zero.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from scoring.change_metrics import (
    ChangeMetrics,
    diffusion_share,
    experience_share,
    history_share,
    metrics_of,
    size_share,
)
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history import HistoryContext
from scoring.paths import path_kinds
from scoring.signal import Signal
from scoring.timing import timing_points

__all__ = ["CHANGE_SIGNALS", "SignalFn", "change_signals"]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _signal(name: str, value: float | None, share: float, weight: float, text: str) -> Signal:
    return Signal(name, value, weight * share, text, share)


def size(change: ChangeFacts, _ctx: HistoryContext, m: ChangeMetrics, cfg: ScoringConfig) -> Signal:
    """Bigger changes hide more defects; points grow with the logarithm of lines changed."""
    lines = change.lines_changed
    text = f"{_plural(lines, 'line')} changed in {_plural(len(change.files), 'file')}"
    if m.lt > 0:
        text += f" that held {m.lt:.0f} lines"
    return _signal("size", float(lines), size_share(m), cfg.weights.size, text)


def diffusion(
    change: ChangeFacts, _ctx: HistoryContext, m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Changes spread over many files, directories and subsystems are harder to review."""
    share = diffusion_share(m)
    services = len(change.services)
    if services > 1:
        text = f"touches {services} services in {_plural(int(m.nd), 'directory')}"
        text = text.replace("directorys", "directories")
    elif m.nf > 1:
        text = (
            f"spread over {_plural(int(m.nf), 'file')} in {int(m.nd)} "
            f"{'directory' if m.nd == 1 else 'directories'} (entropy {m.entropy:.2f} bits)"
        )
    else:
        text = "confined to one file"
    return _signal("diffusion", round(share, 4), share, cfg.weights.diffusion, text)


def fix(change: ChangeFacts, _ctx: HistoryContext, m: ChangeMetrics, cfg: ScoringConfig) -> Signal:
    """Bug fixes, hotfixes and reverts are made under pressure in code known to be fragile."""
    if not m.fix:
        return _signal("fix", 0.0, 0.0, cfg.weights.fix, "not a bug fix")
    kind = "a revert" if change.is_revert else "a hotfix" if change.is_hotfix else "a bug fix"
    return _signal("fix", 1.0, 1.0, cfg.weights.fix, kind)


def file_history(
    _change: ChangeFacts, ctx: HistoryContext, m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Busy files (many earlier changes and developers, changed lately) are still settling."""
    if ctx.files_with_history == 0:
        return _signal("file_history", None, 0.0, cfg.weights.file_history, "all files are new")
    share = history_share(m)
    text = (
        f"touched files changed {_plural(ctx.file_prior_changes, 'time')} before by "
        f"{_plural(ctx.file_prior_devs, 'developer')}, last {m.age:.0f} days ago on average"
    )
    return _signal("file_history", round(share, 4), share, cfg.weights.file_history, text)


def author_experience(
    _change: ChangeFacts, ctx: HistoryContext, m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Authors new to the project and to the subsystem know fewer of its traps."""
    share = experience_share(m)
    text = (
        f"the author has {_plural(ctx.author_prior_changes, 'earlier change')}, "
        f"{ctx.author_subsystem_changes} in these subsystems"
    )
    return _signal(
        "author_experience",
        float(ctx.author_prior_changes),
        share,
        cfg.weights.author_experience,
        text,
    )


def author_expertise(
    _change: ChangeFacts, ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Files the author never changed before are where mistakes happen."""
    w = cfg.weights.author_expertise
    newcomer = 0.3 if ctx.author_prior_changes < 5 else 0.0
    if ctx.files_with_history == 0:
        return _signal(
            "author_expertise",
            None,
            newcomer,
            w,
            "all touched files are new, so file expertise is unknown"
            + (
                f"; the author has {_plural(ctx.author_prior_changes, 'earlier change')}"
                if newcomer
                else ""
            ),
        )
    new = ctx.files_with_history - ctx.files_known_to_author
    share = new / ctx.files_with_history
    return _signal(
        "author_expertise",
        round(share, 4),
        min(1.0, share * 0.8 + newcomer),
        w,
        f"{new} of {ctx.files_with_history} touched files are new to the author",
    )


# Earlier fixes on the touched files at which defect-proneness saturates.
_FRAGILE_FIXES = 10


def defect_proneness(
    _change: ChangeFacts, ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Files that needed fixes or reverts before tend to need them again."""
    w = cfg.weights.defect_proneness
    if ctx.files_with_history == 0:
        return _signal("defect_proneness", None, 0.0, w, "all files are new, no fix history")
    n = ctx.prior_fixes_on_files
    share = math.log1p(n) / math.log1p(_FRAGILE_FIXES) if n < _FRAGILE_FIXES else 1.0
    return _signal(
        "defect_proneness",
        float(n),
        share,
        w,
        f"{n} earlier {'fix or revert' if n == 1 else 'fixes or reverts'} touched these files",
    )


def review(
    change: ChangeFacts, _ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """No human approval, self-merges, rubber-stamp approvals and silent reviews of big changes."""
    w = cfg.weights.review
    approvals = change.human_approvals
    self_merged = change.merged_by is not None and change.merged_by == change.author
    if not approvals:
        text = "merged without a human approval" + (" and self-merged" if self_merged else "")
        return _signal("review", 1.0, 1.0, w, text)
    first = min(a.submitted_at for a in approvals)
    lines = change.lines_changed
    if change.opened_at is not None and lines >= 200:
        minutes = (first - change.opened_at).total_seconds() / 60
        # Under about a minute per 40 lines is faster than anyone reads code.
        if minutes < lines / 40:
            return _signal(
                "review", 0.6, 0.6, w, f"approved {minutes:.0f} min after opening for {lines} lines"
            )
    reviewers = len({a.reviewer for a in approvals})
    text = f"{_plural(len(approvals), 'human approval')}"
    owners = _personal_owners(change)
    if owners and not any(a.reviewer.lower() in owners for a in approvals):
        # Only personal owners can be checked: team owners need membership data.
        return _signal("review", 0.3, 0.3, w, f"{text}, none by a code owner of the files")
    if change.review_comments is not None and lines >= 200:
        per_100 = 100 * change.review_comments / lines
        # A big change nobody commented on was probably skimmed.
        if per_100 < 0.5:
            return _signal(
                "review",
                0.3,
                0.3,
                w,
                f"{text}, {_plural(change.review_comments, 'review comment')} on {lines} lines",
            )
        text += f", {per_100:.1f} review comments per 100 lines"
    if reviewers > 1:
        text += f" from {reviewers} reviewers"
    return _signal("review", 0.0, 0.0, w, text)


def _personal_owners(change: ChangeFacts) -> frozenset[str]:
    """Logins (``@login``, not ``@org/team`` or e-mail) that CODEOWNERS makes owners of every
    touched file with owner data; empty when any such file has only team or no owners."""
    per_file = [
        {o.removeprefix("@").lower() for o in f.owners if o.startswith("@") and "/" not in o}
        for f in change.files
        if f.owners
    ]
    if not per_file or not all(per_file):
        return frozenset()
    return frozenset(set.union(*per_file))


def codeowners(
    change: ChangeFacts, _ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Files no CODEOWNERS rule covers get no owner's eyes."""
    known = [f for f in change.files if f.owners is not None]
    if not known:
        return _signal(
            "codeowners", None, 0.0, cfg.weights.codeowners, "CODEOWNERS coverage unknown"
        )
    uncovered = sum(1 for f in known if not f.owners)
    share = uncovered / len(known)
    return _signal(
        "codeowners",
        round(share, 4),
        share,
        cfg.weights.codeowners,
        f"{uncovered} of {len(known)} touched files have no CODEOWNERS owner",
    )


# Coverage falling by this many percentage points earns the whole tests weight.
_COVERAGE_DROP_PP = 5.0


def tests(
    change: ChangeFacts, _ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Source changes of some size that change no test, or that lower coverage."""
    w = cfg.weights.tests
    test_files = source_lines = 0
    for f in change.files:
        if path_kinds(f.path).test:
            test_files += 1
        else:
            source_lines += f.added + f.deleted
    delta = change.coverage_delta
    if delta is not None and delta < 0:
        share = min(1.0, -delta / _COVERAGE_DROP_PP)
        return _signal("tests", round(delta, 2), share, w, f"coverage fell {-delta:.1f} points")
    if test_files == 0 and source_lines >= 50:
        return _signal("tests", 1.0, 1.0, w, f"{source_lines} source lines, no test changed")
    text = f"{_plural(test_files, 'test file')} changed"
    if delta is not None:
        text += f", coverage {delta:+.1f} points"
    return _signal("tests", 0.0, 0.0, w, text)


def timing(
    change: ChangeFacts, _ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Friday, after-hours and pre-holiday merges meet thin cover if they break."""
    share, text = timing_points(change.merged_at, cfg)
    return _signal("timing", share, share, cfg.weights.timing, f"merged {text}")


def agent(
    change: ChangeFacts, _ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """AI-agent changes, most of all those no human approved."""
    w = cfg.weights.agent
    if not change.agent_involved:
        return _signal("agent", 0.0, 0.0, w, "written by a human")
    who = "authored" if change.author_is_agent else "co-authored"
    if not change.human_approvals:
        return _signal("agent", 1.0, 1.0, w, f"AI-agent {who}, merged without human review")
    return _signal("agent", 0.3, 0.3, w, f"AI-agent {who}, human-reviewed")


# A change failure rate at which the service-history signal saturates.
_FRAGILE_CFR = 0.3


def service_incidents(
    change: ChangeFacts, ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Services that had incidents or failed deploys lately are fragile."""
    w = cfg.weights.service_incidents
    if not change.services:
        return _signal(
            "service_incidents", None, 0.0, w, "no service mapped, incident history unknown"
        )
    n = ctx.recent_incidents
    share = min(1.0, n / 3)
    text = f"{_plural(n, 'incident')} in the touched services in the last {ctx.lookback_days} days"
    cfr = ctx.change_failure_rate
    if cfr is not None:
        share = max(share, min(1.0, cfr / _FRAGILE_CFR))
        text += f"; {ctx.service_failed_deploys} of {_plural(ctx.service_deploys, 'deploy')} failed"
    return _signal("service_incidents", float(n), share, w, text)


def risky_content(
    change: ChangeFacts, _ctx: HistoryContext, _m: ChangeMetrics, cfg: ScoringConfig
) -> Signal:
    """Migrations, infrastructure, auth/payments code, dependency manifests, reverts, hotfixes."""
    migration = infra = sensitive = manifest = False
    for f in change.files:
        k = path_kinds(f.path)
        migration |= k.migration
        infra |= k.infra
        sensitive |= k.sensitive
        manifest |= k.manifest
    kinds = [
        label
        for label, on in (
            ("schema migration", migration),
            ("infrastructure", infra),
            ("auth/payments code", sensitive),
            ("dependency manifest", manifest),
        )
        if on
    ]
    if change.is_revert:
        kinds.append("revert")
    if change.is_hotfix:
        kinds.append("hotfix")
    share = min(1.0, 0.5 * len(kinds))
    text = "touches " + ", ".join(kinds) if kinds else "no risky content"
    return _signal("risky_content", float(len(kinds)), share, cfg.weights.risky_content, text)


SignalFn = Callable[[ChangeFacts, HistoryContext, ChangeMetrics, ScoringConfig], Signal]

CHANGE_SIGNALS: tuple[SignalFn, ...] = (
    size,
    diffusion,
    fix,
    file_history,
    author_experience,
    author_expertise,
    defect_proneness,
    review,
    codeowners,
    tests,
    timing,
    agent,
    service_incidents,
    risky_content,
)


def change_signals(change: ChangeFacts, ctx: HistoryContext, cfg: ScoringConfig) -> list[Signal]:
    """Every change signal, measured once from the change, its history and its metrics."""
    m = metrics_of(change, ctx)
    return [fn(change, ctx, m, cfg) for fn in CHANGE_SIGNALS]
