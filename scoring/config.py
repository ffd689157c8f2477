"""Weights, band thresholds and card rules: one versioned object with defaults."""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from scoring.card_thresholds import CardRules
from scoring.model import MODEL, ChangeModel

__all__ = [
    "SCORER_VERSION",
    "BandThresholds",
    "ScoringConfig",
    "Weights",
]

# Bump when the meaning of a signal or the way points add up changes, or the rules of
# ``scoring.work_kind``: each score keeps the change's kind of work, found when it was scored.
# 9: the number is read against the history's typical change and bands are fixed bounds of
# it; a deploy's number is the chance at least one of its changes needs a fix. Files are
# classified by Linguist's rules (``scoring.linguist``); re-indented Python is code; timing
# reads the commit's own offset; an author's subsystem count never exceeds the whole.
# 10: the counts that grow with a history (the author's changes, the files' changes,
# developers and fixes) are read as their rank among the history's latest changes.
# 11: a folder named requirements-anything holds dependency manifests as requirements/ does
# (pip-tools' .in inputs there were code of an unknown language).
# 12: a production deploy finished while its service had spent its error budget is gated to
# critical (``error_budget``), as a change merged then is; a file no one wrote by hand (a
# lock file) holds none of the files' size (Kamei's LT).
# 13: a revert's incident never gates a deploy as an active incident: its window runs from
# the reverted change's deploy to the revert's merge, which times no outage.
# 14: a scaffolding template's ``_name`` stand-in for a dotfile is read as that dotfile
# (create-vite's ``_gitignore`` was code of an unknown language); a requirements folder's
# files need no extension (falcon's ``requirements/tests`` was code); an extension or a
# dotfile Linguist knows no language for is no code (``cabal.haskell-ci``, ``pip.conf``); an R
# package's ``DESCRIPTION`` is a dependency manifest, not code of an unknown language.
# 15: a developer's environment (``.envrc``, ``devenv.nix``, ``shell.nix``), a ``VERSION``
# file and linters', formatters' and test runners' settings written as code
# (``eslint.config.mjs``, ``jest.config.js``) are no code; a file whose text Linguist's
# heuristics read as data or prose (jq's ``.asc`` signatures) holds no line of code, and so does
# a file with no extension and no name Linguist knows that git does not mark executable
# (helix's ``runtime/tutor``: text, not a script); a published npm package's
# ``devDependencies`` or lock file edit is no dependency change (npm never installs them for
# its users), nor is a ``pom.xml`` edit of the project's description (version, modules, SCM);
# Perl's ``t/`` and ``xt/`` folders and ``*.t`` scripts are tests.
# 16: a Jupyter notebook is no code (prose, cells and their saved output, markup to Linguist):
# a notebook's badge or navigation link in every chapter of a book was very high; a top-level
# ``changelog/`` folder is release notes whatever its files' format (``index.html``).
# 17: a schema migration edited in its comments or blank lines alone (an encoding line in
# ``db/schema.rb``) is no migration: no gate, no code touched; below a JVM source set's root
# (``src/main/java/``) the folders are a package's name, which the folder rules do not read
# (``com/example/demo`` and ``com/google/samples/apps`` made an application's code examples);
# a folder named for samples by a word of it (``retrofit-samples``) holds examples.
# 18: a Vue component's hunk inside its ``<script>`` is lexed as the script (its comments
# were the markup's text, so code: a "comments only" change of 28 files scored high), and a
# Svelte component by Vue's lexer (Pygments has none: its every non-blank line was code); a
# COPYRIGHT, PATENTS, CREDITS, THANKS, TODO or OWNERS file is a project file, no code (Kong's
# COPYRIGHT was code of an unknown language at its root); a LuaRocks rockspec is a manifest;
# an extension go-enry's index gives a data language alone while a programming language lists
# it too is that language's by path (every Solidity ``.sol`` contract was a Gerber image,
# Starlark's ``.star`` STAR data); a Prisma schema and WebAssembly interface types are code;
# Storybook's stories are examples, its settings and static build no code; a manifest in CI's
# own folders (``.github/workflows/requirements.txt``) ships nothing; release, dependency-update
# and test tools' settings written as code (``release.config.js``, ``.mocharc.cjs``) are no code.
# 19: a folder named for a kind of test run in one word (``smoketests/``, ``loadtests/``) is a
# test folder, as ``unittests/`` was (shiny's smoke-test apps were code); a README of any
# extension is documentation, as Linguist reads it (PostgREST's literate Haskell README.lhs);
# a code-update tool's steps by release (``migrations/13_0_0-beta/index.ts``, Angular's
# ``ng update`` schematics) are no schema migration (ngrx's every such change was gated); the
# text of an Elixir ``@moduledoc``/``@doc`` string is documentation, as a docstring is.
# 20: a .NET project's (``.csproj``, ``.fsproj``) edit of its package's description, version,
# analyzer settings or packages private to its own build (``PrivateAssets="all"``) is no
# dependency change (Giraffe's F# analyzers made a change of no code high); a local clone's
# file whose head Linguist's heuristics read as data though its extension names a programming
# language holds no code (flameshot's Qt translations, ``.ts``, were TypeScript).
# 21: a published npm package's lock file relocked with no manifest edited beside it pins
# nothing its users install, as it already did beside one (OpenZeppelin's docs overhaul, whose
# package-lock.json made a change of docs high); a package's own version in package.json,
# Cargo.toml or pyproject.toml is no dependency change (a release's bump, as a pom.xml's was);
# a header saying a file was "procedurally generated" from a template marks it generated.
# 22: deployment configuration whose edit a local clone read as comments or blank lines only
# (Renovate's ``# renovate:`` markers in ten Dockerfiles, a change scored high) ships nothing
# and is no infrastructure change; a test written in code is no infrastructure in a folder
# named for it (kubebuilder's ``kustomize/v2/create_test.go``: tests alone scored high); a
# local clone's paths a package.json build or clean script deletes whole (``rimraf material``)
# are generated: mkdocs-material's every source edit was sized twice, once in its build's copy.
# 23: TeX, BibTeX and Roff documents are no code (a LaTeX book's chapters were sized as code,
# most of its high changes); Homebrew Bundle's Brewfile and Danger's Dangerfile are no code; a
# crate's ``[dev-dependencies]`` edited alone (for any target) is no dependency change; what a
# local clone's root ``build.sh`` deletes whole is generated (kube-prometheus's ``manifests/``).
# 24: a migration template a package publishes into its users' projects (a Laravel package's
# ``create_permission_tables.php.stub``) is no schema migration (a permissions package's every
# stub edit was critical); PHP CS Fixer's and Rector's settings are no code; a Cargo
# workspace's members and shared metadata, a pyproject's dependency groups and a
# composer.json's ``require-dev`` are no dependency change; a template of configuration
# (``pipeline.yml.erb``, ``nginx.conf.j2``) is no code, as the configuration it renders is not;
# ``tst/``, ``__test__/`` and Pester's ``*.Tests.ps1`` are tests.
# 25: only a template language's file renders what its inner name says (24 read any markup
# file so, a plain page about a schema, ``activemq.xsd.html``, included); a translation
# (``lang/it/validation.php``, ``src/locales/pt-BR.ts``) is no code; nor is a Stylus or
# PostCSS stylesheet, nor a tool's ``.<tool>rc`` dotfile (``.luacheckrc``); the rows a
# Liquibase changelog loads (a CSV in a migrations folder) are no schema migration.
# 26: a repository of examples (``scoring.example_collections``: four fifths of its code in
# folders named for examples) reads its examples as code, marked by a local clone's sync as
# ``linguist-documentation=false`` (now honoured) would mark them: playframework/play-samples'
# every change was no code, its samples in no service; ``Dockerfile.debug`` is a Dockerfile
# (Docker's ``-f`` convention), its comments no code; a Cargo.lock that only records its crates'
# own versions, or only gains packages beside a Cargo.toml edited in no dependency, is no
# dependency change (sharkdp/bat's release bumps and test dependencies were high).
# 27: the same edit made to many files of one change is read once (``scoring.repeated_edits``):
# quarkus-quickstarts' release bumps, one version in a hundred Dockerfiles and start pages,
# were 574 lines of code and critical.
# 28: a repository of examples is weighed by its code's bytes, not its files
# (``scoring.example_collections``): raysan5/raylib, a library of a few large C files beside 462
# small examples, was read as a collection, its examples code and 351 of its high changes none.
# 29: Rails' schema dumps (``db/schema.rb``, ``db/queue_schema.rb``, ``db/structure.sql``) are
# written by ``db:schema:dump``: still a schema migration, no one's hand-written size (lobsters'
# Solid Queue schema, first committed without its header, was sized as code); the list of a .NET
# project's own resources, content files and folders (``EmbeddedResource``, ``Content``,
# ``None``, ``Folder``, WPF's ``Page`` and ``Resource``) is no dependency change (ShareX's
# translators' pull requests, a form's ``.de.resx`` each and its line in the ``.csproj``, were
# high with no code); a Maven dependency of ``test`` scope is no dependency change (jsoup's
# integration tests' Jetty and Netty servers, added beside the tests, were high with no code);
# a Gradle build script's tasks, publishing and documentation set-up are no dependency change,
# its dependency, plugin, repository and buildscript blocks and version lines are (mockito's
# spotless, Flight Recorder and reproducible-build edits of build.gradle were high).
# 30: the lines added to a translation (``scoring.translations``: a locale's catalogue in a
# translations folder) are no size of the change, as a lock file's are not: hovancik/stretchly's
# every new language, a 110-line catalogue and the language's line on a settings page, was high.
# 31: PHPUnit's ``FooTest.php`` is a test wherever it sits, as Java's ``FooTest.java`` is
# (thephpleague/flysystem keeps each adapter's test beside it in ``src/``: changes of tests alone
# were high).
# 32: a Rich Text document (``Credits.rtf``) is no code, as TeX and Roff documents are not
# (NetNewsWire's credits for its About window, edited alone, were high).
# 33: an Android resource folder of a locale (``res/values-de/strings.xml``,
# ``values-pt-rBR``) holds translations, whose lines are no size (scorer 30): AntennaPod's
# translators' strings made a release's version bump high.
# 34: a README's template (``README-template.hbs``) is documentation as the README is
# (rust-lang/rustlings' README edits, made to the template and its output together, were high);
# a manifest added or deleted with tool tables alone (a new pyproject.toml of ``[tool.black]``)
# is no dependency change, as such an edit is not (conda's pre-commit set-up was high).
# 35: PostScript's pages (``xv6.ps``, a printout of the source) are no code, as TeX and Rich
# Text are not (mit-pdos/xv6-public's regenerated printout was critical); a package.json that
# names what it publishes (``module``, ``exports``, ``types``, ``files``) is a published
# package though ``private``: its devDependencies and lock file pin nothing its users install
# (pmndrs/zustand's linters and test runners, bumped with its lock, were high).
# 36: a pyproject's description of the project (PEP 621's and Poetry's classifiers, authors,
# description, readme, URLs, licence) is no dependency change, as a pom.xml's or a
# composer.json's is not (tiangolo/typer's "Python :: 3.12" classifier was high).
# 37: a collection's projects not named for examples count with its examples where most of the
# top folders that are projects of their own are named so (``scoring.example_collections``:
# microsoft/vscode-extension-samples' ``chat-tutorial/`` and ``wasm-component-model/`` beside
# ``*-sample/`` kept the collection from being one, its samples' code no code and in no
# service); any lock file by its extension (Nebula's ``dependencies.lock``, ``*.lockfile``,
# Terraform's ``.terraform.lock.hcl``) is written by its tool, no code and no size, as
# ``yarn.lock`` is (Netflix/zuul's netty bumps were sized by 476 lines of ``dependencies.lock``);
# Gitpod's workspace (``.gitpod.yml``, ``.gitpod.Dockerfile``) is no code and ships nothing, as a
# dev container is not and does not (ohmyzsh's Gitpod set-up was high); a Gradle dependency of a
# test configuration (``testImplementation``, ``androidTestImplementation``) is no dependency
# change, as a Maven one of ``test`` scope is not (Netflix/zuul's move to JUnit 5 was high); a
# template of a document (``index.md.tmpl``, ``guide.rst.j2``) is no code, as a template of
# configuration is not (integrations/terraform-provider-github's docs templates were high).
# 38: a pubspec.yaml's ``dev_dependencies``, its own version and its description on pub.dev are
# no dependency change, as a package.json's devDependencies of a published package are not
# (``data.sources.local_git.pubspec_manifests``: dart-lang/shelf's release bumps of
# ``version`` counted as dependency changes).
# 39: a private package.json of tools alone (no dependency but development ones, no entry point
# or workspaces, no script that builds, starts or publishes) changes no dependency by its
# devDependencies, nor does its lock file (``data.sources.local_git.npm_manifests``:
# trailheadapps/lwc-recipes' relocks of eslint and jest lifted test-only changes out of the
# no-code cap).
# 40: a file of an extension several languages share whose text Linguist's heuristics read as a
# typeset document (TeX, Roff) holds no code, by its hunks or, in a local clone's sync, by its
# head, as one named for such a language does not (posquit0/Awesome-CV's LaTeX class
# ``awesome-cv.cls``, TeX to Linguist, was lexed as code).
# 41: a diagram written as text in a language Linguist types as markup (Mermaid's ``.mmd``, D2,
# Pic) is no code, as PlantUML and Graphviz's DOT, which it types as data, are not
# (nf-core/rnaseq's metro map redrawn in Mermaid was high with no code by Linguist).
# 42: an HTML file that runs nothing (``scoring.html_pages``: no template tag, binding, custom
# element or inline script) is a page and holds no code, as Linguist, which types HTML as
# markup, counts none; templates stay code (tcltk/tcllib's manuals and generated reference,
# python/devguide's report forms, were high with no code by Linguist).
# 43: a GitHub Actions workflow kept outside ``.github/workflows`` (a template, which no forge
# runs from there) and a workflow template's metadata (``<name>.properties.json``) deploy
# nothing, in a local clone's sync (``scoring.workflow_templates``): actions/starter-workflows'
# templates under ``deployments/`` were deployment configuration by that folder's name.
SCORER_VERSION = "43"


@dataclass(frozen=True, slots=True)
class Weights:
    """The most points each signal can add to a 0–100 change score.

    The first group, the signals a public history measures, is not set by hand:
    each default is the most points the fitted model (``scoring.model.MODEL``,
    ``scoring/model.json``) lets that signal earn, fitted on bug-inducing commits
    that Apache projects' issue trackers linked to their fixes (``python -m
    bench.real_history``; ZooKeeper held out; docs/scoring.md has the table).
    A signal earns a share of its weight, read from the model's shapes, so a
    weight set here scales the model's points for that signal and ``riskbrief
    calibrate`` refits them for an organisation.
    The rest are policy: what public histories cannot measure (review,
    ownership, agents, coverage, incidents) or what the model does not read
    (timing, risky paths, missing tests). Their points are reasoned, not fitted,
    kept small where they fire often, and each explanation says so.
    An unknown signal's weight is spread over the known ones (``scoring.risk``).
    One field per change signal, named as the signal and in the order of
    ``scoring.signals.CHANGE_SIGNALS``, then the deploy-level weights
    (``scoring.deploy_risk.score_deploy``). Written out, not generated, so that a
    misspelled weight (``weights.sizee``) is a type error.
    """

    # Change signals, fitted on histories (the model's most points for each).
    size: float = round(MODEL.most("size"), 1)
    diffusion: float = round(MODEL.most("diffusion"), 1)
    fix: float = round(MODEL.most("fix"), 1)
    file_history: float = round(MODEL.most("file_history"), 1)
    author_experience: float = round(MODEL.most("author_experience"), 1)
    author_expertise: float = round(MODEL.most("author_expertise"), 1)
    defect_proneness: float = round(MODEL.most("defect_proneness"), 1)
    # Change signals of policy.
    review: float = 10.0
    codeowners: float = 7.0
    tests: float = 2.0
    coverage: float = 4.0
    timing: float = 2.0
    agent: float = 6.0
    service_incidents: float = 5.0
    risky_content: float = 3.0
    # Deploy-level points on top of the chance that one of its changes needs a fix.
    # ``batch_size`` adds nothing since scorer version 9 (the changes' own chances count a
    # batch); kept so that a riskbrief.toml setting it still reads.
    batch_size: float = 10.0
    deploy_timing: float = 10.0
    deploy_gap: float = 6.0


@dataclass(frozen=True, slots=True)
class BandThresholds:
    """Lower bounds of the moderate, high and critical bands (safe is below ``moderate``), and
    the score of the fitted histories' typical change (``typical``).

    The bounds are fixed ranges of the number shown, for every change and deploy of every
    history, so a higher number is never a lower band. A change's number is read against its
    history's own typical change (``scoring.typical.TypicalChange``): where a typical change
    scores 10 points more than ``typical``, every change reads 10 points lower, an entry
    of its breakdown. A point is a fixed step in the odds of a defect (the model's
    ``points_per_logit``), so "high" means the same multiple of the history's own typical
    odds everywhere. Before a history has a typical change, nothing is taken off.
    """

    moderate: float = 54.0
    high: float = 60.0
    critical: float = 72.0
    typical: float = 48.0


@dataclass(frozen=True, slots=True)
class ScoringConfig:
    """Everything the scorer and the card rules need besides the facts themselves."""

    weights: Weights = field(default_factory=Weights)
    # The fitted shapes the measured signals read their shares from.
    model: ChangeModel = MODEL
    bands: BandThresholds = field(default_factory=BandThresholds)
    rules: CardRules = field(default_factory=CardRules)
    # Timing signals (Friday, after hours) are judged in this zone once the organisation
    # names it (``timezone_set``); until then a change whose source knew its committer's UTC
    # offset (a git commit's) is judged on that clock, and others in this zone.
    timezone: str = "UTC"
    timezone_set: bool = False
    working_hours: tuple[int, int] = (9, 18)
    active_incident_grace_hours: float = 4.0
    incident_lookback_days: int = 30
    # Merges on these local days, or the working day before one, meet thin cover.
    holidays: tuple[date, ...] = ()
    # False when no source reports incidents (no pager, file, label or reverts):
    # a service's incident history is then unknown, never "0 incidents".
    incidents_known: bool = True
    # False until any coverage report is stored: the coverage signal then weighs
    # nothing at all, so an organisation that measures no coverage scores as before.
    # Once reports exist, a change without one is unknown and its weight is spread.
    coverage_known: bool = False

    @property
    def version(self) -> str:
        """The scorer version stored with every score: base version plus a digest of the config.

        Two scores with the same version were computed by the same rules and numbers.
        """
        return _version_of(self)

    def with_overrides(self, overrides: dict[str, dict[str, Any]]) -> ScoringConfig:
        """Return a copy with ``{"weights": {...}, "bands": {...}, "rules": {...}}`` applied.

        Unknown names raise ``KeyError`` naming the section and key; the config
        loader turns that into a user-facing sentence.
        """
        cfg = self
        for section, values in overrides.items():
            current = getattr(cfg, section)
            known = set(asdict(current))
            for key in values:
                if key not in known:
                    raise KeyError(f"{section}.{key}")
            cfg = replace(cfg, **{section: replace(current, **values)})
        return cfg


# Every score asks for its config's version; digesting the config each time
# would cost more than scoring the change.
@functools.lru_cache(maxsize=64)
def _version_of(config: ScoringConfig) -> str:
    # Whether coverage reports exist is a fact of the store, like a change's facts, not a
    # rule: every reader asks the version of riskbrief.toml's config, which cannot know it.
    rules = {k: v for k, v in asdict(config).items() if k != "coverage_known"}
    blob = json.dumps(rules, sort_keys=True, default=str).encode()
    return f"{SCORER_VERSION}+{hashlib.sha256(blob).hexdigest()[:10]}"
