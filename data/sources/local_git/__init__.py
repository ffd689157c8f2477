"""A local git clone as a source: what landed on its branch as changes, release tags as deploys.

No token is needed. The branch's first-parent history is streamed from one
``git log`` (``data.sources.local_git.gitlog``), so a history of any length is read in
bounded memory and checkpointed every ``batch`` commits: a crash or Ctrl-C
loses at most one batch, and the next sync resumes after the last saved commit.

- A merge a code host wrote for a pull or merge request is one change, diffed
  against its first parent and keyed as that request (``owner/repo#123``, the
  key the GitHub source uses, so the two sources never count one PR twice):
  GitHub's ``Merge pull request #123 from owner/branch``, GitLab's ``Merge
  branch 'x' into 'main'`` with ``See merge request group/proj!123``,
  Bitbucket's and Azure DevOps' own wordings (``pull_request_of``).
- Any other merge (a back-merge or forward-port such as ``Merge branch
  'release-2' into main``, ``Merge remote-tracking branch ...``, ``Merge tag
  ...``, a ``git pull`` merge) is no change of its own: its diff repeats work
  done elsewhere, and scoring it as one would make a giant change by whoever
  merged. The commits it brought in are changes instead, each as it was
  written (a request merged on the other branch stays that request), landed
  when the merge landed; its own conflict resolutions are not counted.
  So is a request's merge that carried a release's commits in (``carriers``: a
  release commit tagged on its request's branch before the request was merged,
  a maintenance branch merged forward by a pull request): those commits are
  each a change, shipped by the release that reaches them, never again by the
  next.
- Any other commit is a change keyed ``<repository>@<12-hex sha>``.
- A revert is linked to the change that landed what it reverts: ``This
  reverts commit X`` in the commit itself (squash, rebase, ``git revert``,
  also ``X, reversing changes made to Y`` for a reverted merge) or in any
  commit a request merged (GitHub's Revert button merged with a merge
  commit), GitLab's ``This reverts merge request !N``, or GitHub's
  ``revert-N-...`` branch name. When X was a commit inside a merged request,
  the request is what was reverted. A revert of something that landed
  together with it (a branch undoing its own commit) reverts nothing that
  landed.
- CODEOWNERS is read from the clone as it stood at each commit of the branch
  (``.github/CODEOWNERS``, ``CODEOWNERS``, ``docs/CODEOWNERS``: the first that
  exists, by GitHub's rules in ``data.codeowners``), re-read only when a
  commit touches one of those paths. Each file of a change then carries its
  owners (empty when no rule covers it), or ``None`` while no CODEOWNERS exists.
- A tag matching ``[sources.git] deploy_tags`` is a successful production
  deploy of every service whose files its commits changed: the commits it
  reaches that no earlier release of its line reaching it does (``tags``); a
  tag on a maintenance branch never merged back has that branch's own commits
  read as changes, and one merged forward has them opened from the merge that
  carried them.
- A shallow clone (``git clone --depth``) is read with its cut commits left out:
  git shows a commit whose parents were cut off as adding its whole tree, which no
  one changed then (``MinedCommit.cut``), and a release tag whose commits run into
  the cut ships an unknown batch, so it is no deploy. The sync says so in one
  sentence naming ``git fetch --unshallow``; the commits it found cut are kept
  (cursor ``git-cut``), so the sync after the history is fetched reads it all again.
"""

from data.sources.local_git.codeowners import CloneCodeowners
from data.sources.local_git.commits import (
    BranchFacts,
    RevertNote,
    branch_facts,
    commit_record,
    revert_notes,
)
from data.sources.local_git.merges import (
    PullRequestMerge,
    is_pull_request_merge,
    landed_commits,
    pull_request_of,
)
from data.sources.local_git.reverts import RevertTargets
from data.sources.local_git.source import LocalGitSource
from data.sources.local_git.tags import TagDeploy, tag_deploys

__all__ = [
    "BranchFacts",
    "CloneCodeowners",
    "LocalGitSource",
    "PullRequestMerge",
    "RevertNote",
    "RevertTargets",
    "TagDeploy",
    "branch_facts",
    "commit_record",
    "is_pull_request_merge",
    "landed_commits",
    "pull_request_of",
    "revert_notes",
    "tag_deploys",
]
