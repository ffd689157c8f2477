"""A package the clone publishes beside the build quickstart read is a service of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.quickstart.plans import drafted

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_a_published_package_the_build_leaves_out_is_a_service(tmp_path: Path) -> None:
    """Beside a root Dart package, an npm package in ``pkg/`` that its manifest publishes is a
    service, as sass/dart-sass's ``pkg/sass-parser`` is; a private site app is not."""
    files: dict[str, str | bytes | None] = {
        "pubspec.yaml": "name: sass\nversion: 1.0.0\n",
        **{f"lib/src/part{i}.dart": f"int part{i} = {i};\n" for i in range(12)},
        "pkg/parser/package.json": '{"name": "sass-parser", "version": "0.4.0"}\n',
        **{f"pkg/parser/lib/node{i}.ts": f"export const n{i} = {i};\n" for i in range(3)},
        "apps/site/package.json": '{"name": "site", "version": "0.0.1", "private": true}\n',
        **{f"apps/site/src/page{i}.ts": f"export const p{i} = {i};\n" for i in range(3)},
    }
    _, owner = drafted(tmp_path / "sass", files)
    assert owner["lib/src/part1.dart"] == "sass"
    assert owner["pkg/parser/lib/node1.ts"] == "parser"
    assert owner["apps/site/src/page1.ts"] == "-"
