"""What the store quickstart made holds, read with plain SQL (SQLite): changes with their files,
services and bands; deploys with the changes linked to them and their bands."""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

__all__ = ["StoreFacts", "StoredChange", "StoredDeploy", "read_revert_incidents", "read_store"]


@dataclass(frozen=True, slots=True)
class StoredChange:
    """A merged change: key, sha, number, merge time, files, services touched, band; and per
    file the lines it added, and the files it stored as generated or vendored."""

    key: str
    sha: str | None
    number: int | None
    merged_at: datetime | None
    paths: tuple[str, ...]
    services: frozenset[str]
    band: str | None
    added: dict[str, int] = field(default_factory=dict)
    generated: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class StoredDeploy:
    """A deploy: key, service key and name, finish time, shipped change keys, band."""

    key: str
    service: str
    service_name: str
    finished_at: datetime
    changes: frozenset[str]
    band: str | None

    @property
    def tag(self) -> str | None:
        """The release tag of a ``git-tag:{repo}:{tag}:{service}`` deploy."""
        if not self.key.startswith("git-tag:"):
            return None
        return self.key.split(":", 2)[2].rsplit(":", 1)[0]


@dataclass(frozen=True, slots=True)
class StoreFacts:
    """The store's changes by key, deploys, and each service's path globs."""

    changes: dict[str, StoredChange]
    deploys: tuple[StoredDeploy, ...]
    services: dict[str, tuple[str, ...]]
    # Each cherry-pick's sha and its original's (issue 62: one change, the original, stands
    # for both in every count, so a release that ships the pick ships the original).
    picks: dict[str, str] = field(default_factory=dict)


def _time(value: object) -> datetime | None:
    return datetime.fromisoformat(str(value)) if value else None


def read_store(db: Path) -> StoreFacts:
    """The facts of the SQLite store at ``db``; a score's latest row gives its band."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        bands: dict[tuple[str, str], str] = {}
        for kind, key, band in con.execute(
            "SELECT subject_kind, subject_key, band FROM risk_score ORDER BY id"
        ):
            bands[(kind, key)] = band
        services: dict[int, tuple[str, str, tuple[str, ...]]] = {
            sid: (key, name, tuple(json.loads(globs)))
            for sid, key, name, globs in con.execute(
                "SELECT id, key, name, path_globs FROM service"
            )
        }
        paths: dict[int, list[str]] = defaultdict(list)
        touched: dict[int, set[str]] = defaultdict(set)
        added: dict[int, dict[str, int]] = defaultdict(dict)
        generated: dict[int, set[str]] = defaultdict(set)
        for change_id, path, service_id, lines, marked in con.execute(
            "SELECT change_id, path, service_id, added, generated FROM change_file"
        ):
            paths[change_id].append(path)
            added[change_id][path] = int(lines or 0)
            if marked:
                generated[change_id].add(path)
            if service_id in services:
                touched[change_id].add(services[service_id][0])
        changes: dict[str, StoredChange] = {}
        keys: dict[int, str] = {}
        for cid, key, sha, number, merged_at in con.execute(
            "SELECT id, key, sha, number, merged_at FROM change WHERE state = 'merged'"
        ):
            keys[cid] = key
            changes[key] = StoredChange(
                key, sha, number, _time(merged_at), tuple(paths[cid]),
                frozenset(touched[cid]), bands.get(("change", key)),
                added[cid], frozenset(generated[cid]),
            )  # fmt: skip
        linked: dict[int, set[str]] = defaultdict(set)
        for deploy_id, change_id in con.execute("SELECT deploy_id, change_id FROM deploy_change"):
            if change_id in keys:
                linked[deploy_id].add(keys[change_id])
        deploys = tuple(
            StoredDeploy(
                key,
                services[sid][0],
                services[sid][1],
                _time(finished) or datetime.min,
                frozenset(linked[did]),
                bands.get(("deploy", key)),
            )
            for did, key, sid, finished in con.execute(
                "SELECT id, key, service_id, finished_at FROM deploy"
            )
            if sid in services
        )
        picks = dict(
            con.execute(
                "SELECT c.sha, o.sha FROM change c JOIN change o ON o.key = c.picked_from_key"
                " WHERE c.state = 'picked' AND c.sha IS NOT NULL AND o.sha IS NOT NULL"
            )
        )
        return StoreFacts(changes, deploys, {k: g for k, _, g in services.values()}, picks)
    finally:
        con.close()


def read_revert_incidents(db: Path) -> list[tuple[str, str]]:
    """The incidents the store made from reverts: (incident key, the revert's change key)."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute("SELECT key FROM incident WHERE key LIKE 'revert:%' ORDER BY id")
        return [(str(key), str(key).removeprefix("revert:")) for (key,) in rows]
    finally:
        con.close()
