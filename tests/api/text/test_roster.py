"""The roster's catalogue (``tuoyu.api.text.roster``): every code the roster's code
emits has a Chinese and an English sentence naming the same parameters, the Chinese one
in Chinese; a seed source is said so that anyone can look it up (which lottery draw,
which drand round at what Beijing time)."""

from __future__ import annotations

import re
import string
from pathlib import Path

from tuoyu.api.text import CATALOGUE, render
from tuoyu.api.text import roster as text
from tuoyu.models.findings import clash

ROOT = Path(__file__).resolve().parents[3]
SOURCES = [*sorted((ROOT / "tuoyu/optimizer/roster").glob("*.py")),
           ROOT / "tuoyu/planning/roster.py", ROOT / "tuoyu/planning/audit.py",
           ROOT / "tuoyu/api/store/draws.py", ROOT / "tuoyu/api/cli/roster.py"]
HAN = re.compile(r"[\u4e00-\u9fff]")


def _fields(template: str) -> set[str]:
    return {f for _t, f, _s, _c in string.Formatter().parse(template) if f}


def test_zh_and_en_name_the_same_parameters_and_zh_is_chinese() -> None:
    for code, (zh, en) in text.MESSAGES.items():
        assert code.startswith(("roster.", "draw.")), code  # draw.*: the seed sources
        assert zh and en and HAN.search(zh), code
        assert _fields(zh) == _fields(en), code


def test_every_code_the_roster_emits_is_in_the_catalogue() -> None:
    used: set[str] = set()
    for path in SOURCES:
        used |= set(re.findall(r'"(roster\.[a-z_]+(?:\.[a-z_]+)*)"',
                               path.read_text(encoding="utf-8")))
    # a code given as a prefix (rows_differ: <code>.missing / <code>.extra)
    missing = sorted(c for c in used if c not in CATALOGUE and not (
        f"{c}.missing" in CATALOGUE and f"{c}.extra" in CATALOGUE))
    assert used and not missing, missing


def test_a_clash_is_said_with_its_amounts() -> None:
    f = clash("roster.pool_short", month="2027-03", inspections=30, min_team=2, need=60,
              have=52, short=8, follow_up=2, high_risk=3, drawn=20, coverage=5)
    zh, en = render(f, "zh"), render(f, "en")
    for amount in ("60", "52", "8"):
        assert amount in zh and amount in en
    assert HAN.search(zh) and not HAN.search(en)


def test_a_seed_source_is_said_so_anyone_can_look_it_up() -> None:
    lottery = {"kind": "lottery", "name": "中国福利彩票双色球", "date": "2027-02-25"}
    assert "中国福利彩票双色球" in text.source_text(lottery) and "2027-02-25" in \
        text.source_text(lottery, "en")
    drand = {"kind": "drand", "chain": {"hash": "52db9ba70e0cc0f6eaf7803dd07447a1" * 2},
             "round": 12345, "round_time": "2027-02-25T02:00:30+00:00"}
    said = text.source_text(drand)
    assert "12345" in said and "52db9ba70e0cc0f6" in said
    assert "10:00" in said  # 02:00 UTC is 10:00 in Beijing
