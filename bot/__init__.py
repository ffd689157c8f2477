"""The application: CLI, Slack app and scheduler; the only composition root."""

__all__: list[str] = []
