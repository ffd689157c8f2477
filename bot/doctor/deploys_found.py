"""Doctor's count of the deploys each rule found per service in the last 90 days, from the
store: a service whose deploy source finds nothing shows as ``none``."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.doctor.check import Check, passed, skipped
from bot.settings import Settings
from data.clock import utcnow
from data.config import OrgConfig
from data.deploy_rule import FoundBy, rule_text
from data.store.engine import make_engine
from data.store.reads.deploys import deploy_rules_since
from scoring.plural import many

__all__ = ["DEPLOYS_FOUND_DAYS", "check_deploys_found"]

DEPLOYS_FOUND_DAYS = 90
# A deploy stored before riskbrief kept the rule that found it.
_NOT_KEPT = "a rule not kept"


def _stored(settings: Settings) -> bool:
    """False for a SQLite store that is not there: connecting would create an empty one."""
    url = make_url(settings.database_url)
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return True
    return Path(str(url.database)).exists()


def _rule(text: str | None) -> str:
    found = FoundBy.decode(text)
    return _NOT_KEPT if found is None else rule_text(found.kind, found.rule)


def check_deploys_found(
    settings: Settings,
    org: OrgConfig | None,
    org_error: str | None,
    now: Callable[[], datetime] = utcnow,
) -> Check:
    """Per service, how many deploys each rule found in the last 90 days:
    ``checkout 12 by tags matching `^v\\d`; search none``."""
    name = "deploys found"
    if org_error is not None or org is None:
        return skipped(name, "riskbrief.toml does not read.")
    if not _stored(settings):
        return skipped(name, "there is no store yet (see the database line).")
    since = now() - timedelta(days=DEPLOYS_FOUND_DAYS)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            rows = deploy_rules_since(session, since)
    except sa.exc.SQLAlchemyError:
        return skipped(name, "the store cannot be read (see the database line).")
    finally:
        engine.dispose()
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for service, found, n in rows:
        counts[service][_rule(found)] += n
    said = []
    for service in (s.key for s in org.services):
        rules = counts.get(service)
        if not rules:
            said.append(f"{service} none")
            continue
        # Most found first; ties in the words' order, so the line is the same on every run.
        found_by = sorted(rules.items(), key=lambda r: (-r[1], r[0]))
        said.append(f"{service} " + ", ".join(f"{n} by {rule}" for rule, n in found_by))
    total = sum(n for rules in counts.values() for n in rules.values())
    return passed(
        name,
        f"{many(total, 'deploy')} in the last {DEPLOYS_FOUND_DAYS} days: " + "; ".join(said),
    )
