"""The web view in a real browser: every page at a phone's and a desktop's width.

Each page is loaded twice per width: once as a visitor gets it, where the console, script
errors, Content-Security-Policy violations, the HTTP status and horizontal overflow are
checked; and once with the CSP bypassed, only so that axe-core can be injected (the pages
allow no script at all), where no accessibility violation of serious or critical impact may
remain. axe-core is vendored in ``vendor/`` (axe-core 4.14.1 from the npm registry, MPL-2.0:
``vendor/axe-core.LICENSE``), so the tests need no network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urljoin

import pytest

from bot.pages.views import VIEWS
from tests.bot.pages.conftest import Served

if TYPE_CHECKING:
    from playwright.sync_api import Browser, ConsoleMessage, Error, Page, ViewportSize

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDTHS = (390, 1280)
HEIGHT = 800

# Every CSP violation the document reports, recorded by a script Playwright adds outside the
# page's CSP (the page itself may run none).
_CSP_PROBE = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline'));
});
"""

_AXE_RUN = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ': ' + n.failureSummary),
    }));
}
"""

_OVERFLOW = "[document.documentElement.scrollWidth, window.innerWidth]"


def _paths(served: Served) -> dict[str, tuple[str, int]]:
    """Each page's path under the prefix, and the status it must answer: a page whose first
    route takes no value is visited there; one that takes a value, with the sample's."""
    plain = {v.name: (v.routes[0], 200) for v in VIEWS if "<" not in v.routes[0]}
    return {
        **plain,
        "week-named": (f"/week/{served.week}", 200),
        "rows": (f"/rows/{served.week}", 200),
        "change": ("/change/" + quote(served.change, safe="/"), 200),
        "deploy": ("/deploy/" + quote(served.deploy, safe="/:"), 200),
        "service": (f"/service/{served.service}?weeks=52", 200),
        "team": (f"/team/{served.team}", 200),
        "search": ("/search?q=" + quote(served.change, safe=""), 200),
        "not-found": ("/no-such-page", 404),
    }


# Every page of the registry, a week named, and the one not-found page.
PAGES = (*(v.name for v in VIEWS), "week-named", "not-found")


@dataclass
class Viewport:
    """One width's two tabs: as a visitor sees it (with what it reported), and one for axe."""

    strict: Page
    axe: Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _console_recorder(view: Viewport) -> Callable[[ConsoleMessage], None]:
    def record(message: ConsoleMessage) -> None:
        if message.type not in ("error", "warning"):
            return
        where = str(message.location.get("url", ""))
        # The browser's own favicon request is no page's doing (the pages are under /web).
        if where.endswith("/favicon.ico"):
            return
        view.console.append(f"{message.type}: {message.text} ({where})")

    return record


def _error_recorder(view: Viewport) -> Callable[[Error], None]:
    def record(error: Error) -> None:
        view.errors.append(str(error))

    return record


@pytest.fixture(scope="module")
def viewports(browser: Browser) -> Iterator[dict[int, Viewport]]:
    """Per width: a context as a visitor has it, and one that bypasses the CSP for axe."""
    contexts = []
    views: dict[int, Viewport] = {}
    for width in WIDTHS:
        size: ViewportSize = {"width": width, "height": HEIGHT}
        strict = browser.new_context(viewport=size)
        for_axe = browser.new_context(viewport=size, bypass_csp=True)
        contexts += [strict, for_axe]
        strict.add_init_script(_CSP_PROBE)
        # axe-core in every document of its own context, before the page's parse: the same
        # as ``add_script_tag`` after each load, without a 0.1-0.3 s injection per page.
        for_axe.add_init_script(path=AXE)
        view = Viewport(strict.new_page(), for_axe.new_page())
        view.strict.on("console", _console_recorder(view))
        view.strict.on("pageerror", _error_recorder(view))
        views[width] = view
    yield views
    for context in contexts:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("name", PAGES)
def test_page_is_clean_and_accessible(
    served: Served, viewports: dict[int, Viewport], name: str, width: int
) -> None:
    """The page answers its status with no console error, script error, CSP violation,
    sideways scrolling or serious accessibility violation at this width."""
    paths = _paths(served)
    assert name in paths, f"the page {name!r} takes a value: give it the sample's in _paths"
    path, status = paths[name]
    url = served.base + path
    view = viewports[width]
    view.console.clear()
    view.errors.clear()

    response = view.strict.goto(url)
    assert response is not None
    assert response.status == status, f"{url} answered {response.status}"
    if status == 404:
        # The document's own 404 is what this page is for; Chromium logs it as an error.
        view.console[:] = [m for m in view.console if f"({url})" not in m]
    csp: list[str] = view.strict.evaluate("window.__cspViolations")
    assert csp == [], f"CSP violations on {url}: {csp}"
    assert view.console == [], f"console of {url}: {view.console}"
    assert view.errors == [], f"script errors on {url}: {view.errors}"
    scroll_width, inner_width = view.strict.evaluate(_OVERFLOW)
    assert scroll_width <= inner_width, (
        f"{url} scrolls sideways at {width} px: the document is {scroll_width} px wide"
    )

    view.axe.goto(url)
    violations: list[dict[str, Any]] = view.axe.evaluate(_AXE_RUN)
    assert violations == [], f"axe on {url} at {width} px:\n" + "\n".join(
        f"{v['impact']} {v['id']} ({v['help']}):\n  " + "\n  ".join(v["nodes"]) for v in violations
    )


def _changes_keys(page: Page) -> list[str]:
    """The change keys of the rows page's changes table, top to bottom."""
    table = page.locator("section.grid", has=page.locator("#changes-caption"))
    return table.locator("tbody tr td:first-child").all_inner_texts()


def test_header_link_sorts_the_table(served: Served, viewports: dict[int, Viewport]) -> None:
    """Clicking a column's header reorders the rows by it, ascending then descending."""
    page = viewports[1280].strict
    page.goto(f"{served.base}/rows/{served.week}")
    before = _changes_keys(page)
    assert len(before) >= 3, f"too few changes to see a sort: {before}"
    header = page.locator("section.grid", has=page.locator("#changes-caption"))
    header.get_by_role("link", name="Change", exact=True).click()
    page.wait_for_load_state()
    ascending = _changes_keys(page)
    assert ascending == sorted(before, key=str.lower)
    assert ascending != before, "the table was already in that order: pick another column"
    sorted_header = header.locator("th[aria-sort]")
    assert sorted_header.get_attribute("aria-sort") == "ascending"

    sorted_header.get_by_role("link").click()
    page.wait_for_load_state()
    assert _changes_keys(page) == ascending[::-1]
    assert header.locator("th[aria-sort]").get_attribute("aria-sort") == "descending"


def test_csv_link_answers_csv(served: Served, viewports: dict[int, Viewport]) -> None:
    """A table's CSV link answers text/csv with the table's header and one line per row."""
    page = viewports[1280].strict
    page.goto(f"{served.base}/rows/{served.week}")
    table = page.locator("section.grid", has=page.locator("#changes-caption"))
    href = table.locator("a.csv").get_attribute("href")
    assert href is not None
    answer = page.request.get(urljoin(page.url, href))
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/csv")
    lines = answer.text().splitlines()
    labels = table.locator("thead th").all_inner_texts()
    assert lines[0].split(",") == labels
    assert len(lines) == 1 + table.locator("tbody tr").count()


# Each header's text and its right edge against the right edge of its table's box.
_HEADERS = """
() => [...document.querySelectorAll('section.grid')].flatMap((section) => {
  const box = section.querySelector('.scroll');
  if (!box) return [];
  const right = Math.min(box.getBoundingClientRect().right, window.innerWidth);
  const caption = section.querySelector('h2').innerText;
  return [...section.querySelectorAll('thead th')].map((th) => {
    const r = th.getBoundingClientRect();
    return [caption, th.innerText.trim(), r.width > 0 && r.right <= right + 0.5];
  });
})
"""


@pytest.mark.parametrize(
    ("name", "table", "wanted"),
    [
        ("home", "Teams side by side", ("Team", "High-risk share", "Incidents")),
        ("deploy", "Changes it shipped", ("Change", "Score", "Band")),
        ("rows", "Changes", ("Change", "Score", "Band")),
        ("rows", "Deploys", ("Deploy", "Score", "Band", "Incidents")),
        ("team", "Its services side by side", ("Service", "High-risk share", "Incidents")),
        ("team", "Week by week", ("Week", "High-risk share", "Changes", "Incidents")),
        ("agents", "Agents in", ("Agent", "Changes", "Not approved", "Review unknown")),
        ("agents", "What became of them", ("Whose", "Changes", "Approved", "Gone wrong")),
        ("agents", "Week by week", ("Week", "AI-agent changes", "Without", "Reverted")),
    ],
)
def test_a_phone_sees_each_tables_score_and_incidents(
    served: Served, viewports: dict[int, Viewport], name: str, table: str, wanted: tuple[str, ...]
) -> None:
    """At 390 px a table's key, score, band and incidents are in sight without scrolling it
    sideways: a table wider than the phone keeps what matters first and scrolls the rest."""
    page = viewports[390].strict
    page.goto(served.base + _paths(served)[name][0])
    headers = [h for h in page.evaluate(_HEADERS) if h[0].startswith(table)]
    assert headers, f"no table {table!r} on {name}"
    for want in wanted:
        found = [(label, seen) for _, label, seen in headers if label.startswith(want)]
        assert found, f"no {want!r} column in {table!r} on {name}"
        for label, seen in found:
            assert seen, f"{label!r} of {table!r} on {name} is out of sight at 390 px"
