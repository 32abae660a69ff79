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
        assert job["status"] in ("done", "infeasible", "failed")
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
