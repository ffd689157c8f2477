"""The briefing: a subscriber's week as a payload, its narrative, its Slack and email forms."""

__all__: list[str] = []
