"""`riskbrief mcp` over stdio, driven by the MCP SDK's own client against the demo store."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.answers.records.change import CHANGE_NOT_FOUND
from bot.answers.records.deploy import DEPLOY_NOT_FOUND
from bot.answers.records.incident import INCIDENT_NOT_FOUND
from tests.bot.mcp.client import Session, over_stdio, strings
from tests.bot.mcp.conftest import HOSTILE_BRANCH, HOSTILE_KEY, HOSTILE_TITLE, registered_tools

TOOLS = set(registered_tools())
WEEK = "2026-W47"
# A change of the ledger story, gated very high by its schema migration.
LEDGER = "acme/platform#4503"
LEDGER_SHA = "eb486eba99dba9435d89f04501cef9c366dbbd68"
# The Friday checkout change that INC-1039 followed; HOSTILE_KEY reverted it.
FRIDAY = "acme/platform#4521"
# The deploy that shipped FRIDAY, followed by INC-1039: Checkout's latest.
FRIDAY_DEPLOY = "deploy:checkout:2026-11-20T15:35"
# A search change: outside Commerce's scope.
SEARCH_CHANGE = "acme/platform#4513"


def _not_found(tool: str, sentence: str) -> str:
    """The SDK's prefix before a tool's own one-sentence error."""
    return f"Error executing tool {tool}: {sentence}"


def _serve(demo_dir: Path, env: dict[str, str], *extra: str, calls: Any) -> Session:
    args = ["mcp", "--demo", "--demo-dir", str(demo_dir), *extra]
    return over_stdio(args, calls, env)


@pytest.fixture(scope="module")
def whole(demo_dir: Path) -> Session:
    """One stdio session for the whole organisation, calling every tool, right and wrong."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKBRIEF_")}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("change_risk", {"change": LEDGER}),
        ("change_risk", {"change": "https://github.com/acme/platform/pull/4503/files"}),
        ("change_risk", {"change": LEDGER_SHA[:10]}),
        ("change_risk", {"change": HOSTILE_KEY}),
        ("change_risk", {"change": "acme/platform#1"}),
        ("change_risk", {"change": "'; DROP TABLE change; --"}),
        ("service_record", {"service": "Checkout", "week": WEEK}),
        ("service_record", {"service": "nope", "week": WEEK}),
        ("briefing", {"week": WEEK}),
        ("briefing", {"week": WEEK, "scope": ["Commerce"]}),
        ("briefing", {"week": "2026-W99"}),
        ("agent_activity", {"week": WEEK}),
        ("change_risk", {}),
        ("change_risk", {"change": FRIDAY}),
        ("open_pull_requests", {}),
        ("open_pull_requests", {"scope": ["search"]}),
        ("open_pull_requests", {"at_least": "extreme"}),
        ("change_risk", {"change": "https://github.com/acme/platform/pull/9001"}),
        ("deploy_risk", {"deploy": FRIDAY_DEPLOY}),
        ("deploy_risk", {"service": "Checkout"}),
        ("deploy_risk", {}),
        ("incident_culprits", {"incident": "INC-1039"}),
        ("incident_culprits", {"incident": "inc-1039"}),
        ("incident_culprits", {"incident": "INC-404"}),
    ]
    return _serve(demo_dir, env, calls=calls)


def test_every_tool_is_listed_read_only_with_schemas(whole: Session) -> None:
    """The tools are listed, each read-only with input and output JSON schemas."""
    assert set(whole.tools) == TOOLS
    for tool in whole.tools.values():
        assert tool.output_schema is not None
        assert tool.input_schema["type"] == "object"
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is True
    assert whole.tools["change_risk"].input_schema["required"] == ["change"]


def test_a_change_s_points_add_up_to_its_score(whole: Session) -> None:
    """The ledger PR: score 80, very high, its points add up, its migration gate, its deploy."""
    risk = whole.answers[0].data
    assert risk["key"] == LEDGER
    assert (risk["score"], risk["band"]) == (72, "very high")
    assert sum(s["points"] for s in risk["signals"]) == risk["score"]
    assert all(s["explanation"] for s in risk["signals"])
    gates = {g["name"]: g["floor"] for g in risk["gates"]}
    assert gates["schema_migration"] == "very high"
    assert risk["deploys"], "the ledger PR shipped in a payments deploy"
    assert risk["deploys"][0]["service"] == "payments"


def test_a_url_and_a_short_sha_find_the_same_change(whole: Session) -> None:
    """A PR URL (with /files) and a 10-digit sha name the change its key does."""
    assert whole.answers[1].data["key"] == LEDGER
    assert whole.answers[2].data["key"] == LEDGER


def test_what_followed_a_change_is_its_deploy_incident_and_revert(whole: Session) -> None:
    """The Friday checkout change: shipped by the deploy INC-1039 followed, reverted by #4522."""
    risk = whole.answers[13].data
    incidents = [i["key"] for d in risk["deploys"] for i in d["incidents"]]
    assert "INC-1039" in incidents
    assert [r["key"] for r in risk["reverted_by"]] == [HOSTILE_KEY]


def test_a_hostile_title_comes_back_only_as_a_title(whole: Session) -> None:
    """A PR title and branch written as instructions are returned verbatim, in their own fields."""
    risk = whole.answers[3].data
    assert risk["title"] == HOSTILE_TITLE
    assert risk["head_branch"] == HOSTILE_BRANCH
    holders = {path for path, text in strings(risk) if "Ignore previous" in text}
    assert holders == {".title"}
    reverted = whole.answers[13].data
    holders = {path for path, text in strings(reverted) if "Ignore previous" in text}
    assert holders == {".reverted_by[0].title"}
    briefing = whole.answers[8].data
    holders = {path for path, text in strings(briefing) if "Ignore previous" in text}
    assert holders, [c["key"] for c in briefing["top_changes"]]
    assert all(path.endswith(".title") for path in holders), holders


@pytest.mark.parametrize("index", [4, 5])
def test_an_unknown_or_malformed_key_is_the_one_not_found_sentence(
    whole: Session, index: int
) -> None:
    """A key no change has and text that is no key at all get the same one sentence."""
    assert whole.answers[index].error == _not_found("change_risk", CHANGE_NOT_FOUND)


def test_a_service_s_record_compares_two_weeks(whole: Session) -> None:
    """Checkout's W47 against W46: bands, the incident that followed, CFR, MTTR and the week's
    burn of its error budget."""
    record = whole.answers[6].data
    assert record["service"] == "checkout"
    assert (record["this_week"]["week"], record["last_week"]["week"]) == (WEEK, "2026-W46")
    bands = record["this_week"]["bands"]
    assert sum(bands.values()) == record["this_week"]["changes"]
    assert "INC-1039" in [i["key"] for i in record["incidents"]]
    assert record["this_week"]["change_failure_rate"] is not None
    assert record["riskiest_deploys"][0]["band"] in ("high", "very high")
    # Its error budget's week: 29 points burned of a 30-day budget, faster than its even pace.
    budget = record["error_budget"]
    assert (budget["burned_percent"], budget["window_days"]) == (29, 30)
    assert budget["burn_rate"] >= 1


def test_an_unknown_service_names_the_services_in_scope(whole: Session) -> None:
    """A service that does not exist is one sentence listing the services the caller may see."""
    error = whole.answers[7].error
    assert error is not None
    assert error.startswith(_not_found("service_record", "There is no service called"))
    assert "`Checkout`" in error
    assert "`Search`" in error


def test_the_briefing_is_the_payload_s_cards_with_facts_and_evidence(whole: Session) -> None:
    """The whole organisation's W47: 3 critical, 1 warning (a deploy past its error budget) and
    1 info card, each with facts and evidence, and the error budgets that burned fastest."""
    briefing = whole.answers[8].data
    assert briefing["severity_counts"] == {"critical": 3, "warning": 1, "info": 1}
    assert briefing["scope"] == "whole organisation"
    critical = [c for c in briefing["cards"] if c["severity"] == "critical"]
    assert len(critical) == 3
    assert all(c["facts"] and c["evidence"] for c in critical)
    assert all(f["text"] for c in critical for f in c["facts"])
    commerce = whole.answers[9].data
    assert commerce["scope"] == "Commerce"
    assert set(commerce["services"]) == {"payments", "checkout"}
    # The error budgets burned fastest, each scope its own: Notifications, then Checkout.
    assert [b["service"] for b in briefing["budget_burns"]] == ["notifications", "checkout"]
    assert all(b["burn_rate"] >= 1 and b["window_days"] == 30 for b in briefing["budget_burns"])
    assert [b["service"] for b in commerce["budget_burns"]] == ["checkout"]


def test_a_malformed_week_and_missing_arguments_are_errors(whole: Session) -> None:
    """A week that does not exist is one sentence; a call without its argument is refused."""
    assert whole.answers[10].error == _not_found(
        "briefing", "That is not an ISO week; write it as 2026-W47."
    )
    missing = whole.answers[12].error
    assert missing is not None
    assert "change" in missing


def test_agent_activity_counts_the_unreviewed_agent(whole: Session) -> None:
    """W47's agents: copilot's four changes merged without a human approval, against humans'."""
    activity = whole.answers[11].data
    agents = {a["agent"]: a for a in activity["agents"]}
    copilot = agents["copilot-swe-agent[bot]"]
    assert (copilot["changes"], copilot["not_reviewed"]) == (4, 4)
    assert activity["agent_changes"] == sum(a["changes"] for a in activity["agents"])
    assert sum(activity["human_bands"].values()) == activity["human_changes"]
    assert len(activity["unreviewed_changes"]) == 4


def test_agent_activity_carries_outcomes_by_kind_beside_peoples(whole: Session) -> None:
    """Over the 12 weeks to W47, each kind's agents and people figures add up, later fixes are
    unknown without a clone, and an agent's login is described as data."""
    outcomes = whole.answers[11].data["outcomes"]
    assert outcomes["weeks"] == 12
    assert outcomes["until_week"] == WEEK
    kinds = outcomes["all_agents"]
    assert sum(k["agents"]["changes"] for k in kinds) == outcomes["agent_changes"]
    for k in kinds:
        for side in (k["agents"], k["people"]):
            reviews = side["human_reviewed"] + side["not_reviewed"] + side["review_unknown"]
            assert reviews == side["changes"]
            assert side["later_fixed"] is None
    assert outcomes["later_fixes_known"] is False
    schema = whole.tools["agent_activity"].output_schema
    assert schema is not None
    agent = schema["$defs"]["AgentKinds"]
    assert "verbatim" in agent["properties"]["agent"]["description"]


def test_open_pull_requests_are_listed_riskiest_first(whole: Session) -> None:
    """The agent's payments rewrite before the small search change; a hostile title stays data."""
    listed = whole.answers[14].data
    assert [p["key"] for p in listed["pulls"]] == ["acme/platform#9001", "acme/platform#9002"]
    assert (listed["open"], listed["unscored"]) == (2, 0)
    rewrite, search = listed["pulls"]
    assert rewrite["score"] > search["score"]
    assert rewrite["agent_involved"] is True
    assert rewrite["services"] == ["payments"]
    holders = {path for path, text in strings(listed) if "Ignore previous" in text}
    assert holders == {".pulls[1].title"}
    assert search["head_branch"] == HOSTILE_BRANCH
    only_search = whole.answers[15].data
    assert [p["key"] for p in only_search["pulls"]] == ["acme/platform#9002"]


def test_an_open_pull_request_is_a_change_too(whole: Session) -> None:
    """change_risk answers an open PR by its URL: open, not merged, scored as of now."""
    risk = whole.answers[17].data
    assert (risk["key"], risk["state"], risk["merged_at"]) == ("acme/platform#9001", "open", None)
    assert sum(s["points"] for s in risk["signals"]) == risk["score"]
    assert whole.answers[16].error == _not_found(
        "open_pull_requests", "That is not a band; use low, moderate, high or very high."
    )


def test_a_deploy_is_told_with_what_it_shipped_and_what_followed(whole: Session) -> None:
    """deploy_risk by key and as a service's latest: its points, what it shipped, what followed."""
    risk = whole.answers[18].data
    assert (risk["key"], risk["service"], risk["score"], risk["band"]) == (
        FRIDAY_DEPLOY,
        "checkout",
        80,
        "very high",
    )
    assert sum(s["points"] for s in risk["signals"]) == risk["score"]
    assert [c["key"] for c in risk["changes"]] == [FRIDAY, "acme/platform#4515"]
    assert risk["unscored"] == []
    assert [i["key"] for i in risk["incidents"]] == [f"revert:{HOSTILE_KEY}", "INC-1039"]
    assert [r["key"] for r in risk["reverts"]] == [HOSTILE_KEY]
    # What found it, as fields: the kind, what it matched and the rule; readers word them.
    assert risk["found_by"] == {"kind": "sample", "match": "", "rule": "", "job": ""}
    assert whole.answers[19].data == risk
    assert whole.answers[20].error == _not_found(
        "deploy_risk",
        "Give a deploy as its key or release tag, or a service for its latest deploy.",
    )


def test_an_incident_s_first_culprit_is_the_change_its_team_reverted(whole: Session) -> None:
    """INC-1039: the Friday change HOSTILE_KEY reverted comes first, with the revert named as
    its evidence; a key in other case finds it too, an unknown one is one sentence."""
    record = whole.answers[21].data
    assert (record["key"], record["service"], record["window_hours"]) == (
        "INC-1039",
        "checkout",
        72,
    )
    first = record["culprits"][0]
    assert first["key"] == FRIDAY
    assert first["evidence"][0]["kind"] == "reverted"
    assert first["evidence"][0]["words"].startswith(f"reverted by {HOSTILE_KEY} ")
    assert first["points"] == sum(e["points"] for e in first["evidence"])
    assert [c["rank"] for c in record["culprits"]] == list(range(1, len(record["culprits"]) + 1))
    assert whole.answers[22].data == record
    assert whole.answers[23].error == _not_found("incident_culprits", INCIDENT_NOT_FOUND)


def test_a_subscriber_s_scope_hides_what_lies_outside(demo_dir: Path) -> None:
    """With --subscriber commerce-lead a search change or service reads as one that is not there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKBRIEF_")}
    calls: list[tuple[str, dict[str, Any]]] = [
        ("change_risk", {"change": SEARCH_CHANGE}),
        ("change_risk", {"change": "acme/platform#999999"}),
        ("change_risk", {"change": LEDGER}),
        ("service_record", {"service": "search", "week": WEEK}),
        ("service_record", {"service": "nowhere", "week": WEEK}),
        ("briefing", {"week": WEEK, "scope": ["Discovery"]}),
        ("briefing", {"week": WEEK}),
        ("agent_activity", {"week": WEEK}),
        ("open_pull_requests", {}),
        ("change_risk", {"change": "acme/platform#9002"}),
        ("deploy_risk", {"deploy": "deploy:search:2026-11-20T16:40"}),
        ("deploy_risk", {"deploy": "deploy:search:1999-01-01T00:00"}),
        ("deploy_risk", {"service": "search"}),
        ("incident_culprits", {"incident": "INC-1038"}),
        ("incident_culprits", {"incident": "INC-1039"}),
    ]
    session = _serve(demo_dir, env, "--subscriber", "commerce-lead", calls=calls)
    outside, missing, inside, search, nowhere, discovery, own, agents, pulls, open_search = (
        session.answers[:10]
    )
    search_deploy, no_deploy, search_latest, search_incident, checkout_incident = session.answers[
        10:
    ]
    # INC-1038 hit Search, outside Commerce: told in the words of an incident that is not there.
    assert search_incident.error == _not_found("incident_culprits", INCIDENT_NOT_FOUND)
    assert checkout_incident.data["culprits"][0]["key"] == FRIDAY
    assert search_deploy.error == no_deploy.error == _not_found("deploy_risk", DEPLOY_NOT_FOUND)
    assert search.error is not None
    assert search_latest.error == search.error.replace("service_record", "deploy_risk")
    assert [p["key"] for p in pulls.data["pulls"]] == ["acme/platform#9001"]
    assert open_search.error == missing.error
    assert outside.error == missing.error == _not_found("change_risk", CHANGE_NOT_FOUND)
    assert inside.data["key"] == LEDGER
    # The refusal repeats the name asked about and otherwise reads as a missing one's.
    assert search.error is not None
    assert search.error.replace("“search”", "“nowhere”") == nowhere.error
    assert search.error.endswith("use one of: `Checkout`, `Payments`")
    assert discovery.error is not None
    assert "search" not in discovery.error.lower().split("”")[-1]
    assert own.data["scope"] == "Commerce"
    assert own.data["timezone"] == "Europe/Berlin"
    assert agents.data["scope"] == "Commerce"


def _riskbrief(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    script = str(Path(sys.executable).with_name("riskbrief"))
    return subprocess.run(
        [script, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_an_unreachable_store_is_one_sentence(tmp_path: Path, clean_env: dict[str, str]) -> None:
    """A store that does not answer ends `riskbrief mcp` before it serves, in one line, exit 1."""
    (tmp_path / "riskbrief.toml").write_text('[organisation]\nname = "Tiny"\n')
    env = {
        **clean_env,
        "RISKBRIEF_CONFIG": str(tmp_path / "riskbrief.toml"),
        "RISKBRIEF_DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2",
    }
    done = _riskbrief(["mcp"], env)
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: ")
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        pytest.param(["--subscriber", "nobody"], "no active subscriber 'nobody'", id="subscriber"),
        pytest.param(["--demo-dir", "/nonexistent"], "run `riskbrief demo", id="no-demo"),
    ],
)
def test_a_wrong_option_is_one_sentence(
    demo_dir: Path, clean_env: dict[str, str], args: list[str], needle: str
) -> None:
    """An unknown subscriber or a missing demo ends `riskbrief mcp` in one line, exit 1."""
    base = ["mcp", "--demo"] + ([] if "--demo-dir" in args else ["--demo-dir", str(demo_dir)])
    done = _riskbrief([*base, *args], clean_env)
    assert done.returncode == 1
    assert needle in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
