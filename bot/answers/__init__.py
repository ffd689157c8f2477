"""The answer core: a question asked of riskbrief, as a typed query, answered from the store.

Every reader asks through it: ``/risk`` in Slack, ``riskbrief ask`` in a terminal
and the MCP tools that answer the same questions. A reader parses what it was given
into a query (``parse``, ``queries``), ``registry.answer_query`` hands the query to its
handler (``changes``, ``services``, ``deploys``, ``briefs``, ``subscriptions``),
and the handler returns an :class:`~bot.answers.answer.Answer` made of parts no
reader owns (``answer``). Each reader renders that answer its own way: Block Kit
(``bot.slack.render``), plain text (``bot.answers.text``). The same questions answered
as data are ``records`` (pydantic models, with ``access``: who may see what, and
``asked``: the scope and week a call names), which the MCP tools return as they are and
the web view (``bot.pages``) lays out; ``/risk pr``'s answer in words is made from the
change's record (``changes``). Nothing here imports a reader.
"""
