"""The root's own code as a service: by its share of the code, or of the year's changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.quickstart.root_code import root_code
from tests.bot.quickstart.plans import owners
from tests.data.sources.gitrepo import GitRepo

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_a_root_of_a_tenth_of_the_main_language_s_code_is_the_projects() -> None:
    """Two Terraform files at the root beside a folder of modules are its code; a tool's
    settings and a lone script are not."""
    code = ["main.tf", "variables.tf", *(f"modules/m{i}/main.tf" for i in range(8))]
    assert root_code(code) == ("*.tf",)
    assert root_code(["vite.config.ts", "build.sh", *(f"src/m{i}.ts" for i in range(8))]) == ()


def test_a_root_of_a_tenth_of_the_code_s_bytes_is_the_projects() -> None:
    """A hardware core and its testbenches at the root, 4 of 44 files but a quarter of the code's
    bytes (picorv32's ``picorv32.v`` beside its firmware and SoC folders), are its code; the
    same files as small as the rest are not."""
    code = ["core.v", "testbench.v", "tb_ez.v", "tb_wb.v"]
    code += [*(f"firmware/f{i}.v" for i in range(20)), *(f"soc/s{i}.v" for i in range(20))]
    sizes = dict.fromkeys(code, 1_000) | {"core.v": 12_000}
    assert root_code(code, sizes) == ("*.v",)
    assert root_code(code, dict.fromkeys(code, 1_000)) == ()
    assert root_code(code) == ()


def test_a_root_where_the_year_s_changes_are_is_a_service(tmp_path: Path) -> None:
    """The programs at a clone's root that most of the last year's code changes touched (llm.c's
    ``train_gpt2.cu`` beside its ``llmc/`` headers and a ``dev/`` of kernels) are a service of
    the clone's name, though they are few of its files; a test at the root stays out of it."""
    files: dict[str, str | bytes | None] = {
        "train.c": "int main(void) { return 0; }\n",
        "train.cu": "__global__ void k() {}\n",
        "train.py": "print('reference')\n",
        "test_train.c": "int main(void) { return 1; }\n",
    }
    files |= {f"llmc/part{i}.h": f"int part{i};\n" for i in range(12)}
    files |= {f"dev/cuda/kernel{i}.cu": f"__global__ void k{i}() {{}}\n" for i in range(30)}
    repo = GitRepo(tmp_path / "llm")
    repo.commit(files, "Start", T0)
    for day in range(1, 9):
        repo.commit(
            {"train.cu": f"__global__ void k() {{ int d = {day}; }}\n"},
            "Tune",
            T0 + timedelta(days=day),
        )
    _, owner = owners(repo)
    assert owner["train.cu"] == owner["train.py"] == owner["train.c"] == "llm"
    assert owner["llmc/part3.h"] == "llmc"
    assert owner["test_train.c"] == "-"


def test_one_root_file_where_the_year_s_changes_are_is_a_service(tmp_path: Path) -> None:
    """A Neovim configuration's one ``init.lua``, which most of the year's code changes touched,
    beside a ``lua/`` of plugins, is a service of the clone's name."""
    files: dict[str, str | bytes | None] = {"init.lua": "vim.g.mapleader = ' '\n"}
    files |= {f"lua/plugins/p{i}.lua": f"return {{ {i} }}\n" for i in range(20)}
    repo = GitRepo(tmp_path / "config.nvim")
    repo.commit(files, "Start", T0)
    for day in range(1, 12):
        repo.commit({"init.lua": f"vim.g.day = {day}\n"}, "Tune", T0 + timedelta(days=day))
    _, owner = owners(repo)
    assert owner["init.lua"] == "config.nvim"
    assert owner["lua/plugins/p3.lua"] == "lua"


def test_a_root_its_year_left_alone_is_no_service(tmp_path: Path) -> None:
    """Two root scripts no change of the last year touched, beside a folder where the changes
    are, make no service of the root: they are the clone's one service's (``lone_service``)."""
    files: dict[str, str | bytes | None] = {"build.py": "print(1)\n", "release.py": "print(2)\n"}
    files |= {f"lib/mod{i}.py": f"X = {i}\n" for i in range(25)}
    repo = GitRepo(tmp_path / "tool")
    repo.commit(files, "Start", T0)
    for day in range(1, 9):
        repo.commit({"lib/mod1.py": f"X = {day}\n"}, "Edit", T0 + timedelta(days=day))
    _, owner = owners(repo)
    assert owner["lib/mod1.py"] != "-"
    assert owner["build.py"] == owner["lib/mod1.py"]


def test_a_year_of_few_changes_makes_no_root_service(tmp_path: Path) -> None:
    """A year of fewer than ``MIN_CHANGES`` code changes (the first commit's twelve files and
    six releases), most of them root release scripts, says nothing of where the project
    changes: no service of the root; the scripts are the clone's one service's."""
    files: dict[str, str | bytes | None] = {
        "release-rules.js": "module.exports = [];\n",
        "release.sh": "echo release\n",
    }
    files |= {f"lib/mod{i}.py": f"X = {i}\n" for i in range(10)}
    repo = GitRepo(tmp_path / "formula")
    repo.commit(files, "Start", T0)
    for day in range(1, 7):
        repo.commit({"release.sh": f"echo release {day}\n"}, "Release", T0 + timedelta(days=day))
    _, owner = owners(repo)
    assert owner["release.sh"] == owner["lib/mod1.py"] != "-"
