"""Named reads of the store for the readers above it (``briefing`` and all of ``bot``, and the
few the sync asks for its sources: ``data.sync.SyncRun``, ``data.sample_load``): each a
query returning table rows, plain rows or values, which the reader shapes.

``stored`` (how far the store's data reaches, per scope: the briefing's ``stored`` section
and every reader's default week), ``lookups`` (a change, a deploy or a chat member's
subscriber found by what a reader typed), ``changes`` (one by key, its files, services and
reverts, an author's, a span's scored ones, files under owners), ``deploys`` (by key, what
shipped a change, what a deploy shipped), ``incidents`` (by key, by deploy), ``org``
(services, repositories and people by id or login), ``subscribers`` (by key or e-mail,
the active ones, their names), ``briefings`` (a subscriber's week, the one its deliveries
sent, newest first), ``deliveries`` (a Slack message's, the unfinished ones) and ``syncs``
(each source's oldest sync).
"""

__all__: list[str] = []
