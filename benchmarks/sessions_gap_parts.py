"""Where a held-out district's calendar gap sits: the year's relaxation (``bound._YearLp``,
the bound of a district planned in one part) split by discipline, against the plan's
trips and other-lead cost counted by discipline on its rows.

    python benchmarks/sessions_gap_parts.py SEED [SEED ...] [--limit 10]

The relaxation's parts: the people's columns of each discipline (trips, and for
educators the other-lead cost), and the rest (load above the fair share, the weekend
share, the months' bands, the events' spread). The plan's: each center session's team
member's trip (``flow.trip_cost``) and ``extra_lead`` for an educator other than the home
lead; its other goals as the plan reports them. A part where the plan pays more than the
relaxation is where a better plan or a better bound must come from (docs/benchmarks/
sessions.md, branch calgap6). Heavy (one plan per seed): run it under the shared lock.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def relaxation_parts(p) -> dict[str, float]:  # noqa: ANN001
    """The relaxation's optimum by discipline (people's columns) and the rest."""
    from tuoyu.optimizer.sessions import bound

    y, res = bound.solved_year_lp(p)
    if res is None:
        return {}
    value, x = res
    disc = {st.staff_id: st.discipline for st in p.data.staff}
    out: dict[str, float] = defaultdict(float)
    for (sid, _), cols in y.use.items():
        out[disc[sid]] += sum(y.lp.cols[j][0] * x[j] for j in cols)
    out["rest"] = value - sum(out.values())
    out["total"] = value
    return {k: round(v, 2) for k, v in out.items()}


def plan_parts(p, plan) -> dict[str, float]:  # noqa: ANN001
    """The plan's trips (and other-lead cost) by discipline, and its other goals."""
    from tuoyu.optimizer.sessions.flow import trip_cost

    staff = {st.staff_id: st for st in p.data.staff}
    street = {c.center_id: c.street_id for c in p.data.centers}
    w = p.rules.weights
    out: dict[str, float] = defaultdict(float)
    for s in plan.sessions:
        if not s.center_id:
            continue
        for sid in s.staff_ids:
            st = staff[sid]
            out[st.discipline] += trip_cost(p, st.street_id, street[s.center_id])
            if st.discipline == "education" and sid != p.home_lead.get(s.center_id):
                out[st.discipline] += w.extra_lead
    team = {"far", "neighbour", "extra_lead"}
    for g in plan.soft_goals:
        name = g.code.rsplit(".", 1)[-1]
        if g.value and name not in team:
            out[name] += g.value * g.weight
    out["total"] = plan.objective or 0.0
    return dict(out)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("seeds", nargs="+", type=int)
    ap.add_argument("--limit", type=float, default=10.0, help="the plan's work budget")
    a = ap.parse_args()
    sys.path.insert(0, str(ROOT))
    from data.gen_sessions import heldout
    from tuoyu.models.sessions import load_session_data
    from tuoyu.optimizer.sessions import SessionProblem, plan_sessions
    from tuoyu.optimizer.solve import SolveParams

    for seed in a.seeds:
        folder = Path(tempfile.mkdtemp(prefix=f"tuoyu_gap_h{seed}_"))
        # the held-out district of bench_sessions.py's ``hSEED``
        heldout(folder, seed, year=2027, baby=16, other=2, staff_n=20, leave_share=0.2,
                closure_share=0.1, weekend_only_share=0.1)
        p = SessionProblem(data=load_session_data(folder), year=2027)
        plan = plan_sessions(p, SolveParams(time_limit=a.limit, workers=2))
        print(f"seed {seed}: {plan.status}, objective {plan.objective}, bound {plan.bound}")
        print(f"  relaxation {relaxation_parts(p)}")
        print(f"  plan       {plan_parts(p, plan)}")


if __name__ == "__main__":
    main()
