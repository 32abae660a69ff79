"""The scorecard through the API: before any plan, what nothing stored can tell is said
so; after a siting job, the year's new classes are that plan's (counted here from its
siting.geojson) and the answer names the plan; the workbook comes as a download; a year
out of range and an unknown dataset are refused."""

from __future__ import annotations

import io
import json
from pathlib import Path

from api_support import DATA, client, wait
from openpyxl import load_workbook


def _figure(doc: dict, code: str) -> dict:
    return next(f for f in doc["figures"] if f["code"] == f"scorecard.{code}")


def test_the_scorecard_reads_the_plans_made_in_the_pages(tmp_path: Path) -> None:
    with client(tmp_path, bundled_data=DATA) as c:
        before = c.get("/api/v1/datasets/baoshan/scorecard?year=2028").json()
        assert before["title"] == "宝山区托育服务三年行动计划 2028 年目标完成情况"
        classes = _figure(before, "new_classes")["lines"][0]
        assert classes["known"] is False and classes["value"] is None
        assert classes["figure"] == "尚无法得知" and before["plans"]["siting"] == "无"

        r = c.post("/api/v1/jobs", json={"kind": "siting", "dataset_id": "baoshan",
                                         "params": {"years": "2027-2029",
                                                    "use_network": False}})
        assert r.status_code == 202, r.text
        job = wait(c, r.json()["id"])
        assert job["status"] == "done", job
        doc = c.get("/api/v1/datasets/baoshan/scorecard?year=2028").json()
        geo = json.loads(c.get(f"/api/v1/jobs/{job['id']}/files/siting.geojson").content)
        opened = sum(f["properties"]["classes"] for f in geo["features"]
                     if f["properties"]["year"] == 2028)
        whole = _figure(doc, "new_classes")["lines"][0]
        assert whole["known"] and whole["value"] == opened
        assert whole["met"] == (5 <= opened <= 8)
        assert doc["plans"]["siting"].startswith("页面中生成的方案（")
        assert doc["plan_jobs"]["siting"] == job["id"]
        assert _figure(doc, "within_15_min")["lines"][0]["known"] is True

        book = c.get("/api/v1/datasets/baoshan/scorecard.xlsx?year=2028")
        assert book.status_code == 200
        wb = load_workbook(io.BytesIO(book.content))
        assert "全区" in wb.sheetnames and "2028年" in str(wb["全区"]["A1"].value)

        assert c.get("/api/v1/datasets/baoshan/scorecard?year=1999").status_code == 422
        assert c.get("/api/v1/datasets/nowhere/scorecard?year=2028").status_code == 404
        en = c.get("/api/v1/datasets/baoshan/scorecard?year=2028&lang=en").json()
        assert en["title"].startswith("宝山区 childcare action plan")
