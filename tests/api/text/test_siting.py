"""The siting catalogue: every code the planner emits has a Chinese and an English sentence
with the same parameters."""

from __future__ import annotations

import re
import string
from pathlib import Path

from tuoyu.api.text import CATALOGUE, siting

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [
    *sorted((ROOT / "tuoyu/optimizer/siting").glob("*.py")),
    ROOT / "tuoyu/planning/siting.py",
    ROOT / "tuoyu/api/cli/siting.py",
    ROOT / "tuoyu/api/exports/siting.py",
]


def _fields(template: str) -> set[str]:
    return {f for _t, f, _s, _c in string.Formatter().parse(template) if f}


def test_zh_and_en_name_the_same_parameters():
    for code, (zh, en) in siting.MESSAGES.items():
        assert code.startswith("siting."), code
        assert zh and en, code
        assert _fields(zh) == _fields(en), code


def test_every_code_in_the_sources_is_in_the_catalogue():
    used: set[str] = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r'"((?:siting|plan)\.[a-z_]+(?:\.[a-z_]+)*)"', text))
    used = {c for c in used if c.rsplit(".", 1)[1] not in ("py", "geojson", "xlsx", "json")}
    missing = sorted(c for c in used if c not in CATALOGUE)
    assert not missing, missing
