"""The web view's HTML from its Jinja2 templates (escaping all they print), and its stylesheet."""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.wrappers import Response

from bot.pages.search import MAX_QUERY
from bot.pages.tables import breakable

__all__ = ["PageRenderer"]

_STATIC = {"site.css": "text/css; charset=utf-8"}


class PageRenderer:
    """The templates of a web view mounted at ``prefix``, and its answers made of them."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._env = Environment(
            loader=PackageLoader("bot.pages", "templates"),
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self._env.globals["search_max"] = MAX_QUERY
        self._env.filters["breakable"] = breakable
        self._not_found = self._env.get_template("not_found.html").render(prefix=prefix).encode()

    def render(self, template: str, /, **values: Any) -> str:
        """The page ``template`` made with ``values``."""
        return self._env.get_template(template).render(**values)

    def not_found(self) -> Response:
        """The one answer for a page that does not exist and for one outside the scope."""
        return Response(self._not_found, 404, mimetype="text/html")

    def message(self, title: str, sentence: str, status: int) -> Response:
        """A page saying ``title`` and one ``sentence``, answered with ``status``."""
        html = self._env.get_template("message.html").render(
            title=title, sentence=sentence, prefix=self._prefix
        )
        return Response(html, status, mimetype="text/html")

    def static(self, name: str) -> Response:
        """The file ``name`` of the web view's ``static/``, the same for everyone."""
        kind = _STATIC.get(name)
        if kind is None:
            return self.not_found()
        data = (files("bot.pages") / "static" / name).read_bytes()
        response = Response(data, 200, content_type=kind)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
