"""Bitbucket Cloud's people: keyed by account id (nicknames are not unique), shown by name."""

from __future__ import annotations

from sqlmodel import Session, select

from data.store.tables import Person
from tests.data.sources.bitbucket.world import World, at, pr

ABEL = {"nickname": "alex", "display_name": "Alex Abel", "account_id": "557058:aaa"}
BROWN = {"nickname": "alex", "display_name": "Alex Brown", "account_id": "557058:bbb"}


def _people(world: World) -> dict[str, str | None]:
    with Session(world.engine) as session:
        return {p.login: p.display_name for p in session.exec(select(Person))}


def test_two_cloud_accounts_with_one_nickname_are_two_people_with_their_names(
    cloud_world: World,
) -> None:
    """Two accounts sharing the nickname `alex` author two changes as two people, each keyed
    by its account id and shown by its display name; one without an account id by its uuid."""
    world = cloud_world
    world.fake.accounts = {
        "abel": ABEL,
        "brown": BROWN,
        "old": {"nickname": "alex", "display_name": "Alex Old", "account_id": None},
    }
    world.fake.add_pr(world.repo, pr(1, 3, author="abel"))
    world.fake.add_pr(world.repo, pr(2, 2, author="brown"))
    world.fake.add_pr(world.repo, pr(3, 1, author="old"))
    world.sync()
    authors = [world.change(n)[0].author_id for n in (1, 2, 3)]
    assert len(set(authors)) == 3
    people = _people(world)
    assert people["557058:aaa"] == "Alex Abel"
    assert people["557058:bbb"] == "Alex Brown"
    assert people["{old}"] == "Alex Old"
    assert "alex" not in people


def test_a_cloud_code_owner_named_by_nickname_who_approved_is_that_approver(
    cloud_world: World,
) -> None:
    """CODEOWNERS' `@alex`, when the account with that nickname approved, is stored as the
    approver's key, so the approval is a code owner's; owners who did not approve are kept
    as written."""
    world = cloud_world
    world.fake.accounts = {"abel": ABEL}
    repo = world.fake.repo(world.repo)
    repo.codeowners = [("a" * 40, at(20), "checkout/ @alex @lead\n")]
    world.fake.add_pr(
        world.repo,
        pr(
            1,
            5,
            files=(("checkout/x.py", 1, 0, "modified"),),
            approvals=(("abel", at(6), False),),
        ),
    )
    world.sync()
    _, files, reviews = world.change(1)
    assert files[0].owners == ["@557058:aaa", "@lead"]
    with Session(world.engine) as session:
        reviewer = session.get(Person, reviews[0].reviewer_id)
    assert reviewer is not None
    assert reviewer.login == "557058:aaa"
