"""Tests for scoring.workflow_templates: workflows that run nowhere."""

from __future__ import annotations

from scoring.workflow_templates import deploys_nothing, read_for_deployment

_WORKFLOW = """# This workflow will build and push a new container image to Amazon ECR,
# when there is a push to the $default-branch branch.
name: Deploy to Amazon ECS

"on":
  push:
    branches: [ $default-branch ]

env:
  AWS_REGION: MY_AWS_REGION

jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"""

_METADATA = """{
    "name": "Deploy to Amazon ECS",
    "description": "Deploy a container to an Amazon ECS service.",
    "iconName": "aws",
    "categories": ["Deployment", "Dockerfile"]
}
"""


def test_a_workflow_outside_the_workflows_folder_runs_nowhere() -> None:
    """A workflow template under ``deployments/`` (``on`` quoted or not, CRLF lines, or no
    ``on`` but its jobs' ``runs-on``) and its ``.properties.json`` deploy nothing; the same
    workflow in ``.github/workflows`` runs."""
    assert deploys_nothing("deployments/aws.yml", _WORKFLOW)
    assert deploys_nothing("deployments/aws.yml", _WORKFLOW.replace('"on":', "on:"))
    assert deploys_nothing("deployments/properties/aws.properties.json", _METADATA)
    assert deploys_nothing("deployments/aws.yml", _WORKFLOW.replace("\n", "\r\n"))
    assert deploys_nothing("deployments/aks.yml", _WORKFLOW.replace('"on":', "trigger:"))
    assert not deploys_nothing(".github/workflows/aws.yml", _WORKFLOW)
    assert not deploys_nothing("app/.forgejo/workflows/ci.yaml", _WORKFLOW)


def test_deployment_configuration_of_other_shapes_still_deploys() -> None:
    """A Kubernetes resource, a composite action, Helm values, a CircleCI config (``jobs``
    without ``on``), a workflow's keys indented under another key, JSON that is no template's
    metadata and a metadata file that does not parse all keep their folder's verdict."""
    kept = {
        "deploy/k8s/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n",
        "deploy/action.yml": "name: Ship\nruns:\n  using: composite\n  steps: []\n",
        "helm/web/values.yaml": "image:\n  tag: 1.2.3\non: true\n",
        ".circleci/config.yml": "version: 2.1\njobs:\n  build:\n    docker: []\n",
        "deploy/nested.yml": "template:\n  on:\n    push: {}\n  jobs: {}\n",
        "deployments/web.properties.json": '{"name": "web", "replicas": 3}',
        "deployments/broken.properties.json": '{"name": "web", "iconName": ',
    }
    for path, text in kept.items():
        assert not deploys_nothing(path, text), path


def test_only_deployment_configuration_by_its_path_is_read() -> None:
    """YAML and ``.properties.json`` the path rules call deployment configuration are read;
    a workflow in ``.github/workflows``, a YAML file of no deployment folder, a Dockerfile and
    a docs page are not."""
    for path in ("deployments/aws.yml", "k8s/web.yaml", "deployments/p/aws.properties.json"):
        assert read_for_deployment(path), path
    for path in (
        ".github/workflows/ci.yml",
        "ci/python-app.yml",
        "deploy/Dockerfile",
        "docs/deploy/index.md",
    ):
        assert not read_for_deployment(path), path
