"""Load on the service's read endpoints while a plan is being solved.

Starts the real app (uvicorn, 127.0.0.1 only, a free port, a temporary home), submits a job
(roster by default), and while it runs sends a bounded number of GET requests
(``/api/v1/datasets``, ``/api/v1/jobs``, ``/api/v1/jobs/{id}``) from a few threads; prints
requests per second and latency percentiles, then stops the service. Bounded by
``--requests`` and ``--seconds``, whichever comes first. The results are kept in
docs/service.md ("Reads while plans are made").

    .venv/bin/python benchmarks/bench_api_load.py [--requests 2000] [--seconds 20]
        [--threads 8] [--kind sessions|roster|siting] [--storm] [--before TREE]
        [--profile DIR]

Prints one table: the same requests on the idle service (the baseline) and while a plan
is solved, side by side. With ``--storm`` (the hardening issue's done-when) a third run
adds, at the same time as the plan, a 300,000-row outcomes upload (CSV, recorded) and
eight viewers (a token each) calling verify on a roster in loops; it reports the
upload's time and answer and the verify answers (200 done, 429 refused while busy).
The upload and the viewers run in a process of their own (at normal priority, like the
measuring client): in use they are other people's machines, and in the measuring
client's process they would take its interpreter lock from the measured requests.
``--before TREE`` first measures the service of another source tree (the code before a
change: ``git archive REV tuoyu | tar -x -C TREE``), then this one's, in one table;
``--profile DIR`` samples the service with py-spy (``pip install -e '.[bench]'``)
during each run and prints where its CPU went.
``--cli-record`` times ``tuoyu inspections record`` of the same 300,000 rows.
Every request then carries a token (the service is not open once tokens exist).
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import multiprocessing
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import httpx

SERVE = """
import sys
import uvicorn
from tuoyu.api.service.app import create_app
from tuoyu.api.service.settings import Settings
uvicorn.run(create_app(Settings(host="127.0.0.1")), host="127.0.0.1", port=int(sys.argv[1]),
            log_level="warning")
"""
PARAMS = {
    "roster": {"month": "2027-03", "seed": 42},
    "siting": {"years": "2027-2029", "classes_per_year": "5-8"},
    "sessions": {"year": 2027, "from_date": None, "time_limit": 900},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(home: Path, code: Path | None = None) -> tuple[subprocess.Popen, str]:
    """The service on a free loopback port; ``code``: a source tree of tuoyu to serve
    instead of this one (``--before``: the code before a change, put first on the path)."""
    port = free_port()
    env = {**os.environ, "TUOYU_HOME": str(home),
           "TUOYU_DATABASE_URL": f"sqlite:///{home / 'tuoyu.sqlite'}"}
    if code is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(code), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep)
    log = open(home / "server.log", "wb")  # noqa: SIM115 (lives as long as the service)
    proc = subprocess.Popen([sys.executable, "-c", SERVE, str(port)], env=env, cwd=str(home),
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the service stopped at start:\n" +
                             (home / "server.log").read_text(errors="replace"))
        try:
            if httpx.get(base + "/api/v1/health", timeout=2).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.terminate()
    raise SystemExit("the service did not answer within 60 s")


def pct(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


HEADERS: dict[str, str] = {}  # the admin token, with --storm


ROSTER_FILES = ("streets.csv", "calendar.csv", "institutions.csv", "inspectors.csv",
                "inspector_leave.csv", "conflicts.csv", "inspections.csv")


def big_district(folder: Path, copies: int = 8) -> Path:
    """The bundled roster tables with every institution ``copies`` times (new ids): a
    district with enough visits since each opening for 300,000 distinct outcomes."""
    from tuoyu.data import BUNDLED

    folder.mkdir(parents=True, exist_ok=True)
    for name in ROSTER_FILES:
        shutil.copy(Path(BUNDLED) / name, folder / name)
    head, *rows = (Path(BUNDLED) / "institutions.csv").read_text(encoding="utf-8").splitlines()
    many = [head] + [r if k == 0 else f"C{k}" + r for k in range(copies) for r in rows]
    (folder / "institutions.csv").write_text("\n".join(many) + "\n", encoding="utf-8")
    (folder / "inspections.csv").write_text("institution_id,date,outcome,inspector_ids\n",
                                            encoding="utf-8")
    return folder


def outcomes_csv(path: Path, rows: int, district: Path | None = None) -> int:
    """``rows`` outcomes of a district (the bundled data by default) that a planner
    could have recorded: working days from the institution's opening to 2026-11-30,
    teams of two free of conflicts, one per institution and day. Returns the rows
    written."""
    import csv
    import datetime as dt

    from tuoyu.data import BUNDLED
    from tuoyu.models.inspection import load_inspection_data, recusals

    data = load_inspection_data(district or BUNDLED)
    barred = recusals(data)
    people = [p.inspector_id for p in data.inspectors]
    days, day = [], dt.date(2026, 11, 30)
    while len(days) < 3000:
        if data.calendar.is_workday(day):
            days.append(day)
        day -= dt.timedelta(days=1)
    written = 0
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["institution_id", "date", "outcome", "inspector_ids"])
        for d_i, d in enumerate(days):
            for k, inst in enumerate(data.institutions):
                if written >= rows:
                    return written
                if inst.opened_on is not None and d < inst.opened_on:
                    continue
                team = [p for p in people[(d_i + k) % len(people):] + people
                        if (inst.institution_id, p) not in barred][:2]
                w.writerow([inst.institution_id, d.isoformat(), "pass", ";".join(team)])
                written += 1
    return written


def run(base: str, kind: str | None, total: int, seconds: float,
        threads: int, storm: dict[str, object] | None = None,
        spy: tuple[int, Path] | None = None, pid: int | None = None) -> dict[str, object]:
    """``total`` GETs from ``threads`` threads; with ``kind``, while a job of that kind
    is solved (submitted first), else on an idle service (the baseline). With ``storm``,
    the upload and the eight viewers run meanwhile from a process of their own (in use
    they are other people's machines, not this client's interpreter). ``spy``: (the
    service's pid, a file) to sample the service with py-spy during the run."""
    if kind is None:
        job_id = httpx.get(base + "/api/v1/jobs", timeout=30, headers=HEADERS).json()[0]["id"]
    else:
        r = httpx.post(base + "/api/v1/jobs", json={"kind": kind, "dataset_id": "baoshan",
                                                    "params": PARAMS[kind]}, timeout=30,
                       headers=HEADERS)
        r.raise_for_status()
        job_id = r.json()["id"]
        for _ in range(200):  # measure while it is solved, not while it is queued
            if httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30,
                         headers=HEADERS).json()["status"] != "queued":
                break
            time.sleep(0.1)
    ctx = multiprocessing.get_context("spawn")
    stop_storm, uploaded, results = ctx.Event(), ctx.Event(), ctx.Queue()
    storm_proc = None
    if storm is not None:
        storm_proc = ctx.Process(target=storm_process, name="tuoyu-bench-storm", args=(
            base, dict(HEADERS), {k: storm[k] for k in ("csv", "dataset", "roster", "viewers")},
            stop_storm, uploaded, results))
        storm_proc.start()
        results.get(timeout=120)  # "started": its upload is on its way
    sampler = profile_start(*spy) if spy is not None else None

    def more() -> bool:
        """Within --seconds; with a storm, also until its upload is recorded."""
        return time.monotonic() < deadline or bool(
            storm_proc is not None and not uploaded.is_set()
            and time.monotonic() < deadline + 900)
    urls = ["/api/v1/datasets", "/api/v1/jobs", f"/api/v1/jobs/{job_id}"]
    lock = threading.Lock()
    issued = 0
    latencies: list[float] = []
    failures: dict[str, int] = {}
    statuses: list[str] = []
    deadline = time.monotonic() + seconds

    host, port = base.removeprefix("http://").split(":")

    def worker() -> None:
        # the measuring client is the standard library's http.client on a kept-alive
        # connection: it shares the two cores with the service, so it should take little
        nonlocal issued
        conn = http.client.HTTPConnection(host, int(port), timeout=30)
        while more():
            with lock:
                if issued >= total:
                    break
                n = issued
                issued += 1
            url = urls[n % len(urls)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", url, headers=HEADERS)
                resp = conn.getresponse()
                body = resp.read()
                ok = resp.status == 200
                why = str(resp.status)
                if ok and url.endswith(job_id):
                    with lock:
                        statuses.append(json.loads(body)["status"])
            except (OSError, http.client.HTTPException) as e:
                ok, why = False, type(e).__name__
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
            dt = time.perf_counter() - t0
            with lock:
                latencies.append(dt)
                if not ok:
                    failures[why] = failures.get(why, 0) + 1
        conn.close()

    cpu0 = cpu_now(pid, storm_proc.pid if storm_proc is not None else None)
    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    cpu = {k: (v - cpu0[k]) / elapsed for k, v in cpu_now(
        pid, storm_proc.pid if storm_proc is not None else None).items()}
    profiled = profile_stop(sampler) if sampler is not None else None
    storm_out: dict[str, object] = {}
    if storm_proc is not None:
        uploaded.wait(900)
        stop_storm.set()
        storm_out = results.get(timeout=900)
        storm_proc.join(60)
    lat = sorted(latencies)
    final = httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30, headers=HEADERS).json()
    if kind is not None:  # measured while it ran: no need to wait for its end
        httpx.post(f"{base}/api/v1/jobs/{job_id}/cancel", timeout=30, headers=HEADERS)
    return {
        **storm_out,
        "kind": (kind or "idle") + (" + 300k outcomes + 8 verify" if storm else ""),
        "job_id": job_id, "requests": len(lat), "seconds": elapsed,
        "rps": len(lat) / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * pct(lat, 0.50), "p95_ms": 1000 * pct(lat, 0.95),
        "p99_ms": 1000 * pct(lat, 0.99), "max_ms": 1000 * (lat[-1] if lat else 0.0),
        "mean_ms": 1000 * statistics.fmean(lat) if lat else 0,
        "failures": failures, "profile": profiled, "cpu": cpu,
        "while_running": sum(1 for s in statuses if s in ("queued", "running")),
        "job_polls": len(statuses), "job_status_after": final["status"],
    }


def _proc_cpu(pid: int | None) -> float:
    """CPU seconds (user and system, every thread) of a process so far; 0 without one."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_now(service: int | None, storm: int | None) -> dict[str, float]:
    """CPU seconds so far: the service's process, this measuring client, the storm's
    process, and the whole machine's (every core busy, /proc/stat)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    busy = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # not idle, iowait
    t = os.times()
    return {"service": _proc_cpu(service), "client": t.user + t.system,
            "storm": _proc_cpu(storm), "machine": busy}


def storm_process(base: str, headers: dict[str, str], storm: dict[str, object],
                  stop: Any, uploaded: Any, results: Any) -> None:
    """The storm, in a process of its own: the outcomes upload (once) and eight viewers
    verifying in loops until ``stop``; puts "started", then what they were answered."""
    answers: dict[str, int] = {}
    out: dict[str, object] = {}
    lock = threading.Lock()

    def upload() -> None:
        t0 = time.perf_counter()
        try:
            with open(str(storm["csv"]), "rb") as f:
                r = httpx.post(f"{base}/api/v1/datasets/{storm['dataset']}/outcomes",
                               headers=headers,
                               files={"file": ("outcomes.csv", f, "text/csv")}, timeout=900)
            out["upload_answer"] = f"{r.status_code} {r.text[:80]}"
        except httpx.HTTPError as exc:
            out["upload_answer"] = f"{type(exc).__name__}: {exc}"
        out["upload_s"] = time.perf_counter() - t0
        uploaded.set()

    def viewer(token: str) -> None:
        with httpx.Client(timeout=600, headers={"Authorization": f"Bearer {token}"}) as c:
            while not stop.is_set():
                r = c.post(f"{base}/api/v1/jobs/{storm['roster']}/verify")
                with lock:
                    answers[str(r.status_code)] = answers.get(str(r.status_code), 0) + 1
                if r.status_code == 429:
                    time.sleep(0.2)

    threads = [threading.Thread(target=upload, daemon=True)] + [
        threading.Thread(target=viewer, args=(t,), daemon=True)
        for t in storm["viewers"]]  # type: ignore[attr-defined]
    for t in threads:
        t.start()
    results.put("started")
    for t in threads:
        t.join()
    out["verify_answers"] = dict(sorted(answers.items()))
    results.put(out)


def profile_start(pid: int, path: Path) -> subprocess.Popen | None:
    """py-spy sampling the service (every thread, on CPU only) into ``path``, collapsed
    stacks; None when py-spy is not installed (``pip install -e '.[bench]'``)."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        return None
    return subprocess.Popen([spy, "record", "--pid", str(pid), "--rate", "250", "--format",
                             "raw", "--nonblocking", "--output", str(path)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def profile_stop(proc: subprocess.Popen) -> str:
    """Stop the sampler: it writes its file on SIGINT."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        proc.kill()
    return str(proc.args[-1])  # type: ignore[index]


def profile_summary(path: str, top: int = 12) -> list[str]:
    """The functions the service spent its sampled CPU in (self and with callees), per
    thread kind: lines to print."""
    from collections import Counter

    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    threads: Counter[str] = Counter()
    samples = 0
    for line in Path(path).read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")
        samples += n
        threads[frames[0].split(" ")[0] if frames else "?"] += n
        own[frames[-1]] += n
        for f in set(frames[1:]):
            total[f] += n
    if not samples:
        return ["(no samples)"]
    lines = [f"{samples} samples; by thread: " + ", ".join(
        f"{t} {100 * n / samples:.0f}%" for t, n in threads.most_common(6))]
    lines += [f"  self {100 * n / samples:5.1f}%  {f}" for f, n in own.most_common(top)]
    lines += [f"  incl {100 * n / samples:5.1f}%  {f}" for f, n in total.most_common(top * 2)]
    return lines


def wait_idle(base: str, job_id: str, limit: float = 600.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30,
                     headers=HEADERS).json()["status"] not in ("queued", "running"):
            return
        time.sleep(0.5)


def prepare_storm(home: Path, rows: int) -> dict[str, object]:
    """Tokens (an admin for the measuring client, eight viewers) and the outcomes file."""
    from tuoyu.api.service import auth
    from tuoyu.api.store import make_engine, migrate

    url = f"sqlite:///{home / 'tuoyu.sqlite'}"
    migrate(url)
    eng = make_engine(url)
    _row, admin = auth.create_token(eng, "admin", "bench")
    viewers = [auth.create_token(eng, "viewer", f"viewer {i}")[1] for i in range(8)]
    eng.dispose()
    HEADERS["Authorization"] = f"Bearer {admin}"
    path = home / "outcomes.csv"
    district = big_district(home / "big")
    n = outcomes_csv(path, rows, district)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name in ROSTER_FILES:
            zf.write(district / name, "big/" + name)
    return {"viewers": viewers, "csv": path, "rows": n, "zip": buf.getvalue()}


def cli_record(rows: int) -> tuple[float, str]:
    """``tuoyu inspections record`` of ``rows`` outcomes into a fresh SQLite store."""
    home = Path(tempfile.mkdtemp(prefix="tuoyu_record_"))
    try:
        district = big_district(home / "big")
        n = outcomes_csv(home / "outcomes.csv", rows, district)
        env = {**os.environ, "TUOYU_DATABASE_URL": f"sqlite:///{home / 'store.sqlite'}",
               "TUOYU_TODAY": "2027-12-31"}
        t0 = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "tuoyu.api.cli", "inspections", "record",
                               str(home / "outcomes.csv"), "--data", str(district)], env=env,
                              capture_output=True, text=True, timeout=1800, check=False)
        took = time.perf_counter() - t0
        return took, f"{n} rows, exit {done.returncode}: {(done.stdout + done.stderr)[-120:]}"
    finally:
        shutil.rmtree(home, ignore_errors=True)


def measure(args: argparse.Namespace, code: Path | None, label: str,
            profile: Path | None) -> list[dict[str, object]]:
    """The idle, loaded (and storm) runs on one service started afresh (a new home),
    serving ``code`` (None: this tree)."""
    home = Path(tempfile.mkdtemp(prefix="tuoyu_load_"))
    storm = prepare_storm(home, args.outcome_rows) if args.storm else None
    proc, base = start(home, code)
    rows = []

    def spy(name: str) -> tuple[int, Path] | None:
        return None if profile is None else (proc.pid, profile / f"{label}-{name}.txt")
    try:
        # a roster made first: the idle run reads it, the storm's viewers verify it
        r = httpx.post(base + "/api/v1/jobs", headers=HEADERS, timeout=30, json={
            "kind": "roster", "dataset_id": "baoshan", "params": PARAMS["roster"]})
        roster = r.json()["id"]
        wait_idle(base, roster)
        if storm is not None:  # and the big district the outcomes are of
            storm["roster"] = roster
            r = httpx.post(base + "/api/v1/datasets", headers=HEADERS, timeout=600,
                           files={"file": ("big.zip", storm["zip"], "application/zip")})
            r.raise_for_status()
            storm["dataset"] = r.json()["id"]
        rows.append(run(base, None, args.requests, args.seconds, args.threads,
                        spy=spy("idle"), pid=proc.pid))
        rows.append(run(base, args.kind, args.requests, args.seconds, args.threads,
                        spy=spy(args.kind), pid=proc.pid))
        if storm is not None:
            wait_idle(base, str(rows[-1]["job_id"]), 60)  # its cancel, within the grace
            rows.append(run(base, args.kind, args.requests, args.seconds, args.threads,
                            storm, spy=spy("storm"), pid=proc.pid))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)
    for r in rows:
        r["code"] = label
        r["rows"] = storm["rows"] if storm is not None else None
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="at most this many requests")
    ap.add_argument("--seconds", type=float, default=20.0, help="at most this long")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--kind", choices=sorted(PARAMS), default="sessions",
                    help="the job solved during the loaded run (sessions: the longest)")
    ap.add_argument("--storm", action="store_true",
                    help="also a run with a 300,000-row outcomes upload and 8 viewers verifying")
    ap.add_argument("--outcome-rows", type=int, default=300_000)
    ap.add_argument("--cli-record", action="store_true",
                    help="also time 'tuoyu inspections record' of the outcome rows")
    ap.add_argument("--before", type=Path, default=None, metavar="TREE",
                    help="a source tree of the code before (git archive REV | tar -x -C "
                         "TREE): its service measured first, then this one's, in one table")
    ap.add_argument("--profile", type=Path, default=None, metavar="DIR",
                    help="sample the service with py-spy during each run (collapsed stacks "
                         "in DIR) and print where its CPU went")
    args = ap.parse_args(argv)
    if args.cli_record:
        took, said = cli_record(args.outcome_rows)
        print(f"tuoyu inspections record: {took:.1f} s ({said.strip()})")
    os.environ["TUOYU_TODAY"] = "2027-12-31"  # the bundled timeline's outcomes are "past"
    if args.profile is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
    load = [os.getloadavg()[0]]
    rows: list[dict[str, object]] = []
    if args.before is not None:
        rows += measure(args, args.before.resolve(), "before", args.profile)
        load.append(os.getloadavg()[0])
    rows += measure(args, None, "this" if args.before is not None else "", args.profile)
    load.append(os.getloadavg()[0])
    print(f"service on loopback, {args.threads} client threads, {os.cpu_count()} cores; "
          f"the same GETs (datasets, jobs, one job) on an idle service and while a "
          f"{args.kind} plan is solved; load average (1 min) at the start and after each "
          f"service: {', '.join(f'{x:.2f}' for x in load)}")
    print("| code | run | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['code'] or '-'} | {r['kind']} | {r['requests']} | {r['rps']:.0f} | "
              f"{r['p50_ms']:.1f} | {r['p95_ms']:.1f} | {r['p99_ms']:.1f} | "
              f"{r['max_ms']:.1f} | {r['failures'] or 'none'} |")
    print("\nCPU during each run, in cores busy (of 2): the service's process (its requests "
          "on the event loop and its thread pool), the measuring client, the storm's "
          "clients, and the rest of the machine (the plan and the heavy work at idle "
          "priority, and any other program)")
    print("| code | run | service | service ms / request | client | storm | rest |")
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        c = r["cpu"]
        rest = c["machine"] - c["service"] - c["client"] - c["storm"]
        print(f"| {r['code'] or '-'} | {r['kind']} | {c['service']:.2f} | "
              f"{1000 * c['service'] / r['rps'] if r['rps'] else 0:.2f} | {c['client']:.2f} | "
              f"{c['storm']:.2f} | {rest:.2f} |")
    for r in rows:
        if r["kind"] != "idle":
            print(f"{r['code']} {r['kind']}: job polls {r['job_polls']}, of them while it was "
                  f"running {r['while_running']}; afterwards: {r['job_status_after']}")
        if "upload_s" in r:
            print(f"{r['code']} outcomes upload ({r['rows']} rows): {r['upload_s']:.1f} s, "
                  f"answer {r.get('upload_answer')}; verify answers: "
                  f"{r.get('verify_answers')}")
    for r in rows:
        if r.get("profile") and Path(str(r["profile"])).is_file():
            print(f"\nprofile of the service, {r['code']} {r['kind']} ({r['profile']}):")
            print("\n".join(profile_summary(str(r["profile"]))))
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
