"""The web view under a fuzzer: every page's address and form fields (search, scope, weeks,
sort, csv, sign-out) with generated values, over HTTP.

Nothing is a 5xx or logs a traceback; what the view cannot read (a search past its 200
characters) is a 4xx of one sentence; the store is unchanged byte for byte.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from urllib.parse import quote

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy.engine import Engine

from bot.pages.app import DEFAULT_PREFIX, PagesApp, PagesConfig
from bot.pages.search import MAX_QUERY
from bot.runtime.server import HttpServer
from tests.doors import door_settings, no_traceback, store_digest
from tests.samples import SampleTemplate

# How many generated requests the web view takes in `make test` (docs/hardening.md): a page
# is made whole for each (a week's page in about half a second), so fewer than elsewhere.
EXAMPLES = 20
PAGES = [
    "",
    "/week",
    "/week/{}",
    "/rows/{}",
    "/change/{}",
    "/deploy/{}",
    "/service/{}",
    "/team/{}",
    "/agents",
    "/ranking",
    "/search",
]
# Text a browser could put in an address: any characters but the NUL, which no URL holds, and
# lone surrogates, which no UTF-8 (so no address) can carry.
TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=40)


@pytest.fixture(scope="module")
def served(
    scored_sample: SampleTemplate, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Engine]]:
    """The open web view (`riskbrief web`) of a copy of the scored sample, over HTTP."""
    loaded = scored_sample.copy(tmp_path_factory.mktemp("pages-fuzz") / "store.db")
    app = PagesApp(loaded.engine, loaded.org, PagesConfig(open=True))
    server = HttpServer(app, "127.0.0.1", 0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield server.url + DEFAULT_PREFIX, loaded.engine
    finally:
        server.stop()
        thread.join(timeout=10)
        loaded.engine.dispose()


def test_generated_addresses_and_fields_never_fail_the_view(
    served: tuple[str, Engine],
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Any page with any value in its address and its fields: never a 5xx nor a traceback; a
    search past its limit is a 400; the store is unchanged."""
    url, engine = served
    digest = store_digest(engine)
    fields = st.dictionaries(
        st.sampled_from(["q", "scope", "weeks", "sort", "dir", "csv", "t", "next"]),
        TEXT | st.text(min_size=MAX_QUERY + 1, max_size=MAX_QUERY + 50),
        max_size=4,
    )
    with httpx.Client(follow_redirects=False, timeout=60) as client:

        @door_settings(EXAMPLES)
        @given(page=st.sampled_from(PAGES), value=TEXT.filter(lambda s: s.strip("./")), args=fields)
        def pages(page: str, value: str, args: dict[str, str]) -> None:
            address = url + page.format(quote(value, safe=""))
            answer = client.get(address, params=args)
            assert answer.status_code < 500, (address, args, answer.status_code)
            if page == "/search" and len(args.get("q", "").strip()) > MAX_QUERY:
                assert 400 <= answer.status_code < 500, (args, answer.status_code)

        pages()
        # Without a session there is nothing to end: said in one sentence, nothing written.
        signout = client.post(url + "/signout", data={"token": "forged"})
        assert signout.status_code == 200, signout.status_code
    assert store_digest(engine) == digest
    no_traceback(caplog, capsys)
