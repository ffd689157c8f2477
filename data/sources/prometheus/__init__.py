"""Spent error budgets read live from Prometheus (Sloth's or Pyrra's recording rules)."""
