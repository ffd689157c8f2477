"""Which stored change a maintenance line's commit is a pick of: by patch id against the
branch and the lines read before it, else by ``git cherry-pick -x``'s trailer, keyed as the
original was stored (``picks`` finds the commits, this names the changes)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import structlog

from data.source_values import SourceChange
from data.sources.local_git.git_command import is_ancestor, run_git
from data.sources.local_git.picks import patch_ids, picked_by_trailer, picked_from, same_files
from data.sources.local_git.reverts import RevertTargets
from scoring.change_key import ChangeKey

__all__ = ["PickedChanges"]

log = structlog.get_logger(__name__)


@dataclass(frozen=True, slots=True)
class PickedChanges:
    """A clone's picks, named by the keys their originals were stored under."""

    path: Path
    repository: str
    reverts: RevertTargets

    def mark(
        self,
        records: list[SourceChange],
        branch: str,
        others: Sequence[str] = (),
        off_keys: Mapping[str, str] | None = None,
        claimed: Mapping[str, str] | None = None,
    ) -> list[SourceChange]:
        """``records`` (commits of another line ``branch`` does not reach, oldest first), each
        that is the same patch as a change of ``branch``, or of a maintenance line read before
        (``others``, its commits' keys in ``off_keys``), stored as a pick of it
        (``picks.picked_from``); else one whose trailer names such a change
        (``_trailer_pick``). ``claimed`` holds the keys this sync gave, by the sha that took
        each first."""
        shas = [r.sha for r in records if r.sha]
        if not shas:
            return records
        found = picked_from(self.path, shas, branch, others)
        known = off_keys or {}
        taken = claimed or {}
        out = []
        for record in records:
            original = found.get(record.sha or "")
            key = self._stored_key(original, branch, others, known, taken) if original else None
            if key is None:
                key = self._trailer_pick(record, branch, others, known, taken)
            out.append(_as_pick(record, key, "git_pick") if key is not None else record)
        return out

    def twins(self, records: list[SourceChange]) -> list[SourceChange]:
        """``records`` (the commits one merge brought in, oldest first), each that is the same
        patch as an earlier one of them made beside it (not on top of it) stored as a pick of
        it: a commit amended and pushed again, its first version merged into the same branch
        beside it (puppetlabs-apache's "Added an option to allow the user to specify the status
        of the vhost", two commits of one parent, brought in by one merge), or one fix made on
        two branches merged together (Giraffe's sample app's log level, 2017), is one change."""
        shapes: dict[frozenset[str], list[SourceChange]] = {}
        for record in records:
            if record.sha is not None and record.files:
                shapes.setdefault(frozenset(f.path for f in record.files), []).append(record)
        alike = [r.sha for group in shapes.values() if len(group) > 1 for r in group if r.sha]
        if not alike:
            return records
        ids = patch_ids(self.path, alike)
        first: dict[str, SourceChange] = {}
        out = []
        for record in records:
            patch = ids.get(record.sha or "")
            original = record if patch is None else first.setdefault(patch, record)
            if (
                original is not record
                and record.picked_from_key is None
                and not self._descends(record.sha or "", original.sha or "")
            ):
                # A first version found to be a pick already stands for that change.
                record = _as_pick(record, original.picked_from_key or original.key, "git_twin")
            out.append(record)
        return out

    def _descends(self, sha: str, earlier: str) -> bool:
        """Whether ``sha`` was made on top of ``earlier``: the same patch made again after it
        (a change reverted and landed again) is a change of its own, not a twin."""
        return is_ancestor(self.path, earlier, sha)

    def _stored_key(
        self,
        original: str,
        branch: str,
        others: Sequence[str],
        known: Mapping[str, str],
        claimed: Mapping[str, str],
    ) -> str | None:
        """The key ``original`` is counted under: its own on a line read before (``known``),
        else the one it was stored under on ``branch``, else that of the change that landed it
        on a line read before (a commit inside a pull request merged there: cert-manager's
        base-image bump made on ``release-1.13`` first, then picked onto ``release-1.12``)."""
        key = known.get(original) or self._key_of(original, branch, claimed)
        if key is not None or not others:
            return key
        # One question to git for every tag rather than one per line read before: a clone
        # with a hundred maintenance releases would ask a hundred times per pick.
        done = run_git(
            self.path,
            "for-each-ref",
            f"--contains={original}",
            "--format=%(objectname) %(*objectname)",
            "refs/tags",
            check=False,
        )
        holding = set(done.stdout.decode("ascii", "replace").split())
        tip = next((t for t in others if t in holding), None)
        landed = self.reverts.landing(original, tip) if tip is not None else None
        return known.get(landed) if landed is not None else None

    def _key_of(self, original: str, branch: str, claimed: Mapping[str, str]) -> str | None:
        """The key ``original`` was stored under on ``branch``: ``RevertTargets.keyed``'s,
        unless another commit of this sync claimed that key first (a pull request number
        reused, ``source._own_key``), when it is keyed by the sha that landed it."""
        keyed = self.reverts.keyed(original, branch)
        if keyed is None:
            return None
        key, landed = keyed
        if claimed.get(key, landed) == landed:
            return key
        return str(ChangeKey.commit(self.repository, landed))

    def _trailer_pick(
        self,
        record: SourceChange,
        branch: str,
        others: Sequence[str],
        known: Mapping[str, str],
        claimed: Mapping[str, str],
    ) -> str | None:
        """The key of the change ``record``'s ``(cherry picked from commit X)`` trailer names,
        a commit of ``branch`` or of a maintenance line read before (its key in ``known``) that
        changed the same files; None when it names none the clone holds there."""
        for named in picked_by_trailer(record.body):
            sha = self.reverts.full_sha(named)
            if sha is None or record.sha is None or sha == record.sha:
                continue
            if not same_files(self.path, record.sha, sha):
                continue
            key = self._stored_key(sha, branch, others, known, claimed)
            if key is not None:
                return key
        return None


def _as_pick(record: SourceChange, key: str, event: str) -> SourceChange:
    """``record`` stored as a pick of the change keyed ``key`` (a record without a sha stays as
    it is); one titled as the original ("Fix (#7)") is keyed by its sha, never as it."""
    if record.sha is None:
        return record
    if key == record.key:
        record = replace(record, key=str(ChangeKey.commit(record.repository, record.sha)))
    log.info(event, repository=record.repository, change=record.key, of=key)
    return replace(record, state="picked", picked_from_key=key)
