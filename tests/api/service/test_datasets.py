"""Datasets through the API: upload (zip, xlsx), every problem at once, zip paths checked,
size limits, list, fetch, a table's rows, and the bundled data registered as ``baoshan``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import openpyxl
import pytest
from api_support import DATA, ROSTER_FILES, client, upload, zip_bytes


def test_upload_list_fetch_rows(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        r = upload(c, zip_bytes(names=ROSTER_FILES))
        assert r.status_code == 201, r.text
        ds = r.json()
        assert ds["district"] == "baoshan"  # no district.geojson: its name
        assert ds["name"] == "baoshan" and set(ds["tables"]) == {Path(n).stem for n in
                                                                  ROSTER_FILES}
        assert [d["id"] for d in c.get("/api/v1/datasets").json()] == [ds["id"]]
        assert c.get(f"/api/v1/datasets/{ds['id']}").json() == ds
        rows = c.get(f"/api/v1/datasets/{ds['id']}/tables/inspectors").json()
        assert len(rows) == 30 and rows[0]["inspector_id"] == "JC001"
        assert rows[0]["skills"] == ["safety", "hygiene"]
        leave = c.get(f"/api/v1/datasets/{ds['id']}/tables/inspector_leave").json()
        assert all(len(x["start"]) == 10 for x in leave)
        r = c.get(f"/api/v1/datasets/{ds['id']}/tables/centers")
        assert r.status_code == 404 and r.json()["error"] == "not_found"
        r = c.get(f"/api/v1/datasets/{ds['id']}/tables/nonsense")
        assert r.status_code == 404
        r = c.get("/api/v1/datasets/nope")
        assert r.status_code == 404 and "nope" in r.json()["message"]


def test_every_problem_at_once(tmp_path: Path) -> None:
    bad_inst = (DATA / "institutions.csv").read_text(encoding="utf-8-sig").splitlines()
    bad_inst[1] = bad_inst[1].replace(",high,", ",extreme,").replace(",medium,", ",extreme,")
    bad_inst[2] = bad_inst[2].replace(bad_inst[2].split(",")[2], "NOSTREET", 1)
    files = tuple(n for n in ROSTER_FILES if n not in {"institutions.csv", "inspectors.csv"})
    data = zip_bytes(names=files, extra={"baoshan/institutions.csv":
                                         "\n".join(bad_inst).encode()})
    with client(tmp_path) as c:
        r = upload(c, data)
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["error"] == "invalid_input" and len(body["problems"]) >= 2
        messages = " ".join(p["message"] for p in body["problems"])
        assert "inspectors" in messages  # the missing table
        assert any(p["row"] == 2 and p["file"] == "institutions.csv" for p in body["problems"])
        assert set(body["problems"][0]) == {"file", "row", "column", "message", "expected",
                                            "got", "code", "text"}
        # said in Chinese for a Chinese reader (the default), with the row
        texts = [p["text"] for p in body["problems"]]
        assert any("第 2 行" in t and "应为" in t for t in texts), texts
        assert "输入数据有" in body["message"]
        assert c.get("/api/v1/datasets").json() == []
        assert not list((tmp_path / "home" / "datasets").glob("[!.]*"))


def test_zip_paths_checked(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        for evil in ("../evil.csv", "/etc/evil.csv", "a/../../evil.csv"):
            r = upload(c, zip_bytes(names=ROSTER_FILES, extra={evil: b"x"}))
            assert r.status_code == 422, evil
            assert any(p["file"] == evil for p in r.json()["problems"])
        assert not (tmp_path / "evil.csv").exists()
        assert not (tmp_path / "home" / "evil.csv").exists()
        r = upload(c, b"not a zip at all")
        assert r.status_code == 422 and "zip" in r.json()["message"]
        r = upload(c, b"hello", filename="notes.txt")
        assert r.status_code == 422 and r.json()["problems"][0]["got"] == ".txt"
        r = upload(c, zip_bytes(names=(), extra={"readme.csv": b"a,b\n1,2\n"}))
        # said in Chinese by default; the problem keeps its English words and its code
        assert r.status_code == 422 and r.json()["message"].endswith(
            "数据集：没有找到约定的任何一张表（应为 institutions.csv、inspectors.csv、centers.csv、"
            "communities.csv 等文件，或一个 .xlsx 工作簿中同名的工作表）")
        problem = r.json()["problems"][0]
        assert problem["code"] == "input.no_tables" and "no table" in problem["message"]


def test_xlsx_upload(tmp_path: Path) -> None:
    import pandas as pd

    buf = io.BytesIO()
    with pd.ExcelWriter(buf, engine="openpyxl") as xw:
        for name in ROSTER_FILES:
            pd.read_csv(DATA / name, dtype=str, keep_default_na=False).to_excel(
                xw, sheet_name=Path(name).stem, index=False)
    with client(tmp_path) as c:
        r = c.post("/api/v1/datasets", files={"file": ("宝山.xlsx", buf.getvalue(),
                                                        "application/octet-stream")})
        assert r.status_code == 201, r.text
        assert r.json()["tables"]["institutions"] == 150
        wb = openpyxl.load_workbook(io.BytesIO(buf.getvalue()))
        assert "inspectors" in wb.sheetnames


def test_upload_too_large(tmp_path: Path) -> None:
    with client(tmp_path, max_upload_mb=0.05) as c:
        # by Content-Length
        r = c.post("/api/v1/datasets", content=b"x" * 10,
                   headers={"content-length": str(200 * 2**20),
                            "content-type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413 and r.json()["error"] == "too_large"
        assert "超过 0.05 MB 的上限" in r.json()["message"]  # the limit really applied
        # counted as the upload streams in (no Content-Length: chunked)
        def chunks():  # noqa: ANN202
            for _ in range(40):
                yield b"y" * 65536

        r = c.post("/api/v1/datasets", content=chunks(),
                   headers={"content-type": "multipart/form-data; boundary=b"})
        assert r.status_code == 413
        # under the body limit but over the file limit
        payload = io.BytesIO(b"z" * int(0.2 * 2**20))
        r = c.post("/api/v1/datasets", files={"file": ("big.zip", payload, "application/zip")})
        assert r.status_code == 413 and "0.05 MB" in r.json()["message"]


def test_bundled_registered(tmp_path: Path) -> None:
    with client(tmp_path, bundled_data=DATA) as c:
        ds = c.get("/api/v1/datasets/baoshan").json()
        assert ds["tables"]["institutions"] == 150 and ds["tables"]["communities"] == 500
        assert ds["district"] == "宝山区" and ds["name"] == "宝山区（内置数据）"
    with client(tmp_path, bundled_data=DATA) as c:  # a restart keeps one row
        assert [d["id"] for d in c.get("/api/v1/datasets").json()] == ["baoshan"]


def test_outcomes_file_and_errors(tmp_path: Path) -> None:
    with client(tmp_path) as c:
        ds = upload(c, zip_bytes(names=ROSTER_FILES)).json()
        url = f"/api/v1/datasets/{ds['id']}/outcomes"
        good = "institution_id,date,outcome,inspector_ids\nJG0001,2027-03-03,pass,JC001;JC002\n"
        r = c.post(url, files={"file": ("out.csv", good.encode(), "text/csv")})
        assert r.status_code == 200 and r.json() == {"recorded": 1}
        bad = ("institution_id,date,outcome,inspector_ids\nJG9999,2027-03-03,pass,JC001;JC002\n"
               "JG0001,2027-03-04,pass,ZZ1;JC002\n")
        r = c.post(url, files={"file": ("out.csv", bad.encode(), "text/csv")})
        assert r.status_code == 422
        problems = r.json()["problems"]
        assert {(p["row"], p["column"]) for p in problems} == {(2, "institution_id"),
                                                               (3, "inspector_ids")}
        r = c.post(url, json={"rows": [{"institution_id": "JG0001", "date": "2027-03-05",
                                        "outcome": "great"}]})
        assert r.status_code == 422 and r.json()["problems"][0]["column"] == "rows.0.outcome"
        r = c.post(url, files={"file": ("out.pdf", b"%PDF", "application/pdf")})
        assert r.status_code == 422
        r = c.post("/api/v1/datasets/nope/outcomes", json={"rows": []})
        assert r.status_code == 404


def test_working_calendar_of_a_dataset(tmp_path: Path) -> None:
    """The holidays and adjusted working days the pages mark: the dataset's calendar table
    first (the bundled data's provisional 2027), then the built-in calendar (2026)."""
    import csv
    import datetime as dt

    with client(tmp_path, bundled_data=DATA) as c:
        days = c.get("/api/v1/datasets/baoshan/calendar?year=2026").json()
        by = {d["date"]: d for d in days}
        assert by["2026-01-04"] == {"date": "2026-01-04", "kind": "workday", "name": "元旦"}
        assert by["2026-10-01"]["kind"] == "holiday"
        table = list(csv.DictReader((DATA / "calendar.csv").open(encoding="utf-8-sig")))
        days = c.get("/api/v1/datasets/baoshan/calendar?year=2027").json()
        by = {d["date"]: d for d in days}
        for row in table:
            if row["date"].startswith("2027") and (
                    row["kind"] == "holiday" or
                    dt.date.fromisoformat(row["date"]).weekday() >= 5):
                assert by[row["date"]]["kind"] == row["kind"]
                assert by[row["date"]]["name"] == row["name"]
        assert c.get("/api/v1/datasets/baoshan/calendar?year=1999").status_code == 422
        assert c.get("/api/v1/datasets/nope/calendar?year=2027").status_code == 404


def test_a_district_without_the_home_visits_tables_uploads(tmp_path: Path) -> None:
    """Communities and guidance staff (siting, sessions) do not make a dataset a home-visits
    one: an upload without families or visit staff is taken, and every plan it can make
    is offered; a families table alone still needs its group's other tables."""
    import io
    import zipfile

    from web_tiny import tables

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in tables().items():
            zf.writestr(name, text)
    with client(tmp_path) as c:
        r = upload(c, buf.getvalue(), "tiny.zip")
        assert r.status_code == 201, r.text
        assert {"communities", "guidance_staff", "centers"} <= set(r.json()["tables"])
        assert not {"families", "visit_staff"} & set(r.json()["tables"])
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("families.csv", (DATA / "families.csv").read_text(encoding="utf-8"))
        r = upload(c, buf.getvalue(), "families.zip")
        assert r.status_code == 422 and "visit_staff" in r.text


def test_outcomes_uploaded_while_another_upload_is_stored_too_long_are_409(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another upload of outcomes holds its turn on the store (SQLite) longer than the
    service lets one wait (``TUOYU_OUTCOMES_WAIT`` 0): 409 ``outcomes_busy`` in Chinese,
    the English beside it, nothing recorded; once the other is done the same upload is
    recorded."""
    from filelock import FileLock

    monkeypatch.setenv("TUOYU_OUTCOMES_WAIT", "0")
    good = "institution_id,date,outcome,inspector_ids\nJG0001,2027-03-03,pass,JC001;JC002\n"
    with client(tmp_path) as c:
        ds = upload(c, zip_bytes(names=ROSTER_FILES)).json()
        url = f"/api/v1/datasets/{ds['id']}/outcomes"
        db = c.app.state.tuoyu.settings.url.removeprefix("sqlite:///")  # type: ignore[attr-defined]
        with FileLock(db + ".outcomes.lock"):
            r = c.post(url, files={"file": ("out.csv", good.encode(), "text/csv")})
        assert r.status_code == 409 and r.json()["error"] == "outcomes_busy"
        assert "另一次录入正在保存" in r.json()["message"]
        assert "Another upload of outcomes" in r.json()["message_en"]
        r = c.post(url, files={"file": ("out.csv", good.encode(), "text/csv")})
        assert r.status_code == 200 and r.json() == {"recorded": 1}


def test_a_folder_served_is_one_district_with_the_command_line(tmp_path: Path,
                                                             monkeypatch) -> None:  # noqa: ANN001
    """``tuoyu serve --data DIR`` and ``tuoyu roster --data DIR`` on one store keep one
    history of the folder: the roster the command line drew is the month's roster in the
    pages, and a draw made in the pages is the command line's too (a planner who drew
    东滩区's month on the command line saw "尚未开始" in the pages, and could draw it a
    second time there). The folder is its own dataset, never ``baoshan``."""
    from api_support import wait
    from draw_support import tiny_dataset
    from sqlalchemy.orm import Session
    from typer.testing import CliRunner

    from tuoyu.api import store
    from tuoyu.api.cli import app

    folder = tiny_dataset(tmp_path / "东滩")
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    monkeypatch.setenv("TUOYU_HOME", str(tmp_path / "home"))
    drawn = CliRunner().invoke(app, ["roster", "--month", "2027-03", "--data", str(folder),
                                     "--out", str(tmp_path / "out")])
    assert drawn.exit_code == 0, drawn.output
    with client(tmp_path, url, data=folder) as c:
        (mine,) = [d for d in c.get("/api/v1/datasets").json() if d["default"]]
        assert mine["id"] != "baoshan" and "宝山" not in mine["name"]
        month = c.get(f"/api/v1/datasets/{mine['id']}/rosters/2027-03").json()
        assert [d["seed"] for d in month["draws"]] == [20270301], month
        job = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": mine["id"],
                                           "params": {"month": "2027-04", "seed": 7}}).json()
        assert wait(c, job["id"], timeout=300)["status"] == "done"
    with Session(store.engine(url)) as s:
        draws = store.month_draws(s, str(folder.resolve()), "2027-04")
        assert [r.seed for r in draws] == [7]
        assert store.month_draws(s, "baoshan", "2027-03") == []


def test_what_the_service_shows_of_a_served_folder_names_no_server_folder(
        tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """A viewer of ``tuoyu serve --data DIR`` reads the district's name, never the server's
    folders (the review on 东滩区: /plan said "文件夹 /home/…/东滩区/out/sessions/… 中的方案",
    and a roster's draw.json, which the pages read and the public reads once sealed and
    revealed, held ``data_dir``: the server's path). The scorecard says a plan the command
    line wrote and when; the pages, the datasets and the month say no path either."""
    from api_support import wait
    from draw_support import tiny_dataset

    from tuoyu.api import store

    folder = tiny_dataset(tmp_path / "东滩区")
    out = folder / "out" / "sessions"  # what `tuoyu sessions --data DIR --out DIR/out` notes
    out.mkdir(parents=True)
    (out / "sessions.csv").write_text(
        "date,start,end,center_id,event_id,topic_id,staff_ids\n"
        "2027-03-02,09:00,11:00,BC1,,A,S1;S2\n", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    store.note_plan_folder(store.engine(url), str(folder.resolve()), "sessions", out, {})
    secret = str(tmp_path)
    with client(tmp_path, url, data=folder) as c:
        (mine,) = [d["id"] for d in c.get("/api/v1/datasets").json() if d["default"]]
        base = f"/api/v1/datasets/{mine}"
        job = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": mine,
                                           "params": {"month": "2027-03", "seed": 7}}).json()
        assert wait(c, job["id"], timeout=300)["status"] == "done"
        card = c.get(f"{base}/scorecard?year=2027").json()
        assert card["plans"]["sessions"].startswith("命令行生成的方案（"), card["plans"]
        assert card["plans"]["sessions"].endswith(" 写入）")
        record = c.get(f"/api/v1/jobs/{job['id']}/files/draw.json").json()
        assert "data_dir" not in record["inputs"]
        shown = [c.get(f"{base}/scorecard?year=2027&lang=en").text,
                 c.get(f"{base}/rosters/2027-03").text, c.get("/api/v1/datasets").text,
                 c.get(f"/api/v1/jobs/{job['id']}").text, c.get("/api/v1/jobs").text,
                 c.get(f"/api/v1/jobs/{job['id']}/result").text, json.dumps(card),
                 json.dumps(record)]
        shown += [c.get(p).text for p in ("/", "/plan", "/map", "/calendar", "/visits",
                                          "/roster")]
        book = openpyxl.load_workbook(io.BytesIO(c.get(f"{base}/scorecard.xlsx?year=2027")
                                                 .content))
        shown += [str(cell.value) for ws in book.worksheets for row in ws.iter_rows()
                  for cell in row if cell.value is not None]
    assert not [t[:200] for t in shown if secret in t or "东滩区/out" in t]


def test_a_served_folder_deleted_while_served_is_named_never_its_path(tmp_path: Path) -> None:
    """The folder of ``tuoyu serve --data DIR`` moved or deleted while the service runs:
    a job on it failed with "dataset folder does not exist /home/…/DIR", and the pages'
    reads said the same (the server's path, which may hold a person's name). Every error
    a job or a page shows now names the dataset by its name and says in Chinese what is
    wrong (a job asked for then is refused at once); a table deleted from it is said
    without the folder either; a job queued before names no folder however it ends."""
    import shutil

    from api_support import wait
    from draw_support import tiny_dataset

    folder = tiny_dataset(tmp_path / "张三的文件" / "东滩区")
    secret = str(tmp_path)
    with client(tmp_path, data=folder) as c:
        (mine,) = [d for d in c.get("/api/v1/datasets").json() if d["default"]]
        base = f"/api/v1/datasets/{mine['id']}"
        (folder / "institutions.csv").unlink()
        table = c.get(f"{base}/tables/institutions")
        assert table.status_code == 422 and secret not in table.text, table.text
        assert "缺少必需的表" in table.json()["message"]
        job = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": mine["id"],
                                           "params": {"month": "2027-03", "seed": 7}})
        shutil.rmtree(folder)
        refused = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": mine["id"],
                                               "params": {"month": "2027-04", "seed": 7}})
        replies = [refused, c.get(f"{base}/tables/inspectors"),
                   c.get(f"{base}/rosters/2027-03/notice?kind=announcement"),
                   c.get(f"{base}/scorecard?year=2027"),
                   c.get(f"{base}/scorecard.xlsx?year=2027"),
                   c.post(f"{base}/rosters/2027-03/commit", json={}),
                   c.post(f"{base}/outcomes", files={"file": (
                       "outcomes.csv", b"institution_id,date,outcome,inspector_ids\n",
                       "text/csv")})]
        done = wait(c, job.json()["id"], timeout=120)  # started before or after the delete
        shown = [c.get("/api/v1/jobs").text, json.dumps(done, ensure_ascii=False),
                 c.get(f"/api/v1/jobs/{done['id']}/result").text] + [r.text for r in replies]
    assert [r.status_code for r in replies] == [422] * len(replies)
    gone = f"“{mine['name']}”的数据文件夹已不在服务器上"
    for r in replies:
        assert gone in r.json()["message"], r.text
    assert not [t[:300] for t in shown if secret in t or "张三" in t]


def test_a_folder_served_as_baoshan_before_finds_its_draws_again(tmp_path: Path) -> None:
    """Before 2026-12-07 ``tuoyu serve --data DIR`` registered DIR as ``baoshan``: its
    pages stored DIR's draws and outcomes under the key ``baoshan``, beside the command
    line's draws of the bundled data. The service started now (the folder served again
    or not) finds DIR's published March and its outcome under DIR's path; a month drawn
    on other tables (the bundled data's) and an outcome of no moved visit stay under
    ``baoshan``; starting again changes nothing."""
    import datetime as dt

    from draw_support import tiny_dataset
    from sqlalchemy.orm import Session

    from tuoyu.api import store
    from tuoyu.models.inspection import PastInspection, load_inspection_data
    from tuoyu.planning.dataset import Dataset

    folder = tiny_dataset(tmp_path / "东滩区")
    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    eng = store.engine(url)
    old = Dataset(folder, "baoshan").key  # the old service: Dataset(Path(row.path), row.id)
    day = dt.date(2027, 3, 3)
    with Session(eng) as s, s.begin():
        s.add(store.DatasetRow(id="baoshan", name="宝山区（内置数据）", path=str(folder),
                               tables_json="{}", created_at=store.now()))
        for month, fp in (("2027-03", load_inspection_data(folder).fingerprint),
                          ("2027-04", "sha256:the-bundled-data")):
            store.save_roster(s, old, month, 7, fp, "{}",
                              [(day.replace(month=int(month[-2:])), "I01", "S1", "P1;P2",
                                "risk")])
            store.publish_roster(s, old, month)
        store.record_outcomes(s, old, [
            PastInspection(institution_id=i, date=day, outcome="pass", inspector_ids=("P1",))
            for i in ("I01", "I05")])

    def seen() -> tuple[object, ...]:
        key = Dataset.at(folder).key
        with Session(eng) as s:
            return ([(r.month, r.status) for m in ("2027-03", "2027-04")
                     for r in store.month_draws(s, key, m)],
                    [(h.institution_id, h.outcome)
                     for h in store.stored_history(s, key, dt.date(2027, 5, 1))],
                    [r.month for m in ("2027-03", "2027-04")
                     for r in store.month_draws(s, "baoshan", m)],
                    [h.institution_id for h in store.stored_history(s, "baoshan", day)
                     if h.outcome == "pass"] + [
                        h.institution_id for h in store.stored_history(
                            s, "baoshan", dt.date(2027, 3, 4)) if h.outcome == "pass"])

    with client(tmp_path, url, data=folder, bundled_data=DATA):
        pass
    first = seen()
    assert first[0] == [("2027-03", "published")]
    assert first[1] == [("I01", "pass")]
    assert first[2] == ["2027-04"] and first[3] == ["I05"]
    with client(tmp_path, url, data=folder, bundled_data=DATA):
        pass
    assert seen() == first


def test_a_copy_of_the_bundled_data_named_baoshan_keeps_its_draws(tmp_path: Path) -> None:
    """The ``baoshan`` row naming another install's copy of the bundled data (a planner
    who reinstalled elsewhere) is the bundled data: its draws stay under ``baoshan``."""
    import shutil

    from sqlalchemy.orm import Session

    from tuoyu.api import store
    from tuoyu.api.service.datasets import adopt_folder_served_as_baoshan
    from tuoyu.models.inspection import load_inspection_data

    copy = tmp_path / "old-install" / "baoshan"
    shutil.copytree(DATA, copy)
    eng = store.engine(f"sqlite:///{tmp_path / 'old.sqlite'}")
    with Session(eng) as s, s.begin():
        s.add(store.DatasetRow(id="baoshan", name="宝山区（内置数据）", path=str(copy),
                               tables_json="{}", created_at=store.now()))
        store.save_roster(s, "baoshan", "2027-03", 7, load_inspection_data(copy).fingerprint,
                          "{}", [])
    assert adopt_folder_served_as_baoshan(eng) == 0
    with Session(eng) as s:
        assert [r.seed for r in store.month_draws(s, "baoshan", "2027-03")] == [7]


def test_an_older_sealed_record_naming_its_folder_is_revealed_without_it(
        tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Until 2026-12-07 a roster drawn on the command line kept its folder's absolute path
    (``inputs.data_dir``, which may hold a person's name) in draw.json, and so in the
    sealed record the service reveals to the public. A new record names no folder; an
    older one still verifies (``tuoyu roster verify``), its seal in the store untouched,
    and the service's revealed notice withholds the folder (said, with how to check it):
    put back, the withheld text is the sealed text byte for byte."""
    import datetime as dt
    import html as html_lib
    import re

    from drand_rounds import COMMIT_BEFORE_3311596, ROUND_3311596
    from draw_support import tiny_dataset
    from sqlalchemy.orm import Session
    from typer.testing import CliRunner

    from tuoyu.api import runner, store
    from tuoyu.api.cli import app
    from tuoyu.api.exports import audit, roster
    from tuoyu.planning.dataset import Dataset
    from tuoyu.planning.params import RosterParams
    from tuoyu.planning.roster import fingerprint

    folder = tiny_dataset(tmp_path / "张三" / "东滩区")
    path = str(folder.resolve())
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    eng = store.engine(url)
    ds = Dataset.at(folder)
    params = RosterParams(month="2027-03", time_limit=20, workers=2)
    runner.commit(ds, params, {"kind": "drand"}, eng, now=COMMIT_BEFORE_3311596)
    runner.seed(ds, "2027-03", ROUND_3311596, eng)
    plan = runner.make_plan(ds, params, engine=eng)
    assert "data_dir" not in audit.draw_record_of(plan)["inputs"]  # a new record: no folder

    new = audit.draw_record_of

    def older(p):  # noqa: ANN001, ANN202 - the record as the code before 2026-12-07 wrote it
        record = new(p)
        record["inputs"]["data_dir"] = path
        return record

    with monkeypatch.context() as mp:
        mp.setattr(audit, "draw_record_of", older)
        mp.setattr(roster, "draw_record_of", older)
        runner.deliver(plan, tmp_path / "out", dataset=ds, engine=eng)
    runner.publish(ds, "2027-03", eng)
    runner.reveal(ds, "2027-03", eng, today=dt.date(2027, 4, 2))
    with Session(eng) as s:
        (row,) = s.query(store.Roster).filter(store.Roster.month == "2027-03").all()
        sealed_text, sealed_hash = row.sealed_json, row.sealed_hash
    assert path in sealed_text and fingerprint(json.loads(sealed_text)) == sealed_hash
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    checked = CliRunner().invoke(app, ["roster", "verify", str(tmp_path / "out"),
                                       "--work-limit", "20"])
    assert checked.exit_code == 0 and "抽取结果一致" in checked.output, checked.output
    monkeypatch.setenv("TUOYU_TODAY", "2027-04-02")
    with client(tmp_path, url, data=folder) as c:
        (mine,) = [d["id"] for d in c.get("/api/v1/datasets").json() if d["default"]]
        page = c.get(f"/api/v1/datasets/{mine}/rosters/2027-03/notice?kind=revealed")
    assert page.status_code == 200, page.text
    assert "张三" not in page.text and json.dumps(path)[1:-1] not in page.text
    assert "（已隐去）" in page.text and "依申请查阅封存原文" in page.text
    assert sealed_hash in page.text
    shown = html_lib.unescape(re.search(r'id="sealed-record-withheld">(.*?)</pre>',
                                        page.text, re.S).group(1))
    assert shown.replace("（已隐去）", json.dumps(path, ensure_ascii=False)[1:-1]) == sealed_text
    with Session(eng) as s:  # the store's seal is as it was
        assert s.query(store.Roster).one().sealed_json == sealed_text
