"""`proposal_risk` over stdio: a diff, or two refs of the clone riskbrief.toml names, judged now."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.bot.mcp.client import Session, over_stdio, strings
from tests.bot.mcp.conftest import HOSTILE_TITLE
from tests.bot.mcp.conftest import SEARCH_DIFF as SEARCH
from tests.data.sources.gitrepo import GitRepo

MIGRATION = """\
--- /dev/null
+++ b/services/payments/ledger/migrations/0042_fees.sql
@@ -0,0 +1,2 @@
+ALTER TABLE ledger ADD COLUMN fee_cents integer;
+ALTER TABLE ledger ADD COLUMN fee_currency text;
"""
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _new_file(path: str, lines: int) -> str:
    """A unified diff adding ``path`` with ``lines`` lines of code."""
    body = "".join(f"+value_{n} = charge({n})\n" for n in range(lines))
    return f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{lines} @@\n{body}"


# A large payments change that also reaches into search: two services, no tests.
TWO_SERVICES = _new_file("services/payments/fees.py", 260) + _new_file(
    "services/search/boost.py", 60
)


@pytest.fixture(scope="module")
def clone_config(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The demo store with riskbrief.toml naming a clone of acme/platform with a feature branch."""
    root = tmp_path_factory.mktemp("clone")
    repo = GitRepo(root / "platform")
    repo.commit(
        {
            "services/payments/api.py": "def pay():\n    pass\n",
            "services/search/rank.py": "def rank():\n    pass\n",
            "CODEOWNERS": "services/payments/ @alice\nservices/search/ @acme/discovery\n",
        },
        "Start payments",
        T0,
    )
    # A branch growing payments and search alike, with no test: two services, two owners.
    repo.git("checkout", "-q", "-b", "two-services")
    repo.commit(
        {
            "services/payments/api.py": "".join(f"fee_{n} = charge({n})\n" for n in range(240)),
            "services/search/rank.py": "".join(f"boost_{n} = score({n})\n" for n in range(90)),
        },
        "Grow payments and search",
        T0 + timedelta(days=1),
    )
    repo.git("checkout", "-q", "main")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        {"services/payments/api.py": "def pay():\n    charge()\n    record()\n"},
        HOSTILE_TITLE,
        T0 + timedelta(days=1),
    )
    repo.git("checkout", "-q", "main")
    config = (demo_dir / "riskbrief.toml").read_text(encoding="utf-8")
    config = config.replace(
        'name = "acme/platform"\n', f'name = "acme/platform"\npath = "{repo.path}"\n', 1
    )
    (root / "riskbrief.toml").write_text(config, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("RISKBRIEF_")}
    return env | {
        "RISKBRIEF_CONFIG": str(root / "riskbrief.toml"),
        "RISKBRIEF_DATABASE_URL": f"sqlite:///{demo_dir / 'demo.db'}",
    }


@pytest.fixture(scope="module")
def proposals(clone_config: dict[str, str]) -> Session:
    """One session of proposals, right and wrong, for the whole organisation."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("proposal_risk", {"diff": MIGRATION, "author": "tbauer", "title": HOSTILE_TITLE}),
        ("proposal_risk", {"diff": "this is not a diff", "author": "tbauer"}),
        ("proposal_risk", {"diff": MIGRATION}),
        ("proposal_risk", {"base": "main", "head": "feature", "author": "tbauer"}),
        ("proposal_risk", {"base": "main", "head": "no-such-branch"}),
        ("proposal_risk", {"base": "--upload-pack=touch /tmp/pwned", "head": "feature"}),
        ("proposal_risk", {"diff": MIGRATION, "author": "tbauer", "base": "main"}),
        ("proposal_risk", {"diff": MIGRATION, "author": "tbauer", "repository": "elsewhere"}),
        ("proposal_risk", {"diff": TWO_SERVICES, "author": "tbauer", "title": HOSTILE_TITLE}),
        ("proposal_risk", {"base": "main", "head": "two-services", "author": "tbauer"}),
    ]
    return over_stdio(["mcp"], calls, clone_config)


def _error(session: Session, index: int) -> str:
    error = session.answers[index].error
    assert error is not None
    return error.removeprefix("Error executing tool proposal_risk: ")


def test_a_diff_is_scored_with_its_gate_points_and_advice(proposals: Session) -> None:
    """A payments migration: at least very high, its points add up, advice says to split it."""
    assert "proposal_risk" in proposals.tools
    risk = proposals.answers[0].data
    assert risk["band"] == "very high"
    assert sum(s["points"] for s in risk["signals"]) == risk["score"]
    assert "schema_migration" in {g["name"] for g in risk["gates"]}
    assert [f["service"] for f in risk["files"]] == ["payments"]
    assert "schema_migration" in {a["concerns"] for a in risk["advice"]}
    assert risk["history_changes"] > 400
    assert risk["title"] == HOSTILE_TITLE
    assert {p for p, t in strings(risk) if "Ignore previous" in t} == {".title"}


def test_a_malformed_diff_is_one_sentence(proposals: Session) -> None:
    """Text that is no diff gets one sentence back."""
    assert _error(proposals, 1).startswith("the text holds no unified diff")


def test_a_diff_without_its_author_is_scored_with_the_author_unknown(proposals: Session) -> None:
    """A diff alone is scored, as `check --diff -` does: the author's signals unknown, not new."""
    risk = proposals.answers[2].data
    assert risk["author"] is None
    assert {"author_experience", "author_expertise"} <= {u["name"] for u in risk["unknowns"]}
    assert not {"author_experience", "author_expertise"} & {s["name"] for s in risk["signals"]}
    assert sum(s["points"] for s in risk["signals"]) == risk["score"]
    assert any("no author given" in n for n in risk["notes"])


def test_a_diff_is_keyed_by_its_digest_and_refs_by_their_head_commit(proposals: Session) -> None:
    """A diff's key is its SHA-256, said to be a diff's; two refs' is the head commit's key."""
    diff = proposals.answers[0].data
    assert diff["keyed_by"] == "diff"
    assert diff["key"] == "sha256:" + hashlib.sha256(MIGRATION.encode()).hexdigest()[:16]
    refs = proposals.answers[3].data
    assert refs["keyed_by"] == "head commit"
    assert refs["key"] == f"acme/platform@{refs['head'][:12]}"


def test_two_refs_of_the_configured_clone_are_scored(proposals: Session) -> None:
    """main..feature of the clone: its one file, its commit's title verbatim, both shas."""
    risk = proposals.answers[3].data
    assert [(f["path"], f["service"]) for f in risk["files"]] == [
        ("services/payments/api.py", "payments")
    ]
    assert risk["title"] == HOSTILE_TITLE
    assert risk["base"] is not None
    assert risk["head"] is not None
    assert risk["base"] != risk["head"]
    assert sum(s["points"] for s in risk["signals"]) == risk["score"]


def test_a_bad_ref_is_one_sentence_that_hides_the_clone_s_folder(
    proposals: Session, clone_config: dict[str, str]
) -> None:
    """An unknown branch names the repository, not where its clone lies; an option is no ref."""
    folder = str(Path(clone_config["RISKBRIEF_CONFIG"]).parent)
    unknown = _error(proposals, 4)
    assert "'no-such-branch' is not a commit in acme/platform" in unknown
    assert folder not in unknown
    assert "is not a ref" in _error(proposals, 5)
    assert not Path("/tmp/pwned").exists()


def test_a_diff_and_refs_together_or_an_unknown_repository_are_refused(proposals: Session) -> None:
    """A diff with refs is one sentence; a repository riskbrief.toml lacks lists the ones it has."""
    assert _error(proposals, 6) == "Send a diff or base and head refs, not both."
    assert _error(proposals, 7) == (
        "riskbrief.toml names no repository by that name; use one of: acme/platform."
    )


def test_a_diff_spanning_two_services_is_told_the_split_that_would_lower_it(
    proposals: Session,
) -> None:
    """lower_it splits payments from search, naming each part's files and score; each action
    takes off what its re-score says, most first, and the title stays in its field alone."""
    risk = proposals.answers[8].data
    lower = risk["lower_it"]
    assert 1 <= len(lower) <= 3
    assert [a["points"] for a in lower] == sorted((a["points"] for a in lower), reverse=True)
    assert all(a["points"] >= 1 and a["points"] == risk["score"] - a["score"] for a in lower)
    split = next(a for a in lower if a["action"] == "split_by_service")
    parts = {p["service"]: p for p in split["parts"]}
    assert {s: p["paths"] for s, p in parts.items()} == {
        "payments": ["services/payments/fees.py"],
        "search": ["services/search/boost.py"],
    }
    assert split["score"] == max(p["score"] for p in split["parts"])
    assert split["text"].startswith("split it by service, one change each: ")
    for service, part in parts.items():
        assert f"{service} (1 file)" in split["text"]
        assert str(part["score"]) in split["text"]
    # The existing fields are as before: advice is still there beside lower_it.
    assert risk["advice"]
    assert {p for p, t in strings(risk) if "Ignore previous" in t} == {".title"}


def test_two_refs_spanning_two_services_name_the_owners_who_have_not_approved(
    proposals: Session,
) -> None:
    """main..two-services of the clone: the split names each service's file, and where an
    owner's approval lowers it, the CODEOWNERS owners of both folders are named."""
    risk = proposals.answers[9].data
    lower = {a["action"]: a for a in risk["lower_it"]}
    assert all(a["points"] == risk["score"] - a["score"] >= 1 for a in lower.values())
    assert {p["service"]: p["paths"] for p in lower["split_by_service"]["parts"]} == {
        "payments": ["services/payments/api.py"],
        "search": ["services/search/rank.py"],
    }
    review = lower["owner_review"]
    assert review["owners"] == ["@acme/discovery", "@alice"]
    assert "@acme/discovery (1 file), @alice (1 file)" in review["text"]


def test_a_subscriber_cannot_score_a_change_to_another_scope(clone_config: dict[str, str]) -> None:
    """Discovery's lead may score a search diff, not a payments one: that is outside its scope."""
    calls: list[tuple[str, dict[str, Any]]] = [
        ("proposal_risk", {"diff": MIGRATION, "author": "tbauer"}),
        ("proposal_risk", {"diff": SEARCH, "author": "tbauer"}),
    ]
    session = over_stdio(["mcp", "--subscriber", "discovery-lead"], calls, clone_config)
    payments, search = session.answers
    assert payments.error is not None
    assert "outside this scope" in payments.error
    assert "payments" not in payments.error
    assert search.data["files"][0]["service"] == "search"
