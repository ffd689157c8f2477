"""The Bitbucket check's world for tests: the sample store, a fake Bitbucket, `serve` over HTTP.

The sample organisation (``fakes.check_world.load_world``) with ``[sources.bitbucket]``
(Cloud) or ``[sources.bitbucket_dc]`` (Data Center) reading the sample's repository;
one fake Bitbucket of that edition on 127.0.0.1 answers its pull requests and takes
Code Insights reports; ``riskbrief serve``'s WSGI application runs under waitress with
``/bitbucket/webhook`` on, and ``deliver`` sends a delivery signed as Bitbucket signs it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.bitbucket.check import BitbucketCheck
from bot.bitbucket.webhook import WEBHOOK_PATH, Half, bitbucket_webhook
from bot.checks.door import hub_signature
from bot.runtime.server import wsgi_application
from data.config import OrgConfig
from data.config.sources.bitbucket import BitbucketCloudConfig, BitbucketDataCenterConfig
from data.sources.bitbucket.client import Edition
from data.sources.sample import sample_org_config
from fakes.bitbucket_server import FakeBitbucket, FakePR, iso, millis
from fakes.check_world import NOW, REPO, served

__all__ = [
    "BB_SECRET",
    "BB_TOKEN",
    "EVENT",
    "REPO",
    "BitbucketWorld",
    "bitbucket_world",
    "pr_payload",
    "risky_pr",
]

BB_SECRET = "bitbucket-webhook-secret-0123456789"
BB_TOKEN = "bb-check-token"
# The event each edition sends when a pull request is opened.
EVENT: dict[Edition, str] = {"cloud": "pullrequest:created", "dc": "pr:opened"}


def risky_pr(
    number: int, head: str, *, title: str = "", branch: str = "", files: int = 12
) -> FakePR:
    """An open PR in Payments: many files without an owner, no approval, by an AI agent."""
    return FakePR(
        number,
        NOW - timedelta(minutes=5),
        state="OPEN",
        title=title or f"Rework the ledger ({number})",
        author="copilot-swe-agent",
        author_bot=True,
        created_at=NOW - timedelta(hours=2),
        source_branch=branch or f"agent/ledger-{number}",
        files=tuple(
            (f"services/payments/ledger/part{i}.py", 150, 30, "modified") for i in range(files)
        ),
        head=head,
    )


def pr_payload(edition: Edition, pr: FakePR, head: str | None = None) -> dict[str, Any]:
    """The part of each edition's pull request event the check reads, as Bitbucket sends it."""
    sha = head or pr.head
    if edition == "cloud":
        return {
            "repository": {"full_name": REPO, "type": "repository"},
            "actor": {"display_name": pr.author},
            "pullrequest": {
                "id": pr.id,
                "title": pr.title,
                "state": pr.state,
                "updated_on": iso(pr.updated_at),
                "source": {"branch": {"name": pr.source_branch}, "commit": {"hash": sha[:12]}},
                "destination": {"branch": {"name": "main"}},
            },
        }
    project, slug = REPO.split("/")
    repository = {"slug": slug, "project": {"key": project}}
    return {
        "eventKey": "pr:opened",
        "date": "2026-11-23T13:55:00+0000",
        "pullRequest": {
            "id": pr.id,
            "title": pr.title,
            "state": pr.state,
            "updatedDate": millis(pr.updated_at),
            "fromRef": {"displayId": pr.source_branch, "latestCommit": sha},
            "toRef": {"displayId": "main", "latestCommit": "f" * 40, "repository": repository},
        },
    }


@dataclass
class BitbucketWorld:
    """The store, the fake Bitbucket, and `serve`'s URL."""

    edition: Edition
    engine: Engine
    org: OrgConfig
    bitbucket: FakeBitbucket
    url: str
    check: BitbucketCheck

    def add(self, pr: FakePR) -> FakePR:
        """Put ``pr`` in the fake Bitbucket's repository."""
        return self.bitbucket.add_pr(REPO, pr)

    def reports(self) -> dict[str, dict[str, Any]]:
        """The reports put, by commit."""
        return {sha: body for (_, sha, _), body in self.bitbucket.reports.items()}

    def annotations(self, sha: str) -> list[dict[str, Any]]:
        """The annotations on ``sha``'s ``riskbrief`` report."""
        return self.bitbucket.annotations.get((REPO, sha, "riskbrief"), [])

    def deliver(
        self,
        payload: Any,
        *,
        event: str | None = None,
        delivery: str | None = None,
        secret: str | None = BB_SECRET,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        """POST one delivery signed with ``secret`` (``None``: unsigned)."""
        data = body if body is not None else json.dumps(payload).encode()
        ident = delivery or str(uuid.uuid4())
        header = "X-Request-UUID" if self.edition == "cloud" else "X-Request-Id"
        sent = {
            "Content-Type": "application/json",
            "X-Event-Key": event or EVENT[self.edition],
            header: ident,
            **({"X-Hub-Signature": hub_signature(secret, data)} if secret is not None else {}),
            **(headers or {}),
        }
        return httpx.post(f"{self.url}{WEBHOOK_PATH}", content=data, headers=sent, timeout=30)


def _org(
    edition: Edition, enforce: bool, threshold: int, base_url: str
) -> tuple[OrgConfig, BitbucketCloudConfig | BitbucketDataCenterConfig]:
    org = sample_org_config()
    config: BitbucketCloudConfig | BitbucketDataCenterConfig
    if edition == "cloud":
        config = BitbucketCloudConfig(
            repositories=(REPO,),
            api_url=base_url,
            check_enforce=enforce,
            check_threshold=threshold,
        )
        sources = org.sources.model_copy(update={"bitbucket": config})
    else:
        config = BitbucketDataCenterConfig(
            repositories=(REPO,),
            base_url=base_url,
            check_enforce=enforce,
            check_threshold=threshold,
        )
        sources = org.sources.model_copy(update={"bitbucket_dc": config})
    return org.model_copy(update={"sources": sources}), config


@contextmanager
def bitbucket_world(
    engine: Engine,
    edition: Edition,
    *,
    enforce: bool = False,
    threshold: int = 60,
    web_url: str | None = None,
    scopes: tuple[str, ...] | None = None,
) -> Iterator[BitbucketWorld]:
    """The loaded sample store ``engine``, a fake Bitbucket, and `serve` with its webhook."""
    granted = scopes
    if granted is None:
        granted = (
            ("repository", "repository:write", "pullrequest")
            if edition == "cloud"
            else ("REPO_READ",)
        )
    with FakeBitbucket(edition, tokens={BB_TOKEN: granted}) as bitbucket:
        bitbucket.repo(REPO)
        org, config = _org(edition, enforce, threshold, bitbucket.base_url)
        client = bitbucket.client(BB_TOKEN, max_wait=5.0)
        check = BitbucketCheck(engine, org, config, client, web_url=web_url, clock=lambda: NOW)
        webhook = bitbucket_webhook(
            engine, {edition: Half(SecretStr(BB_SECRET), check)}, clock=lambda: NOW
        )
        try:
            with served(wsgi_application(None, engine, checks={WEBHOOK_PATH: webhook})) as url:
                yield BitbucketWorld(edition, engine, org, bitbucket, url, check)
        finally:
            client.close()
