"""Codecov as a source (API v2, a token): commit totals on the default branch and each merged
pull request's comparison (patch coverage, head and base totals), read incrementally.

For organisations that already upload to Codecov rather than send reports to
``riskbrief coverage record``. Codecov's lists give totals, not lines, so a
commit from Codecov has no per-file lines: a pull request's patch coverage and
the touched files' change come from Codecov's own comparison (its ``patch``
totals and its per-file base and head totals), not from riskbrief's diff.
"""

from data.config.sources.codecov import TOKEN_ENV, CodecovSourceConfig

__all__ = ["TOKEN_ENV", "CodecovSourceConfig"]
