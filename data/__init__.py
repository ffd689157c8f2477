"""The store, the organisation's config, linking rules and the sources that fill the store."""

__all__: list[str] = []
