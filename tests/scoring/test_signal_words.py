"""Every change signal declares its words beside its function."""

from __future__ import annotations

from dataclasses import fields

from scoring.change_signal import SignalWords
from scoring.signals import CHANGE_SIGNALS, SIGNAL_WORDS, SIGNALS


def test_every_listed_signal_declares_all_its_words() -> None:
    """Each signal in CHANGE_SIGNALS has a label, a driver action, a glossary line and advice."""
    assert set(SIGNAL_WORDS) == {fn.__name__ for fn in CHANGE_SIGNALS}
    for fn in CHANGE_SIGNALS:
        words = SIGNAL_WORDS[fn.__name__]
        missing = [f.name for f in fields(SignalWords) if not getattr(words, f.name).strip()]
        assert missing == [], f"{fn.__name__} lacks {missing}"


def test_the_words_are_the_listed_functions_own() -> None:
    """The signals measured and the signals worded are one list, in one order."""
    assert [s.measure for s in SIGNALS] == list(CHANGE_SIGNALS)
    assert [s.name for s in SIGNALS] == list(SIGNAL_WORDS)


def test_no_two_signals_share_a_label_or_an_action() -> None:
    """A reader never sees two signals under one name, nor one action or advice for two causes."""
    labels = [w.label for w in SIGNAL_WORDS.values()]
    actions = [w.action for w in SIGNAL_WORDS.values()]
    advice = [w.advice for w in SIGNAL_WORDS.values()]
    assert len(set(labels)) == len(labels)
    assert len(set(actions)) == len(actions)
    assert len(set(advice)) == len(advice)
