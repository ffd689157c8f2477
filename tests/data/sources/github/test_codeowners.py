"""CODEOWNERS: GitHub's matching rules, the three locations, and owners as of a time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from data.config import parse_org_config
from data.sources.github.codeowners import (
    CodeownersHistory,
    load_codeowners_history,
    parse_codeowners,
)
from data.sync import SyncRun
from fakes.github_rest import FakeGitHubRest

# GitHub's documented example file ("About code owners"), in its order.
GITHUB_EXAMPLE = """\
# This is a comment.
# Each line is a file pattern followed by one or more owners.
*       @global-owner1 @global-owner2
*.js    @js-owner #This is an inline comment.
*.go docs@example.com
*.txt @octo-org/octocats
/build/logs/ @doctocat
docs/* docs@example.com
apps/ @octocat
/docs/ @doctocat
/scripts/ @doctocat @octocat
**/logs @octocat
/apps/ @octocat
/apps/github
"""

GLOBAL = ("@global-owner1", "@global-owner2")

EXAMPLE_OWNERS = [
    ("README.md", GLOBAL),
    ("src/app.js", ("@js-owner",)),
    ("src/app.JS", GLOBAL),  # paths are case-sensitive
    ("cmd/main.go", ("docs@example.com",)),
    ("notes/todo.txt", ("@octo-org/octocats",)),
    ("build/logs/today.md", ("@octocat",)),  # **/logs comes later and wins
    ("docs/getting-started.md", ("@doctocat",)),
    ("docs/build-app/troubleshooting.md", ("@doctocat",)),
    ("src/apps/main.py", ("@octocat",)),  # apps/ matches at any depth
    ("apps/web/index.html", ("@octocat",)),
    ("apps/github/index.html", ()),  # a rule without owners un-owns
    ("apps/github", ()),
    ("scripts/deploy.sh", ("@doctocat", "@octocat")),
    ("deeply/nested/logs/x.md", ("@octocat",)),
    ("./README.md", GLOBAL),
    ("/README.md", GLOBAL),
]


@pytest.mark.parametrize(("path", "owners"), EXAMPLE_OWNERS)
def test_github_documented_example(path: str, owners: tuple[str, ...]) -> None:
    """GitHub's documented example file gives each path the owners GitHub's docs say."""
    assert parse_codeowners(GITHUB_EXAMPLE).owners(path) == owners


PATTERNS = [
    # (pattern, path, matches)
    ("foo", "foo", True),
    ("foo", "foo.txt", False),
    ("foo", "foo/bar", True),
    ("foo", "bar/foo", True),
    ("foo", "bar/foo/baz", True),
    ("/foo", "foo/bar", True),
    ("/foo", "bar/foo", False),
    ("/foo", "fool.txt", False),
    ("foo/", "foo", False),
    ("foo/", "foo/bar/baz", True),
    ("foo/", "bar/foo/baz", True),
    ("/foo/", "bar/foo/baz", False),
    ("foo/bar", "foo/bar/baz", True),
    ("foo/bar", "baz/foo/bar", False),  # a middle slash anchors at the root
    ("foo/bar", "foo/bart", False),
    ("foo/bar/", "foo/bar", False),
    ("*", "anything/at/all.py", True),
    ("*.js", "a/b/c.js", True),
    ("*.js", "a/b/c.jsx", False),
    ("f*", "bar/foo/baz", True),
    ("f*", "xfoo", False),
    ("/*", "foo", True),
    ("/*", "foo/bar", False),  # a lone * does not cross /
    ("/*/", "foo/bar", True),
    ("f*/", "foo", False),
    ("f*/", "bar/foo/baz", True),
    ("docs/*", "docs/getting-started.md", True),
    ("docs/*", "docs/build-app/troubleshooting.md", False),
    ("foo/*.txt", "foo/bar.txt", True),
    ("foo/*.txt", "foo/bar/baz.txt", False),
    ("foo/*/baz", "foo/bar/baz", True),
    ("foo/*/baz", "foo/baz", False),
    ("f?o", "foo", True),
    ("f?o", "fooo", False),
    ("f?o", "f/o", False),
    ("f\\*o", "f*o", True),
    ("f\\*o", "foo", False),
    ("**/logs", "logs/a", True),
    ("**/logs", "deeply/nested/logs/a", True),
    ("**/foo/bar", "qux/foo/bar/baz", True),
    ("**/foo/bar", "foo/baz/bar", False),
    ("foo/**", "foo/bar/baz", True),
    ("foo/**", "foo", False),
    ("foo/**/bar", "foo/bar", True),
    ("foo/**/bar", "foo/a/b/bar/c", True),
    ("foo/**/bar", "x/foo/bar", False),
    ("foo/**/bar/b*", "foo/q/bar/baz", True),
    ("foo/**/bar/b*", "foo/q/bar/qux", False),
    ("**/", "a/b.py", True),  # git's rule: anything inside a folder (once matched nothing)
    ("**/**/logs", "a/logs/x", True),
    ("\\[ab].md", "[ab].md", True),
    ("a**b", "a/b", False),  # ``**`` inside a part is a lone ``*``
    ("a**b", "axyb", True),
    ("[ab].md", "[ab].md", True),  # no character classes in CODEOWNERS
    ("[ab].md", "a.md", False),
]


@pytest.mark.parametrize(("pattern", "path", "matches"), PATTERNS)
def test_pattern_table(pattern: str, path: str, matches: bool) -> None:
    """Each pattern matches the paths GitHub matches it to, and no others."""
    owners = parse_codeowners(f"{pattern} @owner").owners(path)
    assert owners == (("@owner",) if matches else ())


def test_comments_escapes_and_owner_forms() -> None:
    """Comments, an escaped #, an escaped space and every owner form parse as GitHub does."""
    text = (
        "# a comment\r\n"
        "   # an indented comment\r\n"
        "\r\n"
        "*.md @docs-team # inline comment\r\n"
        "\\#notes.md @alice\r\n"
        "my\\ file.txt @bob\r\n"
        "/infra/ @acme/sre ops@example.com @carol\r\n"
    )
    parsed = parse_codeowners(text)
    assert parsed.errors == ()
    assert parsed.owners("guide.md") == ("@docs-team",)
    assert parsed.owners("#notes.md") == ("@alice",)
    assert parsed.owners("my file.txt") == ("@bob",)
    assert parsed.owners("infra/main.tf") == ("@acme/sre", "ops@example.com", "@carol")
    assert [r.line for r in parsed.rules] == [4, 5, 6, 7]


def test_lines_github_rejects_are_skipped() -> None:
    """Negation and invalid owners are not supported: those lines are skipped and reported."""
    parsed = parse_codeowners(
        "* @everyone\n!secret.txt @nobody\nsecret/ alice\nvendor/ @ok not-an-owner\n"
    )
    assert parsed.owners("secret.txt") == ("@everyone",)
    assert parsed.owners("secret/a.py") == ("@everyone",)
    assert parsed.owners("vendor/lib.py") == ("@everyone",)
    assert len(parsed.errors) == 3
    assert parsed.errors[0].startswith("line 2: negation")


def test_an_email_owner_is_an_address_by_email_validators_rules() -> None:
    """An email owner is one address as email-validator reads it: a doubled dot or a domain
    without one makes the line one GitHub skips, an owner with `+` or a subdomain is kept."""
    parsed = parse_codeowners(
        "a/ ops+oncall@mail.example.com\nb/ ops..oncall@example.com\nc/ ops@example\n"
    )
    assert parsed.owners("a/x.py") == ("ops+oncall@mail.example.com",)
    assert parsed.owners("b/x.py") == ()
    assert parsed.owners("c/x.py") == ()
    assert [e.split(":")[0] for e in parsed.errors] == ["line 2", "line 3"]


T0 = datetime(2026, 1, 10, tzinfo=UTC)


def at(days: float) -> datetime:
    """``days`` after ``T0``."""
    return T0 + timedelta(days=days)


PRECEDENCE = [
    # (time, owners of src/x.py)
    (at(-1), None),  # no CODEOWNERS anywhere yet
    (at(0.5), ("@docs",)),  # only docs/CODEOWNERS
    (at(1.5), ("@root",)),  # the root file wins over docs/
    (at(2.5), ("@dotgithub",)),  # .github/ wins over both
    (at(3.5), ("@root",)),  # .github/CODEOWNERS deleted: the root one again
    (at(4.5), ()),  # the root file now covers only docs: not covered
]


def history_texts() -> dict[str, list[tuple[datetime, str, str | None]]]:
    """Commits writing and deleting the three CODEOWNERS locations."""
    return {
        "docs/CODEOWNERS": [(at(0), "s0", "* @docs\n")],
        "CODEOWNERS": [(at(1), "s1", "* @root\n"), (at(4), "s4", "/docs/ @root\n")],
        ".github/CODEOWNERS": [(at(2), "s2", "* @dotgithub\n"), (at(3), "s3", None)],
    }


@pytest.mark.parametrize(("when", "owners"), PRECEDENCE)
def test_location_precedence_over_time(when: datetime, owners: tuple[str, ...] | None) -> None:
    """The first existing of .github/, root and docs/ CODEOWNERS at a time is the one in force."""
    history = CodeownersHistory.from_texts(history_texts())
    assert history.owners_of("src/x.py", when) == owners


def test_history_from_github_as_of_a_change_and_free_when_unchanged(engine: Engine) -> None:
    """Owners come from the CODEOWNERS in force at the time; an unchanged re-read costs no quota."""
    repo = "acme/shop"
    org = parse_org_config('[[repositories]]\nname = "acme/shop"\n')
    with FakeGitHubRest() as fake:
        for location, versions in history_texts().items():
            for when, sha, text in versions:
                fake.commit_file(repo, location, sha, when, text)
        fake.commit_file(repo, "CODEOWNERS", "s5", at(5), "/payments/ @pay\n")
        fake.commit_file(repo, "CODEOWNERS", "s6", at(6), "/payments/ @pay\n/payments/legacy/\n")
        history = load_codeowners_history(fake.client(), SyncRun(engine, org), repo)
        for when, owners in PRECEDENCE:
            assert history.owners_of("src/x.py", when) == owners
        assert history.owners_of("payments/legacy/old.py", at(5.5)) == ("@pay",)
        assert history.owners_of("payments/legacy/old.py", at(6.5)) == ()
        assert history.owners_of("payments/new.py", at(6.5)) == ("@pay",)
        # The deletion was read as a 404 of the file at that commit.
        assert fake.requests_to(r"/repos/acme/shop/contents/\.github/CODEOWNERS")

        used, before = fake.remaining, len(fake.server.requests)
        again = load_codeowners_history(fake.client(), SyncRun(engine, org), repo)
        polled = fake.server.requests[before:]
        assert fake.remaining == used
        assert len(polled) == 3
        assert all(r.headers.get("if-none-match") for r in polled)
        assert again.owners_of("payments/legacy/old.py", at(5.5)) == ("@pay",)
        assert again.owners_of("payments/legacy/old.py", at(6.5)) == ()

        fake.commit_file(repo, "CODEOWNERS", "s7", at(7), "/payments/ @pay @audit\n")
        third = load_codeowners_history(fake.client(), SyncRun(engine, org), repo)
        assert third.owners_of("payments/legacy/old.py", at(7.5)) == ("@pay", "@audit")
        assert third.owners_of("payments/legacy/old.py", at(6.5)) == ()
        # Only the new commit's text was read.
        assert len(fake.requests_to(r"/repos/acme/shop/contents/CODEOWNERS")) == 5


def test_naive_time_is_utc() -> None:
    """A time without a zone is read as UTC rather than failing the comparison."""
    history = CodeownersHistory.from_texts(history_texts())
    assert history.owners_of("src/x.py", at(2.5).replace(tzinfo=None)) == ("@dotgithub",)
