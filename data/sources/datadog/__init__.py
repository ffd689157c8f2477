"""Spent error budgets read live from Datadog's SLO history."""
