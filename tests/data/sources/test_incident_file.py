"""File import: CSV and JSON files of incidents, deploys or error budgets, synced into a store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select
from structlog.testing import capture_logs

from data.config import OrgConfig
from data.config.sources import FileImportConfig
from data.deploy_rule import DeployRule, FoundBy
from data.sources.files.source import FileImportSource
from data.store.tables import Deploy, ErrorBudget, Service
from data.sync import SourceSummary, run_sources
from tests.data.sources.pagerduty.test_source import IncidentRow, incident_rows, store_org

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

ORG = """
[[services]]
key = "checkout"
[[services]]
key = "payments"
"""

CET = timezone(timedelta(hours=1))

INCIDENTS_CSV = (
    "\ufeffkey,service,title,opened_at,resolved_at,severity\n"
    "INC-1,checkout,Checkout 5xx spike,2026-11-03T09:00:00Z,2026-11-03T10:15:00Z,SEV1\n"
    "INC-2,payments,Card auth timeouts,2026-11-10T13:00:00+01:00,,SEV2\n"
    'INC-3,checkout,"Slow cart, again",2026-11-15T12:00:00Z,2026-11-15T12:30:00Z,\n'
)

EXPECTED = {
    "INC-1": IncidentRow(
        "INC-1",
        "checkout",
        "Checkout 5xx spike",
        datetime(2026, 11, 3, 9, tzinfo=UTC),
        datetime(2026, 11, 3, 10, 15, tzinfo=UTC),
        "SEV1",
        "file",
    ),
    "INC-2": IncidentRow(
        "INC-2",
        "payments",
        "Card auth timeouts",
        datetime(2026, 11, 10, 13, tzinfo=CET),
        None,
        "SEV2",
        "file",
    ),
    "INC-3": IncidentRow(
        "INC-3",
        "checkout",
        "Slow cart, again",
        datetime(2026, 11, 15, 12, tzinfo=UTC),
        datetime(2026, 11, 15, 12, 30, tzinfo=UTC),
        None,
        "file",
    ),
}

JSON_RECORDS = [
    {
        "id": "INC-1",
        "service": "checkout",
        "title": "Checkout 5xx spike",
        "opened_at": "2026-11-03T09:00:00Z",
        "resolved_at": "2026-11-03T10:15:00Z",
        "severity": "SEV1",
    },
    {
        "id": "INC-2",
        "service": "payments",
        "title": "Card auth timeouts",
        "opened_at": "2026-11-10T13:00:00+01:00",
        "resolved_at": None,
        "severity": "SEV2",
    },
    {
        "id": "INC-3",
        "service": "checkout",
        "title": "Slow cart, again",
        "opened_at": "2026-11-15T12:00:00Z",
        "resolved_at": "2026-11-15T12:30:00Z",
    },
]


def write(directory: Path, name: str, text: str) -> Path:
    """Write ``text`` to ``directory/name`` as UTF-8 and return the path."""
    path = directory / name
    path.write_text(text, encoding="utf-8")
    return path


def sync_file(engine: Engine, org: OrgConfig, path: Path, kind: str = "incidents") -> SourceSummary:
    """One ``riskbrief sync`` of a ``[[sources.files]]`` entry naming ``path``."""
    source = FileImportSource(FileImportConfig(path=path.name, kind=kind), base_dir=path.parent)
    (summary,) = run_sources(engine, org, [source])
    return summary


@pytest.mark.store_decides
def test_csv_incidents_are_imported_and_resyncs_are_idempotent(
    engine: Engine, tmp_path: Path
) -> None:
    """A CSV is imported whole; syncing it again changes nothing, and an edited row is updated."""
    org = store_org(engine, ORG)
    path = write(tmp_path, "incidents.csv", INCIDENTS_CSV)

    first = sync_file(engine, org, path)
    again = sync_file(engine, org, path)
    write(
        tmp_path,
        "incidents.csv",
        INCIDENTS_CSV.replace("+01:00,,SEV2", "+01:00,2026-11-10T14:00:00+01:00,SEV2"),
    )
    edited = sync_file(engine, org, path)

    assert first == SourceSummary("file incidents.csv", 3, 0, 0)
    assert again == SourceSummary("file incidents.csv", 0, 0, 0)
    assert edited == SourceSummary("file incidents.csv", 0, 1, 0)
    rows = incident_rows(engine)
    assert rows["INC-1"] == EXPECTED["INC-1"]
    assert rows["INC-3"] == EXPECTED["INC-3"]
    assert rows["INC-2"].resolved_at == datetime(2026, 11, 10, 13, tzinfo=UTC)


@pytest.mark.parametrize(
    "document",
    [JSON_RECORDS, {"incidents": JSON_RECORDS}],
    ids=["list", "object"],
)
def test_json_incidents_are_imported(engine: Engine, tmp_path: Path, document: object) -> None:
    """A JSON list (bare or under "incidents") with ``id`` for the key is imported whole."""
    org = store_org(engine, ORG)
    path = write(tmp_path, "incidents.json", json.dumps(document))

    summary = sync_file(engine, org, path)

    assert summary == SourceSummary("file incidents.json", 3, 0, 0)
    assert incident_rows(engine) == EXPECTED


@pytest.mark.store_decides
def test_csv_deploys_are_imported(engine: Engine, tmp_path: Path) -> None:
    """A deploys CSV becomes deploys with environment, sha and status, defaults filled in."""
    org = store_org(engine, ORG)
    path = write(
        tmp_path,
        "deploys.csv",
        "key,service,environment,sha,finished_at,status\n"
        "dep-1,checkout,production,4f1c2e9a,2026-11-20T15:35:00Z,success\n"
        "dep-2,payments,,,2026-11-21T09:00:00+01:00,FAILURE\n"
        "dep-3,payments,staging,9aa0c1d2,2026-11-21T10:00:00Z,\n",
    )

    summary = sync_file(engine, org, path, kind="deploys")

    assert summary == SourceSummary("file deploys.csv", 3, 0, 0)
    with Session(engine) as session:
        found = {FoundBy.decode(d.found_by) for d in session.exec(select(Deploy))}
    assert found == {FoundBy(DeployRule.FILE, "deploys.csv")}
    with Session(engine) as session:
        stored = {
            d.key: (s.key, d.environment, d.sha, d.finished_at, d.status, d.source)
            for d, s in session.exec(
                select(Deploy, Service).where(col(Deploy.service_id) == col(Service.id))
            )
        }
    assert stored == {
        "dep-1": (
            "checkout",
            "production",
            "4f1c2e9a",
            datetime(2026, 11, 20, 15, 35, tzinfo=UTC),
            "success",
            "file",
        ),
        "dep-2": (
            "payments",
            "production",
            None,
            datetime(2026, 11, 21, 8, tzinfo=UTC),
            "failure",
            "file",
        ),
        "dep-3": (
            "payments",
            "staging",
            "9aa0c1d2",
            datetime(2026, 11, 21, 10, tzinfo=UTC),
            "success",
            "file",
        ),
    }


def budget_rows(engine: Engine) -> dict[str, tuple[str, datetime, datetime | None, str]]:
    """Every stored error budget by key: (service, exhausted_at, restored_at, source)."""
    with Session(engine) as session:
        return {
            b.key: (s.key, b.exhausted_at, b.restored_at, b.source)
            for b, s in session.exec(
                select(ErrorBudget, Service).where(col(ErrorBudget.service_id) == col(Service.id))
            )
        }


EXPECTED_BUDGETS = {
    "EB-1": (
        "payments",
        datetime(2026, 11, 16, tzinfo=UTC),
        datetime(2026, 11, 18, tzinfo=UTC),
        "file",
    ),
    "checkout@2026-11-20T08:00:00+00:00": (
        "checkout",
        datetime(2026, 11, 20, 8, tzinfo=UTC),
        None,
        "file",
    ),
}


@pytest.mark.store_decides
def test_csv_error_budgets_are_imported_with_derived_keys_and_resyncs_are_idempotent(
    engine: Engine, tmp_path: Path
) -> None:
    """A budgets CSV lands whole, a row without a key is keyed by service and time, once."""
    org = store_org(engine, ORG)
    path = write(
        tmp_path,
        "budgets.csv",
        "key,service,exhausted_at,restored_at\n"
        "EB-1,payments,2026-11-16T00:00:00Z,2026-11-18T00:00:00Z\n"
        ",checkout,2026-11-20T09:00:00+01:00,\n",
    )

    first = sync_file(engine, org, path, kind="error_budgets")
    again = sync_file(engine, org, path, kind="error_budgets")

    assert first == SourceSummary("file budgets.csv", 2, 0, 0)
    assert again == SourceSummary("file budgets.csv", 0, 0, 0)
    assert budget_rows(engine) == EXPECTED_BUDGETS


@pytest.mark.parametrize("wrapped", [False, True], ids=["list", "object"])
def test_json_error_budgets_are_imported_with_from_and_until(
    engine: Engine, tmp_path: Path, wrapped: bool
) -> None:
    """A JSON list (bare or under "error_budgets") may name the span ``from`` and ``until``."""
    org = store_org(engine, ORG)
    records = [
        {
            "key": "EB-1",
            "service": "payments",
            "from": "2026-11-16T00:00:00Z",
            "until": "2026-11-18T00:00:00Z",
        },
        {"service": "checkout", "from": "2026-11-20T08:00:00Z", "until": None},
    ]
    document: object = {"error_budgets": records} if wrapped else records
    path = write(tmp_path, "budgets.json", json.dumps(document))

    summary = sync_file(engine, org, path, kind="error_budgets")

    assert summary == SourceSummary("file budgets.json", 2, 0, 0)
    assert budget_rows(engine) == EXPECTED_BUDGETS


def test_error_budgets_of_unknown_services_or_bad_times_are_skipped(
    engine: Engine, tmp_path: Path
) -> None:
    """Bad times are skipped with their row named, an unknown service by the ingest."""
    org = store_org(engine, ORG)
    path = write(
        tmp_path,
        "budgets.csv",
        "service,exhausted_at,restored_at\n"
        "payments,2026-11-16T00:00:00Z,\n"
        "payments,2026-11-16T00:00:00,\n"
        "checkout,2026-11-16T00:00:00Z,2026-11-15T00:00:00Z\n"
        "search,2026-11-16T00:00:00Z,\n",
    )

    with capture_logs() as logs:
        summary = sync_file(engine, org, path, kind="error_budgets")

    assert summary == SourceSummary("file budgets.csv", 1, 0, 3)
    assert set(budget_rows(engine)) == {"payments@2026-11-16T00:00:00+00:00"}
    skipped = {e["row"]: e["reason"] for e in logs if e["event"] == "file_row_skipped"}
    assert skipped == {
        "row 3": "exhausted_at '2026-11-16T00:00:00' has no time zone; add one, e.g. "
        "2026-11-16T00:00:00Z for UTC or 2026-11-16T00:00:00+01:00",
        "row 4": "restored_at is before exhausted_at",
    }
    assert any(
        e["event"] == "record_skipped" and e["key"] == "search@2026-11-16T00:00:00+00:00"
        for e in logs
    )


def test_bad_rows_are_logged_with_their_row_number_and_skipped(
    engine: Engine, tmp_path: Path
) -> None:
    """Each bad row is skipped with a log line naming its row; the good rows still land."""
    org = store_org(engine, ORG)
    path = write(
        tmp_path,
        "incidents.csv",
        "key,service,title,opened_at,resolved_at,severity\n"
        "INC-1,checkout,ok,2026-11-03T09:00:00Z,,\n"
        "INC-2,checkout,naive,2026-11-03T09:00:00,,\n"
        "INC-3,checkout,garbled,last tuesday,,\n"
        "INC-4,,no service,2026-11-03T09:00:00Z,,\n"
        "INC-5,checkout,backwards,2026-11-03T09:00:00Z,2026-11-03T08:00:00Z,\n"
        ",checkout,no key,2026-11-03T09:00:00Z,,\n"
        "INC-7,search,unknown service,2026-11-03T09:00:00Z,,\n",
    )

    with capture_logs() as logs:
        summary = sync_file(engine, org, path)

    assert summary == SourceSummary("file incidents.csv", 1, 0, 6)
    assert set(incident_rows(engine)) == {"INC-1"}
    skipped = {e["row"]: e["reason"] for e in logs if e["event"] == "file_row_skipped"}
    assert skipped == {
        "row 3": "opened_at '2026-11-03T09:00:00' has no time zone; add one, e.g. "
        "2026-11-03T09:00:00Z for UTC or 2026-11-03T09:00:00+01:00",
        "row 4": "opened_at 'last tuesday' is not an ISO 8601 time such as 2026-11-20T15:35:00Z",
        "row 5": "service is empty",
        "row 6": "resolved_at is before opened_at",
        "row 7": "key is empty",
    }
    # A service not in riskbrief.toml is the store's call, logged by the ingest.
    assert any(e["event"] == "record_skipped" and e["key"] == "INC-7" for e in logs)


def test_a_deploy_row_neither_success_nor_failure_is_no_deploy(
    engine: Engine, tmp_path: Path
) -> None:
    """A deploys file's row of a cancelled or skipped run, or without its key, service or a
    zoned time, is skipped with its row named."""
    org = store_org(engine, ORG)
    path = write(
        tmp_path,
        "deploys.csv",
        "key,service,finished_at,status\n"
        "dep-1,checkout,2026-11-20T15:35:00Z,success\n"
        "dep-2,checkout,2026-11-20T16:35:00Z,cancelled\n"
        "dep-3,checkout,2026-11-20T17:35:00Z,skipped\n"
        ",checkout,2026-11-20T18:35:00Z,success\n"
        "dep-5,,2026-11-20T19:35:00Z,success\n"
        "dep-6,checkout,2026-11-20T20:35:00,success\n",
    )
    with capture_logs() as logs:
        summary = sync_file(engine, org, path, kind="deploys")
    assert summary == SourceSummary("file deploys.csv", 1, 0, 5)
    skipped = {e["row"]: e["reason"] for e in logs if e["event"] == "file_row_skipped"}
    assert skipped == {
        "row 3": "status 'cancelled' must be success or failure",
        "row 4": "status 'skipped' must be success or failure",
        "row 5": "key is empty",
        "row 6": "service is empty",
        "row 7": "finished_at '2026-11-20T20:35:00' has no time zone; add one, e.g. "
        "2026-11-20T20:35:00Z for UTC or 2026-11-20T20:35:00+01:00",
    }


def test_a_file_of_naive_times_is_one_sentence(engine: Engine, tmp_path: Path) -> None:
    """When no row has a usable time, the sync fails with a sentence saying to add the zone."""
    org = store_org(engine, ORG)
    path = write(
        tmp_path,
        "incidents.csv",
        "key,service,opened_at\nINC-1,checkout,2026-11-03T09:00:00\nINC-2,checkout,2026-11-04T09:00:00\n",
    )

    summary = sync_file(engine, org, path)

    assert summary.error == (
        f"{path}: no row could be read; row 2: opened_at '2026-11-03T09:00:00' has no time "
        "zone; add one, e.g. 2026-11-03T09:00:00Z for UTC or 2026-11-03T09:00:00+01:00."
    )
    assert summary.skipped == 2


@pytest.mark.parametrize(
    ("name", "text", "kind", "expected"),
    [
        (
            "incidents.csv",
            "key,title,opened_at\nINC-1,x,2026-11-03T09:00:00Z\n",
            "incidents",
            "{path}: the column 'service' is missing; a file of incidents needs key (or id), "
            "service, opened_at.",
        ),
        (
            "incidents.json",
            json.dumps([{"key": "INC-1", "service": "checkout"}]),
            "incidents",
            "{path}: the column 'opened_at' is missing; a file of incidents needs key (or id), "
            "service, opened_at.",
        ),
        (
            "deploys.csv",
            "key,service,sha\ndep-1,checkout,abc\n",
            "deploys",
            "{path}: the column 'finished_at' is missing; a file of deploys needs key, service, "
            "finished_at.",
        ),
        (
            "budgets.csv",
            "key,exhausted_at\nEB-1,2026-11-16T00:00:00Z\n",
            "error_budgets",
            "{path}: the column 'service' is missing; a file of error budgets needs service, "
            "exhausted_at (or from).",
        ),
        (
            "budgets.json",
            json.dumps([{"service": "payments", "restored_at": "2026-11-18T00:00:00Z"}]),
            "error_budgets",
            "{path}: the column 'exhausted_at' is missing; a file of error budgets needs "
            "service, exhausted_at (or from).",
        ),
        (
            "incidents.csv",
            "",
            "incidents",
            "{path} has no header row; the first line must name the columns.",
        ),
        (
            "incidents.json",
            '[{"key": "INC-1",',
            "incidents",
            "{path} is not valid JSON (line 1, column 18: Expecting property name enclosed in "
            "double quotes).",
        ),
        (
            "incidents.json",
            '{"rows": []}',
            "incidents",
            "{path} must hold a JSON list of objects, or an object with that list under "
            '"incidents".',
        ),
        (
            "incidents.xlsx",
            "PK",
            "incidents",
            "{path} is neither CSV nor JSON; name it with .csv or .json to say which it is.",
        ),
    ],
)
def test_unusable_files_are_one_sentence(
    engine: Engine, tmp_path: Path, name: str, text: str, kind: str, expected: str
) -> None:
    """A file missing a required column, or not CSV/JSON, fails with one sentence naming it."""
    org = store_org(engine, ORG)
    path = write(tmp_path, name, text)

    summary = sync_file(engine, org, path, kind=kind)

    assert summary.error == expected.format(path=path)
    assert incident_rows(engine) == {}


def test_a_missing_file_is_one_sentence(engine: Engine, tmp_path: Path) -> None:
    """A path that does not exist says which file and where to fix it."""
    org = store_org(engine, ORG)

    summary = sync_file(engine, org, tmp_path / "gone.csv")

    assert summary.error == (
        f"{tmp_path / 'gone.csv'} does not exist; check sources.files[].path in riskbrief.toml."
    )


def test_a_file_not_in_utf8_is_one_sentence(engine: Engine, tmp_path: Path) -> None:
    """A Latin-1 export is refused with a sentence asking for UTF-8."""
    org = store_org(engine, ORG)
    path = tmp_path / "incidents.csv"
    path.write_bytes(
        "key,service,title,opened_at\nINC-1,checkout,Störung,2026-11-03T09:00:00Z\n".encode(
            "latin-1"
        )
    )

    summary = sync_file(engine, org, path)

    assert summary.error == f"{path} is not UTF-8 text; save it as UTF-8."
