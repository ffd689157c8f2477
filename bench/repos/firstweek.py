"""The facts of the first-briefing invariant: what quickstart's output says it briefed, and what
git says it should have (``bench.repos.invariants.check_first_briefing`` judges them).

Git's side is read with plain git: the newest first-parent commit of HEAD touching a
service's files before the last complete week ended, the release tags (``ReleaseFacts``,
whose ranges are git's own) made before then that release a service, and the newest
commit's date. Weeks are ISO weeks in the reader's zone, as the briefing counts them.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.repos.invariants import FirstBriefing, ReleaseFacts
from briefing.week import IsoWeek
from data.config import OrgConfig

__all__ = ["first_briefing_facts", "newest_service_commit", "quickstart_said"]

# "  me: 0 critical · … (2026-W44, whole organisation) → me.slack.json, …": the first reader's.
_BRIEFED = re.compile(r"^  \S+: .*\((\d{4}-W\d\d), .*\) → ", re.MULTILINE)
_DATA_END = re.compile(
    r"^The clone's (?:data ends on|newest change merged on) (\d{4}-\d\d-\d\d)", re.MULTILINE
)
_SHIPPED = re.compile(r"^Shipped in \d{4}-W\d\d: (.*)$", re.MULTILINE)
_NAMED = re.compile(r"(?:^|\), )(\S+) on \d{4}-\d\d-\d\d \(")
_MORE = re.compile(r", (\d+) more\.$")
# Commits read past the first found to touch a service, for a newer one.
_MORE_COMMITS = 50


def quickstart_said(output: str) -> tuple[str | None, str | None, frozenset[str], int]:
    """From quickstart's output: the week it briefed, the date it says the data ends on, the
    releases its "Shipped in" line names and how many more it counts."""
    briefed = _BRIEFED.search(output)
    end = _DATA_END.search(output)
    shipped = _SHIPPED.search(output)
    named: frozenset[str] = frozenset()
    more = 0
    if shipped is not None:
        text = shipped.group(1)
        named = frozenset(_NAMED.findall(text))
        counted = _MORE.search(text)
        more = int(counted.group(1)) if counted else 0
    return (
        briefed.group(1) if briefed else None,
        end.group(1) if end else None,
        named,
        more,
    )


def _day(stamp: int, zone: str) -> date:
    return datetime.fromtimestamp(stamp, tz=UTC).astimezone(ZoneInfo(zone)).date()


def newest_service_commit(
    path: Path, org: OrgConfig, repository: str, before: datetime
) -> int | None:
    """The commit time (Unix seconds) of the newest first-parent commit of HEAD before
    ``before`` that touches a service's file, read as a stream and stopped at the first."""
    command = [
        "git", "-C", str(path), "-c", "core.quotepath=off", "log", "--first-parent",
        "--diff-merges=first-parent", "--no-renames", "--format=%x1e%ct", "--name-only",
        f"--before={int(before.timestamp()) - 1}", "HEAD",
    ]  # fmt: skip
    found: int | None = None
    # First-parent order is nearly, not exactly, the order of commit times: once one commit
    # touching a service is found, a few more are read for a newer one.
    after = 0
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL) as proc:
        assert proc.stdout is not None
        stamp = 0
        for raw in proc.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if line.startswith("\x1e"):
                stamp = int(line[1:] or 0)
                after += found is not None
                if after > _MORE_COMMITS:
                    break
            elif (
                line
                and (found is None or stamp > found)
                and org.service_for_path(repository, line) is not None
            ):
                found = stamp
        proc.kill()
    return found


def _newest_commit(path: Path, tags: Sequence[str]) -> int | None:
    """The newest commit time (Unix seconds) of what HEAD and the release tags reach: a
    maintenance release's commits are read as changes too."""
    revs = "".join(f"refs/tags/{t}^{{commit}}\n" for t in tags)
    done = subprocess.run(
        ["git", "-C", str(path), "log", "--format=%ct", "--stdin", "HEAD"],
        input=revs.encode("utf-8"),
        capture_output=True,
        check=True,
    )
    stamps = [int(x) for x in done.stdout.split() if x.isdigit()]
    return max(stamps) if stamps else None


def first_briefing_facts(
    path: Path,
    org: OrgConfig,
    repository: str,
    releases: Sequence[ReleaseFacts],
    output: str,
    ran_at: datetime,
) -> FirstBriefing:
    """The first-briefing facts of a quickstart run at ``ran_at`` that printed ``output``."""
    zone = org.subscribers[0].timezone if org.subscribers else org.organisation.timezone
    last = IsoWeek.last_complete(ran_at, zone)
    _, end = last.bounds(zone)
    times = [r.created for r in releases if r.releases_service and 0 < r.created < end.timestamp()]
    commit = newest_service_commit(path, org, repository, end)
    if commit is not None:
        times.append(commit)
    expected = IsoWeek.of(_day(max(times), zone)) if times else None
    week = expected or last
    in_week = frozenset(
        r.tag
        for r in releases
        if r.releases_service and r.created and IsoWeek.of(_day(r.created, zone)) == week
    )
    briefed, data_end, named, more = quickstart_said(output)
    newest = _newest_commit(path, [r.tag for r in releases])
    return FirstBriefing(
        briefed=briefed or "none",
        expected=expected.id if expected else None,
        last=last.id,
        releases=in_week if expected else frozenset(),
        named=named,
        more=more,
        data_end=data_end,
        newest=_day(newest, zone).isoformat() if newest is not None else None,
    )
