"""``riskbrief web``: the web view on this machine, for one person, with no sign-in."""

from __future__ import annotations

import gc
import ipaddress
from pathlib import Path

import click

from bot.cli.common import settings_of

__all__ = ["web"]

_LOCAL_NAMES = ("localhost",)


def _loopback(host: str) -> bool:
    if host in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@click.command()
@click.option("--demo", is_flag=True, help="Open the seeded sample organisation (made in --out).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("out"),
    show_default=True,
    help="With --demo: where the demo's store is, made there first if missing.",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
# 8765: the port of the demo emails' links (`bot.pages.links.DEMO_WEB_URL`).
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.pass_context
def web(ctx: click.Context, demo: bool, out: Path, host: str, port: int) -> None:
    """Open the web view of the store on this machine (no sign-in: loopback only)."""
    from bot.pages.app import DEFAULT_PREFIX, PagesApp, PagesConfig
    from bot.pages.links import DEMO_KEY, LinkSigner, link_signer
    from bot.runtime.server import HttpServer
    from data.config import load_org_config
    from data.store.engine import make_engine
    from data.store.migrate import is_current

    if not _loopback(host):
        raise click.ClickException(
            "riskbrief web shows the whole organisation without sign-in, so it listens only on "
            "this machine (127.0.0.1); to share the web view, run `riskbrief serve --role web` "
            "with RISKBRIEF_WEB_KEYS set (docs/web.md)"
        )
    settings = settings_of(ctx)
    if demo:
        if not (out / "demo.db").exists():
            from bot.cli.demo import demo as make_demo

            ctx.invoke(make_demo, out=out, as_of=None, seed=None, database_url=None)
        database_url, config = f"sqlite:///{out / 'demo.db'}", out / "riskbrief.toml"
    else:
        database_url, config = settings.database_url, settings.config
    org = load_org_config(config)
    engine = make_engine(database_url)
    if not is_current(engine):
        raise click.ClickException(
            "the store is not migrated to this version of riskbrief; run `riskbrief db upgrade`"
        )
    # Links from the demo's emails (or, for a real store, from briefings signed with
    # RISKBRIEF_WEB_KEYS) open in their subscriber's scope here too.
    signer = LinkSigner([DEMO_KEY]) if demo else link_signer(settings)
    pages = PagesApp(engine, org, PagesConfig(open=True, signer=signer))
    server = HttpServer(pages, host, port)
    click.echo(f"The web view: {server.url}{DEFAULT_PREFIX}/  (Ctrl-C stops it)")
    # As `serve` does: what start-up built is kept out of the collector's passes.
    gc.freeze()
    try:
        server.run()
    except KeyboardInterrupt:
        server.stop()
    finally:
        engine.dispose()
