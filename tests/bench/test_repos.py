"""The invariants of ``bench.repos`` on small histories written with ``git fast-import``."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pytest

from bench.repos import history, kinds, linguist
from bench.repos.assess import (
    Options,
    _builds_a_project,
    _comments_only,
    _declares_a_workspace,
    assess,
    releases,
    services,
)
from bench.repos.catalogue import HELD_OUT, LIST, Listed, load_list
from bench.repos.firstweek import quickstart_said
from bench.repos.generated import _header_says, generated_files
from bench.repos.gitfacts import matched_tags, merged_tags, package_line, tag_lines, tag_range
from bench.repos.invariants import (
    ChangeView,
    FirstBriefing,
    GeneratedFile,
    ReleaseFacts,
    RevertIncident,
    ShallowRun,
    WeekView,
    check_cherry_picks,
    check_default_week,
    check_first_briefing,
    check_generated,
    check_linguist_non_code,
    check_non_code,
    check_ranking,
    check_releases,
    check_revert_incidents,
    check_services,
    check_shallow,
    check_unserviced_code,
    check_weeks,
)
from bench.repos.readers import week_in
from bench.repos.storefacts import StoredChange, read_store
from bot.quickstart.draft import plan_clone, toml_for
from data.config import load_org_config

_DAY = 86_400
_START = 1_735_000_000  # 2024-12-24


@dataclass(frozen=True)
class Commit:
    """A commit to write: its mark, parents' marks, day offset, message and files."""

    mark: int
    parents: tuple[int, ...]
    day: int
    message: str
    files: dict[str, str] = field(default_factory=dict)
    branch: str = "main"


@dataclass(frozen=True)
class TagSpec:
    """A tag to write: its name, the commit's mark, the day it was made, annotated or not."""

    name: str
    mark: int
    day: int
    annotated: bool = True


def _data(text: str) -> str:
    raw = text.encode("utf-8")
    return f"data {len(raw)}\n{text}\n"


def build(path: Path, commits: Sequence[Commit], tags: Sequence[TagSpec] = ()) -> Path:
    """A repository at ``path`` written by ``git fast-import``, ``main`` checked out."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], check=True)
    out: list[str] = []
    for c in commits:
        when = _START + c.day * _DAY
        out.append(f"commit refs/heads/{c.branch}\nmark :{c.mark}\n")
        out.append(f"author Ann Dev <ann@example.com> {when} +0000\n")
        out.append(f"committer Ann Dev <ann@example.com> {when} +0000\n")
        out.append(_data(c.message))
        if c.parents:
            out.append(f"from :{c.parents[0]}\n")
        out += [f"merge :{p}\n" for p in c.parents[1:]]
        for name, text in c.files.items():
            out.append(f"M 100644 inline {name}\n{_data(text)}")
        out.append("\n")
    for t in tags:
        if t.annotated:
            when = _START + t.day * _DAY
            out.append(f"tag {t.name}\nfrom :{t.mark}\n")
            out.append(f"tagger Ann Dev <ann@example.com> {when} +0000\n{_data(t.name)}")
        else:
            out.append(f"reset refs/tags/{t.name}\nfrom :{t.mark}\n\n")
    subprocess.run(
        ["git", "-C", str(path), "fast-import", "--quiet"],
        input="".join(out).encode("utf-8"),
        check=True,
    )
    subprocess.run(["git", "-C", str(path), "checkout", "-q", "-f", "main"], check=True)
    return path


def _sha(path: Path, rev: str) -> str:
    done = subprocess.run(["git", "-C", str(path), "rev-parse", rev], capture_output=True)
    return done.stdout.decode().strip()


def _range(path: Path, name: str, pattern: str = r"^v?\d+(\.\d+)+$") -> set[str]:
    tags = matched_tags(path, pattern)
    lines = tag_lines(tags, "acme/lib", ["lib"])
    tag = next(t for t in tags if t.name == name)
    line = [t for t in tags if lines[t.name] == lines[name]]
    return {c.sha for c in tag_range(path, tag, line)}


def _code(n: int) -> dict[str, str]:
    return {"src/lib/core.py": "".join(f"x{i} = {i}\n" for i in range(n))}


def test_late_tag_ships_its_own_commit_and_its_successor_does_not_ship_it_again(
    tmp_path: Path,
) -> None:
    """A release tagged after its successor ships its own commit, and the successor only its."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "one", _code(1)), Commit(2, (1,), 1, "two", _code(2)),
         Commit(3, (2,), 2, "three", _code(3))],
        [TagSpec("1.0", 1, 0), TagSpec("1.2", 3, 3), TagSpec("1.1", 2, 9)],
    )  # fmt: skip
    assert _range(repo, "1.2") == {_sha(repo, "main")}
    assert _range(repo, "1.1") == {_sha(repo, "main~1")}


def test_maintenance_branch_tag_ships_the_branch_commits_alone(tmp_path: Path) -> None:
    """A tag on a maintenance branch ships its branch's own commit, not the main line's work."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "one", _code(1)), Commit(2, (1,), 1, "two", _code(2)),
         Commit(3, (1,), 2, "fix", {"src/lib/core.py": "x0 = 1\n"}, branch="maint")],
        [TagSpec("1.0", 1, 0), TagSpec("1.0.1", 3, 2, annotated=False), TagSpec("1.1", 2, 3)],
    )  # fmt: skip
    assert _range(repo, "1.0.1") == {_sha(repo, "maint")}
    assert _range(repo, "1.1") == {_sha(repo, "main")}


def test_retag_of_a_released_commit_ships_nothing(tmp_path: Path) -> None:
    """A second tag made later on an already released commit ships no commit."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "one", _code(1)), Commit(2, (1,), 1, "two", _code(2))],
        [TagSpec("v1.0", 1, 0), TagSpec("v1.1", 2, 1), TagSpec("v1.1.0", 2, 5)],
    )
    assert _range(repo, "v1.1") == {_sha(repo, "main")}
    assert _range(repo, "v1.1.0") == set()


def _nested_tag(path: Path, name: str, target: str, day: int) -> None:
    """``git tag -a NAME -m x TARGET`` made at ``day``: a tag whose object is another tag."""
    stamp = f"{_START + day * _DAY} +0000"
    subprocess.run(
        ["git", "-C", str(path), "-c", "user.name=Ann Dev", "-c", "user.email=ann@example.com",
         "-c", "advice.nestedTag=false", "tag", "-a", name, "-m", "x", target],
        check=True, capture_output=True,
        env={**os.environ, "GIT_COMMITTER_DATE": stamp},
    )  # fmt: skip


def test_a_tag_of_an_annotated_tag_peels_to_its_commit(tmp_path: Path) -> None:
    """`git tag -a v1.1 -m x rc1` where rc1 is annotated: v1.1 stands for rc1's commit, so it
    ships that commit alone and a later tag of the same commit (v1.1.0) ships nothing."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "one", _code(1)), Commit(2, (1,), 1, "two", _code(2))],
        [TagSpec("v1.0", 1, 0), TagSpec("rc1", 2, 1)],
    )
    _nested_tag(repo, "v1.1", "rc1", 2)
    _nested_tag(repo, "v1.1.0", "v1.1", 5)
    tags = {t.name: t.sha for t in matched_tags(repo, r"^v?\d+(\.\d+)+$")}
    assert tags == {n: _sha(repo, f"{n}^{{commit}}") for n in ("v1.0", "v1.1", "v1.1.0")}
    assert tags["v1.1"] == _sha(repo, "main")
    assert _range(repo, "v1.1") == {_sha(repo, "main")}
    assert _range(repo, "v1.1.0") == set()


def test_renamed_tag_schemes_are_one_line(tmp_path: Path) -> None:
    """PROJ_1_0, proj-1.1 and rel/proj-1.2 are one release line: each ships only its commit."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "one", _code(1)), Commit(2, (1,), 1, "two", _code(2)),
         Commit(3, (2,), 2, "three", _code(3))],
        [TagSpec("PROJ_1_0", 1, 0), TagSpec("proj-1.1", 2, 1), TagSpec("rel/proj-1.2", 3, 2)],
    )  # fmt: skip
    pattern = r"^(?:PROJ_|proj-|rel/proj-)v?\d+([._]\d+)+$"
    tags = matched_tags(repo, pattern)
    assert set(tag_lines(tags, "acme/proj", ["proj"]).values()) == {""}
    tag = next(t for t in tags if t.name == "rel/proj-1.2")
    assert {c.sha for c in tag_range(repo, tag, tags)} == {_sha(repo, "main")}


def _js(name: str, n: int) -> dict[str, str]:
    return {f"packages/{name}/index.js": "".join(f"export const x{i} = {i};\n" for i in range(n))}


def _workspace(path: Path) -> Path:
    """An npm workspace (``tool``, ``core``) released as a whole (``v1.0.0``, ``v1.1.0``) before
    its per-package tags began (``tool@1.2.0`` and ``core@1.2.0`` on one commit, ``tool@1.2.1``),
    a project tag ``v1.2.0`` beside them, as formik's ``v2.1.1`` came before ``formik@2.1.6``."""
    root = {
        "package.json": '{"name": "mono", "private": true, "workspaces": ["packages/*"]}\n',
        "packages/tool/package.json": '{"name": "tool", "version": "1.0.0"}\n',
        "packages/core/package.json": '{"name": "core", "version": "1.0.0"}\n',
    }
    return build(
        path,
        [Commit(1, (), 0, "start", {**root, **_js("tool", 1), **_js("core", 1)}),
         Commit(2, (1,), 1, "tool work", _js("tool", 2)),
         Commit(3, (2,), 2, "core work", _js("core", 2)),
         Commit(4, (3,), 4, "tool 1.2", _js("tool", 3)),
         Commit(5, (4,), 5, "core 1.2", _js("core", 3)),
         Commit(6, (5,), 7, "tool fix", _js("tool", 4))],
        [TagSpec("v1.0.0", 1, 0), TagSpec("v1.1.0", 3, 3), TagSpec("tool@1.2.0", 5, 6),
         TagSpec("core@1.2.0", 5, 6), TagSpec("v1.2.0", 5, 6), TagSpec("tool@1.2.1", 6, 8)],
    )  # fmt: skip


def test_a_package_s_first_tag_ships_what_followed_the_project_s_releases(
    tmp_path: Path,
) -> None:
    """A package's line begins at its first tag: the project's tags that reach none of its tags
    (``v1.0.0``, ``v1.1.0``) are of its line, so ``tool@1.2.0`` ships only what followed
    ``v1.1.0``; ``v1.2.0``, on the commit ``tool@1.2.0`` tagged, is not of the line."""
    repo = _workspace(tmp_path / "mono")
    tags = matched_tags(repo, r"^(?:core@|tool@)?v?\d+(\.\d+)+$")
    lines = tag_lines(tags, "acme/mono", ["core", "tool"])
    merged = {t.name: merged_tags(repo, t) for t in tags}
    line = package_line(
        [t for t in tags if lines[t.name] == "tool@"],
        [t for t in tags if not lines[t.name]],
        merged,
    )
    assert [t.name for t in line] == ["v1.0.0", "v1.1.0", "tool@1.2.0", "tool@1.2.1"]
    first = next(t for t in tags if t.name == "tool@1.2.0")
    assert {c.sha for c in tag_range(repo, first, line)} == {
        _sha(repo, "main~2"),
        _sha(repo, "main~1"),
    }


def test_quickstart_on_a_workspace_ships_each_package_s_releases_as_git_says(
    tmp_path: Path,
) -> None:
    """On the workspace, the project's releases before the package tags deploy each package,
    its first tag ships what followed them, and the suite holds quickstart's store to that."""
    repo = _workspace(tmp_path / "mono")
    keep = tmp_path / "keep"
    row = assess(Listed("acme/mono", "test"), repo, Options(backtest=False, keep=keep))
    assert not row.error, row.error
    by_name = {c.name: c for c in row.checks}
    assert by_name["releases"].ok, by_name["releases"]
    assert by_name["releases"].total == 6
    org = load_org_config(keep / "mono" / "riskbrief.toml")
    facts = {
        r.tag: r
        for r in releases(
            keep / "mono" / "mono", org, "acme/mono", read_store(keep / "mono" / "riskbrief.db")
        )
    }
    # v1.1.0 released both packages: its tool and core commits are expected of it.
    assert facts["v1.1.0"].expected == {_sha(repo, "main~3"), _sha(repo, "main~4")}
    assert facts["tool@1.2.0"].git == {_sha(repo, "main~1"), _sha(repo, "main~2")}


def test_release_check_reports_a_store_that_ships_the_wrong_changes() -> None:
    """A tag shipping a commit outside git's range, or missing one of it, fails the check."""
    exact = ReleaseFacts("1.1", frozenset({"b"}), frozenset({"b"}), frozenset({"b"}))
    assert check_releases([exact]).ok
    wrong = replace(exact, shipped=frozenset({"a", "b"}))
    missing = replace(exact, shipped=frozenset())
    unread = replace(exact, unread=frozenset({"c"}))
    check = check_releases([exact, wrong, missing, unread])
    assert (check.ok, check.bad, check.total) == (False, 3, 4)
    assert "1 shipped outside git's range" in check.examples[0]


def test_docs_only_and_comment_only_changes_must_not_be_high() -> None:
    """A high docs-only change and a very-high comments-only change are reported; code is not."""
    docs = ChangeView("acme/lib#1", "high", ("docs/index.md", "README.md"))
    comments = ChangeView("acme/lib#2", "critical", ("src/lib/core.go",), comments_only=True)
    code = ChangeView("acme/lib#3", "critical", ("src/lib/core.go", "docs/x.md"))
    low_docs = ChangeView("acme/lib#4", "safe", ("docs/index.md",))
    views = [docs, comments, code, low_docs]
    not_code = [p for v in views for p in v.paths if kinds.is_not_code(p)]
    check = check_non_code(views, not_code)
    assert (check.ok, check.bad, check.total) == (False, 2, 3)
    assert check_non_code([code, low_docs], not_code).ok


def test_path_kinds_keep_manifests_and_go_doc_packages_as_code() -> None:
    """Docs, tests, CI and project files are not code; manifests and Go doc packages are."""
    for path in (
        "docs/a.md",
        ".github/workflows/ci.yml",
        "pkg/testdata/x.json",
        "tox.ini",
        "src/test/java/FooTest.java",
        "a/b_test.go",
        "examples/x/main.go",
    ):
        assert kinds.is_not_code(path), path
    for path in (
        "go.mod",
        "package.json",
        "requirements.txt",
        "CMakeLists.txt",
        "doc/man.go",
        "src/lib/core.py",
        "Cargo.lock",
    ):
        assert not kinds.is_not_code(path), path


def test_italian_translations_and_a_completion_for_man_are_no_tests_or_docs() -> None:
    """``it`` is integration tests only as Maven's ``src/it/`` and ``man`` the manual pages only
    at the root: ``lang/it/`` holds Italian strings, ``custom-completions/man/`` code."""
    assert kinds.is_docs_or_tests("src/it/smoke/pom.xml")
    assert kinds.is_docs_or_tests("man/ls.1")
    assert not kinds.is_docs_or_tests("lang/it/auth.php")
    assert not kinds.is_docs_or_tests("custom-completions/man/man-completions.nu")


def test_a_gradle_source_set_named_for_tests_is_tests() -> None:
    """Android's ``src/androidTest/``, Kotlin Multiplatform's ``src/jvmTest/`` and
    ``src/testFixtures/`` hold tests, their package folders below a name; ``src/main/`` and a
    folder whose name merely ends so (``src/latest/``) do not."""
    assert kinds.is_docs_or_tests("compose/src/androidTest/java/com/glide/compose/test/Rule.kt")
    assert kinds.is_docs_or_tests("core/src/jvmTest/kotlin/InstantTest2.kt")
    assert kinds.is_docs_or_tests("core/src/testFixtures/java/Fake.java")
    assert not kinds.is_docs_or_tests("compose/src/main/java/com/glide/compose/GlideImage.kt")
    assert not kinds.is_docs_or_tests("core/src/commonMain/kotlin/Instant.kt")
    assert not kinds.is_docs_or_tests("tools/src/latest/notes.py")


def test_perls_t_and_xt_folders_are_tests() -> None:
    """Perl's ``t/`` (``prove`` runs its ``*.t``, its helper modules beside them) and authors'
    ``xt/`` hold tests, as the scorer reads them; a module or a file named ``t`` does not."""
    assert kinds.is_docs_or_tests("t/TestLib.pm")
    assert kinds.is_docs_or_tests("xt/author/pod.t")
    assert not kinds.is_docs_or_tests("lib/Image/ExifTool.pm")
    assert not kinds.is_docs_or_tests("src/t.go")


def test_compound_example_folders_and_dev_containers_are_no_code() -> None:
    """A folder named for examples with a suffix (sttp's ``examples-ce2/``) holds examples, and a
    development container's files (``.devcontainer/Dockerfile.app``) are tooling: neither is
    code to the judge; a module merely beginning so (``exampleapp/``) is."""
    assert kinds.is_docs_or_tests("examples-ce2/src/main/scala/sttp/client4/examples/Ws.scala")
    assert kinds.is_docs_or_tests("docs_api/build.py")
    assert not kinds.is_docs_or_tests("exampleapp/src/main.rs")
    assert not linguist.is_code(".devcontainer/sandcat/scripts/app-init.sh", b"echo hi\n")
    assert linguist.is_code("scripts/app-init.sh", b"echo hi\n")


def test_a_test_class_needs_its_capital_t() -> None:
    """``FooTest.java`` and ``RouterTests.cs`` are tests; ``CombineLatest.cs`` (UniTask's Rx
    operator) and ``Latest.java`` are code."""
    assert kinds.is_docs_or_tests("src/main/java/org/acme/FooTest.java")
    assert kinds.is_docs_or_tests("src/Lib/RouterTests.cs")
    assert not kinds.is_docs_or_tests("src/UniTask/Runtime/Linq/CombineLatest.cs")
    assert not kinds.is_docs_or_tests("src/main/java/org/acme/Latest.java")


def test_a_source_file_named_like_a_project_document_is_code() -> None:
    """``licenses.go``, ``history.js``, a Zsh framework's ``lib/history.zsh`` or a Puppet module's
    ``security.pp`` and its template are code, while ``LICENSE`` and ``History.md`` are not."""
    for path in (
        "cobra/cmd/licenses.go",
        "lib/history.js",
        "lib/history.zsh",
        "plugins/history-substring-search/history-substring-search.zsh",
        "auth/security.py",
        "manifests/mod/security.pp",
        "templates/mod/security_crs.conf.erb",
    ):
        assert not kinds.is_not_code(path), path
    for path in ("LICENSE", "History.md", "SECURITY.md", "CHANGES.rst", "license_test.go"):
        assert kinds.is_not_code(path), path


def test_comment_only_edit_is_detected_from_the_diff(tmp_path: Path) -> None:
    """A commit adding only comments to Go code is comments-only; one adding a statement is not."""
    base = "package lib\n\nfunc F() int { return 1 }\n"
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "one", {"lib.go": base}),
         Commit(2, (1,), 1, "doc", {"lib.go": "// Package lib.\n/*\n * More.\n */\n" + base}),
         Commit(3, (2,), 2, "code", {"lib.go": "// Package lib.\n" + base + "var X = 2\n"})],
    )  # fmt: skip

    def change(rev: str) -> StoredChange:
        return StoredChange(rev, _sha(repo, rev), None, None, ("lib.go",), frozenset(), "high")

    assert _comments_only(repo, change("main~1"))
    assert not _comments_only(repo, change("main"))


def test_a_php_attribute_is_no_comment() -> None:
    """PHP 8's ``#[Route(...)]`` attribute is code, where a ``#`` or ``//`` line is a comment
    (symfony/demo's "fixed named arguments order" edited attributes only)."""
    php = kinds.comment_syntax("src/Controller/BlogController.php")
    assert php is not None
    assert not kinds.is_comment("    #[Route('/', name: 'admin_index', methods: ['GET'])]", php)
    assert kinds.is_comment("    # a comment", php)
    assert kinds.is_comment("    // a comment", php)
    python = kinds.comment_syntax("app.py")
    assert python is not None
    assert kinds.is_comment("#[not an attribute]", python)


def test_go_root_module_service_holds_no_docs_tests_or_testdata(tmp_path: Path) -> None:
    """A Go module at the root is one service from go.mod without its docs, tests or testdata."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "one", {"go.mod": "module example.com/lib\n", "lib.go": "package lib\n",
                                  "lib_test.go": "package lib\n", "docs/guide.md": "# Guide\n",
                                  "testdata/in.json": "{}\n", "internal/x/x.go": "package x\n",
                                  "README.md": "# lib\n"})],
    )  # fmt: skip
    plan = plan_clone(repo)
    (tmp_path / "riskbrief.toml").write_text(toml_for(plan, "UTC"), encoding="utf-8")
    org = load_org_config(tmp_path / "riskbrief.toml")
    check = services(repo, org, plan.repository, plan.found_by)
    assert check.ok, check.examples
    assert check.total == 4  # go.mod, lib.go, internal/x/x.go and README.md


def test_services_check_reports_docs_in_a_service_and_folders_not_from_the_build() -> None:
    """A service holding a test file, or services guessed from folders despite a build, fail."""
    held = {"lib": ["lib.go", "lib_test.go"]}
    check = check_services(held, ["lib_test.go"], from_build=True)
    assert (check.ok, check.bad, check.total) == (False, 1, 2)
    assert not check_services({"lib": ["lib.go"]}, [], from_build=False).ok
    assert check_services({"lib": ["lib.go"]}, [], from_build=None).ok


def test_ranking_is_reported_not_a_gate() -> None:
    """The AUC against lines added is reported with its gain, and holds either way: plain SZZ
    labels are no arbiter of the score."""
    below = check_ranking(0.70, 0.75)
    assert below.ok
    assert "0.700 vs 0.750 (-0.050)" in below.note
    assert check_ranking(0.75, 0.75).ok
    assert "could not run" in check_ranking(None, 0.75).examples[0]


def test_week_check_wants_very_high_changes_and_deploys_named() -> None:
    """A week naming its very-high change but not its very-high deploy fails; naming both holds."""
    week = WeekView(
        "2026-W10",
        changes=(("acme/lib#7",),),
        deploys=(("v1.2", "deploy of lib"),),
        text="1 change merged at very high risk: acme/lib#7 (score 85)",
    )
    assert not check_weeks([week]).ok
    named = replace(week, text=week.text + "; the deploy of lib, Fri 10:35 UTC (score 88)")
    assert check_weeks([named]).ok


def test_first_briefing_check_wants_the_last_active_week_its_releases_and_the_data_s_end() -> None:
    """Briefing the wrong week, leaving a release of git's unnamed, naming one git has not, or
    a wrong end of the data each fail the check; the right ones hold."""
    right = FirstBriefing(
        briefed="2026-W44", expected="2026-W44", last="2026-W47",
        releases=frozenset({"v2.0", "v2.0.1"}), named=frozenset({"v2.0", "v2.0.1"}),
        data_end="2026-10-27", newest="2026-10-27",
    )  # fmt: skip
    assert check_first_briefing(right).ok
    assert check_first_briefing(right).total == 4
    counted = replace(right, named=frozenset({"v2.0"}), more=1)
    assert check_first_briefing(counted).ok
    for broken, said in (
        (replace(right, briefed="2026-W43"), "briefed 2026-W43; the last complete week with"),
        (replace(right, named=frozenset({"v2.0"})), "1 of git's 2 releases in 2026-W44 unnamed"),
        (replace(right, named=right.named | {"v1.9"}), "names v1.9, which git does not"),
        (replace(right, data_end="2026-10-25"), "says the data ends on 2026-10-25"),
    ):
        check = check_first_briefing(broken)
        assert not check.ok
        assert check.examples[0].startswith(said), check.examples
    quiet = FirstBriefing(briefed="2026-W47", expected=None, last="2026-W47")
    assert check_first_briefing(quiet).ok


def test_quickstart_s_first_briefing_is_read_from_its_output() -> None:
    """The briefed week, the data's end and the releases named (and counted) come from the
    lines quickstart prints."""
    output = (
        "The clone's data ends on 2026-10-27, its newest commit; 2026-W45 to 2026-W47 have no "
        "change in a service and no deploy, so this is the briefing of 2026-W44, the last "
        "complete week that has.\n"
        "Shipped in 2026-W44: v2.0 on 2026-10-27 (api: 4 changes; deploy score 61, high; web: "
        "1 change), lib@1.2 on 2026-10-28 (2 changes), 3 more.\n\n"
        "Wrote 1 briefing to out/:\n"
        "  me: 0 critical · 0 warning · 0 info (2026-W44, whole organisation) → me.slack.json\n"
    )
    assert quickstart_said(output) == ("2026-W44", "2026-10-27", frozenset({"v2.0", "lib@1.2"}), 3)
    none = (
        "Shipped in 2026-W44: no release (the newest before it: v1.0 on 2026-08-31 (1 change)).\n"
    )
    assert quickstart_said(none)[2] == frozenset()


def test_list_holds_24_repositories_and_never_the_held_out_one() -> None:
    """The suite lists at least 24 repositories, each once, and never apache/zookeeper."""
    listed = load_list()
    names = [r.name.lower() for r in listed]
    assert len(names) >= 24
    assert len(set(names)) == len(names)
    assert not HELD_OUT & set(names)


def test_the_fresh_list_has_two_halves_of_shapes_the_suite_lacks() -> None:
    """bench/repos/fresh.toml holds repositories none of list.toml's, never apache/zookeeper,
    split into a written-against half and a held-out one."""
    fresh = LIST.with_name("fresh.toml")
    names = {r.name for r in load_list(fresh)}
    held = {r.name for r in load_list(fresh, half="held-out")}
    assert len(names) >= 8
    assert not names & {r.name for r in load_list()}
    assert not HELD_OUT & {n.lower() for n in names}
    assert held
    assert held < names


def _apart(name: str, others: tuple[str, ...]) -> tuple[set[str], set[str]]:
    """A list's names and its held-out half's, after checking that it shares none with
    ``others``, never names apache/zookeeper and its held-out half is within it."""
    path = LIST.with_name(name)
    names = {r.name for r in load_list(path)}
    held = {r.name for r in load_list(path, half="held-out")}
    shared = {r.name for other in others for r in load_list(LIST.with_name(other))}
    assert held <= names
    assert not names & shared
    assert not HELD_OUT & {n.lower() for n in names}
    return names, held


def test_the_unseen_list_holds_none_of_the_other_lists() -> None:
    """bench/repos/unseen.toml holds repositories neither list.toml nor fresh.toml has, never
    apache/zookeeper, split into a written-against half and a held-out one of four each."""
    names, held = _apart("unseen.toml", ("list.toml", "fresh.toml"))
    assert (len(names), len(held)) == (8, 4)


def test_the_unread_list_holds_none_of_the_other_lists() -> None:
    """bench/repos/unread.toml holds repositories no other list has, never apache/zookeeper,
    split into a written-against half of three and a held-out one of four."""
    names, held = _apart("unread.toml", ("list.toml", "fresh.toml", "unseen.toml"))
    assert (len(names), len(held)) == (7, 4)


def test_the_drawn_list_holds_none_of_the_other_lists() -> None:
    """bench/repos/drawn.toml holds repositories no other list has, never apache/zookeeper,
    split into a written-against half of three and a held-out one of three."""
    names, held = _apart("drawn.toml", ("list.toml", "fresh.toml", "unseen.toml", "unread.toml"))
    assert (len(names), len(held)) == (6, 3)


def test_a_jvm_package_s_folders_say_nothing_of_its_files() -> None:
    """Below a JVM source set's root the folders are a package's name: Spring Initializr's
    ``com/example/demo`` and Google's ``com/google/samples/apps`` hold code, not examples,
    while an examples project's sources and a test source set are still no code."""
    for path in (
        "src/main/java/com/example/demo/DemoApplication.java",
        "core/data/src/main/kotlin/com/google/samples/apps/nowinandroid/Repo.kt",
        "core/datastore-proto/src/main/proto/com/google/samples/apps/prefs.proto",
    ):
        assert not kinds.is_not_code(path), path
    for path in (
        "examples/hello/src/main/java/com/acme/Hello.java",
        "src/test/java/com/example/demo/Helper.java",
    ):
        assert kinds.is_not_code(path), path


@pytest.mark.parametrize("text", [None, "repo = [\n"])
def test_a_list_that_is_missing_or_no_toml_is_one_sentence(
    tmp_path: Path, text: str | None, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--list`` naming a missing file or one that is no TOML ends the bench with one
    sentence and a usage error, not a traceback."""
    from bench.repos import __main__ as cli

    path = tmp_path / "list.toml"
    if text is not None:
        path.write_text(text)
    with pytest.raises(SystemExit) as stopped:
        cli.main(["--root", str(tmp_path), "--list", str(path)])
    assert stopped.value.code == 2
    said = capsys.readouterr().err.strip().splitlines()[-1]
    assert str(path) in said
    assert ("cannot read the list" if text is None else "is no TOML list") in said


def test_list_has_a_written_half_and_a_held_out_half_apart() -> None:
    """The written-against half keeps its 24 repositories, the held-out half has at least 15
    others, the two share none and together are the whole list; an unknown half is refused."""
    written = {r.name for r in load_list(half="written")}
    held = {r.name for r in load_list(half="held-out")}
    assert len(written) >= 24
    assert len(held) >= 15
    assert not written & held
    assert written | held == {r.name for r in load_list()}
    assert all(r.held_out for r in load_list(half="held-out"))
    with pytest.raises(ValueError, match="no half"):
        load_list(half="both")


def _history(path: Path) -> Path:
    """A small library: a late-made tag, a maintenance branch with its own release, docs."""
    return build(
        path,
        [Commit(1, (), 0, "start", {"src/lib/__init__.py": "A = 1\n", "pyproject.toml": "[x]\n"}),
         Commit(2, (1,), 1, "feature", {"src/lib/__init__.py": "A = 1\nB = 2\n"}),
         Commit(3, (2,), 8, "docs", {"docs/index.md": "# Docs\n" * 40}),
         Commit(4, (3,), 9, "more", {"src/lib/core.py": "C = 3\n"}),
         Commit(5, (2,), 10, "fix on maint", {"src/lib/__init__.py": "A = 2\nB = 2\n"},
                branch="maint"),
         Commit(6, (4,), 15, "fix crash", {"src/lib/core.py": "C = 4\n"})],
        [TagSpec("1.0.0", 1, 0), TagSpec("1.2.0", 4, 9), TagSpec("1.1.0", 2, 12),
         TagSpec("1.1.1", 5, 10, annotated=False), TagSpec("1.3.0", 6, 15)],
    )  # fmt: skip


def test_quickstart_on_a_small_history_ships_what_git_says_and_a_broken_store_fails(
    tmp_path: Path,
) -> None:
    """Quickstart's store ships exactly git's ranges; the same store less one link is reported."""
    repo = _history(tmp_path / "lib")
    keep = tmp_path / "keep"
    options = Options(backtest=False, keep=keep, shallow_depth=3)
    row = assess(Listed("acme/lib", "test"), repo, options)
    assert not row.error, row.error
    by_name = {c.name: c for c in row.checks}
    # A depth-3 clone: quickstart says to unshallow and stores nothing for the cut commit.
    assert by_name["shallow clone"].ok, by_name["shallow clone"]
    assert by_name["shallow clone"].total >= 3
    assert by_name["releases"].ok, by_name["releases"]
    assert by_name["releases"].total == 5
    assert by_name["services"].ok
    assert by_name["first briefing"].ok, by_name["first briefing"]
    assert by_name["first briefing"].total == 3
    assert row.coverage == "5/5 (100%)"
    # Issue 62's invariants ran on the same store: every reader was asked for its week, the
    # year's code is in the one service, and no revert made an incident.
    assert by_name["default week"].total == 4
    assert by_name["unserviced code"].ok, by_name["unserviced code"]
    assert by_name["unserviced code"].total == 4  # the four main-line commits to src/lib
    assert by_name["revert of revert"].total == 0
    assert by_name["cherry-picks"].ok, by_name["cherry-picks"]
    db = keep / "lib" / "riskbrief.db"
    con = sqlite3.connect(db)
    with con:
        con.execute(
            "DELETE FROM deploy_change WHERE deploy_id IN "
            "(SELECT id FROM deploy WHERE key LIKE 'git-tag:acme/lib:1.1.1:%')"
        )
    con.close()
    org = load_org_config(keep / "lib" / "riskbrief.toml")
    broken = check_releases(releases(keep / "lib" / "lib", org, "acme/lib", read_store(db)))
    assert not broken.ok
    assert broken.bad == 1
    assert broken.examples[0].startswith("1.1.1: 0 shipped outside git's range, 1 missing")


def test_a_backport_merged_as_a_pull_request_leaves_no_commit_of_its_release_unread(
    tmp_path: Path,
) -> None:
    """A fix merged on main as pull request #7 and backported onto a maintenance line as pull
    request #8 (a pick of #7): the backport's release ships #7, and the commit inside #8's
    merge is stood for by it, not left unread."""
    repo = build(
        tmp_path / "lib",
        [Commit(1, (), 0, "start", {"src/lib/__init__.py": "A = 1\n", "pyproject.toml": "[x]\n"}),
         Commit(2, (1,), 1, "fix a crash", {"src/lib/__init__.py": "A = 2\n"}, branch="fix"),
         Commit(3, (2,), 1, "one more fix", {"src/lib/__init__.py": "A = 3\n"}, branch="fix"),
         Commit(4, (1, 3), 2, "Merge pull request #7 from acme/fix\n\nFix a crash",
                {"src/lib/__init__.py": "A = 3\n"}),
         Commit(5, (1,), 3, "fix a crash", {"src/lib/__init__.py": "A = 3\n"}, branch="pick"),
         Commit(6, (1, 5), 3, "Merge pull request #8 from bot/cherry-pick-7\n\n[1.0] Fix a crash",
                {"src/lib/__init__.py": "A = 3\n"}, branch="maint"),
         Commit(7, (4,), 5, "feature", {"src/lib/core.py": "C = 3\n"})],
        [TagSpec("1.0.0", 1, 0), TagSpec("1.0.1", 6, 4), TagSpec("1.1.0", 7, 6)],
    )  # fmt: skip
    keep = tmp_path / "keep"
    row = assess(Listed("acme/lib", "test"), repo, Options(backtest=False, keep=keep))
    assert not row.error, row.error
    by_name = {c.name: c for c in row.checks}
    assert by_name["releases"].ok, by_name["releases"]
    assert by_name["releases"].total == 3
    assert by_name["cherry-picks"].ok, by_name["cherry-picks"]
    store = read_store(keep / "lib" / "riskbrief.db")
    assert store.picks == {_sha(repo, "maint"): _sha(repo, "main~1")}


def test_a_pick_of_a_pull_requests_docs_commit_ships_none_of_its_code(tmp_path: Path) -> None:
    """A maintenance release whose one commit is the pick of a docs commit of pull request
    #7 (which changed the library's code too) ships nothing of the library: the releases
    check does not expect #7 in it."""
    repo = build(
        tmp_path / "lib",
        [Commit(1, (), 0, "start", {"src/lib/__init__.py": "A = 1\n", "pyproject.toml": "[x]\n",
                                    "docs/post.md": "# Post\n"}),
         Commit(2, (1,), 1, "grow", {"src/lib/__init__.py": "A = 2\n"}, branch="feature"),
         Commit(3, (2,), 1, "fix the post's link", {"docs/post.md": "# Post\nlink\n"},
                branch="feature"),
         Commit(4, (1, 3), 2, "Merge pull request #7 from acme/feature\n\nGrow",
                {"src/lib/__init__.py": "A = 2\n", "docs/post.md": "# Post\nlink\n"}),
         Commit(5, (1,), 3, "fix the post's link", {"docs/post.md": "# Post\nlink\n"},
                branch="maint"),
         Commit(6, (4,), 5, "feature", {"src/lib/core.py": "C = 3\n"})],
        [TagSpec("1.0.0", 1, 0), TagSpec("1.0.1", 5, 4), TagSpec("1.1.0", 6, 6)],
    )  # fmt: skip
    keep = tmp_path / "keep"
    row = assess(Listed("acme/lib", "test"), repo, Options(backtest=False, keep=keep))
    assert not row.error, row.error
    by_name = {c.name: c for c in row.checks}
    assert by_name["releases"].ok, by_name["releases"]
    assert by_name["releases"].total == 3
    store = read_store(keep / "lib" / "riskbrief.db")
    assert store.picks == {_sha(repo, "maint"): _sha(repo, "main~1")}


@pytest.mark.parametrize("name", sorted(HELD_OUT))
def test_held_out_repository_is_refused(tmp_path: Path, name: str) -> None:
    """A list naming a held-out repository is refused before anything is read."""
    bad = tmp_path / "list.toml"
    bad.write_text(f'[[repo]]\nname = "{name}"\nshape = "x"\n', encoding="utf-8")
    with pytest.raises(ValueError, match="held out"):
        load_list(bad)


def test_shallow_check_wants_the_fix_named_and_no_cut_commit_stored() -> None:
    """A quickstart that stores the cut commit, or says nothing of `git fetch --unshallow`,
    breaks the shallow-clone invariant; one that does neither holds it."""
    cut = frozenset({"a" * 40})
    fine = ShallowRun(0, "… run `git fetch --unshallow` …", cut, frozenset({"b" * 40}))
    assert check_shallow(fine).ok
    stored_cut = check_shallow(replace(fine, stored=cut))
    assert not stored_cut.ok
    assert "stored the cut commit aaaaaaaaaaaa" in stored_cut.examples[0]
    silent = check_shallow(replace(fine, output="Wrote riskbrief.toml"))
    assert not silent.ok


def test_generated_check_counts_files_stored_as_hand_written() -> None:
    """A file git or its header marks generated that the store counted as hand-written is
    reported; one stored as generated, or that no change added many lines to, is not."""
    files = [
        GeneratedFile("gen/a.py", "its header", "acme/lib@1", stored_generated=True),
        GeneratedFile("gen/b.py", "linguist-generated in .gitattributes", "acme/lib@2", False),
        GeneratedFile("gen/c.py", "its header", None, stored_generated=False),
    ]
    check = check_generated(files)
    assert (check.ok, check.bad, check.total) == (False, 1, 2)
    assert check.examples == (
        "gen/b.py (linguist-generated in .gitattributes) counted as hand-written in acme/lib@2",
    )


def test_generated_files_are_read_from_git_attributes_and_headers(tmp_path: Path) -> None:
    """On a small history, a table headed "Auto generated by" and a file .gitattributes marks
    linguist-generated are found by git alone, and quickstart's store marks both generated."""
    table = "# Auto generated by tools/make_table.py\n" + "".join(
        f"T{i} = {i}\n" for i in range(80)
    )
    schema = "".join(f'{{"field{i}": {i}}}\n' for i in range(70))
    repo = build(
        tmp_path / "lib",
        [Commit(1, (), 0, "start", {"src/lib/__init__.py": "A = 1\n", "pyproject.toml": "[x]\n",
                                   ".gitattributes": "src/lib/schema.py linguist-generated\n"}),
         Commit(2, (1,), 1, "tables", {"src/lib/table.py": table,
                                       "src/lib/schema.py": schema}),
         Commit(3, (2,), 2, "feature", {"src/lib/core.py": "C = 3\n"})],
        [TagSpec("1.0.0", 3, 2)],
    )  # fmt: skip
    keep = tmp_path / "keep"
    row = assess(Listed("acme/lib", "test"), repo, Options(backtest=False, keep=keep))
    assert not row.error, row.error
    found = generated_files(
        keep / "lib" / "lib", read_store(keep / "lib" / "riskbrief.db").changes.values()
    )
    assert {(f.path, f.why) for f in found} == {
        ("src/lib/table.py", "its header"),
        ("src/lib/schema.py", "linguist-generated in .gitattributes"),
    }
    generated = next(c for c in row.checks if c.name == "generated")
    assert (generated.ok, generated.total) == (True, 2), generated


def test_a_header_says_generated_only_when_a_comment_opens_with_it() -> None:
    """A comment opening with "Generated by tools/x.py" is a header; a workflow's description
    of "an attestation generated by the OpenSSF" (fmtlib/fmt's release.yml) is not."""

    assert _header_says(b"# Generated by tools/make_width_tables.py\nT = 1\n")
    assert _header_says(b"// Code generated by protoc-gen-go. DO NOT EDIT.\n")
    assert not _header_says(b"# Builds the package\n# with an attestation generated by OpenSSF\n")


def test_a_generated_table_of_contents_is_no_header_of_the_file() -> None:
    """A marker of a generated table of contents (docker-library/official-images' README's
    ``<!-- AUTOGENERATED TOC -->``, doctoc's) says a section is generated, not the page."""
    assert not _header_says(b"# Docker Official Images\n\n<!-- AUTOGENERATED TOC -->\n")
    assert not _header_says(b"<!-- START doctoc generated TOC please keep comment here -->\n")
    assert _header_says(b"<!-- This file is auto-generated. Do not edit. -->\n")


def test_a_compound_tests_folder_holds_tests() -> None:
    """A folder whose name's first or last word says tests (scryer-prolog's ``tests-pl/``,
    NeoJSON's ``Neo-JSON-Tests/``) holds tests, as ``examples-ce2/`` holds examples; a Lua spec
    file is a test wherever it sits."""
    assert kinds.is_docs_or_tests("tests-pl/ffi_cstr.pl")
    assert kinds.is_docs_or_tests("test_utils/helpers.py")
    assert kinds.is_docs_or_tests("repository/Neo-JSON-Tests/NeoJSONObjectTests.class.st")
    assert not kinds.is_docs_or_tests("src/testing_tools.py")
    assert not kinds.is_docs_or_tests("pkgs/shelf_test_handler/lib/src/handler.dart")
    # A Lua spec beside its module (roblox-lua-promise's TestEZ, busted's ``_spec.lua``).
    assert kinds.is_docs_or_tests("lib/init.spec.lua")
    assert kinds.is_docs_or_tests("spec/promise_spec.lua")
    assert not kinds.is_docs_or_tests("lib/init.lua")


def test_a_templates_header_is_not_its_own() -> None:
    """A header below a template's tags (zoxide's Nushell template) is the text the template
    writes, not a word on the template: no header of its own."""
    template = b'{%- let section = "#" -%}\n\n# Code generated by zoxide. DO NOT EDIT.\n'
    assert not _header_says(template)
    assert _header_says(b"# Code generated by zoxide. DO NOT EDIT.\n{{ section }}\n")


def test_linguist_calls_source_code_and_nothing_else_code() -> None:
    """Source in a programming language is code; docs, tests, vendored, generated (by path,
    content or attribute), configuration and binary files are not, and .gitattributes wins."""
    assert linguist.is_code("lib/app/router.ex", b"defmodule App.Router do\nend\n")
    assert linguist.is_code("R/mutate.R", b"mutate <- function(x) x\n")
    assert linguist.is_code("src/main.zig", b'const std = @import("std");\n')
    assert not linguist.is_code("docs/index.md", b"# Docs\n")
    assert not linguist.is_code("tests/test_core.py", b"def test(): pass\n")
    assert not linguist.is_code("test/app_test.exs", b"defmodule AppTest do\nend\n")
    assert not linguist.is_code("vendor/lib.js", b"var a;\n")
    assert not linguist.is_code("pyproject.toml", b"[tool.ruff]\nline-length = 99\n")
    assert not linguist.is_code(".github/workflows/ci.yml", b"on: push\n")
    generated = b"// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\n"
    assert not linguist.is_code("gen/api.go", generated)
    assert not linguist.is_code("src/blob.py", b"\x00\x01\x02")
    assert not linguist.is_code("src/app.js", b"var a;\n", {"linguist-generated": "set"})
    assert linguist.is_code("vendor/lib.js", b"var a;\n", {"linguist-vendored": "unset"})


def test_linguist_reads_attributes_and_blobs_from_git(tmp_path: Path) -> None:
    """Attributes come from git's own lookup of .gitattributes, blobs from `REV:PATH` (a path
    with a space too); a path git has no blob for, or a tree, is left out."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "start", {
            ".gitattributes": "assets/*.js linguist-generated\nvendor/** -linguist-vendored\n",
            "assets/app.js": "var a;\n", "vendor/x.js": "var b;\n", "src/a.py": "A = 1\n",
            "src/my app.py": "B = 2\n"})],
    )  # fmt: skip
    attrs = linguist.attributes(repo, ["assets/app.js", "vendor/x.js", "src/a.py"])
    assert attrs == {
        "assets/app.js": {"linguist-generated": "set"},
        "vendor/x.js": {"linguist-vendored": "unset"},
    }
    specs = ["HEAD:src/a.py", "HEAD:gone.py", "HEAD:my gone.py", "HEAD:src/my app.py", "HEAD:src"]
    assert linguist.contents(repo, specs) == {
        "HEAD:src/a.py": b"A = 1\n",
        "HEAD:src/my app.py": b"B = 2\n",
    }


def test_unserviced_code_holds_up_to_a_tenth_of_the_year_s_code_changes() -> None:
    """One code change in ten outside every service holds the invariant; two in ten break it,
    and the path left out most is the first example."""
    nine = [("lib/a.ex", True)] * 9
    held = check_unserviced_code([*nine, ("lib/b.ex", False)])
    assert held.ok
    assert (held.bad, held.total) == (1, 10)
    broken = check_unserviced_code([*nine[:8], ("lib/b.ex", False), ("lib/b.ex", False)])
    assert not broken.ok
    assert broken.examples == ("lib/b.ex (2 changes)",)
    assert broken.note == "20% in no service"


def test_unserviced_code_is_read_from_the_last_year_of_git(tmp_path: Path) -> None:
    """Only first-parent commits of the 365 days before the newest are the year's."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "old", {"lib/old.ex": "x\n"}),
         Commit(2, (1,), 400, "new", {"lib/new.ex": "y\n"}),
         Commit(3, (2,), 401, "docs", {"docs/a.md": "z\n"})],
    )  # fmt: skip
    year = history.year_commits(repo)
    assert [files for _, files in year] == [("docs/a.md",), ("lib/new.ex",)]


def test_linguist_non_code_high_changes_are_violations() -> None:
    """A high change with no code file by Linguist breaks the invariant; one with code, or a
    low change, does not."""
    changes = [
        ChangeView("acme/lib@1", "high", ("pyproject.toml",)),
        ChangeView("acme/lib@2", "critical", ("src/a.py", "docs/a.md")),
        ChangeView("acme/lib@3", "low", ("docs/a.md",)),
    ]
    check = check_linguist_non_code(changes, ["acme/lib@2"])
    assert not check.ok
    assert (check.bad, check.total) == (1, 2)
    assert check.examples[0].startswith("acme/lib@1")
    assert check_linguist_non_code(changes, ["acme/lib@1", "acme/lib@2"]).ok


def _picked(path: Path) -> Path:
    """A fix on main picked onto a release branch, and a change reverted then re-landed."""
    return build(
        path,
        [Commit(1, (), 0, "start", {"src/a.py": "A = 1\n", "src/b.py": "B = 1\n"}),
         Commit(2, (1,), 1, "fix", {"src/a.py": "A = 2\n"}),
         Commit(3, (1,), 2, "fix (picked)", {"src/a.py": "A = 2\n"}, branch="release"),
         Commit(4, (2,), 3, "feature", {"src/b.py": "B = 2\n"}),
         Commit(5, (4,), 4, 'Revert "feature"\n\nThis reverts commit 0000000.',
                {"src/b.py": "B = 1\n"}),
         Commit(6, (5,), 5, "feature again", {"src/b.py": "B = 2\n"})],
    )  # fmt: skip


def test_a_cherry_pick_shares_its_patch_id_and_no_line_with_the_original(tmp_path: Path) -> None:
    """The fix and its pick share a patch id and neither reaches the other; the feature and
    its re-landing share one too but lie on one line."""
    repo = _picked(tmp_path / "r")
    fix, pick = _sha(repo, "main~3"), _sha(repo, "release")
    feature, again = _sha(repo, "main~2"), _sha(repo, "main")
    ids = history.patch_ids(repo, [fix, pick, feature, again])
    assert ids[fix] == ids[pick]
    assert ids[feature] == ids[again]
    assert ids[fix] != ids[feature]
    assert not history.reaches(repo, pick, fix)
    assert not history.reaches(repo, fix, pick)
    assert history.reaches(repo, again, feature)


def test_cherry_picks_counted_twice_break_the_invariant_and_re_landings_do_not() -> None:
    """A week counting a fix and its pick is a violation; a re-landing on one line is not."""
    patches = {"fix": "p1", "pick": "p1", "feature": "p2", "again": "p2", "other": "p3"}
    groups = {"2025-W01": ["fix", "pick", "other"], "release 1.0 of lib": ["feature", "again"]}
    relanded = [frozenset(("feature", "again"))]
    check = check_cherry_picks(groups, patches, relanded)
    assert not check.ok
    assert (check.bad, check.total) == (1, 2)
    assert check.examples[0].startswith("2025-W01: 1 picked changes counted twice")
    assert check_cherry_picks({"2025-W01": ["fix", "other"]}, patches).ok
    assert not check_cherry_picks(groups, patches).ok


def test_a_revert_of_a_revert_is_told_from_git(tmp_path: Path) -> None:
    """A revert whose reverted commit is itself a revert, or titled `Revert "Revert …"`, is a
    revert of a revert; a plain revert is not."""
    repo = build(
        tmp_path / "r",
        [Commit(1, (), 0, "start", {"src/a.py": "A = 1\n"}),
         Commit(2, (1,), 1, "feature", {"src/a.py": "A = 2\n"})],
    )  # fmt: skip
    feature = _sha(repo, "main")
    env = {**os.environ, "GIT_AUTHOR_NAME": "Ann", "GIT_AUTHOR_EMAIL": "a@example.com",
           "GIT_COMMITTER_NAME": "Ann", "GIT_COMMITTER_EMAIL": "a@example.com"}  # fmt: skip
    for _ in range(2):
        subprocess.run(
            ["git", "-C", str(repo), "revert", "--no-edit", "HEAD"],
            check=True, capture_output=True, env=env,
        )  # fmt: skip
    revert, relanding = _sha(repo, "main~1"), _sha(repo, "main")
    assert not history.is_revert_of_revert(repo, revert)
    assert history.is_revert_of_revert(repo, relanding)
    assert not history.is_revert_of_revert(repo, feature)


def test_revert_of_revert_incidents_break_the_invariant() -> None:
    """An incident made from a revert of a revert is a violation; one from a plain revert
    is not."""
    plain = RevertIncident("revert:acme/lib@aa", "acme/lib@aa", reverts_revert=False)
    reland = RevertIncident("revert:acme/lib@bb", "acme/lib@bb", reverts_revert=True)
    check = check_revert_incidents([plain, reland])
    assert not check.ok
    assert (check.bad, check.total) == (1, 2)
    assert check.examples == ("revert:acme/lib@bb: acme/lib@bb reverts a revert",)
    assert check_revert_incidents([plain]).ok


def test_every_reader_must_answer_quickstart_s_week() -> None:
    """Readers answering quickstart's week hold the invariant; one answering another week, or
    none, breaks it; the week is read from a briefing's `Week` line."""
    same = {"brief": "2025-W01", "ask brief": "2025-W01", "mcp briefing": "2025-W01",
            "web": "2025-W01"}  # fmt: skip
    assert check_default_week("2025-W01", same).ok
    check = check_default_week("2025-W01", same | {"ask brief": "2025-W03", "web": None})
    assert not check.ok
    assert (check.bad, check.total) == (2, 4)
    assert check.examples[0] == "ask brief answered 2025-W03; quickstart briefed 2025-W01"
    assert week_in("0 critical\n--\nWeek 2025-W03 · 13–19 Jan 2025 (UTC)\n") == "2025-W03"
    assert week_in("no week here") is None


def test_the_command_runs_a_repository_in_a_spawned_worker_with_linguist_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`python -m bench.repos --new-only` on a small history: the worker is spawned after the
    parent has used go-enry (whose Go runtime a forked worker would hang in) and reports issue
    62's five invariants."""
    from bench.repos import __main__ as cli

    _history(tmp_path / "lib")
    assert linguist.is_code("src/lib/core.py", b"C = 3\n")  # the parent starts the Go runtime
    monkeypatch.setattr(cli, "load_list", lambda *_, **__: (Listed("acme/lib", "test"),))
    cli.main(["--root", str(tmp_path), "--new-only", "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert [r["error"] for r in rows] == [""]
    names = [c["name"] for c in rows[0]["checks"]]
    assert names == [
        "unserviced code", "linguist non-code", "cherry-picks", "revert of revert", "default week"
    ]  # fmt: skip


# The lists in the order they were drawn: each from the sixth on is six repositories no list
# before it holds, three of them held out (all six of the sixteenth to forty-ninth, lists drawn
# only to judge).
_LISTS = (
    "list.toml", "fresh.toml", "unseen.toml", "unread.toml", "drawn.toml",
    "sixth.toml", "seventh.toml", "eighth.toml", "ninth.toml", "tenth.toml", "eleventh.toml",
    "twelfth.toml", "thirteenth.toml", "fourteenth.toml", "fifteenth.toml", "sixteenth.toml",
    "seventeenth.toml", "eighteenth.toml", "nineteenth.toml", "twentieth.toml", "twentyfirst.toml",
    "twentysecond.toml", "twentythird.toml", "twentyfourth.toml", "twentyfifth.toml",
    "twentysixth.toml", "twentyseventh.toml", "twentyeighth.toml", "twentyninth.toml",
    "thirtieth.toml", "thirtyfirst.toml", "thirtysecond.toml", "thirtythird.toml",
    "thirtyfourth.toml", "thirtyfifth.toml", "thirtysixth.toml", "thirtyseventh.toml",
    "thirtyeighth.toml", "thirtyninth.toml", "fortieth.toml", "fortyfirst.toml",
    "fortysecond.toml", "fortythird.toml", "fortyfourth.toml", "fortyfifth.toml",
    "fortysixth.toml", "fortyseventh.toml", "fortyeighth.toml", "fortyninth.toml",
    "fiftieth.toml", "fiftyfirst.toml", "fiftysecond.toml", "fiftythird.toml",
    "fiftyfourth.toml", "fiftyfifth.toml", "fiftysixth.toml", "fiftyseventh.toml",
    "fiftyeighth.toml",
)  # fmt: skip
_HELD_OUT = {
    "sixteenth.toml": 6,
    "seventeenth.toml": 6,
    "eighteenth.toml": 6,
    "nineteenth.toml": 6,
    "twentieth.toml": 6,
    "twentyfirst.toml": 6,
    "twentysecond.toml": 6,
    "twentythird.toml": 6,
    "twentyfourth.toml": 6,
    "twentyfifth.toml": 6,
    "twentysixth.toml": 6,
    "twentyseventh.toml": 6,
    "twentyeighth.toml": 6,
    "twentyninth.toml": 6,
    "thirtieth.toml": 6,
    "thirtyfirst.toml": 6,
    "thirtysecond.toml": 6,
    "thirtythird.toml": 6,
    "thirtyfourth.toml": 6,
    "thirtyfifth.toml": 6,
    "thirtysixth.toml": 6,
    "thirtyseventh.toml": 6,
    "thirtyeighth.toml": 6,
    "thirtyninth.toml": 6,
    "fortieth.toml": 6,
    "fortyfirst.toml": 6,
    "fortysecond.toml": 6,
    "fortythird.toml": 6,
    "fortyfourth.toml": 6,
    "fortyfifth.toml": 6,
    "fortysixth.toml": 6,
    "fortyseventh.toml": 6,
    "fortyeighth.toml": 6,
    "fortyninth.toml": 6,
    "fiftieth.toml": 6,
    "fiftyfirst.toml": 6,
    "fiftysecond.toml": 6,
    "fiftythird.toml": 6,
    "fiftyfourth.toml": 6,
    "fiftyfifth.toml": 6,
    "fiftysixth.toml": 6,
    "fiftyseventh.toml": 6,
    "fiftyeighth.toml": 6,
}


@pytest.mark.parametrize("name", _LISTS[5:])
def test_each_later_list_holds_none_of_the_lists_before_it(name: str) -> None:
    """Each list from bench/repos/sixth.toml on holds six repositories no list before it has,
    never apache/zookeeper, three of them held out (the sixteenth's to fifty-eighth's six)."""
    names, held = _apart(name, _LISTS[: _LISTS.index(name)])
    assert (len(names), len(held)) == (6, _HELD_OUT.get(name, 3))


def test_a_pyproject_of_tools_tables_alone_builds_nothing(tmp_path: Path) -> None:
    """micropython-lib's root pyproject.toml holds only ``[tool.ruff]`` and
    ``[tool.codespell]``: no build the services must be read from; one with a ``[project]``,
    a ``[build-system]`` or Poetry's package is one, and one that does not parse is taken as
    one."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text('[tool.ruff]\nline-length = 99\n\n[tool.codespell]\ncount = ""\n')
    assert not _builds_a_project(tmp_path)
    for table in ('[project]\nname = "a"\n', '[build-system]\nrequires = ["hatchling"]\n',
                  '[tool.poetry]\nname = "a"\n', "[unclosed\n"):  # fmt: skip
        pyproject.write_text(table)
        assert _builds_a_project(tmp_path)


def test_a_pnpm_workspace_file_of_settings_alone_declares_no_workspace(tmp_path: Path) -> None:
    """apps-script-samples' pnpm-workspace.yaml holds only pnpm 10's ``onlyBuiltDependencies``:
    no workspace the services must be read from; one listing ``packages`` is one, and one that
    does not parse is taken as one."""
    workspace = tmp_path / "pnpm-workspace.yaml"
    workspace.write_text("# Copyright\nonlyBuiltDependencies:\n  - esbuild\n")
    assert not _declares_a_workspace(tmp_path)
    workspace.write_text("")
    assert not _declares_a_workspace(tmp_path)
    for text in ("packages:\n  - 'packages/*'\n", "packages: [\n"):
        workspace.write_text(text)
        assert _declares_a_workspace(tmp_path)


_OCTAVE = b"""## Copyright (C) 2022 Andreas Bertsatos
##
## -*- texinfo -*-
## @deftypefn  {statistics} {@var{CL} =} cl_multinom (@var{x}, @var{N}, @var{b})
## @deftypefnx {statistics} {@var{CL} =} cl_multinom (@var{x}, @var{N}, @var{b}, @var{method})
##
## Confidence level of multinomial portions.
##
## @code{cl_multinom} returns the confidence level of multinomial parameters
## estimated as @math{p = x / sum(x)} with predefined confidence interval @var{b}.
## @itemize
## @item @var{x} is the column vector of the observed counts.
## @item @var{N} is the sample size.
## @end itemize
## @end deftypefn

function CL = cl_multinom (x, N, b = 0.05, method = "bonferroni")
  if (nargin < 2)
    print_usage;
  endif
  CL = x / N;
endfunction
"""


def test_a_language_no_file_of_its_extension_has_is_not_the_files() -> None:
    """An Octave function whose Texinfo help makes go-enry's content classifier say Texinfo
    (gnu-octave/statistics' ``inst/cl_multinom.m``) is code by its ``.m`` extension's language:
    no ``.m`` file is Texinfo; a README stays no code."""
    assert linguist.is_code("inst/cl_multinom.m", _OCTAVE)
    assert not linguist.is_code("README.md", b"# statistics\n")
