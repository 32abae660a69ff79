"""Why each site: who an opening serves, and its gain over the best place not chosen.

Measured on the plan's own allocation (the flows of children to seats), without solving
again:

* **children served** at the place in the opening's year: every child the allocation sends
  there (its existing seats and all its new classes), and the communities they come from
  (ids and children, most first).
* **children in this opening's classes** (``new_children``): seats fill in order, existing
  seats first, then the classes of earlier years, then this year's:
  ``clip(served − existing − 20 × earlier classes, 0, 20 × classes)``.
* **the best place not chosen**: among the candidates with no class anywhere in the plan,
  not forbidden and available that year, the one whose walking circle holds the most
  children it could take *instead*: the children the plan leaves without a seat that year
  in its circle, plus this opening's own children in its circle (as if this opening were
  not made, counted in proportion when the place also has older seats), at most the same
  classes' seats (ties: the most children waiting in its circle, then the id). That is the
  marginal coverage of the alternative with the other places'
  seats left where they are (no re-allocation), an upper bound of what it would serve in
  this opening's stead.
* **gain** = children in this opening's classes − that figure (negative when another place
  would have served more in that year: the plan then chose this one for later years, a
  shorter walk, or a district rule).
* the **walks**: the mean walk of the children served at the place (``walk_m``) and of the
  children the alternative could take (``alternative_walk_m``), weighted by children;
* the **district rules** it serves: ``integrated`` (a kindergarten's first nursery class,
  托幼一体) and ``streets_covered`` (in the first year, the streets with demand and no
  inclusive place today whose families it brings one within reach).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from tuoyu.models.findings import Finding, info, warning
from tuoyu.optimizer.siting.problem import SitingProblem, street_reach, streets_with_demand

if TYPE_CHECKING:
    from tuoyu.optimizer.siting.solve import Opening


@dataclasses.dataclass(frozen=True)
class Alternative:
    """The best place not chosen for an opening and what it could serve instead."""

    place_id: str
    name: str
    children: int  # it could serve instead (at most the same classes' seats)
    waiting: int  # children in its circle it could take (unmet + this opening's own)
    walk_m: float | None  # their mean walk to it


def _reach_lists(problem: SitingProblem) -> dict[int, np.ndarray]:
    """Candidate -> the indices of the pairs (communities) within its walk."""
    pairs = problem.pairs
    order = np.argsort(pairs.j, kind="stable")
    js = pairs.j[order]
    starts = np.searchsorted(js, np.arange(len(problem.places) + 1))
    return {j: order[starts[j]:starts[j + 1]] for j in problem.candidates}


def _own_children(problem: SitingProblem, j: int, served: float, cumulative: int,
                  classes: int) -> int:
    """Children in this opening's classes (seats fill existing, earlier, this year's)."""
    seats = problem.config.seats_per_class
    earlier = problem.places[j].existing_seats + seats * (cumulative - classes)
    return int(round(min(max(served - earlier, 0.0), seats * classes)))


def best_alternative(problem: SitingProblem, t: int, classes: int, unmet: np.ndarray,
                     freed: np.ndarray, unchosen: list[int],
                     reach: dict[int, np.ndarray]) -> Alternative | None:
    """The unchosen candidate available in year ``t`` that could serve the most children:
    unmet plus freed (per community) within its walk, at most ``classes`` classes' seats."""
    cap = problem.config.seats_per_class * classes
    best: tuple[int, int, str] | None = None  # could serve, children waiting, -id order
    best_k = -1
    year = problem.years[t]
    for k in unchosen:
        if not problem.available(k, year):
            continue
        comms = problem.pairs.i[reach[k]]
        pool = int(round(float((unmet[comms] + freed[comms]).sum())))
        place = problem.places[k]
        key = (min(cap, pool), pool, place.place_id)
        if best is None or key[:2] > best[:2] or (key[:2] == best[:2] and key[2] < best[2]):
            best, best_k = key, k
    if best is None:
        return None
    place = problem.places[best_k]
    at = reach[best_k]
    weight = unmet[problem.pairs.i[at]] + freed[problem.pairs.i[at]]
    return Alternative(place.place_id, place.name, best[0], best[1],
                       _mean_walk(problem.pairs.dist[at], weight))


def _mean_walk(dist: np.ndarray, weight: np.ndarray) -> float | None:
    """The mean walk in metres (rounded to 10 m) weighted by children; None without any."""
    total = float(weight.sum())
    return None if total <= 0 else float(round(float((dist * weight).sum()) / total, -1))


def district_reasons(problem: SitingProblem, j: int, t: int, first_class: bool
                     ) -> tuple[bool, tuple[str, ...]]:
    """The district rules an opening serves: a kindergarten's first nursery class
    (托幼一体), and, in the first year, the streets with demand and no inclusive place today
    whose families it brings one within reach."""
    place = problem.places[j]
    integrated = first_class and place.kindergarten and not place.has_nursery
    streets: tuple[str, ...] = ()
    if t == 0 and problem.config.every_street_inclusive:
        reach, covered = street_reach(problem)
        streets = tuple(s for s in streets_with_demand(problem)
                        if s not in covered and j in reach.get(s, set()))
    return integrated, streets


def why_each_site(problem: SitingProblem, openings: list[Opening], flows: np.ndarray,
                  served: np.ndarray, classes: dict[tuple[int, int], int]) -> list[Opening]:
    """The openings with ``children_served``, ``communities``, ``new_children``, the best
    alternative and the gain filled in (see the module docstring). ``flows``: pairs ×
    years; ``served``: communities × years (the plan's)."""
    pairs = problem.pairs
    index = {(problem.places[j].place_id, problem.years[t]): (j, t) for (j, t) in classes}
    chosen = {j for (j, _t), n in classes.items() if n > 0}
    unchosen = [j for j in problem.open_candidates if j not in chosen]
    reach = _reach_lists(problem)
    n_c = len(problem.community_ids)
    out = []
    for o in openings:
        j, t = index[(o.place_id, o.year)]
        at = np.flatnonzero(pairs.j == j)
        flow = np.rint(flows[at, t])
        total = float(flow.sum())
        who = sorted(((problem.community_ids[int(pairs.i[a])], int(f))
                      for a, f in zip(at, flow, strict=True) if f > 0),
                     key=lambda cf: (-cf[1], cf[0]))
        own = _own_children(problem, j, total, o.cumulative, o.classes)
        freed = np.zeros(n_c)
        if total > 0:
            np.add.at(freed, pairs.i[at], flow * (own / total))
        unmet = np.maximum(problem.demand[:, t] - served[:, t], 0.0)
        alt = best_alternative(problem, t, o.classes, unmet, freed, unchosen, reach)
        integrated, streets = district_reasons(problem, j, t, o.cumulative == o.classes)
        out.append(dataclasses.replace(
            o, children_served=int(total), new_children=own, communities=tuple(who),
            walk_m=_mean_walk(pairs.dist[at], flow), integrated=integrated,
            streets_covered=streets, alternative_walk_m=alt.walk_m if alt else None,
            alternative_id=alt.place_id if alt else "",
            alternative_name=alt.name if alt else "",
            alternative_children=alt.children if alt else 0,
            alternative_waiting=alt.waiting if alt else 0,
            gain=own - alt.children if alt else None))
    return out


def why_findings(openings: list[Opening],
                 street_names: dict[str, str] | None = None) -> list[Finding]:
    """One finding per opening: the children it serves, from how many communities, and the
    gain over the best place not chosen (``siting.why``; ``siting.why_no_alternative`` when
    every candidate is used)."""
    out = []
    for o in openings:
        common = {"place_id": o.place_id, "name": o.name, "year": o.year,
                  "classes": o.classes, "served": o.children_served,
                  "new_children": o.new_children, "communities": len(o.communities),
                  "walk_m": "—" if o.walk_m is None else o.walk_m}
        if o.gain is None:
            out.append(info("siting.why_no_alternative", **common))
        elif o.gain < 0:  # alone the other place would serve more: the plan as a whole wins
            out.append(info("siting.why_alternative_more", **common,
                            alternative_id=o.alternative_id, alternative=o.alternative_name,
                            alternative_children=o.alternative_children, more=-o.gain))
        else:
            out.append(info("siting.why", **common, alternative_id=o.alternative_id,
                            alternative=o.alternative_name,
                            alternative_children=o.alternative_children, gain=o.gain,
                            alternative_walk_m="—" if o.alternative_walk_m is None
                            else o.alternative_walk_m))
        if o.integrated:
            out.append(info("siting.why_integrated", place_id=o.place_id, name=o.name,
                            year=o.year))
        out += [info("siting.why_street", place_id=o.place_id, name=o.name, year=o.year,
                     street_id=s, street=(street_names or {}).get(s, s))
                for s in o.streets_covered]
        if (o.integrated or o.streets_covered) and o.gain is not None and o.gain < 0:
            # One finding per policy target the class is there for (words in api/text).
            for code, holds in (("siting.why_policy_integrated", o.integrated),
                                ("siting.why_policy_street", bool(o.streets_covered))):
                if holds:
                    out.append(info(code, place_id=o.place_id, name=o.name, year=o.year,
                                    alternative=o.alternative_name,
                                    alternative_id=o.alternative_id, more=-o.gain))
    ties = sum(1 for o in openings if o.gain == 0)
    if ties:
        out.append(info("siting.why_ties", openings=ties))
    return out


def best_further_class(problem: SitingProblem, classes: dict[tuple[int, int], int],
                       served: np.ndarray, t: int) -> tuple[int, str, str]:
    """What one more class in year ``t`` could serve at most: over the candidates
    available then with a room left, the fewest children in any year from ``t`` on that
    its walk holds and the plan leaves without a seat (a class must fill every year),
    at most a class's seats; the best such candidate (children, id, name). (0, "", "")
    when no candidate has a room left."""
    used: dict[int, int] = {}
    for (j, _tau), n in classes.items():
        used[j] = used.get(j, 0) + n
    reach = _reach_lists(problem)
    unmet = np.maximum(problem.demand - served, 0.0)
    best: tuple[int, str, str] = (0, "", "")
    for j in problem.open_candidates:
        place = problem.places[j]
        if used.get(j, 0) >= place.max_new or not problem.available(j, problem.years[t]):
            continue
        comms = np.unique(problem.pairs.i[reach[j]])
        pool = min(int(round(float(unmet[comms, tau].sum())))
                   for tau in range(t, len(problem.years)))
        key = (min(pool, problem.config.seats_per_class), place.place_id, place.name)
        if key[0] > best[0] or (key[0] == best[0] and best[1] and key[1] < best[1]):
            best = key
    return best


def year_findings(problem: SitingProblem, classes: dict[tuple[int, int], int],
                  served: np.ndarray) -> list[Finding]:
    """For each year, why it opens the number of classes it opens: the maximum; or fewer,
    because one more class could not serve the fill (the best remaining place and what it
    could serve); below the plan's minimum, a warning saying so."""
    cfg = problem.config
    lo, hi = cfg.classes_per_year
    fill = cfg.fill_children
    out: list[Finding] = []
    for t, year in enumerate(problem.years):
        n = sum(k for (_j, tau), k in classes.items() if tau == t)
        if n >= hi:
            out.append(info("siting.year_at_max", year=year, classes=n, maximum=hi, fill=fill))
            continue
        could, place_id, name = best_further_class(problem, classes, served, t)
        common = {"year": year, "classes": n, "minimum": lo, "maximum": hi, "fill": fill,
                  "could": could, "place_id": place_id or "—", "place": name or "—"}
        if n < lo:
            out.append(warning("siting.year_below_minimum", **common))
        else:
            out.append(info("siting.year_below_max", **common))
    return out
