"""The one random stream a plan is drawn from, and the small draws its parts share.

Every part of the plan draws from the same ``random.Random(seed)``, so the order
the planner calls them in is part of the sample: reordering any two calls
changes every row after them.
"""

from __future__ import annotations

import random
from collections import defaultdict

from data.sources.sample.clock import when
from data.sources.sample.codebase import TEAM_OF_SERVICE
from data.sources.sample.people import ENGINEERS
from data.sources.sample.plan import FilePlan, ReviewPlan

__all__ = ["Draws"]


class Draws:
    """A seeded random stream, with who works on and reviews which service."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.by_focus: dict[str, list[str]] = defaultdict(list)
        self.by_team: dict[str, list[str]] = defaultdict(list)
        for e in ENGINEERS:
            self.by_focus[e.focus].append(e.login)
            self.by_team[TEAM_OF_SERVICE[e.focus]].append(e.login)

    def sha(self) -> str:
        return f"{self.rng.getrandbits(160):040x}"

    def author(self, service: str) -> str:
        team = self.by_team[TEAM_OF_SERVICE[service]]
        # Most work stays in one's own service; some crosses to the team's other one.
        if self.rng.random() < 0.85:
            return self.rng.choice(self.by_focus[service])
        return self.rng.choice(team)

    def reviewer(self, service: str, exclude: set[str]) -> str:
        same = [p for p in self.by_focus[service] if p not in exclude]
        team = [p for p in self.by_team[TEAM_OF_SERVICE[service]] if p not in exclude]
        return self.rng.choice(same if same and self.rng.random() < 0.75 else team)

    def merge_minute(self) -> int:
        rng = self.rng
        day = rng.choices(range(5), weights=(19, 22, 22, 22, 15))[0]
        if day < 4 and rng.random() < 0.07:
            return when(day, 18) + rng.randrange(0, 150, 5)
        # Friday merges stop mid-afternoon; Monday ones start after every zone's Monday began.
        end = when(day, 15, 30) if day == 4 else when(day, 17, 30)
        return rng.randrange(when(day, 9), end, 5)

    def lines(self) -> int:
        low, high = self.rng.choices(
            ((8, 40), (40, 120), (120, 260), (260, 360)), weights=(30, 40, 24, 6)
        )[0]
        return self.rng.randint(low, high)

    def split(self, total: int, paths: list[str], change_type: str = "modified") -> list[FilePlan]:
        weights = [self.rng.uniform(0.5, 1.5) for _ in paths]
        out: list[FilePlan] = []
        for path, w in zip(paths, weights, strict=True):
            lines = max(2, round(total * w / sum(weights)))
            deleted = round(lines * self.rng.uniform(0.0, 0.45)) if change_type == "modified" else 0
            out.append(FilePlan(path, lines - deleted, deleted, change_type))
        return out

    def approvals(
        self, service: str, author: str, opened: int, merged: int, count: int
    ) -> list[ReviewPlan]:
        reviews: list[ReviewPlan] = []
        taken = {author}
        # Reviews land an hour or more after opening: nobody rubber-stamps here.
        earliest = opened + 60
        for _ in range(count):
            reviewer = self.reviewer(service, taken)
            taken.add(reviewer)
            if self.rng.random() < 0.25:
                said = self.rng.randrange(earliest, max(earliest + 1, merged - 30))
                reviews.append(
                    ReviewPlan(reviewer, "commented", said, comments=self.rng.randint(1, 4))
                )
                earliest = said + 10
            at = self.rng.randrange(earliest, max(earliest + 1, merged - 10))
            reviews.append(ReviewPlan(reviewer, "approved", at, comments=self.rng.randint(0, 2)))
        return sorted(reviews, key=lambda r: r.minute)
