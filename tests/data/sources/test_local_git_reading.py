"""A clone read truly: agents and bots from every commit a PR merged.

Reverts, merges and CODEOWNERS of a clone are in ``test_local_git_history``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import OrgConfig, parse_org_config
from data.store.tables import Change, Person
from tests.data.sources.gitrepo import GitRepo, sync_clone

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
ADA = "Ada Lovelace <ada@example.com>"
GRACE = "Grace Hopper <grace@example.com>"
COPILOT_AGENT = "Copilot <198982749+Copilot@users.noreply.github.com>"
DEPENDABOT = "dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>"

# Cases of reading a clone; on PostgreSQL only where the store decides.
pytestmark = [pytest.mark.usefixtures("clean_git_env"), pytest.mark.client_cases]


def _hours(n: float) -> datetime:
    return T0 + timedelta(hours=n)


def _org(path: Path) -> OrgConfig:
    return parse_org_config(
        f"""
[[repositories]]
name = "acme/shop"
path = "{path}"
[[services]]
key = "api"
repository = "acme/shop"
paths = ["api/**"]
"""
    )


def _sync(engine: Engine, repo: GitRepo) -> dict[str, Change]:
    org = _org(repo.path)
    sync_clone(engine, org)
    with Session(engine) as session:
        return {c.key: c for c in session.exec(select(Change))}


def _pr(repo: GitRepo, number: int, at: float, author: str, message: str) -> str:
    """A PR branch with one commit by ``author``, merged as GitHub's merge button does."""
    branch = f"topic-{number}"
    repo.git("checkout", "-q", "-b", branch)
    repo.commit({f"api/f{number}.py": f"x = {number}\n"}, message, _hours(at), author)
    repo.git("checkout", "-q", "main")
    return repo.merge(
        branch,
        f"Merge pull request #{number} from acme/{branch}\n\n{message.splitlines()[0]}",
        _hours(at + 0.5),
    )


def _base(repo: GitRepo) -> None:
    repo.commit({"api/app.py": "a\n"}, "Initial", T0, ADA)


# (what the PR's commit says, who wrote it, whether the change is an agent's, a bot's)
AGENT_CASES: list[tuple[str, str, bool, bool]] = [
    ("Tweak\n\nCo-Authored-By: Claude <noreply@anthropic.com>", ADA, True, False),
    ("Tweak\n\nCo-Authored-By: Claude Sonnet 4.6 <noreply@anthropic.com>", ADA, True, False),
    ("Tweak\n\n🤖 Generated with [Claude Code](https://claude.com/claude-code)", ADA, True, False),
    (
        "Tweak\n\nCo-authored-by: Copilot <175728472+Copilot@users.noreply.github.com>",
        ADA,
        True,
        False,
    ),
    ("Tweak the handler", COPILOT_AGENT, True, False),
    ("Tweak the handler", "Ada Lovelace (aider) <ada@example.com>", True, False),
    ("Bump requests from 2.31.0 to 2.32.0", DEPENDABOT, False, True),
    ("Tweak the handler", GRACE, False, False),
]


@pytest.mark.store_decides
@pytest.mark.parametrize(("message", "author", "agent", "bot"), AGENT_CASES)
def test_agents_and_bots_are_read_from_the_merged_commits(
    engine: Engine, tmp_path: Path, message: str, author: str, agent: bool, bot: bool
) -> None:
    """A merge-commit PR is an agent's or a bot's change by what its branch commits say."""
    repo = GitRepo(tmp_path / "shop")
    _base(repo)
    _pr(repo, 7, 1, author, message)
    changes = _sync(engine, repo)
    pr = changes["acme/shop#7"]
    assert pr.co_authored_by_agent is agent
    with Session(engine) as session:
        person = session.get(Person, pr.author_id)
    assert person is not None
    assert (person.kind == "bot") is bot


def test_any_commit_of_a_merged_branch_makes_it_an_agent_change(
    engine: Engine, tmp_path: Path
) -> None:
    """Only the middle one of three branch commits credits Claude; the merged PR is an agent's."""
    repo = GitRepo(tmp_path / "shop")
    _base(repo)
    repo.git("checkout", "-q", "-b", "topic")
    repo.commit({"api/a.py": "1\n"}, "Start", _hours(1), ADA)
    repo.commit(
        {"api/a.py": "2\n"},
        "Retry\n\nAssisted-by: Claude:claude-opus-4-1",
        _hours(2),
        ADA,
    )
    repo.commit({"api/a.py": "3\n"}, "Tidy", _hours(3), GRACE)
    repo.git("checkout", "-q", "main")
    repo.merge("topic", "Merge pull request #9 from acme/topic\n\nRetries", _hours(4))
    pr = _sync(engine, repo)["acme/shop#9"]
    assert pr.co_authored_by_agent
    with Session(engine) as session:
        person = session.get(Person, pr.author_id)
    assert person is not None
    assert (person.login, person.kind) == ("ada@example.com", "human")


def test_configured_agents_and_bots_are_recognised_in_a_clone(
    engine: Engine, tmp_path: Path
) -> None:
    """[agents] logins and bots name an organisation's own agent and bot by address or name."""
    repo = GitRepo(tmp_path / "shop")
    _base(repo)
    _pr(repo, 1, 1, "Acme Coder <coder@acme.test>", "Add the handler")
    _pr(repo, 2, 2, "Release Robot <robot@acme.test>", "Release 1.2.0")
    _pr(repo, 3, 3, GRACE, "Tweak\n\nCo-authored-by: Acme Coder <coder@acme.test>")
    org = parse_org_config(
        f"""
[[repositories]]
name = "acme/shop"
path = "{repo.path}"
[agents]
logins = ["Coder@Acme.test"]
bots = ["Release Robot"]
"""
    )
    sync_clone(engine, org)
    with Session(engine) as session:
        changes = {c.number: c for c in session.exec(select(Change))}
        kinds = {p.id: p.kind for p in session.exec(select(Person))}
    assert (changes[1].co_authored_by_agent, kinds[changes[1].author_id]) == (True, "agent")
    assert (changes[2].co_authored_by_agent, kinds[changes[2].author_id]) == (False, "bot")
    assert (changes[3].co_authored_by_agent, kinds[changes[3].author_id]) == (True, "human")
