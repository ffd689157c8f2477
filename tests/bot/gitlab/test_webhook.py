"""`POST /gitlab/webhook` end to end: a delivery with the token sets one `riskbrief` status."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any
from urllib.parse import quote

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.gitlab import webhook_off
from bot.gitlab.webhook import MAX_BODY, WEBHOOK_PATH, gitlab_webhook, signature_of
from bot.runtime.server import wsgi_application
from data.sources.sample import sample_org_config
from data.store.tables import Change, WebhookDelivery
from fakes.check_world import NOW, served
from fakes.gitlab_check_world import PROJECT, GitLabWorld, gitlab_world, mr_payload, risky_mr
from fakes.gitlab_server import FakeMR
from fakes.http import Answer

HEAD = "a" * 40
NEWER = "b" * 40
KEY = f"{PROJECT}!{9100}"


def _opened(world: GitLabWorld, iid: int = 9100, **kwargs: Any) -> dict[str, Any]:
    return mr_payload(world.add(risky_mr(iid, HEAD, **kwargs)))


def _small(world: GitLabWorld, iid: int) -> dict[str, Any]:
    """The risky MR cut to one file: a score below 100, so a threshold can sit above it."""
    return _opened(world, iid, files=1)


def test_a_delivery_with_the_token_sets_one_status_on_the_head_with_score_and_band(
    world: GitLabWorld,
) -> None:
    """An opened MR gets one `riskbrief` status on its head: success, "score N · band", MR link."""
    answer = world.deliver(_opened(world))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "checked"
    assert body["published"] == "status"
    (status,) = world.gitlab.statuses
    assert status["sha"] == HEAD
    assert status["name"] == "riskbrief"
    assert status["state"] == "success"
    assert status["description"].startswith(f"score {body['score']} · ")
    assert status["description"].endswith(" risk")
    assert status["target_url"] == f"{world.gitlab.base_url}/{PROJECT}/-/merge_requests/9100"
    with Session(world.engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == KEY)).one()
    assert row.head_sha == HEAD
    assert row.state == "open"


def _deliveries(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(WebhookDelivery)).all())


def test_a_missing_or_wrong_token_is_401_before_any_work(world: GitLabWorld) -> None:
    """Without X-Gitlab-Token, or with another secret, nothing is read, claimed or set."""
    payload = _opened(world)
    for token in (None, "not-the-secret", ""):
        answer = world.deliver(payload, token=token)
        assert answer.status_code == 401, token
        assert "X-Gitlab-Token" in answer.json()["error"]
    assert world.gitlab.statuses == []
    assert world.gitlab.requests_to(r"/api/v4/.*") == []
    assert _deliveries(world.engine) == 0


def test_an_oversized_delivery_is_413_before_its_token_is_checked(world: GitLabWorld) -> None:
    """A body past MAX_BODY is refused whatever it carries."""
    answer = world.deliver(None, body=b"x" * (MAX_BODY + 1), token=None)
    assert answer.status_code == 413
    assert str(MAX_BODY) in answer.json()["error"]


def test_the_same_delivery_again_does_nothing(world: GitLabWorld) -> None:
    """A replayed Idempotency-Key is 200 "already answered": no request to GitLab, no status."""
    payload = _opened(world)
    assert world.deliver(payload, delivery="d-1").status_code == 200
    asked = len(world.gitlab.server.requests)
    again = world.deliver(payload, delivery="d-1")
    assert again.status_code == 200
    assert again.json() == {"status": "already answered", "key": KEY}
    assert len(world.gitlab.server.requests) == asked
    assert len(world.gitlab.statuses) == 1


def test_an_older_head_delivered_late_does_not_overwrite_the_newer_status(
    world: GitLabWorld,
) -> None:
    """A push to a newer head is checked; the older head's late event then changes nothing."""
    mr = world.add(risky_mr(9100, HEAD))
    old_event = mr_payload(mr)
    newer = risky_mr(9100, NEWER)
    newer.updated_at = NOW - timedelta(minutes=1)
    world.add(newer)
    update = mr_payload(newer, "update", oldrev=HEAD)
    assert world.deliver(update).json()["head_sha"] == NEWER
    late = world.deliver(old_event)
    assert late.status_code == 200
    assert late.json()["status"] == "stale"
    assert [s["sha"] for s in world.gitlab.statuses] == [NEWER]


def test_a_push_while_it_is_scored_keeps_the_older_head_s_verdict_off(world: GitLabWorld) -> None:
    """The head is read again before writing: moved on, the older head gets no status."""
    payload = _opened(world)
    reads: list[FakeMR] = []

    def push(mr: FakeMR) -> None:
        reads.append(mr)
        if len(reads) == 2:  # the read just before the status is written
            mr.sha = NEWER

    world.gitlab.before_mr = push
    answer = world.deliver(payload)
    assert answer.status_code == 200
    assert answer.json()["status"] == "stale"
    assert world.gitlab.statuses == []


def test_enforced_at_or_above_the_threshold_fails_and_below_succeeds(store: Engine) -> None:
    """With check_enforce, the status is failed at the threshold and success one point above it."""
    with gitlab_world(store, enforce=True, threshold=0) as world:
        score = world.deliver(_small(world, 9100)).json()["score"]
        assert world.gitlab.statuses[-1]["state"] == "failed"
    assert score < 100
    with gitlab_world(store, enforce=True, threshold=score) as world:
        world.deliver(_small(world, 9101))
        assert world.gitlab.statuses[-1]["state"] == "failed"
    with gitlab_world(store, enforce=True, threshold=score + 1) as world:
        world.deliver(_small(world, 9102))
        assert world.gitlab.statuses[-1]["state"] == "success"
    with gitlab_world(store, enforce=False, threshold=0) as world:
        world.deliver(_opened(world, 9103))
        assert world.gitlab.statuses[-1]["state"] == "success"


def test_gitlab_failing_mid_way_is_502_and_the_redelivery_does_the_work(
    world: GitLabWorld,
) -> None:
    """GitLab answering 500 to the diffs: 502, the delivery released, its redelivery checked."""
    payload = _opened(world)
    diffs = f"/api/v4/projects/{quote(PROJECT, safe='')}/merge_requests/9100/diffs"
    for _ in range(5):
        world.gitlab.server.fail_next(diffs, Answer(500, {"message": "500 Internal Server Error"}))
    failed = world.deliver(payload, delivery="d-502")
    assert failed.status_code == 502
    assert "redelivering" in failed.json()["error"]
    assert world.gitlab.statuses == []
    again = world.deliver(payload, delivery="d-502")
    assert again.status_code == 200
    assert again.json()["status"] == "checked"
    assert len(world.gitlab.statuses) == 1


def test_a_token_without_the_api_scope_is_502_saying_so(store: Engine) -> None:
    """read_api reads the MR but cannot write a status: 502 naming the api scope."""
    with gitlab_world(store, scopes=("read_api",)) as world:
        answer = world.deliver(_opened(world))
        assert answer.status_code == 502
        assert "api scope" in answer.json()["error"]
        assert world.gitlab.statuses == []


def test_events_other_than_merge_requests_are_204_without_work(world: GitLabWorld) -> None:
    """A push or note hook, and an MR action the check does not act on, do nothing."""
    payload = _opened(world)
    for event in ("Push Hook", "Note Hook", "Pipeline Hook"):
        assert world.deliver(payload, event=event).status_code == 204
    assert (
        world.deliver(
            {**payload, "object_attributes": {**payload["object_attributes"], "action": "approved"}}
        ).status_code
        == 204
    )
    # An update without new commits (a title or label edit) gets no new verdict.
    assert world.deliver(mr_payload(risky_mr(9100, HEAD), "update")).status_code == 204
    assert world.gitlab.statuses == []
    assert _deliveries(world.engine) == 0


def test_a_project_riskbrief_does_not_read_is_204(world: GitLabWorld) -> None:
    """An MR of a project not in [sources.gitlab] projects is 204, GitLab never asked."""
    payload = _opened(world)
    payload["project"] = {"id": 2, "path_with_namespace": "other/project"}
    assert world.deliver(payload).status_code == 204
    assert world.gitlab.requests_to(r"/api/v4/.*") == []


def test_malformed_json_or_event_is_400_in_one_sentence(world: GitLabWorld) -> None:
    """Not JSON, not a merge request, a bad sha or no delivery id: 400, each one sentence."""
    good = _opened(world)
    bad_sha = {
        **good,
        "object_attributes": {**good["object_attributes"], "last_commit": {"id": "x"}},
    }
    cases = [
        (world.deliver(None, body=b"{not json"), "not JSON"),
        (world.deliver({"object_kind": "issue"}), "object_kind"),
        (world.deliver(bad_sha), "last_commit.id"),
        (world.deliver(good, headers={"Idempotency-Key": "", "X-Gitlab-Event-UUID": ""}), "id"),
    ]
    for answer, words in cases:
        assert answer.status_code == 400
        error = answer.json()["error"]
        assert words in error
        assert error.count(". ") == 0
    assert world.gitlab.statuses == []


def test_outside_text_never_steers_the_status_and_is_quoted_in_its_link(store: Engine) -> None:
    """A hostile title and branch change nothing in the status; the key is URL-quoted."""
    with gitlab_world(store, web_url="https://riskbrief.example.com/web") as world:
        hostile = risky_mr(
            9100,
            HEAD,
            title="riskbrief: state=success <script>alert(1)</script> [skip] @all",
            branch="feature/<img src=x>&state=success",
        )
        payload = mr_payload(world.add(hostile))
        payload["object_attributes"]["title"] = "state: success, enforce: false"
        answer = world.deliver(payload)
        assert answer.status_code == 200
        (status,) = world.gitlab.statuses
        assert set(status) == {"state", "name", "description", "target_url", "sha", "project"}
        assert status["name"] == "riskbrief"
        assert (
            status["description"]
            == f"score {answer.json()['score']} · " + status["description"].split(" · ")[1]
        )
        assert "<" not in status["description"]
        assert "skip" not in status["description"]
        assert status["target_url"] == (
            "https://riskbrief.example.com/web/change/acme%2Fplatform%219100"
        )


def test_a_signing_token_requires_a_valid_recent_webhook_signature(store: Engine) -> None:
    """With GITLAB_WEBHOOK_SIGNING_TOKEN, an unsigned, forged or old delivery is 401."""
    token = "whsec_" + base64.b64encode(b"k" * 32).decode()
    with gitlab_world(store, signing_token=token) as world:
        payload = _opened(world)
        body = json.dumps(payload).encode()
        stamp = str(int(NOW.timestamp()))

        def signed(ident: str, at: str, key: str = token) -> dict[str, str]:
            return {
                "webhook-id": ident,
                "webhook-timestamp": at,
                "webhook-signature": signature_of(key, ident, at, body),
                "Idempotency-Key": ident,
            }

        other = "whsec_" + base64.b64encode(b"z" * 32).decode()
        old = str(int(NOW.timestamp()) - 600)
        assert world.deliver(None, body=body).status_code == 401
        assert (
            world.deliver(None, body=body, headers=signed("s-1", stamp, other)).status_code == 401
        )
        assert world.deliver(None, body=body, headers=signed("s-1", old)).status_code == 401
        assert world.gitlab.statuses == []
        ok = world.deliver(None, body=body, headers=signed("s-1", stamp))
        assert ok.status_code == 200, ok.text
        assert len(world.gitlab.statuses) == 1


def test_off_without_the_secret_is_404_saying_what_to_set(store: Engine) -> None:
    """No GITLAB_WEBHOOK_SECRET: 404 with the sentence naming it, in serve's routes too."""
    off = webhook_off(sample_org_config(), {})
    assert off is not None
    assert "GITLAB_WEBHOOK_SECRET" in off
    assert "[sources.gitlab]" in off
    app = wsgi_application(
        None, store, checks={WEBHOOK_PATH: gitlab_webhook(store, None, None, off=off)}
    )
    with served(app) as url:
        answer = httpx.post(f"{url}/gitlab/webhook", content=b"{}")
        assert answer.status_code == 404
        assert answer.json() == {"error": off}
        assert httpx.get(f"{url}/gitlab/webhook").status_code == 404


def test_only_post_is_taken(world: GitLabWorld) -> None:
    """A GET to the webhook is 405 with Allow: POST."""
    answer = httpx.get(f"{world.url}/gitlab/webhook")
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"
