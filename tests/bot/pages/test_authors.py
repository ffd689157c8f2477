"""An author the store keys by e-mail is shown by the name git gave them, in pages and answers;
the address stays only where no name is known."""

from __future__ import annotations

import html
import re

import pytest
from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.records.change import change_risk
from bot.answers.records.models import person_name
from data.ingest import Ingest
from data.source_values import SourcePerson
from data.store.tables import Change, Person
from tests.bot.pages.small_history import SmallHistory, end_of_week_after


@pytest.mark.parametrize(
    ("login", "name", "shown"),
    [
        ("ada@example.com", "Ada Lovelace", "Ada Lovelace"),
        ("grace@example.com", None, "grace@example.com"),
        ("grace@example.com", "  ", "grace@example.com"),
        # A login is what the code host shows: kept even when a name is known.
        ("lhoffmann", "Lena Hoffmann", "lhoffmann"),
    ],
)
def test_a_person_is_shown_by_name_where_the_store_keys_them_by_email(
    login: str, name: str | None, shown: str
) -> None:
    assert person_name(login, name) == shown


def _text(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_change_pages_and_answers_name_the_author(small_history: SmallHistory) -> None:
    h = small_history
    with Session(h.engine) as session:
        # A source that knows the name (git's author name) records it with the address.
        Ingest(session, h.org).people([SourcePerson("ada@example.com", "Ada Lovelace")])
        session.commit()
        grace = session.exec(select(Person).where(Person.login == "grace@example.com")).one()
        hers = session.exec(
            select(Change.key).where(Change.author_id == grace.id).order_by(col(Change.id))
        ).first()
        whole = Access.organisation(h.org)
        assert change_risk(session, h.org, whole, h.big).author == "Ada Lovelace"
        assert hers is not None
        # The sync of the clone stored git's name for her too.
        assert change_risk(session, h.org, whole, hers).author == "Grace Hopper"
    client = h.client(end_of_week_after())
    page = _text(client.get("/web/change/" + h.big).get_data(as_text=True))
    assert "by Ada Lovelace" in page
    assert "ada@example.com" not in page
    found = _text(client.get("/web/search?q=ada@example.com").get_data(as_text=True))
    assert "change by Ada Lovelace" in found
