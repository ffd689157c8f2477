"""Scoring a proposed change against a store of 100k merged changes: read once, then assess.

Run with ``python -m bench.proposed [--changes N] [--proposals M] [--database URL]``.
A temporary SQLite store (or the URL given, which must be migrated and empty) is
filled with ``bench.scoring``'s synthetic changes (about five files each, over
40 services, with reviews, incidents and production deploys), then the history
is read from it as ``riskbrief check`` reads it (``data.store.history.read_history``)
and ``scoring.proposal.assess`` scores ``M`` proposed changes, each drawn as the
synthetic history draws its changes. Target: one assessment ≤ 200 ms (p95)
after the history is read. CPU time is printed beside wall time because the
machines it runs on are shared.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col

from bench.scoring import synthetic_changes
from data.config import OrgConfig, parse_org_config
from data.store.engine import make_engine, session_scope
from data.store.history import read_history
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.store.tables import Change, ChangeFile, Deploy, Incident, Person, Repository, ReviewRow
from data.store.tables import Service as ServiceRow
from scoring.proposal import assess

__all__ = ["main"]

_SERVICES = 40
_CHUNK = 20_000


def _org() -> OrgConfig:
    """One repository ``r`` whose services are the synthetic history's ``svcN`` folders."""
    services = "".join(
        f'[[services]]\nkey = "svc{i}"\nrepository = "r"\npaths = ["svc{i}/**"]\n'
        for i in range(_SERVICES)
    )
    return parse_org_config(f'[[repositories]]\nname = "r"\n{services}')


def _fill(url: str, org: OrgConfig, n: int) -> datetime:
    """Write ``n`` synthetic changes, their files and reviews, incidents and deploys; the last
    merge time."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        sync_org(session, org)
        repo_id = session.execute(sa.select(col(Repository.id))).scalar_one()
        found = session.execute(sa.select(col(ServiceRow.key), col(ServiceRow.id)))
        service_ids: dict[str, int] = {row[0]: row[1] for row in found}
    people: dict[str, int] = {}
    changes: list[dict[str, Any]] = []
    files: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    last = datetime(2020, 1, 1, tzinfo=UTC)
    for i, c in enumerate(synthetic_changes(n), start=1):
        for login in (c.author, *(r.reviewer for r in c.reviews)):
            people.setdefault(login, len(people) + 1)
        changes.append(
            {
                "id": i,
                "key": c.key,
                "repository_id": repo_id,
                "number": i,
                "title": c.title,
                "author_id": people[c.author],
                "opened_at": c.opened_at,
                "merged_at": c.merged_at,
                "labels": ["bug"] if c.is_fix else [],
                "co_authors": [],
                "is_revert": False,
                "is_hotfix": False,
                "co_authored_by_agent": c.author_is_agent,
            }
        )
        files.extend(
            {
                "change_id": i,
                "path": f.path,
                "added": f.added,
                "deleted": f.deleted,
                "service_id": service_ids[f.service] if f.service else None,
                "owners": list(f.owners) if f.owners is not None else None,
            }
            for f in c.files
        )
        reviews.extend(
            {
                "change_id": i,
                "reviewer_id": people[r.reviewer],
                "state": r.state.value,
                "submitted_at": r.submitted_at,
            }
            for r in c.reviews
        )
        last = c.merged_at
    rng = random.Random(3)
    first = changes[0]["merged_at"] if changes else last
    span = max(1.0, (last - first).total_seconds())
    incidents = [
        {
            "key": f"INC-{k}",
            "service_id": service_ids[f"svc{rng.randrange(_SERVICES)}"],
            "title": "outage",
            "opened_at": first + timedelta(seconds=rng.random() * span),
        }
        for k in range(max(1, n // 2_000))
    ]
    deploys = [
        {
            "key": f"deploy-{k}",
            "service_id": service_ids[f"svc{rng.randrange(_SERVICES)}"],
            "environment": "production",
            "finished_at": first + timedelta(seconds=rng.random() * span),
            "status": "success" if rng.random() < 0.9 else "failure",
            "source": "bench",
        }
        for k in range(max(1, n // 50))
    ]
    person_rows = [{"id": pid, "login": login, "kind": "human"} for login, pid in people.items()]
    with session_scope(engine) as session:
        for table, rows in (
            (Person, person_rows),
            (Change, changes),
            (ChangeFile, files),
            (ReviewRow, reviews),
            (Incident, incidents),
            (Deploy, deploys),
        ):
            for start in range(0, len(rows), _CHUNK):
                session.execute(sa.insert(table), rows[start : start + _CHUNK])
    engine.dispose()
    return last


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def run(url: str, n: int, proposals: int) -> None:
    """Fill the store, read its history, assess ``proposals`` changes; print the figures."""
    org = _org()
    began = time.perf_counter()
    last = _fill(url, org, n)
    print(f"fill                    {n:>10,} changes in {time.perf_counter() - began:.1f} s")
    engine = make_engine(url)
    cpu, wall = time.process_time(), time.perf_counter()
    with session_scope(engine) as session:
        stored = read_history(session, org, now=last + timedelta(hours=1))
    read_wall, read_cpu = time.perf_counter() - wall, time.process_time() - cpu
    engine.dispose()
    print(
        f"read history            {read_wall:>10.2f} s wall, {read_cpu:.2f} s CPU "
        f"({stored.changes:,} changes, {stored.incidents} incidents, {stored.deploys} deploys)"
    )
    at = last + timedelta(hours=1)
    walls: list[float] = []
    cpus: list[float] = []
    advice = 0
    for i, c in enumerate(synthetic_changes(proposals, seed=7)):
        change = replace(c, key=f"r@{i:012x}", merged_at=at, reviews=(), reviews_known=False)
        cpu, wall = time.process_time(), time.perf_counter()
        a = assess(change, stored.history, stored.config)
        walls.append(1000 * (time.perf_counter() - wall))
        cpus.append(1000 * (time.process_time() - cpu))
        advice += len(a.advice)
    print(
        f"proposals assessed      {proposals:>10,} ({advice / max(1, proposals):.1f} advice each)"
    )
    print(
        f"assess, wall ms         p50 {statistics.median(walls):.2f}  "
        f"p95 {_percentile(walls, 0.95):.2f}  max {max(walls):.2f}"
    )
    print(
        f"assess, CPU ms          p50 {statistics.median(cpus):.2f}  "
        f"p95 {_percentile(cpus, 0.95):.2f}  max {max(cpus):.2f}"
    )
    verdict = "met" if _percentile(walls, 0.95) <= 200 else "MISSED"
    print(f"target p95 <= 200 ms    {verdict}")


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments and run the bench on a temporary SQLite store or the URL given."""
    parser = argparse.ArgumentParser(prog="python -m bench.proposed", description=__doc__)
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--proposals", type=int, default=500)
    parser.add_argument("--database", default=None, help="a migrated, empty store's URL")
    args = parser.parse_args(argv)
    if args.database:
        run(args.database, args.changes, args.proposals)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{Path(tmp) / 'bench.db'}", args.changes, args.proposals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
