"""Ask riskbrief in Slack's assistant pane or a DM: the `/risk` questions, or plain words.

A member who opens the pane (``assistant_thread_started``) is greeted with what riskbrief
answers and offered up to four questions drawn from their scope's week: a critical or
warning card's team, service or incident, each worded as a question and sent as the
`/risk` words that answer it, then the latest deploy of one of their services and the
review plan. A message in the pane or the DM (``message.im``) is read with the `/risk`
grammar, with or without its leading ``/risk``, and answered in its thread by the same
answer `/risk` gives (the caller's scope, the same refusals), rendered by
``bot.slack.render`` with 👍/👎 under it; the thread's status says riskbrief is reading
the store meanwhile, and its title is the question. Words that are no `/risk` question
go to Claude when an Anthropic API key is configured (``bot.slack.model_answer``: it
calls riskbrief's own tools in the asker's scope, and its reply is streamed only once
every number and name in it is found in those tools' results, else riskbrief's own
answers replace it); without a key they get the questions riskbrief answers and,
plainly, that plain words need the key.

Slack retries an event it got no 200 for within three seconds: each event's id is claimed
once in the store (``data.store.webhook_deliveries``, prefixed ``slack:``) before any work,
so a retry of an event answered, or being answered, is acknowledged and dropped.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from slack_bolt import Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.answers.answer import BriefingPart
from bot.answers.caller import Asked, Caller, Profile, caller_catalogs
from bot.answers.grammar import COMMANDS, HELP
from bot.answers.parse import Catalog
from bot.answers.queries import BriefQuery
from bot.answers.registry import answer_query
from bot.slack.model_answer import ModelAnswers, Where
from bot.slack.render import HELPFUL_ACTION, slack_text, with_feedback
from bot.slack.reply import Reply, section
from briefing.payload import BriefingPayload
from briefing.render.escape import mrkdwn, one_line, truncate
from data.clock import Clock, utcnow
from data.config import OrgConfig
from data.store.confirmations import Recorded
from data.store.engine import session_scope
from data.store.feedback import record_feedback
from data.store.webhook_deliveries import claim_delivery, finish_delivery
from scoring.card_terms import CardKind, EvidenceKind, Severity

__all__ = [
    "MAX_PROMPTS",
    "STATUS",
    "AssistantPane",
    "Prompt",
    "not_understood",
    "plain_text",
    "suggested_prompts",
]

# Slack shows at most four suggested prompts in a thread.
MAX_PROMPTS = 4
# Shown as "riskbrief is reading the store…" while an answer is made.
STATUS = "is reading the store…"
# Slack cuts a prompt's title; a short one reads whole.
_TITLE_CHARS = 75
# What a member's text may start with before the `/risk` words.
_PREFIXES = ("/risk", "risk")
_VERBS = frozenset(c.verb for c in COMMANDS)
# Slack writes a URL in a message as <url> or <url|label>, and escapes &, < and >.
_LINK = re.compile(r"<(https?://[^|>\s]+)(?:\|[^>]*)?>")

log = structlog.get_logger("riskbrief.slack")

# The answer `/risk` gives: the text, the member's id and the Web API client in, a reply out.
_AnswerText = Callable[[str, str, WebClient], Reply]


@dataclass(frozen=True, slots=True)
class Prompt:
    """A suggested question: what the pane shows, and the `/risk` words it sends."""

    title: str
    message: str

    def to_json(self) -> dict[str, str]:
        """As ``assistant.threads.setSuggestedPrompts`` takes it."""
        return {"title": truncate(one_line(self.title), _TITLE_CHARS), "message": self.message}


def _card_prompts(payload: BriefingPayload, catalog: Catalog) -> list[Prompt]:
    """A question for each critical or warning card whose subject the member may ask about."""
    out: list[Prompt] = []
    for card in payload.cards:
        if card.severity not in (Severity.CRITICAL, Severity.WARNING):
            continue
        incidents = [e.key for e in card.evidence if e.kind is EvidenceKind.INCIDENT]
        if card.kind is CardKind.INCIDENT and incidents:
            out.append(Prompt(f"What caused {incidents[0]}?", f"/risk incident {incidents[0]}"))
            continue
        found = catalog.resolve(card.subject) if card.subject else None
        if found is None:
            continue
        kind, key = found
        names = catalog.services if kind == "service" else catalog.teams
        name = names[key]
        verb = "service" if kind == "service" else "brief"
        title = (
            f"Why is {name} high this week?"
            if card.kind is CardKind.CONCENTRATION
            else f"What is going on in {name} this week?"
        )
        out.append(Prompt(title, f"/risk {verb} {key}"))
    return out


def suggested_prompts(payload: BriefingPayload | None, catalog: Catalog) -> tuple[Prompt, ...]:
    """Up to ``MAX_PROMPTS`` questions for a member whose week is ``payload`` and who may name
    ``catalog``'s teams and services: two of the week's cards, then the latest deploy of the
    first service a card or the catalog names, the review plan and this week so far."""
    cards = _card_prompts(payload, catalog) if payload is not None else []
    chosen: list[Prompt] = []
    for prompt in cards:
        if prompt.message not in {p.message for p in chosen} and len(chosen) < 2:
            chosen.append(prompt)
    subjects = [c.subject for c in payload.cards if c.subject] if payload is not None else []
    services = [
        found[1]
        for found in (catalog.resolve(s) for s in subjects)
        if found is not None and found[0] == "service"
    ] + list(catalog.services)
    if services:
        key = services[0]
        name = catalog.services[key]
        chosen.append(
            Prompt(f"What did the latest {name} deploy ship?", f"/risk deploy latest {key}")
        )
    chosen.append(Prompt("What should we review first?", "/risk plan"))
    chosen.append(Prompt("How is this week going?", "/risk brief"))
    return tuple(chosen[:MAX_PROMPTS])


def plain_text(text: str) -> str:
    """A message's text as the member typed it: Slack's ``<url|label>`` links back to their
    URL and its ``&amp;``, ``&lt;`` and ``&gt;`` back to characters."""
    return html.unescape(_LINK.sub(r"\1", text))


def _is_question(text: str) -> bool:
    """Whether ``text`` is `/risk` words: empty (help) or starting with one of its verbs."""
    words = text.split()
    if words and words[0].lower() in _PREFIXES:
        words = words[1:]
    return not words or words[0].lower() in _VERBS


def not_understood() -> Reply:
    """The one answer to words that are no `/risk` question when no Anthropic API key is
    configured: the questions riskbrief answers, then plainly why plain words are not."""
    model = (
        "Questions in plain words need an Anthropic API key configured for riskbrief "
        "(`ANTHROPIC_API_KEY`), and none is, so this pane answers the questions above "
        "only: ask one, with or without `/risk`."
    )
    help_text = "\n".join(slack_text(line) for line in HELP)
    return Reply(text=model, blocks=(section(help_text), section(model)))


def _greeting(
    payload: BriefingPayload | None, prompts: Sequence[Prompt], plain_words: bool
) -> Reply:
    """What riskbrief says when the pane opens: what it answers, for whom, and how to ask
    (in plain words too when Claude answers them)."""
    scope = f" for *{mrkdwn(one_line(payload.scope.label))}*" if payload is not None else ""
    example = prompts[0].message.removeprefix("/risk ") if prompts else "brief"
    text = (
        f"Hi, I'm riskbrief. I answer questions about delivery risk{scope}: this week so far, "
        "the changes to review first, a change's, a service's or a deploy's risk, and what "
        "caused an incident. Pick a question below, or type one as you would after `/risk`, "
        f"such as `{mrkdwn(example)}`; `help` lists them all."
        + (" Or ask in your own words." if plain_words else "")
    )
    return Reply(text=text, blocks=(section(text),))


@dataclass(frozen=True, slots=True)
class _Thread:
    """Where an answer goes: the conversation and the thread in it."""

    channel: str
    thread_ts: str


class AssistantPane:
    """The listeners of the assistant pane and the DM, closed over the store and the answer."""

    def __init__(
        self,
        engine: Engine,
        org: OrgConfig,
        clock: Clock,
        *,
        model: ModelAnswers | None,
        answer: _AnswerText,
        profile: Callable[[WebClient, str], Profile],
    ) -> None:
        self.engine = engine
        self.org = org
        self.clock = clock
        self.model = model
        self.answer = answer
        self.profile = profile

    # -- once per event ---------------------------------------------------------------

    def _claimed(self, body: dict[str, Any]) -> str | None:
        """The claim of ``body``'s event, or ``None`` when it was claimed before (a retry).

        An event without an id (Slack always sends one) is answered unclaimed."""
        event_id = body.get("event_id")
        if not isinstance(event_id, str):
            return ""
        claim = f"slack:{event_id}"
        kind = str((body.get("event") or {}).get("type") or "event")
        if not claim_delivery(self.engine, claim, kind, utcnow()):
            log.info("slack.event_retry_dropped", event_id=event_id, event=kind)
            return None
        return claim

    def _done(self, claim: str, body: dict[str, Any]) -> None:
        if claim:
            kind = str((body.get("event") or {}).get("type") or "event")
            finish_delivery(self.engine, claim, kind, utcnow())

    @staticmethod
    def _post(client: WebClient, thread: _Thread, reply: Reply) -> None:
        client.chat_postMessage(
            channel=thread.channel,
            thread_ts=thread.thread_ts,
            text=reply.text,
            blocks=list(reply.blocks),
            unfurl_links=False,
            unfurl_media=False,
        )

    # -- the pane opened ------------------------------------------------------------

    def _week(self, user_id: str, client: WebClient) -> tuple[BriefingPayload | None, Catalog]:
        """The member's week (this week so far in their scope) and the names they may ask."""
        caller = Caller(user_id, lambda: self.profile(client, user_id))
        with session_scope(self.engine) as session:
            asked = Asked(session, self.org, caller, self.clock())
            own, _ = caller_catalogs(asked)
            try:
                answer = answer_query(asked, BriefQuery())
            except Exception as exc:
                # Prompts of no card beat no greeting at all.
                log.warning("slack.assistant_week_failed", error=type(exc).__name__)
                return None, own
        part = next((p for p in answer.parts if isinstance(p, BriefingPart)), None)
        return (part.payload if part is not None else None), own

    def start_thread(self, body: dict[str, Any], event: dict[str, Any], client: WebClient) -> None:
        """Greet the member and suggest questions drawn from their week."""
        claim = self._claimed(body)
        if claim is None:
            return
        pane = event.get("assistant_thread") or {}
        thread = _Thread(str(pane.get("channel_id")), str(pane.get("thread_ts")))
        try:
            payload, catalog = self._week(str(pane.get("user_id")), client)
            prompts = suggested_prompts(payload, catalog)
            self._post(client, thread, _greeting(payload, prompts, self.model is not None))
            client.assistant_threads_setSuggestedPrompts(
                channel_id=thread.channel,
                thread_ts=thread.thread_ts,
                title="Ask about this week:",
                prompts=[p.to_json() for p in prompts],
            )
        except SlackApiError as exc:
            log.error("slack.assistant_start_failed", error=exc.response.get("error"))
        finally:
            self._done(claim, body)

    # -- a question -----------------------------------------------------------------

    def answer_message(
        self, body: dict[str, Any], event: dict[str, Any], client: WebClient
    ) -> None:
        """Answer a member's message in its thread, saying meanwhile that riskbrief is at it.

        Edits, deletions and bots' messages (riskbrief's own among them) carry a subtype or
        a bot id and are not questions."""
        user_id = event.get("user")
        if event.get("subtype") or event.get("bot_id") or not isinstance(user_id, str):
            return
        claim = self._claimed(body)
        if claim is None:
            return
        thread = _Thread(str(event.get("channel")), str(event.get("thread_ts") or event["ts"]))
        team = body.get("team_id")
        where = Where(
            thread.channel, thread.thread_ts, user_id, team if isinstance(team, str) else None
        )
        try:
            self._answer_in(where, plain_text(str(event.get("text") or "")), client)
        finally:
            self._done(claim, body)

    def _answer_in(self, where: Where, text: str, client: WebClient) -> None:
        thread = _Thread(where.channel, where.thread_ts)
        try:
            client.assistant_threads_setStatus(
                channel_id=thread.channel, thread_ts=thread.thread_ts, status=STATUS
            )
            # The pane lists its threads by title: the question asked last names it.
            client.assistant_threads_setTitle(
                channel_id=thread.channel,
                thread_ts=thread.thread_ts,
                title=truncate(one_line(text), _TITLE_CHARS) or "help",
            )
        except SlackApiError as exc:
            # A DM outside the pane has no assistant thread to show a status or title in.
            log.info("slack.assistant_status_unset", error=exc.response.get("error"))
        if not _is_question(text) and self.model is not None:
            self.model.respond(where, text, client)
            return
        if _is_question(text):
            reply = with_feedback(self.answer(text, where.user_id, client), one_line(text))
        else:
            reply = not_understood()
        try:
            self._post(client, thread, reply)
        except SlackApiError as exc:
            log.error("slack.assistant_answer_failed", error=exc.response.get("error"))

    # -- 👍 / 👎 ---------------------------------------------------------------------

    def record_feedback(self, body: dict[str, Any], respond: Respond) -> None:
        """Keep the member's 👍 or 👎 on the answer once, and say it was kept."""
        action = (body.get("actions") or [{}])[0]
        user_id = str((body.get("user") or {}).get("id") or "")
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        if not isinstance(channel, str) or not isinstance(message_ts, str):
            respond(
                response_type="ephemeral",
                replace_original=False,
                text="That click names no answer, so nothing was kept.",
            )
            return
        helpful = action.get("action_id") == HELPFUL_ACTION
        asked = str(_asked_of(str(action.get("value") or "")))
        with session_scope(self.engine) as session:
            kept = record_feedback(
                session, channel, message_ts, user_id, helpful, asked, self.clock()
            )
        word = "helped" if helpful else "did not help"
        said = {
            Recorded.NEW: f"Thanks: noted that this answer {word}.",
            Recorded.SAME: f"Already noted that this answer {word}.",
            Recorded.CHANGED: f"Thanks: changed your note to say this answer {word}.",
        }[kept]
        respond(response_type="ephemeral", replace_original=False, text=said)


def _asked_of(value: str) -> str:
    """The question a 👍/👎 button's value names (``shapes`` let only riskbrief's through)."""
    try:
        data = json.loads(value)
    except ValueError:
        return ""
    return str(data.get("asked") or "") if isinstance(data, dict) else ""
