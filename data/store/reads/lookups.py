"""A change, a deploy or a subscriber found by what a reader typed or who it is.

Every reader finds them the same way: ``/risk pr``, the MCP ``change_risk`` tool and the
web view's search read a change by ``find_changes``; ``/risk deploy`` and the search a
deploy by ``find_deploys``.
"""

from __future__ import annotations

from sqlmodel import Session, col, select

from data.store.tables import Change, Deploy, Repository, Service, Subscriber, SubscriberOrigin
from scoring.change_key import ChangeKey

__all__ = [
    "find_changes",
    "find_deploys",
    "latest_deploy_key",
    "same_repository",
    "subscriber_of",
]


def subscriber_of(session: Session, user_id: str) -> Subscriber | None:
    """The chat member's subscriber row: a config one before a Slack one, an active before not."""
    rows = list(session.exec(select(Subscriber).where(Subscriber.slack_user_id == user_id)))
    rows.sort(key=lambda s: (s.origin != SubscriberOrigin.CONFIG, not s.active, s.id or 0))
    return rows[0] if rows else None


def same_repository(stored: str, asked: str) -> bool:
    """Whether ``asked`` names the repository stored as ``stored``.

    A clone quickstart stores a repository under its origin remote (``pallets/flask``)
    or, without one, its folder (``flask``): either spelling finds it. Two owners that
    differ are two repositories.
    """
    if not asked:
        return True
    stored, asked = stored.lower(), asked.lower()
    if stored == asked:
        return True
    if "/" in stored and "/" in asked:
        return False
    return stored.rsplit("/", 1)[-1] == asked.rsplit("/", 1)[-1]


def find_changes(session: Session, ref: str) -> list[Change]:
    """The changes ``ref`` names, newest first: its stored key, else what it is written as.

    ``ref`` is what ``bot.answers.parse.change_lookup`` writes: ``[repo]#N`` for a pull
    request, ``[repo]!N`` for a GitLab merge request, ``[repo@]sha`` for a commit (a PR's
    merge commit finds the PR). The repository may be spelt ``owner/name`` or ``name``
    whatever form it was stored in. More than one change comes back only when a short sha
    or a bare ``#N`` / ``!N`` is ambiguous.
    """
    exact = session.exec(select(Change).where(Change.key == ref)).first()
    if exact is not None:
        return [exact]
    key = ChangeKey.parse(ref)
    if key is None:
        return []
    repo = key.repository
    if key.number is not None:
        # Beyond the store's 32-bit integer: no pull request has that number.
        if key.number > 2**31 - 1:
            return []
        # The mark tells the code hosts apart: with GitHub and GitLab side by side,
        # `acme/web!7` is the merge request and never GitHub's `acme/web#7`.
        query = select(Change).where(
            Change.number == key.number,
            col(Change.key).endswith(f"{key.mark}{key.number}", autoescape=True),
        )
    else:
        assert key.sha is not None
        query = select(Change).where(col(Change.sha).startswith(key.sha, autoescape=True))
    names = {r.id: r.name for r in session.exec(select(Repository))}
    return [
        c
        for c in session.exec(query.order_by(col(Change.merged_at).desc(), col(Change.key)))
        if same_repository(names.get(c.repository_id, ""), repo)
    ]


def latest_deploy_key(session: Session, service: str) -> str | None:
    """The key of ``service``'s latest finished deploy."""
    svc = session.exec(select(Service).where(Service.key == service)).first()
    if svc is None:
        return None
    deploy = session.exec(
        select(Deploy)
        .where(Deploy.service_id == svc.id)
        .order_by(col(Deploy.finished_at).desc(), col(Deploy.key).desc())
    ).first()
    return deploy.key if deploy else None


def find_deploys(session: Session, ref: str) -> list[Deploy]:
    """The deploys ``ref`` names, newest first: its key, else one part of keys (a tag).

    Cards and answers print deploy keys (``deploy:checkout:2026-11-20T15:35``,
    ``git-tag:pallets/flask:3.1.3:flask``); a tag alone (``3.1.3``) finds the deploys
    it made, one per service.
    """
    exact = session.exec(select(Deploy).where(Deploy.key == ref)).first()
    if exact is not None:
        return [exact]
    if ":" in ref or not ref.strip():
        return []
    inner = col(Deploy.key).contains(f":{ref}:", autoescape=True)
    last = col(Deploy.key).endswith(f":{ref}", autoescape=True)
    query = select(Deploy).where(inner | last)
    return list(session.exec(query.order_by(col(Deploy.finished_at).desc(), col(Deploy.key))))
