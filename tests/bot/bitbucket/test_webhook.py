"""`POST /bitbucket/webhook` end to end, both editions: a signed delivery puts one report."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.store.tables import Change, GitHubDelivery
from fakes.bitbucket_check_world import REPO, BitbucketWorld, pr_payload, risky_pr

HEAD = "a" * 40
NEWER = "b" * 40
KEY = f"{REPO}#9100"


def _opened(world: BitbucketWorld, number: int = 9100, **kwargs: Any) -> dict[str, Any]:
    return pr_payload(world.edition, world.add(risky_pr(number, HEAD, **kwargs)))


def _deliveries(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(GitHubDelivery)).all())


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
    assert {n["path"] for n in notes} <= {
        f"services/payments/ledger/part{i}.py" for i in range(12)
    }
    with Session(world.engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == KEY)).one()
    assert row.state == "open"
