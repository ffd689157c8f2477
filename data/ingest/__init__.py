"""Upserting what sources read into the store, on natural keys.

Reading the same pull request, deploy or incident twice updates its row and
never makes a second one, so a sync that crashed part way can simply run again.
People are created as they appear and typed as agents by ``riskbrief.toml``;
files are mapped onto services by its path globs. A record the store cannot
place (a deploy of an unknown service, say) is skipped with a log line, never
fatal: one bad record must not stop a sync.
"""

from data.ingest.changes import agent_in_trailers
from data.ingest.upsert import Ingest
from data.tally import Tally

__all__ = ["Ingest", "Tally", "agent_in_trailers"]
