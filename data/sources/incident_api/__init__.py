"""What the incident APIs share: a JSON client with retries, and windowed, checkpointed paging.

PagerDuty (``data.sources.pagerduty.source``) and Opsgenie (``data.sources.opsgenie.source``)
both list incidents *created* in a time range, page with ``offset``/``limit``,
and fail the same ways (401/403, 404, 429, 5xx, bad JSON). ``WindowedSync``
runs one *pass* over ``[start, now)`` in windows of 30 days:

- ``start`` is the end of the last completed pass (the watermark) less a few
  minutes of lag, or ``since``/``first_sync_days`` on a first sync;
- incidents still open at the last sync are re-read so that a later resolution
  is picked up: the pass starts at the oldest of them when it opened within
  30 days, and older ones are fetched one by one, which costs one request per
  long-open incident instead of re-reading months of history every half hour.

Every page is checkpointed with the cursor (the pass's window and offset and
the ids of incidents still open), so a crash loses at most the page in flight
and the next sync resumes at the same offset; the upserts make re-reading a
page harmless.
"""

from data.sources.incident_api.json_api import ApiNames, JsonApi
from data.sources.incident_api.passes import (
    IncidentApi,
    IncidentPage,
    PassState,
    Seen,
    WindowedSync,
    iso,
)
from data.sources.incident_api.source import (
    IncidentToolSettings,
    WindowedIncidentSource,
    parse_items,
)

__all__ = [
    "ApiNames",
    "IncidentApi",
    "IncidentPage",
    "IncidentToolSettings",
    "JsonApi",
    "PassState",
    "Seen",
    "WindowedIncidentSource",
    "WindowedSync",
    "iso",
    "parse_items",
]
