"""A git-only organisation end to end: unknown review stays unknown, bots stay apart."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.composition.pipeline import score_all
from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.payload import UnknownView
from briefing.prompt import payload_json
from briefing.render.email import render_email
from briefing.render.slack import render_slack
from briefing.render.text import unknown_line
from briefing.week import IsoWeek
from data.config import OrgConfig, parse_org_config
from data.sources.local_git import LocalGitSource
from data.store.org import sync_org
from data.store.scores import load_scores
from data.store.tables import Change
from data.store.window import window_rows
from data.sync import run_sources
from scoring.weekly import aggregate
from tests.bot.shop import merge_pr, shop_toml
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
CLAUDE = "Add retries\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>"
HALF_HOUR = timedelta(minutes=30)
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"

pytestmark = [pytest.mark.usefixtures("clean_git_env"), pytest.mark.dates]


def _merge(repo: GitRepo, number: int, hours: float, author: str, message: str) -> None:
    when = T0 + timedelta(hours=hours)
    files: dict[str, str | bytes | None] = {f"api/f{number}.py": "x\n" * 30}
    merge_pr(repo, number, f"b{number}", files, message, when, when + HALF_HOUR, author)


def _sync(engine: Engine, org: OrgConfig) -> None:
    """Put ``org`` in the store and sync its one clone, as ``riskbrief sync`` would."""
    with Session(engine) as session:
        sync_org(session, org)
        session.commit()
    run_sources(engine, org, [LocalGitSource.from_config(org.repositories[0], org)])


def test_review_unknown_and_bots_through_sync_and_score(engine: Engine, tmp_path: Path) -> None:
    """An agent PR from a clone is stored review-unknown (NULL), never "not reviewed"; a
    Dependabot PR is a bot's, kept out of team shares and counted apart."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, "Ada <ada@example.com>")
    _merge(repo, 1, 1, "Ada <ada@example.com>", CLAUDE)
    _merge(repo, 2, 2, DEPENDABOT, "Bump requests from 2.31.0 to 2.32.0")
    org = parse_org_config(
        shop_toml(repo.path, extra='[[teams]]\nkey = "core"\nservices = ["api"]\n')
    )
    _sync(engine, org)
    with Session(engine) as session:
        summary = score_all(session, org)
        session.commit()
        rows = {
            key: (s.agent_involved, s.human_reviewed)
            for key, s in load_scores(session, "change", summary.version).items()
        }
        week = window_rows(
            session, T0 - timedelta(days=1), T0 + timedelta(days=6), ["api"], summary.version
        )
        assert session.exec(select(Change).where(col(Change.key) == "acme/shop#2")).one()
    assert rows["acme/shop#1"] == (True, None)
    week_aggregate = aggregate(week.changes)
    assert [c.key for c in week_aggregate.agent_changes] == ["acme/shop#1"]
    assert week_aggregate.agent_unreviewed == ()
    assert [c.key for c in week_aggregate.bot_changes] == ["acme/shop#2"]
    team = week_aggregate.by_team["core"]
    assert team.distribution.total == len(week_aggregate.changes) - 1


def test_partial_data_is_named_from_store_to_footer(engine: Engine, tmp_path: Path) -> None:
    """With only a clone and no incident source, review, CODEOWNERS and incidents reach the
    payload, the prompt, the headline and both footers as unknown, and the incident-history
    signal is unknown rather than "0 incidents"."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, "Ada <ada@example.com>")
    _merge(repo, 1, 1, "Ada <ada@example.com>", "Add caching")
    _merge(repo, 2, 2, "Bo <bo@example.com>", "Add metrics")
    org = parse_org_config(shop_toml(repo.path, extra="[sources]\nreverts_as_incidents = false\n"))
    assert org.scoring_config().incidents_known is False
    _sync(engine, org)
    with Session(engine) as session:
        summary = score_all(session, org)
        session.commit()
        scored = load_scores(session, "change", summary.version, ["acme/shop#1"])["acme/shop#1"]
        payload = build_payload(session, org, Recipient("em", "Em", "UTC"), IsoWeek.of(T0.date()))
    incident_signal = next(s for s in scored.signals if s.name == "service_incidents")
    assert incident_signal.value is None
    assert "no incident source" in incident_signal.explanation
    changes = payload.distribution.total
    assert changes == 3
    assert payload.unknown == UnknownView(
        changes=changes, review=changes, codeowners=changes, incidents=True
    )
    footer = "Not known this week: review of 3 of 3 changes; CODEOWNERS of 3 of 3 changes; "
    narrative = write_deterministic(payload)
    assert narrative.headline.startswith("A quiet week as far as the data shows")
    slack = json.dumps(render_slack(payload, narrative).to_json())
    assert footer in slack
    assert footer in render_email(payload, narrative).text
    assert '"incidents_unknown":true' in payload_json(payload)


def test_known_data_leaves_no_footer(engine: Engine, tmp_path: Path) -> None:
    """CODEOWNERS in the clone and reverts as incidents (the default) leave only review
    unknown; nothing else is named."""
    repo = GitRepo(tmp_path / "shop")
    repo.commit(
        {"api/app.py": "a\n", ".github/CODEOWNERS": "* @acme/core\n"},
        "Initial",
        T0,
        "Ada <ada@example.com>",
    )
    _merge(repo, 1, 1, "Ada <ada@example.com>", "Add caching")
    org = parse_org_config(shop_toml(repo.path))
    _sync(engine, org)
    with Session(engine) as session:
        score_all(session, org)
        session.commit()
        payload = build_payload(session, org, Recipient("em", "Em", "UTC"), IsoWeek.of(T0.date()))
    assert payload.unknown == UnknownView(changes=2, review=2, codeowners=0, incidents=False)
    assert unknown_line(payload.unknown) == (
        "Not known this week: review of 2 of 2 changes. Unknown is not counted as safe. "
        "To add it: reviews come with a code host ([sources.github] and GITHUB_TOKEN, "
        "or [sources.gitlab])."
    )
    assert "incidents_unknown" not in payload_json(payload)
