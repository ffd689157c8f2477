"""Codecov through the source seam: `riskbrief doctor`'s Codecov lines and the configured
sources, against the fake Codecov."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from bot.composition.pipeline import score_all
from bot.composition.sources import registered_sources
from bot.doctor.check import Check
from bot.doctor.registered import check_registered_sources
from bot.settings import Settings
from data.config import OrgConfig, parse_org_config
from data.handoff import Source
from data.store.scores import load_scores
from data.sync import run_sources
from fakes.codecov_server import FakeCodecov, FakeCommit, FakePull
from scoring.errors import ConfigError
from tests.data.rows import at, base, change

TOKEN = "codecov-test-token"
ORG = parse_org_config('[[repositories]]\nname = "acme/shop"\n')
SETTINGS = Settings()


def codecov_sources(org: OrgConfig, environ: dict[str, str]) -> list[Source]:
    """What sync would run of the registered sources: Codecov's, in these tests."""
    return registered_sources(SETTINGS, org, environ)


def check_codecov(org: OrgConfig, environ: dict[str, str]) -> list[Check]:
    """Doctor's lines of the registered sources: Codecov's, in these tests."""
    return list(check_registered_sources(SETTINGS, org, None, environ))


@pytest.fixture
def codecov() -> Iterator[FakeCodecov]:
    """The fake Codecov with one processed commit of acme/shop."""
    with FakeCodecov(TOKEN) as fake:
        fake.commits["acme/shop"] = [FakeCommit("1" * 40, datetime(2026, 11, 2, tzinfo=UTC), 10, 5)]
        yield fake


def test_the_doctor_prints_a_line_per_finding(codecov: FakeCodecov) -> None:
    """`riskbrief doctor`'s Codecov lines: the token and the repository pass against the fake;
    without the token's variable, one failed line saying to set it."""
    org = parse_org_config(
        f'[[repositories]]\nname = "acme/shop"\n[sources.codecov]\nbase_url = "{codecov.url}"\n'
    )
    lines = check_codecov(org, {"RISKBRIEF_CODECOV_TOKEN": TOKEN})
    assert [c.status for c in lines] == ["pass", "pass"]
    (missing,) = check_codecov(org, {})
    assert missing.status == "fail"
    assert "RISKBRIEF_CODECOV_TOKEN is not set" in missing.detail
    assert check_codecov(ORG, {}) == []


def test_configured_sources_include_codecov_after_the_code_host(codecov: FakeCodecov) -> None:
    """[sources.codecov] adds one Codecov source per repository; without its token, one
    sentence naming the variable."""
    org = parse_org_config(
        f'[[repositories]]\nname = "acme/shop"\n[sources.codecov]\nbase_url = "{codecov.url}"\n'
    )
    (source,) = codecov_sources(org, {"RISKBRIEF_CODECOV_TOKEN": TOKEN})
    assert source.name == "codecov acme/shop"
    with pytest.raises(ConfigError, match="RISKBRIEF_CODECOV_TOKEN is not set"):
        codecov_sources(org, {})


def test_codecov_patch_coverage_reaches_the_score(engine: Engine, codecov: FakeCodecov) -> None:
    """A GitHub pull request whose Codecov comparison covers 2 of 20 added lines: after sync
    and score its coverage signal carries points and says so."""
    with Session(engine) as session:
        repo, service, human, _ = base(session)
        change(session, repo, service, human, 7, at(1.5))
        session.commit()
    codecov.pulls["acme/shop"] = [
        FakePull(7, at(2), "2" * 40, patch=(20, 2), head=(120, 90), base=(100, 80))
    ]
    org = parse_org_config(
        f'[[repositories]]\nname = "acme/shop"\n[sources.codecov]\nbase_url = "{codecov.url}"\n'
    )
    run_sources(engine, org, codecov_sources(org, {"RISKBRIEF_CODECOV_TOKEN": TOKEN}))
    with Session(engine) as session:
        score_all(session, org)
        session.commit()
        scores = load_scores(session, "change", org.scoring_config().version)
    signal = next(s for s in scores["acme/shop#7"].signals if s.name == "coverage")
    assert signal.points > 0
    assert signal.explanation == "10% of 20 added lines covered"
