"""The bundled Baoshan dataset (synthetic), shipped inside the package.

Read it through :data:`BUNDLED` (found with ``importlib.resources``, so it works from a
checkout, an editable install and a built wheel alike). The scripts that generate it
live in the repository's top-level ``data/`` folder, not in the package.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

#: the folder of the bundled dataset (a real folder: wheels install unpacked)
BUNDLED: Path = Path(str(files(__name__) / "baoshan"))
BUNDLED_NAME = "baoshan"
