"""riskbrief's tools for coding agents over the Model Context Protocol (docs/mcp.md).

``server`` builds the MCP server and its read-only tools (one module per thing they
answer about: ``changes``, ``proposals``, ``pulls``, ``services``, ``briefings``,
``agents``; their answers' types in ``models``); ``access`` and ``scope`` say what a
caller may see; ``stdio`` and ``http`` are the two transports. Nothing is imported
here, so ``riskbrief --help`` does not load the SDK.
"""

__all__: list[str] = []
