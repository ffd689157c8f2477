"""The email rendering: subject, inlined HTML, plain text, chart and MIME structure."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime
from email.message import EmailMessage

import pytest

from briefing.deterministic import write_deterministic
from briefing.payload import UnknownView
from briefing.render import EmailMessageParts, build_mime, render_email
from briefing.render.text import unknown_line
from scoring.card_terms import Evidence, EvidenceKind
from tests.briefing.render.factory import GOOD_URL, HOSTILE, make_narrative, make_payload

CHANGE = EvidenceKind.CHANGE

_UNSUBSCRIBE = "https://riskbrief.example/unsubscribe?token=abc&sub=1"
_SENT_AT = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def _render(*, hostile: bool = False, unsubscribe_url: str | None = None) -> EmailMessageParts:
    """Render the factory payload, hostile or not, as an email."""
    payload = make_payload(hostile=hostile)
    return render_email(
        payload, make_narrative(payload, hostile=hostile), unsubscribe_url=unsubscribe_url
    )


def _mime(
    parts: EmailMessageParts, *, post: bool = True, url: str | None = _UNSUBSCRIBE
) -> EmailMessage:
    """The MIME message for ``parts``, parsed back from its bytes as a mail client would."""
    message = build_mime(
        parts,
        sender="riskbrief <brief@acme.example>",
        recipient="ada@acme.example",
        unsubscribe_url=url,
        unsubscribe_post=post,
        sent_at=_SENT_AT,
    )
    parsed = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_subject_leads_with_the_severity_counts_and_names_the_week() -> None:
    """The subject reads like "[riskbrief] 1 critical · 2 warning · 1 info — week 2026-W47"."""
    assert _render().subject == "[riskbrief] 1 critical · 2 warning · 1 info — week 2026-W47"


def test_html_starts_with_counts_then_headline_then_cards_by_severity() -> None:
    """The HTML shows the counts, the headline, then the cards most severe first."""
    html = _render().html
    order = [
        html.index("1 critical · 2 warning · 1 info"),
        html.index("Risk is concentrating in checkout"),
        html.index("Card 0 about checkout"),
        html.index("Do: Review the payment retries change for card-0"),
        html.index("Card 1 about checkout"),
        html.index("Card 3 about checkout"),
        html.index("Riskiest changes"),
        html.index("Changes by risk score"),
    ]
    assert order == sorted(order)


def test_html_styles_are_inlined() -> None:
    """The style block is gone and each card carries its severity colour as a left border."""
    html = _render().html
    assert "<style" not in html
    assert "border-left: 5px solid #d92d20" in html
    assert "border-left: 5px solid #f79009" in html
    assert "border-left: 5px solid #2e90fa" in html


def test_html_includes_the_chart_by_content_id() -> None:
    """The chart is an inline image referenced by its Content-ID, with alt text."""
    parts = _render()
    assert f'src="cid:{parts.chart_cid}"' in parts.html
    assert 'alt="Changes by risk score this week: very high risk 3 (last week 1)' in parts.html
    assert parts.chart_png.startswith(b"\x89PNG")


def test_hostile_strings_never_reach_the_html_unescaped() -> None:
    """Outside text cannot inject markup, scripts, links or bidi overrides into the HTML."""
    html = _render(hostile=True).html
    assert "<script" not in html.lower()
    for hostile in HOSTILE:
        if "<" in hostile:
            assert hostile not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tom &amp; Jerry" in html
    for invisible in ("\u202e", "\u200b", "\u200d", "\u2066", "\u2069"):
        assert invisible not in html


def test_only_safe_change_urls_are_linked_in_html() -> None:
    """Only http(s) change URLs without link-breaking characters become links."""
    html = _render().html
    assert 'href="https://github.com/acme/shop/pull/42?tab=files&amp;x=1"' in html
    assert "javascript:" not in html
    assert "evil.example" not in html


def test_text_part_has_the_whole_briefing_in_plain_words() -> None:
    """The text part has the counts, headline, capitalised severities, actions and chart as text."""
    text = _render().text
    lines = text.splitlines()
    assert lines[:2] == ["1 critical · 2 warning · 1 info", "Risk is concentrating in checkout"]
    assert "CRITICAL: Card 0 about checkout" in lines
    assert "INFO: Card 3 about checkout" in lines
    assert "Paragraph for card-0." in lines
    assert "  - high-risk share this week: 42%" in lines
    assert "  Do: Review the payment retries change for card-0" in lines
    assert any(line.strip().startswith("high ") and "9 (last week 4)" in line for line in lines)
    assert f"  {GOOD_URL}" in lines
    assert "Scope: Team Checkout · Narrative: deterministic" in lines


def test_text_part_is_not_html_escaped() -> None:
    """Plain text shows outside text as typed, without HTML entities, minus bidi controls."""
    text = _render(hostile=True).text
    assert "Tom & Jerry" in text
    assert "&amp;" not in text
    assert "\u202e" not in text


def test_unsubscribe_link_appears_in_both_parts_only_when_given() -> None:
    """The footer links to the unsubscribe URL when there is one, and says nothing otherwise."""
    with_link = _render(unsubscribe_url=_UNSUBSCRIBE)
    assert 'href="https://riskbrief.example/unsubscribe?token=abc&amp;sub=1"' in with_link.html
    assert f"Unsubscribe: {_UNSUBSCRIBE}" in with_link.text
    without = _render()
    assert "Unsubscribe" not in without.html
    assert "Unsubscribe" not in without.text


def test_unsafe_unsubscribe_url_is_not_linked() -> None:
    """An unsubscribe URL that is not http(s) or mailto is left out rather than linked."""
    parts = _render(unsubscribe_url="javascript:alert(1)")
    assert "javascript:" not in parts.html
    assert "Unsubscribe" not in parts.text


def test_quiet_week_email_has_headline_and_no_cards() -> None:
    """A quiet week's email has the counts and headline but no card."""
    payload = make_payload(cards=())
    narrative = make_narrative(payload).model_copy(update={"headline": "A quiet week."})
    parts = render_email(payload, narrative)
    assert parts.subject == "[riskbrief] 0 critical · 0 warning · 0 info — week 2026-W47"
    assert "A quiet week." in parts.html
    assert "card-title" not in parts.html
    assert parts.text.splitlines()[:2] == ["0 critical · 0 warning · 0 info", "A quiet week."]


def test_mime_is_text_alternative_to_html_related_to_the_chart() -> None:
    """The message is multipart/alternative of text/plain and multipart/related(html, png)."""
    parts = _render()
    message = _mime(parts)
    assert message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in message.walk()] == [
        "multipart/alternative",
        "text/plain",
        "multipart/related",
        "text/html",
        "image/png",
    ]
    image = next(p for p in message.walk() if p.get_content_type() == "image/png")
    assert image["Content-ID"] == f"<{parts.chart_cid}>"
    assert image.get_payload(decode=True) == parts.chart_png
    html = next(p for p in message.walk() if p.get_content_type() == "text/html")
    assert isinstance(html, EmailMessage)
    assert f"cid:{parts.chart_cid}" in html.get_content()


def test_mime_has_the_headers_a_mail_provider_expects() -> None:
    """Subject, addresses, Date, Message-ID and one-click unsubscribe headers are all set."""
    parts = _render(unsubscribe_url=_UNSUBSCRIBE)
    message = _mime(parts)
    assert message["Subject"] == parts.subject
    assert message["From"] == "riskbrief <brief@acme.example>"
    assert message["To"] == "ada@acme.example"
    assert message["Date"].datetime == _SENT_AT
    assert message["Message-ID"].endswith("@acme.example>")
    assert message["List-Unsubscribe"] == f"<{_UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_mime_without_one_click_support_omits_the_post_header() -> None:
    """Without one-click support only List-Unsubscribe is set."""
    message = _mime(_render(), post=False)
    assert message["List-Unsubscribe"] == f"<{_UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] is None


@pytest.mark.parametrize("url", [None, "http://riskbrief.example/u", "https://x.example/a b"])
def test_mime_sets_no_unsubscribe_headers_without_a_safe_https_url(url: str | None) -> None:
    """Without a clean https unsubscribe URL neither unsubscribe header is set."""
    message = _mime(_render(), url=url)
    assert message["List-Unsubscribe"] is None
    assert message["List-Unsubscribe-Post"] is None


def test_a_quiet_week_is_one_line_and_the_footer() -> None:
    """A quiet week's email is the counts and headline on one line, then the week and scope:
    no chart, no sections, no image attached."""
    payload = make_payload(cards=(), changes=())
    parts = render_email(payload, write_deterministic(payload))
    assert parts.text.splitlines() == [
        "0 critical · 0 warning · 0 info — a quiet week in Team Checkout: 54 changes, "
        "12 high risk, no material shift.",
        "Week 2026-W47 · 16–22 Nov 2026 (UTC) · Scope: Team Checkout",
    ]
    assert "<img" not in parts.html
    assert "Changes by risk score" not in parts.html
    assert parts.chart_png == b""
    assert not [p for p in _mime(parts).walk() if p.get_content_maintype() == "image"]


def test_listed_changes_leave_out_those_a_card_cites() -> None:
    """The changes list names no change a card already links; a very-high-risk change a card
    cites is marked as such in the card's evidence instead."""
    payload = make_payload()
    card = payload.cards[0].model_copy(
        update={"evidence": (Evidence(CHANGE, "pr-42"), Evidence(CHANGE, "pr-44"))}
    )
    payload = payload.model_copy(update={"cards": (card, *payload.cards[1:])})
    text = render_email(payload, make_narrative(payload)).text
    listed = text.split("Riskiest changes\n", 1)[1].split("\n\n", 1)[0]
    assert "Bump auth library" in listed
    assert "Rewrite payment retries" not in listed
    assert "Forged link" not in listed
    assert "  > pr-42 (score 87, very high risk) " in text


def test_the_chart_fills_the_width_of_a_phone() -> None:
    """The chart image is as wide as the column it sits in, up to 480 px, never wider."""
    html = _render().html
    assert re.search(r'<img class="chart"[^>]*style="[^"]*width: 100%;max-width: 480px', html)


def test_the_unknown_footer_says_unknown_is_not_safe_with_plurals_that_agree() -> None:
    """The partial-data line says plainly that unknown is not counted as safe, and one change
    is "1 change"."""
    line = unknown_line(UnknownView(changes=1, review=1))
    assert line is not None
    assert line.startswith(
        "Not known this week: review of 1 of 1 change. Unknown is not counted as safe."
    )
    assert "none of it as no risk" not in line
