"""The narrative written without an LLM: from the payload's numbers, like a person would.

It is the fallback whenever the LLM is unavailable or its text fails the
grounding check, so it must be good on its own: a quiet week in one line,
otherwise the concentration, the driver and the action.
"""

from __future__ import annotations

from collections.abc import Callable

from briefing.labels import signal_label
from briefing.narrative import CardParagraph, Narrative
from briefing.payload import BriefingPayload, CardView
from scoring.card_facts import FactKey
from scoring.cards import CardKind, Severity

__all__ = ["write_deterministic"]


def _many(n: float, word: str) -> str:
    return f"{_num(n)} {word}" if n == 1 else f"{_num(n)} {word}s"


def _num(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"


def _maybe(card: CardView, key: FactKey) -> float | None:
    return next((f.value for f in card.facts if f.key is key), None)


def _fact(card: CardView, key: FactKey) -> float:
    # Card facts come from scoring.cards; a missing fact is a bug, never a silent 0.
    value = _maybe(card, key)
    if value is None:
        raise KeyError(f"card {card.id} has no fact {key.name}")
    return value


def _driver(card: CardView) -> tuple[str, int] | None:
    for f in card.facts:
        if f.key is FactKey.DRIVEN_BY and f.signal is not None:
            return f.signal, int(f.value)
    return None


def _service_name(payload: BriefingPayload, key: str | None) -> str:
    return next((s.name for s in payload.services if s.id == key), key or "a service")


def _p_concentration(payload: BriefingPayload, card: CardView) -> str:
    name = _service_name(payload, card.subject)
    high, total = _fact(card, FactKey.HIGH_RISK_CHANGES), _fact(card, FactKey.CHANGES)
    now, before = (
        _fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK),
        _fact(card, FactKey.HIGH_RISK_SHARE_LAST_WEEK),
    )
    text = (
        f"In {name}, {_num(high)} of {_num(total)} changes were high risk "
        f"({_num(now)}%, up from {_num(before)}% last week)."
    )
    driver = _driver(card)
    if driver:
        text += f" The main driver is {signal_label(driver[0])} ({driver[1]} of those changes)."
    coverage = _maybe(card, FactKey.CODEOWNERS_COVERAGE_THIS_WEEK)
    if coverage is not None:
        text += (
            f" Changed files with a code owner fell to {_num(coverage)}% from "
            f"{_num(_fact(card, FactKey.CODEOWNERS_COVERAGE_LAST_WEEK))}%, mostly here."
        )
    return text


def _p_shift(_payload: BriefingPayload, card: CardView) -> str:
    text = (
        f"{_num(_fact(card, FactKey.HIGH_RISK_CHANGES_THIS_WEEK))} of "
        f"{_num(_fact(card, FactKey.CHANGES_THIS_WEEK))} changes were high risk this week "
        f"({_num(_fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK))}%, last week "
        f"{_num(_fact(card, FactKey.HIGH_RISK_SHARE_LAST_WEEK))}%)."
    )
    driver = _driver(card)
    if driver:
        text += f" The main driver is {signal_label(driver[0])} ({driver[1]} of those changes)."
    return text


def _p_driver(_payload: BriefingPayload, card: CardView) -> str:
    if card.driver is None:
        raise KeyError(f"card {card.id} names no driving signal")
    return (
        f"{signal_label(card.driver).capitalize()} drove "
        f"{_num(_fact(card, FactKey.DRIVEN_THIS_WEEK))} high-risk changes, "
        f"up from {_num(_fact(card, FactKey.DRIVEN_LAST_WEEK))} last week."
    )


def _p_incident(payload: BriefingPayload, card: CardView) -> str:
    key = card.id.removeprefix("incident:")
    incident = next((i for i in payload.incidents if i.id == key), None)
    name = _service_name(payload, card.subject)
    hours = _fact(card, FactKey.HOURS_TO_INCIDENT)
    band = f"{incident.deploy_band}-risk" if incident and incident.deploy_band else "high-risk"
    # The deploy's id is in the card's evidence, linked; the sentence needs no id soup.
    text = f"{key} hit {name} {_num(hours)} h after a {band} deploy."
    minutes = _maybe(card, FactKey.MINUTES_TO_RESOLVE)
    text += (
        f" It took {_num(minutes)} min to resolve." if minutes is not None else " It is still open."
    )
    # Other incidents after the same deploy were folded into this card (one story).
    for other in payload.incidents:
        if incident is None or other.id == key or other.deploy != incident.deploy:
            continue
        if other.id.startswith("revert:"):
            text += f" {other.id.removeprefix('revert:')} reverted a change that deploy shipped."
        else:
            text += f" {other.id} followed the same deploy."
    mttr = _maybe(card, FactKey.MTTR_THIS_WEEK)
    if mttr is not None:
        text += (
            f" With it, incidents took {_num(mttr)} min to resolve (median) this week, "
            f"against {_num(_fact(card, FactKey.MTTR_LAST_WEEK))} min last week."
        )
    return text


def _p_mttr(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"Incidents took {_num(_fact(card, FactKey.MTTR_THIS_WEEK))} min to resolve (median), "
        f"up from {_num(_fact(card, FactKey.MTTR_LAST_WEEK))} min last week "
        f"({_many(_fact(card, FactKey.INCIDENTS_THIS_WEEK), 'incident')} this week)."
    )


def _p_cfr(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{_num(_fact(card, FactKey.FAILED_DEPLOYS_THIS_WEEK))} of "
        f"{_num(_fact(card, FactKey.DEPLOYS_THIS_WEEK))} deploys failed or caused an incident "
        f"({_num(_fact(card, FactKey.CHANGE_FAILURE_RATE_THIS_WEEK))}%, last week "
        f"{_num(_fact(card, FactKey.CHANGE_FAILURE_RATE_LAST_WEEK))}%)."
    )


def _p_codeowners(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{_num(_fact(card, FactKey.CODEOWNERS_COVERAGE_THIS_WEEK))}% of changed files had a "
        f"code owner, down from {_num(_fact(card, FactKey.CODEOWNERS_COVERAGE_LAST_WEEK))}%."
    )


def _p_agent(_payload: BriefingPayload, card: CardView) -> str:
    unreviewed = _fact(card, FactKey.AGENTS_UNREVIEWED)
    high = _fact(card, FactKey.AGENTS_UNREVIEWED_HIGH_RISK)
    return (
        f"{_many(unreviewed, 'AI-agent change')} merged without a human approval "
        f"({_num(high)} of them high risk). Agents wrote "
        f"{_many(_fact(card, FactKey.AGENTS_THIS_WEEK), 'change')} this week, "
        f"{_num(_fact(card, FactKey.AGENT_SHARE))}% of the total."
    )


def _p_agent_surge(_payload: BriefingPayload, card: CardView) -> str:
    text = (
        f"AI agents wrote {_many(_fact(card, FactKey.AGENTS_THIS_WEEK), 'change')} this week, "
        f"{_num(_fact(card, FactKey.AGENT_SHARE))}% of the total, up from "
        f"{_num(_fact(card, FactKey.AGENT_SHARE_LAST_WEEK))}% last week; "
        f"{_num(_fact(card, FactKey.AGENTS_HIGH_RISK))} of them high risk."
    )
    unknown = _fact(card, FactKey.AGENTS_REVIEW_UNKNOWN)
    if unknown:
        text += f" Whether a human reviewed {_num(unknown)} of them is unknown."
    return text


def _p_improvement(payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{payload.team_name(card.subject or '')} cut its high-risk share to "
        f"{_num(_fact(card, FactKey.HIGH_RISK_SHARE_THIS_WEEK))}% from "
        f"{_num(_fact(card, FactKey.HIGH_RISK_SHARE_LAST_WEEK))}% over "
        f"{_num(_fact(card, FactKey.CHANGES))} changes. Worth saying thank you."
    )


def _p_mttr_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"Incidents took {_num(_fact(card, FactKey.MTTR_THIS_WEEK))} min to resolve (median), "
        f"down from {_num(_fact(card, FactKey.MTTR_LAST_WEEK))} min last week "
        f"({_many(_fact(card, FactKey.RESOLVED_INCIDENTS_THIS_WEEK), 'resolved incident')} "
        f"this week, {_num(_fact(card, FactKey.RESOLVED_INCIDENTS_LAST_WEEK))} last week)."
    )


def _p_cfr_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{_num(_fact(card, FactKey.FAILED_DEPLOYS_THIS_WEEK))} of "
        f"{_num(_fact(card, FactKey.DEPLOYS_THIS_WEEK))} deploys failed or caused an incident "
        f"({_num(_fact(card, FactKey.CHANGE_FAILURE_RATE_THIS_WEEK))}%), down from "
        f"{_num(_fact(card, FactKey.FAILED_DEPLOYS_LAST_WEEK))} of "
        f"{_num(_fact(card, FactKey.DEPLOYS_LAST_WEEK))} last week "
        f"({_num(_fact(card, FactKey.CHANGE_FAILURE_RATE_LAST_WEEK))}%)."
    )


def _p_codeowners_improved(_payload: BriefingPayload, card: CardView) -> str:
    return (
        f"{_num(_fact(card, FactKey.CODEOWNERS_COVERAGE_THIS_WEEK))}% of changed files had a "
        f"code owner, up from {_num(_fact(card, FactKey.CODEOWNERS_COVERAGE_LAST_WEEK))}%."
    )


def _p_agent_reviewed(_payload: BriefingPayload, card: CardView) -> str:
    return (
        "A person approved every one of the "
        f"{_many(_fact(card, FactKey.AGENTS_ALL_REVIEWED), 'AI-agent change')}"
        " this week, after "
        f"{_num(_fact(card, FactKey.AGENTS_UNREVIEWED_LAST_WEEK))} "
        "merged without one last week."
    )


_PARAGRAPHS: dict[CardKind, Callable[[BriefingPayload, CardView], str]] = {
    CardKind.CONCENTRATION: _p_concentration,
    CardKind.SHIFT: _p_shift,
    CardKind.DRIVER: _p_driver,
    CardKind.INCIDENT: _p_incident,
    CardKind.MTTR: _p_mttr,
    CardKind.CFR: _p_cfr,
    CardKind.CODEOWNERS: _p_codeowners,
    CardKind.AGENT: _p_agent,
    CardKind.AGENT_SURGE: _p_agent_surge,
    CardKind.IMPROVEMENT: _p_improvement,
    CardKind.MTTR_IMPROVED: _p_mttr_improved,
    CardKind.CFR_IMPROVED: _p_cfr_improved,
    CardKind.CODEOWNERS_IMPROVED: _p_codeowners_improved,
    CardKind.AGENT_REVIEWED: _p_agent_reviewed,
}

_DRIVER_ACTIONS: dict[str, str] = {
    "codeowners": "add CODEOWNERS rules for its uncovered paths and require code-owner review",
    "review": "require a second reviewer on its large changes",
    "author_expertise": "pair authors new to its files with someone who knows them",
    "size": "split its large changes before review",
    "diffusion": "split changes that span many files or services",
    "fix": "add a regression test and a second reviewer to its fixes",
    "file_history": "stabilise its busiest files before piling more changes on them",
    "author_experience": "pair newer authors with someone who knows the area",
    "defect_proneness": "schedule a refactor or extra tests for its repeatedly fixed files",
    "service_incidents": "slow its changes down until its incidents are understood",
    "agent": "require a human approval on its AI-agent changes",
    "tests": "ask for tests with its source changes",
    "timing": "move its merges away from Fridays and evenings",
    "risky_content": "give its migrations and infrastructure changes a second reviewer",
}


_ACTIONS: dict[CardKind, str] = {
    CardKind.AGENT: "Require a human approval before AI-agent PRs merge (branch protection).",
    CardKind.AGENT_SURGE: "Check who reviews the AI agents' changes before more of them merge.",
    CardKind.MTTR: "Review this week's slow incident responses: paging, runbooks and rollback.",
    CardKind.CFR: "Look at the failed deploys before the next release.",
    CardKind.CODEOWNERS: "Extend CODEOWNERS to the paths changed without an owner.",
    CardKind.SHIFT: "Ask reviewers to slow down on this week's high-risk changes.",
}


def _action(payload: BriefingPayload, card: CardView) -> str | None:
    if card.kind is CardKind.CONCENTRATION:
        driver = _driver(card)
        what = _DRIVER_ACTIONS.get(driver[0] if driver else "", "review its high-risk changes")
        return f"In {_service_name(payload, card.subject)}, {what}."
    if card.kind is CardKind.INCIDENT:
        key = card.id.removeprefix("incident:")
        return (
            f"Walk through {key} with the team: what made the deploy risky "
            "and what would have caught it."
        )
    if card.kind is CardKind.DRIVER and card.driver is not None:
        return f"Ask reviewers to watch for {signal_label(card.driver)}."
    return _ACTIONS.get(card.kind)


def _headline(payload: BriefingPayload) -> str:
    d = payload.distribution
    if payload.quiet:
        # With reviews, owners or incidents unknown, "quiet" only covers what was seen.
        quiet = (
            "A quiet week as far as the data shows" if payload.unknown.partial else "A quiet week"
        )
        if d.total == 0:
            return f"{quiet}: no changes merged in scope."
        share = 100.0 * d.high_risk / d.total
        return (
            f"{quiet}: {_many(d.total, 'change')}, {_num(round(share, 1))}% high risk, "
            "no material shift from last week."
        )
    first = payload.cards[0]
    if first.kind is CardKind.CONCENTRATION:
        name = _service_name(payload, first.subject)
        share = _fact(first, FactKey.HIGH_RISK_SHARE_THIS_WEEK)
        driver = _driver(first)
        text = f"Risk is concentrating in {name}: {_num(share)}% of its changes were high risk"
        return text + (f", driven by {signal_label(driver[0])}." if driver else ".")
    # The headline says the card's point in other words than its title, which follows.
    if first.kind is CardKind.INCIDENT:
        name = _service_name(payload, first.subject)
        return f"Start with {name}: an incident followed a high-risk deploy there."
    if first.kind is CardKind.AGENT:
        n = _fact(first, FactKey.AGENTS_UNREVIEWED)
        return f"{_many(n, 'AI-agent change')} merged with no human approval this week."
    if first.kind is CardKind.SHIFT:
        now, before = (
            _fact(first, FactKey.HIGH_RISK_SHARE_THIS_WEEK),
            _fact(first, FactKey.HIGH_RISK_SHARE_LAST_WEEK),
        )
        return (
            f"{_num(now)}% of this week's changes were high risk, "
            f"against {_num(before)}% last week."
        )
    if first.kind is CardKind.MTTR:
        now, before = _fact(first, FactKey.MTTR_THIS_WEEK), _fact(first, FactKey.MTTR_LAST_WEEK)
        return f"Recovery slowed: {_num(now)} min to resolve an incident, from {_num(before)} min."
    return first.title + "."


def write_deterministic(payload: BriefingPayload) -> Narrative:
    """A headline, and per card a paragraph and (critical, warning) an action, from the payload."""
    paragraphs = tuple(
        CardParagraph(
            card_id=c.id,
            text=_PARAGRAPHS[c.kind](payload, c),
            action=None if c.severity is Severity.INFO else _action(payload, c),
        )
        for c in payload.cards
        if c.kind in _PARAGRAPHS
    )
    return Narrative(headline=_headline(payload), paragraphs=paragraphs, source="deterministic")
