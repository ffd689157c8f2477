"""Every change signal, table-driven: its share, its known/unknown state and its one-line reason."""

from __future__ import annotations

import inspect
import pickle
from dataclasses import FrozenInstanceError, asdict, fields, replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from scoring.change_files import change_files
from scoring.change_metrics import metrics_of
from scoring.config import ScoringConfig, Weights
from scoring.facts import ChangeFacts, FileChange, Review, ReviewState
from scoring.history_context import HistoryContext
from scoring.model import MODEL
from scoring.paths import path_kinds
from scoring.signal import Signal
from scoring.signals import CHANGE_SIGNALS, SignalFn, change_signals
from scoring.timing import timing_points

TUESDAY = datetime(2026, 11, 17, 11, 0, tzinfo=UTC)
CONFIG = ScoringConfig()
SIGNALS: dict[str, SignalFn] = {fn.__name__: fn for fn in CHANGE_SIGNALS}
APPROVED = (Review("bob", ReviewState.APPROVED, TUESDAY - timedelta(hours=1)),)


def _file(path: str = "svc/a.py", added: int = 10, deleted: int = 2, **kw: Any) -> FileChange:
    kw.setdefault("service", "svc")
    kw.setdefault("owners", ("@acme/team",))
    return FileChange(path, added, deleted, **kw)


def _change(**kw: Any) -> ChangeFacts:
    fields: dict[str, Any] = {
        "key": "r#1",
        "repository": "r",
        "title": "t",
        "author": "alice",
        "merged_at": TUESDAY,
        "files": (_file(),),
        "reviews": APPROVED,
        "opened_at": TUESDAY - timedelta(hours=4),
    }
    fields.update(kw)
    return ChangeFacts(**fields)


def _ctx(**kw: Any) -> HistoryContext:
    fields: dict[str, Any] = {
        "author_prior_changes": 50,
        "files_with_history": 1,
        "files_known_to_author": 1,
        "prior_fixes_on_files": 0,
        "recent_incidents": 0,
        "lookback_days": 30,
        "file_prior_changes": 10,
        "file_prior_devs": 2,
        "file_age_days": 20.0,
        "file_lines_before": 300,
        "author_recent_changes": 10.0,
        "author_subsystem_changes": 20,
    }
    fields.update(kw)
    return HistoryContext(**fields)


def _measure(name: str, change: ChangeFacts, ctx: HistoryContext, config: ScoringConfig) -> Signal:
    return SIGNALS[name](change, ctx, metrics_of(change, ctx), change_files(change), config)


# (signal, change fields, context fields, expected share, expected value or "unknown", reason text)
CASES: list[tuple[str, dict[str, Any], dict[str, Any], float | None, float | str | None, str]] = [
    ("size", {"files": (_file(added=0, deleted=0),)}, {}, None, 0.0, "no code changed: 0 lines"),
    ("size", {"files": (_file(added=9_999, deleted=0),)}, {}, None, 9_999.0, "9999 lines"),
    (
        "size",
        {"files": (_file(added=20_000, deleted=20_000),)},
        {},
        None,
        40_000.0,
        "20000 lines of code added, 20000 deleted",
    ),
    ("size", {}, {"file_lines_before": 300}, None, 12.0, "that held 300 lines"),
    ("diffusion", {}, {}, None, None, "confined to one file"),
    (
        "diffusion",
        {"files": (_file("svc/a.py", 50, 0), _file("web/b.py", 50, 0, service="web"))},
        {},
        None,
        None,
        "touches 2 services in 2 directories",
    ),
    (
        "diffusion",
        {"files": tuple(_file(f"svc/d{i}/f.py", 10, 0) for i in range(100))},
        {},
        None,
        None,
        "spread over 100 files in 100 directories",
    ),
    ("fix", {}, {}, 0.0, 0.0, "not a bug fix"),
    ("fix", {"is_fix": True}, {}, 1.0, 1.0, "a bug fix"),
    ("fix", {"is_revert": True}, {}, 1.0, 1.0, "a revert"),
    ("fix", {"is_hotfix": True}, {}, 1.0, 1.0, "a hotfix"),
    ("file_history", {}, {"files_with_history": 0}, None, 0.0, "all touched files are new"),
    (
        "file_history",
        {},
        {
            "file_prior_changes": 1000,
            "file_prior_devs": 100,
            "file_age_days": 0.0,
            "file_changes_rank": 1.0,
            "file_devs_rank": 1.0,
        },
        None,
        None,
        "1000 times before (percentile 100 of the latest 1,000 changes) by 100 developers",
    ),
    (
        "file_history",
        {},
        {"file_prior_changes": 1, "file_prior_devs": 1, "file_age_days": 3650.0},
        None,
        None,
        "changed 1 time before (percentile 50 of the latest 1,000 changes) by 1 developer",
    ),
    (
        "file_history",
        {},
        {"files_with_history": 3, "file_prior_changes": 40, "file_prior_devs": 7},
        None,
        None,
        "(each file's changes added up), the most-shared by 7 developers (percentile 50",
    ),
    (
        "author_experience",
        {},
        {
            "author_prior_changes": 0,
            "author_recent_changes": 0.0,
            "author_subsystem_changes": 0,
            "author_changes_rank": 0.0,
            "author_subsystem_rank": 0.0,
        },
        1.0,
        0.0,
        "the author has 0 earlier changes (percentile 0 of the latest 1,000 changes), 0 in these",
    ),
    (
        "author_experience",
        {},
        {
            "author_prior_changes": 10_000,
            "author_recent_changes": 1_000.0,
            "author_subsystem_changes": 1_000,
            "author_changes_rank": 1.0,
            "author_subsystem_rank": 1.0,
        },
        0.0,
        10_000.0,
        "10000 earlier changes",
    ),
    (
        "author_experience",
        {"author_is_bot": True},
        {"author_prior_changes": 0, "author_recent_changes": 0.0, "author_subsystem_changes": 0},
        0.0,
        "unknown",
        "made by a bot",
    ),
    ("author_expertise", {}, {}, None, 0.0, "0 of 1 touched files are new to the author"),
    (
        "author_expertise",
        {"author_is_bot": True},
        {"files_with_history": 2, "files_known_to_author": 0, "author_prior_changes": 0},
        0.0,
        "unknown",
        "made by a bot",
    ),
    (
        "author_expertise",
        {},
        {"files_with_history": 4, "files_known_to_author": 1},
        None,
        0.75,
        "3 of 4 touched files are new to the author",
    ),
    (
        "author_expertise",
        {},
        {"files_with_history": 2, "files_known_to_author": 0, "author_prior_changes": 1},
        1.0,
        1.0,
        "2 of 2",
    ),
    (
        "author_expertise",
        {},
        {"files_with_history": 0, "author_prior_changes": 2},
        None,
        0.0,
        "all touched files are new, to the author too",
    ),
    (
        "author_expertise",
        {},
        {"files_with_history": 0, "author_prior_changes": 5},
        None,
        0.0,
        "all touched files are new",
    ),
    ("defect_proneness", {}, {"files_with_history": 0}, None, 0.0, "all touched files are new"),
    ("defect_proneness", {}, {"prior_fixes_on_files": 0}, None, 0.0, "0 earlier fixes"),
    ("defect_proneness", {}, {"prior_fixes_on_files": 1}, None, 1.0, "1 earlier fix or revert"),
    (
        "defect_proneness",
        {},
        {"prior_fixes_on_files": 10, "file_fixes_rank": 1.0},
        1.0,
        10.0,
        "10 earlier fixes or reverts touched these files (percentile 100",
    ),
    ("review", {"reviews": ()}, {}, 1.0, 1.0, "merged without a human approval"),
    ("review", {"reviews": (), "merged": False}, {}, 1.0, 1.0, "no human approval yet"),
    ("review", {"reviews": (), "reviews_known": False}, {}, 0.0, "unknown", "review unknown"),
    (
        "review",
        {"reviews": (), "merged_by": "alice"},
        {},
        1.0,
        1.0,
        "without a human approval and self-merged",
    ),
    (
        "review",
        {"reviews": (Review("alice", ReviewState.APPROVED, TUESDAY),)},
        {},
        1.0,
        1.0,
        "without a human approval",
    ),
    (
        "review",
        {"reviews": (Review("bot", ReviewState.APPROVED, TUESDAY, reviewer_is_agent=True),)},
        {},
        1.0,
        1.0,
        "without a human approval",
    ),
    (
        "review",
        {
            "files": (_file(added=400, deleted=0),),
            "opened_at": TUESDAY - timedelta(minutes=5),
            "reviews": (Review("bob", ReviewState.APPROVED, TUESDAY - timedelta(minutes=2)),),
        },
        {},
        0.6,
        0.6,
        "approved 3 min after opening for 400 lines",
    ),
    (
        "review",
        {"files": (_file(added=400, deleted=0),), "review_comments": 1},
        {},
        0.3,
        0.3,
        "1 review comment on 400 lines",
    ),
    (
        "review",
        {"files": (_file(added=400, deleted=0),), "review_comments": 8},
        {},
        0.0,
        0.0,
        "2.0 review comments per 100 lines",
    ),
    ("review", {}, {}, 0.0, 0.0, "1 human approval"),
    (
        "review",
        {"files": (_file(owners=("@carol",)),)},
        {},
        0.3,
        0.3,
        "1 human approval, none by a code owner of the files",
    ),
    ("review", {"files": (_file(owners=("@Bob", "@acme/web")),)}, {}, 0.0, 0.0, "1 human"),
    ("review", {"files": (_file(owners=("@acme/web",)),)}, {}, 0.0, 0.0, "1 human approval"),
    ("codeowners", {"files": (_file(owners=None),)}, {}, 0.0, "unknown", "coverage unknown"),
    ("codeowners", {"files": (_file(owners=()),)}, {}, 1.0, 1.0, "1 of 1 touched files have no"),
    (
        "codeowners",
        {"files": (_file("a.py", owners=()), _file("b.py"), _file("c.py", owners=None))},
        {},
        0.5,
        0.5,
        "1 of 2 touched files have no CODEOWNERS owner",
    ),
    ("tests", {"files": (_file(added=49, deleted=0),)}, {}, 0.0, 0.0, "0 test files changed"),
    (
        "tests",
        {"files": (_file(added=50, deleted=0),)},
        {},
        1.0,
        1.0,
        "50 source lines, no test changed",
    ),
    (
        "tests",
        {"files": (_file(added=500, deleted=0), _file("svc/tests/test_a.py", 20, 0))},
        {},
        0.0,
        0.0,
        "1 test file changed",
    ),
    # Coverage reports belong to the coverage signal: tests reads file names only.
    ("tests", {"line_coverage_delta": -9.0}, {}, 0.0, 0.0, "0 test files changed"),
    ("coverage", {}, {}, 0.0, "unknown", "no coverage report at its head"),
    (
        "coverage",
        {"line_coverage_delta": -2.5},
        {},
        0.5,
        -2.5,
        "touched files' coverage -2.5 points",
    ),
    ("coverage", {"line_coverage_delta": -9.0}, {}, 1.0, -9.0, "touched files' coverage -9.0"),
    ("coverage", {"line_coverage_delta": 1.5}, {}, 0.0, 0.0, "touched files' coverage +1.5 points"),
    (
        "coverage",
        {"patch_coverage": 40.0, "patch_coverable": 10},
        {},
        0.5,
        40.0,
        "40% of 10 added lines covered",
    ),
    # Three coverable added lines say too little to judge the patch by.
    ("coverage", {"patch_coverage": 0.0, "patch_coverable": 3}, {}, 0.0, 0.0, "0% of 3 added"),
    ("coverage", {"patch_coverage": 90.0, "patch_coverable": 20}, {}, 0.0, 0.0, "90% of 20"),
    # A patch at 60% (share 0.25) under a 4-point drop (share 0.8): the larger counts.
    (
        "coverage",
        {"patch_coverage": 60.0, "patch_coverable": 50, "line_coverage_delta": -4.0},
        {},
        0.8,
        -4.0,
        "60% of 50 added lines covered, touched files' coverage -4.0 points",
    ),
    ("timing", {}, {}, 0.0, 0.0, "merged at Tue 11:00"),
    ("timing", {"merged_at": TUESDAY + timedelta(hours=7)}, {}, 0.4, 0.4, "after hours"),
    ("timing", {"merged_at": TUESDAY + timedelta(days=3)}, {}, 0.6, 0.6, "on a Friday"),
    (
        "timing",
        {"merged_at": TUESDAY + timedelta(days=3, hours=8)},
        {},
        1.0,
        1.0,
        "on a Friday and after hours (Fri 19:00 UTC)",
    ),
    ("timing", {"merged_at": TUESDAY + timedelta(days=4)}, {}, 0.4, 0.4, "on a weekend (Sat"),
    (
        "timing",
        {"merged_at": TUESDAY + timedelta(days=3), "merged": False},
        {},
        0.6,
        0.6,
        "would merge on a Friday",
    ),
    ("agent", {}, {}, 0.0, 0.0, "written by a human"),
    ("agent", {"author_is_bot": True}, {}, 0.0, 0.0, "made by a bot, not an AI agent"),
    ("agent", {"author_is_agent": True, "reviews": ()}, {}, 1.0, 1.0, "merged without human"),
    (
        "agent",
        {"author_is_agent": True, "reviews": (), "merged": False},
        {},
        1.0,
        1.0,
        "AI-agent authored, no human review yet",
    ),
    ("agent", {"co_authored_by_agent": True}, {}, 0.3, 0.3, "AI-agent co-authored, human"),
    (
        "agent",
        {"author_is_agent": True, "reviews": (), "reviews_known": False},
        {},
        0.3,
        0.3,
        "whether a human reviewed it is unknown",
    ),
    ("service_incidents", {"files": (_file(service=None),)}, {}, 0.0, "unknown", "no service"),
    ("service_incidents", {}, {}, 0.0, 0.0, "0 incidents in the touched services"),
    ("service_incidents", {}, {"recent_incidents": 1}, 0.3333, 1.0, "1 incident in the"),
    ("service_incidents", {}, {"recent_incidents": 5}, 1.0, 5.0, "last 30 days"),
    (
        "service_incidents",
        {},
        {"service_deploys": 10, "service_failed_deploys": 3},
        1.0,
        0.0,
        "3 of 10 deploys failed",
    ),
    (
        "service_incidents",
        {},
        {"service_deploys": 20, "service_failed_deploys": 3},
        0.5,
        0.0,
        "3 of 20 deploys failed",
    ),
    ("risky_content", {}, {}, 0.0, 0.0, "no risky content"),
    (
        "risky_content",
        {"files": (_file("db/migrations/0007_add.sql"),)},
        {},
        0.5,
        1.0,
        "touches schema migration",
    ),
    (
        "risky_content",
        {"files": (_file("infra/terraform/main.tf"), _file("svc/auth/login.py"))},
        {},
        1.0,
        2.0,
        "touches infrastructure, auth/payments code",
    ),
    (
        "risky_content",
        {"files": (_file("poetry.lock"),), "is_revert": True, "is_hotfix": True},
        {},
        1.0,
        3.0,
        "touches dependency manifest, revert, hotfix",
    ),
]


@pytest.mark.parametrize(
    ("name", "change_kw", "ctx_kw", "share", "value", "reason"),
    CASES,
    ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)],
)
def test_signal_table(
    name: str,
    change_kw: dict[str, Any],
    ctx_kw: dict[str, Any],
    share: float | None,
    value: float | str | None,
    reason: str,
) -> None:
    """Each row: the signal's share, value (or unknown), points = weight × share, and its reason."""
    # The table's organisation has coverage reports: the coverage signal counts.
    config = replace(CONFIG, coverage_known=True)
    signal = _measure(name, _change(**change_kw), _ctx(**ctx_kw), config)
    assert signal.name == name
    if share is not None:
        assert signal.share == pytest.approx(share, abs=1e-4)
    if value == "unknown":
        assert not signal.known
    elif value is not None:
        assert signal.value == pytest.approx(value, abs=1e-4)
    assert signal.points == pytest.approx(getattr(CONFIG.weights, name) * signal.share)
    assert 0.0 <= signal.share <= 1.0
    assert reason in signal.explanation


@pytest.mark.parametrize(
    ("incidents_known", "ctx_kw", "known", "reason"),
    [
        (True, {}, True, "0 incidents in the touched services"),
        (True, {"recent_incidents": 2}, True, "2 incidents"),
        (False, {}, False, "no incident source, incident history unknown"),
        (False, {"recent_incidents": 0, "service_deploys": 4}, False, "no incident source"),
    ],
)
def test_incident_history_is_unknown_without_an_incident_source(
    incidents_known: bool, ctx_kw: dict[str, Any], known: bool, reason: str
) -> None:
    """Without any incident source, a service's incident history is unknown, never 0 incidents."""
    config = replace(CONFIG, incidents_known=incidents_known)
    signal = _measure("service_incidents", _change(), _ctx(**ctx_kw), config)
    assert signal.known is known
    assert reason in signal.explanation
    if not known:
        assert signal.points == 0.0


def test_unreported_coverage_is_not_a_coverage_drop() -> None:
    """Coverage no source reported is unknown: small changes earn nothing and the reason says
    nothing of coverage."""
    signal = _measure("tests", _change(line_coverage_delta=None), _ctx(), CONFIG)
    assert signal.share == 0.0
    assert "coverage" not in signal.explanation


def test_every_signal_has_rows_in_the_table() -> None:
    """The table covers every change signal the scorer runs."""
    assert {c[0] for c in CASES} == set(SIGNALS)


def test_unknown_signals_add_no_points_unless_they_say_why() -> None:
    """An unknown signal adds points only for a stated reason (a newcomer author)."""
    change = _change(files=(_file(owners=None, service=None),))
    ctx = _ctx(files_with_history=0, author_prior_changes=50)
    for signal in change_signals(change, ctx, CONFIG):
        if not signal.known:
            assert signal.points == 0.0, signal


def test_holidays_count_the_day_before_and_the_day() -> None:
    """A configured holiday makes its eve and itself risky timing, but not the day after."""
    config = replace(CONFIG, holidays=(date(2026, 11, 18),))
    for days, share in ((0, 0.6), (1, 0.6), (2, 0.0), (-1, 0.0)):
        signal = _measure(
            "timing", _change(merged_at=TUESDAY + timedelta(days=days)), _ctx(), config
        )
        assert signal.share == share, days
    eve = _measure("timing", _change(), _ctx(), config)
    assert "before or on a holiday" in eve.explanation


def test_timing_is_judged_in_the_configured_zone() -> None:
    """11:00 UTC is 20:00 in Tokyo: after hours there."""
    config = replace(CONFIG, timezone="Asia/Tokyo")
    signal = _measure("timing", _change(), _ctx(), config)
    assert signal.share == 0.4
    assert "Tue 20:00 Asia/Tokyo" in signal.explanation


def test_timing_reads_the_commits_own_clock_until_the_organisation_names_a_zone() -> None:
    """07:20 UTC committed at +0200 is 09:20 on the committer's clock: in working hours, named
    by its offset; once the organisation names its zone, that zone judges it."""
    wednesday = datetime(2026, 11, 18, 7, 20, tzinfo=UTC)
    change = _change(merged_at=wednesday, merged_utc_offset=120)
    own = _measure("timing", change, _ctx(), CONFIG)
    assert (own.share, own.explanation) == (0.0, "merged at Wed 09:20")
    behind = _measure("timing", replace(change, merged_utc_offset=-300), _ctx(), CONFIG)
    assert (behind.share, behind.explanation) == (0.4, "merged after hours (Wed 02:20 UTC-05:00)")
    named = replace(CONFIG, timezone="UTC", timezone_set=True)
    assert _measure("timing", change, _ctx(), named).explanation == (
        "merged after hours (Wed 07:20 UTC)"
    )


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        ("db/migrate/20260101_add.rb", {"migration"}),
        ("alembic/versions/0003.py", {"migration"}),
        ("db/structure.sql", {"migration"}),
        ("tests/test_api.py", {"test"}),
        ("web/src/app.spec.ts", {"test"}),
        ("pkg/api_test.go", {"test"}),
        ("infra/k8s/deploy.yaml", {"infra"}),
        ("Dockerfile", {"infra"}),
        (".github/workflows/ci.yml", {"infra"}),
        ("services/payments/ledger.py", {"sensitive"}),
        ("app/auth/session.py", {"sensitive"}),
        ("package-lock.json", {"manifest"}),
        ("go.sum", {"manifest"}),
        ("src/author.py", set()),
        ("docs/testing-guide.md", set()),
    ],
)
def test_path_kinds(path: str, kinds: set[str]) -> None:
    """Paths are classified by the usual naming conventions, and only by them."""
    k = path_kinds(path)
    found = {n for n in ("migration", "test", "infra", "sensitive", "manifest") if getattr(k, n)}
    assert found == kinds


def test_signal_is_a_frozen_dataclass_with_its_fields() -> None:
    """The quicker constructor builds the same value: equal, hashable, frozen, same dict."""
    signal = Signal("size", 12.0, 6.0, "12 lines", 0.25)
    assert signal == Signal(name="size", value=12.0, points=6.0, explanation="12 lines", share=0.25)
    assert hash(signal) == hash(Signal("size", 12.0, 6.0, "12 lines", 0.25))
    assert asdict(signal) == {
        "name": "size",
        "value": 12.0,
        "points": 6.0,
        "explanation": "12 lines",
        "share": 0.25,
    }
    assert Signal("x", None, 0.0, "unknown").share == 0.0
    assert replace(signal, share=0.5).share == 0.5
    assert pickle.loads(pickle.dumps(signal)) == signal
    with pytest.raises(FrozenInstanceError):
        signal.points = 1.0  # type: ignore[misc]
    assert list(inspect.signature(Signal).parameters) == [f.name for f in fields(Signal)]


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/New_York"])
def test_timing_is_the_same_whatever_zone_the_time_carries(zone: str) -> None:
    """A merge time in UTC, in another fixed offset or in a named zone is judged alike."""
    config = replace(CONFIG, timezone=zone, holidays=(date(2026, 12, 25),))
    for hours in range(0, 24 * 9, 5):
        at = datetime(2026, 12, 19, 0, 7, tzinfo=UTC) + timedelta(hours=hours)
        shifted = at.astimezone(timezone(timedelta(hours=-3, minutes=-30)))
        named = at.astimezone(ZoneInfo("Asia/Kolkata"))
        expected = timing_points(at, config)
        assert timing_points(shifted, config) == expected
        assert timing_points(named, config) == expected


@pytest.mark.parametrize(
    ("owners", "reviewer", "share"),
    [
        ((("@carol",), ("@dave",)), "dave", 0.0),
        ((("@carol",), ("@dave",)), "bob", 0.3),
        ((("@carol",), ("@acme/web",)), "bob", 0.0),
        ((("@carol",), ()), "bob", 0.3),
        ((("@carol",), None), "bob", 0.3),
        ((("carol@acme.com",), ("@carol",)), "bob", 0.0),
        ((("@Carol", "@acme/web"), ("@carol",)), "CAROL", 0.0),
    ],
)
def test_review_by_a_personal_code_owner_of_any_file(
    owners: tuple[tuple[str, ...] | None, ...], reviewer: str, share: float
) -> None:
    """An approval counts as an owner's when the reviewer personally owns any touched file;
    it cannot be checked when a file with owner data has no personal owner."""
    files = tuple(_file(f"svc/f{i}.py", owners=o) for i, o in enumerate(owners))
    reviews = (Review(reviewer, ReviewState.APPROVED, TUESDAY - timedelta(hours=1)),)
    assert _measure("review", _change(files=files, reviews=reviews), _ctx(), CONFIG).share == share


def test_shared_signals_equal_fresh_ones() -> None:
    """Signals built once and shared are the same values as signals measured afresh."""
    change = _change(files=(_file(owners=()), _file("svc/b.py", owners=None)), is_fix=True)
    ctx = _ctx(files_with_history=3, files_known_to_author=1, prior_fixes_on_files=4)
    first = change_signals(change, ctx, CONFIG)
    again = change_signals(replace(change, key="r#2"), replace(ctx), CONFIG)
    assert first == again
    assert [asdict(s) for s in first] == [asdict(s) for s in again]


def _documented_weights() -> dict[str, float]:
    """Each signal's weight as the table of signals in docs/scoring.md gives it."""
    text = (Path(__file__).resolve().parents[2] / "docs" / "scoring.md").read_text("utf-8")
    table = text[text.index("| signal | weight | share |") :].split("\n\n")[0]
    rows = (line.split(" | ") for line in table.splitlines()[2:])
    return {row[0].strip("| `"): float(row[1]) for row in rows}


def test_every_signal_has_its_default_weight_under_its_own_name() -> None:
    """Weights holds a field for each listed signal under the signal's name (the
    riskbrief.toml key), in the order measured, then the deploy-level weights; a fitted
    signal's default is the model's most points, any other's the weight docs/scoring.md
    documents, so a new signal is checked from the registry and its row."""
    names = [fn.__name__ for fn in CHANGE_SIGNALS]
    assert [f.name for f in fields(Weights)][: len(names)] == names
    assert [s.name for s in change_signals(_change(), _ctx(), CONFIG)] == names
    fitted = {name for name, _ in MODEL.signals}
    documented = _documented_weights()
    defaults = asdict(Weights())
    for name in names:
        expected = round(MODEL.most(name), 1) if name in fitted else documented[name]
        assert defaults[name] == expected, name
    deploys = {k: v for k, v in defaults.items() if k not in names}
    assert deploys == {"batch_size": 10.0, "deploy_timing": 10.0, "deploy_gap": 6.0}


def test_readings_from_the_same_inputs_are_shared_and_weighted_each_time() -> None:
    """The same inputs give the very same cached explanation, and the points follow the
    weight of the config asked, zero included."""
    change = _change(reviews=())
    first = _measure("review", change, _ctx(), CONFIG)
    again = _measure("review", replace(change, key="r#2"), _ctx(), CONFIG)
    assert first == again
    assert first.explanation is again.explanation
    zero = replace(CONFIG, weights=replace(CONFIG.weights, review=0.0))
    assert _measure("review", change, _ctx(), zero) == replace(first, points=0.0)


@pytest.mark.parametrize("weight", [0.0, -0.0, 5.0])
def test_signed_zero_weights_keep_their_sign(weight: float) -> None:
    """A zero weight gives zero points with the sign the multiplication gives, whichever
    zero came first: equal cache keys must not mix them up."""
    config = replace(CONFIG, weights=replace(CONFIG.weights, fix=weight, review=weight))
    for w in (0.0, -0.0, weight):
        cfg = replace(config, weights=replace(config.weights, fix=w, review=w))
        fix = _measure("fix", _change(is_fix=True), _ctx(), cfg)
        review = _measure("review", _change(reviews=()), _ctx(), cfg)
        assert str(fix.points) == str(w * 1.0)
        assert str(review.points) == str(w * 1.0)


def test_zero_coverage_deltas_read_as_no_change() -> None:
    """A coverage delta of -0.0 or 0.0 reads "+0.0" and earns nothing, in either order."""
    config = replace(CONFIG, coverage_known=True)
    for first, second in ((0.0, -0.0), (-0.0, 0.0)):
        a = _measure("coverage", _change(line_coverage_delta=first), _ctx(), config)
        b = _measure("coverage", _change(line_coverage_delta=second), _ctx(), config)
        assert "coverage +0.0 points" in a.explanation
        assert "coverage +0.0 points" in b.explanation
        assert a.share == b.share == 0.0


def test_coverage_weighs_nothing_without_any_coverage_report() -> None:
    """Until a coverage report exists anywhere, even a change with coverage facts gets no
    coverage points and the signal says there are no reports."""
    signal = _measure("coverage", _change(line_coverage_delta=-9.0), _ctx(), CONFIG)
    assert not signal.known
    assert signal.points == 0.0
    assert signal.explanation == "no coverage reports"


def test_a_bot_is_no_newcomer_even_where_experience_weighs() -> None:
    """With author signals weighted, a first Dependabot bump earns none of a newcomer's points."""
    config = replace(
        CONFIG, weights=replace(CONFIG.weights, author_experience=10.0, author_expertise=10.0)
    )
    ctx = _ctx(author_prior_changes=0, files_with_history=2, files_known_to_author=0)
    person = {s.name: s for s in change_signals(_change(), ctx, config)}
    bot = {s.name: s for s in change_signals(_change(author_is_bot=True), ctx, config)}
    for name in ("author_experience", "author_expertise"):
        assert person[name].points > 0.0
        assert (bot[name].points, bot[name].known) == (0.0, False)
