"""More mistakes in riskbrief.toml, each one sentence naming the key: from the parser and the CLI.

Complements tests/data/config/test_config.py with wrong types, unknown keys and
sections, bad globs, time zones and regular expressions, and bad values in
``[sources]``; the CLI's ``riskbrief score`` must turn each into one line on
stderr and exit status 1.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from data.config import load_org_config, parse_org_config
from scoring.errors import ConfigError

SUB = "[[subscribers]]\nkey = 'x'\nemail = 'a@b.co'\n"

MISTAKES = [
    # Wrong types.
    pytest.param("[organisation]\nname = 42", "organisation.name must be text", id="name-number"),
    pytest.param(
        "[organisation]\nworking_hours = '9-18'",
        "organisation.working_hours must be two hours",
        id="hours-string",
    ),
    pytest.param(
        "[organisation]\nworking_hours = [9]",
        "organisation.working_hours must be two hours",
        id="hours-one",
    ),
    pytest.param(
        "[organisation]\nworking_hours = [18, 9]",
        "organisation.working_hours must be two hours",
        id="hours-reversed",
    ),
    pytest.param(
        "[organisation]\nworking_hours = [9, 25]",
        "organisation.working_hours must be two hours",
        id="hours-out-of-day",
    ),
    pytest.param(
        "[repositories]\nname = 'acme/shop'",
        "repositories must be a list",
        id="repositories-table",
    ),
    pytest.param(
        "[[services]]\nkey = 'a'\npaths = 'src/**'",
        "services[0].paths must be a list",
        id="paths-string",
    ),
    pytest.param(
        "[[teams]]\nkey = 't'\nmembers = 'alice'", "teams[0].members must be a list", id="members"
    ),
    pytest.param(
        "[[teams]]\nkey = 't'\nmembers = [1, 2]",
        "teams[0].members[0] must be text",
        id="members-int",
    ),
    pytest.param("[[services]]\nkey = 7", "services[0].key must be text", id="key-number"),
    pytest.param(
        SUB + "teams = 'commerce'", "subscribers[0].teams must be a list", id="subscriber-teams"
    ),
    pytest.param("[delivery]\nday = 'Funday'", "delivery.day must be one of", id="delivery-day"),
    pytest.param(
        "[scoring.weights]\nno_review = 'high'",
        "scoring.weights.no_review must be a number",
        id="weight-string",
    ),
    pytest.param(
        "[scoring]\nholidays = ['Christmas']",
        "scoring.holidays[0] must be a date",
        id="holiday-word",
    ),
    pytest.param(
        "[agents]\nlogins = 'copilot'", "agents.logins must be a list", id="agents-string"
    ),
    pytest.param("[agents]\nbots = 5", "agents.bots must be a list", id="bots-number"),
    pytest.param("[agents]\nbots = 'renovate'", "agents.bots must be a list", id="bots-string"),
    pytest.param("[agents]\nbots = [7]", "agents.bots[0] must be text", id="bots-item-number"),
    pytest.param(
        "[agents]\nlogins = ['Robo@acme.test']\nbots = ['robo@ACME.test']",
        "agents lists 'robo@acme.test' both as an agent (logins) and as a bot (bots); "
        "keep it in one of them",
        id="agent-and-bot",
    ),
    pytest.param(
        "[agents]\nbots_are_agents = 'maybe'",
        "agents.bots_are_agents must be true or false",
        id="flag-string",
    ),
    pytest.param(
        "[sources]\nfirst_sync_days = 0",
        "sources.first_sync_days must be at least 1",
        id="first-sync-zero",
    ),
    pytest.param(
        "[sources.github]\nlag_minutes = -5",
        "sources.github.lag_minutes must be at least 0",
        id="lag-negative",
    ),
    pytest.param(
        "[sources.github]\nsince = 'last year'",
        "sources.github.since must be a date",
        id="since-words",
    ),
    pytest.param(
        "[sources.pagerduty]\nservices = ['PABC123']",
        "sources.pagerduty.services must be a table",
        id="pagerduty-services-list",
    ),
    # Scoring numbers out of range or out of order.
    pytest.param(
        "[scoring.bands]\nmoderate = 90",
        "scoring.bands must rise within 0–100 as moderate < high < critical",
        id="band-above-next",
    ),
    pytest.param(
        "[scoring.bands]\nhigh = 60\ncritical = 60",
        "scoring.bands must rise within 0–100",
        id="bands-equal",
    ),
    pytest.param(
        "[scoring.bands]\ncritical = 120",
        "scoring.bands must rise within 0–100",
        id="band-over-100",
    ),
    pytest.param(
        "[scoring.bands]\nmoderate = -5", "scoring.bands must rise within 0–100", id="band-negative"
    ),
    pytest.param(
        "[scoring.bands]\nhigh = nan", "scoring.bands must rise within 0–100", id="band-nan"
    ),
    pytest.param(
        "[scoring.weights]\nreview = -3",
        "scoring.weights.review must be a number 0 or more (got -3)",
        id="weight-negative",
    ),
    pytest.param(
        "[scoring.weights]\nsize = inf",
        "scoring.weights.size must be a number 0 or more",
        id="weight-infinite",
    ),
    pytest.param(
        "[scoring.rules]\nmttr_min_minutes = -30",
        "scoring.rules.mttr_min_minutes must be a number 0 or more",
        id="rule-negative",
    ),
    pytest.param(
        "[scoring]\nactive_incident_grace_hours = 0",
        "scoring.active_incident_grace_hours must be a number of hours above 0",
        id="grace-zero",
    ),
    pytest.param(
        "[scoring]\nactive_incident_grace_hours = -4",
        "scoring.active_incident_grace_hours must be a number of hours above 0",
        id="grace-negative",
    ),
    pytest.param(
        "[scoring]\nactive_incident_grace_hours = '4h'",
        "scoring.active_incident_grace_hours must be a number",
        id="grace-text",
    ),
    pytest.param(
        "[scoring]\nincident_lookback_days = 0",
        "scoring.incident_lookback_days must be a whole number of days, 1 or more",
        id="lookback-zero",
    ),
    pytest.param(
        "[scoring]\nincident_lookback_days = 7.5",
        "scoring.incident_lookback_days must be a whole number",
        id="lookback-fraction",
    ),
    # Unknown keys and sections.
    pytest.param(
        "[organization]\nname = 'x'", "organization is not a known setting", id="section-us"
    ),
    pytest.param("[slack]\nchannel = 'C1'", "slack is not a known setting", id="section-slack"),
    pytest.param(
        "[sources.gitlab]\nurl = 'x'", "sources.gitlab.url is not a known setting", id="gitlab"
    ),
    pytest.param(
        "[sources.gitlab]\nprojects = ['shop']",
        "sources.gitlab.projects 'shop' is not a GitLab project path",
        id="gitlab-project",
    ),
    pytest.param(
        "[sources.sourcehut]\nurl = 'x'",
        "sources.sourcehut is not a known setting",
        id="unknown-source",
    ),
    pytest.param(
        "[[services]]\nkey = 'a'\npath = 'src/**'",
        "services[0].path is not a known setting",
        id="service-path",
    ),
    pytest.param(
        "[sources.github]\nrepos = ['a/b']",
        "sources.github.repos is not a known setting",
        id="github-repos",
    ),
    pytest.param(
        "[scoring.bands]\nsevere = 90", "scoring.bands.severe is not a known setting", id="band"
    ),
    pytest.param(
        "[scoring.rules]\nmin_changes = 3",
        "scoring.rules.min_changes is not a known setting",
        id="rule",
    ),
    # Bad globs.
    pytest.param(
        "[[services]]\nkey = 'a'\npaths = ['']",
        "services[0].paths has a bad path glob",
        id="glob-empty",
    ),
    pytest.param(
        "[[services]]\nkey = 'a'\npaths = [' src/**']",
        "services[0].paths has a bad path glob",
        id="glob-space",
    ),
    pytest.param(
        "[[services]]\nkey = 'a'\npaths = ['src/**', 'lib/[a-']",
        "services[0].paths has a bad path glob",
        id="glob-unclosed",
    ),
    # Bad time zones.
    pytest.param(
        "[organisation]\ntimezone = 'UTC+2'",
        "organisation.timezone must be an IANA",
        id="tz-offset",
    ),
    pytest.param(
        "[organisation]\ntimezone = ''", "organisation.timezone must be an IANA", id="tz-empty"
    ),
    pytest.param(
        "[organisation]\ntimezone = '../../etc/passwd'",
        "organisation.timezone must be an IANA",
        id="tz-path",
    ),
    pytest.param(
        "[scoring]\ntimezone = 'Berlin'", "scoring.timezone must be an IANA", id="tz-scoring"
    ),
    pytest.param(SUB + "timezone = 42", "subscribers[0].timezone must be text", id="tz-number"),
    # Bad regular expressions in [sources].
    pytest.param(
        "[sources.github]\nproduction_environment = '^prod('",
        "sources.github.production_environment is not a valid regular expression",
        id="re-paren",
    ),
    pytest.param(
        "[sources.github]\ndeploy_workflow = '*deploy'",
        "sources.github.deploy_workflow is not a valid regular expression",
        id="re-star",
    ),
    pytest.param(
        "[sources.github]\nrelease_tags = '(?P<x'",
        "sources.github.release_tags is not a valid regular expression",
        id="re-group",
    ),
    pytest.param(
        "[sources.git]\ndeploy_tags = '[v'",
        "sources.git.deploy_tags is not a valid regular expression",
        id="re-class",
    ),
    # Bad values in [sources].
    pytest.param(
        "[[sources.files]]\npath = 'incidents.csv'\nkind = 'alerts'",
        "sources.files[0].kind must be incidents, deploys or error_budgets",
        id="file-kind",
    ),
    pytest.param(
        "[[sources.files]]\nkind = 'incidents'",
        "sources.files[0].path is missing",
        id="file-path-missing",
    ),
    # TOML itself.
    pytest.param("[organisation]\nname = 'a'\nname = 'b'", "is not valid TOML", id="duplicate-key"),
]


@pytest.mark.parametrize(("text", "expected"), MISTAKES)
def test_each_mistake_is_one_clear_sentence(text: str, expected: str) -> None:
    """The parser refuses the mistake with one line that names the key and what to put there."""
    with pytest.raises(ConfigError) as info:
        parse_org_config(text)
    message = str(info.value)
    assert message.startswith("riskbrief.toml")
    assert expected in message
    assert "\n" not in message
    assert "Input should" not in message, "pydantic's wording, not a sentence for a user"
    assert "For further information" not in message


@pytest.mark.parametrize(("text", "expected"), MISTAKES)
def test_score_reports_the_mistake_in_one_line(tmp_path: Path, text: str, expected: str) -> None:
    """`riskbrief score` with the broken file exits 1 with that one line and no traceback."""
    config = tmp_path / "riskbrief.toml"
    config.write_text(text, encoding="utf-8")
    env = {
        "RISKBRIEF_CONFIG": str(config),
        "RISKBRIEF_DATABASE_URL": f"sqlite:///{tmp_path}/riskbrief.db",
    }
    result = CliRunner().invoke(main, ["score"], env=env)
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output


def test_score_as_a_process_says_one_line(tmp_path: Path) -> None:
    """The installed command, as a process, prints the mistake as one line and exits 1."""
    config = tmp_path / "riskbrief.toml"
    config.write_text("[sources.github]\nproduction_environment = '^prod('\n", encoding="utf-8")
    done = subprocess.run(
        [str(Path(sys.executable).with_name("riskbrief")), "score"],
        capture_output=True,
        text=True,
        env={
            "RISKBRIEF_CONFIG": str(config),
            "RISKBRIEF_DATABASE_URL": f"sqlite:///{tmp_path}/riskbrief.db",
            "PATH": "/usr/bin:/bin",
        },
        cwd=tmp_path,
        check=False,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"Error: {config}: sources.github.production_environment is not a valid regular "
        "expression (missing ), unterminated subpattern at position 5)"
    ]


def test_a_file_that_is_not_utf8_is_one_sentence(tmp_path: Path) -> None:
    """A riskbrief.toml saved in another encoding says it cannot be read, in one line."""
    config = tmp_path / "riskbrief.toml"
    config.write_bytes("[organisation]\nname = 'Société'\n".encode("latin-1"))
    with pytest.raises(ConfigError) as info:
        load_org_config(config)
    assert "cannot be read" in str(info.value)
    assert "\n" not in str(info.value)
