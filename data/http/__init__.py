"""The process's HTTP setup: one TLS context, its clients, and one retry policy for them all.

Below ``data.sources`` so that the sources, ``briefing`` (Claude's client) and ``bot``
(Teams' client, the doctor) share it without importing the sources.
"""

__all__: list[str] = []
