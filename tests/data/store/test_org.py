"""The organisation written into the store: safe when several processes start at once."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from data.config import parse_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import ChannelName, Repository, Service, Subscriber, SubscriberAddress, Team

ORG = parse_org_config(
    '[[repositories]]\nname = "acme/shop"\n'
    '[[services]]\nkey = "checkout"\nrepository = "acme/shop"\n'
    '[[services]]\nkey = "payments"\nrepository = "acme/shop"\n'
    '[[teams]]\nkey = "commerce"\nservices = ["checkout", "payments"]\n'
    '[[subscribers]]\nkey = "maria"\nemail = "maria@example.com"\n'
)


def test_replicas_starting_together_write_the_organisation_once(engine: Engine) -> None:
    """Six replicas syncing the organisation into a fresh store at the same moment all succeed
    and leave one row per repository, team, service and subscriber."""
    replicas = 6
    start = threading.Barrier(replicas)
    errors: list[BaseException] = []

    def replica() -> None:
        try:
            start.wait()
            with session_scope(engine) as session:
                sync_org(session, ORG)
        except BaseException as exc:
            # Collected here and asserted in the test thread: a thread cannot fail a test.
            errors.append(exc)

    threads = [threading.Thread(target=replica) for _ in range(replicas)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with Session(engine) as session:
        for table, expected in ((Repository, 1), (Team, 1), (Service, 2), (Subscriber, 1)):
            assert session.exec(select(func.count()).select_from(table)).one() == expected


def test_a_subscribers_teams_webhook_is_kept_changed_and_removed_with_the_file(
    engine: Engine,
) -> None:
    """The file's teams_webhook_url is the row's Microsoft Teams address, through each edit."""
    first = "https://prod-07.westeurope.logic.azure.com/workflows/1/triggers/manual?sig=A"
    second = first.replace("sig=A", "sig=B")
    with_url = "[[subscribers]]\nkey = 'chat'\nemail = 'c@acme.io'\nteams_webhook_url = '{}'\n"
    seen = []
    for text in (with_url.format(first), with_url.format(second), with_url.split("teams_")[0]):
        with session_scope(engine) as session:
            sync_org(session, parse_org_config(text))
        with session_scope(engine) as session:
            row = session.exec(select(Subscriber)).one()
            stored = session.exec(select(func.count()).select_from(SubscriberAddress)).one()
        seen.append((row.address_on(ChannelName.MSTEAMS), row.email, stored))
    assert seen == [(first, "c@acme.io", 1), (second, "c@acme.io", 1), (None, "c@acme.io", 0)]
