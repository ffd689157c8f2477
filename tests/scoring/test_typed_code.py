"""Tests for scoring.typed_code: whether a file is code by Linguist's type of its language."""

from __future__ import annotations

import pytest

from scoring.linguist import LanguageType, type_of
from scoring.typed_code import _TEMPLATE_LANGUAGES, typed_code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("concourse/nokogiri.yml.erb", False),
        ("roles/web/templates/nginx.conf.j2", False),
        ("chart/values.yaml.tpl", False),
        ("deploy/app.yaml.tftpl", False),
        ("config/settings.ini.mako", False),
        ("app/views/users/show.html.erb", True),
        ("templates/index.html.j2", True),
        # Plain markup and styling are no templates: the inner name is what the page is about.
        ("activemq-core/src/main/resources/activemq.xsd.html", True),
        ("site/reference/schema.json.html", True),
        ("web/themes/dark.json.css", True),
    ],
)
def test_only_a_template_language_renders_its_inner_name(path: str, code: bool) -> None:
    """A template language's file of a data name renders configuration, no code; a plain HTML
    or CSS file of such a name (ActiveMQ's ``activemq.xsd.html``, a page about its schema) is
    what Linguist types it, whatever its name holds."""
    assert typed_code(path) is code


@pytest.mark.parametrize(
    "path", ["templates/index.md.tmpl", "templates/resources/repository.md.tmpl", "guide.rst.j2"]
)
def test_a_template_of_a_document_renders_documentation(path: str) -> None:
    """A template that renders a Markdown or reStructuredText page (a Terraform provider's
    ``templates/index.md.tmpl``, which tfplugindocs renders into ``docs/index.md``) is no code,
    as the page is not (integrations/terraform-provider-github's docs edits were high)."""
    assert not typed_code(path)


def test_every_template_language_is_one_linguist_knows() -> None:
    """Each template language named is a language of Linguist's by that name, so no name in the
    set is a misspelling that never matches."""
    unknown = {n for n in _TEMPLATE_LANGUAGES if type_of(n) is LanguageType.UNKNOWN}
    assert unknown == set()
