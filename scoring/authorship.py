"""Who made a change: a person, an AI coding agent, or a bot, from what a history really holds.

A git history names an author and a committer (name and e-mail) and carries
trailers in the message; a code host adds the login that opened the pull
request. ``SIGNATURES`` is the one table of how agents and bots show up in
those, each row with where the signature is documented. Bots (dependency
updaters, CI) are neither people nor agents: their changes are scored but say
nothing about anyone's experience, and they are counted on their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

__all__ = [
    "SIGNATURES",
    "AuthorKind",
    "Signature",
    "agent_in_message",
    "identity_kind",
    "noreply_login",
]


class AuthorKind(StrEnum):
    """What made a change."""

    HUMAN = "human"
    AGENT = "agent"
    BOT = "bot"


@dataclass(frozen=True, slots=True)
class Signature:
    """How one tool appears: logins (also the local part of GitHub's noreply addresses),
    e-mail addresses, a pattern of the ``Name <email>`` a commit or trailer shows, and
    the names an ``Assisted-by``/``Generated-by`` trailer gives it (``Claude:claude-opus-4``)."""

    tool: str
    kind: AuthorKind
    logins: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    identity: str | None = None
    names: tuple[str, ...] = ()


_AGENT = AuthorKind.AGENT
_BOT = AuthorKind.BOT

SIGNATURES: tuple[Signature, ...] = (
    # GitHub Copilot coding agent: PRs opened by the copilot-swe-agent app (REST shows the
    # login "Copilot", id 198982749, html_url github.com/apps/copilot-swe-agent), commits
    # authored by "Copilot <198982749+Copilot@users.noreply.github.com>"; Copilot in the IDE
    # and chat adds "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>";
    # its code review comes from copilot-pull-request-reviewer[bot].
    # docs.github.com/en/copilot/concepts/agents/coding-agent/about-coding-agent
    Signature(
        "GitHub Copilot",
        _AGENT,
        ("copilot-swe-agent[bot]", "copilot", "copilot-pull-request-reviewer[bot]"),
        names=("copilot", "github copilot"),
    ),
    # Claude Code: "Co-Authored-By: Claude <noreply@anthropic.com>" (newer versions name the
    # model, "Claude Sonnet 4.6 <noreply@anthropic.com>", "Claude Opus 4.1 <…>") and a
    # "🤖 Generated with [Claude Code]" line; the Claude GitHub app commits as claude[bot].
    # docs.anthropic.com/en/docs/claude-code/settings (includeCoAuthoredBy, attribution)
    Signature(
        "Claude Code",
        _AGENT,
        ("claude[bot]",),
        ("noreply@anthropic.com",),
        r"claude\b[^<]*<[^>]*anthropic\.com>",
        ("claude", "claude code"),
    ),
    # OpenAI Codex: the CLI's commit_attribution trailer defaults to
    # "Co-authored-by: Codex <noreply@openai.com>" (github.com/openai/codex, codex-rs,
    # DEFAULT_ATTRIBUTION_VALUE); Codex cloud works through the ChatGPT Codex connector app
    # (github.com/apps/chatgpt-codex-connector; its commits' form was not confirmed).
    Signature(
        "OpenAI Codex",
        _AGENT,
        ("chatgpt-codex-connector[bot]", "codex[bot]"),
        ("noreply@openai.com", "codex@openai.com"),
        names=("codex", "openai codex"),
    ),
    # Cursor's background agent commits as "Cursor Agent <cursoragent@cursor.com>".
    # docs.cursor.com/background-agent
    Signature(
        "Cursor",
        _AGENT,
        ("cursoragent", "cursor[bot]", "cursor-agent"),
        ("cursoragent@cursor.com",),
        names=("cursor", "cursor agent"),
    ),
    # Devin opens PRs as devin-ai-integration[bot]. docs.devin.ai (GitHub integration)
    Signature("Devin", _AGENT, ("devin-ai-integration[bot]",), names=("devin",)),
    # Aider appends " (aider)" to the author and committer names and, with
    # --attribute-co-authored-by, adds "Co-authored-by: aider (<model>) <noreply@aider.chat>".
    # aider.chat/docs/git.html
    Signature(
        "Aider",
        _AGENT,
        (),
        ("noreply@aider.chat",),
        r"\(aider\)\s*(<|$)|^aider\b",
        ("aider",),
    ),
    # OpenCode: "Co-Authored-By: opencode <noreply@opencode.ai>" and "🤖 Generated with
    # opencode" in commits it writes; its GitHub agent runs as opencode-agent[bot].
    # opencode.ai/docs/github (the trailer is seen in public histories, not in its docs)
    Signature(
        "OpenCode",
        _AGENT,
        ("opencode-agent[bot]",),
        ("noreply@opencode.ai",),
        names=("opencode",),
    ),
    # Google's Jules opens PRs as google-labs-jules[bot]. jules.google/docs
    Signature("Jules", _AGENT, ("google-labs-jules[bot]",), names=("jules",)),
    # Amazon Q Developer's agent opens PRs as amazon-q-developer[bot].
    # docs.aws.amazon.com/amazonq/latest/qdeveloper-ug/github.html (login not confirmed)
    Signature(
        "Amazon Q",
        _AGENT,
        ("amazon-q-developer[bot]",),
        names=("amazon q", "amazon q developer", "q developer"),
    ),
    # Google's Gemini Code Assist reviews as gemini-code-assist[bot].
    # developers.google.com/gemini-code-assist/docs/review-github-code
    Signature("Gemini", _AGENT, ("gemini-code-assist[bot]",), names=("gemini", "gemini cli")),
    # OpenHands and Sweep, as their GitHub apps and resolver accounts
    # (docs.all-hands.dev, docs.sweep.dev; not confirmed in commits).
    Signature(
        "OpenHands",
        _AGENT,
        ("openhands-agent", "openhands[bot]"),
        ("openhands@all-hands.dev",),
        names=("openhands",),
    ),
    Signature("Sweep", _AGENT, ("sweep-ai[bot]",)),
    # Dependabot: "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>".
    # docs.github.com/en/code-security/dependabot
    Signature("Dependabot", _BOT, ("dependabot[bot]", "dependabot-preview[bot]", "dependabot")),
    # Renovate: "renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>".
    # docs.renovatebot.com
    Signature("Renovate", _BOT, ("renovate[bot]", "renovate-bot", "renovate")),
    # pre-commit.ci autofixes: "pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@...>".
    # pre-commit.ci (the app's commits in public histories)
    Signature("pre-commit.ci", _BOT, ("pre-commit-ci[bot]",)),
    # GitHub Actions' token: "github-actions[bot] <41898282+github-actions[bot]@...>".
    # docs.github.com/en/actions (automatic token authentication)
    Signature("GitHub Actions", _BOT, ("github-actions[bot]", "github-actions")),
    # Other common automation accounts, by their GitHub app logins.
    Signature("Mergify", _BOT, ("mergify[bot]",)),
    Signature("Snyk", _BOT, ("snyk-bot",)),
    Signature("Greenkeeper", _BOT, ("greenkeeper[bot]",)),
    Signature("ImgBot", _BOT, ("imgbot[bot]",)),
    Signature("allcontributors", _BOT, ("allcontributors[bot]",)),
)

_BY_LOGIN = {login: s for s in SIGNATURES for login in s.logins}
_BY_EMAIL = {email: s for s in SIGNATURES for email in s.emails}
_BY_IDENTITY = tuple(
    (re.compile(s.identity, re.IGNORECASE), s) for s in SIGNATURES if s.identity is not None
)
# GitHub's noreply addresses: "<id>+<login>@users.noreply.github.com" or "<login>@…". A regex,
# not pydantic's EmailStr: it takes the login out of an address git already recorded, and
# validates nothing (scoring imports no validator).
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)
# Trailers that credit a co-author or a generating tool. Co-authored-by is GitHub's
# (docs.github.com, "Creating a commit with multiple authors"); Assisted-by is the Linux
# kernel's "AGENT_NAME:MODEL_VERSION" (docs.kernel.org/process/coding-assistants.html),
# also Fedora's and LLVM's; Generated-by is the ASF's (apache.org/legal/generative-tooling);
# Co-developed-by is the kernel's co-author trailer.
_TRAILER = re.compile(
    r"^(?P<key>co-authored-by|co-developed-by|assisted-by|generated-by):\s*(?P<value>.+?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
# Trailers that only ever name tools: a bare tool name there is enough.
_TOOL_TRAILERS = frozenset({"assisted-by", "generated-by"})
_VALUE = re.compile(r"^(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]*)>)?$")
# Claude Code's "🤖 Generated with [Claude Code](…)", OpenCode's "🤖 Generated with opencode".
_GENERATED_WITH = re.compile(
    r"generated with \[?(?P<tool>claude code|opencode|codex|cursor)\b", re.IGNORECASE
)
_BY_NAME = {n: s for s in SIGNATURES for n in s.names}


def noreply_login(email: str) -> str | None:
    """The GitHub login a noreply address carries, or None for any other address."""
    match = _NOREPLY.match(email.strip())
    return match.group("login") if match else None


def identity_kind(
    name: str = "",
    email: str = "",
    login: str = "",
    agents: Iterable[str] = (),
    bots: Iterable[str] = (),
    *,
    bot_account: bool = False,
) -> tuple[AuthorKind, str | None]:
    """The kind of an author or committer identity, and the tool when it is not a person.

    ``agents`` and ``bots`` are an organisation's own additions (logins, names
    or e-mail addresses, any case). Any login ending in ``[bot]`` not known as
    an agent is a bot. ``bot_account`` says the code host marks ``login`` as an
    app: GitHub's GraphQL API gives app logins without the ``[bot]`` that REST
    and commit addresses show (``dependabot``, ``devin-ai-integration``).
    """
    candidates = [c.strip().lower() for c in (login, name, email) if c and c.strip()]
    local = noreply_login(email) if email else None
    if local:
        candidates.append(local.lower())
    if bot_account and login.strip() and not login.strip().endswith("[bot]"):
        candidates.append(f"{login.strip().lower()}[bot]")
    extra_agents = {a.strip().lower() for a in agents}
    extra_bots = {b.strip().lower() for b in bots}
    for c in candidates:
        if c in extra_agents:
            return AuthorKind.AGENT, c
        if c in extra_bots:
            return AuthorKind.BOT, c
    for c in candidates:
        found = _BY_LOGIN.get(c) or _BY_EMAIL.get(c)
        if found is not None:
            return found.kind, found.tool
    shown = f"{name} <{email}>" if email else name
    for pattern, found in _BY_IDENTITY:
        if pattern.search(shown):
            return found.kind, found.tool
    bot = next((c for c in candidates if c.endswith("[bot]")), None)
    if bot is not None:
        return AuthorKind.BOT, bot
    return AuthorKind.HUMAN, None


def _tool_named(value: str) -> str | None:
    """The agent a tool-only trailer names: ``Claude:claude-opus-4``, ``Codex (gpt-5)``."""
    head = value.split(":", 1)[0].split("(", 1)[0].strip().lower()
    words = head.split()
    # The longest known name the value starts with: "Amazon Q Developer" before "Amazon Q".
    for n in range(len(words), 0, -1):
        found = _BY_NAME.get(" ".join(words[:n]))
        if found is not None and found.kind is AuthorKind.AGENT:
            return found.tool
    return None


def agent_in_message(message: str, agents: Iterable[str] = ()) -> str | None:
    """The agent a commit message credits, by trailer or "Generated with" line, or None."""
    extra = tuple(agents)
    for m in _TRAILER.finditer(message):
        value = _VALUE.match(m.group("value"))
        if value is None:
            continue
        kind, tool = identity_kind(value.group("name") or "", value.group("email") or "", "", extra)
        if kind is AuthorKind.AGENT:
            return tool
        # A tool-only trailer without an address names its tool ("Claude:claude-opus-4");
        # with one, the address decides, so "Jules Verne <jules@…>" stays a person.
        if m.group("key").lower() in _TOOL_TRAILERS and not value.group("email"):
            named = _tool_named(m.group("value"))
            if named is not None:
                return named
    generated = _GENERATED_WITH.search(message)
    if generated is None:
        return None
    return _tool_named(generated.group("tool"))
