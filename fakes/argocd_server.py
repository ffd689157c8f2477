"""A fake of Argo CD's API server (the part riskbrief reads), over real HTTP on 127.0.0.1.

It answers ``GET /api/v1/applications/{name}`` (optional ``project``) with an Application as
Argo CD's REST API writes it: ``metadata``, ``spec`` (``project``, ``source``,
``destination``) and ``status`` with ``sync``, ``health``, ``history`` (``RevisionHistory``
entries, oldest first: ``id`` auto-incrementing, ``revision``, ``deployedAt``,
``deployStartedAt``, ``source``, ``initiatedBy``; only syncs that succeeded, and only the newest
``revisionHistoryLimit``, 10 by default) and ``operationState`` (the latest operation:
``operation.sync.revision``, ``phase``, ``message``, ``syncResult.revision``, ``startedAt``,
``finishedAt``). Times are RFC 3339 in UTC to the second, as Kubernetes writes them.

Refusals are grpc-gateway's JSON (``error``, ``code``, ``message``): a missing or wrong
``Authorization: Bearer <token>`` is 401 (code 16, "invalid session"); an application the
token may not get, or one that does not exist when no ``project`` is asked for, is 403 (code
7, "permission denied"), as Argo CD hides which; with a ``project``, an unknown application
or one of another project is 404 (code 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakes.http import Answer, FakeServer, FakeService, Request

__all__ = ["FakeArgoApp", "FakeArgoCD", "argo_time"]

_REPO = "https://github.com/acme/deploy.git"


def argo_time(at: datetime) -> str:
    """A time as Kubernetes writes a ``metav1.Time``: ``2026-11-20T15:35:00Z``."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _grpc_error(status: int, code: int, message: str) -> Answer:
    return Answer(status, {"error": message, "code": code, "message": message})


@dataclass
class FakeArgoApp:
    """One Application: its project, its sync history and its latest operation."""

    name: str
    project: str = "default"
    history_limit: int = 10
    history: list[dict[str, Any]] = field(default_factory=list)
    operation: dict[str, Any] | None = None
    next_id: int = 0

    def _source(self) -> dict[str, Any]:
        return {"repoURL": _REPO, "path": f"apps/{self.name}", "targetRevision": "HEAD"}

    def synced(self, revision: str, at: datetime, started: datetime | None = None) -> int:
        """A sync of ``revision`` that succeeded at ``at``: a history entry, its id returned."""
        began = started or at
        entry: dict[str, Any] = {
            "revision": revision,
            "deployedAt": argo_time(at),
            "id": self.next_id,
            "source": self._source(),
            "deployStartedAt": argo_time(began),
            "initiatedBy": {"automated": True},
        }
        self.next_id += 1
        self.history.append(entry)
        # Argo CD keeps the newest revisionHistoryLimit entries.
        del self.history[: max(0, len(self.history) - self.history_limit)]
        self._operate(revision, "Succeeded", "successfully synced (all tasks run)", began, at)
        return int(entry["id"])

    def ended(
        self, revision: str, started: datetime, finished: datetime, phase: str = "Failed"
    ) -> None:
        """A sync of ``revision`` that ended ``Failed`` or ``Error``: no history entry."""
        message = "one or more objects failed to apply, reason: Deployment is invalid"
        self._operate(revision, phase, message, started, finished)

    def running(self, revision: str, started: datetime) -> None:
        """A sync of ``revision`` still running."""
        self._operate(revision, "Running", "waiting for healthy state", started, None)

    def _operate(
        self, revision: str, phase: str, message: str, started: datetime, finished: datetime | None
    ) -> None:
        state: dict[str, Any] = {
            "operation": {
                "sync": {"revision": revision, "syncStrategy": {"hook": {}}},
                "initiatedBy": {"automated": True},
                "retry": {"limit": 5},
            },
            "phase": phase,
            "message": message,
            "startedAt": argo_time(started),
        }
        if finished is not None:
            state["finishedAt"] = argo_time(finished)
            state["syncResult"] = {"resources": [], "revision": revision, "source": self._source()}
        self.operation = state

    def document(self) -> dict[str, Any]:
        """The Application as ``GET /api/v1/applications/{name}`` answers it."""
        newest = self.history[-1]["revision"] if self.history else ""
        status: dict[str, Any] = {
            "sync": {"status": "Synced" if self.history else "OutOfSync", "revision": newest},
            "health": {"status": "Healthy"},
            "history": list(self.history),
            "sourceType": "Directory",
            "reconciledAt": self.history[-1]["deployedAt"] if self.history else None,
        }
        if self.operation is not None:
            status["operationState"] = self.operation
        return {
            "metadata": {
                "name": self.name,
                "namespace": "argocd",
                "uid": f"00000000-0000-4000-8000-{sum(map(ord, self.name)):012d}",
                "resourceVersion": str(1000 + self.next_id),
                "generation": self.next_id + 1,
            },
            "spec": {
                "project": self.project,
                "source": self._source(),
                "destination": {"server": "https://kubernetes.default.svc", "namespace": "shop"},
                "syncPolicy": {"automated": {"prune": True, "selfHeal": True}},
                "revisionHistoryLimit": self.history_limit,
            },
            "status": status,
        }


class FakeArgoCD(FakeService):
    """Argo CD's API server for some applications; use it as a context manager."""

    def __init__(self, token: str = "argocd-test-token") -> None:
        self.token = token
        self.apps: dict[str, FakeArgoApp] = {}
        # Applications the token's account may not get (RBAC).
        self.denied: set[str] = set()
        self.server = FakeServer()
        self.server.add("GET", r"/api/v1/applications/(?P<name>[^/]+)", self._application)

    def app(self, name: str, project: str = "default", history_limit: int = 10) -> FakeArgoApp:
        """A new application named ``name`` in ``project``."""
        self.apps[name] = FakeArgoApp(name, project, history_limit)
        return self.apps[name]

    def _refused(self, request: Request) -> Answer | None:
        if request.headers.get("authorization", "") != f"Bearer {self.token}":
            return _grpc_error(401, 16, "invalid session: token signature is invalid")
        return None

    def _application(self, request: Request, match: re.Match[str]) -> Answer:
        if refused := self._refused(request):
            return refused
        name = match["name"]
        project = request.query.get("project")
        app = self.apps.get(name)
        denied = _grpc_error(403, 7, "permission denied")
        if project:
            if name in self.denied:
                return denied
            if app is None or app.project != project:
                return _grpc_error(404, 5, f'applications.argoproj.io "{name}" not found')
        elif app is None or name in self.denied:
            return denied
        return Answer(200, app.document())
