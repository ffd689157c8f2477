"""Changes upserted with their files and reviews, by key."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import structlog
from sqlmodel import col, select

from data.config import OrgConfig
from data.ingest.references import Lookups
from data.ingest.tally import Tally, snapshot
from data.sources.records import REVIEW_STATES, ChangeRecord, FileRecord, ReviewRecord
from data.store.tables import Change, ChangeFile, ChangeState, ReviewRow
from scoring.authorship import AuthorKind

__all__ = ["ChangeWriter", "agent_in_trailers"]

log = structlog.get_logger(__name__)

_TRAILER = re.compile(r"^\s*(?P<name>.*?)\s*(?:<(?P<email>[^>]*)>)?\s*$")


def agent_in_trailers(org: OrgConfig, co_authors: Iterable[str]) -> bool:
    """True when a ``Co-authored-by`` value (``Name <email>``) names an AI agent.

    GitHub's noreply addresses carry the login after a numeric id
    (``123+Copilot@users.noreply.github.com``), so the address's local part counts too.
    """
    for value in co_authors:
        match = _TRAILER.match(value)
        if match is None:
            continue
        kind = org.agents.kind_of(match.group("name") or "", match.group("email") or "")
        if kind is AuthorKind.AGENT:
            return True
    return False


_CHANGE_FIELDS = (
    "repository_id",
    "number",
    "sha",
    "title",
    "body",
    "url",
    "author_id",
    "merged_by_id",
    "opened_at",
    "merged_at",
    "base_branch",
    "head_branch",
    "labels",
    "is_revert",
    "is_hotfix",
    "reverts_key",
    "co_authors",
    "co_authored_by_agent",
    "ci_status",
    "coverage_delta",
    "review_comments",
    "reviews_known",
    "state",
    "updated_at",
    "head_sha",
    "draft",
)


@dataclass(frozen=True, slots=True)
class ChangeWriter:
    """Writes changes into the session of ``lookups``; the caller commits."""

    lookups: Lookups

    def changes(self, records: Iterable[ChangeRecord]) -> Tally:
        """Upsert changes with their files and reviews, by ``key``."""
        tally = Tally()
        # A source that reports one change twice in a page means its last report: two
        # inserts of one key would stop the whole sync on the unique index.
        batch = list({r.key: r for r in records}.values())
        keys = [r.key for r in batch]
        # One query for the rows that exist; a new row has no files or reviews to compare.
        existing: dict[str, Change] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            existing.update(
                (c.key, c)
                for c in self.lookups.session.exec(select(Change).where(col(Change.key).in_(chunk)))
            )
        written: list[tuple[ChangeRecord, Change, tuple[Any, ...] | None]] = []
        for record in batch:
            row = existing.get(record.key)
            if record.state != ChangeState.MERGED and (
                # A pull request closed unmerged is only worth a row that listed it open,
                # and a merged change is final: a late report of it open changes nothing.
                (row is None and record.state == ChangeState.CLOSED)
                or (row is not None and row.state is ChangeState.MERGED)
            ):
                continue
            try:
                written.append(self._change(record, row))
            except ValueError as exc:
                tally.skipped += 1
                log.warning("record_skipped", kind="change", key=record.key, reason=str(exc))
        # One flush for the page's changes, not one each: the new rows go in as one
        # batched insert, and their ids are then there for their files and reviews.
        self.lookups.session.flush()
        for record, row, before in written:
            assert row.id is not None
            new = before is None
            files_changed = self._files(row.id, record.repository, record.files, new=new)
            reviews_changed = record.reviews_known and self._reviews(
                row.id, record.reviews, new=new
            )
            if new:
                tally.add("change")
            elif before != snapshot(row, _CHANGE_FIELDS) or files_changed or reviews_changed:
                tally.updated += 1
        self.lookups.session.flush()
        return tally

    def _change(
        self, r: ChangeRecord, row: Change | None
    ) -> tuple[ChangeRecord, Change, tuple[Any, ...] | None]:
        """The change's row with the record's values, not yet flushed, and its values before."""
        if r.merged_at.tzinfo is None:
            raise ValueError("merged_at has no time zone")
        state = ChangeState(r.state)
        merged_at = r.merged_at if state is ChangeState.MERGED else None
        repo = self.lookups.repository(r.repository)
        assert repo.id is not None
        author = self.lookups.person(r.author, is_bot=r.author_is_bot)
        merger = self.lookups.person(r.merged_by) if r.merged_by else None
        reverts_key = r.reverts_key
        if reverts_key is None and r.reverts_sha:
            target = self.lookups.change_by_sha(repo.id, r.reverts_sha)
            reverts_key = target.key if target else None
        before = snapshot(row, _CHANGE_FIELDS) if row is not None else None
        if row is None:
            row = Change(
                key=r.key,
                repository_id=repo.id,
                author_id=author.id or 0,
                merged_at=merged_at,
                state=state,
            )
        values: dict[str, Any] = {
            "repository_id": repo.id,
            "number": r.number,
            "sha": r.sha.lower() if r.sha else None,
            "title": r.title,
            "body": r.body,
            "url": r.url,
            "author_id": author.id,
            "merged_by_id": merger.id if merger else None,
            "opened_at": r.opened_at,
            "merged_at": merged_at,
            "state": state,
            "updated_at": r.updated_at,
            "head_sha": r.head_sha.lower() if r.head_sha else None,
            "base_branch": r.base_branch,
            "head_branch": r.head_branch,
            "labels": list(r.labels),
            "is_revert": r.is_revert or bool(reverts_key),
            "is_hotfix": r.is_hotfix,
            "reverts_key": reverts_key,
            "co_authors": list(r.co_authors),
            "co_authored_by_agent": r.made_by_agent
            or agent_in_trailers(self.lookups.org, r.co_authors),
            "ci_status": r.ci_status,
            "coverage_delta": r.coverage_delta,
            "review_comments": r.review_comments,
            "reviews_known": r.reviews_known,
            "draft": r.draft,
        }
        if not r.reviews_known and before is not None:
            # A git history sees less than a code host (reviews, labels, links, opening
            # time): it fills in what the row lacks and blanks nothing a code host stored.
            for name, value in list(values.items()):
                if value is None or value == [] or name in ("reviews_known", "draft"):
                    values[name] = getattr(row, name)
        for name, value in values.items():
            setattr(row, name, value)
        self.lookups.session.add(row)
        return r, row, before

    def _files(
        self, change_id: int, repository: str, files: Iterable[FileRecord], *, new: bool
    ) -> bool:
        services = self.lookups.service_ids()
        existing = (
            []
            if new
            else list(
                self.lookups.session.exec(
                    select(ChangeFile)
                    .where(col(ChangeFile.change_id) == change_id)
                    .order_by(col(ChangeFile.id))
                )
            )
        )
        wanted = []
        for f in files:
            key = self.lookups.org.service_for_path(repository, f.path)
            wanted.append(
                (
                    f.path,
                    f.added,
                    f.deleted,
                    f.change_type,
                    services.get(key) if key else None,
                    list(f.owners) if f.owners is not None else None,
                    f.generated,
                )
            )
        have = [
            (f.path, f.added, f.deleted, f.change_type, f.service_id, f.owners, f.generated)
            for f in existing
        ]
        if have == wanted:
            return False
        for old_file in existing:
            self.lookups.session.delete(old_file)
        self.lookups.session.flush()
        self.lookups.session.add_all(
            ChangeFile(
                change_id=change_id,
                path=path,
                added=added,
                deleted=deleted,
                change_type=kind,
                service_id=service_id,
                owners=owners,
                generated=generated,
            )
            for path, added, deleted, kind, service_id, owners, generated in wanted
        )
        return True

    def _reviews(self, change_id: int, reviews: Iterable[ReviewRecord], *, new: bool) -> bool:
        existing = (
            []
            if new
            else list(
                self.lookups.session.exec(
                    select(ReviewRow)
                    .where(col(ReviewRow.change_id) == change_id)
                    .order_by(col(ReviewRow.id))
                )
            )
        )
        wanted = []
        for r in sorted(reviews, key=lambda r: (r.submitted_at, r.reviewer)):
            state = r.state.lower()
            if state not in REVIEW_STATES or r.submitted_at.tzinfo is None:
                log.warning("review_skipped", reviewer=r.reviewer, state=r.state)
                continue
            reviewer = self.lookups.person(r.reviewer, is_bot=r.reviewer_is_bot)
            wanted.append((reviewer.id, state, r.submitted_at, r.comments))
        have = [(r.reviewer_id, r.state, r.submitted_at, r.comments) for r in existing]
        if have == wanted:
            return False
        for old_review in existing:
            self.lookups.session.delete(old_review)
        self.lookups.session.flush()
        self.lookups.session.add_all(
            ReviewRow(
                change_id=change_id,
                reviewer_id=reviewer_id or 0,
                state=state,
                submitted_at=at,
                comments=comments,
            )
            for reviewer_id, state, at, comments in wanted
        )
        return True

    # -- deploys, incidents and error budgets --------------------------------
