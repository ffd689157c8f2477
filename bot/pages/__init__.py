"""The web view: pages for deep investigation, served by `serve` and `riskbrief web`."""
