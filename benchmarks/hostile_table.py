"""The hardening issue's closing table: hostile and careless inputs tried on the command
line and the service, each classed by what happened.

    .venv/bin/python benchmarks/hostile_table.py            # the code installed
    git archive 4d29fc5 | tar -x -C /tmp/before && \\
        PYTHONPATH=/tmp/before .venv/bin/python benchmarks/hostile_table.py   # before

Classes of answer: **located error** (refused; the message names the place and what is
wrong), **traceback/5xx**, **misleading** (refused, but the message does not say what is
wrong, or says something else), **accepted silently** (done as if nothing were wrong),
**lost or mixed** (said done, but data was lost or files mixed), **handled as meant** (a
careless input with one clear meaning, done with that meaning: a month padded with
spaces). Prints one Markdown table: class | tried | located error | traceback/5xx |
misleading | accepted silently | lost or mixed | handled as meant. Worker deaths and a killed server are not tried here (they take minutes):
``tests/api/service/test_hostile_workers.py`` covers them.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ["TUOYU_TODAY"] = "2026-12-01"  # the same today before and after

KINDS = ("located error", "traceback/5xx", "misleading", "accepted silently", "lost or mixed",
         "handled as meant")


def bundled() -> Path:
    from tuoyu.data import BUNDLED

    return Path(BUNDLED)


def copy_with(tmp: Path, table: str, column: str, value: str) -> Path:
    folder = tmp / f"d{len(list(tmp.iterdir()))}"
    shutil.copytree(bundled(), folder)
    path = folder / table
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    rows[0][column] = value
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return folder


def zipped(folder: Path) -> bytes:
    buf = io.BytesIO()
    names = ("streets.csv", "calendar.csv", "institutions.csv", "inspectors.csv",
             "inspector_leave.csv", "conflicts.csv", "inspections.csv", "centers.csv",
             "guidance_staff.csv", "topics.csv", "events.csv", "staff_leave.csv")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n in names:
            if (folder / n).exists():
                zf.write(folder / n, "d/" + n)
    return buf.getvalue()


# ------------------------------------------------------------------ the command line

def cli(tmp: Path, args: list[str], words: str, stored: int | None = None) -> str:
    """Run ``tuoyu ARGS``: the class of what happened (``stored``: outcomes the store
    must hold when the command says it is done, else the data was lost)."""
    from typer.testing import CliRunner

    from tuoyu.api.cli import app

    url = f"sqlite:///{tmp / f's{len(list(tmp.iterdir()))}.sqlite'}"
    os.environ["TUOYU_DATABASE_URL"] = url
    out = tmp / f"out{len(list(tmp.iterdir()))}"
    if args[0] in ("roster", "sessions", "siting") and len(args) > 1 and args[1] != "verify":
        args = [*args, "--out", str(out), "--time-limit", "5"]
    result = CliRunner().invoke(app, args)
    text = result.output
    if "Traceback" in text or (result.exception is not None
                               and not isinstance(result.exception, SystemExit)):
        return "traceback/5xx"
    if result.exit_code == 0:
        if stored is not None:
            from sqlalchemy import func, select
            from sqlalchemy.orm import Session

            from tuoyu.api import store

            with Session(store.make_engine(url)) as s:
                held = s.scalar(select(func.count()).select_from(store.Outcome))
            if held != stored:
                return "lost or mixed"
        return "accepted silently"
    return "located error" if words in text else "misleading"


def outcomes(tmp: Path, *rows: str) -> list[str]:
    path = tmp / f"o{len(list(tmp.iterdir()))}.csv"
    path.write_text("institution_id,date,outcome,inspector_ids\n" + "\n".join(rows) + "\n",
                    encoding="utf-8")
    return ["inspections", "record", str(path)]


def cli_cases(tmp: Path) -> dict[str, list[tuple[str, Callable[[], str]]]]:
    ok = "JC002;JC003"

    def rec(words: str, *rows: str, stored: int | None = None) -> Callable[[], str]:
        return lambda: cli(tmp, outcomes(tmp, *rows), words, stored)

    def folder_as_file() -> str:
        (tmp / "f.csv").mkdir(exist_ok=True)
        return cli(tmp, ["inspections", "record", str(tmp / "f.csv")], "文件夹")

    def data(cmd: str, table: str, column: str, value: str, words: str,
             *more: str) -> Callable[[], str]:
        return lambda: cli(tmp, [cmd, "--data", str(copy_with(tmp, table, column, value)),
                                 *more], words)

    return {
        "outcomes recorded (10)": [
            ("blank team", rec("inspector_ids", "JG0001,2026-03-02,pass,")),
            ("team of one", rec("inspector_ids", "JG0001,2026-03-02,pass,JC002")),
            ("same inspector twice", rec("inspector_ids",
                                         "JG0001,2026-03-02,pass,JC002;JC002;JC003")),
            ("conflict of interest", rec("JC001", "JG0014,2026-03-02,pass,JC001;JC002")),
            ("dated 1900", rec("date", "JG0001,1900-03-02,pass," + ok)),
            ("before opening", rec("date", "JG0001,2015-03-02,pass," + ok)),
            ("a Sunday", rec("date", "JG0001,2026-03-01,pass," + ok)),
            ("a holiday", rec("date", "JG0001,2026-10-02,pass," + ok)),
            ("twice one visit", rec("第 3 行", "JG0001,2026-03-02,pass," + ok,
                                    "JG0001,2026-03-02,fail," + ok, stored=2)),
            ("a folder as the file", folder_as_file),
            ("pop_0_3=1e300", data("siting", "communities.csv", "pop_0_3", "1e300",
                                   "pop_0_3", "--no-network")),
        ],
        "names and dates in the data (4)": [
            ("newline in a center name", data("sessions", "centers.csv", "name",
                                              "友谊路1号\n(二楼)", "name", "--year", "2027")),
            ("tab in an inspector name", data("roster", "inspectors.csv", "name", "张\t三",
                                              "name", "--month", "2027-03")),
            ("direction mark in a name", data("roster", "institutions.csv", "name",
                                              "托育\u202e园", "name", "--month", "2027-03")),
            ("leave from 1900", data("roster", "inspector_leave.csv", "start", "1900-01-01",
                                     "start", "--month", "2027-03")),
            ("leave to 9999", data("roster", "inspector_leave.csv", "end", "9999-12-31",
                                   "end", "--month", "2027-03")),
        ],
    }


# ------------------------------------------------------------------ the service

def api(send: Callable[[Any], Any], refused: tuple[int, ...], words: str) -> str:
    try:
        r = send(SERVICE)
    except Exception:  # the test client re-raises what the app raised
        return "traceback/5xx"
    if r.status_code >= 500 or "Traceback" in r.text:
        return "traceback/5xx"
    if r.status_code < 400:
        return "accepted silently"
    if r.status_code not in refused:
        return "misleading"
    return "located error" if words in r.text else "misleading"


SERVICE: Any = None
JOBS = "/api/v1/jobs"
OUTCOMES = "/api/v1/datasets/baoshan/outcomes"


def padded_month() -> str:
    """" 2027-03 " means the month 2027-03 (the CLI and every route trim it alike): the
    answer is that month's notice, not a 404 (the issue's finding was the two disagreeing)."""
    r = SERVICE.get("/api/v1/datasets/baoshan/rosters/%202027-03%20/notice")
    if r.status_code >= 500 or "Traceback" in r.text:
        return "traceback/5xx"
    if r.status_code == 200 and "<title>2027-03 " in r.text:
        return "handled as meant"
    return "misleading"


def api_cases(tmp: Path) -> dict[str, list[tuple[str, Callable[[], str]]]]:
    def origin(value: str, method: str = "post", url: str = OUTCOMES, **kw: Any
               ) -> Callable[[], str]:
        """Refused by the origin rule (403), or passed on to the route (accepted)."""
        def run() -> str:
            r = getattr(SERVICE, method)(url, headers={"Origin": value}, **kw)
            if r.status_code >= 500:
                return "traceback/5xx"
            return "located error" if r.status_code == 403 else "accepted silently"
        return run

    def upload(data: bytes, words: str, name: str = "d.zip") -> Callable[[], str]:
        return lambda: api(lambda c: c.post("/api/v1/datasets", files={
            "file": (name, data, "application/zip")}), (413, 422), words)

    def job(words: str, **params: Any) -> Callable[[], str]:
        return lambda: api(lambda c: c.post(JOBS, json={
            "kind": "siting", "dataset_id": "baoshan", "params": params}), (422,), words)

    def short(send: Callable[[Any], Any]) -> Callable[[], str]:
        def run() -> str:
            r = send(SERVICE)
            if r.status_code >= 500:
                return "traceback/5xx"
            if r.status_code < 400:
                return "accepted silently"
            return "located error" if len(r.content) < 20_000 else "misleading"
        return run

    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as zf:
        for i in range(30_000):
            zf.writestr(f"d/x{i}.csv", b"")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            for _ in range(48):
                f.write(b"<c><v>1</v></c>" * 70_000)
    forged = bytearray(zipped(bundled()))
    at = forged.find(b"PK\x01\x02")
    while at != -1:
        forged[at + 24:at + 28] = (7).to_bytes(4, "little")
        at = forged.find(b"PK\x01\x02", at + 4)
    newline = zipped(copy_with(tmp, "institutions.csv", "name", "萌海豚1号\n(二楼)"))
    rows = [{"institution_id": "JG0001", "date": "2026-03-02", "outcome": "pass",
             "inspector_ids": ["JC002", "JC003"]}] * 2
    return {
        "writes from other local pages (3)": [
            ("port 9999", origin("http://localhost:9999", json={"rows": []})),
            ("port 3000", origin("http://localhost:3000", json={"rows": []})),
            ("https 8443", origin("https://localhost:8443", json={"rows": []})),
            ("upload from port 9999", origin("http://127.0.0.1:9999", url="/api/v1/datasets",
                                             files={"file": ("d.zip", b"x", "a/zip")})),
            ("cancel from port 9999", origin("http://localhost:9999", url=JOBS + "/x/cancel")),
            ("publish from port 9999", origin("http://localhost:9999",
                                              url=JOBS + "/x/publish")),
            ("Sec-Fetch-Site same-site", lambda: api(lambda c: c.post(
                OUTCOMES, json={"rows": []}, headers={"Sec-Fetch-Site": "same-site"}),
                (403,), "")),
            ("duplicate Host", lambda: api(lambda c: c.get("/api/v1/datasets", headers=[
                ("Host", "evil.example"), ("Host", "localhost")]), (400, 421), "")),
        ],
        "hostile uploads (4, 7)": [
            ("30,000 empty members", upload(many.getvalue(), "30000")),
            # (not a whole workbook: refused before too, as one that cannot be opened)
            ("xlsx bomb", upload(bomb.getvalue(), "d.xlsx", "d.xlsx")),
            ("forged size fields", upload(bytes(forged), "zip")),
            ("newline in a name", upload(newline, "name")),
        ],
        "lists and bodies (9, 10)": [
            ("200,000 unknown pins", short(lambda c: c.post(JOBS, json={
                "kind": "siting", "dataset_id": "baoshan",
                "params": {"pinned": [f"N{i}" for i in range(200_000)]}}))),
            ("duplicate pins", job("K0028", pinned=["K0028", "K0028"])),
            ("duplicate forbids", job("K0028", forbidden=["K0028", "K0028"])),
            ("outcomes twice for one visit", lambda: api(
                lambda c: c.post(OUTCOMES, json={"rows": rows}), (422,), "date")),
            ("month ' 2027-03 ' notice", padded_month),
        ],
    }


def main() -> int:
    global SERVICE
    from fastapi.testclient import TestClient

    from tuoyu.api.service.app import create_app
    from tuoyu.api.service.settings import Settings

    tmp = Path(tempfile.mkdtemp(prefix="tuoyu_hostile_"))
    counts: dict[str, Counter[str]] = {}
    lines: list[str] = []
    try:
        app = create_app(Settings(home=tmp / "home", database_url=None,
                                  bundled_data=bundled(), start_jobs=False))
        with TestClient(app, base_url="http://localhost") as SERVICE:
            cases = {**cli_cases(tmp), **api_cases(tmp)}
            for klass, tried in cases.items():
                counts[klass] = Counter()
                for name, run in tried:
                    try:
                        kind = run()
                    except Exception as exc:  # the code under test raised
                        kind = "traceback/5xx"
                        name += f" ({type(exc).__name__})"
                    counts[klass][kind] += 1
                    lines.append(f"  {klass} / {name}: {kind}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("\n".join(lines), file=sys.stderr)
    print("| class | tried | " + " | ".join(KINDS) + " |")
    print("|---|---:|" + "---:|" * len(KINDS))
    total: Counter[str] = Counter()
    for klass, c in counts.items():
        total.update(c)
        print(f"| {klass} | {sum(c.values())} | " + " | ".join(str(c[k]) for k in KINDS)
              + " |")
    print(f"| all | {sum(total.values())} | " + " | ".join(str(total[k]) for k in KINDS)
          + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
