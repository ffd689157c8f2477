"""The MCP tools' arguments: each a type with its description and its limits, which the SDK
turns into the tools' input schemas, and the one sentence an argument that does not fit gets."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, ValidationError

from bot.answers.records.pull import MAX_PULLS
from data.sources.diff import MAX_DIFF_BYTES

__all__ = [
    "AgentWeeksArg",
    "AsOfArg",
    "AuthorArg",
    "BandArg",
    "BaseArg",
    "ChangeArg",
    "DeployArg",
    "DiffArg",
    "HeadArg",
    "IncidentArg",
    "LatestOfArg",
    "LimitArg",
    "PlanWeekArg",
    "RecordWeekArg",
    "RepositoryArg",
    "ScopeArg",
    "ServiceArg",
    "TitleArg",
    "WeekArg",
    "invalid_arguments",
]

ChangeArg = Annotated[
    str,
    Field(
        description="A change: owner/repo#123, group/project!123, a pull or merge "
        "request URL, a commit sha (7 or more hex digits) or owner/repo@sha.",
        max_length=400,
    ),
]
DiffArg = Annotated[
    str | None,
    Field(
        description="A unified diff (git diff, diff -u) of the change; leave out to compare "
        "base and head in the repository's clone.",
        max_length=MAX_DIFF_BYTES,
    ),
]
BaseArg = Annotated[
    str | None,
    Field(
        description="With head, in the clone riskbrief.toml names for the repository: the "
        "branch, tag or sha the change would merge into; default: the default branch, from "
        "where head left it.",
        max_length=250,
    ),
]
HeadArg = Annotated[
    str | None,
    Field(
        description="With base, in the clone riskbrief.toml names for the repository: the "
        "branch, tag or sha holding the change, or WORKTREE for what is not committed; "
        "default: HEAD.",
        max_length=250,
    ),
]
RepositoryArg = Annotated[
    str | None,
    Field(
        description="A repository of riskbrief.toml (owner/name or name); default: the first.",
        max_length=200,
    ),
]
AuthorArg = Annotated[
    str | None,
    Field(
        description="Who wrote the change, as the store knows them (e-mail or login); "
        "without it a diff is scored with the author's experience unknown, and two refs "
        "take the head commit's author.",
        max_length=320,
    ),
]
TitleArg = Annotated[str | None, Field(description="The change's title.", max_length=1000)]
ServiceArg = Annotated[
    str, Field(description="A service's key or display name, e.g. checkout.", max_length=200)
]
DeployArg = Annotated[
    str | None,
    Field(
        description="A deploy's key as a briefing prints it (deploy:checkout:2026-11-20T15:35) "
        "or a release tag that made one deploy; leave out to give service instead.",
        max_length=400,
    ),
]
IncidentArg = Annotated[
    str,
    Field(
        description="An incident's key as a briefing prints it: INC-1039, a PagerDuty or "
        "Opsgenie id, or revert:owner/repo#123 for a reverted change.",
        max_length=400,
    ),
]
LatestOfArg = Annotated[
    str | None,
    Field(
        description="A service's key or display name: its latest deploy, when deploy is left out.",
        max_length=200,
    ),
]
WeekArg = Annotated[
    str | None,
    Field(
        description="An ISO week such as 2026-W47; default: the last complete week, or when "
        "it holds no data in scope the last complete week that does (data_note says so).",
        max_length=20,
    ),
]
RecordWeekArg = Annotated[
    str | None,
    Field(
        description="An ISO week such as 2026-W47, told against the week before; default: "
        "this week so far, or when it holds no data the last complete week that does "
        "(data_note says so).",
        max_length=20,
    ),
]
BandArg = Annotated[
    str | None,
    Field(
        description="Only pull requests at or above this band: low, moderate, high or very high.",
        max_length=20,
    ),
]
LimitArg = Annotated[int, Field(description="How many to list, at most.", ge=1, le=MAX_PULLS)]
AsOfArg = Annotated[
    str | None,
    Field(
        description="A date such as 2026-11-23: the plan as that day began in the caller's time "
        "zone (changes merged in the 7 days before, and the pull requests open then); default: "
        "now.",
        max_length=20,
    ),
]
PlanWeekArg = Annotated[
    str | None,
    Field(
        description="An ISO week such as 2026-W47: the plan that week's briefing lists (changes "
        "merged in it, pull requests open at its end); leave out as_of with it. Without either, "
        "the plan as of now, or of the last complete week holding data when the scope's data "
        "ends before the 7 days (data_note says so).",
        max_length=20,
    ),
]
AgentWeeksArg = Annotated[
    int,
    Field(
        description="How many weeks, ending with the week asked, agents' outcomes by kind of "
        "work are counted over (outcomes lag a merge by weeks); default 12.",
        ge=4,
        le=52,
    ),
]
ScopeArg = Annotated[
    list[str] | None,
    Field(
        description="Teams or services by key or display name; default: everything the "
        "caller may see.",
        max_length=50,
    ),
]


def _expected(schema: dict[str, Any], error: str) -> str:
    """What an argument's JSON schema asks for, in words; its length limit only when ``error``
    (pydantic's error type) says it was passed."""
    # An optional argument is anyOf its type and null; null is what leaving it out gives.
    kinds = [k for k in schema.get("anyOf", [schema]) if k.get("type") != "null"]
    kind = kinds[0] if kinds else schema
    words = {"integer": "a whole number", "string": "text", "array": "a list of names"}
    expected = words.get(str(kind.get("type")), "a value of its type")
    low, high = kind.get("minimum"), kind.get("maximum")
    if low is not None and high is not None:
        expected += f" from {low} to {high}"
    if error == "string_too_long" and kind.get("maxLength") is not None:
        expected += f" of at most {kind['maxLength']} characters"
    if error == "too_long" and kind.get("maxItems") is not None:
        expected += f" of at most {kind['maxItems']}"
    description = str(schema.get("description", "")).rstrip(".")
    if description:
        expected += f" ({description[:1].lower()}{description[1:]})"
    return expected


def invalid_arguments(error: ValidationError, schema: dict[str, Any]) -> str:
    """One sentence for arguments that do not fit a tool's input schema, naming the first
    argument at fault and what it takes; the rejected value is the caller's, never echoed."""
    first = error.errors()[0]
    name = str(first["loc"][0]) if first["loc"] else ""
    properties: dict[str, Any] = schema.get("properties", {})
    if name not in properties:
        known = ", ".join(sorted(properties)) or "none"
        return f"The arguments do not fit the tool; it takes {known}."
    expected = _expected(properties[name], str(first["type"]))
    if first["type"] == "missing":
        return f"The argument {name} is missing; give {expected}."
    return f"The argument {name} is not valid; give {expected}."
