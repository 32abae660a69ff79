"""The service plans a week of home visits as a job (from the registry), serves its
rows and files to the planner role, and refuses them to a viewer: the plan names
families (个人信息保护法); a job's message never quotes them."""

from __future__ import annotations

import csv
import io

from api_support import client, upload, wait, zip_bytes
from visits_check import violations

from tuoyu.api.service.auth import create_token
from tuoyu.data import BUNDLED


def test_a_week_of_visits_as_a_job(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    with client(tmp_path) as c:
        r = upload(c, zip_bytes())  # the visit tables share staff and committees
        assert r.status_code == 201, r.text
        ds = r.json()
        assert ds["tables"]["families"] > 0
        r = c.post("/api/v1/jobs", json={"kind": "visits", "dataset_id": ds["id"],
                                         "params": {"week": "2027-03-01",
                                                    "iterations": 200}})
        assert r.status_code == 202, r.text
        job = wait(c, r.json()["id"])
        assert job["status"] in ("done", "infeasible")  # a plan either way, never failed
        assert "F0" not in (job.get("message") or "")
        f = c.get(f"/api/v1/jobs/{job['id']}/files/visits.csv")
        assert f.status_code == 200
        rows = list(csv.DictReader(io.StringIO(f.content.decode("utf-8-sig"))))
        assert rows and violations(BUNDLED, rows, dt.date(2027, 3, 1)) == []
        if job["status"] == "done":
            result = c.get(f"/api/v1/jobs/{job['id']}/result").json()
            assert result["kind"] == "visits" and len(result["rows"]) == len(rows)
        bad = c.post("/api/v1/jobs", json={"kind": "visits", "dataset_id": ds["id"],
                                           "params": {"week": "2027-03-02"}})
        assert bad.status_code == 422
        # a viewer may not read a plan that names families
        st = c.app.state.tuoyu
        _, planner_token = create_token(st.engine, "planner", "p")
        _, viewer_token = create_token(st.engine, "viewer", "v")
        # tokens exist now: every call needs one
        for who, code in ((viewer_token, 403), (planner_token, 200)):
            h = {"Authorization": f"Bearer {who}"}
            assert c.get(f"/api/v1/jobs/{job['id']}/files/visits.csv",
                         headers=h).status_code == code
            res = c.get(f"/api/v1/jobs/{job['id']}/result", headers=h)
            assert (res.status_code == 403) == (code == 403)
            listed = c.get("/api/v1/jobs", headers=h).json()
            assert not any("F0" in (j.get("message") or "") for j in listed)


def _far_pair(folder):  # type: ignore[no-untyped-def]
    """A district of the home visits' tables alone (no centers, no kindergartens): one
    person who visits on Mondays from (121.48, 31.40), two families due this week who both
    gave Monday morning only, one at the base and one 18 km north (71 minutes away). Both
    cannot fit in the morning (a visit starts by 10:30: 08:30 + 60 + 71 is later), yet no
    count proves it (3 visits fit the morning's hours): the search's best plan visits
    one."""
    from visits_check import tiny_dataset

    fams = [{"family_id": fid, "birth_date": "2027-01-20", "registered_on": "2027-02-05",
             "needs": "education", "half_days": "Mon AM", "lon": "121.48", "lat": lat}
            for fid, lat in (("F1", "31.40"), ("F2", "31.562"))]
    return tiny_dataset(folder, staff=[{"staff_id": "S1", "discipline": "education",
                                        "visit_days": "Mon", "max_visits_per_day": 4}],
                        families=fams)


def test_a_district_of_the_visit_tables_alone_plans_visits_and_nothing_else(
        tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Uploading just what the home visits read (families, visit staff and the shared
    tables) is taken; a calendar or siting job on it is refused before it is queued, naming
    each missing table in Chinese (and English when asked); a visits job runs. The search's
    best week that leaves a due family out without a proof is a plan (job ``done``, status
    ``feasible``), the family named and the target unmet, never a failed job."""
    import datetime as dt

    folder = _far_pair(tmp_path / "far")
    with client(tmp_path) as c:
        r = upload(c, zip_bytes(folder, prefix=""), "far.zip")
        assert r.status_code == 201, r.text
        ds = r.json()["id"]
        assert {"families", "visit_staff", "guidance_staff", "communities"} <= set(
            r.json()["tables"])
        r = c.post("/api/v1/jobs", json={"kind": "sessions", "dataset_id": ds,
                                         "params": {"year": 2027}})
        assert r.status_code == 422, r.text
        body = r.json()
        assert [p["file"] for p in body["problems"]] == ["centers.csv"]
        assert "centers" in body["message"] and "年度指导活动日历" in body["message"]
        assert "数据集中没有" in body["problems"][0]["text"]
        r = c.post("/api/v1/jobs?lang=en", json={"kind": "siting", "dataset_id": ds,
                                                 "params": {"years": "2027-2029"}})
        assert r.status_code == 422, r.text
        assert [p["file"] for p in r.json()["problems"]] == ["kindergartens.csv"]
        assert "needs the table 'kindergartens'" in r.json()["message"]
        assert c.get("/api/v1/jobs").json() == []  # nothing was queued
        r = c.post("/api/v1/jobs", json={"kind": "visits", "dataset_id": ds,
                                         "params": {"week": "2027-03-01", "iterations": 50}})
        assert r.status_code == 202, r.text
        job = wait(c, r.json()["id"])
        assert job["status"] == "done", job
        result = c.get(f"/api/v1/jobs/{job['id']}/result").json()
        assert result["status"] == "feasible"
        rows = result["rows"]
        assert [x["family_id"] for x in rows] == ["F1"]  # the one at the base: no travel
        assert violations(folder, rows, dt.date(2027, 3, 1)) == []
        assert [f["params"]["family_id"] for f in result["findings"]
                if f["code"] == "visits.due_not_fitted"] == ["F2"]
        target = next(t for t in result["targets"] if t["code"] == "visits.target.due_visited")
        assert (target["goal"], target["achieved"], target["met"]) == (2, 1, False)
        assert "visits.csv" in job["files"]
        assert "F2" not in (job.get("message") or "")


def test_a_visits_job_with_a_tiny_time_limit_is_a_plan(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """A job whose time limit (1 ms) pays for few of its iterations (work counted, not
    timed; its wall-clock safety net, 10 ms, may end them earlier still) keeps its best
    week: job ``done``, status ``feasible``, the budget said in a finding, the family it
    could not fit named, the files served."""
    import datetime as dt

    folder = _far_pair(tmp_path / "far")
    with client(tmp_path) as c:
        ds = upload(c, zip_bytes(folder, prefix=""), "far.zip").json()["id"]
        r = c.post("/api/v1/jobs", json={"kind": "visits", "dataset_id": ds, "params": {
            "week": "2027-03-01", "iterations": 200_000, "time_limit": 0.001}})
        assert r.status_code == 202, r.text
        job = wait(c, r.json()["id"])
        assert job["status"] == "done", job
        result = c.get(f"/api/v1/jobs/{job['id']}/result").json()
        assert result["status"] == "feasible"
        budget = next(f for f in result["findings"] if f["code"] == "visits.work_budget")
        assert budget["params"]["asked"] == 200_000
        assert budget["params"]["iterations"] < 200_000
        rows = result["rows"]
        assert len(rows) == 1 and violations(folder, rows, dt.date(2027, 3, 1)) == []
        left = {"F1", "F2"} - {rows[0]["family_id"]}
        assert [f["params"]["family_id"] for f in result["findings"]
                if f["code"] == "visits.due_not_fitted"] == sorted(left)
        f = c.get(f"/api/v1/jobs/{job['id']}/files/visits.csv")
        assert f.status_code == 200


def test_a_viewer_may_not_read_the_families_table(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The families' own table (their coordinates, birth dates, needs: 个人信息) is for
    the planner role, as the plans that name them are; a viewer reading it through the
    tables endpoint gets 403 saying why, and still reads the other tables."""
    folder = _far_pair(tmp_path / "far")
    with client(tmp_path) as c:
        r = upload(c, zip_bytes(folder, prefix=""), "far.zip")
        assert r.status_code == 201, r.text
        ds = r.json()["id"]
        st = c.app.state.tuoyu
        _, planner_token = create_token(st.engine, "planner", "p")
        _, viewer_token = create_token(st.engine, "viewer", "v")
        viewer = {"Authorization": f"Bearer {viewer_token}"}
        planner = {"Authorization": f"Bearer {planner_token}"}
        refused = c.get(f"/api/v1/datasets/{ds}/tables/families", headers=viewer)
        assert refused.status_code == 403 and "个人信息" in refused.json()["message"]
        assert "31.562" not in refused.text and "F1" not in refused.text
        got = c.get(f"/api/v1/datasets/{ds}/tables/families", headers=planner)
        assert got.status_code == 200 and {r["family_id"] for r in got.json()} == {"F1", "F2"}
        assert c.get(f"/api/v1/datasets/{ds}/tables/streets", headers=viewer).status_code == 200
