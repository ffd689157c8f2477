"""What splitting a deploy reads: scored again whole, every deploy of the sample is its stored
score and band."""

from __future__ import annotations

from sqlmodel import select

from data.store.deploy_split import split_inputs
from data.store.engine import session_scope
from data.store.scores import load_scores
from data.store.tables import Deploy
from scoring.deploy_risk import score_deploy
from scoring.deploy_split import MIN_CHANGES
from tests.samples import LoadedSample


def test_every_deploy_read_for_a_split_scores_again_as_it_was_stored(scored: LoadedSample) -> None:
    """Its changes, previous deploy, incidents and typicals read back make the deploy scorer
    give each deploy of the sample with enough changes its stored score and band."""
    config = scored.org.scoring_config()
    read = 0
    with session_scope(scored.engine) as session:
        for deploy in session.exec(select(Deploy)):
            found = split_inputs(session, deploy, config.version, config)
            if found is None:
                continue
            read += 1
            assert len(found.shipped) >= MIN_CHANGES
            stored = load_scores(session, "deploy", config.version, [deploy.key])[deploy.key]
            again = score_deploy(
                found.deploy,
                [s.score for s in found.shipped],
                found.incidents,
                config,
                found.error_budgets,
            )
            assert (again.score, again.band) == (stored.score, stored.band), deploy.key
    assert read >= 10
