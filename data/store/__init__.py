"""The store: its tables, engine and migrations, and the reads and writes of its rows.

``tables`` (the SQLModel classes), ``engine`` (the one engine factory), ``migrate``
(Alembic, its scripts in ``data/migrations``), ``org`` (riskbrief.toml into rows),
``facts`` (rows read as scoring's facts), ``scores`` (a ``ScoredChange`` written and read
back), ``window`` (a week's scored rows for the briefings), ``deliveries`` and
``leadership`` (the scheduler's claims and lead), ``reads`` (the named reads that
``briefing``, ``bot.answers``, the pages and MCP shape). Sources write through ``data.ingest``.
"""

__all__: list[str] = []
