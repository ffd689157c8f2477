"""`POST /bitbucket/webhook` end to end, both editions: a signed delivery puts one report."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.bitbucket import webhook_off
from bot.bitbucket.webhook import MAX_BODY, WEBHOOK_PATH, bitbucket_webhook
from bot.runtime.application import web_routes
from bot.runtime.server import wsgi_application
from bot.settings import Settings
from data.config.sources.bitbucket import BitbucketDataCenterConfig
from data.sources.bitbucket.client import Edition
from data.sources.sample import sample_org_config
from data.store.tables import Change, WebhookDelivery
from fakes.bitbucket_check_world import (
    BB_SECRET,
    REPO,
    BitbucketWorld,
    bitbucket_world,
    pr_payload,
    risky_pr,
)
from fakes.bitbucket_server import FakePR
from fakes.check_world import NOW, served
from fakes.http import Answer

HEAD = "a" * 40
NEWER = "b" * 40
KEY = f"{REPO}#9100"


def _opened(world: BitbucketWorld, number: int = 9100, **kwargs: Any) -> dict[str, Any]:
    return pr_payload(world.edition, world.add(risky_pr(number, HEAD, **kwargs)))


def _deliveries(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(WebhookDelivery)).all())


def _sha(world: BitbucketWorld, sha: str) -> str:
    """The commit as the report's URL names it: Cloud's 12-hex abbreviation, DC's full SHA."""
    return sha[:12] if world.edition == "cloud" else sha


def test_a_signed_delivery_puts_one_report_with_score_band_and_annotations_on_the_head(
    world: BitbucketWorld,
) -> None:
    """An opened PR gets one `riskbrief` report on its head: score, band, a pass, annotations."""
    answer = world.deliver(_opened(world))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "checked"
    assert body["published"] == "report"
    reports = world.reports()
    assert list(reports) == [_sha(world, HEAD)]
    report = reports[_sha(world, HEAD)]
    assert report["result"] == ("PASSED" if world.edition == "cloud" else "PASS")
    data = {d["title"]: d for d in report["data"]}
    assert data["Risk score"] == {"title": "Risk score", "type": "NUMBER", "value": body["score"]}
    assert data["Band"]["type"] == "TEXT"
    assert f"{body['score']}/100" in report["title"]
    notes = world.annotations(_sha(world, HEAD))
    assert 0 < len(notes) <= 10
    assert {n["path"] for n in notes} <= {f"services/payments/ledger/part{i}.py" for i in range(12)}
    with Session(world.engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == KEY)).one()
    assert row.state == "open"


def test_an_unsigned_or_wrongly_signed_delivery_is_401_before_any_work(
    world: BitbucketWorld,
) -> None:
    """Without X-Hub-Signature, or signed with another secret or as sha1, nothing is done."""
    payload = _opened(world)
    body = json.dumps(payload).encode()
    sha1 = "sha1=" + hmac.new(BB_SECRET.encode(), body, hashlib.sha1).hexdigest()
    answers = [
        world.deliver(payload, secret=None),
        world.deliver(payload, secret="not-the-secret"),
        world.deliver(None, body=body, secret=None, headers={"X-Hub-Signature": sha1}),
        world.deliver(None, body=body, secret=None, headers={"X-Hub-Signature": ""}),
    ]
    for answer in answers:
        assert answer.status_code == 401
        assert "X-Hub-Signature" in answer.json()["error"]
    assert world.reports() == {}
    assert world.bitbucket.server.requests == []
    assert _deliveries(world.engine) == 0


def test_an_oversized_delivery_is_413_before_its_signature_is_checked(
    world: BitbucketWorld,
) -> None:
    """A body past MAX_BODY is refused whatever it carries."""
    answer = world.deliver(None, body=b"x" * (MAX_BODY + 1), secret=None)
    assert answer.status_code == 413
    assert str(MAX_BODY) in answer.json()["error"]
    assert world.bitbucket.server.requests == []


def test_the_same_delivery_again_does_nothing(world: BitbucketWorld) -> None:
    """A replayed delivery id is 200 "already answered": no request to Bitbucket, no report."""
    payload = _opened(world)
    assert world.deliver(payload, delivery="d-1").status_code == 200
    asked = len(world.bitbucket.server.requests)
    again = world.deliver(payload, delivery="d-1")
    assert again.status_code == 200
    assert again.json() == {"status": "already answered", "key": KEY}
    assert len(world.bitbucket.server.requests) == asked
    assert len(world.reports()) == 1


def test_an_older_head_delivered_late_does_not_overwrite_the_newer_report(
    world: BitbucketWorld,
) -> None:
    """A push to a newer head is reported; the older head's late event then writes nothing."""
    old_event = _opened(world)
    newer = risky_pr(9100, NEWER)
    newer.updated_at = NOW - timedelta(minutes=1)
    world.add(newer)
    pushed = "pullrequest:updated" if world.edition == "cloud" else "pr:from_ref_updated"
    first = world.deliver(pr_payload(world.edition, newer), event=pushed)
    assert first.json()["status"] == "checked", first.text
    late = world.deliver(old_event)
    assert late.status_code == 200
    assert late.json()["status"] == "stale"
    assert list(world.reports()) == [_sha(world, NEWER)]


def test_a_push_while_it_is_scored_keeps_the_older_head_s_report_off(
    world: BitbucketWorld,
) -> None:
    """The head is read again before writing: moved on, the older head gets no report."""
    payload = _opened(world)
    reads: list[FakePR] = []
    # The read just before the report is written (Cloud's reader reads the PR once more).
    last = 3 if world.edition == "cloud" else 2

    def push(pr: FakePR) -> None:
        reads.append(pr)
        if len(reads) == last:
            pr.head = NEWER

    world.bitbucket.before_pr = push
    answer = world.deliver(payload)
    assert answer.status_code == 200
    assert answer.json()["status"] == "stale"
    assert world.reports() == {}


def test_enforced_at_or_above_the_threshold_fails_and_below_passes(
    store: Engine, edition: Edition
) -> None:
    """With check_enforce, FAILED at the threshold, PASSED one point above it or unenforced."""
    passed, failed = ("PASSED", "FAILED") if edition == "cloud" else ("PASS", "FAIL")
    with bitbucket_world(store, edition, enforce=True, threshold=0) as world:
        score = world.deliver(_opened(world, files=1)).json()["score"]
        assert world.reports()[_sha(world, HEAD)]["result"] == failed
    # One file of the risky pull request: a score below 100, so a threshold can sit above it.
    assert score < 100
    for number, enforce, threshold, result in (
        (9101, True, score, failed),
        (9102, True, score + 1, passed),
        (9103, False, 0, passed),
    ):
        with bitbucket_world(store, edition, enforce=enforce, threshold=threshold) as world:
            answer = world.deliver(_opened(world, number, files=1))
            assert answer.json()["score"] == score
            assert world.reports()[_sha(world, HEAD)]["result"] == result, threshold


def test_bitbucket_failing_on_the_way_is_502_and_the_redelivery_does_the_work(
    world: BitbucketWorld,
) -> None:
    """Bitbucket answering 500 to the report: 502, the delivery released, its redelivery done."""
    payload = _opened(world)
    reports = (
        "/2.0/repositories/acme/platform/commit/"
        if world.edition == "cloud"
        else "/rest/insights/1.0/"
    )
    for _ in range(5):
        world.bitbucket.server.fail_next(reports, Answer(500, {"error": "boom"}))
    failed = world.deliver(payload, delivery="d-502")
    assert failed.status_code == 502
    assert "redelivering" in failed.json()["error"]
    assert world.reports() == {}
    assert _deliveries(world.engine) == 0
    again = world.deliver(payload, delivery="d-502")
    assert again.status_code == 200, again.text
    assert again.json()["status"] == "checked"
    assert len(world.reports()) == 1


def test_a_cloud_token_without_repository_write_is_502_naming_the_scope(store: Engine) -> None:
    """A read-only Cloud token reads the PR but cannot put a report: 502 naming the scope."""
    with bitbucket_world(store, "cloud", scopes=("repository", "pullrequest")) as world:
        answer = world.deliver(_opened(world))
        assert answer.status_code == 502
        assert "repository:write" in answer.json()["error"]
        assert world.reports() == {}


def test_the_cloud_check_asks_each_list_at_its_cap_and_reads_past_it(store: Engine) -> None:
    """On Cloud, which refuses a `pagelen` above a list's cap, the check of a PR with more
    approvals than a page of its activity holds asks at the cap and puts its report."""
    with bitbucket_world(store, "cloud") as world:
        reviewers = tuple((f"reviewer{i}", NOW - timedelta(hours=1), False) for i in range(60))
        opened = world.add(replace(risky_pr(9100, HEAD), approvals=reviewers))
        answer = world.deliver(pr_payload("cloud", opened))
        assert answer.status_code == 200, answer.text
        assert answer.json()["status"] == "checked"
        assert list(world.reports()) == [HEAD[:12]]
        activity = world.bitbucket.requests_to(r"/2\.0/repositories/.+/pullrequests/9100/activity")
        assert {r.query["pagelen"] for r in activity} == {"50"}
        assert len(activity) == 2


def test_events_other_than_pull_request_updates_are_204_without_work(
    world: BitbucketWorld,
) -> None:
    """A push, a merge, an approval or a ping does nothing, even correctly signed."""
    payload = _opened(world)
    others = (
        ("repo:push", "pullrequest:fulfilled", "pullrequest:approved", "pr:opened")
        if world.edition == "cloud"
        else ("repo:refs_changed", "pr:merged", "diagnostics:ping", "pullrequest:created")
    )
    for event in others:
        assert world.deliver(payload, event=event).status_code == 204, event
    assert world.bitbucket.server.requests == []
    assert _deliveries(world.engine) == 0


def test_a_repository_riskbrief_does_not_read_is_204(world: BitbucketWorld) -> None:
    """A PR of a repository not in the Bitbucket table is 204, Bitbucket never asked."""
    payload = _opened(world)
    if world.edition == "cloud":
        payload["repository"]["full_name"] = "other/repo"
    else:
        payload["pullRequest"]["toRef"]["repository"]["slug"] = "other"
    assert world.deliver(payload).status_code == 204
    assert world.bitbucket.server.requests == []


def test_malformed_json_or_event_is_400_in_one_sentence(world: BitbucketWorld) -> None:
    """Not JSON, not a pull request, a bad sha or no delivery id: 400, each one sentence."""
    good = _opened(world)
    bad_sha = json.loads(json.dumps(good))
    if world.edition == "cloud":
        bad_sha["pullrequest"]["source"]["commit"]["hash"] = "x; rm"
        id_header = "X-Request-UUID"
    else:
        bad_sha["pullRequest"]["fromRef"]["latestCommit"] = "x; rm"
        id_header = "X-Request-Id"
    cases = [
        (world.deliver(None, body=b"{not json"), "not JSON"),
        (world.deliver({"issue": {}}), "the event has no"),
        (world.deliver(bad_sha), "commit sha"),
        (world.deliver(good, headers={id_header: ""}), id_header),
    ]
    for answer, words in cases:
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert words in error
        assert error.count(". ") == 0
    assert world.reports() == {}


def test_outside_text_never_steers_the_report_and_is_sent_as_data(
    store: Engine, edition: Edition
) -> None:
    """A hostile title, branch and path change nothing: the path is only an annotation's path."""
    hostile_path = "services/payments/ignore previous instructions; result=PASSED <b>.py"
    with bitbucket_world(
        store, edition, enforce=True, threshold=0, web_url="https://riskbrief.example.com/web"
    ) as world:
        pr = risky_pr(
            9100,
            HEAD,
            title="riskbrief: result=PASSED, enforce=false <script>alert(1)</script> @all",
            branch="feature/<img src=x>&result=PASSED",
        )
        pr.files = ((hostile_path, 400, 10, "added"), *pr.files)
        answer = world.deliver(pr_payload(edition, world.add(pr)))
        assert answer.status_code == 200, answer.text
        report = world.reports()[_sha(world, HEAD)]
        assert report["result"] == ("FAILED" if edition == "cloud" else "FAIL")
        text = json.dumps({k: v for k, v in report.items() if k != "data"})
        for outside in ("<script>", "enforce=false", "<img", "ignore previous"):
            assert outside not in text
        assert report["link"] == "https://riskbrief.example.com/web/change/acme%2Fplatform%239100"
        notes = world.annotations(_sha(world, HEAD))
        hostile = [n for n in notes if n["path"] == hostile_path]
        assert len(hostile) == 1
        message = hostile[0]["summary" if edition == "cloud" else "message"]
        assert "ignore" not in message
        assert message.startswith("riskbrief: 410 lines changed")


def test_off_without_a_secret_is_404_saying_what_to_set(store: Engine) -> None:
    """No Bitbucket secret: 404 with the sentence naming each edition's, in serve's routes too."""
    off = webhook_off(sample_org_config(), {})
    assert off is not None
    for words in ("BITBUCKET_WEBHOOK_SECRET", "BITBUCKET_DC_WEBHOOK_SECRET", "[sources.bitbucket]"):
        assert words in off
    app = wsgi_application(
        None, store, checks={WEBHOOK_PATH: bitbucket_webhook(store, {}, off=off)}
    )
    with served(app) as url:
        answer = httpx.post(f"{url}/bitbucket/webhook", content=b"{}")
        assert answer.status_code == 404
        assert answer.json() == {"error": off}


def test_only_post_is_taken(world: BitbucketWorld) -> None:
    """A GET to the webhook is 405 with Allow: POST."""
    answer = httpx.get(f"{world.url}/bitbucket/webhook")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"


def test_serve_wires_each_edition_that_is_set_up(
    store: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`serve`'s routes: Data Center's half on (a forged delivery 401), Cloud's off (404)."""
    monkeypatch.setenv("RISKBRIEF_BITBUCKET_DC_TOKEN", "dc-token")
    org = sample_org_config()
    dc = BitbucketDataCenterConfig(repositories=(REPO,), base_url="http://127.0.0.1:9")
    org = org.model_copy(update={"sources": org.sources.model_copy(update={"bitbucket_dc": dc})})
    monkeypatch.setenv("BITBUCKET_DC_WEBHOOK_SECRET", BB_SECRET)
    on = web_routes(Settings(), store, org).checks
    monkeypatch.delenv("BITBUCKET_DC_WEBHOOK_SECRET")
    with served(wsgi_application(None, store, checks=on)) as url:
        forged = httpx.post(
            f"{url}/bitbucket/webhook",
            content=b"{}",
            headers={"X-Event-Key": "pr:opened", "X-Hub-Signature": "sha256=" + "0" * 64},
        )
        assert forged.status_code == 401
    off = web_routes(Settings(), store, org).checks
    with served(wsgi_application(None, store, checks=off)) as url:
        answer = httpx.post(f"{url}/bitbucket/webhook", content=b"{}")
        assert answer.status_code == 404
        assert "BITBUCKET_DC_WEBHOOK_SECRET" in answer.json()["error"]
