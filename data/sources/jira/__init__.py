"""Jira Cloud and Data Center/Server as an issue tracker: bug issues, incidents, linked PRs.

``settings`` (``JiraSourceConfig``, importing nothing of the project),
``client`` (HTTP, auth, limits), ``records`` (an issue as records), ``source``
(the incremental sync) and ``doctor`` (the checks ``riskbrief doctor`` runs).
"""

__all__: list[str] = []
