"""Load on the service's read endpoints while a plan is being solved.

Starts the real app (uvicorn, 127.0.0.1 only, a free port, a temporary home), submits a job
(roster by default), and while it runs sends a bounded number of GET requests
(``/api/v1/datasets``, ``/api/v1/jobs``, ``/api/v1/jobs/{id}``) from a few threads; prints
requests per second and latency percentiles, then stops the service. Bounded by
``--requests`` and ``--seconds``, whichever comes first.

    .venv/bin/python benchmarks/bench_api_load.py [--requests 2000] [--seconds 20]
        [--threads 8] [--kind sessions|roster|siting]

Prints one table: the same requests on the idle service (the baseline) and while a plan
is solved, side by side.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

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
    "sessions": {"year": 2027, "from_date": None},
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(home: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "TUOYU_HOME": str(home),
           "TUOYU_DATABASE_URL": f"sqlite:///{home / 'tuoyu.sqlite'}"}
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


def run(base: str, kind: str | None, total: int, seconds: float,
        threads: int) -> dict[str, object]:
    """``total`` GETs from ``threads`` threads; with ``kind``, while a job of that kind
    is solved (submitted first), else on an idle service (the baseline)."""
    if kind is None:
        job_id = httpx.get(base + "/api/v1/jobs", timeout=30).json()[0]["id"]
    else:
        r = httpx.post(base + "/api/v1/jobs", json={"kind": kind, "dataset_id": "baoshan",
                                                    "params": PARAMS[kind]}, timeout=30)
        r.raise_for_status()
        job_id = r.json()["id"]
        for _ in range(200):  # measure while it is solved, not while it is queued
            if httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30).json()["status"] \
                    != "queued":
                break
            time.sleep(0.1)
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
        while time.monotonic() < deadline:
            with lock:
                if issued >= total:
                    break
                n = issued
                issued += 1
            url = urls[n % len(urls)]
            t0 = time.perf_counter()
            try:
                conn.request("GET", url)
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

    t0 = time.perf_counter()
    pool = [threading.Thread(target=worker, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - t0
    lat = sorted(latencies)
    final = httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30).json()
    return {
        "kind": kind or "idle", "job_id": job_id, "requests": len(lat), "seconds": elapsed,
        "rps": len(lat) / elapsed if elapsed else 0.0,
        "p50_ms": 1000 * pct(lat, 0.50), "p95_ms": 1000 * pct(lat, 0.95),
        "p99_ms": 1000 * pct(lat, 0.99), "max_ms": 1000 * (lat[-1] if lat else 0.0), "mean_ms": 1000 * statistics.fmean(lat) if lat else 0,
        "failures": failures,
        "while_running": sum(1 for s in statuses if s in ("queued", "running")),
        "job_polls": len(statuses), "job_status_after": final["status"],
    }


def wait_idle(base: str, job_id: str, limit: float = 600.0) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if httpx.get(f"{base}/api/v1/jobs/{job_id}", timeout=30).json()["status"] not in (
                "queued", "running"):
            return
        time.sleep(0.5)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=2000, help="at most this many requests")
    ap.add_argument("--seconds", type=float, default=20.0, help="at most this long")
    ap.add_argument("--threads", type=int, default=8)
    ap.add_argument("--kind", choices=sorted(PARAMS), default="sessions",
                    help="the job solved during the loaded run (sessions: the longest)")
    args = ap.parse_args(argv)
    home = Path(tempfile.mkdtemp(prefix="tuoyu_load_"))
    proc, base = start(home)
    rows = []
    try:
        loaded = run(base, args.kind, args.requests, args.seconds, args.threads)
        wait_idle(base, str(loaded["job_id"]))
        idle = run(base, None, args.requests, args.seconds, args.threads)
        rows = [idle, loaded]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(home, ignore_errors=True)
    print(f"service on {base} (loopback), {args.threads} threads, {os.cpu_count()} cores; "
          f"the same GETs (datasets, jobs, one job) on an idle service and while a "
          f"{args.kind} plan is solved")
    print("| run | requests | req/s | p50 ms | p95 ms | p99 ms | max ms | failures |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for r in rows:
        print(f"| {r['kind']} | {r['requests']} | {r['rps']:.0f} | {r['p50_ms']:.1f} | "
              f"{r['p95_ms']:.1f} | {r['p99_ms']:.1f} | {r['max_ms']:.1f} | "
              f"{r['failures'] or 'none'} |")
    print(f"job polls during the loaded run: {loaded['job_polls']}, of them while it was "
          f"running {loaded['while_running']}; afterwards: {loaded['job_status_after']}")
    return 1 if any(r["failures"] for r in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
