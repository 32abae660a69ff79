"""The official draw's cycle on a tiny dataset (issue 19): commit -> seed from a public
source -> draw -> publish to the inspectors (sealed, chained) -> reveal, and
``tuoyu roster verify`` exiting non-zero, naming what broke, for each tamper: a changed
randomness, a round from before the commitment, a changed candidate, a changed earlier
month."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from pathlib import Path
from types import SimpleNamespace

import pytest
from drand_rounds import COMMIT_BEFORE_3311596, ROUND_3311596
from draw_support import tiny_dataset
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from tuoyu.api import runner as api_runner
from tuoyu.api import store
from tuoyu.api.cli import app
from tuoyu.api.store.draws import (
    AlreadySeeded,
    CommitNeedsReason,
    MonthNotDone,
    NotSeeded,
)
from tuoyu.models.errors import DataError
from tuoyu.planning import beacon
from tuoyu.planning.audit import draw_record_of, verify_draw
from tuoyu.planning.commitment import official_block
from tuoyu.planning.dataset import Dataset
from tuoyu.planning.params import RosterParams
from tuoyu.planning.roster import fingerprint, run

cli_runner = CliRunner()
FAST = ["--time-limit", "20", "--workers", "2"]


def cli(*args: str):
    return cli_runner.invoke(app, list(args))


def params(month: str) -> RosterParams:
    return RosterParams(month=month, time_limit=20, workers=2)


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    """March: committed to drand round 3311596, seeded, drawn, published (sealed). April:
    committed to a lottery draw, seeded, drawn, published (sealed, chained to March)."""
    root = tmp_path_factory.mktemp("cycle")
    data = tiny_dataset(root / "data")
    ds = Dataset.at(data)
    url = f"sqlite:///{root / 'store.sqlite'}"
    eng = store.engine(url)
    steps: dict[str, object] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", url)
        # the commitments' secret nonces fixed, so that the months' draws are the same in
        # every run (a test passing only for some draws is a defect); the office's nonce
        # stays random (tuoyu.planning.commitment)
        mp.setattr("tuoyu.planning.commitment.secrets",
                   SimpleNamespace(token_hex=lambda n: "7a" * n))
        steps["commit"] = api_runner.commit(ds, params("2027-03"), {"kind": "drand"}, eng,
                                            now=COMMIT_BEFORE_3311596)
        with pytest.raises(CommitNeedsReason):
            api_runner.commit(ds, params("2027-03"), {"kind": "drand"}, eng,
                              now=COMMIT_BEFORE_3311596)
        with pytest.raises(NotSeeded):  # committed: no official draw before the seed
            api_runner.make_plan(ds, params("2027-03"), engine=eng)
        steps["seed"] = api_runner.seed(ds, "2027-03", ROUND_3311596, eng)
        with pytest.raises(AlreadySeeded):
            api_runner.seed(ds, "2027-03", ROUND_3311596, eng)
        steps["draw"] = cli("roster", "--data", str(data), "--month", "2027-03",
                            "--out", str(root / "march"), "--lang", "en", *FAST)
        steps["publish"] = cli("roster", "publish", "--data", str(data), "--month", "2027-03",
                               "--lang", "en")
        lottery_day = dt.date.today() + dt.timedelta(days=3)
        api_runner.commit(ds, params("2027-04"), {"kind": "lottery", "name": "中国福利彩票双色球",
                                                  "date": lottery_day.isoformat()}, eng)
        api_runner.seed(ds, "2027-04", {"numbers": "02 11 17 20 28 30 05"}, eng,
                        today=lottery_day)
        april = api_runner.make_plan(ds, params("2027-04"), engine=eng)
        api_runner.deliver(april, root / "april", dataset=ds, engine=eng)
        api_runner.publish(ds, "2027-04", eng)
    return root, data, ds, url, eng, steps


def verify(root: Path, url: str, *paths: Path):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", url)
        return cli("roster", "verify", *map(str, paths), "--lang", "en", *FAST)


def test_the_official_draw_takes_its_seed_from_the_round_and_is_sealed(cycle):
    root, data, ds, url, eng, steps = cycle
    assert steps["draw"].exit_code == 0, steps["draw"].output
    record = json.loads((root / "march" / "draw.json").read_text(encoding="utf-8"))
    block = record["official"]
    assert block["commitment"] == steps["commit"]["commitment"]
    assert record["seed"] == beacon.derive_seed(block["commitment"], ROUND_3311596["randomness"])
    assert block["inputs"]["seed_source"]["round"] == 3311596
    assert steps["publish"].exit_code == 0 and "Sealed" in steps["publish"].output
    state = api_runner.month_state(ds, "2027-03", eng)
    assert state["step"] == "sealed" and state["official"] and state["sealed_hash"]
    out = verify(root, url, root / "march")
    assert out.exit_code == 0, out.output
    assert "Official draw" in out.output and "chain" in out.output


def test_a_draw_with_a_hand_given_seed_is_never_official(cycle, tmp_path):
    _root, data, _ds, _url, _eng, _steps = cycle
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", f"sqlite:///{tmp_path / 's.sqlite'}")
        assert cli("roster", "--data", str(data), "--month", "2027-05", "--seed", "5",
                   "--out", str(tmp_path / "m"), *FAST).exit_code == 0
        out = cli("roster", "publish", "--data", str(data), "--month", "2027-05", "--lang", "en")
        assert out.exit_code == 0 and "Not an official draw" in out.output
        assert "Sealed" not in out.output


def test_the_chain_links_april_to_march(cycle):
    _root, _data, ds, _url, eng, _steps = cycle
    chain = api_runner.store_chain(ds, eng)
    assert [c["month"] for c in chain] == ["2027-03", "2027-04"]
    april = json.loads(chain[1]["text"])
    assert april["previous_sealed"] == chain[0]["hash"]
    assert fingerprint(april) == chain[1]["hash"]


def test_a_tampered_randomness_fails_verify(cycle, tmp_path):
    root, *_rest = cycle
    url = cycle[3]
    shutil.copytree(root / "march", tmp_path / "m")
    record = json.loads((tmp_path / "m" / "draw.json").read_text(encoding="utf-8"))
    value = record["official"]["source_value"]
    value["randomness"] = value["randomness"][:-1] + ("0" if value["randomness"][-1] != "0"
                                                       else "1")
    (tmp_path / "m" / "draw.json").write_text(json.dumps(record), encoding="utf-8")
    out = verify(root, url, tmp_path / "m" / "draw.json")
    assert out.exit_code == 1
    assert "randomness of drand round 3311596 is not the hash of its signature" in out.output


def test_a_round_from_before_the_commitment_fails_verify(cycle):
    """A record made entirely consistent (hashes, seed, roster recomputed) but whose
    commitment is dated after the round: the randomness was known when it was made."""
    _root, _data, ds, _url, _eng, _steps = cycle
    record = json.loads((cycle[0] / "march" / "draw.json").read_text(encoding="utf-8"))
    inputs = dict(record["official"]["inputs"])
    inputs["created_at"] = "2023-09-15T12:00:00+00:00"  # the round came at 11:55
    block = official_block(inputs, ROUND_3311596, ROUND_3311596["randomness"])
    plan = run(ds, params("2027-03"), history=[], official=block)
    forged = draw_record_of(plan)
    verdict = verify_draw(forged, ds, draws=None, workers=2, time_limit=20)
    assert not verdict.matches
    assert [f.code for f in verdict.findings] == ["draw.drand_before_commitment"]


def test_a_changed_candidate_fails_verify(cycle, tmp_path):
    root, *_rest = cycle
    url = cycle[3]
    shutil.copytree(root / "march", tmp_path / "m")
    record = json.loads((tmp_path / "m" / "draw.json").read_text(encoding="utf-8"))
    record["draw"]["candidates"][0]["weight"] += 1
    (tmp_path / "m" / "draw.json").write_text(json.dumps(record), encoding="utf-8")
    out = verify(root, url, tmp_path / "m" / "draw.json")
    assert out.exit_code == 1
    assert "The record's candidates is not the committed candidates" in out.output
    assert "Field draw.candidates[0].weight" in out.output


def _copy_store(src: Path, dst: Path) -> str:
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    with b:
        a.backup(b)
    a.close()
    b.close()
    return f"sqlite:///{dst}"


def test_a_changed_earlier_month_fails_verify_of_the_later_one(cycle, tmp_path):
    root, *_rest = cycle
    url = _copy_store(root / "store.sqlite", tmp_path / "edited.sqlite")
    eng = create_engine(url)
    with eng.begin() as conn:
        sealed = conn.execute(text("SELECT id, sealed_json FROM rosters WHERE month='2027-03' "
                                   "AND sealed_hash IS NOT NULL")).one()
        envelope = json.loads(sealed[1])
        envelope["record"]["result"][0]["inspector_ids"] = ["P1", "P3"]
        conn.execute(text("UPDATE rosters SET sealed_json=:t WHERE id=:i"),
                     {"t": json.dumps(envelope, ensure_ascii=False, sort_keys=True,
                                      separators=(",", ":")), "i": sealed[0]})
    out = verify(root, url, root / "april")
    assert out.exit_code == 1
    assert "The sealed record of 2027-03 draw 1 was changed after it was sealed" in out.output
    with eng.begin() as conn:  # the forger fixes the stored hash too: the chain breaks
        conn.execute(text("UPDATE rosters SET sealed_hash=:h WHERE id=:i"),
                     {"h": fingerprint(envelope), "i": sealed[0]})
    eng.dispose()
    out = verify(root, url, root / "april")
    assert out.exit_code == 1
    assert ("the sealed record of 2027-04 draw 1 does not name the record of 2027-03"
            in out.output)


def test_seed_and_reveal_keep_the_order(cycle):
    _root, _data, ds, _url, eng, _steps = cycle
    with pytest.raises(DataError) as err:  # a lottery on the day of the commitment
        api_runner.commit(ds, params("2027-06"), {"kind": "lottery", "name": "双色球",
                                                  "date": dt.date.today().isoformat()}, eng)
    assert err.value.problems[0].code == "draw.lottery_too_early"
    with pytest.raises(MonthNotDone):
        api_runner.reveal(ds, "2027-03", eng, today=dt.date(2027, 3, 31))
    done = api_runner.reveal(ds, "2027-03", eng, today=dt.date(2027, 4, 1))
    assert done["revealed_at"] and api_runner.month_state(ds, "2027-03", eng)["step"] == "revealed"


def _visit_dates(record: dict) -> set[str]:
    out = set()
    for v in record["result"]:
        d = dt.date.fromisoformat(v["date"])
        out |= {v["date"], f"{d.month}月{d.day}日", f"{d.month:02d}-{d.day:02d}"}
    return out


def _notice(data: Path, url: str, month: str, kind: str, out: Path, today: str):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_DATABASE_URL", url)
        mp.setenv("TUOYU_TODAY", today)
        return cli("roster", "notice", "--data", str(data), "--month", month, "--kind", kind,
                   "--out", str(out))


def test_no_public_notice_before_the_month_is_done_names_who_is_inspected_when(cycle,
                                                                               tmp_path):
    """Every notice a citizen can get before April is over: no date of an April
    inspection, no team; the revealed one is refused. An outcome recorded puts that one
    inspection (done) in the results notice, and no other."""
    root, data, ds, url, eng, _steps = cycle
    record = json.loads((root / "april" / "draw.json").read_text(encoding="utf-8"))
    dates = _visit_dates(record)
    for kind in ("announcement", "results"):
        made = _notice(data, url, "2027-04", kind, tmp_path / kind, "2027-04-20")
        assert made.exit_code == 0, made.output
        page = (tmp_path / kind / "notice.html").read_text(encoding="utf-8")
        assert not {d for d in dates if d in page}, kind
        assert "tuoyu roster" not in page and "<script" not in page
        assert "sha256:" in page or kind == "results"
    page = (tmp_path / "announcement" / "notice.html").read_text(encoding="utf-8")
    assert "抽查事项清单" in page and "执法检查人员名录库" in page and "检查对象名录库" in page
    sealed = api_runner.month_state(ds, "2027-04", eng)["sealed_hash"]
    assert sealed in page and record["official"]["commitment"] in page
    refused = _notice(data, url, "2027-04", "revealed", tmp_path / "rev", "2027-04-20")
    assert refused.exit_code == 2 and "尚未公开" in refused.output
    # one inspection done and recorded: it, and only it, is in the results notice. The
    # day it is recorded is the 20th, or its own day when later: a draw whose
    # inspections all fell after the 20th could not record one "done" by then
    first = sorted(record["result"], key=lambda v: v["date"])[0]
    today = max("2027-04-20", first["date"])
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TUOYU_TODAY", today)
        outcomes = tmp_path / "outcomes.csv"
        outcomes.write_text("institution_id,date,outcome,inspector_ids\n"
                            f"{first['institution_id']},{first['date']},rectify,"
                            f"{';'.join(first['inspector_ids'])}\n", encoding="utf-8")
        assert api_runner.record_outcomes(outcomes, ds, eng) == 1
    made = _notice(data, url, "2027-04", "results", tmp_path / "res2", today)
    page = (tmp_path / "res2" / "notice.html").read_text(encoding="utf-8")
    assert first["date"] in page and "责令整改" in page and "复查" in page
    others = [v for v in record["result"] if v["institution_id"] != first["institution_id"]]
    assert not [v for v in others if f"机构{v['institution_id'][1:]}" in page]  # only the one done
    # the team of the inspection is not named in the results notice
    assert "人员1、" not in page and "P1" not in page


def test_the_revealed_notice_names_every_inspection_and_team_after_the_month(cycle, tmp_path):
    root, data, ds, url, eng, _steps = cycle
    api_runner.reveal(ds, "2027-03", eng, today=dt.date(2027, 4, 1))
    made = _notice(data, url, "2027-03", "revealed", tmp_path / "rev", "2027-04-02")
    assert made.exit_code == 0, made.output
    page = (tmp_path / "rev" / "notice.html").read_text(encoding="utf-8")
    record = json.loads((root / "march" / "draw.json").read_text(encoding="utf-8"))
    for v in record["result"]:
        assert v["date"] in page
    names = {f"人员{p[1:]}" for v in record["result"] for p in v["inspector_ids"]}
    assert all(n in page for n in names)
    assert "tuoyu roster" not in page and 'id="sealed-record"' in page
    # the seed's drand round, produced 11:55 UTC, as the office reads it; never "UTC"
    assert "产生于 2023-09-15 19:55:00（北京时间）" in page and "UTC" not in page


def test_a_replan_of_the_official_draw_keeps_its_commitment_and_verifies(cycle, tmp_path):
    root, data, ds, url, eng, _steps = cycle
    record = json.loads((root / "march" / "draw.json").read_text(encoding="utf-8"))
    first = sorted(record["result"], key=lambda v: v["date"])[0]
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("institution_id,date,outcome,inspector_ids\n"
                        f"{first['institution_id']},{first['date']},pass,"
                        f"{';'.join(first['inspector_ids'])}\n", encoding="utf-8")
    api_runner.record_outcomes(outcomes, ds, eng, today=dt.date(2027, 4, 1))
    # the re-plan starts the day after the month's first inspection, whose outcome is
    # recorded (its cause); a fixed day could fall before every inspection of a draw
    from_date = dt.date.fromisoformat(first["date"]) + dt.timedelta(days=1)
    assert from_date.month == 3, "the tiny March draw has inspections after its first day"
    replan = params("2027-03").model_copy(update={"from_date": from_date})
    plan = api_runner.make_plan(ds, replan, engine=eng)
    api_runner.deliver(plan, tmp_path / "replan", dataset=ds, engine=eng)
    again = json.loads((tmp_path / "replan" / "draw.json").read_text(encoding="utf-8"))
    assert again["official"]["commitment"] == record["official"]["commitment"]
    assert again["seed"] == record["seed"] and again["replan"]["from_date"] == from_date.isoformat()
    out = verify(root, url, tmp_path / "replan")
    assert out.exit_code == 0, out.output
