"""Shared test settings. Hypothesis runs derandomized (the same examples every run, on
every machine), so a property either holds for the suite's examples or fails every time:
never a test that passes only sometimes. Set TUOYU_HYPOTHESIS=explore to search anew."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import settings

# test helper modules (roster_check, siting_fixtures, api_support) import from tests/
sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("explore", derandomize=False, print_blob=True)
settings.load_profile(os.environ.get("TUOYU_HYPOTHESIS", "ci"))

# The bundled timeline plans 2027, ahead of the machine's date: outcomes of its visits
# are recorded as if it were the end of 2027 (tests of the date check set their own).
os.environ.setdefault("TUOYU_TODAY", "2027-12-31")
