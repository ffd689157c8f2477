"""What Slack sends, as Slack documents it: a slash command, a button's click, an event.

``signed.py`` checks every signed body against these before bolt sees it, so a body that
is signed but not what Slack sends (a JSON array or ``null`` for a payload, no ``actions``
or an empty list of them, no ``user``, a numeric user id, a button value longer than
Slack's 2,000 characters or not one riskbrief wrote) is refused in one sentence, before
any work: bolt's own parsing assumes Slack's shapes and fails on others with a traceback,
and the handlers would otherwise answer (and store) what no member clicked.

Only what riskbrief asks Slack for is accepted: the ``/risk`` command, ``block_actions``
of its own buttons, and the Events API's ``app_home_opened``, the assistant pane's
``assistant_thread_started`` and ``assistant_thread_context_changed``, and ``message.im``
(with its URL check).
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from bot.answers.confirmations import CONFIRM_ACTION, REJECT_ACTION
from bot.slack.render import DETAILS_ACTION, HELPFUL_ACTION, UNHELPFUL_ACTION

__all__ = ["MAX_BUTTON_VALUE", "command_problem", "event_problem", "interaction_problem"]

# Slack's limit on a button's value (Block Kit's button element).
MAX_BUTTON_VALUE = 2000

# Slack's ids: upper-case letters and digits (users `U…` or `W…`, teams `T…`, channels).
_SlackId = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9]{2,40}$")]
_UserId = Annotated[str, StringConstraints(pattern=r"^[UW][A-Z0-9]{1,40}$")]
_Url = Annotated[str, StringConstraints(pattern=r"^https?://\S{1,2000}$")]
_Short = Annotated[str, StringConstraints(max_length=255)]
_Name = Annotated[str, StringConstraints(min_length=1, max_length=500)]
# A message's ts: seconds since the epoch, a dot, and a sequence number.
_Ts = Annotated[str, StringConstraints(pattern=r"^[0-9]{1,12}\.[0-9]{1,8}$")]
# Slack's limit on a message's text.
_MessageText = Annotated[str, StringConstraints(max_length=40000)]


class _Shape(BaseModel):
    """Strict types (a number is no string), and Slack's other fields let through."""

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)


class SlashCommand(_Shape):
    """A slash command's form (https://api.slack.com/interactivity/slash-commands)."""

    command: Literal["/risk"]
    text: str
    user_id: _UserId
    response_url: _Url
    team_id: _SlackId | None = None
    channel_id: _SlackId | None = None
    trigger_id: _Short | None = None


class _User(_Shape):
    id: _UserId


class _Team(_Shape):
    id: _SlackId


class _Action(_Shape):
    type: Literal["button"]
    action_id: Literal[
        "card_details", "culprit_confirm", "culprit_reject", "answer_helpful", "answer_unhelpful"
    ]
    value: Annotated[str, StringConstraints(min_length=1, max_length=MAX_BUTTON_VALUE)]
    block_id: _Short | None = None
    action_ts: _Short | None = None


class BlockActions(_Shape):
    """A click of one of riskbrief's buttons (https://api.slack.com/reference/interaction-payloads/block-actions)."""

    type: Literal["block_actions"]
    user: _User
    actions: list[_Action] = Field(min_length=1, max_length=1)
    team: _Team | None = None
    trigger_id: _Short | None = None
    response_url: _Url | None = None
    container: dict[str, Any] | None = None
    message: dict[str, Any] | None = None


class _Culprit(_Shape):
    """A "Was it …?" button's value, as ``confirmations.culprit_choice`` writes it."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    incident: _Name
    change: _Name


class _CardRef(_Shape):
    """A Details button's value, as ``render.CardRef.to_value`` writes it."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    card: _Name
    week: Annotated[str, StringConstraints(pattern=r"^\d{4}-W\d{2}$")]
    tz: _Name
    teams: list[_Name] = Field(max_length=100)
    services: list[_Name] = Field(max_length=100)


# A delivered briefing's Details button carries its card id alone: `incident:INC-1039`.
_CARD_ID: TypeAdapter[str] = TypeAdapter(
    Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,40}:[^\x00-\x1f\x7f]{1,500}$")]
)


class _Feedback(_Shape):
    """A 👍/👎 button's value, as ``render.feedback_block`` writes it: the question asked."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)

    asked: Annotated[str, StringConstraints(max_length=500)]


class _HomeOpened(_Shape):
    type: Literal["app_home_opened"]
    user: _UserId
    tab: _Short | None = None


class _AssistantThread(_Shape):
    """The thread of the assistant pane a member opened (or is in), and where they are."""

    user_id: _UserId
    channel_id: _SlackId
    thread_ts: _Ts
    context: dict[str, Any] | None = None


class _ThreadEvent(_Shape):
    """``assistant_thread_started`` and ``assistant_thread_context_changed``
    (https://docs.slack.dev/reference/events/assistant_thread_started)."""

    type: Literal["assistant_thread_started", "assistant_thread_context_changed"]
    assistant_thread: _AssistantThread
    event_ts: _Ts | None = None


class _DirectMessage(_Shape):
    """``message.im``: a message in the bot's DM or assistant pane; a ``subtype`` (an edit, a
    bot's own message) is let in and left unanswered."""

    type: Literal["message"]
    channel: _SlackId
    channel_type: Literal["im"]
    ts: _Ts
    user: _UserId | None = None
    text: _MessageText | None = None
    thread_ts: _Ts | None = None
    subtype: _Short | None = None
    bot_id: _Short | None = None


class EventCallback(_Shape):
    """An Events API callback (https://api.slack.com/apis/events-api#callback-field)."""

    type: Literal["event_callback"]
    event: Annotated[_HomeOpened | _ThreadEvent | _DirectMessage, Field(discriminator="type")]
    team_id: _SlackId | None = None
    event_id: _Short | None = None


class UrlVerification(_Shape):
    """Slack's check of the Request URL (https://api.slack.com/events/url_verification)."""

    type: Literal["url_verification"]
    challenge: Annotated[str, StringConstraints(min_length=1, max_length=255)]


def _problem(model: type[_Shape], data: Any, sentence: str) -> str | None:
    try:
        model.model_validate(data)
    except ValidationError:
        return sentence
    return None


def _value_problem(action: str, value: str) -> str | None:
    """Why ``value`` is not what riskbrief wrote on the ``action`` button, else ``None``."""
    refused = "That button's value is not one riskbrief wrote."
    if action in (HELPFUL_ACTION, UNHELPFUL_ACTION):
        try:
            return _problem(_Feedback, json.loads(value), refused)
        except ValueError:
            return refused
    if action in (CONFIRM_ACTION, REJECT_ACTION):
        try:
            return _problem(_Culprit, json.loads(value), refused)
        except ValueError:
            return refused
    assert action == DETAILS_ACTION
    if value.startswith("{"):
        try:
            return _problem(_CardRef, json.loads(value), refused)
        except ValueError:
            return refused
    try:
        _CARD_ID.validate_python(value, strict=True)
    except ValidationError:
        return refused
    return None


def command_problem(form: dict[str, str]) -> str | None:
    """Why a slash command's ``form`` is not one Slack sends, else ``None``."""
    return _problem(SlashCommand, form, "That is not a slash command as Slack sends one.")


def interaction_problem(payload: Any) -> str | None:
    """Why an interaction's ``payload`` (its JSON, parsed) is not a click of one of
    riskbrief's buttons as Slack sends it, else ``None``."""
    try:
        clicked = BlockActions.model_validate(payload)
    except ValidationError:
        return "That is not a click of a riskbrief button as Slack sends one."
    action = clicked.actions[0]
    return _value_problem(action.action_id, action.value)


def event_problem(body: Any) -> str | None:
    """Why an Events API ``body`` (parsed JSON) is not one Slack sends riskbrief, else ``None``."""
    kind = body.get("type") if isinstance(body, dict) else None
    if kind == "url_verification":
        return _problem(UrlVerification, body, "That is not Slack's URL verification.")
    return _problem(EventCallback, body, "That is not an event riskbrief subscribes to.")
