"""A merged change's risk as a record: its score in points, gates, deploys and what followed.

The change is named as ``/risk pr`` accepts it (a PR or MR key, its URL, a commit's sha or
``repo@sha``), parsed into the same ``ChangeQuery`` as ``/risk pr`` (``bot.answers.parse``)
and found the same way (``data.store.reads.lookups.find_changes``); a change outside the
caller's scope is not found, in the same words as one that does not exist.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.lookups import landing_ref, version_of
from bot.answers.parse import Usage, change_query
from bot.answers.records.confirmed import confirmation_rows
from bot.answers.records.models import (
    ChangeRisk,
    DeployRow,
    FileOwners,
    GateRow,
    IncidentRow,
    RevertRow,
    UnknownSignal,
    band_words,
    person_name,
    signal_points,
)
from data.config import OrgConfig
from data.sources.local_git.gitlog import run_git
from data.sources.registry import read_change
from data.store.reads.changes import (
    change_by_key,
    change_files,
    merged_reverts_of,
    services_touched,
)
from data.store.reads.deploys import deploys_shipping
from data.store.reads.incidents import incidents_of_deploys
from data.store.reads.lookups import find_changes
from data.store.reads.org import person_by_id, repository_by_id, service_keys
from data.store.scores import load_scores
from data.store.tables import (
    Change,
    Incident,
    Repository,
)
from scoring.culprits import REVERT_INCIDENT
from scoring.errors import NotFoundError

__all__ = [
    "CHANGE_NOT_FOUND",
    "change_risk",
    "change_url",
    "file_owners",
    "incident_row",
]

# One sentence for a change that does not exist, is outside the caller's scope, or whose
# key does not parse: which of them it was is itself something the caller may not learn.
CHANGE_NOT_FOUND = (
    "No change matches that key in this scope; give a pull request as owner/repo#123, "
    "a merge request as group/project!123, or its URL, or a commit as its sha "
    "(7 or more hex digits, or owner/repo@sha)."
)


def _services_of(session: Session, change: Change) -> set[str]:
    """The services ``change`` touched, by key."""
    return services_touched(session, [change])[change.id]


# A remote as git writes it: https://host/owner/repo(.git), ssh://git@host/owner/repo.git or
# git@host:owner/repo.git.
_REMOTE = re.compile(
    r"^(?:[a-z+]+://)?(?:[^@/]+@)?(?P<host>[^/:]+)(?::\d+)?[:/](?P<path>.+?)(?:\.git)?/?$"
)


def _web_base(org: OrgConfig, repository: Repository | None) -> str | None:
    """The repository's web address: riskbrief.toml's ``url``, the store's, else the clone's
    ``origin`` remote as https."""
    if repository is None:
        return None
    config = next((r for r in org.repositories if r.name == repository.name), None)
    remote = (config.url if config else None) or repository.url
    if not remote and config is not None and config.path is not None:
        done = run_git(
            Path(config.path).expanduser(), "config", "--get", "remote.origin.url", check=False
        )
        remote = done.stdout.decode("utf-8", "replace").strip() if done.returncode == 0 else ""
    match = _REMOTE.match(remote or "")
    if match is None or "." not in match["host"]:
        return None
    return f"https://{match['host']}/{match['path'].strip('/')}"


def change_url(org: OrgConfig, repository: Repository | None, change: Change) -> str | None:
    """The change's page: its stored URL, else one built on GitHub's or GitLab's address for a
    pull or merge request (by number) or a commit (by sha); ``None`` on another host."""
    if change.url:
        return change.url
    base = _web_base(org, repository)
    if base is None:
        return None
    host = urlparse(base).hostname or ""
    github, gitlab = host == "github.com", "gitlab" in host
    merge_request = "!" in change.key.rsplit("/", 1)[-1]
    if change.number is not None and github and not merge_request:
        return f"{base}/pull/{change.number}"
    if change.number is not None and gitlab and merge_request:
        return f"{base}/-/merge_requests/{change.number}"
    if change.sha and (github or gitlab):
        return f"{base}{'/-' if gitlab else ''}/commit/{change.sha}"
    return None


def incident_row(incident: Incident, service: str) -> IncidentRow:
    """An incident with its minutes to resolve (none for a revert: no outage to resolve)."""
    minutes = None
    if incident.resolved_at is not None and not incident.key.startswith(REVERT_INCIDENT):
        minutes = round((incident.resolved_at - incident.opened_at).total_seconds() / 60, 1)
    return IncidentRow(
        key=incident.key,
        service=service,
        title=incident.title,
        opened_at=incident.opened_at,
        resolved_at=incident.resolved_at,
        minutes_to_resolve=minutes,
    )


def _deploys(session: Session, org: OrgConfig, access: Access, change: Change) -> list[DeployRow]:
    """The deploys that shipped ``change``, of the services ``access`` sees, with their incidents.

    A change touching two services can ship in a deploy of each; a caller of one sees
    that one's deploy and incidents, not the other's.
    """
    deploys = deploys_shipping(session, change.id)
    services = service_keys(session)
    deploys = [d for d in deploys if access.sees([services.get(d.service_id)])]
    scores = load_scores(session, "deploy", version_of(org), [d.key for d in deploys])
    ids = [d.id for d in deploys]
    incidents = incidents_of_deploys(session, ids)
    out = []
    for d in deploys:
        row = scores.get(d.key)
        service = services.get(d.service_id, "")
        out.append(
            DeployRow(
                key=d.key,
                service=service,
                environment=d.environment,
                status=d.status,
                finished_at=d.finished_at,
                score=row.score if row else None,
                band=band_words(row.band) if row else None,
                incidents=[
                    incident_row(i, services.get(i.service_id, ""))
                    for i in incidents
                    if i.deploy_id == d.id
                ],
            )
        )
    return out


def change_risk(session: Session, org: OrgConfig, access: Access, ref: str) -> ChangeRisk:
    """The risk of the change ``ref`` names, as ``access`` may see it; else ``NotFoundError``."""
    query = change_query(ref, lambda text: read_change(text, org))
    found = [] if isinstance(query, Usage) else find_changes(session, query.key)
    landing = None if found or isinstance(query, Usage) else landing_ref(org, query.key)
    if landing is not None:
        # A commit a pull request brought in is told as that pull request.
        found = find_changes(session, landing)
    visible = [c for c in found if access.whole or access.sees(_services_of(session, c))]
    if len(visible) != 1:
        if len(visible) > 1:
            # Only keys the caller may see are named.
            keys = ", ".join(c.key for c in visible[:5]) + (", …" if len(visible) > 5 else "")
            raise NotFoundError(
                f"That key names {len(visible)} changes ({keys}); "
                "ask about one of them by its full key."
            )
        raise NotFoundError(CHANGE_NOT_FOUND)
    change = visible[0]
    version = version_of(org)
    row = load_scores(session, "change", version, [change.key]).get(change.key)
    if row is None:
        raise NotFoundError(
            f"{change.key} has not been scored yet; it will be after the next `riskbrief score` "
            "(or the scheduler's next run)."
        )
    repository = repository_by_id(session, change.repository_id)
    author = person_by_id(session, change.author_id)
    reverts = merged_reverts_of(session, change.key)
    return ChangeRisk(
        key=change.key,
        title=change.title,
        url=change_url(org, repository, change),
        repository=repository.name if repository else "",
        service=row.service,
        # The one change asked about is told with its author, as its code host shows it (by
        # name where the store keys them by e-mail); name_people is about briefings naming
        # people to managers.
        author=person_name(author.login, author.display_name) if author else None,
        head_branch=change.head_branch,
        state=change.state.value,
        draft=change.draft,
        merged_at=change.merged_at,
        score=row.score,
        band=band_words(row.band),
        signals=signal_points(row),
        unknowns=[
            UnknownSignal(name=s.name, explanation=s.explanation)
            for s in row.signals
            if not s.known
        ],
        gates=[GateRow.of(g) for g in row.gates],
        agent_involved=row.agent_involved,
        human_reviewed=row.human_reviewed,
        deploys=_deploys(session, org, access, change),
        reverted_by=[
            RevertRow(key=r.key, title=r.title, url=r.url, merged_at=r.merged_at)
            for r in reverts
            if r.merged_at is not None
        ],
        scorer_version=version,
        confirmations=confirmation_rows(session, access, [change.key]),
    )


def file_owners(session: Session, access: Access, key: str) -> list[FileOwners]:
    """The files of the change ``key`` (exactly) with their owners, largest first, if
    ``access`` may see it; else ``NotFoundError``."""
    change = change_by_key(session, key)
    if change is None or not (access.whole or access.sees(_services_of(session, change))):
        raise NotFoundError(CHANGE_NOT_FOUND)
    services = service_keys(session)
    files = change_files(session, change.id)
    rows = [
        FileOwners(
            path=f.path,
            added=f.added,
            deleted=f.deleted,
            service=services.get(f.service_id),
            owners=f.owners,
            generated=f.generated,
        )
        for f in files
    ]
    rows.sort(key=lambda f: (-(f.added + f.deleted), f.path))
    return rows
