"""Kinds of work against the authors' own conventional-commit prefixes, on real histories.

Run with ``python -m bench.kinds --git PATH [--git PATH ...] [--limit N]``. PATH is a
clone or a bare git directory; the commits are the non-merge commits reachable from its
``HEAD`` (the newest ``N`` with ``--limit``). For each commit whose subject has a
conventional-commit prefix of a type that names a kind (``scoring.work_kind.prefix_kind``),
the prefix is the truth, and ``classify_work`` is asked with the prefix HIDDEN: the subject
after it and the commit's touched paths (git has no labels). Per repository it prints:

- ``prefixed``: commits whose prefix names a kind (and how many prefixes name none:
  ``revert:``, ``wip:``);
- ``coverage``: the share of them the classifier gives a kind other than unknown;
- ``agreement``: of those, the share whose kind is the prefix's (issue 52 asks ≥ 90%);
- both again without the commits whose words after the prefix read as a dependency
  update (Renovate's ``chore(deps): update dependency x to v2``): rule 1 and the
  classifier read the same words, so they agree by construction;
- the agreement by the evidence that decided, and the most frequent disagreements
  (prefix's kind → classifier's kind).

Nothing is written: the histories are only read.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from scoring.work_kind import (
    KindEvidence,
    WorkKind,
    classify_work,
    conventional_prefix,
    dependency_update,
    prefix_kind,
)

__all__ = ["Commit", "KindsMeasure", "main", "measure", "read_commits", "report"]

# Disagreements shown per repository, most frequent first.
_SHOWN = 8


@dataclass(frozen=True, slots=True)
class Commit:
    """A commit's subject and the paths it touched."""

    subject: str
    paths: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class KindsMeasure:
    """The classifier against the prefixes of one history."""

    commits: int
    prefixed: int
    unmapped: int
    classified: int
    agreed: int
    # Prefixed commits whose words read as a dependency update, and of them how many were
    # classified and agreed (the same words decide both the truth and the guess).
    updates: int
    updates_classified: int
    updates_agreed: int
    # (source of the evidence) → (classified, agreed)
    by_source: tuple[tuple[KindEvidence, int, int], ...]
    # (prefix's kind, classifier's kind) → how many, most frequent first
    disagreements: tuple[tuple[WorkKind, WorkKind, int], ...]

    @property
    def coverage(self) -> float:
        """The share of prefixed commits given a kind other than unknown."""
        return self.classified / self.prefixed if self.prefixed else 0.0

    @property
    def agreement(self) -> float:
        """Of the commits given a kind, the share whose kind is their prefix's."""
        return self.agreed / self.classified if self.classified else 0.0

    @property
    def other_agreement(self) -> float:
        """The agreement without the commits whose words read as a dependency update."""
        n = self.classified - self.updates_classified
        return (self.agreed - self.updates_agreed) / n if n else 0.0


def read_commits(git: Path, limit: int | None = None) -> Iterator[Commit]:
    """The non-merge commits reachable from ``git``'s ``HEAD``, newest first, with their paths."""
    args = ["git", "-C", str(git), "log", "--no-merges", "--no-renames", "--format=%x00%s"]
    # Names only: they come from the trees, so a snapshot missing some blobs still reads.
    args += ["--name-only", *([f"--max-count={limit}"] if limit else []), "HEAD", "--"]
    out = subprocess.run(args, capture_output=True, check=True).stdout.decode("utf-8", "replace")
    # Each record is "\0subject\n\npath\n…"; the first split part is empty.
    for record in out.split("\0")[1:]:
        subject, _, names = record.partition("\n")
        yield Commit(subject.strip(), tuple(line for line in names.splitlines() if line))


def measure(commits: Iterable[Commit]) -> KindsMeasure:
    """Classify each prefixed commit with its prefix hidden and count the agreement."""
    total = prefixed = unmapped = classified = agreed = 0
    updates = updates_classified = updates_agreed = 0
    sources: Counter[KindEvidence] = Counter()
    sources_agreed: Counter[KindEvidence] = Counter()
    wrong: Counter[tuple[WorkKind, WorkKind]] = Counter()
    for commit in commits:
        total += 1
        prefix = conventional_prefix(commit.subject)
        if prefix is None:
            continue
        truth = prefix_kind(prefix)
        if truth is None:
            unmapped += 1
            continue
        prefixed += 1
        update = dependency_update(prefix.rest) is not None
        updates += update
        # The prefix hidden: only the words after it and the files are seen.
        guess = classify_work(prefix.rest, (), commit.paths)
        if guess.kind is WorkKind.UNKNOWN:
            continue
        classified += 1
        updates_classified += update
        sources[guess.source] += 1
        if guess.kind is truth:
            agreed += 1
            updates_agreed += update
            sources_agreed[guess.source] += 1
        else:
            wrong[truth, guess.kind] += 1
    return KindsMeasure(
        commits=total,
        prefixed=prefixed,
        unmapped=unmapped,
        classified=classified,
        agreed=agreed,
        updates=updates,
        updates_classified=updates_classified,
        updates_agreed=updates_agreed,
        by_source=tuple((s, sources[s], sources_agreed[s]) for s in KindEvidence if sources[s]),
        disagreements=tuple(
            (t, g, n) for (t, g), n in sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))
        ),
    )


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def report(name: str, m: KindsMeasure) -> str:
    """One repository's figures as lines of text."""
    lines = [
        f"{name}: {m.commits} non-merge commits, {m.prefixed} with a prefix naming a kind"
        f" ({m.unmapped} more with a prefix naming none)",
        f"  coverage  {_pct(m.classified, m.prefixed)} ({m.classified} of {m.prefixed}"
        " given a kind with the prefix hidden)",
        f"  agreement {_pct(m.agreed, m.classified)} ({m.agreed} of {m.classified})",
        f"  without the {m.updates} whose words read as a dependency update: coverage"
        f" {_pct(m.classified - m.updates_classified, m.prefixed - m.updates)},"
        f" agreement {_pct(m.agreed - m.updates_agreed, m.classified - m.updates_classified)}"
        f" ({m.agreed - m.updates_agreed} of {m.classified - m.updates_classified})",
    ]
    for source, n, ok in m.by_source:
        lines.append(f"    by {source}: {_pct(ok, n)} of {n}")
    if m.disagreements:
        shown = ", ".join(f"{t}→{g} {n}" for t, g, n in m.disagreements[:_SHOWN])
        lines.append(f"  disagreements (prefix→classifier): {shown}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Measure each ``--git`` history and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.kinds", description=__doc__)
    parser.add_argument("--git", action="append", type=Path, required=True, metavar="PATH")
    parser.add_argument("--limit", type=int, default=None, metavar="N")
    args = parser.parse_args(argv)
    for git in args.git:
        print(report(str(git), measure(read_commits(git, args.limit))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
