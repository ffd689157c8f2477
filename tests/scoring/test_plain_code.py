"""The scorer is plain code: typed weights, no code made at run time, no class swapping."""

from __future__ import annotations

import ast
from dataclasses import fields
from pathlib import Path

import pytest
from mypy import api as mypy_api

from scoring.config import Weights
from scoring.signals import CHANGE_SIGNALS, SIGNALS

SCORING = Path(__file__).resolve().parents[2] / "scoring"


def _mypy(tmp_path: Path, program: str) -> tuple[str, int]:
    """Run ``mypy --strict`` on ``program`` with the project on its path."""
    snippet = tmp_path / "snippet.py"
    snippet.write_text(program)
    out, err, status = mypy_api.run(
        [
            "--strict",
            "--no-error-summary",
            "--cache-dir",
            str(tmp_path / "cache"),
            "--follow-imports=silent",
            str(snippet),
        ]
    )
    return out + err, status


def test_a_misspelled_weight_fails_the_type_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``weights.sizee``, ``Weights(sizee=1.0)`` and an entry's ``lambda w: w.timingg`` are type
    errors; the real names check clean."""
    monkeypatch.chdir(SCORING.parent)
    wrong, status = _mypy(
        tmp_path,
        "from scoring.config import Weights\n"
        "w = Weights()\n"
        "a: float = w.sizee\n"
        "b = Weights(sizee=1.0)\n"
        "from scoring.change_signal import WeightOf\n"
        "c: WeightOf = lambda w: w.timingg\n",
    )
    assert status == 1
    # A signal's entry reads its weight through a typed accessor, checked the same way.
    assert '"Weights" has no attribute "timingg"' in wrong
    assert '"Weights" has no attribute "sizee"' in wrong
    assert 'Unexpected keyword argument "sizee" for "Weights"' in wrong
    right, status = _mypy(
        tmp_path,
        "from scoring.config import Weights\n"
        "w = Weights(size=40.0)\n"
        "a: float = w.size + w.review + w.deploy_gap\n",
    )
    assert (status, right) == (0, "")
    # And at run time: no name is made up on the fly.
    with pytest.raises(AttributeError):
        getattr(Weights(), "sizee")  # noqa: B009
    with pytest.raises(TypeError):
        Weights(**{"sizee": 1.0})


def test_each_listed_signal_has_its_weight() -> None:
    """Every signal in CHANGE_SIGNALS has a float weight field of its name, once."""
    names = [fn.__name__ for fn in CHANGE_SIGNALS]
    assert len(set(names)) == len(names)
    weight_fields = {f.name: f.type for f in fields(Weights)}
    assert all(weight_fields.get(name) == "float" for name in names)


def test_each_signal_reads_the_weight_of_its_name() -> None:
    """Each entry's typed accessor (``lambda w: w.size``) reads the field named as its signal."""
    distinct = Weights(**{f.name: float(i + 1) for i, f in enumerate(fields(Weights))})
    assert [s.weight(distinct) for s in SIGNALS] == [getattr(distinct, s.name) for s in SIGNALS]


def _weights_by_name(path: Path) -> list[str]:
    """Where ``path`` reads a weight by a name made at run time: ``getattr(weights, …)``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "getattr"
            and "weights" in ast.unparse(node.args[0])
        ):
            found.append(f"{path.name}:{node.lineno}")
    return found


def test_the_scorer_reads_no_weight_by_name() -> None:
    """Outside calibration, which fits and writes weights by their riskbrief.toml names, the
    scorer reads each weight as a typed attribute, so a misspelt one fails mypy --strict."""
    paths = [p for p in sorted(SCORING.rglob("*.py")) if p.name != "calibration.py"]
    assert [hit for path in paths for hit in _weights_by_name(path)] == []


def _calls_and_stores(path: Path) -> list[str]:
    """What in ``path`` makes code at run time or swaps an object's class."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in {"exec", "eval", "compile", "make_dataclass"}
        ):
            found.append(f"{path.name}:{node.lineno} {node.func.id}()")
        if (
            isinstance(node, ast.Attribute)
            and node.attr == "__class__"
            and isinstance(node.ctx, ast.Store)
        ):
            found.append(f"{path.name}:{node.lineno} __class__ =")
        if isinstance(node, ast.Constant) and node.value == "__class__":
            found.append(f"{path.name}:{node.lineno} '__class__'")
    return found


def test_the_scorer_makes_no_code_at_run_time() -> None:
    """No module of scoring/ calls exec, eval, compile or make_dataclass, or swaps __class__."""
    found = [hit for path in sorted(SCORING.rglob("*.py")) for hit in _calls_and_stores(path)]
    assert found == []
