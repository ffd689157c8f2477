"""How often the incident-culprit ranking names the change a real team reverted.

    python -m bench.culprits --git PATH [--git PATH …] [--mode both|withheld|product]
        [--tags] [--misses] [--window-hours 72] [--json]

Each ``PATH`` is a git clone or bare git directory (not committed here). Two measures, both
printed by default:

**withheld** (``measure_repo``): every revert in its history (``This reverts commit <sha>``)
whose reverted commit is in the history is taken as an incident of the whole repository, one
service, at the revert's commit time. The candidates are the commits in the window before it
(the revert itself left out), each scored by riskbrief's scorer against the history before
it (``scoring.risk.score_changes``), and ranked by ``scoring.culprits.rank_culprits`` with
only risk, time and later fixes touching the files as evidence: the revert link is what
grades the ranking, so it is never given to it, nor any other revert (a revert of the revert
re-lands the same files). Printed per repository: the revert-incidents, how many had the
reverted commit inside the window at all, and how often it ranked first and in the top 3,
over all revert-incidents; beside them what chance would give (the mean of 1/candidates and
3/candidates).

**product** (``measure_product``): what the product does with a revert, end to end. The
clone is synced into a fresh SQLite store by ``LocalGitSource`` (the product's own revert
detection) and ``RevertIncidents`` (its rule: an incident opens when the reverted change
reached production), with one service covering the whole repository; scored by
``score_all``; and every revert-incident ranked as ``/risk incident`` ranks it
(``data.store.culprits.culprit_facts`` then ``rank_culprits``). Without ``--tags`` no deploy
is known, so a change reached production when it merged (the product's rule for a clone
with no deploys); with ``--tags`` release tags are production deploys, as ``riskbrief sync``
reads a clone by default. The grade never comes from the product's links: the reverts are
read from git by the bench itself (``bench.culprits_truth``), each matched to the stored
changes by sha. Printed per repository: the reverts git shows, how many the product linked
to the right change (recall), to another (wrong) and links git shows no revert for (false),
the incidents made, and how often the reverted change ranked first and in the top 3 (over
the reverts git shows, and over the incidents made); ``--misses`` lists each revert not
ranked first and why.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from bench.culprits_truth import FORMS, RevertTruth, path_name, read_reverts
from bot.composition.pipeline import score_all
from data.config import parse_org_config
from data.rules.revert_incidents import RevertIncidents
from data.sources.local_git import LocalGitSource
from data.sources.local_git.gitlog import MinedCommit, mine_commits
from data.store.culprits import culprit_facts
from data.store.engine import make_engine
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.store.tables import Change, Deploy, Incident
from data.sync import run_sources
from scoring.config import ScoringConfig
from scoring.culprits import (
    DEFAULT_POINTS,
    FIX_HORIZON,
    WINDOW,
    CulpritPoints,
    IncidentAt,
    LaterFix,
    Shipped,
    rank_culprits,
)
from scoring.errors import RiskbriefError
from scoring.risk import score_changes

__all__ = ["ProductResult", "RepoResult", "main", "measure_product", "measure_repo"]

# The top that a reviewer of an incident reads.
_TOP = 3
# The ranking as the product weighs it, then each kind of evidence alone: what each adds.
MODES: tuple[tuple[str, CulpritPoints], ...] = (
    ("ranking", DEFAULT_POINTS),
    ("risk alone", CulpritPoints(fix=0, time=0)),
    ("time alone", CulpritPoints(fix=0, risk=0)),
    ("fixes alone", CulpritPoints(risk=0, time=0)),
)


@dataclass(frozen=True, slots=True)
class RepoResult:
    """One repository's revert-incidents and where the reverted commit ranked."""

    repository: str
    commits: int
    reverts: int
    incidents: int
    in_window: int
    # By mode (``MODES``' names): how often the reverted commit ranked first, in the top 3.
    first: dict[str, int]
    top3: dict[str, int]
    chance_first: float
    chance_top3: float
    mean_candidates: float
    seconds: float


def _target(commit: MinedCommit, by_sha: dict[str, MinedCommit]) -> MinedCommit | None:
    """The commit a revert names (full or abbreviated), if it is in the mined history."""
    named = commit.reverts
    if named is None or len(named) < 7:
        return None
    if named in by_sha:
        return by_sha[named]
    found = [c for sha, c in by_sha.items() if sha.startswith(named)]
    return found[0] if len(found) == 1 else None


def measure_repo(path: Path, window: timedelta = WINDOW) -> RepoResult:
    """Rank the candidates of every revert-incident of the clone at ``path``."""
    started = time.perf_counter()
    commits = [c for c in mine_commits(path, code_lines=False) if not c.cut]
    commits.sort(key=lambda c: (c.change.merged_at, c.change.key))
    scores = score_changes([c.change for c in commits], [], ScoringConfig())
    by_sha = {c.sha: c for c in commits}
    name = path.name if path.name not in ("repo", ".git") else path.parent.name
    shipped = [
        Shipped(
            key=c.change.key,
            title=c.change.title,
            url=None,
            repository=name,
            merged_at=c.change.merged_at,
            shipped_at=c.change.merged_at,
            deploy=None,
            score=scores[c.change.key].score,
            band=scores[c.change.key].band,
            files=frozenset(f.path for f in c.change.files),
        )
        for c in commits
    ]
    # Later fixes are bug fixes and hotfixes only: never a revert, whose link grades the run.
    fixes = [
        LaterFix(c.change.key, name, c.change.merged_at, frozenset(f.path for f in c.change.files))
        for c in commits
        if (c.change.is_fix or c.change.is_hotfix) and not c.change.is_revert
    ]
    reverts = [c for c in commits if c.reverts is not None]
    incidents = in_window = 0
    first = {mode: 0 for mode, _ in MODES}
    top3 = {mode: 0 for mode, _ in MODES}
    chance_first = chance_top3 = candidates = 0.0
    for revert in reverts:
        target = _target(revert, by_sha)
        if target is None or target.change.merged_at > revert.change.merged_at:
            continue
        incidents += 1
        opened = revert.change.merged_at
        incident = IncidentAt(f"revert:{revert.change.key}", name, opened)
        pool = [
            s
            for s in shipped
            if s.key != revert.change.key and opened - window <= s.merged_at <= opened
        ]
        later = [
            f
            for f in fixes
            if opened <= f.merged_at <= opened + FIX_HORIZON and f.key != revert.change.key
        ]
        if target.change.key not in {s.key for s in pool}:
            continue
        in_window += 1
        candidates += len(pool)
        chance_first += 1 / len(pool)
        chance_top3 += min(1.0, _TOP / len(pool))
        for mode, points in MODES:
            ranked = [s.change.key for s in rank_culprits(incident, pool, later, window, points)]
            place = ranked.index(target.change.key)
            first[mode] += place == 0
            top3[mode] += place < _TOP
    return RepoResult(
        repository=name,
        commits=len(commits),
        reverts=len(reverts),
        incidents=incidents,
        in_window=in_window,
        first=first,
        top3=top3,
        chance_first=chance_first / in_window if in_window else 0.0,
        chance_top3=chance_top3 / in_window if in_window else 0.0,
        mean_candidates=candidates / in_window if in_window else 0.0,
        seconds=round(time.perf_counter() - started, 1),
    )


@dataclass(frozen=True, slots=True)
class ProductResult:
    """One repository through the product's own path, graded by the bench's reading of git.

    ``reverts`` are the reverts git shows (``bench.culprits_truth``), by the form that names
    the target; ``recognised`` those the product linked to the right change, ``wrong`` those
    it linked to another, ``false`` the product's revert links git shows no revert for.
    ``incidents`` the revert-incidents it made of the reverts git shows, ``first`` and
    ``top3`` how often the reverted change ranked there in ``/risk incident``'s ranking.
    """

    repository: str
    deploys: str
    changes: int
    tag_deploys: int
    reverts: int
    by_form: dict[str, int]
    recognised: int
    recognised_by_form: dict[str, int]
    wrong: int
    false: int
    incidents: int
    first: int
    top3: int
    mean_candidates: float
    seconds: float
    # One line per revert git shows that the product did not rank first, and per false link.
    misses: tuple[str, ...] = ()
    # Revert links of changes off the branch (a maintenance branch's, read by its tags).
    off_branch: int = 0


def _service_toml(name: str, path: Path) -> str:
    """One service covering the whole repository, as mode 1 takes it."""
    return (
        f'[[repositories]]\nname = "{name}"\npath = "{path}"\n'
        f'[[services]]\nkey = "all"\nrepository = "{name}"\npaths = ["**"]\n'
    )


def measure_product(path: Path, *, tags: bool = False) -> ProductResult:
    """Sync the clone at ``path`` into a fresh store as ``riskbrief sync`` does (its changes,
    then reverts as incidents), score it, rank every revert-incident as ``/risk incident``
    does, and grade each against the reverts git shows.

    ``tags`` reads release tags as production deploys (the product's default for a clone);
    without them no deploy is known, so a change reached production when it merged.
    """
    started = time.perf_counter()
    name = path_name(path)
    truth = read_reverts(path)
    org = parse_org_config(_service_toml(name, path))
    source = LocalGitSource(
        path,
        name,
        deploy_tags=org.sources.git.deploy_tags if tags else None,
        agents=org.agents,
    )
    with tempfile.TemporaryDirectory(prefix="culprits-") as tmp:
        engine = make_engine(f"sqlite:///{tmp}/store.db")
        try:
            upgrade(engine)
            with Session(engine) as session:
                sync_org(session, org)
                session.commit()
            for summary in run_sources(engine, org, [source, RevertIncidents()]):
                if summary.error:
                    raise RiskbriefError(f"{summary.source}: {summary.error}")
            with Session(engine) as session:
                version = score_all(session, org).version
                session.commit()
                return _grade(session, name, truth, version, tags, started)
        finally:
            engine.dispose()


def _grade(
    session: Session,
    name: str,
    truth: RevertTruth,
    version: str,
    tags: bool,
    started: float,
) -> ProductResult:
    reverts = truth.reverts
    changes = {c.key: c for c in session.exec(select(Change))}
    by_sha: dict[str, list[Change]] = defaultdict(list)
    for c in changes.values():
        if c.sha:
            by_sha[c.sha].append(c)
    incidents = {
        i.key: i for i in session.exec(select(Incident).where(col(Incident.source) == "revert"))
    }
    deploys = len(session.exec(select(Deploy.id)).all())
    by_form: dict[str, int] = defaultdict(int)
    recognised_by_form: dict[str, int] = defaultdict(int)
    recognised = wrong = made = first = top3 = 0
    candidates = 0
    misses: list[str] = []
    claimed: set[str] = set()
    for revert in reverts:
        by_form[revert.form] += 1
        # The change the lander is first (a merge landing a revert pull request), then any
        # of the commits saying they revert (each a change inside a merge no host wrote).
        own = [c for sha in (revert.landed, *revert.commits) for c in by_sha.get(sha, [])]
        change = next((c for c in own if c.reverts_key), own[0] if own else None)
        said = f"{revert.landed[:10]} ({revert.form})"
        if change is None:
            misses.append(f"{said}: no change stored for the revert")
            continue
        claimed.add(change.key)
        target = changes.get(change.reverts_key or "")
        if target is None:
            misses.append(f"{said} {change.title[:70]!r}: not recognised as a revert")
            continue
        if (target.sha or "") not in revert.culprit_shas:
            wrong += 1
            misses.append(f"{said}: linked to {target.key}, git names another")
            continue
        recognised += 1
        recognised_by_form[revert.form] += 1
        incident = incidents.get(f"revert:{change.key}")
        if incident is None:
            misses.append(f"{said}: recognised, no incident (never reached production)")
            continue
        made += 1
        facts = culprit_facts(session, incident, version)
        ranked = rank_culprits(facts.incident, facts.shipped, facts.fixes)
        candidates += len(ranked)
        shas = [changes[s.change.key].sha or "" for s in ranked]
        place = next((n for n, sha in enumerate(shas) if sha in revert.culprit_shas), None)
        if place == 0:
            first += 1
        else:
            why = (
                "not a candidate"
                if place is None
                else f"ranked {place + 1} of {len(ranked)} ({ranked[place].reasons})"
            )
            top = ranked[0] if ranked else None
            misses.append(
                f"{said}: {why}"
                + (f"; first {top.change.key} ({top.reasons})" if top is not None else "")
            )
        top3 += place is not None and place < _TOP
    links = [c for c in changes.values() if c.reverts_key and c.key not in claimed and c.merged_at]
    # A maintenance branch's own commits, read through its release tags, are not in the
    # history the bench reads (the branch's): their reverts are not graded.
    false = [c for c in links if (c.sha or "") in truth.shas]
    off_branch = len(links) - len(false)
    misses += [f"{c.key} {c.title[:70]!r}: a revert link git shows no revert for" for c in false]
    return ProductResult(
        repository=name,
        deploys="release tags" if tags else "none (merged = shipped)",
        changes=len(changes),
        tag_deploys=deploys,
        reverts=len(reverts),
        by_form=dict(by_form),
        recognised=recognised,
        recognised_by_form=dict(recognised_by_form),
        wrong=wrong,
        false=len(false),
        off_branch=off_branch,
        incidents=made,
        first=first,
        top3=top3,
        mean_candidates=candidates / made if made else 0.0,
        seconds=round(time.perf_counter() - started, 1),
        misses=tuple(misses),
    )


def _pct(n: int, of: int) -> str:
    return f"{n / of:.0%}" if of else "-"


def _table(results: Sequence[RepoResult], window: timedelta) -> str:
    hours = round(window.total_seconds() / 3600)
    lines = [
        f"Revert-incidents: where the reverted commit ranks among the commits of the {hours} h "
        "before the revert (the revert link withheld).",
        "",
        f"{'repository':<22} {'commits':>7} {'reverts':>7} {'incidents':>9} {'in window':>9} "
        f"{'candidates':>10}",
    ]
    for r in results:
        lines.append(
            f"{r.repository:<22} {r.commits:>7} {r.reverts:>7} {r.incidents:>9} "
            f"{r.in_window:>9} {r.mean_candidates:>10.1f}"
        )
    lines += [
        "",
        f"{'repository':<22} {'mode':<12} {'first':>6} {'top 3':>6} "
        f"{'first (in window)':>18} {'top 3 (in window)':>18}",
    ]
    rows = list(results)
    if len(results) > 1:
        rows.append(_total(results))
    for r in rows:
        for mode, _ in MODES:
            lines.append(
                f"{r.repository:<22} {mode:<12} {_pct(r.first[mode], r.incidents):>6} "
                f"{_pct(r.top3[mode], r.incidents):>6} {_pct(r.first[mode], r.in_window):>18} "
                f"{_pct(r.top3[mode], r.in_window):>18}"
            )
        lines.append(
            f"{r.repository:<22} {'chance':<12} {'':>6} {'':>6} "
            f"{r.chance_first:>18.0%} {r.chance_top3:>18.0%}"
        )
    return "\n".join(lines)


def _total(results: Sequence[RepoResult]) -> RepoResult:
    """Every repository's revert-incidents pooled."""
    in_window = sum(r.in_window for r in results)
    return RepoResult(
        repository="all",
        commits=sum(r.commits for r in results),
        reverts=sum(r.reverts for r in results),
        incidents=sum(r.incidents for r in results),
        in_window=in_window,
        first={m: sum(r.first[m] for r in results) for m, _ in MODES},
        top3={m: sum(r.top3[m] for r in results) for m, _ in MODES},
        chance_first=sum(r.chance_first * r.in_window for r in results) / in_window
        if in_window
        else 0.0,
        chance_top3=sum(r.chance_top3 * r.in_window for r in results) / in_window
        if in_window
        else 0.0,
        mean_candidates=sum(r.mean_candidates * r.in_window for r in results) / in_window
        if in_window
        else 0.0,
        seconds=sum(r.seconds for r in results),
    )


def _forms(counts: dict[str, int]) -> str:
    return " ".join(f"{form} {counts[form]}" for form in FORMS if counts.get(form))


def _product_table(results: Sequence[ProductResult], misses: bool) -> str:
    deploys = results[0].deploys if results else ""
    lines = [
        "The product's own path (sync, its revert detection, reverts as incidents, "
        f"/risk incident's ranking; deploys: {deploys}),",
        "graded by the reverts git shows (read by the bench):",
        "",
        f"{'repository':<18} {'changes':>7} {'git reverts':>11} {'recognised':>10} "
        f"{'wrong':>5} {'false':>5} {'off':>4} {'incidents':>9} {'first':>11} {'top 3':>11} "
        f"{'first/inc.':>10}",
    ]
    rows = list(results)
    if len(results) > 1:
        rows.append(_product_total(results))
    for r in rows:
        lines.append(
            f"{r.repository:<18} {r.changes:>7} {r.reverts:>11} "
            f"{_pct(r.recognised, r.reverts):>10} {r.wrong:>5} {r.false:>5} {r.off_branch:>4} "
            f"{r.incidents:>9} "
            f"{f'{r.first} {_pct(r.first, r.reverts)}':>11} "
            f"{f'{r.top3} {_pct(r.top3, r.reverts)}':>11} {_pct(r.first, r.incidents):>10}"
        )
    lines += [
        "",
        "recognised: linked to the change git names; wrong: to another; false: a link git shows",
        "no revert for; off: links of a maintenance branch's commits (read through its release",
        "tags), not graded; first/inc.: first over the incidents made.",
        "",
        "By the form git names the reverted change in (git shows / product recognised):",
    ]
    for r in rows:
        lines.append(
            f"{r.repository:<18} "
            + "  ".join(
                f"{form} {r.by_form.get(form, 0)}/{r.recognised_by_form.get(form, 0)}"
                for form in FORMS
            )
        )
    if misses:
        for r in results:
            if r.misses:
                lines += ["", f"{r.repository}: not first"]
                lines += [f"  {m}" for m in r.misses]
    return "\n".join(lines)


def _product_total(results: Sequence[ProductResult]) -> ProductResult:
    made = sum(r.incidents for r in results)
    return ProductResult(
        repository="all",
        deploys=results[0].deploys,
        changes=sum(r.changes for r in results),
        tag_deploys=sum(r.tag_deploys for r in results),
        reverts=sum(r.reverts for r in results),
        by_form={f: sum(r.by_form.get(f, 0) for r in results) for f in FORMS},
        recognised=sum(r.recognised for r in results),
        recognised_by_form={f: sum(r.recognised_by_form.get(f, 0) for r in results) for f in FORMS},
        wrong=sum(r.wrong for r in results),
        false=sum(r.false for r in results),
        off_branch=sum(r.off_branch for r in results),
        incidents=made,
        first=sum(r.first for r in results),
        top3=sum(r.top3 for r in results),
        mean_candidates=sum(r.mean_candidates * r.incidents for r in results) / made
        if made
        else 0.0,
        seconds=sum(r.seconds for r in results),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each ``--git`` path and print the tables (or JSON)."""
    parser = argparse.ArgumentParser(
        prog="python -m bench.culprits",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--git", type=Path, action="append", required=True, help="a git clone")
    parser.add_argument("--window-hours", type=float, default=WINDOW.total_seconds() / 3600)
    parser.add_argument(
        "--mode",
        choices=("both", "withheld", "product"),
        default="both",
        help="the ranking with the revert link withheld, the product's own path, or both",
    )
    parser.add_argument(
        "--tags",
        action="store_true",
        help="the product's path reads release tags as production deploys (as `riskbrief sync` "
        "does by default) instead of taking a change as shipped when it merged",
    )
    parser.add_argument(
        "--misses", action="store_true", help="list every revert the product did not rank first"
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    args = parser.parse_args(argv)
    window = timedelta(hours=args.window_hours)
    try:
        withheld = (
            [measure_repo(path, window) for path in args.git] if args.mode != "product" else []
        )
        product = (
            [measure_product(path, tags=args.tags) for path in args.git]
            if args.mode != "withheld"
            else []
        )
    except RiskbriefError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.json:
        print(
            json.dumps(
                {
                    "withheld": [asdict(r) for r in withheld],
                    "product": [asdict(r) for r in product],
                },
                indent=2,
            )
        )
        return 0
    tables = []
    if withheld:
        tables.append(_table(withheld, window))
    if product:
        tables.append(_product_table(product, args.misses))
    print("\n\n".join(tables))
    return 0


if __name__ == "__main__":
    sys.exit(main())
