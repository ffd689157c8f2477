"""``[sources.gitlab]`` settings: strict, with GitLab's paths and patterns checked when read."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from data.config.sources.gitlab import DeploySource, GitLabSourceConfig


def test_defaults_are_gitlab_com_deployments_and_the_usual_token_variable() -> None:
    """An empty table reads GitLab.com's deployments with RISKBRIEF_GITLAB_TOKEN."""
    config = GitLabSourceConfig()
    assert config.api_url == "https://gitlab.com/api/v4"
    assert config.graphql_url == "https://gitlab.com/api/graphql"
    assert config.deploys_from is DeploySource.DEPLOYMENTS
    assert config.token_env == "RISKBRIEF_GITLAB_TOKEN"
    assert config.is_production("Production")
    assert not config.is_production("staging")


def test_a_self_managed_base_path_is_kept_and_a_pasted_api_url_taken_back() -> None:
    """``https://git.example.com/gitlab/api/v4/`` is read as the web address under /gitlab."""
    config = GitLabSourceConfig(base_url="https://git.example.com/gitlab/api/v4/")
    assert config.base_url == "https://git.example.com/gitlab"
    assert config.api_url == "https://git.example.com/gitlab/api/v4"


@pytest.mark.parametrize(
    "values",
    [
        {"projects": ("shop",)},
        {"projects": ("acme/shop.git",)},
        {"projects": ("acme/shop", "acme/shop")},
        {"base_url": "gitlab.com"},
        {"production_environment": "("},
        {"deploys_from": "releases"},
        {"token_env": "my token"},
        {"unknown": 1},
    ],
)
def test_mistakes_are_refused_when_the_file_is_read(values: dict[str, object]) -> None:
    """A project without a group, a bad URL, pattern, deploy kind or key is a validation error."""
    with pytest.raises(ValidationError):
        GitLabSourceConfig.model_validate(values)
