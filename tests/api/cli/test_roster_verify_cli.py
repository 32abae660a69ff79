"""``tuoyu roster verify`` as an attacker would try it (issue 19): every file given and
the store are checked against the record, and verify says what it could not check.
Also the refusals around a published month: a reason of blanks or zero-width characters
is no reason, and a re-plan from the 1st of a published month with no outcome recorded
is a redraw that needs one."""

from __future__ import annotations

import csv
import json
import shutil
import sqlite3
from pathlib import Path

import openpyxl
import pytest
from draw_support import tiny_dataset
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tuoyu.api.cli import app

runner = CliRunner()
FAST = ["--time-limit", "20", "--workers", "2"]
MONTH = "2027-03"


def cli(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A tiny dataset, a store holding its March drawn with seed 7 (published), and the
    folder of that draw; a second store holding a draw of March with seed 99."""
    root = tmp_path_factory.mktemp("verify")
    data = tiny_dataset(root / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{root / 'a.sqlite'}")
        first = cli("roster", "--data", str(data), "--month", MONTH, "--seed", "7",
                    "--out", str(root / "seven"), *FAST)
        assert first.exit_code == 0, first.output
        assert cli("roster", "publish", "--data", str(data), "--month", MONTH).exit_code == 0
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{root / 'b.sqlite'}")
        other = cli("roster", "--data", str(data), "--month", MONTH, "--seed", "99",
                    "--out", str(root / "ninety-nine"), *FAST)
        assert other.exit_code == 0, other.output
    return root, data


def verify(root: Path, *paths: Path, store: str = "a.sqlite", data: Path | None = None):
    given = ("--data", str(data)) if data else ()
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{root / store}")
        return cli("roster", "verify", *map(str, paths), *given, "--lang", "en", *FAST)


def copy_store(root: Path, name: str) -> None:
    """A copy of store a (its WAL included: the SQLite backup API)."""
    src, dst = sqlite3.connect(root / "a.sqlite"), sqlite3.connect(root / name)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()


def copy(root: Path, name: str) -> Path:
    to = root / name
    shutil.rmtree(to, ignore_errors=True)
    shutil.copytree(root / "seven", to)
    return to


def test_the_untouched_folder_matches_and_says_what_it_could_not_check(made):
    root, _ = made
    out = verify(root, root / "seven")
    assert out.exit_code == 0, out.output
    assert "Checked against the record: draw.json, roster.csv, roster.xlsx, store" in out.output
    assert "Not checked: summary.txt" in out.output


def test_a_team_changed_and_a_row_deleted_in_roster_csv_do_not_match(made):
    root, _ = made
    folder = copy(root, "csv-edited")
    with open(folder / "roster.csv", encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    rows[1][3] = "P1;P8" if rows[1][3] != "P1;P8" else "P2;P7"
    deleted = rows.pop(2)
    with open(folder / "roster.csv", "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    out = verify(root, folder)
    assert out.exit_code == 1
    assert f"roster.csv lacks a visit of the record: {deleted[0]} {deleted[1]}" in out.output
    assert "roster.csv has a visit the record does not" in out.output


def test_a_team_changed_in_roster_xlsx_does_not_match(made):
    root, _ = made
    folder = copy(root, "xlsx-edited")
    wb = openpyxl.load_workbook(folder / "roster.xlsx")
    ws = wb.worksheets[0]
    head = next(n for n in range(1, 6) if "人员编号" in [c.value for c in ws[n]])  # below a title
    col = [c.value for c in ws[head]].index("人员编号") + 1
    ws.cell(head + 1, col).value = "P1、P3、P5"
    wb.save(folder / "roster.xlsx")
    out = verify(root, folder / "draw.json", folder / "roster.xlsx")
    assert out.exit_code == 1
    assert "roster.xlsx has a visit the record does not" in out.output


@pytest.mark.parametrize("field,value", [
    ("redraw_reason", "没有理由"),
    ("earlier_draws", [{"draw": 1, "seed": 1}]),
    ("created_at", "2027-02-20T01:00:00+00:00"),
])
def test_an_edited_field_that_is_not_recomputed_is_caught_by_the_store(made, field, value):
    root, _ = made
    folder = copy(root, f"edited-{field}")
    record = json.loads((folder / "draw.json").read_text(encoding="utf-8"))
    record[field] = value
    (folder / "draw.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    out = verify(root, folder / "draw.json")
    assert out.exit_code == 1
    assert "This store does not hold this record" in out.output
    assert f"Field {field}" in out.output


def test_an_edited_store_does_not_match(made):
    root, _ = made
    copy_store(root, "edited.sqlite")
    eng = create_engine(f"sqlite:///{root / 'edited.sqlite'}")
    with eng.begin() as conn:
        first = conn.execute(text("SELECT id, institution_id FROM roster_visits ORDER BY id")).all()
        conn.execute(text("UPDATE roster_visits SET inspector_ids='P1;P3' WHERE id=:i"),
                     {"i": first[0][0]})
        conn.execute(text("DELETE FROM roster_visits WHERE id=:i"), {"i": first[1][0]})
    eng.dispose()
    out = verify(root, root / "seven", store="edited.sqlite")
    assert out.exit_code == 1
    assert "The store's visits of draw 1 lack one of the record" in out.output
    assert f"{first[1][1]}" in out.output
    assert "The store's visits of draw 1 include one the record does not" in out.output
    # the stored record itself edited: its fingerprint no longer holds
    with eng.begin() as conn:
        conn.execute(text("UPDATE rosters SET draw_json=replace(draw_json, '\"seed\": 7', "
                          "'\"seed\": 8')"))
    eng.dispose()
    out = verify(root, root / "seven", store="edited.sqlite")
    assert out.exit_code == 1 and "was changed after it was stored" in out.output


def test_a_draw_of_another_store_does_not_match_and_names_this_stores_draw(made):
    root, _ = made
    out = verify(root, root / "ninety-nine")
    assert out.exit_code == 1
    assert "This store does not hold this record" in out.output and "seed 7" in out.output


def test_a_store_without_the_month_cannot_confirm_the_record(made, tmp_path):
    root, data = made
    shutil.copytree(root / "seven", tmp_path / "seven")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite'}")
        out = cli("roster", "verify", str(tmp_path / "seven"), "--lang", "en", *FAST)
        # the record names no folder, and this store knows of none: give it
        assert out.exit_code == 2 and "give the dataset folder with --data" in out.output
        out = cli("roster", "verify", str(tmp_path / "seven"), "--data", str(data),
                  "--lang", "en", *FAST)
    assert out.exit_code == 1 and "This store holds no draw of 2027-03" in out.output
    missing = verify(root, tmp_path / "nothing" / "draw.json")
    assert missing.exit_code == 2


@pytest.mark.parametrize("reason", ["\u200b", "   ", "\u3000\u200b\u3000", "x"])
def test_a_reason_of_blanks_or_zero_width_characters_is_no_reason(made, reason):
    root, data = made
    copy_store(root, "reason.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{root / 'reason.sqlite'}")
        out = cli("roster", "--data", str(data), "--month", MONTH, "--seed", "8",
                  "--redraw-reason", reason, "--out", str(root / "reason"), "--lang", "en",
                  *FAST)
    assert out.exit_code == 2
    assert "is published" in out.output and "needs a reason" in out.output


def test_a_replan_from_the_first_of_a_published_month_needs_a_reason(made):
    root, data = made
    copy_store(root, "replan.sqlite")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{root / 'replan.sqlite'}")
        args = ["roster", "--data", str(data), "--month", MONTH, "--from", "2027-03-01",
                "--draw-share", "0.5", "--out", str(root / "replan"), "--lang", "en", *FAST]
        refused = cli(*args)
        assert refused.exit_code == 2
        assert "no outcome was recorded in the month before 2027-03-01" in refused.output
        given = cli(*args, "--redraw-reason", "检查组人员调整")
        assert given.exit_code == 0, given.output
    record = json.loads((root / "replan" / "draw.json").read_text(encoding="utf-8"))
    assert record["redraw_reason"] == "检查组人员调整"


def _inspector(record: dict) -> None:
    team = record["result"][0]["inspector_ids"]
    team[0] = next(p for p in (f"P{i}" for i in range(1, 9)) if p not in team)


def _seed(record: dict) -> None:
    record["seed"] += 1


def _candidate(record: dict) -> None:  # an institution id in the candidate list, nothing else
    c = record["draw"]["candidates"][5]
    c["institution_id"] = "I99" if c["institution_id"] != "I99" else "I98"


def _weight(record: dict) -> None:
    record["draw"]["candidates"][0]["weight"] += 1


def _coverage(record: dict) -> None:
    record["coverage"]["coverage_quota"] += 1


@pytest.mark.parametrize("change,says", [
    (_inspector, "The roster in the record was changed after the draw"),
    (_seed, "does NOT match"),
    (_candidate, "draw.candidates[5].institution_id"),
    (_weight, "draw.candidates[0].weight"),
    (_coverage, "coverage.coverage_quota"),
], ids=["inspector", "seed", "candidate", "weight", "coverage"])
def test_a_record_changed_after_the_draw_does_not_match(made, tmp_path, change, says):
    """verify recomputes the draw from the record's inputs: a changed team, seed,
    candidate, weight or quota is named, whether or not a store holds the draw."""
    root, data = made
    record = json.loads((root / "seven" / "draw.json").read_text(encoding="utf-8"))
    change(record)
    path = tmp_path / "draw.json"
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    for store in ("a.sqlite", "empty.sqlite"):  # no store knows the folder: it is given
        out = verify(root, path, store=store, data=data if store == "empty.sqlite" else None)
        assert out.exit_code == 1, out.output
        assert "does NOT match" in out.output and says in out.output, out.output
