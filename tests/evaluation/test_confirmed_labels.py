"""The team's word as labels: a confirmed cause is bad, a rejected change is not bad through
the incident's deploy link, and members who disagree give the majority's verdict."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.store.confirmations import record_confirmation
from data.store.tables import CulpritConfirmation, DeployChange
from data.store.team_word import team_word
from evaluation.change_outcomes import change_outcomes
from tests.data.rows import at, base, change, deploy, incident


def _word(
    incident_key: str, change_key: str, confirmed: bool, user: str, hours: float, row: int
) -> CulpritConfirmation:
    """A member's word as the store keeps it, said ``hours`` after the test's Monday."""
    return CulpritConfirmation(
        id=row,
        incident_key=incident_key,
        change_key=change_key,
        confirmed=confirmed,
        slack_user_id=user,
        said_at=at(hours),
    )


def test_the_majority_decides_and_a_tie_goes_to_the_latest_word() -> None:
    """Two yeses beat one no; one yes and one no give the later word, whichever it is."""
    word = team_word(
        [
            _word("I", "a", True, "U1", 1, 1),
            _word("I", "a", True, "U2", 2, 2),
            _word("I", "a", False, "U3", 3, 3),
            _word("I", "b", False, "U1", 1, 4),
            _word("I", "b", True, "U2", 2, 5),
            _word("I", "c", True, "U1", 1, 6),
            _word("I", "c", False, "U2", 2, 7),
        ]
    )
    assert word.confirmed == {("I", "a"), ("I", "b")}
    assert word.rejected == {("I", "c")}


def test_confirmations_label_changes_and_rejections_cut_the_deploy_link(engine: Engine) -> None:
    """#1 confirmed and #4 confirmed though no linked deploy shipped it are bad; #2, rejected and
    shipped only by the incident's deploy, is not; #3, rejected for INC-1 but shipped before
    INC-2 too, still is; asked about #2 and #4 alone, only #4 is bad."""
    with Session(engine) as s:
        repo, service, alice, _ = base(s)
        rows = [change(s, repo, service, alice, n, at(n)) for n in (1, 2, 3, 4)]
        first = deploy(s, service, "d1", at(5))
        second = deploy(s, service, "d2", at(30))
        for row in rows[:3]:
            assert row.id is not None
            assert first.id is not None
            s.add(DeployChange(deploy_id=first.id, change_id=row.id))
        assert rows[2].id is not None
        assert second.id is not None
        s.add(DeployChange(deploy_id=second.id, change_id=rows[2].id))
        linked = incident(s, service, "INC-1", at(6), 30)
        later = incident(s, service, "INC-2", at(31), 30)
        linked.deploy_id, later.deploy_id = first.id, second.id
        s.add_all([linked, later])
        s.commit()
        for key, confirmed in (("#1", True), ("#2", False), ("#3", False), ("#4", True)):
            record_confirmation(s, "INC-1", f"acme/shop{key}", confirmed, "U1", None, at(40))
        outcomes = change_outcomes(s)
        asked = change_outcomes(s, keys=["acme/shop#2", "acme/shop#4"])
    assert outcomes.bad == {"acme/shop#1", "acme/shop#3", "acme/shop#4"}
    assert (outcomes.by_incident, outcomes.by_confirmation, outcomes.rejected_links) == (2, 2, 1)
    assert asked.bad == {"acme/shop#4"}


def test_only_a_revert_that_names_a_failure_labels_what_it_undid(engine: Engine) -> None:
    """#1 reverted by a plain revert is bad; #2 reverted "temporarily, for the release" is
    not; the re-landing of #1 (a revert of its revert) labels neither the revert nor #1."""
    with Session(engine) as s:
        repo, service, alice, _ = base(s)
        plain, planned = (
            change(s, repo, service, alice, 1, at(1)),
            change(s, repo, service, alice, 2, at(2)),
        )
        for number, target, body in (
            (3, plain, "It broke checkout."),
            (4, planned, "Temporarily, for the release; it will re-land after it."),
        ):
            revert = change(s, repo, service, alice, number, at(number))
            revert.is_revert, revert.reverts_key, revert.body = True, target.key, body
        relanding = change(s, repo, service, alice, 5, at(5))
        relanding.is_revert, relanding.reverts_key = True, "acme/shop#3"
        s.commit()
        outcomes = change_outcomes(s)
    assert outcomes.bad == {"acme/shop#1"}
    assert outcomes.by_revert == 1
