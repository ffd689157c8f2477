"""The web role in ``--workers`` processes behind one port, and the scheduler beside them."""

from __future__ import annotations

import gc
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from sqlalchemy.engine import Engine

from bot.runtime.application import ReplicaShape, process_application, request_limit
from bot.runtime.metrics import ProcessMetrics
from bot.runtime.startup import start_scheduler
from bot.settings import Settings
from data.config import OrgConfig
from data.store.engine import make_engine

if TYPE_CHECKING:
    from bot.runtime.workers import WorkerPlan

__all__ = [
    "plan_workers",
    "serve_workers",
]

log = structlog.get_logger("riskbrief.serve")


def _web_modules() -> None:
    """Import what every worker builds (``web_routes``, the web view), without building it."""
    import bot.ci.coverage
    import bot.ci.deploys
    import bot.mcp.http
    import bot.pages.endpoint  # noqa: F401


def plan_workers(
    settings: Settings, host: str | None, port: int | None, workers: int
) -> WorkerPlan:
    """How ``workers`` processes listen, on ``host`` and ``port`` or the settings' own."""
    from bot.runtime.workers import WorkerPlan

    return WorkerPlan(
        workers=workers,
        host=host or settings.serve_host,
        port=settings.serve_port if port is None else port,
        max_body=request_limit(settings, web=True),
    )


def serve_workers(
    settings: Settings,
    engine: Engine,
    org: OrgConfig,
    shape: ReplicaShape,
    role: str,
    plan: WorkerPlan,
) -> None:
    """The web role in ``plan.workers`` processes behind one port; with ``--role all`` the
    scheduler in this process, which starts them (``bot.runtime.workers``)."""
    from bot.pages.endpoint import pages_prefix
    from bot.runtime.arbiter import run_workers
    from bot.runtime.metrics import SharedMetrics, share_between_processes
    from bot.runtime.supervisor import supervise
    from bot.runtime.workers import Built, listen

    listener = listen(plan.host, plan.port)
    url = "http://{}:{}".format(*listener.getsockname()[:2])
    scheduling = role == "all"
    folder = Path(tempfile.mkdtemp(prefix="riskbrief-metrics-")) if scheduling else None
    if folder is not None:
        share_between_processes(folder)
    if shape.slack_on:
        from bot.slack.app import build_app

        # The tokens checked once here, so a wrong one ends here in one sentence, not as a
        # worker that cannot start; each worker builds its own app after the fork.
        build_app(settings, engine, org, socket_mode=False)
    # Imported once here, shared by every worker the arbiter forks (each would import them
    # again otherwise); importing starts no thread and opens no connection.
    _web_modules()
    # Nothing of this pool may cross the fork: the workers open their own engines, and the
    # scheduler's connections are opened afresh after it.
    engine.dispose()
    prefix = pages_prefix(settings) if settings.web_keys is not None else None

    def build() -> Built:
        own = make_engine(settings.database_url)
        metrics = ProcessMetrics(own) if folder is None else SharedMetrics(own, folder)
        built = process_application(settings, own, org, shape, metrics)
        # As in one process: what start-up built is kept out of the collector's passes.
        gc.freeze()
        log.info("serve.worker_started", role=role, pid=os.getpid())
        mcp = built.routes.mcp if built.routes is not None else None

        def close() -> None:
            if mcp is not None:
                mcp.close()
            own.dispose()

        return Built(built.application, close)

    log.info("serve.started", role=role, url=url, pid=os.getpid(), workers=plan.workers)
    print(f"riskbrief serve: {role} role, {plan.workers} workers on {url}", flush=True)
    if prefix is not None:
        print(f"riskbrief serve: the web view on {url}{prefix}/", flush=True)
    try:
        if not scheduling:
            run_workers(plan, listener, build)
            return

        def start() -> Callable[[], None]:
            scheduler = start_scheduler(settings, engine, org, ProcessMetrics(engine))

            def stop() -> None:
                scheduler.shutdown(wait=True)
                engine.dispose()

            return stop

        supervise(plan, listener, build, start)
    finally:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        log.info("serve.stopped")
