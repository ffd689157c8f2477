"""Replicas of ``riskbrief serve`` on one PostgreSQL: kill or stall the leader while it sends.

Run with ``python -m bench.failover [--trials 20] [--startups 20]``. Each trial
copies a template database holding the sample organisation (scored), starts
``--replicas`` processes of ``riskbrief serve --role scheduler`` against it, a
slow fake Slack and a slow fake SMTP server (both in this process, so they
outlive every kill), waits until the leader has claimed its first delivery,
then, a random moment later, either

- ``kill``: SIGKILLs the leader, and measures when the deliveries it left
  unfinished are delivered by another replica; or
- ``stall``: SIGSTOPs the leader, measures when another replica takes the lead
  and delivers, then SIGCONTs the stale leader and watches it for
  ``--watch`` seconds: it must send nothing more.

Every replica posts with its own Slack token and its own email sender, so each
message is traced to the process that sent it. At the end of a trial every
delivery must have arrived exactly once. The subscribers' send time is set to
Monday 00:00 in their own zones, so everyone is due whenever the bench runs.

``--startups N`` then starts ``--replicas`` processes of ``riskbrief db upgrade``
followed by ``riskbrief serve --role all`` at once on a new, empty database, N
times, and counts the processes that exit with an error or print a traceback.

The timings use the product's defaults (a 60 s tick and leader timeout, so a
10 s heartbeat) unless ``--tick`` or ``--leader-timeout`` say otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import warnings
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
from aiosmtpd.smtp import SMTP, Envelope, Session

from data.store.tables import ChannelName
from fakes.slack_server import FakeSlack
from fakes.smtp_server import USERNAME, FakeSMTP

__all__ = ["main"]

RISKBRIEF = str(Path(sys.executable).with_name("riskbrief"))
_SLACK_PREFIX = "xoxb-bench-replica-"


class SlowSlack(FakeSlack):
    """The fake Slack, taking ``delay`` seconds per post and noting which token posted."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self._delay = delay
        self.posts: list[tuple[float, str, str, str]] = []
        self._posts_lock = threading.Lock()

    def call(
        self, method: str, params: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, str], dict[str, Any]]:
        """Answer as the fake does; a post first waits, then is noted with its sender."""
        if method != "chat.postMessage":
            return super().call(method, params, token)
        time.sleep(self._delay)
        answer = super().call(method, params, token)
        payload = (params.get("metadata") or {}).get("event_payload") or {}
        with self._posts_lock:
            self.posts.append(
                (
                    time.monotonic(),
                    (token or "").removeprefix(_SLACK_PREFIX),
                    str(payload.get("subscriber")),
                    str(payload.get("week")),
                )
            )
        return answer


class SlowSMTP(FakeSMTP):
    """The fake SMTP server, taking ``delay`` seconds per message and noting the sender."""

    def __init__(self, workdir: Path, delay: float) -> None:
        super().__init__(workdir)
        self._delay = delay
        self.sent: list[tuple[float, str, str]] = []
        self.message_ids: list[str] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        """Wait, accept the message, and note which replica sent it to whom."""
        await asyncio.sleep(self._delay)
        answer = await super().handle_DATA(server, session, envelope)
        replica = str(envelope.mail_from).split("@")[0].removeprefix("replica-")
        with self._lock:
            self.message_ids.append(str(self.messages[-1]["Message-ID"]))
            for rcpt in envelope.rcpt_tos:
                self.sent.append((time.monotonic(), replica, str(rcpt)))
        return answer

    def reset(self) -> None:
        """Forget every message, for the next trial."""
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()
            self.sent.clear()
            self.message_ids.clear()


@dataclass(frozen=True, slots=True)
class Trial:
    """What one trial saw."""

    trial: int
    mode: str
    delay: float
    expected: int
    delivered: int
    lost: int
    duplicated: int
    email_resent_same_id: int
    in_flight_at_fault: int
    replaced_after: float | None
    delivered_after: float | None
    stale_sends: int
    errors: str


def _url(admin: str, database: str) -> str:
    return str(sa.make_url(admin).set(database=database).render_as_string(hide_password=False))


def _admin(admin_url: str) -> sa.Engine:
    url = sa.make_url(admin_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


def _recreate(admin: sa.Engine, name: str, template: str | None = None) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        suffix = f' TEMPLATE "{template}"' if template else ""
        conn.execute(sa.text(f'CREATE DATABASE "{name}"{suffix}'))


def _config(workdir: Path) -> Path:
    """The sample organisation's file, with everyone due whenever the bench runs."""
    sample = Path(__file__).resolve().parents[1] / "data" / "sources" / "sample" / "sample.toml"
    text = sample.read_text(encoding="utf-8")
    text = re.sub(r"(?ms)^\[delivery\].*?(?=^\[)", "", text)
    path = workdir / "riskbrief.toml"
    path.write_text(text + '\n[delivery]\nday = "monday"\ntime = "00:00"\n', encoding="utf-8")
    return path


def _expected(config: Path) -> set[tuple[str, ChannelName]]:
    from data.config import load_org_config

    org = load_org_config(config)
    found = set()
    for s in org.subscribers:
        if s.slack_user_id:
            found.add((s.key, ChannelName.SLACK))
        if s.email:
            found.add((s.key, ChannelName.EMAIL))
    return found


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _environment(
    url: str, config: Path, slack: FakeSlack, smtp: FakeSMTP, replica: int, args: Any
) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "RISKBRIEF_", "ANTHROPIC_", "GITHUB_"))
    }
    return env | {
        "RISKBRIEF_DATABASE_URL": url,
        "RISKBRIEF_CONFIG": str(config),
        "RISKBRIEF_LOG_LEVEL": "info",
        "RISKBRIEF_SERVE_PORT": str(_free_port()),
        "RISKBRIEF_TICK_SECONDS": str(args.tick),
        "RISKBRIEF_LEADER_TIMEOUT_SECONDS": str(args.leader_timeout),
        "SLACK_BOT_TOKEN": f"{_SLACK_PREFIX}{replica}",
        "SLACK_SIGNING_SECRET": "bench-secret",
        "SLACK_API_URL": slack.base_url,
        "RISKBRIEF_SMTP_HOST": smtp.host,
        "RISKBRIEF_SMTP_PORT": str(smtp.port),
        "RISKBRIEF_SMTP_USERNAME": USERNAME,
        "RISKBRIEF_SMTP_PASSWORD": smtp.password,
        "RISKBRIEF_SMTP_FROM": f"replica-{replica}@bench.example",
        "SSL_CERT_FILE": str(smtp.ca_file),
    }


def _lead(engine: sa.Engine) -> tuple[int, int] | None:
    """The current term and the pid in its holder's name."""
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT term, holder FROM leader")).first()
    except sa.exc.SQLAlchemyError:
        return None
    if row is None or row[1] is None:
        return None
    return int(row[0]), int(str(row[1]).rsplit("-", 2)[1])


def _counts(engine: sa.Engine) -> Counter[str]:
    with engine.connect() as conn:
        return Counter(
            {
                str(k): int(v)
                for k, v in conn.execute(
                    sa.text("SELECT status, count(*) FROM delivery GROUP BY status")
                )
            }
        )


def _deliveries(
    slack: SlowSlack, smtp: SlowSMTP, addresses: dict[str, str]
) -> Counter[tuple[str, ChannelName]]:
    got: Counter[tuple[str, ChannelName]] = Counter()
    for _, _, subscriber, _ in slack.posts:
        got[(subscriber, ChannelName.SLACK)] += 1
    for _, _, rcpt in smtp.sent:
        got[(addresses.get(rcpt, rcpt), ChannelName.EMAIL)] += 1
    return got


def _distinct_email_duplicates(got: Counter[tuple[str, ChannelName]], smtp: SlowSMTP) -> int:
    """Emails sent twice to one subscriber under different Message-IDs: duplicates a mail
    client cannot fold (a resend with the same Message-ID is counted apart)."""
    return max(len(set(smtp.message_ids)) - sum(1 for k in got if k[1] == ChannelName.EMAIL), 0)


def _wait(predicate: Any, timeout: float, step: float = 0.05) -> float | None:
    """Seconds until ``predicate()`` held, or ``None`` after ``timeout``."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


def _stopped(pid: int) -> bool:
    """Whether the process is stopped by a signal (state T in /proc)."""
    stat = Path(f"/proc/{pid}/stat").read_text()
    return stat[stat.rindex(")") + 2] in "Tt"


def _stop(procs: list[subprocess.Popen[bytes]]) -> list[int]:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGCONT)
            p.send_signal(signal.SIGTERM)
    codes = []
    for p in procs:
        try:
            codes.append(p.wait(timeout=60))
        except subprocess.TimeoutExpired:
            p.kill()
            codes.append(p.wait())
    return codes


def run_trial(
    n: int,
    mode: str,
    rng: random.Random,
    args: Any,
    admin: sa.Engine,
    template: str,
    config: Path,
    slack: SlowSlack,
    smtp: SlowSMTP,
    logs: Path,
) -> Trial:
    """One trial: start the replicas, fault the leader, and count what arrived."""
    name = f"riskbrief_failover_{n}"
    _recreate(admin, name, template)
    url = _url(args.admin_url, name)
    store = _admin(url)
    slack.posts.clear()
    smtp.reset()
    expected = _expected(config)
    from data.config import load_org_config

    addresses = {s.email: s.key for s in load_org_config(config).subscribers if s.email}
    procs: list[subprocess.Popen[bytes]] = []
    errors: list[str] = []
    try:
        for i in range(args.replicas):
            log = (logs / f"trial{n}-replica{i}.log").open("wb")
            procs.append(
                subprocess.Popen(
                    [RISKBRIEF, "serve", "--role", "scheduler", "--host", "127.0.0.1"],
                    env=_environment(url, config, slack, smtp, i, args),
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    # Alone in its process group: when the bench's own group is orphaned
                    # (started in the background), the kernel would SIGCONT a stopped
                    # leader the moment any other member of that group exits.
                    start_new_session=True,
                )
            )
        if _wait(lambda: sum(_counts(store).values()) > 0, 120) is None:
            raise RuntimeError("no replica claimed a delivery within 120 s")
        lead = _lead(store)
        assert lead is not None
        term, pid = lead
        leader = next(p for p in procs if p.pid == pid)
        leader_index = procs.index(leader)
        delay = rng.uniform(0, args.window)
        time.sleep(delay)
        sent_before = sum(_deliveries(slack, smtp, addresses).values())
        leader.send_signal(signal.SIGKILL if mode == "kill" else signal.SIGSTOP)
        # A signal lands when the process is next scheduled, not when it is sent.
        if mode == "stall" and _wait(lambda: _stopped(leader.pid), 5) is None:
            raise RuntimeError("the leader did not stop within 5 s of SIGSTOP")
        in_flight = len(expected) - sent_before

        def all_delivered() -> bool:
            return set(_deliveries(slack, smtp, addresses)) >= expected

        def replaced() -> bool:
            now = _lead(store)
            return now is not None and now[0] > term

        # Both from the fault: whichever comes first is seen first.
        replaced_after = delivered_after = None
        start = time.monotonic()
        while time.monotonic() - start < args.timeout:
            if mode == "stall" and not _stopped(leader.pid):
                raise RuntimeError("the stalled leader was resumed by something else")
            if replaced_after is None and replaced():
                replaced_after = time.monotonic() - start
            if delivered_after is None and all_delivered():
                delivered_after = time.monotonic() - start
            if delivered_after is not None and (replaced_after is not None or not in_flight):
                break
            time.sleep(0.05)
        stale = 0
        if mode == "stall":
            resumed = time.monotonic()
            leader.send_signal(signal.SIGCONT)
            time.sleep(args.watch)
            stale = sum(
                1 for t, who, _, _ in slack.posts if who == str(leader_index) and t > resumed
            ) + sum(1 for t, who, _ in smtp.sent if who == str(leader_index) and t > resumed)
        # Anything still in flight settles before counting.
        time.sleep(1.0)
        got = _deliveries(slack, smtp, addresses)
        codes = _stop(procs)
        for i, code in enumerate(codes):
            if mode == "kill" and i == leader_index:
                continue
            if code != 0:
                errors.append(f"replica {i} exited {code}")
        return Trial(
            trial=n,
            mode=mode,
            delay=round(delay, 2),
            expected=len(expected),
            delivered=len(set(got) & expected),
            lost=len(expected - set(got)),
            duplicated=sum(c - 1 for k, c in got.items() if c > 1 and k[1] == ChannelName.SLACK)
            + _distinct_email_duplicates(got, smtp),
            email_resent_same_id=sum(c - 1 for c in Counter(smtp.message_ids).values() if c > 1),
            in_flight_at_fault=in_flight,
            replaced_after=None if replaced_after is None else round(replaced_after, 1),
            delivered_after=None if delivered_after is None else round(delivered_after, 1),
            stale_sends=stale,
            errors="; ".join(errors),
        )
    finally:
        _stop(procs)
        store.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def run_startup(
    n: int, args: Any, admin: sa.Engine, config: Path, slack: FakeSlack, smtp: FakeSMTP, logs: Path
) -> tuple[int, int]:
    """Start the replicas at once on an empty database; (processes that failed, started)."""
    name = f"riskbrief_startup_{n}"
    _recreate(admin, name)
    url = _url(args.admin_url, name)
    procs: list[tuple[subprocess.Popen[bytes], str, Path]] = []
    failed = 0
    try:
        for i in range(args.replicas):
            env = _environment(url, config, slack, smtp, i, args)
            port = env["RISKBRIEF_SERVE_PORT"]
            log = logs / f"startup{n}-replica{i}.log"
            script = f'"{RISKBRIEF}" db upgrade && exec "{RISKBRIEF}" serve --role all'
            procs.append(
                (
                    subprocess.Popen(
                        ["sh", "-c", script],
                        env=env,
                        stdout=log.open("wb"),
                        stderr=subprocess.STDOUT,
                    ),
                    f"http://127.0.0.1:{port}/readyz",
                    log,
                )
            )
        for proc, ready, _ in procs:

            def is_ready(proc: subprocess.Popen[bytes] = proc, ready: str = ready) -> bool:
                if proc.poll() is not None:
                    return True
                try:
                    return httpx.get(ready, timeout=1).status_code == 200
                except httpx.TransportError:
                    return False

            _wait(is_ready, 120, 0.1)
        codes = _stop([p for p, _, _ in procs])
        for code, (_, _, log) in zip(codes, procs, strict=True):
            if code != 0 or b"Traceback" in log.read_bytes():
                failed += 1
        return failed, len(procs)
    finally:
        _stop([p for p, _, _ in procs])
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _template(admin: sa.Engine, args: Any, workdir: Path) -> str:
    name = "riskbrief_failover_template"
    _recreate(admin, name)
    subprocess.run(
        [
            RISKBRIEF,
            "demo",
            "--out",
            str(workdir / "demo"),
            "--database-url",
            _url(args.admin_url, name),
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        env={k: v for k, v in os.environ.items() if not k.startswith(("ANTHROPIC_", "RISKBRIEF_"))},
    )
    return name


def _summary(trials: list[Trial]) -> dict[str, Any]:
    kills = [t for t in trials if t.mode == "kill"]
    stalls = [t for t in trials if t.mode == "stall"]

    def worst(values: list[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return max(known) if known else None

    return {
        "trials": len(trials),
        "briefings": sum(t.expected for t in trials),
        "lost": sum(t.lost for t in trials),
        "duplicated": sum(t.duplicated for t in trials),
        "email_resent_same_message_id": sum(t.email_resent_same_id for t in trials),
        "kills": len(kills),
        "kill_delivered_after_max_s": worst(
            [t.delivered_after for t in kills if t.in_flight_at_fault]
        ),
        "stalls": len(stalls),
        "stall_replaced_after_max_s": worst(
            [t.replaced_after for t in stalls if t.in_flight_at_fault]
        ),
        "stall_delivered_after_max_s": worst(
            [t.delivered_after for t in stalls if t.in_flight_at_fault]
        ),
        "stale_sends": sum(t.stale_sends for t in stalls),
        "faults_with_work_in_flight": sum(1 for t in trials if t.in_flight_at_fault),
        "errors": [t.errors for t in trials if t.errors],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the trials and the start-ups and print a table (or JSON)."""
    parser = argparse.ArgumentParser(prog="python -m bench.failover", description=__doc__)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("RISKBRIEF_BENCH_POSTGRES", "postgresql://127.0.0.1:5432/test"),
        help="A PostgreSQL database to connect to while creating the trial databases.",
    )
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--startups", type=int, default=20)
    parser.add_argument("--replicas", type=int, default=3)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--slack-delay", type=float, default=1.5, help="Seconds per Slack post.")
    parser.add_argument("--smtp-delay", type=float, default=1.0, help="Seconds per email.")
    parser.add_argument(
        "--window",
        type=float,
        default=8.0,
        help="Fault within this many seconds of the first claim.",
    )
    parser.add_argument("--tick", type=int, default=60)
    parser.add_argument("--leader-timeout", type=int, default=60)
    parser.add_argument("--timeout", type=float, default=400.0, help="Give up a trial after this.")
    parser.add_argument(
        "--watch", type=float, default=20.0, help="Watch a resumed leader this long."
    )
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--logs", type=Path, default=None, help="Keep each replica's log here.")
    args = parser.parse_args(argv)
    # aiosmtpd's own deprecation, raised inside the fake server.
    warnings.filterwarnings("ignore", message="Session.login_data")
    rng = random.Random(args.seed)
    admin = _admin(args.admin_url)
    with tempfile.TemporaryDirectory(prefix="riskbrief-failover-") as tmp:
        workdir = Path(tmp)
        logs = args.logs or workdir / "logs"
        logs.mkdir(parents=True, exist_ok=True)
        config = _config(workdir)
        trials: list[Trial] = []
        startups: list[tuple[int, int]] = []
        with SlowSlack(args.slack_delay) as slack, SlowSMTP(workdir, args.smtp_delay) as smtp:
            template = _template(admin, args, workdir) if args.trials else ""
            for n in range(args.trials):
                mode = "kill" if n % 2 == 0 else "stall"
                trial = run_trial(n, mode, rng, args, admin, template, config, slack, smtp, logs)
                trials.append(trial)
                if not args.json:
                    print(json.dumps(asdict(trial)), flush=True)
            for n in range(args.startups):
                startups.append(run_startup(n, args, admin, config, slack, smtp, logs))
                if not args.json:
                    print(f"startup {n}: {startups[-1][0]} of {startups[-1][1]} failed", flush=True)
        if template:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
    result = {
        "failover": _summary(trials),
        "startups": {
            "attempts": len(startups),
            "processes": sum(s for _, s in startups),
            "failed": sum(f for f, _ in startups),
            "attempts_with_a_failure": sum(1 for f, _ in startups if f),
        },
        "settings": {
            "replicas": args.replicas,
            "tick_s": args.tick,
            "leader_timeout_s": args.leader_timeout,
            "slack_delay_s": args.slack_delay,
            "smtp_delay_s": args.smtp_delay,
            "seed": args.seed,
        },
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
