"""An official draw (双随机、一公开) through the command line, on a small district
(``draw_support``; the bundled month is drawn and verified in test_roster.py): a
month's roster is a draft until published; only published rosters feed later months'
history; a redraw of a published month needs a reason and lists the earlier draws;
``roster verify`` recomputes the whole record; the public notice; re-planning a month
from a date; and two savers of the same month at once."""

from __future__ import annotations

import csv
import datetime as dt
import html
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from draw_support import tiny_dataset
from sqlalchemy import create_engine, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tuoyu.api import runner as api_runner
from tuoyu.api import store
from tuoyu.api.cli import app
from tuoyu.api.exports import output
from tuoyu.data import BUNDLED
from tuoyu.models.inspection import load_inspection_data
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.roster import fingerprint

runner = CliRunner()
DATASET = Dataset.bundled()
FAST = ["--time-limit", "30", "--workers", "2"]


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def cli(*args: str):
    return runner.invoke(app, list(args))


def on(ds: Dataset) -> tuple[str, str]:
    """The command line's option naming the dataset's folder."""
    return ("--data", str(ds.folder))


def history(url: str, before: dt.date, key: str) -> list:
    with Session(store.engine(url)) as session:
        return store.stored_history(session, key, before)


@pytest.fixture(scope="module")
def month(tmp_path_factory):
    """March 2027 of a small district (40 institutions, 10 inspectors; the cycle's rules
    need no scale, the bundled month is drawn and verified in test_roster.py) drawn (a
    draft), published, refused a redraw without a reason, then redrawn with one (another
    seed); every step's output kept. Returns (root, store URL, steps, dataset)."""
    root = tmp_path_factory.mktemp("publish")
    url = f"sqlite:///{root / 'tuoyu.sqlite'}"
    ds = Dataset.at(tiny_dataset(root / "data", institutions=40, inspectors=10))
    data = on(ds)
    steps = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", url)
        steps["draft"] = cli("roster", *data, "--month", "2027-03", "--out", str(root / "first"),
                             *FAST)
        steps["april_of_draft"] = history(url, dt.date(2027, 4, 1), ds.key)
        steps["publish"] = cli("roster", "publish", *data, "--month", "2027-03")
        steps["april_of_published"] = history(url, dt.date(2027, 4, 1), ds.key)
        steps["refused"] = cli("roster", *data, "--month", "2027-03", "--seed", "7", "--out",
                               str(root / "refused"), *FAST)
        steps["refused_en"] = cli("roster", *data, "--month", "2027-03", "--seed", "7", "--out",
                                  str(root / "refused"), "--lang", "en", *FAST)
        steps["redraw"] = cli("roster", *data, "--month", "2027-03", "--seed", "7", "--out",
                              str(root / "second"), "--redraw-reason", "检查组成员调岗 <b>",
                              *FAST)
    return root, url, steps, ds


def test_a_draft_feeds_no_history_until_published(month):
    root, url, steps, ds = month
    assert steps["draft"].exit_code == 0, steps["draft"].output
    assert "草稿" in steps["draft"].output
    assert [h for h in steps["april_of_draft"] if h.outcome == "planned"] == []
    assert steps["publish"].exit_code == 0, steps["publish"].output
    assert "已发布 2027-03" in steps["publish"].output
    planned = [h for h in steps["april_of_published"] if h.outcome == "planned"]
    assert len(planned) == len(read_rows(root / "first" / "roster.csv"))


def test_a_published_month_refuses_a_redraw_without_a_reason(month):
    root, _url, steps, ds = month
    zh, en = steps["refused"], steps["refused_en"]
    assert zh.exit_code == 2 and en.exit_code == 2
    assert "已经发布" in zh.output and "--redraw-reason" in zh.output
    assert "published" in en.output and "--redraw-reason" in en.output
    assert "Traceback" not in zh.output and not (root / "refused").exists()


def test_a_redraw_lists_the_earlier_draw_and_carries_its_reason(month):
    root, url, steps, ds = month
    assert steps["redraw"].exit_code == 0, steps["redraw"].output
    first = json.loads((root / "first" / "draw.json").read_text(encoding="utf-8"))
    second = json.loads((root / "second" / "draw.json").read_text(encoding="utf-8"))
    assert first["earlier_draws"] == [] and first["redraw_reason"] is None
    assert second["redraw_reason"] == "检查组成员调岗 <b>"
    [earlier] = second["earlier_draws"]
    assert earlier["seed"] == 20270301 and earlier["status"] == "published"
    assert earlier["fingerprint"] == fingerprint(first) and earlier["time"]
    # the published roster stays in force (and in history) until the redraw is published
    with Session(store.engine(url)) as session:
        draws = store.month_draws(session, ds.key, "2027-03")
        assert [(d.seq, d.status) for d in draws] == [(1, "published"), (2, "draft")]
        assert draws[1].redraw_reason == "检查组成员调岗 <b>"
        assert json.loads(draws[1].draw_json) == second


def test_verify_recomputes_the_whole_record(month, monkeypatch):
    """The redraw's record (earlier draws, reason) verifies against the store holding it;
    a record changed after the draw is named field by field in test_roster_verify_cli
    (on a tiny district: each verify recomputes the draw)."""
    root, url, _steps, ds = month
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    ok = cli("roster", "verify", str(root / "second"), *FAST)
    assert ok.exit_code == 0, ok.output


def test_publishing_the_redraw_withdraws_the_first(month, monkeypatch):
    _root, url, _steps, ds = month
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    result = cli("roster", "publish", *on(ds), "--month", "2027-03", "--lang", "en")
    assert result.exit_code == 0, result.output
    again = cli("roster", "publish", *on(ds), "--month", "2027-03", "--lang", "en")
    assert again.exit_code == 2 and "no draft to publish" in again.output
    with Session(store.engine(url)) as session:
        draws = store.month_draws(session, ds.key, "2027-03")
        assert [d.status for d in draws] == ["withdrawn", "published"]


def test_what_the_service_calls(month):
    root, url, _steps, ds = month
    eng = store.engine(url)
    first = json.loads((root / "first" / "draw.json").read_text(encoding="utf-8"))
    second = json.loads((root / "second" / "draw.json").read_text(encoding="utf-8"))
    assert api_runner.publish_draw(ds, second, eng)["status"] == "published"  # again
    with pytest.raises(store.NothingToPublish) as err:
        api_runner.publish_draw(ds, first, eng)
    assert "已撤回" in api_runner.state_error_text(err.value, "zh")
    with pytest.raises(store.RedrawRefused):
        api_runner.check_roster(ds, RosterParams(month="2027-03"), eng)
    api_runner.check_roster(ds, RosterParams(month="2027-03", redraw_reason="数据更正"), eng)
    with pytest.raises(store.NothingToReplan):
        api_runner.check_roster(ds, RosterParams(month="2027-05", from_date="2027-05-10"),
                                eng)
    state = api_runner.month_state(ds, "2027-03", eng)
    assert state["published"] and [d["seed"] for d in state["draws"]] == [20270301, 7]
    assert state["in_force"]["fingerprint"] == fingerprint(second)


def test_the_notices_keep_the_month_sealed_until_it_is_revealed(month, monkeypatch, tmp_path):
    """Before the month is over the notice names no inspection's date or team (the
    announcement; the results notice lists only an inspection whose outcome is
    recorded); once revealed, every institution, the outcome, the earlier draw and the
    reason (escaped)."""
    root, url, _steps, ds = month
    monkeypatch.setenv("TUOYU_DATABASE_URL", url)
    rows = read_rows(root / "second" / "roster.csv")
    picked = rows[0]
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("institution_id,date,outcome,inspector_ids\n"
                        f"{picked['institution_id']},{picked['date']},rectify,"
                        f"{picked['inspector_ids']}\n", encoding="utf-8")
    assert api_runner.record_outcomes(outcomes, ds, store.engine(url)) == 1
    monkeypatch.setenv("TUOYU_TODAY", "2027-03-20")
    out = tmp_path / "notice"
    result = cli("roster", "notice", *on(ds), "--month", "2027-03", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = (out / "notice.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "tuoyu roster" not in page
    assert not [r for r in rows if r["date"] in page]
    results = cli("roster", "notice", *on(ds), "--month", "2027-03", "--kind", "results", "--out",
                  str(tmp_path / "results"))
    assert results.exit_code == 0, results.output
    page = (tmp_path / "results" / "notice.html").read_text(encoding="utf-8")
    assert picked["date"] in page and "责令整改" in page
    names = {i.institution_id: i.name for i in load_inspection_data(ds.folder).institutions}
    assert not [r for r in rows if r["institution_id"] != picked["institution_id"]
                and html.escape(names[r["institution_id"]]) in page]  # only the one done
    early = cli("roster", "reveal", *on(ds), "--month", "2027-03")
    assert early.exit_code == 2 and "尚未结束" in early.output
    monkeypatch.setenv("TUOYU_TODAY", "2027-04-02")
    assert cli("roster", "reveal", *on(ds), "--month", "2027-03").exit_code == 0
    result = cli("roster", "notice", *on(ds), "--month", "2027-03", "--out",
                 str(tmp_path / "shown"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "shown" / "notice.html").read_text(encoding="utf-8")
    second = json.loads((root / "second" / "draw.json").read_text(encoding="utf-8"))
    for r in rows:
        assert r["date"] in page and html.escape(names[r["institution_id"]]) in page
    assert str(second["seed"]) in page and "20270301" in page  # the earlier draw
    assert "责令整改" in page and "已发布" in page
    assert "检查组成员调岗 &lt;b&gt;" in page  # the reason, escaped
    wb = openpyxl.load_workbook(tmp_path / "shown" / "notice.xlsx")
    first = wb.worksheets[0]
    dates = {first.cell(r, 1).value for r in range(3, first.max_row + 1)}  # title, header
    assert dates == {r["date"] for r in rows}
    assert all(isinstance(c.value, str) for row in first.iter_rows() for c in row if c.value)


def test_names_in_the_notice_stay_text(tmp_path, monkeypatch):
    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    copy = tmp_path / "data"
    shutil.copytree(BUNDLED, copy)
    path = copy / "institutions.csv"
    with open(path, encoding="utf-8-sig", newline="") as f:
        table = list(csv.DictReader(f))
    odd = {"name": '<img src=x onerror=alert(1)>&"托育"', "formula": '=HYPERLINK("http://x")'}
    for r in table:
        r["name"] = odd["name"] if r["risk"] == "high" else odd["formula"]
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(table[0]))
        w.writeheader()
        w.writerows(table)
    result = cli("roster", "notice", "--data", str(copy), "--month", "2027-03", "--out",
                 str(tmp_path / "n"))  # the announcement: the directory of institutions
    assert result.exit_code == 0, result.output
    page = (tmp_path / "n" / "notice.html").read_text(encoding="utf-8")
    assert "<img" not in page and "&lt;img src=x onerror=alert(1)&gt;&amp;&quot;托育&quot;" in page
    wb = openpyxl.load_workbook(tmp_path / "n" / "notice.xlsx")
    ws = wb["检查对象名录库（在营托育机构）"[:28]]
    names = [c.value for c in ws["A"][1:]]
    assert odd["formula"] in names and odd["name"] in names
    assert all(c.data_type == "s" for c in ws["A"][1:])


# --- two processes saving the same month at once ---------------------------------------


def _save(session: Session, seed: int, seen: int) -> tuple[int, bool]:
    day = dt.date(2027, 3, 1)
    return store.save_roster(session, DATASET.key, "2027-03", seed, "sha256:t", "{}",
                             [(day, "JG0001", "S1", "JC001;JC002", "drawn")], seen=seen)


def test_a_second_saver_of_the_month_is_refused_not_lost(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    eng = store.engine(url)
    with Session(eng) as s:  # both planned the month when it had no draw
        seen = len(store.earlier_draws(s, DATASET.key, "2027-03"))
    with Session(eng) as b, b.begin():
        _save(b, 2, seen)
    with pytest.raises(store.DrawConflict) as err, Session(eng) as a, a.begin():
        _save(a, 1, seen)
    assert err.value.code == "roster.draw_conflict"
    with Session(eng) as s:
        assert [(d.seed, d.status) for d in store.month_draws(s, DATASET.key, "2027-03")] == [
            (2, "draft")]
        # and the month's draw numbers are unique in the database itself
        s.add(store.Roster(dataset=DATASET.key, month="2027-03", seed=3, fingerprint="x",
                           created_at=store.now(), draw_json="{}", seq=1))
        with pytest.raises(IntegrityError):
            s.flush()


def _race(url: str) -> list[str]:
    """Two threads plan the same month (both see no draw), then save at once."""
    import threading

    from sqlalchemy.exc import OperationalError

    eng = store.make_engine(url)
    gate = threading.Barrier(2)
    results: list[str] = []

    def saver(seed: int) -> None:
        try:
            with Session(eng) as s, s.begin():
                seen = len(store.earlier_draws(s, DATASET.key, "2027-03"))
                gate.wait()
                _save(s, seed, seen)
            results.append("saved")
        except (store.DrawConflict, IntegrityError, OperationalError) as exc:
            results.append(type(exc).__name__)

    threads = [threading.Thread(target=saver, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    with Session(eng) as s:
        assert len(store.month_draws(s, DATASET.key, "2027-03")) == 1
    return sorted(results)


def test_two_savers_at_once_one_wins_one_is_refused_sqlite(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    store.migrate(url)
    results = _race(url)
    assert results[1] == "saved" and results[0] != "saved", results


def test_two_savers_at_once_one_wins_one_is_refused_postgres():
    from api_support import postgres_url

    url = postgres_url()
    store.migrate(url)
    results = _race(url)
    assert results[1] == "saved" and results[0] != "saved", results


def test_a_new_draft_supersedes_the_old_one_and_keeps_it(tmp_path):
    eng = store.engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    with Session(eng) as s, s.begin():
        assert _save(s, 1, 0)[1] is False
        assert _save(s, 2, 1)[1] is True
        assert [(e["seed"], e["status"]) for e in store.earlier_draws(s, DATASET.key, "2027-03")
                ] == [(1, "superseded"), (2, "draft")]
        assert store.month_roster(s, DATASET.key, "2027-03").seed == 2
        store.publish_roster(s, DATASET.key, "2027-03")
        with pytest.raises(store.RedrawRefused):
            _save(s, 3, 2)


def test_migration_0003_upgrades_a_0002_store(tmp_path):
    from alembic import command

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    command.upgrade(store.alembic_config(url), "0002")
    old = create_engine(url)
    with old.begin() as c:
        for month in ("2027-01", "2027-02"):
            c.execute(text("INSERT INTO rosters (dataset, month, seed, fingerprint, created_at, "
                           "draw_json) VALUES ('baoshan', :m, 1, 'f', '2027-01-01 00:00:00', "
                           "'{}')"), {"m": month})
    store.migrate(url)
    with Session(store.make_engine(url)) as s:
        rows = s.scalars(select(store.Roster).order_by(store.Roster.id)).all()
        assert [(r.month, r.seq, r.status, r.published_at) for r in rows] == [
            ("2027-01", 1, "draft", None), ("2027-02", 1, "draft", None)]
        assert store.stored_history(s, "baoshan", dt.date(2028, 1, 1)) == []


def test_a_roster_refused_by_the_store_publishes_no_files(tmp_path, monkeypatch):
    """Files are staged, the draft stored, then the files published: when another roster
    of the month was stored meanwhile, the out folder keeps what it held (the command
    line then says that nothing was written, and that is true)."""
    eng = store.engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    tiny = Dataset.at(tiny_dataset(tmp_path / "data"))  # the rule needs no scale
    plan = api_runner.make_plan(
        tiny, RosterParams(month="2027-03", time_limit=30, workers=2), engine=eng
    )
    out = tmp_path / "out"
    out.mkdir()
    output.mark(out)  # an earlier plan's folder
    (out / "roster.csv").write_text("the earlier roster\n", encoding="utf-8")

    def refused(*_args, **_kwargs):
        raise store.DrawConflict(month="2027-03", seen=0, stored=1)

    monkeypatch.setattr(api_runner, "save_roster", refused)
    with pytest.raises(store.DrawConflict):
        api_runner.deliver(plan, out, dataset=tiny, engine=eng)
    assert sorted(p.name for p in out.iterdir()) == [output.MARK, "roster.csv"]
    assert (out / "roster.csv").read_text(encoding="utf-8") == "the earlier roster\n"
    assert not list(tmp_path.glob(".out.new.*"))  # no staging folder left behind


def test_the_notice_says_whose_it_is(tmp_path, monkeypatch):
    """The public notice of a district that is not Baoshan names that district (from its
    district.geojson) in its heading, and never 宝山."""
    monkeypatch.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 'db.sqlite'}")
    data = tiny_dataset(tmp_path / "data", institutions=6)
    (data / "district.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"name": "东滩区"}, "geometry": None}]},
        ensure_ascii=False), encoding="utf-8")
    result = cli("roster", "notice", "--data", str(data), "--month", "2027-03", "--out",
                 str(tmp_path / "n"))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "n" / "notice.html").read_text(encoding="utf-8")
    assert "<h1>东滩区 2027-03 托育机构“双随机、一公开”抽查公告</h1>" in page
    assert "宝山" not in page
    wb = openpyxl.load_workbook(tmp_path / "n" / "notice.xlsx")
    assert all(str(ws["A1"].value).startswith("东滩区 ") for ws in wb.worksheets)
