"""GitHub's credentials and address, read from the environment its spec declares.

``GITHUB_TOKEN``, or a GitHub App's three ``GITHUB_APP_*`` variables, and
``GITHUB_API_URL``: the sync, the doctor and the PR check read them here, and
``load_settings`` checks them (``GITHUB.check_variables``) so that a bad value stops
every command in one sentence naming the variable, never quoting its value.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from scoring.errors import ConfigError

if TYPE_CHECKING:
    from data.sources.github.auth import Auth

__all__ = ["DEFAULT_API_URL", "VARIABLES", "GitHubCredentials", "github_credentials"]

DEFAULT_API_URL = "https://api.github.com"

# Each variable and what to set it to, for the sentence refusing a bad value.
VARIABLES = {
    "GITHUB_TOKEN": "a GitHub token with read access, or leave it unset",
    "GITHUB_API_URL": "a URL such as https://api.github.com or https://ghe.example.com/api/v3",
    "GITHUB_APP_ID": "your GitHub App's numeric id, or leave it unset",
    "GITHUB_APP_PRIVATE_KEY": "the App's private key (PEM text or a .pem path)",
    "GITHUB_APP_INSTALLATION_ID": "the App installation's numeric id, or leave it unset",
}


class GitHubCredentials(BaseModel):
    """A token or a GitHub App's three settings, and the API they are for."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    token: SecretStr | None = Field(default=None, alias="GITHUB_TOKEN")
    api_url: str = Field(default=DEFAULT_API_URL, alias="GITHUB_API_URL", pattern=r"^https?://\S+$")
    app_id: str | None = Field(default=None, alias="GITHUB_APP_ID", pattern=r"^\d+$")
    app_private_key: SecretStr | None = Field(default=None, alias="GITHUB_APP_PRIVATE_KEY")
    app_installation_id: str | None = Field(
        default=None, alias="GITHUB_APP_INSTALLATION_ID", pattern=r"^\d+$"
    )

    @field_validator("token", "app_id", "app_private_key", "app_installation_id", mode="before")
    @classmethod
    def _blank_is_unset(cls, value: object) -> object:
        # `export GITHUB_TOKEN=` switches it off, as for every other variable.
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def any_set(self) -> bool:
        """Whether a token or any of the App's settings is set."""
        return bool(self.token or self.app_id or self.app_private_key or self.app_installation_id)

    @property
    def app_complete(self) -> bool:
        """Whether all three of the App's settings are set."""
        return bool(self.app_id and self.app_private_key and self.app_installation_id)

    def auth(self) -> Auth:
        """The token's auth, else the App's; one sentence naming what is missing otherwise."""
        # httpx and the JWT library load only when a client is built.
        from data.sources.github.app_auth import app_auth
        from data.sources.github.auth import TokenAuth

        if self.token is not None:
            return TokenAuth(self.token.get_secret_value())
        key = self.app_private_key
        if self.app_id or key or self.app_installation_id:
            return app_auth(
                self.app_id, key.get_secret_value() if key else None, self.app_installation_id
            )
        raise ConfigError(
            "riskbrief.toml has [sources.github] but no GitHub credentials are set; set "
            "GITHUB_TOKEN, or GITHUB_APP_ID, GITHUB_APP_PRIVATE_KEY and GITHUB_APP_INSTALLATION_ID."
        )


def github_credentials(environ: Mapping[str, str]) -> GitHubCredentials:
    """The credentials in ``environ``, or a ``ConfigError`` naming the bad variable."""
    try:
        return GitHubCredentials.model_validate({k: environ[k] for k in VARIABLES if k in environ})
    except ValidationError as exc:
        loc = exc.errors()[0]["loc"]
        variable = str(loc[0]) if loc else "GITHUB_API_URL"
        # Only the variable's name: the rejected value could be a secret.
        raise ConfigError(
            f"the environment variable {variable} is not valid; "
            f"set it to {VARIABLES.get(variable, 'a valid value')}"
        ) from None
