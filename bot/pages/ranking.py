"""The ranking page: how well the score ranks the changes that went wrong here."""

from __future__ import annotations

from bot.answers.records.ranking import store_ranking
from bot.pages.page import Page, PageContext
from bot.pages.tables import Grid, GridColumn, cell
from briefing.track_record import record_line
from scoring.record import MIN_OUTCOMES

__all__ = ["ranking_page"]


def ranking_page(ctx: PageContext) -> Page:
    """How well the score ranks changes that went wrong here, against lines added alone."""
    ranking = store_ranking(ctx.session, ctx.org, ctx.access)
    bands = Grid(
        "bands",
        "Changes that went wrong, by band",
        (
            GridColumn("band", "Band"),
            GridColumn("changes", "Changes", numeric=True),
            GridColumn("bad", "Went wrong", numeric=True),
            GridColumn("rate", "Rate %", numeric=True),
            GridColumn("lift", "Against the average (×)", numeric=True),
        ),
        tuple(
            (cell(b.band, band=b.band), cell(b.changes), cell(b.bad), cell(b.rate), cell(b.lift))
            for b in ranking.bands
        ),
    )
    signals = Grid(
        "signals",
        "The signals that carry it: mean points on changes that went wrong, and on the others",
        (
            GridColumn("signal", "Signal"),
            GridColumn("bad", "Went wrong", numeric=True),
            GridColumn("good", "Others", numeric=True),
            GridColumn("gap", "Difference", numeric=True),
        ),
        tuple((cell(s.name), cell(s.bad), cell(s.good), cell(s.gap)) for s in ranking.signals),
    )
    return Page(
        "ranking.html",
        "How well the score ranks here",
        {"ranking": ranking, "record": record_line(ranking.record), "few": MIN_OUTCOMES},
        (bands, signals),
    )
