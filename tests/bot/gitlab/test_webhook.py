"""`POST /gitlab/webhook` end to end: a delivery with the token sets one `riskbrief` status."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.store.tables import Change
from fakes.check_world import NOW
from fakes.gitlab_check_world import PROJECT, GitLabWorld, gitlab_world, mr_payload, risky_mr
from fakes.gitlab_server import FakeMR

HEAD = "a" * 40
NEWER = "b" * 40
KEY = f"{PROJECT}!{9100}"


def _opened(world: GitLabWorld, iid: int = 9100, **kwargs: Any) -> dict[str, Any]:
    return mr_payload(world.add(risky_mr(iid, HEAD, **kwargs)))


def test_a_delivery_with_the_token_sets_one_status_on_the_head_with_score_and_band(
    world: GitLabWorld,
) -> None:
    """An opened MR gets one `riskbrief` status on its head: success, "score N · band", MR link."""
    answer = world.deliver(_opened(world))
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["status"] == "checked" and body["published"] == "status"
    (status,) = world.gitlab.statuses
    assert status["sha"] == HEAD and status["name"] == "riskbrief"
    assert status["state"] == "success"
    assert status["description"].startswith(f"score {body['score']} · ")
    assert status["description"].endswith(" risk")
    assert status["target_url"] == f"{world.gitlab.base_url}/{PROJECT}/-/merge_requests/9100"
    with Session(world.engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == KEY)).one()
    assert row.head_sha == HEAD and row.state == "open"
