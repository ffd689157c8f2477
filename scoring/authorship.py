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
    e-mail addresses, and a pattern of the ``Name <email>`` a commit or trailer shows."""

    tool: str
    kind: AuthorKind
    logins: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    identity: str | None = None


_AGENT = AuthorKind.AGENT
_BOT = AuthorKind.BOT

SIGNATURES: tuple[Signature, ...] = (
    # GitHub Copilot coding agent: PRs opened by copilot-swe-agent[bot], commits authored by
    # "Copilot <198982749+Copilot@users.noreply.github.com>"; Copilot in the IDE and chat adds
    # "Co-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>".
    # docs.github.com/en/copilot/concepts/agents/coding-agent/about-coding-agent
    Signature("GitHub Copilot", _AGENT, ("copilot-swe-agent[bot]", "copilot")),
    # Claude Code: "Co-Authored-By: Claude <noreply@anthropic.com>" (newer versions name the
    # model, "Claude Sonnet 4.6 <noreply@anthropic.com>") and a "Generated with [Claude Code]"
    # line; the Claude GitHub app commits as claude[bot].
    # docs.anthropic.com/en/docs/claude-code/settings (includeCoAuthoredBy)
    Signature(
        "Claude Code",
        _AGENT,
        ("claude[bot]",),
        ("noreply@anthropic.com",),
        r"claude\b[^<]*<[^>]*anthropic\.com>",
    ),
    # OpenAI Codex cloud opens PRs through the ChatGPT Codex connector app.
    # github.com/apps/chatgpt-codex-connector (the app's login; not confirmed in commits)
    Signature("OpenAI Codex", _AGENT, ("chatgpt-codex-connector[bot]", "codex[bot]")),
    # Cursor's background agent commits as "Cursor Agent <cursoragent@cursor.com>".
    # docs.cursor.com/background-agent
    Signature(
        "Cursor",
        _AGENT,
        ("cursoragent", "cursor[bot]", "cursor-agent"),
        ("cursoragent@cursor.com",),
    ),
    # Devin opens PRs as devin-ai-integration[bot]. docs.devin.ai (GitHub integration)
    Signature("Devin", _AGENT, ("devin-ai-integration[bot]",)),
    # Aider appends " (aider)" to the author and committer names and, with
    # --attribute-co-authored-by, adds "Co-authored-by: aider (<model>) <noreply@aider.chat>".
    # aider.chat/docs/git.html
    Signature("Aider", _AGENT, (), ("noreply@aider.chat",), r"\(aider\)\s*(<|$)|^aider\b"),
    # OpenCode's GitHub agent runs as opencode-agent[bot]. opencode.ai/docs/github
    # (the trailer form was not confirmed; the login is the app's)
    Signature("OpenCode", _AGENT, ("opencode-agent[bot]",), ("noreply@opencode.ai",)),
    # Google's Jules opens PRs as google-labs-jules[bot]. jules.google/docs
    Signature("Jules", _AGENT, ("google-labs-jules[bot]",)),
    # Amazon Q Developer's agent opens PRs as amazon-q-developer[bot].
    # docs.aws.amazon.com/amazonq/latest/qdeveloper-ug/github.html
    Signature("Amazon Q", _AGENT, ("amazon-q-developer[bot]",)),
    # OpenHands and Sweep, as their GitHub apps and resolver accounts.
    Signature(
        "OpenHands", _AGENT, ("openhands-agent", "openhands[bot]"), ("openhands@all-hands.dev",)
    ),
    Signature("Sweep", _AGENT, ("sweep-ai[bot]",)),
    # Dependabot: "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>".
    # docs.github.com/en/code-security/dependabot
    Signature("Dependabot", _BOT, ("dependabot[bot]", "dependabot-preview[bot]", "dependabot")),
    # Renovate: "renovate[bot] <29139614+renovate[bot]@users.noreply.github.com>".
    # docs.renovatebot.com
    Signature("Renovate", _BOT, ("renovate[bot]", "renovate-bot", "renovate")),
    # pre-commit.ci autofixes: "pre-commit-ci[bot] <66853113+pre-commit-ci[bot]@...>".
    Signature("pre-commit.ci", _BOT, ("pre-commit-ci[bot]",)),
    # GitHub Actions' token: "github-actions[bot] <41898282+github-actions[bot]@...>".
    # docs.github.com/en/actions (automatic token authentication)
    Signature("GitHub Actions", _BOT, ("github-actions[bot]", "github-actions")),
    # Other common automation accounts.
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
# GitHub's noreply addresses: "<id>+<login>@users.noreply.github.com" or "<login>@…".
_NOREPLY = re.compile(r"^(?:\d+\+)?(?P<login>[^@]+)@users\.noreply\.github\.com$", re.IGNORECASE)
# Trailers that credit a co-author or a generating tool.
_TRAILER = re.compile(
    r"^(?:co-authored-by|assisted-by|generated-by):\s*(?P<value>.+?)\s*$",
    re.IGNORECASE | re.MULTILINE,
)
_VALUE = re.compile(r"^(?P<name>[^<]*?)\s*(?:<(?P<email>[^>]*)>)?$")
_GENERATED_WITH = re.compile(r"generated with \[?(?P<tool>claude code|codex|cursor)", re.IGNORECASE)


def noreply_login(email: str) -> str | None:
    """The GitHub login a noreply address carries, or None for any other address."""
    match = _NOREPLY.match(email.strip())
    return match.group("login") if match else None


def _lookup(login: str) -> Signature | None:
    return _BY_LOGIN.get(login.strip().lower())


def identity_kind(
    name: str = "",
    email: str = "",
    login: str = "",
    agents: Iterable[str] = (),
    bots: Iterable[str] = (),
) -> tuple[AuthorKind, str | None]:
    """The kind of an author or committer identity, and the tool when it is not a person.

    ``agents`` and ``bots`` are an organisation's own additions (logins, names
    or e-mail addresses, any case). Any login ending in ``[bot]`` not known as
    an agent is a bot.
    """
    candidates = [c.strip().lower() for c in (login, name, email) if c and c.strip()]
    local = noreply_login(email) if email else None
    if local:
        candidates.append(local.lower())
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
    if any(c.endswith("[bot]") for c in candidates):
        return AuthorKind.BOT, next(c for c in candidates if c.endswith("[bot]"))
    return AuthorKind.HUMAN, None


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
    generated = _GENERATED_WITH.search(message)
    return generated.group("tool").title() if generated else None
