"""The fixed numbers that decide whether a card appears and how severe it is (``CardRules``),
read by every card rule (``scoring.card_rules``) and set in riskbrief.toml's ``[cards]``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["CardRules"]


@dataclass(frozen=True, slots=True)
class CardRules:
    """The fixed numbers that decide whether a card appears and how severe it is.

    Shares are percentages (0–100); a "pp" rule is a change in percentage points.
    Every threshold belongs to the side that fires: a number exactly at it counts.
    """

    # A change adding this many lines of hand-written code is high risk whatever else
    # is known: more than a reviewer takes in at once (SmartBear's Cisco study of
    # 2,500 reviews: defect finding falls off beyond 200–400 lines per review).
    large_change_lines: int = 400
    # When last week is too thin for a rate or time card (fewer incidents, deploys or
    # changes than the card needs), it compares with the weeks before this one,
    # this many of them (last week included), pooled, if they together are not thin.
    # They are also what is usual for a service or the scope (expected fixes, gates, sizes,
    # deploys): eight weeks, because a service's usual week known from four (five to seven
    # changes a week) is so loosely known that its predictive law let five outside rewrites
    # at the high bound pass as chance (docs/scoring.md, "Expected fixes and a false-alarm
    # budget").
    baseline_weeks: int = 8
    # Risk distribution shift, as it was read before expected fixes: share of changes in
    # high or critical. Only ``shift_min_changes`` is still read (this week needs that many
    # changes); the others are kept so that a riskbrief.toml naming them still loads.
    shift_warning_pp: float = 10.0
    shift_critical_pp: float = 20.0
    shift_min_changes: int = 5
    # The rise of a scope's high-risk changes (their expected fixes beyond the shift's test
    # and warning ratio) is also material, as a warning, when the week holds at least this
    # many more high-risk changes than its usual share of them for as many changes: each at
    # the high bound is about one expected fix in two, so the two expected fixes of
    # ``shift_warning_excess`` would take five or six of them (``card_rules.risk``).
    shift_min_high_risk: int = 3
    # Concentration and shift are judged on expected fixes (the sum of the changes' chances
    # of needing a fix) against the scope's own weeks (``card_rules.usual.rise``). Their
    # test's false-alarm chances are set so that the risk rules (concentration, shift,
    # rising driver) together make at most ``risk_alarm_budget`` warning or critical cards
    # in a steady week, whatever the number of services (docs/scoring.md, "Expected fixes
    # and a false-alarm budget"); the severity comes from the size of the rise: the ratio to the
    # usual week's and the absolute excess (in expected fixes; for very-high changes, in
    # changes) of its severity.
    risk_alarm_budget: float = 0.25
    # A service's rise is material from two expected fixes more than its usual week, as the
    # organisation's is (``shift_warning_excess``); its ratio then says warning or critical. A
    # floor of 3 for critical let five 1,000-line outside rewrites at the large-change gate's
    # floor (about 1 in 2 each) tripling a small service's expected fixes (+2.4) read as
    # nothing or a warning: a small service's story could not be critical.
    concentration_warning_ratio: float = 1.5
    concentration_warning_excess: float = 2.0
    concentration_critical_ratio: float = 2.5
    concentration_critical_excess: float = 2.0
    # A service's high-risk changes' rise is material also by this many more high-risk
    # changes (on their own or put there by a gate) than its usual week: five outside
    # rewrites at the large-change gate's floor (about 1 in 2 each) in a service that
    # usually makes one high-risk change a week add 1.9 expected fixes, under the floor above.
    concentration_min_high_risk: int = 3
    # A service's expected fixes of all its changes speak for it only when its changes are
    # riskier too: their mean chance of needing a fix at least this many times its usual
    # change's (the shift's warning ratio). A week of twice its usual number of changes of
    # its usual kind doubles a service's expected fixes, and it is no concentration, as a
    # busy week is no shift. Its high-risk changes' rise needs no such bound: more of its
    # changes crossed the high bound.
    concentration_min_chance_ratio: float = 1.2
    shift_warning_ratio: float = 1.2
    shift_warning_excess: float = 2.0
    shift_critical_ratio: float = 2.5
    shift_critical_excess: float = 8.0
    # Concentration: one service's high-risk share this week. No longer read by the rule
    # (expected fixes are, above): kept so that a riskbrief.toml naming them still loads.
    concentration_warning_share: float = 35.0
    concentration_critical_share: float = 50.0
    concentration_min_rise_pp: float = 15.0
    concentration_min_changes: int = 4
    # A signal that drives more high-risk changes than last week, by at least this many
    # changes, and by at least ``driver_min_excess`` expected fixes (the rise's changes' chances
    # of needing a fix beyond its usual count's): the organisation's own material floor
    # (``shift_warning_excess``), so three changes at the high bound after none (1.4 expected
    # fixes) are no card while eight are.
    driver_min_changes: int = 3
    driver_min_rise: int = 2
    driver_min_excess: float = 2.0
    # Incidents after a deploy that stood out for its service (``card_rules.incidents.
    # stood_out``), within this many hours of it: always critical.
    incident_window_hours: float = 24.0
    # A high deploy (or one shipping a high-risk change) stands out when it scored above
    # every other deploy of its service this week and over the baseline weeks, when the
    # service made at least this many others to compare with; with fewer, it stands out
    # by being high. Deploys an active incident's gate lifted are not compared.
    incident_many_deploys: int = 5
    # ...and scored above the riskiest of those others by a material margin: its odds of
    # needing a fix at least this many times theirs. A score's points are steps in log-odds,
    # so with the shipped model's 10 points a logit the margin is just over 4 points (5 whole
    # points). Of a service's few dozen deploys one is always the riskiest, usually by a point
    # or two over the next: a steady incident after it is a coincidence a fixed share of the
    # time. 1.5 is the ratio that makes a service's expected fixes material
    # (``concentration_warning_ratio``).
    incident_deploy_odds_ratio: float = 1.5
    # A change a gate put at very high risk makes a card only when it is material: merged
    # without a human approval, by an AI agent, unusual for its service (no change through
    # the same gate there over the baseline weeks), or risky on its own: its signals alone
    # came within this many points of the very-high bound the gate lifted it to (the high
    # band's width with the default bands, so its own signals made it high risk for its
    # history). An incident after the deploy that shipped it is the incident rule's to judge.
    gated_other_risk_points: float = 12.0
    # MTTR: worse by both a ratio and an absolute number of minutes. Better by
    # the same (at most 1 / ``mttr_warning_ratio`` of last week's, and at least
    # ``mttr_min_minutes`` less) is a positive card when both weeks resolved at
    # least ``mttr_improved_min_incidents`` incidents.
    mttr_warning_ratio: float = 1.5
    mttr_critical_ratio: float = 3.0
    mttr_min_minutes: float = 30.0
    mttr_improved_min_incidents: int = 2
    # Worse MTTR needs this many resolved incidents in each week: one is not a trend.
    mttr_min_incidents: int = 2
    # Change failure rate of production deploys, in percentage points; a rate
    # needs deploys, so both weeks need at least one. Falling ``cfr_warning_pp``
    # is a positive card when both weeks had ``cfr_min_deploys`` deploys and
    # ``cfr_min_failed_deploys`` fewer deploys failed than last week.
    cfr_warning_pp: float = 10.0
    cfr_critical_pp: float = 25.0
    cfr_min_deploys: int = 4
    # A change-failure-rate card needs at least this many failed deploys this week.
    cfr_min_failed_deploys: int = 2
    # ... and a rate this week of at least this percentage: DORA counts up to 15 % as
    # its best performers' rate, so a rise that stays below it is no warning.
    cfr_min_rate: float = 15.0
    # CODEOWNERS coverage of touched files, drop in percentage points; both weeks
    # need ``codeowners_min_files`` touched files with CODEOWNERS data (a file
    # counts once per change touching it). A rise of ``codeowners_warning_drop_pp``
    # with the same minimum is a positive card.
    codeowners_warning_drop_pp: float = 10.0
    codeowners_critical_drop_pp: float = 25.0
    codeowners_min_files: int = 20
    # A service's line coverage (its files, at the last change of each week with a
    # report) fell by this many points: a warning, or critical. Two points is more
    # than the noise of flaky or skipped tests on a service of some size.
    coverage_warning_drop_pp: float = 2.0
    coverage_critical_drop_pp: float = 5.0
    # AI-agent changes merged without a human approval; critical only when at
    # least one of them is high risk.
    agent_unreviewed_warning: int = 1
    agent_unreviewed_critical: int = 3
    # Positive: every agent change reviewed this week, at least this many of them,
    # after ``agent_unreviewed_warning`` or more went unreviewed last week.
    agent_reviewed_min_changes: int = 3
    # AI agents' share of the week's changes rose by this many points, with at least
    # ``agent_surge_min_changes`` agent changes: a warning when any of them is high
    # risk or not known to be human-reviewed, info otherwise.
    agent_surge_min_rise_pp: float = 15.0
    agent_surge_min_changes: int = 5
    # Or, in a scope busy enough that a few points are many changes: the agent share at least
    # this many times its usual over the baseline weeks, above last week's, and more than
    # chance gives that usual share (``card_rules.oversight.agent_surge``).
    agent_surge_min_ratio: float = 2.0
    # AI agents' changes of one kind of work went wrong (reverted, or linked to an incident:
    # the team confirmed it as a culprit, or its revert made one) materially more often per
    # 1,000 lines of code than people's of that kind, judged over this week and the
    # ``baseline_weeks`` before it (outcomes lag a merge by days or weeks): agents and people
    # each made at least ``agent_outcomes_min_changes`` changes of the kind, at least
    # ``agent_outcomes_min_went_wrong`` of the agents' went wrong, and their rate is at least
    # ``agent_outcomes_min_ratio`` times people's. A warning.
    agent_outcomes_min_changes: int = 10
    agent_outcomes_min_went_wrong: int = 3
    agent_outcomes_min_ratio: float = 2.0
    # Positive: a team whose high-risk share fell, with enough changes in each week.
    improvement_min_drop_pp: float = 15.0
    improvement_min_changes: int = 5
    improvement_min_changes_last_week: int = 5
