"""The ranking page: how well the score ranks the changes that went wrong here."""

from __future__ import annotations

from bot.answers.records.ranking import store_ranking
from bot.pages.page import Page, PageContext
from bot.pages.tables import Column, Grid, cell
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
            Column("band", "Band"),
            Column("changes", "Changes", numeric=True),
            Column("bad", "Went wrong", numeric=True),
            Column("rate", "Rate %", numeric=True),
            Column("lift", "Against the average (×)", numeric=True),
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
            Column("signal", "Signal"),
            Column("bad", "Went wrong", numeric=True),
            Column("good", "Others", numeric=True),
            Column("gap", "Difference", numeric=True),
        ),
        tuple((cell(s.name), cell(s.bad), cell(s.good), cell(s.gap)) for s in ranking.signals),
    )
    return Page(
        "ranking.html",
        "How well the score ranks here",
        {"ranking": ranking, "record": record_line(ranking.record), "few": MIN_OUTCOMES},
        (bands, signals),
    )
