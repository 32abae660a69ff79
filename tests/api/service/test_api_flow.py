"""The full flow through the API, on SQLite and on PostgreSQL: upload the Baoshan data as
a zip, make March's roster as a job, poll it, read its result in the reader's language,
download roster.csv, record outcomes, and see April's roster know them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from api_support import ROSTER_FILES, client, postgres_url, upload, wait, zip_bytes


def speaks_the_readers_language(c, url: str) -> None:  # noqa: ANN001
    """A result in the reader's language (Accept-Language; ``?lang=`` wins over it), every
    text a planner reads Chinese by default."""
    zh = c.get(url, headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).json()
    en = c.get(url, headers={"Accept-Language": "en-GB,en;q=0.9"}).json()
    assert zh["status_label"] == "最优（已证明）" and en["status_label"] == "optimal (proven)"
    assert c.get(url + "?lang=en", headers={"Accept-Language": "zh-CN"}).json()[
        "status_label"] == "optimal (proven)"
    texts = [f["message"] for f in zh["findings"]] + [g["label"] for g in zh["soft_goals"]]
    texts += [t["label"] for t in zh["targets"]]
    assert texts and all(any("\u4e00" <= ch <= "\u9fff" for ch in t) for t in texts), texts


def full_flow(tmp: Path, url: str | None) -> None:
    with client(tmp, url) as c:
        r = upload(c, zip_bytes(names=ROSTER_FILES), name="宝山 roster data")
        assert r.status_code == 201, r.text
        ds = r.json()
        assert ds["name"] == "宝山 roster data"
        assert ds["tables"]["institutions"] == 150
        assert ds["tables"]["inspectors"] == 30

        r = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": ds["id"],
                                         "params": {"month": "2027-03", "seed": 42}})
        assert r.status_code == 202, r.text
        march = r.json()
        assert march["status"] == "queued" and march["kind"] == "roster"
        job = wait(c, march["id"])
        assert job["status"] == "done", job
        assert job["progress"]["seconds"] > 0
        assert {"roster.csv", "roster.xlsx", "draw.json"} <= set(job["files"])

        result = c.get(f"/api/v1/jobs/{march['id']}/result").json()
        assert result["kind"] == "roster" and result["status"] == "optimal"
        assert result["status_label"] == "最优（已证明）" and result["gap"] == 0.0
        assert result["soft_goals"] and all(g["label"] and g["cost"] == g["value"] * g["weight"]
                                            for g in result["soft_goals"])
        assert result["targets"] and all(t["label"] for t in result["targets"])
        assert all(f["message"] and f["code"] for f in result["findings"])
        en = c.get(f"/api/v1/jobs/{march['id']}/result?lang=en").json()
        assert en["status_label"] == "optimal (proven)"
        speaks_the_readers_language(c, f"/api/v1/jobs/{march['id']}/result")
        assert [g["code"] for g in en["soft_goals"]] == [g["code"] for g in result["soft_goals"]]
        # the figures as every face says them: the same words as the command line's
        fig = result["figures"]
        assert fig["gap"] == "0%" and fig["line"].startswith("目标值 ") and "下界" in fig["line"]
        assert [g["code"] for g in fig["goals"]] == [g["code"] for g in result["soft_goals"]]

        r = c.get(f"/api/v1/jobs/{march['id']}/files/roster.csv")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
        assert list(rows[0])[:5] == ["date", "institution_id", "street_id", "inspector_ids",
                                 "reason"]
        contract = ("date", "institution_id", "street_id", "inspector_ids", "reason")
        assert [{k: r[k] for k in contract} for r in rows] == result["rows"]
        assert all(r["note"] for r in rows if r["reason"] != "drawn")  # the CSV says why
        assert all(row["date"].startswith("2027-03") for row in rows)

        # outcomes of three March visits: all need rectifying, so April follows them up
        picked = [row for row in rows if row["reason"] != "follow_up"][:3]
        body = {"rows": [{"institution_id": row["institution_id"], "date": row["date"],
                          "outcome": "rectify",
                          "inspector_ids": row["inspector_ids"].split(";")}
                         for row in picked]}
        r = c.post(f"/api/v1/datasets/{ds['id']}/outcomes", json=body)
        assert r.status_code == 200, r.text
        assert r.json() == {"recorded": 3}

        def titles() -> list[str]:
            from openpyxl import load_workbook

            got = c.get(f"/api/v1/jobs/{march['id']}/files/roster.xlsx")
            assert got.status_code == 200
            return [str(ws["A1"].value) for ws in load_workbook(io.BytesIO(got.content))]

        assert all(t.endswith("（草稿）") for t in titles())
        # a draft feeds nothing; once published (一公开) March is the history April reads
        r = c.post(f"/api/v1/jobs/{march['id']}/publish")
        assert r.status_code == 200, r.text
        assert r.json()["published"] and r.json()["in_force"]["seed"] == 42
        # the workbook downloaded now says what the store says: published
        assert all(t.endswith("（已发布）") for t in titles())
        # a second draw of a published month needs a reason, refused before queuing
        r = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": ds["id"],
                                         "params": {"month": "2027-03", "seed": 7}})
        assert r.status_code == 409 and "理由" in r.json()["message"], r.text
        notice = c.get(f"/api/v1/datasets/{ds['id']}/rosters/2027-03/notice")
        assert notice.status_code == 200 and "抽查公告" in notice.text
        assert not [row for row in rows if row["date"] in notice.text]  # sealed: no dates
        assert "<script" not in notice.text
        sealed = c.get(f"/api/v1/datasets/{ds['id']}/rosters/2027-03/notice?kind=revealed")
        assert sealed.status_code == 404 and "尚未公开" in sealed.json()["message"]

        r = c.post("/api/v1/jobs", json={"kind": "roster", "dataset_id": ds["id"],
                                         "params": {"month": "2027-04", "seed": 42}})
        april = wait(c, r.json()["id"])
        assert april["status"] == "done", april
        draw = json.loads(c.get(f"/api/v1/jobs/{april['id']}/files/draw.json").content)
        recorded = {(h["institution_id"], h["date"]): h["outcome"]
                    for h in draw["inputs"]["stored_history"]}
        for row in picked:
            assert recorded[(row["institution_id"], row["date"])] == "rectify"
        # March's other visits are known too, as planned
        assert sum(1 for v in recorded.values() if v == "planned") == len(rows) - 3
        april_rows = c.get(f"/api/v1/jobs/{april['id']}/result").json()["rows"]
        follow = {row["institution_id"] for row in april_rows if row["reason"] == "follow_up"}
        assert {row["institution_id"] for row in picked} <= follow

        listed = c.get("/api/v1/jobs").json()
        assert [j["id"] for j in listed][:2] == [april["id"], march["id"]]


def test_full_flow_sqlite(tmp_path: Path) -> None:
    full_flow(tmp_path, None)
    assert (tmp_path / "home" / "tuoyu.sqlite").exists()


@pytest.mark.heavy  # 10-14 s; the flow is the SQLite one's, PostgreSQL's store has its own
def test_full_flow_postgres(tmp_path: Path) -> None:  # tests (draws, publish, lease, queue)
    full_flow(tmp_path, postgres_url())
