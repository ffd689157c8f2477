"""The risk of a change not merged yet: scored against the history without recording it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from scoring.advice import SPLIT_LINES, worth_splitting
from scoring.breakdown import GATE
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, FileChange, IncidentFacts, Review, ReviewState
from scoring.history import History
from scoring.proposal import JSON_VERSION, assess, assessment_json
from scoring.remedies import code_owner
from scoring.risk import score_change
from scoring.risk_score import top_signals
from scoring.signals import SIGNAL_WORDS

# A Tuesday mid-morning: the timing signal is quiet then.
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=UTC)
CONFIG = ScoringConfig()


def _change(key: str, at: datetime, *files: FileChange, **kw: object) -> ChangeFacts:
    """A change of the repository ``r`` by ``dev@x`` unless ``kw`` says otherwise."""
    fields: dict[str, object] = {"author": "dev@x", "reviews_known": False}
    fields.update(kw)
    return ChangeFacts(key, "r", "a change", merged_at=at, files=files, **fields)  # type: ignore[arg-type]


def _history() -> History:
    """A history in which ``pay/a.py`` was changed and fixed often, and pay had incidents."""
    history = History(lookback_days=CONFIG.incident_lookback_days)
    history.add_incidents(
        [IncidentFacts(f"inc-{i}", "pay", "down", NOW - timedelta(days=i + 1)) for i in range(3)]
    )
    for i in range(12):
        history.record(
            _change(
                f"r@{i:012x}",
                NOW - timedelta(days=40 - i),
                FileChange("pay/a.py", 10, 2, "pay", ("@alice",)),
                author=f"dev{i % 3}@x",
                is_fix=i % 2 == 0,
            )
        )
    return history


def _big() -> ChangeFacts:
    """A large change over two services with no tests, by a developer new to the files."""
    return _change(
        "r@feedfacecafe",
        NOW,
        FileChange("pay/a.py", 300, 40, "pay", ("@alice",)),
        FileChange("web/b.py", 150, 10, "web", ()),
    )


def test_assess_scores_as_the_scorer_does_and_leaves_the_history_as_it_was() -> None:
    """The score is score_change's against history.context, and a second call answers the same."""
    history = _history()
    change = _big()
    expected = score_change(change, history.context(change), CONFIG)
    first = assess(change, history, CONFIG)
    second = assess(change, history, CONFIG)
    assert first.risk == expected
    assert second == first
    # Nothing was recorded: a later change by the same author still finds no earlier one.
    assert history.context(replace(change, key="r@000000000001")).author_prior_changes == 0


def test_contributions_add_up_to_the_score_and_unknowns_are_the_unmeasured_signals() -> None:
    """Breakdown parts sum to the score; review is unknown for a change no code host reported."""
    a = assess(_big(), _history(), CONFIG)
    assert sum(c.points for c in a.contributions) == a.score
    assert "review" in [s.name for s in a.unknowns]
    assert all(not s.known for s in a.unknowns)


def test_every_advice_concerns_a_signal_or_gate_that_carries_points() -> None:
    """No advice for a signal that adds nothing; each signal's advice uses its own words."""
    a = assess(_big(), _history(), CONFIG)
    carrying = {s.name for s in a.signals if s.points > 0} | {g.name for g in a.gates}
    # The review advice may stand for the unknown review whose weight the others carry.
    assert {x.concerns for x in a.advice} <= carrying | {"review"}
    texts = {x.concerns: x.text for x in a.advice}
    assert texts["size"] == SIGNAL_WORDS["size"].advice
    assert texts["tests"] == SIGNAL_WORDS["tests"].advice


def test_splitting_lowers_by_the_rescored_difference() -> None:
    """The size advice's points are the score minus the score of the change halved."""
    history = _history()
    change = _big()
    a = assess(change, history, CONFIG)
    size = next(x for x in a.advice if x.concerns == "size")
    halved = replace(
        change,
        files=tuple(
            replace(f, added=(f.added + 1) // 2, deleted=(f.deleted + 1) // 2) for f in change.files
        ),
    )
    then = score_change(halved, history.context(halved), CONFIG).score
    assert size.points == a.score - then
    assert size.points is not None
    assert size.points > 0
    assert f"{then} instead of {a.score}" in size.detail


def test_adding_a_test_removes_the_tests_points() -> None:
    """A change with source lines and no test gets the tests advice, and a test file lowers it."""
    a = assess(_big(), _history(), CONFIG)
    tests = next(x for x in a.advice if x.concerns == "tests")
    assert tests.points is not None
    assert tests.points >= 1


def test_an_agent_change_is_told_to_get_the_code_owner_s_human_review() -> None:
    """An agent's change names the code owner of most of its files, never its own author."""
    change = replace(_big(), author_is_agent=True, author="alice")
    a = assess(change, _history(), CONFIG)
    agent = next(x for x in a.advice if x.concerns == "agent")
    assert agent.text.startswith(SIGNAL_WORDS["agent"].advice)
    # alice owns pay/a.py but wrote the change: no one else is named.
    assert "alice" not in agent.text
    owned = replace(_big(), author_is_agent=True)
    assert code_owner(owned) == "@alice"
    text = next(x for x in assess(owned, _history(), CONFIG).advice if x.concerns == "agent").text
    assert "@alice (the code owner)" in text


def test_unknown_review_is_advised_with_the_points_an_approval_removes() -> None:
    """With the review unknown, an owner's approval makes it known and the score drops by that."""
    history = _history()
    change = _big()
    a = assess(change, history, CONFIG)
    review = next(x for x in a.advice if x.concerns == "review")
    approved = replace(
        change,
        reviews=(Review("alice", ReviewState.APPROVED, NOW - timedelta(days=1)),),
        reviews_known=True,
        opened_at=NOW - timedelta(days=2),
    )
    then = score_change(approved, history.context(approved), CONFIG).score
    assert review.points == a.score - then > 0
    assert review.text == "ask @alice (the code owner) to review it"


def test_a_gate_holding_the_score_is_said_and_its_own_advice_removes_it() -> None:
    """A migration gates a small change's score; leaving it out is the advice that lowers it."""
    change = replace(
        _big(),
        files=(
            FileChange("pay/a.py", 5, 1, "pay", ("@alice",)),
            FileChange("db/migrations/0007_add.sql", 20, 0, "pay", ()),
        ),
    )
    # A history without incidents or fixes on these files: the gate is what holds the score.
    a = assess(change, History(lookback_days=CONFIG.incident_lookback_days), CONFIG)
    assert any(c.name == GATE for c in a.contributions)
    gate = next(x for x in a.advice if x.concerns == "schema_migration")
    assert gate.points is not None
    assert gate.points > 0
    held = [x for x in a.advice if "gate holds it" in x.detail or "gates hold it" in x.detail]
    assert held
    assert all(x.points == 0 for x in held)


def test_signals_without_an_honest_rescore_give_advice_without_points() -> None:
    """The service's incidents cannot be wished away: advice, no points."""
    a = assess(_big(), _history(), CONFIG)
    incidents = next(x for x in a.advice if x.concerns == "service_incidents")
    assert incidents.points is None
    assert incidents.text == SIGNAL_WORDS["service_incidents"].advice


def test_advice_comes_most_points_first() -> None:
    """Advice with points precedes advice without, in descending points."""
    advice = assess(_big(), _history(), CONFIG).advice
    points = [x.points for x in advice]
    known = [p for p in points if p is not None]
    assert known == sorted(known, reverse=True)
    assert points[: len(known)] == known


def test_json_shape_is_plain_json_with_every_part() -> None:
    """The JSON form round-trips through json and carries score, parts, unknowns and advice."""
    a = assess(_big(), _history(), CONFIG)
    data = json.loads(json.dumps(assessment_json(a)))
    assert data["version"] == JSON_VERSION
    assert data["score"] == a.score
    assert data["band"] == a.band.value
    assert data["band_label"] == a.band.label
    assert sum(c["points"] for c in data["contributions"]) == a.score
    assert [s["name"] for s in data["signals"]] == [s.name for s in a.signals]
    assert {u["name"] for u in data["unknowns"]} == {s.name for s in a.unknowns}
    assert [x["concerns"] for x in data["advice"]] == [x.concerns for x in a.advice]


def test_friday_evening_and_uncovered_files_are_re_scored_without_them() -> None:
    """Timing is re-scored at the next quiet hour, CODEOWNERS gaps with every file owned."""
    friday = datetime(2026, 11, 27, 19, 0, tzinfo=UTC)
    change = replace(_big(), merged_at=friday)
    history = _history()
    a = assess(change, history, CONFIG)
    timing = next(x for x in a.advice if x.concerns == "timing")
    owners = next(x for x in a.advice if x.concerns == "codeowners")
    assert "next quiet working hour" in timing.detail
    assert timing.points is not None
    assert owners.points is not None
    assert owners.points > 0
    quiet = replace(change, merged_at=datetime(2026, 11, 30, 10, 0, tzinfo=UTC))
    assert score_change(quiet, history.context(quiet), CONFIG).score == a.score - timing.points


def test_advice_that_would_remove_no_point_is_left_out() -> None:
    """A one-line change is not told to split itself: its re-score would be the same."""
    tiny = _change("r@0123456789ab", NOW, FileChange("pay/a.py", 1, 0, "pay", ("@alice",)))
    a = assess(tiny, _history(), CONFIG)
    assert not a.risk.gates
    assert all(x.points != 0 for x in a.advice)
    assert all(x.concerns != "size" for x in a.advice)


def test_a_small_change_is_never_told_to_split_itself() -> None:
    """A 10-line change whose halves would score 2 points lower gets no "split it": splitting
    is not what would make it safer."""
    small = _change("r@0123456789ab", NOW, FileChange("web/new.py", 8, 2, "web", ("@alice",)))
    history = _history()
    a = assess(small, history, CONFIG)
    halved = replace(small, files=(FileChange("web/new.py", 4, 1, "web", ("@alice",)),))
    assert score_change(halved, history.context(halved), CONFIG).score < a.score
    assert not worth_splitting(a.risk)
    assert all(x.concerns != "size" for x in a.advice)


def test_splitting_is_advised_when_size_drives_a_large_change() -> None:
    """250 lines of code, size the signal earning most beyond a typical change, no gate: "split
    it" stays; a change just under SPLIT_LINES, size still driving it, is not told to."""
    large = _change("r@0123456789ab", NOW, FileChange("web/new.py", 200, 50, "web", ("@alice",)))
    history = _history()
    a = assess(large, history, CONFIG)
    assert not a.risk.gates
    assert top_signals(a.signals, 1, a.risk.typical_points)[0].name == "size"
    assert worth_splitting(a.risk)
    size = next(x for x in a.advice if x.concerns == "size")
    assert size.text == SIGNAL_WORDS["size"].advice
    assert size.points is not None
    assert size.points > 0
    # Just under SPLIT_LINES: size still drives, but the change is not large.
    under = _change(
        "r@0123456789ac", NOW, FileChange("web/new.py", SPLIT_LINES - 51, 50, "web", ("@alice",))
    )
    assert all(x.concerns != "size" for x in assess(under, history, CONFIG).advice)
