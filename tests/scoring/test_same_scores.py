"""The scorer's speed work changes no score: a made history scored now, against its record.

``same_scores.json`` holds what the scorer gave the made history (``made_history``)
before the speed work of issue 49 (commit 0914528; recorded again for scorer version 9, whose
numbers read against the typical change, for version 10, whose history counts are
ranks among the latest changes, and for version 12, whose files' size leaves lock and
generated files out): each change's score, band and
typical score, each signal's points (those with any) and the measured signals'
explanations, floats exactly as ``repr`` writes them. Speed work must leave every one of
them as it was (the size line's words since lost "at a quarter" and "at a tenth", which
described the hand-set scorer, by hand in the file; every number is as recorded). A change
meant to move scores records the file again::

    PYTHONPATH=. python tests/scoring/test_same_scores.py > tests/scoring/same_scores.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from scoring.config import ScoringConfig
from scoring.risk import iter_scores
from scoring.signals import measured
from tests.scoring.made_history import made_changes, made_history

RECORD = Path(__file__).with_name("same_scores.json")

# The signals whose words the speed work touched: their explanations are recorded too.
_WORDED = {measured.SIZE.name, measured.DIFFUSION.name}


def scored_now() -> list[dict[str, Any]]:
    """The made history scored by the code as it is, one record per change."""
    config = ScoringConfig()
    changes = list(made_changes())
    history = made_history(config, changes)
    return [
        {
            "key": s.key,
            "score": s.score,
            "band": s.band.value,
            "typical": s.typical,
            "gates": [g.name for g in s.gates],
            "points": {x.name: x.points for x in s.signals if x.points},
            "words": {x.name: x.explanation for x in s.signals if x.name in _WORDED},
        }
        for s in iter_scores(changes, history, config)
    ]


def test_every_score_band_and_point_is_as_recorded() -> None:
    """Every change scores, bands and earns each signal's points exactly as before."""
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    now = scored_now()
    assert len(now) == len(recorded)
    for was, is_ in zip(recorded, now, strict=True):
        assert is_ == was, was["key"]


if __name__ == "__main__":
    # One change a line, so that a new record reads as a diff of the changes it moved.
    lines = (json.dumps(r, ensure_ascii=False) for r in scored_now())
    sys.stdout.write("[\n" + ",\n".join(lines) + "\n]\n")
