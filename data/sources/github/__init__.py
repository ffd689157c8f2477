"""GitHub as a source: merged pull requests (GraphQL), deploys, CODEOWNERS and incidents (REST).

Its spec (``spec.GITHUB``) is what ``data.sources.registry`` lists; this package
imports nothing itself, so listing it loads neither httpx nor the client.
"""
