"""The ingest tests' organisation, synced into the test's store."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.config import OrgConfig, parse_org_config
from data.store.org import sync_org
from tests.data.shop import ORG


@pytest.fixture
def org(engine: Engine) -> OrgConfig:
    """``tests.data.shop.ORG``, synced into the store; a module may define its own."""
    config = parse_org_config(ORG)
    with Session(engine) as session:
        sync_org(session, config)
        session.commit()
    return config
