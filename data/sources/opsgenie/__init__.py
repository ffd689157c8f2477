"""Opsgenie incidents as a source: its settings, its declaration and its sync."""
