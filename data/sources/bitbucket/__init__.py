"""Bitbucket Cloud and Bitbucket Data Center as sources: pull requests, CODEOWNERS, deploys.

Kept empty so that ``data.config.sources`` can import ``settings`` (the
``[sources.bitbucket]`` and ``[sources.bitbucket_dc]`` models) without pulling in
the sync and the store: ``source`` builds the sources, ``doctor`` checks the
setup, ``keys`` reads pull request keys and URLs.
"""

__all__: list[str] = []
