"""A plain-word question in the assistant pane answered by Claude, streamed once checked.

Claude calls riskbrief's tools (``bot.assistant``) within the asker's scope while the
thread's status names what it is reading. Its words are shown only if every sentence
passes the grounding check against that conversation's tool results (the whole reply
before any of it: one ungrounded sentence makes the rest suspect, an instruction planted
in a title among them); they are then streamed into the thread (``chat.startStream``,
one ``chat.appendStream`` a sentence, ``chat.stopStream`` with 👍/👎), each sentence
escaped for Slack. Otherwise, or when Claude loops, runs out of time or cannot be
reached, the answer is the deterministic one: each tool it called asked again as the
`/risk` words that give the same answer (the same refusals), rendered as `/risk` renders
them; with no tool called, the `/risk` help. Nothing here raises into the listener: a
Slack failure is logged.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import structlog
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy.engine import Engine

from bot.answers.access import Access
from bot.answers.caller import member_access
from bot.answers.grammar import HELP
from bot.answers.lookups import catalog_of
from bot.assistant.conversation import (
    DEFAULT_CAPS,
    Caps,
    Conversation,
    Ending,
    Model,
    converse,
    verdict,
)
from bot.assistant.tools import ToolBox, ToolUse
from bot.slack.render import slack_text, with_feedback
from bot.slack.reply import SECTION_CHARS, Reply, context, section
from briefing.render.blocks import MAX_BLOCKS
from briefing.render.escape import inert, mrkdwn, one_line, truncate
from data.config import OrgConfig
from data.store.engine import session_scope
from data.store.reads.lookups import subscriber_of

__all__ = [
    "MAX_STREAM_CHARS",
    "ModelAnswers",
    "ToolsFor",
    "markdown_piece",
    "risk_words",
    "stream_pieces",
    "tool_status",
]

# chat.startStream and chat.appendStream take at most 12,000 characters of markdown_text
# each; a whole reply is kept under that too, so the message stays within one call's worth.
MAX_STREAM_CHARS = 12_000
# Words of a tool's argument kept for the `/risk` words: a name or a key is short.
_ARGUMENT_CHARS = 200
_CHECKED_OUT = (
    "Claude's answer could not be checked against riskbrief's own numbers, so here are "
    "riskbrief's answers to what it looked up."
)
_NOTHING_ASKED = (
    "Claude could not answer that from riskbrief's tools in words it could check; these "
    "are the questions riskbrief answers, with or without `/risk`."
)
# Shown while a tool runs, after "riskbrief ".
_STATUS = {
    "briefing": "is reading the week's briefing…",
    "service_record": "is reading the service's record…",
    "change_risk": "is reading the change's risk…",
    "deploy_risk": "is reading the deploy's risk…",
    "incident_culprits": "is looking for the incident's culprits…",
    "review_plan": "is reading the review plan…",
    "open_pull_requests": "is reading the open pull requests…",
    "agent_activity": "is reading AI agents' changes…",
}

log = structlog.get_logger("riskbrief.slack")

# The tools one asker may call, given what they may see.
ToolsFor = Callable[[Access], ToolBox]
# The answer `/risk` gives: the text, the member's id and the Web API client in, a reply out.
_AnswerText = Callable[[str, str, WebClient], Reply]


def tool_status(use: ToolUse) -> str:
    """The thread's status while ``use`` runs."""
    return _STATUS.get(use.name, "is reading the store…")


def _argument(value: Any) -> str:
    """A tool argument as one `/risk` word or name: its first item if a list, on one line."""
    if isinstance(value, list):
        value = value[0] if value else ""
    return truncate(one_line(str(value or "")), _ARGUMENT_CHARS) if value else ""


def risk_words(use: ToolUse) -> str | None:
    """The `/risk` words answering what ``use`` asked, or ``None`` for a tool without them."""
    get = use.input.get
    scope = _argument(get("scope"))
    weeks = get("weeks")
    words: tuple[str, ...]
    match use.name:
        case "briefing":
            words = ("brief", scope)
        case "service_record":
            words = ("service", _argument(get("service")))
        case "change_risk":
            words = ("pr", _argument(get("change")))
        case "deploy_risk" if get("deploy"):
            words = ("deploy", *_argument(get("deploy")).split()[:1])
        case "deploy_risk":
            words = ("deploy latest", _argument(get("service")))
        case "incident_culprits":
            words = ("incident", _argument(get("incident")))
        case "review_plan" | "open_pull_requests":
            words = ("plan", scope, _argument(get("week")))
        case "agent_activity":
            words = ("agents", scope, f"weeks {weeks}" if isinstance(weeks, int) else "")
        case _:
            return None
    return " ".join(w for w in words if w)


def markdown_piece(sentence: str) -> str:
    """A checked sentence as ``markdown_text``: no mention, link or formatting can form."""
    escaped = inert(mrkdwn(sentence))
    return escaped.replace("[", "\\[").replace("]", "\\]")


def stream_pieces(said: Sequence[str]) -> list[str]:
    """The sentences to append, with a space between, the whole within ``MAX_STREAM_CHARS``."""
    pieces: list[str] = []
    used = 0
    for index, sentence in enumerate(said):
        piece = ("" if index == 0 else " ") + markdown_piece(sentence)
        if used + len(piece) > MAX_STREAM_CHARS:
            break
        pieces.append(piece)
        used += len(piece)
    return pieces


@dataclass(frozen=True, slots=True)
class Where:
    """The thread an answer goes in, and who asked (Slack needs them outside a DM)."""

    channel: str
    thread_ts: str
    user_id: str
    team_id: str | None


class ModelAnswers:
    """Plain-word questions put to ``model`` with ``tools_for``'s tools, answered in Slack."""

    def __init__(
        self,
        engine: Engine,
        org: OrgConfig,
        *,
        model: Model,
        tools_for: ToolsFor,
        answer: _AnswerText,
        caps: Caps = DEFAULT_CAPS,
    ) -> None:
        self.engine = engine
        self.org = org
        self.model = model
        self.tools_for = tools_for
        self.answer = answer
        self.caps = caps
        catalog = catalog_of(org)
        # Display names, as the briefing's check takes them: a key such as ``search`` is
        # also an everyday word ("I could not search for that").
        self.known_names = (*catalog.services.values(), *catalog.teams.values())

    def _access(self, user_id: str) -> Access:
        with session_scope(self.engine) as session:
            return member_access(self.org, subscriber_of(session, user_id))

    def respond(self, where: Where, question: str, client: WebClient) -> None:
        """Answer ``question`` in ``where``'s thread: Claude's checked words, or riskbrief's."""

        def status(use: ToolUse) -> None:
            try:
                client.assistant_threads_setStatus(
                    channel_id=where.channel, thread_ts=where.thread_ts, status=tool_status(use)
                )
            except SlackApiError as exc:
                log.info("slack.assistant_status_unset", error=exc.response.get("error"))

        try:
            tools = self.tools_for(self._access(where.user_id))
            conversation = converse(question, tools, self.model, on_tool=status, caps=self.caps)
        except Exception as exc:
            # One way out of every failure: riskbrief's own answer, never a traceback.
            log.error("slack.assistant_failed", error=type(exc).__name__, detail=str(exc)[:200])
            conversation = Conversation(question, (), None, Ending.UNAVAILABLE)
        checked = verdict(conversation, self.known_names)
        log.info(
            "slack.assistant_answered",
            ending=conversation.ending.value,
            tools=[o.use.name for o in conversation.outcomes],
            grounded=checked.sentences is not None,
            problems=list(checked.problems[:3]),
        )
        asked = one_line(question)
        try:
            if checked.sentences:
                self._stream(where, checked.sentences, asked, client)
            else:
                self._post(
                    where, self._fallback(conversation, where.user_id, client), asked, client
                )
        except SlackApiError as exc:
            log.error("slack.assistant_answer_failed", error=exc.response.get("error"))

    def _stream(self, where: Where, said: Sequence[str], asked: str, client: WebClient) -> None:
        pieces = stream_pieces(said)
        try:
            started = client.chat_startStream(
                channel=where.channel,
                thread_ts=where.thread_ts,
                recipient_user_id=where.user_id,
                recipient_team_id=where.team_id,
                markdown_text=pieces[0],
            )
        except SlackApiError as exc:
            # A conversation Slack streams nothing into still gets the checked words, whole.
            log.info("slack.assistant_stream_refused", error=exc.response.get("error"))
            text = truncate(" ".join(inert(mrkdwn(s)) for s in said), SECTION_CHARS)
            self._post(where, Reply(text=text, blocks=(section(text),)), asked, client)
            return
        ts = str(started["ts"])
        for piece in pieces[1:]:
            client.chat_appendStream(channel=where.channel, ts=ts, markdown_text=piece)
        feedback = with_feedback(Reply(text=""), asked).blocks
        client.chat_stopStream(channel=where.channel, ts=ts, blocks=list(feedback))

    def _fallback(self, conversation: Conversation, user_id: str, client: WebClient) -> Reply:
        """The tools' own answers, as `/risk` gives them, to what the model looked up."""
        words = dict.fromkeys(
            w for w in (risk_words(o.use) for o in conversation.outcomes) if w is not None
        )
        if not words:
            help_text = "\n".join(slack_text(line) for line in HELP)
            return Reply(text=_NOTHING_ASKED, blocks=(section(help_text), context(_NOTHING_ASKED)))
        replies = [self.answer(w, user_id, client) for w in words]
        refused = all(o.is_error for o in conversation.outcomes)
        # A refusal is the one sentence `/risk` gives; answers the model could not word get
        # a line saying why they are riskbrief's own.
        note: tuple[dict[str, Any], ...] = () if refused else (context(_CHECKED_OUT),)
        blocks = (*note, *(b for r in replies for b in r.blocks))
        return Reply(text=replies[0].text, blocks=blocks[: MAX_BLOCKS - 1])

    @staticmethod
    def _post(where: Where, reply: Reply, asked: str, client: WebClient) -> None:
        shown = with_feedback(reply, asked)
        client.chat_postMessage(
            channel=where.channel,
            thread_ts=where.thread_ts,
            text=shown.text,
            blocks=list(shown.blocks),
            unfurl_links=False,
            unfurl_media=False,
        )
