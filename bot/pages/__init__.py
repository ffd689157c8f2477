"""The web view: pages for deep investigation, served by ``riskbrief serve`` and ``riskbrief web``."""
