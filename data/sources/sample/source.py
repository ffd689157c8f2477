"""The sample organisation as a source: ``SampleSource``, ``load_sample`` and Acme's config."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from importlib.resources import files

from data.config import OrgConfig, parse_org_config
from data.handoff import Handoff
from data.sources.sample.records import SAMPLE_SEED, SampleRecords, sample_records

__all__ = ["SampleSource", "sample_org_config"]


def sample_org_config() -> OrgConfig:
    """Acme's ``riskbrief.toml``, shipped next to this module as ``sample.toml``."""
    text = (files("data.sources.sample") / "sample.toml").read_text(encoding="utf-8")
    return parse_org_config(text, source="sample.toml")


class SampleSource:
    """Acme's twelve weeks ending before ``as_of``, drawn from ``seed``, reported as records.

    Like a file source it reports its whole history on every sync, so a second
    sync adds nothing. ``data.sample_load.load_sample`` runs it once it has checked
    the organisation and the store are Acme's (``sync_org`` with ``sample_org_config()``
    first) and the store holds no other sample history (another ``as_of`` or seed),
    which upserting would mix into this one.
    """

    def __init__(self, as_of: date, seed: int = SAMPLE_SEED) -> None:
        self.as_of = as_of
        self.seed = seed

    @property
    def name(self) -> str:
        """``sample``."""
        return "sample"

    @cached_property
    def records(self) -> SampleRecords:
        """Everything this source reports, drawn once."""
        return sample_records(self.as_of, self.seed)

    def sync(self, run: Handoff) -> None:
        """Hand the whole history to one checkpoint."""
        records = self.records
        run.checkpoint(
            self.name,
            people=records.people,
            changes=records.changes,
            deploys=records.deploys,
            incidents=records.incidents,
            error_budgets=records.error_budgets,
            budget_samples=records.budget_samples,
        )
        run.progress.advance(self.name, len(records.changes), "changes")
