"""The seeded sample organisation `riskbrief demo` runs on: Acme, with twelve weeks of history.

``sample_org_config()`` is Acme's ``riskbrief.toml`` (six services, three teams,
four subscribers in New York, Berlin, Kolkata and London). ``SampleSource`` is
a source like any other: it reports 25 engineers, two AI coding agents and
twelve ISO weeks of merged PRs, reviews, production deploys and incidents as
records, which ``SyncRun.checkpoint`` upserts through the ingest every source
uses; ``data.sample_load.load_sample()`` runs it through a sync on a store that
``sync_org`` has already filled with the organisation.

Eleven weeks are steady. The latest week carries five planted stories that the
card rules surface against the week before:

1. payments grows a ``services/payments/ledger/`` module no CODEOWNERS rule
   covers, in big, rubber-stamped, untested PRs: risk concentrates in payments
   and CODEOWNERS coverage drops;
2. a high-risk checkout deploy on Friday afternoon is followed by an incident;
3. that incident and one in search take hours to resolve, against about forty
   minutes the week before (MTTR);
4. an AI agent merges its own PRs without a human review;
5. the platform team stops self-merging big infrastructure PRs, so its
   high-risk share drops.

Everything is drawn from ``random.Random(seed)`` with times relative to each
week's Monday, so the same seed gives the same rows for any ``as_of`` apart
from the dates; the organisation judges timing in UTC, so no daylight-saving
change moves a score either. Every event falls between Monday 09:00 and
Friday 22:00 UTC, inside the same ISO week in New York, London, Berlin and
Kolkata; the planted ones fall Tuesday to Friday, a day or more from any of
those zones' week boundaries.

The package is cut by concept: ``people`` and ``codebase`` are Acme itself,
``plan`` and ``schedule`` the shape and fixed timetable of the history,
``draws``, ``traffic``, ``stories`` and ``planner`` draw it from the seed,
``records`` turns it into the records a source reports (``clock`` minutes into
dates) and ``source`` hands them to the sync.
"""

from __future__ import annotations

from data.sources.sample.clock import SAMPLE_WEEKS, sample_week_starts
from data.sources.sample.codebase import SAMPLE_REPOSITORY
from data.sources.sample.people import SAMPLE_AGENTS
from data.sources.sample.records import SAMPLE_SEED, SampleRecords, sample_records
from data.sources.sample.source import SampleSource, sample_org_config

__all__ = [
    "SAMPLE_AGENTS",
    "SAMPLE_REPOSITORY",
    "SAMPLE_SEED",
    "SAMPLE_WEEKS",
    "SampleRecords",
    "SampleSource",
    "sample_org_config",
    "sample_records",
    "sample_week_starts",
]
