"""An HTML file is a page when it runs nothing (no template tag, binding, custom element or
inline script outside what it quotes); templates of every kind stay code."""

from __future__ import annotations

import pytest

from scoring.html_pages import is_page

_HEAD = "<!DOCTYPE html>\n<html><head><title>t</title></head><body>\n"
_FOOT = "</body></html>\n"


@pytest.mark.parametrize(
    "text",
    [
        _HEAD + "<h1>stooop</h1><p>A manual.</p>" + _FOOT,
        # Tcl lists in prose are no template tags: tcllib's generated reference.
        _HEAD + "<p>Default is {{.*} {}}, and bounds {{-1 1} {-1 1}}, or [const {{}}].</p>" + _FOOT,
        # A manual that quotes a template, a script and a binding in its code blocks.
        _HEAD + "<pre>{% for x in y %}{{ x }}{% endfor %}</pre><code>&lt;a [href]&gt;</code>"
        "<pre><script>alert(1)</script></pre>" + _FOOT,
        # Scripts by source and data scripts are no program run inline.
        _HEAD + '<script src="_static/searchtools.js"></script>'
        '<script type="application/ld+json">{"@type": "WebSite"}</script>' + _FOOT,
        # A fragment with no program: a report to paste into a form.
        '<!-- Centering a div -->\n<div style="width: 100%; text-align: center">\n'
        "<h2>Report</h2><table><tr><td>Reporter</td></tr></table></div>\n",
        '<?xml version="1.0"?>\n<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>\n',
    ],
)
def test_pages_run_nothing(text: str) -> None:
    """Manuals, generated references, quoting pages and static fragments are pages."""
    assert is_page(text)


@pytest.mark.parametrize(
    "text",
    [
        "<h2>{{ hero.name }}</h2>",  # Angular interpolation
        '<app-hero-list [heroes]="heroes"></app-hero-list>',  # custom element, property binding
        '<button (click)="save()">Save</button>',
        '<li *ngFor="let h of heroes">x</li>',
        "@if (user) { <p>hi</p> }",  # Angular's control flow
        "<template><lightning-card title={title}></lightning-card></template>",  # LWC
        "<template lwc:if={ready}><p>ok</p></template>",
        '<router-link :to="home">Home</router-link>',
        '<div x-data="{ open: false }"></div>',  # Alpine
        '<button hx-post="/clicked">Click</button>',  # htmx
        '<p th:text="${name}">x</p>',  # Thymeleaf
        '<div data-bind="text: name"></div>',  # Knockout
        '<div ng-controller="Main"></div>',  # AngularJS
        _HEAD + "{% block content %}{% endblock %}" + _FOOT,  # Jinja layout
        _HEAD + "<h1>nf-core ${version}</h1><% if (!success) { %>failed<% } %>" + _FOOT,
        _HEAD + "<p><?php echo $x; ?></p>" + _FOOT,
        _HEAD + "<script>\n  var i = 0;\n  function log(m) { i++; }\n</script>" + _FOOT,
        _HEAD + '<button onclick="toggle()">Menu</button>' + _FOOT,
        _HEAD + '<my-app></my-app><script type="module" src="/main.js"></script>' + _FOOT,
        # A binding on an element whose text is shown: the start tag is still read.
        '<textarea [(ngModel)]="article.body">Write your article</textarea>',
        '<pre *ngIf="debug">{ "state": 1 }</pre>',
    ],
)
def test_templates_are_no_pages(text: str) -> None:
    """Component templates, bound markup, server templates and pages running a script are
    no pages."""
    assert not is_page(text)


def test_a_quote_left_open_spills_no_binding() -> None:
    """A hand-written page whose attribute value holds its own quote (``'Snit's …'``) or a
    link's text spilled into its tag (``'[Development Snapshots]``) is still a page: the
    words spilled are no binding attributes, nor is a word that starts like a handler."""
    text = (
        _HEAD + "<div class='doc' data-title='Snit's Not Incr Tcl, only one OO system'>\n"
        "<a href='/wiki?name=Development+Snapshots'[Development Snapshots]</a>\n" + _FOOT
    )
    assert is_page(text)
