"""``tuoyu scorecard`` end to end on the bundled data, the way the README runs it: the
store in its default place (no TUOYU_DATABASE_URL), a month's roster made, published and
its outcomes recorded, the siting plan made; then the scorecard of 2027 — each figure
checked against the files and the tables, computed here; the calendar, never made, said
to be unknown (not 0). The same store is what ``tuoyu serve`` reads: the roster made on
the command line is the month's roster on the service, and the siting plan made there
is the one its scorecard (the page /plan) reads."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook
from typer.testing import CliRunner

from tuoyu.api import store
from tuoyu.api.cli import app
from tuoyu.data import BUNDLED

runner = CliRunner()


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("scorecard")
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(root)
        mp.delenv("TUOYU_DATABASE_URL", raising=False)
        mp.delenv("TUOYU_HOME", raising=False)
        mp.setenv("TUOYU_TODAY", "2027-12-31")
        out = root / "out"
        made = runner.invoke(app, ["roster", "--month", "2027-03", "--out", str(out / "roster")])
        assert made.exit_code == 0, made.output
        published = runner.invoke(app, ["roster", "publish", "--month", "2027-03",
                                        "--out", str(out / "roster")])
        assert published.exit_code == 0, published.output
        visits = rows(out / "roster" / "roster.csv")
        outcomes = root / "outcomes.csv"
        with outcomes.open("w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["institution_id", "date", "outcome", "inspector_ids"])
            for k, v in enumerate(visits[:20]):
                w.writerow([v["institution_id"], v["date"], "rectify" if k == 0 else "pass",
                            v["inspector_ids"]])
        recorded = runner.invoke(app, ["inspections", "record", str(outcomes)])
        assert recorded.exit_code == 0, recorded.output
        sited = runner.invoke(app, ["siting", "--years", "2027-2029", "--out",
                                    str(out / "siting"), "--no-network"])
        assert sited.exit_code == 0, sited.output
        card = runner.invoke(app, ["scorecard", "--year", "2027", "--plans", str(out),
                                   "--out", str(out / "scorecard")])
        assert card.exit_code == 0, card.output
        from tuoyu.api.service.app import create_app
        from tuoyu.api.service.settings import Settings

        with TestClient(create_app(Settings(bundled_data=BUNDLED)),
                        base_url="http://localhost") as c:
            served = c.get("/api/v1/datasets/baoshan/rosters/2027-03").json()
            on_service = c.get("/api/v1/datasets/baoshan/scorecard?year=2027").json()
        # what the command computed and printed, as data (the same gathering, same plans)
        from tuoyu.api.exports.scorecard import rendered
        from tuoyu.api.scorecard import gather
        from tuoyu.planning.dataset import Dataset
        from tuoyu.planning.scorecard import scorecard

        inputs, sources = gather(Dataset.bundled(), 2027, plans=out)
        doc = rendered(scorecard(inputs), "宝山区", sources)
        yield {"root": root, "out": out, "visits": visits[:20], "card": card.output,
               "served": served, "doc": doc, "on_service": on_service,
               "url": store.database_url()}


def test_the_command_line_and_the_service_share_one_store_by_default(run) -> None:
    assert run["url"] == f"sqlite:///{run['root'] / 'tuoyu_home' / 'tuoyu.sqlite'}"
    assert not (run["root"] / "tuoyu.sqlite").exists()  # no second database beside it
    assert run["served"]["published"] is True and run["served"]["in_force"] is not None
    record = json.loads((run["out"] / "roster" / "draw.json").read_text(encoding="utf-8"))
    assert run["served"]["in_force"]["seed"] == record["seed"]


def test_the_service_s_scorecard_reads_the_same_store(run) -> None:
    mine, theirs = run["doc"], run["on_service"]
    assert theirs["title"] == mine["title"]
    # the siting plan made on the command line (its out folder noted in the store) is
    # the service's too, without being told where: the page /plan shows its figures
    for code in ("on_site", "follow_up", "integrated", "new_classes", "within_15_min"):
        assert _figure(theirs, code)["lines"] == _figure(mine, code)["lines"], code
    assert _figure(theirs, "new_classes")["lines"][0]["known"] is True
    # the command line names its folder; the service, whose viewers need not know the
    # server's folders, says a plan the command line wrote, and when
    assert str(run["out"] / "siting") in mine["plans"]["siting"]
    assert str(run["out"]) not in theirs["plans"]["siting"]
    assert theirs["plans"]["siting"].startswith("命令行生成的方案（")


def test_a_published_roster_s_workbook_says_so(run) -> None:
    wb = load_workbook(run["out"] / "roster" / "roster.xlsx")
    assert all("（已发布）" in str(ws["A1"].value) for ws in wb.worksheets)


def _figure(doc: dict, code: str) -> dict:
    return next(f for f in doc["figures"] if f["code"] == f"scorecard.{code}")


def test_each_figure_as_counted_from_the_files(run) -> None:
    doc = run["doc"]
    active = {r["institution_id"] for r in rows(BUNDLED / "institutions.csv")
              if r["active"].strip().lower() in ("true", "1", "")}
    seen = {v["institution_id"] for v in run["visits"]} & active
    on_site = _figure(doc, "on_site")["lines"][0]
    assert (on_site["value"], on_site["total"], on_site["met"]) == (len(seen), len(active), False)
    features = json.loads((run["out"] / "siting" / "siting.geojson").read_text(encoding="utf-8"))
    classes = sum(f["properties"]["classes"] for f in features["features"]
                  if f["properties"]["year"] == 2027)
    assert _figure(doc, "new_classes")["lines"][0]["value"] == classes
    kids = {r["community_id"]: float(r["pop_0_3"]) for r in rows(BUNDLED / "communities.csv")}
    cov = [r for r in rows(run["out"] / "siting" / "coverage.csv") if r["year"] == "2027"]
    within = sum(kids[r["community_id"]] for r in cov if r["within_15_min"] == "true")
    reach = _figure(doc, "within_15_min")["lines"][0]
    assert abs(reach["value"] - within) <= len(kids) and reach["total"] > reach["value"]
    follow = _figure(doc, "follow_up")["lines"][0]
    assert follow["total"] >= 1  # the rectify outcome recorded in March is due by April


def test_what_nothing_stored_can_tell_is_said_so(run) -> None:
    for code in ("sessions", "events"):
        whole = _figure(run["doc"], code)["lines"][0]
        assert whole["known"] is False and whole["value"] is None
        assert whole["figure"] == "尚无法得知" and "活动日历" in whole["state"]
    assert "亲子宝宝苑年度指导活动达标率（每苑至少 6 场）：尚无法得知" in run["card"]


def test_the_command_prints_and_writes_the_same_figures(run) -> None:
    doc = run["doc"]
    for f in doc["figures"]:
        assert f"{f['label']}：{f['lines'][0]['figure']}" in run["card"], f["code"]
    wb = load_workbook(run["out"] / "scorecard" / "scorecard.xlsx")
    whole = {r[0]: r[1] for r in wb["全区"].iter_rows(min_row=3, values_only=True)}
    # the same figure: as printed, or (a count alone) as the number Excel adds up
    from tuoyu.api.text import number

    assert {k: v if isinstance(v, str) else number(v) for k, v in whole.items()} == {
        f["label"]: f["lines"][0]["figure"] for f in doc["figures"]}
    assert "来源" in wb.sheetnames and "宝山区" in str(wb["全区"]["A1"].value)


def test_a_plans_folder_that_is_not_one_is_refused_with_its_name(tmp_path: Path) -> None:
    bad = tmp_path / "plans" / "siting"
    bad.mkdir(parents=True)
    (bad / "coverage.csv").write_text("community_id,year\nC1,二〇二七\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_HOME", str(tmp_path / "home"))
        mp.delenv("TUOYU_DATABASE_URL", raising=False)
        res = runner.invoke(app, ["scorecard", "--year", "2027", "--plans",
                                  str(tmp_path / "plans"), "--out", str(tmp_path / "card")])
    assert res.exit_code == 2 and str(bad) in res.output and "什么也没有写入" in res.output
    assert not (tmp_path / "card").exists()
