"""The search page: changes, deploys, services, teams and people, each only within the
viewer's scope."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from bot.answers.asked import own_catalog
from bot.answers.lookups import version_of
from bot.answers.parse import Usage, change_query
from bot.answers.records.change import change_risk
from bot.answers.records.models import person_name
from bot.pages.page import Page, PageContext
from data.sources.registry import read_change
from data.store.reads.changes import changes_by_author, scored_change_keys, services_touched
from data.store.reads.lookups import find_changes, find_deploys
from data.store.reads.org import person_by_login, service_keys
from data.store.tables import Change
from scoring.errors import NotFoundError, RiskbriefError

__all__ = ["MAX_QUERY", "search_page"]

# The longest search: a change's URL, a sha, a tag or a login is far shorter. A longer one is
# refused in one sentence, never searched for or written back into the page.
MAX_QUERY = 200


def search_page(ctx: PageContext) -> Page:
    """Changes by key, URL or sha; deploys by key or tag; services and teams; people by login."""
    q = ctx.args.get("q", "").strip()
    if len(q) > MAX_QUERY:
        raise RiskbriefError(
            f"A search is at most {MAX_QUERY} characters and this one has {len(q)}; search for "
            "a change's key, URL or sha, a deploy or tag, a service or team, or a login."
        )
    found: list[tuple[str, str, str]] = []
    if q:
        # Only the viewer's own teams and services are found, as `/risk` resolves them.
        own = own_catalog(ctx.org, ctx.access)
        resolved = own.resolve(q)
        if resolved is not None:
            kind, key = resolved
            names = {**own.teams, **own.services}
            found.append((kind, names.get(key, key), ctx.url(kind, name=key)))
        query = change_query(q, partial(read_change, org=ctx.org))
        if not isinstance(query, Usage):
            for key, title in _openable(ctx, find_changes(ctx.session, query.key)[:20]):
                found.append(("change", f"{key}: {title}", ctx.url("change", key=key)))
        deploys = find_deploys(ctx.session, q)[:20]
        if deploys:
            # A deploy's page opens when the viewer sees its service (``deploy_record``).
            services = service_keys(ctx.session)
            for deploy in deploys:
                if ctx.access.sees([services.get(deploy.service_id)]):
                    found.append(("deploy", deploy.key, ctx.url("deploy", key=deploy.key)))
        person = person_by_login(ctx.session, q)
        if person is not None:
            changes = changes_by_author(ctx.session, person.id, 50)
            for key, title in _openable(ctx, changes):
                by = "change by " + person_name(person.login, person.display_name)
                found.append((by, f"{key}: {title}", ctx.url("change", key=key)))
    return Page("search.html", "Search", {"q": q, "found": found, "version": version_of(ctx.org)})


def _openable(ctx: PageContext, changes: Sequence[Change]) -> list[tuple[str, str]]:
    """The key and title of each of ``changes`` whose page the viewer may open, in order.

    A change's page (``change_risk``) opens when its key names it alone, it touched a
    service in the viewer's scope, and it is scored by the current scorer. Those three are
    checked here for all of ``changes`` in two queries, not by building each one's record
    (its deploys, reverts and breakdown) only to show its title.
    """
    # The services each change touched: what ``change_risk`` checks the scope against.
    touched = {} if ctx.access.whole else services_touched(ctx.session, changes)
    scored = scored_change_keys(ctx.session, version_of(ctx.org), [c.key for c in changes])
    shown = []
    reader = partial(read_change, org=ctx.org)
    for change in changes:
        query = change_query(change.key, reader)
        if isinstance(query, Usage):
            # ``change_risk`` finds nothing by a key it cannot read.
            continue
        if query.key != change.key:
            # A key that reads as another ref may name other changes too: only the record
            # says which one opens, so it is built, as every change's was before.
            try:
                risk = change_risk(ctx.session, ctx.org, ctx.access, change.key)
            except NotFoundError:
                continue
            shown.append((risk.key, risk.title))
            continue
        # Read as itself, the key finds this change alone (keys are unique in the store).
        in_scope = ctx.access.whole or ctx.access.sees(touched.get(change.id, set()))
        if in_scope and change.key in scored:
            shown.append((change.key, change.title))
    return shown
