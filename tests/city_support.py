"""Datasets of the city tests: a district generated from another seed, and a broken copy."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def generated(folder: Path, seed: int = 4242) -> Path:
    """A district built like the bundled one from another seed (data/generate.py)."""
    subprocess.run([sys.executable, str(ROOT / "data" / "generate.py"), "--out", str(folder),
                    "--scale", "1", "--seed", str(seed)], check=True, capture_output=True)
    return folder


def broken(source: Path, folder: Path) -> Path:
    """A copy of ``source`` whose institutions.csv has a risk level no one knows (row 4)."""
    shutil.copytree(source, folder)
    path = folder / "institutions.csv"
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    rows[3][rows[0].index("risk")] = "extreme"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    return folder
