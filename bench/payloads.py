"""Benchmark: payloads for 1,000 subscribers over a week of 100,000 changes (LLM excluded).

Run with ``python -m bench.payloads``. It builds a synthetic organisation in a
temporary SQLite file (100 teams, 500 services, two weeks of 100,000 changes
each with five files on average, scores and deploys), then times
``build_payloads`` for every subscriber's last complete week.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from briefing.build import Recipient, build_payloads
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.scope import Scope
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.store.scores import save_scores
from data.store.tables import Change, ChangeFile, Deploy, Person, Repository, Service
from scoring.risk import Band
from scoring.risk_score import top_signals
from scoring.scored import TOP_SIGNALS, ScoredChange
from scoring.signal import Signal

__all__ = ["main"]

TEAMS = 100
SERVICES_PER_TEAM = 5
ZONES = (
    "America/Los_Angeles",
    "America/New_York",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "America/Sao_Paulo",
)
WEEK = IsoWeek.parse("2026-W47")
BANDS = ((Band.SAFE, 10), (Band.MODERATE, 45), (Band.HIGH, 70), (Band.CRITICAL, 88))
SIGNALS = ("size", "review", "codeowners", "author_expertise", "timing", "agent")


def _org(subscribers: int) -> OrgConfig:
    teams = [
        {
            "key": f"team{t}",
            "services": [f"svc{t * SERVICES_PER_TEAM + i}" for i in range(SERVICES_PER_TEAM)],
        }
        for t in range(TEAMS)
    ]
    services = [
        {"key": f"svc{s}", "repository": "bench/mono", "paths": [f"s{s}/**"]}
        for s in range(TEAMS * SERVICES_PER_TEAM)
    ]
    subs: list[dict[str, Any]] = []
    for n in range(subscribers):
        team = n % TEAMS
        sub: dict[str, Any] = {"key": f"m{n}", "email": f"m{n}@example.com"}
        if n % 20 == 0:  # directors: the whole organisation
            sub["timezone"] = ZONES[n % 4]
        elif n % 5 == 1:  # managers of three teams
            sub["teams"] = [f"team{team}", f"team{(team + 1) % TEAMS}", f"team{(team + 2) % TEAMS}"]
            sub["timezone"] = ZONES[team % len(ZONES)]
        else:  # team leads, in their team's zone
            sub["teams"] = [f"team{team}"]
            sub["timezone"] = ZONES[team % len(ZONES)]
        subs.append(sub)
    return OrgConfig.model_validate(
        {
            "repositories": [{"name": "bench/mono"}],
            "services": services,
            "teams": teams,
            "subscribers": subs,
        }
    )


def _fill(engine: sa.Engine, org: OrgConfig, per_week: int, version: str, seed: int) -> None:
    rng = random.Random(seed)
    with session_scope(engine) as session:
        sync_org(session, org)
        repo_id = session.execute(sa.select(col(Repository.id))).scalar_one()
        found = session.execute(sa.select(col(Service.key), col(Service.id)))
        service_ids = {row[0]: row[1] for row in found}
        session.execute(
            sa.insert(Person), [{"login": f"dev{i}", "kind": "human"} for i in range(2000)]
        )
        people = list(session.execute(sa.select(col(Person.id))).scalars())
    start = min(WEEK.previous().bounds(z)[0] for z in ZONES)
    span = (max(WEEK.bounds(z)[1] for z in ZONES) - start).total_seconds()
    changes: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    scores: list[ScoredChange] = []
    for n in range(2 * per_week):
        service = rng.randrange(TEAMS * SERVICES_PER_TEAM)
        key = f"bench/mono#{n + 1}"
        merged = start + timedelta(seconds=rng.random() * span)
        changes.append(
            {
                "id": n + 1,
                "key": key,
                "repository_id": repo_id,
                "number": n + 1,
                "title": f"Change {n + 1}",
                "url": f"https://example.com/pr/{n + 1}",
                "author_id": rng.choice(people),
                "merged_at": merged,
                "labels": [],
                "co_authors": [],
                "is_revert": False,
                "is_hotfix": False,
                "co_authored_by_agent": rng.random() < 0.05,
            }
        )
        owned = 0
        n_files = rng.randint(1, 9)
        for f in range(n_files):
            owners = [] if rng.random() < 0.1 else ["@team"]
            owned += bool(owners)
            files.append(
                {
                    "change_id": n + 1,
                    "path": f"s{service}/f{f}.py",
                    "added": rng.randint(1, 200),
                    "deleted": rng.randint(0, 50),
                    "change_type": "modified",
                    "service_id": service_ids[f"svc{service}"],
                    "owners": owners,
                }
            )
        band, score = BANDS[min(3, int(rng.random() ** 2 * 4))]
        signals = tuple(Signal(s, 1.0, rng.random() * 15, f"{s} explained") for s in SIGNALS)
        scores.append(
            ScoredChange(
                key=key,
                score=score,
                band=band,
                signals=signals,
                gates=(),
                version=version,
                top_signals=top_signals(signals, TOP_SIGNALS),
                service=f"svc{service}",
                owner_files_known=n_files,
                owner_files_covered=owned,
                agent_involved=changes[-1]["co_authored_by_agent"],
                human_reviewed=rng.random() < 0.9,
            )
        )
    deploys = [
        {
            "key": f"deploy:{s}:{d}",
            "service_id": service_ids[f"svc{s}"],
            "environment": "production",
            "finished_at": start + timedelta(seconds=rng.random() * span),
            "status": "success",
            "source": "bench",
        }
        for s in range(TEAMS * SERVICES_PER_TEAM)
        for d in range(8)
    ]
    with session_scope(engine) as session:
        for table, rows in (
            (Change, changes),
            (ChangeFile, files),
            (Deploy, deploys),
        ):
            for i in range(0, len(rows), 20_000):
                session.execute(sa.insert(table), rows[i : i + 20_000])
        save_scores(session, "change", scores)
        save_scores(
            session,
            "deploy",
            (ScoredChange(d["key"], 40, Band.MODERATE, (), (), version) for d in deploys),
        )


def main(argv: list[str] | None = None) -> int:
    """Build the synthetic store, then time payloads for every subscriber."""
    parser = argparse.ArgumentParser(prog="python -m bench.payloads", description=__doc__)
    parser.add_argument("--changes", type=int, default=100_000, help="changes per week")
    parser.add_argument("--subscribers", type=int, default=1_000)
    parser.add_argument("--database", default=None, help="SQLAlchemy URL; default a temp SQLite")
    args = parser.parse_args(argv)
    org = _org(args.subscribers)
    version = org.scoring_config().version
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(args.database or f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        began = time.perf_counter()
        _fill(engine, org, args.changes, version, seed=1)
        print(f"fill: {2 * args.changes} changes in {time.perf_counter() - began:.1f} s")
        audiences = [
            Recipient(s.key, s.key, s.timezone, Scope.of(s.teams, s.services))
            for s in org.subscribers
        ]
        with session_scope(engine) as session:
            began = time.perf_counter()
            payloads = build_payloads(session, org, [(a, WEEK) for a in audiences])
            elapsed = time.perf_counter() - began
        engine.dispose()
    cards = sum(len(p.cards) for p in payloads)
    print(
        f"payloads: {len(payloads)} subscribers, {args.changes} changes in week {WEEK.id}, "
        f"{cards} cards, built in {elapsed:.2f} s"
    )
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
