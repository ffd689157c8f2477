"""What a checked sentence becomes in Slack, and the `/risk` words a tool call stands for."""

from __future__ import annotations

import pytest

from bot.assistant.tools import ToolUse
from bot.slack.model_answer import MAX_STREAM_CHARS, markdown_piece, risk_words, stream_pieces


def test_a_sentence_can_form_no_mention_link_or_formatting() -> None:
    """Slack's escapes and look-alikes: no `<!channel>`, no markdown link, no bold."""
    piece = markdown_piece("See <!channel> and [this](https://evil.example) *now*.")
    assert "<" not in piece
    assert "&lt;!channel&gt;" in piece
    assert "\\[this\\]" in piece
    assert "*" not in piece


def test_the_pieces_of_a_long_reply_stay_within_one_calls_limit() -> None:
    """However many sentences, the streamed text stays within markdown_text's 12,000 characters."""
    pieces = stream_pieces(["A sentence of some length, repeated."] * 1000)
    assert 1 < len(pieces) < 1000
    assert sum(len(p) for p in pieces) <= MAX_STREAM_CHARS
    assert pieces[1].startswith(" ")


@pytest.mark.parametrize(
    ("name", "arguments", "words"),
    [
        ("service_record", {"service": "payments", "week": "2026-W47"}, "service payments"),
        ("briefing", {"scope": ["Commerce", "search"]}, "brief Commerce"),
        ("deploy_risk", {"service": "checkout"}, "deploy latest checkout"),
        (
            "deploy_risk",
            {"deploy": "deploy:checkout:2026-11-20T15:35"},
            "deploy deploy:checkout:2026-11-20T15:35",
        ),
        ("change_risk", {"change": "acme/platform#4503"}, "pr acme/platform#4503"),
        ("incident_culprits", {"incident": "INC-1039"}, "incident INC-1039"),
        ("review_plan", {"week": "2026-W47"}, "plan 2026-W47"),
        ("agent_activity", {"weeks": 8}, "agents weeks 8"),
        ("proposal_risk", {"diff": "..."}, None),
    ],
)
def test_each_tool_call_has_the_risk_words_that_answer_it(
    name: str, arguments: dict[str, object], words: str | None
) -> None:
    """The deterministic answer to a tool call is `/risk` asked the same thing."""
    assert risk_words(ToolUse("toolu_1", name, arguments)) == words
