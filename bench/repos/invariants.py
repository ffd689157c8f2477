"""The invariants every repository must hold, as pure checks over facts read elsewhere.

Each check takes frozen facts (what git says, what the store holds) and returns a
``Check``: whether it holds, how many items broke it out of how many looked at,
and a few examples. The facts are read by ``bench.repos.gitfacts`` and
``bench.repos.storefacts``; the tests feed them by hand, so a broken invariant is
seen to be reported.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "UNSERVICED_SHARE",
    "ChangeView",
    "Check",
    "FirstBriefing",
    "GeneratedFile",
    "ReleaseFacts",
    "RevertIncident",
    "ShallowRun",
    "WeekView",
    "check_cherry_picks",
    "check_default_week",
    "check_first_briefing",
    "check_generated",
    "check_linguist_non_code",
    "check_non_code",
    "check_ranking",
    "check_releases",
    "check_revert_incidents",
    "check_services",
    "check_shallow",
    "check_unserviced_code",
    "check_weeks",
]

_HIGH = frozenset({"high", "critical"})
_EXAMPLES = 5


@dataclass(frozen=True, slots=True)
class Check:
    """One invariant on one repository: holds or not, ``bad`` of ``total`` items, examples."""

    name: str
    ok: bool
    bad: int
    total: int
    examples: tuple[str, ...] = ()
    note: str = ""

    def cell(self) -> str:
        """The table's cell: ``ok 0/31`` or ``FAIL 3/31``."""
        return f"{'ok' if self.ok else 'FAIL'} {self.bad}/{self.total}"


def _check(name: str, bad: Sequence[str], total: int, note: str = "") -> Check:
    return Check(name, not bad, len(bad), total, tuple(bad[:_EXAMPLES]), note)


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """One release tag the drafted pattern matches: what git says it ships and what the store
    ships for it.

    ``git`` is ``git rev-list TAG --not ANCESTORS`` (the other matched tags of its line it
    reaches); ``shipped`` the shas of the changes the store links to the tag's deploys;
    ``expected`` the shas of stored changes in ``git`` that touch a service the tag releases;
    ``unread`` the commits in ``git`` touching a service that no stored change stands for.
    """

    tag: str
    git: frozenset[str]
    shipped: frozenset[str]
    expected: frozenset[str]
    unread: frozenset[str] = frozenset()
    # When the tag was made (Unix seconds: the tagger's date, else the commit's), and whether
    # a commit of ``git`` touches a service the tag releases (else the tag makes no deploy).
    created: int = 0
    releases_service: bool = False


def check_releases(releases: Iterable[ReleaseFacts]) -> Check:
    """Every matched tag ships exactly the changes git says: none outside its range, none of
    its range's changes missing, and no commit of its range left unread."""
    bad: list[str] = []
    total = 0
    for r in releases:
        total += 1
        wrong = r.shipped - r.git
        missing = r.expected - r.shipped
        if wrong or missing or r.unread:
            bad.append(
                f"{r.tag}: {len(wrong)} shipped outside git's range, {len(missing)} missing, "
                f"{len(r.unread)} commits unread"
            )
    return _check("releases", bad, total)


@dataclass(frozen=True, slots=True)
class ChangeView:
    """A stored change: its key, band, files, and whether its code files' edits are comments
    only (``False`` when unknown)."""

    key: str
    band: str
    paths: tuple[str, ...]
    comments_only: bool = False


def check_non_code(changes: Iterable[ChangeView], not_code: Iterable[str] = ()) -> Check:
    """No change whose files are all docs, tests, examples, CI or project files, or whose code
    edits are comments only, is high or very high. ``not_code`` are the paths judged not code
    (``kinds.is_not_code``), passed in so the check stays pure."""
    non_code = frozenset(not_code)
    high = [c for c in changes if c.band in _HIGH]
    bad = [
        f"{c.key} ({c.band}, {'comments only' if c.comments_only else 'no code'})"
        for c in high
        if c.comments_only or (c.paths and all(p in non_code for p in c.paths))
    ]
    return _check("non-code", bad, len(high))


def check_services(
    services: Mapping[str, Sequence[str]], docs_or_tests: Iterable[str], from_build: bool | None
) -> Check:
    """Services come from the build (when the clone has one the suite knows) and hold no file
    under docs, tests, examples or test data: ``services`` maps each key to its tracked files."""
    flagged = frozenset(docs_or_tests)
    bad = [f"{key}: {p}" for key, files in services.items() for p in files if p in flagged]
    total = sum(len(files) for files in services.values())
    if from_build is False:
        bad.insert(0, "services not read from the build the clone declares")
    return _check("services", bad, total)


def check_ranking(auc: float | None, lines_added: float | None) -> Check:
    """The default score's AUC over the whole history beside lines added alone's: reported, never
    failed, since its labels (plain SZZ) are no arbiter of the score (``bench.arbiter`` is)."""
    if auc is None or lines_added is None:
        return Check("ranking", True, 0, 1, ("no AUC: the backtest could not run",))
    gain = auc - lines_added
    return _check("ranking", [], 1, f"{auc:.3f} vs {lines_added:.3f} ({gain:+.3f})")


@dataclass(frozen=True, slots=True)
class WeekView:
    """A week with very-high changes or deploys: the names each could be known by (a change's
    key or number, a deploy's tag) and the text of its Slack briefing."""

    week: str
    changes: tuple[tuple[str, ...], ...]
    deploys: tuple[tuple[str, ...], ...]
    text: str


def _named(items: tuple[tuple[str, ...], ...], text: str) -> bool:
    return not items or any(any(name in text for name in names) for names in items)


def check_weeks(weeks: Iterable[WeekView]) -> Check:
    """Every week with a very-high change names one of them in its Slack text, and every week
    with a very-high deploy names one of those."""
    seen = list(weeks)
    bad = [
        f"{w.week}: {len(w.changes)} very-high changes, {len(w.deploys)} deploys, none named"
        for w in seen
        if not (_named(w.changes, w.text) and _named(w.deploys, w.text))
    ]
    return _check("weeks", bad, len(seen))


@dataclass(frozen=True, slots=True)
class FirstBriefing:
    """What quickstart's first briefing covered and said, beside what git says it should.

    ``expected`` is the last complete week (as of the run, in the reader's zone) in which
    git has a first-parent commit touching a service or a release tag whose range touches
    one; ``None`` when no complete week has any, and then ``last``, the last complete week,
    is what should be briefed. ``releases`` are the tags git dates in ``expected`` that
    release a service; ``named`` the releases quickstart's "Shipped in" line names, ``more``
    how many more it counts without naming. ``data_end`` is the date quickstart says the
    data ends on, ``newest`` the date of git's newest commit (both in the reader's zone).
    """

    briefed: str
    expected: str | None
    last: str
    releases: frozenset[str] = frozenset()
    named: frozenset[str] = frozenset()
    more: int = 0
    data_end: str | None = None
    newest: str | None = None


def check_first_briefing(first: FirstBriefing) -> Check:
    """Quickstart briefs the last complete week with activity, names every release git has in
    that week (and none it has not), and says the data ends on the day of git's newest commit.
    """
    want = first.expected or first.last
    bad: list[str] = []
    if first.briefed != want:
        bad.append(f"briefed {first.briefed}; the last complete week with activity is {want}")
    if first.newest != first.data_end:
        bad.append(f"says the data ends on {first.data_end}; git's newest commit: {first.newest}")
    wrong = sorted(first.named - first.releases)
    if wrong:
        bad.append(f"names {', '.join(wrong[:3])}, which git does not release in {want}")
    unnamed = len(first.releases) - len(first.named & first.releases) - first.more
    if unnamed > 0:
        missing = sorted(first.releases - first.named)
        bad.append(f"{unnamed} of git's {len(first.releases)} releases in {want} unnamed, "
                   f"such as {missing[0]}")  # fmt: skip
    return _check("first briefing", bad, 2 + len(first.releases))


@dataclass(frozen=True, slots=True)
class ShallowRun:
    """Quickstart on a ``git clone --depth`` copy: its output, the commits git cut the history
    at (``.git/shallow``) and the shas of the changes it stored."""

    exit_code: int
    output: str
    boundary: frozenset[str]
    stored: frozenset[str]


def check_shallow(run: ShallowRun) -> Check:
    """A shallow clone is read without a word of make-believe: quickstart succeeds, says the
    clone is shallow and names `git fetch --unshallow`, and stores no change for a commit at
    the cut, whose diff against nothing would be the whole tree."""
    bad: list[str] = []
    if run.exit_code != 0:
        bad.append(f"quickstart exited {run.exit_code}: {run.output.strip()[-160:]}")
    if "git fetch --unshallow" not in run.output:
        bad.append("quickstart did not say to run `git fetch --unshallow`")
    cut = sorted(run.boundary & run.stored)
    bad.extend(f"stored the cut commit {sha[:12]} as a change" for sha in cut)
    return _check("shallow clone", bad, 2 + len(run.boundary))


@dataclass(frozen=True, slots=True)
class GeneratedFile:
    """A file git's attributes or its header call generated at the head, and the newest
    stored change that added many lines to it (``None``: none did), with the store's verdict."""

    path: str
    why: str
    change: str | None
    stored_generated: bool


def check_generated(files: Iterable[GeneratedFile]) -> Check:
    """Every file git marks generated or vendored (``linguist-generated``/``-vendored``), or
    whose header says so, is stored as generated by the newest change that added many lines
    to it: no size from what no one wrote by hand."""
    looked = [f for f in files if f.change is not None]
    bad = [
        f"{f.path} ({f.why}) counted as hand-written in {f.change}"
        for f in looked
        if not f.stored_generated
    ]
    return _check("generated", bad, len(looked))


# The share of the last year's code-file changes that may sit in no service.
UNSERVICED_SHARE = 0.10


def check_unserviced_code(changes: Iterable[tuple[str, bool]]) -> Check:
    """At most 10% of the last year's code-file changes sit in no service: ``changes`` are
    (path, in a service) for each code file (``linguist.is_code``) each first-parent commit of
    the 365 days before the newest changed; examples are the paths left out most often."""
    seen = list(changes)
    out: dict[str, int] = {}
    for path, held in seen:
        if not held:
            out[path] = out.get(path, 0) + 1
    missed = sum(out.values())
    share = missed / len(seen) if seen else 0.0
    top = sorted(out.items(), key=lambda kv: (-kv[1], kv[0]))[:_EXAMPLES]
    return Check(
        "unserviced code", share <= UNSERVICED_SHARE, missed, len(seen),
        tuple(f"{path} ({n} changes)" for path, n in top), f"{share:.0%} in no service",
    )  # fmt: skip


def check_linguist_non_code(changes: Iterable[ChangeView], code: Iterable[str]) -> Check:
    """No high or very-high change whose changed files are all non-code by Linguist's rules
    (``linguist.is_code``). ``code`` are the keys of the changes with a code file, judged in
    ``bench.repos.linguist`` so the check stays pure."""
    with_code = frozenset(code)
    high = [c for c in changes if c.band in _HIGH and c.paths]
    bad = [f"{c.key} ({c.band}, no code by Linguist)" for c in high if c.key not in with_code]
    return _check("linguist non-code", bad, len(high))


def check_cherry_picks(
    groups: Mapping[str, Iterable[str]],
    patches: Mapping[str, str],
    one_line: Iterable[frozenset[str]] = (),
) -> Check:
    """No week's count or release's contents holds one patch twice: ``groups`` maps a week or
    a release to its changes' keys, ``patches`` a change's key to its ``git patch-id
    --stable``. A fix picked onto a release branch is one change; two changes of one patch on
    one line of history (``one_line``: the later reaches the earlier, a re-landing after a
    revert) are two."""
    landed_twice = frozenset(one_line)
    bad: list[str] = []
    for name, keys in groups.items():
        by_patch: dict[str, list[str]] = {}
        for key in keys:
            if (patch := patches.get(key)) is not None:
                by_patch.setdefault(patch, []).append(key)
        copies = [
            (a, b)
            for same in by_patch.values()
            for i, a in enumerate(same)
            for b in same[i + 1 :]
            if frozenset((a, b)) not in landed_twice
        ]
        if copies:
            a, b = copies[0]
            bad.append(f"{name}: {len(copies)} picked changes counted twice, such as {a} and {b}")
    return _check("cherry-picks", bad, len(groups))


@dataclass(frozen=True, slots=True)
class RevertIncident:
    """An incident the store made from a revert: its key, the revert's change key, and
    whether git says the revert reverts a revert (a re-landing)."""

    key: str
    change: str
    reverts_revert: bool


def check_revert_incidents(incidents: Iterable[RevertIncident]) -> Check:
    """No incident stands for a revert of a revert: that re-lands a change, it breaks none."""
    seen = list(incidents)
    bad = [f"{i.key}: {i.change} reverts a revert" for i in seen if i.reverts_revert]
    return _check("revert of revert", bad, len(seen))


def check_default_week(quickstart: str | None, readers: Mapping[str, str | None]) -> Check:
    """Every reader asked for no week (``brief``, ``ask brief``, MCP's ``briefing``, the web
    view) answers the week quickstart briefed: one rule picks the default week."""
    bad = [
        f"{name} answered {week or 'no week'}; quickstart briefed {quickstart or 'no week'}"
        for name, week in readers.items()
        if week is None or week != quickstart
    ]
    return _check("default week", bad, len(readers))
