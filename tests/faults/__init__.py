"""Fault injection: outside services failing on purpose, and what a user sees when they do."""
