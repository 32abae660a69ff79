"""The month's cycle through the API (issue 19): commit (a second one needs a reason:
409), a drand round from before the commitment refused (422, named), the seed refused
before a commitment (409); the month's state says where it stands."""

from __future__ import annotations

from api_support import client, upload, zip_bytes
from drand_rounds import ROUND_3311596
from draw_support import tiny_dataset


def test_commit_and_seed_through_the_api(tmp_path):
    data = zip_bytes(tiny_dataset(tmp_path / "tiny"), prefix="tiny/")
    with client(tmp_path) as c:
        ds = upload(c, data, "tiny.zip").json()["id"]
        base = f"/api/v1/datasets/{ds}/rosters/2027-03"
        r = c.post(base + "/seed", json={"drand": ROUND_3311596})
        assert r.status_code == 409 and "先承诺" in r.json()["message"]
        r = c.post(base + "/commit", json={"source": "drand"})
        assert r.status_code == 200, r.text
        state = r.json()
        assert state["step"] == "committed" and len(state["commitments"]) == 1
        assert state["commitments"][0]["commitment"].startswith("sha256:")
        r = c.post(base + "/commit", json={"source": "drand", "reason": "\u200b"})
        assert r.status_code == 409 and "理由" in r.json()["message"]
        r = c.post(base + "/seed", json={"drand": ROUND_3311596})  # from 2023: too early
        assert r.status_code == 422 and "早于承诺时间" in r.json()["message"]
        r = c.post(base + "/commit", json={"source": "drand", "reason": "名录更新后重新承诺"})
        assert r.status_code == 200 and len(r.json()["commitments"]) == 2
        r = c.post(base + "/reveal")
        assert r.status_code == 409
        assert c.get(base).json()["step"] == "committed"
        r = c.post(base + "/commit", json={"source": "lottery", "lottery_name": "双色球",
                                           "lottery_date": "2020-01-01", "reason": "改用彩票"})
        assert r.status_code == 422 and "不在承诺日" in r.json()["message"]


def test_a_careless_commit_is_refused_in_chinese(tmp_path):
    """Found on a running service: a lottery commitment without its date was a 500
    (ValueError parsing 'None'); a seed source not known said "'drand' or 'lottery'"; a
    lottery's name with a direction mark was taken. Each is a located refusal in
    Chinese, nothing committed."""
    from api_support import client
    from draw_support import tiny_dataset

    folder = tiny_dataset(tmp_path / "d")
    with client(tmp_path, data=folder) as c:
        (mine,) = [d["id"] for d in c.get("/api/v1/datasets").json() if d["default"]]
        base = f"/api/v1/datasets/{mine}/rosters/2027-06/commit"
        r = c.post(base, json={"source": "lottery", "lottery_name": "双色球"})
        assert r.status_code == 422 and "彩票开奖日期缺失" in r.json()["message"], r.text
        r = c.post(base, json={"source": "lottery", "lottery_name": "双色球\u202e",
                               "lottery_date": "2099-01-01"})
        assert r.status_code == 422 and "彩票开奖的名称" in r.json()["message"], r.text
        r = c.post(base, json={"source": "evil"})
        assert r.status_code == 422, r.text
        assert "随机数来源（source）：应为以下之一：drand、lottery" in r.json()["message"]
        assert c.get(f"/api/v1/datasets/{mine}/rosters/2027-06").json()["commitments"] == []
