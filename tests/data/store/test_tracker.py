"""Tracker issues in the store: upserts, and the bug keys and fixing changes read back."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.config import parse_org_config
from data.source_values import SourceChange
from data.store.bug_issues import known_bug_issues, stored_bug_issues
from data.store.facts import load_changes
from data.store.tracker import _repository_of, github_references, tracker_bugs, upsert_issues
from data.sync import SyncRun
from data.tracker_issue import StatusChange, TrackerIssueRecord
from tests.data.sources.tracker.world import ORG, at, org_store, stored_issues


def _issue(key: str, source: str = "jira", **changes: object) -> TrackerIssueRecord:
    base: dict[str, object] = {"opened_at": at(50), "updated_at": at(40), "is_bug": True}
    base.update(changes)
    return TrackerIssueRecord(source, key, **base)  # type: ignore[arg-type]


def _change(key: str, title: str, **changes: object) -> SourceChange:
    return SourceChange(key, "acme/shop", "dev", at(10), title=title, **changes)  # type: ignore[arg-type]


def test_upserts_add_update_and_leave_unchanged_rows_alone(engine: Engine) -> None:
    """A new key is added, a changed one updated, the same one again counts nothing."""
    with Session(engine) as session:
        first = upsert_issues(session, [_issue("SHOP-1"), _issue("SHOP-2", is_bug=False)])
        session.commit()
    with Session(engine) as session:
        again = upsert_issues(
            session,
            [
                _issue("SHOP-1"),
                _issue(
                    "SHOP-2",
                    is_bug=True,
                    status_changes=(StatusChange(at(45), "Open", "Done"),),
                ),
            ],
        )
        session.commit()
    assert (first.added, first.updated) == (2, 0)
    assert (again.added, again.updated) == (0, 1)
    stored = stored_issues(engine)
    assert stored["SHOP-2"].is_bug
    assert stored["SHOP-2"].status_changes == [[at(45).isoformat(), "Open", "Done"]]


def test_the_same_key_in_two_trackers_is_two_issues(engine: Engine) -> None:
    """Jira's ENG-1 and Linear's ENG-1 are kept apart by their source."""
    with Session(engine) as session:
        upsert_issues(session, [_issue("ENG-1"), _issue("ENG-1", source="linear")])
        session.commit()
        assert tracker_bugs(session).keys == frozenset({"ENG-1"})


def test_fixing_changes_come_from_links_branches_and_github_references(engine: Engine) -> None:
    """Linked PRs, branches naming a bug and references to a bug-labelled GitHub issue fix."""
    org = org_store(engine)
    SyncRun(engine, org).checkpoint(
        "test",
        changes=[
            _change("acme/shop#1", "Tidy the cart"),
            _change("acme/shop#2", "Tidy more", head_branch="fix/shop-7-rounding"),
            _change("acme/shop#3", "Tidy again", head_branch="shop-8-feature"),
            _change("acme/shop#4", "Round totals", body="Fixes #12"),
            _change("acme/shop#5", "Round more", body="See acme/api#3 for why"),
            _change("acme/shop#6", "Squashed (#12)"),
            _change("acme/shop#7", "See https://github.com/acme/api/issues/3"),
            _change("acme/shop#8", "Closes #13"),
        ],
    )
    with Session(engine) as session:
        upsert_issues(
            session,
            [
                _issue("LIN-1", source="linear", linked_changes=("acme/shop#1",)),
                _issue("SHOP-7"),
                _issue("SHOP-8", is_bug=False),
                _issue("acme/shop#12", source="github"),
                _issue("acme/api#3", source="github"),
                _issue("acme/shop#13", source="github", is_bug=False),
            ],
        )
        session.commit()
        found = tracker_bugs(session)
        bugs = known_bug_issues(session, org)
        facts = {c.key: c.is_fix for c in load_changes(session, bugs=bugs)}
    assert found.changes == {
        "acme/shop#1",
        "acme/shop#2",
        "acme/shop#4",
        "acme/shop#5",
        "acme/shop#7",
    }
    assert facts == {
        "acme/shop#1": True,
        "acme/shop#2": True,
        "acme/shop#3": False,
        "acme/shop#4": True,
        "acme/shop#5": True,
        "acme/shop#6": False,
        "acme/shop#7": True,
        "acme/shop#8": False,
    }


def test_github_references_read_bare_cross_repository_and_url_forms() -> None:
    """``#12`` is the change's own repository; ``o/r#3`` and issue URLs name theirs."""
    text = "Fixes #12, closes acme/api#3 and https://github.com/acme/web/issues/5; &#39; x#9"
    assert github_references("acme/shop", text) == {"acme/shop#12", "acme/api#3", "acme/web#5"}


def test_the_file_and_the_store_are_united(engine: Engine, tmp_path: Path) -> None:
    """The hand-made file keeps working offline and adds to the trackers' bugs."""
    path = tmp_path / "bugs.txt"
    path.write_text("OLD-1\n", encoding="utf-8")
    org = parse_org_config(f'{ORG}\n[scoring]\nbug_issues = "{path}"\n')
    with Session(engine) as session:
        assert known_bug_issues(session, org).keys == {"OLD-1"}
        upsert_issues(session, [_issue("SHOP-3")])
        session.commit()
        assert known_bug_issues(session, org).keys == {"OLD-1", "SHOP-3"}
    assert stored_bug_issues(org, str(engine.url)).keys == {"OLD-1", "SHOP-3"}
    missing = f"sqlite:///{tmp_path}/none.db"
    assert stored_bug_issues(org, missing).keys == {"OLD-1"}
    assert not (tmp_path / "none.db").exists()


def test_a_commit_keyed_change_s_bare_reference_names_its_own_repository() -> None:
    """A change stored by sha (``acme/app@…``, no pull request) that says ``Fixes #12`` names
    issue 12 of its own repository, as a pull request's change would."""
    assert github_references(_repository_of("acme/app@1234567890ab"), "Fixes #12") == {
        "acme/app#12"
    }
    assert _repository_of("group/sub/project!7") == "group/sub/project"
