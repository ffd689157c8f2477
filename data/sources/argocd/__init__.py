"""Argo CD as a deploy source (its REST API, a bearer token): each configured application's
sync history read as deploys of the service it is mapped to, the rule that found each kept as
``Argo CD application <name>``.

For organisations that deploy by GitOps, where no CI job or tag marks the moment a change
reached production: Argo CD's sync of the application is that moment.
"""

from data.config.sources.argocd import TOKEN_ENV, ArgoCDAppConfig, ArgoCDSourceConfig

__all__ = ["TOKEN_ENV", "ArgoCDAppConfig", "ArgoCDSourceConfig"]
