"""Synthetic newborn families asking for a home visit, and the visit staff, for Baoshan.

Writes ``families.csv`` (a year of families who asked for a home guidance visit,
pseudonymous ids only) and ``visit_staff.csv`` (each guidance staff member's base, daily
visit limit and visit days) into ``out_dir``. Reads ``communities.csv`` (gen_siting) and
``guidance_staff.csv`` (gen_sessions) from the same folder, so it runs after them.

What the numbers are modelled on (see data/README.md):
- births: Shanghai's resident births were about 98,000 in 2023 (as reported by the
  Shanghai statistics bureau); Baoshan holds 2,235,218 of Shanghai's 24,870,895
  residents at the 2020 census (9.0 %), so about 8,800 births a year. ESTIMATE: the
  district's own birth count was not reachable here.
- the share asking for a home visit: 30 %. ESTIMATE: no public figure was reachable here.
- so about 2,640 families a year, about 50 a week.
- second visits: 12 % of the families not yet visited were visited before (an earlier
  need; ``earlier_visitors``: a staff member of their first need's discipline, of their
  street when there is one). ESTIMATE: no public figure was reachable here.

Deterministic: the same ``seed`` and ``scale`` write byte-identical files. ``scale``
multiplies the families (the communities and the staff are scaled by their own modules).
``as_of`` sets the history: families whose window ended before it were mostly visited
(``visited_on``), a few were not (overdue).

``python data/gen_visits.py [--out DIR] [--scale 12] [--seed N]`` (the other tables must be
in DIR; ``data/generate.py`` writes them all).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
import zlib
from pathlib import Path

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DEFAULT_SEED = 20261129
BIRTHS_PER_YEAR = 8_800  # ESTIMATE (see the module docstring)
SHARE_ASKING = 0.30  # ESTIMATE
YEAR = 2027
AS_OF = dt.date(2027, 3, 1)  # the bundled history ends the day before
WINDOW_DAYS = 28  # the default visit window after registration (planning/params.py)
#: needs (ESTIMATE of the mix): one discipline mostly, two for about a third
NEEDS = (
    ("education", 0.42), ("medical", 0.20), ("psychology", 0.06),
    ("education;medical", 0.20), ("education;psychology", 0.08), ("medical;psychology", 0.04),
)  # fmt: skip
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat")
SHARE_SECOND_VISIT = 0.12  # ESTIMATE: families not yet visited who were visited before


def _rng(seed: int, family: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(family.encode("utf-8"))])


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def _write(path: Path, fields: list[str], rows: list[dict[str, object]]) -> int:
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return len(rows)


def _half_days(rng: np.random.Generator) -> str:
    """2-6 half-days of Mon-Sat: a weekday pattern (mornings, afternoons, or the
    weekend) with a few extras."""
    k = int(rng.integers(2, 7))
    weights = np.array([1.0] * 10 + [1.6, 1.2])  # Mon AM .. Fri PM, Sat AM, Sat PM
    picks = rng.choice(12, size=k, replace=False, p=weights / weights.sum())
    return ";".join(f"{WEEKDAY_NAMES[int(p) // 2]} {'AM' if int(p) % 2 == 0 else 'PM'}"
                    for p in sorted(picks))


def families(communities: list[dict[str, str]], scale: int, seed: int,
             as_of: dt.date = AS_OF) -> list[dict[str, object]]:
    rng = _rng(seed, "visits.families")
    n = round(BIRTHS_PER_YEAR * SHARE_ASKING) * scale
    weights = np.array([float(c.get("births") or c.get("pop_0_3") or 1) + 0.5
                        for c in communities])
    picks = rng.choice(len(communities), size=n, p=weights / weights.sum())
    first = dt.date(YEAR, 1, 1)
    registered = sorted(first + dt.timedelta(days=int(d)) for d in rng.integers(0, 365, size=n))
    needs_p = np.array([p for _, p in NEEDS])
    rows: list[dict[str, object]] = []
    for i in range(n):
        com = communities[int(picks[i])]
        reg = registered[i]
        birth = reg - dt.timedelta(days=int(rng.integers(3, 46)))
        given = rng.random() < 0.7
        lon = float(com["lon"]) + rng.normal(0, 0.003) if given else None
        lat = float(com["lat"]) + rng.normal(0, 0.0027) if given else None
        needs = NEEDS[int(rng.choice(len(NEEDS), p=needs_p))][0]
        halves = _half_days(rng)
        end = reg + dt.timedelta(days=WINDOW_DAYS)
        visited = ""
        r = rng.random()
        if end < as_of and r < 0.95:  # history: most were visited within the window
            visited = (reg + dt.timedelta(days=int(rng.integers(1, WINDOW_DAYS + 1)))).isoformat()
        elif reg + dt.timedelta(days=8) < as_of <= end and r < 0.3:
            span = (as_of - reg).days - 1
            visited = (reg + dt.timedelta(days=int(rng.integers(1, span + 1)))).isoformat()
        rows.append(dict(
            family_id=f"F{i + 1:06d}", street_id=com["street_id"],
            community_id=com["community_id"],
            lon="" if lon is None else f"{lon:.6f}", lat="" if lat is None else f"{lat:.6f}",
            birth_date=birth.isoformat(), registered_on=reg.isoformat(), needs=needs,
            half_days=halves, visited_on=visited,
        ))
    return rows


def earlier_visitors(rows: list[dict[str, object]], staff: list[dict[str, str]],
                     seed: int) -> None:
    """Give a share of the families not yet visited an earlier visitor (their second
    visit): a staff member of their first need's discipline, of their street when it has
    one. Its own random stream, so the families' other columns do not change."""
    rng = _rng(seed, "visits.earlier")
    by: dict[tuple[str, str], list[str]] = {}
    for s in staff:
        by.setdefault((s["discipline"], s["street_id"]), []).append(s["staff_id"])
        by.setdefault((s["discipline"], ""), []).append(s["staff_id"])
    for r in rows:
        r["earlier_visitors"] = ""
        if r["visited_on"] or rng.random() >= SHARE_SECOND_VISIT:
            continue
        need = str(r["needs"]).split(";")[0]
        pool = by.get((need, str(r["street_id"]))) or by.get((need, "")) or []
        if pool:
            r["earlier_visitors"] = pool[int(rng.integers(len(pool)))]


def visit_staff(staff: list[dict[str, str]], communities: list[dict[str, str]],
                seed: int) -> list[dict[str, object]]:
    """Every guidance staff member visits: based at a committee of their street (a
    community health or service centre stands for it), 3-4 visits a day, on two or
    three weekdays."""
    rng = _rng(seed, "visits.staff")
    by_street: dict[str, list[dict[str, str]]] = {}
    for c in communities:
        by_street.setdefault(c["street_id"], []).append(c)
    rows: list[dict[str, object]] = []
    for s in staff:
        pool = by_street.get(s["street_id"]) or communities
        base = pool[int(rng.integers(len(pool)))]
        k = int(rng.choice([2, 2, 3]))
        days = sorted(int(d) for d in rng.choice(5, size=k, replace=False))
        rows.append(dict(
            staff_id=s["staff_id"], base_lon=base["lon"], base_lat=base["lat"],
            max_visits_per_day=int(rng.choice([3, 4, 4])),
            days=";".join(WEEKDAY_NAMES[d] for d in days),
        ))
    return rows


def generate(out_dir: Path, scale: int = 1, seed: int = DEFAULT_SEED,
             as_of: dt.date = AS_OF) -> dict[str, int]:
    """Write ``families.csv`` and ``visit_staff.csv`` into ``out_dir``."""
    out_dir = Path(out_dir)
    communities = _read(out_dir / "communities.csv")
    staff = _read(out_dir / "guidance_staff.csv")
    fam = families(communities, scale, seed, as_of)
    earlier_visitors(fam, staff, seed)
    return {
        "families": _write(out_dir / "families.csv",
                           ["family_id", "street_id", "community_id", "lon", "lat",
                            "birth_date", "registered_on", "needs", "half_days",
                            "visited_on", "earlier_visitors"], fam),
        "visit_staff": _write(out_dir / "visit_staff.csv",
                              ["staff_id", "base_lon", "base_lat", "max_visits_per_day",
                               "days"], visit_staff(staff, communities, seed)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path,
                    default=Path(__file__).resolve().parents[1] / "tuoyu" / "data" / "baoshan")
    ap.add_argument("--scale", type=int, default=1)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = ap.parse_args()
    print(generate(args.out, args.scale, args.seed))


if __name__ == "__main__":
    main()
