"""What became of stored changes: kind, lines of code, reverted, linked to an incident, later
fixed, each read from made rows."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from data.store.agent_outcomes import change_outcome_facts
from data.store.confirmations import record_confirmation
from data.store.engine import session_scope
from data.store.tables import ChangeFile
from scoring.agent_outcomes import ChangeOutcome
from scoring.work_kind import WorkKind
from tests.data.rows import at, base, change, incident


def test_reverts_revert_incidents_and_the_teams_word_are_each_read(engine: Engine) -> None:
    """A revert marks its target; a revert's incident or a confirmed culprit links it to an
    incident; a rejected culprit, a plain change and unknown later fixes stay apart."""
    with session_scope(engine) as s:
        repo, svc, human, agent = base(s)
        rows = {n: change(s, repo, svc, agent, n, at(n)) for n in range(1, 6)}
        rows[1].title = "refactor(ledger): split the postings"
        rows[2].title = "Fix the rounding of refunds"
        # #1 reverted after it reached production (its revert made an incident), #2 reverted
        # before (no incident), #3 confirmed a culprit by two of three, #4 rejected.
        revert_1 = change(s, repo, svc, human, 11, at(30))
        revert_1.reverts_key = rows[1].key
        revert_2 = change(s, repo, svc, human, 12, at(31))
        revert_2.reverts_key = rows[2].key
        incident(s, svc, f"revert:{revert_1.key}", at(20), 60)
        for user, said in (("U1", True), ("U2", True), ("U3", False)):
            record_confirmation(s, "INC-1", rows[3].key, said, user, None, at(40))
        record_confirmation(s, "INC-1", rows[4].key, False, "U1", None, at(40))
        # A test file moves no code: #5 has its 10 + 2 lines of code, and the test's none.
        assert rows[5].id is not None
        s.add(ChangeFile(change_id=rows[5].id, path="tests/test_f5.py", added=40, deleted=0))
    with session_scope(engine) as s:
        keys = [f"acme/shop#{n}" for n in range(1, 6)]
        facts = change_outcome_facts(s, [*keys, "acme/none#9"])
        blamed = change_outcome_facts(s, keys, {"acme/shop": frozenset({"acme/shop#5"})})
    assert set(facts) == set(keys)
    assert facts["acme/shop#1"] == ChangeOutcome(WorkKind.REFACTOR, 12, True, True, None)
    assert facts["acme/shop#2"] == ChangeOutcome(WorkKind.FIX, 12, True, False, None)
    assert facts["acme/shop#3"].incident
    assert not facts["acme/shop#3"].reverted
    assert not facts["acme/shop#4"].incident
    assert facts["acme/shop#5"].source_lines == 12
    assert not facts["acme/shop#5"].went_wrong
    # Later fixes are known for the repository SZZ ran over: blamed or not.
    assert blamed["acme/shop#5"].later_fixed is True
    assert blamed["acme/shop#4"].later_fixed is False
