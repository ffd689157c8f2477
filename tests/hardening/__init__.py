"""Hostile input through the real pipeline."""

import pytest

# The cases assert through pipeline.assert_inert: pytest explains its failed comparisons too.
pytest.register_assert_rewrite("tests.hardening.pipeline")
