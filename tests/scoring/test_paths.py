"""How scoring.paths classifies a file: migration, test, infrastructure, sensitive, manifest."""

from __future__ import annotations

import pytest

from scoring.paths import is_migration, is_test_path, path_kinds, undocumented_kinds

_KINDS = ("migration", "test", "infra", "sensitive", "manifest")


def _kinds(path: str) -> set[str]:
    k = path_kinds(path)
    return {n for n in _KINDS if getattr(k, n)}


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        # Migrations: framework folders, migration file names, schema dumps.
        ("db/migrate/20260101120000_add_orders.rb", {"migration"}),
        ("alembic/versions/0003_add_index.py", {"migration"}),
        ("data/migrations/versions/0001_baseline.py", {"migration"}),
        ("shop/orders/migrations/0002_order_status.py", {"migration"}),
        ("shop/orders/migrations/0005_add_test.py", {"migration"}),
        ("db/000124_drop_test_table.up.sql", {"migration"}),
        (
            "services/payments/ledger/migrations/0001_create_ledger_tables.py",
            {"migration", "sensitive"},
        ),
        ("prisma/migrations/20240101000000_init/migration.sql", {"migration"}),
        ("db/migrations/20240101_add_users.js", {"migration"}),
        ("database/migrations/2024_01_01_000000_create_users_table.php", {"migration"}),
        ("src/main/resources/db/migration/V2_1__add_orders.sql", {"migration"}),
        ("sql/V12__add_index.sql", {"migration"}),
        ("sql/R__refresh_views.sql", {"migration"}),
        ("db/000123_create_users.up.sql", {"migration"}),
        ("db/000123_create_users.down.sql", {"migration"}),
        ("src/main/resources/db/changelog/db.changelog-master.yaml", {"migration"}),
        ("src/migration/1700000000000-AddUser.ts", {"migration"}),
        ("db/schema.rb", {"migration"}),
        ("db/structure.sql", {"migration"}),
        ("db/animals_schema.rb", {"migration"}),
        ("prisma/schema.prisma", {"migration"}),
        ("App/Migrations/20240101_Init.cs", {"migration"}),
        # Not migrations: any .sql, schema/ folders, the package's own files, tests, docs.
        ("analytics/queries/weekly_report.sql", set()),
        ("api/schema/user.json", set()),
        ("schema.sql", set()),
        ("examples/flaskr/flaskr/schema.sql", set()),
        ("migrations/schema.sql", {"migration"}),
        # A code-update tool's steps by release (Angular's and Nx's ng update schematics)
        # rewrite a user's code: no schema migration, nor their collection.
        ("modules/store/migrations/13_0_0-beta/index.ts", set()),
        ("modules/store/migrations/migration.json", set()),
        ("packages/nx/src/migrations/update-16-0-0/remove-x.ts", set()),
        ("migrations/2019-01-01-000000_create_users/up.sql", {"migration"}),
        # Examples, samples, demos and tutorials are never risky content.
        ("examples/auth/login.py", set()),
        ("samples/payments/Dockerfile", set()),
        ("demo/db/migrate/001_init.rb", set()),
        ("tutorials/app/package.json", set()),
        ("docs_src/security/oauth2.py", set()),
        # Test folders in any case, and Java/C# test names with their capital T.
        ("Tests/AuthTests.cs", {"test"}),
        ("src/test/java/org/SecurityTest.java", {"test"}),
        ("core/src/main/java/org/LoginTest.java", {"test"}),
        ("core/src/main/java/org/TestAuth.java", {"test"}),
        ("core/src/main/java/org/Latest.java", set()),
        ("core/src/main/java/org/Contest.java", set()),
        # PHPUnit's tests beside the classes they test, by the same capital T.
        ("src/AwsS3V3/AwsS3V3AdapterTest.php", {"test"}),
        ("src/Latest.php", set()),
        ("graphql/schema/types.graphql", set()),
        ("docs/schema/README.md", set()),
        ("tests/migrations/test_0001.py", {"test"}),
        ("spec/db/migrate/add_orders_spec.rb", {"test"}),
        ("testdata/migrations/0001_init.up.sql", set()),
        ("db/migrations/README.md", set()),
        ("docs/migrations/0001_upgrade_guide.rst", set()),
        ("app/migrations/__init__.py", set()),
        ("data/migrations/env.py", set()),
        ("data/migrations/script.py.mako", set()),
        ("tools/migrate_users.py", set()),
        # Infrastructure and configuration.
        ("infra/k8s/deploy.yaml", {"infra"}),
        ("k8s/base/service.yaml", {"infra"}),
        ("kubernetes/ingress.yaml", {"infra"}),
        ("Dockerfile", {"infra"}),
        ("api/Dockerfile.dev", {"infra"}),
        ("docker-compose.yml", {"infra"}),
        ("docker-compose.prod.yaml", {"infra"}),
        ("compose.yaml", {"infra"}),
        (".gitlab-ci.yml", {"infra"}),
        (".github/workflows/ci.yml", {"infra"}),
        (".github/workflows/unit_test.yml", {"infra", "test"}),
        ("Jenkinsfile", {"infra"}),
        ("terraform/main.tf", {"infra"}),
        ("envs/prod.tfvars", {"infra"}),
        ("charts/api/Chart.yaml", {"infra"}),
        ("charts/api/templates/deployment.yaml", {"infra"}),
        ("config/settings.yaml", {"infra"}),
        ("config/database.yml", {"infra"}),
        ("config/app.toml", {"infra"}),
        (".env.example", {"infra"}),
        ("nginx/sites/api.conf", {"infra"}),
        ("ops/nginx.conf", {"infra"}),
        ("ansible/site.yml", {"infra"}),
        # Not infrastructure.
        ("src/components/charts/LineChart.tsx", set()),
        ("config/locales/en.yml", set()),
        ("src/config/routes.ts", set()),
        ("tests/docker-compose.yml", {"test"}),
        # A test written in code is no infrastructure, in a folder named for it or not.
        ("pkg/plugins/common/kustomize/v2/create_test.go", {"test"}),
        ("terraform/modules/vpc/vpc_test.go", {"test"}),
        ("docs/deploy/kubernetes.md", set()),
        ("infra/README.md", set()),
        ("tsconfig.json", set()),
        # Sensitive code: auth, secrets, permissions, crypto, payments, in any case.
        ("services/payments/ledger.py", {"sensitive"}),
        ("app/auth/session.py", {"sensitive"}),
        ("src/Auth/Login.java", {"sensitive"}),
        ("src/main/java/com/acme/PaymentService.java", {"sensitive"}),
        ("src/UserAuthService.ts", {"sensitive"}),
        ("billing/invoice.py", {"sensitive"}),
        ("lib/oauth2/client.rb", {"sensitive"}),
        ("src/OAuthCallback.tsx", {"sensitive"}),
        ("pkg/crypto/aes.go", {"sensitive"}),
        ("app/secrets.py", {"sensitive"}),
        ("k8s/secrets.yaml", {"infra", "sensitive"}),
        ("app/permissions/rbac.py", {"sensitive"}),
        ("app/acl.py", {"sensitive"}),
        ("web/login.html", {"sensitive"}),
        ("app/PasswordReset.tsx", {"sensitive"}),
        ("app/access_token.py", {"sensitive"}),
        ("api/JWTToken.go", {"sensitive"}),
        ("services/identity/app/sessions/store.py", {"sensitive"}),
        # Not sensitive: look-alike words, sessions alone, tests, stylesheets.
        ("src/author.py", set()),
        ("nlp/tokenizer.py", set()),
        ("src/Tokenizer.java", set()),
        ("lib/oracle.py", set()),
        ("app/db/session.py", set()),
        ("analytics/sessions.sql", set()),
        ("src/styles/tokens.css", set()),
        ("src/authoring/editor.ts", set()),
        ("tests/test_auth.py", {"test"}),
        ("web/src/Login.spec.ts", {"test"}),
        ("pkg/auth/auth_test.go", {"test"}),
        ("services/payments/tests/test_charges.py", {"test"}),
        ("docs/payments.md", set()),
        # Dependency manifests and lockfiles.
        ("package.json", {"manifest"}),
        ("package-lock.json", {"manifest"}),
        ("yarn.lock", {"manifest"}),
        ("pnpm-lock.yaml", {"manifest"}),
        ("requirements.txt", {"manifest"}),
        ("DESCRIPTION", {"manifest"}),
        ("requirements-dev.txt", {"manifest"}),
        ("requirements/base.txt", {"manifest"}),
        ("poetry.lock", {"manifest"}),
        ("Pipfile", {"manifest"}),
        ("Pipfile.lock", {"manifest"}),
        ("pyproject.toml", {"manifest"}),
        ("uv.lock", {"manifest"}),
        ("go.mod", {"manifest"}),
        ("go.sum", {"manifest"}),
        ("Cargo.toml", {"manifest"}),
        ("Cargo.lock", {"manifest"}),
        ("Gemfile", {"manifest"}),
        ("Gemfile.lock", {"manifest"}),
        ("pom.xml", {"manifest"}),
        ("build.gradle", {"manifest"}),
        ("app/build.gradle.kts", {"manifest"}),
        ("gradle.lockfile", {"manifest"}),
        ("composer.json", {"manifest"}),
        ("composer.lock", {"manifest"}),
        ("src/Api/Api.csproj", {"manifest"}),
        ("packages.lock.json", {"manifest"}),
        ("mix.exs", {"manifest"}),
        ("mix.lock", {"manifest"}),
        ("services/payments/requirements.txt", {"manifest", "sensitive"}),
        # Manifests count under tests (CI installs them), not as fixtures or test data.
        ("tests/requirements.txt", {"manifest", "test"}),
        ("e2e/package.json", {"manifest", "test"}),
        ("tests/fixtures/package.json", {"test"}),
        ("internal/testdata/go.mod", set()),
        ("src/package_utils.py", set()),
        # Tests by name and folder.
        ("tests/test_api.py", {"test"}),
        ("web/src/app.spec.ts", {"test"}),
        ("pkg/api_test.go", {"test"}),
        # End-to-end suites: Cypress and Playwright folders and file names.
        ("e2e/checkout.ts", {"test"}),
        ("cypress/e2e/login.cy.ts", {"test"}),
        ("app/home.e2e.ts", {"test"}),
        ("integration-tests/test_flow.py", {"test"}),
        ("docs/testing-guide.md", set()),
        ("README.md", set()),
    ],
)
def test_path_kinds(path: str, kinds: set[str]) -> None:
    """Each path has exactly the kinds its naming conventions give it, and no others."""
    assert _kinds(path) == kinds


@pytest.mark.parametrize(
    "path",
    [
        "SRC/AUTH/LOGIN.JAVA",
        "Db/Migrate/20260101_add.rb",
        "DOCKERFILE",
        "Cargo.LOCK",
        "Billing/X.py",
    ],
)
def test_kinds_ignore_case(path: str) -> None:
    """Upper-case paths get the same kinds as their lower-case spelling."""
    assert _kinds(path) == _kinds(path.lower()) != set()


def test_helpers_agree_with_path_kinds() -> None:
    """is_migration and is_test_path answer what path_kinds says."""
    assert is_migration("db/migrate/1_add.rb")
    assert not is_migration("analytics/queries/weekly_report.sql")
    assert is_test_path("tests/test_api.py")
    assert not is_test_path("src/api.py")


@pytest.mark.parametrize(
    "path",
    [
        "README.md",
        "README.zh-CN.md",
        "CHANGES.rst",
        "LICENSE",
        "CITATION.cff",
        ".github/workflows/tests.yaml",
        ".github/dependabot.yml",
        ".travis.yml",
        "tox.ini",
        "conftest.py",
        "docs/conf.py",
        "documentation/guide/setup.py",
        "examples/tutorial/app.py",
        "_examples/graceful-go1.8/main.go",
        "src/testdata/case.go",
        "web/__snapshots__/App.test.js.snap",
        "src/site/apt/index.apt",
        "website/src/pages/index.js",
        "website/package.json",
        "site/layouts/index.html",
        ".gitignore",
        ".nvmrc",
        ".tool-versions",
        "xdocs/navigation.xml",
        "src/Polly.Core.Tests/Retry/RetryHelper.cs",
        ".ci/run_with_env.cmd",
        ".azure-pipelines/ci.yml",
        "COPYRIGHT",
        "PATENTS",
        "CREDITS.txt",
        "TODO",
        "pkg/OWNERS",
        "OWNERS_ALIASES",
        "README.lhs",
        "README-template.hbs",
        "docs/readme_template.md.j2",
    ],
)
def test_docs_ci_test_data_and_project_files_are_no_code(path: str) -> None:
    """Files a reviewer does not read as code are no size, whatever their folder."""
    assert not path_kinds(path).code


@pytest.mark.parametrize("path", ["readme_generator.py", "src/readme-renderer.js"])
def test_code_named_for_readmes_is_code(path: str) -> None:
    """A README's template is documentation, but code that merely names READMEs is code."""
    assert path_kinds(path).code


@pytest.mark.parametrize(
    ("path", "test"),
    [
        ("t/mojo/app.t", True),
        ("t/mojo/lib/MojoliciousTest.pm", True),
        ("xt/author/pod.t", True),
        ("lib/Mojo/Base.pm", False),
        ("src/t.go", False),
        ("src/at/x.py", False),
    ],
)
def test_perls_t_folders_and_t_files_are_tests(path: str, test: bool) -> None:
    """Perl's and Raku's tests live in ``t/`` (and ``xt/``) as ``*.t`` scripts ``prove`` runs:
    mojolicious/mojo's 109 of them read as code; a folder or file merely holding a "t" does not."""
    assert path_kinds(path).test is test
    assert path_kinds(path).code is not test


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("devenv.nix", False),
        ("shell.nix", False),
        (".envrc", False),
        ("eslint.config.mjs", False),
        ("web/prettier.config.cjs", False),
        ("jest.config.js", False),
        ("vitest.config.mts", False),
        ("playwright.config.ts", False),
        ("karma.conf.js", False),
        ("VERSION", False),
        # Release, dependency-update and test tools' settings, as files or rc dotfiles (scorer 18).
        (".lintstagedrc.js", False),
        (".mocharc.cjs", False),
        ("release.config.js", False),
        ("renovate.config.js", False),
        ("wdio.conf.ts", False),
        # A build's settings shape what ships, and a package's version module is its code.
        ("vite.config.ts", True),
        ("webpack.config.js", True),
        ("flake.nix", True),
        ("src/version.py", True),
        ("lib/jest.js", True),
        ("release.py", True),
        ("lib/danger.js", True),
    ],
)
def test_a_developers_shell_and_linters_or_test_runners_settings_are_no_code(
    path: str, code: bool
) -> None:
    """A developer's environment (devenv, nix-shell, direnv), a version file, and linters' or
    test runners' settings written as code ship nothing; a build tool's settings do."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "aside", "generated"),
    [
        ("src/components/Button.stories.tsx", True, False),
        ("src/Button.story.js", True, False),
        ("docs/Intro.stories.mdx", True, False),
        (".storybook/preview.tsx", False, False),
        ("storybook-static/main.js", False, True),
        (".pnp.cjs", False, True),
        (".pnp.loader.mjs", False, True),
    ],
)
def test_storybook_stories_are_examples_and_its_settings_and_build_no_code(
    path: str, aside: bool, generated: bool
) -> None:
    """A Storybook story is a component's example, its ``.storybook/`` settings are a tool's
    and its static build is generated, as Yarn's Plug'n'Play loader is: none is code, while a
    ``stories`` feature's is."""
    kinds = path_kinds(path)
    assert not kinds.code
    assert (kinds.aside, kinds.generated) == (aside, generated)
    assert path_kinds("src/features/stories/Feed.tsx").code


@pytest.mark.parametrize(
    "path",
    [
        "src/history.go",
        "pkg/security.py",
        "app/news.py",
        "lib/license.rs",
        "Makefile",
        "pkg/owners.go",
        "todo/app.py",
    ],
)
def test_code_named_like_a_project_file_is_code(path: str) -> None:
    """A project file's name counts only without an extension or with a document's."""
    assert path_kinds(path).code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("packages/create-vite/template-react/_gitignore", False),
        ("template/_npmrc", False),
        ("template/_editorconfig", False),
        ("template/_prettierrc", False),
        ("_gitignore", False),
        # Stand-ins only for a dotfile that is no code: Linguist reads ``.bashrc`` as Shell.
        ("template/_bashrc", True),
        # An underscore name whose dotted form is no dotfile anyone knows stays code.
        ("bin/_run", True),
        ("lib/_config", True),
        # A name with an extension is read by it.
        ("template/_eslintrc.cjs", True),
    ],
)
def test_a_templates_stand_in_for_a_dotfile_is_that_dotfile(path: str, code: bool) -> None:
    """A scaffolding template's ``_gitignore`` is an ignore list, not code of an unknown
    language; an underscore name that stands in for no known non-code dotfile is still code."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("cabal.haskell-ci", False),
        ("pip.conf", False),
        ("ocamlformat-bench.opam", False),
        ("playground/ssr-wasm/src/add.wasm", False),
        (".hgignore", False),
        # Without an extension, a name Linguist does not know may be a script.
        ("bin/run", True),
        ("script/bootstrap", True),
    ],
)
def test_an_extension_linguist_does_not_know_is_no_code(path: str, code: bool) -> None:
    """Linguist knows the extensions of its 700 languages: one it does not know is a tool's
    settings or data, as is an unknown dotfile; an extensionless name may be a script."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("notebooks/05.06-Linear-Regression.ipynb", False),
        ("analysis/Churn Report.ipynb", False),
        # Other markup ships: a component, a page, a stylesheet's neighbours.
        ("src/components/App.vue", True),
        ("src/routes/+page.svelte", True),
        ("templates/index.html", True),
    ],
)
def test_a_notebook_is_no_code(path: str, code: bool) -> None:
    """A Jupyter notebook is prose, cells and their saved output, markup to Linguist that
    ships nothing, while the markup of components and pages is code."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("src/content/1.1/Category - The Essence of Composition.tex", False),
        ("paper/references.bib", False),
        ("src/ctfp.sty", False),
        ("man/tmux.1", False),
        ("doc/git.roff", False),
        # A word processor's Rich Text: NetNewsWire's credits for its About window.
        ("NetNewsWire/Resources/Credits.rtf", False),
        # PostScript's pages: xv6's printout of its own source.
        ("xv6.ps", False),
        ("scripts/build.ps1", True),
        # A template and a package's code stay code, whatever a document beside them says.
        ("templates/default/site.conf.erb", True),
        ("src/tex.py", True),
    ],
)
def test_tex_and_roff_documents_are_no_code(path: str, code: bool) -> None:
    """TeX, BibTeX and Roff typeset documents (a paper, a book's chapter, a man page), Rich
    Text (an app's credits) and PostScript pages (a printout): markup to Linguist, but nothing
    a service ships (a LaTeX book's 458 chapter edits were scored as code, 35 of its 50 high
    changes)."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        # nf-core/rnaseq's metro map of its pipeline, in Mermaid.
        ("assets/metro_map.mmd", False),
        ("diagrams/architecture.d2", False),
        ("docs/flow.puml", False),
        ("docs/graph.dot", False),
        # A component stays code: Linguist types Vue markup as it does Mermaid.
        ("src/App.vue", True),
        ("src/diagram.ts", True),
    ],
)
def test_diagrams_written_as_text_are_no_code(path: str, code: bool) -> None:
    """A diagram written as text (Mermaid, D2), which Linguist types as markup as it types
    PlantUML and DOT as data, draws a picture no service runs (nf-core/rnaseq's metro map
    redrawn was high with no code by Linguist); a component is still code."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("Brewfile", False),
        ("Brewfile.lock.json", False),
        ("Dangerfile", False),
        ("dangerfile.ts", False),
        # A module that happens to hold the word is code.
        ("lib/homebrew/brewfile.rb", True),
    ],
)
def test_a_brewfile_and_a_dangerfile_are_no_code(path: str, code: bool) -> None:
    """Homebrew Bundle's Brewfile lists a developer's tools and Danger's Dangerfile checks a pull
    request in CI: Ruby to Linguist by their names, but nothing that ships."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    "path",
    [
        "tst/Pester.RSpec.ts.ps1",
        "src/tst/helpers.cs",
        "__test__/verify-worktree.sh",
        "src/functions/Mock.Tests.ps1",
    ],
)
def test_short_and_powershell_test_names_are_tests(path: str) -> None:
    """``tst/`` (Pester's, many .NET repositories'), Jest's ``__test__/`` in the singular and
    Pester's ``*.Tests.ps1`` are tests, no code (Pester's ``tst/`` was drafted as a service of
    code)."""
    kinds = path_kinds(path)
    assert kinds.test
    assert not kinds.code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("concourse/nokogiri.yml.erb", False),
        ("roles/web/templates/nginx.conf.j2", False),
        ("config/app.json.tmpl", False),
        ("chart/values.yaml.mustache", False),
        # A template of a page, a script or a query is code, as the page is.
        ("app/views/users/show.html.erb", True),
        ("templates/index.html.j2", True),
        ("app/assets/javascripts/init.js.erb", True),
        ("db/query.sql.erb", True),
    ],
)
def test_a_template_of_configuration_is_no_code(path: str, code: bool) -> None:
    """A template is judged by the file it renders: Linguist types ERB, Jinja and Go templates as
    markup, as it does an application's views, but a template of YAML, JSON or an nginx
    configuration renders configuration (nokogiri's Concourse pipeline, ``nokogiri.yml.erb``,
    was 4 of its high changes)."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (".php_cs", False),
        (".php_cs.dist", False),
        (".php-cs-fixer.php", False),
        (".php-cs-fixer.dist.php", False),
        ("rector.php", False),
        # Only the root's settings are Rector's: a class of that name below it is code.
        ("src/Rules/rector.php", True),
        ("src/Fixer/CsFixer.php", True),
    ],
)
def test_php_linters_settings_are_no_code(path: str, code: bool) -> None:
    """PHP CS Fixer's and Rector's settings are PHP to Linguist by their names, but a linter's
    configuration, as an ``.eslintrc.js`` is: nothing ships."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "migration"),
    [
        ("database/migrations/create_permission_tables.php.stub", False),
        ("resources/migrations/add_teams_fields.php.stub", False),
        ("db/migrate/create_table.rb.tmpl", False),
        ("migrations/0001_init.sql.template", False),
        # The migrations an application runs are still migrations, in any language.
        ("database/migrations/2014_10_12_000000_create_users_table.php", True),
        ("migrations/0001_init.sql", True),
    ],
)
def test_a_migration_template_is_no_migration(path: str, migration: bool) -> None:
    """A template a package writes its users' migrations from (a Laravel package's
    ``create_permission_tables.php.stub``) migrates no database of its own repository: no
    migration gate (a permissions package's 33 stub edits were critical)."""
    assert path_kinds(path).migration is migration


def test_a_laravel_stub_is_no_code() -> None:
    """A ``.php.stub`` is text a package copies into its users' projects, no language's code to
    Linguist: a change of only a stub is never more than moderate risk."""
    assert not path_kinds("database/migrations/create_permission_tables.php.stub").code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        ("changelog/index.html", False),
        ("changelogs/v2.html", False),
        # A package that writes changelogs is code wherever it sits below the top.
        ("internal/pipe/changelog/changelog.go", True),
        ("src/changelog.py", True),
    ],
)
def test_a_top_level_changelog_folder_is_release_notes(path: str, code: bool) -> None:
    """A top-level ``changelog/`` folder holds the project's release notes, in any format,
    while a ``changelog`` package deeper in the tree is code."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "code", "test"),
    [
        # Spring Initializr's default package, Google's Android samples, Quarkus' org.acme.
        ("src/main/java/com/example/demo/DemoApplication.java", True, False),
        ("core/data/src/main/kotlin/com/google/samples/apps/nowinandroid/Repo.kt", True, False),
        ("src/main/java/org/acme/docs/DocService.java", True, False),
        ("core/src/main/proto/com/google/samples/apps/prefs.proto", True, False),
        ("shared/src/commonMain/kotlin/com/example/site/Api.kt", True, False),
        # A package named for configuration or deployment is code, not infrastructure.
        ("src/main/java/com/shop/config/AppConfig.java", True, False),
        # The folders above the root still count, and so does a test source set.
        ("examples/hello/src/main/java/com/acme/Hello.java", False, False),
        ("src/test/java/com/example/demo/Helper.java", False, True),
        ("app/src/androidTest/java/com/example/FooScreen.kt", False, True),
    ],
)
def test_a_jvm_package_s_folders_say_nothing_of_its_files(
    path: str, code: bool, test: bool
) -> None:
    """Below a JVM source set's root (``src/main/java/``) the folders are a package's reversed
    domain name, so ``com/example/demo`` is an application's code, not an example; the folders
    above the root and the source set's own name still say what a file is."""
    kinds = path_kinds(path)
    assert (kinds.code, kinds.test) == (code, test)
    assert not kinds.infra


@pytest.mark.parametrize(
    ("path", "aside"),
    [
        ("retrofit-samples/github-client/src/main/java/com/example/retrofit/Client.java", True),
        ("sample-android/src/main/java/retrofit/test_app/Main.java", True),
        ("spring-boot-examples/web/src/main/java/com/acme/Web.java", True),
        ("resampler/resample.py", False),
        ("src/components/ExampleCard/index.tsx", False),
    ],
)
def test_a_module_named_for_samples_is_examples(path: str, aside: bool) -> None:
    """A folder whose name is samples or examples by a word of it (split at "-", "_", ".")
    holds examples as ``examples/`` does; a camelCase component or a longer word is code."""
    assert path_kinds(path).aside is aside
    assert path_kinds(path).code is not aside


def test_a_jvm_package_s_name_still_says_a_migration_or_sensitive_code() -> None:
    """A Flyway Java migration in its ``db/migration`` package is a migration, and a
    ``payments`` package's code is auth/payments code: those words name what the code does."""
    assert path_kinds("src/main/java/db/migration/V2__Add_orders.java").migration
    assert path_kinds("src/main/java/com/shop/payments/Charge.java").sensitive


@pytest.mark.parametrize("path", ["requirements/Makefile", "requirements/README"])
def test_a_build_or_docs_file_beside_requirements_is_no_manifest(path: str) -> None:
    """A requirements folder's Makefile or README is no dependency manifest."""
    assert not path_kinds(path).manifest


@pytest.mark.parametrize("path", ["pom.xml", "kong-3.9.3-0.rockspec"])
def test_a_manifest_is_no_code_but_stays_a_manifest(path: str) -> None:
    """A dependency manifest (a LuaRocks rockspec too) is no size, and is still flagged for
    risky content."""
    kinds = path_kinds(path)
    assert not kinds.code
    assert kinds.manifest


@pytest.mark.parametrize(
    ("path", "aside"),
    [
        ("requirements/dev.txt", True),
        ("requirements/typing.txt", True),
        ("requirements/build.txt", True),
        ("requirements-test.txt", True),
        ("dev-requirements.in", True),
        ("docs/requirements.txt", True),
        ("requirements.txt", False),
        ("requirements/base.txt", False),
        ("requirements/prod.txt", False),
        # pip-tools' inputs and outputs in a folder named for them (flask's requirements-skip/).
        ("requirements-skip/tests-min.in", True),
        ("requirements-dev/base.txt", True),
        ("requirements-prod/base.in", False),
        ("constraints.txt", False),
        ("package.json", False),
        # A requirements folder's files need no extension (falcon's requirements/tests).
        ("requirements/tests", True),
        ("requirements/docs", True),
        ("requirements/base", False),
        # What CI installs from its own folder (sqldelight's docs build) runs CI only.
        (".github/workflows/requirements.txt", True),
        (".gitlab/ci/package.json", True),
    ],
)
def test_a_requirements_file_named_for_development_ships_nothing(path: str, aside: bool) -> None:
    """A requirements file named for development, tests, docs, typing or building is a manifest
    installed by developers and CI, not by what ships; the runtime's stays a change that ships."""
    kinds = path_kinds(path)
    assert kinds.manifest
    assert kinds.aside is aside


@pytest.mark.parametrize(
    "path",
    ["src/theme/stylus/general.styl", "src/styles/app.pcss", "web/main.postcss", "ui/base.sss"],
)
def test_stylesheets_of_every_language_are_no_code(path: str) -> None:
    """A stylesheet is no code in Stylus, PostCSS and SugarSS too, as in CSS, SCSS and Less
    (mdBook's theme restyled in ``.styl`` files made five changes high)."""
    assert not path_kinds(path).code


@pytest.mark.parametrize(
    ("path", "code"),
    [
        (".luacheckrc", False),
        (".babelrc.js", False),
        (".pryrc", False),
        ("web/.template-lintrc.js", False),
        # A file merely ending in "rc" is not a tool's run-control dotfile.
        ("lib/npmrc.js", True),
        ("src/arc", True),
        # A shell's or an editor's startup script is a program: a dotfiles repository's code.
        (".bashrc", True),
        ("zsh/.zshrc", True),
        (".vimrc", True),
    ],
)
def test_a_tools_run_control_dotfile_is_no_code(path: str, code: bool) -> None:
    """A ``.<tool>rc`` dotfile is the tool's settings in whatever language it reads
    (luarocks' ``.luacheckrc`` is Lua to Linguist, and was code in no service), but for a
    shell's or an editor's startup script."""
    assert path_kinds(path).code is code


@pytest.mark.parametrize(
    ("path", "migration"),
    [
        ("src/main/resources/config/liquibase/fake-data/operation.csv", False),
        ("src/main/resources/config/liquibase/data/authority.csv", False),
        ("db/migration/seed/countries.tsv", False),
        # The changelog that loads them is a migration.
        ("src/main/resources/config/liquibase/changelog/20190101_added_entity_Foo.xml", True),
        ("src/main/resources/config/liquibase/master.xml", True),
    ],
)
def test_rows_a_changelog_loads_are_no_schema_migration(path: str, migration: bool) -> None:
    """A CSV or TSV of rows in a migrations folder (Liquibase's ``loadData``, a JHipster app's
    ``fake-data/``) changes data, no schema: no migration gate (jhipster-sample-app's
    regenerated fake rows made "automatic project update" critical)."""
    assert path_kinds(path).migration is migration


def test_a_path_marked_no_documentation_is_read_without_its_folders_asides() -> None:
    """``undocumented_kinds`` reads a docs or example folder's code as code, as Linguist's
    ``linguist-documentation=false`` asks; a test stays a test and Markdown stays prose."""
    for path in ("docs/plugin/render.py", "examples/chat/app.py", "play-java-forms-example/A.java"):
        assert not path_kinds(path).code
        assert undocumented_kinds(path).code
    assert undocumented_kinds("examples/chat/tests/test_app.py").test
    assert not undocumented_kinds("examples/chat/tests/test_app.py").code
    assert not undocumented_kinds("docs/guide.md").code


@pytest.mark.parametrize(
    "path",
    [
        "zuul-core/dependencies.lock",
        "global.lock",
        "gradle/dependency-locks/compileClasspath.lockfile",
        "conan.lock",
        "paket.lock",
        "infra/.terraform.lock.hcl",
    ],
)
def test_a_lock_file_by_its_extension_is_no_hand_written_size(path: str) -> None:
    """A lock file no list names (Nebula's ``dependencies.lock``, Terraform's
    ``.terraform.lock.hcl``) is written by its tool, as ``yarn.lock`` is: no code and no size
    (Netflix/zuul's netty bumps were sized by hundreds of lines of ``dependencies.lock``)."""
    kinds = path_kinds(path)
    assert (kinds.code, kinds.generated) == (False, True)


@pytest.mark.parametrize("path", ["src/lock.py", "lib/clock.rb", "app/lockscreen.lock.js"])
def test_code_named_for_locks_is_code(path: str) -> None:
    """A module whose name holds the word is code."""
    assert path_kinds(path).code


@pytest.mark.parametrize(
    "path", [".gitpod.yml", ".gitpod.Dockerfile", ".gitpod/Dockerfile", ".devcontainer/Dockerfile"]
)
def test_a_gitpod_workspace_is_no_code_and_ships_nothing(path: str) -> None:
    """Gitpod's workspace image and settings build a developer's machine, as a dev container's
    do: no code and nothing that ships (ohmyzsh's Gitpod set-up was high)."""
    kinds = path_kinds(path)
    assert (kinds.code, kinds.ships) == (False, False)
