"""A file whose extension names a programming language but whose text Linguist reads as data
(a Qt translation's ``.ts``) stores no line of code, from its first commit to its edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from data.config import OrgConfig, parse_org_config
from data.sources.local_git.data_files import told_by_content
from data.store.facts import load_changes
from data.store.tables import Change, ChangeFile
from scoring.change_files import change_files
from tests.data.sources.gitrepo import GitRepo, sync_clone

T0 = datetime(2026, 9, 1, 10, 0, tzinfo=UTC)

pytestmark = pytest.mark.usefixtures("clean_git_env")

_MESSAGE = """    <message>
        <location filename="../src/tools/arrow/arrowtool.cpp" line="{n}"/>
        <source>Arrow {n}</source>
        <translation>Fletxa {n}</translation>
    </message>
"""


def _translation(messages: range, word: str = "Fletxa") -> str:
    """A Qt Linguist translation file of ``messages``, as flameshot keeps them."""
    body = "".join(_MESSAGE.format(n=n).replace("Fletxa", word) for n in messages)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n<TS version="2.1" '
        'language="ca">\n<context>\n    <name>ArrowTool</name>\n'
        f"{body}</context>\n</TS>\n"
    )


def _org(repo: GitRepo) -> OrgConfig:
    return parse_org_config(
        f"""
[[repositories]]
name = "acme/app"
path = "{repo.path}"
"""
    )


def _code_lines(engine: Engine) -> dict[tuple[str, str], tuple[int | None, int | None]]:
    """Each stored change's files' lines of code added and deleted, by (title, path)."""
    with Session(engine) as session:
        titles = {c.id: c.title for c in session.exec(select(Change)).all()}
        return {
            (titles[f.change_id], f.path): (f.code_added, f.code_deleted)
            for f in session.exec(select(ChangeFile)).all()
        }


def test_a_qt_translation_holds_no_code_while_typescript_does(
    engine: Engine, tmp_path: Path
) -> None:
    """A Qt translation added, then edited in its middle (a hunk with no ``<TS>`` root in
    sight), stores no line of code either time; a TypeScript file beside it, named alike,
    stores its lines of code."""
    repo = GitRepo(tmp_path / "app")
    repo.commit(
        {
            "translations/Internationalization_ca.ts": _translation(range(40)),
            "src/arrow.ts": "export const arrow = (n: number): number => n + 1;\n",
        },
        "Add Catalan translation",
        T0,
    )
    repo.commit(
        {
            "translations/Internationalization_ca.ts": _translation(range(40), "Sageta"),
            "src/arrow.ts": "export const arrow = (n: number): number => n + 2;\n",
        },
        "Translated using Weblate (Catalan)",
        T0 + timedelta(days=1),
    )
    sync_clone(engine, _org(repo))
    lines = _code_lines(engine)
    for title in ("Add Catalan translation", "Translated using Weblate (Catalan)"):
        assert lines[(title, "translations/Internationalization_ca.ts")] == (0, 0)
    assert lines[("Add Catalan translation", "src/arrow.ts")] == (1, 0)
    assert lines[("Translated using Weblate (Catalan)", "src/arrow.ts")] == (1, 1)


def test_a_latex_class_holds_no_code_while_an_apex_class_does(
    engine: Engine, tmp_path: Path
) -> None:
    """A LaTeX class (``.cls``: TeX, Apex, Visual Basic to Linguist) edited in its middle, its
    ``\\ProvidesClass`` head out of the hunk's sight, stores no line of code, as a TeX
    document does not; an Apex class of the same extension stores its lines of code."""
    repo = GitRepo(tmp_path / "app")
    head = "\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesClass{cv}[2017/02/05 CV]\n\\LoadClass{article}\n"
    body = "".join(f"\\newcommand{{\\x{i}}}{{{i}}}\n" for i in range(30))
    apex = "public class Account {\n" + "".join(f"  Integer n{i};\n" for i in range(30)) + "}\n"
    repo.commit({"cv.cls": head + body, "Account.cls": apex}, "Add", T0)
    repo.commit(
        {
            "cv.cls": head + body + "\\definecolor{teal}{HTML}{008080}\n",
            "Account.cls": apex[:-2] + "  Integer extra;\n}\n",
        },
        "Colour",
        T0 + timedelta(days=1),
    )
    sync_clone(engine, _org(repo))
    lines = _code_lines(engine)
    assert lines[("Add", "cv.cls")] == (0, 0)
    assert lines[("Colour", "cv.cls")] == (0, 0)
    assert lines[("Colour", "Account.cls")] == (1, 0)


def test_only_extensions_linguist_tells_apart_by_text_are_read() -> None:
    """``.ts``, ``.h`` and Perl's ``.pl`` are read for their text; Python, Go, Markdown,
    JSON and a manifest (``go.mod``) are not."""
    for path in ("translations/app_de.ts", "include/lib.h", "script/run.pl"):
        assert told_by_content(path), path
    for path in ("src/app.py", "cmd/main.go", "README.md", "package.json", "go.mod"):
        assert not told_by_content(path), path


def test_a_go_mod_edit_stays_a_dependency_change(engine: Engine, tmp_path: Path) -> None:
    """``go.mod`` is a Linux kernel module's ``.mod`` to Linguist's heuristics, but a manifest
    is never read as data: its dependency bump stores its lines, so it still changes what
    ships."""
    repo = GitRepo(tmp_path / "svc")
    mod = "module example.com/svc\n\ngo 1.22\n\nrequire example.com/lib v1.0.0\n"
    repo.commit({"go.mod": mod, "main.go": "package main\n\nfunc main() {}\n"}, "Start", T0)
    repo.commit({"go.mod": mod.replace("v1.0.0", "v1.1.0")}, "Bump lib", T0 + timedelta(days=1))
    sync_clone(engine, _org(repo))
    assert _code_lines(engine)[("Bump lib", "go.mod")] != (0, 0)


_MANUAL = (
    "<!DOCTYPE html><html><head><title>stooop</title>\n"
    "<style>body { margin: 0 }</style></head><body>\n"
    + "".join(f"<p>Paragraph {i} of the manual: <code>{{{{x}}}}</code></p>\n" for i in range(30))
    + "</body></html>\n"
)


def test_an_html_manual_holds_no_code_while_a_component_template_does(
    engine: Engine, tmp_path: Path
) -> None:
    """A hand-written HTML manual edited in its middle stores no line of code, as a Markdown
    page does not; an Angular template born a page (``ng generate``'s ``<p>… works!</p>``)
    stores its lines once it binds (``{{ name }}``), and stays a template when an edit leaves
    no binding in it."""
    repo = GitRepo(tmp_path / "app")
    template = "src/app/hero/hero.component.html"
    repo.commit(
        {"modules/stooop/stooop.html": _MANUAL, template: "<p>hero works!</p>\n"}, "Add", T0
    )
    repo.commit(
        {
            "modules/stooop/stooop.html": _MANUAL.replace("Paragraph 7 ", "Paragraph seven "),
            template: "<h2>{{ hero.name }}</h2>\n<p>hero works!</p>\n",
        },
        "Name the hero",
        T0 + timedelta(days=1),
    )
    repo.commit({template: "<h2>A hero</h2>\n"}, "Unname", T0 + timedelta(days=2))
    sync_clone(engine, _org(repo))
    lines = _code_lines(engine)
    assert lines[("Add", "modules/stooop/stooop.html")] == (0, 0)
    assert lines[("Name the hero", "modules/stooop/stooop.html")] == (0, 0)
    assert lines[("Add", template)] == (0, 0)
    assert lines[("Name the hero", template)] == (1, 0)
    assert lines[("Unname", template)] == (1, 2)


def test_html_is_read_for_its_text_where_it_is_code_by_path() -> None:
    """``.html``, ``.htm`` and ``.xhtml`` under code paths are read for their text; under a
    docs folder or a tests folder (no code by path) they are not."""
    for path in ("src/app/x.component.html", "_static/report.htm", "web/index.xhtml"):
        assert told_by_content(path), path
    for path in ("docs/index.html", "tests/fixtures/page.html"):
        assert not told_by_content(path), path


_TEMPLATE = """# Deploys a container to Amazon ECS on a push to $default-branch.
#
# Set-up steps, one comment line each, long enough that an edit below sees none of the keys:
{comments}name: Deploy to Amazon ECS
on:
  push:
    branches: [ $default-branch ]
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
{steps}"""


def test_a_workflow_template_deploys_nothing_while_a_manifest_beside_it_does(
    engine: Engine, tmp_path: Path
) -> None:
    """A GitHub Actions workflow kept under ``deployments/`` (a template no forge runs from
    there) edited far below its ``on`` and ``jobs`` stores no line of what ships, so its change
    is no deployment change, and one committed without its trigger is read again when it gets
    one; a Kubernetes manifest in the same folder still is a deployment change."""
    repo = GitRepo(tmp_path / "app")
    comments = "".join(f"# {n}. Replace MY_VALUE_{n} below.\n" for n in range(30))
    steps = "".join(f"      - run: echo step {n}\n" for n in range(30))
    manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
    workflow = "deployments/aws.yml"
    repo.commit(
        {
            workflow: _TEMPLATE.format(comments=comments, steps=steps),
            "deployments/web.yaml": manifest,
            "deployments/kompose.yml": _TEMPLATE.format(comments="", steps=steps)
            .replace("on:\n  push:\n", "env:\n  A:\n")
            .replace("runs-on:", "pool:"),
        },
        "Add",
        T0,
    )
    repo.commit(
        {"deployments/kompose.yml": _TEMPLATE.format(comments="", steps=steps)},
        "Trigger on a push",
        T0 + timedelta(hours=1),
    )
    repo.commit(
        {workflow: _TEMPLATE.format(comments=comments, steps=steps.replace("step 29", "done"))},
        "Reword the last step",
        T0 + timedelta(days=1),
    )
    repo.commit(
        {"deployments/web.yaml": manifest.replace("name: web", "name: shop")},
        "Rename the deployment",
        T0 + timedelta(days=2),
    )
    sync_clone(engine, _org(repo))
    lines = _code_lines(engine)
    assert lines[("Add", workflow)] == (0, 0)
    assert lines[("Reword the last step", workflow)] == (0, 0)
    assert lines[("Rename the deployment", "deployments/web.yaml")] != (0, 0)
    assert lines[("Add", "deployments/kompose.yml")] != (0, 0)
    assert lines[("Trigger on a push", "deployments/kompose.yml")] == (0, 0)
    with Session(engine) as session:
        facts = {c.title: c for c in load_changes(session)}
    assert not change_files(facts["Reword the last step"]).infra
    assert change_files(facts["Rename the deployment"]).infra
