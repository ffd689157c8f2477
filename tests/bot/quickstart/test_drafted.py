"""What every drafting rule asks: a service's key from a name, and whether a path is in one."""

from __future__ import annotations

from bot.quickstart.drafted import DraftedService, in_a_service, service_key


def test_a_key_is_the_name_in_lower_case_with_dashes_for_the_rest() -> None:
    """A folder's or package's name becomes a key of lower-case letters, digits, dots, dashes
    and underscores, never starting with punctuation."""
    assert service_key("Sources/App") == "sources-app"
    assert service_key("com.cysharp.UniTask") == "com.cysharp.unitask"
    assert service_key("_internal") == "s-_internal"
    assert service_key("--") == "s-"


def test_a_path_is_in_a_service_by_its_globs_less_its_excluded_ones() -> None:
    """A service holds what its globs match and its ``!`` globs do not."""
    services = (
        DraftedService("api", ("services/api/**",), ("!services/api/**/tests/**",)),
        DraftedService("web", ("web/**", "frontend/**")),
    )
    assert in_a_service("services/api/handlers.py", services)
    assert in_a_service("frontend/app.ts", services)
    assert not in_a_service("services/api/tests/test_handlers.py", services)
    assert not in_a_service("tools/release.py", services)
