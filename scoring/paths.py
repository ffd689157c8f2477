"""What a file's path says about it: migration, test, infrastructure, sensitive code, manifest.

What a file *is* starts from GitHub Linguist's rules (``scoring.linguist``, go-enry): its vendored,
generated, documentation, configuration and test paths, and its language's type (code is a
programming or markup language, a notebook aside). The rules below are riskbrief's own, kept
where they add to Linguist's; docs/scoring.md's table "riskbrief's own rule beside Linguist's"
gives each one's reason.

The risky kinds (migration, infrastructure, sensitive, manifest) are judged by
naming conventions, case-insensitively, and with two rules on top:

* Tests, fixtures, documentation and examples are never risky: a path under ``test/``,
  ``tests/``, ``spec/``, ``__tests__/``, ``testdata/``, ``fixtures/``, ``docs/``, a docs
  site's ``website/``, ``site/`` or ``_site/``, ``examples/``, ``samples/``, ``demo/``,
  ``tutorial/`` (either number; Go's ``_examples/`` too), or a ``.md``/``.rst``/``.adoc``
  file. Test *file names* (``test_auth.py``, ``Login.spec.ts``) also rule out a migration and
  sensitive code, and infrastructure for a test written in code (``kustomize/create_test.go``),
  but not a configuration file's: ``.github/workflows/unit_test.yml`` and
  ``docker-compose.test.yml`` are still CI and container configuration.
* Dependency manifests are the exception: ``tests/requirements.txt`` or an
  ``e2e/package.json`` is installed by CI like any other, so only manifests under
  ``fixtures/``, ``testdata/``, a docs site or an examples folder are left out.

A migration is a file in a migrations folder (``migrations/``, Rails' ``db/migrate/``, Flyway's
``db/migration/``, ``alembic/versions/``, Liquibase's ``liquibase/``), a file named as a
migration (Flyway ``V3__add.sql``, golang-migrate ``0007_add.up.sql``, Liquibase
``db.changelog-*.xml``) or a schema source of a migration tool (Rails ``db/schema.rb``/
``db/structure.sql``, ``schema.prisma``), not any ``.sql`` file, a plain ``schema.sql`` (flask's
``examples/flaskr/flaskr/schema.sql`` sets up a tutorial's database), nor anything under a
``schema/`` folder. The package's own files in a migrations folder (``__init__.py``, Alembic's
``env.py`` and ``script.py.mako``, ``.gitkeep``) are not migrations.

Sensitive code is auth, secrets, permissions, crypto and payments, by whole words: ``Auth/``,
``PaymentService``, ``access_token`` and ``oauth2`` count, ``author.py``, ``tokenizer.py`` and
``oracle.py`` do not. ``session`` alone does not count: it is as often a database session
(SQLAlchemy's ``db/session.py``) or web analytics as a login session, and login sessions usually
sit under an auth, login or identity path that counts anyway. Stylesheets and images are never
sensitive code (``tokens.css`` holds design tokens).

Tests are named by folder or file (``scoring.test_names``), else by Linguist.

Files no one writes by hand (``PathKinds.generated``) are no size and no spread, like lock
files: vendored and generated folders, minified, compiled and packed output, coverage reports,
binary-like design files, and test data (a data format under a test or test-data folder).
docs/scoring.md lists them in one table.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from scoring.aside_folders import ASIDE, ASIDE_BY_NAME
from scoring.linguist import (
    is_documentation,
    is_generated,
    is_test,
    is_vendored,
    language_of,
)
from scoring.manifests import dev_requirements, named_manifest
from scoring.run_control import is_run_control
from scoring.source_sets import examples_folder, named_folders
from scoring.test_names import in_test_folder, test_file_name
from scoring.translations import is_translation
from scoring.typed_code import typed_code

__all__ = [
    "PathKinds",
    "is_migration",
    "is_test_path",
    "path_kinds",
    "undocumented_kinds",
]

# The risky kinds' expressions are lower-case and searched in "/" + the lower-cased path:
# case-insensitive without re.IGNORECASE, which halves their speed, and every alternative starts
# at a "/", which the engine finds quickly, not tried at every character as (^|/) would be.

# Not hand-written code a reviewer reads, beyond tests and ``ASIDE``: test data and snapshots,
# documentation folders and release notes, CI configuration, editor and repository settings, and
# the project's own files (README, CHANGELOG, LICENSE, CONTRIBUTING, linters' settings, …) in any
# folder and with any extension. Dependency manifests are not among them: they are ``manifest``,
# not code either, but a change to one is a change to what ships (see ``PathKinds.code``). A
# top-level ``changelog/`` holds release notes (an ``internal/changelog/`` package is code).
_NOT_CODE = re.compile(
    r"^/changelogs?/|/(?:(test-data|__snapshots__|documentation|newsfragments|changelog\.d|\.changeset"
    r"|\.github|\.gitlab|\.circleci|\.buildkite|\.devcontainer|\.gitpod|\.vscode|\.idea"
    r"|\.husky|\.storybook"
    r"|\.ci|\.azure-pipelines|src/site|src/changes)/"
    # Gitpod's workspace, as a dev container's (``.gitpod.yml``, ``.gitpod.Dockerfile``).
    r"|\.gitpod\.[^/]+$"
    # A README whatever its extension, as Linguist reads it: PostgREST's literate Haskell
    # ``README.lhs`` is its getting-started text (a module is never named README).
    r"|readme\.[^/]+$"
    # A README's template, rendered into the README (rustlings' ``README-template.hbs``).
    r"|readme[-_.][^/]*\.(hbs|handlebars|mustache|tpl|tmpl|j2|jinja2?|liquid|njk|ejs)$"
    r"|(readme|changelog|changes|history|news|release[-_]?notes|license|licence|copying"
    r"|notice|authors|contributors|contributing|code_of_conduct|security|maintainers"
    r"|codeowners|support|funding|governance|citation|version"
    # Legal and project notes (Kong's COPYRIGHT, Go's PATENTS), Kubernetes' review OWNERS.
    r"|copyright|patents|credits|thanks|todo|owners)([-_][^/.]*)?"
    # No extension, a document's, or a translation's (README.zh-CN.md): history.go is code.
    r"((\.[a-z]{2}([-_][a-z]+)?)?\.(md|markdown|rst|txt|adoc|asciidoc|rdoc|textile|org|html?"
    r"|cff))?$"
    r"|\.(gitignore|gitattributes|gitmodules|mailmap|editorconfig|dockerignore|npmignore"
    r"|eslintignore|prettierignore|gitkeep|keep|flake8|pylintrc|coveragerc|yamllint"
    # A developer's or CI's machine: version pins and environments (nvm, asdf, pyenv, direnv).
    r"|nvmrc|node-version|tool-versions|python-version|envrc"
    r"|clang-format|clang-tidy|rubocop\.yml|golangci\.ya?ml|codecov\.ya?ml"
    r"|pre-commit-config\.yaml|pre-commit-hooks\.yaml|readthedocs\.ya?ml|travis\.yml"
    r"|gitlab-ci\.yml|drone\.yml|cirrus\.yml|appveyor\.yml|(eslintrc|prettierrc"
    r"|stylelintrc|markdownlint|lintstagedrc|commitlintrc|mocharc|nycrc|c8rc|releaserc|huskyrc"
    r"|czrc|versionrc|textlintrc|remarkrc|ncurc|size-limit)(\.[^/]*)?)$"
    r"|(appveyor|codecov|azure-pipelines|bitbucket-pipelines|mkdocs)\.ya?ml$"
    r"|(tox|mypy|pytest)\.ini$|(conftest|noxfile)\.py$|manifest\.in$|jenkinsfile$"
    # Homebrew Bundle's tools for a developer's machine, and Danger's rules for a pull request,
    # run in CI: Ruby to Linguist by name, but nothing that ships (holman/dotfiles' Brewfile).
    r"|brewfile(\.lock\.json)?$|dangerfile(\.[a-z]+)?$"
    # A developer's shell, linters' and test runners' settings as code: nothing ships (vite's or
    # webpack's config shapes what ships: code).
    r"|(devenv|shell)\.nix$|devenv\.ya?ml$|(eslint|prettier|stylelint|commitlint|lint-staged"
    r"|markdownlint|jest|vitest|playwright|cypress|karma|mocha|ava|nyc|wdio|wallaby|stryker"
    r"|release|renovate|knip|syncpack|danger)\.conf(ig)?(\.[a-z]+)?"
    r"\.(js|cjs|mjs|ts|cts|mts|json|ya?ml)$"
    # PHP CS Fixer's and Rector's settings, PHP to Linguist by name: a linter's, nothing ships.
    r"|\.php[-_]cs(\.dist)?$|\.php-cs-fixer(\.dist)?\.php$|(?<=^/)rector\.php$"
    r"|[^/]*\.(txt|textile|org|pod|adoc|asciidoc|1|5|8|man)$)",
)

_MIGRATION = re.compile(
    r"/(?:(migrations|db/migrate|db/migration|alembic/versions|liquibase)/"
    # ...but not the migration package's own files.
    r"(?!([^/]+/)*(__init__\.py|env\.py|script\.py\.mako|\.gitkeep|\.keep)$)"
    # ...nor a template a tool writes migrations from, into its users' projects (a Laravel
    # package's ``database/migrations/create_permission_tables.php.stub``): it migrates no
    # database of this repository's, and no language's code is in it.
    r"(?!([^/]+/)*[^/]+\.(stub|tmpl|template)$)"
    # ...nor the rows a changelog loads (Liquibase's ``loadData`` of ``data/authority.csv``, a
    # JHipster app's ``fake-data/``): they change data, no schema.
    r"(?!([^/]+/)*[^/]+\.(csv|tsv)$)"
    # ...nor a code-update tool's steps, a folder per release (Angular's and Nx's ``ng update``
    # schematics: ``migrations/13_0_0-beta/index.ts``, ``update-16-0-0/``) and their collection:
    # they rewrite a user's code, no database's schema.
    r"(?!(update-?)?\d{1,3}[-_.]\d{1,3}[-_.]\d{1,3}([-_.][^/]*)?/|migrations?\.json$)"
    r"|migration/\d"  # TypeORM's timestamped src/migration/1700000000000-Name.ts
    r"|([vu]\d+([._]\d+)*|r)__[^/]+\.sql$"  # Flyway
    r"|\d+_[^/]+\.(up|down)\.sql$"  # golang-migrate
    r"|db\.changelog[^/]*\.(xml|ya?ml|json|sql)$"  # Liquibase
    r"|db/([^/]+_)?(schema\.rb|structure\.sql)$"  # Rails schema dumps
    r"|schema\.prisma$)",
)

_INFRA = re.compile(
    r"/(?:(terraform|k8s|kubernetes|kustomize|infra|infrastructure|deploy|deployments?"
    r"|ansible|playbooks|group_vars|host_vars|nginx|\.circleci|\.buildkite"
    r"|\.github/workflows|\.github/actions)/"
    # Helm: only its YAML and templates, since src/components/charts/ is a UI folder.
    r"|(charts|helm)/([^/]+/)*[^/]+\.(ya?ml|tpl)$"
    r"|[^/]*\.(tf|tfvars|hcl|dockerfile)$"
    r"|(dockerfile|containerfile|jenkinsfile|procfile|vagrantfile)([.-][^/]*)?$"
    r"|(docker-)?compose([.-][^/]*)?\.ya?ml$"
    r"|\.(gitlab-ci|travis|drone)\.ya?ml$"
    r"|(azure-pipelines|bitbucket-pipelines|cloudbuild|serverless|skaffold|chart"
    r"|kustomization|helmfile|playbook[^/]*)\.ya?ml$"
    r"|(fly|netlify)\.toml$|vercel\.json$"
    r"|configs?/[^/]+\.(ya?ml|json|toml)$"  # not config/locales/en.yml
    r"|\.env(\.[^/]+)?$"
    r"|nginx[^/]*\.conf$)",
)

# Sensitive code is found by whole words, camelCase split: PaymentService is
# "Payment" and "Service", OAuth2Client "O", "Auth" and "Client".
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])")
_SENSITIVE_WORDS = frozenset(
    word
    for group in (
        "auth authn authz oauth authenticate authentication authenticator authorize authorizer",
        "authorization authorise authorisation login logins logout signin signon sso saml oidc",
        "openid jwt jwts jwks mfa totp identity iam permission permissions rbac acl acls security",
        "password passwords passwd credential credentials secret secrets token tokens keystore",
        "kms crypto cryptography encrypt encryption encryptor decrypt decryption cipher ciphers",
        "payment payments billing invoice invoices invoicing refund refunds payout payouts",
        "stripe paypal braintree adyen",
    )
    for word in group.split()
)
# Stylesheets (in CSS, SCSS, Sass, Less, Stylus, PostCSS, SugarSS), images and fonts: never
# sensitive code (tokens.css holds design tokens).
_ASSET = re.compile(
    r"[^/]*\.(css|scss|sass|less|styl|pcss|postcss|sss|svg|png|jpe?g|gif|ico|webp|woff2?|ttf|snap)"
)

# Built output and data, beyond ``_HANDLESS``: no code, though their lines (``dist/``, a
# JSON file) are still a change's other size.
_GENERATED = re.compile(r"/dist/|(?:\.lock|\.(json|csv|tsv|txt|snap|svg|map))$")

# Files no one writes by hand: no size and no spread, like a lock file. Lower-case, searched
# in "/" + the lower-cased path; docs/scoring.md's table "Files no one writes by hand" lists
# the same rules.
_HANDLESS = re.compile(
    # Vendored and generated folders; NuGet's restored packages/Name.1.2.3/; a library's
    # amalgamated single header; coverage reports.
    r"/(?:_?vendor|_?vendored|third_party|third-party|thirdparty|3rdparty|3rd[-_]party|external"
    r"|node_modules"
    r"|bower_components|__generated__|generated|single_include|htmlcov|lcov-report"
    r"|coverage[-_]reports?|packages/[^/]+\.\d+(?:\.\d+)+(?:-[^/]*)?)/"
    r"|/[^/]*amalgamat(?:ed|ion)[^/]*/|/[^/]*amalgamat(?:ed|ion)[^/]*\.(?:h|hh|hpp|hxx|c|cc|cpp|cxx)$"
    # A coverage report written into coverage/ (istanbul's html reporter, coverage.py's).
    r"|/coverage/(?:[^/]+/)*(?:[^/]+\.(?:html?|css|info|xml|json)|prettify\.js|sorter\.js"
    r"|block-navigation\.js)$"
    # A coverage tool's data file, in any folder.
    r"|/(?:lcov\.info|coverage\.xml|clover\.xml|cobertura(?:-coverage)?\.xml|jacoco\.xml)$"
    # Dependency lock files.
    r"|/(?:uv\.lock|poetry\.lock|pipfile\.lock|pdm\.lock|package-lock\.json"
    r"|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|bun\.lockb?|deno\.lock|cargo\.lock"
    r"|go\.sum|go\.work\.sum|gemfile\.lock|composer\.lock|gradle\.lockfile|podfile\.lock"
    r"|pubspec\.lock|mix\.lock|flake\.lock|packages\.lock\.json|package\.resolved"
    # Yarn Plug'n'Play's loader, written by ``yarn install`` beside its lock file.
    r"|\.pnp\.c?js|\.pnp\.loader\.mjs)$"
    # Any other lock file by its extension: Nebula's ``dependencies.lock``, Gradle's
    # ``*.lockfile``, Conan's and Paket's, Terraform's ``.terraform.lock.hcl`` (netflix/zuul's
    # netty bumps sized by 476 lines of ``dependencies.lock``).
    r"|[^/]\.(?:lock|lockfile)$|[^/]\.lock\.(?:json|hcl|ya?ml|toml)$"
    # Minified (*.min.js, *.min.css, …), compiled and packed output, source maps.
    r"|\.min\.[^/]+$|\.(?:js\.map|css\.map|pb\.go|g\.dart|phar|designer\.cs|g\.cs|g\.i\.cs)$"
    r"|_pb2(?:_grpc)?\.pyi?$|\.generated\.[^/]+$"
    # Binary-like design files (git may take them for text): Illustrator, Photoshop, EPS.
    r"|\.(?:ai|eps|psd|sketch|xcf)$"
    # Rails' schema dumps, which ``db:schema:dump`` writes after each migration (and Solid
    # Queue's installer as ``db/queue_schema.rb``): still a schema migration (``_MIGRATION``),
    # but the migration's own file holds its size.
    r"|/db/(?:[^/]+_)?(?:schema\.rb|structure\.sql)$"
)
# Data formats: under a test or test-data folder such a file is test data, no size (a
# dependency manifest, tests/requirements.txt, and CMake's CMakeLists.txt aside).
_DATA = re.compile(
    r"\.(?:xml|json|jsonl|ndjson|geojson|ya?ml|csv|tsv|txt|dat|log|html?|svg|har|snap|golden"
    r"|out|expected)$"
)
_TEST_DATA_DIR = re.compile(
    r"/(?:testdata|test_data|test-data|fixtures|__fixtures__|__snapshots__)/"
)

# riskbrief's own rules beside Linguist's (``scoring.linguist``); docs/scoring.md's table
# "riskbrief's own rules beside Linguist's" gives each one's reason.
#
# Linguist calls CI, editor and repository settings "vendored" so that GitHub's language bar
# leaves them out; they are hand-written all the same (their lines are someone's work), and
# riskbrief keeps them as configuration, not as generated files.
_HAND_KEPT = re.compile(
    r"/(?:\.github|\.gitlab|\.circleci|\.buildkite|\.vscode|\.idea|\.devcontainer|\.gitpod"
    r"|\.husky|\.storybook|\.azure-pipelines|\.ci)/|/\.[^/]+$|/(?:jenkinsfile|vagrantfile)$"
)
# CI's own folders: what a manifest there installs runs CI, not the product.
_CI_FOLDER = re.compile(r"/(?:\.github|\.gitlab|\.circleci|\.buildkite|\.azure-pipelines|\.ci)/")
# Build output a framework commits by convention: Phoenix's ``priv/static`` (its esbuild
# bundles, the ``.js``, ``.cjs.js`` and ``.mjs`` of one client), and bundles named as such.
_BUILD_OUTPUT = re.compile(
    r"/priv/static/(?:[^/]+/)*[^/]+\.(?:m?js|cjs|css)$"
    # A Storybook's static build, committed to publish it.
    r"|/storybook-static/"
    r"|\.(?:bundle|umd|esm|cjs|iife)\.m?js$"
    # Every source map, whatever its bundle's extension (Linguist knows ``.js.map`` and
    # ``.css.map`` only; an ``.mjs.map`` is as generated).
    r"|\.(?:[cm]?js|css|ts)\.map$"
)


@dataclass(frozen=True, slots=True)
class PathKinds:
    """What a file's path says about it, by naming conventions."""

    migration: bool
    test: bool
    infra: bool
    sensitive: bool
    manifest: bool
    # Hand-written code a reviewer reads: not a test, doc, example, manifest, asset or
    # generated or vendored file.
    code: bool = True
    # Under a tests, docs or documentation site folder, or a requirements file named for
    # development: a manifest there (docs/requirements.txt) is installed by CI, ships nothing.
    aside: bool = False
    # No one wrote it by hand (Linguist's vendored and generated paths, ``_HANDLESS``,
    # ``_BUILD_OUTPUT``, test data): no size and no spread, like a lock file.
    generated: bool = False
    # A change to it changes what ships though it holds no code: a dependency manifest
    # outside tests and docs, or deployment configuration (infrastructure outside CI and
    # project files). A change of nothing else is never high risk (``scoring.risk``).
    ships: bool = False


# The same paths come back change after change; classifying each once keeps a
# million-change rescoring from spending its time in regular expressions.
@functools.lru_cache(maxsize=1 << 17)
def path_kinds(path: str) -> PathKinds:
    """Classify a path once: migration, test, infrastructure, auth/payments, dependency manifest.

    Linguist's verdicts (``scoring.linguist``) cost tens of microseconds each, in go-enry's
    regular expressions, against a few for all of riskbrief's own rules: each is asked only
    where riskbrief's rules leave the answer open (a test by its name needs none of them),
    which gives the same kinds as asking every one first.
    """
    return _kinds(path, asides=True)


@functools.lru_cache(maxsize=1 << 14)
def undocumented_kinds(path: str) -> PathKinds:
    """The kinds of a path its repository says is no documentation (``Marked.UNDOCUMENTED``:
    Linguist's ``linguist-documentation=false``, or an example of a collection of examples,
    ``scoring.example_collections``): ``path_kinds`` with no folder or name setting it aside as
    docs or an example and Linguist's documentation not asked; a test is still a test."""
    return _kinds(path, asides=False)


def _kinds(path: str, asides: bool) -> PathKinds:
    """``path_kinds``; without ``asides``, nothing is set aside as docs or an example."""
    if (stand_in := _dotfile_stand_in(path)) is not None:
        return path_kinds(stand_in) if asides else undocumented_kinds(stand_in)
    slashed = "/" + path.lower()
    name = slashed[slashed.rfind("/") + 1 :]
    folders, dirs = named_folders(path, slashed, name)
    named_migration = _MIGRATION.search(slashed) is not None
    named_infra = _INFRA.search(folders) is not None
    # Under tests, docs or examples, or Linguist's documentation; ``None`` until asked.
    aside: bool | None
    if asides:
        examples = ASIDE.search(folders) is not None or any(map(examples_folder, dirs))
        aside = True if examples else None
    else:
        # No folder sets it aside and Linguist's documentation is not asked, but prose and
        # stories still are what their names say.
        aside = ASIDE_BY_NAME.search(folders) is not None
    if aside is None and (named_migration or named_infra):
        aside = is_documentation(path)
    # A migration's own name can read like a test's (Django's 0005_add_test.py).
    migration = named_migration and not aside
    test_folder = in_test_folder(folders, dirs)
    test = not migration and (
        test_folder or test_file_name(path[path.rfind("/") + 1 :]) or is_test(path)
    )
    if aside is None:
        # A test is no code and aside whatever Linguist says of its documentation, and
        # neither a migration nor infrastructure here (else it was asked above).
        aside = not test and is_documentation(path)
    # A translation's strings ship, but a change of them changes no behaviour.
    code = not (test or aside or is_translation(path))
    manifest = named_manifest(slashed)
    hand_kept = _HAND_KEPT.search(slashed) is not None
    generated = (
        _HANDLESS.search(slashed) is not None
        or _BUILD_OUTPUT.search(slashed) is not None
        or (
            _DATA.search(name) is not None
            and not manifest
            and name != "cmakelists.txt"
            and (test_folder or _TEST_DATA_DIR.search(folders) is not None)
        )
        # Linguist's vendored and generated paths, but for a test's own files and the
        # configuration it calls vendored only to keep it off GitHub's language bar.
        or (not (test or hand_kept or manifest) and (is_vendored(path) or is_generated(path)))
    )
    project_file = _NOT_CODE.search(folders) is not None or is_run_control(path, slashed)
    asset = _ASSET.fullmatch(name) is not None
    # A test of code in a folder named for infrastructure (kubebuilder's Go plugin for
    # kustomize, ``kustomize/v2/create_test.go``) deploys nothing; a CI or compose file named
    # for tests (``unit_test.yml``) still is configuration.
    infra = not aside and named_infra and not (test and typed_code(path))
    # A manifest CI installs from (``.github/workflows/requirements.txt`` for a docs build)
    # pins the build machine's tools, not what ships.
    aside_any = (
        test
        or aside
        or (manifest and (dev_requirements(slashed) or _CI_FOLDER.search(slashed) is not None))
    )
    return PathKinds(
        migration=migration,
        test=test,
        infra=infra,
        sensitive=code
        and not _SENSITIVE_WORDS.isdisjoint(map(str.lower, _WORDS.findall(path)))
        and not asset,
        manifest=manifest,
        code=code
        and not manifest
        and not project_file
        and not asset
        and not generated
        and _GENERATED.search(slashed) is None
        and typed_code(path),
        aside=aside_any,
        generated=generated,
        # A lock file is no one's hand-written size but pins what ships.
        ships=(manifest and not aside_any)
        or (infra and not generated and not project_file and not hand_kept),
    )


def _dotfile_stand_in(path: str) -> str | None:
    """The dotfile ``path`` stands in for, if it is one: a scaffolding template keeps the
    dotfiles it writes as ``_name`` (create-vite's ``_gitignore``, ``_npmrc``), since a package
    manager drops or obeys real ones. A name Linguist does not know whose dotted form is a
    dotfile Linguist knows, or the project files' rule (``_NOT_CODE``) names, as no code is
    that dotfile; ``None`` for any other path (``bin/_run`` stays a script)."""
    folder, _, name = path.rpartition("/")
    stem = name[1:]
    if name[:1] != "_" or not stem or "." in stem or language_of(path) is not None:
        return None
    dotted = f"{folder}/.{stem}" if folder else f".{stem}"
    known = language_of(dotted) is not None or _NOT_CODE.search(f"/.{stem.lower()}")
    return dotted if known and not path_kinds(dotted).code else None


def is_migration(path: str) -> bool:
    """True for schema migration files."""
    return path_kinds(path).migration


def is_test_path(path: str) -> bool:
    """True for test files by the common naming conventions."""
    return path_kinds(path).test
