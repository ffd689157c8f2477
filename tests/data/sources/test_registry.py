"""The source seam: every registered spec is complete, documented and read by the app's parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from data.config import parse_org_config
from data.config.sources import FileImportConfig, SourcesConfig
from data.config.sources.gitlab import GitLabSourceConfig
from data.sources.files.spec import FILES
from data.sources.github.deploy_rules import github_repositories
from data.sources.gitlab.spec import GITLAB
from data.sources.opsgenie.spec import OPSGENIE
from data.sources.pagerduty.spec import PAGERDUTY
from data.sources.registry import (
    SOURCES,
    check_variables,
    configured,
    read_change,
    repositories_read,
    secret_names,
    settings_table,
)
from data.sources.spec import SourceContext, SourceSpec
from scoring.change_key import ChangeKey
from scoring.errors import ConfigError

DOCS = Path(__file__).resolve().parents[3] / "docs"

ORG = """
[[repositories]]
name = "acme/web"
[[repositories]]
name = "acme/platform/shop"
[sources.github]
[sources.gitlab]
base_url = "https://git.acme.example/gitlab"
projects = ["acme/platform/shop"]
token_env = "ACME_GITLAB"
"""


@pytest.mark.parametrize("spec", SOURCES, ids=lambda s: s.key)
def test_every_setting_and_variable_of_a_source_is_explained(spec: SourceSpec[Any]) -> None:
    """A registered source's settings each have a description and its variables a meaning."""
    assert spec.settings.model_config.get("extra") == "forbid"
    for name, info in spec.settings.model_fields.items():
        assert (info.description or "").strip(), f"[sources.{spec.key}] {name}"
    assert all(var.name and var.meaning for var in spec.env)


def test_keys_are_unique() -> None:
    """No two sources claim one `[sources.<key>]` table."""
    keys = [spec.key for spec in SOURCES]
    assert len(set(keys)) == len(keys)


def test_the_docs_settings_table_is_the_registry_s() -> None:
    """docs/configuration.md holds the table generated from the registry, word for word."""
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert settings_table() in text, (
        "docs/configuration.md's source settings table is out of date; paste "
        "`python -c 'from data.sources.registry import settings_table; print(settings_table())'`"
    )
    for spec in SOURCES:
        for var in spec.env:
            assert f"`{var.name}`" in text
        table = f"[[sources.{spec.key}]]" if spec.many else f"[sources.{spec.key}]"
        for name in spec.settings.model_fields:
            assert f"`{table}` `{name}`" in text


def test_sources_config_writes_out_each_registered_source() -> None:
    """``SourcesConfig`` has one field per registered spec, of its key and settings model, in
    the registry's order: the config types them statically instead of reading the registry.
    A table is off while absent (local clones' is always there); an array is empty."""
    fields = SourcesConfig.model_fields
    registered = [name for name in fields if name in {spec.key for spec in SOURCES}]
    assert registered == [spec.key for spec in SOURCES]
    for spec in SOURCES:
        field = fields[spec.key]
        if spec.many:
            assert field.annotation == tuple.__class_getitem__((spec.settings, ...))
            assert field.default == ()
        elif spec.clones:
            assert field.annotation == spec.settings
            assert field.default_factory is spec.settings
        else:
            assert field.annotation == spec.settings | None
            assert field.default is None


def test_incidents_known_asks_each_spec_s_own_rule() -> None:
    """The config's ``incidents_known`` agrees with every spec's ``incidents_known``."""
    for spec in SOURCES:
        # Defaults without the checks of required fields: the rule reads the incident ones.
        settings = spec.settings.model_construct()
        table: object = (settings,) if spec.many else settings
        values: dict[str, Any] = {spec.key: table}
        bare = SourcesConfig.model_construct(reverts_as_incidents=False, **values)
        assert bare.incidents_known is spec.incidents_known(settings), spec.key


def test_settings_are_typed_and_off_when_the_table_is_absent() -> None:
    """`settings_of` gives the source's own model back, and None without its table."""
    org = parse_org_config(ORG)
    settings = GITLAB.settings_of(org)
    assert isinstance(settings, GitLabSourceConfig)
    assert settings.projects == ("acme/platform/shop",)
    assert [spec.key for spec, _ in configured(org)] == ["git", "github", "gitlab"]
    assert GITLAB.settings_of(parse_org_config("")) is None
    # Local clones' table is always there: its defaults mine every entry with a `path`.
    assert [spec.key for spec, _ in configured(parse_org_config(""))] == ["git"]


def test_an_array_of_tables_is_one_settings_each() -> None:
    """Each `[[sources.files]]` table is configured once, in the file's order."""
    org = parse_org_config(
        "[[sources.files]]\npath = 'a.csv'\n[[sources.files]]\npath = 'b.json'\nkind = 'deploys'\n"
    )
    files = [s for spec, s in configured(org) if isinstance(s, FileImportConfig)]
    assert [(f.path, f.kind) for f in files] == [("a.csv", "incidents"), ("b.json", "deploys")]
    assert FILES.settings_of(org) == files[0]


def test_a_bad_source_variable_is_one_sentence_naming_it() -> None:
    """A source's variable of the wrong form is refused naming the variable, never its value."""
    check_variables({"GITHUB_TOKEN": "ghp_x", "PAGERDUTY_TOKEN": "p"})
    with pytest.raises(ConfigError, match="GITHUB_APP_ID is not valid") as caught:
        check_variables({"GITHUB_APP_ID": "not-a-number-secret"})
    assert "not-a-number-secret" not in str(caught.value)


def test_github_reads_only_the_repositories_no_other_code_host_reads() -> None:
    """An empty `repositories` in [sources.github] leaves GitLab's projects to GitLab."""
    org = parse_org_config(ORG)
    assert org.sources.github is not None
    assert repositories_read(org) == {"acme/platform/shop"}
    assert github_repositories(org, org.sources.github) == ("acme/web",)


def test_a_change_is_read_with_the_configured_base_path() -> None:
    """A self-managed MR URL is read below its base path; another host's is left alone."""
    org = parse_org_config(ORG)
    url = "https://git.acme.example/gitlab/acme/platform/shop/-/merge_requests/12"
    assert read_change(url, org) == ChangeKey.merge_request("acme/platform/shop", 12)
    assert read_change("https://gitlab.com/a/b/-/merge_requests/1", org) is None
    assert read_change("https://gitlab.com/a/b/-/merge_requests/1") == ChangeKey.merge_request(
        "a/b", 1
    )
    assert read_change("acme/shop#12", org) is None


def test_secret_names_follow_token_env() -> None:
    """The token's variable is redacted under its default name and the one token_env gives."""
    assert "RISKBRIEF_GITLAB_TOKEN" in secret_names()
    assert "ACME_GITLAB" not in secret_names()
    assert {"RISKBRIEF_GITLAB_TOKEN", "ACME_GITLAB"} <= set(secret_names(parse_org_config(ORG)))


def test_gitlab_incidents_make_incidents_known() -> None:
    """Incidents from GitLab issues count as an incident source for the briefing's footer."""
    text = "[sources]\nreverts_as_incidents = false\n[sources.gitlab]\nprojects = ['a/b']\n"
    assert not parse_org_config(text).sources.incidents_known
    with_incidents = text + "incidents_from = 'type'\n"
    assert parse_org_config(with_incidents).sources.incidents_known


@pytest.mark.parametrize(
    ("spec", "key_var", "url_var"),
    [
        (PAGERDUTY, "PAGERDUTY_TOKEN", "PAGERDUTY_API_URL"),
        (OPSGENIE, "OPSGENIE_API_KEY", "OPSGENIE_API_URL"),
    ],
    ids=["pagerduty", "opsgenie"],
)
def test_an_incident_tool_names_its_missing_key_and_a_bad_url(
    spec: SourceSpec[Any], key_var: str, url_var: str
) -> None:
    """Built through the seam, an unset key or a bad URL is one sentence naming the variable."""
    org = parse_org_config(f"[sources.{spec.key}]\nservices = {{ P1 = 'checkout' }}\n")
    settings = spec.settings_of(org)
    assert settings is not None
    with pytest.raises(ConfigError, match=key_var):
        spec.sources(settings, SourceContext(org, {}))
    with pytest.raises(ConfigError, match=f"{url_var} must be a URL"):
        spec.sources(settings, SourceContext(org, {key_var: "k", url_var: "api.example.com"}))
    built = spec.sources(settings, SourceContext(org, {key_var: "k"}))
    assert [s.name for s in built] == [spec.key]
    assert spec.incidents_known(settings)
    assert not spec.code_host
    assert GITLAB.code_host
