"""The briefing's signal words are read off the one table declared with the signals."""

from __future__ import annotations

from dataclasses import fields

from briefing.card_words import action
from briefing.labels import DEPLOY_SIGNAL_LABELS, SIGNAL_LABELS, signal_label
from briefing.payload import FactView
from briefing.prompt import SYSTEM_PROMPT
from scoring.card_terms import CardKind, FactKey
from scoring.config import Weights
from scoring.signals import CHANGE_SIGNALS, SIGNAL_WORDS
from tests.briefing.payloads import busy_payload


def test_every_signal_with_a_weight_has_a_readers_label() -> None:
    """Change and deploy signals alike reach a reader in words, never as a field name."""
    # Every weighted signal, and the riskiest change a deploy's score starts from.
    assert set(SIGNAL_LABELS) == {f.name for f in fields(Weights)} | {"riskiest_change"}
    assert set(DEPLOY_SIGNAL_LABELS).isdisjoint(SIGNAL_WORDS)
    for fn in CHANGE_SIGNALS:
        assert signal_label(fn.__name__) == SIGNAL_WORDS[fn.__name__].label


def test_a_concentration_card_advises_its_drivers_own_action() -> None:
    """Whichever signal drives a service's high-risk changes, the action is that signal's."""
    payload = busy_payload()
    card = next(c for c in payload.cards if c.kind is CardKind.CONCENTRATION)
    for fn in CHANGE_SIGNALS:
        name = fn.__name__
        facts = tuple(f for f in card.facts if f.key is not FactKey.DRIVEN_BY)
        driven = card.model_copy(
            update={"facts": (*facts, FactView(key=FactKey.DRIVEN_BY, value=3, signal=name))}
        )
        said = action(payload, driven)
        assert said is not None
        assert said.endswith(f", {SIGNAL_WORDS[name].action}.")


def test_the_prompt_explains_every_signal_in_its_declared_words() -> None:
    """The system prompt's signal glossary has one line per signal, from its declared words."""
    for fn in CHANGE_SIGNALS:
        name = fn.__name__
        assert f"\n- {name}: {SIGNAL_WORDS[name].glossary}\n" in SYSTEM_PROMPT
