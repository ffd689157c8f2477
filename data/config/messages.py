"""A pydantic validation error of ``riskbrief.toml`` as one sentence naming the key to fix."""

from __future__ import annotations

from difflib import get_close_matches
from typing import Any, get_args

from pydantic import BaseModel, ValidationError

__all__ = ["sentence", "shown"]


def _where(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + part
    return out


def shown(value: Any) -> str:
    """``value`` as the file would show it, cut short."""
    text = repr(value)
    return text if len(text) <= 60 else text[:59] + "…"


# pydantic's error types, as what to put there; `{got}` is the value given.
_TYPE_WORDING = {
    "string_type": "must be text in quotes (got {got})",
    "tuple_type": 'must be a list such as ["a", "b"] (got {got})',
    "list_type": 'must be a list such as ["a", "b"] (got {got})',
    "dict_type": "must be a table of names to values (got {got})",
    "model_type": "must be a table (got {got})",
    "model_attributes_type": "must be a table (got {got})",
    "bool_type": "must be true or false (got {got})",
    "bool_parsing": "must be true or false (got {got})",
    "int_type": "must be a whole number (got {got})",
    "int_parsing": "must be a whole number (got {got})",
    "int_from_float": "must be a whole number (got {got})",
    "float_type": "must be a number (got {got})",
    "float_parsing": "must be a number (got {got})",
    "date_type": "must be a date such as 2026-12-25 (got {got})",
    "date_parsing": "must be a date such as 2026-12-25 (got {got})",
    "date_from_datetime_parsing": "must be a date such as 2026-12-25 (got {got})",
    "date_from_datetime_inexact": "must be a date such as 2026-12-25 (got {got})",
    "greater_than_equal": "must be at least {ge} (got {got})",
    "less_than_equal": "must be at most {le} (got {got})",
    "literal_error": "must be one of {expected} (got {got})",
    "string_too_short": "must not be empty",
}


# What a value of the documented form is, by the key it is given for.
_HINTS = {
    "slack_user_id": "a Slack member id such as U012ABCDEF",
    "email": "an address such as maria@example.com",
    "key": "lowercase letters, digits, '.', '_' or '-'",
    "time": "a 24-hour time such as 09:00",
    "kind": "incidents, deploys or error_budgets",
}
# How pydantic's EmailStr begins its refusal.
_NOT_AN_EMAIL = "value is not a valid email address"


def _model_in(annotation: Any) -> type[BaseModel] | None:
    """The model ``annotation`` holds (itself, in a tuple or optional), if any."""
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
        inner = [a for a in get_args(arg) if isinstance(a, type) and issubclass(a, BaseModel)]
        if inner:
            return inner[0]
    return None


def _fields_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> list[str]:
    """The setting names at ``loc`` inside ``model``: what a misspelled key could have meant."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        field = current.model_fields.get(part) if current else None
        current = _model_in(field.annotation) if field else None
    if current is None:
        return []
    # A model whose keys are not all its fields (a subscriber's channel addresses) lists them.
    names = getattr(current, "setting_names", None)
    return list(names()) if callable(names) else list(current.model_fields)


def sentence(err: ValidationError, source: str, model: type[BaseModel]) -> str:
    """The first error of validating ``model`` from ``source``, worded as what to put there."""
    first = err.errors()[0]
    loc = tuple(p for p in first["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    msg = first["msg"].removeprefix("Value error, ")
    kind = first["type"]
    key = _where(loc)
    if kind in _TYPE_WORDING and key:
        context = {str(k): v for k, v in (first.get("ctx") or {}).items()}
        wording = _TYPE_WORDING[kind].format(got=shown(first.get("input")), **context)
        return f"{source}: {key} {wording}"
    if kind == "extra_forbidden":
        close = get_close_matches(str(loc[-1]), _fields_at(model, loc[:-1]), n=1)
        if close:
            return f"{source}: {key} is not a known setting; did you mean {close[0]}?"
        return f"{source}: {key} is not a known setting; remove it or check its spelling"
    if kind == "address":
        # A channel's address key (data.config.sections), refused where the table is.
        return f"{source}: {key}{'.' if key else ''}{(first.get('ctx') or {})['key']} {msg}"
    if kind == "missing":
        return f"{source}: {key} is missing; add it"
    # EmailStr refuses with a value_error of its own words; said as a pattern's refusal is.
    if kind == "string_pattern_mismatch" or msg.startswith(_NOT_AN_EMAIL):
        hint = _HINTS.get(str(loc[-1]) if loc else "", "a value of the documented form")
        return f"{source}: {key} must be {hint} (got {first.get('input')!r})"
    # Any other of pydantic's messages, worded as what the value must be.
    msg = msg.replace("Input should be", "must be", 1)
    if key:
        return f"{source}: {key} {msg}"
    return f"{source}: {msg}"
