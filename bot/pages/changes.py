"""The pages of one change and of one deploy: what makes a change's score, and what a
deploy shipped."""

from __future__ import annotations

from bot.answers.deploys import split_reason
from bot.answers.records.change import change_risk, file_owners
from bot.answers.records.deploy import deploy_record
from bot.pages.grids import changes_grid, deploys_grid, incidents_grid
from bot.pages.page import Page, PageContext
from bot.pages.tables import Grid, GridColumn, cell
from data.deploy_rule import Pattern, found_by_words
from scoring.signals import SIGNAL_WORDS

__all__ = ["change_page", "deploy_page"]


def change_page(ctx: PageContext, key: str) -> Page:
    """A change's score as the points adding up to it, its files and owners, and what followed."""
    risk = change_risk(ctx.session, ctx.org, ctx.access, key)
    files = file_owners(ctx.session, ctx.access, risk.key)
    grid = Grid(
        "files",
        "Files",
        (
            GridColumn("path", "Path"),
            GridColumn("added", "Added", numeric=True),
            GridColumn("deleted", "Deleted", numeric=True),
            GridColumn("service", "Service"),
            GridColumn("owners", "Owners (CODEOWNERS, as of the change)"),
        ),
        tuple(
            (
                cell(f.path + (" (generated)" if f.generated else "")),
                cell(f.added),
                cell(f.deleted),
                cell(f.service),
                cell(
                    "unknown"
                    if f.owners is None
                    else (", ".join(f.owners) if f.owners else "no owner")
                ),
            )
            for f in files
        ),
    )
    deploys = deploys_grid("deploys", "Deploys that shipped it", risk.deploys, ctx.url)
    advice = {name: words.advice for name, words in SIGNAL_WORDS.items()}
    return Page(
        "change.html",
        f"{risk.key}: {risk.title}",
        {"risk": risk, "advice": advice},
        (grid, deploys),
    )


def deploy_page(ctx: PageContext, key: str) -> Page:
    """What a deploy shipped, each change's risk, and what followed."""
    record = deploy_record(ctx.session, ctx.org, ctx.access, key)
    # What gated it, in the words `/risk deploy` says it in.
    reason = split_reason(record, record.split) if record.split is not None else None
    # What found it, in `/risk deploy`'s words: (text, shown as code); the template escapes both.
    found_by = (
        [
            (p, False) if isinstance(p, str) else (p.text, isinstance(p, Pattern))
            for p in found_by_words(record.found_by.found_by())
        ]
        if record.found_by is not None
        else None
    )
    return Page(
        "deploy.html",
        f"Deploy {record.key}",
        {"deploy": record, "split_reason": reason, "found_by": found_by},
        (
            changes_grid("changes", "Changes it shipped", record.changes, ctx.url),
            incidents_grid("incidents", "Incidents linked to it", record.incidents, ctx.url),
        ),
    )
