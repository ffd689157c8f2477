"""Plain-word questions answered by Claude calling riskbrief's own tools, every word checked.

``tools`` is what a conversation may call (the MCP server's read-only tools, given in
process by ``bot.mcp.toolbox``), ``claude`` asks the Messages API with tool use,
``conversation`` runs the loop within its caps and ``grounding`` checks the reply
against the tool results of that conversation. No reader: the Slack pane uses it.
"""
