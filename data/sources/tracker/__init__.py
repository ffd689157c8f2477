"""What every issue tracker source shares: the issue record, links to changes, checkpoints.

Jira (``data.sources.jira``), Linear (``data.sources.linear``) and GitHub Issues
(``data.sources.github.bugs``) each turn their issues into ``TrackerIssueRecord`` values;
``checkpoint_issues`` stores them (``data.store.tracker``) with the incidents
they make and the source's cursor.
"""

__all__: list[str] = []
