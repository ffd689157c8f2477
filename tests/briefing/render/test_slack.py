"""The Slack rendering: layout, Slack's limits and escaping of every outside string."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from briefing.payload import CardView
from briefing.render import SlackMessage, render_slack
from briefing.render.slack import MAX_BLOCKS
from tests.briefing.render.factory import (
    GOOD_URL,
    HOSTILE,
    make_cards,
    make_narrative,
    make_payload,
)

# The only `<...>` markup allowed: links riskbrief built to a URL it checked.
_LINK = re.compile(r"<(https?://[^|<>\s]+)\|[^<>]*>")
_BARE_AMPERSAND = re.compile(r"&(?!amp;|lt;|gt;)")


def _strings(value: Any) -> Iterator[str]:
    """Every string anywhere in a JSON-like value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def _texts(message: SlackMessage) -> list[str]:
    """The notification text and every ``text`` field of every block, nested ones included."""
    found = [message.text]

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            text = value.get("text")
            if isinstance(text, str):
                found.append(text)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(message.to_json()["blocks"])
    return found


def _card_blocks(message: SlackMessage) -> list[dict[str, Any]]:
    """The blocks that show a card: sections with a Details button."""
    return [b for b in message.blocks if b.get("accessory", {}).get("action_id") == "card_details"]


def _render(**kwargs: Any) -> SlackMessage:
    """Render a payload built with ``kwargs`` and a matching deterministic narrative."""
    payload = make_payload(**kwargs)
    return render_slack(payload, make_narrative(payload))


def test_first_line_is_the_severity_counts() -> None:
    """The first block starts with the bold severity-count line and the notification text too."""
    message = _render()
    first = message.blocks[0]
    assert first["type"] == "section"
    assert first["text"]["text"].splitlines()[0] == "*1 critical · 2 warning · 1 info*"
    assert message.text.splitlines()[0] == "1 critical · 2 warning · 1 info"


def test_headline_follows_as_a_plain_text_header() -> None:
    """The second block is a plain_text header holding the narrative's headline."""
    header = _render().blocks[1]
    assert header["type"] == "header"
    assert header["text"]["type"] == "plain_text"
    assert header["text"]["text"] == "Risk is concentrating in checkout"


def test_cards_are_ordered_by_severity_keeping_their_order_within_one() -> None:
    """Cards appear critical, then warning, then info, in their given order within a severity."""
    given = make_cards(("info", "warning", "critical", "warning", "critical"))
    blocks = _card_blocks(_render(cards=given))
    assert [b["accessory"]["value"] for b in blocks] == [
        "card-2",
        "card-4",
        "card-1",
        "card-3",
        "card-0",
    ]
    emoji = [b["text"]["text"][0] for b in blocks]
    assert emoji == ["🔴", "🔴", "🟠", "🟠", "🔵"]


def test_every_card_has_a_details_button_with_its_id() -> None:
    """Each card carries a Details button whose value is the card's id."""
    payload = make_payload()
    blocks = _card_blocks(render_slack(payload, make_narrative(payload)))
    assert len(blocks) == len(payload.cards)
    for block, card in zip(blocks, payload.cards, strict=True):
        button = block["accessory"]
        assert button["type"] == "button"
        assert button["text"] == {"type": "plain_text", "text": "Details"}
        assert button["value"] == card.id


def test_card_shows_title_paragraph_and_facts() -> None:
    """A card section shows its title, the narrative's paragraph and the key facts."""
    text = _card_blocks(_render())[0]["text"]["text"]
    assert "Card 0 about checkout" in text
    assert "Paragraph for card-0." in text
    assert "high-risk share this week: 42%" in text
    assert "high-risk changes driven by missing or rushed review: 9" in text


def test_card_without_a_paragraph_falls_back_to_its_facts() -> None:
    """A card the narrative did not cover still says something, built from its facts."""
    payload = make_payload()
    message = render_slack(payload, make_narrative(payload, skip=("card-1",)))
    text = _card_blocks(message)[1]["text"]["text"]
    assert "Paragraph for" not in text
    assert (
        "high-risk share this week: 42%; high-risk changes driven by missing or rushed review: 9."
        in text
    )


def test_each_action_sits_on_its_card_and_chart_and_context_follow_the_cards() -> None:
    """A critical or warning card shows its action; after the cards come the riskiest changes,
    the distribution chart and the context."""
    message = _render()
    card_texts = [b["text"]["text"] for b in message.blocks if "accessory" in b]
    assert "*Do:* Review the payment retries change for card-0" in card_texts[0]
    assert not any("Recommended actions" in t for t in card_texts)
    texts = [b.get("text", {}).get("text", "") for b in message.blocks[-3:-1]]
    assert texts[0].startswith("*Riskiest changes*")
    assert "```" in texts[1]
    assert re.search(r"^high +█+\S* +9 \(last week 4\)$", texts[1], re.MULTILINE)
    context = message.blocks[-1]
    assert context["type"] == "context"
    assert [e["text"] for e in context["elements"]] == [
        "Week 2026-W47 · 16–22 Nov 2026 (UTC)",
        "Scope: Team Checkout",
        "Narrative: deterministic",
    ]


def test_context_names_the_model_of_an_llm_narrative() -> None:
    """When an LLM wrote the narrative, the context names its model."""
    payload = make_payload()
    narrative = make_narrative(payload, source="llm", model="claude-sonnet-4-5")
    context = render_slack(payload, narrative).blocks[-1]
    assert context["elements"][-1]["text"] == "Narrative: claude-sonnet-4-5"


def test_only_safe_change_urls_are_linked() -> None:
    """A change URL becomes a link only when it is a plain http(s) URL."""
    changes = next(
        b for b in _render().blocks if "*Riskiest changes*" in b.get("text", {}).get("text", "")
    )
    links = _LINK.findall(changes["text"]["text"])
    assert links == [GOOD_URL.replace("&", "&amp;")]
    assert "javascript" not in changes["text"]["text"]


def test_eighty_huge_cards_stay_within_slack_limits() -> None:
    """80 cards with 10,000-character titles and paragraphs still fit every Slack limit."""
    cards = make_cards(("critical", "warning", "info") * 26 + ("info", "info"), title_length=10_000)
    payload = make_payload(cards=cards)
    narrative = make_narrative(payload).model_copy(update={"headline": "H" * 10_000})
    message = render_slack(payload, narrative)
    blocks = message.to_json()["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    for block in blocks:
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
            if "accessory" in block:
                assert len(block["accessory"]["text"]["text"]) <= 75
                assert len(block["accessory"]["value"]) <= 2000
        elif block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        elif block["type"] == "context":
            assert len(block["elements"]) <= 10
    shown = len(_card_blocks(message))
    assert shown < 80
    overflow = [b for b in blocks if "more cards" in b.get("text", {}).get("text", "")]
    assert overflow[0]["text"]["text"] == f"+{80 - shown} more cards — use `/risk brief` for all"
    json.dumps(message.to_json())


def test_hostile_strings_never_reach_slack_unescaped() -> None:
    """Mentions, forged links, HTML and bidi overrides from outside are all neutralised."""
    payload = make_payload(hostile=True)
    message = render_slack(payload, make_narrative(payload, hostile=True))
    texts = _texts(message)
    for text in texts:
        without_links = _LINK.sub("", text)
        assert "<" not in without_links
        assert ">" not in without_links
        assert not _BARE_AMPERSAND.search(text)
        for invisible in ("\u202e", "\u200b", "\u200d", "\u2066"):
            assert invisible not in text
    everything = json.dumps(message.to_json(), ensure_ascii=False)
    for hostile in HOSTILE:
        if "<" in hostile or "&" in hostile:
            assert hostile not in everything
    for url in (m for t in texts for m in _LINK.findall(t)):
        assert url == GOOD_URL.replace("&", "&amp;")
    assert "&lt;!channel&gt;" in everything


def test_quiet_week_is_a_one_line_message() -> None:
    """A week with no cards and no very-high-risk change is one line: the counts and the
    headline together, then the context in small print."""
    payload = make_payload(cards=(), changes=())
    narrative = make_narrative(payload).model_copy(
        update={"headline": "A quiet week:\nnothing moved."}
    )
    message = render_slack(payload, narrative)
    assert [b["type"] for b in message.blocks] == ["section", "context"]
    line = "0 critical · 0 warning · 0 info — a quiet week: nothing moved."
    assert message.blocks[0]["text"]["text"] == line
    assert message.text == line


def test_a_very_high_risk_change_is_named_in_a_week_without_cards() -> None:
    """A week whose only news is a very-high-risk change is not one quiet line: the change is
    named by title, id, link and score, its outside title escaped."""
    payload = make_payload(cards=(), hostile=True)
    message = render_slack(payload, make_narrative(payload))
    assert [b["type"] for b in message.blocks] == ["section", "header", "section", "context"]
    # The narrative's headline does not name them: the notification's text does, and the
    # list below names each, so no line of blocks says it twice.
    said = "3 changes merged at very high risk: pr-42 (score 87) and 2 more."
    assert said in message.text
    listed = message.blocks[2]["text"]["text"]
    assert listed.startswith("*Riskiest changes*\n• <")
    assert "Rewrite payment retries" in listed
    assert "(pr-42)" in listed
    assert "score 87, very high risk" in listed
    assert "<!channel>" not in listed
    assert "&lt;!channel&gt;" in listed


def test_to_json_gives_a_copy_a_caller_cannot_use_to_change_the_message() -> None:
    """to_json returns text and blocks, and changing its result leaves the message as it was."""
    message = _render()
    data = message.to_json()
    assert set(data) == {"text", "blocks"}
    data["blocks"][0]["text"]["text"] = "changed"
    assert message.blocks[0]["text"]["text"] != "changed"


def test_card_view_ids_survive_unescaped_in_button_values() -> None:
    """Button values carry card ids exactly, as the action handler looks cards up by them."""
    card = CardView(
        id="concentration:payments&co",
        kind="concentration",
        severity="warning",
        title="t",
        subject=None,
        facts=(),
    )
    blocks = _card_blocks(_render(cards=(card,)))
    assert blocks[0]["accessory"]["value"] == "concentration:payments&co"


def test_the_footer_carries_the_short_record_once_enough_changes_went_wrong() -> None:
    """With 40 changes gone wrong the context block gives the scorer's short record; with
    nine (a small sample) it gives none."""
    from datetime import date

    from briefing.track_record import RecordView, short_record_line
    from scoring.record import ScorerRecord

    def with_record(went_wrong: int) -> str:
        record = ScorerRecord(90, 500, 60, went_wrong, 7, 5)
        payload = make_payload().model_copy(
            update={"record": RecordView.of(record, date(2026, 11, 22), True)}
        )
        return json.dumps(render_slack(payload, make_narrative(payload)).blocks)

    line = short_record_line(
        RecordView.of(ScorerRecord(90, 500, 60, 40, 7, 5), date(2026, 11, 22), True)
    )
    assert line is not None
    assert line in with_record(40)
    assert "Record," not in with_record(9)


def test_cards_past_the_word_budget_are_told_by_title_least_severe_first() -> None:
    """When the cards alone would cross 350 words, the good news and then the warnings lose
    their paragraph and action (title and evidence stay); the first card is always whole."""
    from briefing.narrative import CardParagraph, Narrative

    payload = make_payload(make_cards(("critical", "warning", "info")))
    long = " ".join(["word"] * 90)
    narrative = Narrative(
        headline="A busy week",
        paragraphs=tuple(
            CardParagraph(card_id=c.id, text=f"{c.id} says {long}.", action=f"Act on {c.id}")
            for c in payload.cards
        ),
        source="deterministic",
    )
    sections = [json.dumps(b) for b in render_slack(payload, narrative).to_json()["blocks"]]
    first, warning, info = payload.cards
    for card in (first, warning, info):
        assert sum(1 for s in sections if card.title in s) == 1, card.id
    assert any(f"{first.id} says" in s for s in sections)
    assert not any(f"{info.id} says" in s for s in sections)
    # Two whole cards of 90 words fit beside the rest: only the good news is told by title.
    assert any(f"{warning.id} says" in s for s in sections)
