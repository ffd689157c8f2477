"""`riskbrief ask`: `/risk` answered in the terminal by the Slack app's own code."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder `riskbrief demo` wrote the sample organisation to."""
    out = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(main, ["demo", "--out", str(out), "--as-of", "2026-11-23"])
    assert result.exit_code == 0, result.output
    return out


def _ask(demo: Path, *text: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["ask", "--demo", "--demo-dir", str(demo), *text])
    return result.exit_code, result.output


def test_a_pr_is_explained_with_its_signals_gates_and_link(demo: Path) -> None:
    """`ask pr <id>` prints the change's score, signals and gates, with its link written out."""
    code, out = _ask(demo, "pr", "acme/platform#4503")
    assert code == 0, out
    assert "Risk *72*, very high risk" in out
    assert "contains a schema migration" in out
    assert "(https://github.com/acme/platform/pull/4503)" in out
    assert "&lt;" not in out
    assert "<http" not in out


def test_a_deploy_shows_what_it_shipped_and_its_incident(demo: Path) -> None:
    """`ask deploy latest checkout` names the shipped changes and the incident that followed."""
    code, out = _ask(demo, "deploy", "latest", "checkout")
    assert code == 0, out
    assert "acme/platform#4521" in out
    assert "INC-1039" in out


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        pytest.param(("prr", "x"), "I did not understand", id="malformed"),
        pytest.param(("pr", "acme/platform#1"), "acme/platform#1", id="unknown-pr"),
        pytest.param(("subscribe",), "act on a Slack member", id="slack-only"),
        pytest.param(("brief", "nowhere"), "nowhere", id="unknown-team"),
    ],
)
def test_mistakes_are_one_sentence(demo: Path, text: tuple[str, ...], needle: str) -> None:
    """A malformed, unknown or Slack-only command is answered in words, never a traceback."""
    _, out = _ask(demo, *text)
    assert needle in out
    assert "Traceback" not in out


def test_help_lists_the_commands(demo: Path) -> None:
    """`ask help` prints the same help as `/risk help`."""
    code, out = _ask(demo, "help")
    assert code == 0
    assert "/risk pr" in out


def test_without_the_demo_it_says_how_to_make_it(tmp_path: Path) -> None:
    """`ask --demo` before `riskbrief demo` says to run it."""
    result = CliRunner().invoke(main, ["ask", "--demo", "--demo-dir", str(tmp_path), "brief"])
    assert result.exit_code != 0
    assert f"run `riskbrief demo --out {tmp_path}`" in result.output


def test_an_unknown_service_lists_each_service_once(demo: Path) -> None:
    """`ask service nope` names every service once (Checkout, not checkout and Checkout), exit 1."""
    code, out = _ask(demo, "service", "nope")
    assert code == 1
    assert "use one of: `Checkout`, `Identity`, `Infrastructure`, `Notifications`," in out
    assert "`checkout`" not in out
    assert "`infra`" not in out


def test_a_deploy_id_a_card_prints_is_answered_in_the_readers_zone(demo: Path) -> None:
    """The incident card's `deploy:checkout:…` id is askable; --as names the reader's zone."""
    code, out = _ask(demo, "--as", "commerce-lead", "deploy", "deploy:checkout:2026-11-20T15:35")
    assert code == 0, out
    assert out.startswith("*Checkout deploy of Fri 2026-11-20 16:35 Europe/Berlin*")
    code, out = _ask(demo, "--as", "discovery-lead", "pr", "acme/platform#4472")
    assert code == 0, out
    # 08:40 in New York is 13:40 UTC, 19:10 in Kolkata.
    assert "merged Fri 2026-11-13 19:10 Asia/Kolkata" in out


def test_a_name_outside_the_subscribers_scope_is_refused_as_one_that_exists_nowhere(
    demo: Path,
) -> None:
    """`ask --as discovery-lead` naming Commerce's team or service, or a look-alike of it,
    prints the very words of a name that exists nowhere, offering only Discovery's names."""
    for verb in ("brief", "plan", "agents", "service"):
        code, nowhere = _ask(demo, "--as", "discovery-lead", verb, "zzq")
        assert code == 1, nowhere
        assert "There is no" in nowhere
        for name in ("Commerce", "payments", "Ｃommerce", "Com\u200bmerce", "C\u043emmerce"):
            code, out = _ask(demo, "--as", "discovery-lead", verb, name)
            assert code == 1, out
            assert out.replace(name.replace("\u200b", ""), "zzq") == nowhere, (verb, name, out)
        listed = nowhere.split("”")[-1]
        assert "Commerce" not in listed
        assert "Payments" not in listed
        assert "Search" in listed


def test_one_change_deploy_or_incident_is_told_within_the_callers_scope(demo: Path) -> None:
    """`pr`, `deploy` and `incident` answer within the subscriber's scope alike: Discovery's
    lead is refused a Payments change, a Checkout deploy and its incident in one sentence each,
    as the VP is answered."""
    for words in (
        ("pr", "acme/platform#4503"),
        ("deploy", "deploy:checkout:2026-11-20T15:35"),
        ("deploy", "latest", "checkout"),
        ("incident", "INC-1039"),
    ):
        code, out = _ask(demo, "--as", "discovery-lead", *words)
        assert code == 1, out
        # `latest` names a service: one outside the scope is no service at all.
        said = "There is no service called" if "latest" in words else "your scope"
        assert said in out
        assert out.count(". ") == 0, out
        code, out = _ask(demo, "--as", "vp-engineering", *words)
        assert code == 0, out
