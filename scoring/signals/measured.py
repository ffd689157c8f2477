"""The change signals a public history measures: size, spread, fixes, files' and authors' past.

Each earns the share of its weight that the fitted model's shapes give its features
(``scoring.model``, ``scoring.model_features``): the points are learned, the words are
these functions'. The shares are read through ``fitted_shares``, the model's
features worked out without building them, bit for bit what ``ChangeModel.share`` gives."""

from __future__ import annotations

import functools

from scoring.change_files import (
    ChangeFiles,
    written_by_hand,
)
from scoring.change_metrics import ChangeMetrics
from scoring.change_signal import ChangeSignal, SignalWords
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history_context import HistoryContext
from scoring.model_features import FittedShares, fitted_shares
from scoring.plural import many
from scoring.running_rank import RANK_WINDOW
from scoring.signal import Reading, Signal
from scoring.signals.made import made_signal

__all__ = [
    "AUTHOR_EXPERIENCE",
    "AUTHOR_EXPERTISE",
    "DEFECT_PRONENESS",
    "DIFFUSION",
    "FILE_HISTORY",
    "FIX",
    "SIZE",
    "author_experience",
    "author_expertise",
    "defect_proneness",
    "diffusion",
    "file_history",
    "fix",
    "size",
]


# The counts most changes repeat (lines, files) in words, each written once: ``many`` of a
# whole count.
@functools.lru_cache(maxsize=8192)
def _many(n: int, word: str) -> str:
    return many(n, word)


# A count's percentile rank among the same count of the history's latest changes
# (``scoring.running_rank``), in words, ``_STANDINGS[round(100 * rank)]``: what the fitted
# points read of it. Each whole percentile's words are written once, and read in place (a
# scored change asks for five). The counts beside them (earlier changes, developers, an
# author's changes) grow with a history and seldom repeat: written as ``many`` writes a whole
# count, ``f"{n} {one if n == 1 else more}"``, rather than through ``_many``'s cache.
_STANDINGS = tuple(f"percentile {p} of the latest {RANK_WINDOW:,} changes" for p in range(101))


def size(
    change: ChangeFacts,
    _ctx: HistoryContext,
    m: ChangeMetrics,
    files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Bigger changes hide more defects: points start when code is added, grow with its log.

    Size is lines of hand-written code (``code_lines_of``; comments and blank
    lines out) beside the lines added to tests and to other hand-written files
    (docs, examples, CI, project files, manifests), each read by the fitted model's
    own shape (``model_features``); lock, vendored and generated files and the strings
    of translations count for nothing. The line names each part it counted.
    """
    lines = int(m.la + m.ld)
    other = files.generated_files
    # ``generated_files`` counts the files not written by hand: without any, no lines.
    other_lines = (
        sum(f.added + f.deleted for f in change.files if not written_by_hand(f)) if other else 0
    )
    damped = "" if files.touches_code else ", so it is never more than moderate risk"
    if other and not m.nf:
        text = (
            f"only lock files or generated files changed ({many(other_lines, 'line')} "
            f"in {many(other, 'file')}): a dependency or generated change{damped}"
        )
    elif damped:
        rest = change.lines_changed - lines - other_lines
        text = (
            f"no code changed: {many(rest + other_lines, 'line')} in "
            f"{many(len(change.files), 'file')} of docs, tests, examples, CI, project or "
            f"data files, comments or whitespace{damped}"
        )
    else:
        text = f"{_many(int(m.la), 'line')} of code added, {int(m.ld)} deleted"
        if m.lt > 0:
            text += f" in files that held {m.lt:.0f} lines"
        counted = []
        if m.ta > 0:
            counted.append(f"{_many(int(m.ta), 'line')} added to tests")
        if m.oa > 0:
            counted.append(
                f"{many(int(m.oa), 'line')} added to docs, examples, CI, configuration or "
                "project files"
            )
        if counted:
            text += ", with " + " and ".join(counted)
        if quiet := files.quiet_lines:
            # Repeated: the same edit as another file's of the change (``scoring.repeated_edits``).
            text += f", besides {many(quiet, 'comment, blank or repeated line')}"
        if translated := files.translated_lines:
            text += f", besides {many(translated, 'line')} of translated strings"
        if other:
            text += (
                f", besides {many(other_lines, 'line')} in {many(other, 'lock or generated file')}"
            )
    if not lines and files.touches_code and change.files:
        text += f"; {_uncapped(files)}, so the no-code cap does not apply"
    share = fitted_shares(cfg.model).size(m)
    return Signal("size", float(lines), cfg.weights.size * share, text, share)


def _uncapped(files: ChangeFiles) -> str:
    """Why a change with no line of code still changes what ships."""
    if files.migration is not None:
        return f"it holds a schema migration ({files.migration})"
    if files.shipping:
        what = "a dependency manifest" if files.manifest else "deployment configuration"
        return f"it changes {what} ({files.shipping})"
    return "its lines of code were not read"


SIZE = ChangeSignal(
    size,
    SignalWords(
        label="large changes",
        action="split its large changes before review",
        glossary="lines added and deleted; large changes are the strongest predictor of defects.",
        advice="split it into smaller changes",
    ),
    lambda w: w.size,
)


def diffusion(
    change: ChangeFacts,
    _ctx: HistoryContext,
    m: ChangeMetrics,
    files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Changes spread over many files, directories and subsystems are harder to review."""
    share = fitted_shares(cfg.model).diffusion(m)
    services = files.services
    if m.nf == 0 and change.files:
        text = "only lock files or generated files changed"
    elif services > 1:
        text = f"touches {services} services in {many(int(m.nd), 'directory')}"
        text = text.replace("directorys", "directories")
    elif m.nf > 1:
        text = (
            f"spread over {_many(int(m.nf), 'file')} in {int(m.nd)} "
            f"{'directory' if m.nd == 1 else 'directories'} (entropy {m.entropy:.2f} bits)"
        )
    else:
        text = "confined to one file"
    return Signal("diffusion", round(share, 4), cfg.weights.diffusion * share, text, share)


DIFFUSION = ChangeSignal(
    diffusion,
    SignalWords(
        label="changes spread over many files or services",
        action="split changes that span many files or services",
        glossary="files, directories and subsystems touched, and how evenly.",
        advice="split it by service or directory, one change each",
    ),
    lambda w: w.diffusion,
)


def fix(
    change: ChangeFacts,
    _ctx: HistoryContext,
    m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Bug fixes, hotfixes and reverts are made under pressure in code known to be fragile."""
    shares = fitted_shares(cfg.model)
    if not m.fix:
        reading = _fix(shares, False, "not a bug fix")
    else:
        text = "a revert" if change.is_revert else "a hotfix" if change.is_hotfix else "a bug fix"
        reading = _fix(shares, True, text)
    return made_signal("fix", reading, cfg.weights, cfg.weights.fix)


# Four readings per model: not a fix, or a revert, a hotfix or a bug fix.
@functools.lru_cache(maxsize=64)
def _fix(shares: FittedShares, fixed: bool, text: str) -> Reading:
    return (1.0 if fixed else 0.0), text, shares.fix_of(fixed)


FIX = ChangeSignal(
    fix,
    SignalWords(
        label="bug fixes, hotfixes and reverts",
        action="add a regression test and a second reviewer to its fixes",
        glossary="a bug fix, hotfix or revert; fixes tend to need fixes.",
        advice="add a regression test and ask a second reviewer, as for any fix",
    ),
    lambda w: w.fix,
)


def file_history(
    _change: ChangeFacts,
    ctx: HistoryContext,
    m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Files changed lately and by many developers are still settling; new files are new code."""
    w = cfg.weights.file_history
    share = fitted_shares(cfg.model).file_history(m, ctx)
    if ctx.files_with_history == 0:
        return Signal("file_history", 0.0, w * share, "all touched files are new", share)
    # With several files, each file's earlier changes are added up and the developers are the
    # most-shared file's (an exact union would cost more than the rest of the history): said
    # so, so no reader takes either for a count of distinct changes or people.
    several = (
        "" if ctx.files_with_history == 1 else " (each file's changes added up), the most-shared"
    )
    changes, devs = ctx.file_prior_changes, ctx.file_prior_devs
    text = (
        f"touched files changed {changes} {'time' if changes == 1 else 'times'} before"
        f" ({_STANDINGS[round(100 * ctx.file_changes_rank)]}){several} by "
        f"{devs} {'developer' if devs == 1 else 'developers'} "
        f"({_STANDINGS[round(100 * ctx.file_devs_rank)]}), last {m.age:.0f} days ago on average"
    )
    return Signal("file_history", round(share, 4), w * share, text, share)


FILE_HISTORY = ChangeSignal(
    file_history,
    SignalWords(
        label="busy, recently changed files",
        action="stabilise its busiest files before piling more changes on them",
        glossary="how recently and by how many people the files were changed.",
        advice="let a developer who knows these busy files review it",
    ),
    lambda w: w.file_history,
)


# A bot's change has no author history: its first bump is no newcomer's mistake.
_BOT_AUTHOR = "made by a bot: no person's experience applies"
# A proposal sent without its author (a bare diff): whose experience applies is unknown.
_NO_AUTHOR = "the author is not known, so neither is their experience"
_BOT_EXPERIENCE = Signal("author_experience", None, 0.0, _BOT_AUTHOR, 0.0)
_NO_AUTHOR_EXPERIENCE = Signal("author_experience", None, 0.0, _NO_AUTHOR, 0.0)
_BOT_EXPERTISE = Signal("author_expertise", None, 0.0, _BOT_AUTHOR, 0.0)
_NO_AUTHOR_EXPERTISE = Signal("author_expertise", None, 0.0, _NO_AUTHOR, 0.0)


def author_experience(
    change: ChangeFacts,
    ctx: HistoryContext,
    m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Authors new to the project and to the subsystem know fewer of its traps."""
    if change.author_is_bot:
        return _BOT_EXPERIENCE
    if not change.author:
        return _NO_AUTHOR_EXPERIENCE
    share = fitted_shares(cfg.model).author_experience(m, ctx)
    # The points read each count's standing among the history's latest changes (its
    # percentile rank), so the words give it beside the count.
    prior = ctx.author_prior_changes
    text = (
        f"the author has {prior} {'earlier change' if prior == 1 else 'earlier changes'} "
        f"({_STANDINGS[round(100 * ctx.author_changes_rank)]}), "
        f"{ctx.author_subsystem_changes} in these "
        f"subsystems ({_STANDINGS[round(100 * ctx.author_subsystem_rank)]})"
    )
    return Signal(
        "author_experience",
        float(ctx.author_prior_changes),
        cfg.weights.author_experience * share,
        text,
        share,
    )


AUTHOR_EXPERIENCE = ChangeSignal(
    author_experience,
    SignalWords(
        label="authors new to the project or the area",
        action="pair newer authors with someone who knows the area",
        glossary="the author's history in the project and in the touched subsystems.",
        advice="pair with someone who has worked in this area",
    ),
    lambda w: w.author_experience,
)


def author_expertise(
    change: ChangeFacts,
    ctx: HistoryContext,
    _m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Files the author never changed before are where mistakes happen."""
    if change.author_is_bot:
        return _BOT_EXPERTISE
    if not change.author:
        return _NO_AUTHOR_EXPERTISE
    reading = _expertise(
        fitted_shares(cfg.model), ctx.files_with_history, ctx.files_known_to_author
    )
    return made_signal("author_expertise", reading, cfg.weights, cfg.weights.author_expertise)


# A few small counts: each reading is worked out once per model.
@functools.lru_cache(maxsize=4096)
def _expertise(shares: FittedShares, with_history: int, known: int) -> Reading:
    share = shares.author_expertise(with_history, known)
    if with_history == 0:
        return 0.0, "all touched files are new, to the author too", share
    new = with_history - known
    return (
        round(new / with_history, 4),
        f"{new} of {with_history} touched files are new to the author",
        share,
    )


AUTHOR_EXPERTISE = ChangeSignal(
    author_expertise,
    SignalWords(
        label="authors working in files new to them",
        action="pair authors new to its files with someone who knows them",
        glossary="the author's history with these files.",
        advice="ask someone who has changed these files before to review it",
    ),
    lambda w: w.author_expertise,
)


def defect_proneness(
    _change: ChangeFacts,
    ctx: HistoryContext,
    _m: ChangeMetrics,
    _files: ChangeFiles,
    cfg: ScoringConfig,
) -> Signal:
    """Files that needed fixes or reverts before tend to need them again."""
    with_history = ctx.files_with_history
    n = ctx.prior_fixes_on_files
    share = fitted_shares(cfg.model).defect_proneness(with_history, ctx.file_fixes_rank)
    w = cfg.weights.defect_proneness
    if with_history == 0:
        return Signal("defect_proneness", 0.0, w * share, "all touched files are new", share)
    fixes = "fix or revert" if n == 1 else "fixes or reverts"
    text = (
        f"{n} earlier {fixes} touched these files ({_STANDINGS[round(100 * ctx.file_fixes_rank)]})"
    )
    return Signal("defect_proneness", float(n), w * share, text, share)


DEFECT_PRONENESS = ChangeSignal(
    defect_proneness,
    SignalWords(
        label="files that needed fixes before",
        action="schedule a refactor or extra tests for its repeatedly fixed files",
        glossary="earlier fixes on the same files.",
        advice="add tests around the repeatedly fixed files it touches",
    ),
    lambda w: w.defect_proneness,
)
