"""The Slack app: ``/risk``, the briefing cards' Details button, the App Home tab, and the
assistant pane and DM that answer the `/risk` questions typed as words (``assistant``).

Every request is acknowledged at once and answered afterwards: the listeners
are bolt *lazy* listeners with ``process_before_response=True``, so the HTTP
response (the ack) is written by the request's own thread, before any store
work starts, and the answer goes back through the ``response_url`` (or
``views.publish``/``views.open``) from bolt's worker pool. Help and malformed
text are answered in the ack itself: parsing is pure and instant. A team or service name is
read again afterwards among the caller's own (``asked.own_catalog``), so one outside their
scope and one that exists nowhere are answered alike, in the same way.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import structlog
from slack_bolt import Ack, App, Respond
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from sqlalchemy.engine import Engine

from bot.answers.caller import Asked, Caller, Profile, caller_catalogs
from bot.answers.confirmations import CONFIRM_ACTION, REJECT_ACTION, answer_confirmation
from bot.answers.grammar import HELP, parse_query
from bot.answers.lookups import catalog_of
from bot.answers.parse import Usage
from bot.answers.queries import HelpQuery
from bot.answers.registry import answer_query
from bot.settings import Settings
from bot.slack.assistant import AssistantPane
from bot.slack.model_answer import ModelAnswers, ToolsFor
from bot.slack.render import (
    DETAILS_ACTION,
    HELPFUL_ACTION,
    UNHELPFUL_ACTION,
    slack_reply,
    slack_text,
)
from bot.slack.reply import Reply
from bot.slack.views import details_reply, home_view
from data.clock import Clock, utcnow
from data.config import OrgConfig, load_org_config
from data.store.engine import session_scope
from data.store.reads.lookups import subscriber_of
from scoring.errors import ConfigError, RiskbriefError

__all__ = ["COMMAND", "build_app", "check_slack_settings"]

COMMAND = "/risk"

log = structlog.get_logger("riskbrief.slack")


class _NoTokenNotice(logging.Filter):
    """Drops bolt's notice that SLACK_BOT_TOKEN goes unused beside the client riskbrief builds.

    Bolt reads SLACK_BOT_TOKEN from the environment itself and warns when a
    client is given as well; riskbrief's client carries that same token.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """False for that one notice."""
        return "`token` will be unused" not in record.getMessage()


_BOLT_LOG = logging.getLogger("riskbrief.slack.bolt")
_BOLT_LOG.addFilter(_NoTokenNotice())


_SORRY = "Something went wrong answering that; try again in a minute, or ask your riskbrief admin."


class _Handlers:
    """The listeners, closed over the store, the organisation and the clock."""

    def __init__(self, engine: Engine, org: OrgConfig, clock: Clock) -> None:
        self.engine = engine
        self.org = org
        self.clock = clock
        self.catalog = catalog_of(org)

    # -- /risk ---------------------------------------------------------------------

    def ack_command(self, ack: Ack, command: dict[str, Any]) -> None:
        """Answer help and malformed text in the ack; acknowledge everything else empty.

        A team or service name the organisation lacks is not answered here: whether a name
        is known depends on the caller's scope, which the answer reads from the store, so an
        unknown name and one outside the scope are refused alike, after the ack."""
        parsed = parse_query(str(command.get("text") or ""), self.catalog)
        if isinstance(parsed, Usage) and not parsed.unknown_name:
            ack(response_type="ephemeral", text=slack_text(parsed.message))
        elif isinstance(parsed, HelpQuery):
            ack(response_type="ephemeral", text="\n".join(slack_text(line) for line in HELP))
        else:
            ack()

    def answer_command(self, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """Answer a parsed command through its ``response_url``."""
        text = str(command.get("text") or "")
        parsed = parse_query(text, self.catalog)
        if isinstance(parsed, HelpQuery) or (isinstance(parsed, Usage) and not parsed.unknown_name):
            return  # answered in the ack
        user_id = str(command.get("user_id") or "")
        reply = self._safely(lambda: self._answer(text, user_id, client))
        respond(response_type="ephemeral", replace_original=False, **reply.to_json())

    def _safely(self, work: Callable[[], Reply]) -> Reply:
        try:
            return work()
        except RiskbriefError as exc:
            return Reply.plain(str(exc))
        except Exception as exc:
            log.error("slack.answer_failed", error=type(exc).__name__, detail=str(exc)[:200])
            return Reply.plain(_SORRY)

    def answer_text(self, text: str, user_id: str, client: WebClient) -> Reply:
        """``text`` answered as `/risk` answers it, for the member ``user_id``; a failure is
        one sentence."""
        return self._safely(lambda: self._answer(text, user_id, client))

    def _answer(self, text: str, user_id: str, client: WebClient) -> Reply:
        """``text`` read with the names the caller may use, then answered."""
        caller = Caller(user_id, lambda: self.profile(client, user_id))
        with session_scope(self.engine) as session:
            asked = Asked(session, self.org, caller, self.clock())
            parsed = parse_query(text, *caller_catalogs(asked))
            if isinstance(parsed, Usage):
                return Reply.plain(slack_text(parsed.message))
            return slack_reply(answer_query(asked, parsed))

    @staticmethod
    def profile(client: WebClient, user_id: str) -> Profile:
        """The caller's name and time zone from ``users.info``; unknown when Slack says no."""
        try:
            user = client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            log.warning("slack.users_info_failed", error=exc.response.get("error"))
            return Profile(user_id=user_id, name=user_id)
        name = str(user.get("real_name") or user.get("name") or user_id)
        tz = user.get("tz")
        return Profile(user_id=user_id, name=name, timezone=str(tz) if tz else None)

    # -- the Details button ----------------------------------------------------------

    @staticmethod
    def ack_only(ack: Ack) -> None:
        """Acknowledge at once; the answer follows."""
        ack()

    def answer_details(self, body: dict[str, Any], respond: Respond, client: WebClient) -> None:
        """The card's evidence: ephemeral in the conversation, or a modal from App Home."""
        action = (body.get("actions") or [{}])[0]
        user_id = str((body.get("user") or {}).get("id") or "")
        container = body.get("container") or {}
        message_ts = container.get("message_ts") or (body.get("message") or {}).get("ts")

        def work() -> Reply:
            with session_scope(self.engine) as session:
                return details_reply(
                    session, self.org, str(action.get("value") or ""), user_id, message_ts
                )

        reply = self._safely(work)
        if body.get("response_url"):
            respond(response_type="ephemeral", replace_original=False, **reply.to_json())
            return
        # App Home has no response_url: a modal is the only way to answer there.
        client.views_open(
            trigger_id=str(body.get("trigger_id")),
            view={
                "type": "modal",
                "title": {"type": "plain_text", "text": "Card details"},
                "close": {"type": "plain_text", "text": "Close"},
                "blocks": list(reply.blocks),
            },
        )

    # -- an incident's culprit, confirmed or rejected -------------------------------

    def answer_culprit(self, body: dict[str, Any], respond: Respond) -> None:
        """Keep the member's word on the candidate the button names, and say what was kept."""
        action = (body.get("actions") or [{}])[0]
        user_id = str((body.get("user") or {}).get("id") or "")
        confirmed = action.get("action_id") == CONFIRM_ACTION

        def work() -> Reply:
            with session_scope(self.engine) as session:
                value = str(action.get("value") or "")
                said = answer_confirmation(
                    session, self.org, user_id, value, confirmed, self.clock()
                )
                return slack_reply(said)

        respond(response_type="ephemeral", replace_original=False, **self._safely(work).to_json())

    # -- App Home ------------------------------------------------------------------

    def publish_home(self, event: dict[str, Any], client: WebClient) -> None:
        """Publish the caller's Home tab: their settings and this week so far."""
        if event.get("tab", "home") != "home":
            return
        user_id = str(event.get("user") or "")
        try:
            with session_scope(self.engine) as session:
                caller = subscriber_of(session, user_id)
                fallback = "UTC"
                if caller is None or not caller.active:
                    fallback = self.profile(client, user_id).timezone or "UTC"
                view = home_view(session, self.org, user_id, self.clock(), fallback)
        except Exception as exc:
            log.error("slack.home_failed", error=type(exc).__name__, detail=str(exc)[:200])
            view = {"type": "home", "blocks": list(Reply.plain(_SORRY).blocks)}
        client.views_publish(user_id=user_id, view=view)


def check_slack_settings(settings: Settings, *, socket_mode: bool) -> None:
    """Raise ``ConfigError`` naming the first Slack variable the chosen mode lacks."""
    if settings.slack_bot_token is None:
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set; set it to your Slack app's bot token (xoxb-…)"
        )
    if not socket_mode and settings.slack_signing_secret is None:
        raise ConfigError(
            "SLACK_SIGNING_SECRET is not set; set it to your Slack app's signing secret, "
            "or set SLACK_APP_TOKEN to use Socket Mode"
        )
    token = settings.slack_app_token
    if socket_mode and token is not None and not token.get_secret_value().startswith("xapp-"):
        raise ConfigError(
            "SLACK_APP_TOKEN is not an app-level token; set it to the xapp-… token "
            "of your app's Basic Information page, or unset it for HTTP mode"
        )


def build_app(
    settings: Settings,
    engine: Engine,
    org: OrgConfig | None = None,
    *,
    socket_mode: bool = False,
    clock: Clock = utcnow,
    workers: int = 2,
    tools: ToolsFor | None = None,
) -> App:
    """The bolt app for ``settings``; ``org`` defaults to the file ``settings.config`` names.

    HTTP mode needs ``SLACK_SIGNING_SECRET`` (bolt verifies every request's
    signature and timestamp); Socket Mode does not. The bot token is checked
    with ``auth.test`` here, so a wrong one fails at start, not at the first
    command. ``workers`` threads answer after the acks: the answers are CPU-bound
    Python, so more threads would not answer sooner but would take the interpreter
    lock from the request threads and slow every acknowledgement down. ``tools`` gives an
    asker's tools (``bot.mcp.toolbox``, wired by the runtime: this package imports no other
    reader); with it and ``ANTHROPIC_API_KEY``, plain words in the assistant pane go to Claude.
    """
    check_slack_settings(settings, socket_mode=socket_mode)
    assert settings.slack_bot_token is not None
    organisation = org if org is not None else load_org_config(settings.config)
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(),
        base_url=settings.slack_api_url,
        retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)],
    )
    try:
        app = App(
            client=client,
            logger=_BOLT_LOG,
            signing_secret=(
                settings.slack_signing_secret.get_secret_value()
                if settings.slack_signing_secret is not None
                else None
            ),
            request_verification_enabled=not socket_mode,
            process_before_response=True,
            listener_executor=ThreadPoolExecutor(
                max_workers=workers, thread_name_prefix="riskbrief-slack"
            ),
        )
    except (BoltError, SlackApiError) as exc:
        # bolt wraps auth.test's SlackApiError in a BoltError; the error code is inside.
        api = next(
            (e for e in (exc, exc.__cause__, exc.__context__) if isinstance(e, SlackApiError)),
            None,
        )
        reason = api.response.get("error") if api is not None else None
        raise ConfigError(
            f"Slack did not accept SLACK_BOT_TOKEN ({reason or 'auth.test failed'}); "
            "copy the Bot User OAuth Token from your app's OAuth & Permissions page"
        ) from None
    handlers = _Handlers(engine, organisation, clock)
    app.command(COMMAND)(ack=handlers.ack_command, lazy=[handlers.answer_command])
    app.action(DETAILS_ACTION)(ack=handlers.ack_only, lazy=[handlers.answer_details])
    for culprit_action in (CONFIRM_ACTION, REJECT_ACTION):
        app.action(culprit_action)(ack=handlers.ack_only, lazy=[handlers.answer_culprit])
    app.event("app_home_opened")(ack=handlers.ack_only, lazy=[handlers.publish_home])
    model = None
    if settings.anthropic_api_key is not None and tools is not None:
        # Imported here: the SDK takes seconds to import, and an app without a key never
        # needs it.
        from bot.assistant.claude import ClaudeTools

        claude = ClaudeTools(
            api_key=settings.anthropic_api_key.get_secret_value(),
            model=settings.assistant_model,
            base_url=settings.anthropic_base_url,
        )
        model = ModelAnswers(
            engine, organisation, model=claude, tools_for=tools, answer=handlers.answer_text
        )
    pane = AssistantPane(
        engine,
        organisation,
        clock,
        model=model,
        answer=handlers.answer_text,
        profile=handlers.profile,
    )
    app.event("assistant_thread_started")(ack=handlers.ack_only, lazy=[pane.start_thread])
    # The member moved to another channel with the pane open: nothing riskbrief answers
    # depends on where they are yet, so it is acknowledged and kept nowhere.
    app.event("assistant_thread_context_changed")(handlers.ack_only)
    app.event("message")(ack=handlers.ack_only, lazy=[pane.answer_message])
    for feedback_action in (HELPFUL_ACTION, UNHELPFUL_ACTION):
        app.action(feedback_action)(ack=handlers.ack_only, lazy=[pane.record_feedback])
    return app
