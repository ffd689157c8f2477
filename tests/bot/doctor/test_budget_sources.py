"""`riskbrief doctor`'s lines for the live error-budget sources, Prometheus and Datadog, each
against its fake: a number per service, the services that return nothing, a refused token."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import Result

from fakes.datadog_server import FakeDatadog, FakeSlo
from fakes.prometheus_server import FakePrometheus, FakeSeries
from tests.bot.doctor.conftest import doctor

SLOTH = 'slo:period_error_budget_remaining:ratio{sloth_service="payments"}'


def _append(store: Path, text: str) -> None:
    toml = store.parent / "riskbrief.toml"
    toml.write_text(toml.read_text(encoding="utf-8") + text, encoding="utf-8")


def _lines(result: Result, key: str) -> list[str]:
    return [line for line in result.stdout.splitlines() if f" {key}: " in line]


def test_prometheus_passes_a_service_with_a_number_and_names_those_without(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Payments' Sloth series passes; checkout and search return nothing and are named in one
    failing line with its fix; the token is never printed."""
    with FakePrometheus("prom-doctor-token") as fake:
        fake.series[SLOTH] = [FakeSeries({"sloth_service": "payments"}, lambda _: 0.4)]
        _append(
            store,
            f'\n[sources.prometheus]\nurl = "{fake.url}"\n'
            'services = ["payments", "checkout", "search"]\n',
        )
        monkeypatch.setenv("PROMETHEUS_TOKEN", "prom-doctor-token")
        result = doctor()
        monkeypatch.setenv("PROMETHEUS_TOKEN", "wrong")
        refused = _lines(doctor(), "prometheus")
    lines = _lines(result, "prometheus")
    assert [line.split()[0] for line in lines] == ["pass", "fail"]
    assert "gives a remaining error budget for payments" in lines[0]
    assert "returns nothing for checkout, search" in lines[1]
    assert "sloth recording rules" in lines[1]
    assert "prom-doctor-token" not in result.output
    assert [line.split()[0] for line in refused] == ["fail"]
    assert "refused the token in PROMETHEUS_TOKEN" in refused[0]


def test_datadog_passes_an_slo_with_a_budget_and_names_one_without(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Payments' SLO passes; search's SLO has no data and is named; without the application
    key the one line names the variable."""
    with FakeDatadog("dd-doctor-api", "dd-doctor-app") as fake:
        fake.slos["slo-pay"] = FakeSlo("Payments", lambda _s, _e: 25.0)
        fake.slos["slo-search"] = FakeSlo("Search", lambda _s, _e: None)
        _append(
            store,
            f'\n[sources.datadog]\nurl = "{fake.url}"\n'
            'slos = { payments = "slo-pay", search = "slo-search" }\n',
        )
        monkeypatch.setenv("DD_API_KEY", "dd-doctor-api")
        missing = _lines(doctor(), "datadog")
        monkeypatch.setenv("DD_APP_KEY", "dd-doctor-app")
        result = doctor()
    lines = _lines(result, "datadog")
    assert [line.split()[0] for line in lines] == ["pass", "fail"]
    assert "remaining error budget for payments" in lines[0]
    assert "no 30d budget for search" in lines[1]
    assert "dd-doctor-app" not in result.output
    assert [line.split()[0] for line in missing] == ["fail"]
    assert "DD_APP_KEY is not set" in missing[0]
