"""The six labelled Kamei projects ship with the repository and read as they are."""

from __future__ import annotations

import gzip
import lzma
from pathlib import Path

import pytest

from bench.backtest import KAMEI_DIR, PROJECTS, main
from evaluation.kamei import read_kamei_csv

# Commits per project, as the data set's README gives them.
ROWS = {
    "qt": 23_912,
    "openstack": 22_757,
    "platform": 11_034,
    "jdt": 3_279,
    "gerrit": 14_927,
    "go": 19_009,
}


@pytest.mark.parametrize("name", PROJECTS)
def test_each_shipped_project_reads_whole(name: str) -> None:
    """Every compressed project file in bench/kamei reads to the README's number of commits."""
    assert len(read_kamei_csv(KAMEI_DIR / f"{name}.csv.xz")) == ROWS[name]


def test_the_licence_and_citation_ship_beside_them() -> None:
    """The MIT licence and the README naming the source travel with the data."""
    assert "MIT" in (KAMEI_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Zeng et al." in (KAMEI_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("opener", [lzma.open, gzip.open], ids=["xz", "gz"])
def test_compressed_and_plain_files_read_the_same(tmp_path: Path, opener: object) -> None:
    """A .xz or .gz copy of a Kamei CSV gives the same rows as the plain file."""
    plain = tmp_path / "jdt.csv"
    with lzma.open(KAMEI_DIR / "jdt.csv.xz", "rb") as src:
        plain.write_bytes(src.read())
    suffix = ".xz" if opener is lzma.open else ".gz"
    packed = tmp_path / f"jdt.csv{suffix}"
    with opener(packed, "wb") as dst:  # type: ignore[operator]
        dst.write(plain.read_bytes())
    assert read_kamei_csv(packed) == read_kamei_csv(plain)


def test_the_bench_runs_on_the_shipped_copies(capsys: pytest.CaptureFixture[str]) -> None:
    """`python -m bench.backtest` needs no folder: the default weights beat lines added."""
    assert main([]) == 0
    out = capsys.readouterr().out
    means = [line.split() for line in out.splitlines() if line.startswith("mean")]
    assert float(means[0][1]) > float(means[1][1])
