"""Planted-story bench: git-only organisations briefed through the product's own commands.

``python -m bench.scenarios`` builds one organisation per story (``stories``)
on top of steady weeks (``org``), writes each as a clone plus deploys and
incidents files (``run``), runs ``riskbrief sync``, ``score`` and ``brief``
for every week, and reports the stories found, those at the intended
severity, warning and critical cards in steady weeks, and stories leaked to
subscribers whose scope does not hold them.
"""

__all__: list[str] = []
