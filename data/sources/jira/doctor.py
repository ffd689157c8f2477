"""What ``riskbrief doctor`` checks of Jira: the credentials (``/myself``) and each project.

Each check is one ``Finding``: ``(ok, message, fix)``, as the GitLab source's;
``fix`` is ``None`` when ``ok``.
"""

from __future__ import annotations

from data.config.sources.jira import JiraDeployment
from data.sources.jira.client import JiraClient, JiraError
from data.sources.spec import Finding

__all__ = ["Finding", "check_credentials", "check_project", "jira_findings"]


def check_credentials(client: JiraClient) -> Finding:
    """``GET /myself`` answers: Jira knows the credentials."""
    config = client.config
    try:
        me = client.json("myself")
    except JiraError as exc:
        if exc.status == 401:
            fix = (
                f"set {config.email_env} to the account's email and {config.token_env} to an "
                "API token made at id.atlassian.com (Security, API tokens)"
                if config.deployment is JiraDeployment.CLOUD
                else f"set {config.token_env} to a personal access token (Profile, "
                "Personal Access Tokens)"
            )
            return Finding(False, f"Jira at {config.base_url} refused the credentials", fix)
        if exc.status == 404:
            other = "server" if config.deployment is JiraDeployment.CLOUD else "cloud"
            return Finding(
                False,
                f"{config.base_url} has no Jira REST API at {client.api_url}",
                f"check base_url, or set deployment = {other!r} in [sources.jira]",
            )
        return Finding(False, f"Jira at {config.base_url} cannot be read: {exc}", "see the log")
    who = me.get("displayName") or me.get("name") if isinstance(me, dict) else None
    return Finding(
        True, f"Jira accepts the credentials of {who!r}" if who else "Jira accepts the credentials"
    )


def check_project(client: JiraClient, project: str) -> Finding:
    """``project`` exists and the user can browse it."""
    try:
        found = client.json(f"project/{project}")
    except JiraError as exc:
        if exc.status == 404:
            return Finding(
                False,
                f"Jira has no project {project} the user can browse",
                f"check {project!r} is the project's key and give the user Browse projects on it",
            )
        return Finding(False, f"Jira refused project {project}: {exc}", "see the log")
    name = found.get("name") if isinstance(found, dict) else None
    return Finding(
        True,
        f"project {project} ({name}) is readable" if name else f"project {project} is readable",
    )


def jira_findings(client: JiraClient) -> list[Finding]:
    """Every Jira check in order; the projects are skipped when the credentials fail."""
    credentials = check_credentials(client)
    if not credentials.ok:
        return [credentials]
    projects = client.config.projects
    if not projects:
        return [
            credentials,
            Finding(
                False,
                "[sources.jira] lists no projects",
                'add projects = ["PROJ"] to [sources.jira]',
            ),
        ]
    return [credentials, *(check_project(client, p) for p in projects)]
