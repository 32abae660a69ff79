"""Why a plan cannot be, or misses a district rule: findings with the ids and amounts
(rendered in Chinese or English by ``tuoyu.api.text.siting``).

* :func:`classes_per_year_clashes`: the rooms available by each year cannot take the yearly
  minimum (a clash: no plan).
* :func:`street_misses`: a street whose families reach no inclusive place by the end of the
  first year, and the nearest candidate that would close it.
* :func:`integrated_misses`: 托幼一体 short of its share, and what would close it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tuoyu.models.findings import Finding, clash, info, warning
from tuoyu.optimizer.catchment import project
from tuoyu.optimizer.siting.problem import (
    Place,
    SitingProblem,
    integrated_share_target,
    street_reach,
    streets_with_demand,
)


def classes_per_year_clashes(problem: SitingProblem) -> list[Finding]:
    """The yearly minimum is reachable exactly when, for every year, the rooms available
    by then (rooms stay available once they are) hold the minimum times the years so far."""
    lo, _hi = problem.config.classes_per_year
    out = []
    for t, year in enumerate(problem.years):
        rooms = sum(problem.places[j].max_new for j in problem.open_candidates
                    if problem.available(j, year))
        need = lo * (t + 1)
        if rooms < need:
            out.append(clash("siting.clash.classes_per_year", year=year, need=need,
                             per_year=lo, rooms=rooms, missing=need - rooms,
                             max_minimum=rooms // (t + 1)))
    return out


def _nearest_candidate(problem: SitingProblem, street: str,
                       cands: list[Place]) -> tuple[Place, float] | None:
    """The candidate nearest to the street's communities and the walk it needs."""
    idx = [i for i, s in enumerate(problem.community_streets) if s == street]
    if not cands or not idx:
        return None
    import shapely

    px, py = project([c.lon for c in cands], [c.lat for c in cands])
    tree = shapely.STRtree(shapely.points(np.column_stack([px, py])))
    pts = shapely.points(np.column_stack([problem.cx[idx], problem.cy[idx]]))
    (_src, dst), dist = tree.query_nearest(pts, return_distance=True, all_matches=False)
    best = int(np.argmin(dist))
    return cands[int(dst[best])], float(dist[best]) * problem.config.access.circuity


def street_misses(problem: SitingProblem, classes: dict[tuple[int, int], int]
                  ) -> tuple[list[str], list[Finding]]:
    """Streets with an inclusive place in reach by the end of the first year; a warning
    for every other street (with demand), naming the nearest candidate and its walk."""
    cfg = problem.config
    names = dict(problem.streets)
    reach, covered = street_reach(problem)
    first = problem.years[0]
    opened_first = {j for (j, t), n in classes.items() if t == 0 and n > 0}
    ok, missed = [], []
    for s in streets_with_demand(problem):
        if s in covered or reach.get(s, set()) & opened_first:
            ok.append(s)
            continue
        if not cfg.every_street_inclusive:
            continue
        cands = [problem.places[j] for j in problem.open_candidates
                 if problem.available(j, first)]
        near = _nearest_candidate(problem, s, cands)
        common = {"street_id": s, "street": names.get(s, s), "year": first,
                  "walk_m": float(round(cfg.access.reach_m))}
        if near is None:
            missed.append(warning("siting.street_missed_no_candidate", **common))
        else:
            place, need = near
            missed.append(warning("siting.street_missed", **common, place_id=place.place_id,
                                  place=place.name, distance_m=float(round(need))))
    return ok, missed


def integrated_have(problem: SitingProblem, classes: dict[tuple[int, int], int]) -> int:
    """Kindergartens running nursery classes by the horizon's end under ``classes``."""
    newly = {j for (j, _t), n in classes.items() if n > 0 and problem.places[j].kindergarten
             and not problem.places[j].has_nursery}
    return problem.kindergartens_with_nursery + len(newly)


def integrated_misses(problem: SitingProblem, have: int) -> list[Finding]:
    """托幼一体 short of its share: by how many, and the fixes (rooms, yearly maximum,
    timing)."""
    cfg = problem.config
    target = integrated_share_target(problem)
    if have >= target:
        return []
    total = problem.kindergartens_total
    share = have / total if total else 1.0
    out = [warning("siting.integrated_missed", have=have, total=total,
                   share_pct=round(100 * share), year=problem.years[-1], short=target - have,
                   goal_pct=round(100 * cfg.integrated_share), target=target)]
    open_kgs = sum(1 for j in problem.open_candidates if problem.places[j].kindergarten
                   and not problem.places[j].has_nursery)
    needed = target - problem.kindergartens_with_nursery  # kindergartens to open a class
    if open_kgs < needed:
        out.append(info("siting.fix.integrated_rooms", candidates=open_kgs,
                        more=needed - open_kgs))
    total_max = cfg.classes_per_year[1] * len(problem.years)
    if total_max < needed:
        out.append(info("siting.fix.integrated_yearly_max", total_max=total_max,
                        per_year=math.ceil(needed / len(problem.years))))
    if open_kgs >= needed and total_max >= needed:
        out.append(info("siting.fix.integrated_timing"))
    return out


@dataclass(frozen=True)
class RuleReport:
    """How the plan meets the district rules (the numbers the targets show)."""

    streets_with_inclusive_place: int
    streets_with_demand: int
    integrated_kindergartens: int
    integrated_target: int
    kindergartens_total: int
    missed: tuple[Finding, ...]  # warnings (and the fixes after them)

    @property
    def integrated_share(self) -> float:
        total = self.kindergartens_total
        return self.integrated_kindergartens / total if total else 1.0

    @property
    def met(self) -> bool:
        return not any(f.severity == "warning" for f in self.missed)

    def as_dict(self) -> dict[str, object]:
        return {
            "streets_with_inclusive_place": self.streets_with_inclusive_place,
            "streets_with_demand": self.streets_with_demand,
            "integrated_kindergartens": self.integrated_kindergartens,
            "integrated_target": self.integrated_target,
            "kindergartens_total": self.kindergartens_total,
            "integrated_share": self.integrated_share,
            "missed": [f.as_dict() for f in self.missed],
        }


def rule_report(problem: SitingProblem, classes: dict[tuple[int, int], int]) -> RuleReport:
    ok, street_missed = street_misses(problem, classes)
    have = integrated_have(problem, classes)
    return RuleReport(
        streets_with_inclusive_place=len(ok),
        streets_with_demand=len(streets_with_demand(problem)),
        integrated_kindergartens=have,
        integrated_target=integrated_share_target(problem),
        kindergartens_total=problem.kindergartens_total,
        missed=tuple(street_missed + integrated_misses(problem, have)),
    )
