"""Doctor checks of this installation itself: the store, riskbrief.toml, clones and sources."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlmodel import Session

from bot.doctor.check import Check, failed, next_step, passed, skipped, warned
from bot.doctor.probes import (
    SourcesProbe,
    source_names,
)
from bot.quickstart.draft import DRAFTED_EMAIL, DRAFTED_READER
from bot.settings import Settings
from data.clock import utcnow
from data.config import OrgConfig, load_org_config
from data.config.sections import SubscriberConfig
from data.emails import routable
from data.sources.github.deploy_rules import github_repositories
from data.sources.registry import SOURCES, repositories_read
from data.store.engine import make_engine
from data.store.migrate import current_revision, head_revision
from data.store.reads.subscribers import active_subscribers
from data.store.tables import ChannelName
from scoring.errors import RiskbriefError, StoreError

__all__ = [
    "check_config",
    "check_database",
    "check_delivery",
    "check_deploy_tags",
    "check_repositories",
    "check_sources",
    "check_timezones",
    "org_of",
    "split_sentence",
]


def split_sentence(sentence: str) -> tuple[str, str]:
    """riskbrief's "what is wrong; what to do" sentence as a check's detail and fix."""
    what, _, todo = sentence.partition("; ")
    fix = todo or "correct what the sentence names"
    return what, fix if fix.endswith(".") else fix + "."


def check_config(settings: Settings, org_error: str | None) -> Check:
    """riskbrief.toml reads: said once here, so the checks that need it do not repeat it."""
    name = "config"
    if org_error is not None:
        return failed(name, *split_sentence(org_error))
    return passed(name, f"{settings.config} reads.")


def _registered_tables() -> str:
    """``[sources.gitlab]`` and the other code hosts the registry lists, for a fix's words."""
    return " or ".join(f"[sources.{spec.key}]" for spec in SOURCES if spec.code_host)


def _config_unread(name: str, settings: Settings) -> Check:
    return skipped(name, f"not checked: {settings.config} does not read (see config).")


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def check_database(settings: Settings) -> Check:
    """The store answers and is migrated to the newest schema."""
    name = "database"
    try:
        shown = make_url(settings.database_url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return failed(
            name,
            "RISKBRIEF_DATABASE_URL is not a database URL.",
            "set it to sqlite:///riskbrief.db or postgresql://user@host/db.",
        )
    path = _sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        # Connecting would create an empty file; say what is missing instead.
        return failed(
            name,
            f"there is no database at {path}.",
            "if yours is elsewhere, set RISKBRIEF_DATABASE_URL to it or RISKBRIEF_CONFIG to the "
            "riskbrief.toml beside it (a relative store is read from that file's folder); only "
            "for a new set-up, run `riskbrief db upgrade` to create an empty one there.",
        )
    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    except StoreError as exc:
        return failed(name, *split_sentence(str(exc)))
    except sa.exc.SQLAlchemyError as exc:
        reason = type(getattr(exc, "orig", None) or exc).__name__
        return failed(
            name,
            f"cannot read the database at {shown} ({reason}).",
            "check RISKBRIEF_DATABASE_URL and that the database server is running.",
        )
    finally:
        engine.dispose()
    head = head_revision()
    if current != head:
        state = "was never migrated" if current is None else f"is at revision {current}"
        return failed(
            name,
            f"{shown} {state}, not {head}.",
            "run `riskbrief db upgrade`.",
        )
    return passed(name, f"{shown} answers and is at the newest schema ({head}).")


def _zone_ok(zone: str) -> bool:
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_timezones(settings: Settings, org: OrgConfig | None, org_error: str | None) -> Check:
    """Every subscriber, in riskbrief.toml and in the store, has a valid IANA time zone."""
    name = "time zones"
    if org_error is not None:
        return _config_unread(name, settings)
    assert org is not None
    # One subscriber is one zone: riskbrief.toml's own, else the one stored for a
    # subscriber who joined through Slack.
    zones = {key: ("store", zone) for key, zone in _stored_zones(settings).items()}
    zones.update({s.key: ("riskbrief.toml", s.timezone) for s in org.subscribers})
    bad = sorted(
        f"{where} {key} ({zone!r})" for key, (where, zone) in zones.items() if not _zone_ok(zone)
    )
    if bad:
        return failed(
            name,
            f"not an IANA time zone: {', '.join(bad)}.",
            "use a zone such as Europe/Berlin or America/New_York (in riskbrief.toml, or "
            "with /risk settings for a subscriber who joined through Slack).",
        )
    if not zones:
        return skipped(name, "no subscribers yet; add [[subscribers]] to riskbrief.toml.")
    if len(zones) == 1:
        return passed(name, "the subscriber's time zone is valid.")
    return passed(name, f"all {len(zones)} subscribers' time zones are valid.")


def _not_a_clone(path: Path) -> str | None:
    """Why ``path`` is not a git clone riskbrief can read, or ``None`` when it is one."""
    if not path.exists():
        return "does not exist"
    if not path.is_dir():
        return "is not a directory"
    try:
        done = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--git-dir"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "could not be read with git"
    return None if done.returncode == 0 else "is not a git clone"


def check_repositories(settings: Settings, org: OrgConfig | None, org_error: str | None) -> Check:
    """Every [[repositories]] entry is read by something: a clone that exists, or GitHub."""
    name = "repositories"
    if org_error is not None:
        return _config_unread(name, settings)
    assert org is not None
    if not org.repositories:
        return skipped(name, "riskbrief.toml lists no [[repositories]].")
    github = org.sources.github
    on_github = set(github_repositories(org, github)) if github is not None else set()
    on_github |= repositories_read(org)
    for repo in org.repositories:
        if repo.path is not None:
            why = _not_a_clone(Path(repo.path).expanduser())
            if why is not None:
                return failed(
                    name,
                    f"{repo.name}: its path {repo.path} {why}.",
                    f"set path in {settings.config} to a local git clone of {repo.name}.",
                )
        elif repo.name not in on_github:
            return failed(
                name,
                f"{repo.name} has no path and no code host reads it.",
                f"set path to a local clone, or add [sources.github] to {settings.config} "
                f"and set GITHUB_TOKEN, or read it with {_registered_tables()}.",
            )
    n = len(org.repositories)
    return passed(name, f"{'the repository' if n == 1 else f'all {n} repositories'} can be read.")


def check_deploy_tags(settings: Settings, org: OrgConfig | None, org_error: str | None) -> Check:
    """[sources.git] deploy_tags matches some tag of every configured clone."""
    from bot.composition.release_tags import no_tags_line, tagless_clones
    from data.sources.local_git.tags import deploy_tag_notes

    name = "deploy tags"
    if org_error is not None or org is None:
        return skipped(name, "riskbrief.toml does not read.")
    pattern = org.sources.git.deploy_tags
    if not pattern or not any(r.path for r in org.repositories):
        return skipped(name, "no clone has a deploy_tags pattern in [sources.git].")
    notes = deploy_tag_notes(org)
    if notes:
        return failed(
            name, notes[0], f"set deploy_tags in {settings.config} to match the release tags."
        )
    tagless = tagless_clones(org)
    if tagless:
        # Not "matches tags": a clone without any has nothing to match, and no deploy.
        what, _, fix = no_tags_line(tagless).partition("; ")
        return warned(name, what, fix + ".")
    return passed(name, f"deploy_tags `{pattern}` matches tags of the configured clones.")


# A fit older than a quarter was made on a history the team has since moved on from.
STALE_FIT_DAYS = 92


def check_calibration(
    settings: Settings, org: OrgConfig | None, org_error: str | None, today: date | None = None
) -> Check:
    """Whether the weights were fitted to this history (`riskbrief calibrate --write`), and
    whether that fit is more than a quarter old."""
    from bot.composition.calibrate import MIN_BAD_CHANGES

    name = "calibration"
    if org_error is not None or org is None:
        return skipped(name, "riskbrief.toml does not read.")
    fitted = org.scoring.calibrated_on
    if fitted is None:
        return passed(
            name,
            "scoring with the shipped model, fitted on issue-tracker labels of six Apache "
            "projects; `riskbrief calibrate` refits the weights on your own history once it "
            f"has {MIN_BAD_CHANGES} bad changes in each part.",
        )
    age = ((today or utcnow().date()) - fitted).days
    if age > STALE_FIT_DAYS:
        return warned(
            name,
            f"the weights were fitted to your history on {fitted.isoformat()}, {age} days ago: "
            "more than a quarter.",
            f"run `riskbrief calibrate` to refit them on the latest history; `--write` saves "
            f"them to {settings.config} only when they rank the latest changes better.",
        )
    return passed(name, f"the weights were fitted to your history on {fitted.isoformat()}.")


def _is_drafted_reader(sub: SubscriberConfig, reached: dict[ChannelName, str]) -> bool:
    """The reader `riskbrief quickstart` drafts, still as it wrote it: ``me``, me@example.com."""
    return sub.key == DRAFTED_READER and {n: a.lower() for n, a in reached.items()} == {
        ChannelName.EMAIL: DRAFTED_EMAIL
    }


def check_delivery(settings: Settings, org: OrgConfig | None, org_error: str | None) -> Check:
    """Every subscriber in riskbrief.toml has a way out that is configured.

    Asks each registered channel (``bot.delivery.registry``) whom it reaches, whether it
    is set up and what is wrong with an address, so no channel is named here.
    """
    from bot.delivery import registry

    name = "delivery"
    if org_error is not None:
        return _config_unread(name, settings)
    assert org is not None
    if not org.subscribers:
        return skipped(name, "no subscribers yet; add [[subscribers]] to riskbrief.toml.")
    drafted = None
    reached: list[tuple[str, list[ChannelName]]] = []
    for sub in org.subscribers:
        addresses = {k.name: a for k in registry.KINDS if (a := k.address_in(sub))}
        if _is_drafted_reader(sub, addresses):
            # quickstart's own placeholder: a step left to do, not a mistake.
            drafted = sub
            continue
        for kind in registry.KINDS:
            address = addresses.get(kind.name)
            if address and (problem := kind.check(sub.key, address, settings.config)):
                return failed(name, *problem)
        reached.append((sub.key, list(addresses)))
    # What delivery itself does: each registered channel whose address a subscriber has,
    # if the channel is set up (``configure`` gives the sentence naming what is missing).
    setups = {kind.name: kind.configure(settings) for kind in registry.KINDS}
    missing = {n: s for n, s in setups.items() if isinstance(s, str)}
    if drafted is not None and all(n in missing for _, names in reached for n in names):
        return _drafted_step(name, settings)
    if all(n in missing for _, names in reached for n in names):
        return skipped(name, "no channel is set up: briefings are only written to files.")
    for key, names in reached:
        if any(n not in missing for n in names):
            continue
        wants = "; or ".join(missing[n] for n in names)
        return failed(
            name,
            f"subscriber {key} would get nothing: no channel that reaches them is set up.",
            f"{wants}; or give {key} an address on a channel that is set up.",
        )
    if drafted is not None:
        return _drafted_step(name, settings)
    # An address at a domain only a company's own relay routes (ops@corp.local) is taken, and
    # said: mail to it leaves only through that relay.
    internal = [s for s in org.subscribers if s.email and not routable(s.email)]
    if internal:
        sub = internal[0]
        return warned(
            name,
            f"subscriber {sub.key}'s email {sub.email} is at a domain the public internet does "
            "not route, so only your own mail relay can deliver it",
            "make sure RISKBRIEF_SMTP_HOST is the relay that delivers to it, or give "
            f"{sub.key} an address on a public domain.",
        )
    n = len(org.subscribers)
    return passed(name, f"{'the subscriber' if n == 1 else f'all {n} subscribers'} can be reached.")


def _drafted_step(name: str, settings: Settings) -> Check:
    return next_step(
        name,
        f"the reader `{DRAFTED_READER}` that quickstart drafted still has the placeholder "
        f"{DRAFTED_EMAIL}, so its briefings are only written to files",
        f"put your Slack member id (slack_user_id, e.g. U012AB3CD) or your email address for "
        f"`{DRAFTED_READER}` in {settings.config}, then set up that channel.",
    )


def _stored_zones(settings: Settings) -> dict[str, str]:
    """Active subscribers' zones in the store; empty when the store is not ready."""
    path = _sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        return {}
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            return {row.key: row.timezone for row in active_subscribers(session)}
    except sa.exc.SQLAlchemyError:
        return {}  # the database check says why
    finally:
        engine.dispose()


def check_sources(
    settings: Settings,
    org: OrgConfig | None,
    org_error: str | None,
    names: SourcesProbe | None = None,
) -> Check:
    """Which sources `riskbrief sync` would run, or the credential one of them lacks."""
    name = "sources"
    if org_error is not None:
        return _config_unread(name, settings)
    assert org is not None
    try:
        found = (names or source_names)(settings, org)
    except RiskbriefError as exc:
        return failed(name, str(exc), "set what the sentence names, or remove that source.")
    if not found:
        return skipped(
            name,
            "riskbrief.toml configures no source; add [[repositories]] with a path, "
            f"[sources.github] or {_registered_tables()} to sync.",
        )
    return passed(name, f"`riskbrief sync` would run {len(found)}: {', '.join(found)}.")


def org_of(settings: Settings) -> tuple[OrgConfig | None, str | None]:
    try:
        return load_org_config(settings.config), None
    except RiskbriefError as exc:
        return None, str(exc)
