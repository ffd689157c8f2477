"""Argo CD as a deploy source, against the fake Argo CD over real HTTP: each application's
sync history read as deploys with the rule that found them, incrementally, its failures and
refusals in one sentence each, and the doctor's line per application."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.deploy_rule import DeployRule, FoundBy, found_by_text
from data.sources.argocd.client import ArgoCDClient
from data.sources.argocd.doctor import argocd_findings
from data.sources.argocd.source import ArgoCDSource, read_status
from data.sources.argocd.spec import ARGOCD
from data.sources.registry import configured
from data.sources.spec import SourceContext
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Deploy, Service
from data.sync import SourceSummary, run_sources
from fakes.argocd_server import FakeArgoCD
from scoring.errors import ConfigError

# Cases of the client against its fake; on PostgreSQL only where the store decides.
pytestmark = pytest.mark.client_cases

TOKEN = "argocd-test-token"
T0 = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SHA = ["a" * 40, "b" * 40, "c" * 40, "d" * 40, "e" * 40]

ORG = """
[[services]]
key = "checkout"
[[services]]
key = "search"

[sources.argocd]
url = "https://argocd.example.com"
applications = [
  { name = "checkout-prod", service = "checkout" },
  { name = "search-prod", service = "search", project = "search" },
]
"""


def _at(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


@pytest.fixture
def argocd() -> Iterator[FakeArgoCD]:
    """Argo CD with checkout-prod synced twice (the second from a chart version) and
    search-prod, in project search, synced once."""
    with FakeArgoCD(TOKEN) as fake:
        checkout = fake.app("checkout-prod")
        checkout.synced(SHA[0], _at(1), started=_at(0.9))
        checkout.synced(SHA[1], _at(5))
        fake.app("search-prod", project="search").synced(SHA[2], _at(2))
        yield fake


@pytest.fixture
def org(engine: Engine) -> OrgConfig:
    """The organisation, its services in the store as ``riskbrief sync`` puts them first."""
    parsed = parse_org_config(ORG)
    with session_scope(engine) as session:
        sync_org(session, parsed)
    return parsed


def _sources(fake: FakeArgoCD, org: OrgConfig, token: str = TOKEN) -> list[ArgoCDSource]:
    settings = ARGOCD.settings_of(org)
    assert settings is not None
    client = ArgoCDClient(fake.url, token)
    return [ArgoCDSource(client, app) for app in settings.applications]


def _sync(
    engine: Engine, org: OrgConfig, fake: FakeArgoCD, token: str = TOKEN
) -> list[SourceSummary]:
    return run_sources(engine, org, _sources(fake, org, token))


def _deploys(engine: Engine) -> dict[str, tuple[Any, ...]]:
    with Session(engine) as session:
        rows = session.exec(
            select(Deploy, Service).where(col(Deploy.service_id) == col(Service.id))
        ).all()
        return {
            d.key: (s.key, d.status, d.sha, d.finished_at.astimezone(UTC), d.found_by)
            for d, s in rows
        }


@pytest.mark.store_decides
def test_each_sync_in_the_history_is_a_deploy_of_its_revision_and_time(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """Every history entry is a successful deploy of the application's service at its
    ``deployedAt``, shipping its revision, found by ``Argo CD application <name>``."""
    summaries = _sync(engine, org, argocd)
    assert [s.line() for s in summaries] == [
        "argocd checkout-prod: 2 deploys added, 0 updated",
        "argocd search-prod: 1 deploy added, 0 updated",
    ]
    checkout = FoundBy(DeployRule.ARGOCD_APPLICATION, "checkout-prod").encode()
    search = FoundBy(DeployRule.ARGOCD_APPLICATION, "search-prod").encode()
    assert _deploys(engine) == {
        "argocd:checkout-prod:0": ("checkout", "success", SHA[0], _at(1), checkout),
        "argocd:checkout-prod:1": ("checkout", "success", SHA[1], _at(5), checkout),
        "argocd:search-prod:0": ("search", "success", SHA[2], _at(2), search),
    }
    with Session(engine) as session:
        first = session.exec(select(Deploy).where(Deploy.key == "argocd:checkout-prod:0")).one()
    assert first.started_at is not None
    assert first.started_at.astimezone(UTC) == _at(0.9)
    assert first.source == "argocd"
    assert found_by_text(FoundBy.decode(checkout) or FoundBy(DeployRule.SAMPLE)) == (
        "Argo CD application checkout-prod"
    )
    # The project is asked for where one is set, so an unknown application is a 404.
    (search_request,) = argocd.server.requests_to("/api/v1/applications/search-prod")
    assert search_request.query == {"project": "search"}


@pytest.mark.store_decides
def test_a_second_sync_reads_only_the_syncs_past_the_cursor(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """Nothing new adds nothing; a later sync of checkout-prod is the one deploy added then."""
    _sync(engine, org, argocd)
    again = _sync(engine, org, argocd)
    assert [s.line() for s in again] == [
        "argocd checkout-prod: 0 added, 0 updated",
        "argocd search-prod: 0 added, 0 updated",
    ]
    argocd.apps["checkout-prod"].synced(SHA[3], _at(9))
    third = _sync(engine, org, argocd)
    assert third[0].line() == "argocd checkout-prod: 1 deploy added, 0 updated"
    assert _deploys(engine)["argocd:checkout-prod:2"][1:4] == ("success", SHA[3], _at(9))
    assert len(_deploys(engine)) == 4


def test_a_chart_version_ships_no_sha() -> None:
    """A Helm chart's version is what was synced, not a commit: the deploy has no sha."""
    status = read_status(
        {
            "status": {
                "history": [{"id": 3, "revision": "1.4.2", "deployedAt": "2026-11-16T10:00:00Z"}]
            }
        }
    )
    (entry,) = status.history
    assert (entry.ident, entry.revision, entry.sha) == (3, "1.4.2", None)


@pytest.mark.store_decides
def test_a_failed_latest_sync_is_a_failed_attempt_stored_once(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """A latest sync ending ``Failed`` (or ``Error``) is a deploy with status failure at its
    ``finishedAt``, stored once however often it is read; Argo CD keeps no history of it."""
    argocd.apps["checkout-prod"].ended(SHA[3], _at(6), _at(6.5))
    argocd.apps["search-prod"].ended(SHA[4], _at(7), _at(7.25), phase="Error")
    _sync(engine, org, argocd)
    stored = _deploys(engine)
    failed = stored["argocd:checkout-prod:failed:2026-11-16T15:00:00+00:00"]
    assert failed[:4] == ("checkout", "failure", SHA[3], _at(6.5))
    errored = stored["argocd:search-prod:failed:2026-11-16T16:00:00+00:00"]
    assert errored[:4] == ("search", "failure", SHA[4], _at(7.25))
    assert len(stored) == 5
    again = _sync(engine, org, argocd)
    assert [s.line() for s in again] == [
        "argocd checkout-prod: 0 added, 0 updated",
        "argocd search-prod: 0 added, 0 updated",
    ]


def test_a_running_sync_is_not_a_deploy_yet(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """A sync still running adds nothing; once it succeeds its history entry is the deploy."""
    checkout = argocd.apps["checkout-prod"]
    _sync(engine, org, argocd)
    checkout.running(SHA[3], _at(8))
    assert _sync(engine, org, argocd)[0].line() == "argocd checkout-prod: 0 added, 0 updated"
    checkout.synced(SHA[3], _at(8.5), started=_at(8))
    assert _sync(engine, org, argocd)[0].line() == "argocd checkout-prod: 1 deploy added, 0 updated"
    assert _deploys(engine)["argocd:checkout-prod:2"][1:4] == ("success", SHA[3], _at(8.5))


def test_syncs_argo_cd_no_longer_keeps_are_noted(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """Past revisionHistoryLimit entries since the last sync, the ones lost are said in a note."""
    _sync(engine, org, argocd)
    checkout = argocd.apps["checkout-prod"]
    for n in range(12):
        checkout.synced(SHA[n % 5], _at(10 + n))
    summary = _sync(engine, org, argocd)[0]
    assert summary.line().startswith("argocd checkout-prod: 10 deploys added")
    assert len(summary.notes) == 1
    assert "no longer keeps 2 sync(s) of checkout-prod after history id 1" in summary.notes[0]


def test_a_refused_token_is_one_sentence(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """A token Argo CD does not take ends each application's source in one sentence naming
    the variable; nothing is stored."""
    summaries = _sync(engine, org, argocd, token="wrong")
    assert [s.error for s in summaries] == [
        "Argo CD refused the token in ARGOCD_AUTH_TOKEN (401); set it to an API token of an "
        "Argo CD account (`argocd account generate-token`)"
    ] * 2
    assert _deploys(engine) == {}


def test_an_unknown_application_is_one_sentence_and_the_others_still_sync(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """Without a project Argo CD answers an unknown application 403 (it hides which); with
    one, 404. Each is one sentence naming the application; the other application syncs."""
    del argocd.apps["checkout-prod"]
    summaries = _sync(engine, org, argocd)
    error = summaries[0].error
    assert error is not None
    assert error.startswith(
        "Argo CD denied reading application 'checkout-prod' (403): it has no application of "
        "that name, or the token's account may not get it"
    )
    assert "\n" not in error
    assert summaries[1].line() == "argocd search-prod: 1 deploy added, 0 updated"
    del argocd.apps["search-prod"]
    (summary,) = run_sources(engine, org, _sources(argocd, org)[1:])
    assert summary.error == (
        "Argo CD has no application 'search-prod' in project 'search' (404); check its name "
        "and project in [sources.argocd] applications"
    )


def test_an_unreachable_server_is_one_sentence(engine: Engine, org: OrgConfig) -> None:
    """A server that is not there ends the source in one sentence naming the setting."""
    with FakeArgoCD(TOKEN) as gone:
        url = gone.url
    settings = ARGOCD.settings_of(org)
    assert settings is not None
    client = ArgoCDClient(url, TOKEN, max_wait=0.0)
    (summary,) = run_sources(engine, org, [ArgoCDSource(client, settings.applications[0])])
    assert summary.error is not None
    assert summary.error.startswith(f"cannot reach Argo CD at {url}")
    assert "check url in [sources.argocd] and the network" in summary.error


def test_the_spec_builds_one_source_per_application_and_checks_its_settings(
    org: OrgConfig,
) -> None:
    """Through the seam: an unset token and a service not in riskbrief.toml are one sentence
    each; otherwise one source per application, sharing one client."""
    settings = ARGOCD.settings_of(org)
    assert settings is not None
    with pytest.raises(ConfigError, match="ARGOCD_AUTH_TOKEN is not set"):
        ARGOCD.sources(settings, SourceContext(org, {}))
    built = ARGOCD.sources(settings, SourceContext(org, {"ARGOCD_AUTH_TOKEN": TOKEN}))
    assert [s.name for s in built] == ["argocd checkout-prod", "argocd search-prod"]
    close = getattr(built[-1], "close", None)
    assert callable(close)
    close()
    stray = parse_org_config(ORG.replace('service = "search"', 'service = "searhc"'))
    stray_settings = ARGOCD.settings_of(stray)
    assert stray_settings is not None
    with pytest.raises(ConfigError, match=r"applications\[1\]\.service 'searhc' is not"):
        ARGOCD.sources(stray_settings, SourceContext(stray, {"ARGOCD_AUTH_TOKEN": TOKEN}))
    assert "ARGOCD_AUTH_TOKEN" in ARGOCD.secret_names(settings)


@pytest.mark.parametrize(
    ("table", "error"),
    [
        ("[sources.argocd]\napplications = [{ name = 'a', service = 'b' }]\n", "url is required"),
        ("[sources.argocd]\nurl = 'https://argocd.example.com'\n", "at least one application"),
        (
            "[sources.argocd]\nurl = 'https://argocd.example.com'\n"
            "applications = [{ name = 'Checkout Prod', service = 'b' }]\n",
            "name",
        ),
    ],
)
def test_bad_settings_are_one_sentence(table: str, error: str) -> None:
    """A missing url, no application, or a name Argo CD cannot have is refused on reading."""
    with pytest.raises(ConfigError, match=error):
        parse_org_config(table)


def test_doctor_says_each_application_s_history_and_newest_deploy(argocd: FakeArgoCD) -> None:
    """One line per application: its history's length and newest sync; a failed latest sync is
    said; an application never synced fails with a fix; an unknown one names itself."""
    org = parse_org_config(ORG)
    settings = ARGOCD.settings_of(org)
    assert settings is not None
    argocd.apps["checkout-prod"].ended(SHA[3], _at(6), _at(6.5))
    argocd.app("search-prod", project="search")
    found = argocd_findings(ArgoCDClient(argocd.url, TOKEN), settings.applications, "X")
    assert found[0].ok
    assert found[0].message == (
        "Argo CD application checkout-prod (checkout): 2 syncs in its history, the newest of "
        "bbbbbbbbbbbb at 2026-11-16 14:00 UTC; its latest sync ended Failed"
    )
    assert not found[1].ok
    assert "search-prod (search) has no sync in its history" in found[1].message
    assert found[1].fix is not None
    del argocd.apps["checkout-prod"]
    unknown = argocd_findings(ArgoCDClient(argocd.url, TOKEN), settings.applications, "X")
    assert [f.ok for f in unknown] == [False, False]
    assert "application 'checkout-prod' (403)" in unknown[0].message


def test_doctor_stops_at_a_refused_token(argocd: FakeArgoCD) -> None:
    """A refused token is one line naming the variable, not one per application."""
    settings = ARGOCD.settings_of(parse_org_config(ORG))
    assert settings is not None
    client = ArgoCDClient(argocd.url, "wrong", max_wait=0.0)
    (refused,) = argocd_findings(client, settings.applications, "ARGOCD_AUTH_TOKEN")
    assert not refused.ok
    assert refused.message == f"Argo CD at {argocd.url} refused the token in ARGOCD_AUTH_TOKEN"
    assert refused.fix is not None
    assert "ARGOCD_AUTH_TOKEN" in refused.fix


def test_the_doctor_through_the_seam_names_an_unset_token(argocd: FakeArgoCD) -> None:
    """Without the token's variable the doctor says so in one line, asking nothing of Argo CD."""
    org = parse_org_config(ORG.replace("https://argocd.example.com", argocd.url))
    settings = ARGOCD.settings_of(org)
    assert settings is not None
    (unset,) = ARGOCD.findings(settings, SourceContext(org, {}))
    assert not unset.ok
    assert "ARGOCD_AUTH_TOKEN is not set" in unset.message
    good = ARGOCD.findings(settings, SourceContext(org, {"ARGOCD_AUTH_TOKEN": TOKEN}))
    assert [f.ok for f in good] == [True, True]
    assert argocd.server.requests


def test_a_history_that_starts_again_is_read_from_its_start(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """An application made anew numbers its syncs from 0 again: the sync says so and reads it."""
    _sync(engine, org, argocd)
    argocd.apps["checkout-prod"].synced(SHA[3], _at(6))
    _sync(engine, org, argocd)
    remade = argocd.app("checkout-prod")
    remade.synced(SHA[4], _at(20))
    summary = _sync(engine, org, argocd)[0]
    assert summary.line() == "argocd checkout-prod: 0 added, 1 updated"
    assert "history of checkout-prod starts again" in summary.notes[0]
    assert _deploys(engine)["argocd:checkout-prod:0"][1:4] == ("success", SHA[4], _at(20))


def test_through_the_registry_a_sync_stores_every_application_s_deploys(
    engine: Engine, argocd: FakeArgoCD
) -> None:
    """End to end through the seam: the registry finds `[sources.argocd]`, its spec builds a
    source per application on one client, and a sync stores their deploys."""
    org = parse_org_config(ORG.replace("https://argocd.example.com", argocd.url))
    with session_scope(engine) as session:
        sync_org(session, org)
    # Other sources may be on too (local clones of [[repositories]]): Argo CD's is one of them.
    ((spec, settings),) = [(s, v) for s, v in configured(org) if s.key == "argocd"]
    built = spec.sources(settings, SourceContext(org, {"ARGOCD_AUTH_TOKEN": TOKEN}))
    summaries = run_sources(engine, org, built)
    assert [s.error for s in summaries] == [None, None]
    assert sorted(_deploys(engine)) == [
        "argocd:checkout-prod:0",
        "argocd:checkout-prod:1",
        "argocd:search-prod:0",
    ]


def test_an_unreadable_history_entry_is_skipped_and_counted(
    engine: Engine, org: OrgConfig, argocd: FakeArgoCD
) -> None:
    """An entry without an id or a time is skipped, counted on the summary line; the rest
    are stored."""
    argocd.apps["checkout-prod"].history[0]["deployedAt"] = "yesterday"
    summary = _sync(engine, org, argocd)[0]
    assert (
        summary.line() == "argocd checkout-prod: 1 deploy added, 0 updated, 1 skipped (see the log)"
    )
