"""Upserting source records: natural keys, people and agents, services, skipped records."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.ingest import Ingest, agent_in_trailers
from data.source_values import (
    SourceChange,
    SourceChangeFile,
    SourceDeploy,
    SourceErrorBudget,
    SourceIncident,
    SourcePerson,
    SourceReview,
)
from data.store.facts import load_changes
from data.store.org import sync_org
from data.store.tables import (
    Change,
    ChangeFile,
    Deploy,
    ErrorBudget,
    Incident,
    Person,
    ReviewRow,
)
from tests.data.shop import ORG, T0


def _pr(number: int = 1, **overrides: Any) -> SourceChange:
    fields: dict[str, Any] = {
        "key": f"acme/shop#{number}",
        "repository": "acme/shop",
        "author": "alice",
        "merged_at": T0 + timedelta(hours=number),
        "title": f"Change {number}",
        "number": number,
        "files": (SourceChangeFile("checkout/cart.py", 10, 2), SourceChangeFile("README.md", 1, 0)),
        "reviews": (SourceReview("bob", "APPROVED", T0),),
    }
    fields.update(overrides)
    return SourceChange(**fields)


def test_same_change_twice_is_one_row_and_counts_as_unchanged(
    engine: Engine, org: OrgConfig
) -> None:
    """Reading a PR again neither adds a row nor counts as an update."""
    with Session(engine) as session:
        first = Ingest(session, org).changes([_pr()])
        session.commit()
    with Session(engine) as session:
        again = Ingest(session, org).changes([_pr()])
        session.commit()
        assert (first.added, first.updated) == (1, 0)
        assert (again.added, again.updated) == (0, 0)
        assert len(session.exec(select(Change)).all()) == 1
        assert len(session.exec(select(ChangeFile)).all()) == 2
        assert len(session.exec(select(ReviewRow)).all()) == 1


@pytest.mark.parametrize(
    ("change", "expected_updates"),
    [
        pytest.param({"title": "Renamed"}, 1, id="title"),
        pytest.param({"files": (SourceChangeFile("checkout/cart.py", 11, 2),)}, 1, id="files"),
        pytest.param({"reviews": ()}, 1, id="reviews dismissed"),
        pytest.param({"labels": ("bug",)}, 1, id="labels"),
        pytest.param({}, 0, id="nothing"),
    ],
)
def test_a_changed_field_counts_as_an_update(
    engine: Engine, org: OrgConfig, change: dict[str, Any], expected_updates: int
) -> None:
    """Only a record that differs from its row counts as updated."""
    with Session(engine) as session:
        Ingest(session, org).changes([_pr()])
        session.commit()
    with Session(engine) as session:
        tally = Ingest(session, org).changes([_pr(**change)])
        session.commit()
    assert (tally.added, tally.updated) == (0, expected_updates)


def test_files_get_their_service_and_people_their_kind_and_team(
    engine: Engine, org: OrgConfig
) -> None:
    """Files map onto services by glob; agents by login; team members by riskbrief.toml."""
    with Session(engine) as session:
        Ingest(session, org).changes([_pr(), _pr(2, author="copilot-swe-agent[bot]")])
        session.commit()
        files = {f.path: f.service_id for f in session.exec(select(ChangeFile))}
        people = {p.login: p for p in session.exec(select(Person))}
    assert files["checkout/cart.py"] is not None
    assert files["README.md"] is None
    assert people["copilot-swe-agent[bot]"].kind == "agent"
    assert people["alice"].kind == "human"
    assert people["alice"].team_id is not None
    assert people["bob"].team_id is None


def test_people_upsert_by_login_with_their_names(engine: Engine, org: OrgConfig) -> None:
    """A person's name is stored once, kept when a later record has none, and updated on change."""
    with Session(engine) as session:
        ingest = Ingest(session, org)
        first = ingest.people([SourcePerson("alice", "Alice Liddell"), SourcePerson("bob")])
        again = ingest.people([SourcePerson("alice"), SourcePerson("bob")])
        renamed = Ingest(session, org).people([SourcePerson("bob", "Bob Dylan")])
        ingest.changes([_pr()])
        session.commit()
        people = {p.login: p for p in session.exec(select(Person).order_by(col(Person.id)))}
    assert [(t.added, t.updated) for t in (first, again, renamed)] == [(2, 0), (0, 0), (0, 1)]
    assert [(p.login, p.display_name) for p in people.values()] == [
        ("alice", "Alice Liddell"),
        ("bob", "Bob Dylan"),
    ]
    assert people["alice"].team_id is not None
    assert people["bob"].team_id is None


@pytest.mark.parametrize(
    ("trailer", "expected"),
    [
        ("Copilot <198982749+Copilot@users.noreply.github.com>", True),
        ("Claude <noreply@anthropic.com>", True),
        ("Claude Sonnet 4.6 <noreply@anthropic.com>", True),
        ("dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>", False),
        ("claude[bot] <claude@users.noreply.github.com>", True),
        ("Ada <ada@example.com>", False),
        (
            "devin-ai-integration[bot] "
            "<158243242+devin-ai-integration[bot]@users.noreply.github.com>",
            True,
        ),
    ],
)
def test_co_author_trailers_name_agents_by_name_or_noreply_login(
    trailer: str, expected: bool
) -> None:
    """A Co-authored-by trailer counts as an agent by its name or its noreply address's login."""
    assert agent_in_trailers(parse_org_config(ORG), [trailer]) is expected


# (PR author login as GitHub's GraphQL gives it, whether GitHub typed it Bot, stored kind)
GRAPHQL_AUTHORS = [
    ("dependabot", True, "bot"),
    ("renovate", True, "bot"),
    ("pre-commit-ci", True, "bot"),
    ("github-actions", True, "bot"),
    ("some-new-app", True, "bot"),
    ("copilot-swe-agent", True, "agent"),
    ("Copilot", True, "agent"),
    ("devin-ai-integration", True, "agent"),
    ("google-labs-jules", True, "agent"),
    ("amazon-q-developer", True, "agent"),
    ("chatgpt-codex-connector", True, "agent"),
    ("claude", True, "agent"),
    ("claude", False, "human"),
    ("renovate-fan", False, "human"),
]


@pytest.mark.parametrize(("login", "is_bot", "kind"), GRAPHQL_AUTHORS)
def test_code_host_apps_get_their_kind_from_a_login_without_bot_suffix(
    engine: Engine, org: OrgConfig, login: str, is_bot: bool, kind: str
) -> None:
    """An app GitHub marks Bot is an agent or a bot by its login even without "[bot]"."""
    with Session(engine) as session:
        Ingest(session, org).changes([_pr(author=login, author_is_bot=is_bot)])
        session.commit()
        person = session.exec(select(Person).where(col(Person.login) == login)).one()
    assert person.kind == kind


def test_bots_are_no_team_and_their_approvals_no_human_review(engine: Engine) -> None:
    """A bot listed among a team's members has no team; an app's approval is no human's."""
    config = parse_org_config(ORG.replace('members = ["alice"]', 'members = ["alice", "renovate"]'))
    with Session(engine) as session:
        sync_org(session, config)
        Ingest(session, config).changes(
            [
                _pr(author="renovate", author_is_bot=True),
                _pr(
                    2,
                    reviews=(
                        SourceReview(
                            "copilot-pull-request-reviewer", "APPROVED", T0, reviewer_is_bot=True
                        ),
                        SourceReview("ci-approver", "APPROVED", T0, reviewer_is_bot=True),
                    ),
                ),
            ]
        )
        session.commit()
        people = {p.login: p for p in session.exec(select(Person))}
        facts = {c.key: c for c in load_changes(session)}
    assert (people["renovate"].kind, people["renovate"].team_id) == ("bot", None)
    assert people["copilot-pull-request-reviewer"].kind == "agent"
    assert people["ci-approver"].kind == "bot"
    assert facts["acme/shop#1"].author_is_bot
    assert len(facts["acme/shop#2"].reviews) == 2
    assert facts["acme/shop#2"].human_approvals == ()


def test_a_revert_named_by_abbreviated_sha_is_linked_to_its_change(
    engine: Engine, org: OrgConfig
) -> None:
    """``reverts_sha`` finds the reverted change by the sha prefix a commit message gives."""
    sha = "0123456789abcdef0123456789abcdef01234567"
    with Session(engine) as session:
        ingest = Ingest(session, org)
        ingest.changes([_pr(sha=sha)])
        ingest.changes([_pr(2, reverts_sha=sha[:7])])
        session.commit()
        revert = session.exec(select(Change).where(col(Change.number) == 2)).one()
    assert revert.reverts_key == "acme/shop#1"
    assert revert.is_revert


def test_deploys_and_incidents_upsert_and_skip_what_cannot_be_placed(
    engine: Engine, org: OrgConfig
) -> None:
    """Unknown services, bad statuses and impossible times are skipped; the rest upsert by key."""
    deploys = [
        SourceDeploy("d1", "checkout", T0),
        SourceDeploy("d2", "nowhere", T0),
        SourceDeploy("d3", "checkout", T0, status="in_progress"),
    ]
    incidents = [
        SourceIncident("i1", "checkout", T0, resolved_at=T0 + timedelta(hours=1)),
        SourceIncident("i2", "checkout", T0, resolved_at=T0 - timedelta(hours=1)),
    ]
    with Session(engine) as session:
        ingest = Ingest(session, org)
        d = ingest.deploys(deploys)
        i = ingest.incidents(incidents)
        again = ingest.deploys([SourceDeploy("d1", "checkout", T0, status="failure")])
        session.commit()
        assert (d.added, d.skipped, i.added, i.skipped) == (1, 2, 1, 1)
        assert (again.added, again.updated) == (0, 1)
        assert session.exec(select(Deploy)).one().status == "failure"
        assert session.exec(select(Incident)).one().key == "i1"


def test_error_budgets_upsert_by_key_and_skip_what_cannot_be_placed(
    engine: Engine, org: OrgConfig
) -> None:
    """A budget span upserts once by key; a restore updates it; unknown services are skipped."""
    spent = SourceErrorBudget("b1", "checkout", T0, source="file")
    with Session(engine) as session:
        ingest = Ingest(session, org)
        first = ingest.error_budgets(
            [
                spent,
                SourceErrorBudget("b2", "nowhere", T0),
                SourceErrorBudget("b3", "checkout", T0, restored_at=T0 - timedelta(hours=1)),
            ]
        )
        again = ingest.error_budgets([spent])
        restored = ingest.error_budgets(
            [SourceErrorBudget("b1", "checkout", T0, T0 + timedelta(days=1), source="file")]
        )
        session.commit()
        assert (first.added, first.updated, first.skipped) == (1, 0, 2)
        assert (again.added, again.updated, again.skipped) == (0, 0, 0)
        assert (restored.added, restored.updated) == (0, 1)
        row = session.exec(select(ErrorBudget)).one()
        assert (row.key, row.exhausted_at, row.restored_at, row.source) == (
            "b1",
            T0,
            T0 + timedelta(days=1),
            "file",
        )


def test_a_pick_stays_a_pick_with_its_link_and_merge_time_whoever_reads_it_again(
    engine: Engine, org: OrgConfig
) -> None:
    """A git history's pick keeps its merge time and link; a code host's record of it (which
    knows no patch ids) leaves it a pick, and a git history that finds no original makes it a
    merged change again, without the link."""
    pick = _pr(9, state="picked", picked_from_key="acme/shop#1", reviews_known=False)
    with Session(engine) as session:
        Ingest(session, org).changes([_pr(1), pick])
        session.commit()
    with Session(engine) as session:
        row = session.exec(select(Change).where(col(Change.key) == "acme/shop#9")).one()
        assert (row.state, row.picked_from_key, row.merged_at) == (
            "picked",
            "acme/shop#1",
            pick.merged_at,
        )
        Ingest(session, org).changes([_pr(9)])
        session.commit()
        session.refresh(row)
        assert (row.state, row.picked_from_key) == ("picked", "acme/shop#1")
        Ingest(session, org).changes([_pr(9, reviews_known=False)])
        session.commit()
        session.refresh(row)
        assert (row.state, row.picked_from_key) == ("merged", None)


def test_a_git_history_record_keeps_the_reviews_a_code_host_stored(
    engine: Engine, org: OrgConfig
) -> None:
    """A git-history record keeps the reviews, labels and links a code host stored for the PR."""
    with Session(engine) as session:
        Ingest(session, org).changes(
            [_pr(review_comments=3, labels=("bug",), url="https://github.com/acme/shop/pull/1")]
        )
        session.commit()
    with Session(engine) as session:
        Ingest(session, org).changes([_pr(reviews=(), reviews_known=False, title="Merge")])
        session.commit()
        row = session.exec(select(Change)).one()
        assert row.reviews_known
        assert (row.review_comments, row.labels, row.title) == (3, ["bug"], "Merge")
        assert row.url == "https://github.com/acme/shop/pull/1"
        assert len(session.exec(select(ReviewRow)).all()) == 1


@pytest.mark.parametrize(
    ("first", "then", "known"),
    [
        pytest.param(True, None, True, id="code host"),
        pytest.param(False, None, False, id="git history"),
        pytest.param(False, True, True, id="git history, then the code host"),
    ],
)
def test_a_change_review_is_known_once_a_code_host_reported_it(
    engine: Engine, org: OrgConfig, first: bool, then: bool | None, known: bool
) -> None:
    """``reviews_known`` is false only while no source that sees reviews has reported the change."""
    with Session(engine) as session:
        Ingest(session, org).changes([_pr(reviews=(), reviews_known=first)])
        if then is not None:
            Ingest(session, org).changes([_pr(reviews_known=then)])
        session.commit()
        assert session.exec(select(Change)).one().reviews_known is known
