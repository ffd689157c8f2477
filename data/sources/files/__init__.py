"""Files as a source: incidents, deploys or spent error budgets in a CSV or JSON file."""
