"""GitLab as a source: merge requests, CODEOWNERS, deploys and incidents (REST and GraphQL).

Kept empty so that ``data.config.sources`` can import ``settings`` (the
``[sources.gitlab]`` model) without pulling in the sync and the store:
``source.gitlab_sources`` builds the sources, ``doctor`` checks the setup,
``keys`` reads and writes merge request keys and URLs.
"""

__all__: list[str] = []
