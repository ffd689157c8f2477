"""The suite's results as one line per repository and as a markdown table for docs."""

from __future__ import annotations

import statistics
from collections.abc import Sequence

from bench.repos.assess import RepoRow

__all__ = ["CHECKS", "line", "markdown", "summary"]

# The invariants in the order of the table's columns.
CHECKS = (
    "releases",
    "non-code",
    "services",
    "ranking",
    "weeks",
    "first briefing",
    "generated",
    "shallow clone",
    "unserviced code",
    "linguist non-code",
    "cherry-picks",
    "revert of revert",
    "default week",
)


def _cell(row: RepoRow, name: str) -> str:
    check = next((c for c in row.checks if c.name == name), None)
    if check is None:
        return "—"
    if name in ("ranking", "unserviced code") and check.note:
        return f"{'ok' if check.ok else 'FAIL'} {check.note}" + (
            f" ({check.bad}/{check.total})" if name != "ranking" else ""
        )
    return check.cell()


def line(row: RepoRow) -> str:
    """One repository on one line, for a terminal."""
    if row.error:
        return f"{row.name}: ERROR {row.error}"
    cells = " · ".join(f"{n} {_cell(row, n)}" for n in CHECKS)
    return (
        f"{row.name} [{row.head}]: {row.services} services ({row.found_by}); tags "
        f"{row.coverage}; {row.changes} changes, {row.deploys} deploys; {cells}; "
        f"quickstart {row.quickstart_s:.1f} s, all {row.total_s:.0f} s"
    )


def markdown(rows: Sequence[RepoRow]) -> str:
    """The table for docs/benchmarks.md: one row per repository, each invariant's bad/total."""
    head = (
        "| repository | shape | services (from) | release tags covered | changes | deploys "
        "| releases exact | non-code high | services clean | AUC vs lines added | "
        "very-high weeks named | first briefing | generated files | shallow clone | "
        "code in no service (last year) | non-code high (Linguist) | cherry-picks once | "
        "revert-of-revert incidents | one default week |\n" + "|---" * 19 + "|"
    )
    out = [head]
    for r in rows:
        if r.error:
            out.append(f"| {r.name} | {r.shape} | error: {r.error} |" + " |" * 16)
            continue
        out.append(
            f"| {r.name} [{r.head}] | {r.shape} | {r.services} ({r.found_by}) | {r.coverage} "
            f"| {r.changes:,} | {r.deploys:,} | " + " | ".join(_cell(r, n) for n in CHECKS) + " |"
        )
    return "\n".join(out)


def summary(rows: Sequence[RepoRow]) -> str:
    """How many repositories hold each invariant, and the median AUC gain over lines added."""
    ran = [r for r in rows if not r.error]
    parts = [f"{len(ran)} of {len(rows)} repositories ran"]
    for name in CHECKS:
        checks = [c for r in ran for c in r.checks if c.name == name]
        if checks:
            parts.append(f"{name} held on {sum(c.ok for c in checks)}/{len(checks)}")
    gains = [r.gain for r in ran if r.gain is not None]
    if gains:
        parts.append(f"median AUC gain over lines added {statistics.median(gains):+.3f}")
    return "; ".join(parts)
