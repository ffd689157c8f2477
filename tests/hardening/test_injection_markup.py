"""Markup in every place riskbrief reads text: HTML and Markdown attacks, and the checks themselves.

The machinery is in ``tests/hardening/pipeline.py``; the slack and prompt families
have modules of their own.
"""

from __future__ import annotations

import pytest

from briefing.grounding import check_narrative
from tests.hardening.checks import html_problems, slack_problems
from tests.hardening.corpus import ATTACKS, Attack
from tests.hardening.pipeline import World, assert_inert, cases


@pytest.mark.parametrize(("attack", "location"), cases("html", "markdown"))
def test_attack_is_inert(world: World, attack: Attack, location: str) -> None:
    """Hostile markup in one place reaches riskbrief yet pings, links, runs and changes nothing."""
    assert_inert(world, attack, location)


# Attacks a narrative must not repeat: each is a mention, a link or a tag once shown.
ECHO_REFUSED = {
    "close-payload-tag": "markup </briefing_payload",
    "fake-grounding-problems": "markup <grounding_problems",
    "channel": "mention <!channel>",
    "here": "mention <!here>",
    "everyone": "mention <!everyone>",
    "user-mention": "mention <@U123ABC>",
    "channel-link": "mention <#C123ABC|general>",
    "masked-link": "link https://evil.example/login",
    "subteam": "mention <!subteam^S123ABC|@oncall>",
    "date-token": "mention <!date^1392734382^{date_short}|Feb 18>",
    "mailto-link": "mailto: link",
    "bare-at": "mention @channel",
    "script": "markup <script",
    "img-onerror": "markup <img",
    "javascript-link": "javascript: link",
    "style-breakout": "markup </style",
    "svg-onload": "markup <svg",
    "iframe": "markup <iframe",
    "data-url": "data: link",
    "comment-cdata": "markup <!--",
    "zero-width": "mention <!channel>",
    "long-mentions": "mention <!channel>",
    "code-fence": "mention <!channel>",
    "markdown-link": "link https://evil.example/login",
}


@pytest.mark.parametrize(
    ("attack", "problem"),
    [pytest.param(a, ECHO_REFUSED[a.id], id=a.id) for a in ATTACKS if a.id in ECHO_REFUSED],
)
def test_grounding_refuses_a_narrative_that_repeats_markup(
    world: World, attack: Attack, problem: str
) -> None:
    """A grounded narrative with the attack added to its headline is refused, naming why."""
    composed = world.baseline[0]
    assert check_narrative(composed.payload, composed.narrative) == ()
    echoed = composed.narrative.model_copy(
        update={"headline": f"{composed.narrative.headline} {attack.text}"}
    )
    problems = check_narrative(composed.payload, echoed)
    assert any(problem in p for p in problems), problems


def test_the_checks_catch_what_they_look_for(world: World) -> None:
    """The checks are not vacuous: unescaped mentions, foreign links and scripts are reported."""
    allowed = world.allowed_urls
    url = sorted(allowed)[0]
    fine = {
        "text": "ok",
        "blocks": [
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": f"<{url}|a PR>", "verbatim": True},
            }
        ],
    }
    assert slack_problems(fine, allowed) == []
    for bad in ("<!channel>", "<@U123>", "<#C1|x>", "<https://evil.example|x>", "a \u202e b"):
        message = {
            "text": "ok",
            "blocks": [
                {"type": "section", "text": {"type": "mrkdwn", "text": bad, "verbatim": True}}
            ],
        }
        assert slack_problems(message, allowed), bad
    too_many = {"text": "ok", "blocks": [{"type": "divider"}] * 51}
    assert slack_problems(too_many, allowed)
    parsed = {
        "text": "ok",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}],
    }
    assert slack_problems(parsed, allowed), "Slack would link-ify a bare URL or #channel in it"
    base = world.baseline[0].email.html
    assert html_problems(base, allowed, base) == []
    for bad in (
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">x</a>',
        '<a href="https://evil.example">x</a>',
        "</style><style>body{}</style>",
    ):
        assert html_problems(base.replace("</body>", bad + "</body>"), allowed, base), bad
