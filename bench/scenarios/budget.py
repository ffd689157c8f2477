"""The risk cards' false-alarm budget and power, by simulation: made organisations of any shape.

``python -m bench.scenarios.budget`` draws organisations from seeds and shape parameters
(3–40 services, 10–400 changes a week, calm and always-risky services, young services that
started a week or three ago, weeks busier or quieter than others), scores their changes as
the model would (a score per change, its chance of needing a fix from ``ChangeModel``), and
runs ``scoring.cards.build_cards`` over the last week of each against the weeks before, as a
briefing does. It reports, per organisation size, the warning and critical cards of steady
weeks (the budget: at most one per 4 steady weeks), and per planted story kind, how often its
card came at the right severity. Nothing here names a rule's threshold: the stories are
stated as effect sizes on expected fixes, and the rules never see a made organisation's
service, size or week.

Sets of seeds: ``--seeds dev`` (0–199), which the rules were written against, and
``--seeds held-out`` (``HELD_OUT_BASE`` onwards, drawn after they were written);
``--seeds first-held-out`` is the set a first version of the rules failed, and ``--seeds
third-held-out`` (``THIRD_HELD_OUT_BASE`` onwards) a set drawn once more after the second had
been read while the model was refitted (model 2), judged on the rules as they stand.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta

from scoring.card_terms import Card, CardKind, Severity
from scoring.card_thresholds import CardRules
from scoring.cards import build_cards
from scoring.config import ScoringConfig
from scoring.model import MODEL
from scoring.score_scale import band_for
from scoring.weekly import WeekAggregate, WeekChange, aggregate

__all__ = [
    "DEV_SEEDS",
    "ELEVENTH_HELD_OUT_BASE",
    "FIFTH_HELD_OUT_BASE",
    "FIRST_HELD_OUT_BASE",
    "FOURTH_HELD_OUT_BASE",
    "HELD_OUT_BASE",
    "KINDS",
    "NINTH_HELD_OUT_BASE",
    "SEED_SETS",
    "TENTH_HELD_OUT_BASE",
    "THIRD_HELD_OUT_BASE",
    "THIRTEENTH_HELD_OUT_BASE",
    "TWELFTH_HELD_OUT_BASE",
    "OrgShape",
    "Outcome",
    "Planted",
    "made_week",
    "run",
    "shape_of",
    "steady_alarms",
    "story_found",
]

# The seeds the rules were written against, and where the held-out ones start (drawn with
# ``random.SystemRandom().randrange(10**9)`` after the rules were written, and not changed).
# The first held-out set judged a first version of the rules, which failed it (over budget);
# the rules were then revised on the dev seeds alone and judged on a second set drawn after.
DEV_SEEDS = range(200)
FIRST_HELD_OUT_BASE = 259_628_232
HELD_OUT_BASE = 731_071_570
# Drawn the same way on 2026-11-27 after the second held-out set had been read (model 2's
# runs), with the card rules and model as they stood: a judgement nothing was written against.
THIRD_HELD_OUT_BASE = 640_994_239
# Drawn the same way on 2026-11-27 at 23:24 UTC, the card rules and model unchanged since the
# third set was read: a larger judgement (``--count 600``) of the same rules, each size band's
# rate known to about a third of the third set's standard error.
FOURTH_HELD_OUT_BASE = 927_263_727
# Drawn the same way on 2026-11-28 at 00:22 UTC, after the budget's shares were moved (the
# shift 0.3, the driver 0.2) on development seeds 1000–1399: their judgement.
FIFTH_HELD_OUT_BASE = 382_420_221
# Drawn the same way on 2026-11-28 at 05:48 UTC, after the last change to any card rule (the
# incident cards' unusual change, scorer 13): the rules' judgement as they stand.
SIXTH_HELD_OUT_BASE = 848_120_376
# Drawn the same way on 2026-11-28 at 08:08 UTC, after a rising driver spread across a third of
# a scope's services became its shift (and before that rule was run on it): its judgement.
SEVENTH_HELD_OUT_BASE = 230_205_587
# Drawn the same way on 2026-11-28 at 09:27 UTC, after the driver's material floor was written
# and before it was run on it: its judgement.
EIGHTH_HELD_OUT_BASE = 317_965_946
# Drawn the same way on 2026-11-28 at 10:24 UTC, before the usual week was read over eight weeks
# rather than four (and before either was run on it): its judgement.
NINTH_HELD_OUT_BASE = 613_003_183
# Drawn the same way on 2026-11-28 at 13:33 UTC, before a shift by breadth and a shift mostly
# one service's told as its concentration were written; run before and after them, which were
# not landed (docs/benchmarks.md): read, so development material now.
TENTH_HELD_OUT_BASE = 388_235_278
# Drawn the same way on 2026-11-28 at 16:21 UTC, before the shift was judged on the changes' own
# chances and the change failure rate against the scope's own rate (and before either was run
# on it): their judgement.
ELEVENTH_HELD_OUT_BASE = 121_832_664
# Drawn the same way on 2026-11-28 at 19:49 UTC, after a shift of a few more changes crossing the
# high bound and the gated rule leaving incidents to the incident rule were written, and run on
# both sides of them without reading between: their judgement on material no rule has seen.
TWELFTH_HELD_OUT_BASE = 59_255_622
# Drawn the same way on 2026-11-28 at 22:42 UTC, after concentration was judged on the changes'
# own chances and a service's rise in high-risk changes made material in changes: their
# judgement, run on both sides of them.
THIRTEENTH_HELD_OUT_BASE = 55_260_002

# Each set's name on the command line and its first seed.
SEED_SETS: dict[str, int] = {
    "dev": 0,
    "held-out": HELD_OUT_BASE,
    "first-held-out": FIRST_HELD_OUT_BASE,
    "third-held-out": THIRD_HELD_OUT_BASE,
    "fourth-held-out": FOURTH_HELD_OUT_BASE,
    "fifth-held-out": FIFTH_HELD_OUT_BASE,
    "sixth-held-out": SIXTH_HELD_OUT_BASE,
    "seventh-held-out": SEVENTH_HELD_OUT_BASE,
    "eighth-held-out": EIGHTH_HELD_OUT_BASE,
    "ninth-held-out": NINTH_HELD_OUT_BASE,
    "tenth-held-out": TENTH_HELD_OUT_BASE,
    "eleventh-held-out": ELEVENTH_HELD_OUT_BASE,
    "twelfth-held-out": TWELFTH_HELD_OUT_BASE,
    "thirteenth-held-out": THIRTEENTH_HELD_OUT_BASE,
}

# Weeks made: the baseline (``CardRules.baseline_weeks``), last week, and this week.
_BASELINE = CardRules().baseline_weeks
_MONDAY = datetime(2026, 11, 16, tzinfo=UTC)
_CONFIG = ScoringConfig()
_ALARMS = (Severity.WARNING, Severity.CRITICAL)
# The made scores: a calm service's changes and an always-risky one's, and how often a change
# is a very-high rewrite in each (what the seed's "always risky" service looked like: 24–55 %
# of its steady weeks' changes high).
_CALM = (40.0, 12.0, 0.02)
_RISKY = (58.0, 12.0, 0.08)
_REWRITE = (86, 95)


@dataclass(frozen=True, slots=True)
class ServiceShape:
    """One made service: its share of the organisation's changes, and what its changes score."""

    name: str
    weight: float
    risky: bool
    # Weeks before this one it has existed (a young service has fewer than the baseline).
    age: int


@dataclass(frozen=True, slots=True)
class OrgShape:
    """One made organisation: its services and how many changes a week it makes."""

    seed: int
    services: tuple[ServiceShape, ...]
    changes_per_week: float
    # How much a week's volume wanders (coefficient of variation of a week's busyness).
    week_spread: float


def shape_of(seed: int) -> OrgShape:
    """The organisation ``seed`` makes: 3–40 services, 10–400 changes a week, a fifth to a half
    of its services always risky, one in eight young."""
    rng = random.Random(seed)
    n = rng.randint(3, 40)
    risky_share = rng.uniform(0.2, 0.5)
    services = tuple(
        ServiceShape(
            f"svc-{seed}-{i}",
            rng.lognormvariate(0.0, 0.8),
            rng.random() < risky_share,
            rng.randint(1, _BASELINE - 1) if rng.random() < 0.125 else _BASELINE + 1,
        )
        for i in range(n)
    )
    return OrgShape(seed, services, math.exp(rng.uniform(math.log(10), math.log(400))), 0.15)


def _score(rng: random.Random, risky: bool) -> int:
    mean, sd, rewrite = _RISKY if risky else _CALM
    if rng.random() < rewrite:
        return rng.randint(*_REWRITE)
    return max(0, min(100, round(rng.gauss(mean, sd))))


def _change(key: str, service: str, score: int, week: int, rng: random.Random) -> WeekChange:
    band = band_for(score, _CONFIG)
    return WeekChange(
        key=key,
        title=f"Change {key}",
        service=service,
        team=None,
        score=score,
        band=band,
        merged_at=_MONDAY + timedelta(weeks=week, hours=rng.uniform(8, 24 * 5 - 8)),
        drivers=("size",) if score >= 72 else ("review",) if score >= 60 else (),
    )


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _weeks(shape: OrgShape, rng: random.Random) -> dict[int, list[WeekChange]]:
    """Week index (−baseline … 0) → the week's changes, all steady."""
    total = sum(s.weight for s in shape.services)
    out: dict[int, list[WeekChange]] = {}
    k = shape.week_spread**-2
    for week in range(-_BASELINE, 1):
        busy = rng.gammavariate(k, 1 / k)
        changes: list[WeekChange] = []
        for s in shape.services:
            if -week > s.age:
                continue
            mean = shape.changes_per_week * s.weight / total * busy
            for i in range(_poisson(rng, mean)):
                key = f"{s.name}#{week}.{i}"
                changes.append(_change(key, s.name, _score(rng, s.risky), week, rng))
        out[week] = changes
    return out


def _usual(shape: OrgShape, service: ServiceShape) -> tuple[float, float]:
    """A made service's true usual week: its changes and its expected fixes."""
    total = sum(s.weight for s in shape.services)
    changes = shape.changes_per_week * service.weight / total
    rng = random.Random(service.name)
    chance = sum(MODEL.probability(_score(rng, service.risky)) for _ in range(4000)) / 4000
    return changes, changes * chance


@dataclass(frozen=True, slots=True)
class Planted:
    """A planted story: its kind, the card it should make, and where."""

    kind: str
    card: CardKind
    severity: Severity
    subject: str | None


def _rewrites(changes: list[WeekChange], service: str, extra: float, rng: random.Random) -> None:
    """Add very-high rewrites to ``service`` until they add ``extra`` expected fixes."""
    added, i = 0.0, 0
    while added < extra:
        score = rng.randint(*_REWRITE)
        changes.append(_change(f"{service}#rewrite.{i}", service, score, 0, rng))
        added += MODEL.probability(score)
        i += 1


def _mature(shape: OrgShape, risky: bool | None) -> list[ServiceShape]:
    return [s for s in shape.services if s.age > _BASELINE and (risky is None or s.risky is risky)]


def _plant_concentration(
    shape: OrgShape, week: list[WeekChange], rng: random.Random, risky: bool
) -> Planted | None:
    """A mature service (calm, or always risky) gets rewrites from outside: its expected fixes
    rise to 4× its usual week's, and by at least 6."""
    pool = _mature(shape, risky)
    if not pool:
        return None
    service = rng.choice(pool)
    _, fixes = _usual(shape, service)
    _rewrites(week, service.name, max(3.0 * fixes, 6.0), rng)
    kind = "concentration (always risky)" if risky else "concentration (calm)"
    return Planted(kind, CardKind.CONCENTRATION, Severity.CRITICAL, service.name)


def _plant_shift(shape: OrgShape, week: list[WeekChange], rng: random.Random) -> Planted:
    """The whole organisation moves to larger work: every service that has been there all
    along gets rewrites in turn until the organisation's chance per change is 1.6× its usual
    (and its expected fixes at least 4.5 more): its changes are riskier, not only more."""
    services = _mature(shape, None) or list(shape.services)
    usual = [_usual(shape, s) for s in shape.services]
    changes = sum(n for n, _ in usual)
    fixes = sum(f for _, f in usual)
    chance = fixes / changes
    added, i = 0.0, 0
    while added < 4.5 or (fixes + added) / ((changes + i) * chance) < 1.6:
        name = services[i % len(services)].name
        score = rng.randint(*_REWRITE)
        week.append(_change(f"{name}#shift.{i}", name, score, 0, rng))
        added += MODEL.probability(score)
        i += 1
    return Planted("org-wide shift", CardKind.SHIFT, Severity.WARNING, None)


KINDS: dict[str, Callable[[OrgShape, list[WeekChange], random.Random], Planted | None]] = {
    "concentration (calm)": lambda o, w, r: _plant_concentration(o, w, r, False),
    "concentration (always risky)": lambda o, w, r: _plant_concentration(o, w, r, True),
    "org-wide shift": _plant_shift,
}


def made_week(
    shape: OrgShape, story: str | None = None
) -> tuple[WeekAggregate, WeekAggregate, Planted | None]:
    """This week and last week of ``shape`` as a briefing reads them, with ``story`` planted."""
    rng = random.Random(shape.seed * 7919 + 1)
    weeks = _weeks(shape, rng)
    planted = KINDS[story](shape, weeks[0], rng) if story else None
    pooled = [c for w in range(-_BASELINE, 0) for c in weeks[w]]
    baseline = aggregate(pooled, weeks=_BASELINE)
    return aggregate(weeks[0], baseline=baseline), aggregate(weeks[-1]), planted


def steady_alarms(shape: OrgShape, rules: CardRules | None = None) -> tuple[Card, ...]:
    """The warning and critical cards of a steady week of ``shape``."""
    this, last, _ = made_week(shape)
    return tuple(c for c in build_cards(this, last, rules or CardRules()) if c.severity in _ALARMS)


def story_found(
    shape: OrgShape, story: str, rules: CardRules | None = None
) -> tuple[bool, bool] | None:
    """Whether ``story``'s card came, and at the right severity (``None``: it cannot be planted
    in this organisation, as an always-risky story where no service is)."""
    this, last, planted = made_week(shape, story)
    if planted is None:
        return None
    cards = build_cards(this, last, rules or CardRules())
    hits = [
        c
        for c in cards
        if (c.kind is planted.card or planted.card in c.folded)
        and planted.subject in (None, c.subject)
    ]
    return bool(hits), any(c.severity is planted.severity for c in hits)


@dataclass
class Outcome:
    """What one set of seeds measured."""

    seeds: str
    steady_weeks: int = 0
    alarms: int = 0
    # Per size band: [steady weeks, alarms].
    by_size: dict[str, list[int]] = field(default_factory=dict)
    # Per story kind: [made, found, right severity].
    stories: dict[str, list[int]] = field(default_factory=dict)
    alarm_kinds: dict[str, int] = field(default_factory=dict)

    @property
    def per_4_weeks(self) -> float:
        """Warning or critical cards per 4 steady weeks."""
        return 4 * self.alarms / self.steady_weeks if self.steady_weeks else 0.0


def _size_band(shape: OrgShape) -> str:
    n = len(shape.services)
    return "3–9 services" if n < 10 else "10–19 services" if n < 20 else "20–40 services"


def run(seeds: Sequence[int], name: str, rules: CardRules | None = None) -> Outcome:
    """Every seed's steady week and one made week per story kind."""
    out = Outcome(name)
    for seed in seeds:
        shape = shape_of(seed)
        alarms = steady_alarms(shape, rules)
        out.steady_weeks += 1
        out.alarms += len(alarms)
        band = out.by_size.setdefault(_size_band(shape), [0, 0])
        band[0] += 1
        band[1] += len(alarms)
        for card in alarms:
            out.alarm_kinds[card.kind] = out.alarm_kinds.get(card.kind, 0) + 1
        for story in KINDS:
            result = story_found(shape, story, rules)
            if result is None:
                continue
            tally = out.stories.setdefault(story, [0, 0, 0])
            tally[0] += 1
            tally[1] += result[0]
            tally[2] += result[1]
    return out


def table(out: Outcome) -> str:
    """``out`` as docs/benchmarks.md shows it."""
    lines = [
        f"Seeds: {out.seeds}. Steady weeks: {out.steady_weeks}, warning or critical cards: "
        f"{out.alarms} ({out.per_4_weeks:.3f} per 4 steady weeks; budget 1).",
        "",
        "| organisation size | steady weeks | alarms | per 4 steady weeks |",
        "|---|---|---|---|",
    ]
    for band in ("3–9 services", "10–19 services", "20–40 services"):
        weeks, alarms = out.by_size.get(band, [0, 0])
        per4 = 4 * alarms / weeks if weeks else 0.0
        lines.append(f"| {band} | {weeks} | {alarms} | {per4:.3f} |")
    lines += ["", "| story | made | found | right severity |", "|---|---|---|---|"]
    for story, (made, found, right) in out.stories.items():
        lines.append(
            f"| {story} | {made} | {found} ({100 * found / made:.1f} %) | "
            f"{right} ({100 * right / made:.1f} %) |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the simulation on one set of seeds and print its tables."""
    parser = argparse.ArgumentParser(prog="python -m bench.scenarios.budget", description=__doc__)
    parser.add_argument(
        "--seeds",
        choices=tuple(SEED_SETS),
        default="third-held-out",
    )
    parser.add_argument("--count", type=int, default=200, help="organisations made")
    parser.add_argument("--json", action="store_true", help="print the outcome as JSON")
    args = parser.parse_args(argv)
    base = SEED_SETS[args.seeds]
    out = run(range(base, base + args.count), args.seeds)
    if args.json:
        print(json.dumps(asdict(out) | {"per_4_weeks": out.per_4_weeks}, indent=2))
    else:
        print(table(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
