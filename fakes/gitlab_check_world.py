"""The GitLab check's world for tests: the sample store, a fake GitLab, `serve` over HTTP.

The sample organisation (``fakes.check_world.load_world``) with ``[sources.gitlab]``
reading the project ``acme/platform``; one fake GitLab on 127.0.0.1 answers its merge
requests and takes commit statuses; ``riskbrief serve``'s WSGI application runs under
waitress with ``/gitlab/webhook`` on, and ``deliver`` sends a delivery as GitLab sends it.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import httpx
from pydantic import SecretStr
from sqlalchemy.engine import Engine

from bot.gitlab.check import GitLabCheck
from bot.gitlab.webhook import EVENT, WEBHOOK_PATH, gitlab_webhook
from bot.runtime.server import wsgi_application
from data.config import OrgConfig
from data.config.sources.gitlab import GitLabSourceConfig
from data.sources.sample import sample_org_config
from fakes.check_world import NOW, REPO, served
from fakes.gitlab_server import FakeGitLab, FakeMR, ts

__all__ = [
    "GL_SECRET",
    "GL_TOKEN",
    "PROJECT",
    "GitLabWorld",
    "gitlab_world",
    "mr_payload",
    "risky_mr",
]

GL_SECRET = "gitlab-webhook-secret-0123456789"
GL_TOKEN = "glpat-check-api"
# The sample's repository, read as a GitLab project of the same path.
PROJECT = REPO


def risky_mr(iid: int, head: str, *, title: str = "", branch: str = "", files: int = 12) -> FakeMR:
    """An open MR in Payments: many files without an owner, no approval, by an AI agent."""
    return FakeMR(
        iid,
        NOW - timedelta(minutes=5),
        state="opened",
        title=title or f"Rework the ledger ({iid})",
        author="copilot-swe-agent",
        author_bot=True,
        merged_by=None,
        created_at=NOW - timedelta(hours=2),
        source_branch=branch or f"agent/ledger-{iid}",
        files=tuple(
            (f"services/payments/ledger/part{i}.py", 150, 30, "modified") for i in range(files)
        ),
        sha=head,
    )


def mr_payload(
    mr: FakeMR, action: str = "open", head: str | None = None, *, oldrev: str | None = None
) -> dict[str, Any]:
    """The part of GitLab's merge request event the check reads, as GitLab sends it."""
    attributes: dict[str, Any] = {
        "iid": mr.iid,
        "title": mr.title,
        "state": mr.state,
        "action": action,
        "updated_at": ts(mr.updated_at),
        "source_branch": mr.source_branch,
        "target_branch": mr.target_branch,
        "last_commit": {"id": head or mr.sha, "title": "change"},
        "draft": mr.draft,
    }
    if oldrev is not None:
        attributes["oldrev"] = oldrev
    return {
        "object_kind": "merge_request",
        "event_type": "merge_request",
        "project": {"id": 1, "path_with_namespace": PROJECT, "name": PROJECT.split("/")[1]},
        "object_attributes": attributes,
        "changes": {},
    }


@dataclass
class GitLabWorld:
    """The store, the fake GitLab, and `serve`'s URL."""

    engine: Engine
    org: OrgConfig
    gitlab: FakeGitLab
    url: str
    check: GitLabCheck
    deliveries: list[str] = field(default_factory=list)

    def add(self, mr: FakeMR) -> FakeMR:
        """Put ``mr`` in the fake GitLab's project."""
        return self.gitlab.add_mr(PROJECT, mr)

    def deliver(
        self,
        payload: Any,
        *,
        event: str = EVENT,
        delivery: str | None = None,
        token: str | None = GL_SECRET,
        headers: dict[str, str] | None = None,
        body: bytes | None = None,
    ) -> httpx.Response:
        """POST one delivery with the secret token (``token=None``: without one)."""
        data = body if body is not None else json.dumps(payload).encode()
        ident = delivery or str(uuid.uuid4())
        self.deliveries.append(ident)
        sent = {
            "Content-Type": "application/json",
            "X-Gitlab-Event": event,
            "Idempotency-Key": ident,
            "X-Gitlab-Event-UUID": str(uuid.uuid4()),
            **({"X-Gitlab-Token": token} if token is not None else {}),
            **(headers or {}),
        }
        return httpx.post(f"{self.url}{WEBHOOK_PATH}", content=data, headers=sent, timeout=30)


def _org(enforce: bool, threshold: int) -> tuple[OrgConfig, GitLabSourceConfig]:
    org = sample_org_config()
    config = GitLabSourceConfig(
        projects=(PROJECT,), check_enforce=enforce, check_threshold=threshold
    )
    sources = org.sources.model_copy(update={"gitlab": config})
    return org.model_copy(update={"sources": sources}), config


@contextmanager
def gitlab_world(
    engine: Engine,
    *,
    enforce: bool = False,
    threshold: int = 60,
    web_url: str | None = None,
    signing_token: str | None = None,
    scopes: tuple[str, ...] = ("api",),
) -> Iterator[GitLabWorld]:
    """The loaded sample store ``engine``, a fake GitLab, and `serve` with the GitLab webhook."""
    org, config = _org(enforce, threshold)
    with FakeGitLab(tokens={GL_TOKEN: scopes}) as gitlab:
        gitlab.project(PROJECT)
        client = gitlab.client(GL_TOKEN, max_wait=5.0)
        check = GitLabCheck(
            engine,
            org,
            config.model_copy(update={"base_url": gitlab.base_url}),
            client,
            web_url=web_url,
            clock=lambda: NOW,
        )
        webhook = gitlab_webhook(
            engine,
            SecretStr(GL_SECRET),
            check,
            clock=lambda: NOW,
            signing_token=SecretStr(signing_token) if signing_token else None,
        )
        try:
            with served(wsgi_application(None, engine, checks={WEBHOOK_PATH: webhook})) as url:
                yield GitLabWorld(engine, org, gitlab, url, check)
        finally:
            client.close()
