"""People that are bots or agents by their login: kind 'bot' or 'agent'

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: a migration must mean the same thing whatever scoring.authorship says later.
# App logins of AI agents, as REST, commit addresses and noreply local parts show them.
_AGENT_APPS = (
    "copilot-swe-agent[bot]",
    "copilot-pull-request-reviewer[bot]",
    "claude[bot]",
    "chatgpt-codex-connector[bot]",
    "codex[bot]",
    "cursor[bot]",
    "devin-ai-integration[bot]",
    "opencode-agent[bot]",
    "google-labs-jules[bot]",
    "amazon-q-developer[bot]",
    "gemini-code-assist[bot]",
    "openhands[bot]",
    "sweep-ai[bot]",
)
# Bot logins as GitHub's GraphQL API gives them, without "[bot]".
_BOT_LOGINS = ("dependabot", "renovate", "github-actions", "pre-commit-ci", "renovate-bot")


def upgrade() -> None:
    # Earlier versions stored Dependabot, Renovate and CI accounts as people, and agents'
    # apps met in a clone (their noreply addresses) as people too.
    person = sa.table("person", sa.column("login", sa.String), sa.column("kind", sa.String))
    login = sa.func.lower(person.c.login)
    agent_addresses = [f"%+{app}@users.noreply.github.com" for app in _AGENT_APPS]
    op.execute(
        person.update()
        .where(person.c.kind == "human")
        .where(
            sa.or_(
                login.in_(_AGENT_APPS),
                *(login.like(address) for address in agent_addresses),
            )
        )
        .values(kind="agent")
    )
    op.execute(
        person.update()
        .where(person.c.kind == "human")
        .where(
            sa.or_(
                login.like("%[bot]"),
                login.like("%[bot]@users.noreply.github.com"),
                login.in_(_BOT_LOGINS),
            )
        )
        .values(kind="bot")
    )


def downgrade() -> None:
    # Bots were people before: an older version reads 'bot' as no agent, which they were.
    op.execute("UPDATE person SET kind = 'human' WHERE kind = 'bot'")
