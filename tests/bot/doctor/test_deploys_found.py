"""`riskbrief doctor`'s count of the deploys each rule found per service in the last 90 days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import update
from sqlmodel import Session, col, func, select

from bot.doctor.deploys_found import check_deploys_found
from bot.settings import Settings
from data.deploy_rule import DeployRule, FoundBy
from data.store.tables import Deploy, Service
from tests.samples import LoadedSample

PLAN = "the sample organisation's deploy plan"


def _settings(sample: LoadedSample, tmp_path: Path) -> Settings:
    url = sample.engine.url.render_as_string(hide_password=False)
    return Settings(database_url=url, config=tmp_path / "riskbrief.toml")


def _ids(session: Session, service: str) -> list[int]:
    """The ids of a service's deploys, oldest first."""
    rows = session.exec(
        select(Deploy.id)
        .join(Service, col(Service.id) == col(Deploy.service_id))
        .where(Service.key == service)
        .order_by(col(Deploy.finished_at))
    )
    return [i for i in rows if i is not None]


def test_each_service_counts_the_deploys_each_rule_found(
    scored: LoadedSample, tmp_path: Path
) -> None:
    """Per service, most found first: a service with none in 90 days says so, a deploy stored
    without its rule is counted as found by a rule not kept, and search's are its Argo CD
    application's."""
    now = datetime.combine(scored.as_of, datetime.min.time(), tzinfo=UTC)
    tag = FoundBy(DeployRule.TAG, "v1.0", r"^v\d").encode()
    with Session(scored.engine) as session:
        payments = _ids(session, "payments")
        session.execute(
            update(Deploy)
            .where(col(Deploy.id).in_(_ids(session, "infra")))
            .values(finished_at=now - timedelta(days=200))
        )
        session.execute(
            update(Deploy).where(col(Deploy.id).in_(payments[-2:])).values(found_by=tag)
        )
        session.execute(update(Deploy).where(col(Deploy.id) == payments[-3]).values(found_by=None))
        session.commit()
        recent = session.exec(
            select(func.count())
            .select_from(Deploy)
            .where(col(Deploy.finished_at) >= now - timedelta(days=90))
        ).one()
    check = check_deploys_found(_settings(scored, tmp_path), scored.org, None, lambda: now)
    assert check.status == "pass"
    head, _, per_service = check.detail.partition(": ")
    assert head == f"{recent} deploys in the last 90 days"
    said = dict(s.split(" ", 1) for s in per_service.split("; "))
    assert list(said) == [s.key for s in scored.org.services]
    assert said["infra"] == "none"
    planned = len(payments) - 3
    assert said["payments"] == (
        f"{planned} by {PLAN}, 2 by tags matching `^v\\d`, 1 by a rule not kept"
    )
    # The demo shows search's deploys as found by its Argo CD application.
    assert said["search"].endswith(" by Argo CD applications")
    others = ("infra", "payments", "search")
    assert all(said[s].endswith(f" by {PLAN}") for s in said if s not in others)


def test_without_a_store_the_count_is_skipped(scored: LoadedSample, tmp_path: Path) -> None:
    """No SQLite file yet: the line skips, pointing at the database line, and makes none."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'none.db'}", config=tmp_path / "riskbrief.toml"
    )
    check = check_deploys_found(settings, scored.org, None)
    assert check.status == "skip"
    assert not (tmp_path / "none.db").exists()
