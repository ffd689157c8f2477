"""GitLab's CODEOWNERS: sections, optional sections, approval counts, default owners, history."""

from __future__ import annotations

from datetime import UTC, datetime

from data.sources.gitlab.codeowners import (
    GitLabCodeownersHistory,
    load_gitlab_codeowners_history,
    parse_gitlab_codeowners,
)
from tests.data.sources.gitlab.world import PROJECT, World, at

SECTIONED = """
# Owners before any section
*.md @docs-team

[Backend][2] @acme/platform/backend
/app/
/app/payments/ @alice @acme/platform/payments

^[Frontend] @fe-lead
*.js
/app/ui/**/*.css @designer

[backend]
/lib/ @bob
"""


def test_sections_keep_their_own_last_match_and_owners_add_up() -> None:
    """A path's owners are every section's last matching entry, in file order."""
    owners = parse_gitlab_codeowners(SECTIONED)
    assert owners.owners("app/payments/charge.js") == (
        "@alice",
        "@acme/platform/payments",
        "@fe-lead",
    )
    assert owners.owners("app/models.py") == ("@acme/platform/backend",)
    assert owners.owners("README.md") == ("@docs-team",)
    assert owners.owners("tools/run.sh") == ()


def test_headers_carry_optional_flags_approval_counts_and_default_owners() -> None:
    """``^[..]`` is optional, ``[..][2]`` asks two approvals, owners after a header are defaults."""
    sections = {s.name.casefold(): s for s in parse_gitlab_codeowners(SECTIONED).sections}
    assert sections["backend"].approvals == 2
    assert sections["backend"].default_owners == ("@acme/platform/backend",)
    assert sections["frontend"].optional is True
    assert sections["frontend"].rules[0].owners == ("@fe-lead",)


def test_a_section_named_twice_is_one_section_whatever_the_case() -> None:
    """``[backend]`` after ``[Backend]`` adds its entries to the same section."""
    owners = parse_gitlab_codeowners(SECTIONED)
    names = [s.name for s in owners.sections]
    assert names.count("Backend") == 1
    assert "backend" not in names
    # The later entry wins within the merged section: /lib/ is Bob's alone.
    assert owners.owners("lib/util.py") == ("@bob",)


def test_roles_nested_groups_and_emails_are_owners_and_bad_lines_are_reported() -> None:
    """``@@maintainer``, ``@a/b/c`` and emails are owners; exclusions and junk are reported."""
    owners = parse_gitlab_codeowners(
        "/ops/ @@maintainer\n/infra/ @acme/sre/oncall ops@example.com\n!/ops/x @a\n/y/ +bad\n"
    )
    assert owners.owners("ops/run.sh") == ("@@maintainer",)
    assert owners.owners("infra/main.tf") == ("@acme/sre/oncall", "ops@example.com")
    assert len(owners.errors) == 2


def test_an_email_owner_is_an_address_by_email_validators_rules() -> None:
    """An email owner is one address as email-validator reads it: a doubled dot makes the
    entry one GitLab skips, an owner with `+` or a subdomain is kept."""
    owners = parse_gitlab_codeowners("/a/ ops+oncall@mail.example.com\n/b/ ops..x@example.com\n")
    assert owners.owners("a/x.py") == ("ops+oncall@mail.example.com",)
    assert owners.owners("b/x.py") == ()
    assert len(owners.errors) == 1


def test_gitlab_reads_the_root_file_before_docs_and_dot_gitlab() -> None:
    """Of CODEOWNERS, docs/CODEOWNERS and .gitlab/CODEOWNERS the first that exists is in force."""
    when = datetime(2026, 1, 1, tzinfo=UTC)
    history = GitLabCodeownersHistory.from_texts(
        {
            ".gitlab/CODEOWNERS": [(when, "a", "* @dot-gitlab")],
            "docs/CODEOWNERS": [(when, "b", "* @docs")],
            "CODEOWNERS": [(when, "c", "* @root"), (datetime(2026, 2, 1, tzinfo=UTC), "d", None)],
        }
    )
    assert history.owners_of("x.py", datetime(2026, 1, 15, tzinfo=UTC)) == ("@root",)
    # Once the root file is deleted, docs/ is the one in force.
    assert history.owners_of("x.py", datetime(2026, 3, 1, tzinfo=UTC)) == ("@docs",)
    assert history.owners_of("x.py", datetime(2025, 1, 1, tzinfo=UTC)) is None


def test_the_history_is_read_as_of_each_version_and_cached(world: World) -> None:
    """Each commit's text is read once; a second load asks only the commit lists."""
    world.fake.commit_file(PROJECT, ".gitlab/CODEOWNERS", "1" * 40, at(100), "* @old")
    world.fake.commit_file(PROJECT, ".gitlab/CODEOWNERS", "2" * 40, at(50), "[S]\n* @new")
    client = world.client()
    history = load_gitlab_codeowners_history(client, world.run(), PROJECT)
    assert history.owners_of("a.py", at(60)) == ("@old",)
    assert history.owners_of("a.py", at(10)) == ("@new",)
    raw = world.fake.requests_to(r"/api/v4/projects/[^/]+/repository/files/.+/raw")
    assert len(raw) == 2

    again = load_gitlab_codeowners_history(client, world.run(), PROJECT)
    assert again.owners_of("a.py", at(10)) == ("@new",)
    assert len(world.fake.requests_to(r"/api/v4/projects/[^/]+/repository/files/.+/raw")) == 2
