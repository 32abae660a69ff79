"""A dataset as the planning layer sees it: a folder of the contract's tables and the
key under which the store keeps its history (rosters, outcomes)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tuoyu.data import BUNDLED, BUNDLED_NAME


@dataclass(frozen=True)
class Dataset:
    folder: Path
    key: str

    @classmethod
    def at(cls, folder: Path | str) -> Dataset:
        """A folder given by a planner; its key is its absolute path."""
        folder = Path(folder)
        return cls(folder, str(folder.resolve()))

    @classmethod
    def bundled(cls) -> Dataset:
        """The bundled Baoshan data (inside the package)."""
        return cls(BUNDLED, BUNDLED_NAME)


def district_name(dataset: Dataset, fallback: str = "") -> str:
    """The district's name as a planner writes it (宝山区): the ``name`` of the first
    feature of ``district.geojson`` when the dataset has one, else ``fallback`` (the name
    an upload was given), else the folder's name."""
    path = Path(dataset.folder) / "district.geojson"
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
        name = str(doc["features"][0]["properties"]["name"]).strip()
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        name = ""
    from tuoyu.models.reader import one_line

    return (one_line(name, 60) or one_line(fallback, 60)
            or one_line(Path(dataset.folder).resolve().name, 60))
