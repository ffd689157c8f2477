"""The check's world for tests and the bench: the sample store, a fake GitHub, `serve` over HTTP.

One fake GitHub on 127.0.0.1 answers REST (check runs, statuses, App tokens,
CODEOWNERS) and GraphQL (the pull request with its files and reviews);
``riskbrief serve``'s WSGI application runs under waitress with the webhook on,
and ``deliver`` sends a delivery signed as GitHub signs it.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from wsgiref.types import WSGIApplication

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.checks.door import hub_signature
from bot.github.check import GitHubCheck
from bot.github.webhook import WEBHOOK_PATH, github_webhook
from bot.runtime.server import HttpServer, wsgi_application
from data.config import OrgConfig
from data.config.sources import GitHubSourceConfig
from data.http.client import tls_context
from data.sample_load import load_sample
from data.sources.github.app_auth import AppAuth
from data.sources.github.auth import Auth, TokenAuth
from data.sources.github.client import GitHubClient
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from fakes.github_graphql import FakeFile, FakeGitHubGraphQL, FakePull, iso
from fakes.github_rest import FakeApp, FakeGitHubRest

__all__ = [
    "NOW",
    "REPO",
    "SECRET",
    "World",
    "load_world",
    "pull_payload",
    "risky_pull",
    "served",
    "world_of",
]

SECRET = "whsec-test-0123456789abcdef"
REPO = "acme/platform"
# Monday after the sample's last week: the check scores "as of now" against its history.
NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
_APP_ID = "4242"
_INSTALLATION = "777"
_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def risky_pull(number: int, head: str, *, title: str = "", branch: str = "") -> FakePull:
    """An open PR in Payments: many files without an owner, no review, by an AI agent."""
    return FakePull(
        number,
        iso(NOW - timedelta(minutes=5)),
        title=title or f"Rework the ledger ({number})",
        created_at=iso(NOW - timedelta(hours=2)),
        author="copilot-swe-agent",
        author_type="Bot",
        merged_by=None,
        head=branch or f"agent/ledger-{number}",
        files=tuple(FakeFile(f"services/payments/ledger/part{i}.py", 150, 30) for i in range(12)),
        state="OPEN",
        head_oid=head,
    )


def pull_payload(pull: FakePull, action: str = "opened", head: str | None = None) -> dict[str, Any]:
    """The part of GitHub's ``pull_request`` event the check reads, as GitHub sends it."""
    return {
        "action": action,
        "number": pull.number,
        "repository": {"full_name": REPO, "name": REPO.split("/")[1]},
        "pull_request": {
            "number": pull.number,
            "title": pull.title,
            "state": "open" if pull.state == "OPEN" else "closed",
            "updated_at": pull.updated_at,
            "head": {"sha": head or pull.head_oid, "ref": pull.head},
            "labels": [{"name": name} for name in pull.labels],
            "merged": pull.state == "MERGED",
        },
    }


@dataclass
class World:
    """The store, the fakes, and `serve`'s URL."""

    engine: Engine
    org: OrgConfig
    rest: FakeGitHubRest
    graphql: FakeGitHubGraphQL
    url: str
    check: GitHubCheck
    deliveries: list[str] = field(default_factory=list)

    def deliver(
        self,
        payload: Any,
        *,
        event: str = "pull_request",
        delivery: str | None = None,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> httpx.Response:
        """POST one delivery, signed with ``secret`` unless ``headers`` say otherwise."""
        data = body if body is not None else json.dumps(payload).encode()
        ident = delivery or str(uuid.uuid4())
        self.deliveries.append(ident)
        sent = {
            "Content-Type": "application/json",
            "X-GitHub-Event": event,
            "X-GitHub-Delivery": ident,
            "X-Hub-Signature-256": hub_signature(secret, data),
            **(headers or {}),
        }
        return httpx.post(
            f"{self.url}{WEBHOOK_PATH}",
            content=data,
            headers=sent,
            timeout=30,
            verify=tls_context(),
        )

    def check_runs(self) -> list[dict[str, Any]]:
        """Every check run the fake GitHub holds."""
        return list(self.rest.check_runs.values())


def _org(enforce: bool, conclusion: str, details_url: str | None) -> OrgConfig:
    org = sample_org_config()
    github = GitHubSourceConfig(
        check_enforce=enforce,
        check_threshold=60,
        check_conclusion=conclusion,
        check_details_url=details_url,
    )
    return org.model_copy(update={"sources": org.sources.model_copy(update={"github": github})})


def load_world(engine: Engine) -> None:
    """Load the sample organisation, GitHub set up, into the migrated, empty store ``engine``."""
    # The check's settings (enforce, conclusion, link) are not stored: one load serves all.
    org = _org(False, "action_required", None)
    with session_scope(engine) as session:
        sync_org(session, org)
    load_sample(engine, org, as_of=date(2026, 11, 23))


@contextmanager
def world_of(
    engine: Engine,
    *,
    app: bool = True,
    enforce: bool = False,
    conclusion: str = "action_required",
    details_url: str | None = None,
    loaded: bool = False,
) -> Iterator[World]:
    """The sample organisation with GitHub set up, a fake GitHub, and `serve` with the webhook.

    ``loaded`` says ``load_world`` already filled the store (a copy of a loaded template).
    """
    org = _org(enforce, conclusion, details_url)
    if not loaded:
        load_world(engine)
    with FakeGitHubRest() as rest:
        graphql = FakeGitHubGraphQL("test-token")
        graphql.tokens = rest.tokens
        graphql.install(rest.server)
        graphql.add(REPO, [])
        auth: Auth = TokenAuth("test-token")
        if app:
            rest.enable_app(FakeApp(_APP_ID, _INSTALLATION, _KEY.public_key()))
            auth = AppAuth(_APP_ID, _INSTALLATION, _KEY)
        client = GitHubClient(rest.url, auth, sleep=lambda _: None)
        check = GitHubCheck(
            engine, org, client, app=app, repositories=frozenset({REPO}), clock=lambda: NOW
        )
        webhook = github_webhook(engine, SecretStr(SECRET), check, clock=lambda: NOW)
        try:
            with served(wsgi_application(None, engine, checks={WEBHOOK_PATH: webhook})) as url:
                yield World(engine, org, rest, graphql, url, check)
        finally:
            client.close()


@contextmanager
def served(application: WSGIApplication) -> Iterator[str]:
    """``application`` under waitress on 127.0.0.1, as `serve` runs it; yields its URL."""
    server = HttpServer(application, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.url
    finally:
        server.stop()
        thread.join(timeout=10)
