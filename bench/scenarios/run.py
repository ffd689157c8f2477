"""Write a planned organisation to disk and brief it through the product's own commands.

``write_org`` makes the clone (``git fast-import``), the deploys and incidents
CSV files and ``riskbrief.toml``; ``brief_org`` runs ``riskbrief db upgrade``,
``sync``, ``score`` and ``brief --week`` for every week (the click commands,
in this process, with the environment a user would set) and reads the
recorded briefings back from the store.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from bench.scenarios.org import (
    AGENTS,
    FIRST_MONDAY,
    PEOPLE,
    SERVICES,
    TEAMS,
    OrgPlan,
    Pr,
    monday,
)
from bench.scenarios.repo import Commit, FastImportRepo
from scoring.card_terms import CardKind, Severity

__all__ = ["CardSeen", "WeekSaid", "brief_org", "week_said", "write_org"]

SUBSCRIBERS: dict[str, tuple[str, ...]] = {
    "vp": (),
    "commerce-lead": ("commerce",),
    "discovery-lead": ("discovery",),
    "platform-lead": ("platform",),
}


@dataclass(frozen=True, slots=True)
class CardSeen:
    """A card of a recorded briefing."""

    subscriber: str
    week: int
    kind: CardKind
    severity: Severity
    subject: str | None
    title: str
    # Kinds of cards whose story this one tells too (one story, one card).
    folded: tuple[CardKind, ...] = ()

    def tells(self, kind: CardKind) -> bool:
        """Whether this card tells a story of ``kind``, as its own or folded into it."""
        return kind is self.kind or kind in self.folded


def _branch_commits(pr: Pr) -> list[Commit]:
    """The PR's commits as its author's tool writes them; the first carries most of it."""
    author = pr.author
    message = pr.title
    if pr.kind == "copilot":
        message += f"\n\n{AGENTS['copilot']}"
    elif pr.kind == "claude":
        message += f"\n\n{AGENTS['claude']}"
    elif pr.kind == "copilot_agent":
        author = AGENTS["copilot_agent"]
        message = (
            f"Initial plan\n\nCo-authored-by: {pr.author.split(' <')[0]} <{pr.author.split('<')[1]}"
        )
    at = pr.merged_at - timedelta(hours=3)
    paths = list(pr.files)
    if len(paths) == 1 or pr.revert_of is not None or pr.kind == "dependabot":
        return [Commit(author, at, message, dict(pr.files))]
    head, rest = paths[: len(paths) // 2 + 1], paths[len(paths) // 2 + 1 :]
    return [
        Commit(author, at, message, {p: pr.files[p] for p in head}),
        Commit(
            author,
            at + timedelta(hours=1),
            "Address review comments",
            {p: pr.files[p] for p in rest},
        ),
    ]


def write_org(plan: OrgPlan, root: Path) -> Path:
    """Write ``plan`` under ``root``: ``shop`` (the clone), CSV files and riskbrief.toml."""
    repo = FastImportRepo(root / "shop")
    first_at, first_text = plan.codeowners[0]
    seed = {f"{s}/{m}.py": (40, 0) for s in SERVICES for m in ("api", "core", "store")}
    seed[".github/CODEOWNERS"] = (0, 0)
    repo.direct(
        Commit(
            PEOPLE["platform"][0],
            first_at,
            "Initial import",
            seed,
            {".github/CODEOWNERS": first_text},
        )
    )
    events: list[tuple[datetime, int, Pr | str]] = [(p.merged_at, p.number, p) for p in plan.prs]
    events += [(at, 0, text) for at, text in plan.codeowners[1:]]
    merges: dict[int, tuple[int, int]] = {}
    for at, _, item in sorted(events, key=lambda e: (e[0], e[1])):
        if isinstance(item, str):
            repo.direct(
                Commit(
                    PEOPLE["platform"][1],
                    at,
                    "Update CODEOWNERS",
                    {".github/CODEOWNERS": (0, 0)},
                    {".github/CODEOWNERS": item},
                )
            )
            continue
        pr = item
        if pr.revert_of is not None:
            merge, parent = merges[pr.revert_of]
            reverted = next(p for p in plan.prs if p.number == pr.revert_of)
            message = (
                f'Revert "Merge pull request #{reverted.number} from acme/{reverted.branch}"\n\n'
                f"This reverts commit {{sha:{merge}}}, reversing\nchanges made to {{sha:{parent}}}."
            )
            commits = [
                Commit(pr.author, pr.merged_at - timedelta(hours=1), message, dict(pr.files))
            ]
        else:
            commits = _branch_commits(pr)
        base = repo.main_tip
        merger = pr.author if pr.kind == "human" else PEOPLE[SERVICES[pr.service]][0]
        mark, _ = repo.merge_pr(pr.number, pr.branch, commits, pr.merged_at, pr.title, merger)
        assert base is not None
        merges[pr.number] = (mark, base)
    repo.close()
    with (root / "deploys.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "service", "environment", "status", "finished_at"])
        for d in plan.deploys:
            w.writerow([d.key, d.service, "production", d.status, d.finished_at.isoformat()])
    with (root / "incidents.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["key", "service", "title", "opened_at", "resolved_at", "severity"])
        for i in plan.incidents:
            w.writerow(
                [
                    i.key,
                    i.service,
                    i.title,
                    i.opened_at.isoformat(),
                    i.resolved_at.isoformat(),
                    "sev2",
                ]
            )
    (root / "riskbrief.toml").write_text(_toml(plan, root))
    return root


def _toml(plan: OrgPlan, root: Path) -> str:
    lines = [
        "[organisation]",
        'name = "Acme"',
        'timezone = "UTC"',
        "",
        "[[repositories]]",
        'name = "acme/shop"',
        f'path = "{root / "shop"}"',
        "",
    ]
    for service in SERVICES:
        lines += [
            "[[services]]",
            f'key = "{service}"',
            'repository = "acme/shop"',
            f'paths = ["{service}/**"]',
            "",
        ]
    for team, services in TEAMS.items():
        lines += ["[[teams]]", f'key = "{team}"', f"services = {json.dumps(list(services))}", ""]
    for key, teams in SUBSCRIBERS.items():
        lines += [
            "[[subscribers]]",
            f'key = "{key}"',
            f'name = "{key}"',
            f'email = "{key}@acme.example"',
            'timezone = "UTC"',
            f"teams = {json.dumps(list(teams))}",
            "",
        ]
    lines += [
        "[sources]",
        "first_sync_days = 3650",
        "",
        "[[sources.files]]",
        'path = "deploys.csv"',
        'kind = "deploys"',
        "",
        "[[sources.files]]",
        'path = "incidents.csv"',
        'kind = "incidents"',
        "",
        "[scoring]",
        f"holidays = {json.dumps([d.isoformat() for d in plan.holidays])}",
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class WeekSaid:
    """What one recorded briefing said beyond its cards: its headline and what it named."""

    headline: str
    # Titles of the very-high-risk changes it lists, and services of its very-high deploys.
    very_high_changes: tuple[str, ...]
    very_high_deploys: tuple[str, ...]


def week_said(root: Path, week: int, subscriber: str = "vp") -> WeekSaid | None:
    """The recorded briefing of ``subscriber`` for week index ``week``, if any."""
    iso = monday(week).isocalendar()
    with sqlite3.connect(root / "riskbrief.db") as conn:
        row = conn.execute(
            "SELECT b.payload, b.narrative FROM briefing b"
            " JOIN subscriber s ON s.id = b.subscriber_id WHERE s.key = ? AND b.week = ?",
            (subscriber, f"{iso.year}-W{iso.week:02d}"),
        ).fetchone()
    if row is None:
        return None
    payload, narrative = (json.loads(x) if isinstance(x, str) else x for x in row)
    return WeekSaid(
        headline=str(narrative.get("headline", "")),
        very_high_changes=tuple(
            c["title"] for c in payload.get("top_changes", ()) if c.get("band") == "critical"
        ),
        very_high_deploys=tuple(
            d["service"] for d in payload.get("risky_deploys", ()) if d.get("band") == "critical"
        ),
    )


def _riskbrief(*args: str) -> None:
    from bot.cli import main

    main.main(args=list(args), prog_name="riskbrief", standalone_mode=False)


def brief_org(root: Path, weeks: range) -> list[CardSeen]:
    """Sync, score and brief the organisation at ``root`` for ``weeks``; every card recorded."""
    db = root / "riskbrief.db"
    env = {
        "RISKBRIEF_DATABASE_URL": f"sqlite:///{db}",
        "RISKBRIEF_CONFIG": str(root / "riskbrief.toml"),
    }
    saved = {k: os.environ.get(k) for k in (*env, "ANTHROPIC_API_KEY")}
    os.environ.update(env)
    os.environ.pop("ANTHROPIC_API_KEY", None)
    try:
        _riskbrief("db", "upgrade")
        _riskbrief("sync")
        _riskbrief("score")
        for week in weeks:
            iso = monday(week).isocalendar()
            _riskbrief("brief", "--week", f"{iso.year}-W{iso.week:02d}", "--out", str(root / "out"))
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return _cards(db)


def _cards(db: Path) -> list[CardSeen]:
    first = FIRST_MONDAY.isocalendar()
    seen: list[CardSeen] = []
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT s.key, b.week, b.payload FROM briefing b"
            " JOIN subscriber s ON s.id = b.subscriber_id"
        ).fetchall()
    for key, week, payload in rows:
        year, num = week.split("-W")
        index = (int(num) - first.week) + 52 * (int(year) - first.year)
        for card in json.loads(payload)["cards"]:
            seen.append(
                CardSeen(
                    key,
                    index,
                    CardKind(card["kind"]),
                    Severity(card["severity"]),
                    card.get("subject"),
                    card["title"],
                    tuple(CardKind(k) for k in card.get("folded", ())),
                )
            )
    return seen
