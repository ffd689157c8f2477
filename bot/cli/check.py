"""``riskbrief check``: the risk of a change not merged yet, for CI and before pushing.

It scores the change between two refs of a local clone (by default where the
branch left the default branch, and HEAD), or a unified diff, against the
store's history as it is now, and exits 1 at or above a threshold, 0 below.
Without a store it reads the clone's own git history and says which signals
that leaves unknown. Any mistake (no clone, an unknown ref, a malformed diff, a
store that cannot be reached) is one sentence and exit 2, so a CI job tells a
risky change from a broken check. docs/check.md documents the ``--json`` shape.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from scoring.errors import RiskbriefError

if TYPE_CHECKING:
    from data.config import OrgConfig
    from scoring.config import ScoringConfig
    from scoring.history import History
    from scoring.proposal import Assessment, Proposal

__all__ = ["check"]

# Exit codes: a risky change and a check that could not run are told apart.
EXIT_RISKY = 1
EXIT_ERROR = 2

# Control characters (and with them terminal escape sequences) in outside text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# A hunk header of `git diff -U0`: where the added lines start in the new file, and how many.


class CheckError(click.ClickException):
    """A check that could not run: one sentence on stderr, exit 2."""

    exit_code = EXIT_ERROR


@dataclass(frozen=True, slots=True)
class _Read:
    """The history a proposal is scored against, and where it came from."""

    history: History
    config: ScoringConfig
    source: str
    changes: int
    where: str
    # The store's name for an author, or None when it holds no change of theirs.
    author_as_stored: Callable[[str], str | None] | None = None


def _plain(text: str) -> str:
    """Outside text as one terminal line: control characters shown as ``?``, never run."""
    return _CONTROL.sub("?", text.replace("\n", " "))


def _org(config: Path | None, default: Path) -> OrgConfig | None:
    """The organisation file: the one named (which must exist), else ./riskbrief.toml if present."""
    from data.config import load_org_config

    # A file named on the command line or in RISKBRIEF_CONFIG must exist; ./riskbrief.toml may not.
    if config is not None or os.environ.get("RISKBRIEF_CONFIG", "").strip():
        return load_org_config(config or default)
    return load_org_config(default) if default.exists() else None


def _store_url(given: str | None, configured: str) -> str | None:
    """The store to read, or ``None`` for none: a default SQLite file that does not exist."""
    from data.store.engine import DEFAULT_DATABASE_URL, sqlite_file

    if given is not None:
        return given
    # An empty variable is how CI passes a secret that is not set (a fork's pull request):
    # no store was named, so the clone's own history is read.
    named = os.environ.get("RISKBRIEF_DATABASE_URL", "").strip() != ""
    if named or configured != DEFAULT_DATABASE_URL:
        return configured
    from data.store.engine import make_engine

    engine = make_engine(configured)
    try:
        path = sqlite_file(engine)
    finally:
        engine.dispose()
    return configured if path is not None and path.exists() else None


def _from_store(
    url: str, org: OrgConfig, proposal: Proposal, clone: Path | None
) -> tuple[_Read, Proposal]:
    """The store's history, and the proposal with the coverage report at its head if one is
    stored (as the pull request will be scored once merged)."""
    from bot.pipeline import ready_engine
    from data.coverage import added_lines
    from data.store.engine import session_scope, shown_url
    from data.store.history import read_history, with_coverage

    engine = ready_engine(url)
    try:
        with session_scope(engine) as session:
            stored = read_history(session, org)
            added = None
            if clone is not None and proposal.base and proposal.head:
                added = added_lines(clone, proposal.base, proposal.head)
            change = with_coverage(
                session, proposal.change, proposal.head, base_sha=proposal.base, added=added
            )
        where = shown_url(engine)
    finally:
        engine.dispose()
    read = _Read(
        stored.history, stored.config, "store", stored.changes, where, stored.author_as_stored
    )
    return read, replace(proposal, change=change)


def _from_clone(path: Path | None, rev: str | None, org: OrgConfig | None) -> _Read:
    from data.sources.local_git.proposal import clone_history
    from scoring.config import ScoringConfig
    from scoring.history import History

    config = org.scoring_config() if org is not None else ScoringConfig()
    # The clone says nothing of incidents: the service's incident history is unknown.
    config = replace(config, incidents_known=False)
    if path is None or rev is None:
        return _Read(History(config.incident_lookback_days), config, "none", 0, "no history")
    history, n = clone_history(path, rev, org)
    return _Read(history, config, "git", n, f"the git history of {path}")


def _is_clone(path: Path) -> bool:
    from data.sources.gitlog import run_git

    return path.is_dir() and run_git(path, "rev-parse", "--git-dir", check=False).returncode == 0


def _read_diff(source: str) -> bytes:
    from data.sources.diff import MAX_DIFF_BYTES

    if source == "-":
        data = sys.stdin.buffer.read(MAX_DIFF_BYTES + 1)
    else:
        with Path(source).open("rb") as f:
            data = f.read(MAX_DIFF_BYTES + 1)
    return data


def _diff_proposal(
    path: Path, clone: bool, diff: bytes, author: str | None, org: OrgConfig | None
) -> Proposal:
    from data.sources.diff import parse_diff
    from data.sources.gitlog import run_git
    from data.sources.local_git.proposal import clone_repository, diff_proposal

    files = parse_diff(diff)
    if author is None and clone:
        done = run_git(path, "config", "user.email", check=False)
        author = done.stdout.decode("utf-8", "replace").strip().lower() or None
    if not author:
        raise CheckError(
            "the diff names no author; pass --author with the author's e-mail or login"
        )
    if clone:
        repository = clone_repository(path, org)
    elif org is not None and org.repositories:
        repository = org.repositories[0].name
    else:
        repository = "local"
    return diff_proposal(files, repository, author, org, path=path if clone else None)


def _as_stored(proposal: Proposal, read: _Read, given: bool) -> Proposal:
    """The proposal under its author's name in the store (a GitHub login for a noreply
    address), or a note that the store holds no change of theirs."""
    if read.author_as_stored is None:
        return proposal
    author = proposal.change.author
    stored = read.author_as_stored(author)
    if stored is None:
        hint = "" if given else "; pass --author with the name the store knows them by"
        note = f"the store holds no earlier change by {author}, so they count as new{hint}"
        return replace(proposal, notes=(*proposal.notes, note))
    if stored == author:
        return proposal
    return replace(proposal, change=replace(proposal.change, author=stored))


def _keyed(p: Proposal, sent: bytes | None) -> tuple[str, str]:
    """What the answer is keyed by, and what that key names: a diff's digest (no commit
    exists), the head commit, or the working tree on top of HEAD; as the MCP tool says."""
    from data.sources.diff import diff_key

    if sent is not None:
        return diff_key(sent), "diff"
    return p.change.key, "head commit" if p.head is not None else "working tree"


def _text(a: Assessment, p: Proposal, read: _Read, threshold: float, keyed: tuple[str, str]) -> str:
    """The assessment as a reader sees it in a terminal or a CI log."""
    from briefing.plural import many
    from scoring.breakdown import CAP, GATE, OTHERS

    c = p.change
    key, keyed_by = keyed
    named = " (a diff's digest: no commit)" if keyed_by == "diff" else ""
    lines = [f"riskbrief check: {_plain(key)}{named}"]
    if p.base is not None:
        head = p.head[:12] if p.head else "the working tree"
        lines.append(f"  base {p.base[:12]} -> head {head}")
    if c.title:
        lines.append(f"  title {_plain(c.title)}")
    files, changed = many(len(c.files), "file"), many(c.lines_changed, "line")
    lines.append(f"  author {_plain(c.author)}, {files}, {changed}")
    verdict = "at or above" if a.score >= threshold else "below"
    lines.append("")
    lines.append(
        f"Score {a.score}/100: {a.band.risk_words} ({verdict} the threshold {threshold:g})"
    )
    lines.append("")
    lines.append("What makes the score (the points add up to it):")
    for part in a.contributions:
        name = {GATE: "gate", CAP: "cap", OTHERS: "others"}.get(part.name, part.name)
        lines.append(f"  {part.points:+4d}  {name:<18} {_plain(part.explanation)}")
    if not a.contributions:
        lines.append("     0  nothing in this change adds risk")
    if a.unknowns:
        lines.append("")
        lines.append("Unknown (their weight is spread over the measured signals):")
        for s in a.unknowns:
            lines.append(f"        {s.name:<18} {_plain(s.explanation)}")
    if a.gates:
        lines.append("")
        lines.append("Gates:")
        for g in a.gates:
            lines.append(
                f"        {g.name:<18} {_plain(g.explanation)} (at least {g.floor.risk_words})"
            )
    if a.advice:
        lines.append("")
        lines.append("What would lower it:")
        for x in a.advice:
            points = "     " if x.points is None else f"{-x.points:4d} "
            lines.append(f"  {points} {_plain(x.text)}")
            lines.append(f"         ({_plain(x.detail)})")
    lines.append("")
    if read.source == "store":
        lines.append(f"History: the store at {read.where}, {read.changes} merged changes.")
    elif read.source == "git":
        lines.append(
            f"History: {_plain(read.where)} alone ({read.changes} commits, no store); "
            "reviews, incidents and deploys are unknown."
        )
    else:
        lines.append("History: none (no store and no clone); every file counts as new.")
    lines.extend(f"Note: {_plain(n)}." for n in p.notes)
    return "\n".join(lines)


def _json(
    a: Assessment, p: Proposal, read: _Read, threshold: float, keyed: tuple[str, str]
) -> dict[str, Any]:
    from scoring.proposal import assessment_json

    c = p.change
    key, keyed_by = keyed
    data = assessment_json(a)
    data["key"] = key
    data["keyed_by"] = keyed_by
    data["threshold"] = threshold
    data["at_or_above_threshold"] = a.score >= threshold
    data["change"] = {
        "key": key,
        "repository": c.repository,
        "title": c.title,
        "author": c.author,
        "base": p.base,
        "head": p.head,
        "target": p.target,
        "agent_involved": c.agent_involved,
        "files": [
            {
                "path": f.path,
                "added": f.added,
                "deleted": f.deleted,
                "service": f.service,
                "owners": list(f.owners) if f.owners is not None else None,
                "generated": f.generated,
            }
            for f in c.files
        ],
    }
    data["history"] = {"source": read.source, "changes": read.changes}
    data["notes"] = list(p.notes)
    return data


@click.command()
@click.argument(
    "path", required=False, default=".", type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--base",
    default=None,
    metavar="REF",
    help="The ref the change merges into [default: where HEAD left origin/HEAD, main or master].",
)
@click.option(
    "--head",
    default=None,
    metavar="REF",
    help="The ref of the change [default: HEAD]; WORKTREE for uncommitted changes.",
)
@click.option(
    "--diff",
    "diff",
    default=None,
    metavar="FILE|-",
    help="Score this unified diff (`git diff`, `diff -u`; - reads stdin) instead of refs.",
)
@click.option(
    "--author",
    default=None,
    metavar="EMAIL",
    help="Who wrote it, as the store knows them (e-mail or login).",
)
@click.option(
    "--config",
    "config",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="riskbrief.toml [default: RISKBRIEF_CONFIG or ./riskbrief.toml if present].",
)
@click.option(
    "--database-url",
    default=None,
    metavar="URL",
    help="The store [default: RISKBRIEF_DATABASE_URL, else ./riskbrief.db if present, else none].",
)
@click.option(
    "--threshold",
    # Scores run 0..100, so 101 is the threshold no change reaches: report, never block.
    type=click.FloatRange(0, 101),
    metavar="N",
    default=None,
    help="Exit 1 at or above this score, 0..101 (101 never fails) "
    "[default: the critical band's threshold, 80].",
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print the documented JSON shape instead of text."
)
@click.pass_context
def check(
    ctx: click.Context,
    path: Path,
    base: str | None,
    head: str | None,
    diff: str | None,
    author: str | None,
    config: Path | None,
    database_url: str | None,
    threshold: float | None,
    as_json: bool,
) -> None:
    """Score a change not merged yet against the store, and exit 1 at or above a threshold.

    PATH is a local clone (default: the current folder). The change runs from
    where HEAD left the default branch to HEAD, or --base to --head, or is the
    --diff given. Without a store the clone's own git history is used. Exit 0
    below the threshold, 1 at or above it, 2 when the check cannot run.
    """
    try:
        code = _check(ctx, path, base, head, diff, author, config, database_url, threshold, as_json)
    except CheckError:
        raise
    except RiskbriefError as exc:
        raise CheckError(str(exc)) from None
    except OSError as exc:
        if exc.filename is None:
            raise
        raise CheckError(
            f"{exc.filename}: {exc.strerror or 'cannot be read'}; check the path"
        ) from None
    except Exception as exc:
        from data.store.engine import store_error, unreachable

        if "sqlalchemy" not in sys.modules or not unreachable(exc):
            raise
        raise CheckError(str(store_error(database_url or "", exc))) from None
    ctx.exit(code)


def _check(
    ctx: click.Context,
    path: Path,
    base: str | None,
    head: str | None,
    diff: str | None,
    author: str | None,
    config: Path | None,
    database_url: str | None,
    threshold: float | None,
    as_json: bool,
) -> int:
    from bot.settings import Settings
    from data.config import OrgConfig
    from data.sources.local_git.proposal import clone_proposal
    from scoring.proposal import assess

    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    if diff is not None and (base is not None or head is not None):
        raise CheckError("--diff scores the diff given; leave out --base and --head with it")
    org = _org(config, settings.config)
    clone = _is_clone(path)
    sent: bytes | None = None
    if diff is None:
        proposal = clone_proposal(path, org, base=base, head=head, author=author)
    else:
        if not clone and path != Path("."):
            raise CheckError(
                f"{path} is not a git clone; pass a clone's folder, or none with --diff"
            )
        sent = _read_diff(diff)
        proposal = _diff_proposal(path, clone, sent, author, org)
    url = _store_url(database_url, settings.database_url)
    if url is not None:
        read, proposal = _from_store(url, org or OrgConfig(), proposal, path if clone else None)
    elif clone:
        rev = proposal.target or proposal.base or "HEAD"
        read = _from_clone(path, rev, org)
    else:
        read = _from_clone(None, None, org)
    proposal = _as_stored(proposal, read, author is not None)
    assessment = assess(proposal.change, read.history, read.config)
    limit = read.config.bands.critical if threshold is None else threshold
    keyed = _keyed(proposal, sent)
    if as_json:
        click.echo(json.dumps(_json(assessment, proposal, read, limit, keyed), indent=2))
    else:
        click.echo(_text(assessment, proposal, read, limit, keyed))
    return EXIT_RISKY if assessment.score >= limit else 0
