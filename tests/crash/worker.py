"""The process the crash tests kill: one weekly delivery run, with an optional self-kill.

Run as ``python -m tests.crash.worker --now <ISO time> --mode tick|send --progress FILE
[--kill-at NAME:N]``. The store, Slack and SMTP come from the environment as for
``riskbrief`` (``RISKBRIEF_DATABASE_URL``, ``SLACK_BOT_TOKEN``, ``SLACK_API_URL``,
``RISKBRIEF_SMTP_*``). ``tick`` runs the scheduler's tick (``bot.schedule.tick``),
``send`` what ``riskbrief brief --send`` runs (``bot.delivery.send_now``); both on the
sample organisation at ``--now``.

Every delivery checkpoint reached (``data.deliveries.checkpoint``) is appended to the
progress file as one line, so the parent knows where a kill landed; with ``--kill-at``
the process SIGKILLs itself at the ``N``-th time it reaches checkpoint ``NAME``. On
completion it prints one JSON line: each delivery outcome and the seconds it took.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import time
from collections import Counter
from collections.abc import Callable
from datetime import datetime

START = "start"


def _hook(progress: int, kill_at: tuple[str, int] | None) -> Callable[[str], None]:
    seen: Counter[str] = Counter()

    def hook(name: str) -> None:
        os.write(progress, f"{name}\n".encode())
        seen[name] += 1
        if kill_at is not None and kill_at == (name, seen[name]):
            os.kill(os.getpid(), signal.SIGKILL)

    return hook


def _kill_at(text: str | None) -> tuple[str, int] | None:
    if not text:
        return None
    name, _, count = text.rpartition(":")
    return name, int(count)


def main(argv: list[str] | None = None) -> int:
    """Run one delivery pass as told by ``argv``; 0 when it finished."""
    parser = argparse.ArgumentParser(prog="python -m tests.crash.worker")
    parser.add_argument("--now", required=True, type=datetime.fromisoformat)
    parser.add_argument("--mode", choices=("tick", "send"), default="tick")
    parser.add_argument("--progress", required=True)
    parser.add_argument("--kill-at", default=None)
    args = parser.parse_args(argv)
    progress = os.open(args.progress, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    kill_at = _kill_at(args.kill_at)

    # Imported after the arguments parse, so a usage error is quick.
    import structlog

    from bot.delivery import send_now
    from bot.schedule import tick
    from bot.settings import load_settings
    from data import deliveries
    from data.engine import make_engine
    from data.sources.sample import sample_org_config

    # Warnings and errors to stderr, which the parent shows when a run fails.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    hook = _hook(progress, kill_at)
    deliveries.set_checkpoint_hook(hook)
    hook(START)
    started = time.monotonic()
    settings = load_settings()
    org = sample_org_config()
    engine = make_engine(settings.database_url)
    now: datetime = args.now
    if args.mode == "tick":
        reports = tick(engine, settings, org, now)
    else:
        reports = [send_now(engine, settings, org, now)]
    hook("end")
    outcomes = [
        {"subscriber": o.subscriber, "channel": o.channel, "status": o.status, "detail": o.detail}
        for r in reports
        for o in r.outcomes
    ]
    engine.dispose()
    busy = time.monotonic() - started
    print(json.dumps({"outcomes": outcomes, "busy": busy}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
