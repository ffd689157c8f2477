"""Weekly-run faults: Anthropic, Slack and SMTP failing while the Monday briefings go out.

The sample organisation's store, the real anthropic SDK, slack_sdk and smtplib
against fakes on 127.0.0.1, the scheduler's ``tick`` and ``deliver`` as the
service runs them. Time moves with ``time_machine``; the SDKs' retry waits are
recorded, never slept. What a user must see: the briefing still arrives (with
the deterministic narrative, and the briefing row saying so, when Claude is
unavailable), or the delivery row shows the failure and a later tick sends it
exactly once; nothing that was sent is ever sent again.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import anthropic._base_client
import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import select
from structlog.testing import capture_logs

from bot.delivery import EmailSender, Senders, SlackSender, deliver, send_now
from bot.runtime.schedule import tick
from bot.settings import Settings
from briefing.llm import ClaudeNarrator
from briefing.writer import write_narrative
from data.config import OrgConfig
from data.sources.sample import sample_org_config
from data.store.deliveries import FAILED, SENT, delivery_states
from data.store.engine import make_engine, session_scope
from data.store.tables import Briefing, Subscriber
from fakes.anthropic_server import FakeAnthropic, Reply
from fakes.http import Answer, FakeServer
from fakes.slack_server import FakeSlack
from fakes.smtp_server import USERNAME, FakeSMTP, free_port
from tests.briefing.payloads import busy_payload
from tests.samples import SampleTemplate

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # Monday 09:00 in New York: everyone is due
WEEK = "2026-W47"
TOKEN = "xoxb-test-token-0123456789"
SENDER = "riskbrief@acme.example"
LEAD = "commerce-lead"
LEAD_SLACK = "U05COMLEAD"
LEAD_EMAIL = "lena.hoffmann@acme.example"
SLACK_USERS = ("U04VPENG01", "U05COMLEAD", "U06DISCLD1")
EMAILS = ("dana.whitfield@acme.example", LEAD_EMAIL, "platform-lead@acme.example")


@pytest.fixture(scope="module")
def sample_db(scored_sample: SampleTemplate) -> Path:
    """A SQLite store with the scored sample organisation, built once and copied per test."""
    assert scored_sample.as_of == NOW.date()
    return scored_sample.path


@pytest.fixture
def store(sample_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """This test's own copy of the sample store."""
    path = tmp_path / "riskbrief.db"
    shutil.copy(sample_db, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    """The wall clock at ``NOW``, ticking; tests move it on between ticks."""
    with time_machine.travel(NOW, tick=True) as traveller:
        yield traveller


@pytest.fixture
def slack(clock: time_machine.Traveller) -> Iterator[FakeSlack]:
    """The fake Slack Web API (its message ts follow the moved clock)."""
    assert clock is not None  # started first, so that Slack's ts and the claims agree
    with FakeSlack() as fake:
        yield fake


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[FakeSMTP]:
    """The fake SMTP server, STARTTLS and login required."""
    with FakeSMTP(tmp_path) as server:
        yield server


@pytest.fixture
def slack_waits() -> list[float]:
    """The waits the Slack sender's retry policy asks for, recorded instead of slept."""
    return []


@pytest.fixture
def llm_waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The waits the anthropic SDK asks for between retries, recorded instead of slept."""
    waited: list[float] = []
    fake_time = SimpleNamespace(
        **{name: getattr(time, name) for name in dir(time) if not name.startswith("_")}
    )
    fake_time.sleep = waited.append
    monkeypatch.setattr(anthropic._base_client, "time", fake_time)
    return waited


def _email_sender(smtp: FakeSMTP, port: int | None = None) -> EmailSender:
    return EmailSender(
        host=smtp.host,
        port=port or smtp.port,
        sender=SENDER,
        username=USERNAME,
        password=Settings(smtp_password=smtp.password).smtp_password,
        ssl_context=smtp.client_context,
        timeout=5,
    )


def _senders(
    slack: FakeSlack,
    smtp: FakeSMTP,
    *,
    smtp_port: int | None = None,
    waits: list[float] | None = None,
) -> Senders:
    # ``waits`` records the Slack sender's waits instead of sleeping them.
    sleep = time.sleep if waits is None else waits.append
    return Senders(
        slack=SlackSender(TOKEN, slack.base_url, sleep=sleep), email=_email_sender(smtp, smtp_port)
    )


def _briefing(store: Engine, key: str) -> Briefing:
    with session_scope(store) as session:
        subscriber = session.exec(select(Subscriber).where(Subscriber.key == key)).one()
        row = session.exec(
            select(Briefing).where(Briefing.subscriber_id == subscriber.id, Briefing.week == WEEK)
        ).one()
        session.expunge(row)
        return row


def _one_sentence(text: str | None) -> bool:
    return text is not None and "\n" not in text and text.count(". ") == 0 and bool(text)


# -- Anthropic failing: the briefing still goes out, with the deterministic narrative -------


@dataclass(frozen=True)
class LLMFault:
    """Claude's answers in turn, the SDK's retries, and the narrative the briefing ends with."""

    name: str
    replies: tuple[Reply, ...]
    retries: int
    source: str
    requests: int


LLM_FAULTS = [
    LLMFault("no fault", (), 0, "llm", 1),
    LLMFault("429", ("rate_limited",), 0, "deterministic", 1),
    LLMFault("529 overloaded", ("overloaded",), 0, "deterministic", 1),
    LLMFault("timeout", ("hang",), 0, "deterministic", 1),
    LLMFault("429 twice, retried", ("rate_limited", "rate_limited"), 1, "deterministic", 2),
    LLMFault("529 then an answer", ("overloaded", "good"), 1, "llm", 2),
    LLMFault("timeout then an answer", ("hang", "good"), 1, "llm", 2),
]


@pytest.mark.parametrize("fault", LLM_FAULTS, ids=[f.name for f in LLM_FAULTS])
def test_anthropic_fault_still_delivers_and_the_briefing_records_its_narrative(
    store: Engine,
    slack: FakeSlack,
    smtp: FakeSMTP,
    llm_waits: list[float],
    fault: LLMFault,
) -> None:
    """Claude failing, slow or overloaded still sends the briefing once, narrated as recorded."""
    # A hang outlasts the timeout, and the timeout outlasts an answer on a loaded machine (half
    # a second could pass before the fake answered beside other jobs).
    with FakeAnthropic(hang_seconds=6.0) as claude:
        claude.script(*fault.replies)
        settings = Settings(
            anthropic_api_key="test-key",
            anthropic_base_url=claude.url,
            llm_timeout=2.0,
            llm_max_retries=fault.retries,
        )
        report = deliver(
            store, settings, sample_org_config(), None, NOW, LEAD, senders=_senders(slack, smtp)
        )
        asked = len(claude.requests)
    assert [(o.channel, o.status) for o in report.outcomes] == [
        ("slack", "sent"),
        ("email", "sent"),
    ]
    assert asked == fault.requests
    briefing = _briefing(store, LEAD)
    assert briefing.narrative_source == fault.source
    assert briefing.narrative["source"] == fault.source
    (message,) = slack.messages(LEAD_SLACK)
    (email,) = smtp.to(LEAD_EMAIL)
    body = email.get_body(("plain",))
    assert body is not None
    if fault.source == "deterministic":
        # The reader is told which narrative they got.
        assert "deterministic" in body.get_content().lower()
        assert "deterministic" in str(message["blocks"]).lower()
    if fault.retries and "rate_limited" in fault.replies:
        assert llm_waits, "the SDK's retry wait should have been asked for"


def test_claude_down_costs_one_timeout_per_run_not_one_per_briefing(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """With Claude hanging, ``brief --send`` waits out one timeout and sends everyone's fallback."""
    with FakeAnthropic(hang_seconds=3.0) as claude:
        hang: Reply = "hang"
        claude.script(*[hang] * 8)
        settings = Settings(
            anthropic_api_key="test-key",
            anthropic_base_url=claude.url,
            llm_timeout=0.5,
            llm_max_retries=0,
        )
        report = send_now(store, settings, sample_org_config(), NOW, senders=_senders(slack, smtp))
        asked = len(claude.requests)
    assert len(report.delivered) == len(SLACK_USERS) + len(EMAILS)
    assert asked == 1
    with session_scope(store) as session:
        sources = {b.narrative_source for b in session.exec(select(Briefing))}
    assert sources == {"deterministic"}


def test_claude_is_asked_again_once_the_cool_down_is_over() -> None:
    """After an outage the narrator falls back at once for a while, then asks Claude again."""
    now = [0.0]
    payload = busy_payload()
    with FakeAnthropic() as claude:
        claude.script("overloaded")
        narrator = ClaudeNarrator(
            api_key="test-key",
            base_url=claude.url,
            # Ample on a loaded machine: the last answer must arrive, not time out.
            timeout=10.0,
            max_retries=0,
            cool_down=300.0,
            clock=lambda: now[0],
        )
        outcomes = [write_narrative(payload, narrator).outcome]
        now[0] = 299.0
        outcomes.append(write_narrative(payload, narrator).outcome)
        now[0] = 301.0
        outcomes.append(write_narrative(payload, narrator).outcome)
        asked = len(claude.requests)
    assert outcomes == ["unavailable", "unavailable", "llm"]
    assert asked == 2


BROKEN_ANSWERS = {
    "200 cut short": Answer(200, raw=b'{"id": "msg_1", "type": "message", "role": "assis'),
    "200 proxy page": Answer(
        200, raw=b"<html>Gateway</html>", headers={"content-type": "text/html"}
    ),
    "200 not a message": Answer(200, {}),
}


@pytest.mark.parametrize("answer", BROKEN_ANSWERS.values(), ids=list(BROKEN_ANSWERS))
def test_a_broken_anthropic_answer_still_delivers_the_deterministic_briefing(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP, answer: Answer
) -> None:
    """A 200 whose body is cut short or not a message falls back instead of losing the briefing."""
    with FakeServer() as claude:
        claude.add("POST", r"/v1/messages", lambda _request, _match: answer)
        settings = Settings(
            anthropic_api_key="test-key", anthropic_base_url=claude.url, llm_max_retries=0
        )
        with capture_logs() as logs:
            report = deliver(
                store, settings, sample_org_config(), None, NOW, LEAD, senders=_senders(slack, smtp)
            )
        asked = len(claude.requests)
    assert [(o.channel, o.status) for o in report.outcomes] == [
        ("slack", "sent"),
        ("email", "sent"),
    ]
    assert asked == 1
    # Recognised as an unusable answer by the narrator, not caught as a crash by the writer.
    assert "narrative.llm_unavailable" in [e["event"] for e in logs]
    assert _briefing(store, LEAD).narrative_source == "deterministic"
    assert len(slack.messages(LEAD_SLACK)) == 1
    assert len(smtp.to(LEAD_EMAIL)) == 1


# -- Slack and SMTP failing: the row shows it, a later tick sends once ---------------------


@dataclass(frozen=True)
class ChannelFault:
    """A fault on the way out, the channel it hits, and whether it fails the first tick."""

    name: str
    channel: str
    arm: Callable[[FakeSlack, FakeSMTP, list[Any], list[float]], Senders]
    retried_later: bool = True


def _slack_fault(method: str, times: int, **kwargs: Any) -> Callable[..., Senders]:
    def arm(slack: FakeSlack, smtp: FakeSMTP, _: list[Any], waits: list[float]) -> Senders:
        for _i in range(times):
            slack.fail_next(method, **kwargs)
        return _senders(slack, smtp, waits=waits)

    return arm


def _smtp_not_listening(
    slack: FakeSlack, smtp: FakeSMTP, _: list[Any], waits: list[float]
) -> Senders:
    return _senders(slack, smtp, smtp_port=free_port(), waits=waits)


def _smtp_refusing(
    slack: FakeSlack, smtp: FakeSMTP, cleanup: list[Any], waits: list[float]
) -> Senders:
    refuser = RefusingSMTP()
    cleanup.append(refuser)
    return _senders(slack, smtp, smtp_port=refuser.port, waits=waits)


class RefusingSMTP:
    """An SMTP server that answers every connection ``421`` (busy) and hangs up, as a full one."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(0.1)
        self.port: int = self._sock.getsockname()[1]
        self.refused = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            with conn:
                conn.sendall(b"421 4.3.2 Service not available, closing transmission channel\r\n")
            self.refused += 1

    def close(self) -> None:
        """Stop listening."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


CHANNEL_FAULTS = [
    ChannelFault(
        "slack 429 with Retry-After, waited out",
        "slack",
        _slack_fault("chat.postMessage", 1, status=429, retry_after=7),
        retried_later=False,
    ),
    ChannelFault(
        "slack 429 beyond the client's retries",
        "slack",
        _slack_fault("chat.postMessage", 4, status=429, retry_after=3),
    ),
    ChannelFault(
        "slack 429 with a Retry-After of 15 minutes",
        "slack",
        _slack_fault("chat.postMessage", 1, status=429, retry_after=900),
    ),
    ChannelFault(
        "slack ratelimited on chat.postMessage",
        "slack",
        _slack_fault("chat.postMessage", 1, error="ratelimited"),
    ),
    ChannelFault(
        "slack ratelimited on conversations.open",
        "slack",
        _slack_fault("conversations.open", 1, error="ratelimited"),
    ),
    ChannelFault("smtp nothing listening", "email", _smtp_not_listening),
    ChannelFault("smtp refusing connections (421)", "email", _smtp_refusing),
]


@pytest.mark.parametrize("fault", CHANNEL_FAULTS, ids=[f.name for f in CHANNEL_FAULTS])
def test_channel_fault_is_recorded_and_a_later_tick_sends_exactly_once(
    store: Engine,
    clock: time_machine.Traveller,
    slack: FakeSlack,
    smtp: FakeSMTP,
    slack_waits: list[float],
    fault: ChannelFault,
) -> None:
    """A refused send shows on its row (attempts, error) and goes out once a later tick after."""
    org: OrgConfig = sample_org_config()
    settings = Settings()
    cleanup: list[Any] = []
    try:
        tick(store, settings, org, NOW, fault.arm(slack, smtp, cleanup, slack_waits))
    finally:
        for refuser in cleanup:
            refuser.close()
    rows = {(r.subscriber_id, r.channel): r for r in delivery_states(store, week=WEEK)}
    failed = [r for r in rows.values() if r.status != SENT]
    if not fault.retried_later:
        assert failed == []
        assert slack_waits == [7.0]
    else:
        assert failed, "the fault should have failed a delivery"
        assert {r.channel for r in failed} == {fault.channel}
        for row in failed:
            assert (row.status, row.attempts) == (FAILED, 1)
            assert _one_sentence(row.last_error), row.last_error
            assert "retried later" in (row.last_error or "")
        # The other channel of each subscriber went out on the first tick.
        assert all(r.status == SENT for r in rows.values() if r.channel != fault.channel)
    # No wait inside a run is longer than a minute: a longer one is left to a later tick.
    assert all(w < 61 for w in slack_waits), slack_waits
    good = _senders(slack, smtp)
    # Before the back-off is over, nothing is tried again, even with the fault gone.
    clock.move_to(NOW + timedelta(minutes=2))
    tick(store, settings, org, NOW + timedelta(minutes=2), good)
    assert {
        (r.subscriber_id, r.channel): r.attempts for r in delivery_states(store, week=WEEK)
    } == {k: r.attempts for k, r in rows.items()}
    for minutes in (6, 30, 24 * 60):
        later = NOW + timedelta(minutes=minutes)
        clock.move_to(later)
        tick(store, settings, org, later, good)
    final = delivery_states(store, week=WEEK)
    assert all(r.status == SENT and r.last_error is None for r in final), final
    expected_attempts = 2 if fault.retried_later else 1
    assert {r.attempts for r in final if r.channel == fault.channel} >= {expected_attempts}
    assert {r.attempts for r in final if r.channel != fault.channel} == {1}
    for user in SLACK_USERS:
        assert len(slack.messages(user)) == 1, user
    for address in EMAILS:
        assert len(smtp.to(address)) == 1, address


class QuitFailingSMTP:
    """A plain SMTP relay that accepts each message, then answers QUIT with an error."""

    def __init__(self) -> None:
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen()
        self._sock.settimeout(0.1)
        self.port: int = self._sock.getsockname()[1]
        self.accepted: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            conn.settimeout(5)
            with conn, conn.makefile("rb") as lines:
                self._session(conn, lines)

    def _session(self, conn: socket.socket, lines: Any) -> None:
        conn.sendall(b"220 relay.test ESMTP\r\n")
        for raw in lines:
            verb = raw.split(b" ", 1)[0].strip().upper()
            if verb == b"EHLO":
                conn.sendall(b"250-relay.test\r\n250 SIZE 1000000\r\n")
            elif verb == b"DATA":
                conn.sendall(b"354 go ahead\r\n")
                body = b"".join(iter(lines.readline, b".\r\n"))
                self.accepted.append(body)
                conn.sendall(b"250 2.0.0 queued\r\n")
            elif verb == b"QUIT":
                conn.sendall(b"451 4.3.0 cannot close the session cleanly\r\n")
                return
            else:
                conn.sendall(b"250 OK\r\n")

    def close(self) -> None:
        """Stop listening."""
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


def test_an_email_the_server_accepted_is_not_sent_again_when_quit_fails(store: Engine) -> None:
    """A relay that queued the briefing but fumbled QUIT counts it sent; no tick sends it again."""
    relay = QuitFailingSMTP()
    try:
        senders = Senders(
            email=EmailSender(
                host="127.0.0.1", port=relay.port, sender=SENDER, starttls=False, timeout=5
            ),
            missing={"slack": "Slack is not configured in this test"},
        )
        org = sample_org_config()
        for minutes in (0, 10, 60):
            tick(store, Settings(), org, NOW + timedelta(minutes=minutes), senders)
    finally:
        relay.close()
    rows = delivery_states(store, week=WEEK)
    assert {(r.channel, r.status, r.attempts) for r in rows} == {("email", SENT, 1)}
    assert len(relay.accepted) == len(EMAILS)
