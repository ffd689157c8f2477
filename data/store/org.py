"""The organisation of ``riskbrief.toml`` written into the store's rows."""

from __future__ import annotations

from sqlmodel import Session, select

from data import channels
from data.config import OrgConfig
from data.store.engine import hold_write_lock
from data.store.tables import (
    Repository,
    Service,
    Subscriber,
    SubscriberOrigin,
    Team,
)

__all__ = ["sync_org"]


def sync_org(session: Session, org: OrgConfig) -> None:
    """Upsert repositories, teams, services and config subscribers; idempotent.

    Subscribers that came from Slack (``SubscriberOrigin.SLACK``) are left alone
    unless the file now declares the same Slack user, whose file entry wins;
    config subscribers no longer in the file are deactivated, never deleted, so
    their delivery history stays. Replicas starting together take turns: each
    reads what the one before it wrote, so none inserts a row twice.
    """
    hold_write_lock(session, "riskbrief.sync_org", "repository", "name")
    repos = {r.name: r for r in session.exec(select(Repository))}
    for rc in org.repositories:
        repo = repos.get(rc.name) or Repository(name=rc.name)
        repo.url = rc.url
        repo.default_branch = rc.default_branch
        session.add(repo)
        repos[rc.name] = repo
    teams = {t.key: t for t in session.exec(select(Team))}
    for tc in org.teams:
        team = teams.get(tc.key) or Team(key=tc.key, name=tc.display_name)
        team.name = tc.display_name
        session.add(team)
        teams[tc.key] = team
    session.flush()
    services = {s.key: s for s in session.exec(select(Service))}
    for sc in org.services:
        service = services.get(sc.key) or Service(key=sc.key, name=sc.display_name)
        service.name = sc.display_name
        service.path_globs = list(sc.paths)
        repo_row = repos.get(sc.repository) if sc.repository else None
        service.repository_id = repo_row.id if repo_row else None
        owner = org.team_of_service(sc.key)
        service.team_id = teams[owner].id if owner else None
        session.add(service)
    subscribers = {s.key: s for s in session.exec(select(Subscriber))}
    declared = {s.key for s in org.subscribers}
    for sub in org.subscribers:
        row = subscribers.get(sub.key) or Subscriber(key=sub.key, name=sub.name or sub.key)
        row.name = sub.name or sub.key
        # Each registered channel's address, the Slack member id and email among them.
        for address in channels.ADDRESSES:
            row.give_address(address.channel, sub.address_on(address.channel))
        row.timezone = sub.timezone
        row.teams = list(sub.teams)
        row.services = list(sub.services)
        row.active = True
        row.origin = SubscriberOrigin.CONFIG
        session.add(row)
    declared_users = {s.slack_user_id for s in org.subscribers if s.slack_user_id}
    for key, row in subscribers.items():
        stale_config = row.origin == SubscriberOrigin.CONFIG and key not in declared
        # Config wins: a Slack-made subscription of someone the file now declares
        # would send them a second briefing.
        superseded = row.origin == SubscriberOrigin.SLACK and row.slack_user_id in declared_users
        if (stale_config or superseded) and row.active:
            row.active = False
            session.add(row)
    session.flush()
