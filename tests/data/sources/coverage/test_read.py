"""Coverage reports read from each format, paths mapped to the repository, bad files refused."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from data.coverage_report import decode_lines, encode_lines
from data.sources.coverage import (
    MAX_REPORT_BYTES,
    CoverageFormat,
    PathMapper,
    detect_format,
    read_report,
)
from scoring.errors import SourceError
from tests.data.sources.coverage.reports import COBERTURA, JACOCO, LCOV, cobertura

REPO = {
    "src/payments/charge.py",
    "src/payments/refund.py",
    "web/app.js",
    "web/util.js",
    "pay/src/main/java/com/acme/pay/Charge.java",
    "README.md",
}


def _lines(
    report: bytes, fmt: CoverageFormat | None = None
) -> dict[str, tuple[list[int], list[int]]]:
    read = read_report(report, fmt, PathMapper(REPO))
    return {f.path: (sorted(f.coverable), sorted(f.covered)) for f in read.files}


def test_cobertura_lines_are_read_under_their_source_root() -> None:
    """Cobertura's file names are relative to its absolute <source> root on the build machine:
    they map to the repository's src/ files, with each line's hits."""
    assert _lines(COBERTURA) == {
        "src/payments/charge.py": ([1, 2, 3, 4], [1, 2]),
        "src/payments/refund.py": ([10], [10]),
    }


def test_lcov_records_map_absolute_and_relative_paths() -> None:
    """An LCOV record with the CI checkout's absolute path and one already relative both land
    on the repository's files."""
    assert _lines(LCOV) == {"web/app.js": ([1, 2, 3], [1, 3]), "web/util.js": ([7], [])}


def test_jacoco_package_paths_find_their_module_files() -> None:
    """JaCoCo names files by package; the one repository file ending with that path is it, and a
    line with no instructions is not coverable."""
    assert _lines(JACOCO) == {"pay/src/main/java/com/acme/pay/Charge.java": ([3, 4], [3])}


def test_the_format_is_detected_from_the_first_bytes() -> None:
    """Each format is told from its first bytes; anything else is one sentence naming --format."""
    assert detect_format(COBERTURA[:200]) is CoverageFormat.COBERTURA
    assert detect_format(LCOV[:200]) is CoverageFormat.LCOV
    assert detect_format(JACOCO[:300]) is CoverageFormat.JACOCO
    with pytest.raises(SourceError, match="give --format"):
        read_report(b'{"coverage": 1}')


def test_a_strip_prefix_cuts_the_build_checkout() -> None:
    """``--strip-prefix`` removes the build machine's checkout path, even without the
    repository's file list."""
    report = cobertura("", {"/ci/build/src/payments/charge.py": {1: 1}})
    read = read_report(report, mapper=PathMapper(None, "/ci/build"))
    assert [f.path for f in read.files] == ["src/payments/charge.py"]


def test_a_strip_prefix_is_cut_from_source_roots_too() -> None:
    """With the repository's files unknown, a name under a <source> root inside the checkout
    is stored under that root's directory (src/x.py), not as the bare name."""
    checkout = "/home/runner/work/app/app"
    assert PathMapper(None, checkout, [f"{checkout}/src"]).map("x.py") == "src/x.py"
    report = cobertura(f"{checkout}/src", {"payments/charge.py": {1: 1}})
    read = read_report(report, mapper=PathMapper(None, checkout))
    assert [f.path for f in read.files] == ["src/payments/charge.py"]


@pytest.mark.parametrize(
    ("mapper", "raw"),
    [
        pytest.param(PathMapper({"src/x.py"}), "/usr/lib/python3/src/x.py", id="no-root"),
        pytest.param(
            PathMapper({"src/x.py"}, "/home/runner/work/app/app"),
            "/usr/lib/python3/src/x.py",
            id="outside-strip-prefix",
        ),
        pytest.param(
            PathMapper({"src/x.py"}, roots=["/home/runner/work/app/app"]),
            "/usr/lib/python3/src/x.py",
            id="outside-source-root",
        ),
    ],
)
def test_an_absolute_path_outside_the_checkout_is_not_credited_by_its_tail(
    mapper: PathMapper, raw: str
) -> None:
    """A system path whose tail happens to be a repository file is outside the repository."""
    assert mapper.map(raw) is None


def test_the_checkout_is_inferred_from_the_report_and_system_paths_left_out() -> None:
    """Without --strip-prefix or roots, the directory most absolute paths share as the
    repository's parent is the checkout; a system path whose tail is a repository file is
    left out."""
    lcov = b"".join(
        f"SF:{path}\nDA:1,1\nend_of_record\n".encode()
        for path in (
            "/home/runner/work/shop/shop/web/app.js",
            "/home/runner/work/shop/shop/build/web/util.js",
            "/home/runner/work/shop/shop/src/payments/charge.py",
            "/usr/lib/node/web/app.js",
        )
    )
    read = read_report(lcov, mapper=PathMapper(REPO))
    assert [f.path for f in read.files] == ["src/payments/charge.py", "web/app.js", "web/util.js"]
    assert read.ignored == ("/usr/lib/node/web/app.js",)


def test_an_even_vote_for_the_checkout_credits_no_absolute_path() -> None:
    """One build path and one system path leave the checkout unknown: the report is refused
    with the sentence naming --strip-prefix rather than crediting a guess."""
    lcov = (
        b"SF:/ci/app/web/app.js\nDA:1,1\nend_of_record\n"
        b"SF:/usr/lib/web/util.js\nDA:1,1\nend_of_record\n"
    )
    with pytest.raises(SourceError, match="--strip-prefix"):
        read_report(lcov, mapper=PathMapper(REPO))


def test_paths_outside_the_repository_are_left_out_and_listed() -> None:
    """A ``../`` path and an absolute path outside every root are never stored; they are listed."""
    report = cobertura(
        "src",
        {
            "payments/charge.py": {1: 1},
            "../../etc/passwd": {1: 1},
            "/usr/lib/python3.12/json/decoder.py": {5: 1},
        },
    )
    read = read_report(report, mapper=PathMapper(REPO))
    assert [f.path for f in read.files] == ["src/payments/charge.py"]
    assert read.ignored == ("../../etc/passwd", "/usr/lib/python3.12/json/decoder.py")


def test_a_report_with_no_file_in_the_repository_is_refused() -> None:
    """When every path lies outside the repository, the report is refused in one sentence."""
    report = cobertura("/elsewhere", {"../x.py": {1: 1}})
    with pytest.raises(SourceError, match="--strip-prefix"):
        read_report(report, mapper=PathMapper(REPO))


@pytest.mark.parametrize(
    ("report", "fmt", "needle"),
    [
        pytest.param(COBERTURA[: len(COBERTURA) // 2], None, "not well-formed", id="truncated"),
        pytest.param(JACOCO[:-40], CoverageFormat.JACOCO, "not well-formed", id="jacoco-cut"),
        pytest.param(LCOV[:40], CoverageFormat.LCOV, "end_of_record", id="lcov-cut"),
        pytest.param(b"DA:1,1\n", CoverageFormat.LCOV, "before any SF", id="lcov-no-sf"),
        pytest.param(b"SF:a\nDA:x\nend_of_record\n", CoverageFormat.LCOV, "DA:<line>", id="da"),
        pytest.param(COBERTURA, CoverageFormat.JACOCO, "not JaCoCo", id="wrong-format"),
        pytest.param(b"", None, "empty", id="empty"),
    ],
)
def test_malformed_reports_are_refused_in_one_sentence(
    report: bytes, fmt: CoverageFormat | None, needle: str
) -> None:
    """A truncated, mislabelled or empty report is one SourceError sentence, never a traceback."""
    with pytest.raises(SourceError, match=needle) as caught:
        read_report(report, fmt, PathMapper(REPO))
    assert "\n" not in str(caught.value)


def test_an_xml_bomb_is_refused() -> None:
    """A billion-laughs report is refused at its entity declarations, before any expansion."""
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'.encode() for i in range(9)
        )
        + b"]><coverage><sources><source>&j;</source></sources></coverage>"
    )
    with pytest.raises(SourceError, match="entities"):
        read_report(bomb, CoverageFormat.COBERTURA)


def test_an_external_entity_is_refused() -> None:
    """A report that would read a local file through an external entity is refused."""
    xxe = (
        b'<?xml version="1.0"?><!DOCTYPE coverage [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<coverage><sources><source>&x;</source></sources></coverage>"
    )
    with pytest.raises(SourceError, match="refuses"):
        read_report(xxe, CoverageFormat.COBERTURA)


def test_a_report_over_200_mb_is_refused_without_reading_it(tmp_path: Path) -> None:
    """A file over 200 MB is refused by its size alone (a sparse file: nothing is read)."""
    big = tmp_path / "coverage.xml"
    with big.open("wb") as f:
        f.truncate(MAX_REPORT_BYTES + 1)
    with pytest.raises(SourceError, match=re.escape("reports under 200 MB (200,000,000 bytes)")):
        read_report(big)


@pytest.mark.parametrize(
    ("size", "refused_by_size"),
    [
        pytest.param(200_000_000, True, id="200-MB"),
        pytest.param(200 * 2**20 - 1, True, id="under-200-MiB"),
        pytest.param(199_999_999, False, id="a-byte-under"),
    ],
)
def test_a_report_of_200_mb_is_refused_and_one_byte_less_is_read(
    tmp_path: Path, size: int, refused_by_size: bool
) -> None:
    """The limit is 200,000,000 bytes, exclusive: a sparse file of exactly that is refused by
    its size, while one a byte smaller is read (and refused by its first bytes, all NUL)."""
    report = tmp_path / "coverage.xml"
    with report.open("wb") as f:
        f.truncate(size)
    with pytest.raises(SourceError) as caught:
        read_report(report)
    assert ("200,000,000 bytes" in str(caught.value)) is refused_by_size


def test_line_ranges_round_trip() -> None:
    """Stored line numbers are compact ranges that read back as the same set."""
    lines = {1, 2, 3, 7, 9, 10, 11, 40}
    assert encode_lines(lines) == "1-3,7,9-11,40"
    assert decode_lines(encode_lines(lines)) == lines
    assert decode_lines("") == frozenset()
