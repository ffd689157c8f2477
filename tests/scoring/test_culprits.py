"""The incident-culprit ranking: a revert first, then fixes, risk and time, ties by key."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scoring.band import Band
from scoring.culprits import (
    REVERT_POINTS,
    WINDOW,
    ClueKind,
    CulpritTrace,
    IncidentAt,
    LaterFix,
    Shipped,
    duration_words,
    likeliest,
    rank_culprits,
)

OPENED = datetime(2026, 11, 20, 17, 10, tzinfo=UTC)
INCIDENT = IncidentAt("INC-1", "checkout", OPENED)


def _shipped(
    key: str,
    before: timedelta,
    score: int | None = 50,
    files: tuple[str, ...] = ("a.py",),
    deploy: str | None = "deploy:1",
) -> Shipped:
    return Shipped(
        key=key,
        title=f"change {key}",
        url=None,
        repository="acme/platform",
        merged_at=OPENED - before - timedelta(hours=1),
        shipped_at=OPENED - before,
        deploy=deploy,
        score=score,
        band=Band.MODERATE if score is not None else None,
        files=frozenset(files),
    )


def _fix(
    key: str, after: timedelta, files: tuple[str, ...], reverts: str | None = None
) -> LaterFix:
    return LaterFix(key, "acme/platform", OPENED + after, frozenset(files), reverts)


def test_a_reverted_change_comes_first_whatever_its_risk_and_time() -> None:
    """A low-risk change shipped two days before, but reverted, outranks a risky recent one."""
    old = _shipped("r#1", timedelta(hours=48), score=20)
    risky = _shipped("r#2", timedelta(minutes=10), score=95)
    ranked = rank_culprits(INCIDENT, [risky, old], [_fix("r#3", timedelta(hours=2), (), "r#1")])
    assert [s.change.key for s in ranked] == ["r#1", "r#2"]
    first = ranked[0]
    assert first.evidence[0].kind is ClueKind.REVERTED
    assert first.evidence[0].points == REVERT_POINTS
    assert first.reasons.startswith("reverted by r#3 2.0 h after the incident began")
    assert first.points == sum(e.points for e in first.evidence)


def test_reasons_are_words_a_manager_reads() -> None:
    """Risk, band and how long before the incident it shipped are told in words."""
    (only,) = rank_culprits(INCIDENT, [_shipped("r#1", timedelta(minutes=40), score=81)], [])
    assert only.reasons == "risk 81, moderate, shipped 40 min before"
    assert [e.kind for e in only.evidence] == [ClueKind.RISK, ClueKind.TIME]


def test_a_later_fix_touching_its_files_is_some_evidence() -> None:
    """A fix after the incident began touching a change's files lifts it, by the share touched;
    a revert of another change and a fix before the incident do not."""
    touched = _shipped("r#1", timedelta(hours=5), files=("a.py", "b.py"))
    other = _shipped("r#2", timedelta(hours=5), files=("c.py",))
    fixes = [
        _fix("r#3", timedelta(hours=3), ("a.py",)),
        _fix("r#4", timedelta(hours=1), ("c.py",), reverts="r#9"),
        _fix("r#5", -timedelta(hours=1), ("c.py",)),
    ]
    ranked = rank_culprits(INCIDENT, [other, touched], fixes)
    assert [s.change.key for s in ranked] == ["r#1", "r#2"]
    fixed = ranked[0].evidence[0]
    assert (fixed.kind, fixed.points) == (ClueKind.FIXED, 15)
    assert fixed.words == "r#3 touched 1 of its 2 files again 3.0 h after the incident began"
    assert all(e.kind is not ClueKind.FIXED for e in ranked[1].evidence)


def test_closer_and_riskier_rank_higher_and_ties_go_by_key() -> None:
    """With no revert or fix, risk and closeness decide; equal points fall back to the key."""
    ranked = rank_culprits(
        INCIDENT,
        [
            _shipped("r#9", timedelta(hours=1)),
            _shipped("r#1", timedelta(hours=1)),
            _shipped("r#5", timedelta(hours=60), score=90),
            _shipped("r#7", timedelta(hours=1), score=None),
        ],
        [],
    )
    assert [s.change.key for s in ranked] == ["r#1", "r#9", "r#5", "r#7"]
    assert ranked[-1].evidence[0].words == "not scored"


def test_only_changes_shipped_in_the_window_before_are_candidates() -> None:
    """A change shipped after the incident began, or before the window, is no candidate."""
    inside = _shipped("r#1", WINDOW - timedelta(minutes=1))
    too_old = _shipped("r#2", WINDOW + timedelta(minutes=1))
    after = _shipped("r#3", -timedelta(minutes=5))
    assert [s.change.key for s in rank_culprits(INCIDENT, [inside, too_old, after], [])] == ["r#1"]


def test_a_change_merged_without_a_deploy_says_merged() -> None:
    """Where the service has no deploys, the time reason says merged, not shipped."""
    (only,) = rank_culprits(INCIDENT, [_shipped("r#1", timedelta(hours=30), deploy=None)], [])
    assert only.evidence[-1].words == "merged 30 h before"


def test_durations_read_as_people_say_them() -> None:
    """Minutes under an hour, tenths of an hour under ten, whole hours under two days, days."""
    assert [duration_words(timedelta(minutes=m)) for m in (0, 40, 97, 600, 1440, 4320)] == [
        "0 min",
        "40 min",
        "1.6 h",
        "10 h",
        "24 h",
        "3 days",
    ]


def test_likeliest_puts_what_the_team_confirmed_first_then_the_ranking() -> None:
    """The team's word outranks the points: a confirmed change leads, the rest follow ranked,
    cut to three; ``rank_culprits`` is what orders them."""
    shipped = [
        _shipped("r#1", timedelta(minutes=10), score=90),
        _shipped("r#2", timedelta(hours=1), score=80),
        _shipped("r#3", timedelta(hours=2), score=70),
        _shipped("r#4", timedelta(hours=60), score=10),
    ]
    trace = CulpritTrace(INCIDENT, tuple(shipped), (), frozenset({"r#4"}))
    named = likeliest(trace)
    assert [(n.suspect.change.key, n.confirmed) for n in named] == [
        ("r#4", True),
        ("r#1", False),
        ("r#2", False),
    ]
    ranked = rank_culprits(INCIDENT, shipped, ())
    assert named[1].suspect == ranked[0]


def test_a_revert_or_fix_clue_names_the_change_that_is_its_evidence() -> None:
    """A revert's and a fix's clue carry the key of the change that is it; risk and time none."""
    reverted = _shipped("r#1", timedelta(hours=5), files=("a.py",))
    fixed = _shipped("r#2", timedelta(hours=5), files=("b.py",))
    fixes = [_fix("r#3", timedelta(hours=1), (), "r#1"), _fix("r#4", timedelta(hours=2), ("b.py",))]
    by = {
        s.change.key: {c.kind: c.by for c in s.evidence}
        for s in rank_culprits(INCIDENT, [reverted, fixed], fixes)
    }
    assert by["r#1"][ClueKind.REVERTED] == "r#3"
    assert by["r#2"][ClueKind.FIXED] == "r#4"
    assert by["r#2"][ClueKind.RISK] is None
    assert by["r#2"][ClueKind.TIME] is None


def test_an_incident_a_revert_made_names_what_that_revert_undid() -> None:
    """``revert:<key>``'s own revert counts however late it came (weeks after the change), and
    another change's revert, which makes an incident of its own, counts for nothing there."""
    incident = IncidentAt("revert:r#9", "checkout", OPENED)
    undone = _shipped("r#1", timedelta(0), score=20)
    other = _shipped("r#2", timedelta(hours=2), score=90, files=("b.py",))
    fixes = [
        _fix("r#9", timedelta(days=40), (), "r#1"),
        _fix("r#8", timedelta(hours=1), (), "r#2"),
        _fix("r#7", timedelta(hours=3), ("b.py",)),
    ]
    ranked = rank_culprits(incident, [other, undone], fixes)
    assert [s.change.key for s in ranked] == ["r#1", "r#2"]
    assert ranked[0].reasons.startswith("reverted by r#9 40 days after the incident began")
    assert all(e.kind is not ClueKind.REVERTED for e in ranked[1].evidence)
    # Any other incident: a revert 40 days on is no answer to it, and r#8's is.
    ranked = rank_culprits(INCIDENT, [other, undone], fixes)
    assert [s.change.key for s in ranked] == ["r#2", "r#1"]
    assert ranked[0].evidence[0].kind is ClueKind.REVERTED
