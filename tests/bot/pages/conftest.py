"""Browser fixtures for the web view: the scored sample served over HTTP, and one Chromium.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``) driven by Playwright; Playwright's
own browser downloads are never used. Without it the browser tests skip, unless
``RISKBRIEF_REQUIRE_BROWSER=1`` (set by ``.ci/run``), when they fail instead.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import pytest
import sqlalchemy as sa

from bot.pages.app import DEFAULT_PREFIX, PagesApp, PagesConfig
from bot.runtime.server import HttpServer
from tests.bot.pages.small_history import SmallHistory, build_small_history
from tests.samples import SampleTemplate

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")

# Read when this file is imported: the session's ``_no_real_services`` fixture takes every
# RISKBRIEF_* variable out of the environment before any test's fixture runs.
REQUIRE_BROWSER = os.environ.get("RISKBRIEF_REQUIRE_BROWSER") == "1"


@dataclass(frozen=True, slots=True)
class Served:
    """The sample organisation's web view on a local port, and real keys from its store."""

    base: str
    week: str
    change: str
    deploy: str
    service: str
    team: str


def _missing(reason: str) -> NoReturn:
    if REQUIRE_BROWSER:
        pytest.fail(f"RISKBRIEF_REQUIRE_BROWSER=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium for the whole module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is not installed (make .venv/.installed)")
    if not CHROMIUM.exists():
        _missing(f"no browser at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM))
        try:
            yield chromium
        finally:
            chromium.close()


def _real_keys(engine: sa.Engine) -> tuple[str, str, str, str]:
    """A deploy that shipped changes, one of its changes, its service, and a team."""
    with engine.connect() as conn:
        row = conn.execute(
            sa.text(
                "SELECT d.key, c.key, s.key FROM deploy d "
                "JOIN deploy_change dc ON dc.deploy_id = d.id "
                "JOIN change c ON c.id = dc.change_id "
                "JOIN service s ON s.id = d.service_id "
                "ORDER BY d.id, c.id LIMIT 1"
            )
        ).one()
        team = conn.execute(sa.text("SELECT key FROM team ORDER BY id LIMIT 1")).scalar_one()
    return str(row[0]), str(row[1]), str(row[2]), str(team)


@pytest.fixture(scope="module")
def served(
    scored_sample: SampleTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Served]:
    """The scored sample's web view, open (no sign-in), its clock at the end of its Monday."""
    loaded = scored_sample.copy(tmp_path_factory.mktemp("pages-browser") / "s.db")
    now = datetime.combine(loaded.as_of, time(23, 59, 59), UTC)
    app = PagesApp(loaded.engine, loaded.org, PagesConfig(open=True), clock=lambda: now)
    server = HttpServer(app, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, name="pages-browser", daemon=True)
    thread.start()
    year, week, _ = (loaded.as_of - timedelta(days=7)).isocalendar()
    deploy, change, service, team = _real_keys(loaded.engine)
    try:
        yield Served(
            server.url + DEFAULT_PREFIX,
            f"{year}-W{week:02d}",
            change,
            deploy,
            service,
            team,
        )
    finally:
        server.stop()
        thread.join(10)
        loaded.engine.dispose()


@pytest.fixture(scope="module")
def small_history(
    tmp_path_factory: pytest.TempPathFactory, migrated_sqlite: Path
) -> Iterator[SmallHistory]:
    """A small history made for the verdict tests (``tests.bot.pages.small_history``), built
    once per module."""
    history = build_small_history(tmp_path_factory.mktemp("small-history"), migrated_sqlite)
    yield history
    history.engine.dispose()
