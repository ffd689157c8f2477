"""Planted-story bench: git-only organisations briefed through the product's own commands.

``python -m bench.scenarios`` builds one organisation per story (``stories``)
on top of steady weeks (``org``), writes each as a clone plus deploys and
incidents files (``run``), runs ``riskbrief sync``, ``score`` and ``brief``
for every week, and reports the stories found, those at the intended
severity, warning and critical cards in steady weeks, and stories leaked to
subscribers whose scope does not hold them. ``python -m bench.scenarios.budget`` makes
hundreds of organisations of any shape at the level of a week's scored changes and checks the
risk cards' false-alarm budget and power (``budget``).
"""

__all__: list[str] = []
