"""``python -m bench.web``: the web view's page loads on a big generated store.

Issue 42's target: on a store of 100,000 merged changes over five years, p95 ≤ 150 ms
for the week, change, service and agents pages, on SQLite and on PostgreSQL; and 50
page loads at once over HTTP with no error (their p99 reported).

The store is generated, not ingested (a source's ingest would take an hour at this
size): an organisation of 8 teams owning 40 services in 8 repositories, 300 people
(AI agents and bots among them), ``--changes`` merged changes over five years with
2–6 files each and their CODEOWNERS owners, a review each, about 30,000 production
deploys linked to what they shipped, about 1,000 incidents and five subscribers. It
is written with SQLAlchemy core's bulk inserts, after the same migrations as any
store. The scores are those of the current scorer version in the stored format:
each change's and deploy's row is one of the sample organisation's, scored for real
by ``bot.composition.pipeline.score_all`` first (score, band, signals, gates, top signals),
carried over to the generated key with what the generated change was (service,
agent, review, owner counts, and its kind of work and lines of code, found from its title and
files as a scoring pass finds them). Then the planner's statistics, as a sync leaves them.

Then each page is loaded ``--loads`` times in-process through the WSGI app (the
first load of each page apart, to compile its template), over random weeks, keys,
services and teams; and ``CONCURRENT`` loads at once, ``ROUNDS`` times, through
``bot.runtime.server.HttpServer`` (waitress) on a free port, each from its own thread.

``--database-url`` names an empty database (PostgreSQL, or another SQLite file) to
generate into; the default is a SQLite file in a temporary folder, or ``--keep PATH``.
A store that already holds changes (a kept one) is timed as it is, not generated again.
Exit 1 when a target is missed, each said. Run by hand, never by ``make test``.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel
from werkzeug.test import Client

from bench.web_served import McpCall
from bot.answers.lookups import version_of
from bot.composition.pipeline import score_all
from bot.pages.app import PagesApp, PagesConfig
from bot.runtime.server import HttpServer
from briefing.week import IsoWeek
from data.config import OrgConfig, parse_org_config
from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.store.statistics import refresh_statistics
from data.store.tables import (
    Change,
    ChangeFile,
    Deploy,
    DeployChange,
    Incident,
    Person,
    Repository,
    ReviewRow,
    RiskScoreRow,
    Service,
    Team,
)
from scoring.change_files import code_lines_of
from scoring.facts import FileChange
from scoring.work_kind import classify_work

__all__ = ["PAGES", "TARGET_MS", "Figures", "generate", "main", "org_config", "org_toml"]

TARGET_MS = 150.0
CONCURRENT = 50
ROUNDS = 4
YEARS = 5
# The store's "now": a Thursday afternoon, so that this week has changes too.
NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)
# A week of a few hundred changes writes in a few chunks; bigger ones gain nothing.
_CHUNK = 5000

_TEAMS: dict[str, tuple[str, ...]] = {
    "commerce": ("payments", "checkout", "cart", "pricing", "invoicing"),
    "discovery": ("search", "catalog", "recommendations", "reviews", "media"),
    "platform": ("identity", "infra", "gateway", "config", "secrets"),
    "data": ("warehouse", "events", "reporting", "etl", "ml-features"),
    "mobile": ("ios-api", "android-api", "push", "offline-sync", "app-config"),
    "growth": ("experiments", "referrals", "onboarding", "emails", "landing"),
    "security": ("auth-audit", "fraud", "scanning", "keys", "policy"),
    "support": ("tickets", "chat", "knowledge", "status", "feedback"),
}
_AGENTS = (
    "copilot-swe-agent[bot]",
    "devin-ai-integration[bot]",
    "claude-code[bot]",
    "codex-agent[bot]",
    "cursor-agent[bot]",
    "jules-agent[bot]",
    "amazon-q-agent[bot]",
    "sweep-agent[bot]",
    "factory-droid[bot]",
    "openhands-agent[bot]",
    "aider-agent[bot]",
    "tabnine-agent[bot]",
)
_BOTS = (
    "dependabot[bot]",
    "renovate[bot]",
    "github-actions[bot]",
    "mergify[bot]",
    "snyk-bot",
    "release-bot",
    "pre-commit-ci[bot]",
    "imgbot[bot]",
)
_HUMANS_PER_TEAM = 35
_MODULES = ("api", "core", "store", "client", "handlers", "models", "jobs", "util", "tests")
_VERBS = ("Add", "Fix", "Refactor", "Tune", "Handle", "Clean up", "Speed up", "Log", "Remove")
_NOUNS = ("retries", "pagination", "cache keys", "timeouts", "validation", "metrics", "errors")

# Pages with a target, and the others timed alongside.
PAGES: tuple[tuple[str, bool], ...] = (
    ("week", True),
    ("change", True),
    ("service (12 weeks)", True),
    ("service (52 weeks)", True),
    ("agents", True),
    ("team", False),
    ("rows", False),
)


def _sql(model: type[SQLModel]) -> sa.Table:
    """A table class's core table, for bulk inserts and plain selects."""
    table: sa.Table = model.__table__  # type: ignore[attr-defined]
    return table


def _login(team: str, i: int) -> str:
    return f"{team[:3]}{i:02d}"


def org_config() -> OrgConfig:
    """The generated organisation's ``riskbrief.toml``: 8 teams, 40 services, 5 subscribers."""
    return parse_org_config(org_toml(), source="bench.web")


def org_toml() -> str:
    """The text of ``org_config``'s ``riskbrief.toml``, for a ``riskbrief serve`` to read."""
    lines = [
        "[organisation]",
        'name = "Benchcorp"',
        'timezone = "UTC"',
        "name_people = false",
        "",
    ]
    for team in _TEAMS:
        lines += [
            "[[repositories]]",
            f'name = "bench/{team}"',
            f'url = "https://github.com/bench/{team}"',
            "",
        ]
    for team, services in _TEAMS.items():
        for s in services:
            lines += [
                "[[services]]",
                f'key = "{s}"',
                f'name = "{s.replace("-", " ").title()}"',
                f'repository = "bench/{team}"',
                f'paths = ["services/{s}/**"]',
                "",
            ]
    for team, services in _TEAMS.items():
        members = ", ".join(f'"{_login(team, i)}"' for i in range(_HUMANS_PER_TEAM))
        lines += [
            "[[teams]]",
            f'key = "{team}"',
            f'name = "{team.title()}"',
            f"services = [{', '.join(f'{s!r}'.replace(chr(39), chr(34)) for s in services)}]",
            f"members = [{members}]",
            "",
        ]
    subscribers = (
        ("vp", "America/New_York", "", ""),
        ("commerce-lead", "Europe/Berlin", '"commerce"', ""),
        ("data-lead", "Asia/Kolkata", '"data"', ""),
        ("mobile-lead", "Europe/London", '"mobile", "growth"', ""),
        ("payments-oncall", "UTC", "", '"payments", "fraud"'),
    )
    for key, zone, scope_teams, scope_services in subscribers:
        lines += [
            "[[subscribers]]",
            f'key = "{key}"',
            f'email = "{key}@bench.example"',
            f'timezone = "{zone}"',
        ]
        if scope_teams:
            lines.append(f"teams = [{scope_teams}]")
        if scope_services:
            lines.append(f"services = [{scope_services}]")
        lines.append("")
    return "\n".join(lines)


# -- the store ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Generated:
    """What was written, and how long it took."""

    changes: int
    files: int
    deploys: int
    incidents: int
    people: int
    seconds: float
    reused: bool = False


def _templates() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The sample organisation's stored change and deploy scores, scored for real."""
    columns = ("score", "band", "signals", "gates", "top_signals", "context_points")
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'sample.db'}")
        upgrade(engine)
        org = sample_org_config()
        with session_scope(engine) as session:
            sync_org(session, org)
        load_sample(engine, org, as_of=NOW.date())
        with session_scope(engine) as session:
            score_all(session, org)
        table = _sql(RiskScoreRow)
        with engine.connect() as conn:
            rows = conn.execute(
                sa.select(table.c.subject_kind, *(table.c[c] for c in columns)).order_by(table.c.id)
            ).all()
        engine.dispose()
    changes = [dict(zip(columns, r[1:], strict=True)) for r in rows if r[0] == "change"]
    deploys = [dict(zip(columns, r[1:], strict=True)) for r in rows if r[0] == "deploy"]
    return changes, deploys


def _insert(conn: sa.Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), _CHUNK):
        conn.execute(sa.insert(table), rows[start : start + _CHUNK])


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def generate(engine: Engine, org: OrgConfig, changes: int, seed: int = 42) -> Generated:
    """Write the organisation's people and ``changes`` merged changes over five years, with
    files, reviews, deploys, incidents and scores of the current version, into ``engine``."""
    started = time.perf_counter()
    rng = random.Random(seed)
    change_templates, deploy_templates = _templates()
    version = version_of(org)
    with session_scope(engine) as session:
        sync_org(session, org)
    with engine.begin() as conn:
        teams = dict(conn.execute(sa.select(_sql(Team).c.key, _sql(Team).c.id)).all())
        services = dict(conn.execute(sa.select(_sql(Service).c.key, _sql(Service).c.id)).all())
        repos = dict(conn.execute(sa.select(_sql(Repository).c.name, _sql(Repository).c.id)).all())
        people: list[dict[str, Any]] = []
        for team in _TEAMS:
            people += [
                {
                    "login": _login(team, i),
                    "display_name": f"{team.title()} Engineer {i}",
                    "kind": "human",
                    "team_id": teams[team],
                }
                for i in range(_HUMANS_PER_TEAM)
            ]
        people += [
            {"login": login, "display_name": login, "kind": kind, "team_id": None}
            for kind, logins in (("agent", _AGENTS), ("bot", _BOTS))
            for login in logins
        ]
        _insert(conn, _sql(Person), people)
        person_id = dict(conn.execute(sa.select(_sql(Person).c.login, _sql(Person).c.id)).all())
        team_of = {s: t for t, ss in _TEAMS.items() for s in ss}
        all_services = list(team_of)
        # A few services are busier than others, as in any organisation.
        weights = [rng.lognormvariate(0, 0.5) for _ in all_services]
        start = NOW - timedelta(days=365 * YEARS)
        span = (NOW - start).total_seconds()
        times = sorted(start + timedelta(seconds=rng.random() * span) for _ in range(changes))
        numbers = dict.fromkeys(_TEAMS, 1000)
        change_rows: list[dict[str, Any]] = []
        file_rows: list[dict[str, Any]] = []
        review_rows: list[dict[str, Any]] = []
        score_rows: list[dict[str, Any]] = []
        by_service: dict[str, list[tuple[datetime, int]]] = {s: [] for s in all_services}
        for change_id, merged in enumerate(times, start=1):
            service = rng.choices(all_services, weights)[0]
            team = team_of[service]
            numbers[team] += 1
            number = numbers[team]
            draw = rng.random()
            if draw < 0.08:
                author, kind = rng.choice(_AGENTS), "agent"
            elif draw < 0.12:
                author, kind = rng.choice(_BOTS), "bot"
            else:
                home = team if draw < 0.97 else rng.choice(list(_TEAMS))
                author, kind = _login(home, rng.randrange(_HUMANS_PER_TEAM)), "human"
            co_agent = kind == "human" and rng.random() < 0.06
            reviewed = rng.choices((True, False, None), (0.85, 0.1, 0.05))[0]
            key = f"bench/{team}#{number}"
            sha = _sha(rng)
            title = f"{rng.choice(_VERBS)} {rng.choice(_NOUNS)} in {service}"
            change_rows.append(
                {
                    "id": change_id,
                    "key": key,
                    "repository_id": repos[f"bench/{team}"],
                    "number": number,
                    "sha": sha,
                    "title": title,
                    "url": f"https://github.com/bench/{team}/pull/{number}",
                    "author_id": person_id[author],
                    "merged_by_id": person_id[_login(team, rng.randrange(_HUMANS_PER_TEAM))],
                    "opened_at": merged - timedelta(hours=rng.uniform(0.5, 96)),
                    "merged_at": merged,
                    "updated_at": merged,
                    "state": "merged",
                    "base_branch": "main",
                    "head_branch": f"{author}/change-{number}",
                    "labels": [],
                    "co_authors": ["copilot"] if co_agent else [],
                    "co_authored_by_agent": co_agent,
                    "ci_status": "success",
                    "review_comments": rng.randrange(6),
                    "reviews_known": reviewed is not None,
                }
            )
            if reviewed:
                review_rows.append(
                    {
                        "change_id": change_id,
                        "reviewer_id": person_id[_login(team, rng.randrange(_HUMANS_PER_TEAM))],
                        "state": "approved",
                        "submitted_at": merged - timedelta(minutes=rng.uniform(5, 600)),
                        "comments": rng.randrange(4),
                    }
                )
            known = covered = 0
            touched: list[FileChange] = []
            for n in range(rng.randint(2, 6)):
                # One change in ten also touches another service's code.
                other = n == 0 and rng.random() < 0.1
                where = rng.choice(all_services) if other else service
                owner_draw = rng.random()
                owners: list[str] | None
                if owner_draw < 0.75:
                    owners = [f"@bench/{team_of[where]}"]
                elif owner_draw < 0.85:
                    owners = [f"@{_login(team_of[where], rng.randrange(_HUMANS_PER_TEAM))}"]
                elif owner_draw < 0.95:
                    owners = []
                else:
                    owners = None
                known += owners is not None
                covered += bool(owners)
                added = int(rng.lognormvariate(3, 1.2))
                path = f"services/{where}/{rng.choice(_MODULES)}/m{rng.randrange(40)}.py"
                touched.append(FileChange(path, added, int(added * rng.random())))
                file_rows.append(
                    {
                        "change_id": change_id,
                        "path": path,
                        "added": added,
                        "deleted": touched[-1].deleted,
                        "change_type": "modified",
                        "service_id": services[where],
                        "owners": owners,
                    }
                )
            template = rng.choice(change_templates)
            score_rows.append(
                template
                | {
                    "subject_kind": "change",
                    "subject_key": key,
                    "scorer_version": version,
                    "computed_at": merged + timedelta(minutes=5),
                    "service": service,
                    "owner_files_known": known,
                    "owner_files_covered": covered,
                    "agent_involved": kind == "agent" or co_agent,
                    "human_reviewed": reviewed,
                    # What the scorer keeps of this change, as a scoring pass would.
                    "work_kind": classify_work(title, (), [f.path for f in touched]).kind.value,
                    "source_lines": sum(sum(code_lines_of(f)) for f in touched),
                }
            )
            by_service[service].append((merged, change_id))
        _insert(conn, _sql(Change), change_rows)
        _insert(conn, _sql(ChangeFile), file_rows)
        _insert(conn, _sql(ReviewRow), review_rows)
        files = len(file_rows)
        del change_rows, file_rows, review_rows
        # About 30,000 deploys: each service ships a few times a week what merged since.
        deploy_rows: list[dict[str, Any]] = []
        link_rows: list[dict[str, Any]] = []
        per_service = max(1, round(30_000 / len(all_services)))
        deploy_id = 0
        for service in all_services:
            merged_list = by_service[service]
            cursor = 0
            at_list = sorted(
                start + timedelta(seconds=rng.random() * span) for _ in range(per_service)
            )
            for finished in at_list:
                deploy_id += 1
                deploy_key = f"deploy:{service}:{finished:%Y-%m-%dT%H:%M:%S}:{deploy_id}"
                deploy_rows.append(
                    {
                        "id": deploy_id,
                        "key": deploy_key,
                        "service_id": services[service],
                        "environment": "production",
                        "sha": _sha(rng),
                        "started_at": finished - timedelta(minutes=rng.uniform(2, 20)),
                        "finished_at": finished,
                        "status": "success" if rng.random() < 0.95 else "failure",
                        "source": "bench",
                    }
                )
                while cursor < len(merged_list) and merged_list[cursor][0] < finished:
                    link_rows.append({"deploy_id": deploy_id, "change_id": merged_list[cursor][1]})
                    cursor += 1
                template = rng.choice(deploy_templates)
                score_rows.append(
                    template
                    | {
                        "subject_kind": "deploy",
                        "subject_key": deploy_key,
                        "scorer_version": version,
                        "computed_at": finished,
                        "service": None,
                        "top_signals": template["top_signals"],
                        "owner_files_known": 0,
                        "owner_files_covered": 0,
                        "agent_involved": False,
                        "human_reviewed": None,
                        # A deploy has no kind of work; every row of one insert names each column.
                        "work_kind": None,
                        "source_lines": None,
                    }
                )
        _insert(conn, _sql(Deploy), deploy_rows)
        _insert(conn, _sql(DeployChange), link_rows)
        _insert(conn, _sql(RiskScoreRow), score_rows)
        del score_rows, link_rows
        incident_rows = []
        for n, deploy in enumerate(rng.sample(deploy_rows, min(1000, len(deploy_rows)))):
            opened = deploy["finished_at"] + timedelta(minutes=rng.uniform(10, 300))
            if opened >= NOW:
                continue
            incident_rows.append(
                {
                    "key": f"INC-{10000 + n}",
                    "service_id": deploy["service_id"],
                    "title": f"Errors after deploy of {deploy['key'].split(':')[1]}",
                    "opened_at": opened,
                    "resolved_at": opened + timedelta(minutes=rng.uniform(15, 240)),
                    "severity": rng.choice(("sev1", "sev2", "sev3", "sev3")),
                    "source": "bench",
                    # One in five is not linked to the deploy that likely caused it.
                    "deploy_id": deploy["id"] if rng.random() < 0.8 else None,
                }
            )
        _insert(conn, _sql(Incident), incident_rows)
        if conn.dialect.name == "postgresql":
            # The ids were given, not drawn: move the sequences past them.
            for table in ("change", "deploy"):
                conn.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                        f'(SELECT max(id) FROM "{table}"))'
                    )
                )
    if engine.dialect.name == "postgresql":
        # Fresh statistics, as autovacuum would have gathered on a store that grew slowly.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    else:
        # One transaction of half a gigabyte leaves it all in the write-ahead log, which every
        # read then searches; a store that grew week by week has it checkpointed. Then the
        # planner's statistics, as the product's sync refreshes them after it writes: without
        # them SQLite walks every change's score for a week's shipped changes (0.6 s a page).
        with engine.connect() as conn:
            conn.execute(sa.text("PRAGMA wal_checkpoint(TRUNCATE)"))
        refresh_statistics(engine)
    return Generated(
        changes=changes,
        files=files,
        deploys=len(deploy_rows),
        incidents=len(incident_rows),
        people=len(people),
        seconds=time.perf_counter() - started,
    )


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


# -- the pages ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Figures:
    """Load times of one page, in milliseconds."""

    page: str
    times: tuple[float, ...]
    target: bool

    def quantile(self, q: float) -> float:
        ordered = sorted(self.times)
        return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]

    @property
    def met(self) -> bool:
        return not self.target or self.quantile(0.95) <= TARGET_MS


class _Paths:
    """Random page addresses over the generated store."""

    def __init__(self, engine: Engine, rng: random.Random) -> None:
        self.rng = rng
        with engine.connect() as conn:
            self.keys = list(conn.execute(sa.select(_sql(Change).c.key)).scalars())
        last = IsoWeek.of(NOW.date())
        weeks = [last]
        # Five years of weeks, less the first few (which have no week before them).
        while len(weeks) < 52 * YEARS - 4:
            weeks.append(weeks[-1].previous())
        self.weeks = [w.id for w in weeks]
        self.services = [s for ss in _TEAMS.values() for s in ss]

    def of(self, page: str) -> str:
        rng = self.rng
        if page == "week":
            return f"/web/week/{rng.choice(self.weeks)}"
        if page == "change":
            return "/web/change/" + quote(rng.choice(self.keys), safe="/")
        if page == "service (12 weeks)":
            return f"/web/service/{rng.choice(self.services)}?weeks=12"
        if page == "service (52 weeks)":
            return f"/web/service/{rng.choice(self.services)}?weeks=52"
        if page == "agents":
            return f"/web/agents?week={rng.choice(self.weeks)}"
        if page == "team":
            return f"/web/team/{rng.choice(list(_TEAMS))}"
        if page == "rows":
            return f"/web/rows/{rng.choice(self.weeks)}"
        raise ValueError(page)


def time_pages(app: PagesApp, paths: _Paths, loads: int) -> list[Figures]:
    """``loads`` loads of each page in-process, after one load of each to warm it."""
    client = Client(app)
    out = []
    for page, target in PAGES:
        warm = client.get(paths.of(page))
        if warm.status_code != 200:
            raise RuntimeError(f"{page}: {warm.status_code} on warming")
        times = []
        for _ in range(loads):
            path = paths.of(page)
            began = time.perf_counter()
            response = client.get(path)
            body = response.get_data()
            times.append((time.perf_counter() - began) * 1000)
            if response.status_code != 200 or not body:
                raise RuntimeError(f"{path} answered {response.status_code}")
        out.append(Figures(page, tuple(times), target))
    return out


@contextmanager
def _served(app: PagesApp) -> Iterator[str]:
    server = HttpServer(app, "127.0.0.1", 0, threads=CONCURRENT)
    runner = threading.Thread(target=server.run, daemon=True)
    runner.start()
    try:
        yield server.url
    finally:
        server.stop()
        runner.join(10)


def concurrent_loads(app: PagesApp, paths: _Paths) -> tuple[Figures, list[str]]:
    """``CONCURRENT`` loads at once of the target pages, ``ROUNDS`` times, over HTTP."""
    pages = [p for p, target in PAGES if target]
    times: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    with _served(app) as base, httpx.Client(base_url=base, timeout=120) as http:
        for _ in range(ROUNDS):
            wanted = [paths.of(pages[i % len(pages)]) for i in range(CONCURRENT)]
            gate = threading.Barrier(CONCURRENT)

            def load(path: str, gate: threading.Barrier = gate) -> None:
                gate.wait()
                began = time.perf_counter()
                try:
                    response = http.get(path)
                    ok = response.status_code == 200 and bool(response.content)
                    said = f"{path}: {response.status_code}"
                except httpx.HTTPError as exc:
                    ok, said = False, f"{path}: {type(exc).__name__} {exc}"
                elapsed = (time.perf_counter() - began) * 1000
                with lock:
                    times.append(elapsed)
                    if not ok:
                        errors.append(said)

            threads = [threading.Thread(target=load, args=(p,)) for p in wanted]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
    return Figures(f"{CONCURRENT} at once", tuple(times), False), errors


def _table(figures: list[Figures], burst: Figures, errors: list[str]) -> str:
    rows = [
        "| page | loads | p50 ms | p95 ms | p99 ms | max ms | target p95 ≤ 150 ms |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for f in [*figures, burst]:
        if f is burst:
            verdict = "no error" if not errors else f"{len(errors)} errors"
        else:
            verdict = ("met" if f.met else "**missed**") if f.target else "–"
        rows.append(
            f"| {f.page} | {len(f.times)} | {f.quantile(0.5):.0f} | {f.quantile(0.95):.0f} "
            f"| {f.quantile(0.99):.0f} | {max(f.times):.0f} | {verdict} |"
        )
    return "\n".join(rows)


def run(
    engine: Engine,
    changes: int,
    loads: int,
    seed: int,
    say: Callable[[str], None] = print,
    workers: int | None = None,
    only_served: bool = False,
) -> int:
    """Generate (unless held already), time, print; 0 when every target is met, else 1.

    With ``workers``, also time ``CONCURRENT`` readers of the web view and of MCP through
    ``riskbrief serve`` with 1 worker and with ``workers`` (``bench.web_served``); with
    ``only_served``, only that."""
    org = org_config()
    upgrade(engine)
    held = _count(engine, _sql(Change))
    if held:
        made = Generated(
            held,
            _count(engine, _sql(ChangeFile)),
            _count(engine, _sql(Deploy)),
            _count(engine, _sql(Incident)),
            _count(engine, _sql(Person)),
            0.0,
            reused=True,
        )
        say(f"store reused: {held} changes already in it")
    else:
        made = generate(engine, org, changes, seed)
        say(
            f"store generated in {made.seconds:.1f} s: {made.changes} changes, {made.files} "
            f"files, {made.deploys} deploys, {made.incidents} incidents, {made.people} people"
        )
    paths = _Paths(engine, random.Random(seed))
    missed: list[str] = []
    if not only_served:
        missed += _in_process(engine, org, paths, loads, made, say)
    if workers is not None:
        missed += _through_serve(engine, paths, workers, say)
    for m in missed:
        say(f"target missed: {m}")
    return 1 if missed else 0


def _in_process(
    engine: Engine,
    org: OrgConfig,
    paths: _Paths,
    loads: int,
    made: Generated,
    say: Callable[[str], None],
) -> list[str]:
    """Issue 42's figures: each page in-process, and ``CONCURRENT`` at once over waitress."""
    app = PagesApp(engine, org, PagesConfig(open=True), clock=lambda: NOW)
    # The bench's own 100,000 keys are not the server's heap, and a server freezes what it
    # built at start-up (`bot.runtime.serve`): so the collector walks neither while pages are timed.
    gc.freeze()
    figures = time_pages(app, paths, loads)
    burst, errors = concurrent_loads(app, paths)
    say(f"\n{engine.dialect.name}, {made.changes} changes:\n")
    say(_table(figures, burst, errors))
    missed = [f"{f.page}: p95 {f.quantile(0.95):.0f} ms" for f in figures if not f.met]
    if errors:
        missed.append(f"{len(errors)} of {len(burst.times)} concurrent loads failed: {errors[:3]}")
    return missed


def _mcp_call(paths: _Paths) -> McpCall:
    """A random MCP tool call over the generated store: a change, a service's week, a briefing."""
    rng = paths.rng
    kind = rng.randrange(3)
    if kind == 0:
        return ("change_risk", {"change": rng.choice(paths.keys)})
    if kind == 1:
        return (
            "service_record",
            {"service": rng.choice(paths.services), "week": rng.choice(paths.weeks)},
        )
    return ("briefing", {"week": rng.choice(paths.weeks)})


def _through_serve(
    engine: Engine, paths: _Paths, workers: int, say: Callable[[str], None]
) -> list[str]:
    """Issue 51's figures: the web view and MCP at ``CONCURRENT`` readers through
    ``riskbrief serve`` with 1 worker and with ``workers``."""
    from bench.web_served import table, time_served

    if engine.dialect.name != "postgresql" and workers > 1:
        return [f"--workers {workers} needs a PostgreSQL store (--database-url postgresql://…)"]
    targets = [p for p, target in PAGES if target]
    lock = threading.Lock()

    def page() -> str:
        with lock:
            return paths.of(paths.rng.choice(targets))

    def call() -> McpCall:
        with lock:
            return _mcp_call(paths)

    url = engine.url.render_as_string(hide_password=False)
    counts = (1, workers) if workers > 1 else (1,)
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "riskbrief.toml"
        config.write_text(org_toml(), encoding="utf-8")
        bursts = time_served(url, config, counts, page, call, say=say)
    say(f"\n{engine.dialect.name}, served by riskbrief serve --role web:\n")
    say(table(bursts))
    return [
        f"{b.reader} with {b.workers} workers: p99 {b.quantile(0.99):.0f} ms, "
        f"{len(b.errors)} errors {list(b.errors[:3])}"
        for b in bursts
        if not b.met
    ]


def main(argv: list[str] | None = None) -> int:
    """Generate the store, time the pages, print the table; exit 1 when a target is missed."""
    parser = argparse.ArgumentParser(prog="python -m bench.web", description=__doc__)
    parser.add_argument("--changes", type=int, default=100_000)
    parser.add_argument("--loads", type=int, default=40, help="loads of each page (≥ 30)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--database-url", help="an empty database to generate into")
    parser.add_argument("--keep", type=Path, help="the SQLite file to generate into and keep")
    parser.add_argument(
        "--workers",
        type=int,
        help="also time 50 readers of the web view and of MCP through `riskbrief serve` with "
        "1 worker and with this many (PostgreSQL)",
    )
    parser.add_argument(
        "--only-served", action="store_true", help="with --workers, time only through serve"
    )
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be 1 or more")
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{args.keep or Path(folder) / 'web.db'}"
        engine = make_engine(url)
        try:
            return run(
                engine,
                args.changes,
                args.loads,
                args.seed,
                workers=args.workers,
                only_served=args.only_served,
            )
        finally:
            engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
