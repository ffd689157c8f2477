"""Linear as an issue tracker: issues with labels and states, and the PRs Linear links to them.

``settings`` (``LinearSourceConfig``, importing nothing of the project),
``client`` (GraphQL over httpx), ``source`` (the incremental sync) and
``doctor`` (the checks ``riskbrief doctor`` runs).
"""

__all__: list[str] = []
