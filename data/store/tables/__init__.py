"""The store's tables: the whole domain of docs/architecture.md as SQLModel classes, one
module per aggregate.

``columns`` (the column types they share), ``org`` (repositories, teams, services, people),
``changes`` (a change, its files and reviews, ``IS_MERGED``), ``deploys``, ``incidents``
(with error budgets, samples of the budget left and the team's word on culprits),
``scores``, ``subscribers``, ``briefings`` (with their deliveries), ``feedback`` (members'
word on answers),
``coverage``, ``tracker`` and ``operations`` (the scheduler's lead, sync cursors, webhook
deliveries answered, revoked web sessions).

Importing this package registers every table on ``SQLModel.metadata``, which the
migrations compare against; the names are exported here as well, so a reader may import
a table from ``data.store.tables`` or from its aggregate's module.
"""

from __future__ import annotations

from data.channels import ChannelName
from data.store.tables.briefings import Briefing, Delivery, DeliveryStatus
from data.store.tables.changes import (
    IS_MERGED,
    Change,
    ChangeFile,
    ChangeState,
    ReviewRow,
    merged_time,
)
from data.store.tables.columns import UTCDateTime
from data.store.tables.coverage import CoverageReportRow
from data.store.tables.deploys import Deploy, DeployChange, DeployCommit
from data.store.tables.feedback import AnswerFeedback
from data.store.tables.incidents import BudgetSampleRow, CulpritConfirmation, ErrorBudget, Incident
from data.store.tables.operations import Leader, RevokedSession, SyncState, WebhookDelivery
from data.store.tables.org import Person, Repository, Service, Team
from data.store.tables.scores import RiskScoreRow
from data.store.tables.subscribers import Subscriber, SubscriberAddress, SubscriberOrigin
from data.store.tables.tracker import TrackerIssue

__all__ = [
    "IS_MERGED",
    "AnswerFeedback",
    "Briefing",
    "BudgetSampleRow",
    "Change",
    "ChangeFile",
    "ChangeState",
    "ChannelName",
    "CoverageReportRow",
    "CulpritConfirmation",
    "Delivery",
    "DeliveryStatus",
    "Deploy",
    "DeployChange",
    "DeployCommit",
    "ErrorBudget",
    "Incident",
    "Leader",
    "Person",
    "Repository",
    "ReviewRow",
    "RevokedSession",
    "RiskScoreRow",
    "Service",
    "Subscriber",
    "SubscriberAddress",
    "SubscriberOrigin",
    "SyncState",
    "Team",
    "TrackerIssue",
    "UTCDateTime",
    "WebhookDelivery",
    "merged_time",
]
