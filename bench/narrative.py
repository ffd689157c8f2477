"""The size of the narrative prompt per subscriber of the sample organisation.

Run with ``python -m bench.narrative``. Tokens are estimated as characters / 4:
the SDK's ``messages.count_tokens`` is an API call, and riskbrief's benchmarks
run offline. JSON tokenizes denser than prose, so chars / 3 is printed as well,
as the pessimistic bound. The target is ≤ 3,000 input and ≤ 700 output tokens.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path

from anthropic.lib._parse._transform import transform_schema
from sqlmodel import col, select

from bot.composition.compose import compose
from bot.composition.pipeline import score_all
from briefing.narrative import Narrative
from briefing.prompt import SYSTEM_PROMPT, DraftParagraph, NarrativeDraft, first_turns
from briefing.week import IsoWeek
from data.sample_load import load_sample
from data.sources.sample import sample_org_config
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from data.store.tables import Subscriber

__all__ = ["PromptSize", "main", "prompt_sizes"]


@dataclass(frozen=True, slots=True)
class PromptSize:
    """One subscriber's prompt and narrative, measured."""

    subscriber: str
    cards: int
    payload_chars: int
    input_chars: int
    narrative_words: int
    answer_chars: int


def _schema_chars() -> int:
    return len(json.dumps(transform_schema(NarrativeDraft.model_json_schema())))


def _words(narrative: Narrative) -> int:
    texts = [narrative.headline, *(p.text for p in narrative.paragraphs)]
    texts += [p.action for p in narrative.paragraphs if p.action]
    return sum(len(t.split()) for t in texts)


def _answer_chars(narrative: Narrative) -> int:
    """The deterministic narrative written as the JSON the model would answer with."""
    draft = NarrativeDraft(
        headline=narrative.headline,
        paragraphs=tuple(
            DraftParagraph(card_id=p.card_id, text=p.text, action=p.action or "")
            for p in narrative.paragraphs
        ),
    )
    return len(draft.model_dump_json())


def prompt_sizes(as_of: date) -> list[PromptSize]:
    """Each subscriber's first request and deterministic narrative, in characters and words."""
    fixed = len(SYSTEM_PROMPT) + _schema_chars()
    sizes: list[PromptSize] = []
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'bench.db'}")
        upgrade(engine)
        org = sample_org_config()
        now = datetime.combine(as_of, dtime(23, 59), tzinfo=UTC)
        with session_scope(engine) as session:
            sync_org(session, org)
        load_sample(engine, org, as_of=as_of)
        with session_scope(engine) as session:
            score_all(session, org)
            subscribers = list(session.exec(select(Subscriber).order_by(col(Subscriber.id))))
            for sub in subscribers:
                composed = compose(session, org, sub, IsoWeek.last_complete(now, sub.timezone))
                user = sum(len(t.text) for t in first_turns(composed.payload))
                sizes.append(
                    PromptSize(
                        subscriber=sub.key,
                        cards=len(composed.payload.cards),
                        payload_chars=user,
                        input_chars=fixed + user,
                        narrative_words=_words(composed.narrative),
                        answer_chars=_answer_chars(composed.narrative),
                    )
                )
        engine.dispose()
    return sizes


def main(argv: list[str] | None = None) -> int:
    """Print the prompt sizes."""
    parser = argparse.ArgumentParser(prog="python -m bench.narrative", description=__doc__)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args(argv)
    print(f"system prompt {len(SYSTEM_PROMPT)} chars, answer schema {_schema_chars()} chars")
    header = (
        f"{'subscriber':<16} {'cards':>5} {'payload':>8} {'input':>7} "
        f"{'~tok/4':>7} {'~tok/3':>7} {'words':>6} {'~out/4':>7}"
    )
    print(header)
    for s in prompt_sizes(args.as_of):
        print(
            f"{s.subscriber:<16} {s.cards:>5} {s.payload_chars:>8} {s.input_chars:>7} "
            f"{s.input_chars // 4:>7} {s.input_chars // 3:>7} {s.narrative_words:>6} "
            f"{s.answer_chars // 4:>7}"
        )
    print("payload/input in characters; input = system + user message + schema;")
    print("words = the deterministic narrative's; ~out = its JSON answer in tokens (chars/4).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
