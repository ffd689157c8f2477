"""Labels of merged pull requests, read label-first: a third connection per PR would cost more.

See ``data.sources.github.pull_pages`` for what a label sweep costs and when it runs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog

from data.sources.github.graphql_queries import (
    QueryPart,
    label_continuation,
    label_sweep,
)
from data.sources.github.pull_records import (
    ConnectionPage,
    MalformedPull,
    field_of,
    pull_time,
)

__all__ = ["LabelReader", "LabelTrack"]

log = structlog.get_logger(__name__)

# A label sweep narrower than this is not worth a query's spare room.
_MIN_SWEEP = 10


@dataclass(slots=True)
class LabelTrack:
    """How far one label's merged pull requests (newest updates first) have been read."""

    name: str
    after: str | None = None
    more: bool = True
    oldest: datetime | None = None


@dataclass(slots=True)
class LabelReader:
    """Which labels each pull request carries, learnt from the labels' side."""

    tracks: dict[str, LabelTrack] = field(default_factory=dict)
    sweep_after: str | None = None
    swept: bool = False
    of_pull: defaultdict[int, set[str]] = field(default_factory=lambda: defaultdict(set))

    def known_down_to(self, when: datetime) -> bool:
        """Every label of every pull request updated at ``when`` or later is known."""
        return self.swept and not any(self._behind(t, when) for t in self.tracks.values())

    @staticmethod
    def _behind(track: LabelTrack, when: datetime) -> bool:
        return track.more and (track.oldest is None or track.oldest >= when)

    def work(self, budget: int, floor: datetime) -> list[QueryPart]:
        """Label reading within ``budget`` requests, for pull requests updated since ``floor``."""
        parts: list[QueryPart] = []
        if not self.swept and budget >= 1 + _MIN_SWEEP:
            size = min(100, budget - 1)
            parts.append(label_sweep(size, self.sweep_after))
            budget -= 1 + size
        behind = [t for t in self.tracks.values() if self._behind(t, floor)]
        for i, track in enumerate(behind[: max(0, budget)]):
            parts.append(label_continuation(i, track.name, track.after))
        return parts

    def absorb(self, parts: Sequence[QueryPart], repository: Mapping[str, Any]) -> None:
        """Take in what GitHub answered for ``parts``."""
        for part in parts:
            answer = repository.get(part.alias)
            try:
                if part.alias == "sweep":
                    self._sweep(answer)
                elif part.alias.startswith("l"):
                    self._continue(str(part.variables[f"{part.alias}n"]), answer)
            except MalformedPull as exc:
                # Labels are a nicety; a broken answer about them must not stop the sync.
                log.warning("github_labels_malformed", part=part.alias, reason=str(exc))
                if part.alias == "sweep":
                    self.swept = True
                else:
                    self.tracks[str(part.variables[f"{part.alias}n"])].more = False

    def _sweep(self, answer: Any) -> None:
        page = ConnectionPage.of(answer, "labels")
        for node in page.nodes:
            name = field_of(node, "name", str)
            track = self.tracks.setdefault(name, LabelTrack(name))
            self._pulls(track, node.get("pullRequests"))
        self.sweep_after = page.next_after
        self.swept = page.next_after is None

    def _continue(self, name: str, answer: Any) -> None:
        track = self.tracks[name]
        if answer is None:  # the label was deleted since the sweep
            track.more = False
            return
        self._pulls(track, field_of(answer, "pullRequests", dict))

    def _pulls(self, track: LabelTrack, conn: Any) -> None:
        page = ConnectionPage.of(conn, "pullRequests")
        for node in page.nodes:
            self.of_pull[field_of(node, "number", int)].add(track.name)
            track.oldest = pull_time(node.get("updatedAt"), "updatedAt")
        track.after = page.next_after
        track.more = page.next_after is not None
