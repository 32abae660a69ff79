"""``tuoyu roster --from DATE`` on a small district (``draw_support``: the rules need no
scale; the bundled month is re-planned through the pages in tests/api/web): after a
rectify outcome recorded early in the month, the visits before the date stay as they were and the follow-up is
on site within 30 days; what moved is reported; the re-planned draw verifies. And
``roster.csv`` is written with the BOM Excel expects, its notes in the chosen language."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path

import pytest
from draw_support import tiny_dataset
from roster_check import check_roster
from typer.testing import CliRunner

from tuoyu.api.cli import app
from tuoyu.models.inspection import load_inspection_data
from tuoyu.optimizer.roster import RosterRules

runner = CliRunner()
FAST = ["--time-limit", "30", "--workers", "2"]
FROM = dt.date(2027, 3, 16)


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def cli(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def replanned(tmp_path_factory):
    root = tmp_path_factory.mktemp("replan")
    data = ["--data", str(tiny_dataset(root / "data", institutions=40, inspectors=10))]
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{root / 'tuoyu.sqlite'}")
        made = cli("roster", *data, "--month", "2027-03", "--out", str(root / "first"), *FAST)
        assert made.exit_code == 0, made.output
        assert cli("roster", "publish", *data, "--month", "2027-03").exit_code == 0
        rows = read_rows(root / "first" / "roster.csv")
        picked = next(r for r in rows if r["reason"] != "follow_up" and r["date"] <= "2027-03-05")
        outcomes = root / "outcomes.csv"
        outcomes.write_text("institution_id,date,outcome,inspector_ids\n"
                            f"{picked['institution_id']},{picked['date']},rectify,"
                            f"{picked['inspector_ids']}\n", encoding="utf-8")
        assert cli("inspections", "record", *data, str(outcomes)).exit_code == 0
        again = cli("roster", *data, "--month", "2027-03", "--from", FROM.isoformat(), "--out",
                    str(root / "second"), "--seed", "99", *FAST)  # the month's seed wins
        verified = cli("roster", "verify", str(root / "second"), "--lang", "en", *FAST)
        en = cli("roster", *data, "--month", "2027-03", "--out", str(root / "en"), "--lang",
                 "en", "--redraw-reason", "English notes", *FAST)
    return root, rows, picked, again, verified, en


def test_from_keeps_the_earlier_visits_and_puts_the_follow_up_within_30_days(replanned):
    root, rows, picked, again, _verified, _en = replanned
    assert again.exit_code == 0, again.output
    new = read_rows(root / "second" / "roster.csv")
    key = ("date", "institution_id", "street_id", "inspector_ids", "reason")

    def kept(rs):
        return sorted(tuple(r[k] for k in key) for r in rs if r["date"] < FROM.isoformat())

    assert kept(new) == kept(rows) and kept(rows)
    follow = [r for r in new if r["institution_id"] == picked["institution_id"]
              and r["date"] >= FROM.isoformat()]
    assert [r["reason"] for r in follow] == ["follow_up"]
    due = dt.date.fromisoformat(picked["date"]) + dt.timedelta(days=30)
    assert FROM <= dt.date.fromisoformat(follow[0]["date"]) <= due
    # every visit after the date is still on the roster, and the rules hold
    later = {r["institution_id"] for r in rows if r["date"] >= FROM.isoformat()}
    assert later <= {r["institution_id"] for r in new if r["date"] >= FROM.isoformat()}
    data = load_inspection_data(root / "data")
    problems = [p for p in check_roster(new, data, 2027, 3, RosterRules())
                if "more than once" not in p and "is missing" not in p]
    assert problems == []
    assert "自 2027-03-16 起重新安排" in again.output and "新增整改复查" in again.output
    record = json.loads((root / "second" / "draw.json").read_text(encoding="utf-8"))
    assert record["replan"]["from_date"] == "2027-03-16" and record["seed"] == 20270301
    assert [e["seed"] for e in record["earlier_draws"]] == [20270301]


def test_the_replanned_draw_verifies(replanned):
    verified = replanned[4]
    assert verified.exit_code == 0, verified.output
    assert "matches" in verified.output


def test_from_needs_a_stored_roster_and_a_date_in_the_month(tmp_path, monkeypatch):
    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    none = cli("roster", "--month", "2027-03", "--from", "2027-03-16", "--out",
               str(tmp_path / "o"), *FAST)
    assert none.exit_code == 2 and "2027-03" in none.output and "Traceback" not in none.output
    outside = cli("roster", "--month", "2027-03", "--from", "2027-04-16", "--out",
                  str(tmp_path / "o"), "--lang", "en", *FAST)
    assert outside.exit_code == 2 and "from_date" in outside.output
    assert not (tmp_path / "o").exists()


def test_roster_csv_has_the_bom_and_notes_in_the_chosen_language(replanned):
    root, *_rest, en = replanned
    assert en.exit_code == 0, en.output
    zh_bytes = (root / "first" / "roster.csv").read_bytes()
    assert zh_bytes.startswith(b"\xef\xbb\xbf")
    zh_notes = [r["note"] for r in read_rows(root / "first" / "roster.csv") if r["note"]]
    en_notes = [r["note"] for r in read_rows(root / "en" / "roster.csv") if r["note"]]
    assert any("随机抽取" in n for n in zh_notes)
    assert any("drawn at random" in n for n in en_notes)
    assert not any("drawn at random" in n for n in zh_notes)
