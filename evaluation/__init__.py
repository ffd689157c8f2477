"""How well the scorer ranks changes that later caused trouble: labelled backtests and SZZ.

``kamei`` scores Kamei-format labelled change metrics (CSV); ``repo_backtest``
mines a local clone and scores it against labels or an SZZ pass; ``szz`` finds
the commits a fix's changed lines came from; ``change_outcomes`` labels the
store's changes (incidents, reverts, SZZ) for ``riskbrief calibrate``. Nothing
here feeds a briefing. It runs the scorer over the store and the sources, so it
sits above ``scoring`` and ``data``: only ``bot`` and ``bench`` import it.
"""

__all__: list[str] = []
