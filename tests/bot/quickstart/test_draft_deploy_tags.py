"""``draft_deploy_tags`` on workspaces whose services are keyed by their packages' names: a
tag line naming a service is covered, whichever of its package's names the key is."""

from __future__ import annotations

from bot.quickstart.draft import draft_deploy_tags


def test_a_cargo_workspace_s_crate_lines_are_covered() -> None:
    """ripgrep's per-crate tags (``grep-cli-0.1.5``) are covered once crates are services,
    ``csv-`` included (its name ends in a ``v``, which was taken for a version prefix)."""
    tags = [
        "14.1.0", "14.0.0", "grep-cli-0.1.5", "globset-0.4.10", "csv-1.3.0",
        "termcolor-1.1.0", "13.0.0",
    ]  # fmt: skip
    services = ["grep-cli", "globset", "csv", "ripgrep"]
    pattern, matched = draft_deploy_tags(tags, services, "BurntSushi/ripgrep")
    # termcolor's crate left the workspace: its line names no service, so it stays out.
    assert matched == (
        "14.1.0", "14.0.0", "grep-cli-0.1.5", "globset-0.4.10", "csv-1.3.0", "13.0.0",
    )  # fmt: skip
    assert "termcolor" not in pattern


def test_npm_lines_are_covered_when_services_are_keyed_by_whole_package_names() -> None:
    """``@lit-labs/ssr@3.2.0`` is covered when its service's key is the whole package name
    (``lit-labs-ssr``) as well as when it is the name after the scope (``ssr``)."""
    tags = ["lit@3.1.0", "@lit-labs/ssr@3.2.0", "lit-html@3.1.0", "v1.1.0", "v1.0.0"]
    for services in (["lit", "lit-html", "lit-labs-ssr"], ["lit", "lit-html", "ssr"]):
        _, matched = draft_deploy_tags(tags, services, "lit/lit")
        assert matched == tuple(tags)
