"""Screenshots of the web view for docs/web.md, taken from the demo in Debian's Chromium.

Run with ``python -m bench.web_screenshots --out docs/web``. The sample organisation is
loaded and scored as ``riskbrief demo`` does, at a fixed Monday so the pictures change only
when the pages do, and served on a free loopback port with no sign-in. Each page is shot at
390 and 1280 px wide, the viewport only (800 px high), as ``<page>-<width>.png``. Needs
``/usr/bin/chromium`` (``apt-get install chromium``) and the ``playwright`` package.
"""

from __future__ import annotations

import argparse
import tempfile
import threading
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

from bot.composition.pipeline import score_all
from bot.pages.app import DEFAULT_PREFIX, PagesApp, PagesConfig
from bot.runtime.server import HttpServer
from data.rules.revert_incidents import RevertIncidents
from data.sample_load import load_sample
from data.sources.sample import SAMPLE_SEED, sample_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.sync import run_sources

__all__ = ["AS_OF", "WIDTHS", "main", "shoot"]

# The Monday the pictures' briefings go out on (the tests' sample date too).
AS_OF = date(2026, 11, 23)
WIDTHS = (390, 1280)
HEIGHT = 800
CHROMIUM = "/usr/bin/chromium"


def _pages(engine: sa.Engine) -> dict[str, str]:
    """Each page to shoot and its path under the prefix, with real keys from the store."""
    with engine.connect() as conn:
        deploy, change, service = conn.execute(
            sa.text(
                "SELECT d.key, c.key, s.key FROM deploy d "
                "JOIN deploy_change dc ON dc.deploy_id = d.id "
                "JOIN change c ON c.id = dc.change_id "
                "JOIN service s ON s.id = d.service_id "
                "ORDER BY d.id DESC, c.id LIMIT 1"
            )
        ).one()
        team = conn.execute(sa.text("SELECT key FROM team ORDER BY id LIMIT 1")).scalar_one()
    year, week, _ = (AS_OF - timedelta(days=7)).isocalendar()
    return {
        "home": "/",
        "week": "/week",
        "rows": f"/rows/{year}-W{week:02d}",
        "change": "/change/" + quote(str(change), safe="/"),
        "deploy": "/deploy/" + quote(str(deploy), safe="/:"),
        "service": f"/service/{service}?weeks=52",
        "team": f"/team/{team}",
        "agents": "/agents",
        "ranking": "/ranking",
        "search": "/search?q=" + quote(str(service), safe=""),
        "not-found": "/no-such-page",
    }


def shoot(out: Path) -> list[Path]:
    """Build the demo's store in a temporary folder, serve it, and write the PNGs to ``out``."""
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'demo.db'}")
        upgrade(engine)
        org = sample_org_config()
        with session_scope(engine) as session:
            sync_org(session, org)
        load_sample(engine, org, as_of=AS_OF, seed=SAMPLE_SEED)
        run_sources(engine, org, [RevertIncidents()])
        with session_scope(engine) as session:
            score_all(session, org)
        now = datetime.combine(AS_OF, time(23, 59), UTC)
        app = PagesApp(engine, org, PagesConfig(open=True), clock=lambda: now)
        server = HttpServer(app, "127.0.0.1", 0, threads=4)
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM)
                for width in WIDTHS:
                    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
                    page = context.new_page()
                    for name, path in _pages(engine).items():
                        page.goto(server.url + DEFAULT_PREFIX + path)
                        target = out / f"{name}-{width}.png"
                        page.screenshot(path=str(target), full_page=False)
                        written.append(target)
                    context.close()
                browser.close()
        finally:
            server.stop()
            thread.join(10)
            engine.dispose()
    return written


def main(argv: list[str] | None = None) -> int:
    """Write the screenshots and print each file's size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path("docs/web"), help="folder for the PNGs")
    args = parser.parse_args(argv)
    for path in shoot(args.out):
        print(f"{path}  {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
