"""Who made a change: each agent and bot signature, as histories and code hosts write them."""

from __future__ import annotations

import pytest

from scoring.authorship import AuthorKind, agent_in_message, identity_kind, noreply_login

H, A, B = AuthorKind.HUMAN, AuthorKind.AGENT, AuthorKind.BOT


@pytest.mark.parametrize(
    ("name", "email", "login", "kind", "tool"),
    [
        ("Copilot", "198982749+Copilot@users.noreply.github.com", "", A, "GitHub Copilot"),
        ("", "", "copilot-swe-agent[bot]", A, "GitHub Copilot"),
        ("Claude", "noreply@anthropic.com", "", A, "Claude Code"),
        ("Claude Sonnet 4.6", "noreply@anthropic.com", "", A, "Claude Code"),
        ("", "", "claude[bot]", A, "Claude Code"),
        ("", "", "chatgpt-codex-connector[bot]", A, "OpenAI Codex"),
        ("Cursor Agent", "cursoragent@cursor.com", "", A, "Cursor"),
        ("", "", "devin-ai-integration[bot]", A, "Devin"),
        ("", "158243242+devin-ai-integration[bot]@users.noreply.github.com", "", A, "Devin"),
        ("Paul Gauthier (aider)", "paul@example.com", "", A, "Aider"),
        ("aider (gpt-4o)", "noreply@aider.chat", "", A, "Aider"),
        ("", "", "opencode-agent[bot]", A, "OpenCode"),
        ("", "", "google-labs-jules[bot]", A, "Jules"),
        ("", "", "amazon-q-developer[bot]", A, "Amazon Q"),
        (
            "dependabot[bot]",
            "49699333+dependabot[bot]@users.noreply.github.com",
            "",
            B,
            "Dependabot",
        ),
        ("renovate[bot]", "29139614+renovate[bot]@users.noreply.github.com", "", B, "Renovate"),
        ("", "", "pre-commit-ci[bot]", B, "pre-commit.ci"),
        (
            "github-actions[bot]",
            "41898282+github-actions[bot]@users.noreply.github.com",
            "",
            B,
            "GitHub Actions",
        ),
        ("", "", "some-new-app[bot]", B, "some-new-app[bot]"),
        ("Claude Opus 4.1", "noreply@anthropic.com", "", A, "Claude Code"),
        ("Codex", "noreply@openai.com", "", A, "OpenAI Codex"),
        ("opencode", "noreply@opencode.ai", "", A, "OpenCode"),
        ("", "", "copilot-pull-request-reviewer[bot]", A, "GitHub Copilot"),
        ("", "", "gemini-code-assist[bot]", A, "Gemini"),
        ("Aider", "ada@example.com", "", A, "Aider"),
        # People, including look-alikes.
        ("Claude Monet", "claude@example.com", "", H, None),
        ("Ada", "12345+ada@users.noreply.github.com", "", H, None),
        ("Copilotte", "copilotte@example.com", "", H, None),
    ],
)
def test_identities(name: str, email: str, login: str, kind: AuthorKind, tool: str | None) -> None:
    """Each documented signature gives its kind and tool; people stay people."""
    assert identity_kind(name, email, login) == (kind, tool)


@pytest.mark.parametrize(
    ("message", "tool"),
    [
        ("Add x\n\nCo-Authored-By: Claude <noreply@anthropic.com>", "Claude Code"),
        ("Add x\n\nCo-authored-by: Claude Sonnet 4.6 <noreply@anthropic.com>", "Claude Code"),
        ("Add x\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)", "Claude Code"),
        (
            "Add x\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
            "GitHub Copilot",
        ),
        ("Add x\n\nCo-authored-by: aider (gpt-4o) <noreply@aider.chat>", "Aider"),
        ("Add x\n\nAssisted-by: Cursor Agent <cursoragent@cursor.com>", "Cursor"),
        (
            "Add x\n\nGenerated-by: Devin "
            "<158243242+devin-ai-integration[bot]@users.noreply.github.com>",
            "Devin",
        ),
        ("Add x\n\nCo-authored-by: Codex <noreply@openai.com>", "OpenAI Codex"),
        ("Add x\n\nCo-Authored-By: opencode <noreply@opencode.ai>", "OpenCode"),
        ("Add x\n\n🤖 Generated with opencode", "OpenCode"),
        ("Add x\n\nCo-Authored-By: Claude Opus 4.1 <noreply@anthropic.com>", "Claude Code"),
        ("Add x\n\nASSISTED-BY: Claude:claude-opus-4-1 coccinelle", "Claude Code"),
        ("Add x\n\nAssisted-by: GitHub Copilot", "GitHub Copilot"),
        ("Add x\n\nGenerated-by: Codex (gpt-5)", "OpenAI Codex"),
        ("Add x\n\nAssisted-by: Amazon Q Developer", "Amazon Q"),
        ("Add x\n\nCo-developed-by: OpenCode <noreply@opencode.ai>", "OpenCode"),
        ("Add x\n\nAssisted-by: Jules Verne <jules@example.com>", None),
        ("Add x\n\nCo-authored-by: Claude <claude@example.com>", None),
        ("Add x\n\nCo-authored-by: Grace <grace@example.com>", None),
        (
            "Add x\n\nCo-authored-by: dependabot[bot] "
            "<49699333+dependabot[bot]@users.noreply.github.com>",
            None,
        ),
        ("Mention Claude in a sentence <noreply@anthropic.com>", None),
    ],
)
def test_messages(message: str, tool: str | None) -> None:
    """Trailers and the Generated-with line credit an agent; people and bots credit none."""
    assert agent_in_message(message) == tool


@pytest.mark.parametrize(
    ("login", "kind", "tool"),
    [
        ("dependabot", B, "Dependabot"),
        ("renovate", B, "Renovate"),
        ("pre-commit-ci", B, "pre-commit.ci"),
        ("github-actions", B, "GitHub Actions"),
        ("my-deployer", B, "my-deployer[bot]"),
        ("copilot-swe-agent", A, "GitHub Copilot"),
        ("Copilot", A, "GitHub Copilot"),
        ("devin-ai-integration", A, "Devin"),
        ("google-labs-jules", A, "Jules"),
        ("amazon-q-developer", A, "Amazon Q"),
        ("chatgpt-codex-connector", A, "OpenAI Codex"),
        ("opencode-agent", A, "OpenCode"),
        ("claude", A, "Claude Code"),
    ],
)
def test_graphql_app_logins(login: str, kind: AuthorKind, tool: str) -> None:
    """An account the host types as an app is known by its login without GraphQL's missing [bot]."""
    assert identity_kind(login=login, bot_account=True) == (kind, tool)


def test_a_person_whose_login_is_a_tool_name_stays_a_person() -> None:
    """Without the host saying it is an app, a bare login like "claude" is a person."""
    assert identity_kind(login="claude") == (H, None)
    assert identity_kind(login="jules") == (H, None)


def test_configured_additions_win() -> None:
    """An organisation's own agent and bot identities are recognised, any case."""
    assert identity_kind("Build Robot", "robot@acme.test", bots=["ROBOT@acme.test"]) == (
        B,
        "robot@acme.test",
    )
    assert identity_kind("", "", "acme-coder", agents=["Acme-Coder"]) == (A, "acme-coder")
    assert agent_in_message(
        "x\n\nCo-authored-by: Acme Coder <coder@acme.test>", ["coder@acme.test"]
    )


def test_noreply_login() -> None:
    """GitHub's noreply addresses carry the login, with or without the numeric id."""
    assert noreply_login("49699333+dependabot[bot]@users.noreply.github.com") == "dependabot[bot]"
    assert noreply_login("ada@users.noreply.github.com") == "ada"
    assert noreply_login("ada@example.com") is None
