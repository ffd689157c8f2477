"""Sources: each turns an outside system (or the seeded sample organisation) into store rows."""

__all__: list[str] = []
