"""Weights, band thresholds and card rules: one versioned object with defaults."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import Field, asdict, dataclass, field, make_dataclass, replace
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

from scoring.signals import DEFAULT_WEIGHTS as CHANGE_WEIGHTS

__all__ = [
    "SCORER_VERSION",
    "BandThresholds",
    "CardRules",
    "ScoringConfig",
    "Weights",
]

# Bump when the meaning of a signal or the way points add up changes.
SCORER_VERSION = "4"


# Deploy-level points on top of the riskiest change shipped (``scoring.risk.score_deploy``).
_DEPLOY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("batch_size", 10.0),
    ("deploy_timing", 10.0),
    ("deploy_gap", 6.0),
)

if TYPE_CHECKING:
    # What the checker sees of the dataclass made below: a float weight per signal, by name.
    class Weights:
        __dataclass_fields__: ClassVar[dict[str, Field[Any]]]

        def __init__(self, **weights: float) -> None: ...
        def __getattr__(self, name: str) -> float: ...

else:
    # Made from the signals' registry, so that a new signal brings its weight (and its
    # riskbrief.toml key) with it: a frozen dataclass with one float field per weight.
    Weights = make_dataclass(
        "Weights",
        [(name, float, field(default=w)) for name, w in (*CHANGE_WEIGHTS, *_DEPLOY_WEIGHTS)],
        frozen=True,
        slots=True,
    )
    Weights.__module__ = __name__
    Weights.__doc__ = """The most points each signal can add to a 0–100 change score.

    Evidence (``python -m bench.real_history``: six Apache projects' 2010–2019
    histories, bug-inducing commits from issue-tracker links, ZooKeeper held
    out) sets the first group. Weights were chosen on the earlier 80% of each
    project by date, the same for every project:
    - size dominates: lines added alone ranks bug-inducing commits at AUC 0.76;
    - diffusion (files, directories, subsystems, entropy) adds to it;
    - defect-proneness (earlier fixes on the files), file history (settling,
      many developers) and a bug-fix flag add a little each;
    - author experience and file expertise are 0: on real histories they rank
      backwards (experienced authors make the big changes); ``riskbrief
      calibrate`` may still learn them for an organisation.
    The rest are policy: what public histories cannot measure (review,
    ownership, agents, coverage, incidents) or measure as noise (timing,
    risky paths). Their weights encode the product's judgement, kept small
    where they fire often so that they cost the bench's ranking nothing.
    An unknown signal's weight is spread over the known ones (``scoring.risk``).
    A change signal's default is declared with the signal (``@change_signal`` in
    ``scoring.signals``); the deploy-level ones are ``_DEPLOY_WEIGHTS`` here.
    """


@dataclass(frozen=True, slots=True)
class BandThresholds:
    """Lower bounds of the moderate, high and critical bands (safe is below ``moderate``)."""

    moderate: float = 30.0
    high: float = 60.0
    critical: float = 80.0


@dataclass(frozen=True, slots=True)
class CardRules:
    """The fixed numbers that decide whether a card appears and how severe it is.

    Shares are percentages (0–100); a "pp" rule is a change in percentage points.
    Every threshold belongs to the side that fires: a number exactly at it counts.
    """

    # A change adding this many lines of hand-written code is high risk whatever else
    # is known: more than a reviewer takes in at once (SmartBear's Cisco study of
    # 2,500 reviews: defect finding falls off beyond 200–400 lines per review).
    large_change_lines: int = 400
    # Risk distribution shift: share of changes in high or critical; both weeks
    # need at least ``shift_min_changes`` changes.
    shift_warning_pp: float = 10.0
    shift_critical_pp: float = 20.0
    shift_min_changes: int = 5
    # ... and at least this many high-risk changes this week: in a small team one
    # high-risk change is ten points of share, not a shift.
    shift_min_high_risk: int = 3
    # Concentration: one service's high-risk share this week.
    concentration_warning_share: float = 35.0
    concentration_critical_share: float = 50.0
    concentration_min_rise_pp: float = 15.0
    concentration_min_changes: int = 4
    # A signal that drives more high-risk changes than last week.
    driver_min_changes: int = 3
    driver_min_rise: int = 2
    # Incidents after high-risk deploys: critical when the deploy was high or critical.
    incident_window_hours: float = 24.0
    # MTTR: worse by both a ratio and an absolute number of minutes. Better by
    # the same (at most 1 / ``mttr_warning_ratio`` of last week's, and at least
    # ``mttr_min_minutes`` less) is a positive card when both weeks resolved at
    # least ``mttr_improved_min_incidents`` incidents.
    mttr_warning_ratio: float = 1.5
    mttr_critical_ratio: float = 3.0
    mttr_min_minutes: float = 30.0
    mttr_improved_min_incidents: int = 2
    # Worse MTTR needs this many resolved incidents in each week: one is not a trend.
    mttr_min_incidents: int = 2
    # Change failure rate of production deploys, in percentage points; a rate
    # needs deploys, so both weeks need at least one. Falling ``cfr_warning_pp``
    # is a positive card when both weeks had ``cfr_min_deploys`` deploys and
    # ``cfr_min_failed_deploys`` fewer deploys failed than last week.
    cfr_warning_pp: float = 10.0
    cfr_critical_pp: float = 25.0
    cfr_min_deploys: int = 4
    # A change-failure-rate card needs at least this many failed deploys this week.
    cfr_min_failed_deploys: int = 2
    # ... and a rate this week of at least this percentage: DORA counts up to 15 % as
    # its best performers' rate, so a rise that stays below it is no warning.
    cfr_min_rate: float = 15.0
    # CODEOWNERS coverage of touched files, drop in percentage points; both weeks
    # need ``codeowners_min_files`` touched files with CODEOWNERS data (a file
    # counts once per change touching it). A rise of ``codeowners_warning_drop_pp``
    # with the same minimum is a positive card.
    codeowners_warning_drop_pp: float = 10.0
    codeowners_critical_drop_pp: float = 25.0
    codeowners_min_files: int = 20
    # AI-agent changes merged without a human approval; critical only when at
    # least one of them is high risk.
    agent_unreviewed_warning: int = 1
    agent_unreviewed_critical: int = 3
    # Positive: every agent change reviewed this week, at least this many of them,
    # after ``agent_unreviewed_warning`` or more went unreviewed last week.
    agent_reviewed_min_changes: int = 3
    # AI agents' share of the week's changes rose by this many points, with at least
    # ``agent_surge_min_changes`` agent changes: a warning when any of them is high
    # risk or not known to be human-reviewed, info otherwise.
    agent_surge_min_rise_pp: float = 15.0
    agent_surge_min_changes: int = 5
    # Positive: a team whose high-risk share fell, with enough changes in each week.
    improvement_min_drop_pp: float = 15.0
    improvement_min_changes: int = 5
    improvement_min_changes_last_week: int = 5


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Everything the scorer and the card rules need besides the facts themselves."""

    weights: Weights = field(default_factory=Weights)
    bands: BandThresholds = field(default_factory=BandThresholds)
    rules: CardRules = field(default_factory=CardRules)
    # Timing signals (Friday, after hours) are judged in this zone.
    timezone: str = "UTC"
    working_hours: tuple[int, int] = (9, 18)
    active_incident_grace_hours: float = 4.0
    incident_lookback_days: int = 30
    # Merges on these local days, or the working day before one, meet thin cover.
    holidays: tuple[date, ...] = ()
    # False when no source reports incidents (no pager, file, label or reverts):
    # a service's incident history is then unknown, never "0 incidents".
    incidents_known: bool = True

    @property
    def version(self) -> str:
        """The scorer version stored with every score: base version plus a digest of the config.

        Two scores with the same version were computed by the same rules and numbers.
        """
        return _version_of(self)

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> ScoringConfig:
        """Return a copy with ``{"weights": {...}, "bands": {...}, "rules": {...}}`` applied.

        Unknown names raise ``KeyError`` naming the section and key; the config
        loader turns that into a user-facing sentence.
        """
        cfg = self
        for section, values in overrides.items():
            current = getattr(cfg, section)
            known = set(asdict(current))
            for key in values:
                if key not in known:
                    raise KeyError(f"{section}.{key}")
            cfg = replace(cfg, **{section: replace(current, **values)})
        return cfg


# Every score asks for its config's version; digesting the config each time
# would cost more than scoring the change.
@functools.lru_cache(maxsize=64)
def _version_of(config: ScoringConfig) -> str:
    blob = json.dumps(asdict(config), sort_keys=True, default=str).encode()
    return f"{SCORER_VERSION}+{hashlib.sha256(blob).hexdigest()[:10]}"
