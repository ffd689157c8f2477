"""riskbrief.toml: a good file parses, and every mistake is one sentence naming the key."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from data.config import load_org_config, parse_org_config
from data.sources.registry import SOURCES
from data.sources.spec import SourceSpec
from scoring.errors import ConfigError

GOOD = """
[organisation]
name = "Acme"
timezone = "Europe/Berlin"

[[repositories]]
name = "acme/shop"

[[services]]
key = "payments"
repository = "acme/shop"
paths = ["services/payments/**"]

[[services]]
key = "search"
paths = ["services/search/**", "libs/query/*.py"]

[[teams]]
key = "money"
services = ["payments"]

[[subscribers]]
key = "maria"
email = "maria@example.com"
timezone = "America/New_York"
teams = ["money"]

[scoring.weights]
review = 25
"""


def test_good_file_parses_and_maps_paths_to_services() -> None:
    """Services are found by their globs, teams own them, overrides reach the scorer."""
    org = parse_org_config(GOOD)
    assert org.service_for_path("acme/shop", "services/payments/api/charge.py") == "payments"
    assert org.service_for_path("acme/shop", "libs/query/parse.py") == "search"
    assert org.service_for_path("acme/shop", "libs/query/deep/parse.py") is None
    assert org.team_of_service("payments") == "money"
    assert org.scope_services(("money",), ()) == ("payments",)
    assert org.scope_services((), ()) == ("payments", "search")
    cfg = org.scoring_config()
    assert cfg.weights.review == 25.0
    assert cfg.timezone == "Europe/Berlin"


def test_a_weight_under_its_old_name_still_counts() -> None:
    """`deploy_batch`, the batch-size weight's name before it took its signal's, still reads."""
    old = parse_org_config(GOOD.replace("review = 25", "deploy_batch = 4"))
    new = parse_org_config(GOOD.replace("review = 25", "batch_size = 4"))
    assert old.scoring_config().weights.batch_size == 4.0
    assert old.scoring_config() == new.scoring_config()


def test_example_written_by_init_parses() -> None:
    """The commented example that `riskbrief init` writes is a valid configuration."""
    text = (Path(__file__).parents[3] / "bot" / "example.toml").read_text()
    org = parse_org_config(text)
    assert org.subscribers[0].key == "maria"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "[organisation]\nnmae = 'x'",
            "organisation.nmae is not a known setting; did you mean name?",
        ),
        ("[[servces]]\nkey = 'a'", "servces is not a known setting; did you mean services?"),
        (
            "[[subscribers]]\nkey = 'x'\nemail = 'a@b.co'\ntimezon = 'UTC'",
            "subscribers[0].timezon is not a known setting; did you mean timezone?",
        ),
        ("[organisation]\ntimezone = 'Mars/Olympus'", "organisation.timezone must be an IANA"),
        ("[organisation]\nname_people = 'sometimes'", "organisation.name_people"),
        (
            "[[services]]\nkey = 'a'\npaths = ['src/[abc']",
            "services[0].paths has a bad path glob",
        ),
        ("[[services]]\nkey = 'Payments Team'", "services[0].key must be lowercase letters"),
        (
            "[[subscribers]]\nkey = 'x'",
            # Every registered channel's key follows, the built-in ones first.
            "subscribers[0] needs an address to deliver to: a slack_user_id, email",
        ),
        (
            "[[subscribers]]\nkey = 'x'\nemail = 'not-an-address'",
            "subscribers[0].email must be an address such as",
        ),
        (
            "[[subscribers]]\nkey = 'x'\nemail = 'maria..x@example.com'",
            "subscribers[0].email must be an address such as maria@example.com (got 'maria..x",
        ),
        (
            "[[subscribers]]\nkey = 'x'\nemail = 'Maria <maria@example.com>'",
            "subscribers[0].email must be an address such as maria@example.com (got 'Maria <",
        ),
        (
            "[[subscribers]]\nkey = 'x'\nslack_user_id = 'maria'",
            "subscribers[0].slack_user_id must be a Slack member id",
        ),
        (
            "[[subscribers]]\nkey = 'x'\nemail = 'a@b.co'\ntimezone = 'CEST'",
            "subscribers[0].timezone must be an IANA time zone",
        ),
        ("[[teams]]\nkey = 't'\nservices = ['nope']", "teams[0].services names 'nope'"),
        (
            "[[services]]\nkey = 'a'\n[[services]]\nkey = 'a'",
            "services: the key 'a' is used twice",
        ),
        ("[delivery]\ntime = '9am'", "delivery.time must be a 24-hour time such as 09:00"),
        ("[scoring.weights]\nreveiw = 3", "scoring.weights.reveiw is not a known setting; did"),
        ("organisation = [", "is not valid TOML"),
    ],
)
def test_each_mistake_is_one_sentence_naming_the_key(text: str, expected: str) -> None:
    """A wrong setting gives a single line that names the key and what to put there."""
    with pytest.raises(ConfigError) as info:
        parse_org_config(text)
    message = str(info.value)
    assert expected in message
    assert "\n" not in message
    assert "Traceback" not in message


def test_missing_file_says_to_run_init(tmp_path: Path) -> None:
    """A missing riskbrief.toml points at `riskbrief init`."""
    with pytest.raises(ConfigError, match="riskbrief init"):
        load_org_config(tmp_path / "riskbrief.toml")


def test_whole_number_rule_refuses_a_fraction() -> None:
    """A count rule given a fraction is refused rather than silently cut off."""
    with pytest.raises(ConfigError, match=r"scoring\.rules\.shift_min_changes must be a whole"):
        parse_org_config("[scoring.rules]\nshift_min_changes = 5.5")
    org = parse_org_config("[scoring.rules]\nshift_min_changes = 6.0")
    assert org.scoring_config().rules.shift_min_changes == 6


def test_incident_window_and_ordered_bands_reach_the_scorer() -> None:
    """The active-incident window, the lookback and rising band overrides reach the scorer."""
    org = parse_org_config(
        "[scoring]\nactive_incident_grace_hours = 2.5\nincident_lookback_days = 14\n"
        "[scoring.bands]\nmoderate = 20\nhigh = 50\ncritical = 70\n"
    )
    cfg = org.scoring_config()
    assert (cfg.active_incident_grace_hours, cfg.incident_lookback_days) == (2.5, 14)
    assert (cfg.bands.moderate, cfg.bands.high, cfg.bands.critical) == (20, 50, 70)
    assert parse_org_config("").scoring_config().active_incident_grace_hours == 4.0


@pytest.mark.parametrize(
    ("sources", "known"),
    [
        ("", True),
        ("[sources]\nreverts_as_incidents = false\n", False),
        (
            '[sources]\nreverts_as_incidents = false\n[[sources.files]]\npath = "i.csv"\n',
            True,
        ),
        (
            '[sources]\nreverts_as_incidents = false\n[[sources.files]]\npath = "d.csv"\n'
            'kind = "deploys"\n',
            False,
        ),
        ("[sources]\nreverts_as_incidents = false\n[sources.pagerduty]\n", True),
        ("[sources]\nreverts_as_incidents = false\n[sources.opsgenie]\n", True),
        ("[sources]\nreverts_as_incidents = false\n[sources.github]\n", False),
        (
            '[sources]\nreverts_as_incidents = false\n[sources.github]\nincident_label = "inc"\n',
            True,
        ),
    ],
)
def test_incident_history_is_known_only_with_an_incident_source(sources: str, known: bool) -> None:
    """The scorer treats incident history as known exactly when some source reports incidents."""
    assert parse_org_config(sources).scoring_config().incidents_known is known


@pytest.mark.parametrize("spec", SOURCES, ids=lambda s: s.key)
def test_the_example_shows_every_registered_source_and_its_block_parses(
    spec: SourceSpec[Any],
) -> None:
    """Each registered source's commented `[sources.<key>]` block (an array's
    `[[sources.<key>]]`) in example.toml reads."""
    lines = (Path(__file__).parents[3] / "bot" / "example.toml").read_text().splitlines()
    table = f"[[sources.{spec.key}]]" if spec.many else f"[sources.{spec.key}]"
    start = lines.index(next(x for x in lines if x.startswith(f"# {table}")))
    block: list[str] = []
    for line in lines[start:]:
        if block and (not line.startswith("# ") or line.startswith("# [")):
            break
        block.append(line.removeprefix("# "))
    org = parse_org_config("\n".join(block))
    assert spec.settings_of(org) is not None
    assert len(block) >= 2
