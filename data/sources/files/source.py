"""Incidents, deploys or spent error budgets kept in a CSV or JSON file, re-read every sync.

For teams whose incidents live in a spreadsheet or an export of a tool
riskbrief has no source for. The format follows the extension:

- ``.csv``: a header row, then one record a row (UTF-8, an Excel BOM is fine);
- ``.json``: a list of objects, or an object holding that list under
  ``"incidents"``, ``"deploys"`` or ``"error_budgets"`` (the file's kind).

Incidents need ``key`` (or ``id``), ``service`` and ``opened_at``, and may
have ``title``, ``resolved_at`` and ``severity``. Deploys need ``key``,
``service`` and ``finished_at``, and may have ``environment`` (default
``production``), ``sha``, ``started_at`` and ``status`` (``success`` or
``failure``, default ``success``). Error budgets need ``service`` and
``exhausted_at`` (or ``from``), and may have ``restored_at`` (or ``until``;
empty while the budget is still spent) and ``key`` (default
``<service>@<exhausted_at in UTC>``). Times are ISO 8601 with an offset or ``Z``:
a time without one is ambiguous (whose midnight?), so the row is refused with
a sentence saying to add the zone.

The whole file is read on every sync; the upserts on ``key`` make that
idempotent and the summary counts what was added and updated. It keeps no
cursor: any row may have been edited since (an incident resolved, a deploy's
status corrected), so no place in the file is one to resume from, and a sync
interrupted part way is made whole by the next reading the file again. A bad
row is logged with its row number and skipped; a file that is missing,
unreadable, neither CSV nor JSON, or lacks a required column is one sentence
naming the file (and the column).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from data.config.sources import FileImportConfig
from data.deploy_rule import DeployRule, FoundBy
from data.handoff import Handoff
from data.source_values import SourceDeploy, SourceErrorBudget, SourceIncident
from data.sources.times import parse_time
from scoring.errors import SourceError

__all__ = [
    "FileEntry",
    "FileImportSource",
    "parse_deploy_row",
    "parse_error_budget_row",
    "parse_incident_row",
    "read_rows",
]

log = structlog.get_logger(__name__)

_BATCH = 500
_REQUIRED = {
    "incidents": (("key", "id"), ("service",), ("opened_at",)),
    "deploys": (("key",), ("service",), ("finished_at",)),
    "error_budgets": (("service",), ("exhausted_at", "from")),
}
_STATUSES = ("success", "failure")


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One record of the file: where it is (``where``, e.g. ``row 3``) and its fields."""

    where: str
    fields: Mapping[str, Any]


def _text(fields: Mapping[str, Any], name: str) -> str | None:
    value = fields.get(name)
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _required(fields: Mapping[str, Any], *names: str) -> str:
    for name in names:
        value = _text(fields, name)
        if value is not None:
            return value
    raise ValueError(f"{names[0]} is empty")


def _time(fields: Mapping[str, Any], *names: str, required: bool = False) -> datetime | None:
    """The first of ``names`` that has a value, as an aware time; the error names that column."""
    name = next((n for n in names if _text(fields, n) is not None), names[0])
    text = _required(fields, name) if required else _text(fields, name)
    if text is None:
        return None
    return parse_time(text, name)


def parse_incident_row(fields: Mapping[str, Any]) -> SourceIncident:
    """An incident from one record; a ValueError saying what is wrong otherwise."""
    opened = _time(fields, "opened_at", required=True)
    assert opened is not None
    resolved = _time(fields, "resolved_at")
    if resolved is not None and resolved < opened:
        raise ValueError("resolved_at is before opened_at")
    return SourceIncident(
        key=_required(fields, "key", "id"),
        service=_required(fields, "service"),
        opened_at=opened,
        title=_text(fields, "title") or "",
        resolved_at=resolved,
        severity=_text(fields, "severity"),
        source="file",
    )


def parse_deploy_row(fields: Mapping[str, Any], file: str = "") -> SourceDeploy:
    """A deploy from one record (of ``file``, by its name); a ValueError saying what is wrong
    otherwise."""
    finished = _time(fields, "finished_at", required=True)
    assert finished is not None
    status = (_text(fields, "status") or "success").lower()
    if status not in _STATUSES:
        raise ValueError(f"status {status!r} must be success or failure")
    return SourceDeploy(
        key=_required(fields, "key"),
        service=_required(fields, "service"),
        finished_at=finished,
        environment=_text(fields, "environment") or "production",
        sha=_text(fields, "sha"),
        started_at=_time(fields, "started_at"),
        status=status,
        source="file",
        found_by=FoundBy(DeployRule.FILE, file),
    )


def parse_error_budget_row(fields: Mapping[str, Any]) -> SourceErrorBudget:
    """A spent-error-budget span from one record; a ValueError saying what is wrong otherwise."""
    exhausted = _time(fields, "exhausted_at", "from", required=True)
    assert exhausted is not None
    restored = _time(fields, "restored_at", "until")
    if restored is not None and restored < exhausted:
        raise ValueError("restored_at is before exhausted_at")
    service = _required(fields, "service")
    return SourceErrorBudget(
        key=_text(fields, "key") or f"{service}@{exhausted.astimezone(UTC).isoformat()}",
        service=service,
        exhausted_at=exhausted,
        restored_at=restored,
        source="file",
    )


def _missing_column(path: Path, kind: str, columns: set[str]) -> SourceError | None:
    for names in _REQUIRED[kind]:
        if not columns.intersection(names):
            wanted = ", ".join(
                " (or ".join(n) + (")" if len(n) > 1 else "") for n in _REQUIRED[kind]
            )
            return SourceError(
                f"{path}: the column {names[0]!r} is missing; "
                f"a file of {kind.replace('_', ' ')} needs {wanted}."
            )
    return None


def _csv_rows(path: Path, text: str, kind: str) -> list[FileEntry]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise SourceError(f"{path} has no header row; the first line must name the columns.")
    columns = {(name or "").strip().lower() for name in reader.fieldnames}
    problem = _missing_column(path, kind, columns)
    if problem:
        raise problem
    rows = []
    for raw in reader:
        fields = {(k or "").strip().lower(): v for k, v in raw.items() if k is not None}
        # line_num is the file line the row ended on: what a spreadsheet calls the row.
        rows.append(FileEntry(f"row {reader.line_num}", fields))
    return rows


def _json_rows(path: Path, text: str, kind: str) -> list[FileEntry]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceError(
            f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})."
        ) from None
    if isinstance(data, dict) and isinstance(data.get(kind), list):
        data = data[kind]
    if not isinstance(data, list):
        raise SourceError(
            f'{path} must hold a JSON list of objects, or an object with that list under "{kind}".'
        )
    rows = []
    columns: set[str] = set()
    for i, item in enumerate(data, start=1):
        fields = (
            {str(k).strip().lower(): v for k, v in item.items()} if isinstance(item, dict) else {}
        )
        columns.update(fields)
        rows.append(FileEntry(f"record {i}", fields))
    problem = _missing_column(path, kind, columns) if rows else None
    if problem:
        raise problem
    return rows


def read_rows(path: Path, kind: str) -> list[FileEntry]:
    """Every record of a CSV or JSON file; a ``SourceError`` naming the file when it cannot be."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise SourceError(
            f"{path} is neither CSV nor JSON; name it with .csv or .json to say which it is."
        )
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(
            f"{path} does not exist; check sources.files[].path in riskbrief.toml."
        ) from None
    except IsADirectoryError:
        raise SourceError(f"{path} is a directory; point sources.files[].path at a file.") from None
    except OSError as exc:
        raise SourceError(
            f"{path} cannot be read ({exc.strerror or type(exc).__name__}); check its permissions."
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SourceError(f"{path} is not UTF-8 text; save it as UTF-8.") from None
    if suffix == ".csv":
        return _csv_rows(path, text, kind)
    return _json_rows(path, text, kind)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class FileImportSource:
    """A CSV or JSON file of incidents, deploys or error budgets (``[[sources.files]]``).

    A relative ``path`` is taken from ``base_dir`` (the directory of
    riskbrief.toml, as the CLI passes it), else from the working directory.
    """

    def __init__(self, config: FileImportConfig, base_dir: Path | None = None) -> None:
        path = Path(config.path).expanduser()
        self.path = path if path.is_absolute() or base_dir is None else base_dir / path
        self.kind = config.kind

    @property
    def name(self) -> str:
        """``file <file name>``, e.g. ``file incidents.csv``."""
        return f"file {self.path.name}"

    def sync(self, run: Handoff) -> None:
        """Read the whole file and upsert every good record; log and skip the bad ones."""
        rows = read_rows(self.path, self.kind)
        incidents: list[SourceIncident] = []
        deploys: list[SourceDeploy] = []
        budgets: list[SourceErrorBudget] = []
        first_problem: str | None = None
        for row in rows:
            try:
                if self.kind == "incidents":
                    incidents.append(parse_incident_row(row.fields))
                elif self.kind == "error_budgets":
                    budgets.append(parse_error_budget_row(row.fields))
                else:
                    deploys.append(parse_deploy_row(row.fields, self.path.name))
            except ValueError as exc:
                run.tally.skipped += 1
                first_problem = first_problem or f"{row.where}: {exc}"
                log.warning("file_row_skipped", file=str(self.path), row=row.where, reason=str(exc))
        if rows and not incidents and not deploys and not budgets:
            # Every row refused is a file-level mistake (say, times without a zone
            # throughout): say so plainly instead of a quiet "0 added".
            raise SourceError(f"{self.path}: no row could be read; {first_problem}.")
        for batch in _batches(incidents, _BATCH):
            run.checkpoint(self.name, incidents=batch)
            run.progress.advance(self.name, len(batch), self.kind)
        for deploy_batch in _batches(deploys, _BATCH):
            run.checkpoint(self.name, deploys=deploy_batch)
            run.progress.advance(self.name, len(deploy_batch), self.kind)
        for budget_batch in _batches(budgets, _BATCH):
            run.checkpoint(self.name, error_budgets=budget_batch)
            run.progress.advance(self.name, len(budget_batch), "error budgets")
