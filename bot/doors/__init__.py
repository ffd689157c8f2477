"""The one chain in front of every HTTP door of ``riskbrief serve``.

Slack's requests, the code hosts' webhooks, CI's uploads, MCP over HTTP and the web view
each pass the same chain (``chain.py``: guards run in order, each refusing by raising
``Refused``) and are answered, when refused, in one JSON shape (``answer.py``:
``{"error": "<one sentence>"}``), logged once as the door names it. A door is then its
guards, chosen from the chain's, and its handler alone.
"""

__all__: list[str] = []
