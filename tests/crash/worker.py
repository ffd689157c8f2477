"""The process the crash tests kill: one weekly delivery run, with an optional self-kill.

Run as ``python -m tests.crash.worker --now <ISO time> --mode tick|send --progress FILE
[--kill-at NAME:N]`` for one pass, or with ``--serve`` to import once and fork one worker
process per command (what the harness does: a fresh interpreter per run costs a
second). The store, Slack and SMTP come from the environment as for ``riskbrief``
(``RISKBRIEF_DATABASE_URL``, ``SLACK_BOT_TOKEN``, ``SLACK_API_URL``, ``RISKBRIEF_SMTP_*``).
``tick`` runs the scheduler's tick (``bot.runtime.schedule.tick``), ``send`` what ``riskbrief
brief --send`` runs (``bot.delivery.send_now``); both on the sample organisation at
``--now``.

Every delivery checkpoint reached (``data.store.deliveries.step``) is appended to the
progress file as one line, so the parent knows where a kill landed; with ``--kill-at``
the process SIGKILLs itself at the ``N``-th time it reaches checkpoint ``NAME``. On
completion it prints one JSON line: each delivery outcome and the seconds it took.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import signal
import sys
import time
import traceback
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


def deliver_once(now: datetime, mode: str, progress_path: str, kill_at: str | None) -> str:
    """One delivery pass at ``now``; the JSON line of its outcomes and how long it took."""
    progress = os.open(progress_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    import structlog

    from bot.delivery import send_now
    from bot.runtime.schedule import tick
    from bot.settings import load_settings
    from data.sources.sample import sample_org_config
    from data.store import deliveries
    from data.store.engine import make_engine

    # Warnings and errors to stderr, which the parent shows when a run fails.
    structlog.configure(
        wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    hook = _hook(progress, _kill_at(kill_at))
    deliveries.set_step_hook(hook)
    hook(START)
    started = time.monotonic()
    settings = load_settings()
    org = sample_org_config()
    engine = make_engine(settings.database_url)
    if mode == "tick":
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
    return json.dumps({"outcomes": outcomes, "busy": time.monotonic() - started})


# What every child imports, imported once before forking.
_WARM = (
    "structlog",
    "bot.delivery",
    "bot.runtime.schedule",
    "bot.settings",
    "data.store.engine",
    "data.sources.sample",
    "sqlalchemy.dialects.sqlite.pysqlite",
    "sqlalchemy.dialects.postgresql.psycopg",
    # Imported on first use, which would be in every child: the driver, the email chart.
    "psycopg",
    "PIL.PngImagePlugin",
    "email.policy",
)


def serve() -> int:
    """Import once, then fork one worker process per command line read from stdin.

    A command is a JSON object: ``now``, ``mode``, ``progress``, ``kill_at``, ``env`` (set
    in the child's environment), ``out`` and ``err`` (files for the child's result line
    and its stderr). For each, one line ``{"pid": …}`` when the child starts, one line
    ``{"returncode": …}`` (negative: killed by that signal) when it is gone.
    """
    for module in _WARM:
        importlib.import_module(module)
    # Every child's first query configured the tables' mappers afresh (a twentieth of a
    # run): configured once here, each fork inherits them.
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    # Each child's first email compiled the templates afresh (25 ms of a run that renders):
    # one email rendered here, each fork inherits them compiled.
    from briefing.deterministic import write_deterministic
    from briefing.render import render_email
    from tests.briefing.payloads import busy_payload

    payload = busy_payload()
    render_email(payload, write_deterministic(payload))

    for line in sys.stdin:
        command = json.loads(line)
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child ends in os._exit
            code = 1
            try:
                err = os.open(command["err"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                os.dup2(err, 2)
                # Nothing but the zygote may write to its stdout: that is the protocol.
                os.dup2(err, 1)
                os.environ.update(command["env"])
                done = deliver_once(
                    datetime.fromisoformat(command["now"]),
                    command["mode"],
                    command["progress"],
                    command["kill_at"],
                )
                with open(command["out"], "w", encoding="utf-8") as out:
                    out.write(done)
                code = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stderr.flush()
                os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"returncode": os.waitstatus_to_exitcode(status)}), flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run one delivery pass as told by ``argv`` (or ``--serve``); 0 when it finished."""
    parser = argparse.ArgumentParser(prog="python -m tests.crash.worker")
    parser.add_argument("--serve", action="store_true", help="fork a worker per stdin line")
    parser.add_argument("--now", type=datetime.fromisoformat)
    parser.add_argument("--mode", choices=("tick", "send"), default="tick")
    parser.add_argument("--progress")
    parser.add_argument("--kill-at", default=None)
    args = parser.parse_args(argv)
    if args.serve:
        return serve()
    if args.now is None or args.progress is None:
        parser.error("--now and --progress are needed, or --serve")
    print(deliver_once(args.now, args.mode, args.progress, args.kill_at), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
