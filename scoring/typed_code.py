"""Whether a file is code by Linguist's type of its language (``scoring.linguist``), with the
schema and query languages riskbrief reads as code though Linguist types them as data."""

from __future__ import annotations

from scoring.linguist import LanguageType, is_configuration, language_of, type_of

__all__ = ["DOCUMENT_MARKUP", "no_code_language", "typed_code"]

# Schema and query languages Linguist types as data: what they declare ships (a query, an
# API's messages), so riskbrief reads them as code.
_SCHEMA_LANGUAGES = frozenset(
    {"SQL", "PLSQL", "PLpgSQL", "TSQL", "SQLPL", "GraphQL", "Protocol Buffer", "Thrift",
     "Cap'n Proto", "Avro IDL", "FlatBuffers", "Smithy", "OpenAPI Specification v2",
     "OpenAPI Specification v3", "Prisma", "WebAssembly Interface Type"}
)  # fmt: skip
# What Linguist's types make of a file: code (a programming or markup language but a document's,
# a schema or query language, a name Linguist does not know, which the path rules judge alone),
# or data and prose (configuration, data files, text). A notebook is prose, cells and output;
# TeX, BibTeX and Roff typeset documents (a paper, a manual, a book, a man page) and a word
# processor's Rich Text (an app's ``Credits.rtf``) and PostScript's pages (xv6's printout of
# its source, ``xv6.ps``), which no service runs, though Linguist types them as markup as it
# does a component or a template; and the diagrams written as text that Linguist types as markup
# (Mermaid, D2, Roff's Pic), as it types PlantUML and Graphviz's DOT as data: a picture drawn
# from text, which no service runs either (nf-core/rnaseq's metro map ``metro_map.mmd``).
_CODE_TYPES = frozenset({LanguageType.PROGRAMMING, LanguageType.MARKUP, LanguageType.UNKNOWN})
DOCUMENT_MARKUP = frozenset(
    {"Jupyter Notebook", "TeX", "BibTeX", "BibTeX Style", "Roff", "Roff Manpage",
     "Rich Text Format", "PostScript", "Mermaid", "D2", "Pic"}
)  # fmt: skip
# Linguist's template languages: a file in one renders the file its name holds without the
# template's extension (``nginx.conf.j2`` renders ``nginx.conf``). Linguist has no type for
# templates (it calls ERB markup and Smarty programming), and its plain markup and styling
# languages are no templates: ``activemq.xsd.html`` is a page about a schema, not a schema.
_TEMPLATE_LANGUAGES = frozenset(
    {"HTML+ERB", "Jinja", "Go Template", "Mustache", "Handlebars", "Liquid", "Nunjucks",
     "Twig", "EJS", "Terraform Template", "Smarty", "Velocity Template Language", "FreeMarker",
     "Mako", "StringTemplate", "HTML+EEX", "HTML+ECR", "Blade", "Latte", "Edge"}
)  # fmt: skip


def no_code_language(language: str | None) -> bool:
    """Whether a file in ``language`` (as Linguist's heuristics name it for the file's text)
    holds no code: a data or prose language's, or a typeset document's or a diagram's
    (``DOCUMENT_MARKUP``)."""
    return language in DOCUMENT_MARKUP or type_of(language) in (
        LanguageType.DATA,
        LanguageType.PROSE,
    )


def typed_code(path: str) -> bool:
    """Code by Linguist's type: configuration and data files (YAML, TOML, JSON, XML, INI), prose,
    notebooks, TeX, Roff and Rich Text documents are not, schema and query languages are. A
    name Linguist knows no language for is code only without an extension (``bin/run``, a
    script): of the extensions of its 700 languages it knows, one it does not is a tool's
    settings or data (``cabal.haskell-ci``, ``pip.conf``, ``x.opam``, a ``.wasm`` build), as is
    an unknown dotfile (``.hgignore``)."""
    language = language_of(path)
    if language is None:
        return "." not in path[path.rfind("/") + 1 :]
    if language in DOCUMENT_MARKUP:
        return False
    if language in _TEMPLATE_LANGUAGES and _renders_no_code(path):
        return False
    return (
        type_of(language) in _CODE_TYPES and not is_configuration(path)
    ) or language in _SCHEMA_LANGUAGES


# Markdown's extensions: Linguist gives ``.md`` to GCC's Machine Description too and, without the
# text, names that first.
_MARKDOWN = (".md", ".markdown")


def _renders_no_code(path: str) -> bool:
    """Whether template ``path`` renders a configuration, data or prose file, by the name it
    renders: a Concourse pipeline's ``nokogiri.yml.erb``, Ansible's ``nginx.conf.j2``, a
    Helm-like ``values.yaml.tpl``, a Terraform provider's docs page ``index.md.tmpl``. Linguist
    types the template's language as it does an application's views (``show.html.erb``, which
    stay code); what such a file renders is configuration or documentation, which Linguist
    types as data or prose."""
    cut = path.rfind(".")
    inner = path[:cut]
    if cut <= path.rfind("/") + 1 or "." not in inner[inner.rfind("/") + 1 :]:
        return False
    if inner.lower().endswith(_MARKDOWN):
        return True
    language = language_of(inner)
    return (
        language is not None
        and type_of(language) in (LanguageType.DATA, LanguageType.PROSE)
        and language not in _SCHEMA_LANGUAGES
    )
