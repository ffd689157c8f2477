"""Kinds of work and lines of code as a scoring pass keeps them, against classifying each
stored change again from its title, labels and files."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import col, select

from bot.answers.lookups import version_of
from data.store.engine import session_scope
from data.store.tables import Change, RiskScoreRow
from data.store.work_kinds import StoredWork, change_work
from scoring.work_kind import WorkKind
from tests.samples import LoadedSample


def test_what_a_scoring_pass_keeps_is_what_classifying_again_finds(scored: LoadedSample) -> None:
    """Every change of the scored sample reads the same kind and lines of code from its score
    as from its title, labels and files, and every one of them has them kept."""
    version = version_of(scored.org)
    with session_scope(scored.engine) as s:
        keys = list(s.exec(select(col(Change.key))))
        kept = s.exec(
            select(sa.func.count()).where(
                col(RiskScoreRow.subject_kind) == "change",
                col(RiskScoreRow.scorer_version) == version,
                col(RiskScoreRow.work_kind).is_not(None),
                col(RiskScoreRow.source_lines).is_not(None),
            )
        ).one()
        stored = change_work(s, keys, version)
        classified = change_work(s, keys)
    assert kept == len(keys) > 400
    assert stored == classified
    assert len({w.kind for w in stored.values()}) >= 4


def test_a_score_kept_without_them_is_classified_from_its_files(scored: LoadedSample) -> None:
    """A score's kept kind is what is read; one stored before kinds were kept (NULL), or
    naming a kind this version does not know, is read from the change's title, labels and
    files as before."""
    version = version_of(scored.org)
    with session_scope(scored.engine) as s:
        keys = sorted(s.exec(select(col(Change.key))))[:40]
        before = change_work(s, keys)
        for chosen, kind, lines in (
            (keys[:15], None, None),
            (keys[15:30], "a-kind-from-a-later-version", 5),
            (keys[30:], WorkKind.DOCS.value, 7),
        ):
            s.exec(
                sa.update(RiskScoreRow)
                .where(col(RiskScoreRow.subject_key).in_(chosen))
                .values(work_kind=kind, source_lines=lines)
            )
    with session_scope(scored.engine) as s:
        after = change_work(s, keys, version)
    assert {k: after[k] for k in keys[:30]} == {k: before[k] for k in keys[:30]}
    assert {k: after[k] for k in keys[30:]} == dict.fromkeys(
        keys[30:], StoredWork(WorkKind.DOCS, 7)
    )
