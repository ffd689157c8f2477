"""The core's answers as records: typed, reader-neutral facts about a change, a service, a week.

Where ``bot.answers.answer`` is an answer in words (lines a chat or a terminal shows),
a record is the same question answered as data (pydantic models, ``models``): every
number, key and link in its own field. The MCP tools return records as they are,
and the web view (``bot.pages``) lays them out as pages and tables, so both read one
answer and neither reaches into the other.
"""
