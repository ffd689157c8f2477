"""`riskbrief doctor` on the installation itself: the store, time zones, sources."""

from __future__ import annotations

import json
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session

from bot.doctor import check_calibration, check_timezones
from bot.settings import Settings
from data.config import parse_org_config
from data.store.engine import make_engine
from data.store.tables import Subscriber
from tests.bot.doctor.conftest import doctor, line_of


def test_missing_and_unmigrated_databases_fail_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No database file, or one never migrated, fails the database check: run db upgrade."""
    db = tmp_path / "riskbrief.db"
    monkeypatch.setenv("RISKBRIEF_DATABASE_URL", f"sqlite:///{db}")
    monkeypatch.setenv("RISKBRIEF_CONFIG", str(tmp_path / "riskbrief.toml"))
    missing = doctor()
    assert missing.exit_code == 1
    line = line_of(missing, "database")
    assert line.startswith("fail")
    assert f"there is no database at {db}" in line
    assert "Fix: if yours is elsewhere, set RISKBRIEF_DATABASE_URL to it" in line
    assert "only for a new set-up, run `riskbrief db upgrade`" in line
    assert not db.exists()  # doctor does not create an empty one
    # The toml is missing too: the config check says so once, with riskbrief init.
    assert "run `riskbrief init`" in line_of(missing, "config")
    assert "see config" in line_of(missing, "sources")

    make_engine(f"sqlite:///{db}").dispose()
    db.touch()
    empty = doctor("--json")
    assert empty.exit_code == 1
    body = json.loads(empty.stdout)
    assert body["ok"] is False
    (check,) = [c for c in body["checks"] if c["name"] == "database"]
    assert check["status"] == "fail"
    assert "was never migrated" in check["detail"]
    assert check["fix"] == "run `riskbrief db upgrade`."


def test_a_bad_stored_time_zone_fails_with_the_fix(store: Path) -> None:
    """A subscriber in the store with a zone that is not IANA fails the time-zone check."""
    engine = make_engine(f"sqlite:///{store}")
    with Session(engine) as session:
        session.add(Subscriber(key="joined-in-slack", name="Sam", timezone="Mars/Olympus"))
        session.commit()
    engine.dispose()
    result = doctor()
    assert result.exit_code == 1
    line = line_of(result, "time zones")
    assert "not an IANA time zone: store joined-in-slack ('Mars/Olympus')" in line
    assert "Fix: use a zone such as Europe/Berlin" in line


def test_a_bad_toml_time_zone_fails_with_the_fix(store: Path) -> None:
    """A subscriber in riskbrief.toml with a bad zone fails with the file's own sentence."""
    toml = store.with_name("riskbrief.toml")
    toml.write_text(toml.read_text().replace('"Europe/Berlin"', '"CEST"'), encoding="utf-8")
    result = doctor()
    line = line_of(result, "config")
    assert line.startswith("fail")
    assert "must be an IANA time zone" in line
    # Said once, by the config check, with the sentence's own fix.
    assert "as the sentence says" not in result.stdout
    assert result.stdout.count("must be an IANA time zone") == 1
    assert line_of(result, "time zones").startswith("skip")


def test_a_source_without_its_token_fails_with_the_fix(store: Path) -> None:
    """A source in riskbrief.toml whose token is not set fails the sources check naming it."""
    toml = store.with_name("riskbrief.toml")
    with toml.open("a", encoding="utf-8") as f:
        f.write('\n[sources.pagerduty]\nservices = { PXXXXXX = "checkout" }\n')
    line = line_of(doctor(), "sources")
    assert line.startswith("fail")
    assert "PAGERDUTY_TOKEN is not set" in line
    assert "Fix: set what the sentence names" in line


ONE_SUBSCRIBER = '[[subscribers]]\nkey = "maria"\nemail = "m@x.example"\ntimezone = "UTC"\n'


def test_one_subscriber_is_counted_once() -> None:
    """A subscriber in riskbrief.toml who is also in the store is one time zone, not two."""
    assert check_timezones(Settings(), parse_org_config(ONE_SUBSCRIBER), None).detail == (
        "the subscriber's time zone is valid."
    )


@pytest.mark.parametrize("domain", ["example.com", "EXAMPLE.org", "example.net"])
def test_a_placeholder_subscriber_address_fails_delivery(store: Path, domain: str) -> None:
    """A subscriber at example.com/.org/.net fails delivery, saying to put a real address."""
    toml = store.with_name("riskbrief.toml")
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + f'\n[[subscribers]]\nkey = "lead"\nemail = "lead@{domain}"\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    result = doctor()
    assert result.exit_code == 1
    line = line_of(result, "delivery")
    assert line.startswith("fail")
    assert f"subscriber lead's email lead@{domain} is a placeholder" in line
    assert "Fix: put a real email address or a Slack member id (slack_user_id" in line


def test_an_unreadable_config_is_said_once_with_a_real_fix(store: Path) -> None:
    """A broken riskbrief.toml is one failing config line with its own fix, not four repeats."""
    toml = store.with_name("riskbrief.toml")
    toml.write_text("[organisation\nname = 1\n", encoding="utf-8")
    result = doctor()
    assert result.exit_code == 1
    line = line_of(result, "config")
    assert line.startswith("fail")
    assert "is not valid TOML" in line
    assert "Fix: fix the syntax there." in line
    assert result.stdout.count("is not valid TOML") == 1
    assert "as the sentence says" not in result.stdout
    for name in ("sources", "repositories", "time zones", "delivery"):
        assert line_of(result, name).startswith("skip")


def _with_tags(store: Path, pattern: str) -> None:
    """riskbrief.toml's clone with one release tag, v1, and ``pattern`` as its deploy_tags."""
    toml = store.with_name("riskbrief.toml")
    clone = store.with_name("platform")
    subprocess.run(
        [
            "git",
            "-C",
            str(clone),
            "-c",
            "user.name=a",
            "-c",
            "user.email=a@b.c",
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "start",
        ],
        check=True,
    )
    subprocess.run(["git", "-C", str(clone), "tag", "v1"], check=True)
    # A TOML literal string: the pattern exactly as the user typed it.
    toml.write_text(
        toml.read_text(encoding="utf-8") + f"\n[sources.git]\ndeploy_tags = '{pattern}'\n",
        encoding="utf-8",
    )


@pytest.mark.parametrize(("pattern", "status"), [(r"^v\d+$", "pass"), (r"^rel-\d+$", "fail")])
def test_a_deploy_tags_pattern_is_printed_as_the_user_wrote_it(
    store: Path, pattern: str, status: str
) -> None:
    """doctor shows `^v\\d+$` as written, never Python's repr with doubled backslashes."""
    _with_tags(store, pattern)
    line = line_of(doctor(), "deploy tags")
    assert line.startswith(status)
    assert f"`{pattern}`" in line
    assert "\\\\" not in line


def test_a_fit_older_than_a_quarter_is_warned_with_the_command_to_refit(tmp_path: Path) -> None:
    """Weights fitted on 1 Aug are current on 1 Nov (92 days) and stale a day later; with no
    fit at all the check says the shipped model scores and how to fit your own."""
    settings = Settings(config=tmp_path / "riskbrief.toml")
    fitted = parse_org_config("[scoring]\ncalibrated_on = 2026-08-01\n", source="t")
    fresh = check_calibration(settings, fitted, None, today=date(2026, 11, 1))
    stale = check_calibration(settings, fitted, None, today=date(2026, 11, 2))
    assert fresh.status == "pass"
    assert stale.status == "warn"
    assert "93 days ago" in stale.line()
    assert "run `riskbrief calibrate`" in stale.line()
    shipped = check_calibration(settings, parse_org_config("", source="t"), None)
    assert shipped.status == "pass"
    assert "shipped model" in shipped.line()


@pytest.mark.usefixtures("everything")
def test_an_internal_subscriber_address_is_taken_and_warned(store: Path) -> None:
    """A subscriber at corp.local loads, and the doctor warns that only a relay delivers it."""
    toml = store.with_name("riskbrief.toml")
    toml.write_text(
        toml.read_text(encoding="utf-8")
        + '\n[[subscribers]]\nkey = "ops"\nemail = "ops@corp.local"\ntimezone = "UTC"\n',
        encoding="utf-8",
    )
    result = doctor()
    line = line_of(result, "delivery")
    assert "must be an address" not in result.stdout
    assert line.startswith("warn"), line
    assert "subscriber ops's email ops@corp.local is at a domain the public internet" in line
    assert "RISKBRIEF_SMTP_HOST" in line
