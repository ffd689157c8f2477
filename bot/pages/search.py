"""The search page: changes, deploys, services, teams and people, each only within the
viewer's scope."""

from __future__ import annotations

from sqlmodel import col, select

from bot.answers.lookups import catalog_of, find_changes, find_deploys, version_of
from bot.answers.parse import Usage, change_query
from bot.answers.records.change import change_risk
from bot.answers.records.deploy import deploy_record
from bot.pages.page import Page, PageContext
from data.sources.registry import read_change
from data.store.tables import Change, Person
from scoring.errors import NotFoundError

__all__ = ["search_page"]


def search_page(ctx: PageContext) -> Page:
    """Changes by key, URL or sha; deploys by key or tag; services and teams; people by login."""
    q = ctx.args.get("q", "").strip()[:200]
    found: list[tuple[str, str, str]] = []
    if q:
        resolved = catalog_of(ctx.org).resolve(q)
        if resolved is not None:
            kind, key = resolved
            if ctx.access.whole or set(
                ctx.org.scope_services(*(((key,), ()) if kind == "team" else ((), (key,))))
            ) <= (ctx.access.services or set()):
                names = {**catalog_of(ctx.org).teams, **catalog_of(ctx.org).services}
                found.append((kind, names.get(key, key), ctx.url(kind, name=key)))
        query = change_query(q, lambda text: read_change(text, ctx.org))
        if not isinstance(query, Usage):
            for change in find_changes(ctx.session, query.key)[:20]:
                try:
                    risk = change_risk(ctx.session, ctx.org, ctx.access, change.key)
                except NotFoundError:
                    continue
                found.append(
                    ("change", f"{risk.key}: {risk.title}", ctx.url("change", key=risk.key))
                )
        for deploy in find_deploys(ctx.session, q)[:20]:
            try:
                record = deploy_record(ctx.session, ctx.org, ctx.access, deploy.key)
            except NotFoundError:
                continue
            found.append(("deploy", record.key, ctx.url("deploy", key=record.key)))
        person = ctx.session.exec(select(Person).where(Person.login == q)).first()
        if person is not None:
            changes = ctx.session.exec(
                select(Change.key)
                .where(Change.author_id == person.id)
                .order_by(col(Change.merged_at).desc())
                .limit(50)
            )
            for key in changes:
                try:
                    risk = change_risk(ctx.session, ctx.org, ctx.access, key)
                except NotFoundError:
                    continue
                found.append(
                    ("change by " + q, f"{risk.key}: {risk.title}", ctx.url("change", key=risk.key))
                )
    return Page("search.html", "Search", {"q": q, "found": found, "version": version_of(ctx.org)})
