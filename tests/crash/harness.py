"""Kill the weekly delivery at random points, restart it, and count what Slack and SMTP got.

A trial runs ``tests.crash.worker`` in a subprocess against a store seeded with the
sample organisation, the fake Slack and the fake SMTP server (both in this process,
so they outlive every kill). Each run but the last is killed with SIGKILL at a point
the trial's seeded RNG chose, in one of three ways:

- ``checkpoint``: the worker kills itself at the N-th time it reaches a named point
  of the delivery code (``data.store.deliveries.step``), inside the claim, render,
  send or record step, including inside their open transactions;
- ``slack`` / ``smtp``: the fake kills the worker when the N-th ``chat.postMessage``
  or SMTP ``DATA`` arrives, ``before`` acting on it or ``after`` accepting it and
  before answering, so the sender never hears that it went out;
- ``timer``: the parent kills it a random time after it started delivering.

A restart after a kill comes ``RESTART_GAP`` later on the briefing clock, past the
claim's lease, so the crashed attempt's claims are taken over; for some kills an extra
run comes first, ``QUICK_RESTART`` after the kill, inside the lease, which must leave
those claims alone and send the rest. The last run, past the lease of every claim, is
not killed; one more run after it must send nothing. Then each delivery must be seen
exactly once.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy.engine import Engine
from sqlmodel import select

from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.deliveries import SENT, delivery_states
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Subscriber
from fakes.env import delivery_env
from fakes.slack_server import FakeSlack
from fakes.smtp_server import FakeSMTP

__all__ = [
    "NOW",
    "CrashSMTP",
    "CrashSlack",
    "Kill",
    "Plan",
    "Tally",
    "TrialResult",
    "Zygote",
    "plan_trial",
    "run_trial",
    "seed_store",
]

ROOT = Path(__file__).resolve().parents[2]
# A Monday evening in UTC: every sample subscriber's 09:00 has passed in their zone.
NOW = datetime(2026, 11, 23, 20, 0, tzinfo=UTC)
WEEK = "2026-W47"
# Longer than the claim lease (15 minutes), so a restart takes over a crashed claim.
RESTART_GAP = timedelta(minutes=20)
# Shorter than the lease, as when a supervisor restarts the process at once.
QUICK_RESTART = timedelta(minutes=1)
TOKEN = "xoxb-crash-test-0123456789"
SENDER = "riskbrief@acme.example"
RUN_TIMEOUT = 120.0

# The step a run is in once it has passed each checkpoint (for timer kills), and the
# step a kill *at* a checkpoint lands in. ``send-accepted``: the receiver has the
# message, the row does not yet say so.
_AFTER = {
    "start": "claim",
    "claim.insert": "claim",
    "claim.inserted": "claim",
    "claim.take_over": "claim",
    "claim.taken_over": "claim",
    "render.start": "render",
    "render.stored": "render",
    "render.recorded": "render",
    "render.committed": "record",
    "record.attached": "send",
    "send.slack.noted": "send",
    "send.email.noted": "send",
    "send.slack.found": "send-accepted",
    "send.slack.posted": "send-accepted",
    "send.email.sent": "send-accepted",
    "record.complete": "record",
    "record.done": "record",
    "end": "after",
}
_AT = {
    "claim.insert": "claim",
    "claim.inserted": "claim",
    "claim.take_over": "claim",
    "claim.taken_over": "claim",
    "render.stored": "render",
    "render.recorded": "render",
    "render.committed": "render",
    "record.attached": "record",
    "send.slack.noted": "send",
    "send.email.noted": "send",
    "send.slack.found": "send-accepted",
    "send.slack.posted": "send-accepted",
    "send.email.sent": "send-accepted",
    "record.complete": "record",
    "record.done": "record",
}
# The kills a trial draws from, by the step they aim at: (kind, point, highest N).
# N is kept low: a later run has fewer deliveries left, and a kill it never reaches
# only wastes the run.
_AIMS: dict[str, tuple[tuple[str, str, int], ...]] = {
    "claim": (
        ("checkpoint", "claim.insert", 4),
        ("checkpoint", "claim.inserted", 4),
        ("checkpoint", "claim.take_over", 2),
        ("checkpoint", "claim.taken_over", 2),
    ),
    "render": (
        ("checkpoint", "render.recorded", 4),
        ("checkpoint", "render.stored", 2),
        ("checkpoint", "render.committed", 1),
    ),
    "send": (
        ("checkpoint", "send.slack.noted", 2),
        ("checkpoint", "send.email.noted", 2),
        ("slack", "before", 2),
        ("smtp", "before", 2),
    ),
    "send-accepted": (
        ("checkpoint", "send.slack.posted", 2),
        ("checkpoint", "send.email.sent", 2),
        ("checkpoint", "send.slack.found", 1),
        ("slack", "after", 2),
        ("smtp", "after", 2),
    ),
    "record": (
        ("checkpoint", "record.attached", 3),
        ("checkpoint", "record.complete", 3),
        ("checkpoint", "record.done", 3),
    ),
}

# Points only a retry of an earlier attempt reaches.
_RETRY_ONLY = frozenset(
    {"claim.take_over", "claim.taken_over", "render.stored", "send.slack.found"}
)


def _wait_dead(pid: int, timeout: float = 5.0) -> None:
    """Wait until ``pid`` is gone or a zombie: killed, whoever reaps it."""
    deadline = time.monotonic() + timeout
    stat = Path(f"/proc/{pid}/stat")
    while time.monotonic() < deadline:
        try:
            state = stat.read_text().rpartition(")")[2].split()[0]
        except (OSError, IndexError):
            return
        if state in ("Z", "X"):
            return
        time.sleep(0.002)


class KillSwitch:
    """Kills the worker that runs now, from any thread, at most once per run."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pid: int | None = None
        self.fired: str | None = None

    def arm(self, pid: int) -> None:
        """Aim at the process ``pid``."""
        with self._lock:
            self._pid, self.fired = pid, None

    def disarm(self) -> str | None:
        """Aim at nothing; where the last kill fired, if it did."""
        with self._lock:
            self._pid = None
            return self.fired

    def kill(self, label: str) -> None:
        """SIGKILL the worker and wait until it is dead; ``label`` says where."""
        with self._lock:
            pid, self._pid = self._pid, None
            if pid is None:
                return
            self.fired = label
        os.kill(pid, signal.SIGKILL)
        _wait_dead(pid)


@dataclass(slots=True)
class _Trap:
    """Kill the worker at the ``nth`` matching request, ``before`` acting on it or after."""

    nth: int
    before: bool
    seen: int = 0


class CrashSlack(FakeSlack):
    """The fake Slack, which can kill the worker on the N-th ``chat.postMessage``.

    Its message timestamps follow the run's briefing clock (``clock``), as Slack's
    would follow the real one.
    """

    def __init__(self, switch: KillSwitch) -> None:
        super().__init__()
        self._switch = switch
        self._trap: _Trap | None = None
        self.clock = NOW
        self._started = time.monotonic()
        self._seq = itertools.count(1)

    def reset(self) -> None:
        """Forget every call and message, for the next trial."""
        with self._lock:
            self._state = type(self._state)()

    def set_clock(self, now: datetime) -> None:
        """Slack's clock reads ``now`` from this moment on."""
        self.clock, self._started = now, time.monotonic()

    def trap(self, nth: int, before: bool) -> None:
        """Kill the worker at the ``nth`` ``chat.postMessage`` of the next run."""
        self._trap = _Trap(nth, before)

    def disarm(self) -> None:
        """No kill in the next run."""
        self._trap = None

    def _next_ts(self) -> str:
        at = self.clock.timestamp() + (time.monotonic() - self._started)
        return f"{int(at)}.{next(self._seq):06d}"

    def call(
        self, method: str, params: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Answer as the fake does, killing the worker first or after if the trap is hit."""
        trap = self._trap
        if method != "chat.postMessage" or trap is None:
            return super().call(method, params, token)
        trap.seen += 1
        if trap.seen != trap.nth:
            return super().call(method, params, token)
        if trap.before:
            self._switch.kill("slack.before")
            return 500, {}, {"ok": False, "error": "internal_error"}
        answer = super().call(method, params, token)
        self._switch.kill("slack.after")
        return answer


class CrashSMTP(FakeSMTP):
    """The fake SMTP server, which can kill the worker on the N-th ``DATA``."""

    def __init__(self, workdir: Path, switch: KillSwitch) -> None:
        super().__init__(workdir)
        self._switch = switch
        self._trap: _Trap | None = None

    def trap(self, nth: int, before: bool) -> None:
        """Kill the worker at the ``nth`` DATA of the next run."""
        self._trap = _Trap(nth, before)

    def disarm(self) -> None:
        """No kill in the next run."""
        self._trap = None

    def reset(self) -> None:
        """Forget every message, for the next trial."""
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()
            self.logins.clear()

    def sessions(self) -> int:
        """How many client connections the server is still handling (its handler tasks)."""

        async def count() -> int:
            coros = [t.get_coro() for t in asyncio.all_tasks()]
            return sum(1 for c in coros if getattr(c, "__name__", "") == "_handle_client")

        return asyncio.run_coroutine_threadsafe(count(), self._controller.loop).result(30)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Accept the message as the fake does, killing the worker before or after if trapped."""
        trap = self._trap
        if trap is not None:
            trap.seen += 1
        if trap is None or trap.seen != trap.nth:
            return await super().handle_DATA(server, session, envelope)
        if trap.before:
            await asyncio.to_thread(self._switch.kill, "smtp.before")
            return "451 Try again later"
        answer = await super().handle_DATA(server, session, envelope)
        await asyncio.to_thread(self._switch.kill, "smtp.after")
        return answer


@dataclass(frozen=True, slots=True)
class Kill:
    """Where to kill one run: ``kind`` is checkpoint, slack, smtp or timer."""

    kind: str
    point: str = ""
    nth: int = 1
    delay: float = 0.0

    def __str__(self) -> str:
        if self.kind == "timer":
            return f"timer+{self.delay:.2f}"
        return f"{self.kind}:{self.point}#{self.nth}"


@dataclass(frozen=True, slots=True)
class Plan:
    """One trial: the delivery path (``tick`` or ``send``), the kills, one per run, and
    after which kills an unkilled run comes at once, inside the claims' lease."""

    trial: int
    mode: str
    kills: tuple[Kill, ...]
    quick: tuple[bool, ...]

    def runs(self) -> list[tuple[Kill | None, datetime]]:
        """Each run's kill (``None``: not killed) and briefing clock, in order."""
        found: list[tuple[Kill | None, datetime]] = []
        now = NOW
        for kill, quick in zip(self.kills, self.quick, strict=True):
            found.append((kill, now))
            if quick:
                found.append((None, now + QUICK_RESTART))
                now += QUICK_RESTART
            now += RESTART_GAP
        return [*found, (None, now), (None, now + RESTART_GAP)]


def plan_trial(seed: int, backend: str, trial: int, timer_span: float) -> Plan:
    """The trial's kills, drawn from an RNG seeded with ``seed``, the backend and the trial.

    Each kill aims at a step (claim, render, send before or after the receiver accepted,
    record) with equal odds, or, one time in five, at a random moment of the run.
    """
    rng = random.Random(f"{seed}:{backend}:{trial}")
    kills: list[Kill] = []
    for i in range(rng.choice((1, 1, 2, 2, 3))):
        if rng.random() < 0.2:
            kills.append(Kill("timer", delay=rng.uniform(0.0, timer_span)))
            continue
        aims = _AIMS[rng.choice(sorted(_AIMS))]
        if i == 0:
            # The first run retries nothing.
            aims = tuple(a for a in aims if a[1] not in _RETRY_ONLY) or _AIMS["claim"][:2]
        kind, point, most = rng.choice(aims)
        kills.append(Kill(kind, point, rng.randint(1, most)))
    quick = tuple(rng.random() < 0.25 for _ in kills)
    return Plan(trial, rng.choice(("tick", "send")), tuple(kills), quick)


@dataclass(frozen=True, slots=True)
class RunResult:
    """One worker run: the kill it was given, where it landed (``None``: did not fire)."""

    kill: Kill | None
    step: str | None
    at: str | None
    returncode: int
    seconds: float


@dataclass(frozen=True, slots=True)
class TrialResult:
    """What a trial's runs did and what the fakes and the store hold after them."""

    plan: Plan
    runs: tuple[RunResult, ...]
    slack: dict[str, int]
    email_raw: dict[str, int]
    email_ids: dict[str, int]
    email_window: dict[str, int]
    rows: dict[tuple[str, str], str]
    problems: tuple[str, ...]
    # How long the longest unkilled run took from its start checkpoint to its end.
    busy: float


@dataclass(slots=True)
class Tally:
    """Totals over trials, for the report."""

    trials: int = 0
    runs: int = 0
    kills: Counter[str] = field(default_factory=Counter)
    points: Counter[str] = field(default_factory=Counter)
    missed: int = 0
    slack_seen: int = 0
    email_seen: int = 0
    duplicates: int = 0
    email_resends: int = 0
    losses: int = 0
    seconds: float = 0.0
    run_seconds: list[float] = field(default_factory=list)

    def add(self, result: TrialResult) -> None:
        """Count ``result`` in."""
        self.trials += 1
        for run in result.runs:
            self.runs += 1
            self.run_seconds.append(run.seconds)
            if run.kill is None:
                continue
            if run.step is None:
                self.missed += 1
            else:
                self.kills[run.step] += 1
                self.points[run.at or "?"] += 1
        self.slack_seen += sum(result.slack.values())
        self.email_seen += sum(result.email_raw.values())
        self.duplicates += sum(max(n - 1, 0) for n in result.slack.values())
        self.duplicates += sum(max(n - 1, 0) for n in result.email_ids.values())
        self.email_resends += sum(max(n - 1, 0) for n in result.email_raw.values())
        self.losses += sum(1 for n in result.slack.values() if n == 0)
        self.losses += sum(1 for n in result.email_ids.values() if n == 0)

    def lines(self, backend: str, seed: int) -> list[str]:
        """The report, a few lines."""
        typical = sorted(self.run_seconds)[len(self.run_seconds) // 2] if self.run_seconds else 0
        return [
            f"crash harness on {backend}: seed {seed}, {self.trials} trials, {self.runs} runs "
            f"(median {typical:.2f}s), {self.seconds:.1f}s",
            "  kills per step: "
            + ", ".join(f"{k} {v}" for k, v in sorted(self.kills.items()))
            + f"; planned but not reached: {self.missed}",
            "  kills per point: " + ", ".join(f"{k} {v}" for k, v in sorted(self.points.items())),
            f"  seen: {self.slack_seen} Slack posts, {self.email_seen} SMTP messages; "
            f"duplicates {self.duplicates}, losses {self.losses}; email re-sent after a kill "
            f"between SMTP accepting and the row saying sent: {self.email_resends}",
        ]


def seed_store(engine: Engine) -> None:
    """Load the sample organisation and its scores into ``engine``'s migrated store."""
    from bot.composition.pipeline import score_all

    org = sample_org_config()
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=NOW.date())
    with session_scope(engine) as session:
        score_all(session, org)


def reset_deliveries(engine: Engine) -> None:
    """Forget every delivery and briefing: the store as `riskbrief demo` left it."""
    with engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM delivery"))
        conn.execute(sa.text("DELETE FROM briefing"))


def _recipients(engine: Engine) -> tuple[dict[str, str], dict[str, str], dict[int, str]]:
    """Slack user and email address of each subscriber with them, and subscriber keys by id."""
    with session_scope(engine) as session:
        subs = list(session.exec(select(Subscriber)))
    slack = {s.key: s.slack_user_id for s in subs if s.active and s.slack_user_id}
    email = {s.key: s.email for s in subs if s.active and s.email}
    return slack, email, {s.id: s.key for s in subs if s.id is not None}


def worker_env(database_url: str, slack: FakeSlack, smtp: FakeSMTP) -> dict[str, str]:
    """What the worker's environment adds: the store and both fakes."""
    return {
        "RISKBRIEF_DATABASE_URL": database_url,
        **delivery_env(slack, smtp, token=TOKEN, sender=SENDER),
    }


class Zygote:
    """``python -m tests.crash.worker --serve``: imports once, forks a worker process per run."""

    def __init__(self, workdir: Path) -> None:
        self._err = (workdir / "zygote.err").open("w", encoding="utf-8")
        self._proc = subprocess.Popen(
            [sys.executable, "-m", "tests.crash.worker", "--serve"],
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._err,
            text=True,
            bufsize=1,
        )
        self._lines: queue.Queue[dict[str, int]] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            self._lines.put(json.loads(line))

    def start(self, command: dict[str, Any]) -> int:
        """Fork a worker for ``command``; its pid."""
        assert self._proc.stdin is not None
        self._proc.stdin.write(json.dumps(command) + "\n")
        self._proc.stdin.flush()
        started = self.next(RUN_TIMEOUT)
        assert started is not None, "the worker zygote did not fork"
        return started["pid"]

    def next(self, timeout: float) -> dict[str, int] | None:
        """The next line from the zygote, or ``None`` after ``timeout`` seconds."""
        try:
            return self._lines.get(timeout=timeout)
        except queue.Empty:
            return None

    def __enter__(self) -> Zygote:
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._err.close()


_RUNS = itertools.count(1)


def _progress(path: Path) -> list[str]:
    try:
        return path.read_text().split()
    except FileNotFoundError:
        return []


def _run(
    zygote: Zygote,
    env: dict[str, str],
    workdir: Path,
    mode: str,
    now: datetime,
    kill: Kill | None,
    switch: KillSwitch,
    slack: CrashSlack,
    smtp: CrashSMTP,
) -> tuple[RunResult, str]:
    """One worker run with ``kill``; its result and its output line."""
    n = next(_RUNS)
    progress, out, err = (workdir / f"run-{n}.{part}" for part in ("progress", "out", "err"))
    kill_at = f"{kill.point}:{kill.nth}" if kill is not None and kill.kind == "checkpoint" else None
    slack.disarm()
    smtp.disarm()
    if kill is not None and kill.kind == "slack":
        slack.trap(kill.nth, before=kill.point == "before")
    elif kill is not None and kill.kind == "smtp":
        smtp.trap(kill.nth, before=kill.point == "before")
    slack.set_clock(now)
    started = time.monotonic()
    command = {"now": now.isoformat(), "mode": mode, "kill_at": kill_at, "env": env}
    command |= {"progress": str(progress), "out": str(out), "err": str(err)}
    pid = zygote.start(command)
    switch.arm(pid)
    done: dict[str, int] | None = None
    try:
        if kill is not None and kill.kind == "timer":
            # The clock starts when the worker starts delivering.
            while done is None and "start" not in _progress(progress):
                done = zygote.next(0.002)
            if done is None:
                done = zygote.next(kill.delay)
            if done is None:
                switch.kill("timer")
        if done is None:
            done = zygote.next(RUN_TIMEOUT)
        if done is None:
            os.kill(pid, signal.SIGKILL)
            raise AssertionError(f"the worker hung past {RUN_TIMEOUT}s with {kill}")
    finally:
        fired = switch.disarm()
        slack.disarm()
        smtp.disarm()
    seconds = time.monotonic() - started
    reached = _progress(progress)
    last = reached[-1] if reached else "start"
    returncode = done["returncode"]
    if returncode == 0:
        return RunResult(kill, None, None, 0, seconds), out.read_text()
    if returncode != -signal.SIGKILL:
        stderr = err.read_text() if err.exists() else ""
        raise AssertionError(f"the worker failed ({returncode}) with {kill}: {stderr[-3000:]}")
    assert kill is not None, "a run without a kill was killed"
    if kill.kind == "checkpoint":
        step, at = _AT[kill.point], kill.point
    elif kill.kind == "timer":
        step, at = _AFTER.get(last, "claim"), f"timer after {last}"
    else:
        at = fired or "?"
        step = "send" if at.endswith("before") else "send-accepted"
    return RunResult(kill, step, at, returncode, seconds), ""


def _email_counts(smtp: FakeSMTP, emails: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    raw: dict[str, int] = {}
    ids: dict[str, int] = {}
    for key, address in emails.items():
        got: list[EmailMessage] = smtp.to(address)
        raw[key] = len(got)
        ids[key] = len({str(m["Message-ID"]) for m in got})
    return raw, ids


def _settled_email_counts(
    smtp: CrashSMTP, emails: dict[str, str], limit: float = 30.0
) -> dict[str, int]:
    """The SMTP counts once the server has handled what a killed worker had already sent.

    A worker killed right after writing a message's final ``.`` leaves it in the server's
    socket buffer; the server stores it a moment after the worker is gone. Counting at
    once missed it, so the resend was taken for a duplicate (seen on a busy machine). The
    worker's sockets closed with it, so once the server has ended every session it had,
    nothing more can arrive: the counts are final then.
    """
    deadline = time.monotonic() + limit
    while smtp.sessions() and time.monotonic() < deadline:
        time.sleep(0.005)
    return _email_counts(smtp, emails)[0]


def _rows(engine: Engine, keys: dict[int, str]) -> dict[tuple[str, str], str]:
    return {
        (keys[r.subscriber_id], r.channel): r.status
        for r in delivery_states(engine, week=WEEK)
        if r.subscriber_id in keys
    }


def run_trial(
    zygote: Zygote,
    engine: Engine,
    database_url: str,
    workdir: Path,
    plan: Plan,
    switch: KillSwitch,
    slack: CrashSlack,
    smtp: CrashSMTP,
) -> TrialResult:
    """Run ``plan`` on a fresh store: its kills, one run to the end, one more that sends
    nothing; then count each delivery on the fakes and read the store."""
    reset_deliveries(engine)
    slack.reset()
    smtp.reset()
    users, emails, keys = _recipients(engine)
    env = worker_env(database_url, slack, smtp)
    runs: list[RunResult] = []
    busy: list[float] = []
    window: Counter[str] = Counter()
    problems: list[str] = []
    for kill, now in plan.runs():
        raw_before, _ = _email_counts(smtp, emails)
        result, out = _run(zygote, env, workdir, plan.mode, now, kill, switch, slack, smtp)
        runs.append(result)
        # Only a timer kill can land between a message's final "." and the server's answer:
        # every other kill lands where the worker waits for nothing from SMTP (a checkpoint,
        # as smtplib returns only once the server answered and stored the message, or inside
        # a fake's own handler), so the counts are final at once and need no settling.
        in_flight = result.step is not None and kill is not None and kill.kind == "timer"
        raw_after = (
            _settled_email_counts(smtp, emails) if in_flight else _email_counts(smtp, emails)[0]
        )
        rows = _rows(engine, keys)
        if result.step is not None:
            # SMTP took a message in this run and the row never said so: the retry
            # cannot know, and sends it again (bot.delivery.email explains why).
            for key in emails:
                if raw_after[key] > raw_before[key] and rows.get((key, "email")) != SENT:
                    window[key] += 1
        elif kill is None:
            done = json.loads(out.strip().splitlines()[-1])
            busy.append(float(done["busy"]))
            outcomes = done["outcomes"]
            failed = [o for o in outcomes if o["status"] not in ("sent", "found", "skipped")]
            if failed:
                problems.append(f"run {len(runs)} had outcomes {failed}")
    slack_counts = {k: len(slack.messages(u)) for k, u in users.items()}
    raw, ids = _email_counts(smtp, emails)
    rows = _rows(engine, keys)
    expected = {(k, "slack") for k in users} | {(k, "email") for k in emails}
    if set(rows) != expected:
        problems.append(f"delivery rows {sorted(rows)} != {sorted(expected)}")
    problems += [f"{k} {c} is {s}" for (k, c), s in sorted(rows.items()) if s != SENT]
    problems += [f"{k}: {n} Slack posts" for k, n in slack_counts.items() if n != 1]
    problems += [f"{k}: {n} distinct emails" for k, n in ids.items() if n != 1]
    problems += [
        f"{k}: {raw[k]} SMTP messages, {1 + window[k]} expected"
        for k in emails
        if raw[k] != 1 + window[k]
    ]
    problems += _slack_rows_match(engine, keys, slack, users)
    return TrialResult(
        plan, tuple(runs), slack_counts, raw, ids, dict(window), rows, tuple(problems), max(busy)
    )


def _slack_rows_match(
    engine: Engine, keys: dict[int, str], slack: FakeSlack, users: dict[str, str]
) -> list[str]:
    """Each sent Slack row names the message Slack has, by ts and by delivery id."""
    problems = []
    for row in delivery_states(engine, week=WEEK):
        key = keys.get(row.subscriber_id)
        if row.channel != "slack" or key not in users:
            continue
        messages = [
            m
            for m in slack.messages(users[key])
            if (m.get("metadata") or {}).get("event_payload", {}).get("delivery_id") == row.id
        ]
        if [m["ts"] for m in messages] != [row.external_id]:
            problems.append(f"{key} slack row says {row.external_id}, Slack has {messages!r:.200}")
    return problems
