"""Services drafted from packages that configure other software (``bot.quickstart.config_packages``)
on small clones: a repository's Helm charts, a Puppet module, a Chef cookbook; each file's service
as the drafted riskbrief.toml reads it, tests and docs in none."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.quickstart.plans import drafted as _plan

pytestmark = pytest.mark.usefixtures("clean_git_env")


def test_a_repository_of_helm_charts_is_a_service_per_chart(tmp_path: Path) -> None:
    """Each chart of a charts repository (``charts/<chart>/Chart.yaml``) is a service named
    by its ``name``, holding its subcharts; a repository of one chart is not read as charts."""
    chart = "apiVersion: v2\nname: {}\nversion: 1.0.0\n"
    plan, owner = _plan(
        tmp_path / "charts",
        {
            "charts/node-exporter/Chart.yaml": chart.format("prometheus-node-exporter"),
            "charts/node-exporter/templates/_helpers.tpl": '{{- define "x" -}}\n{{- end }}\n',
            "charts/node-exporter/values.yaml": "port: 9100\n",
            "charts/stack/Chart.yaml": chart.format("kube-prometheus-stack"),
            "charts/stack/templates/_helpers.tpl": '{{- define "y" -}}\n{{- end }}\n',
            "charts/stack/charts/crds/Chart.yaml": chart.format("crds"),
            "charts/stack/charts/crds/templates/crd.yaml": "kind: CustomResourceDefinition\n",
            "README.md": "# Charts\n",
        },
    )
    assert plan.found_by == "Helm charts (Chart.yaml)"
    assert owner["charts/node-exporter/templates/_helpers.tpl"] == "prometheus-node-exporter"
    assert owner["charts/stack/charts/crds/templates/crd.yaml"] == "kube-prometheus-stack"
    assert owner["README.md"] == "-"
    single, _ = _plan(
        tmp_path / "one",
        {"Chart.yaml": chart.format("app"), "templates/_helpers.tpl": '{{- define "z" -}}\n'},
    )
    assert single.found_by != "Helm charts (Chart.yaml)"


def test_two_charts_of_one_name_are_two_services(tmp_path: Path) -> None:
    """Two charts named alike, the second in a folder of that name (argocd-example-apps'
    ``blue-green/`` and ``helm-guestbook/``, both ``helm-guestbook``), are two services: the
    second keyed by its folder and numbered, not dropped."""
    chart = "apiVersion: v2\nname: helm-guestbook\nversion: 1.0.0\n"
    plan, owner = _plan(
        tmp_path / "apps",
        {
            "blue-green/Chart.yaml": chart,
            "blue-green/templates/_helpers.tpl": '{{- define "x" -}}\n{{- end }}\n',
            "helm-guestbook/Chart.yaml": chart,
            "helm-guestbook/templates/_helpers.tpl": '{{- define "y" -}}\n{{- end }}\n',
        },
    )
    assert plan.found_by == "Helm charts (Chart.yaml)"
    assert owner["blue-green/templates/_helpers.tpl"] == "helm-guestbook"
    assert owner["helm-guestbook/templates/_helpers.tpl"] == "helm-guestbook-2"


_PUPPET_METADATA = """{
  "name": "puppetlabs-apache",
  "version": "13.2.0",
  "dependencies": [{"name": "puppetlabs/stdlib", "version_requirement": ">= 4.13.1"}],
  "operatingsystem_support": [{"operatingsystem": "Debian"}]
}
"""


def test_a_puppet_module_is_one_service_named_as_the_forge_publishes_it(tmp_path: Path) -> None:
    """A root metadata.json naming ``author-name`` is one service of the module's manifests,
    Ruby types, templates, files, type aliases and tasks, with its metadata, Gemfile and
    Rakefile; its spec/ and examples/ are in none."""
    plan, owner = _plan(
        tmp_path / "apache",
        {
            "metadata.json": _PUPPET_METADATA,
            "manifests/vhost.pp": "define apache::vhost () {}\n",
            "manifests/mod/security.pp": "class apache::mod::security {}\n",
            "lib/puppet/functions/apache/bool2httpd.rb": "Puppet::Functions.create_function\n",
            "templates/mod/security_crs.conf.erb": "SecDefaultAction <%= @action %>\n",
            "files/httpd": "#!/bin/sh\n",
            "types/loglevel.pp": "type Apache::LogLevel = String\n",
            "tasks/init.rb": "puts 1\n",
            "data/common.yaml": "---\n",
            "hiera.yaml": "version: 5\n",
            "Gemfile": "source 'https://rubygems.org'\n",
            "Rakefile": "require 'puppetlabs_spec_helper/rake_tasks'\n",
            "spec/defines/vhost_spec.rb": "describe 'apache::vhost' do\nend\n",
            "examples/vhost.pp": "apache::vhost { 'a': }\n",
        },
    )
    assert plan.found_by == "the Puppet module (metadata.json)"
    assert [key for key, _ in plan.services] == ["puppetlabs-apache"]
    for path in (
        "manifests/mod/security.pp",
        "lib/puppet/functions/apache/bool2httpd.rb",
        "templates/mod/security_crs.conf.erb",
        "files/httpd",
        "types/loglevel.pp",
        "tasks/init.rb",
        "metadata.json",
        "Gemfile",
        "Rakefile",
    ):
        assert owner[path] == "puppetlabs-apache", path
    assert owner["spec/defines/vhost_spec.rb"] == "-"
    assert owner["examples/vhost.pp"] == "-"


def test_a_chef_cookbook_is_one_service_named_by_its_metadata(tmp_path: Path) -> None:
    """A root metadata.rb naming the cookbook is one service of its recipes, custom resources
    (a ``resources/`` folder, no service elsewhere), libraries, attributes, templates and
    files, with its metadata and Policyfile; its tests and docs are in none."""
    plan, owner = _plan(
        tmp_path / "apache2",
        {
            "metadata.rb": "name 'apache2'\nversion '10.1.0'\ndepends 'yum-epel'\n",
            "resources/install.rb": "property :mpm, String\naction :install do\nend\n",
            "resources/mod_ssl.rb": "property :port, Integer\n",
            "libraries/helpers.rb": "module Apache2\n  module Cookbook\n  end\nend\n",
            "recipes/default.rb": "apache2_install 'default'\n",
            "attributes/default.rb": "default['apache']['listen'] = ['*:80']\n",
            "templates/apache2.conf.erb": "ServerRoot <%= @root %>\n",
            "files/ports.conf": "Listen 80\n",
            "Policyfile.rb": "name 'apache2'\nrun_list 'test::default'\n",
            "kitchen.yml": "driver:\n  name: vagrant\n",
            "test/cookbooks/test/recipes/default.rb": "apache2_install 'default'\n",
            "spec/libraries/helpers_spec.rb": "describe Apache2 do\nend\n",
            "documentation/apache2_install.md": "# apache2_install\n",
        },
    )
    assert plan.found_by == "the Chef cookbook (metadata.rb)"
    assert [key for key, _ in plan.services] == ["apache2"]
    for path in (
        "resources/install.rb",
        "libraries/helpers.rb",
        "recipes/default.rb",
        "attributes/default.rb",
        "templates/apache2.conf.erb",
        "files/ports.conf",
        "metadata.rb",
        "Policyfile.rb",
    ):
        assert owner[path] == "apache2", path
    assert owner["test/cookbooks/test/recipes/default.rb"] == "-"
    assert owner["spec/libraries/helpers_spec.rb"] == "-"


def test_a_metadata_rb_that_names_nothing_is_no_cookbook(tmp_path: Path) -> None:
    """A root metadata.rb without a cookbook's name or its recipes, resources or libraries
    (a Ruby project's own metadata file) is read as any clone is, not as a cookbook."""
    plan, _ = _plan(
        tmp_path / "tool",
        {
            "metadata.rb": "VERSION = '1.0'\n",
            "app/main.rb": "puts 1\n",
            "worker/run.rb": "puts 2\n",
        },
    )
    assert plan.found_by != "the Chef cookbook (metadata.rb)"


def test_a_metadata_json_that_names_no_puppet_module_is_no_build(tmp_path: Path) -> None:
    """A metadata.json of another kind (a plain name, no dependencies list) or not JSON at all
    leaves the clone to its code folders."""
    for i, text in enumerate(('{"name": "site", "version": "1"}\n', "{not json\n")):
        plan, _ = _plan(
            tmp_path / f"odd{i}",
            {"metadata.json": text, "manifests/site.pp": "node default {}\n"},
        )
        assert plan.found_by == "top-level code folders"
        assert plan.services == (("manifests", "manifests/**"),)
