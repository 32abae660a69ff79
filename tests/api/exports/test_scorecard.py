"""The scorecard as people read it (``tuoyu.api.exports.scorecard``), from a scorecard
of hand-made inputs: every figure said with its label, goal and state, a street line per
street under the district's, unknown said as unknown (never 0); the printed text names
the streets short of a target; the workbook has the district's sheet, one per figure and
the sources; where a figure comes from said in words."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from tuoyu.api.exports.scorecard import rendered, text, write_xlsx
from tuoyu.planning import scorecard as sc

D = dt.date
STREETS = (("S1", "一街"), ("S2", "二镇"))
INST = [sc.Institution("A", "S1"), sc.Institution("B", "S1"), sc.Institution("C", "S2")]
VISITS = [sc.Visit("A", D(2027, 3, 1), "pass"), sc.Visit("B", D(2027, 4, 1), "pass")]
CARD = sc.scorecard(sc.Inputs(year=2027, today=D(2027, 12, 31), streets=STREETS,
                              institutions=INST, visits=VISITS))
SOURCES = {"roster": "", "sessions": "job:abc|2027-03-01 10:00", "siting": "/out/siting"}
HAN = re.compile(r"[\u4e00-\u9fff]")


def _figure(doc, code: str) -> dict:  # noqa: ANN001
    return next(f for f in doc["figures"] if f["code"] == f"scorecard.{code}")


def test_every_figure_is_said_with_its_street_lines() -> None:
    doc = rendered(CARD, "测试区", SOURCES)
    assert "测试区" in doc["title"] and "2027" in doc["title"]
    assert [f["code"] for f in doc["figures"]] == list(CARD.codes)
    on_site = _figure(doc, "on_site")
    assert [x["street"] for x in on_site["lines"]][1:] == ["一街", "二镇"]
    whole = on_site["lines"][0]
    assert (whole["value"], whole["total"], whole["met"]) == (2, 3, False)
    assert "2" in whole["figure"] and "3" in whole["figure"] and HAN.search(whole["state"])
    for f in doc["figures"]:
        assert HAN.search(f["label"]), f["code"]


def test_unknown_is_said_never_zero() -> None:
    doc = rendered(CARD, "测试区", SOURCES)
    unknown = [x for f in doc["figures"] for x in f["lines"] if x["value"] is None]
    assert unknown  # no sessions, no siting plan: their figures cannot be told
    assert all(x["figure"] and x["figure"] != "0" for x in unknown)


def test_where_each_figure_comes_from() -> None:
    doc = rendered(CARD, "测试区", SOURCES, "en")
    assert doc["plan_jobs"] == {"sessions": "abc"}
    assert "/out/siting" in doc["plans"]["siting"]
    assert not HAN.search(doc["plans"]["roster"])  # said in English when asked
    served = rendered(CARD, "测试区", {**SOURCES, "siting": "/out/siting|2027-03-02 09:30"},
                      folders=False)  # the service's: no server folder, when it was written
    assert served["plans"]["siting"] == "命令行生成的方案（2027-03-02 09:30 写入）"


def test_the_text_names_the_streets_short_of_a_target() -> None:
    printed = text(rendered(CARD, "测试区", SOURCES))
    assert printed.splitlines()[0] == rendered(CARD, "测试区", SOURCES)["title"]
    assert "未达标的街镇：二镇" in printed  # C in 二镇 was not seen on site


#: with a siting plan: the new classes are a count (6 in the year, 4 and 2 by street)
PLANNED = sc.scorecard(sc.Inputs(
    year=2027, today=D(2027, 12, 31), streets=STREETS, institutions=INST, visits=VISITS,
    openings=[sc.Opening("K1", "S1", 2027, 4, "kindergarten"),
              sc.Opening("P1", "S2", 2027, 2, "site")]))


@pytest.mark.parametrize("card", [CARD, PLANNED], ids=["no plans", "a siting plan"])
def test_the_workbook(tmp_path: Path, card: sc.Scorecard) -> None:
    doc = rendered(card, "测试区", SOURCES)
    write_xlsx(doc, tmp_path / "scorecard.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "scorecard.xlsx", read_only=True)
    names = wb.sheetnames
    assert names[0] == "全区" and names[-1] == "来源"
    assert len(names) == len(doc["figures"]) + 2 and all(len(n) <= 31 for n in names)
    cells = [str(c) for row in wb["全区"].iter_rows(values_only=True) for c in row if c]
    # a count alone is a number Excel adds up; "a / b" and "not known" stay text
    rows = {r[0]: r[1] for r in wb["全区"].iter_rows(min_row=3, values_only=True)}
    wb.close()
    assert all(f["label"] in cells for f in doc["figures"])
    for f in doc["figures"]:
        whole = f["lines"][0]
        cell = rows[f["label"]]
        if whole["known"] and whole["total"] is None:
            assert cell == whole["value"] and not isinstance(cell, str), (f["label"], cell)
        else:
            assert cell == whole["figure"], (f["label"], cell)
    counted = [f for f in doc["figures"] if f["lines"][0]["known"]
               and f["lines"][0]["total"] is None]
    assert (card is PLANNED) == any(f["code"] == "scorecard.new_classes" for f in counted)
