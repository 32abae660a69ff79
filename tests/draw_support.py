"""A tiny inspection dataset (24 institutions in two streets, 8 inspectors) written as
CSV tables into a folder: a month's roster on it solves in about a second, so the tests
of the draw cycle (commit, seed, draw, seal, reveal, verify) can make several."""

from __future__ import annotations

import csv
from pathlib import Path


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def tiny_dataset(folder: Path, institutions: int = 24, inspectors: int = 8) -> Path:
    """Write the tiny dataset into ``folder`` (made if missing); returns it."""
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "streets.csv", ["street_id", "name", "neighbours"],
           [["S1", "一街", "S2"], ["S2", "二街", "S1"]])
    _write(folder / "institutions.csv",
           ["institution_id", "name", "street_id", "lon", "lat", "kind", "operator", "risk",
            "opened_on", "active"],
           [[f"I{i:02d}", f"机构{i:02d}", "S1" if i % 2 else "S2", 121.4, 31.3,
             "childcare_center", f"举办者{i}", "high" if i % 7 == 0 else "medium",
             "2020-01-01", "true"] for i in range(1, institutions + 1)])
    _write(folder / "inspectors.csv",
           ["inspector_id", "name", "department", "street_id", "skills", "max_per_month",
            "max_per_day"],
           [[f"P{i}", f"人员{i}", "区卫生健康委员会" if i % 2 else "区教育局", "",
             "safety;hygiene" if i % 2 else "safety", 6, 1] for i in range(1, inspectors + 1)])
    return folder
