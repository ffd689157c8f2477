"""What is usual for a service: the yardstick of the incident, gated and risk rules.

Bands that speak put a share of every history's changes and deploys at high risk,
so "high" alone is no news for a service whose changes and deploys often are. The
rules ask what the service itself did over the baseline weeks (``baseline_weeks``
before this one, pooled, which every briefing has) before they call a change, a
deploy or a week of expected fixes unusual.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from scoring.band import Band
from scoring.card_thresholds import CardRules
from scoring.model import MODEL
from scoring.weekly import ScoredDeploy, WeekAggregate, WeekChange, WeekIncident

__all__ = [
    "LARGER_THAN_USUAL",
    "LARGE_CHANGE_GATE",
    "MIGRATION_GATE",
    "POOLED_CHANGES",
    "YOUNG_WEEKS",
    "Rise",
    "beta_binomial_upper_tail",
    "chance_at",
    "dispersion",
    "expected_fixes",
    "failures_rose",
    "fix_chance",
    "larger_than_usual",
    "nb_upper_tail",
    "odds_margin",
    "other_risk",
    "own_chance",
    "own_largest",
    "own_reach",
    "rise",
    "rise_per_change",
    "riskiest_deploy",
    "routine_gated",
    "usual_gates",
    "very_high_on_its_own",
]


def usual_gates(this: WeekAggregate) -> set[tuple[str | None, str]]:
    """The (service, gate) pairs the service's changes went through over the baseline weeks."""
    if this.baseline is None:
        return set()
    return {(c.service, g) for c in this.baseline.changes for g in c.gates}


def other_risk(c: WeekChange, r: CardRules) -> bool:
    """Whether a gated change is risky on its own signals, besides its gate.

    A gate lifts a change to the very-high bound of its history; its own signals came
    within ``gated_other_risk_points`` of that bound (the width of the high band with
    the default bands) when they alone made it high risk for its history. Measured
    from the bound, not as a score, so it means the same where the typical change
    scores 48 and where it scores 60.
    """
    return c.ungated_score is not None and c.ungated_score >= c.score - r.gated_other_risk_points


def own_reach(this: WeekAggregate) -> dict[str | None, int]:
    """How far each service's usual changes reach on their own signals over the baseline weeks
    (a gated change's score before its gate): the upper quartile of their scores (nearest rank),
    which three in four of them stay at or below, so one odd change does not set it."""
    own: dict[str | None, list[int]] = {}
    for c in this.baseline.changes if this.baseline is not None else ():
        score = c.ungated_score if c.gates and c.ungated_score is not None else c.score
        own.setdefault(c.service, []).append(score)
    return {s: sorted(v)[math.ceil(0.75 * len(v)) - 1] for s, v in own.items()}


# The gate of a schema migration: routine for a service when the change is of its usual kind.
MIGRATION_GATE = "schema_migration"
# The gate of a change larger than one review takes in (``scoring.risk``).
LARGE_CHANGE_GATE = "large_change"
# How many times the lines of code of its service's largest change over the baseline weeks a
# change must carry to be larger than its service makes. Change sizes spread about a factor of
# e (one standard deviation of their logarithm) around their median, so the largest of a
# service's few dozen changes sits about two deviations up; twice that is about 0.7 more, a
# size one change in a few hundred reaches by chance.
LARGER_THAN_USUAL = 2.0


def own_largest(this: WeekAggregate) -> dict[str | None, int]:
    """The most lines of code (added and deleted) any change of each service carried over the
    baseline weeks, among those whose size is known."""
    largest: dict[str | None, int] = {}
    for c in this.baseline.changes if this.baseline is not None else ():
        if c.source_lines is not None:
            largest[c.service] = max(largest.get(c.service, 0), c.source_lines)
    return largest


def larger_than_usual(c: WeekChange, largest: Mapping[str | None, int]) -> bool:
    """Whether ``c`` went through the large-change gate with at least ``LARGER_THAN_USUAL``
    times the lines of code of its service's largest change over the baseline weeks
    (``own_largest``): a release of 1,500 lines where the service's largest was 400 is
    unusual for it, though that one change took the same gate. Unknown sizes say no."""
    if LARGE_CHANGE_GATE not in c.gates or c.source_lines is None or c.service not in largest:
        return False
    return c.source_lines >= LARGER_THAN_USUAL * largest[c.service]


def routine_gated(
    c: WeekChange,
    usual: set[tuple[str | None, str]],
    r: CardRules,
    reach: Mapping[str | None, int] | None = None,
) -> bool:
    """A change a gate put at very high risk that its service takes routinely.

    A human approved it or its review is unknown (unknown is not "no"); no AI agent wrote it;
    its own signals carry no other risk (``other_risk``); and either every gate it went through,
    its service's changes went through over the baseline weeks too, or it is a routine
    migration: a schema migration its only gate and its own signals within what its service's
    changes reached over the baseline weeks (``reach``, ``own_reach``), so the change is of the
    service's usual size and kind with a migration in it, as a model edit, its migration and
    its test in one change are.
    """
    if not c.gated_very_high or c.human_reviewed is False or c.agent_involved:
        return False
    if other_risk(c, r):
        return False
    if usual and all((c.service, g) in usual for g in c.gates):
        return True
    if c.gates != (MIGRATION_GATE,) or reach is None or c.ungated_score is None:
        return False
    return c.service in reach and c.ungated_score <= reach[c.service]


def _comparable(deploys: Iterable[ScoredDeploy], service: str, key: str) -> list[int]:
    """Scores of ``service``'s other deploys, leaving out those an active incident's gate
    lifted: their score is the gate's floor, not what they shipped."""
    return [d.score for d in deploys if d.service == service and d.key != key and not d.gates]


def riskiest_deploy(i: WeekIncident, this: WeekAggregate, r: CardRules) -> bool:
    """Whether the deploy ``i`` is linked to stood above every other deploy of its service this
    week and over the baseline weeks by a material margin (its odds of needing a fix at least
    ``incident_deploy_odds_ratio`` times the riskiest other's), or the service made fewer than
    ``incident_many_deploys`` others to compare with (then a risky deploy is unusual enough).
    """
    deploys = (*this.deploys, *(this.baseline.deploys if this.baseline else ()))
    score = i.deploy_score
    if score is None:
        score = next((d.score for d in deploys if d.key == i.deploy_key), None)
    others = _comparable(deploys, i.service, i.deploy_key or "")
    if len(others) < r.incident_many_deploys:
        return True
    return score is not None and score - max(others) >= odds_margin(r)


def odds_margin(r: CardRules) -> float:
    """How many points a score stands above another's when its odds of needing a fix are
    ``incident_deploy_odds_ratio`` times theirs: a point is a fixed step in log-odds
    (``ChangeModel.points_per_logit``), so the margin is the same whatever the two scores."""
    return MODEL.points_per_logit * math.log(r.incident_deploy_odds_ratio)


def very_high_on_its_own(i: WeekIncident) -> bool:
    """Whether the linked deploy is very high for its service by what it is, not because an
    incident was active when it finished (the active-incident gate)."""
    return i.deploy_band is Band.CRITICAL and not i.deploy_gates


# --- Expected fixes against a scope's own weeks -------------------------------------------
#
# A change's calibrated chance of needing a fix is what its score is built from
# (``ChangeModel.probability``); a week's expected fixes are the sum over its changes.
# Week to week that sum is a compound Poisson count: changes arrive at a rate and each
# brings its chance, so its variance is the rate times the mean squared chance. Divided by
# the dispersion ``d`` (Σp² / Σp over the yardstick's changes), it is close to a Poisson
# count with the same mean / d ("quasi-Poisson"). Its usual rate is only known from a few
# weeks, so this week's scaled count is judged by its predictive law: a negative binomial
# with the yardstick's scaled count (+ ½, Jeffreys) as its shape over ``exposure`` units.

# Weeks a service's history must cover before it is judged on its own weeks alone.
YOUNG_WEEKS = 6
# How many of the organisation's changes a young service's usual chance is pooled with.
POOLED_CHANGES = 20
# A dispersion below this would make a handful of near-zero chances look like a precise count.
_LEAST_DISPERSION = 0.05


@lru_cache(maxsize=4096)
def chance_at(score: float) -> float:
    """The calibrated chance of needing a fix that a score of ``score`` stands for."""
    # A week page's rules ask the chance of each of thousands of baseline changes several
    # times over, and scores take few values (whole points; less a context signal's points).
    return MODEL.probability(score)


def fix_chance(c: WeekChange) -> float:
    """The calibrated chance that ``c`` needs a fix: what its 0–100 score is built from."""
    return chance_at(c.score)


def own_chance(c: WeekChange) -> float:
    """The calibrated chance that ``c`` needs a fix from its own signals: its score without the
    points of what it lands in (``WeekChange.own_score``), such as its service's recent
    incidents, which every change merged there carries alike."""
    return chance_at(c.own_score)


def expected_fixes(changes: Iterable[WeekChange]) -> float:
    """The number of ``changes`` expected to need a fix: the sum of their chances."""
    return sum(fix_chance(c) for c in changes)


def dispersion(chances: Iterable[float]) -> float:
    """Σp² / Σp: how much one week's expected fixes wander, per expected fix."""
    total = squares = 0.0
    for p in chances:
        total += p
        squares += p * p
    return max(_LEAST_DISPERSION, squares / total) if total > 0 else 1.0


# How often a steady week's failed deploys may reach the change-failure-rate card's count by
# chance, given the scope's own rate over the baseline weeks (``failures_rose``).
_CFR_P = 0.05


def failures_rose(this: WeekAggregate, r: CardRules) -> bool:
    """Whether this week's failed deploys are more than the scope's own failure rate over the
    baseline weeks makes likely for as many deploys: a beta-binomial tail (the rate known from
    those weeks' deploys, with Jeffreys' half a failure and half a success) at most ``_CFR_P``.
    True without a baseline of ``cfr_min_deploys`` deploys, where the rule compares with last
    week alone.

    A team that ships eight deploys a week at its usual one in ten fails two of them in one
    week of five; that is no trend, though it is 25 % against last week's 0 %.
    """
    base = this.baseline
    if base is None or len(base.deploys) < r.cfr_min_deploys:
        return True
    failed, deploys = base.failed_deploys, len(base.deploys)
    tail = beta_binomial_upper_tail(
        this.failed_deploys, len(this.deploys), failed + 0.5, deploys - failed + 0.5
    )
    return tail <= _CFR_P


def beta_binomial_upper_tail(k: int, n: int, a: float, b: float) -> float:
    """P(X ≥ ``k``) for X of ``n`` trials whose success chance is Beta(``a``, ``b``): how often
    ``k`` of ``n`` deploys fail when the failure rate is only known from past deploys."""
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    base = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) - math.lgamma(n + a + b)
    total = 0.0
    for x in range(k, n + 1):
        total += math.exp(
            math.lgamma(n + 1)
            - math.lgamma(x + 1)
            - math.lgamma(n - x + 1)
            + math.lgamma(x + a)
            + math.lgamma(n - x + b)
            + base
        )
    return min(1.0, total)


def nb_upper_tail(x: float, shape: float, exposure: float) -> float:
    """P(X ≥ x) for a count whose rate per unit is Gamma(``shape``, ``exposure``) and which is
    Poisson over one unit: a negative binomial with success chance exposure / (exposure + 1).

    ``x`` need not be whole: the tail is interpolated between its neighbours, so a scaled
    count of 3.4 is judged between 3 and 4.
    """
    if x <= 0:
        return 1.0
    k = math.floor(x)
    f = x - k
    lower, upper = _nb_tail(k, shape, exposure), _nb_tail(k + 1, shape, exposure)
    return (1 - f) * lower + f * upper


def _nb_tail(k: int, r: float, exposure: float) -> float:
    """P(X ≥ k), X negative binomial with ``r`` and success chance exposure / (exposure + 1)."""
    if k <= 0:
        return 1.0
    log_q = math.log(1.0 / (exposure + 1.0))  # the chance of one more count
    log_p = math.log(exposure / (exposure + 1.0))

    def log_pmf(j: int) -> float:
        return math.lgamma(j + r) - math.lgamma(r) - math.lgamma(j + 1) + r * log_p + j * log_q

    mean = r / exposure
    if k <= mean:
        return max(0.0, 1.0 - sum(math.exp(log_pmf(j)) for j in range(k)))
    # Above the mean the terms only fall: add them up until they no longer count.
    total, j = 0.0, k
    while True:
        term = math.exp(log_pmf(j))
        total += term
        j += 1
        if term <= 1e-17 * max(total, 1e-300) or j - k > 100_000:
            return min(1.0, total)


@dataclass(frozen=True, slots=True)
class Rise:
    """This week's expected fixes of a scope against its usual week, and how unlikely the rise.

    ``p_value`` is the chance of at least this many by the scope's usual week; ``pooled``
    says the usual was pooled with the organisation's because the scope's own weeks are few.
    """

    this_week: float
    usual: float
    p_value: float
    pooled: bool = False
    # The usual chance of one change of the scope: what a change must beat to add to a rise.
    usual_chance: float = 0.0

    @property
    def ratio(self) -> float:
        """This week's expected fixes over the usual week's (infinite over none)."""
        return self.this_week / self.usual if self.usual > 0 else math.inf

    @property
    def excess(self) -> float:
        """Expected fixes beyond the usual week's."""
        return self.this_week - self.usual


def rise(
    now: Sequence[float],
    before: Sequence[float],
    weeks: int,
    seen: int,
    pool_chance: float | None = None,
) -> Rise | None:
    """This week's chances ``now`` against ``before``, the same scope's over a yardstick of
    ``weeks`` weeks, of which it spans the last ``seen`` (it began then).

    A scope that spans every week of the yardstick (or ``YOUNG_WEEKS``) is judged on its own
    weeks alone: a week without changes is a week of none. A younger one has its missing
    weeks filled in at its own weekly number of changes (this week's, when it is new) and
    ``pool_chance``, the organisation's usual chance per change over the same weeks: pooled
    with the organisation's while its own weeks are few. ``None`` when nothing is known to
    judge by.
    """
    if not now or weeks <= 0:
        return None
    this_week = sum(now)
    own = sum(before)
    missing = max(0, min(weeks, YOUNG_WEEKS) - seen) if seen < weeks else 0
    if missing and pool_chance is None and not before:
        return None
    volume = len(before) / seen if seen else float(len(now))
    pseudo_changes = missing * volume if pool_chance is not None else 0.0
    pseudo = pseudo_changes * (pool_chance or 0.0)
    exposure = float(seen + missing if pool_chance is not None else max(seen, 1))
    d = dispersion(before) if before else dispersion(now)
    units = len(before) + pseudo_changes
    chance = (own + pseudo) / units if units else 0.0
    usual = (own + pseudo) / exposure
    p_value = nb_upper_tail(this_week / d, (own + pseudo) / d + 0.5, exposure)
    return Rise(this_week, usual, p_value, pooled=bool(missing), usual_chance=chance)


def rise_per_change(now: Sequence[float], before: Sequence[float]) -> Rise | None:
    """This week's chances ``now`` against the usual chance per change over ``before``, for as
    many changes as this week holds: whether the week's changes are riskier than usual, not
    whether there are more of them (an organisation's busy week is no shift).

    Given the number of changes, their sum varies by the variance of one change's chance, so
    the scaled count uses Var(p) / mean(p) as its dispersion; the usual chance is known from
    ``before``'s changes, ``len(before) / len(now)`` weeks' worth. ``None`` without both.
    """
    if not now or not before:
        return None
    n, m = len(now), len(before)
    total = sum(before)
    mean = total / m
    spread = sum((p - mean) ** 2 for p in before) / m
    d = max(_LEAST_DISPERSION, spread / mean) if mean > 0 else 1.0
    this_week = sum(now)
    p_value = nb_upper_tail(this_week / d, total / d + 0.5, m / n)
    return Rise(this_week, n * mean, p_value, usual_chance=mean)
