"""A dataset as the planning layer sees it: a folder of the contract's tables and the
key under which the store keeps its history (rosters, outcomes)."""

from __future__ import annotations

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
