"""`riskbrief sync` reading spent error budgets live from (a fake) Prometheus, then
`riskbrief score`: the change a deploy shipped into the spent span carries the error_budget gate;
and `riskbrief brief` names the service that burned its budget fastest from the samples kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlmodel import Session, select

from bot.cli import main
from data.config import parse_org_config
from data.store.engine import make_engine
from data.store.scores import load_scores
from data.store.tables import Change, ErrorBudget
from fakes.prometheus_server import FakePrometheus, FakeSeries
from tests.bot.shop import cli_workspace, shop_toml
from tests.clock import THURSDAY
from tests.data.sources.gitrepo import GitRepo

# The pinned clock's hour: the hourly samples fall on whole hours.
NOW = THURSDAY.replace(minute=0)
SPENT_FROM = NOW - timedelta(days=5)
SPENT_UNTIL = NOW - timedelta(days=3)
SLOTH = 'slo:period_error_budget_remaining:ratio{sloth_service="payments"}'

pytestmark = pytest.mark.usefixtures("clean_git_env", "pinned_now")


def _payments(ts: float) -> float:
    """Payments' budget left: spent (below zero) for two days, half left otherwise."""
    at = datetime.fromtimestamp(ts, UTC)
    return -0.1 if SPENT_FROM <= at < SPENT_UNTIL else 0.5


@pytest.fixture
def prometheus() -> Iterator[FakePrometheus]:
    """The fake Prometheus with Sloth's remaining-budget series of payments alone."""
    with FakePrometheus() as fake:
        fake.series[SLOTH] = [FakeSeries({"sloth_service": "payments"}, _payments)]
        yield fake


def _toml(clone: Path, url: str, reader: str = "") -> str:
    budgets = f'[sources.prometheus]\nurl = "{url}"\nstep_minutes = 60\n{reader}'
    return shop_toml(clone, "payments", "search", extra=budgets)


_LEAD = '[[subscribers]]\nkey = "lead"\nemail = "lead@acme.example"\ntimezone = "UTC"\n'


@pytest.fixture
def subscriber_toml(workspace: dict[str, str], tmp_path: Path, prometheus: FakePrometheus) -> None:
    """The workspace's riskbrief.toml with a subscriber reading the whole organisation."""
    del workspace
    config = tmp_path / "riskbrief.toml"
    assert config.exists()
    config.write_text(_toml(tmp_path / "shop", prometheus.url, _LEAD), encoding="utf-8")


@pytest.fixture
def workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, prometheus: FakePrometheus
) -> dict[str, str]:
    """A clone with a payments change before the spent span and one inside it, the release
    tagged inside the span; returns their shas."""
    repo = GitRepo(tmp_path / "shop")
    shas = {
        "before": repo.commit({"payments/a.py": "a\n"}, "Add payments", SPENT_FROM - timedelta(1)),
        "inside": repo.commit(
            {"payments/a.py": "a\nb\n"}, "Grow payments", SPENT_FROM + timedelta(hours=2)
        ),
    }
    repo.tag("v1.0.0", SPENT_FROM + timedelta(hours=3))
    cli_workspace(tmp_path, _toml(repo.path, prometheus.url), monkeypatch)
    return shas


def test_a_deploy_into_a_spent_budget_read_from_prometheus_shows_the_gate(
    workspace: dict[str, str], tmp_path: Path, prometheus: FakePrometheus
) -> None:
    """Sync stores the spent span Prometheus gives (and notes search has none); score gates the
    change merged inside it to critical, and the deploy tagged inside the span ships it."""
    synced = CliRunner().invoke(main, ["sync"])
    scored = CliRunner().invoke(main, ["score"])
    deploy = CliRunner().invoke(main, ["ask", "deploy", "latest", "payments"])

    assert synced.exit_code == 0, synced.output
    assert any(
        line.startswith("prometheus: 2,161 budget samples and 1 error budget added, 0 updated")
        for line in synced.output.splitlines()
    ), synced.output
    assert "no budget series for search" in synced.output
    assert scored.exit_code == 0, scored.output
    engine = make_engine(f"sqlite:///{tmp_path / 'rb.db'}")
    config = parse_org_config(_toml(tmp_path / "shop", prometheus.url)).scoring_config()
    with Session(engine) as session:
        (span,) = session.exec(select(ErrorBudget)).all()
        keys = {c.sha: c.key for c in session.exec(select(Change))}
        rows = load_scores(session, "change", config.version)
    engine.dispose()
    assert (span.exhausted_at.replace(tzinfo=UTC), span.source) == (SPENT_FROM, "prometheus")
    gated = {
        name
        for name, sha in workspace.items()
        if any(g.name == "error_budget" for g in rows[keys[sha]].gates)
    }
    assert gated == {"inside"}
    # The deploy tagged inside the span shipped the gated change, which its own answer names.
    inside = f"acme/shop@{workspace['inside'][:12]}"
    assert deploy.exit_code == 0, deploy.output
    assert "`git-tag:acme/shop:v1.0.0:payments`" in deploy.output
    assert f"• Grow payments · `{inside}` · 72, very high risk" in deploy.output
    change = CliRunner().invoke(main, ["ask", "pr", inside])
    assert change.exit_code == 0, change.output
    assert "merged while a touched service had spent its error budget" in change.output


@pytest.mark.usefixtures("subscriber_toml")
def test_the_briefing_names_the_budget_prometheus_saw_burn_fastest(tmp_path: Path) -> None:
    """Sync keeps Prometheus's hourly samples; the briefing of the week in which payments fell
    from half its budget left to overspent (60 points of a 30-day budget in just under seven
    days: 2.6×) names it in its error-budget line."""
    synced = CliRunner().invoke(main, ["sync"])
    scored = CliRunner().invoke(main, ["score"])
    out = tmp_path / "out"
    week = (SPENT_FROM - timedelta(days=SPENT_FROM.weekday())).date().isocalendar()
    brief = CliRunner().invoke(
        main, ["brief", "--week", f"{week.year}-W{week.week:02d}", "--out", str(out)]
    )

    assert synced.exit_code == 0, synced.output
    assert scored.exit_code == 0, scored.output
    assert brief.exit_code == 0, brief.output
    text = (out / "lead.email.txt").read_text(encoding="utf-8")
    assert "burned 60% of its budget (burn rate 2.6×)." in text, text
    assert "Error budgets this week: " in text
