"""The workers' arbiter in a child process, and the scheduler in the one that forked it."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from types import FrameType

import structlog

from bot.runtime.arbiter import run_workers
from bot.runtime.workers import GRACEFUL_SECONDS, Built, WorkerPlan
from scoring.errors import StoreError

__all__ = [
    "supervise",
]

log = structlog.get_logger("riskbrief.serve")


def _die_with_parent(parent: int) -> None:
    """Ask Linux to end this process (SIGTERM) when the one that forked it dies."""
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGTERM)
    if os.getppid() != parent:
        os._exit(1)


def supervise(
    plan: WorkerPlan,
    listener: socket.socket,
    build: Callable[[], Built],
    start: Callable[[], Callable[[], None]],
) -> None:
    """The workers' arbiter (``run_workers``) in a child process, and ``start``'s work (the
    scheduler) in this one, until SIGTERM or Ctrl-C, or until the arbiter ends; ``start``
    returns what stops that work.

    The arbiter is forked before the scheduler starts a thread, and it never reaps the
    scheduler's own subprocesses (git) as it waits for its workers.
    """
    parent = os.getpid()
    child = os.fork()
    if child == 0:
        code = 1
        try:
            _die_with_parent(parent)
            run_workers(plan, listener, build)
            code = 0
        except StoreError as exc:
            print(f"Error: {exc}", file=sys.stderr, flush=True)
        except BaseException:
            log.exception("serve.workers_failed")
        finally:
            os._exit(code)
    # The arbiter holds the port now: this process has no part in answering on it.
    listener.close()
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("serve.stopping", signal=signal.Signals(signum).name)
        with contextlib.suppress(ProcessLookupError):
            os.kill(child, signal.SIGTERM)
        stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    status: int | None = None
    try:
        stop_work = start()
        try:
            while status is None and not stop.wait(0.5):
                status = _ended(child)
        finally:
            stop_work()
        if status is None:
            # Stopping: the arbiter lets its workers finish their requests first.
            status = _wait(child, GRACEFUL_SECONDS + 10)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if status is None:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(child, signal.SIGKILL)
                os.waitpid(child, 0)
    if status != 0 and not stop.is_set():
        raise StoreError(
            f"the web workers stopped with exit status {status}; the reason is logged above"
        )


def _ended(child: int) -> int | None:
    """The child's exit code if it has ended, else ``None``."""
    pid, raw = os.waitpid(child, os.WNOHANG)
    return os.waitstatus_to_exitcode(raw) if pid else None


def _wait(child: int, seconds: float) -> int | None:
    """The child's exit code once it has ended, or ``None`` after ``seconds``."""
    for _ in range(int(seconds * 10)):
        status = _ended(child)
        if status is not None:
            return status
        time.sleep(0.1)
    return None
