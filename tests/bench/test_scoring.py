"""The scoring benchmark counts every score and hashes every point, the same on every run."""

from __future__ import annotations

from bench.scoring import run


def test_the_histogram_and_the_digest_cover_every_change_and_repeat() -> None:
    """Each change lands once in the histogram of whole scores; the digest is deterministic."""
    first = run(200, digest=True)
    again = run(200, digest=True)
    assert sum(first.scores) == sum(first.bands.values()) == 200
    assert len(first.scores) == 101
    assert first.digest is not None
    assert len(first.digest) == 64
    assert (again.scores, again.digest) == (first.scores, first.digest)
    assert run(200).digest is None
