"""The hostile corpus the briefing is hardened against, echoed by a model in the pane: a reply
repeating outside text is refused when it could mention, link or mark anything up, and what
passes the check shows in Slack as inert text."""

from __future__ import annotations

import json

import pytest

from bot.assistant.conversation import SYSTEM_PROMPT
from bot.assistant.grounding import Grounds, reply_problems, sentences
from bot.assistant.tools import ToolOutcome, ToolUse
from bot.slack.model_answer import markdown_piece
from tests.hardening.corpus import ATTACKS, Attack

# What may never reach Slack unescaped: a mention, a link or a tag (<), a formatting mark.
_LIVE = ("<", ">", "*", "`", "~")


def _grounds(planted: str) -> Grounds:
    """A change record whose title is ``planted``: the attack is in the data itself."""
    record = {"key": "acme/platform#4504", "title": planted, "score": 77, "name": "Payments"}
    use = ToolUse("toolu_1", "change_risk", {"change": "acme/platform#4504"})
    return Grounds.of([ToolOutcome(use, json.dumps(record), False)], ("Payments",), SYSTEM_PROMPT)


@pytest.mark.parametrize("attack", ATTACKS, ids=[a.id for a in ATTACKS])
def test_an_echoed_attack_is_refused_or_shown_inert(attack: Attack) -> None:
    """Every sentence of a reply quoting the title either fails the check or is escaped so
    that it mentions, links and formats nothing; a mention always fails."""
    reply = f"The riskiest change, acme/platform#4504, scored 77. Its title says: {attack.text}"
    grounds = _grounds(attack.text)
    said = sentences(reply)
    refused = [s for s in said if reply_problems(s, grounds)]
    # A live mention (not one already escaped as text) is refused whatever the data says.
    if any(m in attack.text for m in ("<!", "<@", "<#", "@channel", "@here")):
        assert refused, attack.id
    for sentence in said:
        if sentence in refused:
            continue
        piece = markdown_piece(sentence)
        assert not any(mark in piece for mark in _LIVE), (attack.id, piece[:200])
