"""The judgement: deterministic, explainable risk scores and weekly cards, with no I/O."""

from scoring.card_terms import Card, CardFact, CardKind, CardRules, FactKey, Severity
from scoring.cards import build_cards, severity_counts
from scoring.config import SCORER_VERSION, BandThresholds, ScoringConfig, Weights
from scoring.errors import (
    ConfigError,
    DeliveryError,
    NotFoundError,
    RiskbriefError,
    SourceError,
    StoreError,
)
from scoring.facts import ChangeFacts, DeployFacts, FileChange, IncidentFacts, Review, ReviewState
from scoring.history import History, HistoryContext
from scoring.risk import Band, Gate, RiskScore, band_for, score_change, score_changes, score_deploy
from scoring.signal import Signal
from scoring.weekly import (
    Distribution,
    GroupWeek,
    ScoredDeploy,
    WeekAggregate,
    WeekChange,
    WeekIncident,
    aggregate,
)

__all__ = [
    "SCORER_VERSION",
    "Band",
    "BandThresholds",
    "Card",
    "CardFact",
    "CardKind",
    "CardRules",
    "ChangeFacts",
    "ConfigError",
    "DeliveryError",
    "DeployFacts",
    "Distribution",
    "FactKey",
    "FileChange",
    "Gate",
    "GroupWeek",
    "History",
    "HistoryContext",
    "IncidentFacts",
    "NotFoundError",
    "Review",
    "ReviewState",
    "RiskScore",
    "RiskbriefError",
    "ScoredDeploy",
    "ScoringConfig",
    "Severity",
    "Signal",
    "SourceError",
    "StoreError",
    "WeekAggregate",
    "WeekChange",
    "WeekIncident",
    "Weights",
    "aggregate",
    "band_for",
    "build_cards",
    "score_change",
    "score_changes",
    "score_deploy",
    "severity_counts",
]
