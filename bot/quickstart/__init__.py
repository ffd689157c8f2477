"""``riskbrief quickstart``: a first riskbrief.toml drafted from a clone, and its first briefing."""
