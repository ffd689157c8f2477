"""The review plan as every renderer's last section: its sentence and first items, outside text
escaped for each medium, and the Slack message within 350 words with every other story."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from briefing.narrative import MAX_WORDS, Narrative
from briefing.payload import BriefingPayload, PlanItemView, PlanView
from briefing.plan import BRIEFING_ITEMS, plan_sentence
from briefing.render.email import render_email, render_text
from briefing.render.msteams import render_msteams
from briefing.render.slack import render_slack
from scoring.review_plan import percent
from tests.briefing.render.factory import GOOD_URL, make_cards, make_narrative, make_payload

__all__ = ["make_plan", "with_plan", "write_deterministic"]

_HOSTILE_TITLE = "<script>alert(1)</script> <!channel> & <@U123> <https://evil.example|click>"


def make_plan(n: int = 6, *, title: str = "Rework the ledger") -> PlanView:
    """A plan of ``n`` chosen changes out of 40, every figure worked out from its items."""
    items = tuple(
        PlanItemView(
            id=f"acme/shop#{100 + i}",
            title=f"{title} {i}",
            url=GOOD_URL,
            state="open" if i % 2 else "merged",
            score=80 - i,
            band="critical" if i < 2 else "high",
            lines=40 + 10 * i,
            predicted_risk=30 - i,
            owners=("@acme/payments", "@acme/security", "@acme/dba")[: 1 + i % 3],
            action=("owner_review", "tests", "split")[i % 3],
            action_points=4 + i,
            action_text="get an approval from @acme/payments: it would score 70",
        )
        for i in range(n)
    )
    lines, risk = 2_000, 300
    plan_lines = sum(i.lines for i in items)
    plan_risk = sum(i.predicted_risk for i in items)
    return PlanView(
        since=datetime(2026, 11, 16, tzinfo=UTC),
        until=datetime(2026, 11, 23, tzinfo=UTC),
        typical=48,
        changes=40,
        lines=lines,
        predicted_risk=risk,
        plan_lines=plan_lines,
        plan_risk=plan_risk,
        line_percent=percent(plan_lines, lines),
        risk_percent=percent(plan_risk, risk),
        items=items,
    )


def with_plan(payload: BriefingPayload, plan: PlanView) -> BriefingPayload:
    """``payload`` with ``plan``."""
    return payload.model_copy(update={"plan": plan})


def write_deterministic(payload: BriefingPayload) -> Narrative:
    """The factory's narrative for ``payload``, with the plan's sentence the deterministic
    writer gives it."""
    return make_narrative(payload).model_copy(update={"plan": plan_sentence(payload.plan)})


def _slack_texts(node: Any) -> list[str]:
    """Every ``text`` string in a Block Kit structure, as the demo's word test reads them."""
    if isinstance(node, dict):
        found = [node["text"]] if isinstance(node.get("text"), str) else []
        return found + [t for v in node.values() for t in _slack_texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _slack_texts(v)]
    return []


def _slack_words(blocks: list[dict[str, Any]]) -> int:
    """Words as Slack shows them, as the demo's test counts them: a link by its label."""
    shown = [re.sub(r"<[^|>]+\|([^>]*)>", r"\1", t) for t in _slack_texts(blocks)]
    return sum(len(t.split()) for t in shown)


def test_every_renderer_ends_with_the_plan_s_sentence_and_first_items() -> None:
    """Slack, the email (HTML and text) and Teams end with the plan: its shares sentence and
    its first three items, each with its owners and action, and how many more there are."""
    plan = make_plan()
    payload = with_plan(make_payload(), plan)
    narrative = write_deterministic(payload)
    sentence = plan_sentence(plan)
    assert sentence == (
        f"These 6 changes are {plan.line_percent}% of this week's changed code and "
        f"{plan.risk_percent}% of its predicted risk."
    )
    slack = render_slack(payload, narrative).to_json()["blocks"]
    last = _slack_texts(slack)[-len(slack[-1].get("elements", ())) - 1]
    assert last.startswith(f"*Review first* · {sentence}")
    assert "not approved by @acme/payments" in last
    assert "to lower it: add an owner's review (−4 points)" in last
    assert f"+{len(plan.items) - BRIEFING_ITEMS} more" in last
    text = render_text(payload, narrative)
    section = text.split("\nReview first\n", 1)[1]
    assert section.startswith(sentence)
    assert "1. Rework the ledger 0 · acme/shop#100 · merged" in section
    assert "3. Rework the ledger 2" in section
    assert "Rework the ledger 3" not in section
    html = render_email(payload, narrative).html
    assert html.index("Review first") > html.index("Changes by risk score")
    teams = json.dumps(render_msteams(payload, narrative).to_json(), ensure_ascii=False)
    assert sentence in teams
    assert "add tests for the touched code (−5 points)" in teams


def test_a_hostile_title_is_escaped_in_every_renderer() -> None:
    """A plan item titled with `<script>`, `<!channel>`, a user mention and a forged link
    reaches no renderer as markup or a mention."""
    payload = with_plan(make_payload(), make_plan(3, title=_HOSTILE_TITLE))
    narrative = write_deterministic(payload)
    slack = "\n".join(_slack_texts(render_slack(payload, narrative).to_json()["blocks"]))
    assert "&lt;!channel&gt;" in slack
    assert "<!channel>" not in slack
    assert "<@U123>" not in slack
    assert "<script>" not in slack
    assert "<https://evil.example|click>" not in slack
    html = render_email(payload, narrative).html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    teams = json.dumps(render_msteams(payload, narrative).to_json(), ensure_ascii=False)
    # Teams shows runs as plain text; the only links are to checked URLs.
    assert "https://evil.example|click" not in re.findall(r'"url": "([^"]*)"', teams)
    assert "alert(1)" in teams


def test_the_slack_message_stays_a_90_second_read_with_a_full_plan() -> None:
    """With eight plan items, every other story (four cards, three changes) and long titles,
    the Slack message is at most 350 words: the chart, then plan items, give way, never the
    plan's sentence."""
    cards = make_cards(("critical", "critical", "warning", "warning", "info"))
    plan = make_plan(8, title="Move the refund ledger to the new double-entry accounting model")
    payload = with_plan(make_payload(cards), plan)
    narrative = write_deterministic(payload)
    blocks = render_slack(payload, narrative).to_json()["blocks"]
    assert _slack_words(blocks) <= MAX_WORDS
    texts = _slack_texts(blocks)
    assert any(t.startswith("*Review first* · These 8 changes are") for t in texts)
    assert not any("Changes by risk score" in t for t in texts), "the chart gave way first"
    # With a short week, the whole plan shown fits: the first three items and the chart.
    short = with_plan(make_payload(make_cards(("warning",))), plan)
    short_blocks = render_slack(short, write_deterministic(short)).to_json()["blocks"]
    shown = "\n".join(_slack_texts(short_blocks))
    assert all(
        f"Move the refund ledger to the new double-entry accounting model {i}" in shown
        for i in range(BRIEFING_ITEMS)
    )
    assert "Changes by risk score" in shown
    assert _slack_words(short_blocks) <= MAX_WORDS


def test_no_plan_no_section() -> None:
    """A payload without a plan, or whose plan chose nothing, has no plan section."""
    for plan in (None, make_plan(0)):
        payload = make_payload().model_copy(update={"plan": plan})
        narrative = write_deterministic(payload)
        assert "Review first" not in render_text(payload, narrative)
        blocks = render_slack(payload, narrative).to_json()["blocks"]
        assert not any("Review first" in t for t in _slack_texts(blocks))


def test_the_rest_of_the_plan_is_pointed_at_where_it_is() -> None:
    """Every renderer sends a reader to the week's page when the web view has one, and to
    `/risk plan` when it does not: never to a page that is not there."""
    plain = with_plan(make_payload(), make_plan())
    linked = plain.model_copy(update={"details_url": GOOD_URL})
    more = f"+{len(make_plan().items) - BRIEFING_ITEMS} more"
    for payload, where in ((plain, f"/risk plan {plain.week.id}"), (linked, "this week's page")):
        narrative = write_deterministic(payload)
        teams = json.dumps(render_msteams(payload, narrative).to_json(), ensure_ascii=False)
        slack = json.dumps(render_slack(payload, narrative).to_json(), ensure_ascii=False)
        html = render_email(payload, narrative).html
        for rendered in (teams, slack, html):
            tail = rendered[rendered.index(more) :]
            assert where in tail[:200]
        assert ("week's page" in teams) is (payload.details_url is not None)


def test_many_high_risk_deploys_are_counted_when_the_plan_would_not_fit() -> None:
    """A week of many very-high deploys (a deploy reads the chance one of its changes needs a
    fix, so a service shipping rewrites makes several) still reads in 90 seconds: the lowest
    deploys give way to "+N more", the riskiest stays listed, and the plan keeps its sentence."""
    from briefing.payload import DeployView

    cards = make_cards(("critical", "critical", "warning", "warning", "info"))
    deploys = tuple(
        DeployView(
            id=f"deploy:payments:{n}",
            service="payments",
            finished_at=datetime(2026, 11, 17 + n % 5, 9, n, tzinfo=UTC),
            score=100 - n,
            band="critical",
        )
        for n in range(12)
    )
    plan = make_plan(8, title="Move the refund ledger to the new double-entry accounting model")
    payload = with_plan(make_payload(cards), plan).model_copy(update={"risky_deploys": deploys})
    blocks = render_slack(payload, write_deterministic(payload)).to_json()["blocks"]
    assert _slack_words(blocks) <= MAX_WORDS
    listed = next(t for t in _slack_texts(blocks) if t.startswith("*Riskiest deploys*"))
    assert "score 100, very high risk" in listed
    assert re.search(r"\+\d more on ", listed)
    assert any(t.startswith("*Review first* · These 8 changes are") for t in _slack_texts(blocks))
