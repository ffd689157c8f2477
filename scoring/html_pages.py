"""Which HTML files are pages, not templates: markup that runs nothing.

Linguist types HTML as markup, no programming language, and GitHub counts no HTML file as code.
riskbrief keeps markup as code because much of it is an application's: an Angular component's
template, a Lightning web component's, a Jinja layout, an e-mail template a pipeline fills. Those
carry a program in their text: a template tag (``{{``, ``{%``, ``<%``, ``<?``), a binding
attribute (Angular's ``[value]`` and ``*ngIf``, Vue's ``:to``, Alpine's ``x-data``, htmx's
``hx-get``, an ``onclick``), a value bound whole (``onclick={handle}``), a custom element (a
component's tag, ``<app-root>``), a component's ``<template>`` or ``<slot>``, or a script run
inline. What carries none of these, a whole document or a fragment, is a page: a hand-written
manual (tcltk/tcllib's ``stooop.html``), a tool's generated reference whose "Generated from"
comment lies below its style sheet, a report form whose fields are filled by hand
(python/devguide's ``_static/*.html``). A page holds no code, as a Markdown page does not.

What a page shows rather than runs (its ``<pre>``, ``<code>``, ``<style>`` and comments) is
left out before looking, so a manual that quotes a template or a script is still a page.
"""

from __future__ import annotations

import re

__all__ = ["is_page"]

# What a page shows rather than runs: quoted code, a style sheet, a comment. The element's
# start tag stays, since a template binds such elements too (``<textarea [(ngModel)]="x">``).
_SHOWN = re.compile(
    r"(<(pre|code|samp|kbd|xmp|listing|textarea|style)\b[^>]*>).*?</\2\s*>|<!--.*?-->",
    re.IGNORECASE | re.DOTALL,
)
# A template language's tag: Jinja's, Django's, Liquid's, Go's, Handlebars', ERB's, JSP's,
# PHP's (``<?xml`` is a declaration), Angular's control flow (``@if (``, ``@for (``). A ``{{``
# must close and hold a name: Tcl's lists in a manual's prose (``{{-1 1} {-1 1}}``) do not.
_TEMPLATE_TAG = re.compile(
    r"\{\{[^{}\n]*[^\s{}][^{}\n]*\}\}|\{%.{0,500}?%\}|<%.{0,500}?%>|<\?(?:php\b|=)"
    r"|@(?:if|for|switch)\s*\(|@(?:defer|else)\b",
    re.IGNORECASE | re.DOTALL,
)
# A script run inline: a ``<script>`` with no ``src`` and a body (one holding data, JSON-LD or
# a client-side template, is no program).
_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_DATA_SCRIPT = re.compile(
    r"""\btype\s*=\s*["']?(?:application/(?:ld\+)?json|text/(?:x-)?template)"""
)
_SOURCED = re.compile(r"\bsrc\s*=", re.IGNORECASE)
# A start tag, its name and its attributes: to the next ``>``, so that a quote left open in a
# hand-written page (``data-title='Snit's Not Incr Tcl'``) does not swallow the page after it.
_TAG = re.compile(r"<([A-Za-z][\w:.-]*)(\s[^<>]*)?>")
# The elements a component's template is made of: its root (``<template>``, a Lightning web
# component's and Vue's) and its slots.
_COMPONENT_TAGS = frozenset({"template", "slot"})
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
# An attribute that binds: Angular's ``[x]``, ``(x)``, ``*x``, ``#x``; Vue's ``:x``, ``@x``,
# ``v-``; AngularJS's ``ng-``; Alpine's ``x-``; htmx's ``hx-``; Thymeleaf's ``th:``; Knockout's
# ``data-bind``; the Lightning web components' ``lwc:``, ``for:``, ``if:``, ``iterator:``; Adobe
# HTL's ``data-sly-``; Livewire's ``wire:``; Zope's ``tal:`` and ``metal:``; Genshi's ``py:``; an
# event handler's ``on…``.
# Each is written out whole, so that the words of a value a broken quote spilled (``'[Development
# Snapshots]``) are no binding.
_BINDING = re.compile(
    r"""\A(?:\[\(?[\w.-]+\)?\]|\([\w.-]+\)|\*[a-z][\w-]*|\#[a-z][\w-]*|[:@][a-z][\w.:-]*
    |(?:data-)?(?:v|ng|x|hx|th|sly)[-:][\w.:-]+|data-bind
    |(?:lwc|for|if|iterator|wire|tal|metal|py|jsf):[\w.:-]+)\Z""",
    re.IGNORECASE | re.VERBOSE,
)
# An event handler, only with its script as a value (a spilled word ``only`` is none).
_HANDLER = re.compile(r"\Aon[a-z]+\Z", re.IGNORECASE)
# A value bound whole: ``onclick={handle}`` (Lightning), ``value="${name}"``, ``{#items}``.
_BOUND_VALUE = re.compile(r"""\A["']?(?:\$?\{|\[\[)""")


def is_page(text: str) -> bool:
    """Whether HTML ``text`` is a page that runs nothing: no template tag, script run inline,
    custom element, component template or binding attribute outside what it shows (its quoted
    code, style sheets and comments)."""
    markup = _SHOWN.sub(lambda m: m.group(1) or " ", text)
    if _TEMPLATE_TAG.search(markup) is not None:
        return False
    for attributes, body in _SCRIPT.findall(markup):
        if body.strip() and not _SOURCED.search(attributes) and not _DATA_SCRIPT.search(attributes):
            return False
    for name, attributes in _TAG.findall(_SCRIPT.sub(" ", markup)):
        if "-" in name or name.lower() in _COMPONENT_TAGS or _binds(attributes):
            return False
    return True


def _binds(attributes: str) -> bool:
    """Whether a start tag's ``attributes`` bind the element to a program."""
    for name, value in _ATTRIBUTE.findall(attributes):
        if (
            _BINDING.match(name) is not None
            or (value and _HANDLER.match(name) is not None)
            or _BOUND_VALUE.match(value) is not None
        ):
            return True
    return False
