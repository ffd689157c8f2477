"""The history index: exact as-of figures, and nothing from the future ever reaches a change."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.change_files import change_files
from scoring.change_metrics import metrics_of
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, DeployFacts, FileChange, IncidentFacts
from scoring.history import History
from scoring.signals.exposure import service_incidents

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _change(n: int, hours: float, author: str, paths: tuple[str, ...], **kw: object) -> ChangeFacts:
    return ChangeFacts(
        key=f"r#{n}",
        repository="r",
        title=f"c{n}",
        author=author,
        merged_at=T0 + timedelta(hours=hours),
        files=tuple(FileChange(p, 10, 4, service=p.split("/")[0]) for p in paths),
        **kw,  # type: ignore[arg-type]
    )


def test_file_and_author_figures_as_of_the_change() -> None:
    """Prior changes, developers, age, lines, fixes and experience count only earlier changes."""
    history = History()
    first = _change(1, 0, "ann", ("api/a.py", "api/b.py"))
    fix = _change(2, 24, "bob", ("api/a.py",), is_fix=True)
    later = _change(3, 72, "ann", ("api/a.py", "web/c.py"))
    for c in (first, fix):
        history.record(c)
    ctx = history.context(later)
    assert ctx.files_with_history == 1
    assert ctx.files_known_to_author == 1
    assert ctx.file_prior_changes == 2
    assert ctx.file_prior_devs == 2
    assert ctx.file_age_days == pytest.approx(2.0)
    assert ctx.file_lines_before == 12
    assert ctx.prior_fixes_on_files == 1
    assert ctx.author_prior_changes == 1
    assert ctx.author_subsystem_changes == 1
    assert ctx.author_recent_changes == pytest.approx(math.exp(-3 / 365))


def test_an_authors_changes_in_the_subsystems_count_each_change_once() -> None:
    """Earlier changes touching two of the asked subsystems count once: the subset never
    exceeds the author's changes, and one outside them does not count."""
    history = History()
    history.record(_change(1, 0, "ann", ("api/a.py", "web/b.py")))
    history.record(_change(2, 1, "ann", ("api/a.py", "web/b.py", "docs/c.md")))
    history.record(_change(3, 2, "ann", ("web/b.py",)))
    history.record(_change(4, 3, "ann", ("ops/d.tf",)))
    ctx = history.context(_change(5, 4, "ann", ("api/a.py", "web/b.py")))
    assert (ctx.author_prior_changes, ctx.author_subsystem_changes) == (4, 3)
    assert history.context(_change(6, 4, "ann", ("web/x.py",))).author_subsystem_changes == 3


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sets(st.sampled_from(["api/a", "web/b", "ops/c", "d"]), min_size=1),
        min_size=1,
        max_size=12,
    )
)
def test_an_authors_subsystem_changes_never_exceed_all_of_them(
    touched: list[set[str]],
) -> None:
    """Whatever each change touched, the author's changes in the subsystems are at most all of
    them, and exactly the earlier changes sharing a subsystem with the asked one."""
    history = History()
    changes = [_change(i, i, "ann", tuple(sorted(paths))) for i, paths in enumerate(touched)]
    for i, change in enumerate(changes):
        ctx = history.advance(change)
        mine = {p.split("/")[0] for p in touched[i]}
        sharing = sum(1 for paths in touched[:i] if mine & {p.split("/")[0] for p in paths})
        assert ctx.author_subsystem_changes == sharing <= ctx.author_prior_changes


def test_a_renamed_file_keeps_its_past_under_its_new_path() -> None:
    """A move carries the file's changes, authors, fixes and lines to its new path; the old
    path has no past left, and asking the context moves nothing."""
    history = History()
    history.record(_change(1, 0, "ann", ("api/a.py",)))
    history.record(_change(2, 24, "bob", ("api/a.py",), is_fix=True))
    moved = ChangeFacts(
        key="r#3",
        repository="r",
        title="move",
        author="cat",
        merged_at=T0 + timedelta(hours=48),
        files=(FileChange("core/a.py", 1, 0, previous_path="api/a.py"),),
    )
    asked = history.context(moved)
    assert history.context(moved) == asked
    ctx = history.advance(moved)
    assert ctx == asked
    assert (ctx.files_with_history, ctx.file_prior_changes, ctx.file_prior_devs) == (1, 2, 2)
    assert (ctx.file_lines_before, ctx.prior_fixes_on_files) == (12, 1)
    later = history.context(_change(4, 72, "ann", ("core/a.py", "api/a.py")))
    assert (later.files_with_history, later.file_prior_changes, later.file_prior_devs) == (1, 3, 3)
    assert later.file_lines_before == 13
    assert later.files_known_to_author == 1


def test_git_s_count_of_a_file_s_lines_wins_over_the_running_sum() -> None:
    """Where the source read what a file held, the context says that, counts files new to the
    history too, and the file's later count starts from it; elsewhere the running sum stands."""
    history = History()
    history.record(_change(1, 0, "ann", ("api/a.py",)))
    told = ChangeFacts(
        key="r#2",
        repository="r",
        title="grow",
        author="bob",
        merged_at=T0 + timedelta(hours=1),
        files=(
            FileChange("api/a.py", 5, 0, lines_before=40),
            FileChange("api/b.py", 1, 0, lines_before=9),
        ),
    )
    assert history.advance(told).file_lines_before == 49
    later = history.context(_change(3, 2, "ann", ("api/a.py", "api/b.py")))
    assert later.file_lines_before == 45 + 10


def test_a_bot_gains_no_experience_and_is_no_file_author() -> None:
    """Dependabot's bumps count as file changes but add no developer and no author history."""
    bot = "49699333+dependabot[bot]@users.noreply.github.com"
    history = History()
    history.record(_change(1, 0, "ann", ("api/a.py",)))
    history.record(_change(2, 1, bot, ("api/a.py",), author_is_bot=True))
    history.record(_change(3, 2, bot, ("api/a.py",), author_is_bot=True))
    ctx = history.context(_change(4, 3, "ann", ("api/a.py",)))
    assert (ctx.file_prior_changes, ctx.file_prior_devs) == (3, 1)
    again = history.context(_change(5, 3, bot, ("api/a.py",), author_is_bot=True))
    assert (again.author_prior_changes, again.files_known_to_author) == (0, 0)


def test_failed_deploys_count_from_when_they_were_known_to_fail() -> None:
    """A deploy linked to an incident counts as failed only once the incident opened."""
    deploy = DeployFacts("d1", "api", "production", T0, succeeded=True)
    broken = DeployFacts("d2", "api", "production", T0 + timedelta(hours=1), succeeded=False)
    incident = IncidentFacts("INC-1", "api", "down", T0 + timedelta(hours=10), deploy_key="d1")
    history = History()
    history.add_deploys([deploy, broken], [incident])
    history.add_incidents([incident])
    before = history.context(_change(1, 5, "ann", ("api/a.py",)))
    after = history.context(_change(2, 11, "ann", ("api/a.py",)))
    assert (before.service_deploys, before.service_failed_deploys) == (2, 1)
    assert before.recent_incidents == 0
    assert (after.service_deploys, after.service_failed_deploys, after.recent_incidents) == (
        2,
        2,
        1,
    )
    assert after.change_failure_rate == 1.0


def test_a_deploy_followed_by_a_revert_or_an_incident_is_not_said_to_have_failed() -> None:
    """Deploys that succeeded and were then reverted or followed by an incident are said so."""
    fine = DeployFacts("d1", "api", "production", T0, succeeded=True)
    reverted = DeployFacts("d2", "api", "production", T0 + timedelta(hours=1), succeeded=True)
    revert = IncidentFacts("revert:r#9", "api", "Reverted: x", T0 + timedelta(hours=2), None, "d2")
    history = History()
    history.add_deploys([fine, reverted], [revert])
    change = _change(1, 5, "ann", ("api/a.py",))
    ctx = history.context(change)
    assert (ctx.service_failed_deploys, ctx.service_deploys_reverted) == (1, 1)
    signal = service_incidents(
        change, ctx, metrics_of(change, ctx), change_files(change), ScoringConfig()
    )
    assert "1 of 2 deploys failed" not in signal.explanation
    assert signal.explanation.endswith("of 2 deploys, 1 shipped a change later reverted")
    broken = DeployFacts("d3", "api", "production", T0 + timedelta(hours=2), succeeded=False)
    incident = IncidentFacts("INC-1", "api", "down", T0 + timedelta(hours=3), None, "d1")
    history = History()
    history.add_deploys([fine, reverted, broken], [revert, incident])
    signal = service_incidents(
        change,
        history.context(change),
        metrics_of(change, ctx),
        change_files(change),
        ScoringConfig(),
    )
    assert signal.explanation.endswith(
        "of 3 deploys, 1 failed, 1 was followed by an incident "
        "and 1 shipped a change later reverted"
    )


def test_error_budget_spans_are_half_open() -> None:
    """A spent error budget counts from its start up to, not including, its end."""
    history = History()
    history.add_error_budget_exhaustions([("api", T0, T0 + timedelta(hours=2))])
    spent = [
        history.context(_change(i, h, "ann", ("api/a.py",))).error_budget_spent
        for i, h in enumerate((-1, 0, 1.5, 2))
    ]
    assert spent == [False, True, True, False]


_events = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=500),  # hours after T0
        st.sampled_from(["ann", "bob", "cid"]),
        st.lists(st.sampled_from(["api/a.py", "api/b.py", "web/c.py"]), min_size=1, max_size=3),
        st.booleans(),
    ),
    min_size=1,
    max_size=25,
)
_hours = st.lists(st.integers(min_value=0, max_value=500), max_size=6)


@settings(max_examples=150, deadline=None)
@given(_events, _hours, _hours)
def test_context_never_sees_the_future(
    events: list[tuple[int, str, list[str], bool]],
    incident_hours: list[int],
    deploy_hours: list[int],
) -> None:
    """Each change's context equals one built from only what happened before it."""
    changes = sorted(
        (
            _change(i, h, who, tuple(dict.fromkeys(paths)), is_fix=fix)
            for i, (h, who, paths, fix) in enumerate(events)
        ),
        key=lambda c: (c.merged_at, c.key),
    )
    incidents = [
        IncidentFacts(f"INC-{i}", "api", "x", T0 + timedelta(hours=h), deploy_key=f"d{i}")
        for i, h in enumerate(incident_hours)
    ]
    deploys = [
        DeployFacts(f"d{i}", "api", "production", T0 + timedelta(hours=h), succeeded=i % 2 == 0)
        for i, h in enumerate(deploy_hours)
    ]
    everything = History()
    everything.add_incidents(incidents)
    everything.add_deploys(deploys, incidents)
    for i, change in enumerate(changes):
        seen = everything.context(change)
        everything.record(change)
        past = History()
        at = change.merged_at
        earlier_incidents = [x for x in incidents if x.opened_at < at]
        past.add_incidents(earlier_incidents)
        past.add_deploys([d for d in deploys if d.finished_at < at], earlier_incidents)
        for earlier in changes[:i]:
            past.record(earlier)
        assert past.context(change) == seen


@settings(max_examples=100, deadline=None)
@given(_events, _hours)
def test_advance_is_context_then_record(
    events: list[tuple[int, str, list[str], bool]], incident_hours: list[int]
) -> None:
    """One pass gives the context ``context`` gives and leaves the history ``record`` leaves.

    Paths may repeat within a change: each entry counts for the file's state,
    only the first for the context.
    """
    changes = sorted(
        (
            _change(i, h, who, tuple(paths), is_fix=fix)
            for i, (h, who, paths, fix) in enumerate(events)
        ),
        key=lambda c: (c.merged_at, c.key),
    )
    incidents = [
        IncidentFacts(f"INC-{i}", "api", "x", T0 + timedelta(hours=h))
        for i, h in enumerate(incident_hours)
    ]
    stepwise, fused = History(), History()
    for h in (stepwise, fused):
        h.add_incidents(incidents)
    for change in changes:
        expected = stepwise.context(change)
        stepwise.record(change)
        assert fused.advance(change) == expected
    probe = _change(999, 600, "ann", ("api/a.py", "web/c.py", "api/b.py"))
    assert fused.context(probe) == stepwise.context(probe)


def test_advance_refuses_a_change_out_of_order_without_recording_it() -> None:
    """A refused change leaves the history as it was."""
    history = History()
    history.advance(_change(1, 10, "ann", ("api/a.py",)))
    with pytest.raises(ValueError, match="merge order"):
        history.advance(_change(2, 5, "bob", ("api/a.py",)))
    ctx = history.context(_change(3, 20, "bob", ("api/a.py",)))
    assert (ctx.file_prior_changes, ctx.file_prior_devs, ctx.author_prior_changes) == (1, 1, 0)


def _ranked_history(changes_per_author: int) -> History:
    """Four authors with ``changes_per_author`` changes each, to one file each, in turn."""
    history = History()
    n = 0
    for _ in range(changes_per_author):
        for who in ("ann", "bob", "cy", "dee"):
            n += 1
            history.record(_change(n, n, who, (f"api/{who}.py",)))
    return history


def test_a_newcomer_ranks_lowest_however_old_the_history() -> None:
    """A first change ranks at the bottom of the latest changes' authors in a young history
    and in one ten times older: the rank reads the history's own counts, not their size."""
    for per_author in (3, 30):
        history = _ranked_history(per_author)
        newcomer = history.context(_change(999, 10_000, "eve", ("web/x.py",)))
        assert newcomer.author_prior_changes == 0
        assert newcomer.author_changes_rank < 0.2
        regular = history.context(_change(999, 10_000, "ann", ("api/ann.py",)))
        assert regular.author_changes_rank == 1.0


def test_a_bots_change_joins_no_authors_window() -> None:
    """A bot's changes neither rank among people's nor move where people rank."""
    history = _ranked_history(3)
    asked = _change(999, 10_000, "eve", ("web/x.py",))
    before = history.context(asked).author_changes_rank
    for i in range(20):
        history.record(_change(500 + i, 200 + i, "bot", ("api/ann.py",), author_is_bot=True))
    assert history.context(asked).author_changes_rank == before
