"""The organisation written into the store: safe when several processes start at once."""

from __future__ import annotations

import threading

from sqlalchemy.engine import Engine
from sqlmodel import Session, func, select

from data.config import parse_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Repository, Service, Subscriber, Team

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
