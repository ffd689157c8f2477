"""Changes upserted with their files and reviews, by key."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
import structlog
from sqlmodel import Session

from data.config import OrgConfig
from data.ingest.bulk import chunks, insert_keyed, rows_by_key, table_of
from data.ingest.references import Lookups
from data.source_values import REVIEW_STATES, SourceChange
from data.store.tables import Change, ChangeFile, ChangeState, ReviewRow
from data.tally import Tally, snapshot
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


# The states of a change that landed on a branch: merged, or picked from another change.
_LANDED = frozenset({ChangeState.MERGED, ChangeState.PICKED})

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
    "merged_utc_offset",
    "base_branch",
    "head_branch",
    "labels",
    "is_revert",
    "is_hotfix",
    "reverts_key",
    "picked_from_key",
    "co_authors",
    "co_authored_by_agent",
    "ci_status",
    "line_coverage_delta",
    "review_comments",
    "reviews_known",
    "state",
    "updated_at",
    "head_sha",
    "draft",
)


_FILE_FIELDS = (
    "path",
    "added",
    "deleted",
    "change_type",
    "service_id",
    "owners",
    "generated",
    "code_added",
    "code_deleted",
    "previous_path",
    "lines_before",
    "marked",
)
# Where ``_FILE_FIELDS`` hold a file's path and counts, and what only a clone or diff reads:
# its lines of code, the path it was renamed from, the lines it held before and what its
# ``.gitattributes`` marks it.
_FILE_LINES = slice(0, 3)
_FILE_CODE = slice(7, 12)
_UNREAD = (None, None, None, None, None)
_REVIEW_FIELDS = ("reviewer_id", "state", "submitted_at", "comments")


@dataclass(slots=True)
class _NewChanges:
    """A batch's new changes, held as column values until one insert writes them all."""

    session: Session
    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    ids: dict[str, int] = field(default_factory=dict)

    def write(self) -> None:
        """Insert the held rows and keep their ids by key."""
        self.ids.update(insert_keyed(self.session, Change, list(self.rows.values())))
        self.rows.clear()


@dataclass(frozen=True, slots=True)
class _Written:
    """A change of the batch as written: its row (``None`` when new) and values before."""

    record: SourceChange
    row: Change | None
    before: tuple[Any, ...] | None


def _people_of(batch: list[SourceChange]) -> Iterator[str]:
    """The logins a page of changes names: authors, mergers and reviewers."""
    for r in batch:
        yield r.author
        if r.merged_by:
            yield r.merged_by
        yield from (review.reviewer for review in r.reviews)


def _stored_id(row: Change) -> int:
    assert row.id is not None
    return row.id


_Keep = Callable[[list[tuple[Any, ...]], list[tuple[Any, ...]]], list[tuple[Any, ...]]]


def _keep_code_lines(
    wanted: list[tuple[Any, ...]], have: list[tuple[Any, ...]]
) -> list[tuple[Any, ...]]:
    """``wanted`` file rows, each without a count of code lines taking the stored one.

    A code host reports counts only, a clone's sync counts lines of code, follows
    renames and reads each file's length too: a change both report keeps its clone's
    readings while the file's path and counts stay the same.
    """
    if all(row[_FILE_CODE] != _UNREAD for row in wanted):
        return wanted
    known = {tuple(row[_FILE_LINES]): row[_FILE_CODE] for row in have if row[_FILE_CODE] != _UNREAD}
    if not known:
        return wanted
    out = []
    for row in wanted:
        code = known.get(tuple(row[_FILE_LINES])) if row[_FILE_CODE] == _UNREAD else None
        out.append(row if code is None else (*row[: _FILE_CODE.start], *code))
    return out


@dataclass(frozen=True, slots=True)
class ChangeWriter:
    """Writes changes into the session of ``lookups``; the caller commits."""

    lookups: Lookups

    def changes(self, records: Iterable[SourceChange]) -> Tally:
        """Upsert changes with their files and reviews, by ``key``."""
        tally = Tally()
        # A source that reports one change twice in a page means its last report: two
        # inserts of one key would stop the whole sync on the unique index.
        batch = list({r.key: r for r in records}.values())
        self.lookups.read_people(_people_of(batch))
        new = _NewChanges(self.lookups.session)
        written = self._rows(batch, new, tally)
        # The new rows in one insert, the updated ones in the ORM's grouped updates; then
        # every change has its id for its files and reviews.
        new.write()
        self.lookups.session.flush()
        ids = [new.ids[w.record.key] if w.row is None else _stored_id(w.row) for w in written]
        files_changed = self._files(written, ids)
        reviews_changed = self._reviews(written, ids)
        for w, change_id in zip(written, ids, strict=True):
            if w.row is None:
                tally.add("change")
            elif (
                w.before != snapshot(w.row, _CHANGE_FIELDS)
                or change_id in files_changed
                or change_id in reviews_changed
            ):
                tally.updated += 1
        self.lookups.session.flush()
        return tally

    def _rows(self, batch: list[SourceChange], new: _NewChanges, tally: Tally) -> list[_Written]:
        """Set the stored rows of the batch to their records' values and hold its new ones in
        ``new``; a record that cannot be stored is skipped and counted in ``tally``."""
        # One query for the rows that exist; a new row has no files or reviews to compare.
        existing: dict[str, Change] = rows_by_key(
            self.lookups.session, Change, [r.key for r in batch]
        )
        written: list[_Written] = []
        for record in batch:
            row = existing.get(record.key)
            if record.state not in _LANDED and (
                # A pull request closed unmerged is only worth a row that listed it open,
                # and a merged change is final: a late report of it open changes nothing.
                (row is None and record.state == ChangeState.CLOSED)
                or (row is not None and row.state in _LANDED)
            ):
                continue
            try:
                values = self._values(record, row, new)
            except ValueError as exc:
                tally.skipped += 1
                log.warning("record_skipped", kind="change", key=record.key, reason=str(exc))
                continue
            if row is None:
                new.rows[record.key] = {"key": record.key, **values}
                written.append(_Written(record, None, None))
            else:
                before = snapshot(row, _CHANGE_FIELDS)
                for name, value in values.items():
                    setattr(row, name, value)
                written.append(_Written(record, row, before))
        return written

    def _values(self, r: SourceChange, row: Change | None, new: _NewChanges) -> dict[str, Any]:
        """The change's column values from the record, given its stored row if any."""
        if r.merged_at.tzinfo is None:
            raise ValueError("merged_at has no time zone")
        state = ChangeState(r.state)
        picked_from = r.picked_from_key if state is ChangeState.PICKED else None
        # A code host knows nothing of patch ids: what the git history found stands.
        if (
            r.reviews_known
            and state is ChangeState.MERGED
            and row is not None
            and row.state is ChangeState.PICKED
        ):
            state, picked_from = ChangeState.PICKED, row.picked_from_key
        merged_at = r.merged_at if state in _LANDED else None
        repo = self.lookups.repository(r.repository)
        assert repo.id is not None
        author = self.lookups.person(r.author, is_bot=r.author_is_bot)
        merger = self.lookups.person(r.merged_by) if r.merged_by else None
        reverts_key = r.reverts_key
        if reverts_key is None and r.reverts_sha:
            # The reverted change may be earlier in this batch: its row must be stored for
            # the lookup to find it, as the ORM's flush before each query stored it before.
            new.write()
            target = self.lookups.change_by_sha(repo.id, r.reverts_sha)
            reverts_key = target.key if target else None
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
            # A code host gives UTC alone: the offset a git history read is kept.
            "merged_utc_offset": None
            if merged_at is None
            else r.merged_utc_offset
            if r.merged_utc_offset is not None or row is None
            else row.merged_utc_offset,
            "state": state,
            "updated_at": r.updated_at,
            "head_sha": r.head_sha.lower() if r.head_sha else None,
            "base_branch": r.base_branch,
            "head_branch": r.head_branch,
            "labels": list(r.labels),
            "is_revert": r.is_revert or bool(reverts_key),
            "is_hotfix": r.is_hotfix,
            "reverts_key": reverts_key,
            "picked_from_key": picked_from,
            "co_authors": list(r.co_authors),
            "co_authored_by_agent": r.made_by_agent
            or agent_in_trailers(self.lookups.org, r.co_authors),
            "ci_status": r.ci_status,
            "line_coverage_delta": r.line_coverage_delta,
            "review_comments": r.review_comments,
            "reviews_known": r.reviews_known,
            "draft": r.draft,
        }
        if not r.reviews_known and row is not None:
            # A git history sees less than a code host (reviews, labels, links, opening
            # time): it fills in what the row lacks and blanks nothing a code host stored.
            for name, value in list(values.items()):
                if name == "picked_from_key":
                    continue  # only a git history knows what a commit is a pick of
                if value is None or value == [] or name in ("reviews_known", "draft"):
                    values[name] = getattr(row, name)
        return values

    def _files(self, written: list[_Written], ids: list[int]) -> set[int]:
        """Make each change's files exactly its record's; the ids of those that differed."""
        services = self.lookups.service_ids()
        wanted: dict[int, list[tuple[Any, ...]]] = {}
        for w, change_id in zip(written, ids, strict=True):
            repository = w.record.repository
            wanted[change_id] = []
            for f in w.record.files:
                key = self.lookups.org.service_for_path(repository, f.path)
                owners = list(f.owners) if f.owners is not None else None
                service_id = services.get(key) if key else None
                wanted[change_id].append(
                    (
                        f.path,
                        f.added,
                        f.deleted,
                        f.change_type,
                        service_id,
                        owners,
                        f.generated,
                        f.code_added,
                        f.code_deleted,
                        f.previous_path,
                        f.lines_before,
                        f.marked,
                    )
                )
        stored = [i for w, i in zip(written, ids, strict=True) if w.row is not None]
        return self._replace(ChangeFile, _FILE_FIELDS, wanted, stored, _keep_code_lines)

    def _reviews(self, written: list[_Written], ids: list[int]) -> set[int]:
        """Make each change's reviews exactly its record's, where the source knows them."""
        wanted: dict[int, list[tuple[Any, ...]]] = {}
        for w, change_id in zip(written, ids, strict=True):
            if not w.record.reviews_known:
                continue
            wanted[change_id] = []
            for r in sorted(w.record.reviews, key=lambda r: (r.submitted_at, r.reviewer)):
                state = r.state.lower()
                if state not in REVIEW_STATES or r.submitted_at.tzinfo is None:
                    log.warning("review_skipped", reviewer=r.reviewer, state=r.state)
                    continue
                reviewer = self.lookups.person(r.reviewer, is_bot=r.reviewer_is_bot)
                wanted[change_id].append((reviewer.id or 0, state, r.submitted_at, r.comments))
        stored = [i for w, i in zip(written, ids, strict=True) if w.row is not None]
        return self._replace(ReviewRow, _REVIEW_FIELDS, wanted, stored)

    def _replace(
        self,
        model: type[ChangeFile] | type[ReviewRow],
        fields: tuple[str, ...],
        wanted: dict[int, list[tuple[Any, ...]]],
        stored: list[int],
        keep: _Keep | None = None,
    ) -> set[int]:
        """Replace the child rows of the changes whose stored rows differ from ``wanted``:
        one query for what is stored, one delete and one insert. The changed ids.

        ``stored`` are the changes that had a row before this batch; a new one has none.
        ``keep`` fills a change's wanted rows from its stored ones before they are compared.
        """
        session = self.lookups.session
        table = table_of(model)
        columns = [table.c[name] for name in fields]
        have: dict[int, list[tuple[Any, ...]]] = {}
        present = [i for i in stored if i in wanted]
        for chunk in chunks(present):
            query = (
                sa.select(table.c.change_id, *columns)
                .where(table.c.change_id.in_(chunk))
                .order_by(table.c.id)
            )
            for change_id, *values in session.execute(query):
                have.setdefault(change_id, []).append(tuple(values))
        if keep is not None:
            for i, rows in have.items():
                wanted[i] = keep(wanted[i], rows)
        changed = [i for i, rows in wanted.items() if have.get(i, []) != rows]
        stale = [i for i in changed if i in have]
        for chunk in chunks(stale):
            session.execute(sa.delete(table).where(table.c.change_id.in_(chunk)))
        inserts = [
            {"change_id": i, **dict(zip(fields, values, strict=True))}
            for i in changed
            for values in wanted[i]
        ]
        if inserts:
            session.execute(sa.insert(table), inserts)
        return set(changed)
