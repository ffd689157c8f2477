"""The change signals of what a change lands in: services that had incidents or failed deploys
lately, and content that is risky whatever its size (auth, payments, secrets, concurrency)."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from scoring.change_files import ChangeFiles
from scoring.change_metrics import ChangeMetrics
from scoring.change_signal import ChangeSignal, SignalWords
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history_context import HistoryContext
from scoring.plural import many
from scoring.signal import Reading, Signal
from scoring.signals.made import made_signal

__all__ = [
    "CONTEXT_SIGNALS",
    "RISKY_CONTENT",
    "SERVICE_INCIDENTS",
    "context_points",
    "risky_content",
    "service_incidents",
]


# A change failure rate at which the service-history signal saturates.
_FRAGILE_CFR = 0.3


def service_incidents(
    change: ChangeFacts,
    ctx: HistoryContext,
    _m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Services that had incidents or failed deploys lately are fragile."""
    if not change.services:
        reading = _service_incidents(None, 0, 0, 0)
    elif not cfg.incidents_known:
        reading = _service_incidents(-1, 0, 0, 0)
    else:
        reading = _service_incidents(
            ctx.recent_incidents,
            ctx.lookback_days,
            ctx.service_failed_deploys,
            ctx.service_deploys,
            ctx.service_deploys_with_incident,
            ctx.service_deploys_reverted,
        )
    return made_signal("service_incidents", reading, cfg.weights, cfg.weights.service_incidents)


SERVICE_INCIDENTS = ChangeSignal(
    service_incidents,
    SignalWords(
        label="services with recent incidents",
        action="slow its changes down until its incidents are understood",
        glossary="the touched services' recent incidents and failed deploys.",
        advice="hold it until the service's recent incidents are understood",
    ),
    lambda w: w.service_incidents,
)


# The signals that read what a change lands in rather than the change: a service's recent
# incidents and failed deploys add the same points to every change merged there, so a week of
# incidents makes every change of the service likelier to need a fix though none of them is
# riskier work. The card rules that ask whether the changes themselves are riskier than usual
# (the scope's shift, a rising driver) judge them without these points: the incidents are the
# incident and failure-rate cards' story.
CONTEXT_SIGNALS = frozenset({"service_incidents"})


def context_points(signals: Iterable[Signal]) -> float:
    """The points of ``signals`` that read what the change lands in (``CONTEXT_SIGNALS``)."""
    return sum(s.points for s in signals if s.name in CONTEXT_SIGNALS)


@functools.lru_cache(maxsize=4096)
def _service_incidents(
    n: int | None, days: int, failed: int, deploys: int, with_incident: int = 0, reverted: int = 0
) -> Reading:
    if n is None or n < 0:
        # -1: the service is known but no source reports incidents.
        text = (
            "no service mapped, incident history unknown"
            if n is None
            else "no incident source, incident history unknown"
        )
        return None, text, 0.0
    share = min(1.0, n / 3)
    text = f"{many(n, 'incident')} in the touched services in the last {days} days"
    # As HistoryContext.change_failure_rate: none without deploys.
    if deploys:
        cfr = failed / deploys
        share = max(share, min(1.0, cfr / _FRAGILE_CFR))
        text += f"; {_deploy_outcomes(failed, deploys, with_incident, reverted)}"
    return float(n), text, share


def _deploy_outcomes(failed: int, deploys: int, with_incident: int, reverted: int) -> str:
    """What happened to the deploys counted as failed, in words: ``"3 of 10 deploys failed"``,
    or, when some of them ran fine and were followed by an incident or a revert, that."""
    outright = failed - with_incident - reverted
    if outright == failed:
        return f"{failed} of {many(deploys, 'deploy')} failed"
    said = []
    if outright:
        said.append(f"{outright} failed")
    if with_incident:
        said.append(
            f"{with_incident} {'was' if with_incident == 1 else 'were'} followed by an incident"
        )
    if reverted:
        said.append(f"{reverted} shipped a change later reverted")
    told = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
    return f"of {many(deploys, 'deploy')}, {told}"


def risky_content(
    change: ChangeFacts,
    _ctx: HistoryContext,
    _m: ChangeMetrics,
    files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Migrations, infrastructure, auth/payments code, dependency manifests, reverts, hotfixes."""
    reading = _risky_content(
        files.migration is not None,
        files.infra,
        files.sensitive,
        files.manifest,
        change.is_revert,
        change.is_hotfix,
    )
    return made_signal("risky_content", reading, cfg.weights, cfg.weights.risky_content)


RISKY_CONTENT = ChangeSignal(
    risky_content,
    SignalWords(
        # Every kind ``risky_content`` counts, so that the label is true of each change a
        # driver card lists under it (a dependency bump is no migration).
        label="migrations, infrastructure, sensitive code, dependency changes, reverts or hotfixes",
        action="give its migrations, infrastructure, sensitive code and dependency changes a "
        "second reviewer",
        glossary="schema migrations, infrastructure, auth or payments code, dependencies, "
        "reverts and hotfixes.",
        advice="ask a second reviewer for its migration, infrastructure or sensitive code",
    ),
    lambda w: w.risky_content,
)


@functools.lru_cache(maxsize=64)
def _risky_content(
    migration: bool, infra: bool, sensitive: bool, manifest: bool, revert: bool, hotfix: bool
) -> Reading:
    kinds: list[str] = []
    if migration:
        kinds.append("schema migration")
    if infra:
        kinds.append("infrastructure")
    if sensitive:
        kinds.append("auth/payments code")
    if manifest:
        kinds.append("dependency manifest")
    if revert:
        kinds.append("revert")
    if hotfix:
        kinds.append("hotfix")
    share = min(1.0, 0.5 * len(kinds))
    text = "touches " + ", ".join(kinds) if kinds else "no risky content"
    return float(len(kinds)), text, share
