"""Named reads of the store for the readers above it (``briefing``, ``bot.answers``, MCP,
the pages): each a query returning frozen values or plain rows, which the reader shapes.

``stored`` (how far the store's data reaches, per service), ``lookups`` (a change, a deploy
or a service found by what a reader typed), ``subscriptions`` (a reader's own subscriber row
and its scope) and ``briefings`` (stored briefings and their sends).
"""

__all__: list[str] = []
