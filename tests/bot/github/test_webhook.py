"""`POST /github/webhook` end to end: a signed delivery makes one `riskbrief` check on the fake."""

from __future__ import annotations

import json
import shutil
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, col, func, select

from bot.answers.changes import change_answer
from bot.github.webhook import MAX_BODY
from bot.slack.render import slack_reply
from data.store.engine import make_engine
from data.store.open_changes import load_open_changes
from data.store.tables import Change, ChangeState, WebhookDelivery
from data.store.webhook_deliveries import claim_delivery, pull_request_lock
from fakes.check_world import (
    NOW,
    REPO,
    World,
    load_world,
    pull_payload,
    risky_pull,
    world_of,
)
from fakes.http import Answer
from tests import local_http
from tests.stores import checkpoint, load_postgres_once, migrated_copy

HEAD = "a" * 40
NEWER = "b" * 40

# Where the store's constraints and locks decide the outcome (a delivery answered once, a
# stored delivery redelivered, two inserts of one new pull request racing, the newer head
# winning), a case runs on both backends; the rest, about the door and the verdict, on SQLite.
BOTH = pytest.mark.parametrize(
    "database_url", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite file, or PostgreSQL for a case marked ``BOTH``."""
    if getattr(request, "param", "sqlite") == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('db')}/riskbrief.db"
    url: str = request.getfixturevalue("postgres_server")
    return url


@pytest.fixture(scope="module")
def loaded_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite store with the sample loaded, once per module, for each test to copy.

    Loading the sample is most of a test's setup (0.7 s); the fakes and `serve` stay per
    test, so no test sees another's requests, check runs or deliveries.
    """
    path = migrated_copy(tmp_path_factory.mktemp("loaded") / "riskbrief.db")
    eng = make_engine(f"sqlite:///{path}")
    load_world(eng)
    checkpoint(eng)
    eng.dispose()
    return path


@pytest.fixture
def store(database_url: str, request: pytest.FixtureRequest) -> Iterator[Engine]:
    """The sample store: a copy of the loaded SQLite template, or PostgreSQL loaded afresh."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        eng: Engine = request.getfixturevalue("engine")
        load_postgres_once(eng, "check_world", load_world)
        yield eng
        return
    assert url.database is not None
    shutil.copyfile(request.getfixturevalue("loaded_sqlite"), url.database)
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def world(store: Engine) -> Iterator[World]:
    """The sample store, a fake GitHub with an App installed, `serve` with the webhook on."""
    with world_of(store, loaded=True) as w:
        yield w


def _opened(world: World, number: int = 9100, **kwargs: Any) -> dict[str, Any]:
    pull = risky_pull(number, HEAD, **kwargs)
    world.graphql.add(REPO, [pull])
    return pull_payload(pull)


def _deliveries(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(WebhookDelivery)).one())


@BOTH
def test_a_signed_delivery_makes_one_check_run_with_score_band_and_summary(world: World) -> None:
    """An opened PR gets one completed `riskbrief` check run on its head: title, summary, link."""
    answer = world.deliver(_opened(world))
    assert answer.status_code == 200, answer.text
    assert answer.json()["published"] == "created"
    (run,) = world.check_runs()
    score = answer.json()["score"]
    assert run["name"] == "riskbrief"
    assert run["head_sha"] == HEAD
    assert run["status"] == "completed"
    assert run["conclusion"] == "neutral"
    assert run["output"]["title"].startswith(f"Risk {score}/100: ")
    assert run["output"]["title"].endswith(" risk")
    summary = run["output"]["summary"]
    assert "### What adds the most risk" in summary
    assert "### What to do" in summary
    assert "`/risk pr acme/platform#9100`" in summary
    assert run["details_url"] == "https://github.com/acme/platform/pull/9100"
    with Session(world.engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == f"{REPO}#9100")).one()
        listed = load_open_changes(session, world.org.scoring_config().version)
    assert (row.state, row.head_sha, row.merged_at) == (ChangeState.OPEN, HEAD, None)
    assert [o.key for o in listed] == [f"{REPO}#9100"]
    assert listed[0].scored is not None
    assert listed[0].scored.score == score


@BOTH
def test_the_same_delivery_again_changes_nothing(world: World) -> None:
    """A redelivery of one X-GitHub-Delivery is answered 200 without any request to GitHub."""
    payload = _opened(world)
    first = world.deliver(payload, delivery="d-1")
    calls = len(world.rest.server.requests)
    again = world.deliver(payload, delivery="d-1")
    assert first.status_code == again.status_code == 200
    assert again.json()["status"] == "already answered"
    assert len(world.rest.server.requests) == calls
    (run,) = world.check_runs()
    assert run["updates"] == 0
    assert _deliveries(world.engine) == 1


def test_a_new_delivery_for_the_same_head_updates_the_one_check_run(world: World) -> None:
    """Another event on the same head (reopened) finds the check by name and PATCHes it."""
    payload = _opened(world)
    world.deliver(payload)
    second = world.deliver({**payload, "action": "reopened"})
    assert second.json()["published"] == "updated"
    (run,) = world.check_runs()
    assert run["updates"] == 1


@pytest.mark.parametrize(
    ("headers", "needle"),
    [
        pytest.param({"X-Hub-Signature-256": "sha256=" + "0" * 64}, "not signed", id="forged"),
        pytest.param({"X-Hub-Signature-256": ""}, "not signed", id="missing"),
        pytest.param({"X-Hub-Signature-256": "sha1=abc"}, "not signed", id="sha1"),
    ],
)
def test_a_delivery_not_signed_with_the_secret_is_401_before_any_work(
    world: World, headers: dict[str, str], needle: str
) -> None:
    """A forged, missing or wrong-kind signature is refused in one sentence; nothing happens."""
    answer = world.deliver(_opened(world), headers=headers)
    assert answer.status_code == 401
    assert needle in answer.json()["error"]
    assert world.check_runs() == []
    assert _deliveries(world.engine) == 0


def test_a_delivery_signed_with_another_secret_is_401(world: World) -> None:
    """A body signed with a secret that is not the webhook's is a forgery."""
    answer = world.deliver(_opened(world), secret="someone-else")
    assert answer.status_code == 401
    assert world.check_runs() == []


def test_an_oversized_delivery_is_413_before_its_signature_is_checked(world: World) -> None:
    """A body over the cap is refused by its size alone; the rest is not read."""
    body = b"{" + b" " * (MAX_BODY + 10) + b"}"
    answer = world.deliver(None, body=body)
    assert answer.status_code == 413
    assert str(MAX_BODY) in answer.json()["error"]
    assert _deliveries(world.engine) == 0


def test_malformed_json_and_a_body_that_is_no_pull_request_event_are_400(world: World) -> None:
    """A signed body that is not JSON, or JSON without the PR's fields, is a 400 sentence."""
    not_json = world.deliver(None, body=b"{not json")
    no_head = world.deliver({"action": "opened", "repository": {"full_name": REPO}})
    assert (not_json.status_code, no_head.status_code) == (400, 400)
    assert not_json.json()["error"] == "the delivery's body is not JSON"
    assert "pull_request" in no_head.json()["error"]
    assert _deliveries(world.engine) == 0


def test_a_delivery_sent_as_a_form_is_a_415_saying_to_send_json(world: World) -> None:
    """A webhook whose content type is set to a form (GitHub's other choice) is refused in one
    sentence saying to set application/json, and does no work."""
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    answer = world.deliver(None, body=b"payload=%7B%7D", headers=form)
    assert answer.status_code == 415
    assert "application/json" in answer.json()["error"]
    assert _deliveries(world.engine) == 0


@pytest.mark.parametrize(
    ("event", "action"),
    [("push", "opened"), ("ping", "opened"), ("issues", "opened"), ("pull_request", "labeled")],
)
def test_events_it_does_not_use_are_204_without_work(world: World, event: str, action: str) -> None:
    """Other events, and pull_request actions it does not act on, do nothing at all."""
    payload = {**_opened(world), "action": action}
    answer = world.deliver(payload, event=event)
    assert answer.status_code == 204
    assert answer.content == b""
    assert world.rest.server.requests == []
    assert _deliveries(world.engine) == 0


def test_a_repository_not_configured_is_204(world: World) -> None:
    """A delivery for a repository riskbrief.toml does not list does nothing."""
    payload = _opened(world)
    payload["repository"]["full_name"] = "someone/else"
    assert world.deliver(payload).status_code == 204
    assert world.check_runs() == []


@BOTH
def test_an_older_head_delivered_after_a_newer_one_changes_nothing(world: World) -> None:
    """synchronize to a newer head, then the older head's late delivery: the newer stays."""
    payload = _opened(world)
    world.deliver(payload)
    world.graphql.update(REPO, 9100, head_oid=NEWER, updated_at="2026-11-23T13:58:00Z")
    newer = pull_payload(world.graphql.repositories[REPO][9100], "synchronize")
    assert world.deliver(newer).json()["head_sha"] == NEWER
    calls = len(world.rest.server.requests)
    late = world.deliver(payload)
    assert late.status_code == 200
    assert late.json()["status"] == "stale"
    assert len(world.rest.server.requests) == calls
    with Session(world.engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == f"{REPO}#9100")).one()
    assert row.head_sha == NEWER
    assert sorted(r["head_sha"] for r in world.check_runs()) == [HEAD, NEWER]


def test_a_late_event_is_scored_on_the_head_github_has_now(world: World) -> None:
    """An event naming a head GitHub has moved past publishes on GitHub's current head only."""
    payload = _opened(world)
    world.graphql.update(REPO, 9100, head_oid=NEWER)
    answer = world.deliver(payload)
    assert answer.json()["head_sha"] == NEWER
    assert [r["head_sha"] for r in world.check_runs()] == [NEWER]


@BOTH
def test_closed_unmerged_leaves_the_listing_and_merged_becomes_history(world: World) -> None:
    """The closed action stores what GitHub says: closed unmerged, or merged with its merge time."""
    world.deliver(_opened(world, 9100))
    world.deliver(_opened(world, 9101))
    world.graphql.update(REPO, 9100, state="CLOSED")
    world.graphql.update(REPO, 9101, state="MERGED", merged_at="2026-11-23T13:59:00Z")
    for number in (9100, 9101):
        payload = pull_payload(world.graphql.repositories[REPO][number], "closed")
        assert world.deliver(payload).status_code == 200
    with Session(world.engine) as session:
        states = {
            c.number: c.state
            for c in session.exec(select(Change).where(col(Change.number).in_([9100, 9101])))
        }
        listed = load_open_changes(session, world.org.scoring_config().version)
    assert states == {9100: ChangeState.CLOSED, 9101: ChangeState.MERGED}
    assert listed == []
    # Both PRs had the same head commit: each has its own run, and the closed action made none.
    assert sorted(r["external_id"] for r in world.check_runs()) == [f"{REPO}#9100", f"{REPO}#9101"]


def test_hostile_title_and_branch_are_escaped_in_the_summary(world: World) -> None:
    """Markdown, HTML, links and mentions in a PR's title and branch reach the summary inert."""
    title = "<img src=x onerror=alert(1)> [click](https://evil.example) @acme/admins **bold**"
    payload = _opened(world, title=title, branch="feat/<script>`rm -rf`")
    world.deliver(payload)
    summary = world.check_runs()[0]["output"]["summary"]
    assert "<img" not in summary
    assert "<script>" not in summary
    assert "[click](" not in summary
    assert "@acme" not in summary
    assert "**bold**" not in summary
    assert "&lt;img src=x onerror=alert\\(1\\)&gt;" in summary
    assert "@\u2060acme/admins" in summary
    assert "\\`rm \\-rf\\`" in summary


@BOTH
def test_github_failing_answers_502_and_the_redelivery_does_the_work(world: World) -> None:
    """A 5xx from GitHub is a 502 sentence and forgets the delivery; its redelivery succeeds."""
    payload = _opened(world)
    world.rest.server.fail_next("/graphql", _answer(502))
    first = world.deliver(payload, delivery="d-9")
    assert first.status_code == 502
    assert first.json()["error"].startswith("GitHub failed (5xx or a timeout) while reading")
    assert _deliveries(world.engine) == 0
    again = world.deliver(payload, delivery="d-9")
    assert again.status_code == 200
    assert len(world.check_runs()) == 1


def test_every_refusal_is_json_with_one_sentence(world: World) -> None:
    """A GET is 405 with an Allow header; the error is JSON text, no traceback."""
    answer = local_http.get(f"{world.url}/github/webhook")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
    assert json.loads(answer.text)["error"] == "GitHub sends webhook deliveries with POST"


def _answer(status: int) -> Answer:
    return Answer(status, {"message": "Server Error"})


def test_token_only_sets_a_commit_status_with_the_same_verdict(store: Engine) -> None:
    """Without an App, a `riskbrief` commit status carries the verdict; no check run is tried."""
    with world_of(store, app=False, loaded=True) as world:
        answer = world.deliver(_opened(world))
        assert answer.json()["published"] == "status"
        (status,) = world.rest.commit_statuses[(REPO, HEAD)]
        assert world.check_runs() == []
        assert status["context"] == "riskbrief"
        assert status["state"] == "success"
        assert status["description"].startswith(f"Risk {answer.json()['score']}/100")
        assert status["target_url"] == "https://github.com/acme/platform/pull/9100"


def test_token_only_and_enforced_at_the_threshold_is_a_failing_status(store: Engine) -> None:
    """When the organisation enforces, a score at or above the threshold fails the status."""
    with world_of(store, app=False, enforce=True, loaded=True) as world:
        answer = world.deliver(_opened(world))
        assert answer.json()["score"] >= 60
        (status,) = world.rest.commit_statuses[(REPO, HEAD)]
        assert status["state"] == "failure"


@pytest.mark.parametrize("conclusion", ["action_required", "failure"])
def test_enforced_at_the_threshold_concludes_as_configured(store: Engine, conclusion: str) -> None:
    """An enforcing organisation gets action_required (or failure) at or above its threshold."""
    url = "https://riskbrief.example.com/risk/{key}"
    with world_of(
        store, enforce=True, conclusion=conclusion, details_url=url, loaded=True
    ) as world:
        answer = world.deliver(_opened(world))
        (run,) = world.check_runs()
    assert answer.json()["score"] >= 60
    assert run["conclusion"] == conclusion
    assert run["details_url"] == "https://riskbrief.example.com/risk/acme%2Fplatform%239100"
    assert "closer look at 60 or more" in run["output"]["summary"]


def test_the_risk_pr_answer_the_check_links_to_says_open(world: World) -> None:
    """`/risk pr` on the checked PR gives its stored score and says it is open, not merged
    (a draft, once it is one)."""
    score = world.deliver(_opened(world)).json()["score"]
    with Session(world.engine) as session:
        reply = slack_reply(change_answer(session, world.org, f"{REPO}#9100"))
    text = json.dumps(list(reply.blocks), default=str)
    assert f"Risk *{score}*" in text
    assert "open, not merged yet" in text
    assert "merged 20" not in text
    with Session(world.engine) as session:
        pr = session.exec(select(Change).where(Change.key == f"{REPO}#9100")).one()
        pr.draft = True
        session.add(pr)
        session.commit()
        drafted = slack_reply(change_answer(session, world.org, f"{REPO}#9100"))
    assert "a draft, not merged yet" in json.dumps(list(drafted.blocks), default=str)


@BOTH
def test_two_deliveries_of_one_new_pr_at_once_make_one_check_run(world: World) -> None:
    """opened and ready_for_review arriving together: one stored PR, one check run, both 200."""
    payload = _opened(world)
    answers: list[int] = []
    start = threading.Barrier(2)

    def send(action: str) -> None:
        start.wait()
        answers.append(world.deliver({**payload, "action": action}).status_code)

    threads = [threading.Thread(target=send, args=(a,)) for a in ("opened", "ready_for_review")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert answers == [200, 200]
    (run,) = world.check_runs()
    assert run["updates"] == 1
    with Session(world.engine) as session:
        count = session.exec(select(func.count()).where(col(Change.number) == 9100)).one()
    assert count == 1


def _waits_for_pull_request_lock(engine: Engine, key: str) -> bool:
    """Whether a session of this database is queued, ungranted, on pull request ``key``'s lock."""
    with engine.connect() as conn:
        waiting = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND objsubid = 2 AND objid = hashtext(:key)::oid"
            ),
            {"key": key.lower()},
        ).scalar_one()
    return bool(waiting)


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)
def test_a_pr_another_replica_is_checking_waits_for_it(world: World) -> None:
    """While another replica holds the PR's advisory lock, a delivery waits, then does its work."""
    payload = _opened(world)
    answers: list[httpx.Response] = []
    sender = threading.Thread(target=lambda: answers.append(world.deliver(payload)))
    with pull_request_lock(world.engine, f"{REPO}#9100"):
        sender.start()
        # Until the delivery is seen queued on that very lock: then it is waiting for it.
        deadline = time.monotonic() + 60
        while not _waits_for_pull_request_lock(world.engine, f"{REPO}#9100"):
            assert sender.is_alive(), "the delivery did not wait for the PR's lock"
            assert time.monotonic() < deadline, "the delivery never queued on the PR's lock"
            time.sleep(0.02)
        assert sender.is_alive()
        assert world.check_runs() == []
    sender.join(timeout=60)
    assert [a.status_code for a in answers] == [200]
    assert len(world.check_runs()) == 1


@BOTH
def test_a_delivery_abandoned_in_flight_is_claimed_again_after_ten_minutes(world: World) -> None:
    """A replica died mid-work: in flight 11 minutes is done again, 5 minutes or finished is not."""
    payload = _opened(world)
    assert claim_delivery(world.engine, "d-dead", "pull_request", NOW - timedelta(minutes=11))
    assert claim_delivery(world.engine, "d-busy", "pull_request", NOW - timedelta(minutes=5))
    busy = world.deliver(payload, delivery="d-busy")
    assert busy.json()["status"] == "already answered"
    assert world.check_runs() == []
    dead = world.deliver(payload, delivery="d-dead")
    assert dead.json()["status"] == "checked"
    assert len(world.check_runs()) == 1
    # Finished now: never claimed again, however late its redelivery.
    assert not claim_delivery(world.engine, "d-dead", "pull_request", NOW + timedelta(days=1))
    assert _deliveries(world.engine) == 2


def test_deliveries_older_than_a_month_are_forgotten_when_one_finishes(world: World) -> None:
    """GitHub redelivers for three days: a finished delivery prunes those received over 30
    days ago, and keeps the younger ones."""
    assert claim_delivery(world.engine, "d-old", "pull_request", NOW - timedelta(days=31))
    assert claim_delivery(world.engine, "d-young", "pull_request", NOW - timedelta(days=29))
    assert world.deliver(_opened(world), delivery="d-new").json()["status"] == "checked"
    with Session(world.engine) as session:
        kept = sorted(session.exec(select(col(WebhookDelivery.id))).all())
    assert kept == ["d-new", "d-young"]


def test_a_body_past_serve_s_limit_is_a_json_413_as_documented(world: World) -> None:
    """Past 1 MiB waitress refuses before riskbrief reads it, answering JSON; docs say so."""
    answer = world.deliver(None, body=b"{" + b" " * (1 << 20) + b"}")
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error"]
    doc = (Path(__file__).parents[3] / "docs" / "pr-check.md").read_text(encoding="utf-8")
    assert "Each refusal is JSON" in " ".join(doc.split())
    assert "plain-text 413" not in " ".join(doc.split())
