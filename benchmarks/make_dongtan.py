"""东滩区: a held-out district unlike Baoshan, made from the repository's generators, for
benchmarks (docs/benchmarks/sessions.md, issue 18).

    python benchmarks/make_dongtan.py OUT [SCALE]

9 streets, a few large (``data/generate.py --shape few-large``: leave x2, conflicts x3);
guidance staff living in three streets only, half of them 20–90 days on leave
(``data/gen_sessions.py``); then renamed (another district, other street ids and names)
and moved 40 km north-east, so that nothing of Baoshan's geography or names is left.
Deterministic (seed 777): the same folder on every run.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import data.gen_sessions as gs  # noqa: E402
import data.gen_siting as gsi  # noqa: E402
import data.gen_visits as gv  # noqa: E402
import data.generate as g  # noqa: E402

SEED = 777
NAMES = ["青松街道", "柳岸镇", "东滩镇", "临川街道", "白鹭镇", "芦湾镇", "新河街道", "港西镇", "翠屏街道"]
DLON, DLAT = 0.35, 0.25  # the move, in degrees


def generate(out: Path, scale: int) -> list[str]:
    """The district from the generators, before renaming; its street ids."""
    if out.exists():
        shutil.rmtree(out)
    g.generate(out, scale=scale, seed=SEED, shape="few-large")
    kept = [s.street_id for s in g.shaped_streets(g.SHAPES["few-large"], SEED)]
    idx = {s.street_id: i for i, s in enumerate(g._BAOSHAN_STREETS)}
    big = sorted(kept, key=lambda sid: -g._BAOSHAN_STREETS[idx[sid]].share)
    shares = {idx[sid]: (0.35 if k == 0 else 0.25 if k == 1 else 0.4 / 7)
              for k, sid in enumerate(big)}
    gs.SHAPES["review"] = dict(
        streets=shares,
        staff_streets={idx[big[0]]: 0.5, idx[big[1]]: 0.3, idx[big[5]]: 0.2},
        leave=(0.5, 20, 90),
    )
    gs.generate(out, scale=1, seed=SEED, shape="review")
    g._set_shape(g.SHAPES["few-large"], SEED)
    gsi.STREETS = g.STREETS
    try:
        gsi.generate(out, scale=1, seed=SEED)
    finally:
        g._set_shape(g.SHAPES["baoshan"], SEED)
        gsi.STREETS = g.STREETS
    gv.generate(out, scale=1, seed=SEED)
    return kept


def rename_and_move(out: Path, kept: list[str]) -> None:
    """Other street ids and names, another district's name, every point moved."""
    newid = {sid: f"3199{k + 1:05d}" for k, sid in enumerate(sorted(kept))}
    newname = {sid: NAMES[k] for k, sid in enumerate(sorted(kept))}
    oldname = {s.street_id: s.name for s in g._BAOSHAN_STREETS}
    oldshort = {s.street_id: s.short for s in g._BAOSHAN_STREETS}

    def fix_text(v: str) -> str:
        for sid in kept:
            v = v.replace(oldname[sid], newname[sid]).replace(oldshort[sid], newname[sid][:2])
        return v.replace("宝山区", "东滩区").replace("宝山", "东滩").replace("Baoshan", "Dongtan")

    for p in sorted(out.glob("*.csv")):
        rows = list(csv.DictReader(p.open(encoding="utf-8")))
        if not rows:
            continue
        for r in rows:
            for k, v in r.items():
                if v is None:
                    continue
                if k == "street_id" and v:
                    r[k] = newid.get(v, v)
                elif k == "neighbours":
                    r[k] = ";".join(newid.get(x, x) for x in v.split(";") if x)
                elif k in ("lon", "base_lon") and v:
                    r[k] = f"{float(v) + DLON:.6f}"
                elif k in ("lat", "base_lat") and v:
                    r[k] = f"{float(v) + DLAT:.6f}"
                else:
                    r[k] = fix_text(v)
        with p.open("w", newline="", encoding="utf-8") as f:
            w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
            w.writeheader()
            w.writerows(rows)

    def move(c: list) -> list:
        if isinstance(c[0], (int, float)):
            return [round(c[0] + DLON, 6), round(c[1] + DLAT, 6)]
        return [move(x) for x in c]

    for p in out.glob("*.geojson"):
        doc = json.loads(p.read_text(encoding="utf-8"))
        for f in doc["features"]:
            pr = f["properties"]
            if pr.get("code") == "310113":
                pr["code"] = "319900"
            if "street_id" in pr:
                pr["street_id"] = newid.get(pr["street_id"], pr["street_id"])
            for k, v in list(pr.items()):
                if isinstance(v, str) and k != "street_id":
                    pr[k] = fix_text(v)
            if f.get("geometry"):
                f["geometry"]["coordinates"] = move(f["geometry"]["coordinates"])
        p.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    graph = nx.read_graphml(out / "walk_network.graphml")
    for _, d in graph.nodes(data=True):
        if "x" in d:
            d["x"] = float(d["x"]) + DLON
        if "y" in d:
            d["y"] = float(d["y"]) + DLAT
    nx.write_graphml(graph, out / "walk_network.graphml")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="the folder to write (made; its files replaced)")
    ap.add_argument("scale", type=int, nargs="?", default=2, help="the scale (default 2)")
    args = ap.parse_args()
    out, scale = args.out, args.scale
    rename_and_move(out, generate(out, scale))
    print(json.loads((out / "district.geojson").read_text())["features"][0]["properties"])
    for p in sorted(out.glob("*.csv")):
        print(p.name, sum(1 for _ in p.open()) - 1)


if __name__ == "__main__":
    main()
