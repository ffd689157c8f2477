"""Acme's people: 25 engineers across three teams and two AI coding agents."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AGENT_NAMES", "COPILOT", "DEVIN", "ENGINEERS", "SAMPLE_AGENTS", "Engineer"]

SAMPLE_AGENTS: tuple[str, ...] = ("copilot-swe-agent[bot]", "devin-ai-integration[bot]")

COPILOT, DEVIN = SAMPLE_AGENTS


@dataclass(frozen=True, slots=True)
class Engineer:
    login: str
    name: str
    focus: str  # the service they mostly work on; their team is the team owning it


ENGINEERS: tuple[Engineer, ...] = (
    Engineer("lhoffmann", "Lena Hoffmann", "payments"),
    Engineer("tbauer", "Tobias Bauer", "payments"),
    Engineer("nokafor", "Ngozi Okafor", "payments"),
    Engineer("mrossi", "Marco Rossi", "payments"),
    Engineer("skowalski", "Sylwia Kowalski", "payments"),
    Engineer("jpark", "Jiwoo Park", "checkout"),
    Engineer("aferreira", "Ana Ferreira", "checkout"),
    Engineer("dnguyen", "Duc Nguyen", "checkout"),
    Engineer("elarsen", "Erik Larsen", "checkout"),
    Engineer("pramesh", "Priya Ramesh", "search"),
    Engineer("akumar", "Arjun Kumar", "search"),
    Engineer("ylin", "Yue Lin", "search"),
    Engineer("hsato", "Haruto Sato", "search"),
    Engineer("sfernandes", "Sofia Fernandes", "notifications"),
    Engineer("cmorales", "Carlos Morales", "notifications"),
    Engineer("rmehta", "Riya Mehta", "notifications"),
    Engineer("bwilliams", "Ben Williams", "notifications"),
    Engineer("vpetrova", "Vera Petrova", "identity"),
    Engineer("tjohansson", "Tove Johansson", "identity"),
    Engineer("ianderson", "Isla Anderson", "identity"),
    Engineer("fokonkwo", "Femi Okonkwo", "identity"),
    Engineer("ogunawardena", "Olu Gunawardena", "infra"),
    Engineer("kschmidt", "Katrin Schmidt", "infra"),
    Engineer("mdubois", "Mathieu Dubois", "infra"),
    Engineer("rnakamura", "Rin Nakamura", "infra"),
)

AGENT_NAMES = {COPILOT: "GitHub Copilot coding agent", DEVIN: "Devin"}
