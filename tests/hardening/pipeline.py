"""Hostile text in every place riskbrief reads it, through the real pipeline to Slack and email.

The sample organisation is loaded once per test module (``world``); for each
attack the same text is put in PR titles, bodies and branches, a mined commit's
message, the services' display names and the week's incident titles, the store
is rescored, and every subscriber's briefing is written by Claude (a local fake
that echoes the attack back in its answer), checked, and rendered for Slack and
email; the Slack app's answers are rendered from the same store. Each (attack,
place) case then checks that the text reached riskbrief and that nothing it
renders pings, links or runs anything, or changes a severity. The cases are
split by attack family over the ``test_injection_*`` modules, so they run in
parallel.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from bot.answers.briefs import brief_answer
from bot.answers.changes import change_answer
from bot.answers.deploys import deploy_answer
from bot.answers.services import service_answer
from bot.composition.compose import Composed, compose_all
from bot.composition.pipeline import score_all
from bot.slack.render import slack_reply
from briefing.llm import ClaudeNarrator
from briefing.narrative import CardParagraph, Narrative
from briefing.payload import BriefingPayload
from briefing.render import render_email, render_slack
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.ingest import Ingest
from data.scope import Scope
from data.source_values import SourceChange, SourceChangeFile
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.reads.lookups import latest_deploy_key
from data.store.tables import Change, Incident, Subscriber
from fakes import FakeAnthropic
from fakes.anthropic_server import Request
from tests.hardening.checks import html_problems, invisible_problems, slack_problems
from tests.hardening.corpus import ATTACKS, LOCATIONS, Attack
from tests.samples import SampleTemplate

WEEK = IsoWeek(2026, 47)
# A Saturday of that week, for the Slack app's "this week so far".
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
COMMIT_SHA = "5e1f00d2c0ffee0123456789abcdef0123456789"
COMMIT_KEY = f"acme/platform@{COMMIT_SHA[:12]}"
COMMIT_SUBJECT = "Tune ledger rounding"
# Gmail clips a message whose HTML is over 102 KB; a briefing must stay readable.
MAX_EMAIL_BYTES = 100_000
# The narrative request carries the facts of a week: hostile titles must not make it a novel.
MAX_PROMPT_CHARS = 60_000


class EchoingAnthropic(FakeAnthropic):
    """The fake Messages API, but every answer repeats ``attack`` in each of its parts."""

    attack = ""

    def respond(self, request: Request) -> tuple[int, dict[str, str], dict[str, Any]]:
        """The fake's good answer with the attack added to the headline, paragraphs and actions."""
        status, headers, body = super().respond(request)
        if status != 200:
            return status, headers, body
        answer = json.loads(body["content"][0]["text"])
        # A real answer stops at max_tokens (1000 tokens, a few thousand characters).
        echo = self.attack[:1000]
        answer["headline"] = f"{answer['headline']} {echo}"
        for paragraph in answer["paragraphs"]:
            paragraph["text"] = f"{paragraph['text']} {echo}"
            paragraph["action"] = f"{paragraph['action']} {echo}".strip()
        body["content"][0]["text"] = json.dumps(answer)
        return status, headers, body


@dataclass(frozen=True)
class AttackOutcome:
    """Everything riskbrief produced from the store with one attack in it."""

    composed: tuple[Composed, ...]
    # Messages of the Slack app and renderings of a narrative that repeats the attack
    # verbatim, as if the grounding check had let it through.
    slack: tuple[tuple[str, dict[str, Any]], ...]
    emails: tuple[tuple[str, str, str], ...]
    prompts: tuple[str, ...]
    # How many of Claude's answers each briefing's narrative was judged on.
    claude_answers: tuple[int, ...]
    stored: dict[str, tuple[str | None, ...]]
    problems: tuple[str, ...]


@dataclass
class World:
    """The module's store and what the same week looks like without any attack."""

    engine: Engine
    org: OrgConfig
    pr_keys: tuple[str, ...]
    incident_keys: tuple[str, ...]
    originals: dict[str, str]
    allowed_urls: frozenset[str]
    baseline: tuple[Composed, ...]
    fake: EchoingAnthropic
    outcomes: dict[str, AttackOutcome]


def _commit_record(message: str) -> SourceChange:
    """A commit on the default branch, mined from a clone: no PR, no review, a migration."""
    subject, _, body = message.partition("\n")
    return SourceChange(
        key=COMMIT_KEY,
        repository="acme/platform",
        author="hana.sato",
        merged_at=datetime(2026, 11, 19, 22, 40, tzinfo=UTC),
        title=subject,
        sha=COMMIT_SHA,
        body=body.strip() or None,
        url=f"https://github.com/acme/platform/commit/{COMMIT_SHA}",
        files=(
            SourceChangeFile("services/payments/ledger/rounding.py", added=420, deleted=180),
            SourceChangeFile("services/payments/migrations/0042_rounding.sql", 60, 0, "added"),
        ),
    )


def _requests(session: Session) -> list[tuple[Subscriber, IsoWeek]]:
    subscribers = session.exec(select(Subscriber).order_by(col(Subscriber.key))).all()
    return [(s, WEEK) for s in subscribers]


@contextmanager
def build_world(scored_sample: SampleTemplate, directory: Path) -> Iterator[World]:
    """The sample organisation plus one mined commit, scored, with its week's briefings."""
    sample = scored_sample.copy(directory / "store.db")
    engine, org = sample.engine, sample.org
    with session_scope(engine) as session:
        Ingest(session, org).changes([_commit_record(COMMIT_SUBJECT)])
        score_all(session, org)
        baseline = tuple(compose_all(session, org, _requests(session)))
        shown = {c.id for b in baseline for c in b.payload.top_changes}
        assert COMMIT_KEY in shown, "the mined commit must be one of the week's top changes"
        pr_keys = tuple(sorted(shown - {COMMIT_KEY}))
        incident_keys = tuple(sorted({i.id for b in baseline for i in b.payload.incidents}))
        changes = session.exec(select(Change).where(col(Change.key).in_(pr_keys))).all()
        incidents = session.exec(select(Incident).where(col(Incident.key).in_(incident_keys)))
        originals = {c.key: c.title for c in changes} | {i.key: i.title for i in incidents}
        urls = {c for c in session.exec(select(Change.url)) if c}
    with EchoingAnthropic() as fake:
        yield World(
            engine, org, pr_keys, incident_keys, originals, frozenset(urls), baseline, fake, {}
        )
    engine.dispose()


def _hostile_org(org: OrgConfig, text: str) -> OrgConfig:
    """``org`` with ``text`` in every service's display name."""
    services = tuple(
        s.model_copy(update={"name": f"{s.display_name} {text}"}) for s in org.services
    )
    return org.model_copy(update={"services": services})


def _attack_store(session: Session, world: World, text: str) -> dict[str, tuple[str | None, ...]]:
    """Put ``text`` in every place outsiders write, and return what the store then holds."""
    stored: dict[str, tuple[str | None, ...]] = {}
    changes = session.exec(select(Change).where(col(Change.key).in_(world.pr_keys))).all()
    for change in changes:
        change.title = f"{world.originals[change.key]} {text}"
        change.body = f"Context for reviewers.\n\n{text}"
        change.head_branch = f"feature/{text}"
        session.add(change)
    stored["pr_title"] = tuple(c.title for c in changes)
    stored["pr_body"] = tuple(c.body for c in changes)
    stored["branch"] = tuple(c.head_branch for c in changes)
    Ingest(session, world.org).changes([_commit_record(f"{COMMIT_SUBJECT} {text}\n\n{text}")])
    commit = session.exec(select(Change).where(Change.key == COMMIT_KEY)).one()
    stored["commit_message"] = (commit.title, commit.body)
    incidents = session.exec(
        select(Incident).where(col(Incident.key).in_(world.incident_keys))
    ).all()
    for incident in incidents:
        incident.title = f"{world.originals[incident.key]} {text}"
        session.add(incident)
    stored["incident_title"] = tuple(i.title for i in incidents)
    session.flush()
    return stored


def _verbatim(payload: BriefingPayload, text: str) -> Narrative:
    """A narrative that is nothing but the attack, as a model that obeyed it might write."""
    return Narrative(
        headline=text,
        paragraphs=tuple(
            CardParagraph(card_id=c.id, text=text, action=text) for c in payload.cards
        ),
        source="llm",
        model="claude-sonnet-5-5",
    )


def _problems(
    world: World,
    slack: list[tuple[str, dict[str, Any]]],
    emails: list[tuple[str, str, str]],
    prompts: tuple[str, ...],
) -> tuple[str, ...]:
    """Every way the output of one attack pings, links, runs or grows beyond bounds."""
    problems: list[str] = []
    for where, message in slack:
        problems += [f"Slack {where}: {p}" for p in slack_problems(message, world.allowed_urls)]
    baseline_html = world.baseline[0].email.html
    for where, html, text in emails:
        problems += [
            f"email {where}: {p}" for p in html_problems(html, world.allowed_urls, baseline_html)
        ]
        problems += list(invisible_problems(f"email text {where}", text))
        for part, body in (("HTML", html), ("text", text)):
            size = len(body.encode())
            if size > MAX_EMAIL_BYTES:
                problems.append(f"email {part} {where} is {size} bytes")
    for prompt in prompts:
        if len(prompt) > MAX_PROMPT_CHARS:
            problems.append(f"a narrative request carries {len(prompt)} characters")
    return tuple(dict.fromkeys(problems))


def _outcome(world: World, attack: Attack) -> AttackOutcome:
    """Run ``attack`` through the pipeline once; every place of it shares the run."""
    if attack.id in world.outcomes:
        return world.outcomes[attack.id]
    text = attack.text
    org = _hostile_org(world.org, text)
    narrator = ClaudeNarrator(api_key="test-key", base_url=world.fake.url, timeout=10.0)
    world.fake.attack = text
    seen = len(world.fake.requests)
    with session_scope(world.engine) as session:
        sync_org(session, org)
        stored = _attack_store(session, world, text)
        stored["service_name"] = tuple(s.display_name for s in org.services)
        score_all(session, org)
        composed = tuple(compose_all(session, org, _requests(session), narrator))
        deploy = latest_deploy_key(session, "payments")
        assert deploy is not None
        replies = [
            (
                "/risk brief",
                slack_reply(brief_answer(session, org, Scope(), "America/New_York", NOW)),
            ),
            ("/risk pr", slack_reply(change_answer(session, org, world.pr_keys[0]))),
            ("/risk pr (commit)", slack_reply(change_answer(session, org, COMMIT_KEY))),
            ("/risk service", slack_reply(service_answer(session, org, "payments", NOW))),
            ("/risk deploy", slack_reply(deploy_answer(session, org, deploy))),
        ]
        session.rollback()
    slack: list[tuple[str, dict[str, Any]]] = [
        (f"briefing for {c.payload.subscriber}", c.slack.to_json()) for c in composed
    ]
    slack += [(name, reply.to_json()) for name, reply in replies]
    emails = [(c.payload.subscriber, c.email.html, c.email.text) for c in composed]
    for c in composed:
        verbatim = _verbatim(c.payload, text)
        slack.append(
            (
                f"verbatim narrative for {c.payload.subscriber}",
                render_slack(c.payload, verbatim).to_json(),
            )
        )
        email = render_email(c.payload, verbatim)
        emails.append((f"verbatim narrative for {c.payload.subscriber}", email.html, email.text))
    prompts = tuple(r.user_texts()[0] for r in world.fake.requests[seen:])
    outcome = AttackOutcome(
        composed=composed,
        slack=tuple(slack),
        emails=tuple(emails),
        prompts=prompts,
        claude_answers=tuple(c.narrative.usage.requests for c in composed),
        stored=stored,
        problems=_problems(world, slack, emails, prompts),
    )
    world.outcomes[attack.id] = outcome
    return outcome


def _reached(world: World, outcome: AttackOutcome, location: str, text: str) -> bool:
    """True when ``text`` is where it was put, and shown where riskbrief shows that place."""
    # A commit's subject is its title and the rest of its message its body.
    wanted = text.splitlines()[0] if location == "commit_message" else text
    stored = outcome.stored[location]
    if not all(value is not None and wanted in value for value in stored):
        return False
    if location == "commit_message" and text not in (stored[1] or ""):
        return False
    whole = next(
        c.payload for c in outcome.composed if c.payload.scope.label == "whole organisation"
    )
    shown: dict[str, list[str]] = {
        "pr_title": [c.title for c in whole.top_changes if c.id in world.pr_keys],
        "commit_message": [c.title for c in whole.top_changes if c.id == COMMIT_KEY],
        "service_name": [s.name for s in whole.services],
        "incident_title": [i.title for i in whole.incidents],
    }
    # Bodies and branches are stored, and riskbrief shows neither.
    return location not in shown or (
        bool(shown[location]) and all(wanted in t for t in shown[location])
    )


def _severities(composed: tuple[Composed, ...]) -> list[Any]:
    return [
        (
            c.payload.subscriber,
            c.payload.severity_counts.line(),
            [(card.id, card.kind, card.severity) for card in c.payload.cards],
            c.slack.blocks[0]["text"]["text"],
            c.email.subject,
        )
        for c in composed
    ]


def cases(*families: str) -> list[Any]:
    """Every (attack, place) case of the attacks of ``families``, as pytest parameters."""
    return [
        pytest.param(a, loc, id=f"{a.id}-in-{loc}")
        for a in ATTACKS
        if a.family in families
        for loc in LOCATIONS
    ]


def assert_inert(world: World, attack: Attack, location: str) -> None:
    """``attack`` in ``location`` reached riskbrief yet pings, links, runs and changes nothing."""
    outcome = _outcome(world, attack)
    assert _reached(world, outcome, location, attack.text), f"{attack.id} never got to {location}"
    assert all(outcome.claude_answers), "Claude must have answered for every briefing"
    assert not outcome.problems, "\n".join(outcome.problems)
    assert _severities(outcome.composed) == _severities(world.baseline)
