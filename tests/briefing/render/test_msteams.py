"""The Teams rendering: the Workflows body, the card's order, Teams' size limit and escaping."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from briefing.payload import CardView, DeployView
from briefing.render.msteams import CARD_VERSION, MAX_MESSAGE_BYTES, MsTeamsMessage, render_msteams
from fakes.teams_server import CARD_LIMIT
from tests.briefing.render.factory import GOOD_URL, make_cards, make_narrative, make_payload

MARKDOWN_LINK = "[click here](https://evil.example/steal)"


def _render(**kwargs: Any) -> MsTeamsMessage:
    payload = make_payload(**kwargs)
    return render_msteams(payload, make_narrative(payload))


def _elements(value: Any) -> Iterator[dict[str, Any]]:
    """Every object with a ``type`` anywhere in the card."""
    if isinstance(value, dict):
        if "type" in value:
            yield value
        for item in value.values():
            yield from _elements(item)
    elif isinstance(value, list):
        for item in value:
            yield from _elements(item)


def _line(block: dict[str, Any]) -> str:
    """A RichTextBlock's runs joined."""
    return "".join(run["text"] for run in block["inlines"])


def test_the_body_is_a_workflows_message_with_one_adaptive_card() -> None:
    """The posted body is what a Workflows webhook takes: a message with one Adaptive Card 1.5."""
    body = _render().to_json()
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["version"] == CARD_VERSION == "1.5"
    assert card["$schema"] == "http://adaptivecards.io/schemas/adaptive-card.json"


def test_severity_counts_come_first_then_the_headline_then_cards_most_severe_first() -> None:
    """The first line is the counts, the second the headline; critical cards precede info."""
    payload = make_payload(cards=make_cards(("info", "critical", "warning")))
    message = render_msteams(payload, make_narrative(payload))
    body = message.card["body"]
    assert _line(body[0]) == payload.severity_counts.line()
    assert _line(body[1]) == make_narrative(payload).headline
    styles = [b["style"] for b in body if b["type"] == "Container"]
    assert styles == ["attention", "warning", "accent"]


def test_outside_text_only_reaches_plain_text_runs() -> None:
    """No markdown-capable TextBlock carries text: a title's markdown link shows as typed."""
    cards = tuple(
        CardView.model_validate({**c.model_dump(), "title": f"{c.title} {MARKDOWN_LINK} **bold**"})
        for c in make_cards()
    )
    payload = make_payload(cards=cards, hostile=True)
    message = render_msteams(payload, make_narrative(payload, hostile=True))
    kinds = {e["type"] for e in _elements(message.card["body"])}
    assert "TextBlock" not in kinds
    assert "FactSet" not in kinds
    texts = [e["text"] for e in _elements(message.card) if e["type"] == "TextRun"]
    assert any(MARKDOWN_LINK in t for t in texts)
    everything = json.dumps(message.to_json(), ensure_ascii=False)
    for invisible in ("\u202e", "\u200b", "\u200d", "\u2066"):
        assert invisible not in everything


def test_only_safe_urls_become_links() -> None:
    """Runs open a URL only when it is a plain http(s) URL; javascript: never does."""
    message = _render(hostile=True)
    urls = {
        e["selectAction"]["url"]
        for e in _elements(message.card)
        if e["type"] == "TextRun" and "selectAction" in e
    }
    assert urls == {GOOD_URL}
    assert "javascript:" not in json.dumps(message.to_json())


def test_eighty_huge_cards_stay_within_teams_size_limit() -> None:
    """80 cards with 10,000-character titles fit in Teams' 28 KB, saying how many were left out."""
    cards = make_cards(("critical", "warning", "info") * 26 + ("info", "info"), title_length=10_000)
    payload = make_payload(cards=cards)
    narrative = make_narrative(payload).model_copy(update={"headline": "H" * 10_000})
    message = render_msteams(payload, narrative)
    size = len(json.dumps(message.to_json(), ensure_ascii=False).encode())
    assert size <= MAX_MESSAGE_BYTES < CARD_LIMIT
    shown = [b for b in message.card["body"] if b["type"] == "Container"]
    assert 0 < len(shown) < 80
    assert shown[0]["style"] == "attention"
    more = [_line(b) for b in message.card["body"] if b["type"] == "RichTextBlock"]
    assert f"+{80 - len(shown)} more cards — ask riskbrief for the full briefing" in more


def test_three_hundred_risky_deploys_leave_the_cards_and_the_limit_alone() -> None:
    """A payload listing 300 risky deploys still shows every card, lists three deploys and
    stays under the size limit: a long list never pushes the cards out."""
    base = make_payload()
    deploys = tuple(
        DeployView(
            id=f"deploy-{n}-" + "x" * 150,
            service="checkout",
            finished_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
            score=90,
            band="critical",
        )
        for n in range(300)
    )
    payload = base.model_copy(update={"risky_deploys": deploys})
    message = render_msteams(payload, make_narrative(payload))
    size = len(json.dumps(message.to_json(), ensure_ascii=False).encode())
    assert size <= MAX_MESSAGE_BYTES
    shown = [b for b in message.card["body"] if b["type"] == "Container"]
    assert len(shown) == len(payload.cards) > 0
    lines = [_line(b) for b in message.card["body"] if b["type"] == "RichTextBlock"]
    start = lines.index("Riskiest deploys")
    assert sum(line.startswith("• ") for line in lines[start + 1 : start + 5]) == 3


def test_quiet_week_is_one_line_and_the_context() -> None:
    """A quiet week is one line, then the week and scope in small print."""
    payload = make_payload(cards=(), changes=())
    narrative = make_narrative(payload).model_copy(update={"headline": "A quiet week."})
    message = render_msteams(payload, narrative)
    first = message.card["body"][0]
    assert _line(first).startswith("0 critical · 0 warning · 0 info")
    assert all(b["inlines"][0].get("size") == "Small" for b in message.card["body"][1:])


def test_a_very_high_deploy_beyond_the_three_listed_is_named_under_the_headline() -> None:
    """A very-high deploy that neither a card nor the three listed deploys shows is named in a
    line under the headline and in the summary a notification shows."""
    base = make_payload()
    deploys = tuple(
        DeployView(
            id=f"git-tag:acme/shop:v1.{n}:checkout",
            service="checkout",
            finished_at=datetime(2026, 11, 20, 10, tzinfo=UTC),
            score=score,
            band=band,
        )
        for n, (score, band) in enumerate(((78, "high"),) * 3 + ((91, "critical"),))
    )
    payload = base.model_copy(update={"risky_deploys": deploys})
    message = render_msteams(payload, make_narrative(payload))
    lines = [_line(b) for b in message.card["body"] if b["type"] == "RichTextBlock"]
    named = [line for line in lines[:4] if "very high risk" in line]
    assert len(named) == 1
    assert "v1.3" in named[0]
    assert "v1.3" in message.summary
