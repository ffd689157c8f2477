"""One small function per signal: facts and history in, points and a one-line reason out.

A signal whose input is missing says "unknown" and adds no points; it never
pretends to be a measured zero.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history import HistoryContext

__all__ = [
    "CHANGE_SIGNALS",
    "Signal",
    "is_migration",
    "is_test_path",
    "local_time",
    "timing_points",
]


@dataclass(frozen=True, slots=True)
class Signal:
    """One measured fact about a change and what it adds to the score.

    ``value`` is ``None`` when the input was not known; ``points`` is then 0 and
    ``explanation`` says so.
    """

    name: str
    value: float | None
    points: float
    explanation: str

    @property
    def known(self) -> bool:
        """False when the signal could not be measured."""
        return self.value is not None


_MIGRATION = re.compile(
    r"(^|/)(migrations?|migrate|alembic/versions|db/migrate|schema)(/|$)|\.sql$", re.IGNORECASE
)
_TEST = re.compile(r"(^|/)(tests?|spec|__tests__)/|(^|/)test_[^/]+$|_test\.|\.test\.|\.spec\.")
_INFRA = re.compile(
    r"(^|/)(terraform|helm|k8s|kubernetes|infra|deploy|charts)/|\.tf$|(^|/)Dockerfile$"
    r"|^\.github/workflows/",
    re.IGNORECASE,
)
_SENSITIVE = re.compile(r"(^|/|_|-)(auth|oauth|login|payments?|billing|crypto|secrets?)(/|_|-|\.)")
_MANIFEST = re.compile(
    r"(^|/)(package(-lock)?\.json|yarn\.lock|pnpm-lock\.yaml|requirements[^/]*\.txt|pyproject\.toml"
    r"|poetry\.lock|uv\.lock|Pipfile(\.lock)?|go\.(mod|sum)|Cargo\.(toml|lock)|Gemfile(\.lock)?"
    r"|pom\.xml|build\.gradle(\.kts)?)$"
)


def is_migration(path: str) -> bool:
    """True for schema migration files."""
    return bool(_MIGRATION.search(path))


def is_test_path(path: str) -> bool:
    """True for test files by the common naming conventions."""
    return bool(_TEST.search(path))


def local_time(at: datetime, config: ScoringConfig) -> datetime:
    """``at`` in the zone timing signals are judged in."""
    return at.astimezone(ZoneInfo(config.timezone))


def _ramp(x: float, low: float, high: float) -> float:
    """0 at or below ``low``, 1 at or above ``high``, linear between."""
    if x <= low:
        return 0.0
    if x >= high:
        return 1.0
    return (x - low) / (high - low)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def size(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Bigger changes hide more defects; points grow with the logarithm of lines changed."""
    lines = change.lines_changed
    share = _ramp(math.log10(lines + 1), math.log10(20), math.log10(1000))
    return Signal(
        "size",
        float(lines),
        config.weights.size * share,
        f"{_plural(lines, 'line')} changed in {_plural(len(change.files), 'file')}",
    )


def diffusion(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Changes spread over many services and evenly over many files are harder to review."""
    services = len(change.services)
    lines = [f.added + f.deleted for f in change.files]
    total = sum(lines)
    entropy = 0.0
    if len(lines) > 1 and total > 0:
        raw = -sum((n / total) * math.log2(n / total) for n in lines if n > 0)
        entropy = raw / math.log2(len(lines))
    spread = 0.5 * _ramp(services, 1, 3) + 0.5 * entropy * _ramp(len(lines), 1, 10)
    if services > 1:
        text = f"touches {services} services"
    elif len(lines) > 1:
        text = f"spread over {_plural(len(lines), 'file')} (entropy {entropy:.2f})"
    else:
        text = "confined to one file"
    return Signal("diffusion", round(spread, 4), config.weights.diffusion * spread, text)


def author_expertise(_change: ChangeFacts, ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Files the author never changed before are where mistakes happen."""
    if ctx.files_with_history == 0:
        extra = 0.3 if ctx.author_prior_changes < 5 else 0.0
        return Signal(
            "author_expertise",
            None,
            config.weights.author_expertise * extra,
            "all touched files are new, so file expertise is unknown"
            + (
                f"; the author has {_plural(ctx.author_prior_changes, 'earlier change')}"
                if extra
                else ""
            ),
        )
    new = ctx.files_with_history - ctx.files_known_to_author
    share = new / ctx.files_with_history
    newcomer = 0.3 if ctx.author_prior_changes < 5 else 0.0
    points = config.weights.author_expertise * min(1.0, share * 0.8 + newcomer)
    return Signal(
        "author_expertise",
        round(share, 4),
        points,
        f"{new} of {ctx.files_with_history} touched files are new to the author",
    )


def review(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """No human approval, self-merges and rubber-stamp approvals of big changes."""
    w = config.weights.review
    approvals = change.human_approvals
    self_merged = change.merged_by is not None and change.merged_by == change.author
    if not approvals:
        text = "merged without a human approval" + (" and self-merged" if self_merged else "")
        return Signal("review", 1.0, w, text)
    first = min(a.submitted_at for a in approvals)
    lines = change.lines_changed
    if change.opened_at is not None and lines >= 200:
        minutes = (first - change.opened_at).total_seconds() / 60
        # Under about a minute per 40 lines is faster than anyone reads code.
        if minutes < lines / 40:
            return Signal(
                "review",
                0.6,
                0.6 * w,
                f"approved {minutes:.0f} min after opening for {lines} lines",
            )
    return Signal("review", 0.0, 0.0, f"{_plural(len(approvals), 'human approval')}")


def codeowners(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Files no CODEOWNERS rule covers get no owner's eyes."""
    known = [f for f in change.files if f.owners is not None]
    if not known:
        return Signal("codeowners", None, 0.0, "CODEOWNERS coverage unknown")
    uncovered = sum(1 for f in known if not f.owners)
    share = uncovered / len(known)
    return Signal(
        "codeowners",
        round(share, 4),
        config.weights.codeowners * share,
        f"{uncovered} of {len(known)} touched files have no CODEOWNERS owner",
    )


def tests(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Source changes of some size that change no test."""
    test_files = sum(1 for f in change.files if is_test_path(f.path))
    source_lines = sum(f.added + f.deleted for f in change.files if not is_test_path(f.path))
    if test_files == 0 and source_lines >= 50:
        return Signal(
            "tests", 1.0, config.weights.tests, f"{source_lines} source lines, no test changed"
        )
    return Signal("tests", 0.0, 0.0, f"{_plural(test_files, 'test file')} changed")


def timing_points(at: datetime, config: ScoringConfig) -> tuple[float, str]:
    """Share of timing points (0–1) and the reason, for a merge or deploy at ``at``."""
    local = local_time(at, config)
    start, end = config.working_hours
    after_hours = local.weekday() >= 5 or not (start <= local.hour < end)
    friday = local.weekday() == 4
    share = (0.6 if friday else 0.0) + (0.4 if after_hours else 0.0)
    reasons = [r for r, on in (("on a Friday", friday), ("after hours", after_hours)) if on]
    when = local.strftime("%a %H:%M")
    text = f"{' and '.join(reasons)} ({when} {config.timezone})" if reasons else f"at {when}"
    return share, text


def timing(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Friday and after-hours merges meet thin cover if they break."""
    share, text = timing_points(change.merged_at, config)
    return Signal("timing", share, config.weights.timing * share, f"merged {text}")


def agent(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """AI-agent changes, most of all those no human approved."""
    if not change.agent_involved:
        return Signal("agent", 0.0, 0.0, "written by a human")
    who = "authored" if change.author_is_agent else "co-authored"
    if not change.human_approvals:
        return Signal(
            "agent", 1.0, config.weights.agent, f"AI-agent {who}, merged without human review"
        )
    return Signal("agent", 0.3, 0.3 * config.weights.agent, f"AI-agent {who}, human-reviewed")


def service_incidents(change: ChangeFacts, ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Services that had incidents lately are fragile."""
    if not change.services:
        return Signal("service_incidents", None, 0.0, "no service mapped, incident history unknown")
    n = ctx.recent_incidents
    return Signal(
        "service_incidents",
        float(n),
        config.weights.service_incidents * min(1.0, n / 3),
        f"{_plural(n, 'incident')} in the touched services in the last {ctx.lookback_days} days",
    )


def risky_content(change: ChangeFacts, _ctx: HistoryContext, config: ScoringConfig) -> Signal:
    """Migrations, infrastructure, auth/payments code, dependency manifests, reverts, hotfixes."""
    kinds: list[str] = []
    paths = [f.path for f in change.files]
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("schema migration", is_migration),
        ("infrastructure", lambda p: bool(_INFRA.search(p))),
        ("auth/payments code", lambda p: bool(_SENSITIVE.search(p))),
        ("dependency manifest", lambda p: bool(_MANIFEST.search(p))),
    )
    for label, test in checks:
        if any(test(p) for p in paths):
            kinds.append(label)
    if change.is_revert:
        kinds.append("revert")
    if change.is_hotfix:
        kinds.append("hotfix")
    share = min(1.0, 0.5 * len(kinds))
    text = "touches " + ", ".join(kinds) if kinds else "no risky content"
    return Signal("risky_content", float(len(kinds)), config.weights.risky_content * share, text)


SignalFn = Callable[[ChangeFacts, HistoryContext, ScoringConfig], Signal]

CHANGE_SIGNALS: tuple[SignalFn, ...] = (
    size,
    diffusion,
    author_expertise,
    review,
    codeowners,
    tests,
    timing,
    agent,
    service_incidents,
    risky_content,
)
