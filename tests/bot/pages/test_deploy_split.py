"""The deploy page says how to split a gated deploy of many changes, as `/risk deploy` does."""

from __future__ import annotations

from datetime import UTC, datetime, time
from urllib.parse import quote

from sqlmodel import select
from werkzeug.test import Client

from bot.answers.access import Access
from bot.answers.records.deploy import deploy_record
from bot.pages.app import PagesApp, PagesConfig
from bot.pages.links import LinkSigner
from data.deploy_rule import DeployRule, FoundBy
from data.store.engine import session_scope
from data.store.tables import Deploy
from tests.samples import LoadedSample

LEDGER_DEPLOY = "deploy:payments:2026-11-18T10:25"


def test_the_deploy_page_names_the_parts_and_their_scores(scored: LoadedSample) -> None:
    """The ledger deploy's page links the migration and names each part's score, the record's."""
    with session_scope(scored.engine) as session:
        record = deploy_record(session, scored.org, Access.organisation(scored.org), LEDGER_DEPLOY)
    assert record.split is not None
    now = datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)
    app = PagesApp(
        scored.engine,
        scored.org,
        PagesConfig(signer=LinkSigner(["k" * 32]), open=True),
        clock=lambda: now,
    )
    got = Client(app).get("/web/deploy/" + quote(LEDGER_DEPLOY, safe="/:"))
    assert got.status_code == 200, got.text[:300]
    page = got.text
    assert "<h2>Ship it as two deploys</h2>" in page
    assert "through a gate: a schema migration (<a href=" in page
    assert "/web/change/acme/platform%234503" in page
    assert f"in one deploy · score {record.split.apart.score}, " in page
    assert f"in another deploy · score {record.split.rest.score}, " in page
    assert f"As one deploy it scored {record.score}, " in page


def test_the_deploy_page_says_what_found_it_with_names_escaped(scored: LoadedSample) -> None:
    """The page says the rule that found the deploy, a tag's name escaped and its pattern code."""
    found = FoundBy(DeployRule.TAG, "v1<script>alert(1)</script>", r"^v\d+(\.\d+)*$")
    with session_scope(scored.engine) as session:
        deploy = session.exec(select(Deploy).where(Deploy.key == LEDGER_DEPLOY)).one()
        deploy.found_by = found.encode()
    now = datetime.combine(scored.as_of, time(23, 59), tzinfo=UTC)
    app = PagesApp(
        scored.engine,
        scored.org,
        PagesConfig(signer=LinkSigner(["k" * 32]), open=True),
        clock=lambda: now,
    )
    page = Client(app).get("/web/deploy/" + quote(LEDGER_DEPLOY, safe="/:")).text
    assert (
        '<p class="found-by">found by: tag v1&lt;script&gt;alert(1)&lt;/script&gt; matching '
        r"<code>^v\d+(\.\d+)*$</code></p>"
    ) in page
    assert "<script>" not in page
