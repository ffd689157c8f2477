"""How well the scorer ranks changes that later caused trouble: labelled backtests and SZZ.

``kamei`` scores Kamei-format labelled change metrics (CSV); ``repo_backtest``
mines a local clone and scores it against labels or an SZZ pass; ``szz`` finds
the commits a fix's changed lines came from. Not sources: nothing here feeds a
briefing, though calibration (``data.outcomes``) reuses SZZ's labels.
"""

__all__: list[str] = []
